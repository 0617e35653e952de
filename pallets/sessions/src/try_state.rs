//! The invariants of sessions, checked by `try_state` (feature `try-runtime`), after every mock
//! test and after every step of the property test.

use crate::{pallet::*, timeouts::Queue, BalanceOf, SessionState, Timeout};
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold},
	sp_runtime::{traits::Saturating, TryRuntimeError},
};

impl<T: Config> Pallet<T> {
	/// Checks what must hold between blocks:
	/// - each player's escrow on hold equals the escrow of its live sessions;
	/// - [`OccupiedSlots`] equals the hosts and backups of the accepted (running) sessions;
	/// - every live session has exactly one deadline queued, at the block its state names, and
	///   no deadline is queued for a session that is not live;
	/// - every running session has a served entry for its host, and no contributor bills more
	///   than it served or more seconds than the session allows;
	/// - every helper entry names a host that has served the session, and no (helper, host)
	///   pair twice;
	/// - every live session's id is below [`NextSessionId`].
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let next = NextSessionId::<T>::get();
		let mut escrow_by_player: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut slots = 0u32;
		let mut live = 0u32;
		for (id, s) in Live::<T>::iter() {
			live += 1;
			ensure!(id < next, "a live session has an id not yet given out");
			let held = escrow_by_player.entry(s.player.clone()).or_default();
			*held = held.saturating_add(s.escrow);
			let (at, item) = Self::entry_of(id, &s);
			ensure!(Queue::<T>::contains(at, &item), "a live session's deadline is not queued where its state says");
			if let SessionState::Active { .. } = s.state {
				slots = slots.saturating_add(1).saturating_add(s.backups.len() as u32);
				ensure!(s.served.iter().any(|e| e.contributor == s.host), "a running session's host has no entry");
			}
			let mut billed = 0u64;
			for e in s.served.iter() {
				ensure!(e.seconds_paused <= e.seconds_served, "a contributor paused more than it served");
				billed = billed.saturating_add(e.seconds_served.saturating_sub(e.seconds_paused).into());
			}
			ensure!(billed <= s.task.expected_duration.into(), "a session bills more than its duration");
			for (i, h) in s.helpers.iter().enumerate() {
				ensure!(s.served.iter().any(|e| e.contributor == h.host), "a helper's host never served the session");
				ensure!(
					!s.helpers.iter().skip(i + 1).any(|o| o.helper == h.helper && o.host == h.host),
					"a helper is named twice by one host"
				);
			}
		}
		let queued_sessions =
			Timeouts::<T>::iter_keys().filter(|(_, (_, what))| !matches!(what, Timeout::PruneCsu)).count() as u32;
		ensure!(queued_sessions == live, "a deadline is queued for a session that is not live");
		for (player, escrow) in escrow_by_player {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Escrow.into(), &player) == escrow,
				"a player's escrow on hold differs from its live sessions' escrow"
			);
		}
		ensure!(
			OccupiedSlots::<T>::get() == slots,
			"occupied slots differ from the accepted sessions' hosts and backups"
		);
		Ok(())
	}
}
