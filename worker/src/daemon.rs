//! `pgt-worker run`: measure, register, heartbeat, accept the sessions that name this worker,
//! host them, submit their receipts and settle them; commit their work window by window, open
//! what the chain challenges, and audit other workers when drawn ([`verification`]).

mod backup;
mod helping;
mod verification;

use crate::{
	config::{RendererChoice, RunConfig},
	helpers::{FarmHandle, TileFarm},
	host::{self, EndCause, HostContext, HostStart, Link, Ticket},
	keys,
	lockstep::BackupFeed,
	machine::{self, Machine},
	metrics::Metrics,
	store::Store,
	work::WorkLog,
};
use anyhow::{anyhow, bail, Context, Result};
use futures::StreamExt;
use pgt_client::{
	call::calls,
	chain::{Chain, RawEvent},
	records::{SessionRequested, SessionSettled, Verdict, WorkSettled},
	AccountId, Wait,
};
use pgt_net::{Multiaddr, Node, NodeConfig, PeerId, Role};
use pgt_primitives::{
	contributors::{HardwareProfile, Region},
	sessions::SessionId,
	work::game_seed,
	Balance, PGT,
};
use polkadot_sdk::{
	sp_core::H256,
	substrate_prometheus_endpoint::{init_prometheus, Registry},
};
use std::{
	collections::{HashMap, HashSet},
	str::FromStr,
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		Arc, Mutex,
	},
	time::Duration,
};
use subxt_signer::{sr25519::Keypair, SecretUri};
use tokio::sync::watch;

/// How long an opener has to say hello.
pub const HELLO_PATIENCE: Duration = Duration::from_secs(10);
/// How often the latest receipt of a hosted session is submitted on chain (when it is new).
pub const RECEIPT_SUBMIT_EVERY: Duration = Duration::from_secs(30);
/// Protocol violations after which a peer's streams are refused.
pub const MAX_STRIKES: u32 = 3;
/// How long a player that said bye has to settle its session before the host does.
pub const PLAYER_SETTLES_WITHIN: Duration = Duration::from_secs(45);
/// The chain's block time, for turning block counts into waits.
pub const BLOCK_TIME: Duration = Duration::from_secs(6);

/// A session accepted here.
struct Hosted {
	ticket: Ticket,
	/// Set once a player stream is being served.
	streaming: bool,
	/// Tells its host loop to stop.
	stop: watch::Sender<bool>,
	/// The work its game logs, while it is being hosted.
	work: Option<Arc<Mutex<WorkLog>>>,
	/// What its game tells the session's backups.
	feed: BackupFeed,
	/// Its helpers and the tiles to credit them, while it is hosted with helpers.
	farm: Option<FarmHandle>,
}

/// Everything the worker's tasks share.
struct Worker {
	chain: Chain,
	signer: Keypair,
	me: AccountId,
	peer_id: PeerId,
	slots: u16,
	renderer: RendererChoice,
	host: Arc<HostContext>,
	hosted: Mutex<HashMap<SessionId, Hosted>>,
	strikes: Mutex<HashMap<PeerId, u32>>,
	node: Node,
	shutdown: watch::Receiver<bool>,
	/// The chain's verification window, in blocks (`Work::WindowLength`).
	window_length: u32,
	/// Fewest leaves a window may commit (`Work::MinTasksPerWindow`).
	min_tasks: u32,
	/// Sessions followed as a backup ([`backup`]).
	backing: Mutex<HashMap<SessionId, backup::Backing>>,
	/// The newest best block seen.
	best: AtomicU64,
	/// Its hash.
	best_hash: Mutex<[u8; 32]>,
	/// Set while a pass over the verification duties runs.
	duties_running: AtomicBool,
	/// Duties done whose calls the chain may not show yet: (commitment, kind).
	duties_done: Mutex<HashSet<(u64, u8)>>,
	/// Helpers to share each hosted frame with (`--helpers`).
	helpers: u8,
	/// Percentage of helper tiles recomputed to check them (`--check-tiles`).
	check_tiles: u8,
	/// Sessions this worker computes tasks for as a helper ([`helping`]).
	helping: Mutex<HashMap<SessionId, Arc<helping::Helping>>>,
	/// Task senders refused lately, and when.
	helping_refused: Mutex<HashMap<(SessionId, PeerId), std::time::Instant>>,
	/// TEST ONLY: percentage of the tiles computed as a helper that are corrupted.
	corrupt_tiles: u8,
}

