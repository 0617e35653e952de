//! Liveness: heartbeats and the sweep that marks silent contributors offline.

use crate::{pallet::*, ContributorOf, Status};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{traits::Saturating, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::heartbeat`].
	pub(crate) fn do_heartbeat(who: T::AccountId) -> DispatchResult {
		Registry::<T>::try_mutate(&who, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			match info.status {
				Status::Unbonding { .. } => return Err(Error::<T>::Unbonding.into()),
				Status::Offline => {
					info.status = Status::Online;
					Self::deposit_event(Event::CameOnline { who: who.clone() });
				},
				Status::Online => {},
			}
			let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
			info.last_heartbeat = now;
			Self::refresh_capacity(info, now);
			Ok(())
		})
	}

	/// Looks at up to `limit` contributors after [`SweepCursor`], marks those whose heartbeat is
	/// older than `HeartbeatTimeout` offline and brings each one's counted capacity up to date.
	/// Returns (looked at, marked).
	pub fn sweep_liveness(now: BlockNumberFor<T>, limit: u32) -> (u32, u32) {
		let cursor = SweepCursor::<T>::get();
		let mut wrapped = cursor.is_none();
		let mut iter = match cursor {
			Some(last) => Registry::<T>::iter_from(Registry::<T>::hashed_key_for(last)),
			None => Registry::<T>::iter(),
		};
		let (mut looked_at, mut marked) = (0u32, 0u32);
		let mut last = None;
		while looked_at < limit {
			let Some((who, mut info)) = iter.next() else {
				// Past the end: go on from the start once, so no block's sweep is wasted.
				if wrapped {
					break;
				}
				wrapped = true;
				iter = Registry::<T>::iter();
				continue;
			};
			looked_at += 1;
			let counted = info.counted_slots;
			let went_offline = info.status == Status::Online && Self::heartbeat_expired(&info, now);
			if went_offline {
				info.status = Status::Offline;
				Self::deposit_event(Event::WentOffline { who: who.clone() });
				marked += 1;
			}
			Self::refresh_capacity(&mut info, now);
			if went_offline || info.counted_slots != counted {
				Registry::<T>::insert(&who, info);
			}
			last = Some(who);
		}
		// Reaching the end of the map (fewer than `limit` left) starts the next sweep over.
		match (looked_at < limit, last) {
			(false, Some(who)) => SweepCursor::<T>::put(who),
			_ => SweepCursor::<T>::kill(),
		}
		(looked_at, marked)
	}

	pub(crate) fn heartbeat_expired(info: &ContributorOf<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(info.last_heartbeat) > T::HeartbeatTimeout::get()
	}
}
