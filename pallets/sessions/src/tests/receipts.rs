//! Receipts and failover.

use super::*;
use crate::SessionState;
use pgt_primitives::reputation::BetaReputation;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn player_and_contributor_can_submit_the_latest_receipt() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		let r = receipt(id, BOB, 30, 5, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		System::assert_last_event(event(SessionsEvent::ReceiptAccepted {
			session: id,
			contributor: acc(BOB),
			counter: 1,
			seconds_billed: 25,
		}));
		run_to(4);
		let r = receipt(id, BOB, 60, 5, 2);
		assert_ok!(Sessions::submit_receipt(origin(ALICE), id, r.clone(), sign(&r)));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.last_counter, 2);
		assert_eq!((s.served[0].seconds_served, s.served[0].seconds_paused, s.served[0].frames), (60, 5, 3_600));
		// Each receipt moves the settlement deadline.
		assert_eq!(s.state, SessionState::Active { since: 1, deadline: 4 + RECEIPT_TIMEOUT });
	});
}

#[test]
fn receipt_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		let good = receipt(id, BOB, 30, 0, 5);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, good.clone(), sign(&good)));

		let r = receipt(id + 1, BOB, 40, 0, 6);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id + 1, r.clone(), sign(&r)), Error::<Test>::UnknownSession);
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)),
			Error::<Test>::ReceiptForOtherSession
		);
		let r = receipt(id, BOB, 40, 0, 6);
		assert_noop!(Sessions::submit_receipt(origin(DAVE), id, r.clone(), sign(&r)), Error::<Test>::NotParticipant);
		// Signed by the contributor, not the player.
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign_as(BOB, &r)),
			Error::<Test>::BadSignature
		);
		// Signed for another receipt.
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&receipt(id, BOB, 4_000, 0, 6))),
			Error::<Test>::BadSignature
		);
		// Signed for another chain.
		let other_chain: MultiSignature = ALICE.pair().sign(&r.signing_payload(&[1u8; 32])).into();
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), other_chain), Error::<Test>::BadSignature);
		for counter in [5, 4] {
			let r = receipt(id, BOB, 40, 0, counter);
			assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::StaleReceipt);
		}
		let r = receipt(id, CHARLIE, 40, 0, 6);
		assert_noop!(
			Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)),
			Error::<Test>::NotSessionContributor
		);
		let r = receipt(id, BOB, 40, 41, 6);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::InvalidReceipt);
		let r = receipt(id, BOB, 29, 0, 6);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::ReceiptRegressed);
		let r = receipt(id, BOB, 3_601, 0, 6);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::ExceedsMaxDuration);
		// Paused seconds do not count toward the limit.
		let r = receipt(id, BOB, 3_700, 100, 6);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
	});
}

#[test]
fn no_receipts_before_acceptance() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let id = request(&[BOB]);
		let r = receipt(id, BOB, 1, 0, 1);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::NotActive);
	});
}

#[test]
fn failover_hands_the_session_to_the_first_backup() {
	new_test_ext().execute_with(|| {
		register(DAVE, 1);
		let id = active_session(&[CHARLIE]);
		let r = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::failover(origin(CHARLIE), id, r.clone(), sign(&r)));
		System::assert_last_event(event(SessionsEvent::FailedOver { session: id, from: acc(BOB), to: acc(CHARLIE) }));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.host, acc(CHARLIE));
		assert!(s.backups.is_empty());
		assert_eq!(slots_in_use(BOB), 0);
		let bob = pallet_pgt_contributors::Registry::<Test>::get(acc(BOB)).expect("registered");
		assert!(bob.reputation.failures > BetaReputation::default().failures);
		// The new host is billed by its own receipts; the old host's stay.
		let r = receipt(id, CHARLIE, 50, 10, 2);
		assert_ok!(Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.served.len(), 2);
		// The old host can still bring a later receipt for its own seconds.
		let r = receipt(id, BOB, 110, 0, 3);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
	});
}

#[test]
fn failover_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		register(BOB, 2);
		register(CHARLIE, 2);
		let pending = request(&[BOB, CHARLIE]);
		let r = receipt(pending, BOB, 10, 0, 1);
		assert_noop!(Sessions::failover(origin(ALICE), pending, r.clone(), sign(&r)), Error::<Test>::NotActive);
		assert_noop!(Sessions::failover(origin(ALICE), 99, r.clone(), sign(&r)), Error::<Test>::UnknownSession);
		assert_ok!(Sessions::accept_session(origin(BOB), pending));
		let id = pending;
		assert_noop!(Sessions::failover(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::NotPlayerOrBackup);
		let wrong = receipt(id, CHARLIE, 10, 0, 1);
		assert_noop!(Sessions::failover(origin(ALICE), id, wrong.clone(), sign(&wrong)), Error::<Test>::NotHostReceipt);
		assert_noop!(
			Sessions::failover(origin(ALICE), id, r.clone(), sign_as(CHARLIE, &r)),
			Error::<Test>::BadSignature
		);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
		let r = receipt(id, CHARLIE, 10, 0, 2);
		assert_noop!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)), Error::<Test>::NoBackup);
	});
}
