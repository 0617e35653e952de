//! A connection to a PGT node: submit calls and wait for them, read storage and constants, call
//! view functions, follow new blocks and their events.

use crate::{
	call::{checked_payload, ScaleCall},
	records::{ContributorRecord, CsuRecord, Duty, SessionRecord},
	AccountId,
};
use anyhow::{anyhow, Context, Result};
use codec::{Decode, Encode};
use futures::{Stream, StreamExt};
use pgt_primitives::{sessions::SessionId, Balance};
use std::{path::PathBuf, time::Duration};
use subxt::{dynamic, utils::AccountId32, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;
use tokio::sync::Mutex;

/// How long one read may take before the client gives up.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a submitted call may take to reach a block (or a finalized one) before the client
/// gives up.
pub const SUBMIT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long an embedded light client may take to follow the chain (find a peer, sync to its
/// finalized block, read the metadata) before a `--light` connection tries again, then gives up,
/// unless told otherwise ([`LightSource::sync_timeout`]).
pub const LIGHT_SYNC_PATIENCE: Duration = Duration::from_secs(180);

/// The client at one block.
pub type At = subxt::client::ClientAtBlock<PolkadotConfig, subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>>;

/// What a submission waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
	/// Inclusion in a best block (one block, ~6 s): for calls that are repeated or checked later
	/// (heartbeats, receipts, accepting).
	InBlock,
	/// A finalized block: for calls whose outcome is reported to a person (settlement).
	Finalized,
}

/// An event, undecoded: its pallet, its name and its fields' SCALE bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
	/// The pallet (`Sessions`, …).
	pub pallet: String,
	/// The event (`SessionAccepted`, …).
	pub name: String,
	/// The fields, SCALE encoded in order.
	pub fields: Vec<u8>,
}

impl RawEvent {
	/// The fields decoded as `E` if this is `pallet.name`.
	pub fn decode<E: Decode>(&self, pallet: &str, name: &str) -> Option<Result<E>> {
		(self.pallet == pallet && self.name == name).then(|| {
			E::decode(&mut &self.fields[..]).with_context(|| format!("cannot decode the event {pallet}.{name}"))
		})
	}
}

/// Where a submitted call ended up.
#[derive(Clone, Debug)]
pub struct Included {
	/// The block's hash.
	pub block_hash: [u8; 32],
	/// Its number.
	pub block_number: u64,
	/// The events the call emitted.
	pub events: Vec<RawEvent>,
}

impl Included {
	/// The first event `pallet.name` the call emitted, decoded.
	pub fn event<E: Decode>(&self, pallet: &str, name: &str) -> Result<E> {
		self.events
			.iter()
			.find_map(|e| e.decode(pallet, name))
			.unwrap_or_else(|| Err(anyhow!("the call emitted no {pallet}.{name}")))
	}
}

/// A block and its events, as [`Chain::best_blocks`] delivers them.
#[derive(Clone, Debug)]
pub struct BlockEvents {
	/// The block's number.
	pub number: u64,
	/// Its hash.
	pub hash: [u8; 32],
	/// Its events.
	pub events: Vec<RawEvent>,
}

/// The free and held balance of an account (`System.Account`), in plancks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Decode)]
pub struct AccountBalance {
	/// Transactions sent.
	pub nonce: u32,
	/// Consumer references.
	pub consumers: u32,
	/// Provider references.
	pub providers: u32,
	/// Sufficient references.
	pub sufficients: u32,
	/// Spendable (and frozen) balance.
	pub free: Balance,
	/// On hold (stake, escrow).
	pub reserved: Balance,
	/// Frozen part of `free`.
	pub frozen: Balance,
	/// `pallet_balances` flags.
	pub flags: u128,
}

