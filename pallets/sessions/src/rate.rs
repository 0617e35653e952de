//! The rate: the base rate that follows demand, and what a contributor charges.

use crate::{pallet::*, BalanceOf, ComplexityTier};
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// A contributor's rate for a game of `tier`: base × tier × reputation multiplier.
	pub fn rate_of(contributor: &T::AccountId, tier: ComplexityTier) -> BalanceOf<T> {
		use polkadot_sdk::sp_runtime::SaturatedConversion;
		let base: u128 = BaseRate::<T>::get().saturated_into();
		pgt_primitives::rate::contributor_rate(base, tier, T::Registry::reputation(contributor)).saturated_into()
	}

	/// Moves the base rate one step toward the target utilisation.
	pub fn update_base_rate() {
		use polkadot_sdk::sp_runtime::SaturatedConversion;
		let params = pgt_primitives::rate::RateParams {
			target: T::TargetUtilisation::get(),
			max_step: T::MaxRateStep::get(),
			min_rate: T::MinRate::get().saturated_into(),
			max_rate: T::MaxRate::get().saturated_into(),
		};
		let next = pgt_primitives::rate::next_base_rate(
			BaseRate::<T>::get().saturated_into(),
			OccupiedSlots::<T>::get(),
			T::Registry::online_capacity(),
			&params,
		);
		BaseRate::<T>::put(next.saturated_into::<BalanceOf<T>>());
	}
}
