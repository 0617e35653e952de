//! A host's helpers: each frame is split into horizontal strips (`pgt-compute` tiles), one for
//! the host and one for each helper, sent as micro-tasks over `pgt-net` request–response with
//! the state's bytes and a deadline. Results that come back in time, of the right size and signed
//! by their helper are composited; every other tile the host renders itself, so a slow or dead
//! helper never stalls a frame. A random sample of helper tiles is recomputed; a helper whose
//! tile differs, or whose answer is unsigned or malformed, is dropped for the rest of the session
//! (the chain's audits catch what the sample misses, docs/verification.md).
//!
//! Every tile a helper's result filled is counted for it; the daemon credits the counts on chain
//! (`Sessions.credit_helper`), and the helper is paid out of this host's pay for the fewer of
//! what was credited and what it committed.

use crate::metrics::Metrics;
use pallet_pgt_work::WindowIndex;
use pgt_compute::{
	game::GameState,
	tiles::{composite, TileGrid},
	Executor, REFERENCE_GAME,
};
use pgt_net::{
	message::{AccountId, Tick, WorkerRequest, WorkerResponse},
	signed::verify_task_result,
	NetError, Node, PeerId,
};
use pgt_primitives::{
	sessions::SessionId,
	work::{output_hash, MicroTask, StateBytes, TaskInput, TileRect, BYTES_PER_PIXEL},
	Hash,
};
use std::{
	collections::{BTreeMap, HashSet},
	sync::{
		atomic::{AtomicU32, Ordering},
		mpsc, Arc, Mutex,
	},
	time::Instant,
};

/// Of every 100 helper tiles, about this many are recomputed by the host to check them.
pub const SAMPLE_PERCENT: u32 = 10;

/// A helper the chain knows this host named, and where it listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperPeer {
	/// Its account (results are signed with its key).
	pub account: AccountId,
	/// Its network identity.
	pub peer: PeerId,
}

/// What one helper's answer to a tile task came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
	/// The tile's bytes, signed by the helper.
	Tile(Vec<u8>),
	/// Nothing usable in time (late, refused, the connection failed): the host renders the tile.
	Missing(String),
	/// An answer no honest helper sends (wrong size, another signer, a bad signature): the host
	/// renders the tile and drops the helper.
	Bad(String),
}

/// The helpers of one hosted session, and what they did.
pub struct TileFarm {
	session: SessionId,
	genesis: [u8; 32],
	node: Node,
	runtime: tokio::runtime::Handle,
	/// Helpers named on chain (the daemon adds them as their first credit lands).
	helpers: Arc<Mutex<Vec<HelperPeer>>>,
	dropped: HashSet<AccountId>,
	next_task: u64,
	metrics: Arc<Metrics>,
	/// Tiles used from each helper since the daemon last took the counts.
	credits: Arc<Mutex<BTreeMap<AccountId, u32>>>,
	sample_percent: u32,
}

/// The helpers a farm works with and the tiles to credit them, shared with the daemon.
#[derive(Clone, Default)]
pub struct FarmHandle {
	/// Helpers named on chain, in the order they were named.
	pub helpers: Arc<Mutex<Vec<HelperPeer>>>,
	/// Tiles used from each helper and not yet credited on chain.
	pub credits: Arc<Mutex<BTreeMap<AccountId, u32>>>,
	/// The window in which the helpers were last credited.
	credited_in: Arc<AtomicU32>,
}

impl FarmHandle {
	/// Takes the counts to credit (they start again from zero).
	pub fn take_credits(&self) -> Vec<(AccountId, u32)> {
		self.credits
			.lock()
			.map(|mut c| std::mem::take(&mut *c).into_iter().filter(|(_, n)| *n > 0).collect())
			.unwrap_or_default()
	}

	/// Whether the helpers are due their credit in window `now` (once a window): the caller
	/// credits them at once.
	pub fn credit_due(&self, now: WindowIndex) -> bool {
		self.credited_in.fetch_max(now, Ordering::Relaxed) < now
	}

	/// Adds `helper` (its first credit is on chain).
	pub fn add(&self, helper: HelperPeer) {
		if let Ok(mut h) = self.helpers.lock() {
			if !h.contains(&helper) {
				h.push(helper);
			}
		}
	}
}

