//! Reads proven instead of believed: a value read over a plain JSON-RPC endpoint is checked
//! against a block that the chain's GRANDPA authorities signed as final, so a node that lies
//! (a changed balance, a header with another state root, a made-up finality proof) is caught.
//!
//! What is trusted is a [`Checkpoint`] taken from a raw chain spec: the chain's genesis, and the
//! authority set that finalizes it from a known block on (the genesis set, or the set in a
//! `sync_state_genSyncSpec` spec's `lightSyncState`). Everything else comes from the node and is
//! checked:
//! 1. the node's genesis hash is the spec's (else it serves another chain);
//! 2. a GRANDPA justification of a recent finalized block — from `grandpa_proveFinality`, or,
//!    where the node cannot prove finality that way (no authority set change yet: every PGT
//!    chain so far), the next one `grandpa_subscribeJustifications` sends — must carry
//!    precommits for that block from more than two thirds of the trusted set's weight, each
//!    signed for this round and set (`sc-consensus-grandpa` checks it);
//! 3. the block's header must hash to the justified block, so its state root is the finalized
//!    one;
//! 4. `state_getReadProof` gives the trie nodes from that state root down to the key
//!    (`sp-state-machine` checks them), and the value is what the proof proves.
//!
//! The authorities cannot change in the PGT runtime (there is no session pallet; GRANDPA's set
//! stays the genesis set), so a justification that the trusted set did not sign is refused with
//! a clear error rather than followed through set changes: a chain that ever changes sets needs
//! a newer checkpoint spec. `docs/light-client.md` says what is verified and what is trusted.

use anyhow::{anyhow, bail, ensure, Context, Result};
use codec::Decode;
use pgt_client::chain::rpc_client;
use polkadot_sdk::{
	sc_consensus_grandpa::{FinalityProof, GrandpaJustification},
	sp_consensus_grandpa::AuthorityList,
	sp_core::{Bytes, H256},
	sp_crypto_hashing::{blake2_128, twox_128, twox_64},
	sp_runtime::{
		generic,
		traits::{BlakeTwo256, Hash as _, Header as _},
		OpaqueExtrinsic, StateVersion,
	},
	sp_state_machine::{read_proof_check, StorageProof},
};
use serde::Deserialize;
use subxt::rpcs::{rpc_params, RpcClient};

/// How long `--verify` waits for the node to finalize a block it can show a justification of.
pub const JUSTIFICATION_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// A PGT block header (block numbers are `u32`, hashes BLAKE2-256).
pub type Header = generic::Header<u32, BlakeTwo256>;
/// A PGT block with opaque extrinsics: all a finality check needs.
type Block = generic::Block<Header, OpaqueExtrinsic>;

/// What a verifying reader trusts, from a raw chain spec.
#[derive(Clone, Debug)]
pub struct Checkpoint {
	/// The chain's genesis hash, computed from the spec's genesis storage.
	pub genesis: H256,
	/// The authority set in charge from `number` on.
	pub set_id: u64,
	/// Its authorities and their weights.
	pub authorities: AuthorityList,
	/// The block the set is known at (0: genesis).
	pub number: u32,
}

