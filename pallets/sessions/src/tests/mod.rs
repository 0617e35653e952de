//! Tests of sessions, split by topic. Helpers shared by all of them live here.

mod accept;
mod helpers;
mod invariants;
mod rate;
mod receipts;
mod request;
mod settlement;
mod work;

pub use crate::{
	mock::*,
	pallet::{Error, Games, HoldReason, NextSessionId, OccupiedSlots, Timeouts},
	Event as SessionsEvent, Receipt, SessionId,
};
pub use pgt_primitives::contributors::Requirements;
pub use polkadot_sdk::sp_runtime::MultiSignature;
use polkadot_sdk::{
	frame_support::{assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_core::Pair,
	sp_keyring::Sr25519Keyring,
};

pub type Keyring = Sr25519Keyring;

pub fn origin(k: Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(k.to_account_id())
}

pub fn acc(k: Keyring) -> AccountId {
	k.to_account_id()
}

pub fn event(e: SessionsEvent<Test>) -> RuntimeEvent {
	RuntimeEvent::Sessions(e)
}

/// Registers `k` as a contributor with the least stake that backs `max_sessions` slots.
pub fn register(k: Keyring, max_sessions: u16) {
	let stake = pallet_pgt_contributors::Pallet::<Test>::required_stake(&profile(max_sessions));
	assert_ok!(Contributors::register(origin(k), profile(max_sessions), stake));
}

pub fn candidates(ks: &[Keyring]) -> BoundedVec<AccountId, polkadot_sdk::frame_support::traits::ConstU32<5>> {
	BoundedVec::truncate_from(ks.iter().map(|k| k.to_account_id()).collect())
}

/// Alice requests an hour of the Standard game at up to 100,000 per hour from `ks`.
pub fn request(ks: &[Keyring]) -> SessionId {
	let id = NextSessionId::<Test>::get();
	assert_ok!(Sessions::request_session(origin(ALICE), GAME, Requirements::default(), 3_600, 100_000, candidates(ks)));
	id
}

/// Bob registers, Alice requests a session naming Bob (and `backups`), Bob accepts.
pub fn active_session(backups: &[Keyring]) -> SessionId {
	register(BOB, 4);
	for b in backups {
		register(*b, 4);
	}
	let mut all = vec![BOB];
	all.extend_from_slice(backups);
	let id = request(&all);
	assert_ok!(Sessions::accept_session(origin(BOB), id));
	id
}

pub fn receipt(session: SessionId, contributor: Keyring, served: u32, paused: u32, counter: u32) -> Receipt<AccountId> {
	Receipt {
		session,
		contributor: contributor.to_account_id(),
		seconds_served: served,
		seconds_paused: paused,
		frames: u64::from(served) * 60,
		latency_p50_ms: 18,
		latency_p95_ms: 35,
		counter,
	}
}

/// `signer`'s signature over `r` on this chain.
pub fn sign_as(signer: Keyring, r: &Receipt<AccountId>) -> MultiSignature {
	dev_pair(signer).sign(&r.signing_payload(&System::block_hash(0))).into()
}

/// `k`'s key pair, derived once per thread: deriving `//Alice` runs the dev phrase's PBKDF2
/// (2,048 rounds of SHA-512), which would otherwise be most of a property-test sequence's time.
fn dev_pair(k: Keyring) -> polkadot_sdk::sp_core::sr25519::Pair {
	use std::{cell::RefCell, collections::BTreeMap};
	thread_local! {
		static PAIRS: RefCell<BTreeMap<[u8; 32], polkadot_sdk::sp_core::sr25519::Pair>> = const { RefCell::new(BTreeMap::new()) };
	}
	PAIRS.with(|pairs| pairs.borrow_mut().entry(k.to_raw_public()).or_insert_with(|| k.pair()).clone())
}

/// Alice's (the player's) signature over `r`.
pub fn sign(r: &Receipt<AccountId>) -> MultiSignature {
	sign_as(ALICE, r)
}

pub fn escrow_held(k: Keyring) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Sessions(HoldReason::Escrow), &acc(k))
}

/// Runs blocks up to `n`, each 6 s after the one before (its timestamp), as a real chain would.
pub fn run_to(n: u64) {
	use polkadot_sdk::frame_system::RunToBlockHooks;
	System::run_to_block_with::<AllPalletsWithSystem>(
		n,
		RunToBlockHooks::default()
			.after_initialize(|_| Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get() + 6_000)),
	);
}

/// The timestamp of block `n` (ms) while the clock has not been moved with [`elapse`].
pub fn time_of(n: u64) -> u64 {
	1_700_000_000_000 + (n - 1) * 6_000
}

/// Moves the chain's clock on by `seconds` within the current block (as if it were a long
/// block); later blocks follow on from there.
pub fn elapse(seconds: u64) {
	Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get() + seconds * 1_000);
}

/// Records work commitments of `k` in session `id` covering `seconds` (as pallet-pgt-work does
/// for each window it commits).
pub fn cover(id: SessionId, k: Keyring, seconds: u32) {
	use pgt_primitives::sessions::SessionWork;
	assert!(Sessions::note_commitment(id, &k.to_account_id(), seconds, seconds * 30), "{k:?} hosts session {id}");
}

/// `k`'s entry in session `id`.
pub fn served(id: SessionId, k: Keyring) -> crate::Served<AccountId> {
	Sessions::session(id)
		.and_then(|s| s.served.iter().find(|e| e.contributor == k.to_account_id()).cloned())
		.expect("an entry")
}

pub fn slots_in_use(k: Keyring) -> u16 {
	pallet_pgt_contributors::Registry::<Test>::get(acc(k)).map(|i| i.slots_in_use).unwrap_or(0)
}
