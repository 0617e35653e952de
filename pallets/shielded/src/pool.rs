//! The pool and its note tree: the pool account, the tree as stored, and which roots proofs may
//! be made against.

use crate::*;
use polkadot_sdk::frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// The pool account: it holds all shielded PGT.
	pub fn pool_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The note tree now.
	pub fn tree() -> Frontier<TREE_DEPTH> {
		match Tree::<T>::get() {
			Some(t) => t.frontier(),
			None => {
				let mut f = Frontier::default();
				let _ = f.insert(genesis_leaf());
				f
			},
		}
	}

	/// The chain's genesis hash as the transactions' external data binds it.
	pub fn genesis_hash() -> [u8; 32] {
		let h = polkadot_sdk::frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let mut out = [0u8; 32];
		let bytes = h.as_ref();
		let n = bytes.len().min(32);
		out[..n].copy_from_slice(&bytes[..n]);
		out
	}

	/// Whether `root` may be proven against now.
	pub fn is_known_root(root: &FieldBytes) -> bool {
		Self::is_anchor(root, &Self::tree())
	}

	/// Whether `root` is `tree`'s current root or a recent one.
	pub(crate) fn is_anchor(root: &FieldBytes, tree: &Frontier<TREE_DEPTH>) -> bool {
		*root == encode_field(&tree.root) || RecentRoots::<T>::contains_key(root)
	}
}
