//! How the pallet verifies Groth16 proofs: through the BLS12-381 host functions of
//! `sp-crypto-ec-utils` (the node runs the pairing natively), or in pure arkworks (inside WASM,
//! the fallback). The runtime picks one with [`crate::Config::Verifier`]; the benchmarks measure
//! both.

use alloc::vec::Vec;
use pgt_zk::verify::{verify_with_checked_key, VerifyError, PUBLIC_INPUTS};

/// Checks a verifying key (points on curve, in subgroup, 7 inputs) and returns the key
/// uncompressed and `e(alpha, beta)`, which [`ProofVerifier::verify`] then needs. Always computed in pure
/// arkworks: it also runs when genesis is built, by executors that have no BLS12-381 host
/// functions (the chain-spec builder), and the result's bytes are the same either way.
pub fn prepare_key(vk: &[u8]) -> Result<(Vec<u8>, Vec<u8>), VerifyError> {
	pgt_zk::verify::prepare_key::<pgt_zk::Bls12_381>(vk)
}

/// Verifies transaction proofs given as bytes.
pub trait ProofVerifier {
	/// `Ok` if `proof` verifies for `inputs` under the key `vk` prepared by [`prepare_key`].
	fn verify(vk: &[u8], alpha_beta: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError>;
}

/// Pairing and multi-scalar multiplication through the node's BLS12-381 host functions
/// (`sp_crypto_ec_utils::bls12_381::host_calls`, which the node must register).
pub struct HostCallVerifier;

impl ProofVerifier for HostCallVerifier {
	fn verify(vk: &[u8], alpha_beta: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError> {
		verify_with_checked_key::<sp_crypto_ec_utils::bls12_381::Bls12_381>(vk, alpha_beta, proof, inputs)
	}
}

/// Everything computed by arkworks where the code runs (in the runtime: inside WASM).
pub struct PureVerifier;

impl ProofVerifier for PureVerifier {
	fn verify(vk: &[u8], alpha_beta: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError> {
		verify_with_checked_key::<pgt_zk::Bls12_381>(vk, alpha_beta, proof, inputs)
	}
}
