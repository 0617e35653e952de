//! One session's stream, from the player's side: frames into the page (or counted on arrival),
//! keys to the host (mirrored to the first backup), clock probes, a signed cumulative receipt
//! every receipt period, the overlay's figures; a final receipt and bye when it ends.
//!
//! **Failover**: when the host's stream closes, or nothing (frame or heartbeat) came from it for
//! [`host_patience`], the player signs a final receipt for the host, orders the backup to take
//! over at the tick after the last frame it got (a signed [`pgt_net::Takeover`]), and draws the
//! backup's frames from then on; the backup bills from there in a ledger of its own. The chain's
//! `failover` is submitted afterwards, never waited for ([`SessionEnd::failovers`]).

use crate::{
	billing::Ledger,
	clock::HostClock,
	metrics::Metrics,
	web::{self, PageEvent},
};
use anyhow::Result;
use futures::AsyncReadExt;
use pgt_client::{call::calls, AccountId, Chain, Wait};
use pgt_net::{
	io::{spawn_reader, write_message, ReadError},
	message::{Tick, RECEIPT_PERIOD_SECS},
	signed::{sign_receipt, sign_takeover},
	ByeReason, Input, NetEvent, SessionMessage, SignedReceipt,
};
use pgt_primitives::{sessions::SessionId, Balance, FormattedPgt};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;
use tokio::sync::mpsc;

/// What a session's stream needs.
pub struct SessionCtx<'a> {
	/// The chain, for the balance the overlay shows (none: no balance shown).
	pub chain: Option<Arc<Chain>>,
	/// The player's key (signs receipts).
	pub signer: &'a Keypair,
	/// The chain's genesis hash (receipts are signed for it).
	pub genesis: [u8; 32],
	/// The session.
	pub session: SessionId,
	/// Its host.
	pub host: AccountId,
	/// Its rate per compute-hour.
	pub rate: Balance,
	/// Seconds slower than this are paused.
	pub max_latency_ms: u16,
	/// Count frames as drawn on arrival (no page).
	pub headless: bool,
	/// End after this long.
	pub duration: Option<Duration>,
	/// The page.
	pub page: &'a mut web::PageHandle,
	/// The player node's events (drained).
	pub net_events: mpsc::Receiver<NetEvent>,
	/// The session's stream to the host, the hello already sent.
	pub stream: pgt_net::libp2p::Stream,
	/// The first backup and a stream to it, the hello already sent (none: no failover).
	pub backup: Option<(AccountId, pgt_net::libp2p::Stream)>,
	/// Where the session's figures are counted.
	pub metrics: Arc<Metrics>,
}

/// One takeover the player ordered.
#[derive(Debug)]
pub struct Failover {
	/// The host that dropped.
	pub from: AccountId,
	/// The backup that took over.
	pub to: AccountId,
	/// The first tick the backup was ordered to host.
	pub tick: Tick,
	/// Why the host was dropped.
	pub why: String,
	/// The final receipt for the dropped host (what `failover` submits).
	pub receipt: SignedReceipt,
	/// The chain's `failover`, submitted in the background (none without a chain).
	pub submitted: Option<tokio::task::JoinHandle<Result<()>>>,
}

/// How a session's stream ended.
#[derive(Debug)]
pub struct SessionEnd {
	/// Why: the player left, the host left, the host broke the protocol, the stream failed…
	pub reason: String,
	/// The last receipt the player signed (and sent) for the host at the end.
	pub last: Option<SignedReceipt>,
	/// The takeovers, in order.
	pub failovers: Vec<Failover>,
}

/// The least time without a frame or heartbeat before a host is dropped.
pub const MIN_HOST_PATIENCE: Duration = Duration::from_millis(100);
/// Before its first frame, a host has this long (its game starts when the player connects).
pub const FIRST_FRAME_PATIENCE: Duration = Duration::from_secs(5);
/// Until enough gaps between frames are measured, a host has this long.
pub const STARTUP_PATIENCE: Duration = Duration::from_secs(1);
/// Frame arrivals the frame interval is measured over.
pub const INTERVAL_SAMPLES: usize = 32;
/// Gaps measured before the frame interval is trusted.
pub const MIN_INTERVAL_SAMPLES: usize = 8;
/// A backup silent for this long (it heartbeats every second) is not ordered to take over: a
/// killed backup's QUIC connection says nothing either.
pub const BACKUP_FRESHNESS: Duration = Duration::from_millis(2_500);

