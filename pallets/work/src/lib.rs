//! # PGT work: commit, challenge, audit
//!
//! Contributors prove they did the work they are paid for by **commit and sample**
//! (docs/verification.md has the design, the arithmetic and the costs):
//!
//! 1. **Commit** ([`Pallet::commit_work`]): at the end of each verification window
//!    ([`Config::WindowLength`] blocks) the host of a session commits the root of a binary Merkle
//!    tree over the window's micro-task leaves ([`pgt_primitives::work::TaskLeaf`]: the task and
//!    the BLAKE2b-256 hash of its output; [`pgt_primitives::merkle`]) and how many there are.
//!    Once per session and window.
//! 2. **Challenge**: [`Config::ChallengeDelay`] blocks later `on_initialize` draws
//!    [`Config::ChallengesPerWindow`] distinct leaf indices and [`Config::AuditorsPerLeaf`]
//!    auditors from **BABE's VRF randomness** of that block — output the contributor could not
//!    know when its commitment was included. Auditors are online contributors with reputation
//!    ≥ [`Config::MinAuditorReputation`] that take no part in the session.
//! 3. **Open** ([`Pallet::open_leaves`]): within [`Config::OpenTimeout`] blocks the contributor
//!    opens each challenged leaf with its Merkle proof. A leaf not opened in time is a failure.
//! 4. **Audit** ([`Pallet::submit_verdicts`]): within [`Config::AuditTimeout`] blocks each
//!    auditor recomputes the opened tasks off chain and submits the output hashes it got. For
//!    every leaf a strict majority of the drawn auditors decides whether the claimed output is
//!    right.
//! 5. **Settle**: as soon as every auditor has voted, or at the deadline. A wrong leaf or a
//!    missing opening: [`Config::SlashShare`] of the contributor's stake is slashed, its
//!    reputation takes a heavy failure and the window's pay is forfeited
//!    ([`pgt_primitives::sessions::SessionWork::forfeit`]). Auditors in the majority earn
//!    [`Config::AuditReward`] from [`Config::RewardPot`] and a reputation success; auditors in
//!    the minority, or silent, a reputation failure.
//!
//! Successful calls are free (`Pays::No`): verification is part of the job, and every call is
//! bounded (one commitment per session and window, one opening per challenge, one vote per
//! auditor). Workers find their duties with the view functions [`Pallet::open_challenges`] and
//! [`Pallet::audit_duties`].
//!
//! ## Where things are
//! Declarations here; committing in `commit.rs`, the draw of challenges and auditors in [`draw`],
//! openings, votes and the decision in `audit.rs`, the deadline queue in `deadlines.rs`, windows
//! and their clearing in `windows.rs`, the invariants in `try_state.rs`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod commit;
mod deadlines;
pub mod draw;
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

