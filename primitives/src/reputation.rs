//! Reputation: a discounted Beta estimate of how often a contributor's work turns out right.
//!
//! The model is the one Acurast keeps on chain for its processors: every outcome of a job is
//! either a success or a failure, and the score is the mean of a Beta(α, β) posterior
//!
//! ```text
//!             α + 1
//! score = ─────────────          (a newcomer with no history scores ½)
//!           α + β + 2
//! ```
//!
//! where α and β are the **weighted, decayed** counts of successes and failures. Before an
//! outcome of weight `w` (in [`WEIGHT_UNIT`]s) is added both counts are multiplied by `λʷ`
//! (λ < 1), so old behaviour fades as new work of the same total weight arrives, however it is
//! cut up: a contributor that turns bad loses its score in a bounded amount of work, and a
//! hundred one-second successes fade a failure no more than one 100-second success. Each outcome
//! carries a weight that says how much it should count: an hour of audited work counts as one
//! unit, a five-minute window as 1/12, and a caught cheat as several.
//!
//! All arithmetic is integer (parts per million), so the runtime and off-chain code compute the
//! same score bit for bit.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{traits::Saturating, Perbill};
use scale_info::TypeInfo;

/// One unit of outcome weight: a success or failure "worth" one reference job (one hour of
/// served session time).
pub const WEIGHT_UNIT: u64 = 1_000_000;

/// The most one outcome may weigh (so one huge session cannot buy a perfect score).
pub const MAX_OUTCOME_WEIGHT: u64 = 4 * WEIGHT_UNIT;

/// The result of one piece of work, as the sessions (and later the work-verification) pallet
/// reports it.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct Outcome {
	/// Whether the work was delivered and verified.
	pub success: bool,
	/// How much it counts, in [`WEIGHT_UNIT`]s (capped at [`MAX_OUTCOME_WEIGHT`]).
	pub weight: u64,
}

impl Outcome {
	/// A success worth `weight` units.
	pub const fn success(weight: u64) -> Self {
		Self { success: true, weight }
	}
	/// A failure worth `weight` units.
	pub const fn failure(weight: u64) -> Self {
		Self { success: false, weight }
	}
	/// The weight of serving `seconds` of a session: one unit per hour, at least 1/1000 of a
	/// unit so even a short session counts a little.
	pub fn weight_of_seconds(seconds: u64) -> u64 {
		(seconds.saturating_mul(WEIGHT_UNIT) / 3_600).clamp(WEIGHT_UNIT / 1_000, MAX_OUTCOME_WEIGHT)
	}
}

/// A contributor's reputation: the decayed, weighted counts of successes (α) and failures (β),
/// in [`WEIGHT_UNIT`]s.
#[derive(
	Clone, Copy, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct BetaReputation {
	/// Decayed, weighted successes (α), in [`WEIGHT_UNIT`]s.
	pub successes: u64,
	/// Decayed, weighted failures (β), in [`WEIGHT_UNIT`]s.
	pub failures: u64,
}

impl BetaReputation {
	/// The score in [0, 1]: `(α + 1) / (α + β + 2)`.
	pub fn score(&self) -> Perbill {
		let num = u128::from(self.successes) + u128::from(WEIGHT_UNIT);
		let den = u128::from(self.successes) + u128::from(self.failures) + 2 * u128::from(WEIGHT_UNIT);
		// num ≤ den always, and den ≥ 2 units, so the ratio is well defined.
		Perbill::from_rational(num, den)
	}

	/// Adds one outcome: both counts decay by `discount` (λ) raised to the outcome's weight in
	/// units ([`decay_for`]), then the weight (capped at [`MAX_OUTCOME_WEIGHT`]) is added to one
	/// of them.
	pub fn record(&mut self, outcome: Outcome, discount: Perbill) {
		let weight = outcome.weight.min(MAX_OUTCOME_WEIGHT);
		let decay = decay_for(discount, weight);
		self.successes = decay.mul_floor(self.successes);
		self.failures = decay.mul_floor(self.failures);
		if outcome.success {
			self.successes = self.successes.saturating_add(weight);
		} else {
			self.failures = self.failures.saturating_add(weight);
		}
	}

	/// The total weight of evidence (α + β): how much the score can be trusted.
	pub fn evidence(&self) -> u64 {
		self.successes.saturating_add(self.failures)
	}
}

