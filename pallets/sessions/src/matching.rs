//! Requesting and accepting a session: checking the request, choosing host, backups and standby
//! from the player's candidates, putting the escrow on hold, and the host's acceptance.

use crate::{
	pallet::*, BalanceOf, ComplexityTier, GameId, Served, SessionId, SessionInfo, SessionState, TaskPackage, Timeout,
};
use alloc::vec::Vec;
use codec::Encode;
use pgt_primitives::contributors::{ContributorRegistry, Requirements};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Get, UnixTime},
		BoundedVec,
	},
	sp_io::hashing::blake2_256,
	sp_runtime::{traits::Saturating, DispatchResult, SaturatedConversion},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::request_session`].
	pub(crate) fn do_request_session(
		player: T::AccountId,
		game: GameId,
		requirements: Requirements,
		max_duration: u32,
		max_rate: BalanceOf<T>,
		candidates: BoundedVec<T::AccountId, T::MaxCandidates>,
	) -> DispatchResult {
		let complexity = Games::<T>::get(game).ok_or(Error::<T>::UnknownGame)?;
		ensure!(max_duration > 0 && max_duration <= T::MaxSessionSeconds::get(), Error::<T>::InvalidDuration);
		ensure!(!candidates.is_empty(), Error::<T>::NoCandidates);
		ensure!(!candidates.contains(&player), Error::<T>::SelfServing);
		for (i, c) in candidates.iter().enumerate() {
			ensure!(!candidates[..i].contains(c), Error::<T>::DuplicateCandidate);
		}

		let mut eligible = Self::eligible(&candidates, &requirements, complexity, max_rate)?.into_iter();
		// Checked non-empty by `eligible`.
		let host = eligible.next().ok_or(Error::<T>::NoEligibleCandidate)?;
		let mut backups: Vec<_> = eligible.by_ref().take(T::MaxBackups::get() as usize).collect();
		// Most reputable backup takes over first; the player's order breaks ties.
		backups.sort_by_key(|b| core::cmp::Reverse(T::Registry::reputation(b)));
		let standby: Vec<_> = eligible.collect();

		let escrow: BalanceOf<T> =
			pgt_primitives::rate::escrow_for_seconds(max_rate.saturated_into(), max_duration.into()).saturated_into();
		let id = NextSessionId::<T>::get();
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		T::Currency::hold(&HoldReason::Escrow.into(), &player, escrow).map_err(|_| Error::<T>::InsufficientBalance)?;
		for c in core::iter::once(&host).chain(backups.iter()) {
			T::Registry::occupy_slot(c)?;
		}
		// Requests don't count as demand for the rate until they are accepted.
		let deadline = Self::schedule(now.saturating_add(T::AcceptTimeout::get()), id, Timeout::Accept);

		let task = TaskPackage {
			hash: blake2_256(&(game, &requirements, &player, id).encode()).into(),
			requested_at: now,
			requested_at_ms: T::UnixTime::now().as_millis().saturated_into(),
			expected_duration: max_duration,
		};
		Self::deposit_event(Event::SessionRequested {
			session: id,
			player: player.clone(),
			game,
			host: host.clone(),
			backups: backups.clone(),
			escrow,
			task_hash: task.hash,
		});
		Live::<T>::insert(
			id,
			SessionInfo {
				player,
				game,
				complexity,
				requirements,
				max_rate,
				rate: 0u32.into(),
				escrow,
				task,
				host,
				// At most `MaxBackups` and `MaxCandidates` by construction.
				backups: BoundedVec::truncate_from(backups),
				standby: BoundedVec::truncate_from(standby),
				state: SessionState::AwaitingAccept { deadline },
				served: Default::default(),
				helpers: Default::default(),
			},
		);
		NextSessionId::<T>::put(id.saturating_add(1));
		Ok(())
	}

	/// See [`Pallet::accept_session`].
	pub(crate) fn do_accept_session(who: T::AccountId, id: SessionId) -> DispatchResult {
		let mut s = Live::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(s.host == who, Error::<T>::NotHost);
		ensure!(matches!(s.state, SessionState::AwaitingAccept { .. }), Error::<T>::NotAwaitingAccept);
		// It was available when asked; it must still be (online, not unbonding, stake kept).
		ensure!(T::Registry::is_available(&who), Error::<T>::HostUnavailable);
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let since_ms = T::UnixTime::now().as_millis().saturated_into();
		let host = Served::starting(who.clone(), since_ms, T::Registry::resource_hash(&who).unwrap_or_default());
		// Nobody has served yet, so the list (room for every contributor that hosts) is empty.
		s.served.try_push(host).map_err(|_| Error::<T>::NotSessionContributor)?;
		Self::unschedule(id, &s);
		let deadline = Self::schedule(now.saturating_add(T::ReceiptTimeout::get()), id, Timeout::Receipt);
		s.rate = Self::rate_of(&who, s.complexity).min(s.max_rate);
		s.state = SessionState::Active { since: now, deadline };
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_add(1 + s.backups.len() as u32));
		Self::deposit_event(Event::SessionAccepted { session: id, host: who, rate: s.rate });
		Live::<T>::insert(id, s);
		Ok(())
	}

	/// The candidates that can serve now at a rate within `max_rate`, in the player's order.
	fn eligible(
		candidates: &[T::AccountId],
		requirements: &Requirements,
		complexity: ComplexityTier,
		max_rate: BalanceOf<T>,
	) -> Result<Vec<T::AccountId>, Error<T>> {
		let able: Vec<_> = candidates.iter().filter(|c| T::Registry::can_serve(c, requirements)).collect();
		ensure!(!able.is_empty(), Error::<T>::NoEligibleCandidate);
		let affordable: Vec<_> =
			able.into_iter().filter(|c| Self::rate_of(c, complexity) <= max_rate).cloned().collect();
		ensure!(!affordable.is_empty(), Error::<T>::RateAboveMax);
		Ok(affordable)
	}
}
