//! Benchmarks of every call and hook of sessions, each in its worst case: the most candidates,
//! backups, serving contributors and helpers the configuration allows.

use super::*;
use crate::pallet::{Games, Live, Pallet as SessionsPallet};
use alloc::vec::Vec;
use pgt_primitives::contributors::Requirements;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Saturating,
};

const GAME: GameId = 0;

fn player<T: Config>() -> T::AccountId {
	let player = T::BenchmarkHelper::player();
	T::Currency::set_balance(&player, T::MaxRate::get().saturating_mul(1_000_000u32.into()));
	Games::<T>::insert(GAME, ComplexityTier::Heavy);
	player
}

/// `n` fresh contributors, numbered from `first`.
fn contributors<T: Config>(first: u32, n: u32) -> Vec<T::AccountId> {
	(first..first + n).map(T::BenchmarkHelper::contributor).collect()
}

/// Requests a session of the longest duration at the highest rate from `candidates`.
fn request<T: Config>(player: &T::AccountId, candidates: Vec<T::AccountId>) -> SessionId {
	let id = NextSessionId::<T>::get();
	SessionsPallet::<T>::do_request_session(
		player.clone(),
		GAME,
		Requirements::default(),
		T::MaxSessionSeconds::get(),
		T::MaxRate::get(),
		BoundedVec::truncate_from(candidates),
	)
	.expect("the candidates can serve");
	id
}

/// Lets `seconds` of chain time pass, then makes a receipt for the current host of `id` adding
/// `served` seconds to what it had (one of them paused), signed by the player.
fn host_receipt<T: Config>(id: SessionId, seconds: u32, served: u32) -> (ReceiptOf<T>, T::Signature) {
	T::BenchmarkHelper::pass_time(u64::from(seconds) * 1_000);
	let s = Live::<T>::get(id).expect("live");
	let had = s.served.iter().find(|e| e.contributor == s.host).cloned().expect("the host has an entry");
	let receipt = Receipt {
		session: id,
		contributor: s.host.clone(),
		seconds_served: had.seconds_served + served,
		seconds_paused: had.seconds_paused + served.min(1),
		frames: u64::from(had.seconds_served + served) * 60,
		latency_p50_ms: 20,
		latency_p95_ms: 45,
		counter: had.counter + 1,
	};
	let signature = T::BenchmarkHelper::sign(&receipt.signing_payload(&SessionsPallet::<T>::genesis_hash()));
	(receipt, signature)
}

/// Contributors a loaded session uses: every server and every helper.
fn contributors_per_session<T: Config>() -> u32 {
	T::MaxBackups::get() + 1 + T::MaxHelpers::get()
}

