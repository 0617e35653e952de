//! Settlement: payments to the unit, the CSU record, reputation, timeouts and pruning.

use super::*;
use crate::{CsuRecord, CsuShare, EndReason, Timeout};
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::Inspect},
	sp_core::H256,
	sp_runtime::Perbill,
};

fn settled_csu() -> CsuRecord<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Sessions(SessionsEvent::SessionSettled { csu, .. }) => Some(csu),
			_ => None,
		})
		.expect("a SessionSettled event")
}

#[test]
fn ending_pays_the_contributor_burns_funds_the_treasury_and_refunds_the_rest() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		let issuance = Balances::total_issuance();
		elapse(130);
		let r = receipt(id, BOB, 130, 30, 1);
		let sig = sign(&r);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sig.clone()));
		run_to(3);
		assert_ok!(Sessions::end_session(origin(ALICE), id));

		// 72,000 per hour = 20 per second; 100 billed seconds (30 paused are free) = 2,000.
		// 30 % burned (600), 10 % to the treasury (200), 1,200 to Bob; 98,000 back to Alice.
		assert_eq!(Balances::total_balance(&acc(ALICE)), INITIAL - 2_000);
		assert_eq!(escrow_held(ALICE), 0);
		assert_eq!(Balances::total_balance(&acc(BOB)), INITIAL + 1_200);
		assert_eq!(Balances::free_balance(treasury()), 1_000 + 200);
		assert_eq!(Balances::total_issuance(), issuance - 600);

		let expected = CsuRecord::<Test> {
			player: acc(ALICE),
			game: GAME,
			task: Sessions::csu(id).expect("kept").task,
			ended_at: 3,
			ended_at_ms: time_of(3) + 130_000,
			end_reason: EndReason::Player,
			rate: 72_000,
			shares: vec![CsuShare {
				contributor: acc(BOB),
				resource_hash: H256::repeat_byte(7),
				seconds_served: 130,
				seconds_paused: 30,
				seconds_forfeited: 0,
				seconds_uncommitted: 0,
				seconds_billed: 100,
				frames: 130 * 60,
				tasks_committed: 0,
				paid: 2_000,
				earned: 1_200,
				receipt_hash: polkadot_sdk::sp_io::hashing::blake2_256(&codec::Encode::encode(&(&r, &sig))).into(),
			}]
			.try_into()
			.expect("one share"),
			helpers: Default::default(),
			paid: 2_000,
			burned: 600,
			to_treasury: 200,
			refunded: 98_000,
		};
		assert_eq!(settled_csu(), expected);
		assert_eq!(Sessions::csu(id), Some(expected));
		System::assert_last_event(event(SessionsEvent::SessionSettled { session: id, csu: settled_csu() }));
		assert!(Sessions::session(id).is_none());
		assert_eq!(slots_in_use(BOB), 0);
		assert_eq!(OccupiedSlots::<Test>::get(), 0);
		// Settling earns no reputation and no verified time: those come from passed audits only.
		assert_eq!(<Contributors as ContributorRegistry<_>>::reputation(&acc(BOB)), Perbill::from_percent(50));
		let stats = pallet_pgt_contributors::Registry::<Test>::get(acc(BOB)).expect("registered").stats;
		assert_eq!(stats.verified_seconds, 0);
	});
}

#[test]
fn after_failover_each_contributor_is_paid_for_its_own_seconds() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		elapse(100);
		let r = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
		elapse(40);
		let r = receipt(id, CHARLIE, 40, 0, 2);
		assert_ok!(Sessions::submit_receipt(origin(CHARLIE), id, r.clone(), sign(&r)));
		assert_ok!(Sessions::end_session(origin(CHARLIE), id));
		// Bob: 100 s = 2,000 paid, 1,200 earned. Charlie: 40 s = 800 paid, 480 earned.
		assert_eq!(Balances::total_balance(&acc(BOB)), INITIAL + 1_200);
		assert_eq!(Balances::total_balance(&acc(CHARLIE)), INITIAL + 480);
		assert_eq!(Balances::total_balance(&acc(ALICE)), INITIAL - 2_800);
		let csu = settled_csu();
		assert_eq!(csu.end_reason, EndReason::Host);
		assert_eq!((csu.paid, csu.burned, csu.to_treasury, csu.refunded), (2_800, 840, 280, 97_200));
		assert_eq!(csu.shares.iter().map(|s| s.earned).collect::<Vec<_>>(), vec![1_200, 480]);
	});
}

