//! Helpers: who may name and credit them, what they may commit, and how a host's pay is split
//! with them (to the planck), including the attacks a host, a helper or a player would try.

use super::*;
use crate::{HelperShare, HelperWork};
use pgt_primitives::sessions::SessionWork;
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

/// The last `SessionSettled` record.
fn settled() -> crate::CsuRecord<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Sessions(SessionsEvent::SessionSettled { csu, .. }) => Some(csu),
			_ => None,
		})
		.expect("a SessionSettled event")
}

/// `k`'s helper entries in session `id`.
fn entry(id: SessionId, helper: Keyring, host: Keyring) -> HelperWork<AccountId> {
	Sessions::session(id)
		.and_then(|s| s.helpers.iter().find(|h| h.helper == acc(helper) && h.host == acc(host)).cloned())
		.expect("a helper entry")
}

/// Bills Bob 130 s served, 30 paused (100 billed at 20 a second: 2,000 paid, 1,200 earned after
/// the 30 % burn and 10 % treasury share) and ends the session.
fn bill_bob_and_end(id: SessionId) {
	elapse(130);
	let r = receipt(id, BOB, 130, 30, 1);
	assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
	assert_ok!(Sessions::end_session(origin(ALICE), id));
}

#[test]
fn a_hosts_pay_is_split_with_its_helpers_by_verified_tasks_to_the_planck() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		register(DAVE, 4);
		register(EVE, 4);
		// The first credit names the helper.
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 0));
		System::assert_has_event(event(SessionsEvent::HelperNamed { session: id, host: acc(BOB), helper: acc(DAVE) }));
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 400));
		System::assert_last_event(event(SessionsEvent::HelperCredited {
			session: id,
			host: acc(BOB),
			helper: acc(DAVE),
			tasks: 400,
			total: 400,
		}));
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(EVE), 200));
		// Bob computed 500 tasks himself; Dave committed fewer than he was credited (333 of 400),
		// Eve more (400 for 200): each is paid for the fewer.
		assert!(Sessions::note_commitment(id, &acc(BOB), 60, 500));
		assert!(Sessions::note_commitment(id, &acc(DAVE), 60, 333));
		assert!(Sessions::note_commitment(id, &acc(EVE), 60, 400));
		assert_eq!((entry(id, DAVE, BOB).tasks_committed, entry(id, EVE, BOB).tasks_committed), (333, 400));
		assert_eq!(served(id, BOB).seconds_committed, 60, "a helper's window covers none of the host's seconds");
		let before: Vec<Balance> = [ALICE, BOB, DAVE, EVE].iter().map(|k| Balances::total_balance(&acc(*k))).collect();
		let issuance = Balances::total_issuance();
		bill_bob_and_end(id);

		// 1,200 earned over 500 + 333 + 200 = 1,033 tasks: Dave ⌊1,200 × 333 / 1,033⌋ = 386,
		// Eve ⌊1,200 × 200 / 1,033⌋ = 232, Bob the rest, 582.
		let csu = settled();
		assert_eq!(
			csu.helpers.to_vec(),
			vec![
				HelperShare {
					helper: acc(DAVE),
					host: acc(BOB),
					tasks_credited: 400,
					tasks_committed: 333,
					tasks_paid: 333,
					windows_wrong: 0,
					earned: 386
				},
				HelperShare {
					helper: acc(EVE),
					host: acc(BOB),
					tasks_credited: 200,
					tasks_committed: 400,
					tasks_paid: 200,
					windows_wrong: 0,
					earned: 232
				},
			]
		);
		assert_eq!((csu.shares[0].tasks_committed, csu.shares[0].paid, csu.shares[0].earned), (500, 2_000, 582));
		let after: Vec<Balance> = [ALICE, BOB, DAVE, EVE].iter().map(|k| Balances::total_balance(&acc(*k))).collect();
		assert_eq!(after, vec![before[0] - 2_000, before[1] + 582, before[2] + 386, before[3] + 232]);
		// The player pays, and the burn and treasury take, exactly what they would without helpers.
		assert_eq!((csu.paid, csu.burned, csu.to_treasury, csu.refunded), (2_000, 600, 200, 98_000));
		assert_eq!(Balances::total_issuance(), issuance - 600);
	});
}

#[test]
fn a_helper_with_a_wrong_window_is_paid_nothing_and_its_host_keeps_its_part() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		register(DAVE, 4);
		register(EVE, 4);
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 300));
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(EVE), 200));
		assert!(Sessions::note_commitment(id, &acc(BOB), 60, 500));
		assert!(Sessions::note_commitment(id, &acc(DAVE), 60, 300));
		assert!(Sessions::note_commitment(id, &acc(EVE), 60, 200));
		// An audit finds a window of Dave's wrong: no seconds to take, his whole part goes.
		assert_eq!(Sessions::forfeit(id, &acc(DAVE), 60), 0);
		System::assert_last_event(event(SessionsEvent::HelperForfeited { session: id, helper: acc(DAVE) }));
		assert_eq!(entry(id, DAVE, BOB).verified_tasks(), 0);
		let (bob, dave, eve) = (
			Balances::total_balance(&acc(BOB)),
			Balances::total_balance(&acc(DAVE)),
			Balances::total_balance(&acc(EVE)),
		);
		bill_bob_and_end(id);
		// 1,200 over 500 + 0 + 200 = 700 tasks: Eve ⌊240,000 / 700⌋ = 342, Bob 858, Dave nothing.
		let csu = settled();
		assert_eq!(csu.helpers.iter().map(|h| (h.tasks_paid, h.earned)).collect::<Vec<_>>(), vec![(0, 0), (200, 342)]);
		assert_eq!(csu.helpers[0].windows_wrong, 1);
		assert_eq!(Balances::total_balance(&acc(BOB)), bob + 858);
		assert_eq!(Balances::total_balance(&acc(DAVE)), dave);
		assert_eq!(Balances::total_balance(&acc(EVE)), eve + 342);
	});
}

