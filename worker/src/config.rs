//! `pgt-worker run`'s configuration: a TOML file (`--config worker.toml`), every option of which
//! is also a flag and an environment variable. A flag or variable wins over the file, the file
//! over the default. Unknown keys in the file are an error, so a typo never passes silently.

use clap::Args;
use pgt_client::chain::{LightSource, LIGHT_SYNC_PATIENCE};
use pgt_net::Multiaddr;
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use thiserror::Error;

/// Options as given on the command line or in the environment (all optional: what is missing
/// comes from the file, then from the defaults).
#[derive(Args, Clone, Debug, Default)]
pub struct RunArgs {
	/// A TOML file with any of the options below (flags win over it).
	#[arg(long, env = "PGT_WORKER_CONFIG")]
	pub config: Option<PathBuf>,
	/// The node's WebSocket RPC endpoint (with `--light`: only where the chain spec comes from,
	/// when `--chain-spec` is not given).
	#[arg(long, env = "PGT_WORKER_RPC")]
	pub rpc: Option<String>,
	/// Reach the chain through an embedded light client (smoldot) that checks what peers say,
	/// instead of believing an RPC node (docs/light-client.md).
	#[arg(long, env = "PGT_WORKER_LIGHT")]
	pub light: bool,
	/// With `--light`: the raw chain spec to sync from (default: the `--rpc` node's, with its
	/// latest finalized checkpoint, from `sync_state_genSyncSpec`).
	#[arg(long, env = "PGT_WORKER_CHAIN_SPEC")]
	pub chain_spec: Option<PathBuf>,
	/// With `--light`: peers to sync from (multiaddresses ending in `/p2p/<peer id>`; repeat the
	/// flag or separate with commas; default: the chain spec's bootnodes).
	#[arg(long = "bootnode", env = "PGT_WORKER_BOOTNODES", value_delimiter = ',')]
	pub bootnodes: Option<Vec<String>>,
	/// With `--light`: seconds the light client may take to follow the chain before it is
	/// started once more, then the worker gives up (default 180).
	#[arg(long)]
	pub light_sync_timeout: Option<u64>,
	/// The contributor account's secret URI (dev accounts: `//Bob`).
	#[arg(long, env = "PGT_WORKER_SURI")]
	pub suri: Option<String>,
	/// The network key file (`pgt-worker key generate`).
	#[arg(long, env = "PGT_WORKER_NETWORK_KEY")]
	pub network_key: Option<PathBuf>,
	/// Addresses to listen on (repeat the flag, or separate them with commas).
	#[arg(long, env = "PGT_WORKER_LISTEN", value_delimiter = ',')]
	pub listen: Option<Vec<Multiaddr>>,
	/// Addresses players should dial, published in the on-chain profile (default: the listen
	/// addresses).
	#[arg(long, env = "PGT_WORKER_PUBLIC", value_delimiter = ',')]
	pub public: Option<Vec<Multiaddr>>,
	/// Sessions hosted at once (each needs its share of stake).
	#[arg(long, env = "PGT_WORKER_SLOTS")]
	pub slots: Option<u16>,
	/// Where the worker keeps its store (leaves, receipts, pending work).
	#[arg(long, env = "PGT_WORKER_DATA_DIR")]
	pub data_dir: Option<PathBuf>,
	/// Where Prometheus metrics are served.
	#[arg(long, env = "PGT_WORKER_METRICS")]
	pub metrics: Option<SocketAddr>,
	/// Stake to hold, in whole PGT (default: what the slots need, at least the chain's minimum).
	#[arg(long, env = "PGT_WORKER_STAKE")]
	pub stake: Option<u64>,
	/// What renders frames: `auto` (a real GPU if there is one, else the CPU), `cpu` or `gpu`.
	#[arg(long, env = "PGT_WORKER_RENDERER")]
	pub renderer: Option<RendererChoice>,
	/// Helpers to share each hosted frame with (0: render alone), chosen among the online
	/// contributors by reputation and measured latency.
	#[arg(long, env = "PGT_WORKER_HELPERS")]
	pub helpers: Option<u8>,
	/// Percentage of the helpers' tiles the host recomputes to check them (default 10; 0 leaves
	/// checking to the chain's audits).
	#[arg(long, env = "PGT_WORKER_CHECK_TILES")]
	pub check_tiles: Option<u8>,
	/// TEST ONLY: as a helper, corrupt this percentage of the tiles returned (and committed), to
	/// show that hosts and audits catch it. Never use it outside tests: it gets the worker slashed.
	#[arg(long, hide = true)]
	pub corrupt_tiles: Option<u8>,
}

