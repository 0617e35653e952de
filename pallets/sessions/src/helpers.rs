//! Helpers: [`Pallet::do_credit_helper`], and what the work pallet's commitments and verdicts do
//! to a helper's entry.

use crate::{pallet::*, HelperWork, SessionId, SessionInfo, SessionState};
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::{
	frame_support::ensure,
	sp_runtime::{traits::Saturating, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::credit_helper`].
	pub(crate) fn do_credit_helper(
		who: T::AccountId,
		id: SessionId,
		helper: T::AccountId,
		tasks: u32,
	) -> DispatchResult {
		let mut s = Live::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(who == s.host, Error::<T>::NotHost);
		ensure!(matches!(s.state, SessionState::Active { .. }), Error::<T>::NotActive);
		let index = match s.helpers.iter().position(|h| h.helper == helper && h.host == who) {
			Some(i) => i,
			None => {
				// A player paying itself as a helper, or a host crediting itself twice, would take
				// nothing from anyone but blur the record; an unavailable account can't work.
				ensure!(
					helper != s.player && helper != s.host && T::Registry::is_available(&helper),
					Error::<T>::HelperUnavailable
				);
				s.helpers
					.try_push(HelperWork::named(helper.clone(), who.clone()))
					.map_err(|_| Error::<T>::TooManyHelpers)?;
				Self::deposit_event(Event::HelperNamed { session: id, host: who.clone(), helper: helper.clone() });
				s.helpers.len() - 1
			},
		};
		let total = {
			let entry = &mut s.helpers[index];
			entry.tasks_credited.saturating_accrue(tasks.into());
			entry.tasks_credited
		};
		Live::<T>::insert(id, s);
		Self::deposit_event(Event::HelperCredited { session: id, host: who, helper, tasks, total });
		Ok(())
	}

	/// The entry of `helper` for the session's current host, if the host named it.
	pub(crate) fn current_helper_entry<'a>(
		s: &'a mut SessionInfo<T>,
		helper: &T::AccountId,
	) -> Option<&'a mut HelperWork<T::AccountId>> {
		let host = s.host.clone();
		s.helpers.iter_mut().find(|h| h.helper == *helper && h.host == host)
	}

	/// Whether `who` is a helper of the running session `s`'s current host.
	pub(crate) fn is_current_helper(s: &SessionInfo<T>, who: &T::AccountId) -> bool {
		matches!(s.state, SessionState::Active { .. }) && s.helpers.iter().any(|h| h.helper == *who && h.host == s.host)
	}

	/// A window of `helper` was found wrong: every entry of it in session `id` is paid nothing.
	/// Returns whether it is a helper of the session.
	pub(crate) fn forfeit_helper(id: SessionId, helper: &T::AccountId) -> bool {
		let found = Live::<T>::mutate(id, |s| {
			let Some(s) = s.as_mut() else { return false };
			let mut found = false;
			for h in s.helpers.iter_mut().filter(|h| h.helper == *helper) {
				h.windows_wrong.saturating_inc();
				found = true;
			}
			found
		});
		if found {
			Self::deposit_event(Event::HelperForfeited { session: id, helper: helper.clone() });
		}
		found
	}
}
