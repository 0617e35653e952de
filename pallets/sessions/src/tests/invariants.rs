//! Random sequences of calls and timeouts, with the money invariants checked after every step:
//!
//! - total issuance + everything burned = issuance at the start;
//! - every player's escrow on hold equals the escrow of its live sessions (none left for a
//!   finished session);
//! - every account's total balance (free + held) moved only by the documented flows: a player
//!   pays `paid`, a contributor earns `earned`, the treasury gets `to_treasury`.
//!
//! A call that fails must leave the state untouched (same storage root). The pallets' own
//! `try_state` invariants are checked after every step too.

use super::*;
use crate::SessionState;
use polkadot_sdk::{
	frame_support::traits::fungible::Inspect,
	sp_runtime::{DispatchResult, StateVersion},
};
use proptest::prelude::*;
use std::collections::BTreeMap;

const PLAYERS: [Keyring; 2] = [ALICE, FERDIE];
const WORKERS: [Keyring; 4] = [BOB, CHARLIE, DAVE, EVE];

#[derive(Clone, Debug)]
enum Op {
	Register { worker: usize, slots: u16 },
	Heartbeat { worker: usize },
	Unregister { worker: usize },
	Withdraw { worker: usize },
	Request { player: usize, candidates: Vec<usize>, duration: u32, max_rate: u128 },
	Accept { session: usize },
	Receipt { session: usize, by_player: bool, served: u32, paused: u32 },
	Failover { session: usize, served: u32 },
	End { session: usize, by_player: bool },
	Advance { blocks: u64 },
}

