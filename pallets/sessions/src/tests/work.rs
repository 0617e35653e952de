//! Sessions as the work pallet sees them (`SessionWork`): who serves, who takes part, and how a
//! forfeited window comes off the pay.

use super::*;
use pgt_primitives::sessions::SessionWork;
use polkadot_sdk::frame_support::{assert_ok, traits::fungible::Inspect};

#[test]
fn only_the_accepted_host_is_serving() {
	new_test_ext().execute_with(|| {
		register(BOB, 4);
		register(CHARLIE, 4);
		let id = request(&[BOB, CHARLIE]);
		assert!(!Sessions::is_serving(id, &acc(BOB)), "not before it accepts");
		assert_ok!(Sessions::accept_session(origin(BOB), id));
		assert!(Sessions::is_serving(id, &acc(BOB)));
		assert!(!Sessions::is_serving(id, &acc(CHARLIE)), "a backup is not serving");
		assert!(!Sessions::is_serving(id + 1, &acc(BOB)));
		let mut people = Sessions::participants(id);
		people.sort();
		let mut expected = vec![acc(ALICE), acc(BOB), acc(CHARLIE)];
		expected.sort();
		assert_eq!(people, expected);
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		assert!(!Sessions::is_serving(id, &acc(BOB)));
		assert!(Sessions::participants(id).is_empty());
	});
}

#[test]
fn commitments_are_noted_for_the_host_only_among_servers() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		assert!(Sessions::note_commitment(id, &acc(BOB), 60, 700));
		assert!(!Sessions::note_commitment(id, &acc(CHARLIE), 60, 700), "a backup does not serve");
		assert!(!Sessions::note_commitment(id + 1, &acc(BOB), 60, 700));
		assert_eq!((served(id, BOB).seconds_committed, served(id, BOB).tasks_committed), (60, 700));
	});
}

#[test]
fn forfeited_seconds_are_not_paid_and_show_in_the_csu() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		elapse(130);
		// Forfeited before any receipt: kept and applied to later receipts.
		assert_eq!(Sessions::forfeit(id, &acc(BOB), 40), 40);
		System::assert_last_event(event(SessionsEvent::PayForfeited {
			session: id,
			contributor: acc(BOB),
			seconds: 40,
		}));
		let r = receipt(id, BOB, 130, 30, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		assert_eq!(Sessions::forfeit(id, &acc(BOB), 20), 20);
		// Someone that never hosted forfeits nothing.
		assert_eq!(Sessions::forfeit(id, &acc(CHARLIE), 20), 0);
		let bob_before = Balances::total_balance(&acc(BOB));
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		let share = Sessions::csu(id).expect("kept").shares[0].clone();
		// 130 served − 30 paused − 60 forfeited = 40 billed, at 20 per second = 800; Bob gets 60 %.
		assert_eq!((share.seconds_forfeited, share.seconds_billed, share.paid), (60, 40, 800));
		assert_eq!(Balances::total_balance(&acc(BOB)), bob_before + 480);
		// After settlement there is nothing left to forfeit.
		assert_eq!(Sessions::forfeit(id, &acc(BOB), 20), 0);
	});
}
