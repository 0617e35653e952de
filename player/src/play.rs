//! `pgt-player play`: pick a host by latency, pay into escrow, stream the game into the local
//! page, sign receipts, and settle when the player leaves.

use crate::{
	discover::{self, Candidate},
	metrics::Metrics,
	session::{self, SessionCtx},
	web,
};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use pgt_client::{
	call::calls,
	chain::{LightSource, LIGHT_SYNC_PATIENCE},
	records::{CsuRecord, SessionRequested, SessionSettled},
	AccountId, Chain, Wait,
};
use pgt_net::{
	io::write_message, signed::sign_hello, Encoding, NetworkKeypair, Node, NodeConfig, Role, SessionMessage, Video,
};
use pgt_primitives::{contributors::Requirements, sessions::SessionId, Balance, FormattedPgt, PGT};
use std::{net::SocketAddr, path::PathBuf, str::FromStr, sync::Arc, time::Duration};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// `pgt-player play`'s options.
#[derive(Args, Clone, Debug)]
pub struct PlayArgs {
	/// The game (0: the reference arena).
	#[arg(long, default_value_t = 0)]
	pub game: u32,
	/// The paying account's secret URI (dev accounts: `//Alice`).
	#[arg(long, env = "PGT_PLAYER_ACCOUNT")]
	pub account: String,
	/// The node's WebSocket RPC endpoint (with `--light`: only where the chain spec comes from,
	/// when `--chain-spec` is not given).
	#[arg(long, env = "PGT_PLAYER_RPC", default_value = "ws://127.0.0.1:9944")]
	pub rpc: String,
	/// Reach the chain through an embedded light client (smoldot) that checks what peers say,
	/// instead of believing an RPC node (docs/light-client.md).
	#[arg(long, env = "PGT_PLAYER_LIGHT")]
	pub light: bool,
	/// With `--light`: the raw chain spec to sync from (default: the `--rpc` node's, with its
	/// latest finalized checkpoint, from `sync_state_genSyncSpec`).
	#[arg(long, requires = "light")]
	pub chain_spec: Option<PathBuf>,
	/// With `--light`: peers to sync from (multiaddresses ending in `/p2p/<peer id>`; repeat the
	/// flag or separate with commas; default: the chain spec's bootnodes).
	#[arg(long = "bootnode", value_delimiter = ',', requires = "light")]
	pub bootnodes: Vec<String>,
	/// With `--light`: seconds the light client may take to follow the chain before it is
	/// started once more, then the player gives up.
	#[arg(long, default_value_t = LIGHT_SYNC_PATIENCE.as_secs(), value_parser = clap::value_parser!(u64).range(1..), requires = "light")]
	pub light_sync_timeout: u64,
	/// Where the page is served (loopback; port 0 picks a free one).
	#[arg(long, default_value = "127.0.0.1:8080")]
	pub http: SocketAddr,
	/// Frame width.
	#[arg(long, default_value_t = 320)]
	pub width: u16,
	/// Frame height.
	#[arg(long, default_value_t = 180)]
	pub height: u16,
	/// Frames a second wanted.
	#[arg(long, default_value_t = 30)]
	pub fps: u8,
	/// Frame encoding: `jpeg`, or `raw` RGBA (exact pixels, about 10× the bytes).
	#[arg(long, default_value = "jpeg", value_parser = parse_encoding)]
	pub encoding: Encoding,
	/// The longest the session may run, seconds (sets the escrow).
	#[arg(long, default_value_t = 3600)]
	pub max_duration: u32,
	/// Seconds with a latency above this (ms) are paused, and cost nothing.
	#[arg(long, default_value_t = 100)]
	pub max_latency_ms: u16,
	/// The most PGT per compute-hour to pay (default: the highest rate among the candidates).
	#[arg(long)]
	pub max_rate: Option<f64>,
	/// Name this host (an SS58 or hex account) instead of measuring candidates.
	#[arg(long)]
	pub host: Option<String>,
	/// Where to serve Prometheus metrics (`pgt_player_*`); a taken port is reported and skipped.
	#[arg(long, default_value = "127.0.0.1:9625")]
	pub metrics: SocketAddr,
	/// How many of the fastest candidates to name, in order (the first hosts; the rest take over
	/// when it does not accept in time). Capped by the chain's `MaxCandidates`. Every named
	/// contributor is excluded from auditing the session, so on a network of a few workers name
	/// fewer than all of them.
	#[arg(long, default_value_t = 8)]
	pub candidates: u32,
	/// Count frames as drawn when they arrive, with no page (for measurements and tests).
	#[arg(long)]
	pub headless: bool,
	/// End the session after this many seconds (default: when the page closes or on Ctrl-C).
	#[arg(long)]
	pub duration: Option<u64>,
	/// Where the player's libp2p node listens.
	#[arg(long, default_value = "/ip4/127.0.0.1/udp/0/quic-v1", value_delimiter = ',')]
	pub listen: Vec<pgt_net::Multiaddr>,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
	match s {
		"jpeg" => Ok(Encoding::Jpeg),
		"raw" => Ok(Encoding::Raw),
		_ => Err("`jpeg` or `raw`".into()),
	}
}

