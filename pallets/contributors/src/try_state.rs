//! The invariants of the registry, checked by `try_state` (feature `try-runtime`) and after every
//! mock test.

use crate::{pallet::*, Status};
use alloc::collections::btree_set::BTreeSet;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold},
	sp_runtime::TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// Checks what must hold between blocks:
	/// - each contributor's stake on hold equals the stake its record names;
	/// - [`OnlineCapacity`] is the slots of the contributors marked online;
	/// - the registry's counter matches its entries;
	/// - the [`Leaderboard`] is sorted (most first), names registered contributors, each once.
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let (mut entries, mut online_slots) = (0u32, 0u32);
		for (who, info) in Registry::<T>::iter() {
			entries = entries.saturating_add(1);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Stake.into(), &who) == info.stake,
				"a contributor's stake on hold differs from its record"
			);
			if info.status == Status::Online {
				online_slots = online_slots.saturating_add(info.profile.max_sessions.into());
			}
		}
		ensure!(Registry::<T>::count() == entries, "the registry's counter differs from its entries");
		ensure!(
			OnlineCapacity::<T>::get() == online_slots,
			"online capacity differs from the online contributors' slots"
		);
		let board = Leaderboard::<T>::get();
		ensure!(board.windows(2).all(|w| w[0].1 >= w[1].1), "the leaderboard is not sorted");
		let mut seen = BTreeSet::new();
		for (who, _) in board.iter() {
			ensure!(seen.insert(who.clone()), "the leaderboard names a contributor twice");
			ensure!(Registry::<T>::contains_key(who), "the leaderboard names an unregistered account");
		}
		Ok(())
	}
}
