//! # PGT work: commit, challenge, audit
//!
//! Contributors prove they did the work they are paid for by **commit and sample**
//! (docs/verification.md has the design, the arithmetic, the threats and the costs):
//!
//! 1. **Commit** ([`Pallet::commit_work`]): at the end of each verification window
//!    ([`Config::WindowLength`] blocks) the host of a session commits the root of a binary Merkle
//!    tree over the window's micro-task leaves ([`pgt_primitives::work::TaskLeaf`]: the task,
//!    bound to its session, and the seal of its output hash; [`pgt_primitives::merkle`]) and how
//!    many there are: at least [`Config::MinTasksPerWindow`]. Once per session and window. The
//!    session pays the host's billed seconds only as far as its commitments cover them.
//! 2. **Challenge**: at least [`Config::ChallengeDelay`] (≥ 3) blocks later `on_initialize`
//!    draws [`Config::ChallengesPerWindow`] distinct leaf indices and [`Config::AuditorsPerLeaf`]
//!    auditors from randomness that mixes **BABE's VRF outputs of every block since the
//!    commitment** ([`draw`]), so no single block author knew them when the root was committed.
//!    Each auditor is drawn independently from the registry's auditor pool; the session's
//!    player and contributors (taken at commit time) never audit it.
//! 3. **Open** ([`Pallet::open_leaves`]): within [`Config::OpenTimeout`] blocks the contributor
//!    opens each challenged leaf with its Merkle proof and the canonical bytes of the game state
//!    the task starts from. The task must be of the session and of its game, the state must hash
//!    to the task's `state_hash`. A leaf not opened in time is a failure.
//! 4. **Audit, committed** ([`Pallet::commit_verdicts`]): within [`Config::AuditTimeout`] blocks
//!    of the opening deadline each auditor recomputes the opened tasks off chain and commits to
//!    the output hashes it got ([`pgt_primitives::work::verdict_commitment`]). It can't copy the
//!    claim: the leaves hold only seals of the claimed hashes.
//! 5. **Reveal** ([`Pallet::reveal_salt`], [`Pallet::reveal_verdicts`]): once every auditor has
//!    committed or the time to commit is over, within [`Config::RevealTimeout`] blocks the
//!    contributor reveals its seals' salt and the auditors their output hashes. For every leaf a
//!    strict majority of the *drawn-for* auditors (`AuditorsPerLeaf`, not just those found)
//!    decides whether the claimed output is right.
//! 6. **Settle**: as soon as the salt and every committed auditor's verdicts are revealed, or at
//!    the deadline. A wrong leaf, a missing opening or a withheld salt: [`Config::SlashShare`] of
//!    the contributor's stake is slashed, its reputation takes a heavy failure and the window's
//!    pay is forfeited ([`pgt_primitives::sessions::SessionWork::forfeit`]). An honest window
//!    counts as verified work (reputation, hours, tier). Auditors in the majority earn
//!    [`Config::AuditReward`] from [`Config::RewardPot`] and a reputation success; auditors in
//!    the minority lose [`Config::AuditorSlashShare`] of their stake and take a reputation
//!    failure; silent auditors take a reputation failure.
//!
//! Successful calls are free (`Pays::No`): verification is part of the job, and every call is
//! bounded (one commitment per session and window, one opening per challenge, one commitment and
//! one reveal per auditor). Workers find their duties with the view functions
//! [`Pallet::open_challenges`] and [`Pallet::audit_duties`].
//!
//! ## Where things are
//! Declarations here; committing in `commit.rs`, the randomness and the draw of challenges and
//! auditors in [`draw`], openings, verdicts, reveals and the decision in `audit.rs`, the deadline
//! queue in `deadlines.rs`, windows and their clearing in `windows.rs`, the duties workers poll
//! in `duties.rs`, the invariants in `try_state.rs`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod commit;
mod deadlines;
pub mod draw;
mod duties;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "std", feature = "try-runtime"))]
mod try_state;
pub mod types;
pub mod weights;
mod windows;

pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::{
	frame_support::traits::{fungible, Get},
	frame_system::pallet_prelude::BlockNumberFor,
};

