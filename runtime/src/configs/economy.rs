//! The compute economy: the contributor registry (`pallet-pgt-contributors`) and gaming sessions
//! (`pallet-pgt-sessions`), with every parameter readable from metadata.
//!
//! Of every session payment [`SESSION_BURN_SHARE`] is burned and [`SESSION_TREASURY_SHARE`] goes
//! to the treasury; contributors get the rest. Prices are PGT per compute-hour: the base rate
//! starts at [`GENESIS_BASE_RATE`] and moves within [`MIN_RATE`]..[`MAX_RATE`].

use crate::{
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, RuntimeHoldReason, Signature, Timestamp,
};
use pgt_primitives::{DAYS, MILLI_PGT, MINUTES, PGT};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstU32, Get},
	},
	frame_system::EnsureRoot,
	sp_runtime::{traits::Verify, Perbill, Percent},
};

/// Share of every session payment that is burned.
pub const SESSION_BURN_SHARE: Percent = Percent::from_percent(10);
/// Share of every session payment that goes to the treasury.
pub const SESSION_TREASURY_SHARE: Percent = Percent::from_percent(5);
/// Base rate the chain starts with: 1 PGT per compute-hour.
pub const GENESIS_BASE_RATE: Balance = PGT;
/// The base rate never falls below 0.01 PGT per compute-hour.
pub const MIN_RATE: Balance = 10 * MILLI_PGT;
/// The base rate never rises above 100 PGT per compute-hour.
pub const MAX_RATE: Balance = 100 * PGT;
/// The reference game (the arena of `pgt-compute`), in the catalogue from genesis.
pub use pgt_primitives::sessions::ARENA_GAME;

/// A contributor's billed seconds are paid without a work commitment for at most two
/// verification windows (the current and the previous one, which may still be committed when a
/// session ends): 600 s with the default window.
pub struct UnverifiedAllowance;
impl Get<u32> for UnverifiedAllowance {
	fn get() -> u32 {
		2u32.saturating_mul(super::work::WindowSeconds::get())
	}
}

parameter_types! {
	/// Least stake to register as a contributor: 100 PGT.
	pub const MinStake: Balance = 100 * PGT;
	/// Stake that backs each session slot a contributor offers: 12.5 PGT, so the minimum stake
	/// backs 8 slots and declaring 65,535 would take about 819,000 PGT.
	pub const StakePerSlot: Balance = 100 * PGT / 8;
	/// A contributor's slots count as capacity for the rate while it has worked (an audited
	/// window or an audit) within the last hour.
	pub const RecentWork: BlockNumber = 60 * MINUTES;
	/// Contributors that send no heartbeat for 10 minutes get no new sessions.
	pub const HeartbeatTimeout: BlockNumber = 10 * MINUTES;
	/// Stake unbonds for 7 days, so slashing can still reach recent misbehaviour.
	pub const UnbondingPeriod: BlockNumber = 7 * DAYS;
	/// Each reputation outcome keeps 98 % of its weight at the next one.
	pub const ReputationDiscount: Perbill = Perbill::from_percent(98);
	/// Slashed stake is burned.
	pub const SlashTo: pallet_pgt_contributors::SlashDestination = pallet_pgt_contributors::SlashDestination::Burn;
	/// See [`SESSION_BURN_SHARE`].
	pub const SessionBurnShare: Percent = SESSION_BURN_SHARE;
	/// See [`SESSION_TREASURY_SHARE`].
	pub const SessionTreasuryShare: Percent = SESSION_TREASURY_SHARE;
	/// The host has one minute to accept a session.
	pub const AcceptTimeout: BlockNumber = MINUTES;
	/// An active session with no receipt for 5 minutes settles on the latest one.
	pub const ReceiptTimeout: BlockNumber = 5 * MINUTES;
	/// CSU records stay in storage for 30 days (and in events for ever).
	pub const CsuRetention: BlockNumber = 30 * DAYS;
	/// See [`MIN_RATE`].
	pub const MinRate: Balance = MIN_RATE;
	/// See [`MAX_RATE`].
	pub const MaxRate: Balance = MAX_RATE;
	/// The base rate aims at 60 % of online session slots in use.
	pub const TargetUtilisation: Perbill = Perbill::from_percent(60);
	/// The base rate moves by at most 0.5 % per block (about ×0.05 or ×20 per hour at the
	/// extremes).
	pub const MaxRateStep: Perbill = Perbill::from_parts(5_000_000);
}

