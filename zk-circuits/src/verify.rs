//! Decoding and verifying a transaction proof from bytes, `no_std`, generic over the pairing
//! engine (the runtime passes the host-call BLS12-381 of `sp-crypto-ec-utils`; native code uses
//! [`crate::Bls12_381`]).
//!
//! Everything from outside is decoded canonically: a public input is 32 little-endian bytes
//! and must be below the field modulus (no second encoding of the same value); proof and key
//! points use arkworks' compressed encoding, checked to be on the curve and in the prime-order
//! subgroup.

use crate::Fr;
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{prepare_verifying_key, Groth16, PreparedVerifyingKey, Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_std::vec::Vec;

/// Number of public inputs: root, 2 nullifiers, 2 output commitments, public amount, ext data hash.
pub const PUBLIC_INPUTS: usize = 7;

/// Bytes of a compressed proof (A and C in G1, B in G2).
pub const PROOF_LEN: usize = 48 + 96 + 48;

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
	/// The proof bytes are not three valid compressed points in the right subgroups.
	MalformedProof,
	/// The verifying key bytes don't decode, or are for another number of inputs.
	MalformedKey,
	/// Public input `0` is not the canonical encoding of a field element (≥ the modulus).
	NonCanonicalInput(u8),
	/// The proof is well formed but does not verify for these inputs.
	InvalidProof,
}

/// Decodes a field element from 32 little-endian bytes, refusing values ≥ the modulus.
pub fn decode_field(bytes: &[u8; 32]) -> Option<Fr> {
	let mut limbs = [0u64; 4];
	for (i, limb) in limbs.iter_mut().enumerate() {
		let mut b = [0u8; 8];
		b.copy_from_slice(&bytes[8 * i..8 * i + 8]);
		*limb = u64::from_le_bytes(b);
	}
	Fr::from_bigint(BigInt::new(limbs))
}

/// The canonical 32-byte little-endian encoding of a field element.
pub fn encode_field(f: &Fr) -> [u8; 32] {
	let mut out = [0u8; 32];
	for (i, limb) in f.into_bigint().0.iter().enumerate() {
		out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
	}
	out
}

/// Decodes a verifying key (compressed, validated).
pub fn decode_key<E: Pairing>(bytes: &[u8]) -> Result<VerifyingKey<E>, VerifyError> {
	let vk = VerifyingKey::<E>::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes).map_err(|_| VerifyError::MalformedKey)?;
	if vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
		return Err(VerifyError::MalformedKey);
	}
	Ok(vk)
}

/// Decodes a proof (compressed, validated).
pub fn decode_proof<E: Pairing>(bytes: &[u8]) -> Result<Proof<E>, VerifyError> {
	if bytes.len() != PROOF_LEN {
		return Err(VerifyError::MalformedProof);
	}
	Proof::<E>::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes).map_err(|_| VerifyError::MalformedProof)
}

/// Encodes a proof compressed ([`PROOF_LEN`] bytes).
pub fn encode_proof<E: Pairing>(proof: &Proof<E>) -> Vec<u8> {
	let mut out = Vec::with_capacity(PROOF_LEN);
	proof.serialize_compressed(&mut out).expect("writing to a Vec cannot fail");
	out
}

