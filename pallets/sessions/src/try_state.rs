//! The invariants of sessions, checked by `try_state` (feature `try-runtime`), after every mock
//! test and after every step of the property test.

use crate::{pallet::*, BalanceOf, SessionState};
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold},
	sp_runtime::{traits::Saturating, TryRuntimeError},
};

impl<T: Config> Pallet<T> {
	/// Checks what must hold between blocks:
	/// - each player's escrow on hold equals the escrow of its live sessions;
	/// - [`OccupiedSlots`] equals the hosts and backups of the live sessions;
	/// - no running session's receipt deadline is in the past;
	/// - every live session's id is below [`NextSessionId`].
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let next = NextSessionId::<T>::get();
		let mut escrow_by_player: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut slots = 0u32;
		for (id, s) in Live::<T>::iter() {
			ensure!(id < next, "a live session has an id not yet given out");
			let held = escrow_by_player.entry(s.player.clone()).or_default();
			*held = held.saturating_add(s.escrow);
			slots = slots.saturating_add(1).saturating_add(s.backups.len() as u32);
			if let SessionState::Active { deadline, .. } = s.state {
				ensure!(deadline >= now, "a running session's receipt deadline has passed");
			}
		}
		for (player, escrow) in escrow_by_player {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Escrow.into(), &player) == escrow,
				"a player's escrow on hold differs from its live sessions' escrow"
			);
		}
		ensure!(OccupiedSlots::<T>::get() == slots, "occupied slots differ from the live sessions' hosts and backups");
		Ok(())
	}
}