/// Runs the worker until Ctrl-C (or SIGTERM).
pub async fn run(config: RunConfig) -> Result<()> {
	let uri = SecretUri::from_str(&config.suri).map_err(|e| anyhow!("`suri` is not a secret URI: {e}"))?;
	let signer = Keypair::from_uri(&uri).map_err(|e| anyhow!("`suri`: {e}"))?;
	let me = signer.public_key().0;
	let chain = match &config.light {
		None => Chain::connect_patiently(&config.rpc, Duration::from_secs(120)).await?,
		Some(light) => Chain::connect_light_from(light, &config.rpc).await?,
	};
	tracing::info!(chain = %chain.source(), account = %hex::encode(me), "connected");

	let renderer = config.renderer;
	let Machine { report, resource_hash, .. } =
		tokio::task::spawn_blocking(move || machine::measure(renderer)).await.context("the measurement panicked")??;
	std::fs::create_dir_all(&config.data_dir)?;
	std::fs::write(config.data_dir.join("machine-report.json"), serde_json::to_vec_pretty(&report)?)?;
	tracing::info!(
		renderer = %report.renderer,
		frame_ms = format!("{:.1}", report.frame_ms),
		score = report.score,
		resource_hash = %hex::encode(resource_hash),
		"measured"
	);

	let store = Store::open(&config.data_dir)?;
	let registry = Registry::new_custom(None, None)?;
	let metrics = Arc::new(Metrics::register(&registry)?);
	let metrics_addr = config.metrics;
	tokio::spawn(async move {
		if let Err(e) = init_prometheus(metrics_addr, registry).await {
			tracing::error!(error = format!("{e:#}"), "the metrics endpoint stopped");
		}
	});

	let net_key = keys::load(&config.network_key)?;
	let (node, mut net_events) =
		Node::start(net_key, NodeConfig { listen: config.listen.clone(), ..NodeConfig::default() }).await?;
	let public = published_addresses(&config.public, node.listen_addrs())?;
	tracing::info!(peer_id = %node.peer_id(), addresses = ?public, "listening");

	let profile = profile(&report, resource_hash, &node.peer_id(), &public, config.slots)?;
	register(&chain, &signer, &profile, config.stake, config.slots).await?;

	let (window_length, min_tasks) = {
		let at = chain.finalized().await?;
		(
			Chain::constant::<u32>(&at, "Work", "WindowLength")?,
			Chain::constant::<u32>(&at, "Work", "MinTasksPerWindow")?,
		)
	};
	tracing::info!(window_length, min_tasks, "verification windows");

	let (stop_all, shutdown) = watch::channel(false);
	let worker = Arc::new(Worker {
		host: Arc::new(HostContext { genesis: chain.genesis_hash(), me, metrics, store }),
		peer_id: node.peer_id(),
		chain,
		signer,
		me,
		slots: config.slots,
		renderer,
		hosted: Mutex::new(HashMap::new()),
		strikes: Mutex::new(HashMap::new()),
		node,
		shutdown,
		window_length,
		min_tasks,
		backing: Mutex::new(HashMap::new()),
		best: AtomicU64::new(0),
		best_hash: Mutex::new([0; 32]),
		duties_running: AtomicBool::new(false),
		duties_done: Mutex::new(HashSet::new()),
		helpers: config.helpers,
		check_tiles: config.check_tiles,
		helping: Mutex::new(HashMap::new()),
		helping_refused: Mutex::new(HashMap::new()),
		corrupt_tiles: config.corrupt_tiles,
	});
	if config.corrupt_tiles > 0 {
		tracing::warn!(percent = config.corrupt_tiles, "TEST ONLY: corrupting tiles computed as a helper");
	}
	let w = worker.clone();
	tokio::spawn(async move {
		while let Some(event) = net_events.recv().await {
			tokio::spawn(w.clone().on_net_event(event));
		}
	});

	// Sessions a previous run hosted and never saw end: settle them on their latest receipt.
	for session in worker.host.store.open_sessions() {
		tracing::info!(session, "settling a session left open by the last run");
		let w = worker.clone();
		tokio::spawn(async move { w.settle(session).await });
	}

	let heartbeat = tokio::spawn(worker.clone().heartbeats());
	let follow = tokio::spawn(worker.clone().follow());
	let incoming = worker.node.accept_sessions()?;
	let w = worker.clone();
	let accept = tokio::spawn(host::for_each_incoming(incoming, move |peer, stream| w.clone().on_stream(peer, stream)));

	wait_for_signal().await;
	tracing::info!("stopping: ending hosted sessions");
	let _ = stop_all.send(true);
	for h in worker.hosted.lock().map(|h| h.values().map(|h| h.stop.clone()).collect::<Vec<_>>()).unwrap_or_default() {
		let _ = h.send(true);
	}
	// Hosted sessions settle on their own tasks; give them time to reach the chain.
	for _ in 0..120 {
		if worker.hosted.lock().map(|h| h.is_empty()).unwrap_or(true) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	heartbeat.abort();
	follow.abort();
	accept.abort();
	Ok(())
}

async fn wait_for_signal() {
	#[cfg(unix)]
	{
		let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
			Ok(t) => t,
			Err(_) => {
				let _ = tokio::signal::ctrl_c().await;
				return;
			},
		};
		tokio::select! {
			_ = tokio::signal::ctrl_c() => {},
			_ = term.recv() => {},
		}
	}
	#[cfg(not(unix))]
	let _ = tokio::signal::ctrl_c().await;
}

