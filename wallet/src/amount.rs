//! PGT amounts as people write them ("10", "0.25") and as the chain counts them (12 decimals).

use anyhow::{bail, Context, Result};

/// PGT's decimals.
pub const DECIMALS: u32 = 12;
/// One PGT in the smallest unit.
pub const ONE: u64 = 10u64.pow(DECIMALS);

/// Parses a decimal PGT amount into the smallest unit (at most 12 decimals, below 2^64 units).
pub fn parse(s: &str) -> Result<u64> {
	let s = s.trim();
	let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
	if whole.is_empty() && frac.is_empty() || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
		bail!("not an amount: {s:?} (write PGT like 10 or 0.25)");
	}
	if frac.len() > DECIMALS as usize {
		bail!("{s}: PGT has only {DECIMALS} decimals");
	}
	let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().with_context(|| format!("{s}: too large"))? };
	let frac_units: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<12}").parse().expect("12 digits fit u64") };
	whole
		.checked_mul(ONE)
		.and_then(|w| w.checked_add(frac_units))
		.with_context(|| format!("{s} PGT is more than one note can hold"))
}

/// `units` as a decimal PGT amount ("4", "0.25").
pub fn format(units: u128) -> String {
	let one = u128::from(ONE);
	let (whole, frac) = (units / one, units % one);
	if frac == 0 {
		whole.to_string()
	} else {
		format!("{whole}.{}", format!("{frac:012}").trim_end_matches('0'))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_parse_and_print() {
		assert_eq!(parse("10").unwrap(), 10 * ONE);
		assert_eq!(parse("0.25").unwrap(), ONE / 4);
		assert_eq!(parse(".5").unwrap(), ONE / 2);
		assert_eq!(parse("0.000000000001").unwrap(), 1);
		assert_eq!(format(u128::from(parse("3.5").unwrap())), "3.5");
		assert_eq!(format(4 * u128::from(ONE)), "4");
		assert_eq!(format(0), "0");
		for bad in ["", ".", "1.2.3", "-1", "1e3", "0.0000000000001", "99999999"] {
			assert!(parse(bad).is_err(), "{bad:?}");
		}
	}
}
