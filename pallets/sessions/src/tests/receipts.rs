//! Receipts and failover, and the attacks on them: a player cancelling pay already billed, a
//! counter that stales the host's receipts, billing time that has not passed, a friendly backup
//! framing the host.

use super::*;
use crate::SessionState;
use pgt_primitives::reputation::BetaReputation;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

fn reputation_of(k: Keyring) -> BetaReputation {
	pallet_pgt_contributors::Registry::<Test>::get(acc(k)).expect("registered").reputation
}

#[test]
fn player_and_contributor_can_submit_the_latest_receipt() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		elapse(30);
		let r = receipt(id, BOB, 30, 5, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		System::assert_last_event(event(SessionsEvent::ReceiptAccepted {
			session: id,
			contributor: acc(BOB),
			counter: 1,
			seconds_billed: 25,
		}));
		run_to(4);
		elapse(20);
		let r = receipt(id, BOB, 60, 5, 2);
		assert_ok!(Sessions::submit_receipt(origin(ALICE), id, r.clone(), sign(&r)));
		let s = Sessions::session(id).expect("stored");
		let e = served(id, BOB);
		assert_eq!((e.counter, e.seconds_served, e.seconds_paused, e.frames), (2, 60, 5, 3_600));
		// Each receipt moves the settlement deadline, and the queue entry with it.
		assert_eq!(s.state, SessionState::Active { since: 1, deadline: 4 + RECEIPT_TIMEOUT });
		assert!(Timeouts::<Test>::contains_key(4 + RECEIPT_TIMEOUT, (id, crate::Timeout::Receipt)));
		assert!(!Timeouts::<Test>::contains_key(1 + RECEIPT_TIMEOUT, (id, crate::Timeout::Receipt)));
	});
}

#[test]
fn receipt_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		elapse(4_000);
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
		// As many seconds without a higher counter, or fewer seconds: nothing added.
		for (served, counter) in [(30, 5), (30, 4), (29, 9)] {
			let r = receipt(id, BOB, served, 0, counter);
			assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::StaleReceipt);
		}
		// Charlie is a backup: it has not served.
		let r = receipt(id, CHARLIE, 40, 0, 6);
		assert_noop!(
			Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)),
			Error::<Test>::NotSessionContributor
		);
		let r = receipt(id, BOB, 40, 41, 6);
		assert_noop!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::InvalidReceipt);
		let r = Receipt { frames: 0, ..receipt(id, BOB, 40, 0, 6) };
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

/// Attack: after a receipt billing an hour, the player signs one that pauses the whole hour, so
/// the session would bill nothing and refund the escrow.
#[test]
fn a_later_receipt_cannot_pause_seconds_already_billed() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		elapse(100);
		let billed = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, billed.clone(), sign(&billed)));
		let cancel = receipt(id, BOB, 100, 100, 2);
		assert_noop!(
			Sessions::submit_receipt(origin(ALICE), id, cancel.clone(), sign(&cancel)),
			Error::<Test>::PausedBeyondServed
		);
		// More seconds, but more paused than added: still refused.
		elapse(10);
		let sly = receipt(id, BOB, 110, 20, 3);
		assert_noop!(
			Sessions::submit_receipt(origin(ALICE), id, sly.clone(), sign(&sly)),
			Error::<Test>::PausedBeyondServed
		);
		// Pausing out of new seconds is fine: billed stays at 100.
		let fair = receipt(id, BOB, 110, 10, 4);
		assert_ok!(Sessions::submit_receipt(origin(ALICE), id, fair.clone(), sign(&fair)));
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		let csu = Sessions::csu(id).expect("kept");
		// 100 s at 20 per second.
		assert_eq!((csu.shares[0].seconds_billed, csu.paid), (100, 2_000));
	});
}

/// Attack: the player signs a receipt with the highest counter, so every receipt the host still
/// holds (lower counters, more seconds) would be stale.
#[test]
fn a_high_counter_does_not_stale_receipts_that_serve_more() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		elapse(100);
		let trap = receipt(id, BOB, 10, 0, u32::MAX);
		assert_ok!(Sessions::submit_receipt(origin(ALICE), id, trap.clone(), sign(&trap)));
		let later = receipt(id, BOB, 90, 0, 7);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, later.clone(), sign(&later)));
		assert_eq!(served(id, BOB).seconds_served, 90);
		// Counters are per contributor: after failover the new host's counter starts afresh.
		let handover = receipt(id, BOB, 95, 0, 8);
		assert_ok!(Sessions::failover(origin(ALICE), id, handover.clone(), sign(&handover)));
		elapse(20);
		let next = receipt(id, CHARLIE, 20, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(CHARLIE), id, next.clone(), sign(&next)));
	});
}

