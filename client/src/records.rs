//! The stored records this client reads, decoded from their SCALE bytes.
//!
//! The pallets' records that are generic over the account, balance and block number types
//! (`Served`, `CsuShare`, `TaskPackage`, `SessionState`, `ContributorInfo`) are used as they
//! are, with the runtime's `AccountId32`, `u128` and `u32`. The two records generic over the
//! whole runtime (`SessionInfo<T>`, `CsuRecord<T>`) are repeated here field for field; the
//! runtime's tests encode the real ones and decode them as these (`runtime/src/tests.rs`), so
//! they cannot drift apart unnoticed.

use crate::AccountId;
use codec::Decode;
use pgt_primitives::{
	contributors::Requirements,
	sessions::{ComplexityTier, GameId},
	Balance, BlockNumber,
};
use polkadot_sdk::sp_core::H256;

/// A registered contributor (`Contributors.Registry`).
pub type ContributorRecord = pallet_pgt_contributors::ContributorInfo<Balance, BlockNumber>;
/// A contributor's status.
pub type ContributorStatus = pallet_pgt_contributors::Status<BlockNumber>;
/// One contributor's service in a running session.
pub type Served = pallet_pgt_sessions::Served<AccountId>;
/// One contributor's part of a settled session.
pub type CsuShare = pallet_pgt_sessions::CsuShare<AccountId, Balance>;
/// A helper's work for one host of a running session.
pub type HelperWork = pallet_pgt_sessions::HelperWork<AccountId>;
/// What one helper was paid in a settled session.
pub type HelperShare = pallet_pgt_sessions::HelperShare<AccountId, Balance>;
/// Where a running session is.
pub type SessionState = pallet_pgt_sessions::SessionState<BlockNumber>;
/// A session's timestamped task package.
pub type TaskPackage = pallet_pgt_sessions::TaskPackage<BlockNumber>;
/// How a session ended.
pub use pallet_pgt_sessions::EndReason;

/// A running session (`Sessions.Live`): `pallet_pgt_sessions::SessionInfo` of the PGT runtime.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct SessionRecord {
	/// Who plays and pays.
	pub player: AccountId,
	/// The game.
	pub game: GameId,
	/// The game's tier when requested.
	pub complexity: ComplexityTier,
	/// What the player asked of the machines.
	pub requirements: Requirements,
	/// Highest rate the player accepts, per compute-hour.
	pub max_rate: Balance,
	/// The rate, fixed at acceptance (0 before).
	pub rate: Balance,
	/// PGT on hold.
	pub escrow: Balance,
	/// The timestamped task package.
	pub task: TaskPackage,
	/// The contributor asked to host, or hosting.
	pub host: AccountId,
	/// Backups in takeover order.
	pub backups: Vec<AccountId>,
	/// Further candidates.
	pub standby: Vec<AccountId>,
	/// Where the session is.
	pub state: SessionState,
	/// Everyone that has hosted, with its latest receipt.
	pub served: Vec<Served>,
	/// Helpers named by its hosts, with their tasks.
	pub helpers: Vec<HelperWork>,
}

impl SessionRecord {
	/// Whether `who` is asked to accept it now.
	pub fn awaits(&self, who: &AccountId) -> bool {
		matches!(self.state, SessionState::AwaitingAccept { .. }) && &self.host == who
	}

	/// Whether it has been accepted.
	pub fn is_active(&self) -> bool {
		matches!(self.state, SessionState::Active { .. })
	}

	/// `who`'s service, if it has served.
	pub fn served_by(&self, who: &AccountId) -> Option<&Served> {
		self.served.iter().find(|s| &s.contributor == who)
	}

	/// Whether the current host named `who` a helper (so it may commit work for the session).
	pub fn helps_host(&self, who: &AccountId) -> bool {
		self.is_active() && self.helpers.iter().any(|h| &h.helper == who && h.host == self.host)
	}
}

/// A settled session (`Sessions.Csus`, and the `SessionSettled` event): the CPU Sharing Unit,
/// `pallet_pgt_sessions::CsuRecord` of the PGT runtime.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct CsuRecord {
	/// Who played and paid.
	pub player: AccountId,
	/// The game.
	pub game: GameId,
	/// The task package.
	pub task: TaskPackage,
	/// Block in which it settled.
	pub ended_at: BlockNumber,
	/// That block's time, ms since the Unix epoch.
	pub ended_at_ms: u64,
	/// Why it ended.
	pub end_reason: EndReason,
	/// The rate per compute-hour.
	pub rate: Balance,
	/// Each serving contributor's part.
	pub shares: Vec<CsuShare>,
	/// Each helper's part.
	pub helpers: Vec<HelperShare>,
	/// Total paid by the player.
	pub paid: Balance,
	/// Burned.
	pub burned: Balance,
	/// To the treasury.
	pub to_treasury: Balance,
	/// Escrow returned to the player.
	pub refunded: Balance,
}

/// The `Sessions.SessionRequested` event.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct SessionRequested {
	/// The session.
	pub session: u64,
	/// Its player.
	pub player: AccountId,
	/// The game.
	pub game: GameId,
	/// The contributor asked to host.
	pub host: AccountId,
	/// The backups.
	pub backups: Vec<AccountId>,
	/// PGT put on hold.
	pub escrow: Balance,
	/// The task package's hash.
	pub task_hash: H256,
}

/// The `Sessions.SessionSettled` event.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct SessionSettled {
	/// The session.
	pub session: u64,
	/// Its record.
	pub csu: CsuRecord,
}

/// A worker's duty in work verification (`Work::open_challenges`, `Work::audit_duties`).
pub type Duty = pallet_pgt_work::Duty<BlockNumber>;
/// What a duty asks for.
pub use pallet_pgt_work::{DutyKind, Verdict};

/// `Work.WorkCommitted`: a contributor committed to a window of work.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct WorkCommitted {
	/// The commitment.
	pub commitment: pallet_pgt_work::CommitmentId,
	/// Who did the work.
	pub contributor: AccountId,
	/// For which session.
	pub session: pgt_primitives::sessions::SessionId,
	/// In which window.
	pub window: pallet_pgt_work::WindowIndex,
	/// Merkle root of the task leaves.
	pub root: H256,
	/// Number of leaves.
	pub task_count: u32,
}

/// `Work.Settled`: the audit of a commitment is decided.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct WorkSettled {
	/// The commitment.
	pub commitment: pallet_pgt_work::CommitmentId,
	/// Who did the work.
	pub contributor: AccountId,
	/// The decision.
	pub verdict: Verdict,
	/// Stake slashed from the contributor.
	pub slashed: Balance,
	/// Seconds of session pay forfeited.
	pub seconds_forfeited: u32,
	/// Auditors in the majority.
	pub rewarded: Vec<AccountId>,
	/// Auditors in the minority or silent.
	pub penalised: Vec<AccountId>,
	/// Stake slashed from auditors.
	pub auditors_slashed: Balance,
}
