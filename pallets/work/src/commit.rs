//! Commitments: [`Pallet::do_commit_work`].

use crate::{
	pallet::{ByWindow, Commitments, Config, Error, Event, NextCommitmentId, Pallet},
	Commitment, Deadline, Phase, WindowIndex,
};
use pgt_primitives::sessions::{SessionId, SessionWork};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	sp_core::H256,
	sp_runtime::{traits::Saturating, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::commit_work`].
	pub(crate) fn do_commit_work(
		who: T::AccountId,
		session: SessionId,
		window: WindowIndex,
		root: H256,
		task_count: u32,
	) -> DispatchResult {
		ensure!(task_count > 0 && !root.is_zero(), Error::<T>::EmptyCommitment);
		ensure!(task_count >= T::MinTasksPerWindow::get(), Error::<T>::TooFewTasks);
		ensure!(task_count <= T::MaxTasksPerWindow::get(), Error::<T>::TooManyTasks);
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let current = Self::window_of(now);
		ensure!(window == current || window.saturating_add(1) == current, Error::<T>::WrongWindow);
		ensure!(T::Sessions::is_serving(session, &who), Error::<T>::NotServing);
		let spec = T::Sessions::work_spec(session).ok_or(Error::<T>::NotServing)?;
		ensure!(!ByWindow::<T>::contains_key((window, &who, session)), Error::<T>::AlreadyCommitted);

		let id = NextCommitmentId::<T>::get();
		// The draw is booked now; the draw books the close after the time to open and vote, so
		// a draw that comes late (a crowded queue) shifts the close with it. `ByWindow` outlives
		// the close: it is cleared per window once the window can no longer be committed to
		// (`prune_windows`).
		let draw_at = Self::schedule(now.saturating_add(T::ChallengeDelay::get()), id, Deadline::Draw);

		// The session pays the host's billed seconds only as far as its commitments cover them,
		// and a helper for no more tasks than it committed.
		T::Sessions::note_commitment(session, &who, T::WindowSeconds::get(), task_count);
		NextCommitmentId::<T>::put(id.saturating_add(1));
		ByWindow::<T>::insert((window, &who, session), id);
		Commitments::<T>::insert(
			id,
			Commitment {
				contributor: who.clone(),
				session,
				game: spec.game,
				task_hash: spec.task_hash,
				// The session's people, taken now: they stay excluded from its audits after it
				// settles. At most MaxParticipants by the sessions pallet's bounds.
				excluded: BoundedVec::truncate_from(T::Sessions::participants(session)),
				window,
				root,
				task_count,
				committed_at: now,
				phase: Phase::AwaitingDraw { at: draw_at },
				challenges: BoundedVec::new(),
				auditors: BoundedVec::new(),
				salt: None,
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
}