/// What renders the frames.
#[derive(clap::ValueEnum, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RendererChoice {
	/// A real (hardware) GPU if wgpu finds one, else the CPU reference. A software Vulkan
	/// adapter (lavapipe) is slower than the CPU reference, so it is never picked here.
	#[default]
	Auto,
	/// The CPU reference on every core.
	Cpu,
	/// The GPU kernel on whatever adapter wgpu finds (lavapipe included).
	Gpu,
}

/// The same options in the TOML file.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
	rpc: Option<String>,
	light: Option<bool>,
	chain_spec: Option<PathBuf>,
	bootnodes: Option<Vec<String>>,
	light_sync_timeout: Option<u64>,
	suri: Option<String>,
	network_key: Option<PathBuf>,
	listen: Option<Vec<String>>,
	public: Option<Vec<String>>,
	slots: Option<u16>,
	data_dir: Option<PathBuf>,
	metrics: Option<SocketAddr>,
	stake: Option<u64>,
	renderer: Option<RendererChoice>,
	helpers: Option<u8>,
	check_tiles: Option<u8>,
}

/// The configuration `pgt-worker run` works with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunConfig {
	/// The node's WebSocket RPC endpoint.
	pub rpc: String,
	/// Through an embedded light client, from this spec and these peers, instead of `rpc`.
	pub light: Option<LightSource>,
	/// The contributor account's secret URI.
	pub suri: String,
	/// The network key file.
	pub network_key: PathBuf,
	/// Addresses to listen on.
	pub listen: Vec<Multiaddr>,
	/// Addresses published on chain (empty: the addresses the node listens on, once bound).
	pub public: Vec<Multiaddr>,
	/// Sessions hosted at once.
	pub slots: u16,
	/// The store's directory.
	pub data_dir: PathBuf,
	/// The metrics endpoint.
	pub metrics: SocketAddr,
	/// Stake in whole PGT, if set.
	pub stake: Option<u64>,
	/// The renderer.
	pub renderer: RendererChoice,
	/// Helpers per hosted session (at most [`MAX_HELPERS`]).
	pub helpers: u8,
	/// Percentage of helper tiles the host recomputes.
	pub check_tiles: u8,
	/// Test only: the percentage of tiles computed as a helper that are corrupted.
	pub corrupt_tiles: u8,
}

/// Most helpers a host works with (the chain takes up to six helper entries a session: three
/// for its host and three for a backup that takes over).
pub const MAX_HELPERS: u8 = 3;

