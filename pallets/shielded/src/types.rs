//! Storage types of the shielded pool.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use pgt_primitives::shielded::FieldBytes;
use pgt_zk::{
	tree::Frontier,
	verify::{decode_field, encode_field},
	TREE_DEPTH,
};
use polkadot_sdk::{sp_core::ConstU32, sp_runtime::BoundedVec};
use scale_info::TypeInfo;

/// The note tree as the chain keeps it: the next leaf index, one filled subtree per level and
/// the root (see `pgt_zk::tree::Frontier`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct TreeState {
	/// Index the next commitment gets (= number of leaves).
	pub next_index: u64,
	/// The filled subtree of each level, bottom up.
	pub filled: BoundedVec<FieldBytes, ConstU32<{ TREE_DEPTH as u32 }>>,
	/// The root.
	pub root: FieldBytes,
}

impl TreeState {
	/// Into the arithmetic form. Storage only ever holds values written by [`TreeState::from`],
	/// so every element decodes; a corrupt one would read as zero.
	pub fn frontier(&self) -> Frontier<TREE_DEPTH> {
		let fe = |b: &FieldBytes| decode_field(b).unwrap_or_default();
		Frontier { next_index: self.next_index, filled: self.filled.iter().map(fe).collect(), root: fe(&self.root) }
	}
}

impl From<&Frontier<TREE_DEPTH>> for TreeState {
	fn from(f: &Frontier<TREE_DEPTH>) -> Self {
		TreeState {
			next_index: f.next_index,
			filled: BoundedVec::truncate_from(f.filled.iter().map(encode_field).collect()),
			root: encode_field(&f.root),
		}
	}
}

/// The public inputs of a transaction other than those the chain computes itself (public
/// amount and external-data hash).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct TransactionInputs {
	/// The tree root the proof is made against (must be recent).
	pub root: FieldBytes,
	/// Nullifiers of the two notes spent.
	pub nullifiers: [FieldBytes; 2],
	/// Commitments of the two notes created.
	pub commitments: [FieldBytes; 2],
}

/// A verifying key as stored: its compressed bytes (checked when set), laid out for
/// verification, and `e(alpha, beta)`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct StoredKey {
	/// The key, compressed.
	pub key: BoundedVec<u8, ConstU32<{ crate::MAX_KEY_LEN }>>,
	/// `e(alpha, beta)`, uncompressed (576 bytes).
	pub alpha_beta: BoundedVec<u8, ConstU32<{ pgt_zk::verify::ALPHA_BETA_LEN as u32 }>>,
	/// What verification reads (`pgt_zk::verify::PreparedKey`, `PREPARED_KEY_LEN` bytes):
	/// `-gamma`, `-delta` and the public inputs' bases (each shifted by every 16-bit chunk
	/// offset), uncompressed, in the encoding the BLS12-381 host calls take.
	pub prepared: BoundedVec<u8, ConstU32<{ pgt_zk::verify::PREPARED_KEY_LEN as u32 }>>,
}
