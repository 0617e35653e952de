//! Helpers (docs/play.md, "Helpers").
//!
//! - **As a host** with `--helpers N`: once a session is hosted, the host picks up to N online
//!   contributors (not the player, not the session's backups), the most reputable first among
//!   twice as many, then those that answer a dial fastest; names each on chain with a first credit
//!   of 0 tasks (`Sessions.credit_helper`) and, once that is in a block, shares frames with it
//!   ([`crate::helpers::TileFarm`]). At every window's end, and before the session settles, it
//!   credits each helper with the tiles of its used since.
//! - **As a helper**: a task request is served only for a session whose current host the chain
//!   says named this worker, and only from that host's peer id. The state bytes sent along must
//!   decode and be of the session's game (its seed); the task is executed, its leaf kept in the
//!   helper's own work log for the session (committed window by window like a host's), and the
//!   output returned signed. A helper commits what is left when its host has sent nothing for
//!   [`HELPER_IDLE`].

use super::Worker;
use crate::{
	helpers::{compute_task, FarmHandle, HelperPeer},
	machine,
	work::{WindowRecord, WorkLog},
};
use anyhow::{anyhow, bail, Result};
use pgt_client::{call::calls, AccountId, Chain, Wait};
use pgt_compute::Executor;
use pgt_net::{
	message::{WorkerRequest, WorkerResponse},
	signed::sign_task_result,
	NetEvent, PeerId,
};
use pgt_primitives::{
	sessions::SessionId,
	work::{game_seed, output_hash, MicroTask, StateBytes},
};
use std::{
	collections::hash_map::Entry,
	sync::{atomic::Ordering, Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// A helper commits what it has left for a session once its host has sent nothing this long.
pub const HELPER_IDLE: Duration = Duration::from_secs(3);
/// How long a peer whose tasks were refused (the chain does not name this worker its helper) is
/// refused without asking the chain again.
pub const REFUSAL_MEMORY: Duration = Duration::from_secs(1);

/// A session this worker helps.
pub(super) struct Helping {
	/// The host's peer id (only it may send tasks).
	host_peer: PeerId,
	/// The session game's seed.
	seed: u64,
	executor: Arc<Mutex<Executor>>,
	/// The tasks computed, as leaves to commit.
	pub(super) work: Arc<Mutex<WorkLog>>,
	/// When the last task came.
	last_task: Mutex<Instant>,
}

impl Worker {
	/// Answers what other workers ask of this one.
	pub(super) async fn on_net_event(self: Arc<Self>, event: NetEvent) {
		let NetEvent::Request { peer, request, respond } = event else { return };
		match request {
			WorkerRequest::Task { task, state, .. } => self.help(peer, task, state, respond).await,
			// States travel with tasks; nothing is served by hash yet.
			WorkerRequest::State { .. } => {
				let _ = respond.send(WorkerResponse::State(None));
			},
		}
	}

	/// Computes `task` for the host at `peer`, or says why not.
	async fn help(
		self: Arc<Self>,
		peer: PeerId,
		task: MicroTask,
		state: Option<StateBytes>,
		respond: oneshot::Sender<WorkerResponse>,
	) {
		let (session, id) = (task.session, u64::from(task.id));
		let refuse = |reason: String| WorkerResponse::TaskRefused { task: id, reason };
		let helping = match self.helping_for(session, peer).await {
			Ok(h) => h,
			Err(e) => {
				tracing::debug!(session, %peer, error = format!("{e:#}"), "task refused");
				let _ = respond.send(refuse(format!("{e:#}")));
				return;
			},
		};
		if let Ok(mut at) = helping.last_task.lock() {
			*at = Instant::now();
		}
		let corrupt = self.corrupt_tiles;
		let computed = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
			let mut executor = helping.executor.lock().map_err(|_| anyhow!("the executor is poisoned"))?;
			let (start, output) =
				compute_task(&mut executor, helping.seed, &task.input, state.as_deref().map(|s| &s[..]), corrupt)?;
			if let Ok(mut work) = helping.work.lock() {
				work.record_task(&start, task.input.clone(), output_hash(&output));
			}
			Ok(output)
		})
		.await;
		let answer = match computed {
			Ok(Ok(output)) => {
				self.host.metrics.tasks_helped.inc();
				sign_task_result(&self.signer, &self.host.genesis, session, id, output)
			},
			Ok(Err(e)) => refuse(format!("{e:#}")),
			Err(_) => refuse("the task panicked".into()),
		};
		let _ = respond.send(answer);
	}

	/// The session `session` this worker helps the host at `peer` with: known, or checked on
	/// chain now (its current host named this worker, and `peer` is that host's).
	async fn helping_for(&self, session: SessionId, peer: PeerId) -> Result<Arc<Helping>> {
		if let Some(h) = self.helping.lock().ok().and_then(|h| h.get(&session).cloned()) {
			if h.host_peer == peer {
				return Ok(h);
			}
		}
		// A peer the chain said no to is told no again for a while without asking the chain: a
		// stranger's tasks cost this worker no more than a map lookup.
		let recently_refused = self
			.helping_refused
			.lock()
			.map(|r| r.get(&(session, peer)).is_some_and(|at| at.elapsed() < REFUSAL_MEMORY))
			.unwrap_or(false);
		if recently_refused {
			bail!("not a helper of this session's host (checked less than a second ago)");
		}
		match self.check_helping(session, peer).await {
			Ok(h) => Ok(h),
			Err(e) => {
				if let Ok(mut r) = self.helping_refused.lock() {
					r.retain(|_, at| at.elapsed() < REFUSAL_MEMORY);
					r.insert((session, peer), Instant::now());
				}
				Err(e)
			},
		}
	}

	/// Checks on chain that the current host of `session`, at `peer`, named this worker a
	/// helper, and starts helping it.
	async fn check_helping(&self, session: SessionId, peer: PeerId) -> Result<Arc<Helping>> {
		let at = self.best_at().await?;
		let record = Chain::session(&at, session).await?.ok_or_else(|| anyhow!("no such session"))?;
		if !record.helps_host(&self.me) {
			bail!("this worker is not a helper of the session's host");
		}
		let host = Chain::contributor(&at, &record.host).await?.ok_or_else(|| anyhow!("the host is not registered"))?;
		if host.profile.peer_id.as_slice() != peer.to_bytes().as_slice() {
			bail!("only the session's host may send its tasks");
		}
		let renderer = self.renderer;
		let executor = tokio::task::spawn_blocking(move || machine::open_executor(renderer))
			.await
			.map_err(|_| anyhow!("opening the renderer panicked"))??;
		let fresh = Arc::new(Helping {
			host_peer: peer,
			seed: game_seed(&record.task.hash),
			executor: Arc::new(Mutex::new(executor)),
			work: Arc::new(Mutex::new(WorkLog::new(self.window_of(self.best.load(Ordering::Relaxed))))),
			last_task: Mutex::new(Instant::now()),
		});
		let mut helping = self.helping.lock().map_err(|_| anyhow!("poisoned"))?;
		// Tasks that came together were checked together: the first one in starts the helping.
		match helping.entry(session) {
			Entry::Occupied(mut known) => {
				if known.get().host_peer != peer {
					// A new host (a takeover) named this worker too: its work goes into a fresh log,
					// and what the old one holds is committed at the next window's end.
					tracing::info!(session, host = %hex::encode(record.host), "helping the session's new host");
					known.insert(fresh);
				}
				Ok(known.get().clone())
			},
			Entry::Vacant(new) => {
				tracing::info!(session, host = %hex::encode(record.host), "helping");
				Ok(new.insert(fresh).clone())
			},
		}
	}

	/// At a new best block: commits each helped session's work whose window has ended, and what
	/// is left of sessions whose host went quiet.
	pub(super) fn cut_helped_windows(self: &Arc<Self>, number: u64) {
		let now = self.window_of(number);
		let entries: Vec<(SessionId, Arc<Helping>)> =
			self.helping.lock().map(|h| h.iter().map(|(s, h)| (*s, h.clone())).collect()).unwrap_or_default();
		for (session, h) in entries {
			let idle = h.last_task.lock().map(|t| t.elapsed() >= HELPER_IDLE).unwrap_or(true);
			let cut = h.work.lock().ok().and_then(|mut log| log.take_for_commit(now, self.min_tasks as usize, idle));
			if idle {
				if let Ok(mut helping) = self.helping.lock() {
					helping.remove(&session);
				}
			}
			if let Some((window, work)) = cut {
				let w = self.clone();
				tokio::spawn(async move { w.commit_window(WindowRecord::seal(session, window, work)).await });
			}
		}
	}

	/// As the host of `session` (played by `player`): finds, dials and names up to
	/// `self.helpers` helpers, adding each to `farm` once the chain has it.
	pub(super) async fn recruit_helpers(self: Arc<Self>, session: SessionId, player: AccountId, farm: FarmHandle) {
		if self.helpers == 0 {
			return;
		}
		let chosen = match self.choose_helpers(session, player).await {
			Ok(c) => c,
			Err(e) => {
				tracing::warn!(session, error = format!("{e:#}"), "cannot choose helpers; hosting alone");
				return;
			},
		};
		for (account, peer) in chosen {
			match self.chain.submit(&calls::credit_helper(session, &account, 0), &self.signer, Wait::InBlock).await {
				Ok(_) => {
					tracing::info!(session, helper = %hex::encode(account), %peer, "helper named");
					farm.add(HelperPeer { account, peer });
				},
				Err(e) => {
					tracing::warn!(session, helper = %hex::encode(account), error = format!("{e:#}"), "naming a helper failed")
				},
			}
		}
	}

	/// Up to `self.helpers` online contributors other than this worker, the player and the
	/// session's backups: the most reputable first, twice as many as needed, then the fastest
	/// to answer a dial.
	async fn choose_helpers(&self, session: SessionId, player: AccountId) -> Result<Vec<(AccountId, PeerId)>> {
		let at = self.best_at().await?;
		let record = Chain::session(&at, session).await?.ok_or_else(|| anyhow!("the session is gone"))?;
		let mut candidates: Vec<_> = Chain::contributors(&at)
			.await?
			.into_iter()
			.filter(|(who, c)| {
				*who != self.me
					&& *who != player
					&& !record.backups.contains(who)
					&& matches!(c.status, pgt_client::records::ContributorStatus::Online)
			})
			.collect();
		candidates.sort_by_key(|(_, c)| std::cmp::Reverse(c.reputation.score()));
		candidates.truncate(usize::from(self.helpers) * 2);
		let mut measured = Vec::new();
		for (who, _) in candidates {
			let started = Instant::now();
			match self.dial_contributor(&who).await {
				Ok(peer) => measured.push((started.elapsed(), who, peer)),
				Err(e) => tracing::debug!(helper = %hex::encode(who), error = format!("{e:#}"), "not reachable"),
			}
		}
		measured.sort_by_key(|(rtt, _, _)| *rtt);
		Ok(measured.into_iter().take(usize::from(self.helpers)).map(|(_, who, peer)| (who, peer)).collect())
	}

	/// Credits the helpers of `session` on chain with the tiles used since the last credit.
	pub(super) async fn credit_helpers(&self, session: SessionId, farm: &FarmHandle) {
		for (helper, tiles) in farm.take_credits() {
			match self.chain.submit(&calls::credit_helper(session, &helper, tiles), &self.signer, Wait::InBlock).await {
				Ok(_) => tracing::info!(session, helper = %hex::encode(helper), tiles, "helper credited"),
				Err(e) => {
					tracing::warn!(session, helper = %hex::encode(helper), tiles, error = format!("{e:#}"), "crediting a helper failed");
					// Kept for the next try.
					if let Ok(mut c) = farm.credits.lock() {
						*c.entry(helper).or_default() += tiles;
					}
				},
			}
		}
	}
}