/// The addresses to publish: the configured ones, else the bound listen addresses that others
/// can dial (not `0.0.0.0` or `::`).
fn published_addresses(configured: &[Multiaddr], bound: &[Multiaddr]) -> Result<Vec<Multiaddr>> {
	use pgt_net::libp2p::multiaddr::Protocol;
	if !configured.is_empty() {
		return Ok(configured.to_vec());
	}
	let dialable: Vec<_> = bound
		.iter()
		.filter(|a| {
			!a.iter().any(|p| match p {
				Protocol::Ip4(ip) => ip.is_unspecified(),
				Protocol::Ip6(ip) => ip.is_unspecified(),
				_ => false,
			})
		})
		.cloned()
		.collect();
	if dialable.is_empty() {
		bail!("listening on unspecified addresses only ({bound:?}): give `public` addresses players can dial");
	}
	Ok(dialable)
}

/// The profile this machine registers with.
fn profile(
	report: &machine::MachineReport,
	resource_hash: [u8; 32],
	peer_id: &PeerId,
	public: &[Multiaddr],
	slots: u16,
) -> Result<HardwareProfile> {
	let mut gpu = report.gpu_model.as_bytes().to_vec();
	gpu.truncate(pgt_primitives::contributors::MAX_GPU_MODEL_LEN as usize);
	let addresses = public
		.iter()
		.take(pgt_primitives::contributors::MAX_ADDRESSES as usize)
		.map(|a| a.to_vec().try_into().map_err(|_| anyhow!("the address {a} is too long to publish")))
		.collect::<Result<Vec<_>>>()?;
	Ok(HardwareProfile {
		cpu_cores: report.cpu_cores,
		gpu_model: gpu.try_into().map_err(|_| anyhow!("GPU name too long"))?,
		gpu_memory_mb: 0,
		benchmark_score: report.score,
		resource_hash: H256(resource_hash),
		disk_gb: 0,
		region: Region::Europe,
		peer_id: peer_id.to_bytes().try_into().map_err(|_| anyhow!("peer id too long"))?,
		addresses: addresses.try_into().map_err(|_| anyhow!("too many addresses"))?,
		max_sessions: slots,
	})
}

/// Registers with `profile`, or brings an existing registration up to date (profile, stake,
/// online); waits for finality, so players reading finalized state see it.
async fn register(
	chain: &Chain,
	signer: &Keypair,
	profile: &HardwareProfile,
	stake: Option<u64>,
	slots: u16,
) -> Result<()> {
	let me = signer.public_key().0;
	let at = chain.finalized().await?;
	let min_stake: Balance = Chain::constant(&at, "Contributors", "MinStake")?;
	let per_slot: Balance = Chain::constant(&at, "Contributors", "StakePerSlot")?;
	let stake = match stake {
		Some(pgt) => Balance::from(pgt) * PGT,
		None => min_stake.max(per_slot * Balance::from(slots)),
	};
	match Chain::contributor(&at, &me).await? {
		None => {
			tracing::info!(stake = %pgt_primitives::FormattedPgt(stake), "registering");
			chain.submit(&calls::register(profile, stake), signer, Wait::Finalized).await?;
		},
		Some(record) => {
			if &record.profile != profile {
				tracing::info!("updating the registered profile");
				chain.submit(&calls::update_profile(profile), signer, Wait::Finalized).await?;
			}
			if record.stake < stake {
				chain.submit(&calls::bond_extra(stake - record.stake), signer, Wait::Finalized).await?;
			}
			chain.submit(&calls::heartbeat(), signer, Wait::Finalized).await?;
		},
	}
	tracing::info!("registered and online");
	Ok(())
}

