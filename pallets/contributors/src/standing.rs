//! The rules that turn verified work and reputation into a tier and badges. Pure functions, so
//! they can be read (and tested) on their own.

use crate::types::{Badge, Stats, Tier};
use pgt_primitives::reputation::{BetaReputation, WEIGHT_UNIT};

/// A streak of `hours` hours of work, in reputation weight units.
const fn streak_hours(hours: u64) -> u64 {
	hours * WEIGHT_UNIT
}
use polkadot_sdk::sp_runtime::Perbill;

const HOUR: u64 = 3_600;

/// The tier that `stats` and `reputation` earn.
pub fn tier_for(stats: &Stats, reputation: &BetaReputation) -> Tier {
	let hours = stats.verified_seconds / HOUR;
	let score = reputation.score();
	if hours >= 1_000 && score >= Perbill::from_percent(90) && stats.streak >= streak_hours(50) {
		Tier::Platinum
	} else if hours >= 100 && score >= Perbill::from_percent(75) && stats.streak >= streak_hours(10) {
		Tier::Gold
	} else if hours >= 10 && score >= Perbill::from_percent(60) {
		Tier::Silver
	} else if stats.successes >= 1 {
		Tier::Bronze
	} else {
		Tier::Newcomer
	}
}

/// Every badge that `stats` and `reputation` qualify for (held or not).
pub fn badges_for(stats: &Stats, reputation: &BetaReputation) -> impl Iterator<Item = Badge> {
	let hours = stats.verified_seconds / HOUR;
	let trusted = reputation.score() >= Perbill::from_percent(90) && reputation.evidence() >= 20 * WEIGHT_UNIT;
	[
		(Badge::FirstSession, stats.successes >= 1),
		(Badge::TenHours, hours >= 10),
		(Badge::HundredHours, hours >= 100),
		(Badge::ThousandHours, hours >= 1_000),
		(Badge::TenClean, stats.streak >= streak_hours(10)),
		(Badge::HundredClean, stats.streak >= streak_hours(100)),
		(Badge::Trusted, trusted),
	]
	.into_iter()
	.filter_map(|(badge, earned)| earned.then_some(badge))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn stats(hours: u64, successes: u32, streak_hours: u64) -> Stats {
		Stats { verified_seconds: hours * HOUR, successes, failures: 0, streak: streak_hours * WEIGHT_UNIT }
	}

	fn reputation(score_percent: u64) -> BetaReputation {
		// (s + 1) / (s + f + 2) with s + f = 100 units.
		let s = score_percent * 102 / 100 - 1;
		BetaReputation { successes: s * WEIGHT_UNIT, failures: (100 - s) * WEIGHT_UNIT }
	}

	#[test]
	fn tiers_need_hours_reputation_and_streak() {
		assert_eq!(tier_for(&stats(0, 0, 0), &reputation(50)), Tier::Newcomer);
		assert_eq!(tier_for(&stats(0, 1, 1), &reputation(50)), Tier::Bronze);
		assert_eq!(tier_for(&stats(10, 5, 5), &reputation(61)), Tier::Silver);
		assert_eq!(tier_for(&stats(10, 5, 5), &reputation(55)), Tier::Bronze);
		assert_eq!(tier_for(&stats(100, 50, 10), &reputation(80)), Tier::Gold);
		assert_eq!(tier_for(&stats(100, 50, 9), &reputation(80)), Tier::Silver);
		assert_eq!(tier_for(&stats(1_000, 500, 50), &reputation(95)), Tier::Platinum);
	}

	#[test]
	fn badges_follow_milestones() {
		let earned: Vec<_> = badges_for(&stats(100, 120, 100), &reputation(95)).collect();
		assert_eq!(
			earned,
			vec![
				Badge::FirstSession,
				Badge::TenHours,
				Badge::HundredHours,
				Badge::TenClean,
				Badge::HundredClean,
				Badge::Trusted
			]
		);
		assert_eq!(badges_for(&stats(0, 0, 0), &BetaReputation::default()).count(), 0);
	}
}
