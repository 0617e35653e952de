//! The price of compute: a **base rate** per compute-hour that follows demand like EIP-1559's
//! base fee, and a contributor's rate derived from it.
//!
//! Every block the base rate moves toward the price at which utilisation (active sessions ÷
//! online session slots) sits at its target: up when the network is busier than the target,
//! down when idler, by at most `max_step` of itself per block, and never outside
//! `[min_rate, max_rate]`. The step is proportional to how far utilisation is from the target
//! (full → `+max_step`, empty → `−max_step`), as EIP-1559 scales its step by gas used.
//!
//! A contributor's rate is `base × tier multiplier × reputation multiplier`, where the reputation
//! multiplier runs linearly from 0.5 (score 0) through 1.0 (score ½, a newcomer) to 1.5 (score 1).

use crate::sessions::ComplexityTier;
use polkadot_sdk::sp_runtime::Perbill;

/// The parameters of the base-rate controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateParams {
	/// Utilisation the controller aims at.
	pub target: Perbill,
	/// Largest change per block, as a share of the current base rate.
	pub max_step: Perbill,
	/// The base rate never falls below this (per compute-hour).
	pub min_rate: u128,
	/// The base rate never rises above this (per compute-hour).
	pub max_rate: u128,
}

/// Utilisation: `active ÷ capacity`, saturating at 100 %. No capacity with demand counts as
/// full; no capacity and no demand as empty.
pub fn utilisation(active: u32, capacity: u32) -> Perbill {
	if capacity == 0 {
		return if active > 0 { Perbill::one() } else { Perbill::zero() };
	}
	Perbill::from_rational(active.min(capacity), capacity)
}

/// The next block's base rate.
pub fn next_base_rate(current: u128, active: u32, capacity: u32, params: &RateParams) -> u128 {
	let u = utilisation(active, capacity);
	let target = params.target;
	let (raising, distance, range) = if u >= target {
		(true, u.deconstruct() - target.deconstruct(), Perbill::one().deconstruct() - target.deconstruct())
	} else {
		(false, target.deconstruct() - u.deconstruct(), target.deconstruct())
	};
	// step share = max_step × distance / range (range 0 only when target is 0 % or 100 % and
	// utilisation sits on it: no move).
	let step_share =
		if range == 0 { Perbill::zero() } else { Perbill::from_rational(distance, range) * params.max_step };
	let step = step_share.mul_floor(current);
	let next = if raising {
		current.saturating_add(step.max(if distance > 0 { 1 } else { 0 }))
	} else {
		current.saturating_sub(step)
	};
	next.clamp(params.min_rate, params.max_rate)
}

/// The rate multiplier of a reputation score: 0.5 + score, as a share of 2 so it fits `Perbill`
/// (returns `(0.5 + score) / 2`; callers multiply by 2).
fn half_reputation_multiplier(score: Perbill) -> Perbill {
	Perbill::from_parts(Perbill::from_percent(25).deconstruct() + score.deconstruct() / 2)
}

/// A contributor's rate per compute-hour: `base × tier × (0.5 + reputation)`.
pub fn contributor_rate(base: u128, tier: ComplexityTier, reputation: Perbill) -> u128 {
	let tiered = base.saturating_mul(u128::from(tier.multiplier()));
	half_reputation_multiplier(reputation).mul_floor(tiered).saturating_mul(2)
}

/// What `seconds` of compute cost at `rate_per_hour`, rounded down (the contributor's pay).
pub fn cost_of_seconds(rate_per_hour: u128, seconds: u64) -> u128 {
	rate_per_hour.saturating_mul(u128::from(seconds)) / 3_600
}

/// The escrow that covers `seconds` at `rate_per_hour`, rounded up (so it always covers the pay
/// computed with [`cost_of_seconds`]).
pub fn escrow_for_seconds(rate_per_hour: u128, seconds: u64) -> u128 {
	rate_per_hour.saturating_mul(u128::from(seconds)).div_ceil(3_600)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const P: RateParams = RateParams {
		target: Perbill::from_percent(60),
		max_step: Perbill::from_parts(125_000_000),
		min_rate: 1_000,
		max_rate: 1_000_000_000,
	};

	#[test]
	fn full_network_raises_by_the_max_step() {
		assert_eq!(next_base_rate(1_000_000, 10, 10, &P), 1_125_000);
	}

	#[test]
	fn empty_network_lowers_by_the_max_step() {
		assert_eq!(next_base_rate(1_000_000, 0, 10, &P), 875_000);
	}

	#[test]
	fn on_target_the_rate_holds() {
		assert_eq!(next_base_rate(1_000_000, 6, 10, &P), 1_000_000);
	}

	#[test]
	fn the_rate_stays_within_bounds() {
		assert_eq!(next_base_rate(P.max_rate, 10, 10, &P), P.max_rate);
		assert_eq!(next_base_rate(P.min_rate, 0, 10, &P), P.min_rate);
	}

	#[test]
	fn reputation_scales_the_rate_from_half_to_one_and_a_half() {
		assert_eq!(contributor_rate(1_000, ComplexityTier::Light, Perbill::zero()), 500);
		assert_eq!(contributor_rate(1_000, ComplexityTier::Light, Perbill::from_percent(50)), 1_000);
		assert_eq!(contributor_rate(1_000, ComplexityTier::Heavy, Perbill::one()), 6_000);
	}

	#[test]
	fn escrow_covers_pay() {
		assert_eq!(cost_of_seconds(3_601, 1), 1);
		assert_eq!(escrow_for_seconds(3_601, 1), 2);
	}

	proptest! {
		#[test]
		fn the_rate_moves_toward_the_target_by_at_most_the_step(
			current in P.min_rate..=P.max_rate, active in 0u32..200, capacity in 0u32..200,
		) {
			let next = next_base_rate(current, active, capacity, &P);
			prop_assert!((P.min_rate..=P.max_rate).contains(&next));
			let max_move = P.max_step.mul_floor(current).max(1);
			prop_assert!(next.abs_diff(current) <= max_move);
			let u = utilisation(active, capacity);
			if u > P.target { prop_assert!(next >= current); }
			if u < P.target { prop_assert!(next <= current); }
		}

		#[test]
		fn escrow_always_covers_the_pay_for_fewer_seconds(rate in 0u128..1u128 << 80, max in 0u64..1 << 32, used in 0u64..1 << 32) {
			let used = used.min(max);
			prop_assert!(cost_of_seconds(rate, used) <= escrow_for_seconds(rate, max));
		}
	}
}