/// What is wrong with a configuration.
#[derive(Debug, Error)]
pub enum ConfigError {
	/// The file could not be read.
	#[error("{path}: {source}")]
	Read {
		/// The file.
		path: PathBuf,
		/// Why.
		source: std::io::Error,
	},
	/// The file is not valid TOML for these options.
	#[error("{path}: {reason}")]
	Parse {
		/// The file.
		path: PathBuf,
		/// The parser's message (names the key and line).
		reason: String,
	},
	/// An address in the file is not a multiaddr.
	#[error("{path}: `{value}` is not a multiaddr: {reason}")]
	Address {
		/// The file.
		path: PathBuf,
		/// The value.
		value: String,
		/// Why.
		reason: String,
	},
	/// A required option is given nowhere.
	#[error("`{0}` is required: give it as a flag, an environment variable or in the config file")]
	Missing(&'static str),
	/// An option's value is out of range.
	#[error("{0}")]
	Invalid(&'static str),
}

/// Defaults: a local dev node, QUIC and TCP on port 30400, one slot, metrics on 9616.
pub mod defaults {
	/// The RPC endpoint of a local node.
	pub const RPC: &str = "ws://127.0.0.1:9944";
	/// Listen addresses.
	pub const LISTEN: [&str; 2] = ["/ip4/0.0.0.0/udp/30400/quic-v1", "/ip4/0.0.0.0/tcp/30400"];
	/// Slots.
	pub const SLOTS: u16 = 1;
	/// Metrics.
	pub const METRICS: &str = "127.0.0.1:9616";
	/// The store's directory.
	pub const DATA_DIR: &str = "pgt-worker-data";
}

fn addresses(path: &std::path::Path, values: Vec<String>) -> Result<Vec<Multiaddr>, ConfigError> {
	values
		.into_iter()
		.map(|v| {
			v.parse().map_err(|e: pgt_net::libp2p::multiaddr::Error| ConfigError::Address {
				path: path.to_path_buf(),
				value: v.clone(),
				reason: e.to_string(),
			})
		})
		.collect()
}

impl RunArgs {
	/// Merges flags, the file (if any) and the defaults.
	pub fn resolve(self) -> Result<RunConfig, ConfigError> {
		let (file, path) = match &self.config {
			Some(path) => {
				let text =
					std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.clone(), source })?;
				let file: FileConfig = toml::from_str(&text)
					.map_err(|e| ConfigError::Parse { path: path.clone(), reason: e.to_string() })?;
				(file, path.clone())
			},
			None => (FileConfig::default(), PathBuf::new()),
		};
		let listen = match self.listen {
			Some(l) => l,
			None => match file.listen {
				Some(l) => addresses(&path, l)?,
				None => defaults::LISTEN.iter().map(|a| a.parse().expect("valid default")).collect(),
			},
		};
		let public = match self.public {
			Some(p) => p,
			None => match file.public {
				Some(p) => addresses(&path, p)?,
				None => Vec::new(),
			},
		};
		let slots = self.slots.or(file.slots).unwrap_or(defaults::SLOTS);
		if slots == 0 {
			return Err(ConfigError::Invalid("`slots` must be at least 1"));
		}
		if listen.is_empty() {
			return Err(ConfigError::Invalid("`listen` needs at least one address"));
		}
		let helpers = self.helpers.or(file.helpers).unwrap_or(0);
		if helpers > MAX_HELPERS {
			return Err(ConfigError::Invalid("`helpers` may be at most 3"));
		}
		let corrupt_tiles = self.corrupt_tiles.unwrap_or(0);
		let check_tiles = self.check_tiles.or(file.check_tiles).unwrap_or(crate::helpers::SAMPLE_PERCENT as u8);
		if corrupt_tiles > 100 || check_tiles > 100 {
			return Err(ConfigError::Invalid("`check-tiles` and `corrupt-tiles` are percentages"));
		}
		let light_on = self.light || file.light.unwrap_or(false);
		let chain_spec = self.chain_spec.or(file.chain_spec);
		let bootnodes = self.bootnodes.or(file.bootnodes).unwrap_or_default();
		let sync_timeout = self.light_sync_timeout.or(file.light_sync_timeout);
		if !light_on && (chain_spec.is_some() || !bootnodes.is_empty() || sync_timeout.is_some()) {
			return Err(ConfigError::Invalid(
				"`chain-spec`, `bootnode` and `light-sync-timeout` are for the light client: add `light`",
			));
		}
		if sync_timeout == Some(0) {
			return Err(ConfigError::Invalid("`light-sync-timeout` must be at least 1 second"));
		}
		let light = light_on.then(|| LightSource {
			chain_spec,
			bootnodes,
			sync_timeout: sync_timeout.map_or(LIGHT_SYNC_PATIENCE, Duration::from_secs),
		});
		Ok(RunConfig {
			rpc: self.rpc.or(file.rpc).unwrap_or_else(|| defaults::RPC.into()),
			light,
			suri: self.suri.or(file.suri).ok_or(ConfigError::Missing("suri"))?,
			network_key: self.network_key.or(file.network_key).ok_or(ConfigError::Missing("network-key"))?,
			listen,
			public,
			slots,
			data_dir: self.data_dir.or(file.data_dir).unwrap_or_else(|| defaults::DATA_DIR.into()),
			metrics: self.metrics.or(file.metrics).unwrap_or_else(|| defaults::METRICS.parse().expect("valid default")),
			stake: self.stake.or(file.stake),
			renderer: self.renderer.or(file.renderer).unwrap_or_default(),
			helpers,
			check_tiles,
			corrupt_tiles,
		})
	}
}