impl TileFarm {
	/// A farm for `session` that sends tasks through `node` from the game thread, on `runtime`.
	pub fn new(
		session: SessionId,
		genesis: [u8; 32],
		node: Node,
		runtime: tokio::runtime::Handle,
		handle: &FarmHandle,
		metrics: Arc<Metrics>,
	) -> TileFarm {
		TileFarm {
			session,
			genesis,
			node,
			runtime,
			helpers: handle.helpers.clone(),
			dropped: HashSet::new(),
			next_task: 0,
			metrics,
			credits: handle.credits.clone(),
			sample_percent: SAMPLE_PERCENT,
		}
	}

	/// Recompute every helper tile (tests) or none (`0`).
	pub fn set_sample_percent(&mut self, percent: u32) {
		self.sample_percent = percent.min(100);
	}

	/// Helpers still in use.
	pub fn active(&self) -> Vec<HelperPeer> {
		let named = self.helpers.lock().map(|h| h.clone()).unwrap_or_default();
		named.into_iter().filter(|h| !self.dropped.contains(&h.account)).collect()
	}

	/// Renders frame `frame` of `state` (hash `state_hash`, known to `executor`) into `out`, its
	/// strips shared with the helpers, waiting for them until `deadline` (tick `deadline_tick`).
	/// Returns the tiles the host rendered itself, each with its output hash (its own leaves).
	#[allow(clippy::too_many_arguments)]
	pub fn render(
		&mut self,
		executor: &mut Executor,
		state: &GameState,
		state_hash: Hash,
		frame: u32,
		(width, height): (u16, u16),
		(deadline, deadline_tick): (Instant, Tick),
		out: &mut Vec<u8>,
	) -> anyhow::Result<Vec<(TileRect, Hash)>> {
		let helpers = self.active();
		let grid = TileGrid { cols: 1, rows: (helpers.len() as u16 + 1).min(height) };
		let bytes: Result<StateBytes, _> = state.encode().try_into();
		let (Ok(tiles), Ok(bytes)) = (grid.split(width, height), bytes) else {
			executor.render_frame(&state_hash, frame, width, height, out)?;
			return Ok(vec![(TileRect { x: 0, y: 0, w: width, h: height }, output_hash(out))]);
		};
		if helpers.is_empty() || tiles.len() < 2 {
			executor.render_frame(&state_hash, frame, width, height, out)?;
			return Ok(vec![(tiles[0], output_hash(out))]);
		}
		let task_of =
			|tile: TileRect| TaskInput::RenderTile { game: REFERENCE_GAME, state_hash, frame, width, height, tile };
		let (tx, rx) = mpsc::channel();
		let mut ids = Vec::with_capacity(helpers.len());
		for (i, h) in helpers.iter().enumerate() {
			let id = self.next_task;
			self.next_task = self.next_task.wrapping_add(1);
			ids.push(id);
			let request = WorkerRequest::Task {
				task: MicroTask { id: id as u32, session: self.session, input: task_of(tiles[i + 1]) },
				state: Some(bytes.clone()),
				deadline: deadline_tick,
			};
			let (node, peer, tx) = (self.node.clone(), h.peer, tx.clone());
			self.runtime.spawn(async move {
				let _ = tx.send((i, node.request(peer, request).await));
			});
			self.metrics.helper_tasks_sent.with_label_values(&[&hex::encode(h.account)]).inc();
		}
		drop(tx);

		// The host's own strip while the helpers render theirs.
		let mut own = Vec::new();
		executor.render_frame_tiles(&state_hash, frame, width, height, &tiles[..1], &mut own)?;
		let mut pieces: Vec<Option<Vec<u8>>> = vec![None; helpers.len()];
		let mut answered = 0;
		while answered < helpers.len() {
			let left = deadline.saturating_duration_since(Instant::now());
			let Ok((i, response)) = rx.recv_timeout(left) else { break };
			answered += 1;
			match self.check(response, ids[i], &helpers[i], tiles[i + 1]) {
				Answer::Tile(bytes) => pieces[i] = Some(bytes),
				Answer::Missing(why) => {
					tracing::debug!(session = self.session, helper = %hex::encode(helpers[i].account), why, "no tile")
				},
				Answer::Bad(why) => self.drop_helper(&helpers[i], &why),
			}
		}

		let mut mine = vec![(tiles[0], output_hash(&own))];
		let mut strips: Vec<(TileRect, Vec<u8>)> = vec![(tiles[0], own)];
		for (i, piece) in pieces.into_iter().enumerate() {
			let (tile, h) = (tiles[i + 1], &helpers[i]);
			let label = hex::encode(h.account);
			let piece = match piece {
				Some(bytes) if self.sampled() => {
					self.metrics.helper_tasks_recomputed.with_label_values(&[&label]).inc();
					let mut check = Vec::new();
					executor.render_frame_tiles(&state_hash, frame, width, height, &[tile], &mut check)?;
					if check == bytes {
						Some(bytes)
					} else {
						self.drop_helper(h, "a recomputed tile differs from the helper's");
						mine.push((tile, output_hash(&check)));
						strips.push((tile, check));
						continue;
					}
				},
				other => other,
			};
			match piece {
				Some(bytes) => {
					self.metrics.helper_tasks_returned.with_label_values(&[&label]).inc();
					if let Ok(mut c) = self.credits.lock() {
						*c.entry(h.account).or_default() += 1;
					}
					strips.push((tile, bytes));
				},
				None => {
					if !self.dropped.contains(&h.account) {
						self.metrics.helper_tasks_late.with_label_values(&[&label]).inc();
					}
					let mut bytes = Vec::new();
					executor.render_frame_tiles(&state_hash, frame, width, height, &[tile], &mut bytes)?;
					mine.push((tile, output_hash(&bytes)));
					strips.push((tile, bytes));
				},
			}
		}
		composite(width, height, strips.iter().map(|(t, b)| (*t, b.as_slice())), out)?;
		Ok(mine)
	}