#[test]
fn only_the_running_host_credits_and_only_another_available_contributor_helps() {
	new_test_ext().execute_with(|| {
		register(BOB, 4);
		register(CHARLIE, 4);
		register(DAVE, 4);
		let id = request(&[BOB, CHARLIE]);
		assert_noop!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 1), Error::<Test>::NotActive);
		assert_ok!(Sessions::accept_session(origin(BOB), id));
		assert_noop!(Sessions::credit_helper(origin(BOB), id + 1, acc(DAVE), 1), Error::<Test>::UnknownSession);
		// Not the player, not a backup, not the helper itself.
		for who in [ALICE, CHARLIE, DAVE] {
			assert_noop!(Sessions::credit_helper(origin(who), id, acc(DAVE), 1), Error::<Test>::NotHost);
		}
		// The player can't be paid as a helper, nor the host twice, nor someone who can't work.
		for helper in [ALICE, BOB, FERDIE] {
			assert_noop!(Sessions::credit_helper(origin(BOB), id, acc(helper), 1), Error::<Test>::HelperUnavailable);
		}
		// Up to MaxHelpers (4 here) entries; more credit for a named one is still taken.
		for k in [CHARLIE, DAVE, EVE, Keyring::One] {
			if k != CHARLIE && k != DAVE {
				register(k, 4);
			}
			assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(k), 10));
		}
		register(Keyring::Two, 4);
		assert_noop!(Sessions::credit_helper(origin(BOB), id, acc(Keyring::Two), 10), Error::<Test>::TooManyHelpers);
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 5));
		assert_eq!(entry(id, DAVE, BOB).tasks_credited, 15);
		// Helpers take part in the session: none of them may audit its work.
		let people = Sessions::participants(id);
		assert!([DAVE, EVE, Keyring::One].iter().all(|k| people.contains(&acc(*k))));
	});
}

#[test]
fn a_named_helper_may_commit_until_its_host_is_failed_over() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		register(DAVE, 4);
		register(EVE, 4);
		assert!(!Sessions::is_serving(id, &acc(DAVE)), "not before it is named");
		assert!(!Sessions::note_commitment(id, &acc(DAVE), 60, 100));
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 0));
		assert!(Sessions::is_serving(id, &acc(DAVE)));
		assert!(!Sessions::is_serving(id, &acc(EVE)));
		elapse(40);
		let r = receipt(id, BOB, 40, 0, 1);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
		// Bob's helper worked for Bob; Charlie hasn't named it.
		assert!(!Sessions::is_serving(id, &acc(DAVE)));
		assert!(!Sessions::note_commitment(id, &acc(DAVE), 60, 100));
		assert_noop!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 1), Error::<Test>::NotHost);
		assert_ok!(Sessions::credit_helper(origin(CHARLIE), id, acc(DAVE), 0));
		assert!(Sessions::is_serving(id, &acc(DAVE)));
	});
}

#[test]
fn after_a_failover_each_host_pays_its_own_helpers() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		register(DAVE, 4);
		register(EVE, 4);
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 100));
		assert!(Sessions::note_commitment(id, &acc(BOB), 60, 300));
		assert!(Sessions::note_commitment(id, &acc(DAVE), 60, 100));
		elapse(60);
		let r = receipt(id, BOB, 60, 0, 1);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
		assert_ok!(Sessions::credit_helper(origin(CHARLIE), id, acc(EVE), 300));
		assert!(Sessions::note_commitment(id, &acc(CHARLIE), 60, 100));
		assert!(Sessions::note_commitment(id, &acc(EVE), 60, 300));
		elapse(30);
		let r = receipt(id, CHARLIE, 30, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(ALICE), id, r.clone(), sign(&r)));
		let balances = || [BOB, CHARLIE, DAVE, EVE].map(|k| Balances::total_balance(&acc(k)));
		let before = balances();
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		// Bob: 60 s × 20 = 1,200 paid, 720 earned, over 300 + 100 tasks: Dave 180, Bob 540.
		// Charlie: 30 s = 600 paid, 360 earned, over 100 + 300 tasks: Eve 270, Charlie 90.
		let after = balances();
		assert_eq!(
			[after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]],
			[540, 90, 180, 270]
		);
		let csu = settled();
		assert_eq!(
			csu.helpers.iter().map(|h| (h.host.clone(), h.earned)).collect::<Vec<_>>(),
			vec![(acc(BOB), 180), (acc(CHARLIE), 270)]
		);
		assert_eq!(csu.shares.iter().map(|s| s.earned).collect::<Vec<_>>(), vec![540, 90]);
	});
}

#[test]
fn a_helper_that_never_committed_or_was_never_credited_is_paid_nothing() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		register(DAVE, 4);
		register(EVE, 4);
		// Dave is credited but commits nothing; Eve commits a window nobody credited.
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(DAVE), 900));
		assert_ok!(Sessions::credit_helper(origin(BOB), id, acc(EVE), 0));
		assert!(Sessions::note_commitment(id, &acc(BOB), 60, 500));
		assert!(Sessions::note_commitment(id, &acc(EVE), 60, 100_000));
		let bob = Balances::total_balance(&acc(BOB));
		bill_bob_and_end(id);
		assert!(settled().helpers.iter().all(|h| h.earned == 0 && h.tasks_paid == 0));
		assert_eq!(Balances::total_balance(&acc(BOB)), bob + 1_200, "the host keeps all it earned");
	});
}
