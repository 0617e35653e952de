//! The worker's part in work verification (docs/verification.md): cut each hosted session's work
//! at window ends, keep it, commit its root; open the leaves the chain challenges and reveal the
//! salt; audit other workers' windows when drawn, and reveal the verdicts.
//!
//! Duties come from the view functions `Work::open_challenges` and `Work::audit_duties`, asked at
//! every new best block, so a restarted worker picks up whatever is still due.

use super::Worker;
use crate::helpers::FarmHandle;
use crate::work::{random_h256, recompute, WindowRecord, WorkLog};
use anyhow::{anyhow, Context, Result};
use pallet_pgt_work::WindowIndex;
use pgt_client::{
	call::calls,
	chain::Chain,
	records::{Duty, DutyKind, WorkCommitted},
	Wait,
};
use pgt_primitives::{sessions::SessionId, work::verdict_commitment};
use polkadot_sdk::sp_core::H256;
use std::sync::{atomic::Ordering, Arc, Mutex};

impl Worker {
	/// The window block `number` is in.
	pub(super) fn window_of(&self, number: u64) -> WindowIndex {
		(number / u64::from(self.window_length.max(1))).try_into().unwrap_or(WindowIndex::MAX)
	}

	/// At a new best block: commits the work of every hosted session whose window has ended
	/// ([`WorkLog::take_for_commit`]; work too small to commit — a session that began late in the
	/// window — goes into the next window).
	pub(super) fn cut_windows(self: &Arc<Self>, number: u64) {
		let now = self.window_of(number);
		type Logs = Vec<(SessionId, Arc<Mutex<WorkLog>>, Option<FarmHandle>)>;
		let logs: Logs = self
			.hosted
			.lock()
			.map(|h| h.iter().filter_map(|(s, h)| Some((*s, h.work.clone()?, h.farm.clone()))).collect())
			.unwrap_or_default();
		for (session, log, farm) in logs {
			let cut = log.lock().ok().and_then(|mut log| log.take_for_commit(now, self.min_tasks as usize, false));
			// The helpers' tiles, credited once a window whether or not the host's own work was
			// enough to commit (what is not yet credited when the session settles is not paid),
			// after the commitment: it has a deadline (the window after its own), credits do not.
			let credit = farm.filter(|f| f.credit_due(now));
			if cut.is_none() && credit.is_none() {
				continue;
			}
			let w = self.clone();
			tokio::spawn(async move {
				if let Some((window, work)) = cut {
					w.clone().commit_window(WindowRecord::seal(session, window, work)).await;
				}
				if let Some(farm) = credit {
					w.credit_helpers(session, &farm).await;
				}
			});
		}
	}

	/// At the end of hosting: commits what the session's log still holds, if it is enough.
	pub(super) async fn commit_rest(self: &Arc<Self>, session: SessionId, log: &Mutex<WorkLog>) {
		let now = self.window_of(self.best.load(Ordering::Relaxed));
		let cut = log.lock().ok().and_then(|mut log| log.take_for_commit(now, self.min_tasks as usize, true));
		match cut {
			Some((window, work)) => self.clone().commit_window(WindowRecord::seal(session, window, work)).await,
			None => tracing::debug!(session, "the last window holds too little work to commit"),
		}
	}

	/// Keeps `record` on disk, then commits its root. Work whose window is taken — a commitment
	/// included too late for its window (the chain takes the current and the previous one; a
	/// busy node or machine can delay it past that), or a window an earlier late commitment
	/// already moved into — is committed once more for the chain's current window, unless this
	/// session keeps a record for that one too: the work is the same, and the session pays a
	/// commitment whatever window it names.
	pub(super) async fn commit_window(self: Arc<Self>, record: WindowRecord) {
		let sealed = tokio::task::spawn_blocking(move || {
			let root = record.root();
			(record, root)
		})
		.await;
		let Ok((mut record, root)) = sealed else { return };
		if let Err(late) = self.commit_sealed(&record, root).await {
			let now = self.window_of(self.best.load(Ordering::Relaxed));
			if now > late {
				tracing::info!(
					session = record.session,
					window = late,
					now,
					"committing the window's work to the current window"
				);
				record.window = now;
				let _ = self.commit_sealed(&record, root).await;
			}
		}
	}