/// `λʷ` for a weight `w` in [`WEIGHT_UNIT`]s: λ to the whole units, times `1 − (1 − λ)·f` for the
/// fraction `f` (the chord of `λᶠ`, a hair above it), so splitting work into pieces never decays
/// more than doing it at once.
pub fn decay_for(discount: Perbill, weight: u64) -> Perbill {
	let whole = (weight / WEIGHT_UNIT).min(u64::from(u32::MAX)) as usize;
	let fraction = weight % WEIGHT_UNIT;
	let mut decay = discount.saturating_pow(whole);
	let lost = Perbill::one().saturating_sub(discount);
	let part = Perbill::from_rational(fraction, WEIGHT_UNIT) * lost;
	decay = decay * Perbill::one().saturating_sub(part);
	decay
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const LAMBDA: Perbill = Perbill::from_percent(98);

	#[test]
	fn newcomer_scores_one_half() {
		assert_eq!(BetaReputation::default().score(), Perbill::from_percent(50));
	}

	#[test]
	fn successes_raise_and_failures_lower_the_score() {
		let mut r = BetaReputation::default();
		r.record(Outcome::success(WEIGHT_UNIT), LAMBDA);
		let after_success = r.score();
		assert!(after_success > Perbill::from_percent(50));
		r.record(Outcome::failure(WEIGHT_UNIT), LAMBDA);
		assert!(r.score() < after_success);
	}

	#[test]
	fn old_behaviour_fades() {
		// 200 good hours, then the contributor turns bad: within 60 failures its score is below ½.
		let mut r = BetaReputation::default();
		for _ in 0..200 {
			r.record(Outcome::success(WEIGHT_UNIT), LAMBDA);
		}
		assert!(r.score() > Perbill::from_percent(95));
		let mut failures = 0;
		while r.score() >= Perbill::from_percent(50) {
			r.record(Outcome::failure(WEIGHT_UNIT), LAMBDA);
			failures += 1;
		}
		assert!(failures <= 60, "took {failures} failures");
	}

	#[test]
	fn one_outcome_weighs_at_most_the_cap() {
		let mut a = BetaReputation::default();
		let mut b = BetaReputation::default();
		a.record(Outcome::success(u64::MAX), LAMBDA);
		b.record(Outcome::success(MAX_OUTCOME_WEIGHT), LAMBDA);
		assert_eq!(a, b);
	}

	#[test]
	fn decay_follows_the_weight() {
		assert_eq!(decay_for(LAMBDA, 0), Perbill::one());
		assert_eq!(decay_for(LAMBDA, WEIGHT_UNIT), LAMBDA);
		assert_eq!(decay_for(LAMBDA, 2 * WEIGHT_UNIT), LAMBDA * LAMBDA);
		// Half a unit: the chord, 1 − 0.02 / 2.
		assert_eq!(decay_for(LAMBDA, WEIGHT_UNIT / 2), Perbill::from_percent(99));
		// Cut into pieces, the same work never decays more than at once (to rounding).
		for pieces in [2u64, 10, 100] {
			let piece = 3 * WEIGHT_UNIT / pieces;
			let mut cut = Perbill::one();
			for _ in 0..pieces {
				cut = cut * decay_for(LAMBDA, piece);
			}
			assert!(cut.deconstruct() + 100 >= decay_for(LAMBDA, 3 * WEIGHT_UNIT).deconstruct(), "{pieces} pieces");
		}
	}

	/// Attack: after a slash (a heavy failure), a hundred tiny successes (one second of work
	/// each) used to decay the failure by λ each time and wash it out.
	#[test]
	fn many_tiny_successes_do_not_wash_a_failure_away() {
		let mut r = BetaReputation::default();
		for _ in 0..20 {
			r.record(Outcome::success(WEIGHT_UNIT), LAMBDA);
		}
		r.record(Outcome::failure(MAX_OUTCOME_WEIGHT), LAMBDA);
		let failures = r.failures;
		for _ in 0..100 {
			r.record(Outcome::success(Outcome::weight_of_seconds(1)), LAMBDA);
		}
		// 100 × 1/1,000 of a unit: the failure keeps more than 99.7 % of its weight (it used to
		// keep 0.98^100 ≈ 13 %).
		assert!(r.failures * 1_000 > failures * 997, "{} of {failures}", r.failures);
	}

	#[test]
	fn session_seconds_weigh_one_unit_per_hour() {
		assert_eq!(Outcome::weight_of_seconds(3_600), WEIGHT_UNIT);
		assert_eq!(Outcome::weight_of_seconds(1_800), WEIGHT_UNIT / 2);
		assert_eq!(Outcome::weight_of_seconds(0), WEIGHT_UNIT / 1_000);
		assert_eq!(Outcome::weight_of_seconds(u64::MAX), MAX_OUTCOME_WEIGHT);
	}

	proptest! {
		#[test]
		fn score_stays_in_bounds_and_moves_the_right_way(
			history in proptest::collection::vec((any::<bool>(), 0..MAX_OUTCOME_WEIGHT * 2), 0..300),
			next_success in any::<bool>(),
			next_weight in 1..MAX_OUTCOME_WEIGHT,
		) {
			let mut r = BetaReputation::default();
			for (success, weight) in history {
				r.record(Outcome { success, weight }, LAMBDA);
			}
			r.record(Outcome { success: next_success, weight: next_weight }, LAMBDA);
			let after = r.score();
			prop_assert!(after <= Perbill::one());
			// Decay pulls towards ½, so compare against the decayed-only score.
			let mut decayed = r;
			decayed.successes = r.successes.saturating_sub(if next_success { next_weight.min(MAX_OUTCOME_WEIGHT) } else { 0 });
			decayed.failures = r.failures.saturating_sub(if next_success { 0 } else { next_weight.min(MAX_OUTCOME_WEIGHT) });
			if next_success { prop_assert!(after >= decayed.score()); } else { prop_assert!(after <= decayed.score()); }
		}
	}
}