/// Runs a whole session: returns its CSU record.
pub async fn play(args: PlayArgs) -> Result<CsuRecord> {
	let video = Video { width: args.width, height: args.height, fps: args.fps, encoding: args.encoding };
	video.validate().map_err(|e| anyhow!("{e}"))?;
	let uri = SecretUri::from_str(&args.account).map_err(|e| anyhow!("--account is not a secret URI: {e}"))?;
	let signer = Keypair::from_uri(&uri).map_err(|e| anyhow!("--account: {e}"))?;
	let me = signer.public_key().0;
	let chain = Arc::new(if args.light {
		let source = LightSource {
			chain_spec: args.chain_spec.clone(),
			bootnodes: args.bootnodes.clone(),
			sync_timeout: Duration::from_secs(args.light_sync_timeout),
		};
		Chain::connect_light_from(&source, &args.rpc).await?
	} else {
		Chain::connect(&args.rpc).await?
	});
	let genesis = chain.genesis_hash();
	let at = chain.finalized().await?;
	let balance = Chain::balance(&at, &me).await?;
	println!("account {}: {} free", hex::encode(me), FormattedPgt(balance.free));

	// Candidates, by measured latency.
	let mut candidates = discover::online_candidates(&at, args.game).await?;
	if let Some(host) = &args.host {
		let want = parse_account(host)?;
		candidates.retain(|c| c.account == want);
	}
	if candidates.is_empty() {
		bail!("no online contributor with a free slot serves game {} now", args.game);
	}
	let key = NetworkKeypair::generate_ed25519();
	let config =
		NodeConfig { listen: args.listen.clone(), ping_interval: Duration::from_millis(150), ..NodeConfig::default() };
	let (node, mut net_events) = Node::start(key, config).await?;
	let candidates = discover::measure(&node, &mut net_events, candidates).await;
	if candidates.is_empty() {
		bail!("no candidate answered on its published addresses");
	}
	println!("{:<66} {:>10} {:>14}", "contributor", "ping", "rate / hour");
	for c in &candidates {
		println!(
			"{:<66} {:>7.1} ms {:>14}",
			hex::encode(c.account),
			c.rtt.unwrap_or_default().as_secs_f64() * 1e3,
			FormattedPgt(c.rate).to_string()
		);
	}
	let max_candidates: u32 = Chain::constant(&at, "Sessions", "MaxCandidates")?;
	let chosen: Vec<Candidate> =
		candidates.into_iter().take(max_candidates.min(args.candidates.max(1)) as usize).collect();
	let max_rate = match args.max_rate {
		Some(pgt) => (pgt * PGT as f64) as Balance,
		None => chosen.iter().map(|c| c.rate).max().unwrap_or(0),
	};

	// Pay into escrow and wait for the host.
	let requirements = Requirements { max_latency_ms: args.max_latency_ms, ..Requirements::default() };
	let accounts: Vec<AccountId> = chosen.iter().map(|c| c.account).collect();
	let call = calls::request_session(args.game, &requirements, args.max_duration, max_rate, &accounts);
	let included = chain.submit(&call, &signer, Wait::InBlock).await?;
	let requested: SessionRequested = included.event("Sessions", "SessionRequested")?;
	let session = requested.session;
	println!("session {session} requested: {} in escrow", FormattedPgt(requested.escrow));
	let (host, rate, block) = wait_for_acceptance(&chain, session).await?;
	let host =
		chosen.iter().find(|c| c.account == host).cloned().ok_or_else(|| anyhow!("the host is not a candidate"))?;
	println!("hosted by {} at {}/hour", hex::encode(host.account), FormattedPgt(rate));

	// Connect and say hello, to the host and to the first backup (which gets the inputs too, and
	// takes over if the host drops).
	let hello_to = |peer: &pgt_net::PeerId| {
		let mut hello =
			sign_hello(&signer, &genesis, session, Role::Player, &node.peer_id().to_bytes(), &peer.to_bytes());
		hello.video = Some(video);
		SessionMessage::Hello(hello)
	};
	let mut stream = node.open_session(host.peer).await?;
	write_message(&mut stream, &hello_to(&host.peer)).await?;
	let backup = match first_backup(&chain, block, session, &chosen).await {
		Ok(Some(b)) => {
			let opened = match node.open_session(b.peer).await {
				Ok(mut s) => write_message(&mut s, &hello_to(&b.peer)).await.map(|()| s).map_err(anyhow::Error::from),
				Err(e) => Err(e.into()),
			};
			match opened {
				Ok(s) => {
					println!("backup {} follows the game", hex::encode(b.account));
					Some((b.account, s))
				},
				Err(e) => {
					eprintln!(
						"the backup {} cannot be reached ({e:#}): no failover for this session",
						hex::encode(b.account)
					);
					None
				},
			}
		},
		Ok(None) => None,
		Err(e) => {
			eprintln!("cannot read the session's backups ({e:#}): no failover for this session");
			None
		},
	};

	// The page.
	let mut page = web::serve(args.http).await?;
	println!("open http://{}/ to play", page.addr);

	let metrics = Metrics::serve(Some(args.metrics)).map_err(|e| anyhow!("cannot register metrics: {e}"))?;
	let outcome = session::run(SessionCtx {
		chain: Some(chain.clone()),
		signer: &signer,
		genesis,
		session,
		host: host.account,
		rate,
		max_latency_ms: args.max_latency_ms,
		headless: args.headless,
		duration: args.duration.map(Duration::from_secs),
		page: &mut page,
		net_events,
		stream,
		backup,
		metrics,
	})
	.await;
	let (last, failovers) = match outcome {
		Ok(end) => (end.last, end.failovers),
		Err(e) => {
			eprintln!("the stream ended: {e:#}");
			(None, Vec::new())
		},
	};
	for f in failovers {
		println!(
			"failover at tick {}: {} → {} ({}); final receipt for the dropped host: served {} s, paused {} s, frames {}",
			f.tick,
			hex::encode(f.from),
			hex::encode(f.to),
			f.why,
			f.receipt.receipt.seconds_served,
			f.receipt.receipt.seconds_paused,
			f.receipt.receipt.frames
		);
		// The new host is a contributor of the session on chain only once this lands.
		if let Some(task) = f.submitted {
			match task.await {
				Ok(Ok(())) => println!("failover recorded on chain"),
				Ok(Err(e)) => eprintln!("the chain's failover failed: {e:#}"),
				Err(e) => eprintln!("the chain's failover did not finish: {e}"),
			}
		}
	}
	if let Some(r) = &last {
		println!(
			"last receipt: served {} s, paused {} s, frames {}, latency p50 {} ms, p95 {} ms, counter {}",
			r.receipt.seconds_served,
			r.receipt.seconds_paused,
			r.receipt.frames,
			r.receipt.latency_p50_ms,
			r.receipt.latency_p95_ms,
			r.receipt.counter
		);
	}
	let csu = settle(&chain, &signer, session, last).await?;
	let text = settlement_text(session, &csu, &me);
	println!("{text}");
	// Never waits: with no page open (headless, or a closed tab) nobody drains the texts.
	let _ = page.texts.try_send(serde_json::json!({ "t": "ended", "text": text }).to_string());
	tokio::time::sleep(Duration::from_millis(200)).await;
	Ok(csu)
}

