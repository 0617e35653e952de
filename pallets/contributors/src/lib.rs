//! # PGT contributors
//!
//! The registry of people who lend their machines to the network.
//!
//! ## Joining and leaving
//! A contributor calls [`Pallet::register`] with a [`HardwareProfile`] (CPU cores, GPU model and
//! memory, benchmark score, the resource hash of its full hardware report, disk space offered,
//! region, libp2p peer id and addresses, and how many sessions it takes at once) and a **stake**
//! of at least [`Config::MinStake`] and at least [`Config::StakePerSlot`] for each session slot
//! it offers, which is put **on hold** (reason [`HoldReason::Stake`]): it stays in the
//! contributor's account but cannot be spent, and it can be slashed. [`Pallet::bond_extra`]
//! adds stake. [`Pallet::update_profile`] replaces the profile (its slots must be backed too).
//! [`Pallet::unregister`] stops new work and
//! starts an **unbonding** period of [`Config::UnbondingPeriod`] blocks (refused while any session
//! depends on the contributor); after it, [`Pallet::withdraw_stake`] releases the stake and
//! removes the record. Slashing can still reach the stake while it unbonds.
//!
//! ## Liveness
//! A contributor sends [`Pallet::heartbeat`] regularly. One whose last heartbeat is more than
//! [`Config::HeartbeatTimeout`] blocks old gets no new sessions, at once. A sweep in
//! `on_initialize` (at most [`Config::MaxSweepPerBlock`] contributors per block, cycling through
//! all of them) marks such contributors [`Status::Offline`] with an event, and drops from the
//! capacity those that stopped working. The next heartbeat brings the contributor back online.
//!
//! ## Capacity
//! [`OnlineCapacity`], the supply side of the dynamic rate, counts a contributor's slots only as
//! far as its stake backs them (`stake / StakePerSlot`, at most `max_sessions`), only while it is
//! available (online, fresh heartbeat, not unbonding, at the minimum stake) and only if it has
//! worked (an audited window or an audit) in the last [`Config::RecentWork`] blocks: declaring
//! slots that nobody pays for, or idling, does not move the price.
//!
//! ## Reputation, slashing, tiers and badges
//! Reputation is a discounted Beta estimate ([`pgt_primitives::reputation`]) changed only by
//! other pallets through [`ContributorRegistry::record_outcome`] (sessions that end well or
//! badly, audits passed or failed), never by a signed call. Each outcome also updates the
//! contributor's verified work ([`Stats`]), from which its [`Tier`] and [`Badge`]s follow
//! ([`standing`]), and the [`Leaderboard`] of the top [`Config::LeaderboardSize`] contributors by
//! verified hours. [`ContributorRegistry::slash`] takes a share of stake, burned or sent to the
//! treasury as [`Config::SlashTo`] says.
//!
//! ## Auditors
//! Every registered contributor that is not unbonding has a place in the [`AuditorPool`].
//! [`ContributorRegistry::draw_auditors`] draws each auditor at its own random place (uniform
//! over the pool, retrying a bounded number of times past those that can't audit now), so where
//! an account's key sorts gains nothing: with a share `c` of the eligible auditors colluding, a
//! colluding majority of three comes up with probability `3c² − 2c³`.
//!
//! Reads for clients: the view functions [`Pallet::leaderboard`], [`Pallet::contributor`],
//! [`Pallet::reputation`] and [`Pallet::online_capacity`].
//!
//! ## Where things are
//! Declarations here; joining and leaving in `registration.rs`, heartbeats and the sweep in
//! `liveness.rs`, what counts as capacity in `capacity.rs`, the auditor pool and its draw in
//! `auditor_pool.rs`, [`ContributorRegistry`] in `impl_contributor_registry.rs`, tiers and
//! badges in [`standing`], the invariants in `try_state.rs`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod auditor_pool;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod capacity;
mod impl_contributor_registry;
mod liveness;
#[cfg(test)]
mod mock;
mod registration;
pub mod standing;
#[cfg(any(test, feature = "runtime-benchmarks", feature = "test-utils"))]
pub mod testing_utils;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "std", feature = "try-runtime"))]
mod try_state;
pub mod types;
pub mod weights;

