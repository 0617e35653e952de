//! `pgt-zk`: shielded PGT — Poseidon over BLS12-381, the append-only note tree, notes and
//! nullifiers, and the 2-in-2-out Groth16 transaction circuit.
//!
//! `no_std` without the `std` feature: the runtime uses [`poseidon`], [`tree::Frontier`] and
//! [`verify`]; proving, the dev setup and the full tree need `std`. Design: "Shielded PGT" in
//! the architecture notes and `docs/shielded.md`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "circuit")]
pub mod circuit;
pub mod note;
pub mod poseidon;
mod poseidon_constants;
pub mod tree;
pub mod verify;
#[cfg(feature = "std")]
pub mod prove;

pub use ark_bls12_381::{Bls12_381, Fr};

/// Depth of the note tree on chain: 2³² notes.
pub const TREE_DEPTH: usize = 32;
