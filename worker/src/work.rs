//! Verifiable work (docs/verification.md): every tick and every frame this worker computes for a
//! session becomes a micro-task leaf — a physics step from the state of one frame to the next,
//! and the render of each frame as one whole-frame tile — with the hash of its output.
//!
//! The game loop appends to the session's [`WorkLog`]; at each window's end the daemon cuts it
//! and seals it into a [`WindowRecord`] with a fresh random salt. The record is written to the
//! store before the root is committed, and holds everything the challenges need: the tasks, their
//! output hashes, the salt, and every [`ANCHOR_EVERY`]th task's starting state, from which any
//! task's starting state is replayed with the logged physics steps (a few dozen ticks at most)
//! instead of keeping every state.

use anyhow::{anyhow, bail, Result};
use codec::{Decode, Encode};
use pallet_pgt_work::{Opening, WindowIndex};
use pgt_compute::{game::GameState, physics, Backend, Executor, REFERENCE_GAME};
use pgt_primitives::{
	merkle,
	sessions::SessionId,
	work::{game_seed, MicroTask, TaskInput, TaskLeaf, TickInput, TileRect, MAX_PHYSICS_TICKS},
	Hash,
};
use polkadot_sdk::{sp_core::H256, sp_runtime::BoundedVec};

/// Every this many tasks the log keeps the starting state of the task (770 bytes for the
/// reference game); the states in between are replayed from it.
pub const ANCHOR_EVERY: usize = 64;

/// A window's tasks as the game computed them, in order: each task and its output hash, and the
/// anchor states (task index, canonical state bytes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct WindowTasks {
	/// Every task and the hash of the output computed for it.
	pub tasks: Vec<(TaskInput, Hash)>,
	/// The starting state of task `index`, for every [`ANCHOR_EVERY`]th task.
	pub anchors: Vec<(u32, Vec<u8>)>,
}

/// What a hosted session's game (or a helper, for its host) has computed since the last cut.
#[derive(Debug)]
pub struct WorkLog {
	/// The window the logged tasks began in.
	pub window: WindowIndex,
	current: WindowTasks,
	/// The hash of the state replaying the log so far arrives at: a task that starts from any
	/// other state (a helper's tile of a state it was sent) is anchored, or it could not be
	/// opened.
	tip: Option<Hash>,
}

impl WorkLog {
	/// An empty log for work starting in `window`.
	pub fn new(window: WindowIndex) -> WorkLog {
		WorkLog { window, current: WindowTasks::default(), tip: None }
	}

	/// Tasks logged since the last cut.
	pub fn len(&self) -> usize {
		self.current.tasks.len()
	}

	/// Whether nothing was logged since the last cut.
	pub fn is_empty(&self) -> bool {
		self.current.tasks.is_empty()
	}

	fn push(&mut self, start: &GameState, task: TaskInput, output: Hash) {
		let from = task.state_hash();
		if self.current.tasks.len().is_multiple_of(ANCHOR_EVERY) || self.tip != Some(from) {
			self.current.anchors.push((self.current.tasks.len() as u32, start.encode()));
		}
		// A physics step's output is the state it ends in; a render leaves the state as it was.
		self.tip = Some(if matches!(task, TaskInput::PhysicsStep { .. }) { output } else { from });
		self.current.tasks.push((task, output));
	}

	/// The game advanced from `start` (whose hash is `start_hash`) by one tick per entry of
	/// `inputs` (1 to [`MAX_PHYSICS_TICKS`]) to a state whose hash is `end_hash`.
	pub fn record_step(&mut self, start: &GameState, start_hash: Hash, inputs: &[TickInput], end_hash: Hash) {
		if inputs.is_empty() || inputs.len() > MAX_PHYSICS_TICKS as usize {
			tracing::warn!(ticks = inputs.len(), "a physics step of an impossible length was not logged");
			return;
		}
		let task = TaskInput::PhysicsStep {
			game: REFERENCE_GAME,
			state_hash: start_hash,
			first_tick: start.tick,
			inputs: BoundedVec::truncate_from(inputs.to_vec()),
		};
		self.push(start, task, end_hash);
	}

	/// Frame `frame` of `width` × `height` pixels was rendered from `state` (hash `state_hash`)
	/// and its RGBA bytes hashed to `output`.
	pub fn record_frame(
		&mut self,
		state: &GameState,
		state_hash: Hash,
		frame: u32,
		width: u16,
		height: u16,
		output: Hash,
	) {
		let tile = TileRect { x: 0, y: 0, w: width, h: height };
		self.record_task(
			state,
			TaskInput::RenderTile { game: REFERENCE_GAME, state_hash, frame, width, height, tile },
			output,
		);
	}

