//! Sessions as the work-verification pallet sees them: [`SessionWork`] for [`Pallet`].

use crate::{
	pallet::{Config, Event, Live, Pallet},
	SessionState,
};
use alloc::vec::Vec;
use pgt_primitives::sessions::{SessionId, SessionWork, WorkSpec};

impl<T: Config> SessionWork<T::AccountId> for Pallet<T> {
	fn is_serving(session: SessionId, who: &T::AccountId) -> bool {
		Live::<T>::get(session).is_some_and(|s| {
			(s.host == *who && matches!(s.state, SessionState::Active { .. }))
				|| Pallet::<T>::is_current_helper(&s, who)
		})
	}

	fn participants(session: SessionId) -> Vec<T::AccountId> {
		let Some(s) = Live::<T>::get(session) else { return Vec::new() };
		let mut all = Vec::with_capacity(2 + s.backups.len() + s.standby.len() + s.served.len() + s.helpers.len());
		all.push(s.player);
		all.push(s.host);
		all.extend(s.backups);
		all.extend(s.standby);
		all.extend(s.served.into_iter().map(|e| e.contributor));
		all.extend(s.helpers.into_iter().map(|h| h.helper));
		all.sort();
		all.dedup();
		all
	}

	fn forfeit(session: SessionId, who: &T::AccountId, seconds: u32) -> u32 {
		// A helper loses its whole part of the session; one that also hosted loses seconds too.
		Pallet::<T>::forfeit_helper(session, who);
		let taken = Live::<T>::mutate(session, |s| {
			// Every contributor that has hosted has an entry from the moment it started.
			let Some(e) = s.as_mut().and_then(|s| s.served.iter_mut().find(|e| e.contributor == *who)) else {
				return 0;
			};
			e.seconds_forfeited = e.seconds_forfeited.saturating_add(seconds);
			seconds
		});
		if taken > 0 {
			Pallet::<T>::deposit_event(Event::PayForfeited { session, contributor: who.clone(), seconds: taken });
		}
		taken
	}

	fn work_spec(session: SessionId) -> Option<WorkSpec> {
		Live::<T>::get(session).map(|s| WorkSpec { game: s.game, task_hash: s.task.hash })
	}

	fn note_commitment(session: SessionId, who: &T::AccountId, seconds: u32, tasks: u32) -> bool {
		Live::<T>::mutate(session, |s| {
			let Some(s) = s.as_mut() else { return false };
			if !matches!(s.state, SessionState::Active { .. }) {
				return false;
			}
			if s.host == *who {
				return match s.served.iter_mut().find(|e| e.contributor == *who) {
					Some(e) => {
						e.seconds_committed = e.seconds_committed.saturating_add(seconds);
						e.tasks_committed = e.tasks_committed.saturating_add(tasks.into());
						true
					},
					None => false,
				};
			}
			match Pallet::<T>::current_helper_entry(s, who) {
				Some(h) => {
					h.tasks_committed = h.tasks_committed.saturating_add(tasks.into());
					true
				},
				None => false,
			}
		})
	}
}
