//! What the chain knows about a contributor's machine, what a player may require of it, and the
//! trait through which other pallets use the contributor registry.
//!
//! The worker builds a [`HardwareProfile`] from the machine it runs on and registers it; the
//! player's client puts [`Requirements`] in its session request; the sessions (and later the
//! work-verification) pallet talks to the registry through [`ContributorRegistry`].

use crate::reputation::Outcome;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::{BoundedVec, DispatchError, Perbill},
};
use scale_info::TypeInfo;

/// Longest GPU model name, in bytes.
pub const MAX_GPU_MODEL_LEN: u32 = 64;
/// Longest libp2p peer id (binary multihash), in bytes.
pub const MAX_PEER_ID_LEN: u32 = 64;
/// Longest libp2p multiaddress (binary), in bytes.
pub const MAX_ADDRESS_LEN: u32 = 128;
/// Most multiaddresses a contributor may publish.
pub const MAX_ADDRESSES: u32 = 4;

/// A GPU model name, UTF-8 (e.g. `NVIDIA H100 80GB HBM3`, `llvmpipe`).
pub type GpuModel = BoundedVec<u8, ConstU32<MAX_GPU_MODEL_LEN>>;
/// A libp2p peer id in its binary (multihash) form.
pub type PeerId = BoundedVec<u8, ConstU32<MAX_PEER_ID_LEN>>;
/// A libp2p multiaddress in its binary form.
pub type Multiaddr = BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>;

/// Where a contributor's machine is. Players name a region to keep latency low.
#[derive(
	Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Region {
	/// Africa.
	Africa,
	/// East, South and South-East Asia.
	Asia,
	/// Europe.
	Europe,
	/// The Middle East.
	MiddleEast,
	/// North and Central America.
	NorthAmerica,
	/// Australia, New Zealand and the Pacific.
	Oceania,
	/// South America.
	SouthAmerica,
}

/// A contributor's machine as it declares it at registration.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct HardwareProfile {
	/// CPU cores offered to the network.
	pub cpu_cores: u16,
	/// GPU model name (UTF-8); empty for a CPU-only contributor.
	pub gpu_model: GpuModel,
	/// GPU memory offered, in MiB (0 for CPU-only).
	pub gpu_memory_mb: u32,
	/// Score of the worker's standard benchmark (`pgt-compute bench`; higher is faster).
	pub benchmark_score: u32,
	/// BLAKE2b-256 hash of the worker's full hardware and benchmark report, which it publishes
	/// off chain. Every CSU record carries it, so the machine that served a session can be
	/// audited later.
	pub resource_hash: H256,
	/// Disk space offered for game assets and state, in GB.
	pub disk_gb: u32,
	/// Where the machine is.
	pub region: Region,
	/// The worker's libp2p peer id.
	pub peer_id: PeerId,
	/// Multiaddresses the worker listens on.
	pub addresses: BoundedVec<Multiaddr, ConstU32<MAX_ADDRESSES>>,
	/// Most sessions (as host or backup) the machine takes at once; at least 1.
	pub max_sessions: u16,
}

impl HardwareProfile {
	/// Whether this machine meets a player's requirements.
	pub fn meets(&self, req: &Requirements) -> bool {
		self.cpu_cores >= req.min_cpu_cores
			&& self.gpu_memory_mb >= req.min_gpu_memory_mb
			&& self.benchmark_score >= req.min_benchmark_score
			&& self.disk_gb >= req.min_disk_gb
			&& req.region.is_none_or(|r| r == self.region)
	}
}

/// What a player asks of the machines that serve its session.
#[derive(
	Clone, Copy, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Requirements {
	/// Fewest CPU cores.
	pub min_cpu_cores: u16,
	/// Least GPU memory, in MiB.
	pub min_gpu_memory_mb: u32,
	/// Lowest benchmark score.
	pub min_benchmark_score: u32,
	/// Least disk space, in GB.
	pub min_disk_gb: u32,
	/// Only machines in this region, if set.
	pub region: Option<Region>,
	/// Highest acceptable round-trip latency in milliseconds. Seconds in which the player's client
	/// measures more are paused, and paused seconds cost nothing.
	pub max_latency_ms: u16,
}

/// The contributor registry as other pallets see it (implemented by `pallet-pgt-contributors`).
///
/// Reputation is only ever changed through [`ContributorRegistry::record_outcome`], never by a
/// signed call; stake is only ever taken through [`ContributorRegistry::slash`].
pub trait ContributorRegistry<AccountId> {
	/// A balance of the staked currency.
	type Balance;

	/// Whether `who` can be given a new session with `requirements` now: registered, online (a
	/// recent heartbeat), not unbonding, stake at least the minimum, a free session slot, and a
	/// machine that meets the requirements.
	fn can_serve(who: &AccountId, requirements: &Requirements) -> bool;

	/// Whether `who` may take work at all now: registered, online (a recent heartbeat), not
	/// unbonding, stake at least the minimum.
	fn is_available(who: &AccountId) -> bool;

	/// The reputation score of `who` (½ for an unknown account).
	fn reputation(who: &AccountId) -> Perbill;

	/// The resource hash of `who`'s registered machine.
	fn resource_hash(who: &AccountId) -> Option<H256>;

	/// Takes one of `who`'s session slots: `who` now serves (or stands by for) a session and can't
	/// unregister until it is released.
	fn occupy_slot(who: &AccountId) -> Result<(), DispatchError>;

	/// Gives back a slot taken with [`ContributorRegistry::occupy_slot`].
	fn release_slot(who: &AccountId);

	/// Records the outcome of a piece of work: updates reputation, and for a success adds
	/// `verified_seconds` of served time towards badges, tier and the leaderboard.
	fn record_outcome(who: &AccountId, outcome: Outcome, verified_seconds: u64);

	/// Takes `share` of `who`'s stake (burned or sent to the treasury, as the registry is
	/// configured) and returns the amount taken.
	fn slash(who: &AccountId, share: Perbill) -> Self::Balance;

	/// Total session slots of the contributors that are online now (the supply side of the
	/// dynamic rate).
	fn online_capacity() -> u32;

	/// Draws up to `count` distinct **auditors**: contributors that are online (a fresh
	/// heartbeat, not unbonding), hold at least the minimum stake, have a reputation of at least
	/// `min_reputation` and are not in `exclude`. Each try picks a registered contributor
	/// uniformly at random from `seed` (independently of every other try and of how accounts
	/// sort), keeping it if it qualifies; at most `max_tries` tries, so the cost is bounded
	/// however large the registry grows. Fewer than `count` come back when too few qualify.
	fn draw_auditors(
		seed: &H256,
		min_reputation: Perbill,
		exclude: &[AccountId],
		count: u32,
		max_tries: u32,
	) -> alloc::vec::Vec<AccountId>;
}
