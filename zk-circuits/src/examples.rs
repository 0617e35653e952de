//! Example transactions for tests and benchmarks: only with the `test-utils` feature (which
//! turns on `std`), and in this crate's unit tests.

use crate::{
	circuit::{public_amount, InputNote, PublicInputs, TransactionCircuit, Witness},
	note::{public_key, Note},
	tree::MerkleTree,
	Fr,
};
use ark_bls12_381::{Fq, Fq2, G1Affine, G2Affine};

/// Alice holds notes of 7 and 5 (leaves 1 and 3, with other leaves around them) in a tree of
/// depth `D` and pays 9 to Bob, keeping 3 (public amount 0, ext-data hash 4242).
pub fn transfer<const D: usize>() -> TransactionCircuit<D> {
	let (alice, bob) = (Fr::from(1001u64), Fr::from(2002u64));
	let mut tree = MerkleTree::<D>::default();
	let notes = [
		Note { value: 7, owner: public_key(alice), blinding: Fr::from(11u64) },
		Note { value: 5, owner: public_key(alice), blinding: Fr::from(12u64) },
	];
	for leaf in [Fr::from(999u64), notes[0].commitment(), Fr::from(998u64), notes[1].commitment()] {
		tree.insert(leaf).expect("room in the example tree");
	}
	let inputs = [
		InputNote { note: notes[0], sk: alice, path: tree.path(1).expect("leaf 1") },
		InputNote { note: notes[1], sk: alice, path: tree.path(3).expect("leaf 3") },
	];
	let outputs = [
		Note { value: 9, owner: public_key(bob), blinding: Fr::from(21u64) },
		Note { value: 3, owner: public_key(alice), blinding: Fr::from(22u64) },
	];
	let public = PublicInputs {
		root: tree.root(),
		nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
		commitments: [outputs[0].commitment(), outputs[1].commitment()],
		public_amount: public_amount(0),
		ext_data_hash: Fr::from(4242u64),
	};
	TransactionCircuit { public, witness: Witness { inputs, outputs } }
}

/// Points on the G1 and G2 curves outside their prime-order subgroups (both cofactors are > 1),
/// for tests that a proof carrying one is refused.
pub fn points_outside_the_subgroups() -> (G1Affine, G2Affine) {
	let g1 = (1u64..)
		.filter_map(|x| G1Affine::get_point_from_x_unchecked(Fq::from(x), false))
		.find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
		.expect("most points of the curve are outside the subgroup");
	let g2 = (1u64..)
		.filter_map(|x| G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(x), Fq::from(1u64)), false))
		.find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
		.expect("most points of the twist are outside the subgroup");
	(g1, g2)
}
