//! What the shielded pool's pallet and its wallets must agree on byte for byte: the encoding of
//! public inputs, the external data a proof commits to, and how that data is hashed.
//!
//! The proof system itself (Poseidon, the note tree, the Groth16 circuit) is in `pgt-zk`
//! (`zk-circuits/`); this module only holds what a transaction carries on chain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::traits::{BlakeTwo256, Hash as _};
use scale_info::TypeInfo;

/// A BLS12-381 scalar field element: 32 bytes, little endian, below the modulus.
pub type FieldBytes = [u8; 32];

/// Domain tag at the start of what [`ext_data_hash`] hashes.
pub const EXT_DATA_CONTEXT: &[u8] = b"pgt/shielded-ext/v1";

/// The public part of a shielded transaction that is not a field element of the proof: who
/// gets paid and what, on which chain, until when. Its hash ([`ext_data_hash`]) is a public input,
/// so changing any of it (or the encrypted notes) makes the proof invalid.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct ExtData<AccountId, Balance, BlockNumber> {
	/// Where an unshielded amount goes (`None` for shields and private transfers).
	pub recipient: Option<AccountId>,
	/// Value entering the pool (> 0, paid by the caller), leaving it (< 0, paid to
	/// `recipient`), or 0 for a private transfer; in PGT's smallest unit.
	pub ext_amount: i128,
	/// Who is paid `fee` from the pool for submitting the transaction (`None` if no fee).
	pub relayer: Option<AccountId>,
	/// Paid from the pool to `relayer`; the notes pay it (public amount = ext_amount − fee).
	pub fee: Balance,
	/// Last block the transaction may be included in.
	pub expiry: BlockNumber,
}

/// The hash of the external data as a field element: BLAKE2b-256 of [`EXT_DATA_CONTEXT`], the
/// chain's genesis hash, `ext` and the encrypted output notes, SCALE encoded, with the top byte
/// cleared (so the value is below 2^248, always below the field modulus).
pub fn ext_data_hash<A: Encode, B: Encode, N: Encode>(
	genesis_hash: &[u8; 32],
	ext: &ExtData<A, B, N>,
	encrypted_notes: &[&[u8]],
) -> FieldBytes {
	let mut h: [u8; 32] = BlakeTwo256::hash(&(EXT_DATA_CONTEXT, genesis_hash, ext, encrypted_notes).encode()).0;
	h[31] = 0;
	h
}

#[cfg(test)]
mod tests {
	use super::*;

	fn ext() -> ExtData<u64, u128, u32> {
		ExtData { recipient: Some(7), ext_amount: -3, relayer: None, fee: 0, expiry: 100 }
	}

	#[test]
	fn every_field_the_chain_and_the_notes_change_the_hash() {
		let g = [1u8; 32];
		let h = ext_data_hash(&g, &ext(), &[b"a", b"b"]);
		assert_eq!(h[31], 0, "always a canonical field element");
		assert_ne!(ext_data_hash(&[2u8; 32], &ext(), &[b"a", b"b"]), h, "another chain");
		assert_ne!(ext_data_hash(&g, &ExtData { recipient: Some(8), ..ext() }, &[b"a", b"b"]), h);
		assert_ne!(ext_data_hash(&g, &ExtData { ext_amount: -4, ..ext() }, &[b"a", b"b"]), h);
		assert_ne!(ext_data_hash(&g, &ExtData { relayer: Some(1), ..ext() }, &[b"a", b"b"]), h);
		assert_ne!(ext_data_hash(&g, &ExtData { fee: 1, ..ext() }, &[b"a", b"b"]), h);
		assert_ne!(ext_data_hash(&g, &ExtData { expiry: 101, ..ext() }, &[b"a", b"b"]), h);
		assert_ne!(ext_data_hash(&g, &ext(), &[b"b", b"a"]), h, "the encrypted notes");
	}
}