use polkadot_sdk::frame_support::traits::fungible;

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
	/// A registered contributor that may not audit (unbonding), a new one for each `index`.
	fn unqualified(index: u32) -> AccountId;
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
		pub const DELAY: u64 = 2;
		/// Leaves challenged per window in the test defaults.
		pub const K: u32 = 10;
		/// Auditors per commitment in the test defaults.
		pub const AUDITORS: u32 = 3;
		/// Blocks to open in the test defaults.
		pub const OPEN_TIMEOUT: u64 = 5;
		/// Blocks to vote in the test defaults.
		pub const AUDIT_TIMEOUT: u64 = 10;
		/// An auditor's reward in the test defaults.
		pub const AUDIT_REWARD: u128 = 100;

		/// Work verification's defaults for tests: 10-block windows of 60 s, 10 challenges, 3
		/// auditors with reputation ≥ 40 %, 10 % of stake slashed.
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
			type AuditReward = ConstU128<AUDIT_REWARD>;
			type SlashShare = SlashShare;
			type MaxTasksPerWindow = ConstU32<{ 1 << 20 }>;
			type MaxDeadlinesPerBlock = ConstU32<8>;
			type MaxAuditorScan = ConstU32<16>;
			type MaxPrunePerBlock = ConstU32<4>;
			type WeightInfo = ();
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// Auditors need a reputation of 40 %.
			pub const MinAuditorReputation: Perbill = Perbill::from_percent(40);
			/// A cheater loses 10 % of its stake.
			pub const SlashShare: Perbill = Perbill::from_percent(10);
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

		/// Randomness the challenges are drawn from: BABE's VRF output of the parent block.
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

		/// Blocks between a commitment and the draw of its challenges (at least 2, so the
		/// randomness comes from a block after the one that included the commitment).
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

		/// Blocks auditors have to vote, after the opening deadline.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AuditTimeout: Get<BlockNumberFor<Self>>;

		/// What an auditor in the majority earns per audited commitment.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AuditReward: Get<BalanceOf<Self>>;

		/// Share of a cheating contributor's stake that is slashed.
		#[pallet::constant]
		type SlashShare: Get<Perbill>;

		/// Most leaves one commitment may have.
		#[pallet::constant]
		type MaxTasksPerWindow: Get<u32>;

		/// Most deadlines `on_initialize` handles in one block (more wait for the next block).
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most registry entries looked at to draw one commitment's auditors.
		#[pallet::constant]
		type MaxAuditorScan: Get<u32>;

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
		/// An auditor submitted its verdicts.
		VerdictsSubmitted {
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
			/// Auditors in the minority or silent (lost reputation).
			penalised: Vec<T::AccountId>,
		},
	}

	/// Errors of work verification.
	#[pallet::error]
	pub enum Error<T> {
		/// The commitment has no tasks, or its root is zero.
		EmptyCommitment,
		/// The commitment has more than `MaxTasksPerWindow` tasks.
		TooManyTasks,
		/// Work may be committed only for the current or the previous window.
		WrongWindow,
		/// The caller is not hosting this session.
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
		/// The Merkle proof does not lead from the leaf to the committed root.
		BadProof,
		/// The caller was not drawn to audit this commitment.
		NotAuditor,
		/// The caller has already voted on this commitment.
		AlreadyVoted,
		/// Not every challenged leaf is open yet; audit once they are.
		NotOpenedYet,
		/// One output hash per challenged leaf is needed, in the order of the challenges.
		WrongVerdictCount,
		/// The time to vote is over.
		AuditTooLate,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let (draws, closes, blocks_looked_at) = Self::process_deadlines(now);
			let pruned = Self::prune_windows(now);
			T::WeightInfo::on_initialize_idle()
				.saturating_add(T::DbWeight::get().reads_writes(blocks_looked_at.into(), 1))
				.saturating_add(T::WeightInfo::draw_challenges().saturating_mul(draws.into()))
				.saturating_add(T::WeightInfo::close_commitment().saturating_mul(closes.into()))
				.saturating_add(T::WeightInfo::prune_windows(pruned))
		}

		fn integrity_test() {
			assert!(T::ChallengeDelay::get() >= 2u32.into(), "the draw must use randomness from after the commitment");
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
		/// the Merkle `root` over `task_count` task leaves. Only the session's host, once per
		/// session and window. Free when it succeeds.
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

		/// Opens challenged leaves of `commitment` with their Merkle proofs (by its contributor,
		/// within `OpenTimeout` blocks of the draw). Free when it succeeds.
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

		/// Submits an auditor's verdicts on `commitment`: the output hash it recomputed for
		/// each challenged leaf, in the order of the challenges. The last vote settles the
		/// commitment. Free when it succeeds.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit_verdicts_settling(output_hashes.len() as u32))]
		pub fn submit_verdicts(
			origin: OriginFor<T>,
			commitment: CommitmentId,
			output_hashes: BoundedVec<H256, T::ChallengesPerWindow>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let n = output_hashes.len() as u32;
			let settled = Self::do_submit_verdicts(who, commitment, output_hashes)?;
			let actual = if settled { None } else { Some(T::WeightInfo::submit_verdicts(n)) };
			Ok(PostDispatchInfo { actual_weight: actual, pays_fee: Pays::No })
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Challenges `contributor` still has to open: per commitment, the unopened indices
		/// and the last block to open them.
		pub fn open_challenges(contributor: T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
			Self::duties_where(|c| {
				let Phase::Challenged { open_by, .. } = c.phase else { return None };
				if c.contributor != contributor {
					return None;
				}
				let indices: Vec<u32> =
					c.challenges.iter().filter(|ch| ch.opened.is_none()).map(|ch| ch.index).collect();
				(!indices.is_empty()).then_some((open_by, indices, Vec::new()))
			})
		}

		/// Audits `auditor` still has to do: per commitment whose leaves are all open and that
		/// it has not voted on, the leaves to recompute and the last block to vote.
		pub fn audit_duties(auditor: T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
			Self::duties_where(|c| {
				let Phase::Challenged { audit_by, .. } = c.phase else { return None };
				let pending = c.auditors.iter().any(|a| a.who == auditor && a.verdicts.is_none());
				if !pending || !c.all_opened() {
					return None;
				}
				let indices = c.challenges.iter().map(|ch| ch.index).collect();
				let leaves = c.challenges.iter().filter_map(|ch| ch.opened.clone()).collect();
				Some((audit_by, indices, leaves))
			})
		}

		/// A commitment and where its audit stands.
		pub fn commitment(commitment: CommitmentId) -> Option<Commitment<T>> {
			Commitments::<T>::get(commitment)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The duties `select` picks out of the live commitments, oldest first. Views run off
		/// chain; the scan covers the commitments of the last `ChallengeDelay + OpenTimeout +
		/// AuditTimeout + 1` blocks.
		fn duties_where(
			select: impl Fn(&Commitment<T>) -> Option<(BlockNumberFor<T>, Vec<u32>, Vec<pgt_primitives::work::TaskLeaf>)>,
		) -> Vec<Duty<BlockNumberFor<T>>> {
			let mut duties: Vec<_> = Commitments::<T>::iter()
				.filter_map(|(id, c)| {
					select(&c).map(|(deadline, indices, leaves)| Duty {
						commitment: id,
						session: c.session,
						deadline,
						indices,
						leaves,
					})
				})
				.collect();
			duties.sort_by_key(|d| d.commitment);
			duties
		}
	}
}
