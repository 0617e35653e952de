//! # PGT sessions: the CPU Sharing Unit
//!
//! A **session** is a player renting compute from contributors to play a game. Its life on
//! chain:
//!
//! 1. **Request** ([`Pallet::request_session`]): the player names the game, what it requires of
//!    the machines, the longest duration (seconds) and the highest rate per compute-hour it
//!    accepts, and candidate contributors in its order of preference (its client measured their
//!    latency off chain). The **escrow** `max_rate × max_duration` goes **on hold** in the
//!    player's account (reason [`HoldReason::Escrow`]). From the candidates that are online,
//!    meet the requirements, have a free slot and a rate within `max_rate`, the first becomes the
//!    **host** and the next up to [`Config::MaxBackups`] the **backups** (ordered by reputation,
//!    most reputable first); the rest wait on standby. A **task package** is recorded: the hash of
//!    (game, requirements, player, session id), the block and time, the expected duration.
//! 2. **Accept** ([`Pallet::accept_session`]): the host has [`Config::AcceptTimeout`] blocks;
//!    otherwise the first backup (or standby candidate) is asked, and when none is left the
//!    session is cancelled and the escrow released. The host must still be available (online, at
//!    the minimum stake) when it accepts. Accepting fixes the session's **rate**:
//!    `base rate × game tier × host's reputation multiplier`, capped at `max_rate`, and starts
//!    the host's clock (chain time) and records its machine's resource hash.
//! 3. **Receipts** ([`Pallet::submit_receipt`]): the player's client signs cumulative
//!    [`Receipt`]s per contributor (seconds served, seconds paused because latency was over the
//!    limit, frames, latency p50/p95, a counter). Player or contributor submits the latest; the
//!    chain checks the player's signature (over [`Receipt::signing_payload`], bound to this
//!    chain's genesis) and that the receipt only adds: it serves more seconds than the last one
//!    for that contributor (or as many, with a higher counter), pauses at most as many new
//!    seconds as it serves (`Δpaused ≤ Δserved`, so what is billed never goes down), and serves
//!    no more seconds than have passed on the chain's clock since that contributor started
//!    serving (plus [`Config::ClockTolerance`]). **Paused seconds cost nothing.**
//! 4. **Failover** ([`Pallet::failover`]): the player or a backup, with the player's latest
//!    receipt for the host, replaces the host by the first backup. The dropped host keeps what its
//!    receipts bill; it takes a reputation failure only when that receipt shows it stalled (more
//!    than [`Config::StallSeconds`] of its time unserved).
//! 5. **Helpers** ([`Pallet::credit_helper`]): a host names contributors that compute
//!    micro-tasks for it (up to [`Config::MaxHelpers`] entries a session) and credits each with
//!    the tasks it used. A named helper commits its own work windows (pallet-pgt-work) and is paid
//!    out of its host's pay for its verified tasks ([`HelperWork`]).
//! 6. **Settlement** ([`Pallet::end_session`] by the player or host, or automatically when no
//!    receipt came for [`Config::ReceiptTimeout`] blocks): each contributor is paid for its
//!    billed seconds that its work commitments cover (pallet-pgt-work tells this pallet through
//!    [`SessionWork::note_commitment`](pgt_primitives::sessions::SessionWork::note_commitment)),
//!    plus [`Config::UnverifiedAllowance`] for the windows that could still be committed when the
//!    session ended: `rate × paid seconds`. Of it [`Config::BurnShare`] is **burned**,
//!    [`Config::TreasuryShare`] goes to the **treasury**, the rest to the contributor and its
//!    helpers (by their tasks, see [`HelperWork`]); the unused escrow returns to the player. A [`CsuRecord`] (player, contributors, times, rate, resource
//!    hashes, receipt hashes, amounts) is kept for [`Config::CsuRetention`] blocks and emitted
//!    whole in [`Event::SessionSettled`]. Reputation and verified hours come from audits
//!    (pallet-pgt-work), not from settling.
//!
//! ## The rate
//! [`BaseRate`] (PGT per compute-hour) moves every block like EIP-1559's base fee: toward
//! [`Config::TargetUtilisation`] of the registry's counted capacity (stake-backed slots of online
//! contributors that have worked recently), with demand counted as the slots of accepted sessions
//! only ([`OccupiedSlots`]), by at most [`Config::MaxRateStep`]
//! per block, within [`Config::MinRate`]..[`Config::MaxRate`] ([`pgt_primitives::rate`]).
//! Clients read it and any contributor's rate with the view functions [`Pallet::base_rate`] and
//! [`Pallet::contributor_rate`].
//!
//! ## Timeouts
//! Every live session has exactly one deadline in [`Timeouts`] (a
//! [`pgt_pallet_support::deadlines::DeadlineQueue`]): its accept timeout, then its receipt
//! timeout, moved by each receipt and removed when the session ends. Any number may fall in one
//! block; `on_initialize` handles at most [`Config::MaxTimeoutsPerBlock`] per block, oldest
//! first, so a deadline is handled at its block or later, never earlier, and nobody's requests
//! can push another session's deadline or refuse a request for want of room.
//!
//! ## Where things are
//! Declarations here; requesting and accepting in `matching.rs`, receipts and failover in
//! `receipts.rs`, helpers in `helpers.rs`, settlement and ending in `settlement.rs`, the rate in
//! `rate.rs`, deadlines in `timeouts.rs`, the
//! [`SessionWork`](pgt_primitives::sessions::SessionWork) implementation in
//! `impl_session_work.rs`, the invariants in `try_state.rs`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod helpers;
mod impl_session_work;
mod matching;
#[cfg(test)]
mod mock;
mod rate;
mod receipts;
mod settlement;
#[cfg(any(test, feature = "runtime-benchmarks", feature = "test-utils"))]
pub mod testing_utils;
#[cfg(test)]
mod tests;
mod timeouts;
#[cfg(any(feature = "std", feature = "try-runtime"))]
mod try_state;
pub mod types;
pub mod weights;

