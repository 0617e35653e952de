//! What the work pallet stores: commitments with their challenges, openings and verdicts.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use pgt_primitives::{
	merkle::MerkleProof,
	sessions::{GameId, SessionId},
	work::{StateBytes, TaskLeaf},
};
use polkadot_sdk::{
	frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
};
use scale_info::TypeInfo;

/// Identifies a commitment (assigned in order, never reused).
pub type CommitmentId = u64;

/// A verification window: block `n` is in window `n / WindowLength`.
pub type WindowIndex = u32;

/// Where the clearing of a past window's `ByWindow` entries stopped: a raw storage key.
pub type PruneCursor = BoundedVec<u8, polkadot_sdk::frame_support::traits::ConstU32<256>>;

/// One challenged leaf: its index in the committed tree and, once the contributor has opened it,
/// the leaf (the task and the seal of the output the contributor claims; the state it starts
/// from is kept in `OpenedStates`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct Challenge {
	/// Index of the leaf in the tree.
	pub index: u32,
	/// The leaf, once opened with a valid proof.
	pub opened: Option<TaskLeaf>,
}

/// An auditor of a commitment: its commitment to its verdicts, then (revealed) the output hash
/// it computed for each challenge, in the order of the challenges.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Auditor<T: Config> {
	/// The auditor.
	pub who: T::AccountId,
	/// Its [`pgt_primitives::work::verdict_commitment`], once committed.
	pub committed: Option<H256>,
	/// Its verdicts, once revealed (they match the commitment).
	pub verdicts: Option<BoundedVec<H256, T::ChallengesPerWindow>>,
}

/// How a commitment's audit ended.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum Verdict {
	/// Every challenged leaf was opened and a majority of the auditors recomputed the claimed
	/// output of every one.
	Honest,
	/// A majority of the auditors found a different output for at least one challenged leaf.
	Wrong,
	/// A challenged leaf was not opened in time, or the salt of its seal was not revealed.
	MissingOpening,
	/// Every leaf was opened but no majority formed on some leaf (too few auditors could be
	/// drawn, or too many stayed silent). Nobody is punished for the work.
	Undecided,
}

impl Verdict {
	/// Whether the contributor is punished for this verdict.
	pub fn is_failure(self) -> bool {
		matches!(self, Verdict::Wrong | Verdict::MissingOpening)
	}
}

/// Where a commitment is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum Phase<BlockNumber> {
	/// Committed; the challenges are drawn at block `at` from the randomness of that block.
	AwaitingDraw {
		/// The block whose `on_initialize` draws the challenges.
		at: BlockNumber,
	},
	/// Challenges and auditors are drawn. The contributor opens the challenged leaves by
	/// `open_by`; auditors commit to their verdicts by `commit_by`; once every auditor has
	/// committed (or `commit_by` has passed) the contributor reveals its salt and the auditors
	/// their verdicts, by `reveal_by`.
	Challenged {
		/// Last block in which the contributor may open leaves.
		open_by: BlockNumber,
		/// Last block in which auditors may commit to their verdicts.
		commit_by: BlockNumber,
		/// Last block in which the salt and the verdicts may be revealed.
		reveal_by: BlockNumber,
	},
	/// Decided; the record stays until its close.
	Settled(Verdict),
}

/// A contributor's commitment to the work it did for one session in one window.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Commitment<T: Config> {
	/// Who did the work.
	pub contributor: T::AccountId,
	/// For which session.
	pub session: SessionId,
	/// The session's game: every opened task must be of it.
	pub game: GameId,
	/// The session's task package hash (its game's state starts from its seed).
	pub task_hash: H256,
	/// Who may not audit this work: the session's player and contributors, taken when the work
	/// was committed (so they stay excluded after the session settles).
	pub excluded: BoundedVec<T::AccountId, T::MaxParticipants>,
	/// In which window.
	pub window: WindowIndex,
	/// Root of the Merkle tree over the window's task leaves.
	pub root: H256,
	/// Number of leaves in the tree.
	pub task_count: u32,
	/// Block in which the commitment was made.
	pub committed_at: BlockNumberFor<T>,
	/// Where it is in its life.
	pub phase: Phase<BlockNumberFor<T>>,
	/// The challenged leaves (empty until drawn), in increasing index order.
	pub challenges: BoundedVec<Challenge, T::ChallengesPerWindow>,
	/// The auditors (empty until drawn).
	pub auditors: BoundedVec<Auditor<T>, T::AuditorsPerLeaf>,
	/// The salt of the contributor's output seals, once revealed.
	pub salt: Option<H256>,
}

impl<T: Config> Commitment<T> {
	/// Whether every challenged leaf has been opened.
	pub fn all_opened(&self) -> bool {
		self.challenges.iter().all(|c| c.opened.is_some())
	}

	/// Whether every drawn auditor has committed to its verdicts.
	pub fn all_committed(&self) -> bool {
		self.auditors.iter().all(|a| a.committed.is_some())
	}
}

/// The opening of one challenged leaf: the leaf, its Merkle proof, and the canonical bytes of the
/// game state its task starts from (so auditors can recompute it; they must hash to the task's
/// `state_hash`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct Opening {
	/// Index of the leaf in the tree.
	pub index: u32,
	/// The leaf.
	pub leaf: TaskLeaf,
	/// Its inclusion proof.
	pub proof: MerkleProof,
	/// The state the task starts from.
	pub state: StateBytes,
}

/// What `on_initialize` must do for a commitment at a given block.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum Deadline {
	/// Draw the challenges and auditors.
	Draw,
	/// Settle whatever is still open (missing openings or salt, silent auditors) and remove the
	/// record.
	Close,
}

/// What a worker has to do for a commitment, as it sees it when it polls for its duties.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum DutyKind {
	/// The contributor opens the challenged leaves `indices` (with their states).
	Open,
	/// An auditor recomputes the opened leaves and commits to its output hashes.
	CommitVerdicts,
	/// The contributor reveals its seals' salt.
	RevealSalt,
	/// An auditor reveals the output hashes it committed to.
	RevealVerdicts,
}

/// A duty of a worker: the commitment, what to do, by when, and what it needs for it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct Duty<BlockNumber> {
	/// The commitment.
	pub commitment: CommitmentId,
	/// The session the work was for.
	pub session: SessionId,
	/// The window it was committed for: with `session`, how the committer finds its own record
	/// of the window (a worker that crashed before it learnt the commitment's id still can).
	pub window: WindowIndex,
	/// The session's task package hash: an auditor checks the states start from its seed.
	pub task_hash: H256,
	/// What to do.
	pub kind: DutyKind,
	/// Last block in which to do it.
	pub deadline: BlockNumber,
	/// The challenged leaf indices (for `Open`: those still to open; otherwise all of them, in
	/// the order verdicts are given).
	pub indices: alloc::vec::Vec<u32>,
	/// For an auditor committing: the opened leaves, in the same order.
	pub leaves: alloc::vec::Vec<TaskLeaf>,
	/// For an auditor committing: the state each opened task starts from, in the same order.
	pub states: alloc::vec::Vec<StateBytes>,
}
