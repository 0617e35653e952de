//! Tests of the registry, one per behaviour.

use crate::{
	mock::*,
	pallet::{Error, HoldReason, OnlineCapacity},
	types::*,
	ContributorOf, ContributorRegistry, Event as ContributorsEvent, Requirements,
};
use pgt_primitives::reputation::{Outcome, WEIGHT_UNIT};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::fungible::{Inspect, InspectHold},
	},
	sp_runtime::Perbill,
};

type Registry = crate::Pallet<Test>;

fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

fn held(n: u8) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Contributors(HoldReason::Stake), &account(n))
}

fn register(n: u8, max_sessions: u16) {
	assert_ok!(Registry::register(origin(n), profile(max_sessions), MIN_STAKE));
}

fn run_to(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

fn info(n: u8) -> ContributorOf<Test> {
	crate::Contributors::<Test>::get(account(n)).expect("registered")
}

fn event(e: ContributorsEvent<Test>) -> RuntimeEvent {
	RuntimeEvent::Contributors(e)
}

#[test]
fn register_puts_stake_on_hold_and_starts_online() {
	new_test_ext().execute_with(|| {
		assert_ok!(Registry::register(origin(BOB), profile(2), 5_000));
		assert_eq!(held(BOB), 5_000);
		assert_eq!(Balances::total_balance(&account(BOB)), 1_000_000);
		let info = info(BOB);
		assert_eq!(info.status, Status::Online);
		assert_eq!(info.stake, 5_000);
		assert_eq!(info.tier, Tier::Newcomer);
		assert_eq!(OnlineCapacity::<Test>::get(), 2);
		assert_eq!(crate::Contributors::<Test>::count(), 1);
		System::assert_last_event(event(ContributorsEvent::Registered {
			who: account(BOB),
			stake: 5_000,
			resource_hash: profile(2).resource_hash,
		}));
	});
}

#[test]
fn register_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Registry::register(origin(BOB), profile(2), MIN_STAKE - 1), Error::<Test>::StakeBelowMinimum);
		assert_noop!(Registry::register(origin(POOR), profile(2), MIN_STAKE), Error::<Test>::InsufficientBalance);
		assert_noop!(Registry::register(origin(BOB), profile(0), MIN_STAKE), Error::<Test>::InvalidProfile);
		let mut no_cores = profile(1);
		no_cores.cpu_cores = 0;
		assert_noop!(Registry::register(origin(BOB), no_cores, MIN_STAKE), Error::<Test>::InvalidProfile);
		register(BOB, 1);
		assert_noop!(Registry::register(origin(BOB), profile(1), MIN_STAKE), Error::<Test>::AlreadyRegistered);
	});
}

#[test]
fn update_profile_replaces_it_and_moves_capacity() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		let mut p = profile(5);
		p.resource_hash = [9u8; 32].into();
		assert_ok!(Registry::update_profile(origin(BOB), p.clone()));
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
		assert_noop!(Registry::update_profile(origin(BOB), profile(1)), Error::<Test>::NotRegistered);
		register(BOB, 1);
		assert_noop!(Registry::update_profile(origin(BOB), profile(0)), Error::<Test>::InvalidProfile);
		assert_ok!(Registry::unregister(origin(BOB)));
		assert_noop!(Registry::update_profile(origin(BOB), profile(1)), Error::<Test>::Unbonding);
	});
}

#[test]
fn missed_heartbeats_stop_new_sessions_at_once_and_the_sweep_marks_offline() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		let any = Requirements::default();
		assert!(Registry::can_serve(&account(BOB), &any));
		run_to(1 + HEARTBEAT_TIMEOUT + 1);
		// Stale before any sweep has looked at it.
		assert!(!Registry::can_serve(&account(BOB), &any));
		run_to(1 + HEARTBEAT_TIMEOUT + 3);
		assert_eq!(info(BOB).status, Status::Offline);
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		System::assert_has_event(event(ContributorsEvent::WentOffline { who: account(BOB) }));
	});
}

#[test]
fn the_sweep_visits_everyone_a_few_per_block() {
	new_test_ext().execute_with(|| {
		for n in [BOB, CHARLIE, DAVE, EVE] {
			register(n, 1);
		}
		System::set_block_number(1 + HEARTBEAT_TIMEOUT + 1);
		// Two per block (MaxSweepPerBlock = 2): four contributors take two blocks.
		assert_eq!(Registry::sweep_liveness(System::block_number(), 2), (2, 2));
		assert_eq!(OnlineCapacity::<Test>::get(), 2);
		assert_eq!(Registry::sweep_liveness(System::block_number(), 2), (2, 2));
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		// The next sweep starts over.
		assert_eq!(Registry::sweep_liveness(System::block_number(), 2), (2, 0));
	});
}

