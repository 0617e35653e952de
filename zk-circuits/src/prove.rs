//! Proving and the **INSECURE dev trusted setup** (`std` only).
//!
//! The dev setup draws the Groth16 toxic waste from a ChaCha20 generator seeded with a fixed,
//! public string: anyone can recompute it and forge proofs. It exists so that tests, the dev
//! chain and the wallet agree on keys without a ceremony. A production network replaces it with
//! a phase-2 MPC ceremony over this circuit (see `docs/shielded.md`) and sets the resulting
//! verifying key on chain by Root origin.

use crate::{circuit::TransactionCircuit, verify::encode_proof, Bls12_381, TREE_DEPTH};
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_relations::gr1cs::SynthesisError;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_snark::SNARK;
use ark_std::rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The public seed of the dev setup. INSECURE: it is public, so its keys protect nothing.
pub const INSECURE_DEV_SETUP_SEED: &[u8; 32] = b"pgt INSECURE dev setup, v1 -----";
/// Where the committed dev proving key for depth [`TREE_DEPTH`] lives in the source tree (the
/// test that regenerates it writes there).
pub const DEV_PROVING_KEY_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/tx-depth32.INSECURE-dev.pk");
/// The committed dev proving key for depth [`TREE_DEPTH`] (compressed), compiled in: a binary
/// proves without the source tree beside it, wherever it was built.
pub const DEV_PROVING_KEY: &[u8] = include_bytes!("../keys/tx-depth32.INSECURE-dev.pk");
/// The committed dev verifying key for depth [`TREE_DEPTH`] (compressed).
pub const DEV_VERIFYING_KEY: &[u8] = crate::INSECURE_DEV_VERIFYING_KEY;

/// Runs the INSECURE dev setup for a tree of depth `D` (deterministic: same keys every time).
pub fn insecure_dev_setup<const D: usize>() -> Result<(ProvingKey<Bls12_381>, VerifyingKey<Bls12_381>), SynthesisError>
{
	let mut rng = ChaCha20Rng::from_seed(*INSECURE_DEV_SETUP_SEED);
	Groth16::<Bls12_381>::circuit_specific_setup(TransactionCircuit::<D>::blank(), &mut rng)
}

/// Loads the committed dev proving key for the on-chain depth, warning that it is insecure.
pub fn load_insecure_dev_proving_key() -> std::io::Result<ProvingKey<Bls12_381>> {
	eprintln!("WARNING: loading the INSECURE dev setup proving key; proofs under it can be forged");
	// The key is ours and checked by a test; skip the (slow) subgroup checks of every point.
	ProvingKey::deserialize_with_mode(DEV_PROVING_KEY, Compress::Yes, Validate::No)
		.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
}

/// Proves `circuit` under `pk`; returns the proof bytes (uncompressed, `verify::PROOF_LEN`).
pub fn prove<const D: usize, R: RngCore + CryptoRng>(
	pk: &ProvingKey<Bls12_381>,
	circuit: TransactionCircuit<D>,
	rng: &mut R,
) -> Result<Vec<u8>, SynthesisError> {
	let proof = Groth16::<Bls12_381>::prove(pk, circuit, rng)?;
	Ok(encode_proof(&proof))
}

/// A key's compressed bytes.
pub fn encode_key<K: CanonicalSerialize>(key: &K) -> Vec<u8> {
	let mut out = Vec::new();
	key.serialize_compressed(&mut out).expect("writing to a Vec cannot fail");
	out
}

/// Depth of the committed keys (they are for the on-chain tree).
pub const DEV_KEYS_DEPTH: usize = TREE_DEPTH;