/// The balance type of the currency audit rewards are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as polkadot_sdk::frame_system::Config>::AccountId>>::Balance;

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A session that `contributor` (registered here and online) is hosting now.
	fn serving_session(contributor: &AccountId) -> pgt_primitives::sessions::SessionId;
	/// A registered, online contributor with the reputation auditors need (a new one for each
	/// `index`).
	fn auditor(index: u32) -> AccountId;
	/// A registered contributor in the auditor pool that may not audit now (offline), a new one
	/// for each `index`.
	fn unqualified(index: u32) -> AccountId;
}

/// A `WindowLength` for runtimes: the length the chain's genesis set
/// ([`GenesisWindowLength`], dev and test chains), else `Default`. Costs one storage read (cached
/// for the rest of the block) where a constant cost none.
pub struct WindowLengthOr<T, Default>(core::marker::PhantomData<(T, Default)>);

impl<T: Config, Default: Get<BlockNumberFor<T>>> Get<BlockNumberFor<T>> for WindowLengthOr<T, Default> {
	fn get() -> BlockNumberFor<T> {
		GenesisWindowLength::<T>::get().unwrap_or_else(Default::get)
	}
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use pgt_primitives::{
		contributors::ContributorRegistry,
		sessions::{SessionId, SessionWork},
	};
	use polkadot_sdk::{
		frame_support::{dispatch::PostDispatchInfo, pallet_prelude::*, traits::Randomness},
		frame_system::pallet_prelude::*,
		sp_core::H256,
		sp_runtime::Perbill,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Defaults for mock runtimes: `#[derive_impl(config_preludes::TestDefaultConfig)]` and set
	/// the types that name other pallets (`Currency`, `Registry`, `Sessions`, `Randomness`,
	/// `RewardPot`).
	pub mod config_preludes {
		use super::*;
		use polkadot_sdk::frame_support::{
			derive_impl, register_default_impl,
			traits::{ConstU128, ConstU32, ConstU64},
		};
		use polkadot_sdk::frame_system;

		/// Blocks per window in the test defaults.
		pub const WINDOW: u64 = 10;
		/// Seconds a window covers in the test defaults.
		pub const WINDOW_SECONDS: u32 = 60;
		/// Blocks from commitment to draw in the test defaults.
		pub const DELAY: u64 = 3;
		/// Leaves challenged per window in the test defaults.
		pub const K: u32 = 10;
		/// Auditors per commitment in the test defaults.
		pub const AUDITORS: u32 = 3;
		/// Blocks to open in the test defaults.
		pub const OPEN_TIMEOUT: u64 = 5;
		/// Blocks to commit to verdicts in the test defaults.
		pub const AUDIT_TIMEOUT: u64 = 6;
		/// Blocks to reveal in the test defaults.
		pub const REVEAL_TIMEOUT: u64 = 3;
		/// Fewest leaves a window holds in the test defaults.
		pub const MIN_TASKS: u32 = 8;
		/// An auditor's reward in the test defaults.
		pub const AUDIT_REWARD: u128 = 100;

		/// Work verification's defaults for tests: 10-block windows of 60 s of at least 8 leaves,
		/// 10 challenges, 3 auditors with reputation ≥ 40 %, 10 % of a cheat's stake slashed, 1 %
		/// of a minority auditor's.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeEvent = ();
			type WindowLength = ConstU64<WINDOW>;
			type WindowSeconds = ConstU32<WINDOW_SECONDS>;
			type ChallengeDelay = ConstU64<DELAY>;
			type ChallengesPerWindow = ConstU32<K>;
			type OpenTimeout = ConstU64<OPEN_TIMEOUT>;
			type AuditorsPerLeaf = ConstU32<AUDITORS>;
			type MinAuditorReputation = MinAuditorReputation;
			type AuditTimeout = ConstU64<AUDIT_TIMEOUT>;
			type RevealTimeout = ConstU64<REVEAL_TIMEOUT>;
			type AuditReward = ConstU128<AUDIT_REWARD>;
			type SlashShare = SlashShare;
			type AuditorSlashShare = AuditorSlashShare;
			type MinTasksPerWindow = ConstU32<MIN_TASKS>;
			type MaxTasksPerWindow = ConstU32<{ 1 << 20 }>;
			type MaxDeadlinesPerBlock = ConstU32<8>;
			type MaxAuditorTries = ConstU32<64>;
			type MaxParticipants = ConstU32<16>;
			type MaxPrunePerBlock = ConstU32<4>;
			type WeightInfo = ();
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// Auditors need a reputation of 40 %.
			pub const MinAuditorReputation: Perbill = Perbill::from_percent(40);
			/// A cheater loses 10 % of its stake.
			pub const SlashShare: Perbill = Perbill::from_percent(10);
			/// An auditor in the minority loses 1 % of its stake.
			pub const AuditorSlashShare: Perbill = Perbill::from_percent(1);
		}
	}