	/// What helper `h`'s `response` to task `id` (tile `tile`) is worth.
	pub fn check(&self, response: Result<WorkerResponse, NetError>, id: u64, h: &HelperPeer, tile: TileRect) -> Answer {
		match response {
			Ok(WorkerResponse::TaskResult { task, output, helper, signature }) => {
				let expected = usize::from(tile.w) * usize::from(tile.h) * BYTES_PER_PIXEL as usize;
				if task != id {
					Answer::Bad(format!("answered task {task} for task {id}"))
				} else if helper != h.account {
					Answer::Bad("signed by another account".into())
				} else if output.len() != expected {
					Answer::Bad(format!("{} bytes for a tile of {expected}", output.len()))
				} else if !verify_task_result(&self.genesis, self.session, task, &output, &helper, &signature) {
					Answer::Bad("the signature does not verify".into())
				} else {
					Answer::Tile(output)
				}
			},
			Ok(WorkerResponse::TaskRefused { reason, .. }) => Answer::Missing(format!("refused: {reason}")),
			Ok(WorkerResponse::State(_)) => Answer::Bad("answered a task with a state".into()),
			Err(e) => Answer::Missing(e.to_string()),
		}
	}

	fn sampled(&self) -> bool {
		self.sample_percent > 0 && rand::random::<u32>() % 100 < self.sample_percent
	}

	fn drop_helper(&mut self, h: &HelperPeer, why: &str) {
		if self.dropped.insert(h.account) {
			tracing::warn!(session = self.session, helper = %hex::encode(h.account), why, "dropping a helper");
			self.metrics.helpers_dropped.inc();
		}
	}

	/// Whether `account` was dropped.
	pub fn is_dropped(&self, account: &AccountId) -> bool {
		self.dropped.contains(account)
	}
}

/// What a helper computes for `task` of the session whose game starts from `seed`: the state
/// sent along (if any) must decode and be of that game; the task must name a state the executor
/// knows. Returns the state the task started from (its leaf's) and the output. TEST ONLY: with
/// `corrupt_percent` > 0, that share of outputs has its first byte flipped (`--corrupt-tiles`).
pub fn compute_task(
	executor: &mut Executor,
	seed: u64,
	task: &TaskInput,
	state: Option<&[u8]>,
	corrupt_percent: u8,
) -> anyhow::Result<(GameState, Vec<u8>)> {
	if let Some(bytes) = state {
		let state = GameState::decode(bytes)?;
		if state.seed != seed {
			anyhow::bail!("the state is not of this session's game");
		}
		executor.insert_state(state);
	}
	let start = executor
		.state(&task.state_hash())
		.cloned()
		.ok_or_else(|| anyhow::anyhow!("unknown state {:?}", task.state_hash()))?;
	let mut output = executor.execute(task)?.bytes;
	if corrupt_percent > 0 && rand::random::<u32>() % 100 < u32::from(corrupt_percent) {
		if let Some(b) = output.first_mut() {
			*b ^= 0xff;
		}
	}
	Ok((start, output))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn helpers_are_credited_once_a_window_and_never_for_an_earlier_one() {
		let farm = FarmHandle::default();
		assert!(farm.credit_due(7));
		assert!(!farm.credit_due(7), "once in window 7");
		assert!(!farm.credit_due(6), "not again for an earlier window");
		assert!(farm.credit_due(9));
		assert!(farm.clone().credit_due(10), "a clone shares the record");
		assert!(!farm.credit_due(10));
	}
}
