//! What the player (and a helper) sign, and checking it. Each payload starts with its own domain
//! tag and the chain's genesis hash, so a signature made for one purpose or one chain is worth
//! nothing for another. Signatures are sr25519, as the chain verifies them (`subxt-signer`).

use crate::message::{AccountId, Hello, Role, Signature, SignedReceipt, Takeover, Tick};
use codec::Encode;
use pgt_primitives::sessions::{Receipt, SessionId};
use subxt_signer::sr25519::{self, Keypair};

/// Domain tag of a [`Hello`] signature.
pub const HELLO_CONTEXT: &[u8] = b"pgt/hello/v1";
/// Domain tag of a [`Takeover`] signature.
pub const TAKEOVER_CONTEXT: &[u8] = b"pgt/takeover/v1";
/// Domain tag of a helper's task result signature.
pub const TASK_RESULT_CONTEXT: &[u8] = b"pgt/task-result/v1";

/// The bytes a [`Hello`] signs: the tag, the genesis hash, the session, the role, and the peer
/// ids (libp2p's byte encoding) of the opener and of the host it opened the stream to.
pub fn hello_payload(
	genesis: &[u8; 32],
	session: SessionId,
	role: Role,
	opener_peer: &[u8],
	host_peer: &[u8],
) -> Vec<u8> {
	let mut p = HELLO_CONTEXT.to_vec();
	(genesis, session, role, opener_peer, host_peer).encode_to(&mut p);
	p
}

/// The bytes a [`Takeover`] signs.
pub fn takeover_payload(genesis: &[u8; 32], session: SessionId, tick: Tick, new_host: &AccountId) -> Vec<u8> {
	let mut p = TAKEOVER_CONTEXT.to_vec();
	(genesis, session, tick, new_host).encode_to(&mut p);
	p
}

/// The bytes a helper signs for a task's result: the tag, the genesis hash, the session, the
/// task id and the BLAKE2b-256 of the output.
pub fn task_result_payload(genesis: &[u8; 32], session: SessionId, task: u64, output_hash: &[u8; 32]) -> Vec<u8> {
	let mut p = TASK_RESULT_CONTEXT.to_vec();
	(genesis, session, task, output_hash).encode_to(&mut p);
	p
}

fn verify(signature: &Signature, payload: &[u8], signer: &AccountId) -> bool {
	sr25519::verify(&sr25519::Signature(*signature), payload, &sr25519::PublicKey(*signer))
}

/// A hello from `keypair`'s account (set `video` on a player's).
pub fn sign_hello(
	keypair: &Keypair,
	genesis: &[u8; 32],
	session: SessionId,
	role: Role,
	opener_peer: &[u8],
	host_peer: &[u8],
) -> Hello {
	let signature = keypair.sign(&hello_payload(genesis, session, role, opener_peer, host_peer)).0;
	Hello { session, role, account: keypair.public_key().0, signature, video: None }
}

impl Hello {
	/// Whether the signature is the account's, for this chain and these two peers.
	pub fn verify(&self, genesis: &[u8; 32], opener_peer: &[u8], host_peer: &[u8]) -> bool {
		verify(&self.signature, &hello_payload(genesis, self.session, self.role, opener_peer, host_peer), &self.account)
	}
}

/// `receipt` signed by the player's `keypair` for the chain with `genesis`.
pub fn sign_receipt(keypair: &Keypair, genesis: &[u8; 32], receipt: Receipt<AccountId>) -> SignedReceipt {
	let signature = keypair.sign(&receipt.signing_payload(genesis)).0;
	SignedReceipt { receipt, signature }
}

impl SignedReceipt {
	/// Whether `player` signed this receipt for the chain with `genesis` (the same check the
	/// chain makes before it accepts the receipt).
	pub fn verify(&self, genesis: &[u8; 32], player: &AccountId) -> bool {
		verify(&self.signature, &self.receipt.signing_payload(genesis), player)
	}
}

/// A takeover order from the player's `keypair`.
pub fn sign_takeover(
	keypair: &Keypair,
	genesis: &[u8; 32],
	session: SessionId,
	tick: Tick,
	new_host: AccountId,
) -> Takeover {
	let signature = keypair.sign(&takeover_payload(genesis, session, tick, &new_host)).0;
	Takeover { session, tick, new_host, signature }
}

impl Takeover {
	/// Whether `player` signed this order for the chain with `genesis`.
	pub fn verify(&self, genesis: &[u8; 32], player: &AccountId) -> bool {
		verify(&self.signature, &takeover_payload(genesis, self.session, self.tick, &self.new_host), player)
	}
}

/// A helper's result for task `task` of `session`: the output and the helper's signature over
/// [`task_result_payload`] of its hash, as a [`crate::message::WorkerResponse::TaskResult`].
pub fn sign_task_result(
	keypair: &Keypair,
	genesis: &[u8; 32],
	session: SessionId,
	task: u64,
	output: Vec<u8>,
) -> crate::message::WorkerResponse {
	let hash = pgt_primitives::work::output_hash(&output);
	let signature = keypair.sign(&task_result_payload(genesis, session, task, &hash.0)).0;
	crate::message::WorkerResponse::TaskResult { task, output, helper: keypair.public_key().0, signature }
}

/// Whether `helper` signed `output` as the result of task `task` of `session` for the chain with
/// `genesis`.
pub fn verify_task_result(
	genesis: &[u8; 32],
	session: SessionId,
	task: u64,
	output: &[u8],
	helper: &AccountId,
	signature: &Signature,
) -> bool {
	let hash = pgt_primitives::work::output_hash(output);
	verify(signature, &task_result_payload(genesis, session, task, &hash.0), helper)
}
