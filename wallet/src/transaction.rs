//! Building a shielded transaction: choosing the notes to spend, making the outputs, encrypting
//! them, binding the external data, and proving.
//!
//! Every transaction is the one 2-in-2-out circuit:
//! - **shield** `x`: two zero-value dummy inputs, outputs `x` and `0` to this wallet, public
//!   amount `+x` (the signer pays `x` into the pool);
//! - **send** `x` to an address: one or two of this wallet's notes in, `x` to the recipient and
//!   the change back to this wallet, public amount 0;
//! - **unshield** `x` to an account: notes in, the change and `0` back, public amount `−x` (the
//!   pool pays `x` to the account).
//!
//! The two outputs are put in random order, so the chain can't tell payment from change.

use crate::{
	encryption::{encrypt, NotePlaintext},
	keys::Address,
	scan::{OwnedNote, Scanner},
};
use ark_ff::UniformRand;
use pgt_primitives::shielded::{ext_data_hash, ExtData, FieldBytes};
use pgt_zk::{
	circuit::{public_amount, InputNote, PublicInputs, TransactionCircuit, Witness},
	note::Note,
	verify::encode_field,
	Fr, TREE_DEPTH,
};
use rand::{seq::SliceRandom, CryptoRng, RngCore};
use thiserror::Error;

/// The external data as this chain types it (AccountId32, u128 balances, u32 blocks).
pub type ChainExtData = ExtData<[u8; 32], u128, u32>;

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payment {
	/// Move `amount` from the signer's public balance into this wallet.
	Shield {
		/// In PGT's smallest unit.
		amount: u64,
	},
	/// Pay `amount` privately to `to`.
	Send {
		/// In PGT's smallest unit.
		amount: u64,
		/// The recipient's shielded address.
		to: Address,
	},
	/// Pay `amount` out of the pool to the public account `recipient`.
	Unshield {
		/// In PGT's smallest unit.
		amount: u64,
		/// The account paid.
		recipient: [u8; 32],
	},
}

/// Why a transaction can't be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BuildError {
	/// Amounts must be positive.
	#[error("the amount must be more than zero")]
	ZeroAmount,
	/// Not enough unspent shielded value.
	#[error("not enough shielded PGT: {have} unspent, {need} needed")]
	InsufficientFunds {
		/// Unspent value.
		have: u128,
		/// Value needed.
		need: u64,
	},
	/// Enough value, but spread over more notes than one transaction spends.
	#[error("{need} needs more than two notes (the two largest hold {two_largest}); send yourself your notes in pairs first to merge them")]
	TooManyNotes {
		/// Value needed.
		need: u64,
		/// What the two largest notes hold.
		two_largest: u128,
	},
}

/// Where and until when the transaction is valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainContext {
	/// The chain's genesis hash (the proof is bound to it).
	pub genesis_hash: [u8; 32],
	/// Last block the transaction may be included in.
	pub expiry: u32,
}

/// A built transaction, before proving: the circuit and what goes on chain beside the proof.
#[derive(Clone, Debug)]
pub struct Unproven {
	/// The circuit with its witness.
	pub circuit: TransactionCircuit<TREE_DEPTH>,
	/// Everything of the `transact` call but the proof.
	pub call: TransactCall,
}

/// The arguments of `Shielded::transact`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactCall {
	/// The Groth16 proof (uncompressed, 384 bytes); empty until proven.
	pub proof: Vec<u8>,
	/// The root the proof is made against.
	pub root: FieldBytes,
	/// Nullifiers of the two inputs.
	pub nullifiers: [FieldBytes; 2],
	/// Commitments of the two outputs.
	pub commitments: [FieldBytes; 2],
	/// The external data.
	pub ext: ChainExtData,
	/// The two outputs, encrypted to their owners.
	pub encrypted_notes: [Vec<u8>; 2],
}