fn parse_account(s: &str) -> Result<AccountId> {
	if let Ok(a) = subxt::utils::AccountId32::from_str(s) {
		return Ok(a.0);
	}
	let hex = s.trim_start_matches("0x");
	hex::decode(hex).ok().and_then(|v| v.try_into().ok()).context("not an SS58 or hex account id")
}

/// The session's first backup at `block`, among the candidates measured.
async fn first_backup(
	chain: &Chain,
	block: [u8; 32],
	session: SessionId,
	chosen: &[Candidate],
) -> Result<Option<Candidate>> {
	let at = chain.at(block).await?;
	let record = Chain::session(&at, session).await?.ok_or_else(|| anyhow!("session {session} is gone"))?;
	Ok(record.backups.first().and_then(|b| chosen.iter().find(|c| &c.account == b)).cloned())
}

/// Waits until `session` is accepted; returns its host, rate and the block it was accepted in.
async fn wait_for_acceptance(chain: &Chain, session: SessionId) -> Result<(AccountId, Balance, [u8; 32])> {
	let spinner = ProgressBar::new_spinner().with_message(format!("session {session}: waiting for the host to accept"));
	spinner.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"));
	spinner.enable_steady_tick(Duration::from_millis(120));
	let mut blocks = Box::pin(chain.best_blocks().await?);
	while let Some(block) = blocks.next().await {
		let block = block?;
		for e in &block.events {
			if let Some(Ok((s, host, rate))) =
				e.decode::<(SessionId, AccountId, Balance)>("Sessions", "SessionAccepted")
			{
				if s == session {
					spinner.finish_and_clear();
					return Ok((host, rate, block.hash));
				}
			}
			if let Some(Ok((s, _refunded))) = e.decode::<(SessionId, Balance)>("Sessions", "SessionCancelled") {
				if s == session {
					spinner.finish_and_clear();
					bail!("session {session} was cancelled: no candidate accepted (the escrow was refunded)");
				}
			}
			if let Some(Ok((s, _host, next))) =
				e.decode::<(SessionId, AccountId, Option<AccountId>)>("Sessions", "AcceptTimedOut")
			{
				if s == session {
					spinner.set_message(format!(
						"session {session}: the host did not accept; asking {}",
						next.map(hex::encode).unwrap_or_else(|| "nobody".into())
					));
				}
			}
		}
	}
	spinner.finish_and_clear();
	bail!("the node stopped sending blocks")
}

