//! Note encryption: what the chain stores beside each commitment so that only the recipient
//! learns the note (value and blinding) and can spend it.
//!
//! For every output note the sender draws a fresh X25519 key pair `(e, E)`, agrees
//! `s = X25519(e, V)` with the recipient's viewing key `V`, derives a ChaCha20-Poly1305 key
//! with HKDF-SHA256 (`info = NOTE_KEY_INFO ‖ E ‖ V`) and encrypts `value (8 bytes LE) ‖
//! blinding (32 bytes LE)`. The key is used once, so the nonce is zero. On chain:
//! `version ‖ E ‖ ciphertext ‖ tag`, [`CIPHERTEXT_LEN`] bytes.
//!
//! A decrypted note is only accepted if its commitment, with the wallet's own owner key, is
//! the commitment the chain holds ([`crate::scan`]): a sender can't make a wallet believe in
//! value it can't spend.

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use hkdf::Hkdf;
use pgt_zk::{
	verify::{decode_field, encode_field},
	Fr,
};
use rand::{CryptoRng, RngCore};
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, PublicKey, StaticSecret};

/// First byte of every encrypted note (the format's version).
pub const FORMAT_VERSION: u8 = 1;
/// HKDF info prefix of the note key.
pub const NOTE_KEY_INFO: &[u8] = b"pgt/note-key/v1";
const PLAINTEXT_LEN: usize = 8 + 32;
/// Length of an encrypted note: version, ephemeral key, plaintext, tag.
pub const CIPHERTEXT_LEN: usize = 1 + 32 + PLAINTEXT_LEN + 16;

/// What the recipient needs to spend a note besides their own keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotePlaintext {
	/// The note's value.
	pub value: u64,
	/// The note's blinding.
	pub blinding: Fr,
}

fn cipher(shared: &[u8; 32], ephemeral: &PublicKey, viewing: &PublicKey) -> ChaCha20Poly1305 {
	let hk = Hkdf::<Sha256>::new(None, shared);
	let mut info = Vec::with_capacity(NOTE_KEY_INFO.len() + 64);
	info.extend_from_slice(NOTE_KEY_INFO);
	info.extend_from_slice(ephemeral.as_bytes());
	info.extend_from_slice(viewing.as_bytes());
	let mut key = zeroize::Zeroizing::new([0u8; 32]);
	hk.expand(&info, &mut key[..]).expect("32 bytes is a valid HKDF-SHA256 output length");
	ChaCha20Poly1305::new((&*key).into())
}

/// Encrypts `note` to the viewing key `viewing`.
pub fn encrypt<R: RngCore + CryptoRng>(note: &NotePlaintext, viewing: &PublicKey, rng: &mut R) -> Vec<u8> {
	let secret = EphemeralSecret::random_from_rng(&mut *rng);
	let ephemeral = PublicKey::from(&secret);
	let shared = secret.diffie_hellman(viewing);
	let mut plaintext = [0u8; PLAINTEXT_LEN];
	plaintext[..8].copy_from_slice(&note.value.to_le_bytes());
	plaintext[8..].copy_from_slice(&encode_field(&note.blinding));
	let ct = cipher(shared.as_bytes(), &ephemeral, viewing)
		.encrypt(&Nonce::default(), &plaintext[..])
		.expect("ChaCha20-Poly1305 encrypts any message this short");
	let mut out = Vec::with_capacity(CIPHERTEXT_LEN);
	out.push(FORMAT_VERSION);
	out.extend_from_slice(ephemeral.as_bytes());
	out.extend_from_slice(&ct);
	out
}

/// Decrypts `bytes` with the viewing key `secret`; `None` if the note is not for this key (or
/// is malformed: wrong length or version, a low-order ephemeral key, a non-canonical blinding).
pub fn decrypt(bytes: &[u8], secret: &StaticSecret) -> Option<NotePlaintext> {
	if bytes.len() != CIPHERTEXT_LEN || bytes[0] != FORMAT_VERSION {
		return None;
	}
	let ephemeral: [u8; 32] = bytes[1..33].try_into().ok()?;
	let ephemeral = PublicKey::from(ephemeral);
	let shared = secret.diffie_hellman(&ephemeral);
	if !shared.was_contributory() {
		return None;
	}
	let plaintext = cipher(shared.as_bytes(), &ephemeral, &PublicKey::from(secret))
		.decrypt(&Nonce::default(), &bytes[33..])
		.ok()?;
	let value = u64::from_le_bytes(plaintext[..8].try_into().ok()?);
	let blinding = decode_field(&plaintext[8..].try_into().ok()?)?;
	Some(NotePlaintext { value, blinding })
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{rngs::StdRng, SeedableRng};

	fn note() -> NotePlaintext {
		NotePlaintext { value: 4_000_000_000_000, blinding: Fr::from(123_456_789u64) }
	}

	#[test]
	fn only_the_recipient_decrypts() {
		let mut rng = StdRng::seed_from_u64(7);
		let bob = StaticSecret::random_from_rng(&mut rng);
		let eve = StaticSecret::random_from_rng(&mut rng);
		let ct = encrypt(&note(), &PublicKey::from(&bob), &mut rng);
		assert_eq!(ct.len(), CIPHERTEXT_LEN);
		assert_eq!(decrypt(&ct, &bob), Some(note()));
		assert_eq!(decrypt(&ct, &eve), None);
		// Two encryptions of one note look unrelated.
		let ct2 = encrypt(&note(), &PublicKey::from(&bob), &mut rng);
		assert_ne!(ct, ct2);
		assert_eq!(decrypt(&ct2, &bob), Some(note()));
	}

	#[test]
	fn any_flipped_bit_or_bad_length_is_refused() {
		let mut rng = StdRng::seed_from_u64(8);
		let bob = StaticSecret::random_from_rng(&mut rng);
		let ct = encrypt(&note(), &PublicKey::from(&bob), &mut rng);
		for i in 0..ct.len() {
			let mut bad = ct.clone();
			bad[i] ^= 0x01;
			assert_eq!(decrypt(&bad, &bob), None, "byte {i} flipped");
		}
		assert_eq!(decrypt(&ct[..ct.len() - 1], &bob), None);
		assert_eq!(decrypt(&[ct.clone(), vec![0]].concat(), &bob), None);
		assert_eq!(decrypt(&[], &bob), None);
		// A low-order ephemeral key (all zeros) gives no shared secret.
		let mut zero = ct.clone();
		zero[1..33].fill(0);
		assert_eq!(decrypt(&zero, &bob), None);
	}
}