	/// Keeps `record` on disk and commits `root` for its window; `Err(window)` when that window is
	/// taken: the store keeps another record for it (a commitment still to be opened, never
	/// overwritten), or the chain refused it as too late or already committed.
	async fn commit_sealed(&self, record: &WindowRecord, root: H256) -> Result<(), WindowIndex> {
		let (session, window, count) = (record.session, record.window, record.task_count());
		if !matches!(self.host.store.window(session, window), Ok(None)) {
			return Err(window);
		}
		if let Err(e) = self.host.store.save_window(record) {
			tracing::error!(session, window, error = format!("{e:#}"), "cannot keep the window; not committing it");
			return Ok(());
		}
		let call = calls::commit_work(session, window, root, count);
		match self.chain.submit(&call, &self.signer, Wait::InBlock).await {
			Ok(included) => {
				let committed = included.event::<WorkCommitted>("Work", "WorkCommitted");
				match committed {
					Ok(c) => {
						if let Err(e) = self.host.store.save_commitment(c.commitment, session, window) {
							tracing::error!(session, window, error = format!("{e:#}"), "cannot note the commitment");
						}
						self.host.metrics.windows_committed.inc();
						self.host.metrics.tasks_committed.inc_by(u64::from(count));
						tracing::info!(session, window, tasks = count, commitment = c.commitment, root = %hex::encode(root), "window committed");
					},
					Err(e) => {
						tracing::warn!(session, window, error = format!("{e:#}"), "the commitment emitted no event")
					},
				}
			},
			Err(e) => {
				let error = format!("{e:#}");
				tracing::warn!(session, window, error, "committing the window failed");
				let _ = self.host.store.forget_window(session, window, None);
				if error.contains("WrongWindow") || error.contains("AlreadyCommitted") {
					return Err(window);
				}
			},
		}
		Ok(())
	}

	/// At a new best block: does whatever the chain asks of this worker, one pass at a time.
	pub(super) fn spawn_duties(self: &Arc<Self>, block: [u8; 32]) {
		if self.duties_running.swap(true, Ordering::AcqRel) {
			return;
		}
		let w = self.clone();
		tokio::spawn(async move {
			if let Err(e) = w.do_duties(block).await {
				tracing::warn!(error = format!("{e:#}"), "cannot read this worker's duties");
			}
			w.duties_running.store(false, Ordering::Release);
		});
	}

	async fn do_duties(&self, block: [u8; 32]) -> Result<()> {
		let at = self.chain.at(block).await?;
		let mut duties = Chain::open_challenges(&at, &self.me).await?;
		duties.extend(Chain::audit_duties(&at, &self.me).await?);
		// What was done and is no longer asked for is forgotten; what was done but is still
		// listed (the view was read before the call's block) is not done twice.
		if let Ok(mut done) = self.duties_done.lock() {
			done.retain(|key| duties.iter().any(|d| (d.commitment, d.kind as u8) == *key));
		}
		for duty in duties {
			let key = (duty.commitment, duty.kind as u8);
			if self.duties_done.lock().map(|d| d.contains(&key)).unwrap_or(false) {
				continue;
			}
			let id = duty.commitment;
			match self.do_duty(duty).await {
				Ok(()) => {
					if let Ok(mut done) = self.duties_done.lock() {
						done.insert(key);
					}
				},
				Err(e) => tracing::warn!(commitment = id, error = format!("{e:#}"), "a verification duty failed"),
			}
		}
		Ok(())
	}

