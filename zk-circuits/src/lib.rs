//! `pgt-zk`: shielded PGT — Poseidon over BLS12-381, the append-only note tree, notes and
//! nullifiers, and the 2-in-2-out Groth16 transaction circuit.
//!
//! `no_std` without the `std` feature: the runtime uses [`poseidon`], [`tree::Frontier`] and
//! [`verify`]; proving, the dev setup and the full tree need `std`. Design: "Shielded PGT" in
//! `docs/architecture.md` and `docs/shielded.md`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "circuit")]
pub mod circuit;
#[cfg(any(feature = "test-utils", all(test, feature = "std")))]
pub mod examples;
pub mod note;
pub mod poseidon;
mod poseidon_constants;
#[cfg(feature = "std")]
pub mod prove;
pub mod tree;
pub mod verify;

pub use ark_bls12_381::{Bls12_381, Fr};

/// Depth of the note tree on chain: 2^32 notes.
pub const TREE_DEPTH: usize = 32;

/// The verifying key of the **INSECURE dev setup** for depth [`TREE_DEPTH`] (compressed): for
/// dev and test chains only. Anyone can recompute that setup's secrets and forge proofs; a
/// production chain sets the key of a real ceremony by Root (see `docs/shielded.md`).
pub const INSECURE_DEV_VERIFYING_KEY: &[u8] = include_bytes!("../keys/tx-depth32.INSECURE-dev.vk");
