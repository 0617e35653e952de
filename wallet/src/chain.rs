//! The chain, through the node's standard JSON-RPC (subxt, dynamic calls checked against the
//! node's metadata; no generated code and no custom types).
//!
//! The wallet reads at the latest **finalized** block, so what it scans never reorganises away
//! and the roots it proves against are in the pool's recent-roots window.

use crate::{scan::Scanner, transaction::TransactCall};
use anyhow::{anyhow, Context, Result};
use codec::{Decode, Encode};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_primitives::shielded::FieldBytes;
use scale_decode::DecodeAsType;
use scale_encode::EncodeAsType;
use subxt::{dynamic, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;

/// Leaves fetched per `notes_from` call (the view function's maximum).
pub const PAGE: u32 = 256;
/// How long one read may take before the wallet gives up.
pub const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// How long a submitted transaction may take to be finalized before the wallet gives up.
pub const SUBMIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// The client at one block.
type At = subxt::client::ClientAtBlock<PolkadotConfig, subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>>;

/// A connection to a node.
pub struct Chain {
	api: OnlineClient<PolkadotConfig>,
}

/// The pool's verifying key as stored.
#[derive(DecodeAsType)]
struct StoredKey {
	key: Vec<u8>,
}

#[derive(EncodeAsType)]
struct InputsArg {
	root: FieldBytes,
	nullifiers: [FieldBytes; 2],
	commitments: [FieldBytes; 2],
}

#[derive(EncodeAsType)]
struct ExtArg {
	recipient: Option<[u8; 32]>,
	ext_amount: i128,
	relayer: Option<[u8; 32]>,
	fee: u128,
	expiry: u32,
}

/// Where a submitted transaction ended up.
#[derive(Debug)]
pub struct Included {
	/// The finalized block's hash (hex).
	pub block_hash: String,
	/// Its number.
	pub block_number: u64,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> Result<Chain> {
		let api = if url.starts_with("ws://") {
			OnlineClient::<PolkadotConfig>::from_insecure_url(url).await
		} else {
			OnlineClient::<PolkadotConfig>::from_url(url).await
		}
		.with_context(|| format!("cannot connect to the node at {url}"))?;
		Ok(Chain { api })
	}

	/// The chain's genesis hash.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	/// The latest finalized block's number.
	pub async fn finalized_number(&self) -> Result<u64> {
		Ok(self.api.at_current_block().await?.block_number())
	}

	/// The pool's current verifying key (compressed), if one is set.
	pub async fn verifying_key(&self) -> Result<Option<Vec<u8>>> {
		let at = self.api.at_current_block().await?;
		let version = at.storage().fetch(dynamic::storage::<(), u32>("Shielded", "KeyVersion"), ()).await?.decode()?;
		let entry = at
			.storage()
			.try_fetch(dynamic::storage::<(u32,), StoredKey>("Shielded", "VerifyingKeys"), (version,))
			.await?;
		Ok(match entry {
			Some(v) => Some(v.decode()?.key),
			None => None,
		})
	}

	/// Calls the view function `Shielded::<name>` at the finalized block.
	///
	/// Through the `RuntimeViewFunction_execute_view_function` runtime API directly: subxt
	/// 0.50's view-function client sends the arguments without the `Vec<u8>` length prefix that
	/// API takes (and decodes the answer without its `Result`), which traps the runtime.
	async fn view<R: Decode>(at: &At, name: &str, args: impl Encode) -> Result<R> {
		let id = *at
			.metadata_ref()
			.pallet_by_name("Shielded")
			.and_then(|p| p.view_function_by_name(name))
			.ok_or_else(|| anyhow!("the node's runtime has no view function Shielded::{name} (is this a PGT node?)"))?
			.query_id();
		let mut input = id.to_vec();
		args.encode().encode_to(&mut input);
		let apis = at.runtime_apis();
		let call = apis.call_raw("RuntimeViewFunction_execute_view_function", Some(&input));
		let bytes = tokio::time::timeout(CALL_TIMEOUT, call)
			.await
			.map_err(|_| anyhow!("the node did not answer Shielded::{name} in {CALL_TIMEOUT:?}"))??;
		match Result::<Vec<u8>, ()>::decode(&mut &bytes[..]) {
			Ok(Ok(out)) => {
				R::decode(&mut &out[..]).with_context(|| format!("cannot decode the answer of Shielded::{name}"))
			},
			_ => Err(anyhow!("the node refused the view function Shielded::{name}")),
		}
	}

	/// Rebuilds the tree into `scanner` from its next leaf up to the finalized block's, with a
	/// progress bar; checks the result against the chain's root.
	pub async fn scan(&self, scanner: &mut Scanner) -> Result<()> {
		// One block for the whole scan, so the pages and the root agree.
		let at = self.api.at_current_block().await?;
		let (root, leaves): (FieldBytes, u64) = Self::view(&at, "tree_root", ()).await?;
		let bar = ProgressBar::new(leaves).with_message("scanning notes");
		bar.set_style(ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} leaves").expect("valid template"));
		bar.set_position(scanner.next_index());
		while scanner.next_index() < leaves {
			let from = scanner.next_index();
			let page: Vec<(u64, FieldBytes, Vec<u8>)> = Self::view(&at, "notes_from", (from, PAGE)).await?;
			if page.is_empty() {
				return Err(anyhow!("the node has no leaf {from} though the tree has {leaves}"));
			}
			for (index, commitment, encrypted) in &page {
				if let Some(note) = scanner.add(*index, commitment, encrypted)? {
					tracing::debug!(index = note.index, value = note.note.value, "found a note");
				}
			}
			bar.set_position(scanner.next_index());
		}
		bar.finish_and_clear();
		let ours = pgt_zk::verify::encode_field(&scanner.root());
		if ours != root {
			return Err(anyhow!(
				"the rebuilt note tree's root {} differs from the chain's {}",
				hex::encode(ours),
				hex::encode(root)
			));
		}
		Ok(())
	}

	/// Whether `nullifier` is spent (at the finalized block).
	pub async fn is_spent(&self, nullifier: FieldBytes) -> Result<bool> {
		Self::view(&self.api.at_current_block().await?, "is_spent", nullifier).await
	}

	/// Signs `call` with `signer`, submits it and waits until it is finalized; an error if the
	/// pool refuses it or it fails in its block (with the pallet's error name).
	pub async fn submit(&self, call: &TransactCall, signer: &Keypair) -> Result<Included> {
		let payload = dynamic::transaction(
			"Shielded",
			"transact",
			(
				call.proof.clone(),
				InputsArg { root: call.root, nullifiers: call.nullifiers, commitments: call.commitments },
				ExtArg {
					recipient: call.ext.recipient,
					ext_amount: call.ext.ext_amount,
					relayer: call.ext.relayer,
					fee: call.ext.fee,
					expiry: call.ext.expiry,
				},
				call.encrypted_notes.clone(),
			),
		);
		let at = self.api.at_current_block().await?;
		let progress = at
			.transactions()
			.sign_and_submit_then_watch_default(&payload, signer)
			.await
			.context("the node refused the transaction")?;
		let in_block = tokio::time::timeout(SUBMIT_TIMEOUT, progress.wait_for_finalized())
			.await
			.map_err(|_| anyhow!("the transaction was not finalized within {SUBMIT_TIMEOUT:?}"))?
			.context("the transaction did not reach a finalized block")?;
		let block_hash = in_block.block_hash();
		in_block.wait_for_success().await.context("the transaction failed")?;
		let block_number = self.api.at_block(block_hash).await?.block_number();
		Ok(Included { block_hash: format!("{block_hash:?}"), block_number })
	}
}
