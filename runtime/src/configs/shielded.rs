//! The shielded pool: Groth16 proofs verified through the node's BLS12-381 host functions.

use crate::{Balances, BlockNumber, Runtime, RuntimeEvent};
use polkadot_sdk::frame_support::{parameter_types, PalletId};

parameter_types! {
	/// The pool account is derived from this id.
	pub const ShieldedPalletId: PalletId = PalletId(*b"pgt/shld");
	/// A root is a valid anchor for 100 blocks (10 minutes) after it was last current: time
	/// enough to prove (well under a second) and to get included while others transact.
	pub const RootHistory: BlockNumber = 100;
	/// An encrypted note: an X25519 public key, a nonce, the note and the AEAD tag fit in 256 bytes.
	pub const MaxEncryptedNoteLen: u32 = 256;
}

impl pallet_pgt_shielded::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Verifier = pallet_pgt_shielded::HostCallVerifier;
	type PalletId = ShieldedPalletId;
	type RootHistory = RootHistory;
	type MaxEncryptedNoteLen = MaxEncryptedNoteLen;
	type WeightInfo = pallet_pgt_shielded::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkFixture = ShieldedBenchmarkFixture;
}

#[cfg(feature = "runtime-benchmarks")]
parameter_types! {
	/// The benchmarks' proven transactions for this runtime's account, balance and block types.
	pub ShieldedBenchmarkFixture: &'static [u8] = pallet_pgt_shielded::fixtures::RUNTIME;
}