/// The node at `url`'s chain spec, raw, with a checkpoint at its latest finalized block
/// (`sync_state_genSyncSpec`): what a light client syncs from. Whoever runs that node vouches for
/// the checkpoint.
pub async fn sync_spec(url: &str) -> Result<String> {
	let rpc = rpc_client(url).await?;
	let spec: serde_json::Value = rpc
		.request("sync_state_genSyncSpec", subxt::rpcs::rpc_params![true])
		.await
		.with_context(|| format!("the node at {url} gave no chain spec (sync_state_genSyncSpec)"))?;
	Ok(spec.to_string())
}

/// Where an embedded light client syncs from (`--light`), and how long it may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LightSource {
	/// The raw chain spec file (`None`: the RPC node's, from `sync_state_genSyncSpec`).
	pub chain_spec: Option<PathBuf>,
	/// Peers to sync from (multiaddresses ending in `/p2p/<peer id>`; empty: the spec's
	/// bootnodes).
	pub bootnodes: Vec<String>,
	/// How long one try to follow the chain may take (two tries are made).
	pub sync_timeout: Duration,
}

impl LightSource {
	/// The chain spec's JSON: the file's, or the node at `rpc`'s.
	pub async fn spec(&self, rpc: &str) -> Result<String> {
		match &self.chain_spec {
			Some(path) => {
				std::fs::read_to_string(path).with_context(|| format!("cannot read the chain spec {}", path.display()))
			},
			None => sync_spec(rpc).await,
		}
	}
}

/// A JSON-RPC client of the node at `url` (`ws://` or `wss://`).
pub async fn rpc_client(url: &str) -> Result<subxt::rpcs::RpcClient> {
	if url.starts_with("ws://") {
		subxt::rpcs::RpcClient::from_insecure_url(url).await
	} else {
		subxt::rpcs::RpcClient::from_url(url).await
	}
	.with_context(|| format!("cannot connect to the node at {url}"))
}

