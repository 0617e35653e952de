//! Deadlines: accept timeouts, receipt timeouts and CSU pruning, kept in [`Timeouts`] through the
//! shared [`DeadlineQueue`] (any number per block, handled at their block or later, never
//! earlier). Every live session has exactly one entry, at the deadline its state names.

use crate::{pallet::*, SessionId, SessionInfo, SessionState, Timeout};
use pgt_pallet_support::deadlines::DeadlineQueue;
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::{
	frame_support::traits::{fungible::MutateHold, tokens::Precision, Get},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::Saturating,
};

/// The deadline queue kept in [`Timeouts`] and [`TimeoutCursor`].
pub(crate) type Queue<T> = DeadlineQueue<Timeouts<T>, TimeoutCursor<T>, BlockNumberFor<T>, (SessionId, Timeout)>;

impl<T: Config> Pallet<T> {
	/// Queues `what` for `session` at block `at` (later only if `at` is already handled);
	/// returns the block.
	pub(crate) fn schedule(at: BlockNumberFor<T>, session: SessionId, what: Timeout) -> BlockNumberFor<T> {
		Queue::<T>::schedule(at, (session, what))
	}

	/// The queue entry that session `s` has now: its accept or its receipt timeout.
	pub(crate) fn entry_of(id: SessionId, s: &SessionInfo<T>) -> (BlockNumberFor<T>, (SessionId, Timeout)) {
		match s.state {
			SessionState::AwaitingAccept { deadline } => (deadline, (id, Timeout::Accept)),
			SessionState::Active { deadline, .. } => (deadline, (id, Timeout::Receipt)),
		}
	}

	/// Takes session `s`'s deadline out of the queue (it is ending, or its deadline moves).
	pub(crate) fn unschedule(id: SessionId, s: &SessionInfo<T>) {
		let (at, item) = Self::entry_of(id, s);
		Queue::<T>::remove(at, &item);
	}

	/// Handles the deadlines due by block `now`, at most `MaxTimeoutsPerBlock`; returns how many
	/// and how many blocks' entries it looked at.
	pub fn process_timeouts(now: BlockNumberFor<T>) -> (u32, u32) {
		let due = Queue::<T>::take_due(now, T::MaxTimeoutsPerBlock::get());
		let handled = due.items.len() as u32;
		for (_, (id, what)) in due.items {
			match what {
				Timeout::Accept => Self::accept_timed_out(id, now),
				Timeout::Receipt => Self::receipt_timed_out(id, now),
				Timeout::PruneCsu => Csus::<T>::remove(id),
			}
		}
		(handled, due.blocks_looked_at)
	}

	/// The host did not accept: ask the first backup, else the first standby candidate that can
	/// still serve, else cancel the session.
	fn accept_timed_out(id: SessionId, now: BlockNumberFor<T>) {
		let Some(mut s) = Live::<T>::get(id) else { return };
		let SessionState::AwaitingAccept { deadline } = s.state else { return };
		if deadline > now {
			// Not due (cannot happen: the entry sits at the deadline); wait for it.
			Self::schedule(deadline, id, Timeout::Accept);
			return;
		}
		let old = s.host.clone();
		T::Registry::release_slot(&old);
		let next = if !s.backups.is_empty() {
			Some(s.backups.remove(0))
		} else {
			let mut found = None;
			while !s.standby.is_empty() {
				let c = s.standby.remove(0);
				if T::Registry::can_serve(&c, &s.requirements) && T::Registry::occupy_slot(&c).is_ok() {
					found = Some(c);
					break;
				}
			}
			found
		};
		match next {
			Some(host) => {
				let deadline = Self::schedule(now.saturating_add(T::AcceptTimeout::get()), id, Timeout::Accept);
				Self::deposit_event(Event::AcceptTimedOut { session: id, host: old, next: Some(host.clone()) });
				s.host = host;
				s.state = SessionState::AwaitingAccept { deadline };
				Live::<T>::insert(id, s);
			},
			None => {
				Self::deposit_event(Event::AcceptTimedOut { session: id, host: old, next: None });
				Self::cancel(id, s);
			},
		}
	}

	/// No receipt came by the deadline: settle on the latest ones.
	fn receipt_timed_out(id: SessionId, now: BlockNumberFor<T>) {
		let Some(s) = Live::<T>::get(id) else { return };
		let SessionState::Active { deadline, .. } = s.state else { return };
		if deadline > now {
			// Not due (cannot happen: a receipt moves the entry with the deadline); wait for it.
			Self::schedule(deadline, id, Timeout::Receipt);
			return;
		}
		Self::settle(id, s, crate::EndReason::ReceiptTimeout);
	}

	/// Ends a session no one accepted: releases the backups' slots and the whole escrow. (The
	/// host's slot is released by the caller, which knows whether it was taken.)
	pub(crate) fn cancel(id: SessionId, s: SessionInfo<T>) {
		Self::unschedule(id, &s);
		for b in s.backups.iter() {
			T::Registry::release_slot(b);
		}
		let refunded = T::Currency::release(&HoldReason::Escrow.into(), &s.player, s.escrow, Precision::BestEffort)
			.unwrap_or_default();
		Live::<T>::remove(id);
		Self::deposit_event(Event::SessionCancelled { session: id, refunded });
	}
}
