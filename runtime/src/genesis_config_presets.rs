//! Genesis presets: the starting state of a dev chain (`development`, one validator) and of a
//! local test network (`local_testnet`, four validators). Both use the well-known dev keys
//! (`//Alice`, `//Bob`, …), which are public: never use them for anything of value.

use crate::{
	AccountId, BabeConfig, BalancesConfig, GrandpaConfig, RuntimeGenesisConfig, SessionsConfig, ShieldedConfig,
	SudoConfig, BABE_GENESIS_EPOCH_CONFIG, EXISTENTIAL_DEPOSIT, PGT,
};
use alloc::{vec, vec::Vec};
use pgt_primitives::Balance;
use polkadot_sdk::{
	sp_consensus_babe::AuthorityId as BabeId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;

/// Balance of every endowed dev account: one million PGT.
pub const ENDOWMENT: Balance = 1_000_000 * PGT;

/// Name of the one-validator preset (Alice).
pub const DEVELOPMENT: &str = sp_genesis_builder::DEV_RUNTIME_PRESET;
/// Name of the four-validator preset (Alice, Bob, Charlie, Dave).
pub const LOCAL_TESTNET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// A validator's genesis keys: its BABE key (also its account) and its GRANDPA key.
struct Validator {
	babe: BabeId,
	grandpa: GrandpaId,
}

fn validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	Validator { babe: sr.public().into(), grandpa: ed.public().into() }
}

fn testnet_genesis(validators: Vec<Validator>, endowed: Vec<AccountId>, root: AccountId) -> Value {
	let treasury = crate::configs::TreasuryAccountId::get();
	let config = RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.into_iter()
				.map(|who| (who, ENDOWMENT))
				// The treasury starts at the existential deposit so any fee share can land in it.
				.chain(core::iter::once((treasury, EXISTENTIAL_DEPOSIT)))
				.collect(),
			..Default::default()
		},
		babe: BabeConfig {
			authorities: validators.iter().map(|v| (v.babe.clone(), 1)).collect(),
			epoch_config: BABE_GENESIS_EPOCH_CONFIG,
			..Default::default()
		},
		grandpa: GrandpaConfig {
			authorities: validators.iter().map(|v| (v.grandpa.clone(), 1)).collect(),
			..Default::default()
		},
		sudo: SudoConfig { key: Some(root) },
		sessions: SessionsConfig {
			games: vec![(crate::configs::ARENA_GAME, pgt_primitives::sessions::ComplexityTier::Standard)],
			base_rate: crate::configs::GENESIS_BASE_RATE,
		},
		shielded: ShieldedConfig { verifying_key: pgt_zk::INSECURE_DEV_VERIFYING_KEY.to_vec(), ..Default::default() },
		..Default::default()
	};
	// Serialising a config built from known values cannot fail.
	serde_json::to_value(config).expect("genesis config serialises to JSON")
}

/// The well-known dev accounts (Alice … Ferdie and their `//stash` accounts), all endowed.
pub fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// `development`: Alice validates alone and is sudo.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Dave validate; Alice is sudo.
pub fn local_testnet_genesis() -> Value {
	testnet_genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			validator(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Returns the JSON of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEVELOPMENT => development_config_genesis(),
		LOCAL_TESTNET => local_testnet_genesis(),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).expect("serialization to json is expected to work; qed").into_bytes())
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEVELOPMENT), PresetId::from(LOCAL_TESTNET)]
}
