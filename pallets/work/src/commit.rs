//! Commitments and the deadline queue: [`Pallet::do_commit_work`] and what `on_initialize` does.

use crate::{
	pallet::{ByWindow, Commitments, Config, Deadlines, Error, Event, NextCommitmentId, Pallet, PruneFrom},
	Commitment, CommitmentId, Deadline, Phase, PruneCursor, WindowIndex,
};
use pgt_primitives::sessions::{SessionId, SessionWork};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_runtime::{
		traits::{One, Saturating, Zero},
		DispatchResult, SaturatedConversion,
	},
};

/// How many blocks past its ideal block a deadline may slip when that block's queue is full.
pub const MAX_SLIP: u32 = 8;

impl<T: Config> Pallet<T> {
	/// The window block `n` is in.
	pub fn window_of(n: BlockNumberFor<T>) -> WindowIndex {
		(n / T::WindowLength::get()).saturated_into()
	}

	/// The first block at which work for `window` can no longer be committed (the start of the
	/// window after next).
	pub fn commit_closes(window: WindowIndex) -> BlockNumberFor<T> {
		BlockNumberFor::<T>::from(window.saturating_add(2)).saturating_mul(T::WindowLength::get())
	}

	/// See [`Pallet::commit_work`].
	pub fn do_commit_work(
		who: T::AccountId,
		session: SessionId,
		window: WindowIndex,
		root: H256,
		task_count: u32,
	) -> DispatchResult {
		ensure!(task_count > 0 && !root.is_zero(), Error::<T>::EmptyCommitment);
		ensure!(task_count <= T::MaxTasksPerWindow::get(), Error::<T>::TooManyTasks);
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let current = Self::window_of(now);
		ensure!(window == current || window.saturating_add(1) == current, Error::<T>::WrongWindow);
		ensure!(T::Sessions::is_serving(session, &who), Error::<T>::NotServing);
		ensure!(!ByWindow::<T>::contains_key((window, &who, session)), Error::<T>::AlreadyCommitted);

		let id = NextCommitmentId::<T>::get();
		// Both deadlines are booked now, so a commitment that is accepted is always drawn and
		// always closed. Both follow the commitment by fixed delays, so they spread over blocks
		// as commitments do. `ByWindow` outlives the close: it is cleared per window once the
		// window can no longer be committed to (`prune_windows`).
		let draw_at = Self::schedule(now.saturating_add(T::ChallengeDelay::get()), id, Deadline::Draw)?;
		let settle_by = draw_at
			.saturating_add(T::OpenTimeout::get())
			.saturating_add(T::AuditTimeout::get())
			.saturating_add(One::one());
		Self::schedule(settle_by, id, Deadline::Close)?;

		NextCommitmentId::<T>::put(id.saturating_add(1));
		ByWindow::<T>::insert((window, &who, session), id);
		Commitments::<T>::insert(
			id,
			Commitment {
				contributor: who.clone(),
				session,
				window,
				root,
				task_count,
				committed_at: now,
				phase: Phase::AwaitingDraw { at: draw_at },
				challenges: BoundedVec::new(),
				auditors: BoundedVec::new(),
			},
		);
		Self::deposit_event(Event::WorkCommitted {
			commitment: id,
			contributor: who,
			session,
			window,
			root,
			task_count,
		});
		Ok(())
	}

	/// Queues `what` for commitment `id` at block `at`, or the first of the next [`MAX_SLIP`]
	/// blocks with room; returns the block.
	pub(crate) fn schedule(
		at: BlockNumberFor<T>,
		id: CommitmentId,
		what: Deadline,
	) -> Result<BlockNumberFor<T>, Error<T>> {
		let mut block = at;
		for _ in 0..=MAX_SLIP {
			// `try_mutate` writes nothing back when the queue is full.
			if Deadlines::<T>::try_mutate(block, |q| q.try_push((id, what))).is_ok() {
				return Ok(block);
			}
			block = block.saturating_add(One::one());
		}
		Err(Error::<T>::TooManyDeadlines)
	}

	/// Handles the deadlines of block `now`; returns how many draws and closes it did.
	pub(crate) fn process_deadlines(now: BlockNumberFor<T>) -> (u32, u32) {
		let (mut draws, mut closes) = (0u32, 0u32);
		if now.is_zero() {
			return (0, 0);
		}
		for (id, what) in Deadlines::<T>::take(now) {
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

	/// Clears the `ByWindow` entries of windows that can no longer be committed to, oldest
	/// first, at most `MaxPrunePerBlock` entries and windows in block `now`; returns how many
	/// entries and windows it handled (what its weight is charged by).
	pub(crate) fn prune_windows(now: BlockNumberFor<T>) -> u32 {
		let limit = T::MaxPrunePerBlock::get();
		let (mut window, mut cursor) = PruneFrom::<T>::get();
		let mut used = 0u32;
		while Self::commit_closes(window) <= now {
			// Each visit of a window counts one, each entry cleared one more.
			let room = limit.saturating_sub(used).saturating_sub(1);
			if room == 0 {
				break;
			}
			let result = ByWindow::<T>::clear_prefix((window,), room, cursor.as_ref().map(|c| c.as_slice()));
			used = used.saturating_add(result.unique).saturating_add(1);
			match result.maybe_cursor {
				Some(rest) => {
					// A storage key is far shorter than the bound; were it not, start the
					// window over (nothing is lost, the entries are still there).
					cursor = PruneCursor::try_from(rest).ok();
					break;
				},
				None => {
					window = window.saturating_add(1);
					cursor = None;
				},
			}
		}
		if used > 0 {
			PruneFrom::<T>::put((window, cursor));
		}
		used
	}
}