/// Calls weighted so that most sequences get sessions through their whole life; `session`
/// picks one of the live sessions (or, with none live, names an unknown one).
fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		1 => (0..4usize, 1..3u16).prop_map(|(worker, slots)| Op::Register { worker, slots }),
		1 => (0..4usize).prop_map(|worker| Op::Heartbeat { worker }),
		1 => (0..4usize).prop_map(|worker| Op::Unregister { worker }),
		1 => (0..4usize).prop_map(|worker| Op::Withdraw { worker }),
		4 => (
			0..2usize,
			proptest::collection::vec(0..4usize, 0..4),
			1..7_200u32,
			prop_oneof![3 => Just(1_000_000u128), 1 => 1..200_000u128],
		)
			.prop_map(|(player, candidates, duration, max_rate)| Op::Request { player, candidates, duration, max_rate }),
		4 => (0..4usize).prop_map(|session| Op::Accept { session }),
		6 => (0..4usize, any::<bool>(), 0..900u32, 0..300u32)
			.prop_map(|(session, by_player, served, paused)| Op::Receipt { session, by_player, served, paused }),
		2 => (0..4usize, 0..900u32).prop_map(|(session, served)| Op::Failover { session, served }),
		2 => (0..4usize, any::<bool>()).prop_map(|(session, by_player)| Op::End { session, by_player }),
		2 => (1..14u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

/// The `i`-th live session (in id order, cycling), or an id that does not exist.
fn pick(i: usize) -> u64 {
	let mut live: Vec<u64> = crate::Live::<Test>::iter_keys().collect();
	live.sort();
	if live.is_empty() {
		1_000 + i as u64
	} else {
		live[i % live.len()]
	}
}

fn keyring_of(who: &AccountId) -> Keyring {
	Keyring::iter().find(|k| &k.to_account_id() == who).expect("a dev account")
}

/// A receipt for `session`'s host that adds `served`/`paused` seconds to what it had.
fn next_receipt(session: u64, served: u32, paused: u32) -> Option<(crate::Receipt<AccountId>, MultiSignature)> {
	let s = Sessions::session(session)?;
	let prev = s.served.iter().find(|e| e.contributor == s.host);
	let (had_served, had_paused) = prev.map(|e| (e.seconds_served, e.seconds_paused)).unwrap_or((0, 0));
	let r = crate::Receipt {
		session,
		contributor: s.host.clone(),
		seconds_served: had_served + served,
		seconds_paused: had_paused + paused.min(served),
		frames: 0,
		latency_p50_ms: 20,
		latency_p95_ms: 40,
		counter: s.last_counter + 1,
	};
	let sig = sign_as(keyring_of(&s.player), &r);
	Some((r, sig))
}

fn apply(op: &Op) -> DispatchResult {
	match op.clone() {
		Op::Register { worker, slots } => Contributors::register(origin(WORKERS[worker]), profile(slots), MIN_STAKE),
		Op::Heartbeat { worker } => Contributors::heartbeat(origin(WORKERS[worker])),
		Op::Unregister { worker } => Contributors::unregister(origin(WORKERS[worker])),
		Op::Withdraw { worker } => Contributors::withdraw_stake(origin(WORKERS[worker])),
		Op::Request { player, candidates: c, duration, max_rate } => Sessions::request_session(
			origin(PLAYERS[player]),
			GAME,
			Requirements::default(),
			duration,
			max_rate,
			candidates(&c.iter().map(|i| WORKERS[*i]).collect::<Vec<_>>()),
		),
		Op::Accept { session } => {
			let session = pick(session);
			let host = Sessions::session(session).map(|s| keyring_of(&s.host)).unwrap_or(BOB);
			Sessions::accept_session(origin(host), session)
		},
		Op::Receipt { session, by_player, served, paused } => {
			let session = pick(session);
			let Some((r, sig)) = next_receipt(session, served, paused) else {
				return Sessions::submit_receipt(
					origin(ALICE),
					session,
					receipt(session, BOB, 1, 0, 1),
					sign(&receipt(session, BOB, 1, 0, 1)),
				);
			};
			let s = Sessions::session(session).expect("exists");
			let who = if by_player { keyring_of(&s.player) } else { keyring_of(&s.host) };
			Sessions::submit_receipt(origin(who), session, r, sig)
		},
		Op::Failover { session, served } => {
			let session = pick(session);
			let Some((r, sig)) = next_receipt(session, served, 0) else {
				return Sessions::failover(
					origin(ALICE),
					session,
					receipt(session, BOB, 1, 0, 1),
					sign(&receipt(session, BOB, 1, 0, 1)),
				);
			};
			let player = keyring_of(&Sessions::session(session).expect("exists").player);
			Sessions::failover(origin(player), session, r, sig)
		},
		Op::End { session, by_player } => {
			let session = pick(session);
			let who = Sessions::session(session)
				.map(|s| keyring_of(if by_player { &s.player } else { &s.host }))
				.unwrap_or(ALICE);
			Sessions::end_session(origin(who), session)
		},
		Op::Advance { blocks } => {
			run_to(System::block_number() + blocks);
			Ok(())
		},
	}
}

/// Money moved by the documented flows, from the events of the last step.
#[derive(Default)]
struct Ledger {
	burned: Balance,
	delta: BTreeMap<AccountId, i128>,
}

impl Ledger {
	fn take_events(&mut self) {
		for record in System::events() {
			if let RuntimeEvent::Sessions(SessionsEvent::SessionSettled { csu, .. }) = record.event {
				self.burned += csu.burned;
				*self.delta.entry(csu.player.clone()).or_default() -= csu.paid as i128;
				*self.delta.entry(treasury()).or_default() += csu.to_treasury as i128;
				for share in csu.shares.iter() {
					*self.delta.entry(share.contributor.clone()).or_default() += share.earned as i128;
				}
				assert_eq!(
					csu.paid,
					csu.burned + csu.to_treasury + csu.shares.iter().map(|s| s.earned).sum::<Balance>()
				);
			}
		}
		System::reset_events();
	}
}

fn check_money(ledger: &Ledger, issuance: Balance, initial: &BTreeMap<AccountId, Balance>) {
	// The pallets' own invariants (`try_state`) first, then the money flows.
	crate::mock::check_invariants().expect("the pallets' invariants hold");
	assert_eq!(Balances::total_issuance() + ledger.burned, issuance, "issuance + burned");
	for player in PLAYERS {
		let live: Balance = Sessions_iter().filter(|s| s.player == acc(player)).map(|s| s.escrow).sum();
		assert_eq!(escrow_held(player), live, "escrow of {player:?}");
	}
	for (who, start) in initial {
		let expected = *start as i128 + ledger.delta.get(who).copied().unwrap_or(0);
		assert_eq!(Balances::total_balance(who) as i128, expected, "balance of {who:?}");
	}
	// Slots taken match the live sessions' hosts and backups.
	let live_slots: u32 = Sessions_iter().map(|s| 1 + s.backups.len() as u32).sum();
	assert_eq!(OccupiedSlots::<Test>::get(), live_slots);
	for s in Sessions_iter() {
		if let SessionState::Active { deadline, .. } = s.state {
			assert!(deadline >= System::block_number());
		}
	}
}

#[allow(non_snake_case)]
fn Sessions_iter() -> impl Iterator<Item = crate::SessionInfo<Test>> {
	crate::Live::<Test>::iter_values()
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

	#[test]
	fn money_is_only_moved_by_the_documented_flows(ops in proptest::collection::vec(op(), 1..40)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			let initial: BTreeMap<_, _> = Keyring::iter()
				.map(|k| k.to_account_id())
				.chain([treasury()])
				.map(|a| { let b = Balances::total_balance(&a); (a, b) })
				.collect();
			let mut ledger = Ledger::default();
			// Everyone starts registered; the sequence may unregister and register again.
			for w in WORKERS {
				register(w, 2);
			}
			System::reset_events();
			for op in &ops {
				let before = polkadot_sdk::sp_io::storage::root(StateVersion::V1);
				if apply(op).is_err() {
					assert_eq!(polkadot_sdk::sp_io::storage::root(StateVersion::V1), before, "{op:?} failed but changed state");
				}
				ledger.take_events();
				check_money(&ledger, issuance, &initial);
			}
			// Finish every session: nothing may stay on hold.
			run_to(System::block_number() + 2 * (ACCEPT_TIMEOUT + RECEIPT_TIMEOUT) * 3);
			ledger.take_events();
			check_money(&ledger, issuance, &initial);
			prop_assert_eq!(Sessions_iter().count(), 0);
			for p in PLAYERS {
				prop_assert_eq!(escrow_held(p), 0);
			}
			Ok(())
		})?;
	}
}
