//! The invariants of work verification, checked by `try_state` (feature `try-runtime`), after
//! every mock test and after every step of the seeded simulations.

use crate::{deadlines::Queue, pallet::*, Deadline, Phase};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	sp_runtime::{
		traits::{One, Saturating},
		TryRuntimeError,
	},
};

impl<T: Config> Pallet<T> {
	/// Checks what must hold between blocks, for every live commitment:
	/// - its id is below [`NextCommitmentId`];
	/// - awaiting its draw: the draw is queued at the block it names, which is still to come;
	/// - challenged: its close is queued at the block after the vote ends (so every commitment
	///   is decided and removed);
	/// - no more challenges and auditors than configured, and its contributor audits nothing of
	///   its own.
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let next = NextCommitmentId::<T>::get();
		for (id, c) in Commitments::<T>::iter() {
			ensure!(id < next, "a commitment has an id not yet given out");
			let close_from = match c.phase {
				Phase::AwaitingDraw { at } => {
					ensure!(
						at > now || Queue::<T>::cursor() <= at,
						"a commitment's draw is overdue while the queue is not behind"
					);
					ensure!(Queue::<T>::contains(at, &(id, Deadline::Draw)), "a commitment's draw is not queued");
					None
				},
				Phase::Challenged { reveal_by, .. } => Some(reveal_by),
				Phase::Settled(_) => None,
			};
			if let Some(reveal_by) = close_from {
				ensure!(
					Queue::<T>::contains(reveal_by.saturating_add(One::one()), &(id, Deadline::Close)),
					"a commitment's close is not queued"
				);
			}
			ensure!(
				c.auditors.iter().all(|a| a.verdicts.is_none() || a.committed.is_some()),
				"an auditor revealed without committing"
			);
			ensure!(
				OpenedStates::<T>::iter_key_prefix(id).count()
					== c.challenges.iter().filter(|ch| ch.opened.is_some()).count(),
				"opened states differ from the opened leaves"
			);
			ensure!(c.challenges.len() as u32 <= T::ChallengesPerWindow::get(), "too many challenges");
			ensure!(c.auditors.len() as u32 <= T::AuditorsPerLeaf::get(), "too many auditors");
			ensure!(c.auditors.iter().all(|a| a.who != c.contributor), "a contributor audits its own work");
			ensure!(c.auditors.iter().all(|a| !c.excluded.contains(&a.who)), "a participant audits its session");
		}
		Ok(())
	}
}
