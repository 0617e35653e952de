//! The hosted game: 60 ticks a second from the player's inputs, a frame rendered and encoded
//! at the session's frame rate, on a thread of its own (rendering is CPU or GPU bound and must
//! not stall the network).
//!
//! Only the newest frame is ever handed on (a `watch` channel holds one): when the network is
//! slower than the renderer, older frames are dropped, never queued.

use crate::{
	encode::{FrameEncoder, FrameMeta},
	helpers::TileFarm,
	lockstep::{BackupFeed, BatchBuilder},
	work::WorkLog,
};
use pgt_compute::{game::GameState, physics, Executor};
use pgt_net::{message::Tick, Frame, Input, Video};
use pgt_primitives::work::{output_hash, TaskInput, TickInput, MAX_PHYSICS_TICKS};
use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		mpsc, Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::watch;

/// Ticks a second.
pub const TICK_RATE: u64 = pgt_compute::game::TICK_RATE as u64;

/// Inputs waiting for their tick, at most; more are dropped (a player can't make the host
/// buffer without bound).
pub const MAX_PENDING_INPUTS: usize = 256;

/// An input more than this many ticks ahead of the game is applied as if it were due now.
pub const MAX_INPUT_LEAD_TICKS: Tick = 10 * TICK_RATE;

/// The session clock: ticks and microseconds since the host started the session's game.
#[derive(Clone, Copy, Debug)]
pub struct SessionClock {
	start: Instant,
}

impl SessionClock {
	/// A clock starting now.
	pub fn start() -> SessionClock {
		SessionClock { start: Instant::now() }
	}

	/// The clock that read `now_us` at `at` (another machine's session clock, learnt from a
	/// round trip).
	pub fn reading(now_us: u64, at: Instant) -> SessionClock {
		SessionClock { start: at.checked_sub(Duration::from_micros(now_us)).unwrap_or(at) }
	}

	/// Microseconds since the start.
	pub fn now_us(&self) -> u64 {
		self.start.elapsed().as_micros().try_into().unwrap_or(u64::MAX)
	}

	/// The tick due now.
	pub fn due_tick(&self) -> Tick {
		self.now_us().saturating_mul(TICK_RATE) / 1_000_000
	}

	/// When tick `tick` is due.
	pub fn tick_at(&self, tick: Tick) -> Instant {
		self.start + Duration::from_micros(tick.saturating_mul(1_000_000) / TICK_RATE)
	}
}

/// The game's state after a tick, as logged: (tick, state hash, ball position).
pub type StateSummary = (Tick, [u8; 32], [f32; 3]);

/// Every change of keys applied: (first tick with them, keys, the input's seq), as
/// `pgt-compute simulate --inputs` replays them.
pub type AppliedLog = Vec<(Tick, u8, u32)>;

/// Where a game loop starts: a new session's first state, or the state a backup takes over at.
#[derive(Clone, Debug)]
pub struct LoopStart {
	/// The state.
	pub state: GameState,
	/// The keys held.
	pub keys: u8,
	/// The `seq` of the last input applied (older inputs are ignored).
	pub last_seq: u32,
	/// Frames rendered so far (the next frame's number).
	pub frames: u64,
}

impl LoopStart {
	/// A new session's game.
	pub fn new(seed: u64) -> LoopStart {
		LoopStart { state: GameState::new(seed), keys: 0, last_seq: 0, frames: 0 }
	}
}

/// What the game loop shares with the session's network side.
#[derive(Default)]
pub struct LoopStatus {
	/// The last tick simulated.
	pub tick: AtomicU64,
	/// Frames rendered.
	pub frames: AtomicU64,
	/// Set to stop the loop.
	pub stop: AtomicBool,
	/// Every change of keys applied since the session's first tick (a backup that took over
	/// starts with the host's). The log a test re-simulates.
	pub applied: Mutex<AppliedLog>,
	/// The state after the last tick: (tick, state hash, ball position).
	pub last_state: Mutex<Option<StateSummary>>,
}

