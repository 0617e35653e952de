//! Placeholder weights, replaced by `scripts/bench` output.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_pgt_sessions`.
pub trait WeightInfo {
	fn set_game() -> Weight;
	fn request_session(c: u32) -> Weight;
	fn accept_session() -> Weight;
	fn submit_receipt() -> Weight;
	fn failover() -> Weight;
	fn end_session() -> Weight;
	fn process_timeouts(n: u32) -> Weight;
	fn update_base_rate() -> Weight;
}

/// Weights for `pallet_pgt_sessions` using the PGT node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_game() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
	fn request_session(c: u32) -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)).saturating_add(Weight::from_parts(60_000_000, 6000).saturating_mul(c.into())).saturating_add(T::DbWeight::get().reads_writes(c.into(), c.into())) }
	fn accept_session() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
	fn submit_receipt() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
	fn failover() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
	fn end_session() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
	fn process_timeouts(n: u32) -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)).saturating_add(Weight::from_parts(60_000_000, 6000).saturating_mul(n.into())).saturating_add(T::DbWeight::get().reads_writes(n.into(), n.into())) }
	fn update_base_rate() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
}

impl WeightInfo for () {
	fn set_game() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
	fn request_session(c: u32) -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)).saturating_add(Weight::from_parts(60_000_000, 6000).saturating_mul(c.into())).saturating_add(RocksDbWeight::get().reads_writes(c.into(), c.into())) }
	fn accept_session() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
	fn submit_receipt() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
	fn failover() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
	fn end_session() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
	fn process_timeouts(n: u32) -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)).saturating_add(Weight::from_parts(60_000_000, 6000).saturating_mul(n.into())).saturating_add(RocksDbWeight::get().reads_writes(n.into(), n.into())) }
	fn update_base_rate() -> Weight { Weight::from_parts(60_000_000, 6000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
}
