//! The binary Merkle tree over a window's [`TaskLeaf`]s, with inclusion proofs.
//!
//! One implementation for the runtime and the worker: Substrate's `binary-merkle-tree` (the
//! tree BEEFY uses) over BLAKE2b-256, fed the leaves' domain-separated hashes
//! ([`TaskLeaf::hash`]). An odd node at the end of a row is promoted unchanged.
//!
//! [`verify_hash`] is strict: besides recomputing the root it requires the proof to have exactly
//! the length the leaf's position in a tree of `count` leaves implies, so an inner node can't be
//! passed off as a leaf one level up.

use crate::work::TaskLeaf;
use alloc::vec::Vec;
use polkadot_sdk::{
	binary_merkle_tree,
	sp_core::{ConstU32, H256},
	sp_runtime::{traits::BlakeTwo256, BoundedVec},
};

/// Deepest tree: `u32` leaf counts need at most 32 levels.
pub const MAX_PROOF_LEN: u32 = 32;

/// The sibling hashes from a leaf up to the root (the leaf and root excluded).
pub type MerkleProof = BoundedVec<H256, ConstU32<MAX_PROOF_LEN>>;

/// The root of the tree over `leaves` (zero for no leaves).
pub fn root(leaves: &[TaskLeaf]) -> H256 {
	root_of_hashes(leaves.iter().map(TaskLeaf::hash))
}

/// The root of the tree over leaf hashes (zero for none).
pub fn root_of_hashes<I: IntoIterator<Item = H256>>(leaf_hashes: I) -> H256 {
	binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(leaf_hashes)
}

/// The proof of leaf `index` among `leaf_hashes`; `None` if there is no such leaf.
pub fn proof_of_hashes(leaf_hashes: &[H256], index: u32) -> Option<MerkleProof> {
	if index as usize >= leaf_hashes.len() || leaf_hashes.len() > u32::MAX as usize {
		return None;
	}
	let p = binary_merkle_tree::merkle_proof_raw::<BlakeTwo256, _>(leaf_hashes.iter().copied(), index);
	BoundedVec::try_from(p.proof).ok()
}

/// The proof of leaf `index` among `leaves`; `None` if there is no such leaf.
pub fn proof(leaves: &[TaskLeaf], index: u32) -> Option<MerkleProof> {
	let hashes: Vec<H256> = leaves.iter().map(TaskLeaf::hash).collect();
	proof_of_hashes(&hashes, index)
}

/// How many sibling hashes the proof of leaf `index` in a tree of `count` leaves holds
/// (`None` if `index ≥ count`). Levels where the node is the promoted odd last one add none.
pub fn proof_len(index: u32, count: u32) -> Option<u32> {
	if index >= count {
		return None;
	}
	let (mut position, mut width, mut len) = (index, count, 0);
	while width > 1 {
		let promoted = position % 2 == 0 && position + 1 == width;
		if !promoted {
			len += 1;
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	Some(len)
}

/// Whether `leaf_hash` is leaf `index` of the tree of `count` leaves with root `root`.
pub fn verify_hash(root: &H256, count: u32, index: u32, leaf_hash: H256, proof: &[H256]) -> bool {
	if proof_len(index, count) != Some(proof.len() as u32) {
		return false;
	}
	binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
		root,
		proof.iter().copied(),
		count,
		index,
		binary_merkle_tree::Leaf::Hash(leaf_hash),
	)
}

/// Whether `leaf` is leaf `index` of the tree of `count` leaves with root `root`.
pub fn verify(root: &H256, count: u32, index: u32, leaf: &TaskLeaf, proof: &[H256]) -> bool {
	verify_hash(root, count, index, leaf.hash(), proof)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::work::{output_hash, MicroTask, TaskInput, TileRect};
	use proptest::prelude::*;

	fn leaf(i: u32) -> TaskLeaf {
		TaskLeaf {
			task: MicroTask {
				id: i,
				session: 0,
				input: TaskInput::RenderTile {
					game: 1,
					state_hash: H256::repeat_byte(i as u8),
					frame: i / 16,
					width: 640,
					height: 360,
					tile: TileRect { x: (i % 4) as u16 * 160, y: ((i / 4) % 4) as u16 * 90, w: 160, h: 90 },
				},
			},
			output_seal: crate::work::seal(&output_hash(&i.to_le_bytes()), &H256::zero()),
		}
	}

	fn leaves(n: u32) -> Vec<TaskLeaf> {
		(0..n).map(leaf).collect()
	}

	#[test]
	fn small_trees_have_the_shape_we_expect() {
		assert_eq!(root(&[]), H256::zero());
		let one = leaves(1);
		assert_eq!(root(&one), one[0].hash());
		assert_eq!(proof(&one, 0).map(|p| p.len()), Some(0));
		assert!(verify(&root(&one), 1, 0, &one[0], &[]));
		assert_eq!(proof_len(2, 3), Some(1)); // promoted once
		assert_eq!(proof_len(0, 3), Some(2));
		assert_eq!(proof_len(4, 5), Some(1));
		assert_eq!(proof_len(0, 1 << 20), Some(20));
		assert_eq!(proof_len(3, 3), None);
		assert_eq!(proof(&leaves(3), 3), None);
	}

	#[test]
	fn an_inner_node_cannot_pass_as_a_leaf() {
		let ls = leaves(4);
		let hashes: Vec<H256> = ls.iter().map(TaskLeaf::hash).collect();
		let r = root(&ls);
		let p = proof_of_hashes(&hashes, 0).expect("leaf 0");
		// The parent of leaves 0 and 1 with the proof's upper half is a valid path of length 1,
		// which the strict length check refuses.
		let inner = binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(hashes[..2].iter().copied());
		assert!(!verify_hash(&r, 4, 0, inner, &p[1..]));
		assert!(verify_hash(&r, 4, 0, hashes[0], &p));
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		#[test]
		fn every_leaf_proof_verifies(n in 1u32..300, pick in any::<u32>()) {
			let ls = leaves(n);
			let r = root(&ls);
			let i = pick % n;
			let p = proof(&ls, i).expect("in range");
			prop_assert_eq!(Some(p.len() as u32), proof_len(i, n));
			prop_assert!(verify(&r, n, i, &ls[i as usize], &p));
		}

		#[test]
		fn a_changed_leaf_index_or_sibling_fails(n in 2u32..300, pick in any::<u32>(), other in any::<u32>(), bit in 0usize..256) {
			let ls = leaves(n);
			let r = root(&ls);
			let i = pick % n;
			let p = proof(&ls, i).expect("in range");

			// Another leaf in this position.
			let mut changed = ls[i as usize].clone();
			changed.output_seal.0[bit / 8] ^= 1 << (bit % 8);
			prop_assert!(!verify(&r, n, i, &changed, &p));

			// The same leaf claimed at another index.
			let j = other % n;
			if j != i {
				prop_assert!(!verify(&r, n, j, &ls[i as usize], &p));
			}

			// A flipped bit in any sibling.
			if !p.is_empty() {
				let mut bad = p.clone();
				let k = (other as usize) % bad.len();
				bad[k].0[bit / 8] ^= 1 << (bit % 8);
				prop_assert!(!verify(&r, n, i, &ls[i as usize], &bad));
				// A sibling dropped, or one too many.
				prop_assert!(!verify(&r, n, i, &ls[i as usize], &p[1..]));
			}
			let mut longer = p.to_vec();
			longer.push(H256::zero());
			prop_assert!(!verify(&r, n, i, &ls[i as usize], &longer));

			// Out of range.
			prop_assert!(!verify(&r, n, n, &ls[i as usize], &p));
		}
	}
}
