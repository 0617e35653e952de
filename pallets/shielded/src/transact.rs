//! Transactions: [`Pallet::transact`] (shield, private transfer, unshield) and the public inputs
//! its proof is checked against.

use crate::*;
use polkadot_sdk::frame_support::{ensure, BoundedVec};
use polkadot_sdk::sp_runtime::DispatchResult;

impl<T: Config> Pallet<T> {
	/// The proof's public inputs for a transaction: `inputs` as given, the public amount
	/// `ext_amount − fee` and the hash of the external data, the chain's genesis hash and the
	/// encrypted notes. Amounts must already be checked to fit 64 bits.
	pub(crate) fn public_inputs(
		inputs: &TransactionInputs,
		ext: &ExtDataOf<T>,
		notes: [&[u8]; 2],
	) -> [FieldBytes; PUBLIC_INPUTS] {
		let fee: u128 = ext.fee.saturated_into();
		let amount = pgt_zk::verify::public_amount(ext.ext_amount.saturating_sub(fee.saturated_into()));
		[
			inputs.root,
			inputs.nullifiers[0],
			inputs.nullifiers[1],
			inputs.commitments[0],
			inputs.commitments[1],
			encode_field(&amount),
			ext_data_hash(&Self::genesis_hash(), ext, &notes),
		]
	}

	/// See [`Pallet::transact`].
	pub(crate) fn do_transact(
		who: &T::AccountId,
		proof: &[u8],
		inputs: TransactionInputs,
		ext: ExtDataOf<T>,
		encrypted_notes: [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
	) -> DispatchResult {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= ext.expiry, Error::<T>::Expired);
		let key = VerifyingKeys::<T>::get(KeyVersion::<T>::get()).ok_or(Error::<T>::NoVerifyingKey)?;

		// Amounts: both fit 64 bits, so the public amount can't wrap the field.
		let fee: u128 = ext.fee.saturated_into();
		ensure!(
			fee <= u128::from(u64::MAX) && ext.ext_amount.unsigned_abs() <= u128::from(u64::MAX),
			Error::<T>::AmountOutOfRange
		);
		ensure!(fee == 0 || ext.relayer.is_some(), Error::<T>::FeeWithoutRelayer);
		ensure!((ext.ext_amount < 0) == ext.recipient.is_some(), Error::<T>::BadRecipient);

		ensure!(inputs.root != encode_field(&Frontier::<TREE_DEPTH>::empty_root()), Error::<T>::EmptyRoot);
		// Read and decode the tree once: for the root check here and the insertions below.
		let mut tree = Self::tree();
		ensure!(Self::is_anchor(&inputs.root, &tree), Error::<T>::UnknownRoot);
		ensure!(inputs.nullifiers[0] != inputs.nullifiers[1], Error::<T>::DuplicateNullifier);
		for nf in &inputs.nullifiers {
			ensure!(!Nullifiers::<T>::contains_key(nf), Error::<T>::NullifierSpent);
		}
		for value in inputs.nullifiers.iter().chain(core::iter::once(&inputs.root)) {
			ensure!(decode_field(value).is_some(), Error::<T>::NonCanonicalInput);
		}
		// The commitments are the leaves appended below: decoded (and so checked) once.
		let (Some(a), Some(b)) = (decode_field(&inputs.commitments[0]), decode_field(&inputs.commitments[1])) else {
			return Err(Error::<T>::NonCanonicalInput.into());
		};

		let public = Self::public_inputs(&inputs, &ext, [&encrypted_notes[0], &encrypted_notes[1]]);
		T::Verifier::verify(&key.prepared, &key.alpha_beta, proof, &public).map_err(|e| match e {
			VerifyError::MalformedProof => Error::<T>::MalformedProof,
			VerifyError::MalformedKey => Error::<T>::NoVerifyingKey,
			VerifyError::NonCanonicalInput(_) => Error::<T>::NonCanonicalInput,
			VerifyError::InvalidProof => Error::<T>::InvalidProof,
		})?;

		// The tree (on the copy read above; it fails only if full), then money (the caller may
		// not have the amount), then storage.
		let indices = tree.insert_pair(a, b).map_err(|_| Error::<T>::TreeFull)?;
		let pool = Self::pool_account();
		let amount: BalanceOf<T> =
			ext.ext_amount.unsigned_abs().try_into().map_err(|_| Error::<T>::AmountOutOfRange)?;
		if ext.ext_amount > 0 {
			T::Currency::transfer(who, &pool, amount, Preservation::Preserve)?;
		} else if let (true, Some(recipient)) = (ext.ext_amount < 0, &ext.recipient) {
			T::Currency::transfer(&pool, recipient, amount, Preservation::Preserve)?;
		}
		if let Some(relayer) = &ext.relayer {
			if !ext.fee.is_zero() {
				T::Currency::transfer(&pool, relayer, ext.fee, Preservation::Preserve)?;
			}
		}

		for nf in &inputs.nullifiers {
			Nullifiers::<T>::insert(nf, now);
		}
		for ((index, cm), note) in [indices.0, indices.1].into_iter().zip(inputs.commitments).zip(encrypted_notes) {
			Notes::<T>::insert(index, (cm, note.clone()));
			Self::deposit_event(Event::NoteAdded { index, commitment: cm, encrypted_note: note });
		}
		Tree::<T>::put(TreeState::from(&tree));
		TreeChanged::<T>::put(true);
		Self::deposit_event(Event::Transacted {
			nullifiers: inputs.nullifiers,
			ext_amount: ext.ext_amount,
			fee: ext.fee,
		});
		Ok(())
	}
}
