//! What counts as capacity for the rate: the slots a contributor's stake backs, while it is
//! available and has worked recently. Every change that can move a contributor in or out of the
//! capacity calls [`Pallet::refresh_capacity`], so [`OnlineCapacity`] is always the sum of the
//! contributors' `counted_slots`.

use crate::{pallet::*, BalanceOf, ContributorOf, HardwareProfile, Status};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{
		traits::{Saturating, Zero},
		SaturatedConversion,
	},
};

impl<T: Config> Pallet<T> {
	/// The stake a contributor offering `profile` must hold: `MinStake`, and `StakePerSlot` for
	/// each of its session slots.
	pub fn required_stake(profile: &HardwareProfile) -> BalanceOf<T> {
		T::StakePerSlot::get().saturating_mul(profile.max_sessions.into()).max(T::MinStake::get())
	}

	/// The session slots `info`'s stake backs: `stake / StakePerSlot`, at most `max_sessions`.
	pub fn backed_slots(info: &ContributorOf<T>) -> u16 {
		let per_slot = T::StakePerSlot::get();
		if per_slot.is_zero() {
			return info.profile.max_sessions;
		}
		let backed: u128 = (info.stake / per_slot).saturated_into();
		backed.min(info.profile.max_sessions.into()) as u16
	}

	/// Online (a fresh heartbeat, not unbonding) with at least the minimum stake: may be given
	/// work.
	pub(crate) fn is_available(info: &ContributorOf<T>, now: BlockNumberFor<T>) -> bool {
		info.status == Status::Online && !Self::heartbeat_expired(info, now) && info.stake >= T::MinStake::get()
	}

	/// Whether `info` has had a piece of work judged within `RecentWork` blocks of `now`.
	fn worked_recently(info: &ContributorOf<T>, now: BlockNumberFor<T>) -> bool {
		info.last_worked.is_some_and(|at| now.saturating_sub(at) <= T::RecentWork::get())
	}

	/// Brings `info`'s `counted_slots` and [`OnlineCapacity`] up to date at block `now`.
	pub(crate) fn refresh_capacity(info: &mut ContributorOf<T>, now: BlockNumberFor<T>) {
		let should = if Self::is_available(info, now) && Self::worked_recently(info, now) {
			Self::backed_slots(info)
		} else {
			0
		};
		if should != info.counted_slots {
			OnlineCapacity::<T>::mutate(|c| {
				*c = c.saturating_sub(info.counted_slots.into()).saturating_add(should.into())
			});
			info.counted_slots = should;
		}
	}
}
