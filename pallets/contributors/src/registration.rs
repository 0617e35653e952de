//! Joining and leaving: registration with stake on hold, profile updates, unbonding and
//! withdrawal.

use crate::{pallet::*, BalanceOf, ContributorInfo, HardwareProfile, Status, Tier};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Get},
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::register`].
	pub(crate) fn do_register(who: T::AccountId, profile: HardwareProfile, stake: BalanceOf<T>) -> DispatchResult {
		ensure!(!Registry::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		Self::ensure_valid(&profile)?;
		ensure!(stake >= T::MinStake::get(), Error::<T>::StakeBelowMinimum);
		ensure!(stake >= Self::required_stake(&profile), Error::<T>::StakeBelowSlots);
		T::Currency::hold(&HoldReason::Stake.into(), &who, stake).map_err(|_| Error::<T>::InsufficientBalance)?;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let resource_hash = profile.resource_hash;
		let mut info = ContributorInfo {
			profile,
			stake,
			status: Status::Online,
			last_heartbeat: now,
			registered_at: now,
			slots_in_use: 0,
			// Not capacity until it has worked.
			counted_slots: 0,
			last_worked: None,
			pool_index: None,
			reputation: Default::default(),
			stats: Default::default(),
			tier: Tier::Newcomer,
			badges: Default::default(),
		};
		Self::join_pool(&who, &mut info);
		Registry::<T>::insert(&who, info);
		Self::deposit_event(Event::Registered { who, stake, resource_hash });
		Ok(())
	}

	/// See [`Pallet::update_profile`].
	pub(crate) fn do_update_profile(who: T::AccountId, profile: HardwareProfile) -> DispatchResult {
		Self::ensure_valid(&profile)?;
		Registry::<T>::try_mutate(&who, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(!matches!(info.status, Status::Unbonding { .. }), Error::<T>::Unbonding);
			ensure!(info.stake >= Self::required_stake(&profile), Error::<T>::StakeBelowSlots);
			let resource_hash = profile.resource_hash;
			info.profile = profile;
			Self::refresh_capacity(info, polkadot_sdk::frame_system::Pallet::<T>::block_number());
			Self::deposit_event(Event::ProfileUpdated { who: who.clone(), resource_hash });
			Ok(())
		})
	}

	/// See [`Pallet::unregister`].
	pub(crate) fn do_unregister(who: T::AccountId) -> DispatchResult {
		Registry::<T>::try_mutate(&who, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(!matches!(info.status, Status::Unbonding { .. }), Error::<T>::Unbonding);
			ensure!(info.slots_in_use == 0, Error::<T>::Busy);
			let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
			let until = now.saturating_add(T::UnbondingPeriod::get());
			info.status = Status::Unbonding { until };
			Self::refresh_capacity(info, now);
			Self::leave_pool(info);
			Self::deposit_event(Event::Unbonding { who: who.clone(), until });
			Ok(())
		})
	}

	/// See [`Pallet::withdraw_stake`].
	pub(crate) fn do_withdraw_stake(who: T::AccountId) -> DispatchResult {
		let info = Registry::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		let Status::Unbonding { until } = info.status else { return Err(Error::<T>::NotUnbonding.into()) };
		ensure!(polkadot_sdk::frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
		let amount = T::Currency::release(
			&HoldReason::Stake.into(),
			&who,
			info.stake,
			polkadot_sdk::frame_support::traits::tokens::Precision::BestEffort,
		)?;
		Registry::<T>::remove(&who);
		Leaderboard::<T>::mutate(|board| board.retain(|(a, _)| a != &who));
		Self::deposit_event(Event::StakeWithdrawn { who, amount });
		Ok(())
	}

	/// See [`Pallet::bond_extra`].
	pub(crate) fn do_bond_extra(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		Registry::<T>::try_mutate(&who, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(!matches!(info.status, Status::Unbonding { .. }), Error::<T>::Unbonding);
			T::Currency::hold(&HoldReason::Stake.into(), &who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
			info.stake = info.stake.saturating_add(amount);
			Self::refresh_capacity(info, polkadot_sdk::frame_system::Pallet::<T>::block_number());
			Self::deposit_event(Event::Bonded { who: who.clone(), amount, stake: info.stake });
			Ok(())
		})
	}

	fn ensure_valid(profile: &HardwareProfile) -> DispatchResult {
		ensure!(profile.max_sessions > 0 && profile.cpu_cores > 0, Error::<T>::InvalidProfile);
		Ok(())
	}
}
