//! What other pallets' mocks and benchmarks need from sessions: a session that is running.

use crate::{pallet::*, BalanceOf, GameId, SessionId};
use polkadot_sdk::frame_support::{traits::Get, BoundedVec};

/// `player` requests an hour of `game` at up to `max_rate` naming only `host`, and `host`
/// accepts: the session is running with `host` serving it. Panics if the host cannot serve.
pub fn serving_session<T: Config>(
	player: T::AccountId,
	game: GameId,
	host: &T::AccountId,
	max_rate: BalanceOf<T>,
) -> SessionId {
	let id = NextSessionId::<T>::get();
	let hour = 3_600u32.min(T::MaxSessionSeconds::get());
	Pallet::<T>::do_request_session(
		player,
		game,
		Default::default(),
		hour,
		max_rate,
		BoundedVec::truncate_from(alloc::vec![host.clone()]),
	)
	.expect("the host can serve");
	Pallet::<T>::do_accept_session(host.clone(), id).expect("the host accepts");
	id
}
