//! Chain specifications: `dev` (one validator, Alice) and `local` (Alice, Bob, Charlie, Dave).
//!
//! Both are built from the runtime's genesis presets; the chain properties tell wallets that the
//! token is PGT with 12 decimals and that addresses use SS58 prefix 42.

use pgt_primitives::{DECIMALS, SS58_PREFIX, TOKEN_SYMBOL};
use pgt_runtime::{genesis_config_presets, WASM_BINARY};
use polkadot_sdk::{sc_chain_spec::Properties, sc_service::ChainType};

/// The chain specification type of `pgt-node` (no extensions).
pub type ChainSpec = polkadot_sdk::sc_service::GenericChainSpec;

/// Chain properties every wallet reads: `tokenSymbol`, `tokenDecimals`, `ss58Format`.
pub fn properties() -> Properties {
	let mut p = Properties::new();
	p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	p.insert("tokenDecimals".into(), DECIMALS.into());
	p.insert("ss58Format".into(), SS58_PREFIX.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime WASM is not available: this node was built with SKIP_WASM_BUILD".to_string())
}

fn chain_spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("pgt")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// The single-validator development chain (`--dev`, `--chain dev`).
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	chain_spec("PGT Development", "pgt_dev", ChainType::Development, genesis_config_presets::DEVELOPMENT)
}

/// The four-validator local test network (`--chain local`).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	chain_spec("PGT Local Testnet", "pgt_local_testnet", ChainType::Local, genesis_config_presets::LOCAL_TESTNET)
}
