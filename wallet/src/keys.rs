//! Shielded keys from a BIP-39 mnemonic, and the shielded address that others pay to.
//!
//! From the mnemonic's 64-byte seed (BIP-39, empty passphrase), HKDF-SHA256 with the salt
//! [`KEY_SALT`] expands two independent keys:
//! - the **spending key** `sk` (64 bytes reduced into the BLS12-381 scalar field): it proves
//!   ownership in the circuit and computes nullifiers; its public key `pk = H(pk-tag, sk)` is the
//!   owner field of every note paid to this wallet;
//! - the **viewing key**, an X25519 secret: senders encrypt notes to its public half, and the
//!   wallet decrypts them when it scans (see [`crate::encryption`]).
//!
//! The address is both public halves, `pk ‖ view`, in Base58Check with version byte
//! [`ADDRESS_VERSION`] (a typo is caught by the checksum, not turned into a lost payment).

use anyhow::{anyhow, bail, Context, Result};
use ark_ff::PrimeField;
use hkdf::Hkdf;
use pgt_zk::{note::public_key, verify::decode_field, verify::encode_field, Fr};
use sha2::Sha256;
use std::fmt;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// HKDF salt of the wallet's key derivation (changing it changes every key).
pub const KEY_SALT: &[u8] = b"pgt/shielded-wallet/v1";
/// Base58Check version byte of shielded addresses.
pub const ADDRESS_VERSION: u8 = 0x53;

/// What a wallet can spend and see.
pub struct Keys {
	/// The spending key.
	pub spending: Fr,
	/// The viewing key (X25519).
	pub viewing: StaticSecret,
}

impl Keys {
	/// The keys of `mnemonic` (12 or 24 BIP-39 English words).
	pub fn from_mnemonic(phrase: &str) -> Result<Keys> {
		let mnemonic = bip39::Mnemonic::parse(phrase.trim()).context("not a valid BIP-39 mnemonic")?;
		let seed = Zeroizing::new(mnemonic.to_seed(""));
		let hk = Hkdf::<Sha256>::new(Some(KEY_SALT), &seed[..]);
		let mut spend = Zeroizing::new([0u8; 64]);
		hk.expand(b"spending key", &mut spend[..]).map_err(|_| anyhow!("HKDF output length"))?;
		let mut view = Zeroizing::new([0u8; 32]);
		hk.expand(b"viewing key", &mut view[..]).map_err(|_| anyhow!("HKDF output length"))?;
		Ok(Keys { spending: Fr::from_le_bytes_mod_order(&spend[..]), viewing: StaticSecret::from(*view) })
	}

	/// A fresh 24-word mnemonic from the operating system's randomness.
	pub fn generate_mnemonic() -> String {
		let mut entropy = Zeroizing::new([0u8; 32]);
		rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut entropy[..]);
		bip39::Mnemonic::from_entropy(&entropy[..]).expect("32 bytes is a valid entropy length").to_string()
	}

	/// This wallet's address.
	pub fn address(&self) -> Address {
		Address { owner: public_key(self.spending), viewing: PublicKey::from(&self.viewing) }
	}
}

/// A shielded address: the owner key notes are paid to and the key they are encrypted to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Address {
	/// `pk = H(pk-tag, sk)`, the notes' owner field.
	pub owner: Fr,
	/// The X25519 public key notes are encrypted to.
	pub viewing: PublicKey,
}

impl Address {
	/// Parses a Base58Check address.
	pub fn parse(s: &str) -> Result<Address> {
		let bytes = bs58::decode(s.trim())
			.with_check(Some(ADDRESS_VERSION))
			.into_vec()
			.context("not a shielded PGT address (bad Base58Check)")?;
		if bytes.len() != 65 {
			bail!("not a shielded PGT address: {} bytes, expected 65", bytes.len());
		}
		let owner: [u8; 32] = bytes[1..33].try_into().expect("32 bytes");
		let owner = decode_field(&owner)
			.ok_or_else(|| anyhow!("not a shielded PGT address: owner key is not a field element"))?;
		let viewing: [u8; 32] = bytes[33..65].try_into().expect("32 bytes");
		Ok(Address { owner, viewing: PublicKey::from(viewing) })
	}
}

impl fmt::Display for Address {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let mut payload = Vec::with_capacity(64);
		payload.extend_from_slice(&encode_field(&self.owner));
		payload.extend_from_slice(self.viewing.as_bytes());
		f.write_str(&bs58::encode(payload).with_check_version(ADDRESS_VERSION).into_string())
	}
}

impl fmt::Debug for Address {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Address({self})")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

	#[test]
	fn the_same_mnemonic_gives_the_same_keys_and_another_gives_others() {
		let a = Keys::from_mnemonic(PHRASE).unwrap();
		let b = Keys::from_mnemonic(&format!("  {PHRASE}\n")).unwrap();
		assert_eq!(a.spending, b.spending);
		assert_eq!(a.address(), b.address());
		let other = Keys::from_mnemonic(&Keys::generate_mnemonic()).unwrap();
		assert_ne!(other.spending, a.spending);
		assert_ne!(other.address().viewing, a.address().viewing);
		assert_ne!(a.spending, Fr::from(0u64));
	}

	#[test]
	fn addresses_round_trip_and_typos_are_caught() {
		let addr = Keys::from_mnemonic(PHRASE).unwrap().address();
		let s = addr.to_string();
		assert_eq!(Address::parse(&s).unwrap(), addr);
		// Change one character: the checksum fails.
		let mut chars: Vec<char> = s.chars().collect();
		let i = chars.len() / 2;
		chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
		let typo: String = chars.into_iter().collect();
		assert!(Address::parse(&typo).is_err());
		assert!(
			Address::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY").is_err(),
			"a public account is not a shielded address"
		);
	}

	#[test]
	fn bad_mnemonics_are_refused() {
		assert!(Keys::from_mnemonic("not a mnemonic").is_err());
		assert!(Keys::from_mnemonic(&PHRASE.replace("walk", "abandon")).is_err(), "checksum word");
	}
}
