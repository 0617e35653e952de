//! What the registry stores about a contributor.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use pgt_primitives::{contributors::HardwareProfile, reputation::BetaReputation};
use polkadot_sdk::{sp_core::ConstU32, sp_runtime::BoundedVec};
use scale_info::TypeInfo;

/// Whether a contributor takes new sessions.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum Status<BlockNumber> {
	/// Heartbeats arrive; the contributor gets new sessions while its last heartbeat is at most
	/// `HeartbeatTimeout` blocks old.
	Online,
	/// Missed its heartbeats; gets no new sessions until the next heartbeat.
	Offline,
	/// Unregistered: gets no new sessions, and its stake can be withdrawn from block `until` on.
	Unbonding {
		/// First block at which `withdraw_stake` succeeds.
		until: BlockNumber,
	},
}

/// Verified work, the basis of badges, tier and the leaderboard.
#[derive(
	Clone, Copy, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Stats {
	/// Seconds of session time served and billed with a player-signed receipt.
	pub verified_seconds: u64,
	/// Pieces of work (sessions, audited windows) that ended well.
	pub successes: u32,
	/// Pieces of work that failed (dropped sessions, wrong or missing results).
	pub failures: u32,
	/// Weight of the successes since the last failure, in reputation weight units (one unit is
	/// an hour of verified work), so a streak counts work done, not calls made.
	pub streak: u64,
}

/// A contributor's standing, derived from its verified work and reputation. It can fall as well
/// as rise.
#[derive(
	Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Tier {
	/// Registered, no verified work yet.
	Newcomer,
	/// At least one piece of work done well.
	Bronze,
	/// 10 verified hours and reputation ≥ 60 %.
	Silver,
	/// 100 verified hours, reputation ≥ 75 % and a streak of 10 hours of work.
	Gold,
	/// 1,000 verified hours, reputation ≥ 90 % and a streak of 50 hours of work.
	Platinum,
}

/// A milestone, earned once and kept.
#[derive(
	Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Badge {
	/// The first piece of work done well.
	FirstSession,
	/// 10 verified hours.
	TenHours,
	/// 100 verified hours.
	HundredHours,
	/// 1,000 verified hours.
	ThousandHours,
	/// A streak of 10 hours of work without a failure.
	TenClean,
	/// A streak of 100 hours of work without a failure.
	HundredClean,
	/// Reputation ≥ 90 % backed by at least 20 units of evidence.
	Trusted,
}

/// Most badges a contributor can hold (one of each kind).
pub type MaxBadges = ConstU32<8>;

/// Everything the registry stores about one contributor.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct ContributorInfo<Balance, BlockNumber> {
	/// The machine, as declared.
	pub profile: HardwareProfile,
	/// Stake on hold (reason `Stake`).
	pub stake: Balance,
	/// Whether it takes new sessions.
	pub status: Status<BlockNumber>,
	/// Block of the last heartbeat (or of registration).
	pub last_heartbeat: BlockNumber,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Session slots in use (as host or backup).
	pub slots_in_use: u16,
	/// Slots of this contributor counted in `OnlineCapacity` now: the slots its stake backs
	/// while it is available and has worked recently, else 0.
	pub counted_slots: u16,
	/// Block of its last piece of work with an outcome (an audited window, an audit, a failure).
	pub last_worked: Option<BlockNumber>,
	/// Its place in the auditor pool (registered and not unbonding), if it has one.
	pub pool_index: Option<u32>,
	/// Discounted Beta reputation.
	pub reputation: BetaReputation,
	/// Verified work.
	pub stats: Stats,
	/// Current tier.
	pub tier: Tier,
	/// Badges earned, in the order they were earned.
	pub badges: BoundedVec<Badge, MaxBadges>,
}

/// Where slashed stake goes.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum SlashDestination {
	/// Burned: total issuance falls.
	Burn,
	/// Sent to the treasury.
	Treasury,
}