#[test]
fn heartbeat_brings_an_offline_contributor_back() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		run_to(1 + HEARTBEAT_TIMEOUT + 3);
		assert_eq!(info(BOB).status, Status::Offline);
		assert_ok!(Registry::heartbeat(origin(BOB)));
		assert_eq!(info(BOB).status, Status::Online);
		assert_eq!(info(BOB).last_heartbeat, System::block_number());
		assert_eq!(OnlineCapacity::<Test>::get(), 2);
		assert!(Registry::can_serve(&account(BOB), &Requirements::default()));
		System::assert_last_event(event(ContributorsEvent::CameOnline { who: account(BOB) }));
	});
}

#[test]
fn heartbeat_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Registry::heartbeat(origin(BOB)), Error::<Test>::NotRegistered);
		register(BOB, 1);
		assert_ok!(Registry::unregister(origin(BOB)));
		assert_noop!(Registry::heartbeat(origin(BOB)), Error::<Test>::Unbonding);
	});
}

#[test]
fn can_serve_checks_requirements_and_free_slots() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let mut req = Requirements { min_cpu_cores: 8, min_gpu_memory_mb: 16_384, ..Default::default() };
		assert!(Registry::can_serve(&account(BOB), &req));
		req.min_cpu_cores = 9;
		assert!(!Registry::can_serve(&account(BOB), &req));
		req.min_cpu_cores = 1;
		req.region = Some(pgt_primitives::contributors::Region::Asia);
		assert!(!Registry::can_serve(&account(BOB), &req));
		req.region = None;
		assert_ok!(Registry::occupy_slot(&account(BOB)));
		assert!(!Registry::can_serve(&account(BOB), &req));
		assert_noop!(Registry::occupy_slot(&account(BOB)), Error::<Test>::NoFreeSlot);
		Registry::release_slot(&account(BOB));
		assert!(Registry::can_serve(&account(BOB), &req));
		assert!(!Registry::can_serve(&account(CHARLIE), &req));
		assert_noop!(Registry::occupy_slot(&account(CHARLIE)), Error::<Test>::NotRegistered);
	});
}

#[test]
fn unregister_then_withdraw_after_the_unbonding_period() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		assert_ok!(Registry::unregister(origin(BOB)));
		let until = 1 + UNBONDING;
		assert_eq!(info(BOB).status, Status::Unbonding { until });
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		assert!(!Registry::can_serve(&account(BOB), &Requirements::default()));
		System::assert_last_event(event(ContributorsEvent::Unbonding { who: account(BOB), until }));
		run_to(until - 1);
		assert_noop!(Registry::withdraw_stake(origin(BOB)), Error::<Test>::StillUnbonding);
		run_to(until);
		assert_ok!(Registry::withdraw_stake(origin(BOB)));
		assert_eq!(held(BOB), 0);
		assert_eq!(Balances::free_balance(account(BOB)), 1_000_000);
		assert!(crate::Contributors::<Test>::get(account(BOB)).is_none());
		System::assert_last_event(event(ContributorsEvent::StakeWithdrawn { who: account(BOB), amount: MIN_STAKE }));
	});
}

#[test]
fn unregister_and_withdraw_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Registry::unregister(origin(BOB)), Error::<Test>::NotRegistered);
		assert_noop!(Registry::withdraw_stake(origin(BOB)), Error::<Test>::NotRegistered);
		register(BOB, 2);
		assert_noop!(Registry::withdraw_stake(origin(BOB)), Error::<Test>::NotUnbonding);
		assert_ok!(Registry::occupy_slot(&account(BOB)));
		assert_noop!(Registry::unregister(origin(BOB)), Error::<Test>::Busy);
		Registry::release_slot(&account(BOB));
		assert_ok!(Registry::unregister(origin(BOB)));
		assert_noop!(Registry::unregister(origin(BOB)), Error::<Test>::Unbonding);
		assert_noop!(Registry::occupy_slot(&account(BOB)), Error::<Test>::Unbonding);
	});
}

#[test]
fn outcomes_move_reputation_and_are_reported() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		assert_eq!(Registry::reputation(account(BOB)), Perbill::from_percent(50));
		Registry::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 3_600);
		let up = Registry::reputation(account(BOB));
		assert!(up > Perbill::from_percent(50));
		System::assert_has_event(event(ContributorsEvent::ReputationUpdated {
			who: account(BOB),
			success: true,
			score: up,
		}));
		Registry::record_outcome(&account(BOB), Outcome::failure(WEIGHT_UNIT), 0);
		let down = Registry::reputation(account(BOB));
		assert!(down < up);
		System::assert_has_event(event(ContributorsEvent::ReputationUpdated {
			who: account(BOB),
			success: false,
			score: down,
		}));
		let stats = info(BOB).stats;
		assert_eq!((stats.successes, stats.failures, stats.streak, stats.verified_seconds), (1, 1, 0, 3_600));
		// Unknown accounts are ignored.
		Registry::record_outcome(&account(CHARLIE), Outcome::success(WEIGHT_UNIT), 10);
		assert!(crate::Contributors::<Test>::get(account(CHARLIE)).is_none());
	});
}

