//! Calls in the runtime's own SCALE types.
//!
//! The arguments of our pallets' calls are `pgt-primitives` types (profiles, requirements,
//! receipts, Merkle openings), the very types the runtime decodes. Encoding them with `codec`
//! and decoding the bytes against the node's metadata (subxt's `from_call_data_bytes`) means
//! no hand-written mirror of a type can drift from the runtime: bytes of the wrong shape are
//! refused here with the name of the call.

use anyhow::{anyhow, Context, Result};
use codec::Encode;

/// A call to a pallet: its name, and its arguments SCALE encoded one after the other.
#[derive(Clone, Debug)]
pub struct ScaleCall {
	/// The pallet's name in the runtime (`Sessions`, `Contributors`, …).
	pub pallet: &'static str,
	/// The call's name (`accept_session`, …).
	pub call: &'static str,
	/// The arguments, encoded in order.
	pub args: Vec<u8>,
}

impl ScaleCall {
	/// `pallet.call(args)`, where `args` is the tuple of arguments.
	pub fn new(pallet: &'static str, call: &'static str, args: impl Encode) -> ScaleCall {
		ScaleCall { pallet, call, args: args.encode() }
	}

	/// `pallet ‖ call ‖ args` with the indices the node's metadata gives.
	pub fn call_data(&self, metadata: &subxt::Metadata) -> Result<Vec<u8>> {
		let pallet = metadata
			.pallet_by_name(self.pallet)
			.ok_or_else(|| anyhow!("the node's runtime has no pallet {} (is this a PGT node?)", self.pallet))?;
		let variant = pallet
			.call_variant_by_name(self.call)
			.ok_or_else(|| anyhow!("the node's runtime has no call {}.{}", self.pallet, self.call))?;
		let mut data = vec![pallet.call_index(), variant.index];
		data.extend_from_slice(&self.args);
		Ok(data)
	}

	/// A short name for logs and errors.
	pub fn name(&self) -> String {
		format!("{}.{}", self.pallet, self.call)
	}
}

/// Well-known calls.
pub mod calls {
	use super::ScaleCall;
	use crate::AccountId;
	use pallet_pgt_work::{CommitmentId, Opening, WindowIndex};
	use pgt_primitives::{
		contributors::{HardwareProfile, Requirements},
		sessions::{GameId, Receipt, SessionId},
		Balance, Signature,
	};
	use polkadot_sdk::sp_core::{sr25519, H256};

	/// `Contributors.register(profile, stake)`.
	pub fn register(profile: &HardwareProfile, stake: Balance) -> ScaleCall {
		ScaleCall::new("Contributors", "register", (profile, stake))
	}

	/// `Contributors.update_profile(profile)`.
	pub fn update_profile(profile: &HardwareProfile) -> ScaleCall {
		ScaleCall::new("Contributors", "update_profile", (profile,))
	}

	/// `Contributors.bond_extra(amount)`.
	pub fn bond_extra(amount: Balance) -> ScaleCall {
		ScaleCall::new("Contributors", "bond_extra", (amount,))
	}

	/// `Contributors.heartbeat()`.
	pub fn heartbeat() -> ScaleCall {
		ScaleCall::new("Contributors", "heartbeat", ())
	}

	/// `Sessions.request_session(game, requirements, max_duration, max_rate, candidates)`.
	pub fn request_session(
		game: GameId,
		requirements: &Requirements,
		max_duration: u32,
		max_rate: Balance,
		candidates: &[AccountId],
	) -> ScaleCall {
		ScaleCall::new("Sessions", "request_session", (game, requirements, max_duration, max_rate, candidates))
	}

	/// `Sessions.accept_session(session)`.
	pub fn accept_session(session: SessionId) -> ScaleCall {
		ScaleCall::new("Sessions", "accept_session", (session,))
	}

	/// `Sessions.failover(session, receipt, signature)`: the session's first backup replaces its
	/// host; `receipt` is the player's latest for the host (the signature as the runtime's
	/// `MultiSignature::Sr25519`).
	pub fn failover(session: SessionId, receipt: &Receipt<AccountId>, signature: &[u8; 64]) -> ScaleCall {
		let signature = Signature::Sr25519(sr25519::Signature::from_raw(*signature));
		ScaleCall::new("Sessions", "failover", (session, receipt, signature))
	}

	/// `Sessions.submit_receipt(session, receipt, signature)`, the signature as the runtime's
	/// `MultiSignature::Sr25519`.
	pub fn submit_receipt(session: SessionId, receipt: &Receipt<AccountId>, signature: &[u8; 64]) -> ScaleCall {
		let signature = Signature::Sr25519(sr25519::Signature::from_raw(*signature));
		ScaleCall::new("Sessions", "submit_receipt", (session, receipt, signature))
	}

	/// `Sessions.credit_helper(session, helper, tasks)`: by the host; the first credit names
	/// the helper.
	pub fn credit_helper(session: SessionId, helper: &AccountId, tasks: u32) -> ScaleCall {
		ScaleCall::new("Sessions", "credit_helper", (session, helper, tasks))
	}

	/// `Sessions.end_session(session)`.
	pub fn end_session(session: SessionId) -> ScaleCall {
		ScaleCall::new("Sessions", "end_session", (session,))
	}

	/// `Work.commit_work(session, window, root, task_count)`.
	pub fn commit_work(session: SessionId, window: WindowIndex, root: H256, task_count: u32) -> ScaleCall {
		ScaleCall::new("Work", "commit_work", (session, window, root, task_count))
	}

	/// `Work.open_leaves(commitment, openings)`.
	pub fn open_leaves(commitment: CommitmentId, openings: &[Opening]) -> ScaleCall {
		ScaleCall::new("Work", "open_leaves", (commitment, openings))
	}

	/// `Work.commit_verdicts(commitment, verdicts)`: the auditor's
	/// [`pgt_primitives::work::verdict_commitment`].
	pub fn commit_verdicts(commitment: CommitmentId, verdicts: H256) -> ScaleCall {
		ScaleCall::new("Work", "commit_verdicts", (commitment, verdicts))
	}

	/// `Work.reveal_salt(commitment, salt)`.
	pub fn reveal_salt(commitment: CommitmentId, salt: H256) -> ScaleCall {
		ScaleCall::new("Work", "reveal_salt", (commitment, salt))
	}

	/// `Work.reveal_verdicts(commitment, output_hashes, nonce)`.
	pub fn reveal_verdicts(commitment: CommitmentId, output_hashes: &[H256], nonce: H256) -> ScaleCall {
		ScaleCall::new("Work", "reveal_verdicts", (commitment, output_hashes, nonce))
	}
}

/// Checks `data` against the metadata (decodes it as the runtime would) and returns a payload
/// subxt can sign.
pub(crate) fn checked_payload(
	tx: &subxt::transactions::TransactionsClient<
		subxt::PolkadotConfig,
		subxt::client::OnlineClientAtBlockImpl<subxt::PolkadotConfig>,
	>,
	call: &ScaleCall,
	data: &[u8],
) -> Result<impl subxt::transactions::Payload> {
	tx.from_call_data_bytes(data)
		.with_context(|| format!("{} does not match the node's metadata (is the runtime up to date?)", call.name()))
}
