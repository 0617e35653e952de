//! Heartbeats, the liveness sweep and who can serve.

use super::*;

#[test]
fn missed_heartbeats_stop_new_sessions_at_once_and_the_sweep_marks_offline() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		worked(BOB);
		let any = Requirements::default();
		assert!(Contributors::can_serve(&account(BOB), &any));
		run_to(1 + HEARTBEAT_TIMEOUT + 1);
		// Stale before any sweep has looked at it.
		assert!(!Contributors::can_serve(&account(BOB), &any));
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
		// Two of them have worked: only their slots count.
		worked(BOB);
		worked(CHARLIE);
		System::set_block_number(1 + HEARTBEAT_TIMEOUT + 1);
		// Two per block (MaxSweepPerBlock = 2): four contributors take two blocks.
		let counted = |ns: [u8; 4]| ns.iter().map(|n| u32::from(info(*n).counted_slots)).sum::<u32>();
		assert_eq!(Contributors::sweep_liveness(System::block_number(), 2), (2, 2));
		assert_eq!(OnlineCapacity::<Test>::get(), counted([BOB, CHARLIE, DAVE, EVE]));
		assert!(OnlineCapacity::<Test>::get() <= 1);
		assert_eq!(Contributors::sweep_liveness(System::block_number(), 2), (2, 2));
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		// The next sweep starts over.
		assert_eq!(Contributors::sweep_liveness(System::block_number(), 2), (2, 0));
	});
}

#[test]
fn heartbeat_brings_an_offline_contributor_back() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		worked(BOB);
		run_to(1 + HEARTBEAT_TIMEOUT + 3);
		assert_eq!(info(BOB).status, Status::Offline);
		assert_eq!(OnlineCapacity::<Test>::get(), 0);
		assert_ok!(Contributors::heartbeat(origin(BOB)));
		assert_eq!(info(BOB).status, Status::Online);
		assert_eq!(info(BOB).last_heartbeat, System::block_number());
		assert_eq!(OnlineCapacity::<Test>::get(), 2);
		assert!(Contributors::can_serve(&account(BOB), &Requirements::default()));
		System::assert_last_event(event(ContributorsEvent::CameOnline { who: account(BOB) }));
	});
}

#[test]
fn heartbeat_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Contributors::heartbeat(origin(BOB)), Error::<Test>::NotRegistered);
		register(BOB, 1);
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_noop!(Contributors::heartbeat(origin(BOB)), Error::<Test>::Unbonding);
	});
}

#[test]
fn can_serve_checks_requirements_and_free_slots() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let mut req = Requirements { min_cpu_cores: 8, min_gpu_memory_mb: 16_384, ..Default::default() };
		assert!(Contributors::can_serve(&account(BOB), &req));
		req.min_cpu_cores = 9;
		assert!(!Contributors::can_serve(&account(BOB), &req));
		req.min_cpu_cores = 1;
		req.region = Some(pgt_primitives::contributors::Region::Asia);
		assert!(!Contributors::can_serve(&account(BOB), &req));
		req.region = None;
		assert_ok!(Contributors::occupy_slot(&account(BOB)));
		assert!(!Contributors::can_serve(&account(BOB), &req));
		assert_noop!(Contributors::occupy_slot(&account(BOB)), Error::<Test>::NoFreeSlot);
		Contributors::release_slot(&account(BOB));
		assert!(Contributors::can_serve(&account(BOB), &req));
		assert!(!Contributors::can_serve(&account(CHARLIE), &req));
		assert_noop!(Contributors::occupy_slot(&account(CHARLIE)), Error::<Test>::NotRegistered);
	});
}
