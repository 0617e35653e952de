//! Verifying keys: checking a key and laying it out for the host calls once, when it is set.

use crate::*;
use alloc::vec::Vec;
use polkadot_sdk::sp_runtime::DispatchResult;

impl<T: Config> Pallet<T> {
	/// See [`Pallet::set_verifying_key`].
	pub(crate) fn do_set_verifying_key(key: Vec<u8>) -> DispatchResult {
		let (prepared, alpha_beta) = verifier::prepare_key(&key).map_err(|_| Error::<T>::MalformedVerifyingKey)?;
		let key = StoredKey {
			key: key.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
			alpha_beta: alpha_beta.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
			prepared: prepared.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
		};
		let version = KeyVersion::<T>::get().saturating_add(1);
		VerifyingKeys::<T>::insert(version, key);
		KeyVersion::<T>::put(version);
		Self::deposit_event(Event::VerifyingKeySet { version });
		Ok(())
	}
}
