//! Units of PGT, the native token.
//!
//! PGT has [`DECIMALS`] decimals: one PGT is `10^12` of the smallest unit (a *planck*, as on
//! Polkadot). Wallets learn this from the chain properties `tokenSymbol` and `tokenDecimals`.

use crate::Balance;

/// Ticker of the native token, shown by wallets.
pub const TOKEN_SYMBOL: &str = "PGT";

/// Number of decimals of PGT.
pub const DECIMALS: u8 = 12;

/// One PGT in plancks.
pub const PGT: Balance = 10u128.pow(DECIMALS as u32);

/// One thousandth of a PGT.
pub const MILLI_PGT: Balance = PGT / 1_000;

/// One millionth of a PGT.
pub const MICRO_PGT: Balance = PGT / 1_000_000;

/// The smallest balance an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_PGT;

/// Formats a balance in plancks as a decimal PGT amount, e.g. `1.5 PGT`, for logs and CLIs.
///
/// Trailing zeros of the fraction are dropped; the integer part is never abbreviated.
pub fn format_pgt(amount: Balance) -> FormattedPgt {
	FormattedPgt(amount)
}

/// A balance that displays as PGT; see [`format_pgt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormattedPgt(pub Balance);

impl core::fmt::Display for FormattedPgt {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		let whole = self.0 / PGT;
		let frac = self.0 % PGT;
		if frac == 0 {
			return write!(f, "{whole} {TOKEN_SYMBOL}");
		}
		let mut digits = [0u8; DECIMALS as usize];
		let mut rest = frac;
		for d in digits.iter_mut().rev() {
			*d = b'0' + (rest % 10) as u8;
			rest /= 10;
		}
		let mut len = digits.len();
		while len > 0 && digits[len - 1] == b'0' {
			len -= 1;
		}
		// Only ASCII digits were written above.
		let frac_str = core::str::from_utf8(&digits[..len]).map_err(|_| core::fmt::Error)?;
		write!(f, "{whole}.{frac_str} {TOKEN_SYMBOL}")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_pgt_has_twelve_decimals() {
		assert_eq!(PGT, 1_000_000_000_000);
		assert_eq!(MILLI_PGT * 1_000, PGT);
		assert_eq!(MICRO_PGT * 1_000_000, PGT);
	}

	#[test]
	fn formats_whole_and_fractional_amounts() {
		assert_eq!(format_pgt(0).to_string(), "0 PGT");
		assert_eq!(format_pgt(10 * PGT).to_string(), "10 PGT");
		assert_eq!(format_pgt(PGT + PGT / 2).to_string(), "1.5 PGT");
		assert_eq!(format_pgt(1).to_string(), "0.000000000001 PGT");
		assert_eq!(format_pgt(Balance::MAX).to_string(), "340282366920938463463374607.431768211455 PGT");
	}
}
