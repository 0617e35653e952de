//! What the sessions pallet stores: sessions while they run, and CSU records after.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use pgt_primitives::{
	contributors::Requirements,
	sessions::{ComplexityTier, GameId},
};
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_runtime::Debug,
};
use scale_info::TypeInfo;

/// Most contributors that can serve one session over its life: the host and every backup.
pub struct MaxServersOf<T>(PhantomData<T>);
impl<T: Config> Get<u32> for MaxServersOf<T> {
	fn get() -> u32 {
		T::MaxBackups::get().saturating_add(1)
	}
}

/// The timestamped task package: what the player asked for, fixed when the session is
/// requested.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct TaskPackage<BlockNumber> {
	/// BLAKE2b-256 of the SCALE encoding of (game, requirements, player, session id).
	pub hash: H256,
	/// Block in which the session was requested.
	pub requested_at: BlockNumber,
	/// Time of that block, milliseconds since the Unix epoch.
	pub requested_at_ms: u64,
	/// Longest the session may run, in seconds (the player's `max_duration`).
	pub expected_duration: u32,
}

/// Where a session is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum SessionState<BlockNumber> {
	/// The host must call `accept_session` by block `deadline`, else the next candidate is asked.
	AwaitingAccept {
		/// Last block in which the host may accept.
		deadline: BlockNumber,
	},
	/// The host streams. With no new receipt by block `deadline` the session settles on the
	/// latest one.
	Active {
		/// Block in which the host accepted.
		since: BlockNumber,
		/// Block at which the session settles unless a receipt comes first.
		deadline: BlockNumber,
	},
}

/// One contributor's service in a session: when it started (and stopped) serving, and the
/// latest receipt the chain accepted for it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct Served<AccountId> {
	/// The contributor.
	pub contributor: AccountId,
	/// Chain time (ms since the Unix epoch) of the block in which it started serving: the host's
	/// acceptance, or the failover that made it host. Its receipts can't bill more seconds than
	/// have passed since.
	pub since_ms: u64,
	/// Chain time at which it stopped serving (it was failed over), if it has.
	pub until_ms: Option<u64>,
	/// Resource hash of its machine when it started serving.
	pub resource_hash: H256,
	/// Counter of its latest accepted receipt (0: none yet).
	pub counter: u32,
	/// Seconds streamed, cumulative.
	pub seconds_served: u32,
	/// Of those, seconds paused for latency over the limit (free).
	pub seconds_paused: u32,
	/// Seconds taken away because work in a verification window was found wrong (not paid).
	pub seconds_forfeited: u32,
	/// Seconds of session time covered by the work commitments it made (each commitment covers a
	/// verification window). Billed seconds beyond these, plus the allowance for windows that
	/// could still be committed when the session ended, are not paid.
	pub seconds_committed: u32,
	/// Micro-tasks in those commitments: the work it computed itself, which its helpers' credited
	/// work is weighed against when its pay is split ([`HelperWork`]).
	pub tasks_committed: u64,
	/// Frames delivered, cumulative.
	pub frames: u64,
	/// Median latency, ms.
	pub latency_p50_ms: u16,
	/// 95th-percentile latency, ms.
	pub latency_p95_ms: u16,
	/// BLAKE2b-256 of the SCALE encoding of (receipt, player's signature): the proof of this
	/// service.
	pub receipt_hash: H256,
}

impl<AccountId> Served<AccountId> {
	/// A contributor that starts serving at chain time `since_ms` on a machine with
	/// `resource_hash`, with nothing billed yet.
	pub fn starting(contributor: AccountId, since_ms: u64, resource_hash: H256) -> Self {
		Self {
			contributor,
			since_ms,
			until_ms: None,
			resource_hash,
			counter: 0,
			seconds_served: 0,
			seconds_paused: 0,
			seconds_forfeited: 0,
			seconds_committed: 0,
			tasks_committed: 0,
			frames: 0,
			latency_p50_ms: 0,
			latency_p95_ms: 0,
			receipt_hash: H256::zero(),
		}
	}

	/// Seconds its receipts bill, less what audits forfeited: served − paused − forfeited.
	pub fn billed_seconds(&self) -> u32 {
		self.seconds_served.saturating_sub(self.seconds_paused).saturating_sub(self.seconds_forfeited)
	}

