//! Placeholder weights, replaced by `scripts/bench` output.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_pgt_contributors`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn update_profile() -> Weight;
	fn heartbeat() -> Weight;
	fn unregister() -> Weight;
	fn withdraw_stake() -> Weight;
	fn sweep_liveness(n: u32) -> Weight;
}

/// Weights for `pallet_pgt_contributors` using the PGT node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 4)) }
	fn update_profile() -> Weight { Weight::from_parts(30_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(2, 2)) }
	fn heartbeat() -> Weight { Weight::from_parts(20_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(2, 2)) }
	fn unregister() -> Weight { Weight::from_parts(30_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(2, 2)) }
	fn withdraw_stake() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 4)) }
	fn sweep_liveness(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 4000)
			.saturating_add(Weight::from_parts(10_000_000, 1000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(n.into()))
			.saturating_add(T::DbWeight::get().writes(n.into()))
	}
}

impl WeightInfo for () {
	fn register() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 4)) }
	fn update_profile() -> Weight { Weight::from_parts(30_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 2)) }
	fn heartbeat() -> Weight { Weight::from_parts(20_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 2)) }
	fn unregister() -> Weight { Weight::from_parts(30_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 2)) }
	fn withdraw_stake() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 4)) }
	fn sweep_liveness(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 4000)
			.saturating_add(Weight::from_parts(10_000_000, 1000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(n.into()))
			.saturating_add(RocksDbWeight::get().writes(n.into()))
	}
}
