//! Backups and takeovers (docs/play.md, "When the host drops").
//!
//! - **As a backup**: when another worker accepts a session whose backups include this one, it
//!   connects to the host (a signed `Backup` hello), learns the host's session clock from probes,
//!   and follows its game in lockstep ([`crate::lockstep::Follower`]); it keeps following the
//!   session's current host until the session ends or it is no longer a backup. The player opens
//!   a stream to the first backup too and mirrors its inputs there; the backup keeps them.
//! - **Taking over**: on the player's signed takeover, the backup's game loop starts from its
//!   follower's state, on the old host's session clock, with the mirrored inputs the old host
//!   never applied, and streams frames on the player's stream. The chain's `failover` is the
//!   player's to submit; until it lands, receipts for this worker wait in the store.
//! - **As a host**: backups named by the chain for the session get the game's [`BackupFeed`].

use super::{Hosted, Worker};
use crate::{
	game_loop::{SessionClock, MAX_PENDING_INPUTS},
	host::{self, HostStart, Link, Ticket},
	lockstep::{BackupFeed, Follower},
	machine,
};
use anyhow::{anyhow, bail, Context, Result};
use pgt_client::{chain::At, AccountId, Chain};
use pgt_compute::Executor;
use pgt_net::{
	io::write_message, message::Tick, signed::sign_hello, with_peer, ByeReason, Hello, Input, Multiaddr, PeerId, Role,
	SessionMessage, Takeover,
};
use pgt_primitives::{sessions::SessionId, work::game_seed};
use std::{
	collections::VecDeque,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::{broadcast::error::RecvError, watch};

/// How often a backup probes its host's session clock.
pub const CLOCK_PROBE_EVERY: Duration = Duration::from_secs(2);
/// How often a backup tells the player it is still there.
pub const BACKUP_HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// A session this worker backs.
pub(super) struct Backing {
	ticket: Ticket,
	follower: Arc<Mutex<Follower>>,
	/// The host's session clock, once learnt.
	clock: Arc<Mutex<Option<SessionClock>>>,
	/// A renderer opened ahead, so a takeover does not wait for one.
	executor: Arc<Mutex<Option<Executor>>>,
	/// Set once the player's stream is here.
	player_linked: bool,
	/// Ends the backing (the session ended, this worker took over or is no longer a backup).
	stop: watch::Sender<bool>,
}

impl Worker {
	/// Whether this worker backs `session` now.
	pub(super) fn is_backing(&self, session: SessionId) -> bool {
		self.backing.lock().map(|b| b.contains_key(&session)).unwrap_or(false)
	}

	/// The state at the newest best block seen (finalized before the first).
	pub(super) async fn best_at(&self) -> Result<At> {
		let hash = self.best_hash.lock().map(|h| *h).unwrap_or_default();
		if hash == [0; 32] {
			return self.chain.finalized().await;
		}
		self.chain.at(hash).await
	}

	/// Another worker accepted `session` at `block`: back it if the chain named this worker a
	/// backup, until the session ends, this worker takes over, or it is no longer a backup.
	pub(super) async fn consider_backing(self: Arc<Self>, block: [u8; 32], session: SessionId) {
		let record = match self.chain.at(block).await {
			Ok(at) => Chain::session(&at, session).await,
			Err(e) => Err(e),
		};
		let record = match record {
			Ok(Some(r)) if r.backups.contains(&self.me) => r,
			Ok(_) => return,
			Err(e) => {
				tracing::warn!(session, error = format!("{e:#}"), "cannot read the session");
				return;
			},
		};
		let executor = Arc::new(Mutex::new(None));
		{
			let Ok(mut backing) = self.backing.lock() else { return };
			if backing.contains_key(&session) {
				return;
			}
			let (stop, _) = watch::channel(false);
			let ticket = Ticket { session, player: record.player, seed: game_seed(&record.task.hash) };
			let follower = Arc::new(Mutex::new(Follower::new(ticket.seed)));
			backing.insert(
				session,
				Backing {
					ticket,
					follower,
					clock: Arc::new(Mutex::new(None)),
					executor: executor.clone(),
					player_linked: false,
					stop,
				},
			);
		}
		let renderer = self.renderer;
		match tokio::task::spawn_blocking(move || machine::open_executor(renderer)).await {
			Ok(Ok(e)) => {
				if let Ok(mut slot) = executor.lock() {
					*slot = Some(e);
				}
			},
			_ => tracing::warn!(session, "no renderer opened ahead; a takeover will open one"),
		}
		tracing::info!(session, host = %hex::encode(record.host), "backing");
		self.host.metrics.sessions_backing.inc();
		self.back(session).await;
		self.host.metrics.sessions_backing.dec();
		if let Ok(mut b) = self.backing.lock() {
			b.remove(&session);
		}
		tracing::info!(session, "no longer backing");
	}

	/// Follows the session's current host, reconnecting (to a new host after a failover) while
	/// this worker is still one of its backups.
	async fn back(self: &Arc<Self>, session: SessionId) {
		let Some(mut stop) = self.backing.lock().ok().and_then(|b| b.get(&session).map(|b| b.stop.subscribe())) else {
			return;
		};
		let mut shutdown = self.shutdown.clone();
		loop {
			if *stop.borrow() || *shutdown.borrow() {
				return;
			}
			let record = match self.best_at().await {
				Ok(at) => Chain::session(&at, session).await,
				Err(e) => Err(e),
			};
			match record {
				Ok(None) => return,
				Ok(Some(r)) if r.host == self.me || !r.backups.contains(&self.me) => return,
				Ok(Some(r)) => {
					tokio::select! {
						result = self.follow_host(session, r.host) => match result {
							Ok(()) => tracing::info!(session, "the host's stream ended"),
							Err(e) => tracing::info!(session, error = format!("{e:#}"), "cannot follow the host"),
						},
						_ = stop.changed() => return,
						_ = shutdown.changed() => return,
					}
				},
				Err(e) => tracing::warn!(session, error = format!("{e:#}"), "cannot read the session"),
			}
			tokio::select! {
				_ = tokio::time::sleep(Duration::from_secs(1)) => {},
				_ = stop.changed() => return,
				_ = shutdown.changed() => return,
			}
		}
	}

	/// Connects to `who`'s published addresses; its peer id.
	pub(super) async fn dial_contributor(&self, who: &AccountId) -> Result<PeerId> {
		let at = self.best_at().await?;
		let record = Chain::contributor(&at, who).await?.ok_or_else(|| anyhow!("not a registered contributor"))?;
		let peer = PeerId::from_bytes(&record.profile.peer_id).context("its published peer id")?;
		for a in record.profile.addresses.iter() {
			let Ok(addr) = Multiaddr::try_from(a.to_vec()) else { continue };
			match tokio::time::timeout(Duration::from_secs(3), self.node.dial(with_peer(addr, peer))).await {
				Ok(Ok(p)) if p == peer => return Ok(peer),
				_ => continue,
			}
		}
		bail!("none of its published addresses answered as {peer}")
	}

	/// Follows `host`'s game of `session` until its stream ends.
	async fn follow_host(&self, session: SessionId, host: AccountId) -> Result<()> {
		let (follower, clock) = self
			.backing
			.lock()
			.ok()
			.and_then(|b| b.get(&session).map(|b| (b.follower.clone(), b.clock.clone())))
			.ok_or_else(|| anyhow!("not backing"))?;
		let peer = self.dial_contributor(&host).await?;
		let mut stream = self.node.open_session(peer).await?;
		let hello = sign_hello(
			&self.signer,
			&self.host.genesis,
			session,
			Role::Backup,
			&self.peer_id.to_bytes(),
			&peer.to_bytes(),
		);
		write_message(&mut stream, &SessionMessage::Hello(hello)).await?;
		let Link { mut rx, reader, mut writer } = Link::new(stream);
		tracing::info!(session, %peer, "following the host");
		let epoch = Instant::now();
		let local_us = move || u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
		let mut best_rtt = u64::MAX;
		let mut probe = tokio::time::interval(CLOCK_PROBE_EVERY);
		let result = loop {
			tokio::select! {
				m = rx.recv() => match m {
					Some(Ok(SessionMessage::Welcome { .. })) => {
						if write_message(&mut writer, &SessionMessage::ClockProbe { sent_us: local_us() }).await.is_err() {
							break Ok(());
						}
					},
					Some(Ok(SessionMessage::ClockReply { probe_sent_us, host_us })) => {
						let rtt = local_us().saturating_sub(probe_sent_us);
						if rtt <= best_rtt {
							best_rtt = rtt;
							if let Ok(mut c) = clock.lock() {
								*c = Some(SessionClock::reading(host_us + rtt / 2, Instant::now()));
							}
						}
					},
					Some(Ok(m @ (SessionMessage::Snapshot(_) | SessionMessage::Lockstep(_)))) => {
						let Ok(mut f) = follower.lock() else { break Ok(()) };
						let before = f.ticks_confirmed();
						if let Err(e) = f.follow(&m) {
							tracing::warn!(session, error = %e, "lost the host's game; waiting for its next snapshot");
							self.host.metrics.lockstep_resyncs.inc();
						}
						self.host.metrics.lockstep_ticks.inc_by(f.ticks_confirmed() - before);
					},
					Some(Ok(SessionMessage::Heartbeat { .. })) => {},
					Some(Ok(SessionMessage::Bye(why))) => {
						tracing::info!(session, ?why, "the host said bye");
						break Ok(());
					},
					Some(Ok(other)) => tracing::debug!(session, message = host::name(&other), "ignored from the host"),
					Some(Err(e)) => break Err(anyhow!("the host's stream failed: {e}")),
					None => break Ok(()),
				},
				_ = probe.tick() => {
					if write_message(&mut writer, &SessionMessage::ClockProbe { sent_us: local_us() }).await.is_err() {
						break Ok(());
					}
				},
			}
		};
		reader.abort();
		result
	}

	/// As the host: a backup of `hello.session` connected; send it the game's feed until the
	/// session ends here or the backup leaves.
	pub(super) async fn serve_backup(self: Arc<Self>, peer: PeerId, hello: Hello, stream: pgt_net::libp2p::Stream) {
		let session = hello.session;
		if !hello.verify(&self.host.genesis, &peer.to_bytes(), &self.peer_id.to_bytes()) {
			return self.strike(peer, "a backup's hello it did not sign for this connection").await;
		}
		let Some((feed, mut stop)) =
			self.hosted.lock().ok().and_then(|h| h.get(&session).map(|h| (h.feed.clone(), h.stop.subscribe())))
		else {
			tracing::info!(session, %peer, "a backup for a session not hosted here");
			return;
		};
		let named = match self.best_at().await {
			Ok(at) => Chain::session(&at, session).await.map(|r| r.is_some_and(|r| r.backups.contains(&hello.account))),
			Err(e) => Err(e),
		};
		match named {
			Ok(true) => {},
			Ok(false) => return self.strike(peer, "a backup the chain did not name").await,
			Err(e) => return tracing::warn!(session, error = format!("{e:#}"), "cannot check a backup"),
		}
		let Link { mut rx, reader, mut writer } = Link::new(stream);
		// The game starts when the player connects.
		let clock = loop {
			if let Some(c) = feed.clock() {
				break c;
			}
			tokio::select! {
				_ = tokio::time::sleep(Duration::from_millis(20)) => {},
				_ = stop.changed() => { reader.abort(); return; },
				m = rx.recv() => if !matches!(m, Some(Ok(_))) { reader.abort(); return; },
			}
		};
		tracing::info!(session, %peer, backup = %hex::encode(hello.account), "a backup follows");
		let welcome = SessionMessage::Welcome { tick: clock.due_tick(), now_us: clock.now_us() };
		let (start, mut updates) = feed.subscribe();
		let mut ok = write_message(&mut writer, &welcome).await.is_ok();
		for m in start {
			ok = ok && write_message(&mut writer, m.as_ref()).await.is_ok();
		}
		while ok {
			tokio::select! {
				u = updates.recv() => match u {
					Ok(m) => ok = write_message(&mut writer, m.as_ref()).await.is_ok(),
					Err(RecvError::Lagged(n)) => tracing::warn!(session, missed = n, "a backup fell behind the game"),
					Err(RecvError::Closed) => break,
				},
				m = rx.recv() => match m {
					Some(Ok(SessionMessage::ClockProbe { sent_us })) => {
						let reply = SessionMessage::ClockReply { probe_sent_us: sent_us, host_us: clock.now_us() };
						ok = write_message(&mut writer, &reply).await.is_ok();
					},
					Some(Ok(SessionMessage::Heartbeat { .. })) => {},
					_ => break,
				},
				_ = stop.changed() => {
					let _ = write_message(&mut writer, &SessionMessage::Bye(ByeReason::SessionEnded)).await;
					break;
				},
			}
		}
		reader.abort();
	}

	/// As a backup: the player's stream. Keeps its inputs and answers its probes until it orders
	/// a takeover, then hosts the session from the follower's state on the same stream.
	pub(super) async fn player_at_backup(self: Arc<Self>, peer: PeerId, hello: Hello, stream: pgt_net::libp2p::Stream) {
		let session = hello.session;
		let claim = self.backing.lock().ok().and_then(|mut b| {
			let b = b.get_mut(&session)?;
			if b.player_linked || hello.account != b.ticket.player {
				return None;
			}
			b.player_linked = true;
			Some((b.ticket.clone(), b.follower.clone(), b.clock.clone(), b.executor.clone(), b.stop.subscribe()))
		});
		let Some((ticket, follower, clock, executor, mut stop)) = claim else {
			return self.strike(peer, &format!("a player's hello for session {session} it does not back")).await;
		};
		let unlink = || {
			if let Ok(mut b) = self.backing.lock() {
				if let Some(b) = b.get_mut(&session) {
					b.player_linked = false;
				}
			}
		};
		let signed = hello.verify(&self.host.genesis, &peer.to_bytes(), &self.peer_id.to_bytes());
		let Some(video) = hello.video.filter(|_| signed) else {
			unlink();
			return self.strike(peer, "a player's hello it did not sign for this connection, or without video").await;
		};
		let mut link = Link::new(stream);
		let host_clock = || clock.lock().ok().and_then(|c| *c);
		let tick = || follower.lock().ok().and_then(|f| f.tick()).unwrap_or(0);
		let (now_us, due) = host_clock().map(|c| (c.now_us(), c.due_tick())).unwrap_or((0, tick()));
		let mut ok = write_message(&mut link.writer, &SessionMessage::Welcome { tick: due, now_us }).await.is_ok();
		let mut mirrored: VecDeque<Input> = VecDeque::new();
		let mut heartbeat = tokio::time::interval(BACKUP_HEARTBEAT_EVERY);
		let mut takeover: Option<Takeover> = None;
		while ok && takeover.is_none() {
			tokio::select! {
				m = link.rx.recv() => match m {
					Some(Ok(SessionMessage::Input(i))) => {
						if mirrored.len() >= MAX_PENDING_INPUTS {
							mirrored.pop_front();
						}
						mirrored.push_back(i);
					},
					Some(Ok(SessionMessage::ClockProbe { sent_us })) => {
						if let Some(c) = host_clock() {
							let reply = SessionMessage::ClockReply { probe_sent_us: sent_us, host_us: c.now_us() };
							ok = write_message(&mut link.writer, &reply).await.is_ok();
						}
					},
					Some(Ok(SessionMessage::Takeover(t))) => {
						if t.session != session || t.new_host != self.me || !t.verify(&self.host.genesis, &ticket.player) {
							link.reader.abort();
							unlink();
							return self.strike(peer, "a takeover the player did not sign for this backup").await;
						}
						takeover = Some(t);
					},
					Some(Ok(SessionMessage::Heartbeat { .. })) => {},
					Some(Ok(SessionMessage::Bye(_))) | Some(Err(_)) | None => break,
					Some(Ok(other)) => {
						link.reader.abort();
						unlink();
						let why = format!("a player may not send {} to a backup", host::name(&other));
						return self.strike(peer, &why).await;
					},
				},
				_ = heartbeat.tick() => {
					ok = write_message(&mut link.writer, &SessionMessage::Heartbeat { tick: tick() }).await.is_ok();
				},
				_ = stop.changed() => break,
			}
		}
		let Some(order) = takeover else {
			link.reader.abort();
			unlink();
			return;
		};
		let taken = follower.lock().ok().and_then(|f| f.take_over());
		let Some((start, applied)) = taken else {
			tracing::error!(
				session,
				"a takeover before the host's game reached this backup; the player must end the session"
			);
			let _ = write_message(&mut link.writer, &SessionMessage::Bye(ByeReason::HostStopping)).await;
			link.reader.abort();
			unlink();
			return;
		};
		// The old host's clock; without a reading, the one its state's tick implies.
		let clock = host_clock().unwrap_or_else(|| {
			let us = Tick::from(start.state.tick).saturating_mul(1_000_000) / crate::game_loop::TICK_RATE;
			SessionClock::reading(us, Instant::now())
		});
		if let Ok(b) = self.backing.lock() {
			if let Some(b) = b.get(&session) {
				let _ = b.stop.send(true);
			}
		}
		let (stop, _) = watch::channel(false);
		if let Ok(mut hosted) = self.hosted.lock() {
			hosted.insert(
				session,
				Hosted {
					ticket: ticket.clone(),
					streaming: true,
					stop,
					work: None,
					feed: BackupFeed::new(),
					farm: None,
				},
			);
		}
		if let Err(e) = self.host.store.set_open(session, true) {
			tracing::error!(session, error = format!("{e:#}"), "cannot store the session");
		}
		self.host.metrics.takeovers.inc();
		tracing::info!(
			session,
			ordered_tick = order.tick,
			state_tick = start.state.tick,
			due_tick = clock.due_tick(),
			inputs = mirrored.len(),
			"taking over"
		);
		let executor = executor.lock().ok().and_then(|mut e| e.take());
		let from = HostStart { start, clock, applied, inputs: mirrored.into(), welcome: false, farm: None };
		self.host_session(peer, ticket, video, link, from, executor).await;
	}
}
