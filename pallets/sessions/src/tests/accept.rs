//! Accepting, accept timeouts and cancellations.

use super::*;
use crate::{SessionState, Timeout};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn accepting_fixes_the_rate_and_starts_the_session() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let id = request(&[BOB]);
		assert_ok!(Sessions::accept_session(origin(BOB), id));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.rate, 72_000);
		assert_eq!(s.state, SessionState::Active { since: 1, deadline: 1 + RECEIPT_TIMEOUT });
		// The accept deadline is replaced by the receipt deadline.
		assert_eq!(
			Timeouts::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![(1 + RECEIPT_TIMEOUT, (id, Timeout::Receipt))]
		);
		// The host's clock starts now, on the machine it registered.
		let host = s.served[0].clone();
		assert_eq!((host.contributor, host.since_ms, host.until_ms), (acc(BOB), time_of(1), None));
		assert_eq!(host.resource_hash, polkadot_sdk::sp_core::H256::repeat_byte(7));
		// Demand for the rate counts the session from now on.
		assert_eq!(OccupiedSlots::<Test>::get(), 1);
		System::assert_last_event(event(SessionsEvent::SessionAccepted { session: id, host: acc(BOB), rate: 72_000 }));
	});
}

#[test]
fn accept_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		register(CHARLIE, 1);
		assert_noop!(Sessions::accept_session(origin(BOB), 42), Error::<Test>::UnknownSession);
		let id = request(&[BOB, CHARLIE]);
		assert_noop!(Sessions::accept_session(origin(CHARLIE), id), Error::<Test>::NotHost);
		assert_ok!(Sessions::accept_session(origin(BOB), id));
		assert_noop!(Sessions::accept_session(origin(BOB), id), Error::<Test>::NotAwaitingAccept);
	});
}

/// A host asked while it was online must still be available when it accepts: one that went
/// silent since cannot start serving (and be paid) on an old heartbeat.
#[test]
fn a_host_that_went_offline_cannot_accept() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let id = request(&[BOB]);
		// Past the heartbeat timeout, with the accept deadline not yet reached (blocks don't
		// advance the accept deadline here: jump the block number only).
		System::set_block_number(2 + pallet_pgt_contributors::config_preludes::HEARTBEAT_TIMEOUT);
		assert_noop!(Sessions::accept_session(origin(BOB), id), Error::<Test>::HostUnavailable);
	});
}

#[test]
fn a_silent_host_is_replaced_by_the_next_candidate_then_the_session_is_cancelled() {
	new_test_ext().execute_with(|| {
		for k in [BOB, CHARLIE, DAVE, EVE] {
			register(k, 1);
		}
		// MaxBackups = 2: Charlie and Dave back up, Eve waits on standby.
		let id = request(&[BOB, CHARLIE, DAVE, EVE]);
		run_to(1 + ACCEPT_TIMEOUT);
		System::assert_has_event(event(SessionsEvent::AcceptTimedOut {
			session: id,
			host: acc(BOB),
			next: Some(acc(CHARLIE)),
		}));
		assert_eq!(slots_in_use(BOB), 0);
		assert_eq!(Sessions::session(id).expect("stored").host, acc(CHARLIE));
		run_to(1 + 2 * ACCEPT_TIMEOUT);
		assert_eq!(Sessions::session(id).expect("stored").host, acc(DAVE));
		run_to(1 + 3 * ACCEPT_TIMEOUT);
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.host, acc(EVE));
		assert_eq!(slots_in_use(EVE), 1);
		run_to(1 + 4 * ACCEPT_TIMEOUT);
		System::assert_has_event(event(SessionsEvent::AcceptTimedOut { session: id, host: acc(EVE), next: None }));
		System::assert_last_event(event(SessionsEvent::SessionCancelled { session: id, refunded: 100_000 }));
		assert!(Sessions::session(id).is_none());
		assert_eq!(escrow_held(ALICE), 0);
		assert_eq!(Balances::free_balance(acc(ALICE)), INITIAL);
		assert_eq!(OccupiedSlots::<Test>::get(), 0);
		for k in [BOB, CHARLIE, DAVE, EVE] {
			assert_eq!(slots_in_use(k), 0);
		}
	});
}

#[test]
fn a_backup_can_accept_after_the_host_timed_out() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		register(CHARLIE, 1);
		let id = request(&[BOB, CHARLIE]);
		run_to(1 + ACCEPT_TIMEOUT);
		assert_noop!(Sessions::accept_session(origin(BOB), id), Error::<Test>::NotHost);
		assert_ok!(Sessions::accept_session(origin(CHARLIE), id));
		assert!(matches!(Sessions::session(id).expect("stored").state, SessionState::Active { .. }));
	});
}

#[test]
fn the_player_can_cancel_before_acceptance() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		register(CHARLIE, 1);
		let id = request(&[BOB, CHARLIE]);
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		System::assert_last_event(event(SessionsEvent::SessionCancelled { session: id, refunded: 100_000 }));
		assert_eq!(escrow_held(ALICE), 0);
		assert_eq!((slots_in_use(BOB), slots_in_use(CHARLIE)), (0, 0));
		assert_eq!(OccupiedSlots::<Test>::get(), 0);
		// The stale accept deadline finds nothing to do.
		run_to(2 + ACCEPT_TIMEOUT);
		assert!(Sessions::session(id).is_none());
	});
}

#[test]
fn a_busy_contributor_cannot_unregister() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		assert_noop!(Contributors::unregister(origin(BOB)), pallet_pgt_contributors::Error::<Test>::Busy);
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		assert_ok!(Contributors::unregister(origin(BOB)));
	});
}
