//! # What the PGT pallets share
//!
//! - [`deadlines`]: the deadline queue (an *agenda*, in pallet-scheduler's words) that the
//!   sessions pallet keeps its accept and receipt timeouts in and the work pallet its challenge
//!   draws and audit closes: one bounded list of items per block, filled at most
//!   [`deadlines::MAX_SLIP`] blocks after the wanted block, emptied by `on_initialize`;
//! - `testing` (std): test externalities that check a mock runtime's invariants after every test.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod deadlines;
#[cfg(feature = "std")]
pub mod testing;
