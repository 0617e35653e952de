//! The duties workers poll for (view functions, run off chain): what a contributor must still
//! open or reveal, and what an auditor must still recompute and commit, or reveal.

use crate::{
	pallet::{Commitments, Config, OpenedStates, Pallet},
	Commitment, CommitmentId, Duty, DutyKind, Phase,
};
use alloc::vec::Vec;
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

impl<T: Config> Pallet<T> {
	/// Whether the reveals of `c` may start at block `now`: every auditor has committed, or the
	/// time to commit is over.
	pub(crate) fn reveals_open(c: &Commitment<T>, now: BlockNumberFor<T>) -> bool {
		match c.phase {
			Phase::Challenged { commit_by, .. } => c.all_opened() && (c.all_committed() || now > commit_by),
			_ => false,
		}
	}

	/// The duties of `contributor`, oldest commitment first.
	pub(crate) fn contributor_duties(contributor: &T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		Self::duties_where(|id, c| {
			let Phase::Challenged { open_by, reveal_by, .. } = c.phase else { return None };
			if &c.contributor != contributor {
				return None;
			}
			let unopened: Vec<u32> = c.challenges.iter().filter(|ch| ch.opened.is_none()).map(|ch| ch.index).collect();
			if !unopened.is_empty() && now <= open_by {
				return Some(Self::duty(id, c, DutyKind::Open, open_by, unopened, false));
			}
			let all = c.challenges.iter().map(|ch| ch.index).collect();
			(c.salt.is_none() && Self::reveals_open(c, now))
				.then(|| Self::duty(id, c, DutyKind::RevealSalt, reveal_by, all, false))
		})
	}

	/// The duties of `auditor`, oldest commitment first.
	pub(crate) fn auditor_duties(auditor: &T::AccountId) -> Vec<Duty<BlockNumberFor<T>>> {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		Self::duties_where(|id, c| {
			let Phase::Challenged { commit_by, reveal_by, .. } = c.phase else { return None };
			let me = c.auditors.iter().find(|a| &a.who == auditor)?;
			let all: Vec<u32> = c.challenges.iter().map(|ch| ch.index).collect();
			if me.committed.is_none() && c.all_opened() && now <= commit_by {
				return Some(Self::duty(id, c, DutyKind::CommitVerdicts, commit_by, all, true));
			}
			(me.committed.is_some() && me.verdicts.is_none() && Self::reveals_open(c, now))
				.then(|| Self::duty(id, c, DutyKind::RevealVerdicts, reveal_by, all, false))
		})
	}

	/// A duty of `kind` on commitment `id`; with the opened leaves and their states if `with_leaves`.
	fn duty(
		id: CommitmentId,
		c: &Commitment<T>,
		kind: DutyKind,
		deadline: BlockNumberFor<T>,
		indices: Vec<u32>,
		with_leaves: bool,
	) -> Duty<BlockNumberFor<T>> {
		let (leaves, states) = if with_leaves {
			let leaves = c.challenges.iter().filter_map(|ch| ch.opened.clone()).collect();
			let states =
				c.challenges.iter().map(|ch| OpenedStates::<T>::get(id, ch.index).unwrap_or_default()).collect();
			(leaves, states)
		} else {
			(Vec::new(), Vec::new())
		};
		Duty {
			commitment: id,
			session: c.session,
			window: c.window,
			task_hash: c.task_hash,
			kind,
			deadline,
			indices,
			leaves,
			states,
		}
	}

	/// The duties `select` picks out of the live commitments, oldest first. Views run off chain;
	/// the scan covers the commitments of the last few dozen blocks.
	fn duties_where(
		select: impl Fn(CommitmentId, &Commitment<T>) -> Option<Duty<BlockNumberFor<T>>>,
	) -> Vec<Duty<BlockNumberFor<T>>> {
		let mut duties: Vec<_> = Commitments::<T>::iter().filter_map(|(id, c)| select(id, &c)).collect();
		duties.sort_by_key(|d| d.commitment);
		duties
	}
}