impl Worker {
	/// Heartbeats often enough that the chain never marks this worker offline.
	async fn heartbeats(self: Arc<Self>) {
		let every = match self
			.chain
			.finalized()
			.await
			.and_then(|at| Chain::constant::<u32>(&at, "Contributors", "HeartbeatTimeout"))
		{
			Ok(blocks) => BLOCK_TIME * blocks / 4,
			Err(_) => Duration::from_secs(60),
		};
		let mut tick = tokio::time::interval(every.max(Duration::from_secs(6)));
		tick.tick().await;
		loop {
			tick.tick().await;
			match self.chain.submit(&calls::heartbeat(), &self.signer, Wait::InBlock).await {
				Ok(_) => self.host.metrics.heartbeats.inc(),
				Err(e) => tracing::warn!(error = format!("{e:#}"), "heartbeat failed"),
			}
		}
	}

	/// Follows best blocks for sessions that name this worker, and for settlements of the ones
	/// it hosts. Reconnects when the node's stream ends.
	async fn follow(self: Arc<Self>) {
		loop {
			match self.chain.best_blocks().await {
				Ok(blocks) => {
					let mut blocks = Box::pin(blocks);
					while let Some(block) = blocks.next().await {
						match block {
							Ok(b) => {
								if self.best.fetch_max(b.number, Ordering::Relaxed) <= b.number {
									if let Ok(mut h) = self.best_hash.lock() {
										*h = b.hash;
									}
								}
								for e in &b.events {
									self.clone().on_event(b.hash, e);
								}
								self.host.metrics.store_bytes.set(self.host.store.size_bytes());
								self.cut_windows(b.number);
								self.cut_helped_windows(b.number);
								self.spawn_duties(b.hash);
							},
							Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot read a block"),
						}
					}
				},
				Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot follow blocks"),
			}
			tokio::time::sleep(Duration::from_secs(5)).await;
		}
	}

	fn on_event(self: Arc<Self>, block: [u8; 32], e: &RawEvent) {
		if let Some(Ok(r)) = e.decode::<SessionRequested>("Sessions", "SessionRequested") {
			if r.host == self.me {
				tokio::spawn(self.consider(block, r.session));
			}
		} else if let Some(Ok((session, host, _rate))) =
			e.decode::<(SessionId, AccountId, Balance)>("Sessions", "SessionAccepted")
		{
			if host != self.me {
				tokio::spawn(self.consider_backing(block, session));
			}
		} else if let Some(Ok((session, _host, next))) =
			e.decode::<(SessionId, AccountId, Option<AccountId>)>("Sessions", "AcceptTimedOut")
		{
			if next == Some(self.me) {
				tokio::spawn(self.consider(block, session));
			}
		} else if let Some(Ok(s)) = e.decode::<SessionSettled>("Sessions", "SessionSettled") {
			if let Some(h) = self.hosted.lock().ok().and_then(|h| h.get(&s.session).map(|h| h.stop.clone())) {
				let _ = h.send(true);
			}
		} else if let Some(Ok(s)) = e.decode::<WorkSettled>("Work", "Settled") {
			if s.contributor == self.me {
				if s.verdict == Verdict::Honest {
					self.host.metrics.windows_honest.inc();
				} else if s.verdict.is_failure() {
					self.host.metrics.windows_failed.inc();
				}
				tracing::info!(
					commitment = s.commitment,
					verdict = ?s.verdict,
					slashed = %pgt_primitives::FormattedPgt(s.slashed),
					auditors_agreeing = s.rewarded.len(),
					"window judged"
				);
			}
		}
	}

