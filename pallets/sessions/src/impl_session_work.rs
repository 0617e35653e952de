//! Sessions as the work-verification pallet sees them: [`SessionWork`] for [`Pallet`].

use crate::{
	pallet::{Config, Event, Live, Pallet},
	Served, SessionState,
};
use alloc::vec::Vec;
use pgt_primitives::sessions::{SessionId, SessionWork};

impl<T: Config> SessionWork<T::AccountId> for Pallet<T> {
	fn is_serving(session: SessionId, who: &T::AccountId) -> bool {
		Live::<T>::get(session).is_some_and(|s| s.host == *who && matches!(s.state, SessionState::Active { .. }))
	}

	fn participants(session: SessionId) -> Vec<T::AccountId> {
		let Some(s) = Live::<T>::get(session) else { return Vec::new() };
		let mut all = Vec::with_capacity(2 + s.backups.len() + s.standby.len() + s.served.len());
		all.push(s.player);
		all.push(s.host);
		all.extend(s.backups);
		all.extend(s.standby);
		all.extend(s.served.into_iter().map(|e| e.contributor));
		all.sort();
		all.dedup();
		all
	}

	fn forfeit(session: SessionId, who: &T::AccountId, seconds: u32) -> u32 {
		let taken = Live::<T>::mutate(session, |s| {
			let Some(s) = s else { return 0 };
			match s.served.iter_mut().find(|e| e.contributor == *who) {
				Some(e) => e.seconds_forfeited = e.seconds_forfeited.saturating_add(seconds),
				// The host has no receipt yet: the forfeit waits in an empty entry that its
				// receipts will fill (the list has room for every contributor that hosts).
				None if s.host == *who => {
					let entry = Served {
						contributor: who.clone(),
						seconds_served: 0,
						seconds_paused: 0,
						seconds_forfeited: seconds,
						frames: 0,
						latency_p50_ms: 0,
						latency_p95_ms: 0,
						receipt_hash: Default::default(),
					};
					if s.served.try_push(entry).is_err() {
						return 0;
					}
				},
				None => return 0,
			}
			seconds
		});
		if taken > 0 {
			Pallet::<T>::deposit_event(Event::PayForfeited { session, contributor: who.clone(), seconds: taken });
		}
		taken
	}
}