/// The game loop's settings.
pub struct LoopConfig {
	/// Where the game starts.
	pub start: LoopStart,
	/// The frames the player asked for.
	pub video: Video,
	/// The session clock.
	pub clock: SessionClock,
	/// Where every physics step and frame is logged as a micro-task (verifiable work).
	pub work: Arc<Mutex<WorkLog>>,
	/// Where the ticks go for the session's backups.
	pub feed: BackupFeed,
	/// The session's helpers, if the host works with any: each frame's strips are shared with
	/// them.
	pub farm: Option<TileFarm>,
}

/// Runs the game until `status.stop` is set or the frame receiver is gone. Meant for a thread
/// of its own ([`std::thread::spawn`]).
pub fn run(
	config: LoopConfig,
	mut executor: Executor,
	inputs: mpsc::Receiver<Input>,
	frames: watch::Sender<Option<Arc<Frame>>>,
	status: Arc<LoopStatus>,
	on_frame: impl Fn(&Frame, Duration, Duration),
) {
	let encoder = match config.video.encoding {
		pgt_net::Encoding::Jpeg => FrameEncoder::jpeg(crate::encode::DEFAULT_JPEG_QUALITY),
		pgt_net::Encoding::Raw => FrameEncoder::raw(),
	};
	let Video { width, height, fps, .. } = config.video;
	let frame_interval = Duration::from_secs(1) / u32::from(fps.clamp(1, Video::MAX_FPS));
	let clock = config.clock;
	let feed = config.feed;
	let mut farm = config.farm;
	let LoopStart { mut state, keys: start_keys, last_seq: start_seq, frames: start_frames } = config.start;
	// Verifiable work: the state of the last frame and the keys of every tick since, logged as
	// one physics step at the next frame.
	let mut step_start = state.clone();
	let mut step_start_hash = step_start.hash();
	let mut step_inputs: Vec<TickInput> = Vec::new();
	let log_step = |start: &GameState, start_hash, inputs: &[TickInput], end_hash| {
		if let Ok(mut work) = config.work.lock() {
			work.record_step(start, start_hash, inputs, end_hash);
		}
	};
	let mut pending: BTreeMap<(Tick, u32), u8> = BTreeMap::new();
	let (mut keys, mut last_seq) = (start_keys, start_seq);
	let mut number = start_frames;
	let mut batch = BatchBuilder::default();
	feed.publish_snapshot(&state, keys, last_seq, number);
	let mut next_frame = Instant::now();
	let mut rgba = Vec::new();
	while !status.stop.load(Ordering::Relaxed) && !frames.is_closed() {
		// Inputs: keyed by (tick, seq), so two for one tick apply in the order sent.
		while let Ok(input) = inputs.try_recv() {
			if input.seq <= start_seq {
				continue; // applied before this loop started (a takeover's mirrored inputs)
			}
			if pending.len() >= MAX_PENDING_INPUTS {
				tracing::debug!("input queue full; input dropped");
				continue;
			}
			let lead_limit = Tick::from(state.tick) + MAX_INPUT_LEAD_TICKS;
			pending.insert((input.tick.min(lead_limit), input.seq), input.keys);
		}
		let due = clock.due_tick();
		let mut stepped = false;
		let before = Tick::from(state.tick);
		while Tick::from(state.tick) < due {
			let next = Tick::from(state.tick) + 1;
			while let Some(entry) = pending.first_entry() {
				if entry.key().0 > next {
					break;
				}
				let ((_, seq), k) = entry.remove_entry();
				if k != keys {
					status.applied.lock().map(|mut log| log.push((next, k, seq))).ok();
					batch.applied(next, k, seq);
				}
				keys = k;
				last_seq = seq;
			}
			state = physics::step(&state, keys);
			batch.ticked(next, state.hash());
			if batch.is_full() {
				if let Some(b) = batch.take(last_seq, number) {
					feed.publish_ticks(b);
				}
			}
			step_inputs.push(keys);
			if step_inputs.len() == MAX_PHYSICS_TICKS as usize {
				let end_hash = state.hash();
				log_step(&step_start, step_start_hash, &step_inputs, end_hash);
				(step_start, step_start_hash) = (state.clone(), end_hash);
				step_inputs.clear();
			}
			stepped = true;
		}
		if stepped {
			if let Some(b) = batch.take(last_seq, number) {
				feed.publish_ticks(b);
			}
			if BackupFeed::snapshot_due(before, state.tick.into()) {
				feed.publish_snapshot(&state, keys, last_seq, number);
			}
			status.tick.store(state.tick.into(), Ordering::Relaxed);
			if let Ok(mut last) = status.last_state.lock() {
				*last = Some((state.tick.into(), state.hash().0, state.ball.pos));
			}
		}
		let now = Instant::now();
		if now >= next_frame {
			let started = Instant::now();
			let hash = executor.insert_state(state.clone());
			let frame_number = u32::try_from(number).unwrap_or(u32::MAX);
			// With helpers: the host's own tiles (its leaves); alone: the whole frame, hashed
			// once it is on its way.
			let rendered = match farm.as_mut() {
				Some(farm) => {
					// Helpers have until three quarters of a frame interval to answer.
					let deadline = started + frame_interval * 3 / 4;
					let deadline_tick =
						clock.due_tick() + (frame_interval * 3 / 4).as_micros() as u64 * TICK_RATE / 1_000_000;
					farm.render(
						&mut executor,
						&state,
						hash,
						frame_number,
						(width, height),
						(deadline, deadline_tick),
						&mut rgba,
					)
					.map(Some)
				},
				None => executor
					.render_frame(&hash, frame_number, width, height, &mut rgba)
					.map(|_| None)
					.map_err(Into::into),
			};
			let own_tiles = match rendered {
				Ok(tiles) => tiles,
				Err(e) => {
					tracing::error!(error = %e, "rendering failed; the session stops");
					break;
				},
			};
			let rendered_at_us = clock.now_us();
			let render_time = started.elapsed();
			if !step_inputs.is_empty() {
				log_step(&step_start, step_start_hash, &step_inputs, hash);
				(step_start, step_start_hash) = (state.clone(), hash);
				step_inputs.clear();
			}
			let meta = FrameMeta { number, tick: state.tick.into(), rendered_at_us, last_input_seq: last_seq };
			match encoder.frame(&rgba, width, height, meta) {
				Ok(frame) => {
					let encode_time = started.elapsed() - render_time;
					on_frame(&frame, render_time, encode_time);
					if frames.send(Some(Arc::new(frame))).is_err() {
						break;
					}
					// The frame's leaves, hashed once the frame is on its way (not on its path).
					if let Ok(mut work) = config.work.lock() {
						match &own_tiles {
							None => work.record_frame(&state, hash, frame_number, width, height, output_hash(&rgba)),
							Some(tiles) => {
								for (tile, output) in tiles {
									let task = TaskInput::RenderTile {
										game: pgt_compute::REFERENCE_GAME,
										state_hash: hash,
										frame: frame_number,
										width,
										height,
										tile: *tile,
									};
									work.record_task(&state, task, *output);
								}
							},
						}
					}
					number += 1;
					status.frames.store(number, Ordering::Relaxed);
				},
				Err(e) => {
					tracing::error!(error = %e, "encoding failed; the session stops");
					break;
				},
			}
			next_frame += frame_interval;
			// Behind by more than a frame: skip ahead, never render a backlog.
			if next_frame < Instant::now() {
				next_frame = Instant::now() + frame_interval;
			}
		}
		let wake = next_frame.min(clock.tick_at(Tick::from(state.tick) + 1));
		let now = Instant::now();
		if wake > now {
			std::thread::sleep((wake - now).min(Duration::from_millis(5)));
		}
	}
}
