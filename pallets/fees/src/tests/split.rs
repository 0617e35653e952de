//! The fee split: shares, rounding, tips, a missing or unpayable author and treasury.

use crate::{mock::*, Event, FeeSplit, SplitFees};
use polkadot_sdk::frame_support::traits::{
	fungible::{Balanced, Inspect},
	tokens::{Fortitude, Precision, Preservation},
	OnUnbalanced,
};

/// Withdraws `amount` from the payer, as transaction-payment does.
fn withdraw(amount: u64) -> crate::CreditOf<Test> {
	Balances::withdraw(&PAYER, amount, Precision::Exact, Preservation::Preserve, Fortitude::Polite)
		.expect("payer can pay")
}

#[test]
fn split_parts_always_add_up_to_the_fee() {
	for fee in [0u64, 1, 2, 3, 7, 99, 100, 101, 12_345, u64::MAX] {
		let s = Fees::split_of(fee);
		assert_eq!(s.burn as u128 + s.treasury as u128 + s.author as u128, fee as u128, "fee {fee}");
	}
	assert_eq!(Fees::split_of(1_000), FeeSplit { burn: 400, treasury: 300, author: 300 });
	// Rounding remainders go to the author.
	assert_eq!(Fees::split_of(9), FeeSplit { burn: 3, treasury: 2, author: 4 });
}

#[test]
fn fee_is_burned_and_shared_by_the_configured_shares() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		SplitFees::<Test>::on_unbalanceds([withdraw(1_000)].into_iter());

		assert_eq!(Balances::total_issuance(), issuance - 400);
		assert_eq!(Balances::balance(&TREASURY), 1_000 + 300);
		assert_eq!(Balances::balance(&AUTHOR), 1_000 + 300);
		assert_eq!(Balances::balance(&PAYER), 1_000_000 - 1_000);
		System::assert_last_event(
			Event::FeesSplit { burned: 400, to_treasury: 300, to_author: 300, author: Some(AUTHOR) }.into(),
		);
	});
}

#[test]
fn tip_goes_to_the_author_whole() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		SplitFees::<Test>::on_unbalanceds([withdraw(1_000), withdraw(50)].into_iter());

		assert_eq!(Balances::total_issuance(), issuance - 400);
		assert_eq!(Balances::balance(&TREASURY), 1_300);
		assert_eq!(Balances::balance(&AUTHOR), 1_000 + 300 + 50);
		System::assert_last_event(
			Event::FeesSplit { burned: 400, to_treasury: 300, to_author: 350, author: Some(AUTHOR) }.into(),
		);
	});
}

#[test]
fn without_an_author_its_share_goes_to_the_treasury() {
	new_test_ext().execute_with(|| {
		BlockAuthor::set(None);
		let issuance = Balances::total_issuance();
		SplitFees::<Test>::on_unbalanceds([withdraw(1_000)].into_iter());

		assert_eq!(Balances::total_issuance(), issuance - 400);
		assert_eq!(Balances::balance(&TREASURY), 1_000 + 600);
		assert_eq!(Balances::balance(&AUTHOR), 1_000);
		System::assert_last_event(
			Event::FeesSplit { burned: 400, to_treasury: 600, to_author: 0, author: None }.into(),
		);
	});
}

#[test]
fn an_author_share_below_the_existential_deposit_goes_to_the_treasury() {
	new_test_ext().execute_with(|| {
		// A fresh author account cannot be created with less than the existential deposit (10).
		BlockAuthor::set(Some(999));
		SplitFees::<Test>::on_unbalanceds([withdraw(20)].into_iter());

		// 20: burn 8, treasury 6, author 6 -> author's 6 < ED, so it goes to the treasury.
		assert_eq!(Balances::balance(&999), 0);
		assert_eq!(Balances::balance(&TREASURY), 1_000 + 12);
		System::assert_last_event(
			Event::FeesSplit { burned: 8, to_treasury: 12, to_author: 0, author: Some(999) }.into(),
		);
	});
}

#[test]
fn nothing_is_lost_when_no_one_can_take_a_share() {
	new_test_ext().execute_with(|| {
		BlockAuthor::set(None);
		// Empty the treasury so it cannot be recreated with a tiny deposit.
		let _ = Balances::withdraw(&TREASURY, 1_000, Precision::Exact, Preservation::Expendable, Fortitude::Polite)
			.expect("treasury can be emptied");
		let issuance = Balances::total_issuance();
		SplitFees::<Test>::on_unbalanceds([withdraw(5)].into_iter());

		// Everything the treasury could not take was burned: the payer's 5 left issuance.
		assert_eq!(Balances::total_issuance(), issuance - 5);
		System::assert_last_event(Event::FeesSplit { burned: 5, to_treasury: 0, to_author: 0, author: None }.into());
	});
}

#[test]
fn zero_fee_and_tip_move_nothing_and_emit_nothing() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		let credits = [withdraw(0), withdraw(0)];
		System::reset_events();
		SplitFees::<Test>::on_unbalanceds(credits.into_iter());
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Balances::balance(&TREASURY), 1_000);
		assert_eq!(Balances::balance(&AUTHOR), 1_000);
		assert!(System::events().is_empty());
	});
}
