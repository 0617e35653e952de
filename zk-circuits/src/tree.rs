//! The append-only note tree: a binary Merkle tree of depth `D` over Poseidon, whose leaves are
//! note commitments in the order they were created.
//!
//! - [`Frontier`] is what the chain keeps: the next index, one "filled subtree" per level and
//!   the root — `D` field elements, `O(D)` hashes per insertion, no `std`.
//! - [`MerkleTree`] (with `std`) keeps every node, so a wallet can produce the path of any leaf.
//!
//! Empty leaves are zero; an empty subtree of height `h` hashes to [`zeros`]`[h]`. The root of
//! the empty tree is never a valid anchor (the pallet refuses it).

use crate::{poseidon::compress, Fr};
use ark_ff::Zero;
use ark_std::vec::Vec;

/// The root of an empty subtree of each height `0..=D`.
pub fn zeros<const D: usize>() -> Vec<Fr> {
	let mut z = Vec::with_capacity(D + 1);
	z.push(Fr::zero());
	for h in 0..D {
		z.push(compress(z[h], z[h]));
	}
	z
}

/// Why a leaf can't be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeError {
	/// All `2^D` leaves are used.
	Full,
}

/// The right edge of the tree: enough to append leaves and know the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier<const D: usize> {
	/// Index the next leaf gets.
	pub next_index: u64,
	/// For each level, the last left child whose right sibling is still empty.
	pub filled: Vec<Fr>,
	/// The current root.
	pub root: Fr,
}

impl<const D: usize> Default for Frontier<D> {
	fn default() -> Self {
		let z = zeros::<D>();
		Frontier { next_index: 0, filled: z[..D].to_vec(), root: z[D] }
	}
}

impl<const D: usize> Frontier<D> {
	/// Appends `leaf`; returns its index.
	pub fn insert(&mut self, leaf: Fr) -> Result<u64, TreeError> {
		if D < 64 && self.next_index >= 1u64 << D {
			return Err(TreeError::Full);
		}
		let index = self.next_index;
		let z = zeros::<D>();
		let mut node = leaf;
		let mut i = index;
		for level in 0..D {
			if i & 1 == 0 {
				self.filled[level] = node;
				node = compress(node, z[level]);
			} else {
				node = compress(self.filled[level], node);
			}
			i >>= 1;
		}
		self.root = node;
		self.next_index += 1;
		Ok(index)
	}

	/// The root of the empty tree.
	pub fn empty_root() -> Fr {
		zeros::<D>()[D]
	}
}

/// A leaf's authentication path: its index and the sibling at each level, bottom up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
	/// The leaf's index (its bits, lowest first, say whether the node is a right child).
	pub index: u64,
	/// The siblings from the leaf's level up to just below the root.
	pub siblings: Vec<Fr>,
}

impl MerklePath {
	/// The root this path leads to from `leaf`.
	pub fn root(&self, leaf: Fr) -> Fr {
		let mut node = leaf;
		for (level, sibling) in self.siblings.iter().enumerate() {
			node = if (self.index >> level) & 1 == 1 { compress(*sibling, node) } else { compress(node, *sibling) };
		}
		node
	}
}

/// Every node of the tree (only the non-empty prefix of each level is stored).
#[cfg(feature = "std")]
#[derive(Clone, Debug)]
pub struct MerkleTree<const D: usize> {
	levels: Vec<Vec<Fr>>,
	zeros: Vec<Fr>,
}

#[cfg(feature = "std")]
impl<const D: usize> Default for MerkleTree<D> {
	fn default() -> Self {
		MerkleTree { levels: vec![Vec::new(); D + 1], zeros: zeros::<D>() }
	}
}

#[cfg(feature = "std")]
impl<const D: usize> MerkleTree<D> {
	/// Number of leaves.
	pub fn len(&self) -> u64 {
		self.levels[0].len() as u64
	}

	/// Whether the tree has no leaves.
	pub fn is_empty(&self) -> bool {
		self.levels[0].is_empty()
	}

	/// Appends `leaf`; returns its index.
	pub fn insert(&mut self, leaf: Fr) -> Result<u64, TreeError> {
		if D < 64 && self.len() >= 1u64 << D {
			return Err(TreeError::Full);
		}
		let index = self.len();
		self.levels[0].push(leaf);
		let mut i = index as usize;
		for level in 0..D {
			let parent = i / 2;
			let left = self.node(level, parent * 2);
			let right = self.node(level, parent * 2 + 1);
			let h = compress(left, right);
			if parent < self.levels[level + 1].len() {
				self.levels[level + 1][parent] = h;
			} else {
				self.levels[level + 1].push(h);
			}
			i = parent;
		}
		Ok(index)
	}

	/// The current root.
	pub fn root(&self) -> Fr {
		self.node(D, 0)
	}

	/// The path of leaf `index`, if it exists.
	pub fn path(&self, index: u64) -> Option<MerklePath> {
		if index >= self.len() {
			return None;
		}
		let mut i = index as usize;
		let siblings = (0..D)
			.map(|level| {
				let s = self.node(level, i ^ 1);
				i /= 2;
				s
			})
			.collect();
		Some(MerklePath { index, siblings })
	}

	fn node(&self, level: usize, i: usize) -> Fr {
		self.levels[level].get(i).copied().unwrap_or(self.zeros[level])
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn an_empty_tree_has_the_zero_root_and_a_full_one_refuses_leaves() {
		assert_eq!(Frontier::<4>::default().root, zeros::<4>()[4]);
		assert_eq!(MerkleTree::<4>::default().root(), Frontier::<4>::empty_root());
		let mut f = Frontier::<2>::default();
		let mut t = MerkleTree::<2>::default();
		for i in 0..4u64 {
			assert_eq!(f.insert(Fr::from(i + 1)), Ok(i));
			assert_eq!(t.insert(Fr::from(i + 1)), Ok(i));
		}
		assert_eq!(f.insert(Fr::from(9u64)), Err(TreeError::Full));
		assert_eq!(t.insert(Fr::from(9u64)), Err(TreeError::Full));
		assert_eq!(f.root, t.root());
		// Small enough to check by hand.
		let l = |a: u64, b: u64| compress(Fr::from(a), Fr::from(b));
		assert_eq!(t.root(), compress(l(1, 2), l(3, 4)));
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(24))]
		#[test]
		fn the_frontier_and_the_full_tree_agree_and_every_path_verifies(leaves in proptest::collection::vec(any::<u64>(), 1..40)) {
			let mut f = Frontier::<8>::default();
			let mut t = MerkleTree::<8>::default();
			for (i, v) in leaves.iter().enumerate() {
				prop_assert_eq!(f.insert(Fr::from(*v)), Ok(i as u64));
				t.insert(Fr::from(*v)).unwrap();
				prop_assert_eq!(f.root, t.root());
			}
			for (i, v) in leaves.iter().enumerate() {
				let path = t.path(i as u64).unwrap();
				prop_assert_eq!(path.root(Fr::from(*v)), t.root());
				// Another leaf, or the same leaf at another index, doesn't.
				prop_assert_ne!(path.root(Fr::from(v.wrapping_add(1))), t.root());
				let moved = MerklePath { index: path.index ^ 1, ..path.clone() };
				prop_assert!(moved.root(Fr::from(*v)) != t.root() || leaves.get(i ^ 1) == Some(v));
			}
			prop_assert!(t.path(leaves.len() as u64).is_none());
		}
	}
}