/// Chooses the notes to spend for `need`: the smallest single note that covers it, else the
/// two largest if they do.
pub fn select(spendable: &[OwnedNote], need: u64) -> Result<Vec<OwnedNote>, BuildError> {
	let mut notes: Vec<&OwnedNote> = spendable.iter().filter(|n| n.note.value > 0).collect();
	notes.sort_by_key(|n| (n.note.value, n.index));
	if let Some(one) = notes.iter().find(|n| n.note.value >= need) {
		return Ok(vec![(*one).clone()]);
	}
	let have: u128 = notes.iter().map(|n| u128::from(n.note.value)).sum();
	if have < u128::from(need) {
		return Err(BuildError::InsufficientFunds { have, need });
	}
	let two: Vec<OwnedNote> = notes.iter().rev().take(2).map(|n| (*n).clone()).collect();
	let two_largest: u128 = two.iter().map(|n| u128::from(n.note.value)).sum();
	if two_largest < u128::from(need) {
		return Err(BuildError::TooManyNotes { need, two_largest });
	}
	Ok(two)
}

/// Builds `payment` from this wallet (`scanner`, `me`) with the unspent notes `spendable`.
pub fn build<R: RngCore + CryptoRng>(
	scanner: &Scanner,
	me: &Address,
	spendable: &[OwnedNote],
	payment: &Payment,
	ctx: ChainContext,
	rng: &mut R,
) -> Result<Unproven, BuildError> {
	let amount = match payment {
		Payment::Shield { amount } | Payment::Send { amount, .. } | Payment::Unshield { amount, .. } => *amount,
	};
	if amount == 0 {
		return Err(BuildError::ZeroAmount);
	}
	let dummy = |rng: &mut R| InputNote::dummy::<TREE_DEPTH>(Fr::rand(rng), Fr::rand(rng));
	let (inputs, in_value) = match payment {
		Payment::Shield { .. } => ([dummy(rng), dummy(rng)], 0u64),
		_ => {
			let chosen = select(spendable, amount)?;
			let value = chosen.iter().map(|n| n.note.value).sum::<u64>();
			let mut inputs = chosen.iter().map(|n| scanner.input(n)).collect::<Vec<_>>();
			if inputs.len() < 2 {
				inputs.push(dummy(rng));
			}
			([inputs[0].clone(), inputs[1].clone()], value)
		},
	};
	let note =
		|value: u64, to: &Address, rng: &mut R| (Note { value, owner: to.owner, blinding: Fr::rand(rng) }, to.viewing);
	let (mut outputs, ext_amount, recipient) = match payment {
		Payment::Shield { amount } => ([note(*amount, me, rng), note(0, me, rng)], i128::from(*amount), None),
		Payment::Send { amount, to } => ([note(*amount, to, rng), note(in_value - amount, me, rng)], 0, None),
		Payment::Unshield { amount, recipient } => {
			([note(in_value - amount, me, rng), note(0, me, rng)], -i128::from(*amount), Some(*recipient))
		},
	};
	outputs.shuffle(rng);
	let encrypted_notes =
		outputs.map(|(n, viewing)| encrypt(&NotePlaintext { value: n.value, blinding: n.blinding }, &viewing, rng));
	let ext = ChainExtData { recipient, ext_amount, relayer: None, fee: 0, expiry: ctx.expiry };
	let ext_hash = ext_data_hash(&ctx.genesis_hash, &ext, &[&encrypted_notes[0], &encrypted_notes[1]]);
	let outputs = outputs.map(|(n, _)| n);
	let public = PublicInputs {
		root: scanner.root(),
		nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
		commitments: [outputs[0].commitment(), outputs[1].commitment()],
		public_amount: public_amount(ext_amount),
		ext_data_hash: pgt_zk::verify::decode_field(&ext_hash).expect("ext_data_hash is always below the modulus"),
	};
	let call = TransactCall {
		proof: Vec::new(),
		root: encode_field(&public.root),
		nullifiers: public.nullifiers.map(|f| encode_field(&f)),
		commitments: public.commitments.map(|f| encode_field(&f)),
		ext,
		encrypted_notes,
	};
	Ok(Unproven { circuit: TransactionCircuit { public, witness: Witness { inputs, outputs } }, call })
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::Keys;
	use pgt_zk::note::public_key;

	fn owned(index: u64, value: u64) -> OwnedNote {
		OwnedNote {
			index,
			note: Note { value, owner: public_key(Fr::from(1u64)), blinding: Fr::from(index) },
			nullifier: Fr::from(index),
		}
	}

	#[test]
	fn selection_prefers_one_note_then_the_two_largest() {
		let notes = [owned(1, 5), owned(2, 9), owned(3, 0), owned(4, 7)];
		let idx = |v: Vec<OwnedNote>| v.iter().map(|n| n.index).collect::<Vec<_>>();
		assert_eq!(idx(select(&notes, 6).unwrap()), vec![4], "the smallest note that covers 6");
		assert_eq!(idx(select(&notes, 9).unwrap()), vec![2]);
		assert_eq!(idx(select(&notes, 16).unwrap()), vec![2, 4]);
		assert_eq!(select(&notes, 17), Err(BuildError::TooManyNotes { need: 17, two_largest: 16 }));
		assert_eq!(select(&notes, 22), Err(BuildError::InsufficientFunds { have: 21, need: 22 }));
		assert_eq!(select(&[], 1), Err(BuildError::InsufficientFunds { have: 0, need: 1 }));
	}

	#[test]
	fn a_built_transaction_satisfies_the_circuit_and_balances() {
		use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
		let keys =
			Keys::from_mnemonic("bottom drive obey lake curtain smoke basket hold race lonely fit walk").unwrap();
		let me = keys.address();
		let mut rng = rand::rngs::OsRng;
		let ctx = ChainContext { genesis_hash: [7; 32], expiry: 99 };
		let mut scanner = Scanner::new(&keys);
		let shield = build(&scanner, &me, &[], &Payment::Shield { amount: 10 }, ctx, &mut rng).unwrap();
		assert_eq!(shield.call.ext.ext_amount, 10);
		for (i, (cm, ct)) in shield.call.commitments.iter().zip(&shield.call.encrypted_notes).enumerate() {
			scanner.add(1 + i as u64, cm, ct).unwrap();
		}
		let mut values: Vec<u64> = scanner.notes().iter().map(|n| n.note.value).collect();
		values.sort();
		assert_eq!(values, vec![0, 10], "both outputs are this wallet's");

		let bob = Keys::from_mnemonic("legal winner thank year wave sausage worth useful legal winner thank yellow")
			.unwrap()
			.address();
		let spendable = scanner.notes().to_vec();
		let send = build(&scanner, &me, &spendable, &Payment::Send { amount: 4, to: bob }, ctx, &mut rng).unwrap();
		let w = &send.circuit.witness;
		assert_eq!(w.inputs.iter().map(|i| i.note.value).sum::<u64>(), 10);
		let mut outs: Vec<u64> = w.outputs.iter().map(|n| n.value).collect();
		outs.sort();
		assert_eq!(outs, vec![4, 6]);
		let cs = ConstraintSystem::new_ref();
		send.circuit.clone().generate_constraints(cs.clone()).unwrap();
		assert!(cs.is_satisfied().unwrap(), "the witness satisfies the circuit");

		let unshield =
			build(&scanner, &me, &spendable, &Payment::Unshield { amount: 3, recipient: [9; 32] }, ctx, &mut rng)
				.unwrap();
		assert_eq!(unshield.call.ext.ext_amount, -3);
		assert_eq!(unshield.call.ext.recipient, Some([9; 32]));
		let cs = ConstraintSystem::new_ref();
		unshield.circuit.generate_constraints(cs.clone()).unwrap();
		assert!(cs.is_satisfied().unwrap());

		assert_eq!(
			build(&scanner, &me, &spendable, &Payment::Send { amount: 0, to: bob }, ctx, &mut rng).unwrap_err(),
			BuildError::ZeroAmount
		);
		assert!(matches!(
			build(&scanner, &me, &spendable, &Payment::Send { amount: 11, to: bob }, ctx, &mut rng),
			Err(BuildError::InsufficientFunds { .. })
		));
	}
}
