//! Rebuilding the note tree from the chain's leaves and finding this wallet's notes among them.
//!
//! The chain gives every leaf in order (index, commitment, encrypted note; leaf 0 is
//! [`genesis_leaf`], which has no note). The wallet needs every leaf to make Merkle paths, and
//! tries to decrypt every note with its viewing key; a note counts as its own only if the
//! decrypted value and blinding, with this wallet's owner key, give the leaf's commitment.

use crate::{encryption::decrypt, keys::Keys};
use pgt_primitives::shielded::FieldBytes;
use pgt_zk::{
	circuit::InputNote,
	note::{genesis_leaf, nullifier, public_key, Note},
	tree::MerkleTree,
	verify::decode_field,
	Fr, TREE_DEPTH,
};
use thiserror::Error;

/// Why a leaf from the chain was refused (the node sent something the pool can't hold).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScanError {
	/// Leaves must come in order with no gaps.
	#[error("leaf {got} arrived where leaf {expected} was expected")]
	OutOfOrder {
		/// The next index the tree needs.
		expected: u64,
		/// The index that came.
		got: u64,
	},
	/// A commitment that is not a field element.
	#[error("leaf {0}: the commitment is not a canonical field element")]
	BadCommitment(u64),
	/// The tree is full (2^32 leaves).
	#[error("the note tree is full")]
	TreeFull,
}

/// One of this wallet's notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedNote {
	/// Its leaf index.
	pub index: u64,
	/// The note.
	pub note: Note,
	/// Its nullifier (revealed when it is spent).
	pub nullifier: Fr,
}

/// The tree as the chain has it, and the notes of one wallet in it.
pub struct Scanner {
	spending: Fr,
	owner: Fr,
	viewing: x25519_dalek::StaticSecret,
	tree: MerkleTree<TREE_DEPTH>,
	notes: Vec<OwnedNote>,
}

impl Scanner {
	/// A scanner for `keys` that has seen only the genesis leaf.
	pub fn new(keys: &Keys) -> Scanner {
		let mut tree = MerkleTree::default();
		tree.insert(genesis_leaf()).expect("an empty tree has room");
		Scanner {
			spending: keys.spending,
			owner: public_key(keys.spending),
			viewing: keys.viewing.clone(),
			tree,
			notes: Vec::new(),
		}
	}

	/// The index of the next leaf to add (= leaves seen).
	pub fn next_index(&self) -> u64 {
		self.tree.len()
	}

	/// The root of the leaves seen so far.
	pub fn root(&self) -> Fr {
		self.tree.root()
	}

	/// Adds leaf `index`; returns the note if it is this wallet's.
	pub fn add(
		&mut self,
		index: u64,
		commitment: &FieldBytes,
		encrypted: &[u8],
	) -> Result<Option<&OwnedNote>, ScanError> {
		let expected = self.next_index();
		if index != expected {
			return Err(ScanError::OutOfOrder { expected, got: index });
		}
		let cm = decode_field(commitment).ok_or(ScanError::BadCommitment(index))?;
		self.tree.insert(cm).map_err(|_| ScanError::TreeFull)?;
		let Some(plain) = decrypt(encrypted, &self.viewing) else { return Ok(None) };
		let note = Note { value: plain.value, owner: self.owner, blinding: plain.blinding };
		if note.commitment() != cm {
			// Encrypted to us, but not a note we can spend: ignore it.
			tracing::warn!(index, "a note encrypted to this wallet does not match its commitment; ignored");
			return Ok(None);
		}
		self.notes.push(OwnedNote { index, note, nullifier: nullifier(self.spending, index, cm) });
		Ok(self.notes.last())
	}

	/// Every note of this wallet seen so far (spent or not).
	pub fn notes(&self) -> &[OwnedNote] {
		&self.notes
	}

	/// `note` as a circuit input: with this wallet's key and its path in the tree.
	pub fn input(&self, note: &OwnedNote) -> InputNote {
		InputNote {
			note: note.note,
			sk: self.spending,
			path: self.tree.path(note.index).expect("owned notes are leaves of the tree"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::encryption::{encrypt, NotePlaintext};
	use pgt_zk::verify::encode_field;
	use rand::{rngs::StdRng, SeedableRng};

	fn keys(word: &str) -> Keys {
		let phrase = match word {
			"alice" => "bottom drive obey lake curtain smoke basket hold race lonely fit walk",
			_ => "legal winner thank year wave sausage worth useful legal winner thank yellow",
		};
		Keys::from_mnemonic(phrase).unwrap()
	}

	#[test]
	fn finds_its_notes_among_others_and_ignores_lies() {
		let mut rng = StdRng::seed_from_u64(1);
		let (alice, bob) = (keys("alice"), keys("bob"));
		let (a, b) = (alice.address(), bob.address());
		let note = |owner: Fr, value: u64, blinding: u64| Note { value, owner, blinding: Fr::from(blinding) };
		let leaves = [
			(note(a.owner, 10, 1), a.viewing),
			(note(b.owner, 4, 2), b.viewing),
			// Encrypted to Alice but committing to another value: she must not count it.
			(note(a.owner, 1_000, 3), a.viewing),
			(note(a.owner, 6, 4), a.viewing),
		];
		let mut scanner = Scanner::new(&alice);
		let mut reference = MerkleTree::<TREE_DEPTH>::default();
		reference.insert(genesis_leaf()).unwrap();
		for (i, (n, to)) in leaves.iter().enumerate() {
			let shown = if i == 2 {
				NotePlaintext { value: 7, blinding: n.blinding }
			} else {
				NotePlaintext { value: n.value, blinding: n.blinding }
			};
			let ct = encrypt(&shown, to, &mut rng);
			let index = i as u64 + 1;
			scanner.add(index, &encode_field(&n.commitment()), &ct).unwrap();
			reference.insert(n.commitment()).unwrap();
		}
		assert_eq!(scanner.root(), reference.root());
		let values: Vec<(u64, u64)> = scanner.notes().iter().map(|n| (n.index, n.note.value)).collect();
		assert_eq!(values, vec![(1, 10), (4, 6)]);
		let input = scanner.input(&scanner.notes()[1]);
		assert_eq!(input.path.root(input.note.commitment()), reference.root());
		assert_eq!(input.nullifier(), scanner.notes()[1].nullifier);

		// Bob sees only his note.
		let mut bobs = Scanner::new(&bob);
		for (i, (n, to)) in leaves.iter().enumerate() {
			let ct = encrypt(&NotePlaintext { value: n.value, blinding: n.blinding }, to, &mut rng);
			bobs.add(i as u64 + 1, &encode_field(&n.commitment()), &ct).unwrap();
		}
		assert_eq!(bobs.notes().iter().map(|n| n.note.value).collect::<Vec<_>>(), vec![4]);
	}

	#[test]
	fn gaps_and_malformed_leaves_are_errors_that_change_nothing() {
		let mut scanner = Scanner::new(&keys("alice"));
		let root = scanner.root();
		assert_eq!(scanner.add(2, &[0; 32], &[]), Err(ScanError::OutOfOrder { expected: 1, got: 2 }));
		assert_eq!(scanner.add(1, &[0xff; 32], &[]), Err(ScanError::BadCommitment(1)));
		assert_eq!((scanner.next_index(), scanner.root()), (1, root));
		// Garbage in place of an encrypted note is just a note that isn't ours.
		assert_eq!(
			scanner.add(1, &[1; 31].iter().chain(&[0]).copied().collect::<Vec<_>>().try_into().unwrap(), b"garbage"),
			Ok(None)
		);
		assert_eq!(scanner.next_index(), 2);
	}
}
