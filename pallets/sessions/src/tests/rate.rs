//! The dynamic base rate and contributors' rates.

use super::*;
use pgt_primitives::{contributors::ContributorRegistry, reputation::Outcome};

#[test]
fn the_base_rate_falls_when_the_network_is_idle() {
	new_test_ext().execute_with(|| {
		register(BOB, 10);
		let start = Sessions::base_rate();
		run_to(2);
		// No slot in use, target 50 %: the full step down (12.5 %).
		assert_eq!(Sessions::base_rate(), start - start / 8);
		run_to(200);
		assert_eq!(Sessions::base_rate(), MIN_RATE);
	});
}

#[test]
fn the_base_rate_rises_when_the_network_is_busy() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		register(CHARLIE, 1);
		// Both slots taken: utilisation 100 %.
		let id = request(&[BOB, CHARLIE]);
		assert_ok_accept(id);
		let start = Sessions::base_rate();
		run_to(2);
		assert_eq!(Sessions::base_rate(), start + start / 8);
		let mut last = Sessions::base_rate();
		for n in 3..8 {
			run_to(n);
			assert!(Sessions::base_rate() > last);
			last = Sessions::base_rate();
		}
		assert!(last <= MAX_RATE);
	});
}

fn assert_ok_accept(id: crate::SessionId) {
	polkadot_sdk::frame_support::assert_ok!(Sessions::accept_session(origin(BOB), id));
}

#[test]
fn rates_follow_game_tier_and_reputation() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		assert_eq!(Sessions::contributor_rate(acc(BOB), GAME), Some(72_000));
		assert_eq!(Sessions::contributor_rate(acc(BOB), HEAVY_GAME), Some(144_000));
		assert_eq!(Sessions::contributor_rate(acc(BOB), 99), None);
		for _ in 0..20 {
			Contributors::record_outcome(&acc(BOB), Outcome::success(1_000_000), 3_600);
		}
		let trusted = Sessions::contributor_rate(acc(BOB), GAME).expect("known game");
		assert!(trusted > 72_000 && trusted <= 108_000, "{trusted}");
	});
}
