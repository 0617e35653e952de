//! Random sequences of calls and timeouts, with the money invariants checked after every step:
//!
//! - total issuance + everything burned = issuance at the start;
//! - every player's escrow on hold equals the escrow of its live sessions (none left for a
//!   finished session);
//! - every account's total balance (free + held) moved only by the documented flows: a player
//!   pays `paid`, a contributor earns `earned`, the treasury gets `to_treasury`.
//!
//! Two more hold across steps:
//!
//! - what a contributor has billed in a session (served − paused) never goes down;
//! - no session settles on a timeout before its deadline (only a participant's `end_session`
//!   ends it early).
//!
//! Besides honest calls the sequences hold the attacks' calls with arguments of the attacker's
//! choosing: receipts with any served/paused/counter values (signed by the player), failovers
//! with them, crowds of requests that are cancelled at once.
//!
//! A call that fails must leave the state untouched (same storage root). The pallets' own
//! `try_state` invariants are checked after every step too. `PROPTEST_CASES` sets how many
//! sequences run (`scripts/fuzz` runs many).

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
	Register {
		worker: usize,
		slots: u16,
	},
	Heartbeat {
		worker: usize,
	},
	Unregister {
		worker: usize,
	},
	Withdraw {
		worker: usize,
	},
	Request {
		player: usize,
		candidates: Vec<usize>,
		duration: u32,
		max_rate: u128,
	},
	Accept {
		session: usize,
	},
	Receipt {
		session: usize,
		by_player: bool,
		served: u32,
		paused: u32,
	},
	Failover {
		session: usize,
		served: u32,
	},
	/// A receipt with values of the player's choosing for the session's host or any contributor
	/// that served it: absolute, or (`relative`) added to what the contributor has now.
	ForgedReceipt {
		session: usize,
		contributor: usize,
		relative: bool,
		served: u32,
		paused: u32,
		counter: u32,
	},
	/// A failover with such a receipt.
	ForgedFailover {
		session: usize,
		by_player: bool,
		served: u32,
		paused: u32,
		counter: u32,
	},
	/// Requests from `player` cancelled at once, `times` times.
	RequestAndCancel {
		player: usize,
		times: u8,
	},
	/// The clock runs on within a block.
	Elapse {
		seconds: u32,
	},
	End {
		session: usize,
		by_player: bool,
	},
	Advance {
		blocks: u64,
	},
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
		4 => (0..4usize, 0..3usize, any::<bool>(), any::<u32>(), any::<u32>(), prop_oneof![Just(u32::MAX), 0..20u32])
			.prop_map(|(session, contributor, relative, served, paused, counter)| {
				// Near what was billed (relative), or anything below 1,000 s.
				let (served, paused) = if relative { (served % 40, paused % 60) } else { (served % 1_000, paused % 1_000) };
				Op::ForgedReceipt { session, contributor, relative, served, paused, counter }
			}),
		1 => (0..4usize, any::<bool>(), 0..1_000u32, 0..1_000u32, 0..20u32)
			.prop_map(|(session, by_player, served, paused, counter)| Op::ForgedFailover { session, by_player, served, paused, counter }),
		1 => (0..2usize, 1..20u8).prop_map(|(player, times)| Op::RequestAndCancel { player, times }),
		2 => (1..600u32).prop_map(|seconds| Op::Elapse { seconds }),
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

/// A receipt for `session`'s host that adds `served`/`paused` seconds to what it had, as far as
/// the time that has passed allows (an honest client's receipt).
fn next_receipt(session: u64, served: u32, paused: u32) -> Option<(crate::Receipt<AccountId>, MultiSignature)> {
	let s = Sessions::session(session)?;
	let prev = s.served.iter().find(|e| e.contributor == s.host)?;
	let now_ms = polkadot_sdk::pallet_timestamp::Now::<Test>::get();
	let room = (prev.elapsed_seconds(now_ms) as u32).saturating_sub(prev.seconds_served);
	let served = served.min(room);
	let r = crate::Receipt {
		session,
		contributor: s.host.clone(),
		seconds_served: prev.seconds_served + served,
		seconds_paused: prev.seconds_paused + paused.min(served),
		frames: 0,
		latency_p50_ms: 20,
		latency_p95_ms: 40,
		counter: prev.counter + 1,
	};
	let sig = sign_as(keyring_of(&s.player), &r);
	Some((r, sig))
}