impl Checkpoint {
	/// The checkpoint in a raw chain spec (`pgt-node export-chain-spec --raw`, or the node's
	/// `sync_state_genSyncSpec` with `raw = true`): the genesis set, or the set of the spec's
	/// `lightSyncState` when it has one.
	pub fn from_spec(spec: &serde_json::Value) -> Result<Checkpoint> {
		let raw = spec.pointer("/genesis/raw").ok_or_else(|| {
			anyhow!("not a raw chain spec: export one with `pgt-node export-chain-spec --chain <chain> --raw`")
		})?;
		let top = raw.get("top").and_then(|t| t.as_object()).context("the raw chain spec has no genesis.raw.top")?;
		if raw.get("childrenDefault").and_then(|c| c.as_object()).is_some_and(|c| !c.is_empty()) {
			bail!("the chain spec's genesis has child tries: not a PGT chain");
		}
		let mut storage = Vec::with_capacity(top.len());
		for (key, value) in top {
			let value = value.as_str().with_context(|| format!("genesis storage value of {key} is not a string"))?;
			storage.push((hex_bytes(key)?, hex_bytes(value)?));
		}
		let genesis = genesis_hash(&storage);
		// The built-in specs carry `"lightSyncState": null`.
		if let Some(sync) = spec.get("lightSyncState").filter(|s| !s.is_null()) {
			let header = Header::decode(&mut &hex_field(sync, "finalizedBlockHeader")?[..])
				.context("cannot decode lightSyncState.finalizedBlockHeader")?;
			// An encoded `sc_consensus_grandpa::AuthoritySet` starts with the current authorities
			// and the set id (its other fields, pending changes, are not needed here).
			let (authorities, set_id) =
				<(AuthorityList, u64)>::decode(&mut &hex_field(sync, "grandpaAuthoritySet")?[..])
					.context("cannot decode lightSyncState.grandpaAuthoritySet")?;
			return Ok(Checkpoint { genesis, set_id, authorities, number: header.number });
		}
		let key = [twox_128(b"Grandpa"), twox_128(b"Authorities")].concat();
		let encoded = storage
			.iter()
			.find_map(|(k, v)| (k == &key).then_some(v))
			.context("the chain spec's genesis has no GRANDPA authorities (Grandpa.Authorities)")?;
		let authorities = AuthorityList::decode(&mut &encoded[..]).context("cannot decode Grandpa.Authorities")?;
		Ok(Checkpoint { genesis, set_id: 0, authorities, number: 0 })
	}
}

/// The hash of the genesis block built on `storage`, as the node builds it: the state root of
/// the storage and the root of no extrinsics, both with the runtime's state version (1: the PGT
/// runtime's `system_version`), on an empty parent and digest.
fn genesis_hash(storage: &[(Vec<u8>, Vec<u8>)]) -> H256 {
	let state_root = BlakeTwo256::trie_root(storage.to_vec(), StateVersion::V1);
	let extrinsics_root = BlakeTwo256::trie_root(Vec::new(), StateVersion::V1);
	Header::new(0, extrinsics_root, state_root, H256::zero(), Default::default()).hash()
}

/// A block proven final.
#[derive(Clone, Debug)]
pub struct Finalized {
	/// Its header (state root included).
	pub header: Header,
	/// Its hash.
	pub hash: H256,
	/// Authorities whose precommits the justification carries.
	pub signed: usize,
	/// Authorities in the set.
	pub authorities: usize,
	/// The set's id.
	pub set_id: u64,
}

impl Finalized {
	/// "#812 (finalized, 3 of 4 authorities signed)".
	pub fn describe(&self) -> String {
		format!("#{} (finalized, {} of {} authorities signed)", self.header.number, self.signed, self.authorities)
	}
}

/// The block a read was made at, and whether it was proven.
#[derive(Clone, Debug)]
pub enum At {
	/// Proven final and the value proven under its state root.
	Proven(Finalized),
	/// The node's finalized block, as the node says (nothing checked).
	Believed {
		/// Its number.
		number: u32,
		/// Its hash.
		hash: H256,
	},
}

impl At {
	/// For people: "#812 (finalized, 3 of 4 authorities signed)" or "#812 (as the node says,
	/// not verified)".
	pub fn describe(&self) -> String {
		match self {
			At::Proven(f) => f.describe(),
			At::Believed { number, .. } => format!("#{number} (as the node says, not verified)"),
		}
	}

	/// For programs: the block, and what was proven.
	pub fn json(&self) -> serde_json::Value {
		match self {
			At::Proven(f) => serde_json::json!({ "number": f.header.number, "hash": format!("{:?}", f.hash),
				"verified": true, "set_id": f.set_id, "signed": f.signed, "authorities": f.authorities }),
			At::Believed { number, hash } => {
				serde_json::json!({ "number": number, "hash": format!("{hash:?}"), "verified": false })
			},
		}
	}
}

