//! `pgt-player play`: pick a host by latency, pay into escrow, stream the game into the local
//! page, sign receipts, and settle when the player leaves.

use crate::{
	billing::Ledger,
	clock::HostClock,
	discover::{self, Candidate},
	web::{self, PageEvent},
};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use futures::{AsyncReadExt, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_client::{
	call::calls,
	records::{CsuRecord, SessionRequested, SessionSettled},
	AccountId, Chain, Wait,
};
use pgt_net::{
	io::{spawn_reader, write_message},
	message::RECEIPT_PERIOD_SECS,
	signed::{sign_hello, sign_receipt},
	ByeReason, Encoding, Input, NetEvent, NetworkKeypair, Node, NodeConfig, Role, SessionMessage, Video,
};
use pgt_primitives::{contributors::Requirements, sessions::SessionId, Balance, FormattedPgt, PGT};
use std::{
	net::SocketAddr,
	str::FromStr,
	sync::Arc,
	time::{Duration, Instant},
};
use subxt_signer::{sr25519::Keypair, SecretUri};
use tokio::sync::mpsc;

/// `pgt-player play`'s options.
#[derive(Args, Clone, Debug)]
pub struct PlayArgs {
	/// The game (0: the reference arena).
	#[arg(long, default_value_t = 0)]
	pub game: u32,
	/// The paying account's secret URI (dev accounts: `//Alice`).
	#[arg(long, env = "PGT_PLAYER_ACCOUNT")]
	pub account: String,
	/// The node's WebSocket RPC endpoint.
	#[arg(long, env = "PGT_PLAYER_RPC", default_value = "ws://127.0.0.1:9944")]
	pub rpc: String,
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
	let chain = Arc::new(Chain::connect(&args.rpc).await?);
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
	let chosen: Vec<Candidate> = candidates.into_iter().take(max_candidates as usize).collect();
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
	let (host, rate) = wait_for_acceptance(&chain, session).await?;
	let host =
		chosen.iter().find(|c| c.account == host).cloned().ok_or_else(|| anyhow!("the host is not a candidate"))?;
	println!("hosted by {} at {}/hour", hex::encode(host.account), FormattedPgt(rate));

	// Connect and say hello.
	let mut stream = node.open_session(host.peer).await?;
	let mut hello =
		sign_hello(&signer, &genesis, session, Role::Player, &node.peer_id().to_bytes(), &host.peer.to_bytes());
	hello.video = Some(video);
	write_message(&mut stream, &SessionMessage::Hello(hello)).await?;

	// The page.
	let mut page = web::serve(args.http).await?;
	println!("open http://{}/ to play", page.addr);

	let outcome = run_session(SessionCtx {
		chain: chain.clone(),
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
	})
	.await;
	if let Err(e) = &outcome {
		eprintln!("the stream ended: {e:#}");
	}
	let last = outcome.ok().flatten();
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
	let _ = page.texts.send(serde_json::json!({ "t": "ended", "text": text }).to_string()).await;
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

/// Waits until `session` is accepted; returns its host and rate.
async fn wait_for_acceptance(chain: &Chain, session: SessionId) -> Result<(AccountId, Balance)> {
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
					return Ok((host, rate));
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

struct SessionCtx<'a> {
	chain: Arc<Chain>,
	signer: &'a Keypair,
	genesis: [u8; 32],
	session: SessionId,
	host: AccountId,
	rate: Balance,
	max_latency_ms: u16,
	headless: bool,
	duration: Option<Duration>,
	page: &'a mut web::PageHandle,
	net_events: mpsc::Receiver<NetEvent>,
	stream: pgt_net::libp2p::Stream,
}

/// Streams until the player leaves, the host leaves, or `duration` is over. Returns the last
/// signed receipt.
async fn run_session(ctx: SessionCtx<'_>) -> Result<Option<pgt_net::SignedReceipt>> {
	let SessionCtx {
		chain,
		signer,
		genesis,
		session,
		host,
		rate,
		max_latency_ms,
		headless,
		duration,
		page,
		mut net_events,
		stream,
	} = ctx;
	let started = Instant::now();
	let since_start_ms = move || started.elapsed().as_millis() as u64;
	let (reader, mut writer) = stream.split();
	let (mut msg_rx, read_task) = spawn_reader::<_, SessionMessage>(reader);
	// The network's other events are drained so the node never stalls.
	tokio::spawn(async move { while net_events.recv().await.is_some() {} });

	let mut ledger = Ledger::new(session, host, u32::from(max_latency_ms));
	let mut clock = HostClock::default();
	let mut latest: Option<pgt_net::SignedReceipt> = None;
	let mut sent_at: std::collections::VecDeque<(u64, u64)> = Default::default(); // (frame, rendered_at_us)
	let mut seq = 0u32;
	let mut probe = tokio::time::interval(Duration::from_millis(250));
	let mut receipt = tokio::time::interval(Duration::from_secs(RECEIPT_PERIOD_SECS));
	receipt.tick().await;
	let mut stats = tokio::time::interval(Duration::from_millis(500));
	let mut balance = 0;
	let mut balance_every = tokio::time::interval(Duration::from_secs(6));
	let me = signer.public_key().0;
	let ctrl_c = tokio::signal::ctrl_c();
	tokio::pin!(ctrl_c);
	let end_at = duration.map(|d| tokio::time::Instant::now() + d);
	let over = async move {
		match end_at {
			Some(t) => tokio::time::sleep_until(t).await,
			None => futures::future::pending().await,
		}
	};
	tokio::pin!(over);
	let mut page_seen = false;

	let reason = loop {
		tokio::select! {
			m = msg_rx.recv() => match m {
				Some(Ok(SessionMessage::Frame(frame))) => {
					let rendered = frame.rendered_at_us;
					if headless {
						let now_ms = since_start_ms();
						if let Some(lat) = clock.latency_ms(rendered, Instant::now()) { ledger.frame_drawn(now_ms, lat); }
					} else {
						sent_at.push_back((frame.number, rendered));
						if sent_at.len() > 240 { sent_at.pop_front(); }
						let _ = page.frames.send(Some(Arc::new(web::page_frame(&frame))));
					}
				},
				Some(Ok(SessionMessage::ClockReply { probe_sent_us, host_us })) => clock.reply(probe_sent_us, host_us, Instant::now()),
				Some(Ok(SessionMessage::Welcome { .. } | SessionMessage::Heartbeat { .. })) => {},
				Some(Ok(SessionMessage::Bye(why))) => break format!("the host said bye ({why:?})"),
				Some(Ok(other)) => break format!("the host broke the protocol: {other:?}"),
				Some(Err(e)) => break format!("the stream failed: {e}"),
				None => break "the stream closed".into(),
			},
			ev = page.events.recv() => match ev {
				Some(PageEvent::Opened) => { page_seen = true; },
				Some(PageEvent::Keys(keys)) => {
					seq += 1;
					let input = Input { tick: clock.host_tick(Instant::now()), keys, seq };
					if write_message(&mut writer, &SessionMessage::Input(input)).await.is_err() { break "the stream failed".into(); }
				},
				Some(PageEvent::Drawn { number, at }) => {
					if let Some(&(_, rendered)) = sent_at.iter().find(|(n, _)| *n == number) {
						if let Some(lat) = clock.latency_ms(rendered, at) { ledger.frame_drawn(since_start_ms(), lat); }
					}
				},
				Some(PageEvent::Closed) if page_seen => break "the page was closed".into(),
				Some(PageEvent::Closed) | None => {},
			},
			_ = probe.tick() => {
				let sent_us = clock.now_us(Instant::now());
				if write_message(&mut writer, &SessionMessage::ClockProbe { sent_us }).await.is_err() { break "the stream failed".into(); }
			},
			_ = receipt.tick() => {
				ledger.advance(since_start_ms());
				let signed = sign_receipt(signer, &genesis, ledger.receipt());
				if write_message(&mut writer, &SessionMessage::Receipt(signed.clone())).await.is_err() { break "the stream failed".into(); }
				latest = Some(signed);
			},
			_ = balance_every.tick() => {
				if let Ok(at) = chain.finalized().await {
					if let Ok(b) = Chain::balance(&at, &me).await { balance = b.free; }
				}
			},
			_ = stats.tick() => {
				let billed = ledger.seconds_served().saturating_sub(ledger.seconds_paused());
				let spent = rate.saturating_mul(Balance::from(billed)) / 3600;
				let s = serde_json::json!({
					"t": "stats",
					"session": session,
					"host": hex::encode(&host[..4]),
					"p50_ms": ledger.latency().percentile(0.5),
					"p95_ms": ledger.latency().percentile(0.95),
					"rtt_ms": clock.rtt_ms(),
					"served_s": ledger.seconds_served(),
					"paused_s": ledger.seconds_paused(),
					"spent": FormattedPgt(spent).to_string(),
					"spent_plancks": spent.to_string(),
					"balance": FormattedPgt(balance).to_string(),
					"rate": FormattedPgt(rate).to_string(),
				});
				let _ = page.texts.try_send(s.to_string());
			},
			_ = &mut ctrl_c => break "Ctrl-C".into(),
			_ = &mut over => break "the session's time is over".into(),
		}
	};
	tracing::info!(session, %reason, "leaving");
	// The final receipt, then bye.
	ledger.advance(since_start_ms());
	let last = sign_receipt(signer, &genesis, ledger.receipt());
	let _ = write_message(&mut writer, &SessionMessage::Receipt(last.clone())).await;
	let _ = write_message(&mut writer, &SessionMessage::Bye(ByeReason::PlayerLeft)).await;
	let _ = futures::AsyncWriteExt::close(&mut writer).await;
	read_task.abort();
	if last.receipt.seconds_served > 0 || latest.is_none() {
		latest = Some(last);
	}
	Ok(latest)
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
