//! Executing micro-tasks: from a [`pgt_primitives::work`] descriptor to output bytes and hash.
//!
//! An [`Executor`] holds the game states it knows by hash (states it computed, or received as
//! bytes and checked) and a render [`Backend`]. Render tasks look their state up by hash, build
//! the frame's [`Scene`] and render the tile; physics tasks advance a known state and remember
//! the result, so later tasks can name it. Every malformed or unknown input is an error, never
//! a panic: these descriptors come from peers.

use crate::{
	cpu,
	game::{GameState, StateError, REFERENCE_GAME},
	gpu::{request_adapter, AdapterChoice, GpuError, GpuRenderer},
	physics,
	scene::Scene,
};
use pgt_primitives::{
	sessions::GameId,
	work::{output_hash, MicroTask, TaskError, TaskInput, TaskLeaf, TileRect},
	Hash,
};
use std::collections::{HashMap, VecDeque};
use thiserror::Error;

/// How many states an executor remembers by default (about 3 MB).
pub const DEFAULT_STATE_CAPACITY: usize = 4096;

/// Where render tasks run.
pub enum Backend {
	/// The integer WGSL kernel on a GPU (or lavapipe).
	Gpu(Box<GpuRenderer>),
	/// The CPU reference renderer, on every core.
	Cpu,
}

impl Backend {
	/// Renders `tiles` of one frame, one after the other, into `out`.
	pub fn render_tiles(
		&mut self,
		scene: &Scene,
		width: u16,
		height: u16,
		tiles: &[TileRect],
		out: &mut Vec<u8>,
	) -> Result<(), GpuError> {
		match self {
			Backend::Gpu(gpu) => gpu.render_tiles(scene, width, height, tiles, out),
			Backend::Cpu => {
				let total: usize = tiles.iter().map(|t| usize::from(t.w) * usize::from(t.h) * 4).sum();
				out.clear();
				out.resize(total, 0);
				let mut at = 0;
				for t in tiles {
					let len = usize::from(t.w) * usize::from(t.h) * 4;
					cpu::render_tile_par(scene, width, height, *t, &mut out[at..at + len]);
					at += len;
				}
				Ok(())
			},
		}
	}

	/// A short name for logs and reports.
	pub fn describe(&self) -> String {
		match self {
			Backend::Gpu(gpu) => {
				let i = gpu.adapter_info();
				format!("gpu: {} ({:?}, {:?}, {})", i.name, i.device_type, i.backend, i.driver_info)
			},
			Backend::Cpu => "cpu reference".into(),
		}
	}
}

/// A task's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskOutput {
	/// The canonical output bytes.
	pub bytes: Vec<u8>,
	/// Their BLAKE2b-256 hash ([`output_hash`]).
	pub hash: Hash,
}

