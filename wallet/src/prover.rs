//! Proving: the proving key (the INSECURE dev setup's, built into the binary, or a file from a
//! real ceremony) and one Groth16 proof per transaction, with a spinner while it runs.

use anyhow::{bail, Context, Result};
use ark_serialize::{CanonicalDeserialize, Compress, Validate};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_zk::{prove::encode_key, Bls12_381, TREE_DEPTH};
use std::{path::Path, time::Duration};

/// The proving key of the chain's current circuit.
pub type ProvingKey = ark_groth16::ProvingKey<Bls12_381>;

/// The committed **INSECURE dev setup** proving key (see `docs/shielded.md`): anyone can forge
/// proofs under it. It matches the verifying key of the dev and local chain specs.
pub const INSECURE_DEV_PROVING_KEY: &[u8] = include_bytes!("../../zk-circuits/keys/tx-depth32.INSECURE-dev.pk");

fn spinner(msg: &'static str) -> ProgressBar {
	let bar = ProgressBar::new_spinner().with_message(msg);
	bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed_precise})").expect("valid template"));
	bar.enable_steady_tick(Duration::from_millis(100));
	bar
}

/// Loads the proving key from `path`, or the built-in INSECURE dev key when `None`.
pub fn load(path: Option<&Path>) -> Result<ProvingKey> {
	let bytes = match path {
		Some(p) => std::fs::read(p).with_context(|| format!("cannot read the proving key {}", p.display()))?,
		None => {
			tracing::warn!("using the INSECURE dev setup proving key: proofs under it can be forged; fine for dev chains only");
			INSECURE_DEV_PROVING_KEY.to_vec()
		},
	};
	let bar = spinner("loading the proving key");
	// A file from elsewhere is checked point by point; the built-in one is ours (a test checks it).
	let validate = if path.is_some() { Validate::Yes } else { Validate::No };
	let key = ProvingKey::deserialize_with_mode(&bytes[..], Compress::Yes, validate).context("not a Groth16 BLS12-381 proving key")?;
	bar.finish_and_clear();
	Ok(key)
}

/// Fails unless `key` belongs to the verifying key the chain uses now.
pub fn check_matches_chain(key: &ProvingKey, chain_key: Option<&[u8]>) -> Result<()> {
	match chain_key {
		None => bail!("the chain has no verifying key set: the shielded pool is not open yet"),
		Some(vk) if vk != encode_key(&key.vk).as_slice() => {
			bail!("this proving key does not match the chain's verifying key (was a new key set? pass --proving-key)")
		},
		Some(_) => Ok(()),
	}
}

/// Proves `circuit` under `key`, showing a spinner; returns the compressed proof.
pub fn prove(key: &ProvingKey, circuit: pgt_zk::circuit::TransactionCircuit<TREE_DEPTH>) -> Result<Vec<u8>> {
	let bar = spinner("proving (Groth16, 2 in → 2 out)");
	let started = std::time::Instant::now();
	let proof = pgt_zk::prove::prove(key, circuit, &mut rand::rngs::OsRng).context("the transaction does not satisfy the circuit")?;
	bar.finish_and_clear();
	tracing::info!(ms = started.elapsed().as_millis() as u64, "proved");
	Ok(proof)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_built_in_key_is_the_dev_setup_and_matches_the_dev_chain_key() {
		let key = load(None).unwrap();
		check_matches_chain(&key, Some(pgt_zk::INSECURE_DEV_VERIFYING_KEY)).unwrap();
		assert!(check_matches_chain(&key, None).is_err());
		assert!(check_matches_chain(&key, Some(&[1, 2, 3])).is_err());
	}
}
