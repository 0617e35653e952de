//! Deadlines: the draw and the close of every commitment, kept in [`Deadlines`] through the
//! shared [`DeadlineQueue`] (any number per block, handled at their block or later, never
//! earlier, at most `MaxDeadlinesPerBlock` per block), and what `on_initialize` does with them.

use crate::{
	pallet::{Commitments, Config, DeadlineCursor, Deadlines, OpenedStates, Pallet},
	CommitmentId, Deadline, Phase,
};
use pgt_pallet_support::deadlines::DeadlineQueue;
use polkadot_sdk::{
	frame_support::traits::Get, frame_system::pallet_prelude::BlockNumberFor, sp_runtime::traits::Zero,
};

/// The deadline queue kept in [`Deadlines`] and [`DeadlineCursor`].
pub(crate) type Queue<T> = DeadlineQueue<Deadlines<T>, DeadlineCursor<T>, BlockNumberFor<T>, (CommitmentId, Deadline)>;

impl<T: Config> Pallet<T> {
	/// Queues `what` for commitment `id` at block `at` (later only if `at` is already handled);
	/// returns the block.
	pub(crate) fn schedule(at: BlockNumberFor<T>, id: CommitmentId, what: Deadline) -> BlockNumberFor<T> {
		Queue::<T>::schedule(at, (id, what))
	}

	/// Handles the deadlines due by block `now`, at most `MaxDeadlinesPerBlock`; returns how
	/// many draws and closes it did and how many blocks' entries it looked at.
	pub(crate) fn process_deadlines(now: BlockNumberFor<T>) -> (u32, u32, u32) {
		let (mut draws, mut closes) = (0u32, 0u32);
		if now.is_zero() {
			return (0, 0, 0);
		}
		let due = Queue::<T>::take_due(now, T::MaxDeadlinesPerBlock::get());
		for (_, (id, what)) in due.items {
			match what {
				Deadline::Draw => {
					Self::draw(id, now);
					draws += 1;
				},
				Deadline::Close => {
					Self::close(id);
					closes += 1;
				},
			}
		}
		(draws, closes, due.blocks_looked_at)
	}

	/// Settles commitment `id` if it is still open and removes it with its opened states.
	pub(crate) fn close(id: CommitmentId) {
		let Some(mut c) = Commitments::<T>::take(id) else { return };
		if !matches!(c.phase, Phase::Settled(_)) {
			Self::settle(id, &mut c);
		}
		// At most one state per challenge.
		let _ = OpenedStates::<T>::clear_prefix(id, T::ChallengesPerWindow::get(), None);
	}
}