pub use pgt_primitives::contributors::{ContributorRegistry, HardwareProfile, Requirements};
pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::frame_support::traits::fungible;

/// The balance type of the staked currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as polkadot_sdk::frame_system::Config>::AccountId>>::Balance;

/// What the registry stores about a contributor of runtime `T`.
pub type ContributorOf<T> =
	ContributorInfo<BalanceOf<T>, polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T>>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use polkadot_sdk::{
		frame_support::pallet_prelude::*, frame_system::pallet_prelude::*, sp_core::H256, sp_runtime::Perbill,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Defaults for mock runtimes: `#[derive_impl(config_preludes::TestDefaultConfig)]` and set
	/// `Currency` and `Treasury`.
	pub mod config_preludes {
		use super::*;
		use polkadot_sdk::frame_support::{
			derive_impl, register_default_impl,
			traits::{ConstU128, ConstU32, ConstU64},
		};
		use polkadot_sdk::frame_system;

		/// The least stake in the test defaults.
		pub const MIN_STAKE: u128 = 1_000;
		/// Stake per session slot in the test defaults: the minimum stake backs 8 slots.
		pub const STAKE_PER_SLOT: u128 = MIN_STAKE / 8;
		/// Blocks after its last work that a contributor's slots count as capacity, in the test
		/// defaults.
		pub const RECENT_WORK: u64 = 200;
		/// Blocks without a heartbeat before a contributor is offline, in the test defaults.
		pub const HEARTBEAT_TIMEOUT: u64 = 100;
		/// Blocks of unbonding in the test defaults.
		pub const UNBONDING: u64 = 20;

		/// The registry's defaults for tests: λ = 0.98, slashed stake burned, a leaderboard of
		/// 10, 4 contributors swept per block.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeEvent = ();
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			type MinStake = ConstU128<MIN_STAKE>;
			type StakePerSlot = ConstU128<STAKE_PER_SLOT>;
			type RecentWork = ConstU64<RECENT_WORK>;
			type HeartbeatTimeout = ConstU64<HEARTBEAT_TIMEOUT>;
			type UnbondingPeriod = ConstU64<UNBONDING>;
			type ReputationDiscount = ReputationDiscount;
			type SlashTo = SlashTo;
			type LeaderboardSize = ConstU32<10>;
			type MaxSweepPerBlock = ConstU32<4>;
			type WeightInfo = ();
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// λ = 0.98.
			pub const ReputationDiscount: Perbill = Perbill::from_percent(98);
			/// Slashed stake is burned.
			pub const SlashTo: SlashDestination = SlashDestination::Burn;
		}
	}

	/// Configuration of the registry.
	#[pallet::config(with_default)]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[pallet::no_default_bounds]
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency stakes are held in (PGT).
		#[pallet::no_default]
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// The least stake a contributor must put on hold to register.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MinStake: Get<BalanceOf<Self>>;

		/// Stake that backs one session slot: a contributor offering `max_sessions` slots must
		/// hold at least `max_sessions × StakePerSlot` (and at least `MinStake`).
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type StakePerSlot: Get<BalanceOf<Self>>;

		/// A contributor's slots count as capacity for the rate only if it has worked (an
		/// audited window or an audit) within this many blocks.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type RecentWork: Get<BlockNumberFor<Self>>;

		/// A contributor whose last heartbeat is older than this many blocks gets no new sessions
		/// and is marked offline.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type HeartbeatTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks between `unregister` and the stake becoming withdrawable.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How much of its weight each reputation outcome keeps at the next outcome (λ of the
		/// discounted Beta estimate).
		#[pallet::constant]
		type ReputationDiscount: Get<Perbill>;

		/// Where slashed stake goes: burned or to the treasury.
		#[pallet::constant]
		type SlashTo: Get<SlashDestination>;

		/// The treasury account (for [`SlashDestination::Treasury`]).
		#[pallet::no_default]
		type Treasury: Get<Self::AccountId>;

		/// How many contributors the leaderboard keeps.
		#[pallet::constant]
		type LeaderboardSize: Get<u32>;

		/// Most contributors the liveness sweep looks at per block.
		#[pallet::constant]
		type MaxSweepPerBlock: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The stake of a registered contributor.
		#[codec(index = 0)]
		Stake,
	}

	/// The registry: every registered contributor's record (including those unbonding), by
	/// account.
	#[pallet::storage]
	pub type Registry<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, ContributorOf<T>>;

	/// Session slots counted as capacity (each contributor's `counted_slots`: stake-backed slots
	/// of available contributors that worked recently): the supply side of the dynamic rate.
	#[pallet::storage]
	pub type OnlineCapacity<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The auditor pool: every registered contributor that is not unbonding, at places
	/// `0..AuditorPoolSize`, so an auditor can be drawn at a uniformly random place.
	#[pallet::storage]
	pub type AuditorPool<T: Config> = StorageMap<_, Twox64Concat, u32, T::AccountId>;

	/// How many places of [`AuditorPool`] are taken.
	#[pallet::storage]
	pub type AuditorPoolSize<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The top contributors by verified seconds served, most first.
	#[pallet::storage]
	pub type Leaderboard<T: Config> = StorageValue<_, BoundedVec<(T::AccountId, u64), T::LeaderboardSize>, ValueQuery>;

	/// The last contributor the liveness sweep looked at; the next block's sweep goes on after it.
	#[pallet::storage]
	pub type SweepCursor<T: Config> = StorageValue<_, T::AccountId, OptionQuery>;

	/// Events of the registry.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A contributor registered and put `stake` on hold.
		Registered {
			/// The contributor.
			who: T::AccountId,
			/// Stake put on hold.
			stake: BalanceOf<T>,
			/// Resource hash of its hardware report.
			resource_hash: H256,
		},
		/// A contributor added stake.
		Bonded {
			/// The contributor.
			who: T::AccountId,
			/// Stake added.
			amount: BalanceOf<T>,
			/// Its stake now.
			stake: BalanceOf<T>,
		},
		/// A contributor replaced its hardware profile.
		ProfileUpdated {
			/// The contributor.
			who: T::AccountId,
			/// Resource hash of its new hardware report.
			resource_hash: H256,
		},
		/// A contributor that was offline sent a heartbeat and takes sessions again.
		CameOnline {
			/// The contributor.
			who: T::AccountId,
		},
		/// A contributor missed its heartbeats and was marked offline.
		WentOffline {
			/// The contributor.
			who: T::AccountId,
		},
		/// A contributor unregistered; its stake can be withdrawn from block `until`.
		Unbonding {
			/// The contributor.
			who: T::AccountId,
			/// First block at which `withdraw_stake` succeeds.
			until: BlockNumberFor<T>,
		},
		/// A contributor withdrew its stake and left the registry.
		StakeWithdrawn {
			/// The former contributor.
			who: T::AccountId,
			/// Stake released.
			amount: BalanceOf<T>,
		},
		/// A contributor's reputation changed after an outcome of its work.
		ReputationUpdated {
			/// The contributor.
			who: T::AccountId,
			/// Whether the outcome was a success.
			success: bool,
			/// The new score in [0, 1].
			score: Perbill,
		},
		/// Part of a contributor's stake was slashed.
		Slashed {
			/// The contributor.
			who: T::AccountId,
			/// Stake taken.
			amount: BalanceOf<T>,
			/// Where it went.
			to: SlashDestination,
		},
		/// A contributor earned a badge.
		BadgeEarned {
			/// The contributor.
			who: T::AccountId,
			/// The badge.
			badge: Badge,
		},
		/// A contributor's tier changed.
		TierChanged {
			/// The contributor.
			who: T::AccountId,
			/// The tier it had.
			from: Tier,
			/// The tier it has now.
			to: Tier,
		},
	}

	/// Errors of the registry.
	#[pallet::error]
	pub enum Error<T> {
		/// The account is not a registered contributor.
		NotRegistered,
		/// The account is already registered (withdraw a previous stake first).
		AlreadyRegistered,
		/// The stake offered is below `MinStake`.
		StakeBelowMinimum,
		/// The stake does not back the session slots offered (`max_sessions × StakePerSlot`).
		StakeBelowSlots,
		/// Nothing to add.
		ZeroAmount,
		/// The account cannot put that much on hold.
		InsufficientBalance,
		/// The profile takes no sessions or offers no CPU cores.
		InvalidProfile,
		/// The contributor is unbonding: only `withdraw_stake` is possible.
		Unbonding,
		/// A session (or audit) still depends on the contributor.
		Busy,
		/// The contributor has not unregistered.
		NotUnbonding,
		/// The unbonding period is not over yet.
		StillUnbonding,
		/// All of the contributor's session slots are taken.
		NoFreeSlot,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// Charged as if every contributor looked at went offline (the benchmark's worst case).
			let (looked_at, _marked) = Self::sweep_liveness(now, T::MaxSweepPerBlock::get());
			T::WeightInfo::sweep_liveness(looked_at)
		}

		fn integrity_test() {
			assert!(!T::StakePerSlot::get().is_zero(), "a slot must be backed by stake");
			assert!(T::LeaderboardSize::get() > 0, "the leaderboard must hold someone");
			assert!(T::MaxSweepPerBlock::get() > 0, "the liveness sweep must make progress");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::check_invariants()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a contributor with the machine `profile`, putting `stake`
		/// (at least `MinStake`) on hold. The contributor starts online.
		#[pallet::call_index(0)]
		pub fn register(origin: OriginFor<T>, profile: HardwareProfile, stake: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, profile, stake)
		}

		/// Replaces the caller's hardware profile (not while unbonding). The stake must back the
		/// new profile's session slots.
		#[pallet::call_index(1)]
		pub fn update_profile(origin: OriginFor<T>, profile: HardwareProfile) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_profile(who, profile)
		}

		/// Tells the chain the caller's worker is alive. Brings an offline contributor back
		/// online.
		#[pallet::call_index(2)]
		pub fn heartbeat(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_heartbeat(who)
		}

		/// Stops new work for the caller and starts unbonding its stake. Refused while a session
		/// depends on the caller.
		#[pallet::call_index(3)]
		pub fn unregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unregister(who)
		}

		/// Releases the caller's stake after the unbonding period and removes it from the
		/// registry.
		#[pallet::call_index(4)]
		pub fn withdraw_stake(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_stake(who)
		}

		/// Puts `amount` more of the caller's balance on hold as stake (not while unbonding): to
		/// back more session slots, or to stay above the minimum after a slash.
		#[pallet::call_index(5)]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_extra(who, amount)
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The top contributors by verified seconds served, most first.
		pub fn leaderboard() -> Vec<(T::AccountId, u64)> {
			Leaderboard::<T>::get().into_inner()
		}

		/// Everything the registry knows about `who`.
		pub fn contributor(who: T::AccountId) -> Option<ContributorOf<T>> {
			Registry::<T>::get(who)
		}

		/// The reputation score of `who` in [0, 1] (½ for an unknown account).
		pub fn reputation(who: T::AccountId) -> Perbill {
			<Self as ContributorRegistry<T::AccountId>>::reputation(&who)
		}

		/// Session slots counted as capacity for the rate.
		pub fn online_capacity() -> u32 {
			OnlineCapacity::<T>::get()
		}
	}
}