	/// Accepts `session` if it awaits this worker at `block` and a slot is free.
	async fn consider(self: Arc<Self>, block: [u8; 32], session: SessionId) {
		let record = match self.chain.at(block).await {
			Ok(at) => Chain::session(&at, session).await,
			Err(e) => Err(e),
		};
		let record = match record {
			Ok(Some(r)) if r.awaits(&self.me) => r,
			Ok(_) => return,
			Err(e) => {
				tracing::warn!(session, error = format!("{e:#}"), "cannot read the session");
				return;
			},
		};
		let ticket = Ticket { session, player: record.player, seed: game_seed(&record.task.hash) };
		{
			let Ok(mut hosted) = self.hosted.lock() else { return };
			if hosted.contains_key(&session) || hosted.len() >= usize::from(self.slots) {
				return;
			}
			let (stop, _) = watch::channel(false);
			hosted.insert(
				session,
				Hosted { ticket, streaming: false, stop, work: None, feed: BackupFeed::new(), farm: None },
			);
		}
		match self.chain.submit(&calls::accept_session(session), &self.signer, Wait::InBlock).await {
			Ok(_) => {
				tracing::info!(session, player = %hex::encode(record.player), "accepted");
				self.host.metrics.sessions_accepted.inc();
				if let Err(e) = self.host.store.set_open(session, true) {
					tracing::error!(session, error = format!("{e:#}"), "cannot store the session");
				}
				// A player that never connects: end the session once its receipts would be late.
				let w = self.clone();
				tokio::spawn(async move {
					tokio::time::sleep(HELLO_PATIENCE * 6).await;
					let idle = w.hosted.lock().map(|h| h.get(&session).is_some_and(|h| !h.streaming)).unwrap_or(false);
					if idle {
						tracing::info!(session, "the player never connected; ending the session");
						w.settle(session).await;
					}
				});
			},
			Err(e) => {
				tracing::warn!(session, error = format!("{e:#}"), "accepting failed");
				if let Ok(mut h) = self.hosted.lock() {
					h.remove(&session);
				}
			},
		}
	}

	/// A peer opened a session stream: check its hello, then host.
	async fn on_stream(self: Arc<Self>, peer: PeerId, mut stream: pgt_net::libp2p::Stream) {
		if self.strikes.lock().map(|s| s.get(&peer).copied().unwrap_or(0) >= MAX_STRIKES).unwrap_or(false) {
			return;
		}
		let hello = match host::read_hello(&mut stream, HELLO_PATIENCE).await {
			Ok(h) => h,
			Err(why) => return self.strike(peer, &why).await,
		};
		if hello.role == Role::Backup {
			return self.serve_backup(peer, hello, stream).await;
		}
		if hello.role == Role::Player {
			// The player learns that its session was accepted from the same block as a backup
			// does, and may be quicker: give this worker a moment to take up its role.
			self.wait_for_role(hello.session, HELLO_PATIENCE / 2).await;
		}
		if hello.role == Role::Player && self.is_backing(hello.session) {
			return self.player_at_backup(peer, hello, stream).await;
		}
		let claim = self.hosted.lock().ok().and_then(|mut hosted| {
			let h = hosted.get_mut(&hello.session)?;
			if h.streaming || hello.account != h.ticket.player {
				return None;
			}
			h.streaming = true;
			Some(h.ticket.clone())
		});
		let Some(ticket) = claim else {
			return self.strike(peer, &format!("a hello for session {} it does not play here", hello.session)).await;
		};
		let fail = |why: &str| {
			if let Ok(mut hosted) = self.hosted.lock() {
				if let Some(h) = hosted.get_mut(&ticket.session) {
					h.streaming = false;
				}
			}
			why.to_string()
		};
		if hello.role != Role::Player || !hello.verify(&self.host.genesis, &peer.to_bytes(), &self.peer_id.to_bytes()) {
			let why = fail("a hello it did not sign for this connection");
			return self.strike(peer, &why).await;
		}
		let Some(video) = hello.video else {
			let why = fail("a player's hello without video settings");
			return self.strike(peer, &why).await;
		};
		let from = HostStart::new(ticket.seed);
		self.host_session(peer, ticket, video, Link::new(stream), from, None).await;
	}

	/// Waits up to `patience` until this worker hosts or backs `session`.
	async fn wait_for_role(&self, session: SessionId, patience: Duration) {
		let deadline = tokio::time::Instant::now() + patience;
		while tokio::time::Instant::now() < deadline {
			let hosting = self.hosted.lock().map(|h| h.contains_key(&session)).unwrap_or(false);
			if hosting || self.is_backing(session) {
				return;
			}
			tokio::time::sleep(Duration::from_millis(25)).await;
		}
	}