	/// A task computed from `start` whose output hashed to `output`: one tile of a frame split
	/// among helpers (the host's own, or one a helper computed), or a helper's physics step.
	pub fn record_task(&mut self, start: &GameState, task: TaskInput, output: Hash) {
		self.push(start, task, output);
	}

	/// Takes what was logged; the log goes on empty, for work starting in `next_window`.
	pub fn cut(&mut self, next_window: WindowIndex) -> WindowTasks {
		self.window = next_window;
		self.tip = None;
		std::mem::take(&mut self.current)
	}

	/// In window `now`: the window to commit the logged work for, and the work, once the log's
	/// window has ended (or at once when the session is `ending`) and it holds at least
	/// `min_tasks` tasks. The window is the one the work began in, or the previous one if that is
	/// older (the chain takes the current and the previous window only). Too little work stays in
	/// the log and goes into the next window.
	pub fn take_for_commit(
		&mut self,
		now: WindowIndex,
		min_tasks: usize,
		ending: bool,
	) -> Option<(WindowIndex, WindowTasks)> {
		if !ending && self.window >= now {
			return None;
		}
		let window = self.window.max(now.saturating_sub(1));
		if self.len() < min_tasks {
			self.window = now;
			return None;
		}
		Some((window, self.cut(now)))
	}
}

/// One window of one session's work, sealed: what is committed and what opens its challenges.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct WindowRecord {
	/// The session.
	pub session: SessionId,
	/// The window committed to.
	pub window: WindowIndex,
	/// The salt of every leaf's output seal (revealed when the chain asks).
	pub salt: H256,
	/// The tasks, their output hashes and the anchor states.
	pub work: WindowTasks,
}

impl WindowRecord {
	/// Seals `work` for `session` and `window` with a fresh random salt.
	pub fn seal(session: SessionId, window: WindowIndex, work: WindowTasks) -> WindowRecord {
		WindowRecord { session, window, salt: random_h256(), work }
	}

	/// Number of leaves.
	pub fn task_count(&self) -> u32 {
		self.work.tasks.len() as u32
	}

	/// Leaf `index`: the task (its id is its index) and the seal of its output hash.
	pub fn leaf(&self, index: u32) -> Option<TaskLeaf> {
		let (input, output) = self.work.tasks.get(index as usize)?;
		let task = MicroTask { id: index, session: self.session, input: input.clone() };
		Some(TaskLeaf::sealed(task, output, &self.salt))
	}

	/// Every leaf's hash, in order.
	pub fn leaf_hashes(&self) -> Vec<H256> {
		(0..self.task_count()).filter_map(|i| self.leaf(i)).map(|l| l.hash()).collect()
	}

	/// The Merkle root committed on chain.
	pub fn root(&self) -> H256 {
		merkle::root_of_hashes(self.leaf_hashes())
	}

	/// The canonical bytes of the state task `index` starts from: the anchor at or before it,
	/// advanced by the physics steps logged in between.
	pub fn start_state(&self, index: u32) -> Result<Vec<u8>> {
		let (task, _) = self.work.tasks.get(index as usize).ok_or_else(|| anyhow!("no task {index}"))?;
		let wanted = task.state_hash();
		let (from, bytes) = self
			.work
			.anchors
			.iter()
			.rev()
			.find(|(at, _)| *at <= index)
			.ok_or_else(|| anyhow!("no anchor state before task {index}"))?;
		let mut state = GameState::decode(bytes)?;
		let mut hash = state.hash();
		for (task, _) in &self.work.tasks[*from as usize..index as usize] {
			if let TaskInput::PhysicsStep { state_hash, inputs, .. } = task {
				if *state_hash == hash {
					state = physics::run(&state, inputs);
					hash = state.hash();
				}
			}
		}
		if hash != wanted {
			bail!("task {index}'s starting state could not be replayed");
		}
		Ok(state.encode())
	}

	/// The openings of the challenged leaves `indices`: each leaf, its Merkle proof and its
	/// starting state.
	pub fn openings(&self, indices: &[u32]) -> Result<Vec<Opening>> {
		let hashes = self.leaf_hashes();
		indices
			.iter()
			.map(|&index| {
				let leaf = self.leaf(index).ok_or_else(|| anyhow!("challenged leaf {index} is not in the window"))?;
				let proof = merkle::proof_of_hashes(&hashes, index)
					.ok_or_else(|| anyhow!("no Merkle proof for leaf {index}"))?;
				let state = self
					.start_state(index)?
					.try_into()
					.map_err(|_| anyhow!("leaf {index}'s state is longer than an opening may carry"))?;
				Ok(Opening { index, leaf, proof, state })
			})
			.collect()
	}
}

