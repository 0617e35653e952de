//! Work verification (`pallet-pgt-work`): commit, challenge, audit. docs/verification.md shows
//! why these defaults keep an honest worker's audit overhead under 5 % while a worker that
//! cheats on 5 % of its tasks is caught within 10 windows with more than 99 % probability, and
//! what they cost the chain at 1,000 active contributors.

#[cfg(feature = "runtime-benchmarks")]
use crate::AccountId;
use crate::{Balance, Balances, BlockNumber, Runtime, RuntimeEvent};
use pgt_primitives::{MILLISECS_PER_BLOCK, MILLI_PGT, MINUTES};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstU32, Get},
	},
	sp_runtime::Perbill,
};

/// Blocks per verification window: 5 minutes (a dev or test chain may start with a shorter one:
/// `work.windowLength` in its genesis, [`WindowLength`]).
pub const WINDOW_LENGTH: BlockNumber = 5 * MINUTES;
/// The session seconds a window covers (what a commitment covers, and what a wrong window
/// forfeits): 300.
pub const WINDOW_SECONDS: u32 = seconds_of(WINDOW_LENGTH);
/// Leaves challenged per window (`k`).
pub const CHALLENGES_PER_WINDOW: u32 = 10;
/// Auditors per commitment (each recomputes every challenged leaf).
pub const AUDITORS_PER_LEAF: u32 = 3;
/// Fewest micro-tasks in one window: 30 frames a second for the window's 300 seconds, one tile a
/// frame (the slowest stream a session accepts).
pub const MIN_TASKS_PER_WINDOW: u32 = 30 * WINDOW_SECONDS;
/// Most micro-tasks in one window: 2^20 (5 minutes of 60 frames/s in 16 tiles is 288,000, plus
/// physics).
pub const MAX_TASKS_PER_WINDOW: u32 = 1 << 20;

/// Blocks per verification window: [`WINDOW_LENGTH`], unless the chain's genesis set another
/// length (`work.windowLength`: dev and test chains, so a test reaches a window in seconds).
pub type WindowLength = pallet_pgt_work::WindowLengthOr<Runtime, ConstU32<WINDOW_LENGTH>>;

/// The session seconds one window covers: its blocks × the block time ([`WINDOW_SECONDS`] with
/// the default length).
pub struct WindowSeconds;
impl Get<u32> for WindowSeconds {
	fn get() -> u32 {
		seconds_of(WindowLength::get())
	}
}

/// Fewest micro-tasks in one window: 30 frames a second for the window's seconds, one tile a
/// frame ([`MIN_TASKS_PER_WINDOW`] with the default length).
pub struct MinTasksPerWindow;
impl Get<u32> for MinTasksPerWindow {
	fn get() -> u32 {
		30u32.saturating_mul(WindowSeconds::get())
	}
}

/// Seconds of session time `blocks` blocks last.
const fn seconds_of(blocks: BlockNumber) -> u32 {
	(blocks as u64 * MILLISECS_PER_BLOCK / 1_000) as u32
}

parameter_types! {
	/// Challenges are drawn 3 blocks after the commitment, from randomness that mixes the BABE
	/// VRF outputs of the two blocks after the one that included it (and every block before).
	pub const ChallengeDelay: BlockNumber = 3;
	/// The contributor has 1 minute to open its challenged leaves.
	pub const OpenTimeout: BlockNumber = MINUTES;
	/// Auditors have 2 more minutes to recompute and commit to their verdicts.
	pub const AuditTimeout: BlockNumber = 2 * MINUTES;
	/// Then one minute to reveal the salt and the verdicts.
	pub const RevealTimeout: BlockNumber = MINUTES;
	/// An auditor in the decided minority loses 1 % of its stake.
	pub const AuditorSlashShare: Perbill = Perbill::from_percent(1);
	/// Auditors need at least a newcomer's reputation (½): a contributor with more failures than
	/// successes never audits.
	pub const MinAuditorReputation: Perbill = Perbill::from_percent(50);
	/// An auditor in the majority earns 0.001 PGT per audited window (from the treasury).
	pub const AuditReward: Balance = MILLI_PGT;
	/// A wrong or unopened window costs 10 % of the contributor's stake (at the minimum stake
	/// 10 PGT, about 30 times what the window pays at the highest standard-tier rate).
	pub const SlashShare: Perbill = Perbill::from_percent(10);
}

impl pallet_pgt_work::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Registry = crate::Contributors;
	type Sessions = crate::Sessions;
	type Randomness = polkadot_sdk::pallet_babe::ParentBlockRandomness<Runtime>;
	type RewardPot = super::TreasuryAccountId;
	type WindowLength = WindowLength;
	type WindowSeconds = WindowSeconds;
	type ChallengeDelay = ChallengeDelay;
	type ChallengesPerWindow = ConstU32<CHALLENGES_PER_WINDOW>;
	type OpenTimeout = OpenTimeout;
	type AuditorsPerLeaf = ConstU32<AUDITORS_PER_LEAF>;
	type MinAuditorReputation = MinAuditorReputation;
	type AuditTimeout = AuditTimeout;
	type RevealTimeout = RevealTimeout;
	type AuditorSlashShare = AuditorSlashShare;
	type MinTasksPerWindow = MinTasksPerWindow;
	type AuditReward = AuditReward;
	type SlashShare = SlashShare;
	type MaxTasksPerWindow = ConstU32<MAX_TASKS_PER_WINDOW>;
	type MaxDeadlinesPerBlock = ConstU32<64>;
	// A draw that finds three auditors among four eligible ones misses one with probability
	// 3 × (3/4)^48 ≈ 3·10⁻⁶; on a large pool with few ineligible members it stops after 3 tries.
	type MaxAuditorTries = ConstU32<48>;
	// The player, the contributors it named (at most MaxCandidates = 8) and the helpers (at most
	// MaxHelpers = 6): 15 at most.
	type MaxParticipants = ConstU32<16>;
	type MaxPrunePerBlock = ConstU32<128>;
	type WeightInfo = pallet_pgt_work::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = WorkBenchmarks;
}

/// Sessions and auditors for the work pallet's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct WorkBenchmarks;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_pgt_work::BenchmarkHelper<AccountId> for WorkBenchmarks {
	fn serving_session(host: &AccountId) -> pgt_primitives::sessions::SessionId {
		use pallet_pgt_sessions::BenchmarkHelper as _;
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		let player = super::ReceiptSigner::player();
		let max_rate = super::MaxRate::get();
		Balances::set_balance(&player, max_rate.saturating_mul(1_000_000));
		pallet_pgt_sessions::testing_utils::serving_session::<Runtime>(player, super::ARENA_GAME, host, max_rate)
	}
	fn auditor(index: u32) -> AccountId {
		use pallet_pgt_sessions::BenchmarkHelper as _;
		super::ReceiptSigner::contributor(10_000 + index)
	}
	fn unqualified(index: u32) -> AccountId {
		use pallet_pgt_sessions::BenchmarkHelper as _;
		let who = super::ReceiptSigner::contributor(20_000 + index);
		pallet_pgt_contributors::testing_utils::go_offline::<Runtime>(&who);
		who
	}
}