/// The value at storage `key` in the node's latest finalized state, as the node says.
pub async fn believe(url: &str, key: &[u8]) -> Result<(Option<Vec<u8>>, At)> {
	let rpc = rpc_client(url).await?;
	let hash: H256 = rpc.request("chain_getFinalizedHead", rpc_params![]).await?;
	let header: Option<Header> = rpc.request("chain_getHeader", rpc_params![hash]).await?;
	let number = header.with_context(|| format!("the node at {url} has no header for its finalized head"))?.number;
	let value: Option<Bytes> = rpc.request("state_getStorage", rpc_params![Bytes(key.to_vec()), hash]).await?;
	Ok((value.map(|v| v.0), At::Believed { number, hash }))
}

/// A JSON-RPC endpoint whose answers are checked against a [`Checkpoint`].
pub struct Verifier {
	rpc: RpcClient,
	url: String,
	trust: Checkpoint,
}

/// `state_getReadProof`'s answer.
#[derive(Deserialize)]
struct ReadProof {
	proof: Vec<Bytes>,
}

impl Verifier {
	/// Connects to `url` and checks that it serves the checkpoint's chain.
	pub async fn connect(url: &str, trust: Checkpoint) -> Result<Verifier> {
		let rpc = rpc_client(url).await?;
		let genesis: Option<H256> = rpc.request("chain_getBlockHash", rpc_params![0u32]).await?;
		let genesis = genesis.context("the node has no genesis block")?;
		ensure!(
			genesis == trust.genesis,
			"the node at {url} serves another chain than the chain spec: its genesis is {genesis:?}, the spec's {:?}",
			trust.genesis
		);
		Ok(Verifier { rpc, url: url.to_string(), trust })
	}

	/// The latest block the node can prove final to the trusted authority set.
	pub async fn finalized(&self) -> Result<Finalized> {
		let justification = match self.proven_head().await {
			Ok(j) => j,
			Err(e) => {
				tracing::debug!(error = format!("{e:#}"), "no finality proof; waiting for the next justification");
				self.next_justification().await?
			},
		};
		let (number, hash) = justification.target();
		justification.verify(self.trust.set_id, &self.trust.authorities).map_err(|e| {
			anyhow!(
				"the finality proof for #{number} is not signed by two thirds of authority set {} of the chain spec \
				 ({e}): the node lied, or the authorities changed since the spec's checkpoint (#{}: get a newer \
				 spec with sync_state_genSyncSpec)",
				self.trust.set_id,
				self.trust.number
			)
		})?;
		let header = self.header(hash).await?;
		ensure!(
			header.number == number,
			"the node's header for the finalized block {hash:?} says #{}, its justification #{number}",
			header.number
		);
		Ok(Finalized {
			header,
			hash,
			signed: justification.justification.commit.precommits.len(),
			authorities: self.trust.authorities.len(),
			set_id: self.trust.set_id,
		})
	}

	/// The justification of the latest block the node can prove final (`grandpa_proveFinality`).
	/// A node answers only where the authority set has changed at least once since genesis
	/// (sc-consensus-grandpa finds no set for a block otherwise): not on PGT chains so far.
	async fn proven_head(&self) -> Result<GrandpaJustification<Block>> {
		let head: H256 = self.rpc.request("chain_getFinalizedHead", rpc_params![]).await?;
		let head: Header = self.header(head).await?;
		let encoded: Option<Bytes> = self
			.rpc
			.request("grandpa_proveFinality", rpc_params![head.number])
			.await
			.context("the node gave no finality proof (grandpa_proveFinality)")?;
		let encoded = encoded.ok_or_else(|| anyhow!("the node has no finality proof for #{} yet", head.number))?;
		let proof = FinalityProof::<Header>::decode(&mut &encoded[..]).context("the finality proof does not decode")?;
		let justification = decode_justification(&proof.justification)?;
		ensure!(
			justification.target().1 == proof.block,
			"the finality proof's justification is for another block than the proof names"
		);
		Ok(justification)
	}

