//! Chain specifications: `dev` (one validator, Alice) and `local` (Alice, Bob, Charlie, Dave).
//!
//! Both are built from the runtime's genesis presets; the chain properties tell wallets that the
//! token is PGT with 12 decimals and that addresses use SS58 prefix 42.
//!
//! Both carry the shielded pool's **INSECURE** dev verifying key (its trusted setup is public), so
//! [`ensure_no_insecure_key`] refuses any other chain (`Live`, `Custom`) whose genesis holds it,
//! or sets the dev-only verification window (`work.windowLength`).

use pgt_primitives::{DECIMALS, SS58_PREFIX, TOKEN_SYMBOL};
use pgt_runtime::{genesis_config_presets, WASM_BINARY};
use polkadot_sdk::{
	sc_chain_spec::{ChainSpecExtension, Properties},
	sc_service::ChainType,
	sc_sync_state_rpc::LightSyncStateExtension,
};

/// What a `pgt-node` chain spec carries besides its genesis.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize, ChainSpecExtension)]
#[serde(rename_all = "camelCase")]
pub struct Extensions {
	/// A checkpoint a light client may start from instead of genesis (the finalized header, BABE's
	/// epochs and GRANDPA's authority set): empty in the built-in specs, filled in by the node's
	/// `sync_state_genSyncSpec`.
	pub light_sync_state: LightSyncStateExtension,
}

/// The chain specification type of `pgt-node`.
pub type ChainSpec = polkadot_sdk::sc_service::GenericChainSpec<Extensions>;

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
	Ok(ChainSpec::builder(wasm()?, Extensions::default())
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

/// Refuses `spec` if it is not a `Development` or `Local` chain but its genesis sets the shielded
/// pool's INSECURE dev verifying key: anyone can forge proofs against that key (its toxic waste
/// is public), so a real network must not start with it.
pub fn ensure_no_insecure_key(spec: &dyn polkadot_sdk::sc_service::ChainSpec) -> Result<(), String> {
	use polkadot_sdk::sp_runtime::BuildStorage;
	if matches!(spec.chain_type(), ChainType::Development | ChainType::Local) {
		return Ok(());
	}
	let keys_of = |storage: &polkadot_sdk::sp_core::storage::Storage| -> Vec<Vec<u8>> {
		let prefix = verifying_keys_prefix();
		storage.top.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(_, v)| v.clone()).collect()
	};
	let storage = spec.build_storage()?;
	// Short verification windows are for tests: on a real network every host would commit every
	// few blocks (1,000 hosts with 3-block windows: 333 commitments a block).
	if storage.top.contains_key(&storage_key(b"Work", b"GenesisWindowLength")) {
		return Err(format!(
			"chain '{}' is a {:?} chain but its genesis sets a verification window length (work.windowLength), \
			 which is for dev and test chains only; leave it out, or use a Development or Local chain",
			spec.id(),
			spec.chain_type()
		));
	}
	let insecure = keys_of(&development_chain_spec()?.build_storage()?);
	if keys_of(&storage).iter().any(|key| insecure.contains(key)) {
		return Err(format!(
			"chain '{}' is a {:?} chain but its genesis sets the INSECURE dev verifying key of the shielded pool \
			 (its trusted setup is public: anyone could forge proofs and drain the pool); set a key from a real \
			 ceremony, or use a Development or Local chain",
			spec.id(),
			spec.chain_type()
		));
	}
	Ok(())
}

/// The storage prefix of `Shielded::VerifyingKeys`.
fn verifying_keys_prefix() -> Vec<u8> {
	storage_key(b"Shielded", b"VerifyingKeys")
}

/// The key of a storage value (the prefix of a map): `twox128(pallet) ‖ twox128(item)`.
fn storage_key(pallet: &[u8], item: &[u8]) -> Vec<u8> {
	let mut key = polkadot_sdk::sp_io::hashing::twox_128(pallet).to_vec();
	key.extend_from_slice(&polkadot_sdk::sp_io::hashing::twox_128(item));
	key
}

/// The four-validator local test network (`--chain local`).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	chain_spec("PGT Local Testnet", "pgt_local_testnet", ChainType::Local, genesis_config_presets::LOCAL_TESTNET)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn as_live(spec: ChainSpec) -> ChainSpec {
		let json = spec.as_json(false).expect("serialises");
		let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
		value["chainType"] = "Live".into();
		ChainSpec::from_json_bytes(serde_json::to_vec(&value).expect("json")).expect("parses")
	}

	#[test]
	fn dev_and_local_chains_may_use_the_insecure_key() {
		ensure_no_insecure_key(&development_chain_spec().expect("dev")).expect("allowed");
		ensure_no_insecure_key(&local_chain_spec().expect("local")).expect("allowed");
	}

	/// The dev spec with `work.windowLength` set in its genesis.
	fn with_short_windows(spec: ChainSpec) -> ChainSpec {
		let json = spec.as_json(false).expect("serialises");
		let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
		let genesis = &mut value["genesis"]["runtimeGenesis"];
		let key = if genesis.get("config").is_some() { "config" } else { "patch" };
		genesis[key]["work"] = serde_json::json!({ "windowLength": 3 });
		ChainSpec::from_json_bytes(serde_json::to_vec(&value).expect("json")).expect("parses")
	}

	#[test]
	fn short_verification_windows_are_for_dev_and_local_chains_only() {
		let dev = with_short_windows(development_chain_spec().expect("dev"));
		ensure_no_insecure_key(&dev).expect("a dev chain may shorten its windows");
		let err = ensure_no_insecure_key(&as_live(dev)).expect_err("refused");
		assert!(err.contains("work.windowLength"), "{err}");
	}

	#[test]
	fn a_live_chain_with_the_insecure_key_is_refused() {
		let live = as_live(development_chain_spec().expect("dev"));
		let err = ensure_no_insecure_key(&live).expect_err("refused");
		assert!(err.contains("INSECURE dev verifying key"), "{err}");
	}
}
