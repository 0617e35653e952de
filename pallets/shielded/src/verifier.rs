//! How the pallet verifies Groth16 proofs: through the BLS12-381 host functions of
//! `sp-crypto-ec-utils` (the node runs the pairing natively), or in pure arkworks (inside WASM,
//! the fallback). The runtime picks one with [`crate::Config::Verifier`]; the benchmarks measure
//! both.

use alloc::vec::Vec;
use pgt_zk::verify::{
	decode_inputs, decode_proof, msm_scalars, verify_with_checked_key, PreparedKey, VerifyError, ALPHA_BETA_LEN,
	G1_LEN, G2_LEN, PUBLIC_INPUTS,
};
use sp_crypto_ec_utils::bls12_381::{host_calls, Bls12_381 as HostBls12_381};

/// Checks a verifying key (points on curve, in subgroup, 7 inputs) and returns it laid out for
/// verification (`pgt_zk::verify::PreparedKey`) and `e(alpha, beta)`, which
/// [`ProofVerifier::verify`] then needs. Always computed in pure
/// arkworks: it also runs when genesis is built, by executors that have no BLS12-381 host
/// functions (the chain-spec builder), and the result's bytes are the same either way.
pub fn prepare_key(vk: &[u8]) -> Result<(Vec<u8>, Vec<u8>), VerifyError> {
	pgt_zk::verify::prepare_key::<pgt_zk::Bls12_381>(vk)
}

/// Verifies transaction proofs given as bytes.
pub trait ProofVerifier {
	/// `Ok` if `proof` verifies for `inputs` under the key `vk` prepared by [`prepare_key`].
	fn verify(
		vk: &[u8],
		alpha_beta: &[u8],
		proof: &[u8],
		inputs: &[[u8; 32]; PUBLIC_INPUTS],
	) -> Result<(), VerifyError>;
}

/// Pairing and multi-scalar multiplication through the node's BLS12-381 host functions
/// (`sp_crypto_ec_utils::bls12_381::host_calls`, which the node must register).
///
/// The steps of [`verify_with_checked_key`], on bytes: the inputs are checked canonical and the
/// proof's points on the curve and in their subgroups (arkworks with the host hooks), then the
/// host gets the stored key's bytes and the proof's own bytes as they are, so nothing is
/// re-encoded inside WASM: one multi-scalar multiplication for the inputs, one three-pair
/// Miller loop, one final exponentiation, compared byte for byte with `e(alpha, beta)` (both
/// sides are canonical encodings).
pub struct HostCallVerifier;

/// A `Vec` of three points as arkworks encodes it (a `u64` length, then the points).
fn three_points(points: [&[u8]; 3]) -> Vec<u8> {
	let mut out = Vec::with_capacity(8 + points.iter().map(|p| p.len()).sum::<usize>());
	out.extend_from_slice(&3u64.to_le_bytes());
	for p in points {
		out.extend_from_slice(p);
	}
	out
}

impl ProofVerifier for HostCallVerifier {
	fn verify(
		vk: &[u8],
		alpha_beta: &[u8],
		proof: &[u8],
		inputs: &[[u8; 32]; PUBLIC_INPUTS],
	) -> Result<(), VerifyError> {
		decode_inputs(inputs)?;
		decode_proof::<HostBls12_381>(proof)?;
		let key = PreparedKey::new(vk)?;
		if alpha_beta.len() != ALPHA_BETA_LEN {
			return Err(VerifyError::MalformedKey);
		}
		let mut inputs_term = [0u8; G1_LEN];
		host_calls::bls12_381_msm_g1(key.msm_bases(), &msm_scalars(inputs), &mut inputs_term)
			.map_err(|_| VerifyError::MalformedKey)?;
		let (a, rest) = proof.split_at(G1_LEN);
		let (b, c) = rest.split_at(G2_LEN);
		let (neg_gamma, neg_delta) = key.neg_gamma_delta().split_at(G2_LEN);
		let mut result = [0u8; ALPHA_BETA_LEN];
		host_calls::bls12_381_multi_miller_loop(
			&three_points([a, &inputs_term, c]),
			&three_points([b, neg_gamma, neg_delta]),
			&mut result,
		)
		.map_err(|_| VerifyError::InvalidProof)?;
		host_calls::bls12_381_final_exponentiation(&mut result).map_err(|_| VerifyError::InvalidProof)?;
		if result[..] == alpha_beta[..] {
			Ok(())
		} else {
			Err(VerifyError::InvalidProof)
		}
	}
}

/// Everything computed by arkworks where the code runs (in the runtime: inside WASM).
pub struct PureVerifier;

impl ProofVerifier for PureVerifier {
	fn verify(
		vk: &[u8],
		alpha_beta: &[u8],
		proof: &[u8],
		inputs: &[[u8; 32]; PUBLIC_INPUTS],
	) -> Result<(), VerifyError> {
		verify_with_checked_key::<pgt_zk::Bls12_381>(vk, alpha_beta, proof, inputs)
	}
}