	/// Of the billed seconds, (paid, not paid for want of a commitment): the paid part is at most
	/// the committed seconds plus `allowance`.
	pub fn payable_seconds(&self, allowance: u32) -> (u32, u32) {
		let billed = self.billed_seconds();
		let paid = billed.min(self.seconds_committed.saturating_add(allowance));
		(paid, billed - paid)
	}

	/// Whole seconds of chain time it has served by chain time `now_ms` (up to when it stopped).
	pub fn elapsed_seconds(&self, now_ms: u64) -> u64 {
		self.until_ms.unwrap_or(now_ms).saturating_sub(self.since_ms) / 1_000
	}
}

/// A session while it runs.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct SessionInfo<T: Config> {
	/// Who plays and pays.
	pub player: T::AccountId,
	/// The game.
	pub game: GameId,
	/// The game's complexity tier when the session was requested.
	pub complexity: ComplexityTier,
	/// What the player asked of the machines.
	pub requirements: Requirements,
	/// The highest rate per compute-hour the player accepts.
	pub max_rate: BalanceOf<T>,
	/// The rate per compute-hour, fixed when the host accepts (0 before).
	pub rate: BalanceOf<T>,
	/// PGT on hold for this session (`max_rate × max_duration`).
	pub escrow: BalanceOf<T>,
	/// The timestamped task package.
	pub task: TaskPackage<BlockNumberFor<T>>,
	/// The contributor asked to host (awaiting acceptance) or hosting.
	pub host: T::AccountId,
	/// Contributors standing by to take over, in the order they would.
	pub backups: BoundedVec<T::AccountId, T::MaxBackups>,
	/// Further eligible candidates, asked in turn if the host does not accept and no backup is
	/// left.
	pub standby: BoundedVec<T::AccountId, T::MaxCandidates>,
	/// Where the session is.
	pub state: SessionState<BlockNumberFor<T>>,
	/// Every contributor that has hosted (since it accepted or took over), with its latest
	/// receipt.
	pub served: BoundedVec<Served<T::AccountId>, MaxServersOf<T>>,
	/// Contributors that compute micro-tasks for a host of the session, one entry per (helper,
	/// host), in the order the hosts named them.
	pub helpers: BoundedVec<HelperWork<T::AccountId>, T::MaxHelpers>,
}

/// A helper's work for one host of a session: micro-tasks (tiles, physics steps) it computed and
/// the host used. The host names it with its first credit ([`crate::Pallet::credit_helper`]);
/// from then on the helper may commit its own verification windows for the session.
///
/// At settlement the helper is paid out of that host's pay (never the player's or another
/// host's), for its **verified tasks**: the fewer of what the host credited and what the helper
/// committed, and nothing at all once any of its windows in the session was found wrong. The
/// host's pay is split in proportion to its own committed tasks and its helpers' verified tasks
/// ([`HelperWork::share_of`]); the rounding stays with the host.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct HelperWork<AccountId> {
	/// The helper.
	pub helper: AccountId,
	/// The host it computes for (and is paid by).
	pub host: AccountId,
	/// Micro-tasks the host says it used from this helper (cumulative).
	pub tasks_credited: u64,
	/// Micro-tasks in the helper's own window commitments while it helped this host.
	pub tasks_committed: u64,
	/// Its windows in this session that audits found wrong.
	pub windows_wrong: u32,
}

impl<AccountId> HelperWork<AccountId> {
	/// A helper named by `host`, with nothing credited or committed yet.
	pub fn named(helper: AccountId, host: AccountId) -> Self {
		Self { helper, host, tasks_credited: 0, tasks_committed: 0, windows_wrong: 0 }
	}

	/// Tasks it is paid for: the fewer of credited and committed (neither side can inflate the
	/// other's word), none once a window of it was found wrong.
	pub fn verified_tasks(&self) -> u64 {
		if self.windows_wrong > 0 {
			0
		} else {
			self.tasks_credited.min(self.tasks_committed)
		}
	}

