//! The auditor pool and the draw, and the attack on it: colluders that grind their account keys
//! to sort next to honest accounts (the draw used to take consecutive registry entries from a
//! random point, so a colluder sorting just before an honest auditor was drawn with it), or that
//! flood the registry with accounts that can't audit so a single auditor decides.

use super::*;
use crate::pallet::{AuditorPool, AuditorPoolSize};
use codec::Encode;
use polkadot_sdk::{frame_support::traits::fungible::Mutate, sp_core::H256, sp_io::hashing::blake2_256};

/// A funded, registered contributor made from `seed`.
fn contributor(seed: &[u8]) -> AccountId {
	let who = AccountId::new(blake2_256(seed));
	Balances::set_balance(&who, 10 * MIN_STAKE);
	assert_ok!(Contributors::register(RuntimeOrigin::signed(who.clone()), profile(1), MIN_STAKE));
	who
}

/// A colluder whose key is ground so that it sorts just before `honest` in the registry's key
/// order (`blake2_128(account) ‖ account`): the first of 4,096 candidates whose hash prefix is
/// the largest one below the honest account's.
fn ground_before(honest: &AccountId, tag: u32) -> AccountId {
	let key = |a: &AccountId| crate::Registry::<Test>::hashed_key_for(a);
	let target = key(honest);
	let best = (0..4_096u32)
		.map(|i| AccountId::new(blake2_256(&(b"colluder", tag, i).encode())))
		.filter(|a| key(a) < target)
		.max_by_key(key)
		.unwrap_or_else(|| AccountId::new(blake2_256(&(b"colluder", tag).encode())));
	Balances::set_balance(&best, 10 * MIN_STAKE);
	assert_ok!(Contributors::register(RuntimeOrigin::signed(best.clone()), profile(1), MIN_STAKE));
	best
}

#[test]
fn the_pool_holds_every_contributor_that_may_audit_once() {
	new_test_ext().execute_with(|| {
		for n in [BOB, CHARLIE, DAVE, EVE] {
			register(n, 1);
		}
		assert_eq!(AuditorPoolSize::<Test>::get(), 4);
		// Unbonding leaves the pool; the last place moves into the freed one.
		assert_ok!(Contributors::unregister(origin(BOB)));
		assert_eq!(AuditorPoolSize::<Test>::get(), 3);
		let mut members: Vec<_> = (0..3).map(|i| AuditorPool::<Test>::get(i).expect("dense")).collect();
		members.sort();
		assert_eq!(members, vec![account(CHARLIE), account(DAVE), account(EVE)]);
		assert_eq!(info(EVE).pool_index, Some(0));
	});
}

#[test]
fn a_draw_gives_distinct_eligible_auditors_and_skips_the_excluded() {
	new_test_ext().execute_with(|| {
		for n in [BOB, CHARLIE, DAVE, EVE] {
			register(n, 1);
		}
		for s in 0..50u8 {
			let drawn = Contributors::draw_auditors(&H256::repeat_byte(s), Perbill::zero(), &[account(BOB)], 3, 64);
			assert_eq!(drawn.len(), 3);
			assert!(!drawn.contains(&account(BOB)));
			let mut unique = drawn.clone();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), 3);
		}
		// Too few qualify: fewer come back, within the bounded tries.
		let drawn = Contributors::draw_auditors(&H256::zero(), Perbill::from_percent(90), &[], 3, 64);
		assert!(drawn.is_empty());
	});
}

/// With a share `c` of the eligible auditors colluding, keys ground to sort next to honest
/// accounts, the rate of colluding majorities among three drawn auditors matches the model of
/// independent draws, `3c² − 2c³`, within four standard errors.
#[test]
fn colluding_majorities_match_the_independent_model_whatever_the_keys() {
	new_test_ext().execute_with(|| {
		const HONEST: u32 = 280;
		const COLLUDING: u32 = 120;
		let honest: Vec<_> = (0..HONEST).map(|i| contributor(&(b"honest", i).encode())).collect();
		let colluders: std::collections::BTreeSet<_> =
			(0..COLLUDING).map(|i| ground_before(&honest[i as usize % honest.len()], i)).collect();
		assert_eq!(colluders.len() as u32, COLLUDING);
		let c = f64::from(COLLUDING) / f64::from(HONEST + COLLUDING);
		let model = 3.0 * c * c - 2.0 * c * c * c;

		const DRAWS: u32 = 20_000;
		let mut majorities = 0u32;
		for d in 0..DRAWS {
			let seed = H256(blake2_256(&(b"draw", d).encode()));
			let drawn = Contributors::draw_auditors(&seed, Perbill::zero(), &[], 3, 24);
			assert_eq!(drawn.len(), 3);
			if drawn.iter().filter(|a| colluders.contains(*a)).count() >= 2 {
				majorities += 1;
			}
		}
		let rate = f64::from(majorities) / f64::from(DRAWS);
		let standard_error = (model * (1.0 - model) / f64::from(DRAWS)).sqrt();
		assert!(
			(rate - model).abs() < 4.0 * standard_error,
			"colluding majorities {rate:.4}, model {model:.4} ± {standard_error:.4}"
		);
	});
}

/// A crowd of registered accounts that can't audit (offline) costs tries, never a single auditor
/// deciding alone: the draw either finds eligible auditors or comes back short.
#[test]
fn ineligible_accounts_only_cost_tries() {
	new_test_ext().execute_with(|| {
		let honest: Vec<_> = (0..10u32).map(|i| contributor(&(b"honest", i).encode())).collect();
		let crowd: Vec<_> = (0..90u32).map(|i| contributor(&(b"offline", i).encode())).collect();
		run_to(2 + HEARTBEAT_TIMEOUT);
		for h in &honest {
			assert_ok!(Contributors::heartbeat(RuntimeOrigin::signed(h.clone())));
		}
		let mut found = 0;
		for d in 0..200u32 {
			let seed = H256(blake2_256(&(b"draw", d).encode()));
			let drawn = Contributors::draw_auditors(&seed, Perbill::zero(), &[], 3, 24);
			assert!(drawn.iter().all(|a| honest.contains(a)), "only available contributors are drawn");
			assert!(drawn.iter().all(|a| !crowd.contains(a)));
			found += drawn.len();
		}
		// With 10 % eligible and 24 tries, about 2.4 auditors per draw on average.
		assert!(found > 200 * 3 / 2, "{found}");
	});
}
