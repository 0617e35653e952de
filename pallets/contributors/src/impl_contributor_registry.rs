//! The registry as other pallets use it: [`ContributorRegistry`] for [`Pallet`].

use crate::{
	pallet::{Config, Error, Event, HoldReason, Leaderboard, OnlineCapacity, Pallet, Registry},
	standing, BalanceOf, SlashDestination, Status,
};
use alloc::vec::Vec;
use pgt_primitives::{
	contributors::{ContributorRegistry, Requirements},
	reputation::{Outcome, MAX_OUTCOME_WEIGHT},
};
use polkadot_sdk::{
	frame_support::traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	sp_core::H256,
	sp_runtime::{traits::Zero, DispatchError, Perbill, Saturating},
};

impl<T: Config> ContributorRegistry<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;

	fn can_serve(who: &T::AccountId, requirements: &Requirements) -> bool {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		Registry::<T>::get(who).is_some_and(|info| {
			Pallet::<T>::is_available(&info, now)
				&& info.slots_in_use < Pallet::<T>::backed_slots(&info)
				&& info.profile.meets(requirements)
		})
	}

	fn is_available(who: &T::AccountId) -> bool {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		Registry::<T>::get(who).is_some_and(|info| Pallet::<T>::is_available(&info, now))
	}

	fn reputation(who: &T::AccountId) -> Perbill {
		Registry::<T>::get(who).map(|info| info.reputation).unwrap_or_default().score()
	}

	fn resource_hash(who: &T::AccountId) -> Option<H256> {
		Registry::<T>::get(who).map(|info| info.profile.resource_hash)
	}

	fn occupy_slot(who: &T::AccountId) -> Result<(), DispatchError> {
		Registry::<T>::try_mutate(who, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure_not_unbonding::<T>(&info.status)?;
			if info.slots_in_use >= Pallet::<T>::backed_slots(info) {
				return Err(Error::<T>::NoFreeSlot.into());
			}
			info.slots_in_use += 1;
			Ok(())
		})
	}

	fn release_slot(who: &T::AccountId) {
		Registry::<T>::mutate_exists(who, |info| {
			if let Some(info) = info {
				info.slots_in_use = info.slots_in_use.saturating_sub(1);
			}
		})
	}

	fn record_outcome(who: &T::AccountId, outcome: Outcome, verified_seconds: u64) {
		let Some(mut info) = Registry::<T>::get(who) else { return };
		info.reputation.record(outcome, T::ReputationDiscount::get());
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		info.last_worked = Some(now);
		Pallet::<T>::refresh_capacity(&mut info, now);
		if outcome.success {
			info.stats.successes = info.stats.successes.saturating_add(1);
			// The streak counts the weight of the work, not the calls that reported it.
			info.stats.streak = info.stats.streak.saturating_add(outcome.weight.min(MAX_OUTCOME_WEIGHT));
			info.stats.verified_seconds = info.stats.verified_seconds.saturating_add(verified_seconds);
		} else {
			info.stats.failures = info.stats.failures.saturating_add(1);
			info.stats.streak = 0;
		}
		Pallet::<T>::deposit_event(Event::ReputationUpdated {
			who: who.clone(),
			success: outcome.success,
			score: info.reputation.score(),
		});
		for badge in standing::badges_for(&info.stats, &info.reputation) {
			// One of each kind, so the bound (one slot per kind) is never hit.
			if !info.badges.contains(&badge) && info.badges.try_push(badge).is_ok() {
				Pallet::<T>::deposit_event(Event::BadgeEarned { who: who.clone(), badge });
			}
		}
		let tier = standing::tier_for(&info.stats, &info.reputation);
		if tier != info.tier {
			Pallet::<T>::deposit_event(Event::TierChanged { who: who.clone(), from: info.tier, to: tier });
			info.tier = tier;
		}
		if outcome.success && verified_seconds > 0 {
			update_leaderboard::<T>(who, info.stats.verified_seconds);
		}
		Registry::<T>::insert(who, info);
	}

	fn slash(who: &T::AccountId, share: Perbill) -> BalanceOf<T> {
		let Some(mut info) = Registry::<T>::get(who) else { return Zero::zero() };
		let wanted = share.mul_floor(info.stake);
		if wanted.is_zero() {
			return Zero::zero();
		}
		let reason = HoldReason::Stake.into();
		let mut to = T::SlashTo::get();
		let taken = match to {
			SlashDestination::Treasury => T::Currency::transfer_on_hold(
				&reason,
				who,
				&T::Treasury::get(),
				wanted,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)
			.ok(),
			SlashDestination::Burn => None,
		};
		// Burn when so configured, or when the treasury could not take it (it would stay below
		// the existential deposit).
		let taken = taken.unwrap_or_else(|| {
			to = SlashDestination::Burn;
			T::Currency::burn_held(&reason, who, wanted, Precision::BestEffort, Fortitude::Force)
				.unwrap_or_else(|_| Zero::zero())
		});
		info.stake = info.stake.saturating_sub(taken);
		// Less stake backs fewer slots (or none, below the minimum).
		Pallet::<T>::refresh_capacity(&mut info, polkadot_sdk::frame_system::Pallet::<T>::block_number());
		Registry::<T>::insert(who, info);
		Pallet::<T>::deposit_event(Event::Slashed { who: who.clone(), amount: taken, to });
		taken
	}

	fn online_capacity() -> u32 {
		OnlineCapacity::<T>::get()
	}

	fn draw_auditors(
		seed: &H256,
		min_reputation: Perbill,
		exclude: &[T::AccountId],
		count: u32,
		max_tries: u32,
	) -> Vec<T::AccountId> {
		Pallet::<T>::draw_from_pool(seed, min_reputation, exclude, count, max_tries)
	}
}

fn ensure_not_unbonding<T: Config>(
	status: &Status<polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T>>,
) -> Result<(), DispatchError> {
	match status {
		Status::Unbonding { .. } => Err(Error::<T>::Unbonding.into()),
		_ => Ok(()),
	}
}

/// Puts `who` with `seconds` at its place in the leaderboard (most first), dropping the last
/// entry when the board is full.
fn update_leaderboard<T: Config>(who: &T::AccountId, seconds: u64) {
	Leaderboard::<T>::mutate(|board| {
		board.retain(|(a, _)| a != who);
		let at = board.partition_point(|(_, s)| *s >= seconds);
		if at as u32 >= T::LeaderboardSize::get() {
			return;
		}
		if board.is_full() {
			board.pop();
		}
		// Room was just made, so this cannot fail.
		let _ = board.try_insert(at, (who.clone(), seconds));
	});
}
