//! Receipts and failover: checking a player-signed receipt and recording what it bills.

use crate::{pallet::*, timeouts::Queue, ReceiptOf, Served, SessionId, SessionInfo, SessionState, Timeout};
use codec::Encode;
use pgt_primitives::{
	contributors::ContributorRegistry,
	reputation::{Outcome, WEIGHT_UNIT},
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{Get, UnixTime},
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_io::hashing::blake2_256,
	sp_runtime::{
		traits::{Saturating, Verify, Zero},
		DispatchResult, SaturatedConversion,
	},
};

impl<T: Config> Pallet<T> {
	/// See [`Pallet::submit_receipt`].
	pub(crate) fn do_submit_receipt(
		who: T::AccountId,
		id: SessionId,
		receipt: ReceiptOf<T>,
		signature: T::Signature,
	) -> DispatchResult {
		let mut s = Live::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(Self::is_participant(&s, &who), Error::<T>::NotParticipant);
		Self::apply_receipt(id, &mut s, receipt, &signature)?;
		Live::<T>::insert(id, s);
		Ok(())
	}

	/// See [`Pallet::failover`].
	pub(crate) fn do_failover(
		who: T::AccountId,
		id: SessionId,
		receipt: ReceiptOf<T>,
		signature: T::Signature,
	) -> DispatchResult {
		let mut s = Live::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(who == s.player || s.backups.contains(&who), Error::<T>::NotPlayerOrBackup);
		ensure!(matches!(s.state, SessionState::Active { .. }), Error::<T>::NotActive);
		ensure!(!s.backups.is_empty(), Error::<T>::NoBackup);
		ensure!(receipt.contributor == s.host, Error::<T>::NotHostReceipt);
		Self::apply_receipt(id, &mut s, receipt, &signature)?;
		let now_ms: u64 = T::UnixTime::now().as_millis().saturated_into();
		let to = s.backups.remove(0);
		let entry = Served::starting(to.clone(), now_ms, T::Registry::resource_hash(&to).unwrap_or_default());
		// One entry per contributor that has hosted: at most 1 + MaxBackups.
		s.served.try_push(entry).map_err(|_| Error::<T>::NotSessionContributor)?;
		let from = core::mem::replace(&mut s.host, to.clone());
		// The dropped host's clock stops; it is blamed only if the player's own receipt says it
		// stalled, so a player (or a friendly backup) can move a session but not frame a host
		// that kept serving.
		let mut blamed = false;
		if let Some(e) = s.served.iter_mut().find(|e| e.contributor == from) {
			e.until_ms = Some(now_ms);
			let unserved = e.elapsed_seconds(now_ms).saturating_sub(e.seconds_served.into());
			blamed = unserved > u64::from(T::StallSeconds::get());
		}
		T::Registry::release_slot(&from);
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(1));
		if blamed {
			T::Registry::record_outcome(&from, Outcome::failure(WEIGHT_UNIT), 0);
		}
		Self::deposit_event(Event::FailedOver { session: id, from, to, blamed });
		Live::<T>::insert(id, s);
		Ok(())
	}

	/// The player, the host, a backup, or a former host of the session.
	fn is_participant(s: &SessionInfo<T>, who: &T::AccountId) -> bool {
		who == &s.player || who == &s.host || s.backups.contains(who) || s.served.iter().any(|e| &e.contributor == who)
	}

	/// Checks `receipt` against session `s` and records it there; moves the receipt deadline.
	///
	/// A receipt only adds to the last one accepted for its contributor: it serves more seconds
	/// (or as many, with a higher counter, to update the latency figures), its paused seconds
	/// and frames don't fall, and it pauses at most as many new seconds as it serves, so what the
	/// contributor has billed never goes down. It serves no more seconds than the chain's clock
	/// has run since the contributor started serving (plus `ClockTolerance`).
	fn apply_receipt(
		id: SessionId,
		s: &mut SessionInfo<T>,
		receipt: ReceiptOf<T>,
		signature: &T::Signature,
	) -> DispatchResult {
		ensure!(receipt.session == id, Error::<T>::ReceiptForOtherSession);
		let SessionState::Active { since, deadline } = s.state else { return Err(Error::<T>::NotActive.into()) };
		ensure!(Self::player_signed(&s.player, &receipt, signature), Error::<T>::BadSignature);
		ensure!(receipt.seconds_paused <= receipt.seconds_served, Error::<T>::InvalidReceipt);
		let i = s
			.served
			.iter()
			.position(|e| e.contributor == receipt.contributor)
			.ok_or(Error::<T>::NotSessionContributor)?;
		let prev = &s.served[i];
		ensure!(
			receipt.seconds_served > prev.seconds_served
				|| (receipt.seconds_served == prev.seconds_served && receipt.counter > prev.counter),
			Error::<T>::StaleReceipt
		);
		ensure!(
			receipt.seconds_paused >= prev.seconds_paused && receipt.frames >= prev.frames,
			Error::<T>::ReceiptRegressed
		);
		ensure!(
			receipt.seconds_paused - prev.seconds_paused <= receipt.seconds_served - prev.seconds_served,
			Error::<T>::PausedBeyondServed
		);
		let now_ms: u64 = T::UnixTime::now().as_millis().saturated_into();
		ensure!(
			u64::from(receipt.seconds_served)
				<= prev.elapsed_seconds(now_ms).saturating_add(T::ClockTolerance::get().into()),
			Error::<T>::ServedBeyondElapsed
		);
		let billed_elsewhere: u64 = s
			.served
			.iter()
			.filter(|e| e.contributor != receipt.contributor)
			.map(|e| u64::from(e.seconds_served.saturating_sub(e.seconds_paused)))
			.sum();
		ensure!(
			billed_elsewhere.saturating_add(receipt.billed_seconds().into()) <= s.task.expected_duration.into(),
			Error::<T>::ExceedsMaxDuration
		);

		let e = &mut s.served[i];
		e.counter = receipt.counter;
		e.seconds_served = receipt.seconds_served;
		e.seconds_paused = receipt.seconds_paused;
		e.frames = receipt.frames;
		e.latency_p50_ms = receipt.latency_p50_ms;
		e.latency_p95_ms = receipt.latency_p95_ms;
		e.receipt_hash = blake2_256(&(&receipt, signature).encode()).into();
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		Queue::<T>::remove(deadline, &(id, Timeout::Receipt));
		let deadline = Self::schedule(now.saturating_add(T::ReceiptTimeout::get()), id, Timeout::Receipt);
		s.state = SessionState::Active { since, deadline };
		Self::deposit_event(Event::ReceiptAccepted {
			session: id,
			contributor: receipt.contributor.clone(),
			counter: receipt.counter,
			seconds_billed: receipt.billed_seconds(),
		});
		Ok(())
	}

	/// The genesis hash receipts are bound to.
	pub(crate) fn genesis_hash() -> T::Hash {
		polkadot_sdk::frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Whether `signature` is the player's over `receipt` on this chain.
	pub(crate) fn player_signed(player: &T::AccountId, receipt: &ReceiptOf<T>, signature: &T::Signature) -> bool {
		signature.verify(&receipt.signing_payload(&Self::genesis_hash())[..], player)
	}
}
