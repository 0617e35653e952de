//! Proving: the proving key (the INSECURE dev setup's, built into the binary, or a file from a
//! real ceremony) and one Groth16 proof per transaction, with a spinner while it runs.

use anyhow::{bail, Context, Result};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_zk::{prove::encode_key, Bls12_381, TREE_DEPTH};
use sha2::{Digest, Sha256};
use std::{
	path::{Path, PathBuf},
	time::Duration,
};

/// The proving key of the chain's current circuit.
pub type ProvingKey = ark_groth16::ProvingKey<Bls12_381>;

/// The committed **INSECURE dev setup** proving key (see `docs/shielded.md`): anyone can forge
/// proofs under it. It matches the verifying key of the dev and local chain specs.
pub const INSECURE_DEV_PROVING_KEY: &[u8] = pgt_zk::prove::DEV_PROVING_KEY;

fn spinner(msg: &'static str) -> ProgressBar {
	let bar = ProgressBar::new_spinner().with_message(msg);
	bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed_precise})").expect("valid template"));
	bar.enable_steady_tick(Duration::from_millis(100));
	bar
}

/// Loads the proving key from `path`, or the built-in INSECURE dev key when `None`.
///
/// The built-in key is compressed (6 MB, 3.5 s to decompress its ~110,000 points here), so the
/// first load writes it uncompressed to the user's cache folder ([`cache_file`]) and later
/// loads read that (tens of milliseconds). A damaged or tampered cache can't make a wallet
/// lose money: a wrong verifying key is caught by [`check_matches_chain`], any other wrong
/// point only makes proofs the chain refuses.
pub fn load(path: Option<&Path>) -> Result<ProvingKey> {
	let bar = spinner("loading the proving key");
	let key = match path {
		Some(p) => {
			let bytes = std::fs::read(p).with_context(|| format!("cannot read the proving key {}", p.display()))?;
			// A file from elsewhere is checked point by point.
			ProvingKey::deserialize_with_mode(&bytes[..], Compress::Yes, Validate::Yes)
				.context("not a Groth16 BLS12-381 proving key")?
		},
		None => {
			tracing::warn!(
				"using the INSECURE dev setup proving key: proofs under it can be forged; fine for dev chains only"
			);
			load_built_in(cache_file().as_deref())?
		},
	};
	bar.finish_and_clear();
	Ok(key)
}

/// Where the uncompressed copy of the built-in key is kept: `$XDG_CACHE_HOME/pgt-wallet/` (or
/// `~/.cache/pgt-wallet/`), named after the key's hash so a new key never reads an old copy.
pub fn cache_file() -> Option<PathBuf> {
	let base = std::env::var_os("XDG_CACHE_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
	let hash = hex::encode(&Sha256::digest(INSECURE_DEV_PROVING_KEY)[..8]);
	Some(base.join("pgt-wallet").join(format!("tx-depth32.INSECURE-dev.{hash}.pk-uncompressed")))
}

/// The built-in key, from the uncompressed copy at `cache` if it is there (else made there).
fn load_built_in(cache: Option<&Path>) -> Result<ProvingKey> {
	if let Some(bytes) = cache.and_then(|c| std::fs::read(c).ok()) {
		match ProvingKey::deserialize_with_mode(&bytes[..], Compress::No, Validate::No) {
			Ok(key) => return Ok(key),
			Err(e) => {
				tracing::warn!("the cached proving key is unreadable ({e}); decompressing the built-in one again")
			},
		}
	}
	// Ours, checked by a test: skip the (slow) subgroup checks of every point.
	let key = ProvingKey::deserialize_with_mode(INSECURE_DEV_PROVING_KEY, Compress::Yes, Validate::No)
		.context("the built-in proving key")?;
	if let Some(cache) = cache {
		if let Err(e) = write_uncompressed(&key, cache) {
			tracing::warn!("cannot cache the proving key at {} ({e}); every run will decompress it", cache.display());
		}
	}
	Ok(key)
}

fn write_uncompressed(key: &ProvingKey, to: &Path) -> Result<()> {
	let dir = to.parent().context("a cache file has a folder")?;
	std::fs::create_dir_all(dir)?;
	let mut bytes = Vec::with_capacity(key.uncompressed_size());
	key.serialize_uncompressed(&mut bytes)?;
	// Write then rename, so a concurrent or interrupted run never reads half a file.
	let tmp = dir.join(format!(".{}.{}", std::process::id(), to.file_name().and_then(|n| n.to_str()).unwrap_or("pk")));
	std::fs::write(&tmp, &bytes)?;
	std::fs::rename(&tmp, to)?;
	Ok(())
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

/// Proves `circuit` under `key`, showing a spinner; returns the proof bytes (uncompressed).
pub fn prove(key: &ProvingKey, circuit: pgt_zk::circuit::TransactionCircuit<TREE_DEPTH>) -> Result<Vec<u8>> {
	let bar = spinner("proving (Groth16, 2 in → 2 out)");
	let started = std::time::Instant::now();
	let proof = pgt_zk::prove::prove(key, circuit, &mut rand::rngs::OsRng)
		.context("the transaction does not satisfy the circuit")?;
	bar.finish_and_clear();
	tracing::info!(ms = started.elapsed().as_millis() as u64, "proved");
	Ok(proof)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_cached_copy_is_the_built_in_key_and_a_damaged_one_is_replaced() {
		let dir = std::env::temp_dir().join(format!("pgt-wallet-cache-{}", std::process::id()));
		let cache = dir.join("pk");
		let first = load_built_in(Some(&cache)).unwrap();
		assert!(cache.exists(), "the first load writes the cache");
		let second = load_built_in(Some(&cache)).unwrap();
		assert!(first == second, "the cached copy is the same key");
		std::fs::write(&cache, b"damaged").unwrap();
		let third = load_built_in(Some(&cache)).unwrap();
		assert!(third == first);
		assert!(std::fs::metadata(&cache).unwrap().len() > 1000, "the damaged cache was rewritten");
		std::fs::remove_dir_all(&dir).ok();
	}

	#[test]
	fn the_built_in_key_is_the_dev_setup_and_matches_the_dev_chain_key() {
		let key = load_built_in(None).unwrap();
		check_matches_chain(&key, Some(pgt_zk::INSECURE_DEV_VERIFYING_KEY)).unwrap();
		assert!(check_matches_chain(&key, None).is_err());
		assert!(check_matches_chain(&key, Some(&[1, 2, 3])).is_err());
	}
}
