//! Decoding and verifying a transaction proof from bytes, `no_std`, generic over the pairing
//! engine (the runtime passes the host-call BLS12-381 of `sp-crypto-ec-utils`; native code uses
//! [`crate::Bls12_381`]).
//!
//! Everything from outside is decoded canonically: a public input is 32 little-endian bytes
//! and must be below the field modulus (no second encoding of the same value); a verifying key
//! uses arkworks' compressed encoding and a proof its uncompressed one (no square roots to take
//! in the runtime), every point checked to be on the curve and in the prime-order subgroup.
//!
//! A chain checks a key once ([`prepare_key`]) and keeps what each verification needs already
//! laid out as the BLS12-381 host calls of `sp-crypto-ec-utils` take it ([`PreparedKey`]), so
//! the runtime only checks the proof's points and passes bytes to the host.

use crate::Fr;
use ark_ec::{pairing::Pairing, AdditiveGroup, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{prepare_verifying_key, Groth16, Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Valid, Validate};
use ark_std::vec::Vec;

/// Number of public inputs: root, 2 nullifiers, 2 output commitments, public amount, ext data hash.
pub const PUBLIC_INPUTS: usize = 7;

/// Bytes of an uncompressed G1 point (arkworks' BLS12-381 encoding, the Zcash one: x then y,
/// big-endian, flags in the top bits of the first byte).
pub const G1_LEN: usize = 96;
/// Bytes of an uncompressed G2 point.
pub const G2_LEN: usize = 192;

/// Bytes of a proof: A (G1), B (G2), C (G1), uncompressed. Twice the compressed size, but
/// decoding it takes no square roots, which cost ~1 ms inside WASM.
pub const PROOF_LEN: usize = G1_LEN + G2_LEN + G1_LEN;

/// Public inputs enter the input multi-scalar multiplication as little-endian chunks of this
/// many bits, each against its base shifted by `2^(16·j)` (precomputed with the key): 16-bit
/// scalars take arkworks' small-scalar path, 2.4× faster through the host call than the 7
/// full-width scalars (docs/benchmarks.md).
pub const CHUNK_BITS: usize = 16;
/// Chunks per public input (32 bytes).
pub const CHUNKS: usize = 256 / CHUNK_BITS;
/// Bases of the input multi-scalar multiplication: the key's constant term, then
/// [`CHUNKS`] shifted copies of each public input's base.
pub const MSM_BASES: usize = 1 + PUBLIC_INPUTS * CHUNKS;

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
	/// The proof bytes are not three points (uncompressed) on the curve and in their subgroups.
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
	let vk = VerifyingKey::<E>::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes)
		.map_err(|_| VerifyError::MalformedKey)?;
	if vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
		return Err(VerifyError::MalformedKey);
	}
	Ok(vk)
}

/// Decodes a proof ([`PROOF_LEN`] bytes, uncompressed; every point checked on the curve and in
/// its prime-order subgroup).
///
/// The on-curve check is explicit: arkworks' BLS12-381 decoder of uncompressed points, even
/// with `Validate::Yes`, only runs the subgroup check, which assumes the point is on the curve.
/// `Valid::check` of a short-Weierstrass point does both.
pub fn decode_proof<E: Pairing>(bytes: &[u8]) -> Result<Proof<E>, VerifyError> {
	if bytes.len() != PROOF_LEN {
		return Err(VerifyError::MalformedProof);
	}
	let proof = Proof::<E>::deserialize_with_mode(bytes, Compress::No, Validate::No)
		.map_err(|_| VerifyError::MalformedProof)?;
	proof.check().map_err(|_| VerifyError::MalformedProof)?;
	Ok(proof)
}

/// Encodes a proof ([`PROOF_LEN`] bytes, uncompressed).
pub fn encode_proof<E: Pairing>(proof: &Proof<E>) -> Vec<u8> {
	let mut out = Vec::with_capacity(PROOF_LEN);
	proof.serialize_uncompressed(&mut out).expect("writing to a Vec cannot fail");
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
pub fn verify<E: Pairing<ScalarField = Fr>>(
	vk: &[u8],
	proof: &[u8],
	inputs: &[[u8; 32]; PUBLIC_INPUTS],
) -> Result<(), VerifyError> {
	let inputs = decode_inputs(inputs)?;
	let vk = decode_key::<E>(vk)?;
	let proof = decode_proof::<E>(proof)?;
	let pvk = prepare_verifying_key(&vk);
	match Groth16::<E>::verify_proof(&pvk, &proof, &inputs) {
		Ok(true) => Ok(()),
		_ => Err(VerifyError::InvalidProof),
	}
}

/// Length of a [`PreparedKey`]'s bytes.
pub const PREPARED_KEY_LEN: usize = 2 * G2_LEN + 8 + MSM_BASES * G1_LEN;
/// Length of `e(alpha, beta)`, uncompressed.
pub const ALPHA_BETA_LEN: usize = 576;

/// A verifying key checked once and laid out for verification ([`prepare_key`]): `-gamma` and
/// `-delta` in G2, then the input bases as the `Vec<G1Affine>` the host's multi-scalar
/// multiplication decodes (a `u64` length, then [`MSM_BASES`] points), all uncompressed and not
/// checked again. With `e(alpha, beta)` it is everything [`verify_with_checked_key`] needs.
pub struct PreparedKey<'a>(&'a [u8]);

