//! Windows: which window a block is in, and clearing the `ByWindow` entries of windows that can
//! no longer be committed to.

use crate::{
	pallet::{ByWindow, Config, Pallet, PruneFrom},
	PruneCursor, WindowIndex,
};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{traits::Saturating, SaturatedConversion},
};

impl<T: Config> Pallet<T> {
	/// The window block `n` is in.
	pub fn window_of(n: BlockNumberFor<T>) -> WindowIndex {
		(n / T::WindowLength::get()).saturated_into()
	}

	/// The first block at which work for `window` can no longer be committed (the start of the
	/// window after next).
	pub fn commit_closes(window: WindowIndex) -> BlockNumberFor<T> {
		BlockNumberFor::<T>::from(window.saturating_add(2)).saturating_mul(T::WindowLength::get())
	}

	/// Clears the `ByWindow` entries of windows that can no longer be committed to, oldest
	/// first, at most `MaxPrunePerBlock` entries and windows in block `now`; returns how many
	/// entries and windows it handled (what its weight is charged by).
	pub(crate) fn prune_windows(now: BlockNumberFor<T>) -> u32 {
		let limit = T::MaxPrunePerBlock::get();
		let (mut window, mut cursor) = PruneFrom::<T>::get();
		let mut used = 0u32;
		while Self::commit_closes(window) <= now {
			// Each visit of a window counts one, each entry cleared one more.
			let room = limit.saturating_sub(used).saturating_sub(1);
			if room == 0 {
				break;
			}
			let result = ByWindow::<T>::clear_prefix((window,), room, cursor.as_ref().map(|c| c.as_slice()));
			used = used.saturating_add(result.unique).saturating_add(1);
			match result.maybe_cursor {
				Some(rest) => {
					// A storage key is far shorter than the bound; were it not, start the
					// window over (nothing is lost, the entries are still there).
					cursor = PruneCursor::try_from(rest).ok();
					break;
				},
				None => {
					window = window.saturating_add(1);
					cursor = None;
				},
			}
		}
		if used > 0 {
			PruneFrom::<T>::put((window, cursor));
		}
		used
	}
}