/// A receipt with the given values for `contributor` of `session`, signed by its player.
fn forged_receipt(
	session: u64,
	contributor: AccountId,
	served: u32,
	paused: u32,
	counter: u32,
) -> (crate::Receipt<AccountId>, MultiSignature) {
	let player = Sessions::session(session).map(|s| s.player).unwrap_or(acc(ALICE));
	let r = crate::Receipt {
		session,
		contributor,
		seconds_served: served,
		seconds_paused: paused,
		frames: 0,
		latency_p50_ms: 20,
		latency_p95_ms: 40,
		counter,
	};
	let sig = sign_as(keyring_of(&player), &r);
	(r, sig)
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
		Op::ForgedReceipt { session, contributor, relative, served, paused, counter } => {
			let session = pick(session);
			let live = Sessions::session(session);
			let who = live
				.as_ref()
				.and_then(|s| {
					let mut people: Vec<_> = s.served.iter().map(|e| e.contributor.clone()).collect();
					people.push(s.host.clone());
					people.get(contributor % people.len()).cloned()
				})
				.unwrap_or(acc(BOB));
			let (served, paused, counter) = match live.and_then(|s| s.served.into_iter().find(|e| e.contributor == who))
			{
				Some(e) if relative => {
					(e.seconds_served + served, e.seconds_paused + paused, e.counter.saturating_add(counter))
				},
				_ => (served, paused, counter),
			};
			let (r, sig) = forged_receipt(session, who, served, paused, counter);
			let player = Sessions::session(session).map(|s| keyring_of(&s.player)).unwrap_or(ALICE);
			Sessions::submit_receipt(origin(player), session, r, sig)
		},
		Op::ForgedFailover { session, by_player, served, paused, counter } => {
			let session = pick(session);
			let Some(s) = Sessions::session(session) else {
				let (r, sig) = forged_receipt(session, acc(BOB), served, paused, counter);
				return Sessions::failover(origin(ALICE), session, r, sig);
			};
			let (r, sig) = forged_receipt(session, s.host.clone(), served, paused, counter);
			let who = match (by_player, s.backups.first()) {
				(false, Some(b)) => keyring_of(b),
				_ => keyring_of(&s.player),
			};
			Sessions::failover(origin(who), session, r, sig)
		},
		Op::RequestAndCancel { player, times } => {
			for _ in 0..times {
				let id = NextSessionId::<Test>::get();
				Sessions::request_session(
					origin(PLAYERS[player]),
					GAME,
					Requirements::default(),
					60,
					1_000_000,
					candidates(&WORKERS),
				)?;
				Sessions::end_session(origin(PLAYERS[player]), id)?;
			}
			Ok(())
		},
		Op::Elapse { seconds } => {
			elapse(seconds.into());
			Ok(())
		},
	}
}

/// What each contributor has billed in each live session: (served − paused) by (session, who).
fn billed_now() -> BTreeMap<(u64, AccountId), u32> {
	crate::Live::<Test>::iter()
		.flat_map(|(id, s)| {
			s.served.into_iter().map(move |e| ((id, e.contributor.clone()), e.seconds_served - e.seconds_paused))
		})
		.collect()
}

/// Each active session's receipt deadline.
fn deadlines_now() -> BTreeMap<u64, u64> {
	crate::Live::<Test>::iter()
		.filter_map(|(id, s)| match s.state {
			SessionState::Active { deadline, .. } => Some((id, deadline)),
			_ => None,
		})
		.collect()
}

/// Checks the step from `billed`/`deadlines` (before) to now: billed never falls (a settled
/// session's CSU keeps every contributor's served − paused), and a session settled on a
/// timeout had reached its deadline.
fn check_step(billed: &BTreeMap<(u64, AccountId), u32>, deadlines: &BTreeMap<u64, u64>) {
	let after = billed_now();
	for ((id, who), before) in billed {
		let now = after.get(&(*id, who.clone())).copied().or_else(|| {
			Sessions::csu(*id).and_then(|csu| {
				csu.shares.iter().find(|s| &s.contributor == who).map(|s| s.seconds_served - s.seconds_paused)
			})
		});
		assert!(now.is_some_and(|now| now >= *before), "billed fell for {who:?} in {id}: {before} → {now:?}");
	}
	for record in System::events() {
		if let RuntimeEvent::Sessions(SessionsEvent::SessionSettled { session, csu }) = record.event {
			if csu.end_reason == crate::EndReason::ReceiptTimeout {
				let deadline = deadlines.get(&session).copied().unwrap_or(0);
				assert!(
					deadline <= csu.ended_at,
					"session {session} settled at {} before its deadline {deadline}",
					csu.ended_at
				);
			}
		}
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
	// Demand counts the hosts and backups of accepted sessions only.
	let accepted_slots: u32 = Sessions_iter()
		.filter(|s| matches!(s.state, SessionState::Active { .. }))
		.map(|s| 1 + s.backups.len() as u32)
		.sum();
	assert_eq!(OccupiedSlots::<Test>::get(), accepted_slots);
}

#[allow(non_snake_case)]
fn Sessions_iter() -> impl Iterator<Item = crate::SessionInfo<Test>> {
	crate::Live::<Test>::iter_values()
}

/// `PROPTEST_CASES` if set, else `default`.
fn cases(default: u32) -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

proptest! {
	#![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

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
				let (billed, deadlines) = (billed_now(), deadlines_now());
				let result = polkadot_sdk::frame_support::storage::with_storage_layer(|| apply(op));
				if result.is_err() {
					assert_eq!(polkadot_sdk::sp_io::storage::root(StateVersion::V1), before, "{op:?} failed but changed state");
				}
				check_step(&billed, &deadlines);
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