/// A connection to the chain: a node's JSON-RPC, or an embedded light client.
pub struct Chain {
	api: OnlineClient<PolkadotConfig>,
	rpc: subxt::rpcs::RpcClient,
	/// Who answers: "the node at ws://…" or "the light client".
	source: String,
	/// One submission at a time, so nonces come in order.
	submitting: Mutex<()>,
	/// The embedded light client, when the chain is reached through one.
	_light: Option<subxt::lightclient::LightClient>,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> Result<Chain> {
		let rpc = rpc_client(url).await?;
		let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone())
			.await
			.with_context(|| format!("cannot read the chain from the node at {url}"))?;
		Ok(Chain { api, rpc, source: format!("the node at {url}"), submitting: Mutex::new(()), _light: None })
	}

	/// Reaches the chain through an embedded light client (smoldot): it syncs from the raw chain
	/// spec `spec` (its genesis, or its `lightSyncState` checkpoint) with the peers `bootnodes`
	/// (multiaddresses with `/p2p/<peer id>`; the spec's own when empty) and checks every header,
	/// finality proof and storage proof it is given. Fails if it has not followed the chain within
	/// `patience`.
	pub async fn connect_light(spec: &str, bootnodes: &[String], patience: Duration) -> Result<Chain> {
		let mut config = subxt::lightclient::ChainConfig::chain_spec(spec);
		if !bootnodes.is_empty() {
			config = config.set_bootnodes(bootnodes).context("the chain spec is not a JSON object")?;
		}
		let (light, rpc) = subxt::lightclient::LightClient::relay_chain(config)
			.map_err(|e| anyhow!("the light client refused the chain spec: {e}"))?;
		let rpc = subxt::rpcs::RpcClient::new(rpc);
		let peers = if bootnodes.is_empty() { "the chain spec's bootnodes".to_string() } else { bootnodes.join(", ") };
		let synced = async {
			// With a raw spec the light client answers from genesis storage before it has a
			// peer: wait until it has one and has caught up with it.
			loop {
				let health: serde_json::Value = rpc
					.request("system_health", subxt::rpcs::rpc_params![])
					.await
					.context("the light client does not answer")?;
				let connected = health.get("peers").and_then(serde_json::Value::as_u64).unwrap_or(0);
				let syncing = health.get("isSyncing").and_then(serde_json::Value::as_bool).unwrap_or(true);
				if connected > 0 && !syncing {
					break;
				}
				tokio::time::sleep(Duration::from_millis(250)).await;
			}
			OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone())
				.await
				.context("the light client cannot read the chain")
		};
		let api = tokio::time::timeout(patience, synced).await.map_err(|_| {
			anyhow!("the light client did not sync within {patience:?}: no peer of the chain answered ({peers})")
		})??;
		Ok(Chain { api, rpc, source: "the light client".into(), submitting: Mutex::new(()), _light: Some(light) })
	}

	/// [`Chain::connect_light`] from `source` (its spec from the node at `rpc` when it names no
	/// file), trying once more with a fresh light client when the first does not sync within
	/// `source.sync_timeout` (a light client has been seen to idle in warp sync on a young chain).
	pub async fn connect_light_from(source: &LightSource, rpc: &str) -> Result<Chain> {
		let spec = source.spec(rpc).await?;
		let patience = source.sync_timeout;
		match Self::connect_light(&spec, &source.bootnodes, patience).await {
			Ok(chain) => Ok(chain),
			Err(first) => {
				tracing::warn!(error = %format!("{first:#}"), "the light client did not sync; starting a fresh one");
				Self::connect_light(&spec, &source.bootnodes, patience)
					.await
					.map_err(|second| anyhow!("{second:#} (and on a first try: {first:#})"))
			},
		}
	}

	/// Connects to the node at `url`, trying again every 2 s for up to `patience` (a node that
	/// is still starting).
	pub async fn connect_patiently(url: &str, patience: Duration) -> Result<Chain> {
		let deadline = tokio::time::Instant::now() + patience;
		loop {
			match Self::connect(url).await {
				Ok(c) => return Ok(c),
				Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
				Err(e) => {
					tracing::info!(error = %e, "waiting for the node");
					tokio::time::sleep(Duration::from_secs(2)).await;
				},
			}
		}
	}

	/// Who answers: "the node at ws://…" or "the light client".
	pub fn source(&self) -> &str {
		&self.source
	}

	/// The chain's genesis hash.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	/// The client at the latest finalized block.
	pub async fn finalized(&self) -> Result<At> {
		tokio::time::timeout(CALL_TIMEOUT, self.api.at_current_block())
			.await
			.map_err(|_| anyhow!("{} did not answer in {CALL_TIMEOUT:?}", self.source))?
			.context("cannot read the finalized block")
	}

	/// The client at the block with this hash.
	pub async fn at(&self, hash: [u8; 32]) -> Result<At> {
		Ok(self.api.at_block(subxt::utils::H256(hash)).await?)
	}

	/// Signs `call` with `signer`, submits it and waits as `wait` says; an error if the pool
	/// refuses it or it fails in its block (with the pallet's error name).
	pub async fn submit(&self, call: &ScaleCall, signer: &Keypair, wait: Wait) -> Result<Included> {
		let _one_at_a_time = self.submitting.lock().await;
		let at = self.finalized().await?;
		let data = call.call_data(at.metadata_ref())?;
		let mut tx = at.transactions();
		let payload = checked_payload(&tx, call, &data)?;
		// The next nonce as the node's pool sees it (the finalized block's would repeat the
		// nonce of a transaction still on its way).
		let account = subxt::utils::AccountId32(signer.public_key().0).to_string();
		let nonce: u64 = self
			.rpc
			.request("system_accountNextIndex", subxt::rpcs::rpc_params![account])
			.await
			.context("cannot read the account's nonce")?;
		let params = subxt::config::DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).build();
		let mut progress = tx
			.sign_and_submit_then_watch(&payload, signer, params)
			.await
			.with_context(|| format!("the node refused {}", call.name()))?;
		let in_block = tokio::time::timeout(SUBMIT_TIMEOUT, async {
			while let Some(status) = progress.next().await {
				use subxt::transactions::TransactionStatus as S;
				match status? {
					S::InBestBlock(b) if wait == Wait::InBlock => return Ok(b),
					S::InFinalizedBlock(b) => return Ok(b),
					S::Error { message } | S::Invalid { message } | S::Dropped { message } => {
						return Err(anyhow!("{} was not included: {message}", call.name()))
					},
					_ => {},
				}
			}
			Err(anyhow!("the node stopped reporting on {}", call.name()))
		})
		.await
		.map_err(|_| anyhow!("{} was not included within {SUBMIT_TIMEOUT:?}", call.name()))??;
		let events = in_block.wait_for_success().await.with_context(|| format!("{} failed", call.name()))?;
		let events = raw_events(events.iter())?;
		let block_hash = in_block.block_hash().0;
		let block_number = self.api.at_block(in_block.block_hash()).await?.block_number();
		tracing::debug!(call = %call.name(), block = block_number, "included");
		Ok(Included { block_hash, block_number, events })
	}

	/// `pallet.entry(key)` at `at`, decoded as `V`; `key` is the map's one key (an account as
	/// [`AccountId32`], a session id as `u64`, …).
	pub async fn storage<K, V: Decode>(at: &At, pallet: &str, entry: &str, key: K) -> Result<Option<V>>
	where
		K: scale_encode::EncodeAsType + scale_decode::DecodeAsType,
	{
		let address = dynamic::storage::<(K,), scale_value::Value>(pallet, entry);
		let value = tokio::time::timeout(CALL_TIMEOUT, at.storage().try_fetch(address, (key,)))
			.await
			.map_err(|_| anyhow!("the node did not answer {pallet}.{entry} in {CALL_TIMEOUT:?}"))?
			.with_context(|| format!("cannot read {pallet}.{entry}"))?;
		match value {
			Some(v) => Ok(Some(V::decode(&mut v.bytes()).with_context(|| format!("cannot decode {pallet}.{entry}"))?)),
			None => Ok(None),
		}
	}

	/// The runtime constant `pallet.name`, decoded as `V`.
	pub fn constant<V: Decode>(at: &At, pallet: &str, name: &str) -> Result<V> {
		let constant = at
			.metadata_ref()
			.pallet_by_name(pallet)
			.and_then(|p| p.constant_by_name(name))
			.ok_or_else(|| anyhow!("the node's runtime has no constant {pallet}.{name}"))?;
		V::decode(&mut constant.value()).with_context(|| format!("cannot decode the constant {pallet}.{name}"))
	}

	/// Calls the view function `pallet.name(args)` at `at`.
	///
	/// Through the `RuntimeViewFunction_execute_view_function` runtime API directly: subxt
	/// 0.50's view-function client sends the arguments without the `Vec<u8>` length prefix that
	/// API takes (and decodes the answer without its `Result`), which traps the runtime.
	pub async fn view<R: Decode>(at: &At, pallet: &str, name: &str, args: impl Encode) -> Result<R> {
		let id = *at
			.metadata_ref()
			.pallet_by_name(pallet)
			.and_then(|p| p.view_function_by_name(name))
			.ok_or_else(|| anyhow!("the node's runtime has no view function {pallet}::{name} (is this a PGT node?)"))?
			.query_id();
		let mut input = id.to_vec();
		args.encode().encode_to(&mut input);
		let apis = at.runtime_apis();
		let call = apis.call_raw("RuntimeViewFunction_execute_view_function", Some(&input));
		let bytes = tokio::time::timeout(CALL_TIMEOUT, call)
			.await
			.map_err(|_| anyhow!("the node did not answer {pallet}::{name} in {CALL_TIMEOUT:?}"))??;
		match Result::<Vec<u8>, ()>::decode(&mut &bytes[..]) {
			Ok(Ok(out)) => {
				R::decode(&mut &out[..]).with_context(|| format!("cannot decode the answer of {pallet}::{name}"))
			},
			_ => Err(anyhow!("the node refused the view function {pallet}::{name}")),
		}
	}

	/// `who`'s balance at `at`.
	pub async fn balance(at: &At, who: &AccountId) -> Result<AccountBalance> {
		Ok(Self::storage(at, "System", "Account", AccountId32(*who)).await?.unwrap_or_default())
	}

	/// `who`'s entry in the contributor registry at `at`.
	pub async fn contributor(at: &At, who: &AccountId) -> Result<Option<ContributorRecord>> {
		Self::storage(at, "Contributors", "Registry", AccountId32(*who)).await
	}

	/// Every registered contributor at `at`.
	pub async fn contributors(at: &At) -> Result<Vec<(AccountId, ContributorRecord)>> {
		let address = dynamic::storage::<(AccountId32,), scale_value::Value>("Contributors", "Registry");
		let entry = at.storage().entry(address)?;
		let mut entries = entry.iter(()).await?;
		let mut out = Vec::new();
		while let Some(kv) = entries.next().await {
			let kv = kv?;
			// Blake2_128Concat: 16 bytes of hash, then the account.
			let key = kv.key_bytes();
			let who: AccountId = key
				.get(key.len().saturating_sub(32)..)
				.and_then(|k| k.try_into().ok())
				.ok_or_else(|| anyhow!("a Contributors.Registry key too short"))?;
			let record = ContributorRecord::decode(&mut kv.value().bytes())
				.context("cannot decode a Contributors.Registry entry")?;
			out.push((who, record));
		}
		Ok(out)
	}

	/// The running session `id` at `at` (`None` once it has settled, or if it never existed).
	pub async fn session(at: &At, id: SessionId) -> Result<Option<SessionRecord>> {
		Self::storage(at, "Sessions", "Live", id).await
	}

	/// The CSU record of the settled session `id` at `at`.
	pub async fn csu(at: &At, id: SessionId) -> Result<Option<CsuRecord>> {
		Self::storage(at, "Sessions", "Csus", id).await
	}

	/// What `who` must still do for its own commitments (open challenged leaves, reveal its
	/// salt), oldest first: the view function `Work::open_challenges`.
	pub async fn open_challenges(at: &At, who: &AccountId) -> Result<Vec<Duty>> {
		Self::view(at, "Work", "open_challenges", AccountId32(*who)).await
	}

	/// What `who` must still do as an auditor (recompute and commit, reveal), oldest first, with
	/// the opened leaves and states it recomputes from: the view function `Work::audit_duties`.
	pub async fn audit_duties(at: &At, who: &AccountId) -> Result<Vec<Duty>> {
		Self::view(at, "Work", "audit_duties", AccountId32(*who)).await
	}

	/// New best blocks with their events, from the current one on. Blocks of a fork the node
	/// switched to may come more than once; a reader handles an event idempotently.
	pub async fn best_blocks(&self) -> Result<impl Stream<Item = Result<BlockEvents>> + Send + 'static> {
		let blocks = self.api.stream_best_blocks().await.context("cannot follow the node's best blocks")?;
		Ok(blocks.then(|block| async move {
			let block = block?;
			let at = block.at().await?;
			let events = at.events().fetch().await?;
			let events = raw_events(events.iter())?;
			Ok(BlockEvents { number: block.number(), hash: block.hash().0, events })
		}))
	}
}

/// Events as [`RawEvent`]s.
fn raw_events<'a>(
	events: impl Iterator<Item = Result<subxt::events::Event<'a, PolkadotConfig>, subxt::error::EventsError>>,
) -> Result<Vec<RawEvent>, subxt::error::EventsError> {
	events
		.map(|e| {
			let e = e?;
			Ok(RawEvent {
				pallet: e.pallet_name().to_string(),
				name: e.event_name().to_string(),
				fields: e.field_bytes().to_vec(),
			})
		})
		.collect()
}
