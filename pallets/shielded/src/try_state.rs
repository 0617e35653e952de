//! The invariants of the shielded pool, checked by `try_state` (feature `try-runtime`) and after
//! every mock test.
//!
//! That the pool account holds exactly the unspent notes' value (plus its genesis existential
//! deposit) cannot be checked here: note values are private by design, and the circuit is what
//! enforces it. The mock tests check it with the values they shielded.

use crate::*;
use polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks what must hold between blocks:
	/// - every leaf after the genesis leaf has its commitment and encrypted note in [`Notes`],
	///   and there are no others;
	/// - the stored root is the tree's root and, once a block has changed the tree, a recent root;
	/// - the verifying key in force exists.
	pub fn check_invariants() -> Result<(), TryRuntimeError> {
		let tree = Self::tree();
		ensure!(
			Notes::<T>::iter_keys().count() as u64 == tree.next_index.saturating_sub(1),
			"the notes differ from the tree's leaves"
		);
		ensure!((1..tree.next_index).all(Notes::<T>::contains_key), "a leaf has no note");
		if let Some(stored) = Tree::<T>::get() {
			ensure!(stored.root == encode_field(&tree.root), "the stored root is not the tree's root");
			// A root becomes a recent root at the end of the block that made it.
			if tree.next_index > 1 && !TreeChanged::<T>::get() {
				ensure!(RecentRoots::<T>::contains_key(stored.root), "the tree's root is not among the recent roots");
			}
		}
		let version = KeyVersion::<T>::get();
		ensure!(version == 0 || VerifyingKeys::<T>::contains_key(version), "the verifying key in force is missing");
		Ok(())
	}
}