/// Submits the last receipt (if it adds) and ends the session, or finds how the host ended it;
/// returns the CSU record.
async fn settle(
	chain: &Chain,
	signer: &Keypair,
	session: SessionId,
	last: Option<pgt_net::SignedReceipt>,
) -> Result<CsuRecord> {
	if let Some(r) = last.filter(|r| r.receipt.seconds_served > 0) {
		let call = calls::submit_receipt(session, &r.receipt, &r.signature);
		if let Err(e) = chain.submit(&call, signer, Wait::InBlock).await {
			// The host may have submitted it (or a later one) already.
			tracing::info!(session, error = format!("{e:#}"), "the final receipt was not needed");
		}
	}
	match chain.submit(&calls::end_session(session), signer, Wait::Finalized).await {
		Ok(included) => Ok(included.event::<SessionSettled>("Sessions", "SessionSettled")?.csu),
		Err(e) => {
			// The host ended it first: its record is on chain.
			for _ in 0..20 {
				let at = chain.finalized().await?;
				if let Some(csu) = Chain::csu(&at, session).await? {
					return Ok(csu);
				}
				tokio::time::sleep(Duration::from_secs(3)).await;
			}
			Err(e.context("the session could not be ended, and no record of it settling appeared"))
		},
	}
}

/// What the player reads when the session is over.
pub fn settlement_text(session: SessionId, csu: &CsuRecord, me: &AccountId) -> String {
	let mut s = format!(
		"settled: paid {}, burned {}, treasury {}, refunded {}{}",
		FormattedPgt(csu.paid),
		FormattedPgt(csu.burned),
		FormattedPgt(csu.to_treasury),
		FormattedPgt(csu.refunded),
		if &csu.player == me { "" } else { " (another player's session?)" }
	);
	for share in &csu.shares {
		s.push_str(&format!(
			"\n  {}: served {} s, paused {} s, billed {} s, paid {}, earned {}",
			hex::encode(share.contributor),
			share.seconds_served,
			share.seconds_paused,
			share.seconds_billed,
			FormattedPgt(share.paid),
			FormattedPgt(share.earned)
		));
	}
	s.push_str(&format!("\n  CSU record: Sessions.Csus({session}), task package {:?}", csu.task.hash));
	s
}
