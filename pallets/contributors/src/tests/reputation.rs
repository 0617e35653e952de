//! Outcomes, reputation, badges, tiers and the leaderboard.

use super::*;

#[test]
fn outcomes_move_reputation_and_are_reported() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		assert_eq!(Contributors::reputation(account(BOB)), Perbill::from_percent(50));
		Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 3_600);
		let up = Contributors::reputation(account(BOB));
		assert!(up > Perbill::from_percent(50));
		System::assert_has_event(event(ContributorsEvent::ReputationUpdated {
			who: account(BOB),
			success: true,
			score: up,
		}));
		Contributors::record_outcome(&account(BOB), Outcome::failure(WEIGHT_UNIT), 0);
		let down = Contributors::reputation(account(BOB));
		assert!(down < up);
		System::assert_has_event(event(ContributorsEvent::ReputationUpdated {
			who: account(BOB),
			success: false,
			score: down,
		}));
		let stats = info(BOB).stats;
		assert_eq!((stats.successes, stats.failures, stats.streak, stats.verified_seconds), (1, 1, 0, 3_600));
		// Unknown accounts are ignored.
		Contributors::record_outcome(&account(CHARLIE), Outcome::success(WEIGHT_UNIT), 10);
		assert!(crate::Registry::<Test>::get(account(CHARLIE)).is_none());
	});
}

#[test]
fn verified_work_earns_badges_and_tiers() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 600);
		System::assert_has_event(event(ContributorsEvent::BadgeEarned {
			who: account(BOB),
			badge: Badge::FirstSession,
		}));
		System::assert_has_event(event(ContributorsEvent::TierChanged {
			who: account(BOB),
			from: Tier::Newcomer,
			to: Tier::Bronze,
		}));
		for _ in 0..10 {
			Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 3_600);
		}
		let i = info(BOB);
		assert_eq!(i.tier, Tier::Silver);
		// Ten in a row came before the tenth hour.
		assert_eq!(i.badges.to_vec(), vec![Badge::FirstSession, Badge::TenClean, Badge::TenHours]);
		System::assert_has_event(event(ContributorsEvent::BadgeEarned { who: account(BOB), badge: Badge::TenHours }));
		System::assert_has_event(event(ContributorsEvent::TierChanged {
			who: account(BOB),
			from: Tier::Bronze,
			to: Tier::Silver,
		}));
		// Failures can cost the tier, never a badge.
		for _ in 0..30 {
			Contributors::record_outcome(&account(BOB), Outcome::failure(WEIGHT_UNIT), 0);
		}
		let i = info(BOB);
		assert_eq!(i.tier, Tier::Bronze);
		assert_eq!(i.badges.len(), 3);
	});
}

#[test]
fn the_leaderboard_keeps_the_top_by_verified_hours() {
	new_test_ext().execute_with(|| {
		for n in [BOB, CHARLIE, DAVE, EVE] {
			register(n, 1);
		}
		Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 100);
		Contributors::record_outcome(&account(CHARLIE), Outcome::success(WEIGHT_UNIT), 300);
		Contributors::record_outcome(&account(DAVE), Outcome::success(WEIGHT_UNIT), 200);
		Contributors::record_outcome(&account(EVE), Outcome::success(WEIGHT_UNIT), 50);
		// Size 3: Eve does not make it.
		assert_eq!(
			Contributors::leaderboard(),
			vec![(account(CHARLIE), 300), (account(DAVE), 200), (account(BOB), 100)]
		);
		Contributors::record_outcome(&account(EVE), Outcome::success(WEIGHT_UNIT), 400);
		assert_eq!(
			Contributors::leaderboard(),
			vec![(account(EVE), 450), (account(CHARLIE), 300), (account(DAVE), 200)]
		);
		Contributors::record_outcome(&account(DAVE), Outcome::success(WEIGHT_UNIT), 1_000);
		assert_eq!(Contributors::leaderboard()[0], (account(DAVE), 1_200));
		assert_eq!(Contributors::leaderboard().len(), 3);
	});
}

#[test]
fn withdrawing_leaves_the_leaderboard() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 100);
		assert_ok!(Contributors::unregister(origin(BOB)));
		run_to(1 + UNBONDING);
		assert_ok!(Contributors::withdraw_stake(origin(BOB)));
		assert!(Contributors::leaderboard().is_empty());
	});
}

/// Attack: many tiny pieces of work used to count one each towards a streak (and tiers and
/// badges that need one); a streak now counts the weight of the work.
#[test]
fn a_streak_counts_the_weight_of_work_not_calls() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		for _ in 0..100 {
			Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT / 1_000), 1);
		}
		assert_eq!(info(BOB).stats.streak, 100 * (WEIGHT_UNIT / 1_000));
		assert!(!info(BOB).badges.contains(&Badge::TenClean));
		for _ in 0..10 {
			Contributors::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 3_600);
		}
		assert!(info(BOB).badges.contains(&Badge::TenClean));
		// A failure ends the streak.
		Contributors::record_outcome(&account(BOB), Outcome::failure(WEIGHT_UNIT), 0);
		assert_eq!(info(BOB).stats.streak, 0);
	});
}
