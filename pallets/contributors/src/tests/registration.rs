//! Joining and leaving: register, update_profile, unregister, withdraw_stake.

use super::*;

#[test]
fn register_puts_stake_on_hold_and_starts_online() {
	new_test_ext().execute_with(|| {
		assert_ok!(Contributors::register(origin(BOB), profile(2), 5_000));
		assert_eq!(held(BOB), 5_000);
		assert_eq!(Balances::total_balance(&account(BOB)), 1_000_000);
		let info = info(BOB);
		assert_eq!(info.status, Status::Online);
		assert_eq!(info.stake, 5_000);
		assert_eq!(info.tier, Tier::Newcomer);
		assert_eq!(crate::Registry::<Test>::count(), 1);
		System::assert_last_event(event(ContributorsEvent::Registered {
			who: account(BOB),
			stake: 5_000,
			resource_hash: profile(2).resource_hash,
		}));
		// Capacity for the rate only once it has worked.
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		worked(BOB);
		assert_eq!(OnlineCapacity::<Test>::get(), 2);
	});
}

#[test]
fn register_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Contributors::register(origin(BOB), profile(2), MIN_STAKE - 1), Error::<Test>::StakeBelowMinimum);
		assert_noop!(Contributors::register(origin(POOR), profile(2), MIN_STAKE), Error::<Test>::InsufficientBalance);
		assert_noop!(Contributors::register(origin(BOB), profile(0), MIN_STAKE), Error::<Test>::InvalidProfile);
		let mut no_cores = profile(1);
		no_cores.cpu_cores = 0;
		assert_noop!(Contributors::register(origin(BOB), no_cores, MIN_STAKE), Error::<Test>::InvalidProfile);
		register(BOB, 1);
		assert_noop!(Contributors::register(origin(BOB), profile(1), MIN_STAKE), Error::<Test>::AlreadyRegistered);
	});
}

#[test]
fn update_profile_replaces_it_and_moves_capacity() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		worked(BOB);
		let mut p = profile(5);
		p.resource_hash = [9u8; 32].into();
		assert_ok!(Contributors::update_profile(origin(BOB), p.clone()));
		assert_eq!(info(BOB).profile, p);
		assert_eq!(OnlineCapacity::<Test>::get(), 5);
		System::assert_last_event(event(ContributorsEvent::ProfileUpdated {
			who: account(BOB),
			resource_hash: p.resource_hash,
		}));
	});
}

#[test]
fn update_profile_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Contributors::update_profile(origin(BOB), profile(1)), Error::<Test>::NotRegistered);
		register(BOB, 1);
		assert_noop!(Contributors::update_profile(origin(BOB), profile(0)), Error::<Test>::InvalidProfile);
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_noop!(Contributors::update_profile(origin(BOB), profile(1)), Error::<Test>::Unbonding);
	});
}

#[test]
fn unregister_then_withdraw_after_the_unbonding_period() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		assert_ok!(Contributors::unregister(origin(BOB)));
		let until = 1 + UNBONDING;
		assert_eq!(info(BOB).status, Status::Unbonding { until });
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		assert!(!Contributors::can_serve(&account(BOB), &Requirements::default()));
		System::assert_last_event(event(ContributorsEvent::Unbonding { who: account(BOB), until }));
		run_to(until - 1);
		assert_noop!(Contributors::withdraw_stake(origin(BOB)), Error::<Test>::StillUnbonding);
		run_to(until);
		assert_ok!(Contributors::withdraw_stake(origin(BOB)));
		assert_eq!(held(BOB), 0);
		assert_eq!(Balances::free_balance(account(BOB)), 1_000_000);
		assert!(crate::Registry::<Test>::get(account(BOB)).is_none());
		System::assert_last_event(event(ContributorsEvent::StakeWithdrawn { who: account(BOB), amount: MIN_STAKE }));
	});
}

#[test]
fn unregister_and_withdraw_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Contributors::unregister(origin(BOB)), Error::<Test>::NotRegistered);
		assert_noop!(Contributors::withdraw_stake(origin(BOB)), Error::<Test>::NotRegistered);
		register(BOB, 2);
		assert_noop!(Contributors::withdraw_stake(origin(BOB)), Error::<Test>::NotUnbonding);
		assert_ok!(Contributors::occupy_slot(&account(BOB)));
		assert_noop!(Contributors::unregister(origin(BOB)), Error::<Test>::Busy);
		Contributors::release_slot(&account(BOB));
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_noop!(Contributors::unregister(origin(BOB)), Error::<Test>::Unbonding);
		assert_noop!(Contributors::occupy_slot(&account(BOB)), Error::<Test>::Unbonding);
	});
}