impl pallet_pgt_contributors::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinStake = MinStake;
	type StakePerSlot = StakePerSlot;
	type RecentWork = RecentWork;
	type HeartbeatTimeout = HeartbeatTimeout;
	type UnbondingPeriod = UnbondingPeriod;
	type ReputationDiscount = ReputationDiscount;
	type SlashTo = SlashTo;
	type Treasury = super::TreasuryAccountId;
	type LeaderboardSize = ConstU32<100>;
	type MaxSweepPerBlock = ConstU32<32>;
	type WeightInfo = pallet_pgt_contributors::weights::SubstrateWeight<Runtime>;
}

impl pallet_pgt_sessions::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = crate::Contributors;
	type Signature = Signature;
	type Signer = <Signature as Verify>::Signer;
	type UnixTime = Timestamp;
	type GameOrigin = EnsureRoot<AccountId>;
	type Treasury = super::TreasuryAccountId;
	type BurnShare = SessionBurnShare;
	type TreasuryShare = SessionTreasuryShare;
	type MaxBackups = ConstU32<2>;
	type MaxCandidates = ConstU32<8>;
	// Three helpers for the host and three for the backup that may take over.
	type MaxHelpers = ConstU32<6>;
	// Eight hours.
	type MaxSessionSeconds = ConstU32<28_800>;
	type AcceptTimeout = AcceptTimeout;
	type ReceiptTimeout = ReceiptTimeout;
	type CsuRetention = CsuRetention;
	type MaxTimeoutsPerBlock = ConstU32<32>;
	// Two blocks: a receipt may run this far ahead of the block timestamps.
	type ClockTolerance = ConstU32<12>;
	type StallSeconds = ConstU32<30>;
	// The two verification windows that may still be committed when a session ends.
	type UnverifiedAllowance = UnverifiedAllowance;
	type MinRate = MinRate;
	type MaxRate = MaxRate;
	type TargetUtilisation = TargetUtilisation;
	type MaxRateStep = MaxRateStep;
	type WeightInfo = pallet_pgt_sessions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ReceiptSigner;
}

/// Signs receipts in benchmarks with an sr25519 key generated in the benchmark's keystore.
#[cfg(feature = "runtime-benchmarks")]
pub struct ReceiptSigner;

#[cfg(feature = "runtime-benchmarks")]
impl ReceiptSigner {
	const KEY_TYPE: polkadot_sdk::sp_core::crypto::KeyTypeId = polkadot_sdk::sp_core::crypto::KeyTypeId(*b"pgtb");
	fn public() -> polkadot_sdk::sp_core::sr25519::Public {
		polkadot_sdk::sp_io::crypto::sr25519_generate(Self::KEY_TYPE, Some(b"//PgtBenchmarkPlayer".to_vec()))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_pgt_sessions::BenchmarkHelper<AccountId, Signature> for ReceiptSigner {
	fn player() -> AccountId {
		use polkadot_sdk::sp_runtime::traits::IdentifyAccount;
		polkadot_sdk::sp_runtime::MultiSigner::from(Self::public()).into_account()
	}
	fn sign(payload: &[u8]) -> Signature {
		let public = Self::public();
		polkadot_sdk::sp_io::crypto::sr25519_sign(Self::KEY_TYPE, &public, payload)
			.expect("the key was just generated in the keystore")
			.into()
	}
	fn contributor(index: u32) -> AccountId {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		let who: AccountId = polkadot_sdk::frame_benchmarking::account("contributor", index, 0);
		Balances::set_balance(&who, 1_000 * PGT);
		let profile = pallet_pgt_contributors::testing_utils::profile(8);
		pallet_pgt_contributors::testing_utils::register::<Runtime>(&who, profile, MinStake::get())
			.expect("a funded account registers");
		who
	}
	fn pass_time(ms: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::mutate(|t| *t = t.saturating_add(ms));
	}
}
