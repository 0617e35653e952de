//! The chain specifications the built `pgt-node` hands out, read the way tools read them.

use std::process::Command;

fn export_chain_spec(chain: &str) -> serde_json::Value {
	let out = Command::new(env!("CARGO_BIN_EXE_pgt-node"))
		.args(["export-chain-spec", "--chain", chain])
		.output()
		.expect("pgt-node runs");
	assert!(out.status.success(), "export-chain-spec failed: {}", String::from_utf8_lossy(&out.stderr));
	serde_json::from_slice(&out.stdout).expect("chain spec is JSON")
}

fn preset_patch(spec: &serde_json::Value) -> &serde_json::Value {
	&spec["genesis"]["runtimeGenesis"]["patch"]
}

#[test]
fn dev_chain_spec_tells_wallets_the_token_is_pgt_with_12_decimals() {
	let spec = export_chain_spec("dev");
	assert_eq!(spec["name"], "PGT Development");
	assert_eq!(spec["chainType"], "Development");
	assert_eq!(spec["properties"]["tokenSymbol"], "PGT");
	assert_eq!(spec["properties"]["tokenDecimals"], 12);
	assert_eq!(spec["properties"]["ss58Format"], 42);
	let authorities = preset_patch(&spec)["babe"]["authorities"].as_array().expect("babe authorities");
	assert_eq!(authorities.len(), 1, "Alice alone validates the dev chain");
}

#[test]
fn local_chain_spec_has_four_babe_and_grandpa_authorities() {
	let spec = export_chain_spec("local");
	assert_eq!(spec["chainType"], "Local");
	let patch = preset_patch(&spec);
	assert_eq!(patch["babe"]["authorities"].as_array().map(Vec::len), Some(4));
	assert_eq!(patch["grandpa"]["authorities"].as_array().map(Vec::len), Some(4));
	assert_eq!(spec["properties"]["tokenSymbol"], "PGT");
}

#[test]
fn an_unknown_chain_is_a_clear_error() {
	let out = Command::new(env!("CARGO_BIN_EXE_pgt-node"))
		.args(["export-chain-spec", "--chain", "/nonexistent/spec.json"])
		.output()
		.expect("pgt-node runs");
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("spec.json"), "the error names the file: {stderr}");
}

/// Building genesis storage runs the runtime's genesis builder in WASM, in an executor with only
/// Substrate's host functions (as `build-spec --raw` and node start-up do): nothing at genesis
/// may need the BLS12-381 host calls. The shielded pool's verifying key is set there.
#[test]
fn the_raw_dev_chain_spec_builds_genesis_storage() {
	for chain in ["dev", "local"] {
		let out = Command::new(env!("CARGO_BIN_EXE_pgt-node"))
			.args(["build-spec", "--chain", chain, "--raw"])
			.output()
			.expect("pgt-node runs");
		assert!(
			out.status.success(),
			"build-spec --raw --chain {chain} failed: {}",
			String::from_utf8_lossy(&out.stderr)
		);
		let spec: serde_json::Value = serde_json::from_slice(&out.stdout).expect("raw chain spec is JSON");
		let top = spec["genesis"]["raw"]["top"].as_object().expect("raw storage");
		assert!(top.len() > 20, "{chain}: only {} storage entries", top.len());
	}
}
