//! # What the PGT pallets share
//!
//! - [`deadlines`]: the deadline queue (an *agenda*, in pallet-scheduler's words) that the
//!   sessions pallet keeps its accept and receipt timeouts in and the work pallet its challenge
//!   draws and audit closes: any number of items per block, handed out by `on_initialize` a
//!   bounded number per block, never before their block;
//! - `testing` (std): test externalities that check a mock runtime's invariants after every test.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod deadlines;
#[cfg(feature = "std")]
pub mod testing;