	/// The justification of the next block the node's GRANDPA voter finalizes
	/// (`grandpa_subscribeJustifications`; a round takes a block time or two).
	async fn next_justification(&self) -> Result<GrandpaJustification<Block>> {
		let mut justifications = self
			.rpc
			.subscribe::<Bytes>("grandpa_subscribeJustifications", rpc_params![], "grandpa_unsubscribeJustifications")
			.await
			.context("the node does not serve GRANDPA justifications (grandpa_subscribeJustifications)")?;
		match tokio::time::timeout(JUSTIFICATION_PATIENCE, justifications.next()).await {
			Ok(Some(Ok(encoded))) => decode_justification(&encoded.0),
			Ok(Some(Err(e))) => Err(anyhow!("the node's justification stream failed: {e}")),
			Ok(None) => Err(anyhow!("the node closed its justification stream")),
			Err(_) => Err(anyhow!("the node finalized nothing in {JUSTIFICATION_PATIENCE:?}: is GRANDPA stalled?")),
		}
	}

	/// The header of block `hash`, checked to hash to `hash`.
	async fn header(&self, hash: H256) -> Result<Header> {
		let header: Option<Header> = self.rpc.request("chain_getHeader", rpc_params![hash]).await?;
		let header = header.ok_or_else(|| anyhow!("the node at {} has no header for {hash:?}", self.url))?;
		ensure!(
			header.hash() == hash,
			"the node's header of #{} does not hash to the block it names ({hash:?}): it was altered",
			header.number
		);
		Ok(header)
	}

	/// The value at storage `key` in the state of `block`, proven against its state root.
	pub async fn storage(&self, block: &Finalized, key: &[u8]) -> Result<Option<Vec<u8>>> {
		let answer: ReadProof = self
			.rpc
			.request("state_getReadProof", rpc_params![vec![Bytes(key.to_vec())], block.hash])
			.await
			.context("the node gave no storage proof (state_getReadProof)")?;
		let proof = StorageProof::new(answer.proof.into_iter().map(|node| node.0));
		let mut values = read_proof_check::<BlakeTwo256, _>(block.header.state_root, proof, [key]).map_err(|e| {
			anyhow!(
				"the storage proof does not match the state root of {} ({e}): the node altered it",
				block.describe()
			)
		})?;
		values.remove(key).ok_or_else(|| anyhow!("the storage proof does not cover the key asked for"))
	}
}

/// The storage key of `System.Account(who)` (`Blake2_128Concat`).
pub fn account_key(who: &[u8; 32]) -> Vec<u8> {
	[&twox_128(b"System")[..], &twox_128(b"Account"), &blake2_128(who), who].concat()
}

/// The storage key of `Sessions.Csus(id)` (`Twox64Concat` of the `u64` id).
pub fn csu_key(id: u64) -> Vec<u8> {
	let id = codec::Encode::encode(&id);
	[&twox_128(b"Sessions")[..], &twox_128(b"Csus"), &twox_64(&id), &id].concat()
}

/// A GRANDPA justification from its SCALE bytes (nothing checked yet).
fn decode_justification(encoded: &[u8]) -> Result<GrandpaJustification<Block>> {
	GrandpaJustification::<Block>::decode(encoded).context("the finality proof's justification does not decode")
}

fn hex_bytes(s: &str) -> Result<Vec<u8>> {
	hex::decode(s.trim_start_matches("0x")).with_context(|| format!("not hex: {s:.20}"))
}