	/// Its part of `host_earned`, which its host earned for `host_tasks` tasks of its own while
	/// its helpers verified `helper_tasks` (this one's included): `⌊host_earned × verified ÷
	/// (host_tasks + helper_tasks)⌋`.
	pub fn share_of(&self, host_earned: u128, host_tasks: u64, helper_tasks: u64) -> u128 {
		use polkadot_sdk::sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};
		let whole = u128::from(host_tasks).saturating_add(u128::from(helper_tasks));
		if whole == 0 {
			return 0;
		}
		multiply_by_rational_with_rounding(host_earned, u128::from(self.verified_tasks()), whole, Rounding::Down)
			.unwrap_or(0)
	}
}

/// What one helper was paid in a settled session.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct HelperShare<AccountId, Balance> {
	/// The helper.
	pub helper: AccountId,
	/// The host it computed for, out of whose pay it was paid.
	pub host: AccountId,
	/// Tasks the host credited it with.
	pub tasks_credited: u64,
	/// Tasks in its own window commitments.
	pub tasks_committed: u64,
	/// Tasks paid for ([`HelperWork::verified_tasks`]).
	pub tasks_paid: u64,
	/// Its windows found wrong (any: paid nothing).
	pub windows_wrong: u32,
	/// What it received.
	pub earned: Balance,
}

/// One contributor's part of a settled session.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct CsuShare<AccountId, Balance> {
	/// The contributor.
	pub contributor: AccountId,
	/// Resource hash of the machine that served, as registered when it started serving.
	pub resource_hash: H256,
	/// Seconds streamed.
	pub seconds_served: u32,
	/// Seconds paused for latency (free).
	pub seconds_paused: u32,
	/// Seconds forfeited because work was found wrong (not paid).
	pub seconds_forfeited: u32,
	/// Seconds not paid because no work commitment covered them.
	pub seconds_uncommitted: u32,
	/// Seconds paid (served − paused − forfeited − uncommitted).
	pub seconds_billed: u32,
	/// Frames delivered.
	pub frames: u64,
	/// Micro-tasks in its own work commitments (its helpers' are in [`CsuRecord::helpers`]).
	pub tasks_committed: u64,
	/// What the player paid for these seconds (rate × paid seconds).
	pub paid: Balance,
	/// Of that, what the contributor received (after the burn and treasury shares, and its
	/// helpers' part).
	pub earned: Balance,
	/// Proof: hash of the player-signed receipt that billed these seconds.
	pub receipt_hash: H256,
}

/// How a session ended.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum EndReason {
	/// The player ended it.
	Player,
	/// The host ended it.
	Host,
	/// No receipt came for `ReceiptTimeout` blocks; settled on the latest.
	ReceiptTimeout,
}

/// The CPU Sharing Unit: the public record of one settled session, kept for `CsuRetention`
/// blocks (and forever in the `SessionSettled` event).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct CsuRecord<T: Config> {
	/// Who played and paid.
	pub player: T::AccountId,
	/// The game.
	pub game: GameId,
	/// The task package (its hash and start block and time).
	pub task: TaskPackage<BlockNumberFor<T>>,
	/// Block in which the session settled.
	pub ended_at: BlockNumberFor<T>,
	/// Time of that block, ms since the Unix epoch.
	pub ended_at_ms: u64,
	/// Why it ended.
	pub end_reason: EndReason,
	/// Token rate per compute-hour.
	pub rate: BalanceOf<T>,
	/// Each serving contributor's part.
	pub shares: BoundedVec<CsuShare<T::AccountId, BalanceOf<T>>, MaxServersOf<T>>,
	/// Each helper's part, paid out of its host's.
	pub helpers: BoundedVec<HelperShare<T::AccountId, BalanceOf<T>>, T::MaxHelpers>,
	/// Total the player paid (sum of `paid`).
	pub paid: BalanceOf<T>,
	/// Burned (`BurnShare` of the pay).
	pub burned: BalanceOf<T>,
	/// Sent to the treasury (`TreasuryShare` of the pay).
	pub to_treasury: BalanceOf<T>,
	/// Escrow returned to the player.
	pub refunded: BalanceOf<T>,
}

/// Something the chain must do at a given block.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum Timeout {
	/// The host's time to accept runs out.
	Accept,
	/// The session settles unless a receipt came since this was scheduled.
	Receipt,
	/// The CSU record's retention ends.
	PruneCsu,
}