#[test]
fn a_session_without_receipts_settles_by_itself_and_refunds_everything() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		run_to(1 + RECEIPT_TIMEOUT);
		let csu = settled_csu();
		assert_eq!(csu.end_reason, EndReason::ReceiptTimeout);
		assert_eq!((csu.paid, csu.refunded), (0, 100_000));
		// The host's share is there, with nothing billed.
		assert_eq!(csu.shares.len(), 1);
		assert_eq!((csu.shares[0].seconds_served, csu.shares[0].paid), (0, 0));
		assert_eq!(Balances::total_balance(&acc(ALICE)), INITIAL);
		assert!(Sessions::session(id).is_none());
	});
}

#[test]
fn receipts_keep_a_session_alive_and_it_settles_on_the_latest_after_they_stop() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		run_to(8);
		let r = receipt(id, BOB, 36, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		// The receipt moved the deadline from block 11 to 18, and its queue entry with it.
		assert!(!Timeouts::<Test>::contains_key(1 + RECEIPT_TIMEOUT, (id, Timeout::Receipt)));
		assert!(Timeouts::<Test>::contains_key(8 + RECEIPT_TIMEOUT, (id, Timeout::Receipt)));
		run_to(1 + RECEIPT_TIMEOUT);
		assert!(Sessions::session(id).is_some());
		run_to(8 + RECEIPT_TIMEOUT);
		assert!(Sessions::session(id).is_none());
		let csu = settled_csu();
		assert_eq!((csu.end_reason, csu.paid), (EndReason::ReceiptTimeout, 720));
	});
}

#[test]
fn csu_records_are_pruned_after_the_retention_period() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		run_to(1 + CSU_RETENTION - 1);
		assert!(Sessions::csu(id).is_some());
		run_to(1 + CSU_RETENTION);
		assert!(Sessions::csu(id).is_none());
	});
}

#[test]
fn end_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let id = request(&[BOB]);
		assert_noop!(Sessions::end_session(origin(ALICE), 99), Error::<Test>::UnknownSession);
		assert_noop!(Sessions::end_session(origin(CHARLIE), id), Error::<Test>::NotPlayerOrHost);
		assert_noop!(Sessions::end_session(origin(BOB), id), Error::<Test>::NotActive);
	});
}

/// Attack: a host commits no work for verification (so nothing can be challenged) and still
/// bills the whole session.
#[test]
fn billed_seconds_that_no_commitment_covers_are_not_paid() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		elapse(600);
		let r = receipt(id, BOB, 600, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		let share = Sessions::csu(id).expect("kept").shares[0].clone();
		// Only the allowance (two 60 s windows that could still be committed) is paid.
		assert_eq!((share.seconds_billed, share.seconds_uncommitted, share.paid), (120, 480, 2_400));
		assert_eq!(Balances::total_balance(&acc(ALICE)), INITIAL - 2_400);
	});
}

#[test]
fn committed_windows_are_paid_in_full() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		elapse(600);
		// Eight 60 s windows committed, plus the allowance: all 600 s are covered.
		for _ in 0..8 {
			cover(id, BOB, 60);
		}
		let r = receipt(id, BOB, 600, 0, 1);
		assert_ok!(Sessions::submit_receipt(origin(BOB), id, r.clone(), sign(&r)));
		assert_ok!(Sessions::end_session(origin(BOB), id));
		let share = Sessions::csu(id).expect("kept").shares[0].clone();
		assert_eq!((share.seconds_billed, share.seconds_uncommitted, share.paid), (600, 0, 12_000));
	});
}

/// The resource hash in the CSU is that of the machine that served, as registered when it
/// started; a profile changed afterwards does not rewrite history.
#[test]
fn the_csu_keeps_the_resource_hash_of_the_machine_that_accepted() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[]);
		let mut newer = profile(4);
		newer.resource_hash = H256::repeat_byte(9);
		assert_ok!(Contributors::update_profile(origin(BOB), newer));
		assert_ok!(Sessions::end_session(origin(ALICE), id));
		assert_eq!(Sessions::csu(id).expect("kept").shares[0].resource_hash, H256::repeat_byte(7));
	});
}
