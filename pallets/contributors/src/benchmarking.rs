//! Benchmarks of every call and hook of the registry, each in its worst case.

use super::*;
use crate::pallet::{Pallet as RegistryPallet, Registry};
use crate::testing_utils::max_profile;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{fungible::Mutate, Get},
	frame_system::RawOrigin,
	sp_runtime::traits::Saturating,
};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::MinStake::get().saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn registered<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who = funded::<T>(name, index);
	RegistryPallet::<T>::do_register(who.clone(), max_profile(), T::MinStake::get()).expect("registers");
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who = funded::<T>("contributor", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_profile(), T::MinStake::get());
		assert!(Registry::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update_profile() {
		let who = registered::<T>("contributor", 0);
		let mut profile = max_profile();
		profile.max_sessions = 4;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), profile);
		assert_eq!(Registry::<T>::get(&who).map(|i| i.profile.max_sessions), Some(4));
	}

	#[benchmark]
	fn heartbeat() {
		// Worst case: the contributor was offline and comes back.
		let who = registered::<T>("contributor", 0);
		Registry::<T>::mutate(&who, |i| {
			if let Some(i) = i {
				i.status = Status::Offline
			}
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert_eq!(Registry::<T>::get(&who).map(|i| i.status), Some(Status::Online));
	}

	/// Worst case: another contributor holds the last place of the auditor pool and moves into
	/// the freed one.
	#[benchmark]
	fn unregister() {
		let who = registered::<T>("contributor", 0);
		registered::<T>("contributor", 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(matches!(Registry::<T>::get(&who).map(|i| i.status), Some(Status::Unbonding { .. })));
	}

	#[benchmark]
	fn withdraw_stake() {
		let who = registered::<T>("contributor", 0);
		RegistryPallet::<T>::do_unregister(who.clone()).expect("unregisters");
		let later = polkadot_sdk::frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		polkadot_sdk::frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Registry::<T>::contains_key(&who));
	}

	#[benchmark]
	fn bond_extra() {
		let who = registered::<T>("contributor", 0);
		let amount = T::MinStake::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);
		assert_eq!(Registry::<T>::get(&who).map(|i| i.stake), Some(amount.saturating_add(amount)));
	}

	/// `n` contributors looked at, every one of them gone silent (each is written back).
	#[benchmark]
	fn sweep_liveness(n: Linear<1, { T::MaxSweepPerBlock::get() }>) {
		for i in 0..n {
			registered::<T>("contributor", i);
		}
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number()
			.saturating_add(T::HeartbeatTimeout::get())
			.saturating_add(1u32.into());
		let result;
		#[block]
		{
			result = RegistryPallet::<T>::sweep_liveness(now, n);
		}
		assert_eq!(result, (n, n));
	}

	impl_benchmark_test_suite!(RegistryPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
