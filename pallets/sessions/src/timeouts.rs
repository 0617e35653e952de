//! Deadlines: accept timeouts, receipt timeouts and CSU pruning, kept in [`Timeouts`] through the
//! shared [`DeadlineQueue`] (its slip rule: a deadline lands at most
//! [`pgt_pallet_support::deadlines::MAX_SLIP`] blocks late, never early).

use crate::{pallet::*, SessionId, SessionState, Timeout};
use pgt_pallet_support::deadlines::DeadlineQueue;
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::{
	frame_support::traits::{fungible::MutateHold, tokens::Precision, Get},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{traits::Saturating, DispatchError},
};

/// The deadline queue kept in [`Timeouts`].
pub(crate) type Queue<T> =
	DeadlineQueue<Timeouts<T>, BlockNumberFor<T>, (SessionId, Timeout), <T as Config>::MaxTimeoutsPerBlock>;

impl<T: Config> Pallet<T> {
	/// Queues `what` for `session` at block `at`, or up to `MAX_SLIP` blocks later; returns the
	/// block.
	pub(crate) fn schedule(
		at: BlockNumberFor<T>,
		session: SessionId,
		what: Timeout,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Queue::<T>::schedule(at, (session, what)).map_err(|_| Error::<T>::TooManyTimeouts.into())
	}

	/// Handles every deadline of block `now`; returns how many.
	pub fn process_timeouts(now: BlockNumberFor<T>) -> u32 {
		let due = Queue::<T>::take(now);
		let handled = due.len() as u32;
		for (id, what) in due {
			match what {
				Timeout::Accept => Self::accept_timed_out(id, now),
				Timeout::Receipt => Self::receipt_timed_out(id, now),
				Timeout::PruneCsu => Csus::<T>::remove(id),
			}
		}
		handled
	}

	/// The host did not accept: ask the first backup, else the first standby candidate that can
	/// still serve, else cancel the session.
	fn accept_timed_out(id: SessionId, now: BlockNumberFor<T>) {
		let Some(mut s) = Live::<T>::get(id) else { return };
		let SessionState::AwaitingAccept { deadline } = s.state else { return };
		if deadline > now {
			return;
		}
		let old = s.host.clone();
		T::Registry::release_slot(&old);
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(1));
		let next = if !s.backups.is_empty() {
			Some(s.backups.remove(0))
		} else {
			let mut found = None;
			while !s.standby.is_empty() {
				let c = s.standby.remove(0);
				if T::Registry::can_serve(&c, &s.requirements) && T::Registry::occupy_slot(&c).is_ok() {
					OccupiedSlots::<T>::mutate(|n| *n = n.saturating_add(1));
					found = Some(c);
					break;
				}
			}
			found
		};
		let deadline = now.saturating_add(T::AcceptTimeout::get());
		match next {
			Some(host) if Self::schedule(deadline, id, Timeout::Accept).is_ok() => {
				Self::deposit_event(Event::AcceptTimedOut { session: id, host: old, next: Some(host.clone()) });
				s.host = host;
				s.state = SessionState::AwaitingAccept { deadline };
				Live::<T>::insert(id, s);
			},
			next => {
				// No one left (or no room to wait for one): give up and refund.
				if let Some(host) = next {
					T::Registry::release_slot(&host);
					OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(1));
				}
				Self::deposit_event(Event::AcceptTimedOut { session: id, host: old, next: None });
				Self::cancel(id, s);
			},
		}
	}

	/// No receipt since the deadline was set: settle on the latest one. A receipt that came in
	/// the meantime moved the deadline, so look again then.
	fn receipt_timed_out(id: SessionId, now: BlockNumberFor<T>) {
		let Some(s) = Live::<T>::get(id) else { return };
		let SessionState::Active { deadline, .. } = s.state else { return };
		if deadline > now {
			if Self::schedule(deadline, id, Timeout::Receipt).is_err() {
				Self::settle(id, s, crate::EndReason::ReceiptTimeout);
			}
			return;
		}
		Self::settle(id, s, crate::EndReason::ReceiptTimeout);
	}

	/// Ends a session no one accepted: releases the backups' slots and the whole escrow.
	pub(crate) fn cancel(id: SessionId, s: crate::SessionInfo<T>) {
		for b in s.backups.iter() {
			T::Registry::release_slot(b);
		}
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(s.backups.len() as u32));
		let refunded = T::Currency::release(&HoldReason::Escrow.into(), &s.player, s.escrow, Precision::BestEffort)
			.unwrap_or_default();
		Live::<T>::remove(id);
		Self::deposit_event(Event::SessionCancelled { session: id, refunded });
	}
}