/// An accepted session in which the host and every backup have served (the host failed over
/// `MaxBackups` times) and the last host named `helpers` helpers, each credited with and
/// committing work, so settling it pays the most contributors. Uses the contributors numbered
/// from `first_contributor` ([`contributors_per_session`] of them at most).
fn loaded_session<T: Config>(player: &T::AccountId, first_contributor: u32, helpers: u32) -> SessionId {
	use pgt_primitives::sessions::SessionWork;
	let servers = T::MaxBackups::get() + 1;
	let id = request::<T>(player, contributors::<T>(first_contributor, servers));
	let host = Live::<T>::get(id).expect("live").host;
	SessionsPallet::<T>::do_accept_session(host, id).expect("the host accepts");
	for _ in 0..T::MaxBackups::get() {
		let (r, sig) = host_receipt::<T>(id, 60, 60);
		SessionsPallet::<T>::do_failover(player.clone(), id, r, sig).expect("a backup takes over");
	}
	let host = Live::<T>::get(id).expect("live").host;
	assert!(SessionsPallet::<T>::note_commitment(id, &host, 60, 1_000), "the host commits");
	for helper in contributors::<T>(first_contributor + servers, helpers) {
		SessionsPallet::<T>::do_credit_helper(host.clone(), id, helper.clone(), 500).expect("a helper is named");
		assert!(SessionsPallet::<T>::note_commitment(id, &helper, 60, 500), "the helper commits");
	}
	let (r, sig) = host_receipt::<T>(id, 60, 60);
	SessionsPallet::<T>::do_submit_receipt(player.clone(), id, r, sig).expect("the receipt is valid");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_game() {
		#[extrinsic_call]
		_(RawOrigin::Root, 7, Some(ComplexityTier::Standard));
		assert_eq!(Games::<T>::get(7), Some(ComplexityTier::Standard));
	}

	#[benchmark]
	fn request_session(c: Linear<1, { T::MaxCandidates::get() }>) {
		let player = player::<T>();
		let candidates: BoundedVec<_, _> = BoundedVec::truncate_from(contributors::<T>(0, c));
		let id = NextSessionId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(player),
			GAME,
			Requirements::default(),
			T::MaxSessionSeconds::get(),
			T::MaxRate::get(),
			candidates,
		);
		assert!(Live::<T>::contains_key(id));
	}

	#[benchmark]
	fn accept_session() {
		let player = player::<T>();
		let id = request::<T>(&player, contributors::<T>(0, T::MaxBackups::get() + 1));
		let host = Live::<T>::get(id).expect("live").host;
		#[extrinsic_call]
		_(RawOrigin::Signed(host), id);
		assert!(matches!(Live::<T>::get(id).map(|s| s.state), Some(SessionState::Active { .. })));
	}

	#[benchmark]
	fn submit_receipt() {
		let player = player::<T>();
		let id = loaded_session::<T>(&player, 0, T::MaxHelpers::get());
		let (receipt, signature) = host_receipt::<T>(id, 60, 60);
		let counter = receipt.counter;
		#[extrinsic_call]
		_(RawOrigin::Signed(player), id, receipt, signature);
		let s = Live::<T>::get(id).expect("live");
		assert_eq!(s.served.iter().find(|e| e.contributor == s.host).map(|e| e.counter), Some(counter));
	}

	#[benchmark]
	fn failover() {
		let player = player::<T>();
		let id = request::<T>(&player, contributors::<T>(0, T::MaxBackups::get() + 1));
		let host = Live::<T>::get(id).expect("live").host;
		SessionsPallet::<T>::do_accept_session(host.clone(), id).expect("the host accepts");
		// The host stalled: its receipt serves one second of a long stretch, so it is blamed
		// (the dearer path, with a reputation update).
		let (receipt, signature) = host_receipt::<T>(id, T::StallSeconds::get() + 60, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(player), id, receipt, signature);
		assert!(Live::<T>::get(id).is_some_and(|s| s.host != host));
	}

	/// A new helper named in a session that has all but one of its helper entries.
	#[benchmark]
	fn credit_helper() {
		let player = player::<T>();
		let id = loaded_session::<T>(&player, 0, T::MaxHelpers::get().saturating_sub(1));
		let host = Live::<T>::get(id).expect("live").host;
		let helper = T::BenchmarkHelper::contributor(contributors_per_session::<T>());
		#[extrinsic_call]
		_(RawOrigin::Signed(host), id, helper.clone(), 1_000);
		assert!(Live::<T>::get(id).is_some_and(|s| s.helpers.iter().any(|h| h.helper == helper)));
	}

	#[benchmark]
	fn end_session() {
		let player = player::<T>();
		let id = loaded_session::<T>(&player, 0, T::MaxHelpers::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(player), id);
		assert!(Csus::<T>::contains_key(id));
	}

	/// `n` sessions reach their receipt deadline in one block and settle (each fully loaded).
	#[benchmark]
	fn process_timeouts(n: Linear<0, { T::MaxTimeoutsPerBlock::get() }>) {
		let player = player::<T>();
		let per = contributors_per_session::<T>();
		let ids: Vec<_> = (0..n).map(|i| loaded_session::<T>(&player, i * per, T::MaxHelpers::get())).collect();
		let at = polkadot_sdk::frame_system::Pallet::<T>::block_number().saturating_add(T::ReceiptTimeout::get());
		// Every block before is handled: the queue looks at this one block.
		crate::pallet::TimeoutCursor::<T>::put(at);
		let handled;
		#[block]
		{
			handled = SessionsPallet::<T>::process_timeouts(at);
		}
		assert_eq!(handled, (n, 1));
		assert!(ids.iter().all(Csus::<T>::contains_key));
	}

	#[benchmark]
	fn update_base_rate() {
		#[block]
		{
			SessionsPallet::<T>::update_base_rate();
		}
		assert!(BaseRate::<T>::get() >= T::MinRate::get());
	}

	impl_benchmark_test_suite!(SessionsPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
