//! Ending and settlement: [`Pallet::end_session`]; paying contributors from the escrow, burning
//! and funding the treasury, refunding the rest, and writing the CSU record.

use crate::{
	pallet::*, BalanceOf, CsuRecord, CsuShare, EndReason, HelperShare, SessionId, SessionInfo, SessionState, Timeout,
};
use alloc::vec::Vec;
use pgt_primitives::{contributors::ContributorRegistry, rate::cost_of_seconds};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
			Get, UnixTime,
		},
		BoundedVec,
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult, SaturatedConversion,
	},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::end_session`].
	pub(crate) fn do_end_session(who: T::AccountId, id: SessionId) -> DispatchResult {
		let session = Live::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		let reason = if who == session.player {
			if matches!(session.state, SessionState::AwaitingAccept { .. }) {
				// Nothing was served: a cancellation, not a settlement.
				T::Registry::release_slot(&session.host);
				Self::cancel(id, session);
				return Ok(());
			}
			EndReason::Player
		} else if who == session.host {
			ensure!(matches!(session.state, SessionState::Active { .. }), Error::<T>::NotActive);
			EndReason::Host
		} else {
			return Err(Error::<T>::NotPlayerOrHost.into());
		};
		Self::settle(id, session, reason);
		Ok(())
	}

	/// Settles session `id` on its latest receipts. Never fails: an amount that cannot go where
	/// it should (an account that cannot exist) is burned and reported as burned.
	pub(crate) fn settle(id: SessionId, s: SessionInfo<T>, end_reason: EndReason) {
		let reason = HoldReason::Escrow.into();
		let rate: u128 = s.rate.saturated_into();
		let (burn_share, treasury_share) = (T::BurnShare::get(), T::TreasuryShare::get());
		let mut budget = s.escrow;
		let (mut paid_total, mut burn_total, mut treasury_total) =
			(BalanceOf::<T>::zero(), BalanceOf::<T>::zero(), BalanceOf::<T>::zero());
		let mut shares = Vec::with_capacity(s.served.len());
		let mut helper_shares: Vec<HelperShare<T::AccountId, BalanceOf<T>>> = s
			.helpers
			.iter()
			.map(|h| HelperShare {
				helper: h.helper.clone(),
				host: h.host.clone(),
				tasks_credited: h.tasks_credited,
				tasks_committed: h.tasks_committed,
				tasks_paid: h.verified_tasks(),
				windows_wrong: h.windows_wrong,
				earned: Zero::zero(),
			})
			.collect();
		Self::unschedule(id, &s);

		for e in s.served.iter() {
			let (billed, uncommitted) = e.payable_seconds(T::UnverifiedAllowance::get());
			// Receipts never bill past `max_duration` and the rate never exceeds `max_rate`, so
			// the budget always suffices; `min` keeps that true whatever happens.
			let paid = cost_of_seconds(rate, billed.into()).saturated_into::<BalanceOf<T>>().min(budget);
			budget.saturating_reduce(paid);
			let burn = burn_share.mul_floor(paid);
			let to_treasury = treasury_share.mul_floor(paid);
			let mut earned = paid.saturating_sub(burn).saturating_sub(to_treasury);
			// This host's helpers first, each its part by verified tasks; what can't be paid to a
			// helper stays with the host.
			let helper_tasks = s
				.helpers
				.iter()
				.filter(|h| h.host == e.contributor)
				.fold(0u64, |n, h| n.saturating_add(h.verified_tasks()));
			let host_earned: u128 = earned.saturated_into();
			for (h, share) in s.helpers.iter().zip(helper_shares.iter_mut()).filter(|(h, _)| h.host == e.contributor) {
				let part: BalanceOf<T> = h.share_of(host_earned, e.tasks_committed, helper_tasks).saturated_into();
				if !part.is_zero()
					&& T::Currency::transfer_on_hold(
						&reason,
						&s.player,
						&h.helper,
						part,
						Precision::Exact,
						Restriction::Free,
						Fortitude::Force,
					)
					.is_ok()
				{
					share.earned = part;
					earned.saturating_reduce(part);
				}
			}
			let earned = if earned.is_zero()
				|| T::Currency::transfer_on_hold(
					&reason,
					&s.player,
					&e.contributor,
					earned,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)
				.is_ok()
			{
				earned
			} else {
				burn_total.saturating_accrue(earned);
				Zero::zero()
			};
			paid_total.saturating_accrue(paid);
			burn_total.saturating_accrue(burn);
			treasury_total.saturating_accrue(to_treasury);
			shares.push(CsuShare {
				contributor: e.contributor.clone(),
				resource_hash: e.resource_hash,
				seconds_served: e.seconds_served,
				seconds_paused: e.seconds_paused,
				seconds_forfeited: e.seconds_forfeited,
				seconds_uncommitted: uncommitted,
				seconds_billed: billed,
				frames: e.frames,
				tasks_committed: e.tasks_committed,
				paid,
				earned,
				receipt_hash: e.receipt_hash,
			});
		}

		if !treasury_total.is_zero()
			&& T::Currency::transfer_on_hold(
				&reason,
				&s.player,
				&T::Treasury::get(),
				treasury_total,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)
			.is_err()
		{
			// The treasury account cannot be created with so little: burn it instead.
			burn_total.saturating_accrue(treasury_total);
			treasury_total = Zero::zero();
		}
		let burned = if burn_total.is_zero() {
			Zero::zero()
		} else {
			T::Currency::burn_held(&reason, &s.player, burn_total, Precision::BestEffort, Fortitude::Force)
				.unwrap_or_default()
		};
		let refunded = T::Currency::release(&reason, &s.player, budget, Precision::BestEffort).unwrap_or_default();

		for c in core::iter::once(&s.host).chain(s.backups.iter()) {
			T::Registry::release_slot(c);
		}
		// Only accepted sessions count as demand, and only active ones are settled.
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(1 + s.backups.len() as u32));
		// No reputation here: a session's seconds count as verified work when its windows pass
		// audit (pallet-pgt-work), so a player and host can't farm it by billing each other.

		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let csu = CsuRecord {
			player: s.player,
			game: s.game,
			task: s.task,
			ended_at: now,
			ended_at_ms: T::UnixTime::now().as_millis().saturated_into(),
			end_reason,
			rate: s.rate,
			// One share per served entry, which is bounded the same way.
			shares: BoundedVec::truncate_from(shares),
			// One per helper entry, which is bounded the same way.
			helpers: BoundedVec::truncate_from(helper_shares),
			paid: paid_total,
			burned,
			to_treasury: treasury_total,
			refunded,
		};
		Self::schedule(now.saturating_add(T::CsuRetention::get()), id, Timeout::PruneCsu);
		Csus::<T>::insert(id, csu.clone());
		Live::<T>::remove(id);
		Self::deposit_event(Event::SessionSettled { session: id, csu });
	}
}