	/// Hosts `ticket` for the player at `peer` on `link` from `from` (a new game, or a takeover),
	/// then commits its work and settles it.
	async fn host_session(
		self: Arc<Self>,
		peer: PeerId,
		ticket: Ticket,
		video: pgt_net::Video,
		link: Link,
		from: HostStart,
		executor: Option<pgt_compute::Executor>,
	) {
		let fail = |why: &str| {
			if let Ok(mut hosted) = self.hosted.lock() {
				if let Some(h) = hosted.get_mut(&ticket.session) {
					h.streaming = false;
				}
			}
			why.to_string()
		};
		let Some((stop, feed)) =
			self.hosted.lock().ok().and_then(|h| h.get(&ticket.session).map(|h| (h.stop.subscribe(), h.feed.clone())))
		else {
			return;
		};
		let renderer = self.renderer;
		let executor = match executor {
			Some(e) => e,
			None => match tokio::task::spawn_blocking(move || machine::open_executor(renderer)).await {
				Ok(Ok(e)) => e,
				_ => {
					fail("no renderer");
					return;
				},
			},
		};
		let work = Arc::new(Mutex::new(WorkLog::new(self.window_of(self.best.load(Ordering::Relaxed)))));
		// Helpers share the frames once the chain has them; the game starts without waiting.
		let farm = (self.helpers > 0).then(FarmHandle::default);
		let mut from = from;
		if let Some(handle) = &farm {
			let mut tiles = TileFarm::new(
				ticket.session,
				self.host.genesis,
				self.node.clone(),
				tokio::runtime::Handle::current(),
				handle,
				self.host.metrics.clone(),
			);
			tiles.set_sample_percent(self.check_tiles.into());
			from.farm = Some(tiles);
			tokio::spawn(self.clone().recruit_helpers(ticket.session, ticket.player, handle.clone()));
		}
		if let Ok(mut hosted) = self.hosted.lock() {
			if let Some(h) = hosted.get_mut(&ticket.session) {
				h.work = Some(work.clone());
				h.farm = farm.clone();
			}
		}
		tracing::info!(session = ticket.session, %peer, ?video, "hosting");
		self.host.metrics.sessions_hosting.inc();
		let submitter = tokio::spawn(self.clone().submit_receipts(ticket.session));
		let mut shutdown = self.shutdown.clone();
		let mut stop = stop;
		let (any_stop, any_stop_rx) = watch::channel(false);
		let relay = tokio::spawn(async move {
			tokio::select! {
				_ = shutdown.wait_for(|s| *s) => {},
				_ = stop.wait_for(|s| *s) => {},
			}
			let _ = any_stop.send(true);
		});
		let outcome = host::serve(
			self.host.clone(),
			ticket.clone(),
			video,
			executor,
			link,
			work.clone(),
			from,
			feed,
			any_stop_rx,
		)
		.await;
		relay.abort();
		submitter.abort();
		if let Ok(mut hosted) = self.hosted.lock() {
			if let Some(h) = hosted.get_mut(&ticket.session) {
				h.work = None;
			}
		}
		// What the session computed since the last window's end, committed while it still runs,
		// and the helpers credited with what of theirs it used.
		self.commit_rest(ticket.session, &work).await;
		if let Some(handle) = &farm {
			self.credit_helpers(ticket.session, handle).await;
		}
		self.host.metrics.sessions_hosting.dec();
		if let Some((tick, hash, ball)) = outcome.last_state {
			// The inputs as `pgt-compute simulate --inputs` takes them, so anyone can replay the game.
			let inputs = self.host.store.inputs(ticket.session).unwrap_or_default();
			let inputs = inputs.iter().map(|(t, k, _)| format!("{t}:{k}")).collect::<Vec<_>>().join(",");
			tracing::info!(session = ticket.session, seed = ticket.seed, tick, state = %hex::encode(hash), ?ball, inputs, "game over");
		}
		match &outcome.cause {
			EndCause::ProtocolViolation(why) => self.strike(peer, why).await,
			cause => tracing::info!(session = ticket.session, ?cause, "the session's stream ended"),
		}
		if outcome.cause == EndCause::PlayerLeft {
			// A player that says bye settles the session itself; submitting the same receipt
			// and end here too would only cost this worker the fees of failed calls.
			self.wait_for_settlement(ticket.session, PLAYER_SETTLES_WITHIN).await;
		}
		self.settle(ticket.session).await;
	}