/// Why a task could not be executed.
#[derive(Debug, Error)]
pub enum TaskFailure {
	/// The descriptor is malformed (zero-size or outside tile, bad resolution, no ticks).
	#[error("malformed task: {0}")]
	Malformed(TaskError),
	/// The task is for a game this executor doesn't have.
	#[error("unknown game {0} (this executor runs game {REFERENCE_GAME})")]
	UnknownGame(GameId),
	/// The task names a state this executor has never seen.
	#[error("unknown state {0:?}")]
	UnknownState(Hash),
	/// The physics task's first tick isn't the tick of its state.
	#[error("state is at tick {state_tick} but the task starts at tick {first_tick}")]
	WrongTick {
		/// The state's tick.
		state_tick: u32,
		/// The task's first tick.
		first_tick: u32,
	},
	/// The task would run the tick counter past `u32::MAX`.
	#[error("tick counter would overflow")]
	TickOverflow,
	/// State bytes that are not a valid game state.
	#[error("invalid state: {0}")]
	BadState(#[from] StateError),
	/// The GPU failed.
	#[error(transparent)]
	Gpu(#[from] GpuError),
}

/// States known by hash, the oldest forgotten first once `capacity` is reached.
pub struct StateStore {
	states: HashMap<Hash, GameState>,
	order: VecDeque<Hash>,
	capacity: usize,
}

impl StateStore {
	/// An empty store for at most `capacity` states.
	pub fn new(capacity: usize) -> StateStore {
		StateStore { states: HashMap::new(), order: VecDeque::new(), capacity: capacity.max(1) }
	}

	/// Remembers `state`; returns its hash.
	pub fn insert(&mut self, state: GameState) -> Hash {
		let hash = state.hash();
		if self.states.insert(hash, state).is_none() {
			self.order.push_back(hash);
			while self.order.len() > self.capacity {
				if let Some(old) = self.order.pop_front() {
					self.states.remove(&old);
				}
			}
		}
		hash
	}

	/// The state with this hash, if known.
	pub fn get(&self, hash: &Hash) -> Option<&GameState> {
		self.states.get(hash)
	}

	/// Number of states held.
	pub fn len(&self) -> usize {
		self.states.len()
	}

	/// Whether the store is empty.
	pub fn is_empty(&self) -> bool {
		self.states.is_empty()
	}
}

/// Runs micro-tasks.
pub struct Executor {
	states: StateStore,
	backend: Backend,
}

impl Executor {
	/// An executor rendering on `backend`, remembering [`DEFAULT_STATE_CAPACITY`] states.
	pub fn new(backend: Backend) -> Executor {
		Executor { states: StateStore::new(DEFAULT_STATE_CAPACITY), backend }
	}

	/// An executor rendering on a new [`GpuRenderer`] on the adapter `choice` picks.
	pub fn open_gpu(choice: AdapterChoice) -> Result<Executor, GpuError> {
		let adapter = request_adapter(choice)?;
		let executor = Executor::new(Backend::Gpu(Box::new(GpuRenderer::new(&adapter)?)));
		tracing::info!(backend = %executor.backend().describe(), "GPU ready");
		Ok(executor)
	}

	/// The render backend.
	pub fn backend(&self) -> &Backend {
		&self.backend
	}

	/// Remembers a state computed here (or a game's first state); returns its hash.
	pub fn insert_state(&mut self, state: GameState) -> Hash {
		self.states.insert(state)
	}

	/// Checks and remembers a state received as canonical bytes; returns its hash.
	pub fn insert_state_bytes(&mut self, bytes: &[u8]) -> Result<Hash, StateError> {
		Ok(self.states.insert(GameState::decode(bytes)?))
	}

	/// The state with this hash, if known.
	pub fn state(&self, hash: &Hash) -> Option<&GameState> {
		self.states.get(hash)
	}

	/// Executes one task.
	pub fn execute(&mut self, task: &TaskInput) -> Result<TaskOutput, TaskFailure> {
		task.validate().map_err(TaskFailure::Malformed)?;
		if task.game() != REFERENCE_GAME {
			return Err(TaskFailure::UnknownGame(task.game()));
		}
		match task {
			TaskInput::RenderTile { state_hash, frame, width, height, tile, .. } => {
				let scene = self.scene(state_hash, *frame)?;
				let mut bytes = Vec::new();
				self.backend.render_tiles(&scene, *width, *height, &[*tile], &mut bytes)?;
				let hash = output_hash(&bytes);
				Ok(TaskOutput { bytes, hash })
			},
			TaskInput::PhysicsStep { state_hash, first_tick, inputs, .. } => {
				let state = self.states.get(state_hash).ok_or(TaskFailure::UnknownState(*state_hash))?;
				if state.tick != *first_tick {
					return Err(TaskFailure::WrongTick { state_tick: state.tick, first_tick: *first_tick });
				}
				state.tick.checked_add(inputs.len() as u32).ok_or(TaskFailure::TickOverflow)?;
				let next = physics::run(state, inputs);
				let bytes = next.encode();
				let hash = self.states.insert(next);
				Ok(TaskOutput { bytes, hash })
			},
		}
	}

	/// Executes a task and returns the leaf a contributor commits to: the task and the seal of
	/// its output hash with the window's `salt` (kept until the chain asks for it).
	pub fn leaf(&mut self, task: MicroTask, salt: &Hash) -> Result<(TaskLeaf, TaskOutput), TaskFailure> {
		let out = self.execute(&task.input)?;
		Ok((TaskLeaf::sealed(task, &out.hash, salt), out))
	}

	/// Renders several tiles of one frame in one batch (one GPU dispatch): the tiles' bytes one
	/// after the other in `out`. Every tile is validated first.
	pub fn render_frame_tiles(
		&mut self,
		state_hash: &Hash,
		frame: u32,
		width: u16,
		height: u16,
		tiles: &[TileRect],
		out: &mut Vec<u8>,
	) -> Result<(), TaskFailure> {
		for tile in tiles {
			let task = TaskInput::RenderTile {
				game: REFERENCE_GAME,
				state_hash: *state_hash,
				frame,
				width,
				height,
				tile: *tile,
			};
			task.validate().map_err(TaskFailure::Malformed)?;
		}
		let scene = self.scene(state_hash, frame)?;
		self.backend.render_tiles(&scene, width, height, tiles, out)?;
		Ok(())
	}

	/// Renders a whole frame of a known state into `out` (RGBA8, row by row).
	pub fn render_frame(
		&mut self,
		state_hash: &Hash,
		frame: u32,
		width: u16,
		height: u16,
		out: &mut Vec<u8>,
	) -> Result<(), TaskFailure> {
		let whole = TileRect { x: 0, y: 0, w: width, h: height };
		self.render_frame_tiles(state_hash, frame, width, height, &[whole], out)
	}

	fn scene(&self, state_hash: &Hash, frame: u32) -> Result<Scene, TaskFailure> {
		let state = self.states.get(state_hash).ok_or(TaskFailure::UnknownState(*state_hash))?;
		Ok(Scene::build(state, frame))
	}
}
