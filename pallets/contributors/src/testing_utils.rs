//! What mock runtimes, other pallets' tests and benchmarks need to set up contributors: one
//! profile for tests, the largest profile for benchmarks, and registration without an origin.

use crate::{pallet::*, BalanceOf};
use alloc::vec;
use pgt_primitives::contributors::{
	HardwareProfile, Multiaddr, Region, MAX_ADDRESSES, MAX_ADDRESS_LEN, MAX_GPU_MODEL_LEN, MAX_PEER_ID_LEN,
};
use polkadot_sdk::{frame_support::BoundedVec, sp_core::H256, sp_runtime::DispatchResult};

/// A machine with 8 cores and a 16 GiB GPU in Europe, taking `max_sessions` sessions at once.
pub fn profile(max_sessions: u16) -> HardwareProfile {
	HardwareProfile {
		cpu_cores: 8,
		gpu_model: BoundedVec::truncate_from(b"Test GPU".to_vec()),
		gpu_memory_mb: 16_384,
		benchmark_score: 1_000,
		resource_hash: H256::repeat_byte(7),
		disk_gb: 100,
		region: Region::Europe,
		peer_id: BoundedVec::truncate_from(vec![0x00, 0x24, 0x08, 0x01]),
		addresses: Default::default(),
		max_sessions,
	}
}

/// The largest profile a contributor can register: every bounded field at its bound.
pub fn max_profile() -> HardwareProfile {
	let bytes = |n: u32| vec![0xAB_u8; n as usize];
	let address: Multiaddr = BoundedVec::truncate_from(bytes(MAX_ADDRESS_LEN));
	HardwareProfile {
		cpu_cores: 64,
		gpu_model: BoundedVec::truncate_from(bytes(MAX_GPU_MODEL_LEN)),
		gpu_memory_mb: 80 * 1024,
		benchmark_score: u32::MAX,
		resource_hash: H256::repeat_byte(1),
		disk_gb: 1_000,
		region: Region::Europe,
		peer_id: BoundedVec::truncate_from(bytes(MAX_PEER_ID_LEN)),
		addresses: BoundedVec::truncate_from(vec![address; MAX_ADDRESSES as usize]),
		max_sessions: 8,
	}
}

/// Registers `who` (who must hold `stake`) with `profile`, as [`Pallet::register`] would.
pub fn register<T: Config>(who: &T::AccountId, profile: HardwareProfile, stake: BalanceOf<T>) -> DispatchResult {
	Pallet::<T>::do_register(who.clone(), profile, stake)
}

/// Marks `who` offline, as the liveness sweep would after missed heartbeats: it stays registered
/// (and in the auditor pool) but can't be given work.
pub fn go_offline<T: Config>(who: &T::AccountId) {
	let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
	Registry::<T>::mutate(who, |info| {
		if let Some(info) = info {
			info.status = crate::Status::Offline;
			Pallet::<T>::refresh_capacity(info, now);
		}
	});
}

/// Starts unbonding `who`, as [`Pallet::unregister`] would.
pub fn unregister<T: Config>(who: &T::AccountId) -> DispatchResult {
	Pallet::<T>::do_unregister(who.clone())
}
