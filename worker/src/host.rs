//! Hosting one session on its stream: the player's hello is checked by the caller
//! ([`crate::daemon`]); here the game runs, frames go out, inputs, clock probes and receipts
//! come in. Anything the player sends that breaks the protocol (a message it may not send, one
//! that does not decode, a receipt it did not sign or for another session) ends the stream.

use crate::{
	game_loop::{self, AppliedLog, LoopConfig, LoopStart, LoopStatus, SessionClock},
	lockstep::BackupFeed,
	metrics::Metrics,
	store::Store,
	work::WorkLog,
};
use futures::{AsyncReadExt, StreamExt};
use pgt_compute::Executor;
use pgt_net::{
	io::{read_message, spawn_reader, write_message, ReadError},
	message::{AccountId, MISSED_RECEIPTS_TO_END, RECEIPT_PERIOD_SECS},
	ByeReason, Frame, Input, SessionMessage, SignedReceipt, Video,
};
use pgt_primitives::sessions::SessionId;
use std::{
	sync::{atomic::Ordering, Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::{mpsc, watch};

/// A session this worker accepted, as the chain described it.
#[derive(Clone, Debug)]
pub struct Ticket {
	/// The session.
	pub session: SessionId,
	/// Its player.
	pub player: AccountId,
	/// The seed of its first state (from the task package).
	pub seed: u64,
}

/// Why hosting stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndCause {
	/// The player said bye.
	PlayerLeft,
	/// No receipt came for [`MISSED_RECEIPTS_TO_END`] receipt periods.
	ReceiptsStopped,
	/// The stream closed or failed.
	Disconnected,
	/// The player broke the protocol (what it did).
	ProtocolViolation(String),
	/// This worker is shutting down.
	HostStopping,
}

/// What hosting leaves behind: the latest receipt and why it stopped.
#[derive(Clone, Debug)]
pub struct Outcome {
	/// The latest valid receipt the player signed (also in the store).
	pub latest: Option<SignedReceipt>,
	/// Why.
	pub cause: EndCause,
	/// The game's last tick, state hash and ball position.
	pub last_state: Option<game_loop::StateSummary>,
}

/// What every hosted session needs from the worker.
pub struct HostContext {
	/// The chain's genesis hash (receipts are signed for it).
	pub genesis: [u8; 32],
	/// This contributor's account.
	pub me: AccountId,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// Where receipts are kept.
	pub store: Store,
}

/// A session stream, split: messages arrive on `rx` from a reader task of their own (so a
/// `select!` never cuts one in half), and are written to `writer`. A backup reads a player's
/// stream this way until the takeover, then hands the same link to [`serve`].
pub struct Link {
	/// Messages (and the first error, last) from the other side.
	pub rx: mpsc::Receiver<Result<SessionMessage, ReadError>>,
	/// The task reading them.
	pub reader: tokio::task::JoinHandle<()>,
	/// The stream's write half.
	pub writer: futures::io::WriteHalf<pgt_net::libp2p::Stream>,
}

impl Link {
	/// Splits `stream` and starts reading it.
	pub fn new(stream: pgt_net::libp2p::Stream) -> Link {
		let (reader, writer) = stream.split();
		let (rx, reader) = spawn_reader::<_, SessionMessage>(reader);
		Link { rx, reader, writer }
	}
}

/// Where hosting starts: a new session from its seed, or a backup taking over.
pub struct HostStart {
	/// The game's state, keys and frame count.
	pub start: LoopStart,
	/// The session clock (a backup's is the old host's).
	pub clock: SessionClock,
	/// The key changes applied before `start` (a backup's copy of the old host's).
	pub applied: AppliedLog,
	/// Inputs the player sent that the game may not have applied yet (mirrored to a backup).
	pub inputs: Vec<Input>,
	/// Whether the stream still needs its welcome (a backup already sent one).
	pub welcome: bool,
	/// The helpers each frame is shared with, if the host works with any.
	pub farm: Option<crate::helpers::TileFarm>,
}

impl HostStart {
	/// A new session's game, from its first tick.
	pub fn new(seed: u64) -> HostStart {
		HostStart {
			start: LoopStart::new(seed),
			clock: SessionClock::start(),
			applied: Vec::new(),
			inputs: Vec::new(),
			welcome: true,
			farm: None,
		}
	}
}

/// Hosts `ticket` on `stream` until the player leaves, stops signing, breaks the protocol, or
/// `shutdown` turns true. `video` is what the player's hello asked for; every physics step and
/// frame goes into `work`, every tick to the backups' `feed`.
#[allow(clippy::too_many_arguments)]
pub async fn serve(
	ctx: Arc<HostContext>,
	ticket: Ticket,
	video: Video,
	executor: Executor,
	link: Link,
	work: Arc<Mutex<WorkLog>>,
	from: HostStart,
	feed: BackupFeed,
	mut shutdown: watch::Receiver<bool>,
) -> Outcome {
	let HostStart { start, clock, applied, inputs, welcome, farm } = from;
	feed.set_clock(clock);
	let status = Arc::new(LoopStatus::default());
	if let Ok(mut log) = status.applied.lock() {
		*log = applied;
	}
	let (input_tx, input_rx) = std::sync::mpsc::channel();
	for input in inputs {
		let _ = input_tx.send(input);
	}
	let (frame_tx, mut frame_rx) = watch::channel::<Option<Arc<Frame>>>(None);
	let game = {
		let status = status.clone();
		let metrics = ctx.metrics.clone();
		let config = LoopConfig { start, video, clock, work, feed, farm };
		std::thread::Builder::new().name(format!("session-{}", ticket.session)).spawn(move || {
			game_loop::run(config, executor, input_rx, frame_tx, status, |frame, render, encode| {
				metrics.frame_rendered(frame.data.len(), render, encode)
			})
		})
	};
	let game = match game {
		Ok(g) => g,
		Err(e) => {
			return Outcome {
				latest: None,
				cause: EndCause::ProtocolViolation(format!("cannot start the game thread: {e}")),
				last_state: None,
			}
		},
	};
	let Link { rx: mut msg_rx, reader: read_task, mut writer } = link;

	// The writer: the newest frame whenever there is one, replies in between, a heartbeat when
	// idle.
	let (ctrl_tx, mut ctrl_rx) = mpsc::channel::<SessionMessage>(16);
	let metrics = ctx.metrics.clone();
	let write_task = tokio::spawn(async move {
		let hello_back = SessionMessage::Welcome { tick: clock.due_tick(), now_us: clock.now_us() };
		if welcome && write_message(&mut writer, &hello_back).await.is_err() {
			return;
		}
		let mut idle = tokio::time::interval(Duration::from_secs(1));
		loop {
			tokio::select! {
				changed = frame_rx.changed() => {
					if changed.is_err() { break; }
					let frame = frame_rx.borrow_and_update().clone();
					if let Some(frame) = frame {
						let len = frame.data.len();
						if write_message(&mut writer, &SessionMessage::Frame((*frame).clone())).await.is_err() { break; }
						metrics.frame_sent(len);
						idle.reset();
					}
				},
				m = ctrl_rx.recv() => match m {
					Some(m) => {
						let last = matches!(m, SessionMessage::Bye(_));
						if write_message(&mut writer, &m).await.is_err() || last { break; }
					},
					None => break,
				},
				_ = idle.tick() => {
					let tick = clock.due_tick();
					if write_message(&mut writer, &SessionMessage::Heartbeat { tick }).await.is_err() { break; }
				},
			}
		}
		let _ = futures::AsyncWriteExt::close(&mut writer).await;
	});

	let receipt_patience = Duration::from_secs(RECEIPT_PERIOD_SECS * MISSED_RECEIPTS_TO_END + 1);
	let mut latest = ctx.store.latest(ticket.session);
	let mut last_receipt_at = Instant::now();
	let mut check = tokio::time::interval(Duration::from_millis(500));
	let cause = loop {
		tokio::select! {
			m = msg_rx.recv() => match m {
				None | Some(Err(ReadError::Closed)) => break EndCause::Disconnected,
				Some(Err(e)) if e.is_fatal() => break EndCause::Disconnected,
				Some(Err(e)) => break EndCause::ProtocolViolation(e.to_string()),
				Some(Ok(m)) => match m {
					SessionMessage::Input(input) => { let _ = input_tx.send(input); },
					SessionMessage::ClockProbe { sent_us } => {
						let _ = ctrl_tx.try_send(SessionMessage::ClockReply { probe_sent_us: sent_us, host_us: clock.now_us() });
					},
					SessionMessage::Receipt(r) => match check_receipt(&ctx, &ticket, latest.as_ref(), &r) {
						Ok(()) => {
							if let Err(e) = ctx.store.save(&r) {
								tracing::error!(session = ticket.session, error = %e, "cannot store a receipt");
							}
							ctx.metrics.receipts.inc();
							tracing::debug!(session = ticket.session, served = r.receipt.seconds_served, paused = r.receipt.seconds_paused, counter = r.receipt.counter, "receipt");
							latest = Some(r);
							last_receipt_at = Instant::now();
						},
						Err(why) => break EndCause::ProtocolViolation(why),
					},
					SessionMessage::Heartbeat { .. } => {},
					SessionMessage::Bye(_) => break EndCause::PlayerLeft,
					other => break EndCause::ProtocolViolation(format!("a player may not send {}", name(&other))),
				},
			},
			_ = check.tick() => {
				if last_receipt_at.elapsed() > receipt_patience {
					break EndCause::ReceiptsStopped;
				}
			},
			_ = shutdown.changed() => break EndCause::HostStopping,
		}
	};
	let reason = match &cause {
		EndCause::HostStopping => ByeReason::HostStopping,
		EndCause::ProtocolViolation(_) => ByeReason::ProtocolViolation,
		_ => ByeReason::SessionEnded,
	};
	let _ = ctrl_tx.send(SessionMessage::Bye(reason)).await;
	status.stop.store(true, Ordering::Relaxed);
	let _ = tokio::time::timeout(Duration::from_secs(2), write_task).await;
	read_task.abort();
	let _ = tokio::task::spawn_blocking(move || game.join()).await;
	let last_state = status.last_state.lock().ok().and_then(|s| *s);
	if let Ok(log) = status.applied.lock() {
		ctx.store.save_inputs(ticket.session, &log);
	}
	Outcome { latest, cause, last_state }
}

/// Whether `r` is a receipt the host should keep: for this session and this contributor,
/// signed by the session's player for this chain, adding to the last one kept.
fn check_receipt(
	ctx: &HostContext,
	ticket: &Ticket,
	latest: Option<&SignedReceipt>,
	r: &SignedReceipt,
) -> Result<(), String> {
	if r.receipt.session != ticket.session {
		return Err(format!("a receipt for session {} on session {}'s stream", r.receipt.session, ticket.session));
	}
	if r.receipt.contributor != ctx.me {
		return Err("a receipt for another contributor".into());
	}
	if !r.verify(&ctx.genesis, &ticket.player) {
		return Err("a receipt the player did not sign".into());
	}
	if let Some(l) = latest {
		let (a, b) = (&l.receipt, &r.receipt);
		let adds = b.counter > a.counter
			&& b.seconds_served >= a.seconds_served
			&& b.seconds_paused >= a.seconds_paused
			&& b.frames >= a.frames
			&& b.seconds_paused - a.seconds_paused <= b.seconds_served - a.seconds_served;
		if !adds {
			return Err("a receipt that does not add to the last one".into());
		}
	}
	Ok(())
}

pub(crate) fn name(m: &SessionMessage) -> &'static str {
	match m {
		SessionMessage::Hello(_) => "a second hello",
		SessionMessage::Welcome { .. } => "welcome",
		SessionMessage::Input(_) => "input",
		SessionMessage::Frame(_) => "frames",
		SessionMessage::ClockProbe { .. } => "clock probes",
		SessionMessage::ClockReply { .. } => "clock replies",
		SessionMessage::Receipt(_) => "receipts",
		SessionMessage::Heartbeat { .. } => "heartbeats",
		SessionMessage::Takeover(_) => "a takeover to its host",
		SessionMessage::Bye(_) => "bye",
		SessionMessage::Snapshot(_) => "snapshots",
		SessionMessage::Lockstep(_) => "lockstep ticks",
	}
}

/// Reads the opener's hello within `patience`.
pub async fn read_hello(stream: &mut pgt_net::libp2p::Stream, patience: Duration) -> Result<pgt_net::Hello, String> {
	match tokio::time::timeout(patience, read_message::<_, SessionMessage>(stream)).await {
		Err(_) => Err("no hello in time".into()),
		Ok(Err(e)) => Err(e.to_string()),
		Ok(Ok(SessionMessage::Hello(h))) => Ok(h),
		Ok(Ok(other)) => Err(format!("{} before the hello", name(&other))),
	}
}

/// Drains a stream of incoming session streams into `f`.
pub async fn for_each_incoming<F, Fut>(mut incoming: pgt_net::libp2p_stream::IncomingStreams, f: F)
where
	F: Fn(pgt_net::PeerId, pgt_net::libp2p::Stream) -> Fut,
	Fut: std::future::Future<Output = ()> + Send + 'static,
{
	while let Some((peer, stream)) = incoming.next().await {
		tokio::spawn(f(peer, stream));
	}
}
