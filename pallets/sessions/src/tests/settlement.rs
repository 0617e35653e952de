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
			ended_at_ms: time_of(3),
			end_reason: EndReason::Player,
			rate: 72_000,
			shares: vec![CsuShare {
				contributor: acc(BOB),
				resource_hash: H256::repeat_byte(7),
				seconds_served: 130,
				seconds_paused: 30,
				seconds_forfeited: 0,
				seconds_billed: 100,
				frames: 130 * 60,
				paid: 2_000,
				earned: 1_200,
				receipt_hash: polkadot_sdk::sp_io::hashing::blake2_256(&codec::Encode::encode(&(&r, &sig))).into(),
			}]
			.try_into()
			.expect("one share"),
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
		// Bob served well: reputation and verified time up.
		assert!(<Contributors as ContributorRegistry<_>>::reputation(&acc(BOB)) > Perbill::from_percent(50));
		let stats = pallet_pgt_contributors::Registry::<Test>::get(acc(BOB)).expect("registered").stats;
		assert_eq!(stats.verified_seconds, 100);
	});
}

#[test]
fn after_failover_each_contributor_is_paid_for_its_own_seconds() {
	new_test_ext().execute_with(|| {
		let id = active_session(&[CHARLIE]);
		let r = receipt(id, BOB, 100, 0, 1);
		assert_ok!(Sessions::failover(origin(ALICE), id, r.clone(), sign(&r)));
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
		assert!(csu.shares.is_empty());
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
		// The first deadline (block 11) passes: a receipt came since, so it waits until 18.
		run_to(1 + RECEIPT_TIMEOUT);
		assert!(Sessions::session(id).is_some());
		assert!(Timeouts::<Test>::get(8 + RECEIPT_TIMEOUT).contains(&(id, Timeout::Receipt)));
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