impl<'a> PreparedKey<'a> {
	/// Wraps the bytes [`prepare_key`] returned, refusing any other length.
	pub fn new(bytes: &'a [u8]) -> Result<Self, VerifyError> {
		if bytes.len() == PREPARED_KEY_LEN {
			Ok(Self(bytes))
		} else {
			Err(VerifyError::MalformedKey)
		}
	}
	/// `-gamma` then `-delta`, uncompressed.
	pub fn neg_gamma_delta(&self) -> &'a [u8] {
		&self.0[..2 * G2_LEN]
	}
	/// The input bases, encoded as a `Vec<G1Affine>`.
	pub fn msm_bases(&self) -> &'a [u8] {
		&self.0[2 * G2_LEN..]
	}
}

/// The scalars of the input multi-scalar multiplication, encoded as the `Vec<Fr>` the host
/// decodes: 1 for the constant term, then each input's [`CHUNKS`] little-endian 16-bit chunks.
/// Built from the canonical input bytes directly (no field arithmetic).
pub fn msm_scalars(inputs: &[[u8; 32]; PUBLIC_INPUTS]) -> Vec<u8> {
	let mut out = Vec::with_capacity(8 + MSM_BASES * 32);
	out.extend_from_slice(&(MSM_BASES as u64).to_le_bytes());
	let mut one = [0u8; 32];
	one[0] = 1;
	out.extend_from_slice(&one);
	for input in inputs {
		for chunk in input.chunks_exact(CHUNK_BITS / 8) {
			let mut scalar = [0u8; 32];
			scalar[..chunk.len()].copy_from_slice(chunk);
			out.extend_from_slice(&scalar);
		}
	}
	out
}

/// Checks a compressed verifying key once and returns what [`verify_with_checked_key`] needs:
/// the [`PreparedKey`] bytes ([`PREPARED_KEY_LEN`]) and `e(alpha, beta)` ([`ALPHA_BETA_LEN`]
/// bytes, uncompressed): the one pairing of verification that depends only on the key, so a
/// chain computes it once.
pub fn prepare_key<E: Pairing>(vk: &[u8]) -> Result<(Vec<u8>, Vec<u8>), VerifyError> {
	let vk = decode_key::<E>(vk)?;
	let mut ab = Vec::with_capacity(ALPHA_BETA_LEN);
	E::pairing(vk.alpha_g1, vk.beta_g2).0.serialize_uncompressed(&mut ab).map_err(|_| VerifyError::MalformedKey)?;
	let mut bases = Vec::with_capacity(MSM_BASES);
	bases.push(vk.gamma_abc_g1[0]);
	for base in &vk.gamma_abc_g1[1..] {
		let mut shifted = base.into_group();
		for _ in 0..CHUNKS {
			bases.push(shifted.into_affine());
			for _ in 0..CHUNK_BITS {
				shifted.double_in_place();
			}
		}
	}
	let mut key = Vec::with_capacity(PREPARED_KEY_LEN);
	let neg = [(-vk.gamma_g2.into_group()).into_affine(), (-vk.delta_g2.into_group()).into_affine()];
	for point in neg {
		point.serialize_uncompressed(&mut key).map_err(|_| VerifyError::MalformedKey)?;
	}
	bases.serialize_uncompressed(&mut key).map_err(|_| VerifyError::MalformedKey)?;
	debug_assert_eq!(key.len(), PREPARED_KEY_LEN);
	Ok((key, ab))
}

/// [`verify`] for a key that was checked when it was stored, in arkworks over the engine `E`
/// (natively, or inside WASM without host calls): `prepared` and `alpha_beta` are what
/// [`prepare_key`] returned (not checked again). The proof and inputs are checked as always.
/// The runtime's host-call path does the same steps on bytes (`pallet-pgt-shielded`).
pub fn verify_with_checked_key<E: Pairing<ScalarField = Fr>>(
	prepared: &[u8],
	alpha_beta: &[u8],
	proof: &[u8],
	inputs: &[[u8; 32]; PUBLIC_INPUTS],
) -> Result<(), VerifyError> {
	decode_inputs(inputs)?;
	let proof = decode_proof::<E>(proof)?;
	let key = PreparedKey::new(prepared)?;
	let malformed = |_| VerifyError::MalformedKey;
	let mut neg = key.neg_gamma_delta();
	let neg_gamma = E::G2Affine::deserialize_with_mode(&mut neg, Compress::No, Validate::No).map_err(malformed)?;
	let neg_delta = E::G2Affine::deserialize_with_mode(&mut neg, Compress::No, Validate::No).map_err(malformed)?;
	let bases =
		Vec::<E::G1Affine>::deserialize_with_mode(key.msm_bases(), Compress::No, Validate::No).map_err(malformed)?;
	let scalars =
		Vec::<Fr>::deserialize_with_mode(&msm_scalars(inputs)[..], Compress::No, Validate::No).map_err(malformed)?;
	let inputs_term = E::G1::msm(&bases, &scalars).map_err(|_| VerifyError::MalformedKey)?.into_affine();
	let expected = E::TargetField::deserialize_with_mode(alpha_beta, Compress::No, Validate::No).map_err(malformed)?;
	let miller = E::multi_miller_loop([proof.a, inputs_term, proof.c], [proof.b, neg_gamma, neg_delta]);
	match E::final_exponentiation(miller) {
		Some(result) if result.0 == expected => Ok(()),
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
