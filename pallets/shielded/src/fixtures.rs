//! Proven transactions for the benchmarks, which can't prove (no prover in the runtime): a
//! shield of [`SHIELD`] units, then an unshield that spends its note, paying [`UNSHIELD`] to a
//! recipient and [`FEE`] to a relayer (the most expensive `transact`: two nullifiers, two notes
//! of the longest allowed size, two transfers out of the pool).
//!
//! A proof commits to the SCALE encoding of its external data, so each runtime's account,
//! balance and block-number types need their own set: [`RUNTIME`] for `pgt-runtime`
//! (AccountId32, u128, u32) and [`MOCK`] for this crate's mock (u64 everywhere). Both are
//! proven under the INSECURE dev key against genesis hash [`GENESIS_HASH`], and are
//! regenerated, deterministically, by `PGT_BLESS=1 cargo test -p pallet-pgt-shielded fixtures`
//! (which otherwise checks that the committed files are what it would write).

use crate::TransactionInputs;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use pgt_primitives::shielded::ExtData;

/// Units shielded by the fixture's first transaction.
pub const SHIELD: u64 = 10_000_000_000_000;
/// Units the second pays to its recipient.
pub const UNSHIELD: u64 = 3_000_000_000_000;
/// Units it pays its relayer.
pub const FEE: u64 = 10_000_000_000;
/// Last block the fixtures may be included in.
pub const EXPIRY: u32 = 1_000_000;
/// The genesis hash the fixtures are bound to (the benchmarks write it as block 0's hash).
pub const GENESIS_HASH: [u8; 32] = [0x42; 32];

/// The `pgt-runtime` fixture (SCALE-encoded [`Fixture`]).
pub const RUNTIME: &[u8] = include_bytes!("../fixtures/runtime.scale");
/// The mock runtime's fixture.
pub const MOCK: &[u8] = include_bytes!("../fixtures/mock.scale");

/// One proven `transact` call.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FixtureTx<A, B, N> {
	/// The proof.
	pub proof: Vec<u8>,
	/// Its public inputs.
	pub inputs: TransactionInputs,
	/// Its external data.
	pub ext: ExtData<A, B, N>,
	/// Its encrypted notes.
	pub notes: [Vec<u8>; 2],
}

/// The two transactions and the accounts the second pays.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Fixture<A, B, N> {
	/// The shield (dummy inputs, against the genesis tree).
	pub shield: FixtureTx<A, B, N>,
	/// The unshield (spends the shield's first output, against the tree after it).
	pub unshield: FixtureTx<A, B, N>,
}