	async fn do_duty(&self, duty: Duty) -> Result<()> {
		let id = duty.commitment;
		match duty.kind {
			DutyKind::Open => {
				let record = self.window(&duty)?;
				let indices = duty.indices.clone();
				let (corrupting, task_hash) = (self.corrupt_tiles > 0, duty.task_hash);
				let (openings, wrong) = tokio::task::spawn_blocking(move || -> Result<_> {
					let openings = record.openings(&indices)?;
					let wrong = corrupting.then(|| record.wrong_openings(&task_hash, &openings));
					Ok((openings, wrong))
				})
				.await??;
				self.chain.submit(&calls::open_leaves(id, &openings), &self.signer, Wait::InBlock).await?;
				self.host.metrics.challenges_opened.inc_by(openings.len() as u64);
				tracing::info!(commitment = id, session = duty.session, leaves = ?duty.indices, "challenged leaves opened");
				if let Some(wrong) = wrong {
					tracing::warn!(
						commitment = id,
						session = duty.session,
						wrong,
						"TEST ONLY: corrupted outputs among the opened leaves"
					);
				}
			},
			DutyKind::RevealSalt => {
				let record = self.window(&duty)?;
				self.chain.submit(&calls::reveal_salt(id, record.salt), &self.signer, Wait::InBlock).await?;
				tracing::info!(commitment = id, session = duty.session, "salt revealed");
				if let Err(e) = self.host.store.forget_window(record.session, record.window, Some(id)) {
					tracing::warn!(commitment = id, error = format!("{e:#}"), "cannot forget a revealed window");
				}
			},
			DutyKind::CommitVerdicts => {
				let (task_hash, leaves) = (duty.task_hash, duty.leaves.clone());
				let states: Vec<Vec<u8>> = duty.states.iter().map(|s| s.to_vec()).collect();
				let hashes = tokio::task::spawn_blocking(move || recompute(&task_hash, &leaves, &states)).await?;
				let nonce = random_h256();
				// Kept before it is committed: a restarted worker can still reveal it.
				self.host.store.save_verdicts(id, &hashes, &nonce)?;
				let commitment = verdict_commitment(id, &self.me, &hashes, &nonce);
				self.chain.submit(&calls::commit_verdicts(id, commitment), &self.signer, Wait::InBlock).await?;
				self.host.metrics.audits_committed.inc();
				tracing::info!(commitment = id, session = duty.session, leaves = hashes.len(), "audit committed");
			},
			DutyKind::RevealVerdicts => {
				let (hashes, nonce) =
					self.host.store.verdicts(id)?.ok_or_else(|| anyhow!("no verdicts kept for commitment {id}"))?;
				self.chain.submit(&calls::reveal_verdicts(id, &hashes, nonce), &self.signer, Wait::InBlock).await?;
				self.host.metrics.audits_revealed.inc();
				tracing::info!(commitment = id, session = duty.session, "audit revealed");
				if let Err(e) = self.host.store.forget_verdicts(id) {
					tracing::warn!(commitment = id, error = format!("{e:#}"), "cannot forget revealed verdicts");
				}
			},
		}
		Ok(())
	}

	/// The window a duty is about: by its commitment's id, or — when this worker never learnt the
	/// id (killed after committing, before reading the event) — by its session and window, the
	/// id then noted.
	fn window(&self, duty: &Duty) -> Result<WindowRecord> {
		let (id, store) = (duty.commitment, &self.host.store);
		if let Some(record) =
			store.committed_window(id).with_context(|| format!("cannot read commitment {id}'s window"))?
		{
			return Ok(record);
		}
		let record = store
			.window(duty.session, duty.window)
			.with_context(|| format!("cannot read commitment {id}'s window"))?
			.ok_or_else(|| anyhow!("commitment {id}'s window is not in the store"))?;
		tracing::info!(
			commitment = id,
			session = duty.session,
			window = duty.window,
			"a committed window found by its session and window"
		);
		store.save_commitment(id, duty.session, duty.window)?;
		Ok(record)
	}
}
