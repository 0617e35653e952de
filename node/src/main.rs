//! `pgt-node`: the PGT chain's node.
//!
//! BABE produces blocks, GRANDPA finalizes them, ParityDB stores them, and the standard
//! JSON-RPC (`system_*`, `chain_*`, `state_*`, `author_*`, `payment_*`, `babe_*`, `grandpa_*`)
//! serves wallets such as Polkadot.js Apps without custom types.
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
