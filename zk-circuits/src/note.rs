//! Shielded notes, keys, commitments and nullifiers (all Poseidon, see [`crate::poseidon`]).
//!
//! - A **spending key** `sk` is a field element; its **public key** (the shielded address) is
//!   `pk = H(TAG_PUBLIC_KEY, sk)`.
//! - A **note** is (value, owner's `pk`, blinding); its **commitment** is
//!   `H(TAG_NOTE, value, pk, blinding)`, the leaf that goes into the tree.
//! - Spending the note at leaf `index` reveals the **nullifier** `H(TAG_NULLIFIER, sk, index,
//!   commitment)`: only the owner can compute it, it binds the leaf position (the same note
//!   value at two positions has two nullifiers), and it reveals nothing about which leaf.

use crate::{
	poseidon::{hash, TAG_NOTE, TAG_NULLIFIER, TAG_PUBLIC_KEY},
	Fr,
};

/// A note: `value` (in PGT's smallest unit) owned by the holder of the key behind `owner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
	/// Value in PGT's smallest unit (a 64-bit range is enforced by the circuit).
	pub value: u64,
	/// The owner's public key.
	pub owner: Fr,
	/// Random blinding, so equal values to the same owner give unrelated commitments.
	pub blinding: Fr,
}

impl Note {
	/// The note's commitment (its tree leaf).
	pub fn commitment(&self) -> Fr {
		hash(TAG_NOTE, &[Fr::from(self.value), self.owner, self.blinding])
	}
}

/// The public key (shielded address) of spending key `sk`.
pub fn public_key(sk: Fr) -> Fr {
	hash(TAG_PUBLIC_KEY, &[sk])
}

/// The leaf the note tree starts with: the commitment of the zero-value note owned by no one,
/// so the tree's root is never the empty tree's (which the pool refuses as an anchor). It has no
/// spending key, so it can never be spent.
pub fn genesis_leaf() -> Fr {
	Note { value: 0, owner: Fr::from(0u64), blinding: Fr::from(0u64) }.commitment()
}

/// The nullifier revealed when the note with `commitment` at leaf `index` is spent with `sk`.
pub fn nullifier(sk: Fr, index: u64, commitment: Fr) -> Fr {
	hash(TAG_NULLIFIER, &[sk, Fr::from(index), commitment])
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;

	#[test]
	fn every_part_of_a_note_changes_its_commitment_and_nullifier() {
		let sk = Fr::from(77u64);
		let n = Note { value: 10, owner: public_key(sk), blinding: Fr::from(5u64) };
		let c = n.commitment();
		assert_ne!(Note { value: 11, ..n }.commitment(), c);
		assert_ne!(Note { owner: public_key(Fr::from(78u64)), ..n }.commitment(), c);
		assert_ne!(Note { blinding: Fr::from(6u64), ..n }.commitment(), c);
		let nf = nullifier(sk, 3, c);
		assert_ne!(nullifier(sk, 4, c), nf, "the position is bound");
		assert_ne!(nullifier(Fr::from(78u64), 3, c), nf, "only the key's owner can compute it");
		assert_ne!(nf, c);
		assert_ne!(public_key(sk), sk);
	}
}