	/// Configuration of work verification.
	#[pallet::config(with_default)]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		#[pallet::no_default_bounds]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency audit rewards are paid in (PGT).
		#[pallet::no_default]
		type Currency: fungible::Mutate<Self::AccountId>;

		/// The contributor registry (auditors, reputation, slashing).
		#[pallet::no_default]
		type Registry: ContributorRegistry<Self::AccountId, Balance = BalanceOf<Self>>;

		/// The sessions the work is for (who serves, who takes part, forfeits).
		#[pallet::no_default]
		type Sessions: SessionWork<Self::AccountId>;

		/// Randomness the challenges are drawn from: BABE's VRF output of the parent block, mixed
		/// into [`RandomnessAccumulator`] every block.
		#[pallet::no_default]
		type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// The account audit rewards are paid from (the treasury).
		#[pallet::no_default]
		type RewardPot: Get<Self::AccountId>;

		/// Blocks per verification window.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type WindowLength: Get<BlockNumberFor<Self>>;

		/// Seconds of session time one window covers (what a wrong window forfeits).
		#[pallet::constant]
		type WindowSeconds: Get<u32>;

		/// Blocks between a commitment and the draw of its challenges (at least 3, so the draw
		/// mixes the VRF outputs of at least two blocks after the one that included the
		/// commitment, made by their own authors).
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type ChallengeDelay: Get<BlockNumberFor<Self>>;

		/// Leaves challenged per commitment (`k`).
		#[pallet::constant]
		type ChallengesPerWindow: Get<u32>;

		/// Blocks the contributor has to open its challenged leaves.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type OpenTimeout: Get<BlockNumberFor<Self>>;

		/// Auditors drawn per commitment; each recomputes every challenged leaf.
		#[pallet::constant]
		type AuditorsPerLeaf: Get<u32>;

		/// Least reputation an auditor must have.
		#[pallet::constant]
		type MinAuditorReputation: Get<Perbill>;

		/// Blocks auditors have to commit to their verdicts, after the opening deadline.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AuditTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks the contributor and the auditors have to reveal the salt and the verdicts,
		/// after the commit deadline.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type RevealTimeout: Get<BlockNumberFor<Self>>;

		/// What an auditor in the majority earns per audited commitment.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AuditReward: Get<BalanceOf<Self>>;

		/// Share of a cheating contributor's stake that is slashed.
		#[pallet::constant]
		type SlashShare: Get<Perbill>;

		/// Share of an auditor's stake that is slashed when it voted against the decided
		/// majority.
		#[pallet::constant]
		type AuditorSlashShare: Get<Perbill>;

		/// Fewest leaves one commitment may have: what a window of the slowest accepted stream
		/// holds (frames per second × window seconds × tiles per frame).
		#[pallet::constant]
		type MinTasksPerWindow: Get<u32>;

		/// Most leaves one commitment may have.
		#[pallet::constant]
		type MaxTasksPerWindow: Get<u32>;

		/// Most deadlines `on_initialize` handles in one block (more wait for the next block).
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most tries to draw one commitment's auditors (each try looks at one random member of
		/// the auditor pool).
		#[pallet::constant]
		type MaxAuditorTries: Get<u32>;

		/// Most accounts with a part in one session (player, host, backups, standby, former
		/// hosts), all excluded from auditing it.
		#[pallet::constant]
		type MaxParticipants: Get<u32>;

		/// Most `ByWindow` entries of past windows cleared per block (and most windows looked
		/// at). Must exceed the commitments one window gets divided by `WindowLength`.
		#[pallet::constant]
		type MaxPrunePerBlock: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up sessions and auditors for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		#[pallet::no_default]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next commitment gets.
	#[pallet::storage]
	pub type NextCommitmentId<T: Config> = StorageValue<_, CommitmentId, ValueQuery>;

