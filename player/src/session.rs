//! One session's stream, from the player's side: frames into the page (or counted on arrival),
//! keys to the host, clock probes, a signed cumulative receipt every receipt period, the overlay's
//! figures; a final receipt and bye when it ends.

use crate::{
	billing::Ledger,
	clock::HostClock,
	metrics::Metrics,
	web::{self, PageEvent},
};
use anyhow::Result;
use futures::AsyncReadExt;
use pgt_client::{AccountId, Chain};
use pgt_net::{
	io::{spawn_reader, write_message},
	message::RECEIPT_PERIOD_SECS,
	signed::sign_receipt,
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
	/// Where the session's figures are counted.
	pub metrics: Arc<Metrics>,
}

/// How a session's stream ended.
#[derive(Debug)]
pub struct SessionEnd {
	/// Why: the player left, the host left, the host broke the protocol, the stream failed…
	pub reason: String,
	/// The last receipt the player signed (and sent).
	pub last: Option<SignedReceipt>,
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
		metrics,
	} = ctx;
	let started = Instant::now();
	let since_start_ms = move || started.elapsed().as_millis() as u64;
	let (reader, mut writer) = stream.split();
	let (mut msg_rx, read_task) = spawn_reader::<_, SessionMessage>(reader);
	// The network's other events are drained so the node never stalls.
	tokio::spawn(async move { while net_events.recv().await.is_some() {} });

	let mut ledger = Ledger::new(session, host, u32::from(max_latency_ms));
	let mut clock = HostClock::default();
	let mut latest: Option<SignedReceipt> = None;
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
				if write_message(&mut writer, &SessionMessage::ClockProbe { sent_us }).await.is_err() { break "the stream failed".into(); }
			},
			_ = receipt.tick() => {
				ledger.advance(since_start_ms());
				let signed = sign_receipt(signer, &genesis, ledger.receipt());
				if write_message(&mut writer, &SessionMessage::Receipt(signed.clone())).await.is_err() { break "the stream failed".into(); }
				metrics.receipt_signed(&signed.receipt, rate);
				latest = Some(signed);
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
	Ok(SessionEnd { reason, last: latest })
}