/// Attack: a player and a host (one person) bill a whole session in the block it is accepted, to
/// collect reputation and leaderboard hours at no cost in time.
#[test]
fn a_receipt_cannot_serve_more_seconds_than_have_passed() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		let r = receipt(id, BOB, 3_600, 0, 1);
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)),
			Error::<Test>::ServedBeyondElapsed
		);
		// The clock tolerance (6 s in the mock) is all that is allowed ahead of chain time.
		elapse(100);
		let r = receipt(id, BOB, 107, 0, 1);
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)),
			Error::<Test>::ServedBeyondElapsed
		);
		let r = receipt(id, BOB, 106, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
	});
}

#[test]
fn failover_hands_the_session_to_the_first_backup_and_blames_a_host_that_stalled() {
	new_test_ext().execute_with(|| {
		register(DAVE, 1);
		let id = active_session(&[CHARLIE]);
		// 200 s passed but the player's receipt shows only 100 served: the host stalled.
		elapse(200);
		let r = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::failover(origin(CHARLIE), id, r.clone(), sign(&r)));
		System::assert_last_event(event(SessionsEvent::FailedOver {
			session: id,
			from: acc(BOB),
			to: acc(CHARLIE),
			blamed: true,
		}));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.host, acc(CHARLIE));
		assert!(s.backups.is_empty());
		assert_eq!(slots_in_use(BOB), 0);
		assert!(reputation_of(BOB).failures > BetaReputation::default().failures);
		// The new host's clock starts at the failover; it is billed by its own receipts.
		let r = receipt(id, CHARLIE, 50, 10, 1);
		assert_noop!(
			Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)),
			Error::<Test>::ServedBeyondElapsed
		);
		elapse(50);
		assert_ok!(Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)));
		assert_eq!(Sessions::session(id).expect("stored").served.len(), 2);
		// The old host can still bring a later receipt, for time up to the failover only.
		let r = receipt(id, BOB, 110, 0, 2);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		let r = receipt(id, BOB, 207, 0, 3);
		assert_noop!(
			Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)),
			Error::<Test>::ServedBeyondElapsed
		);
	});
}

/// Attack: the player and a friendly backup fail over a host that kept serving, to take its
/// billed time away and cost it reputation.
#[test]
fn a_friendly_backup_can_move_a_session_but_not_cancel_pay_or_frame_the_host() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		elapse(100);
		let r = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		let before = reputation_of(BOB);
		// An older receipt, or one that pauses the billed time, does not pass.
		let old = receipt(id, BOB, 50, 0, 2);
		assert_noop!(Sessions::failover(origin(CHARLIE), id, old.clone(), sign(&old)), Error::<Test>::StaleReceipt);
		let cancel = receipt(id, BOB, 100, 100, 2);
		assert_noop!(
			Sessions::failover(origin(CHARLIE), id, cancel.clone(), sign(&cancel)),
			Error::<Test>::PausedBeyondServed
		);
		// The latest receipt shows Bob served all along: he is not blamed.
		let latest = receipt(id, BOB, 100, 0, 2);
		assert_ok!(Sessions::failover(origin(CHARLIE), id, latest.clone(), sign(&latest)));
		System::assert_last_event(event(SessionsEvent::FailedOver {
			session: id,
			from: acc(BOB),
			to: acc(CHARLIE),
			blamed: false,
		}));
		assert_eq!(reputation_of(BOB), before);
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		let csu = Sessions::csu(id).expect("kept");
		assert_eq!((csu.shares[0].contributor.clone(), csu.shares[0].seconds_billed), (acc(BOB), 100));
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
		elapse(10);
		assert_noop!(Sessions::failover(origin(BOB), id, r.clone(), sign(&r)), Error::<Test>::NotPlayerOrBackup);
		let wrong = receipt(id, CHARLIE, 10, 0, 1);
		assert_noop!(Sessions::failover(origin(ALICE), id, wrong.clone(), sign(&wrong)), Error::<Test>::NotHostReceipt);
		assert_noop!(
			Sessions::failover(origin(ALICE), id, r.clone(), sign_as(CHARLIE, &r)),
			Error::<Test>::BadSignature
		);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
		let r = receipt(id, CHARLIE, 0, 0, 1);
		assert_noop!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)), Error::<Test>::NoBackup);
	});
}