	/// Commitments from the block they are made until their close, a fixed
	/// `ChallengeDelay + OpenTimeout + AuditTimeout + 1` blocks later.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageMap<_, Twox64Concat, CommitmentId, Commitment<T>>;

	/// The commitment of (window, contributor, session), so each is made once. Keyed by window
	/// first: once a window can no longer be committed to, `on_initialize` clears its entries a
	/// bounded number per block ([`Config::MaxPrunePerBlock`]).
	#[pallet::storage]
	pub type ByWindow<T: Config> = StorageNMap<
		_,
		(NMapKey<Twox64Concat, WindowIndex>, NMapKey<Blake2_128Concat, T::AccountId>, NMapKey<Twox64Concat, SessionId>),
		CommitmentId,
	>;

	/// The game states opened with challenged leaves, by commitment and leaf index, until the
	/// commitment closes (auditors recompute from them).
	#[pallet::storage]
	pub type OpenedStates<T: Config> =
		StorageDoubleMap<_, Twox64Concat, CommitmentId, Twox64Concat, u32, pgt_primitives::work::StateBytes>;

	/// Every block's BABE VRF output hashed into the last: `on_initialize` of block `n` sets it to
	/// `H(previous ‖ VRF output of block n − 1)`. A draw seeded from it depends on every block
	/// since the commitment.
	#[pallet::storage]
	pub type RandomnessAccumulator<T: Config> = StorageValue<_, H256, ValueQuery>;

	/// The oldest window whose `ByWindow` entries may not be cleared yet, and where the clearing
	/// of that window stopped (a storage key), if it is half done.
	#[pallet::storage]
	pub type PruneFrom<T: Config> = StorageValue<_, (WindowIndex, Option<PruneCursor>), ValueQuery>;

	/// Deadlines by block: what `on_initialize` does once that block is reached (the draw and
	/// the close of every commitment).
	#[pallet::storage]
	pub type Deadlines<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, (CommitmentId, Deadline), ()>;