/// How long the host may be silent: max(100 ms, 3 frame intervals). The interval is the 90th
/// percentile of the last [`INTERVAL_SAMPLES`] gaps between frames received, so a host that
/// renders slower than asked, or whose frames arrive unevenly on a busy machine, is not dropped
/// for it; until [`MIN_INTERVAL_SAMPLES`] gaps are measured the host has [`STARTUP_PATIENCE`],
/// and before its first frame [`FIRST_FRAME_PATIENCE`].
pub fn host_patience(gaps: &std::collections::VecDeque<Duration>, frames_seen: bool) -> Duration {
	if !frames_seen {
		return FIRST_FRAME_PATIENCE;
	}
	if gaps.len() < MIN_INTERVAL_SAMPLES {
		return STARTUP_PATIENCE;
	}
	let mut sorted: Vec<Duration> = gaps.iter().copied().collect();
	sorted.sort();
	let p90 = sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)];
	(p90 * 3).max(MIN_HOST_PATIENCE)
}

/// One side of the session: the host, or the first backup.
struct Link {
	account: AccountId,
	rx: mpsc::Receiver<Result<SessionMessage, ReadError>>,
	reader: tokio::task::JoinHandle<()>,
	writer: futures::io::WriteHalf<pgt_net::libp2p::Stream>,
}

impl Link {
	fn new(account: AccountId, stream: pgt_net::libp2p::Stream) -> Link {
		let (reader, writer) = stream.split();
		let (rx, reader) = spawn_reader::<_, SessionMessage>(reader);
		Link { account, rx, reader, writer }
	}

	async fn send(&mut self, m: &SessionMessage) -> bool {
		write_message(&mut self.writer, m).await.is_ok()
	}

	/// Says `last` and bye, and closes (in the background: a dead host may never answer).
	fn close_with(mut self, last: Option<SignedReceipt>) {
		tokio::spawn(async move {
			let _ = tokio::time::timeout(Duration::from_secs(2), async {
				if let Some(r) = last {
					let _ = self.send(&SessionMessage::Receipt(r)).await;
				}
				let _ = self.send(&SessionMessage::Bye(ByeReason::PlayerLeft)).await;
				let _ = futures::AsyncWriteExt::close(&mut self.writer).await;
			})
			.await;
			self.reader.abort();
		});
	}
}

async fn recv_backup(backup: &mut Option<Link>) -> Option<Result<SessionMessage, ReadError>> {
	match backup {
		Some(b) => b.rx.recv().await,
		None => futures::future::pending().await,
	}
}

