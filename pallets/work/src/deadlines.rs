//! Deadlines: the draw and the close of every commitment, kept in [`Deadlines`] through the
//! shared [`DeadlineQueue`] (a deadline lands at most
//! [`pgt_pallet_support::deadlines::MAX_SLIP`] blocks late, never early), and what
//! `on_initialize` does with them.

use crate::{
	pallet::{Commitments, Config, Deadlines, Error, Pallet},
	CommitmentId, Deadline, Phase,
};
use pgt_pallet_support::deadlines::DeadlineQueue;
use polkadot_sdk::{frame_system::pallet_prelude::BlockNumberFor, sp_runtime::traits::Zero};

/// The deadline queue kept in [`Deadlines`].
pub(crate) type Queue<T> =
	DeadlineQueue<Deadlines<T>, BlockNumberFor<T>, (CommitmentId, Deadline), <T as Config>::MaxDeadlinesPerBlock>;

impl<T: Config> Pallet<T> {
	/// Queues `what` for commitment `id` at block `at`, or up to `MAX_SLIP` blocks later;
	/// returns the block.
	pub(crate) fn schedule(
		at: BlockNumberFor<T>,
		id: CommitmentId,
		what: Deadline,
	) -> Result<BlockNumberFor<T>, Error<T>> {
		Queue::<T>::schedule(at, (id, what)).map_err(|_| Error::<T>::TooManyDeadlines)
	}

	/// Handles the deadlines of block `now`; returns how many draws and closes it did.
	pub(crate) fn process_deadlines(now: BlockNumberFor<T>) -> (u32, u32) {
		let (mut draws, mut closes) = (0u32, 0u32);
		if now.is_zero() {
			return (0, 0);
		}
		for (id, what) in Queue::<T>::take(now) {
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
		(draws, closes)
	}

	/// Settles commitment `id` if it is still open and removes it.
	pub(crate) fn close(id: CommitmentId) {
		let Some(mut c) = Commitments::<T>::take(id) else { return };
		if !matches!(c.phase, Phase::Settled(_)) {
			Self::settle(id, &mut c);
		}
	}
}
