//! Slashing: burned, to the treasury, while unbonding.

use super::*;

#[test]
fn slashing_burns_a_share_of_stake() {
	new_test_ext().execute_with(|| {
		SlashTo::set(SlashDestination::Burn);
		assert_ok!(Contributors::register(origin(BOB), profile(1), 10_000));
		let issuance = Balances::total_issuance();
		assert_eq!(Contributors::slash(&account(BOB), Perbill::from_percent(10)), 1_000);
		assert_eq!(held(BOB), 9_000);
		assert_eq!(info(BOB).stake, 9_000);
		assert_eq!(Balances::total_issuance(), issuance - 1_000);
		System::assert_last_event(event(ContributorsEvent::Slashed {
			who: account(BOB),
			amount: 1_000,
			to: SlashDestination::Burn,
		}));
		// Below the minimum stake after slashing: no new sessions.
		assert_eq!(Contributors::slash(&account(BOB), Perbill::from_percent(95)), 8_550);
		assert!(!Contributors::can_serve(&account(BOB), &Requirements::default()));
	});
}

#[test]
fn slashing_can_pay_the_treasury() {
	new_test_ext().execute_with(|| {
		SlashTo::set(SlashDestination::Treasury);
		assert_ok!(Contributors::register(origin(BOB), profile(1), 10_000));
		let issuance = Balances::total_issuance();
		assert_eq!(Contributors::slash(&account(BOB), Perbill::from_percent(10)), 1_000);
		assert_eq!(Balances::free_balance(treasury()), 2_000);
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_last_event(event(ContributorsEvent::Slashed {
			who: account(BOB),
			amount: 1_000,
			to: SlashDestination::Treasury,
		}));
		// An unknown account has nothing to slash.
		assert_eq!(Contributors::slash(&account(CHARLIE), Perbill::from_percent(10)), 0);
		SlashTo::set(SlashDestination::Burn);
	});
}

#[test]
fn slashing_reaches_stake_while_unbonding() {
	new_test_ext().execute_with(|| {
		assert_ok!(Contributors::register(origin(BOB), profile(1), 10_000));
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_eq!(Contributors::slash(&account(BOB), Perbill::from_percent(50)), 5_000);
		run_to(1 + UNBONDING);
		assert_ok!(Contributors::withdraw_stake(origin(BOB)));
		System::assert_last_event(event(ContributorsEvent::StakeWithdrawn { who: account(BOB), amount: 5_000 }));
		assert_eq!(Balances::free_balance(account(BOB)), 1_000_000 - 5_000);
	});
}