impl WindowRecord {
	/// How many of `openings` (of this record) claim an output other than the one the CPU
	/// reference computes from the opened state: what an honest auditor will vote wrong. For
	/// `--corrupt-tiles` (test only), so a test can hold the chain's verdict on each window
	/// against what was really opened.
	pub fn wrong_openings(&self, task_hash: &H256, openings: &[Opening]) -> usize {
		let leaves: Vec<TaskLeaf> = openings.iter().map(|o| o.leaf.clone()).collect();
		let states: Vec<Vec<u8>> = openings.iter().map(|o| o.state.to_vec()).collect();
		let recomputed = recompute(task_hash, &leaves, &states);
		openings
			.iter()
			.zip(&recomputed)
			.filter(|(o, right)| self.work.tasks.get(o.index as usize).is_none_or(|(_, claimed)| claimed != *right))
			.count()
	}
}

/// 32 bytes from the operating system's generator (salts, an auditor's nonces).
pub fn random_h256() -> H256 {
	use rand::RngCore;
	let mut h = H256::zero();
	rand::rngs::OsRng.fill_bytes(h.as_bytes_mut());
	h
}

/// What an auditor gets for each opened leaf: the hash of the output it recomputes from the
/// opened state with the CPU reference. A state the session's game was not started from, a
/// state that does not decode, or a task that cannot run gets the zero hash, which matches no
/// claim (the leaf is voted wrong).
pub fn recompute(task_hash: &H256, leaves: &[TaskLeaf], states: &[Vec<u8>]) -> Vec<H256> {
	let seed = game_seed(task_hash);
	let mut executor = Executor::new(Backend::Cpu);
	leaves
		.iter()
		.zip(states)
		.map(|(leaf, state)| {
			let Ok(state) = GameState::decode(state) else { return H256::zero() };
			if state.seed != seed {
				return H256::zero();
			}
			executor.insert_state(state);
			executor.execute(&leaf.task.input).map(|out| out.hash).unwrap_or_default()
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use pgt_primitives::work::output_hash;

	/// A log of `frames` frames of 16 × 8 pixels of a game from `seed`, two ticks a frame with
	/// keys changing, as the game loop records it.
	fn played(seed: u64, frames: u32) -> WindowTasks {
		let mut log = WorkLog::new(0);
		let mut executor = Executor::new(Backend::Cpu);
		let mut state = GameState::new(seed);
		let mut rgba = Vec::new();
		for frame in 0..frames {
			if frame > 0 {
				let start = state.clone();
				let inputs = [(frame % 16) as u8, 0b1000];
				state = physics::run(&start, &inputs);
				log.record_step(&start, start.hash(), &inputs, state.hash());
			}
			let hash = executor.insert_state(state.clone());
			executor.render_frame(&hash, frame, 16, 8, &mut rgba).expect("renders");
			log.record_frame(&state, hash, frame, 16, 8, output_hash(&rgba));
		}
		log.cut(1)
	}

	#[test]
	fn every_leaf_opens_with_a_valid_proof_and_an_auditor_agrees() {
		let seed = game_seed(&H256::repeat_byte(5));
		let record = WindowRecord::seal(9, 3, played(seed, 100));
		assert_eq!(record.task_count(), 199);
		assert_eq!(record.work.anchors.len(), 199usize.div_ceil(ANCHOR_EVERY));
		let root = record.root();
		let indices: Vec<u32> = (0..record.task_count()).collect();
		let openings = record.openings(&indices).expect("every leaf opens");
		for o in &openings {
			assert!(merkle::verify(&root, record.task_count(), o.index, &o.leaf, &o.proof), "leaf {}", o.index);
			assert_eq!(o.leaf.task.session, 9);
			assert_eq!(o.leaf.task.id, o.index);
		}
		// An auditor recomputes each task from the opened state alone, and every seal matches.
		let leaves: Vec<_> = openings.iter().map(|o| o.leaf.clone()).collect();
		let states: Vec<_> = openings.iter().map(|o| o.state.to_vec()).collect();
		let hashes = recompute(&H256::repeat_byte(5), &leaves, &states);
		for (leaf, hash) in leaves.iter().zip(&hashes) {
			assert_eq!(pgt_primitives::work::seal(hash, &record.salt), leaf.output_seal, "task {}", leaf.task.id);
		}
	}

	#[test]
	fn a_wrong_output_or_a_foreign_state_is_caught_by_the_auditor() {
		let seed = game_seed(&H256::repeat_byte(5));
		let mut work = played(seed, 10);
		// The worker lies about frame 4's pixels.
		let lie = 2 * 4;
		work.tasks[lie].1 = output_hash(b"not the frame");
		let record = WindowRecord::seal(9, 3, work);
		let o = record.openings(&[lie as u32, 3]).expect("opens");
		let leaves: Vec<_> = o.iter().map(|o| o.leaf.clone()).collect();
		let states: Vec<_> = o.iter().map(|o| o.state.to_vec()).collect();
		let hashes = recompute(&H256::repeat_byte(5), &leaves, &states);
		assert_ne!(pgt_primitives::work::seal(&hashes[0], &record.salt), leaves[0].output_seal);
		assert_eq!(pgt_primitives::work::seal(&hashes[1], &record.salt), leaves[1].output_seal);
		assert_eq!(record.wrong_openings(&H256::repeat_byte(5), &o), 1, "the lie, and only it");
		assert_eq!(record.wrong_openings(&H256::repeat_byte(5), &o[1..]), 0);
		// The same leaves for a session started from another seed: voted wrong.
		assert!(recompute(&H256::repeat_byte(6), &leaves, &states).iter().all(|h| h.is_zero()));
		// Garbage instead of a state: voted wrong, no panic.
		assert_eq!(recompute(&H256::repeat_byte(5), &leaves[..1], &[vec![1, 2, 3]]), vec![H256::zero()]);
	}

	#[test]
	fn work_is_committed_for_the_window_it_began_in_once_that_window_is_over() {
		let mut log = WorkLog::new(4);
		let frame = |log: &mut WorkLog| log.record_frame(&GameState::new(1), H256::zero(), 0, 4, 4, H256::zero());
		(0..3).for_each(|_| frame(&mut log));
		assert_eq!(log.take_for_commit(4, 3, false), None, "window 4 is still open");
		let (window, work) = log.take_for_commit(5, 3, false).expect("window 4 is over");
		assert_eq!((window, work.tasks.len(), log.window, log.len()), (4, 3, 5, 0));
		// Too little: it rolls over into the next window, and is committed with it.
		frame(&mut log);
		assert_eq!(log.take_for_commit(6, 3, false), None);
		assert_eq!((log.window, log.len()), (6, 1));
		(0..2).for_each(|_| frame(&mut log));
		assert_eq!(log.take_for_commit(7, 3, false).map(|(w, t)| (w, t.tasks.len())), Some((6, 3)));
		// A worker that fell behind commits for the previous window, the oldest the chain takes.
		(0..3).for_each(|_| frame(&mut log));
		assert_eq!(log.take_for_commit(10, 3, false).map(|(w, _)| w), Some(9));
		// A session that ends commits what it has for the current window.
		(0..3).for_each(|_| frame(&mut log));
		assert_eq!(log.take_for_commit(10, 3, false), None);
		assert_eq!(log.take_for_commit(10, 3, true).map(|(w, _)| w), Some(10));
		assert_eq!(log.take_for_commit(11, 3, true), None, "nothing left");
	}

	/// A helper logs tiles of states it was sent, with no physics step between them: each such
	/// task is anchored, so every leaf still opens and an auditor agrees with it.
	#[test]
	fn a_helpers_window_of_tiles_of_many_states_opens_every_leaf() {
		let seed = game_seed(&H256::repeat_byte(5));
		let mut log = WorkLog::new(0);
		let mut executor = Executor::new(Backend::Cpu);
		let mut state = GameState::new(seed);
		for frame in 0..70u32 {
			state = physics::run(&state, &[(frame % 16) as u8, 1]);
			let hash = executor.insert_state(state.clone());
			for tile in [TileRect { x: 0, y: 4, w: 16, h: 4 }, TileRect { x: 0, y: 0, w: 16, h: 4 }] {
				let input =
					TaskInput::RenderTile { game: REFERENCE_GAME, state_hash: hash, frame, width: 16, height: 8, tile };
				let out = executor.execute(&input).expect("renders");
				log.record_task(&state, input, out.hash);
			}
		}
		let record = WindowRecord::seal(9, 3, log.cut(1));
		assert_eq!(record.work.anchors.len(), 70, "one anchor per state, shared by its two tiles");
		let indices: Vec<u32> = (0..record.task_count()).collect();
		let openings = record.openings(&indices).expect("every leaf opens");
		let leaves: Vec<_> = openings.iter().map(|o| o.leaf.clone()).collect();
		let states: Vec<_> = openings.iter().map(|o| o.state.to_vec()).collect();
		for (leaf, hash) in leaves.iter().zip(recompute(&H256::repeat_byte(5), &leaves, &states)) {
			assert_eq!(pgt_primitives::work::seal(&hash, &record.salt), leaf.output_seal, "task {}", leaf.task.id);
		}
	}

	#[test]
	fn a_record_survives_the_store_encoding_and_each_window_has_its_own_salt() {
		let work = played(1, 5);
		let a = WindowRecord::seal(1, 0, work.clone());
		let b = WindowRecord::seal(1, 0, work);
		assert_ne!(a.salt, b.salt);
		assert_ne!(a.root(), b.root(), "the seals differ, so the roots do");
		assert_eq!(WindowRecord::decode(&mut &a.encode()[..]).expect("decodes"), a);
		assert!(a.openings(&[a.task_count()]).is_err(), "no leaf past the end");
	}
}
