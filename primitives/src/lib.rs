//! Types shared by the PGT runtime and the off-chain parts of the network (worker, player,
//! wallet). `no_std`, so the runtime can use them in WASM.
//!
//! Everything that two parts of the system must agree on byte for byte lives here: the account
//! and balance types, the block number, the units of the native token **PGT**
//! ([`currency`]), contributors' hardware profiles and the registry trait ([`contributors`]),
//! reputation math ([`reputation`]), session receipts ([`sessions`]), the dynamic rate
//! ([`rate`]), and the micro-tasks of verifiable work with their Merkle tree ([`work`],
//! [`merkle`]), and the external data of shielded transactions ([`shielded`]).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use polkadot_sdk::{
	sp_core::H256,
	sp_runtime::{
		generic,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiAddress, MultiSignature, OpaqueExtrinsic,
	},
};

pub mod contributors;
pub mod currency;
pub mod merkle;
pub mod rate;
pub mod reputation;
pub mod sessions;
pub mod shielded;
pub mod work;

pub use currency::*;

/// A block number. `u32` lasts 800+ years at 6 s blocks.
pub type BlockNumber = u32;

/// The signature type accounts sign with (sr25519, ed25519 or ecdsa), as every Polkadot wallet
/// expects.
pub type Signature = MultiSignature;

/// An account on the chain: a 32-byte public key (or the hash of one, for ecdsa).
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// The address format of extrinsics: `MultiAddress`, so wallets can also use indices or raw ids.
pub type Address = MultiAddress<AccountId, ()>;

/// A balance of PGT, in plancks (1 PGT = 10^12 plancks).
pub type Balance = u128;

/// An account's transaction counter.
pub type Nonce = u32;

/// The hashing algorithm of blocks and the state trie.
pub type Hashing = BlakeTwo256;

/// A hash of a block or of some data.
pub type Hash = H256;

/// The header of a block.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// A block whose extrinsics are kept opaque: what the node and off-chain code see without
/// knowing the runtime's calls.
pub type OpaqueBlock = generic::Block<Header, OpaqueExtrinsic>;

/// The SS58 prefix of PGT addresses (42, the generic Substrate prefix, so dev tools and wallets
/// show the well-known `5…` addresses).
pub const SS58_PREFIX: u16 = 42;

/// Target block time. BABE slots have this length.
pub const MILLISECS_PER_BLOCK: u64 = 6000;

/// Length of a BABE slot, equal to the block time.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Number of blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn time_units_follow_block_time() {
		assert_eq!(MINUTES, 10);
		assert_eq!(HOURS, 600);
		assert_eq!(DAYS, 14_400);
	}
}
