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
	/// - [`OnlineCapacity`] is the sum of the contributors' counted slots, and nobody counts more
	///   slots than its stake backs;
	/// - the [`AuditorPool`] holds every registered contributor that is not unbonding, once, at
	///   the place its record names;
	/// - the registry's counter matches its entries;
	/// - the [`Leaderboard`] is sorted (most first), names registered contributors, each once.
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let (mut entries, mut counted, mut pooled) = (0u32, 0u32, 0u32);
		for (who, info) in Registry::<T>::iter() {
			entries = entries.saturating_add(1);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Stake.into(), &who) == info.stake,
				"a contributor's stake on hold differs from its record"
			);
			ensure!(
				info.counted_slots <= Self::backed_slots(&info),
				"a contributor counts slots its stake doesn't back"
			);
			counted = counted.saturating_add(info.counted_slots.into());
			let unbonding = matches!(info.status, Status::Unbonding { .. });
			match info.pool_index {
				Some(place) => {
					ensure!(!unbonding, "an unbonding contributor is in the auditor pool");
					ensure!(AuditorPool::<T>::get(place).as_ref() == Some(&who), "a pool place names someone else");
					pooled = pooled.saturating_add(1);
				},
				None => ensure!(unbonding, "a contributor that may audit is not in the auditor pool"),
			}
		}
		ensure!(Registry::<T>::count() == entries, "the registry's counter differs from its entries");
		ensure!(OnlineCapacity::<T>::get() == counted, "online capacity differs from the counted slots");
		ensure!(AuditorPoolSize::<T>::get() == pooled, "the auditor pool's size differs from its members");
		ensure!(AuditorPool::<T>::iter_keys().count() as u32 == pooled, "the auditor pool has stray places");
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
