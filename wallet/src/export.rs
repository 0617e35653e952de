//! A prepared transaction as a JSON file (`--export`), so it can be proven on one machine and
//! submitted from another (or by a relayer), and submitted later with `pgt-wallet submit`.
//! Byte strings are `0x`-prefixed hex; amounts are decimal strings (they exceed JSON's safe
//! integers).

use crate::transaction::{ChainExtData, TransactCall};
use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Json {
	proof: String,
	root: String,
	nullifiers: [String; 2],
	commitments: [String; 2],
	recipient: Option<String>,
	ext_amount: String,
	relayer: Option<String>,
	fee: String,
	expiry: u32,
	encrypted_notes: [String; 2],
}

fn hex0x(b: &[u8]) -> String {
	format!("0x{}", hex::encode(b))
}

fn unhex(s: &str) -> Result<Vec<u8>> {
	hex::decode(s.strip_prefix("0x").unwrap_or(s)).with_context(|| format!("not hex: {s:?}"))
}

fn unhex32(s: &str) -> Result<[u8; 32]> {
	unhex(s)?.try_into().map_err(|v: Vec<u8>| anyhow!("expected 32 bytes, got {}", v.len()))
}

/// `call` as JSON.
pub fn to_json(call: &TransactCall) -> String {
	let j = Json {
		proof: hex0x(&call.proof),
		root: hex0x(&call.root),
		nullifiers: call.nullifiers.map(|n| hex0x(&n)),
		commitments: call.commitments.map(|c| hex0x(&c)),
		recipient: call.ext.recipient.map(|r| hex0x(&r)),
		ext_amount: call.ext.ext_amount.to_string(),
		relayer: call.ext.relayer.map(|r| hex0x(&r)),
		fee: call.ext.fee.to_string(),
		expiry: call.ext.expiry,
		encrypted_notes: [hex0x(&call.encrypted_notes[0]), hex0x(&call.encrypted_notes[1])],
	};
	serde_json::to_string_pretty(&j).expect("plain data serialises")
}

/// Parses what [`to_json`] wrote.
pub fn from_json(s: &str) -> Result<TransactCall> {
	let j: Json = serde_json::from_str(s).context("not a pgt-wallet transaction file")?;
	Ok(TransactCall {
		proof: unhex(&j.proof)?,
		root: unhex32(&j.root)?,
		nullifiers: [unhex32(&j.nullifiers[0])?, unhex32(&j.nullifiers[1])?],
		commitments: [unhex32(&j.commitments[0])?, unhex32(&j.commitments[1])?],
		ext: ChainExtData {
			recipient: j.recipient.as_deref().map(unhex32).transpose()?,
			ext_amount: j.ext_amount.parse().context("ext_amount")?,
			relayer: j.relayer.as_deref().map(unhex32).transpose()?,
			fee: j.fee.parse().context("fee")?,
			expiry: j.expiry,
		},
		encrypted_notes: [unhex(&j.encrypted_notes[0])?, unhex(&j.encrypted_notes[1])?],
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_call_round_trips_and_garbage_is_an_error() {
		let call = TransactCall {
			proof: vec![1, 2, 3],
			root: [4; 32],
			nullifiers: [[5; 32], [6; 32]],
			commitments: [[7; 32], [8; 32]],
			ext: ChainExtData {
				recipient: Some([9; 32]),
				ext_amount: -3_000_000_000_000,
				relayer: None,
				fee: 0,
				expiry: 77,
			},
			encrypted_notes: [vec![10; 89], vec![11; 89]],
		};
		assert_eq!(from_json(&to_json(&call)).unwrap(), call);
		assert!(from_json("{}").is_err());
		assert!(from_json(&to_json(&call).replace("0x0404", "0xzz04")).is_err());
	}
}
