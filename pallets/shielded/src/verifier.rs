//! How the pallet verifies Groth16 proofs: through the BLS12-381 host functions of
//! `sp-crypto-ec-utils` (the node runs the pairing natively), or in pure arkworks (inside WASM,
//! the fallback). The runtime picks one with [`crate::Config::Verifier`]; the benchmarks measure
//! both.

use pgt_zk::verify::{verify, VerifyError, PUBLIC_INPUTS};

/// Verifies a transaction proof given as bytes.
pub trait ProofVerifier {
	/// `Ok` if `proof` verifies for `inputs` under the verifying key `vk`.
	fn verify(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError>;
}

/// Pairing and multi-scalar multiplication through the node's BLS12-381 host functions
/// (`sp_crypto_ec_utils::bls12_381::host_calls`, which the node must register).
pub struct HostCallVerifier;

impl ProofVerifier for HostCallVerifier {
	fn verify(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError> {
		verify::<sp_crypto_ec_utils::bls12_381::Bls12_381>(vk, proof, inputs)
	}
}

/// Everything computed by arkworks where the code runs (in the runtime: inside WASM).
pub struct PureVerifier;

impl ProofVerifier for PureVerifier {
	fn verify(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError> {
		verify::<pgt_zk::Bls12_381>(vk, proof, inputs)
	}
}
