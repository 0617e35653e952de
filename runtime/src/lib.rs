//! # The PGT runtime
//!
//! The state transition function of the Gaming per sec chain:
//!
//! - **System** (`frame-system`) and **Timestamp** (`pallet-timestamp`). See [`configs::system`].
//! - **Consensus** (`pallet-babe`, `pallet-grandpa`, `pallet-authorship`): BABE block production
//!   (its VRF output is the chain's randomness) with a fixed set of genesis authorities, and
//!   GRANDPA finality; Authorship names the block author that fees pay. See [`configs::consensus`].
//! - **PGT**, the native token (`pallet-balances`, 12 decimals).
//! - **Fees** (`pallet-transaction-payment` + `pallet-pgt-fees`): a share of every fee is burned,
//!   a share goes to the treasury, the rest to the block author. See [`configs::fees`].
//! - **Treasury** (`pallet-treasury`) funds bug bounties and grants; **Sudo** for the early chain.
//! - **The compute economy** (`pallet-pgt-contributors`, `pallet-pgt-sessions`): contributors
//!   stake and serve gaming sessions, players pay from an escrow, a share is burned. See
//!   [`configs::economy`].
//! - **Work verification** (`pallet-pgt-work`): hosts commit Merkle roots of their micro-tasks,
//!   the chain challenges random leaves, drawn auditors recompute them, cheaters are slashed.
//!   See [`configs::work`].
//! - **Shielded PGT** (`pallet-pgt-shielded`): a Groth16 shielded pool verified through the
//!   node's BLS12-381 host functions. See [`configs::shielded`].
//!
//! Pallet configuration lives in [`configs`], one file per concern; runtime APIs in `apis`;
//! genesis presets in [`genesis_config_presets`].
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` / `impl_runtime_apis` need a higher recursion limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

// Before `apis`: it defines the `list_benchmarks!`/`add_benchmarks!` macros `apis` uses.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
mod apis;
pub use apis::RuntimeApi;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_executive, frame_support, frame_system, pallet_transaction_payment,
	sp_runtime::{generic, impl_opaque_keys},
	sp_version::{self, RuntimeVersion},
};

pub use pgt_primitives::{
	AccountId, Address, Balance, BlockNumber, Hash, Nonce, Signature, EXISTENTIAL_DEPOSIT, MILLISECS_PER_BLOCK, PGT,
	SLOT_DURATION,
};

/// Opaque types: what the node knows of blocks and keys without knowing the runtime's calls.
pub mod opaque {
	use super::*;
	pub use pgt_primitives::{Header, OpaqueBlock as Block};

	/// An opaque block id (hash).
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The keys a validator holds: BABE to author blocks, GRANDPA to vote on finality.
		pub struct SessionKeys {
			/// Block authoring (BABE, sr25519).
			pub babe: super::Babe,
			/// Finality voting (GRANDPA, ed25519).
			pub grandpa: super::Grandpa,
		}
	}
}

pub use opaque::SessionKeys;

/// The runtime's version: wallets read `spec_name`, `spec_version` and `transaction_version`.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("pgt"),
	impl_name: alloc::borrow::Cow::Borrowed("pgt-node"),
	authoring_version: 1,
	// Bump on every change of the runtime's behaviour.
	spec_version: 100,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	// Bump when the encoding of calls or transaction extensions changes.
	transaction_version: 1,
	system_version: 1,
};

/// BABE epoch length in blocks (and slots): 10 minutes.
pub const EPOCH_DURATION_IN_SLOTS: BlockNumber = pgt_primitives::MINUTES * 10;

/// How BABE assigns slots: primary VRF slots with probability 1/4, and secondary slots so every
/// slot gets a block even with one validator.
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

/// The BABE configuration the chain starts with.
pub const BABE_GENESIS_EPOCH_CONFIG: polkadot_sdk::sp_consensus_babe::BabeEpochConfiguration =
	polkadot_sdk::sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: polkadot_sdk::sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// The block header (shared with off-chain code).
pub use pgt_primitives::Header;

/// A block of this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed transaction carries (the "signed extensions" wallets
/// know): no-zero sender, spec and transaction version, genesis, mortality, nonce, weight, fee
/// payment, and weight reclaim.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it arrives from outside.
pub type UncheckedExtrinsic = generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Runs blocks: dispatches extrinsics to the pallets.
pub type Executive =
	frame_executive::Executive<Runtime, Block, frame_system::ChainContext<Runtime>, Runtime, AllPalletsWithSystem>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = polkadot_sdk::frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = polkadot_sdk::pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Babe = polkadot_sdk::pallet_babe;
	#[runtime::pallet_index(3)]
	pub type Authorship = polkadot_sdk::pallet_authorship;
	#[runtime::pallet_index(4)]
	pub type Grandpa = polkadot_sdk::pallet_grandpa;
	#[runtime::pallet_index(5)]
	pub type Balances = polkadot_sdk::pallet_balances;
	#[runtime::pallet_index(6)]
	pub type TransactionPayment = polkadot_sdk::pallet_transaction_payment;
	#[runtime::pallet_index(7)]
	pub type Fees = pallet_pgt_fees;
	#[runtime::pallet_index(8)]
	pub type Treasury = polkadot_sdk::pallet_treasury;
	#[runtime::pallet_index(9)]
	pub type Sudo = polkadot_sdk::pallet_sudo;
	#[runtime::pallet_index(10)]
	pub type Contributors = pallet_pgt_contributors;
	#[runtime::pallet_index(11)]
	pub type Sessions = pallet_pgt_sessions;
	#[runtime::pallet_index(12)]
	pub type Work = pallet_pgt_work;
	#[runtime::pallet_index(13)]
	pub type Shielded = pallet_pgt_shielded;
}
