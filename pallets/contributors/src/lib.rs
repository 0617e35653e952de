//! # PGT contributors
//!
//! The registry of people who lend their machines to the network.
//!
//! ## Joining and leaving
//! A contributor calls [`Pallet::register`] with a [`HardwareProfile`] (CPU cores, GPU model and
//! memory, benchmark score, the resource hash of its full hardware report, disk space offered,
//! region, libp2p peer id and addresses, and how many sessions it takes at once) and a **stake**
//! of at least [`Config::MinStake`], which is put **on hold** (reason [`HoldReason::Stake`]): it
//! stays in the contributor's account but cannot be spent, and it can be slashed.
//! [`Pallet::update_profile`] replaces the profile. [`Pallet::unregister`] stops new work and
//! starts an **unbonding** period of [`Config::UnbondingPeriod`] blocks (refused while any session
//! depends on the contributor); after it, [`Pallet::withdraw_stake`] releases the stake and
//! removes the record. Slashing can still reach the stake while it unbonds.
//!
//! ## Liveness
//! A contributor sends [`Pallet::heartbeat`] regularly. One whose last heartbeat is more than
//! [`Config::HeartbeatTimeout`] blocks old gets no new sessions, at once. A sweep in
//! `on_initialize` (at most [`Config::MaxSweepPerBlock`] contributors per block, cycling through
//! all of them) marks such contributors [`Status::Offline`] with an event and takes their
//! session slots out of [`OnlineCapacity`], the supply side of the dynamic rate. The next
//! heartbeat brings the contributor back online.
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
//! Reads for clients: the view functions [`Pallet::leaderboard`], [`Pallet::contributor`],
//! [`Pallet::reputation`] and [`Pallet::online_capacity`].
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod registry;
pub mod standing;
#[cfg(test)]
mod tests;
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
		frame_support::{pallet_prelude::*, traits::fungible::MutateHold},
		frame_system::pallet_prelude::*,
		sp_core::H256,
		sp_runtime::{Perbill, Saturating},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the registry.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency stakes are held in (PGT).
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The least stake a contributor must put on hold to register.
		#[pallet::constant]
		type MinStake: Get<BalanceOf<Self>>;

		/// A contributor whose last heartbeat is older than this many blocks gets no new sessions
		/// and is marked offline.
		#[pallet::constant]
		type HeartbeatTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks between `unregister` and the stake becoming withdrawable.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How much of its weight each reputation outcome keeps at the next outcome (λ of the
		/// discounted Beta estimate).
		#[pallet::constant]
		type ReputationDiscount: Get<Perbill>;

		/// Where slashed stake goes: burned or to the treasury.
		#[pallet::constant]
		type SlashTo: Get<SlashDestination>;

		/// The treasury account (for [`SlashDestination::Treasury`]).
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

	/// Every registered contributor (including those unbonding), by account.
	#[pallet::storage]
	pub type Contributors<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, ContributorOf<T>>;

	/// Session slots (sum of `max_sessions`) of the contributors marked online: the supply side
	/// of the dynamic rate.
	#[pallet::storage]
	pub type OnlineCapacity<T: Config> = StorageValue<_, u32, ValueQuery>;

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
			assert!(T::LeaderboardSize::get() > 0, "the leaderboard must hold someone");
			assert!(T::MaxSweepPerBlock::get() > 0, "the liveness sweep must make progress");
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

		/// Replaces the caller's hardware profile (not while unbonding).
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
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The top contributors by verified seconds served, most first.
		pub fn leaderboard() -> Vec<(T::AccountId, u64)> {
			Leaderboard::<T>::get().into_inner()
		}

		/// Everything the registry knows about `who`.
		pub fn contributor(who: T::AccountId) -> Option<ContributorOf<T>> {
			Contributors::<T>::get(who)
		}

		/// The reputation score of `who` in [0, 1] (½ for an unknown account).
		pub fn reputation(who: T::AccountId) -> Perbill {
			<Self as ContributorRegistry<T::AccountId>>::reputation(&who)
		}

		/// Session slots of the contributors marked online.
		pub fn online_capacity() -> u32 {
			OnlineCapacity::<T>::get()
		}
	}

	impl<T: Config> Pallet<T> {
		/// See [`Pallet::register`].
		pub fn do_register(who: T::AccountId, profile: HardwareProfile, stake: BalanceOf<T>) -> DispatchResult {
			ensure!(!Contributors::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			Self::ensure_valid(&profile)?;
			ensure!(stake >= T::MinStake::get(), Error::<T>::StakeBelowMinimum);
			T::Currency::hold(&HoldReason::Stake.into(), &who, stake).map_err(|_| Error::<T>::InsufficientBalance)?;
			let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
			let resource_hash = profile.resource_hash;
			OnlineCapacity::<T>::mutate(|c| *c = c.saturating_add(profile.max_sessions.into()));
			Contributors::<T>::insert(
				&who,
				ContributorInfo {
					profile,
					stake,
					status: Status::Online,
					last_heartbeat: now,
					registered_at: now,
					slots_in_use: 0,
					reputation: Default::default(),
					stats: Default::default(),
					tier: Tier::Newcomer,
					badges: Default::default(),
				},
			);
			Self::deposit_event(Event::Registered { who, stake, resource_hash });
			Ok(())
		}

		/// See [`Pallet::update_profile`].
		pub fn do_update_profile(who: T::AccountId, profile: HardwareProfile) -> DispatchResult {
			Self::ensure_valid(&profile)?;
			Contributors::<T>::try_mutate(&who, |info| {
				let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
				match info.status {
					Status::Unbonding { .. } => return Err(Error::<T>::Unbonding.into()),
					Status::Online => OnlineCapacity::<T>::mutate(|c| {
						*c = c
							.saturating_sub(info.profile.max_sessions.into())
							.saturating_add(profile.max_sessions.into())
					}),
					Status::Offline => {},
				}
				let resource_hash = profile.resource_hash;
				info.profile = profile;
				Self::deposit_event(Event::ProfileUpdated { who: who.clone(), resource_hash });
				Ok(())
			})
		}

		/// See [`Pallet::heartbeat`].
		pub fn do_heartbeat(who: T::AccountId) -> DispatchResult {
			Contributors::<T>::try_mutate(&who, |info| {
				let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
				match info.status {
					Status::Unbonding { .. } => return Err(Error::<T>::Unbonding.into()),
					Status::Offline => {
						info.status = Status::Online;
						OnlineCapacity::<T>::mutate(|c| *c = c.saturating_add(info.profile.max_sessions.into()));
						Self::deposit_event(Event::CameOnline { who: who.clone() });
					},
					Status::Online => {},
				}
				info.last_heartbeat = polkadot_sdk::frame_system::Pallet::<T>::block_number();
				Ok(())
			})
		}

		/// See [`Pallet::unregister`].
		pub fn do_unregister(who: T::AccountId) -> DispatchResult {
			Contributors::<T>::try_mutate(&who, |info| {
				let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(!matches!(info.status, Status::Unbonding { .. }), Error::<T>::Unbonding);
				ensure!(info.slots_in_use == 0, Error::<T>::Busy);
				if info.status == Status::Online {
					OnlineCapacity::<T>::mutate(|c| *c = c.saturating_sub(info.profile.max_sessions.into()));
				}
				let until =
					polkadot_sdk::frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
				info.status = Status::Unbonding { until };
				Self::deposit_event(Event::Unbonding { who: who.clone(), until });
				Ok(())
			})
		}

		/// See [`Pallet::withdraw_stake`].
		pub fn do_withdraw_stake(who: T::AccountId) -> DispatchResult {
			let info = Contributors::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let Status::Unbonding { until } = info.status else { return Err(Error::<T>::NotUnbonding.into()) };
			ensure!(polkadot_sdk::frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
			let amount = T::Currency::release(
				&HoldReason::Stake.into(),
				&who,
				info.stake,
				polkadot_sdk::frame_support::traits::tokens::Precision::BestEffort,
			)?;
			Contributors::<T>::remove(&who);
			Leaderboard::<T>::mutate(|board| board.retain(|(a, _)| a != &who));
			Self::deposit_event(Event::StakeWithdrawn { who, amount });
			Ok(())
		}

		fn ensure_valid(profile: &HardwareProfile) -> DispatchResult {
			ensure!(profile.max_sessions > 0 && profile.cpu_cores > 0, Error::<T>::InvalidProfile);
			Ok(())
		}

		/// Looks at up to `limit` contributors after [`SweepCursor`] and marks those whose
		/// heartbeat is older than `HeartbeatTimeout` offline. Returns (looked at, marked).
		pub fn sweep_liveness(now: BlockNumberFor<T>, limit: u32) -> (u32, u32) {
			let cursor = SweepCursor::<T>::get();
			let mut wrapped = cursor.is_none();
			let mut iter = match cursor {
				Some(last) => Contributors::<T>::iter_from(Contributors::<T>::hashed_key_for(last)),
				None => Contributors::<T>::iter(),
			};
			let (mut looked_at, mut marked) = (0u32, 0u32);
			let mut last = None;
			while looked_at < limit {
				let Some((who, mut info)) = iter.next() else {
					// Past the end: go on from the start once, so no block's sweep is wasted.
					if wrapped {
						break;
					}
					wrapped = true;
					iter = Contributors::<T>::iter();
					continue;
				};
				looked_at += 1;
				if info.status == Status::Online && Self::heartbeat_expired(&info, now) {
					info.status = Status::Offline;
					OnlineCapacity::<T>::mutate(|c| *c = c.saturating_sub(info.profile.max_sessions.into()));
					Contributors::<T>::insert(&who, info);
					Self::deposit_event(Event::WentOffline { who: who.clone() });
					marked += 1;
				}
				last = Some(who);
			}
			// Reaching the end of the map (fewer than `limit` left) starts the next sweep over.
			match (looked_at < limit, last) {
				(false, Some(who)) => SweepCursor::<T>::put(who),
				_ => SweepCursor::<T>::kill(),
			}
			(looked_at, marked)
		}

		pub(crate) fn heartbeat_expired(info: &ContributorOf<T>, now: BlockNumberFor<T>) -> bool {
			now.saturating_sub(info.last_heartbeat) > T::HeartbeatTimeout::get()
		}
	}
}
