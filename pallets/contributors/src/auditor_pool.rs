//! The auditor pool and the draw of auditors: every registered contributor that is not
//! unbonding holds one place in [`AuditorPool`] (`0..AuditorPoolSize`, kept dense by moving the
//! last place into a freed one), and each auditor is drawn at its own uniformly random place.
//!
//! **Why grinding keys gains nothing.** Each try hashes the seed with its own counter into a
//! place, so every eligible contributor is equally likely to be drawn on every try, wherever its
//! account sorts. An account that can't audit now (offline, excluded, low reputation, already
//! drawn) is skipped and the next try made, up to `max_tries` in all: a crowd of ineligible
//! accounts only costs tries (each such account still holds the minimum stake).

use crate::{pallet::*, ContributorOf};
use alloc::vec::Vec;
use codec::Encode;
use polkadot_sdk::{sp_core::H256, sp_io::hashing::blake2_256, sp_runtime::Perbill};

impl<T: Config> Pallet<T> {
	/// Gives `who` (whose record is `info`) the next free place of the pool.
	pub(crate) fn join_pool(who: &T::AccountId, info: &mut ContributorOf<T>) {
		if info.pool_index.is_some() {
			return;
		}
		let place = AuditorPoolSize::<T>::get();
		AuditorPool::<T>::insert(place, who);
		AuditorPoolSize::<T>::put(place.saturating_add(1));
		info.pool_index = Some(place);
	}

	/// Takes `info`'s place away; the contributor in the last place moves into it.
	pub(crate) fn leave_pool(info: &mut ContributorOf<T>) {
		let Some(place) = info.pool_index.take() else { return };
		let last = AuditorPoolSize::<T>::get().saturating_sub(1);
		if place != last {
			if let Some(moved) = AuditorPool::<T>::get(last) {
				AuditorPool::<T>::insert(place, &moved);
				Registry::<T>::mutate(&moved, |m| {
					if let Some(m) = m {
						m.pool_index = Some(place);
					}
				});
			}
		}
		AuditorPool::<T>::remove(last);
		AuditorPoolSize::<T>::put(last);
	}

	/// Up to `count` distinct auditors from `seed`: each try picks a uniformly random place and
	/// keeps its contributor if it may audit now; at most `max_tries` tries.
	pub(crate) fn draw_from_pool(
		seed: &H256,
		min_reputation: Perbill,
		exclude: &[T::AccountId],
		count: u32,
		max_tries: u32,
	) -> Vec<T::AccountId> {
		let size = AuditorPoolSize::<T>::get();
		let mut drawn: Vec<T::AccountId> = Vec::new();
		if size == 0 {
			return drawn;
		}
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		for attempt in 0..max_tries {
			if drawn.len() as u32 >= count {
				break;
			}
			let word = blake2_256(&(seed, attempt).encode());
			let r = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
			// size < 2^32 and r is a 64-bit value: the modulo bias is below 2^-32.
			let place = (r % u64::from(size)) as u32;
			let Some(who) = AuditorPool::<T>::get(place) else { continue };
			if drawn.contains(&who) || exclude.contains(&who) {
				continue;
			}
			let eligible = Registry::<T>::get(&who)
				.is_some_and(|info| Self::is_available(&info, now) && info.reputation.score() >= min_reputation);
			if eligible {
				drawn.push(who);
			}
		}
		drawn
	}
}
