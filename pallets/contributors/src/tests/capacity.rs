//! What counts as capacity for the rate, and the attack on it: declaring slots nobody backs, or
//! idling, to drive the base rate down for everyone.

use super::*;

/// Attack: one contributor declares 65,535 slots at the minimum stake; utilisation would fall to
/// nothing and the base rate to its floor for every contributor.
#[test]
fn slots_must_be_backed_by_stake() {
	new_test_ext().execute_with(|| {
		use crate::config_preludes::STAKE_PER_SLOT;
		assert_noop!(Contributors::register(origin(BOB), profile(u16::MAX), MIN_STAKE), Error::<Test>::StakeBelowSlots);
		// The minimum stake backs 8 slots; the 9th needs more.
		register(BOB, 8);
		assert_noop!(Contributors::update_profile(origin(BOB), profile(9)), Error::<Test>::StakeBelowSlots);
		assert_ok!(Contributors::bond_extra(origin(BOB), STAKE_PER_SLOT));
		assert_ok!(Contributors::update_profile(origin(BOB), profile(9)));
		assert_eq!(Contributors::backed_slots(&info(BOB)), 9);
	});
}

#[test]
fn only_backed_slots_of_available_contributors_that_worked_recently_count() {
	new_test_ext().execute_with(|| {
		use crate::config_preludes::RECENT_WORK;
		// 16 slots need 16 × 125 = 2,000.
		assert_ok!(Contributors::register(origin(BOB), profile(16), 2_000));
		register(CHARLIE, 4);
		// Registered, online, never worked: not capacity.
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		worked(BOB);
		assert_eq!(OnlineCapacity::<Test>::get(), 16);
		// A slash leaves 1,800: it backs 14 slots, and only those count (or take sessions).
		Contributors::slash(&account(BOB), Perbill::from_percent(10));
		assert_eq!((info(BOB).stake, info(BOB).counted_slots), (1_800, 14));
		assert_eq!(OnlineCapacity::<Test>::get(), 14);
		// Below the minimum stake it is not available at all.
		Contributors::slash(&account(BOB), Perbill::from_percent(50));
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		assert_ok!(Contributors::bond_extra(origin(BOB), 1_100));
		assert_eq!(OnlineCapacity::<Test>::get(), 16);
		// Idle past RecentWork (heartbeats keep it online): the sweep drops it.
		for b in (10..RECENT_WORK + 10).step_by(5) {
			run_to(b);
			assert_ok!(Contributors::heartbeat(origin(BOB)));
		}
		run_to(RECENT_WORK + 12);
		assert_ok!(Contributors::heartbeat(origin(BOB)));
		run_to(RECENT_WORK + 14);
		assert_eq!(info(BOB).status, Status::Online);
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		worked(BOB);
		assert_eq!(OnlineCapacity::<Test>::get(), 16);
	});
}

#[test]
fn bond_extra_adds_stake_on_hold() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		assert_ok!(Contributors::bond_extra(origin(BOB), 500));
		assert_eq!((held(BOB), info(BOB).stake), (MIN_STAKE + 500, MIN_STAKE + 500));
		System::assert_last_event(event(ContributorsEvent::Bonded {
			who: account(BOB),
			amount: 500,
			stake: MIN_STAKE + 500,
		}));
	});
}

#[test]
fn bond_extra_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Contributors::bond_extra(origin(BOB), 500), Error::<Test>::NotRegistered);
		register(BOB, 1);
		assert_noop!(Contributors::bond_extra(origin(BOB), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Contributors::bond_extra(origin(BOB), 10_000_000), Error::<Test>::InsufficientBalance);
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_noop!(Contributors::bond_extra(origin(BOB), 500), Error::<Test>::Unbonding);
	});
}