/// Streams until the player leaves, the host leaves or breaks the protocol, or `duration` is
/// over. Anything the host sends that is not a message it may send, does not decode, or is over
/// the size bound ends the stream (never the process); the player then sends its final receipt
/// and bye, and returns the last receipt it signed.
pub async fn run(ctx: SessionCtx<'_>) -> Result<SessionEnd> {
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
		backup,
		metrics,
	} = ctx;
	let started = Instant::now();
	let since_start_ms = move || started.elapsed().as_millis() as u64;
	let mut link = Link::new(host, stream);
	let mut backup = backup.map(|(account, stream)| Link::new(account, stream));
	let mut failovers: Vec<Failover> = Vec::new();
	// Which host's frames the page is drawing: 0 for the first, +1 at every takeover.
	let mut generation: u8 = 0;
	let mut last_heard = Instant::now();
	let mut last_frame: Option<(Instant, Tick)> = None;
	let mut gaps: std::collections::VecDeque<Duration> = Default::default();
	let mut dropped_at: Option<Instant> = None;
	// The tick the backup last said it was at (0: not following the game yet).
	let mut backup_tick: Tick = 0;
	let mut backup_heard = Instant::now();
	let mut watchdog = tokio::time::interval(Duration::from_millis(10));
	watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
	// The network's other events are drained so the node never stalls.
	tokio::spawn(async move { while net_events.recv().await.is_some() {} });

	let mut ledger = Ledger::new(session, host, u32::from(max_latency_ms));
	let mut clock = HostClock::default();
	let mut latest: Option<SignedReceipt> = None;
	// (generation, frame, rendered_at_us) of the frames handed to the page.
	let mut sent_at: std::collections::VecDeque<(u8, u64, u64)> = Default::default();
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
		let mut drop_host: Option<String> = None;
		tokio::select! {
			m = link.rx.recv() => match m {
				Some(Ok(SessionMessage::Frame(frame))) => {
					let now = Instant::now();
					if let Some((at, _)) = last_frame {
						if gaps.len() >= INTERVAL_SAMPLES { gaps.pop_front(); }
						gaps.push_back(now - at);
					}
					if let Some(dropped) = dropped_at.take() {
						metrics.failover_gap_seconds.observe(now.duration_since(dropped).as_secs_f64());
					}
					last_frame = Some((now, frame.tick));
					last_heard = now;
					metrics.frames_received.inc();
					metrics.bytes_received.inc_by(frame.data.len() as u64);
					let rendered = frame.rendered_at_us;
					if headless {
						let now_ms = since_start_ms();
						if let Some(lat) = clock.latency_ms(rendered, Instant::now()) {
							ledger.frame_drawn(now_ms, lat);
							metrics.frame_drawn(lat);
						}
					} else {
						sent_at.push_back((generation, frame.number, rendered));
						if sent_at.len() > 240 { sent_at.pop_front(); }
						let _ = page.frames.send(Some(Arc::new(web::page_frame(&frame, generation))));
					}
				},
				Some(Ok(SessionMessage::ClockReply { probe_sent_us, host_us })) => {
					last_heard = Instant::now();
					clock.reply(probe_sent_us, host_us, last_heard);
				},
				Some(Ok(SessionMessage::Welcome { .. } | SessionMessage::Heartbeat { .. })) => last_heard = Instant::now(),
				Some(Ok(SessionMessage::Bye(ByeReason::SessionEnded))) => break "the host said bye (SessionEnded)".into(),
				Some(Ok(SessionMessage::Bye(why))) => drop_host = Some(format!("the host said bye ({why:?})")),
				Some(Ok(other)) => drop_host = Some(format!("the host broke the protocol: {}", name(&other))),
				Some(Err(e)) => drop_host = Some(format!("the stream failed: {e}")),
				None => drop_host = Some("the stream closed".into()),
			},
			m = recv_backup(&mut backup) => match m {
				Some(Ok(SessionMessage::Heartbeat { tick })) => { backup_tick = tick; backup_heard = Instant::now(); },
				Some(Ok(SessionMessage::Welcome { .. } | SessionMessage::ClockReply { .. })) => backup_heard = Instant::now(),
				other => {
					tracing::warn!(session, message = ?other.map(|m| m.map(|m| name(&m))), "the backup's stream ended; no failover from now on");
					if let Some(b) = backup.take() { b.close_with(None); }
				},
			},
			_ = watchdog.tick() => {
				let patience = host_patience(&gaps, last_frame.is_some());
				// Only a backup that follows the game (its heartbeat names a tick) and still
				// heartbeats can take over.
				let backup_ready = backup.is_some() && backup_tick > 0 && backup_heard.elapsed() < BACKUP_FRESHNESS;
				if backup_ready && last_heard.elapsed() > patience {
					drop_host = Some(format!("nothing from the host for {} ms", last_heard.elapsed().as_millis()));
				}
			},
			ev = page.events.recv() => match ev {
				Some(PageEvent::Opened) => { page_seen = true; },
				Some(PageEvent::Keys(keys)) => {
					seq += 1;
					let input = Input { tick: clock.host_tick(Instant::now()), keys, seq };
					if let Some(b) = &mut backup {
						if !b.send(&SessionMessage::Input(input)).await {
							tracing::warn!(session, "cannot mirror inputs to the backup; no failover from now on");
							if let Some(b) = backup.take() { b.close_with(None); }
						}
					}
					if !link.send(&SessionMessage::Input(input)).await { drop_host = Some("the stream failed".into()); }
				},
				Some(PageEvent::Drawn { number, source, at }) => {
					if let Some(&(_, _, rendered)) = sent_at.iter().find(|(g, n, _)| *n == number && *g == source) {
						if let Some(lat) = clock.latency_ms(rendered, at) {
							ledger.frame_drawn(since_start_ms(), lat);
							metrics.frame_drawn(lat);
						}
					}
				},
				Some(PageEvent::Closed) if page_seen => break "the page was closed".into(),
				Some(PageEvent::Closed) | None => {},
			},
			_ = probe.tick() => {
				let sent_us = clock.now_us(Instant::now());
				if !link.send(&SessionMessage::ClockProbe { sent_us }).await { drop_host = Some("the stream failed".into()); }
			},
			_ = receipt.tick() => {
				ledger.advance(since_start_ms());
				let signed = sign_receipt(signer, &genesis, ledger.receipt());
				metrics.receipt_signed(&signed.receipt, rate);
				latest = Some(signed.clone());
				if !link.send(&SessionMessage::Receipt(signed)).await { drop_host = Some("the stream failed".into()); }
			},
			_ = balance_every.tick() => {
				if let Some(chain) = &chain {
					if let Ok(at) = chain.finalized().await {
						if let Ok(b) = Chain::balance(&at, &me).await { balance = b.free; }
					}
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
		let Some(why) = drop_host else { continue };
		let Some(mut next) = backup.take() else { break why };
		// Takeover: the dropped host's final receipt, the signed order to the backup at the tick
		// after the last frame, and the backup's own ledger from now on.
		let dropped = Instant::now();
		ledger.advance(since_start_ms());
		let final_receipt = sign_receipt(signer, &genesis, ledger.receipt());
		let tick = last_frame.map(|(_, t)| t + 1).unwrap_or(0);
		let order = sign_takeover(signer, &genesis, session, tick, next.account);
		if !next.send(&SessionMessage::Takeover(order)).await {
			next.close_with(None);
			break format!("{why}, and the backup's stream failed too");
		}
		let from = std::mem::replace(&mut link, next);
		let from_account = from.account;
		from.close_with(Some(final_receipt.clone()));
		tracing::info!(session, %why, from = %hex::encode(from_account), to = %hex::encode(link.account), tick, "took over: the backup hosts now");
		let submitted = chain.clone().map(|chain| {
			let (signer, r) = (signer.clone(), final_receipt.clone());
			tokio::spawn(async move {
				let call = calls::failover(session, &r.receipt, &r.signature);
				chain.submit(&call, &signer, Wait::InBlock).await.map(|_| ())
			})
		});
		failovers.push(Failover {
			from: from_account,
			to: link.account,
			tick,
			why: why.clone(),
			receipt: final_receipt,
			submitted,
		});
		metrics.failovers.inc();
		ledger = Ledger::new(session, link.account, u32::from(max_latency_ms));
		latest = None;
		generation = generation.wrapping_add(1);
		sent_at.clear();
		gaps.clear();
		backup_tick = 0;
		dropped_at = last_frame.map(|(at, _)| at).or(Some(dropped));
		last_heard = Instant::now();
		let _ = page.texts.try_send(serde_json::json!({ "t": "failover", "tick": tick, "why": why }).to_string());
	};
	tracing::info!(session, %reason, "leaving");
	if let Some(b) = backup.take() {
		b.close_with(None);
	}
	// The final receipt, then bye.
	ledger.advance(since_start_ms());
	let last = sign_receipt(signer, &genesis, ledger.receipt());
	let _ = link.send(&SessionMessage::Receipt(last.clone())).await;
	let _ = link.send(&SessionMessage::Bye(ByeReason::PlayerLeft)).await;
	let _ = futures::AsyncWriteExt::close(&mut link.writer).await;
	link.reader.abort();
	if last.receipt.seconds_served > 0 || latest.is_none() {
		latest = Some(last);
	}
	Ok(SessionEnd { reason, last: latest, failovers })
}

/// A message's name, for logs.
fn name(m: &SessionMessage) -> &'static str {
	match m {
		SessionMessage::Hello(_) => "hello",
		SessionMessage::Welcome { .. } => "welcome",
		SessionMessage::Input(_) => "input",
		SessionMessage::Frame(_) => "frame",
		SessionMessage::ClockProbe { .. } => "clock probe",
		SessionMessage::ClockReply { .. } => "clock reply",
		SessionMessage::Receipt(_) => "receipt",
		SessionMessage::Heartbeat { .. } => "heartbeat",
		SessionMessage::Takeover(_) => "takeover",
		SessionMessage::Bye(_) => "bye",
		SessionMessage::Snapshot(_) => "snapshot",
		SessionMessage::Lockstep(_) => "lockstep",
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::collections::VecDeque;

	fn gaps(ms: &[u64]) -> VecDeque<Duration> {
		ms.iter().map(|&m| Duration::from_millis(m)).collect()
	}

	#[test]
	fn a_hosts_patience_is_three_frame_intervals_and_never_under_100_ms() {
		assert_eq!(host_patience(&gaps(&[]), false), FIRST_FRAME_PATIENCE);
		assert_eq!(host_patience(&gaps(&[33; 7]), true), STARTUP_PATIENCE, "too few gaps measured");
		assert_eq!(host_patience(&gaps(&[33; 32]), true), MIN_HOST_PATIENCE, "30 frames/s: 100 ms");
		assert_eq!(host_patience(&gaps(&[100; 32]), true), Duration::from_millis(300), "10 frames/s");
		// A busy machine: a tenth of the frames come late; the patience covers them.
		let mut uneven = vec![33; 28];
		uneven.extend([95; 4]);
		assert_eq!(host_patience(&gaps(&uneven), true), Duration::from_millis(285));
		// One late frame in 32 does not move it.
		let mut one = vec![33; 31];
		one.push(400);
		assert_eq!(host_patience(&gaps(&one), true), MIN_HOST_PATIENCE);
	}
}
