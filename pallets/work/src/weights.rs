
//! Weights for `pallet_pgt_work`: PROVISIONAL, written by hand before the first benchmark run
//! and to be replaced by `scripts/bench work` (see docs/benchmarks.md).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_pgt_work`.
pub trait WeightInfo {
	fn commit_work() -> Weight;
	fn open_leaves(n: u32, ) -> Weight;
	fn submit_verdicts(n: u32, ) -> Weight;
	fn submit_verdicts_settling(n: u32, ) -> Weight;
	fn draw_challenges() -> Weight;
	fn close_commitment() -> Weight;
	fn on_initialize_idle() -> Weight;
}

/// Weights for `pallet_pgt_work` with the node's RocksDB weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn commit_work() -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn open_leaves(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn submit_verdicts(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn submit_verdicts_settling(n: u32, ) -> Weight {
		Weight::from_parts(500_000_000, 30_000)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	fn draw_challenges() -> Weight {
		Weight::from_parts(1_000_000_000, 80_000)
			.saturating_add(T::DbWeight::get().reads(30_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn close_commitment() -> Weight {
		Weight::from_parts(600_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(5_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn commit_work() -> Weight {
		Weight::from_parts(100_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn open_leaves(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn submit_verdicts(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn submit_verdicts_settling(n: u32, ) -> Weight {
		Weight::from_parts(500_000_000, 30_000)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	fn draw_challenges() -> Weight {
		Weight::from_parts(1_000_000_000, 80_000)
			.saturating_add(RocksDbWeight::get().reads(30_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn close_commitment() -> Weight {
		Weight::from_parts(600_000_000, 30_000)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(14_u64))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(5_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
	}
}