	/// The first block whose deadlines are not all handled yet.
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The window length this chain was started with, when its genesis asked for another one
	/// than the runtime's default ([`GenesisConfig::window_length`]). Only dev and test chains
	/// set it, so a test reaches a window in seconds; it never changes after genesis. Runtimes
	/// read it through [`WindowLengthOr`].
	#[pallet::storage]
	pub type GenesisWindowLength<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// How a chain starts its work verification.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks per verification window on this chain, when not the runtime's default: for dev
		/// and test chains only (a few blocks, so tests reach a window quickly). Production chain
		/// specs leave it out. Takes effect only in runtimes whose `WindowLength` is
		/// [`WindowLengthOr`].
		pub window_length: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(blocks) = self.window_length {
				assert!(blocks >= 1u32.into(), "a verification window needs at least one block");
				GenesisWindowLength::<T>::put(blocks);
			}
		}
	}

	/// Events of work verification.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A contributor committed to a window of work.
		WorkCommitted {
			/// The commitment.
			commitment: CommitmentId,
			/// Who did the work.
			contributor: T::AccountId,
			/// For which session.
			session: SessionId,
			/// In which window.
			window: WindowIndex,
			/// Merkle root of the task leaves.
			root: H256,
			/// Number of leaves.
			task_count: u32,
		},
		/// Challenges and auditors were drawn; the contributor must open `indices` by `open_by`.
		Challenged {
			/// The commitment.
			commitment: CommitmentId,
			/// The challenged leaf indices.
			indices: Vec<u32>,
			/// The auditors who will recompute them.
			auditors: Vec<T::AccountId>,
			/// Last block to open the leaves.
			open_by: BlockNumberFor<T>,
		},
		/// The contributor opened challenged leaves.
		LeavesOpened {
			/// The commitment.
			commitment: CommitmentId,
			/// The leaf indices opened by this call.
			indices: Vec<u32>,
		},
		/// An auditor committed to its verdicts.
		VerdictsCommitted {
			/// The commitment.
			commitment: CommitmentId,
			/// The auditor.
			auditor: T::AccountId,
		},
		/// The contributor revealed the salt of its output seals.
		SaltRevealed {
			/// The commitment.
			commitment: CommitmentId,
		},
		/// An auditor revealed the verdicts it had committed to.
		VerdictsRevealed {
			/// The commitment.
			commitment: CommitmentId,
			/// The auditor.
			auditor: T::AccountId,
		},
		/// The audit of a commitment is decided.
		Settled {
			/// The commitment.
			commitment: CommitmentId,
			/// Who did the work.
			contributor: T::AccountId,
			/// The decision.
			verdict: Verdict,
			/// Stake slashed from the contributor (zero unless the verdict is a failure).
			slashed: BalanceOf<T>,
			/// Seconds of session pay the contributor forfeited.
			seconds_forfeited: u32,
			/// Auditors in the majority (rewarded).
			rewarded: Vec<T::AccountId>,
			/// Auditors in the minority (slashed `AuditorSlashShare`, lost reputation) or silent
			/// (lost reputation).
			penalised: Vec<T::AccountId>,
			/// Stake slashed from auditors in the minority, in all.
			auditors_slashed: BalanceOf<T>,
		},
	}

	/// Errors of work verification.
	#[pallet::error]
	pub enum Error<T> {
		/// The commitment has no tasks, or its root is zero.
		EmptyCommitment,
		/// The commitment has fewer than `MinTasksPerWindow` tasks.
		TooFewTasks,
		/// The commitment has more than `MaxTasksPerWindow` tasks.
		TooManyTasks,
		/// Work may be committed only for the current or the previous window.
		WrongWindow,
		/// The caller is neither hosting this session nor a helper its host named.
		NotServing,
		/// The caller already committed for this session and window.
		AlreadyCommitted,
		/// No such commitment (it never existed or has been removed).
		UnknownCommitment,
		/// Only the contributor that made the commitment may open its leaves.
		NotCommitter,
		/// The challenges have not been drawn yet.
		NotChallengedYet,
		/// The audit of this commitment is already decided.
		AlreadySettled,
		/// The time to open leaves is over.
		OpeningTooLate,
		/// This leaf index was not challenged.
		NotChallenged,
		/// This leaf was already opened.
		AlreadyOpened,
		/// The leaf's task id is not its index in the tree.
		TaskIdMismatch,
		/// The opened task descriptor is malformed (a tile outside the frame, no ticks, …).
		MalformedTask,
		/// The opened task names another session.
		TaskOfOtherSession,
		/// The opened task is of another game than the session's.
		WrongGame,
		/// The opened state does not hash to the task's `state_hash`.
		StateMismatch,
		/// The Merkle proof does not lead from the leaf to the committed root.
		BadProof,
		/// The caller was not drawn to audit this commitment.
		NotAuditor,
		/// The caller has already committed (or revealed) on this commitment.
		AlreadyVoted,
		/// Not every challenged leaf is open yet; audit once they are.
		NotOpenedYet,
		/// One output hash per challenged leaf is needed, in the order of the challenges.
		WrongVerdictCount,
		/// The time to commit to verdicts is over.
		AuditTooLate,
		/// Reveals wait until every auditor has committed or the time to commit is over.
		RevealTooEarly,
		/// The time to reveal is over.
		RevealTooLate,
		/// The auditor never committed to verdicts, so it has nothing to reveal.
		NotCommitted,
		/// The revealed verdicts and nonce don't match the auditor's commitment.
		VerdictMismatch,
		/// The salt is already revealed.
		AlreadyRevealed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::accumulate_randomness();
			let (draws, closes, blocks_looked_at) = Self::process_deadlines(now);
			let pruned = Self::prune_windows(now);
			T::WeightInfo::on_initialize_idle()
				.saturating_add(T::DbWeight::get().reads_writes(blocks_looked_at.into(), 1))
				.saturating_add(T::WeightInfo::draw_challenges().saturating_mul(draws.into()))
				.saturating_add(T::WeightInfo::close_commitment().saturating_mul(closes.into()))
				.saturating_add(T::WeightInfo::prune_windows(pruned))
		}

		fn integrity_test() {
			assert!(
				T::ChallengeDelay::get() >= 3u32.into(),
				"the draw must mix the randomness of at least two blocks after the commitment"
			);
			assert!(T::MinTasksPerWindow::get() >= 1, "a window holds tasks");
			assert!(
				T::MinTasksPerWindow::get() <= T::MaxTasksPerWindow::get(),
				"MinTasksPerWindow must not exceed MaxTasksPerWindow"
			);
			assert!(T::WindowLength::get() >= 1u32.into(), "windows need blocks");
			assert!(T::ChallengesPerWindow::get() >= 1, "a window needs challenges");
			assert!(T::AuditorsPerLeaf::get() >= 1, "leaves need auditors");
			assert!(T::MaxDeadlinesPerBlock::get() >= 2, "deadlines need room");
			assert!(T::MaxTasksPerWindow::get() >= 1, "windows need tasks");
			assert!(T::MaxPrunePerBlock::get() >= 2, "past windows must be cleared");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::check_invariants()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Commits the work done for `session` in `window` (the current or the previous one):
		/// the Merkle `root` over `task_count` task leaves. Only the session's host or a helper it
		/// named (`Sessions.credit_helper`), once per session and window. Free when it succeeds.
		#[pallet::call_index(0)]
		pub fn commit_work(
			origin: OriginFor<T>,
			session: SessionId,
			window: WindowIndex,
			root: H256,
			task_count: u32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_commit_work(who, session, window, root, task_count)?;
			Ok(Pays::No.into())
		}

		/// Opens challenged leaves of `commitment` with their Merkle proofs and the states their
		/// tasks start from (by its contributor, within `OpenTimeout` blocks of the draw). Free
		/// when it succeeds.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::open_leaves(openings.len() as u32))]
		pub fn open_leaves(
			origin: OriginFor<T>,
			commitment: CommitmentId,
			openings: BoundedVec<Opening, T::ChallengesPerWindow>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_open_leaves(who, commitment, openings)?;
			Ok(Pays::No.into())
		}

		/// Commits a drawn auditor to its verdicts on `commitment`:
		/// [`pgt_primitives::work::verdict_commitment`] of the output hashes it recomputed and a
		/// nonce it keeps (once every leaf is open, within `AuditTimeout` blocks of the opening
		/// deadline). Free when it succeeds.
		#[pallet::call_index(2)]
		pub fn commit_verdicts(
			origin: OriginFor<T>,
			commitment: CommitmentId,
			verdicts: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_commit_verdicts(who, commitment, verdicts)?;
			Ok(Pays::No.into())
		}

		/// Reveals the salt of the contributor's output seals on `commitment` (by its
		/// contributor, once every auditor has committed or the time to commit is over, within
		/// `RevealTimeout` blocks). May settle the commitment. Free when it succeeds.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::reveal_settling(T::ChallengesPerWindow::get()))]
		pub fn reveal_salt(origin: OriginFor<T>, commitment: CommitmentId, salt: H256) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let settled = Self::do_reveal_salt(who, commitment, salt)?;
			let actual = if settled { None } else { Some(T::WeightInfo::reveal_salt()) };
			Ok(PostDispatchInfo { actual_weight: actual, pays_fee: Pays::No })
		}

		/// Reveals an auditor's verdicts on `commitment`: the output hashes it committed to, in
		/// the order of the challenges, and its nonce (in the same window as the salt). May
		/// settle the commitment. Free when it succeeds.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reveal_settling(output_hashes.len() as u32))]
		pub fn reveal_verdicts(
			origin: OriginFor<T>,
			commitment: CommitmentId,
			output_hashes: BoundedVec<H256, T::ChallengesPerWindow>,
			nonce: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let n = output_hashes.len() as u32;
			let settled = Self::do_reveal_verdicts(who, commitment, output_hashes, nonce)?;
			let actual = if settled { None } else { Some(T::WeightInfo::reveal_verdicts(n)) };
			Ok(PostDispatchInfo { actual_weight: actual, pays_fee: Pays::No })
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// What `contributor` still has to do for its commitments: open challenged leaves, or
		/// reveal its salt, each with its deadline.
		pub fn open_challenges(contributor: T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
			Self::contributor_duties(&contributor)
		}

		/// What `auditor` still has to do: recompute opened leaves and commit to its verdicts,
		/// or reveal them, each with its deadline and what it needs.
		pub fn audit_duties(auditor: T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
			Self::auditor_duties(&auditor)
		}

		/// A commitment and where its audit stands.
		pub fn commitment(commitment: CommitmentId) -> Option<Commitment<T>> {
			Commitments::<T>::get(commitment)
		}
	}
}
