//! Receipts and failover: checking a player-signed receipt and recording what it bills.

use crate::{pallet::*, ReceiptOf, Served, SessionId, SessionInfo, SessionState};
use codec::Encode;
use pgt_primitives::{
	contributors::ContributorRegistry,
	reputation::{Outcome, WEIGHT_UNIT},
};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_io::hashing::blake2_256,
	sp_runtime::{
		traits::{Saturating, Verify, Zero},
		DispatchResult,
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
		let from = core::mem::replace(&mut s.host, s.backups.remove(0));
		T::Registry::release_slot(&from);
		OccupiedSlots::<T>::mutate(|n| *n = n.saturating_sub(1));
		T::Registry::record_outcome(&from, Outcome::failure(WEIGHT_UNIT), 0);
		Self::deposit_event(Event::FailedOver { session: id, from, to: s.host.clone() });
		Live::<T>::insert(id, s);
		Ok(())
	}

	/// The player, the host, a backup, or a former host of the session.
	fn is_participant(s: &SessionInfo<T>, who: &T::AccountId) -> bool {
		who == &s.player || who == &s.host || s.backups.contains(who) || s.served.iter().any(|e| &e.contributor == who)
	}

	/// Checks `receipt` against session `s` and records it there; moves the receipt deadline.
	fn apply_receipt(
		id: SessionId,
		s: &mut SessionInfo<T>,
		receipt: ReceiptOf<T>,
		signature: &T::Signature,
	) -> DispatchResult {
		ensure!(receipt.session == id, Error::<T>::ReceiptForOtherSession);
		let SessionState::Active { since, .. } = s.state else { return Err(Error::<T>::NotActive.into()) };
		ensure!(Self::player_signed(&s.player, &receipt, signature), Error::<T>::BadSignature);
		ensure!(receipt.counter > s.last_counter, Error::<T>::StaleReceipt);
		ensure!(receipt.seconds_paused <= receipt.seconds_served, Error::<T>::InvalidReceipt);
		let is_host = receipt.contributor == s.host;
		let known = s.served.iter().position(|e| e.contributor == receipt.contributor);
		ensure!(is_host || known.is_some(), Error::<T>::NotSessionContributor);
		if let Some(prev) = known.map(|i| &s.served[i]) {
			ensure!(
				receipt.seconds_served >= prev.seconds_served
					&& receipt.seconds_paused >= prev.seconds_paused
					&& receipt.frames >= prev.frames,
				Error::<T>::ReceiptRegressed
			);
		}
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

		let entry = Served {
			contributor: receipt.contributor.clone(),
			seconds_served: receipt.seconds_served,
			seconds_paused: receipt.seconds_paused,
			seconds_forfeited: known.map_or(0, |i| s.served[i].seconds_forfeited),
			frames: receipt.frames,
			latency_p50_ms: receipt.latency_p50_ms,
			latency_p95_ms: receipt.latency_p95_ms,
			receipt_hash: blake2_256(&(&receipt, signature).encode()).into(),
		};
		match known {
			Some(i) => s.served[i] = entry,
			// One entry per contributor that has hosted: at most 1 + MaxBackups.
			None => s.served.try_push(entry).map_err(|_| Error::<T>::NotSessionContributor)?,
		}
		s.last_counter = receipt.counter;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		// The queued receipt timeout looks at this deadline when it fires and waits longer.
		s.state = SessionState::Active { since, deadline: now.saturating_add(T::ReceiptTimeout::get()) };
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