#[test]
fn verified_work_earns_badges_and_tiers() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		Registry::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 600);
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
			Registry::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 3_600);
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
			Registry::record_outcome(&account(BOB), Outcome::failure(WEIGHT_UNIT), 0);
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
		Registry::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 100);
		Registry::record_outcome(&account(CHARLIE), Outcome::success(WEIGHT_UNIT), 300);
		Registry::record_outcome(&account(DAVE), Outcome::success(WEIGHT_UNIT), 200);
		Registry::record_outcome(&account(EVE), Outcome::success(WEIGHT_UNIT), 50);
		// Size 3: Eve does not make it.
		assert_eq!(Registry::leaderboard(), vec![(account(CHARLIE), 300), (account(DAVE), 200), (account(BOB), 100)]);
		Registry::record_outcome(&account(EVE), Outcome::success(WEIGHT_UNIT), 400);
		assert_eq!(Registry::leaderboard(), vec![(account(EVE), 450), (account(CHARLIE), 300), (account(DAVE), 200)]);
		Registry::record_outcome(&account(DAVE), Outcome::success(WEIGHT_UNIT), 1_000);
		assert_eq!(Registry::leaderboard()[0], (account(DAVE), 1_200));
		assert_eq!(Registry::leaderboard().len(), 3);
	});
}

#[test]
fn withdrawing_leaves_the_leaderboard() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		Registry::record_outcome(&account(BOB), Outcome::success(WEIGHT_UNIT), 100);
		assert_ok!(Registry::unregister(origin(BOB)));
		run_to(1 + UNBONDING);
		assert_ok!(Registry::withdraw_stake(origin(BOB)));
		assert!(Registry::leaderboard().is_empty());
	});
}

#[test]
fn slashing_burns_a_share_of_stake() {
	new_test_ext().execute_with(|| {
		SlashTo::set(SlashDestination::Burn);
		assert_ok!(Registry::register(origin(BOB), profile(1), 10_000));
		let issuance = Balances::total_issuance();
		assert_eq!(Registry::slash(&account(BOB), Perbill::from_percent(10)), 1_000);
		assert_eq!(held(BOB), 9_000);
		assert_eq!(info(BOB).stake, 9_000);
		assert_eq!(Balances::total_issuance(), issuance - 1_000);
		System::assert_last_event(event(ContributorsEvent::Slashed {
			who: account(BOB),
			amount: 1_000,
			to: SlashDestination::Burn,
		}));
		// Below the minimum stake after slashing: no new sessions.
		assert_eq!(Registry::slash(&account(BOB), Perbill::from_percent(95)), 8_550);
		assert!(!Registry::can_serve(&account(BOB), &Requirements::default()));
	});
}

#[test]
fn slashing_can_pay_the_treasury() {
	new_test_ext().execute_with(|| {
		SlashTo::set(SlashDestination::Treasury);
		assert_ok!(Registry::register(origin(BOB), profile(1), 10_000));
		let issuance = Balances::total_issuance();
		assert_eq!(Registry::slash(&account(BOB), Perbill::from_percent(10)), 1_000);
		assert_eq!(Balances::free_balance(treasury()), 2_000);
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_last_event(event(ContributorsEvent::Slashed {
			who: account(BOB),
			amount: 1_000,
			to: SlashDestination::Treasury,
		}));
		// An unknown account has nothing to slash.
		assert_eq!(Registry::slash(&account(CHARLIE), Perbill::from_percent(10)), 0);
		SlashTo::set(SlashDestination::Burn);
	});
}

#[test]
fn slashing_reaches_stake_while_unbonding() {
	new_test_ext().execute_with(|| {
		assert_ok!(Registry::register(origin(BOB), profile(1), 10_000));
		assert_ok!(Registry::unregister(origin(BOB)));
		assert_eq!(Registry::slash(&account(BOB), Perbill::from_percent(50)), 5_000);
		run_to(1 + UNBONDING);
		assert_ok!(Registry::withdraw_stake(origin(BOB)));
		System::assert_last_event(event(ContributorsEvent::StakeWithdrawn { who: account(BOB), amount: 5_000 }));
		assert_eq!(Balances::free_balance(account(BOB)), 1_000_000 - 5_000);
	});
}

#[test]
fn view_functions_answer_through_the_runtime_api_dispatch() {
	use codec::{Decode, Encode};
	use polkadot_sdk::frame_support::view_functions::ViewFunction;
	new_test_ext().execute_with(|| {
		register(BOB, 3);
		let query = crate::pallet::OnlineCapacityViewFunction::<Test>::new();
		let out = Test::execute_view_function(
			<crate::pallet::OnlineCapacityViewFunction<Test> as ViewFunction>::id(),
			query.encode(),
		)
		.expect("dispatches");
		assert_eq!(u32::decode(&mut &out[..]).expect("u32"), 3);
	});
}