pub use pgt_primitives::sessions::{ComplexityTier, GameId, Receipt, SessionId};
pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::frame_support::traits::fungible;

/// The balance type of the currency sessions are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as polkadot_sdk::frame_system::Config>::AccountId>>::Balance;

/// A receipt of runtime `T`.
pub type ReceiptOf<T> = Receipt<<T as polkadot_sdk::frame_system::Config>::AccountId>;

/// Creates signed receipts for benchmarks (the runtime signs with a key in the benchmark's
/// keystore).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// An account whose key [`BenchmarkHelper::sign`] signs with.
	fn player() -> AccountId;
	/// Signs `payload` with the player's key.
	fn sign(payload: &[u8]) -> Signature;
	/// A registered, online contributor with free session slots that meets default
	/// requirements (a new one for each `index`).
	fn contributor(index: u32) -> AccountId;
	/// Moves the chain's clock (`UnixTime`) on by `ms` milliseconds.
	fn pass_time(ms: u64);
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use pgt_primitives::contributors::{ContributorRegistry, Requirements};
	use polkadot_sdk::{
		frame_support::{pallet_prelude::*, traits::UnixTime},
		frame_system::pallet_prelude::*,
		sp_core::H256,
		sp_runtime::{
			traits::{IdentifyAccount, Verify},
			Perbill, Percent,
		},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Defaults for mock runtimes: `#[derive_impl(config_preludes::TestDefaultConfig)]` and set
	/// only the types that name other pallets (`Currency`, `Registry`, `UnixTime`, `Treasury`).
	pub mod config_preludes {
		use super::*;
		use polkadot_sdk::frame_system;
		use polkadot_sdk::{
			frame_support::{
				derive_impl, register_default_impl,
				traits::{ConstU128, ConstU32, ConstU64},
			},
			frame_system::EnsureRoot,
			sp_runtime::{traits::Verify, MultiSignature},
		};

		/// Blocks a host has to accept in the test defaults.
		pub const ACCEPT_TIMEOUT: u64 = 5;
		/// Blocks without a receipt before a session settles, in the test defaults.
		pub const RECEIPT_TIMEOUT: u64 = 10;
		/// Blocks a CSU record is kept, in the test defaults.
		pub const CSU_RETENTION: u64 = 50;
		/// The lowest base rate per compute-hour, in the test defaults.
		pub const MIN_RATE: u128 = 3_600;
		/// The highest base rate per compute-hour, in the test defaults.
		pub const MAX_RATE: u128 = 3_600_000_000;

		/// Sessions' defaults for tests: 30 % burned, 10 % to the treasury, 2 backups, 5
		/// candidates, 10 hours at most, 4 deadlines handled per block, 6 s of clock tolerance,
		/// a 30 s stall blames a failed-over host, 120 s paid without a commitment (two 60 s
		/// windows); sr25519/ed25519 receipts (`MultiSignature`); Root edits the game catalogue.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeEvent = ();
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			type Signature = MultiSignature;
			type Signer = <MultiSignature as Verify>::Signer;
			type GameOrigin = EnsureRoot<Self::AccountId>;
			type BurnShare = BurnShare;
			type TreasuryShare = TreasuryShare;
			type MaxBackups = ConstU32<2>;
			type MaxCandidates = ConstU32<5>;
			type MaxHelpers = ConstU32<4>;
			type MaxSessionSeconds = ConstU32<36_000>;
			type AcceptTimeout = ConstU64<ACCEPT_TIMEOUT>;
			type ReceiptTimeout = ConstU64<RECEIPT_TIMEOUT>;
			type CsuRetention = ConstU64<CSU_RETENTION>;
			type MaxTimeoutsPerBlock = ConstU32<4>;
			type ClockTolerance = ConstU32<6>;
			type StallSeconds = ConstU32<30>;
			type UnverifiedAllowance = ConstU32<120>;
			type MinRate = ConstU128<MIN_RATE>;
			type MaxRate = ConstU128<MAX_RATE>;
			type TargetUtilisation = TargetUtilisation;
			type MaxRateStep = MaxRateStep;
			type WeightInfo = ();
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// 30 % of every payment burned.
			pub const BurnShare: Percent = Percent::from_percent(30);
			/// 10 % of every payment to the treasury.
			pub const TreasuryShare: Percent = Percent::from_percent(10);
			/// The rate aims at half the online slots in use.
			pub const TargetUtilisation: Perbill = Perbill::from_percent(50);
			/// The rate moves by at most 12.5 % a block.
			pub const MaxRateStep: Perbill = Perbill::from_parts(125_000_000);
		}
	}

	/// Configuration of sessions.
	#[pallet::config(with_default)]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[pallet::no_default_bounds]
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency sessions are paid in (PGT).
		#[pallet::no_default]
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// The contributor registry (availability, reputation, slots).
		#[pallet::no_default]
		type Registry: ContributorRegistry<Self::AccountId>;

		/// The signature players sign receipts with.
		#[pallet::no_default_bounds]
		type Signature: Verify<Signer = Self::Signer> + Parameter;

		/// The public key behind a signature; identifies an account.
		#[pallet::no_default_bounds]
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;

		/// Wall-clock time of the current block (for the task package and CSU record).
		#[pallet::no_default]
		type UnixTime: UnixTime;

		/// Who may add, change or remove games in the catalogue.
		#[pallet::no_default_bounds]
		type GameOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The treasury account, which receives `TreasuryShare` of every payment.
		#[pallet::no_default]
		type Treasury: Get<Self::AccountId>;

		/// Share of every payment that is burned.
		#[pallet::constant]
		type BurnShare: Get<Percent>;

		/// Share of every payment that goes to the treasury. `BurnShare + TreasuryShare` ≤ 100 %;
		/// contributors get the rest.
		#[pallet::constant]
		type TreasuryShare: Get<Percent>;

		/// Most backups a session has.
		#[pallet::constant]
		type MaxBackups: Get<u32>;

		/// Most candidates a player may name.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Most helper entries a session has, over all its hosts (one per helper and host).
		#[pallet::constant]
		type MaxHelpers: Get<u32>;

		/// Longest session a player may request, in seconds.
		#[pallet::constant]
		type MaxSessionSeconds: Get<u32>;

		/// Blocks the host has to accept.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AcceptTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks without a new receipt after which an active session settles.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type ReceiptTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks a CSU record stays in storage after settlement.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type CsuRetention: Get<BlockNumberFor<Self>>;

		/// Most deadlines `on_initialize` handles in one block (more wait for the next block).
		#[pallet::constant]
		type MaxTimeoutsPerBlock: Get<u32>;

		/// Seconds a receipt may serve beyond the chain time that has passed since its
		/// contributor started serving (block timestamps are a few seconds coarse).
		#[pallet::constant]
		type ClockTolerance: Get<u32>;

		/// A host that is failed over takes a reputation failure only when the player's receipt
		/// shows more than this many seconds of its time unserved (it stalled).
		#[pallet::constant]
		type StallSeconds: Get<u32>;

		/// Billed seconds per contributor paid without a work commitment covering them: the
		/// windows that could still be committed when the session ended (two windows).
		#[pallet::constant]
		type UnverifiedAllowance: Get<u32>;

		/// The base rate never falls below this (per compute-hour).
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MinRate: Get<BalanceOf<Self>>;

		/// The base rate never rises above this (per compute-hour).
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MaxRate: Get<BalanceOf<Self>>;

		/// Utilisation of the online session slots the base rate aims at.
		#[pallet::constant]
		type TargetUtilisation: Get<Perbill>;

		/// Largest change of the base rate per block, as a share of it.
		#[pallet::constant]
		type MaxRateStep: Get<Perbill>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Signs receipts in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		#[pallet::no_default]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A player's escrow for a session.
		#[codec(index = 0)]
		Escrow,
	}

	/// The game catalogue: each game's complexity tier.
	#[pallet::storage]
	pub type Games<T: Config> = StorageMap<_, Twox64Concat, GameId, ComplexityTier>;

	/// The id the next session gets.
	#[pallet::storage]
	pub type NextSessionId<T: Config> = StorageValue<_, SessionId, ValueQuery>;

	/// Live sessions: awaiting acceptance or running. Removed when cancelled or settled.
	#[pallet::storage]
	pub type Live<T: Config> = StorageMap<_, Twox64Concat, SessionId, SessionInfo<T>>;

	/// CSU records of settled sessions, kept for `CsuRetention` blocks.
	#[pallet::storage]
	pub type Csus<T: Config> = StorageMap<_, Twox64Concat, SessionId, CsuRecord<T>>;

	/// Session slots taken by hosts and backups of accepted sessions: the demand side of the rate
	/// (requests that are never accepted don't count).
	#[pallet::storage]
	pub type OccupiedSlots<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::type_value]
	pub fn DefaultBaseRate<T: Config>() -> BalanceOf<T> {
		T::MinRate::get()
	}

	/// The base rate per compute-hour (before game tier and reputation).
	#[pallet::storage]
	pub type BaseRate<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery, DefaultBaseRate<T>>;

	/// Deadlines by block: what `on_initialize` handles once that block is reached. One accept or
	/// receipt timeout per live session, and the pruning of retained CSU records.
	#[pallet::storage]
	pub type Timeouts<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, (SessionId, Timeout), ()>;

	/// The first block whose deadlines are not all handled yet.
	#[pallet::storage]
	pub type TimeoutCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The catalogue and base rate the chain starts with.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Games and their complexity tiers.
		pub games: Vec<(GameId, ComplexityTier)>,
		/// The starting base rate (`MinRate` if zero).
		pub base_rate: BalanceOf<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (game, tier) in &self.games {
				Games::<T>::insert(game, tier);
			}
			let rate = self.base_rate.clamp(T::MinRate::get(), T::MaxRate::get());
			BaseRate::<T>::put(rate);
		}
	}

	/// Events of sessions.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A game was added to the catalogue, changed, or (tier `None`) removed.
		GameSet {
			/// The game.
			game: GameId,
			/// Its complexity tier, or `None` if removed.
			tier: Option<ComplexityTier>,
		},
		/// A player requested a session; the escrow is on hold and the host is asked to accept.
		SessionRequested {
			/// The session.
			session: SessionId,
			/// Who plays and pays.
			player: T::AccountId,
			/// The game.
			game: GameId,
			/// The contributor asked to host.
			host: T::AccountId,
			/// Backups, in the order they would take over.
			backups: Vec<T::AccountId>,
			/// PGT put on hold.
			escrow: BalanceOf<T>,
			/// Hash of the task package.
			task_hash: H256,
		},
		/// The host accepted; the session runs at `rate` per compute-hour.
		SessionAccepted {
			/// The session.
			session: SessionId,
			/// The host.
			host: T::AccountId,
			/// Rate per compute-hour.
			rate: BalanceOf<T>,
		},
		/// The host did not accept in time; `next` is asked (or none was left).
		AcceptTimedOut {
			/// The session.
			session: SessionId,
			/// The host that did not accept.
			host: T::AccountId,
			/// The contributor asked now, if any.
			next: Option<T::AccountId>,
		},
		/// No contributor accepted; the escrow went back to the player.
		SessionCancelled {
			/// The session.
			session: SessionId,
			/// PGT released to the player.
			refunded: BalanceOf<T>,
		},
		/// A player-signed receipt was accepted.
		ReceiptAccepted {
			/// The session.
			session: SessionId,
			/// The contributor it bills.
			contributor: T::AccountId,
			/// Its counter.
			counter: u32,
			/// Seconds it bills that contributor in total (served − paused).
			seconds_billed: u32,
		},
		/// The host was replaced by a backup.
		FailedOver {
			/// The session.
			session: SessionId,
			/// The host that dropped.
			from: T::AccountId,
			/// The new host.
			to: T::AccountId,
			/// Whether the dropped host was blamed (its receipt shows it stalled) and took a
			/// reputation failure.
			blamed: bool,
		},
		/// Work of `contributor` in one verification window was found wrong: `seconds` of its
		/// time in the session will not be paid.
		PayForfeited {
			/// The session.
			session: SessionId,
			/// The contributor whose pay shrinks.
			contributor: T::AccountId,
			/// Seconds taken off its billed time.
			seconds: u32,
		},
		/// The host named a helper of the session: from now on the helper may commit work for it,
		/// and is paid out of the host's pay for its verified tasks.
		HelperNamed {
			/// The session.
			session: SessionId,
			/// The host that named it.
			host: T::AccountId,
			/// The helper.
			helper: T::AccountId,
		},
		/// The host credited a helper with micro-tasks it used.
		HelperCredited {
			/// The session.
			session: SessionId,
			/// The host.
			host: T::AccountId,
			/// The helper.
			helper: T::AccountId,
			/// Tasks credited by this call.
			tasks: u32,
			/// Tasks credited by this host in all.
			total: u64,
		},
		/// A window of a helper's work was found wrong: it is paid nothing for the session.
		HelperForfeited {
			/// The session.
			session: SessionId,
			/// The helper.
			helper: T::AccountId,
		},
		/// The session settled: the CPU Sharing Unit record, with every payment.
		SessionSettled {
			/// The session.
			session: SessionId,
			/// The CSU record (also kept in storage for `CsuRetention` blocks).
			csu: CsuRecord<T>,
		},
	}

	/// Errors of sessions.
	#[pallet::error]
	pub enum Error<T> {
		/// The game is not in the catalogue.
		UnknownGame,
		/// The duration is zero or longer than `MaxSessionSeconds`.
		InvalidDuration,
		/// No candidates were named.
		NoCandidates,
		/// A candidate is named twice.
		DuplicateCandidate,
		/// The player named itself as a candidate.
		SelfServing,
		/// No candidate is online with a free slot and a machine meeting the requirements.
		NoEligibleCandidate,
		/// Every candidate that could serve asks a higher rate than `max_rate`.
		RateAboveMax,
		/// The player cannot put the escrow on hold.
		InsufficientBalance,
		/// No such session (it never existed or has settled).
		UnknownSession,
		/// Only the host asked to host may accept.
		NotHost,
		/// The host is no longer available (offline, unbonding or below the minimum stake).
		HostUnavailable,
		/// The session is not awaiting acceptance.
		NotAwaitingAccept,
		/// The session is not running.
		NotActive,
		/// The caller is neither the player nor a contributor of this session.
		NotParticipant,
		/// The receipt is not signed by the session's player.
		BadSignature,
		/// The receipt names another session.
		ReceiptForOtherSession,
		/// The receipt adds nothing: it serves fewer seconds than the last one accepted for that
		/// contributor, or as many without a higher counter.
		StaleReceipt,
		/// The receipt bills a contributor that has not hosted this session.
		NotSessionContributor,
		/// The receipt pauses more seconds than it serves.
		InvalidReceipt,
		/// The receipt counts fewer paused seconds or frames than an earlier one for the same
		/// contributor (receipts are cumulative).
		ReceiptRegressed,
		/// The receipt adds more paused seconds than served seconds: it would lower what the
		/// contributor has billed.
		PausedBeyondServed,
		/// The receipt serves more seconds than have passed since the contributor started
		/// serving (chain time, plus `ClockTolerance`).
		ServedBeyondElapsed,
		/// The receipts would bill more seconds than the session's `max_duration`.
		ExceedsMaxDuration,
		/// Only the player or a backup may fail over.
		NotPlayerOrBackup,
		/// A failover receipt must bill the current host.
		NotHostReceipt,
		/// No backup is left to take over.
		NoBackup,
		/// Only the player or the host may end the session.
		NotPlayerOrHost,
		/// A helper must be another registered contributor that is available (online, at the
		/// minimum stake), not the session's player or host.
		HelperUnavailable,
		/// The session has as many helper entries as `MaxHelpers`.
		TooManyHelpers,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let (handled, blocks_looked_at) = Self::process_timeouts(now);
			Self::update_base_rate();
			T::WeightInfo::process_timeouts(handled)
				.saturating_add(T::DbWeight::get().reads_writes(blocks_looked_at.into(), 1))
				.saturating_add(T::WeightInfo::update_base_rate())
		}

		fn integrity_test() {
			assert!(
				T::BurnShare::get().deconstruct() as u32 + T::TreasuryShare::get().deconstruct() as u32 <= 100,
				"BurnShare + TreasuryShare must not exceed 100 %"
			);
			assert!(T::MinRate::get() <= T::MaxRate::get(), "MinRate must not exceed MaxRate");
			assert!(T::MaxTimeoutsPerBlock::get() > 0, "deadlines need room");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::check_invariants()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Adds `game` to the catalogue with complexity `tier`, changes its tier, or removes it
		/// (`tier` = `None`). Running sessions keep the tier they started with.
		#[pallet::call_index(0)]
		pub fn set_game(origin: OriginFor<T>, game: GameId, tier: Option<ComplexityTier>) -> DispatchResult {
			T::GameOrigin::ensure_origin(origin)?;
			Games::<T>::set(game, tier);
			Self::deposit_event(Event::GameSet { game, tier });
			Ok(())
		}

		/// Requests a session of `game` for up to `max_duration` seconds at up to `max_rate`
		/// PGT per compute-hour, served by `candidates` (most preferred first). Puts
		/// `max_rate × max_duration` on hold and asks the first eligible candidate to host.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::request_session(candidates.len() as u32))]
		pub fn request_session(
			origin: OriginFor<T>,
			game: GameId,
			requirements: Requirements,
			max_duration: u32,
			max_rate: BalanceOf<T>,
			candidates: BoundedVec<T::AccountId, T::MaxCandidates>,
		) -> DispatchResult {
			let player = ensure_signed(origin)?;
			Self::do_request_session(player, game, requirements, max_duration, max_rate, candidates)
		}

		/// The host accepts `session` and starts serving it.
		#[pallet::call_index(2)]
		pub fn accept_session(origin: OriginFor<T>, session: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_session(who, session)
		}

		/// Submits the player's latest signed receipt for `session` (by the player or a
		/// contributor of the session). It must only add to what the last receipt for the same
		/// contributor said, and serve no more seconds than have passed since it started serving.
		#[pallet::call_index(3)]
		pub fn submit_receipt(
			origin: OriginFor<T>,
			session: SessionId,
			receipt: ReceiptOf<T>,
			signature: T::Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_receipt(who, session, receipt, signature)
		}

		/// Replaces the host of `session` by its first backup, with the player's latest receipt
		/// for the host (by the player or a backup). The host is blamed only when that receipt
		/// shows it stalled.
		#[pallet::call_index(4)]
		pub fn failover(
			origin: OriginFor<T>,
			session: SessionId,
			receipt: ReceiptOf<T>,
			signature: T::Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_failover(who, session, receipt, signature)
		}

		/// Ends `session` and settles it on the latest receipt (by the player, or the host once
		/// it has accepted).
		#[pallet::call_index(5)]
		pub fn end_session(origin: OriginFor<T>, session: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_end_session(who, session)
		}

		/// The host of `session` credits `helper` with `tasks` more micro-tasks it computed and
		/// the host used. The first credit (0 tasks is fine) names the helper: it may then commit
		/// its own work windows for the session and is paid out of this host's pay, for the
		/// fewer of the tasks credited and the tasks it committed (see [`HelperWork`]).
		#[pallet::call_index(6)]
		pub fn credit_helper(
			origin: OriginFor<T>,
			session: SessionId,
			helper: T::AccountId,
			tasks: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_credit_helper(who, session, helper, tasks)
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The base rate per compute-hour now.
		pub fn base_rate() -> BalanceOf<T> {
			BaseRate::<T>::get()
		}

		/// What `contributor` would charge per compute-hour for `game` now (`None` for an
		/// unknown game).
		pub fn contributor_rate(contributor: T::AccountId, game: GameId) -> Option<BalanceOf<T>> {
			Games::<T>::get(game).map(|tier| Self::rate_of(&contributor, tier))
		}

		/// A session that is awaiting acceptance or running.
		pub fn session(session: SessionId) -> Option<SessionInfo<T>> {
			Live::<T>::get(session)
		}

		/// The CSU record of a settled session (while retained).
		pub fn csu(session: SessionId) -> Option<CsuRecord<T>> {
			Csus::<T>::get(session)
		}
	}
}