/// The public amount `amount` as a field element (negative amounts wrap to `r − |amount|`): the
/// prover's public input and what the chain computes from a transaction's external data.
pub fn public_amount(amount: i128) -> Fr {
	let magnitude = Fr::from(amount.unsigned_abs());
	if amount < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// Decodes the public inputs, canonically.
pub fn decode_inputs(inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<Vec<Fr>, VerifyError> {
	inputs.iter().enumerate().map(|(i, b)| decode_field(b).ok_or(VerifyError::NonCanonicalInput(i as u8))).collect()
}

/// Verifies `proof` for `inputs` under the verifying key `vk`, all given as bytes.
pub fn verify<E: Pairing<ScalarField = Fr>>(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Result<(), VerifyError> {
	let inputs = decode_inputs(inputs)?;
	let vk = decode_key::<E>(vk)?;
	let proof = decode_proof::<E>(proof)?;
	let pvk = prepare_verifying_key(&vk);
	match Groth16::<E>::verify_proof(&pvk, &proof, &inputs) {
		Ok(true) => Ok(()),
		_ => Err(VerifyError::InvalidProof),
	}
}

/// Length of a verifying key for [`PUBLIC_INPUTS`] inputs, uncompressed ([`prepare_key`]).
pub const PREPARED_KEY_LEN: usize = 96 + 3 * 192 + 8 + (PUBLIC_INPUTS + 1) * 96;

/// `e(alpha, beta)` of a verifying key (uncompressed, 576 bytes): the one pairing of
/// verification that depends only on the key, so a chain computes it once, when the key is set.
pub fn alpha_beta<E: Pairing>(vk: &[u8]) -> Result<Vec<u8>, VerifyError> {
	Ok(prepare_key::<E>(vk)?.1)
}

/// Checks a compressed verifying key once and returns what [`verify_with_checked_key`] needs:
/// the key uncompressed ([`PREPARED_KEY_LEN`] bytes, so no verification decompresses its
/// points again, which costs milliseconds in WASM) and `e(alpha, beta)`.
pub fn prepare_key<E: Pairing>(vk: &[u8]) -> Result<(Vec<u8>, Vec<u8>), VerifyError> {
	let vk = decode_key::<E>(vk)?;
	let mut ab = Vec::new();
	E::pairing(vk.alpha_g1, vk.beta_g2).0.serialize_uncompressed(&mut ab).map_err(|_| VerifyError::MalformedKey)?;
	let mut key = Vec::with_capacity(PREPARED_KEY_LEN);
	vk.serialize_uncompressed(&mut key).map_err(|_| VerifyError::MalformedKey)?;
	Ok((key, ab))
}

/// [`verify`] for a key that was checked when it was stored: `prepared_vk` and `alpha_beta`
/// are what [`prepare_key`] returned (the key uncompressed, not checked again, and
/// `e(alpha, beta)`). The proof and inputs are checked as always.
pub fn verify_with_checked_key<E: Pairing<ScalarField = Fr>>(
	prepared_vk: &[u8],
	alpha_beta: &[u8],
	proof: &[u8],
	inputs: &[[u8; 32]; PUBLIC_INPUTS],
) -> Result<(), VerifyError> {
	let inputs = decode_inputs(inputs)?;
	let proof = decode_proof::<E>(proof)?;
	let vk = VerifyingKey::<E>::deserialize_with_mode(prepared_vk, Compress::No, Validate::No).map_err(|_| VerifyError::MalformedKey)?;
	if vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
		return Err(VerifyError::MalformedKey);
	}
	let alpha_g1_beta_g2 = E::TargetField::deserialize_with_mode(alpha_beta, Compress::No, Validate::No).map_err(|_| VerifyError::MalformedKey)?;
	let pvk = PreparedVerifyingKey {
		gamma_g2_neg_pc: (-vk.gamma_g2.into_group()).into_affine().into(),
		delta_g2_neg_pc: (-vk.delta_g2.into_group()).into_affine().into(),
		alpha_g1_beta_g2,
		vk,
	};
	match Groth16::<E>::verify_proof(&pvk, &proof, &inputs) {
		Ok(true) => Ok(()),
		_ => Err(VerifyError::InvalidProof),
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;
	use ark_ff::{BigInteger, Field};

	#[test]
	fn field_elements_decode_only_below_the_modulus() {
		let x = Fr::from(123456789u64);
		assert_eq!(decode_field(&encode_field(&x)), Some(x));
		let minus_one = -Fr::ONE;
		assert_eq!(decode_field(&encode_field(&minus_one)), Some(minus_one));
		let mut modulus = [0u8; 32];
		modulus.copy_from_slice(&Fr::MODULUS.to_bytes_le());
		assert_eq!(decode_field(&modulus), None, "r itself would alias 0");
		assert_eq!(decode_field(&[0xFF; 32]), None);
	}
}