	async fn strike(&self, peer: PeerId, why: &str) {
		tracing::warn!(%peer, why, "dropping a peer that broke the protocol");
		self.host.metrics.peers_dropped.inc();
		if let Ok(mut s) = self.strikes.lock() {
			*s.entry(peer).or_default() += 1;
		}
		self.node.disconnect(peer).await;
	}

	/// Submits the session's latest receipt whenever a newer one than the chain's has come.
	async fn submit_receipts(self: Arc<Self>, session: SessionId) {
		let mut every = tokio::time::interval(RECEIPT_SUBMIT_EVERY);
		every.tick().await;
		loop {
			every.tick().await;
			if let Err(e) = self.submit_latest_receipt(session).await {
				tracing::warn!(session, error = format!("{e:#}"), "cannot submit the latest receipt");
			}
		}
	}

	/// Submits the latest stored receipt if the chain has an older one. `Ok(false)` when there
	/// was nothing to submit (none, or the session is gone).
	async fn submit_latest_receipt(&self, session: SessionId) -> Result<bool> {
		let Some(latest) = self.host.store.latest(session) else { return Ok(false) };
		let at = self.chain.finalized().await?;
		let Some(record) = Chain::session(&at, session).await? else { return Ok(false) };
		let on_chain = record.served_by(&self.me).map(|s| (s.seconds_served, s.counter)).unwrap_or((0, 0));
		if (latest.receipt.seconds_served, latest.receipt.counter) <= on_chain {
			return Ok(false);
		}
		let call = calls::submit_receipt(session, &latest.receipt, &latest.signature);
		self.chain.submit(&call, &self.signer, Wait::InBlock).await?;
		self.host.metrics.receipts_submitted.inc();
		tracing::info!(
			session,
			served = latest.receipt.seconds_served,
			paused = latest.receipt.seconds_paused,
			"receipt submitted"
		);
		Ok(true)
	}

	/// Ends `session` on its latest receipt and reports the settlement (unless the player ended
	/// it first).
	async fn settle(&self, session: SessionId) {
		if let Err(e) = self.submit_latest_receipt(session).await {
			tracing::warn!(session, error = format!("{e:#}"), "cannot submit the final receipt");
		}
		let still_live = match self.chain.finalized().await {
			Ok(at) => Chain::session(&at, session).await.map(|s| s.is_some()).unwrap_or(true),
			Err(_) => true,
		};
		let mut reported = false;
		if still_live {
			match self.chain.submit(&calls::end_session(session), &self.signer, Wait::Finalized).await {
				Ok(included) => {
					if let Ok(s) = included.event::<SessionSettled>("Sessions", "SessionSettled") {
						self.report_settlement(&s);
						reported = true;
					}
				},
				Err(e) => {
					tracing::info!(session, error = format!("{e:#}"), "not ended here (the player may have ended it)")
				},
			}
		}
		if !reported {
			if let Ok(at) = self.chain.finalized().await {
				if let Ok(Some(csu)) = Chain::csu(&at, session).await {
					self.report_settlement(&SessionSettled { session, csu });
				}
			}
		}
		if let Err(e) = self.host.store.set_open(session, false) {
			tracing::error!(session, error = format!("{e:#}"), "cannot store the session's end");
		}
		if let Ok(mut h) = self.hosted.lock() {
			h.remove(&session);
		}
	}

	/// Waits up to `patience` for `session` to leave the finalized state.
	async fn wait_for_settlement(&self, session: SessionId, patience: Duration) {
		let deadline = tokio::time::Instant::now() + patience;
		while tokio::time::Instant::now() < deadline {
			if let Ok(at) = self.chain.finalized().await {
				if matches!(Chain::session(&at, session).await, Ok(None)) {
					return;
				}
			}
			tokio::time::sleep(Duration::from_secs(2)).await;
		}
	}

	fn report_settlement(&self, s: &SessionSettled) {
		let Some(share) = s.csu.shares.iter().find(|share| share.contributor == self.me) else { return };
		self.host.metrics.sessions_settled.inc();
		self.host.metrics.earned_plancks.inc_by(u64::try_from(share.earned).unwrap_or(u64::MAX));
		tracing::info!(
			session = s.session,
			served = share.seconds_served,
			paused = share.seconds_paused,
			billed = share.seconds_billed,
			earned = %pgt_primitives::FormattedPgt(share.earned),
			"settled"
		);
	}
}