fn hex_field(v: &serde_json::Value, field: &str) -> Result<Vec<u8>> {
	hex_bytes(v.get(field).and_then(|f| f.as_str()).with_context(|| format!("lightSyncState.{field} is missing"))?)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use polkadot_sdk::sp_core::{ed25519, Pair};

	fn authorities(n: u8) -> AuthorityList {
		(0..n).map(|i| (ed25519::Pair::from_seed(&[i; 32]).public().into(), 1)).collect()
	}

	/// A raw spec whose genesis holds `Grandpa.Authorities` and one other entry.
	fn raw_spec(list: &AuthorityList) -> serde_json::Value {
		let key = [twox_128(b"Grandpa"), twox_128(b"Authorities")].concat();
		serde_json::json!({ "genesis": { "raw": {
			"top": { format!("0x{}", hex::encode(key)): format!("0x{}", hex::encode(list.encode())), "0x0102": "0x03" },
			"childrenDefault": {}
		} } })
	}

	#[test]
	fn a_raw_spec_gives_the_genesis_set_and_hash() {
		let list = authorities(4);
		let checkpoint = Checkpoint::from_spec(&raw_spec(&list)).expect("a raw spec");
		assert_eq!((checkpoint.set_id, checkpoint.number), (0, 0));
		assert_eq!(checkpoint.authorities, list);
		// As `pgt-node export-chain-spec --raw` writes it: an empty checkpoint.
		let mut exported = raw_spec(&list);
		exported["lightSyncState"] = serde_json::Value::Null;
		assert_eq!(Checkpoint::from_spec(&exported).expect("a raw spec").genesis, checkpoint.genesis);
		// Another genesis storage is another chain.
		let other = Checkpoint::from_spec(&raw_spec(&authorities(3))).expect("a raw spec");
		assert_ne!(checkpoint.genesis, other.genesis);
	}

	#[test]
	fn a_checkpoint_spec_gives_the_set_of_its_light_sync_state() {
		let mut spec = raw_spec(&authorities(4));
		let later = authorities(2);
		let header = Header::new(812, H256::zero(), H256::repeat_byte(7), H256::repeat_byte(9), Default::default());
		// An encoded AuthoritySet: current authorities, set id, then fields not read here.
		let set = (later.clone(), 3u64, vec![0u8; 5]).encode();
		spec["lightSyncState"] = serde_json::json!({
			"finalizedBlockHeader": format!("0x{}", hex::encode(header.encode())),
			"grandpaAuthoritySet": format!("0x{}", hex::encode(set)),
		});
		let checkpoint = Checkpoint::from_spec(&spec).expect("a sync spec");
		assert_eq!((checkpoint.set_id, checkpoint.number), (3, 812));
		assert_eq!(checkpoint.authorities, later);
	}

	#[test]
	fn a_spec_that_is_not_raw_is_refused_with_what_to_do() {
		let plain = serde_json::json!({ "genesis": { "runtimeGenesis": { "patch": {} } } });
		let error = Checkpoint::from_spec(&plain).expect_err("not raw").to_string();
		assert!(error.contains("export-chain-spec"), "{error}");
		let no_grandpa = serde_json::json!({ "genesis": { "raw": { "top": { "0x0102": "0x03" } } } });
		let error = Checkpoint::from_spec(&no_grandpa).expect_err("no authorities").to_string();
		assert!(error.contains("Grandpa.Authorities"), "{error}");
	}

	#[test]
	fn storage_keys_are_the_runtime_s() {
		// System.Account of the all-zero account and Sessions.Csus(7), as any Substrate client
		// computes them (twox128 prefixes, then the hasher of the key).
		let who = [0u8; 32];
		let key = account_key(&who);
		assert_eq!(key.len(), 16 + 16 + 16 + 32);
		assert_eq!(&key[..16], &twox_128(b"System"));
		assert_eq!(&key[32..48], &blake2_128(&who));
		let csu = csu_key(7);
		assert_eq!(&csu[32..40], &twox_64(&7u64.encode()));
		assert_eq!(&csu[40..], &7u64.encode()[..]);
	}
}
