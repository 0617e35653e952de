//! Micro-task execution from `pgt_primitives::work` descriptors: outputs, hashes, leaves, and
//! a clear error (never a panic) for every kind of bad input.

mod common;

use common::*;
use pgt_compute::{
	game::{GameState, REFERENCE_GAME, STATE_LEN},
	task::{Backend, TaskFailure},
	Executor,
};
use pgt_primitives::{
	work::{output_hash, MicroTask, TaskError, TaskInput, TaskLeaf, TileRect},
	Hash,
};
use polkadot_sdk::{sp_core::H256, sp_runtime::BoundedVec};

fn render(state_hash: Hash, width: u16, height: u16, tile: TileRect) -> TaskInput {
	TaskInput::RenderTile { game: REFERENCE_GAME, state_hash, frame: 0, width, height, tile }
}

fn physics(state_hash: Hash, first_tick: u32, inputs: Vec<u8>) -> TaskInput {
	TaskInput::PhysicsStep { game: REFERENCE_GAME, state_hash, first_tick, inputs: BoundedVec::truncate_from(inputs) }
}

#[test]
fn a_physics_task_then_a_render_task_of_its_result() {
	for mut ex in [Executor::new(Backend::Cpu), gpu_executor()] {
		let start = ex.insert_state(GameState::new(2));
		let out = ex.execute(&physics(start, 0, vec![0x01; 60])).expect("physics task");
		assert_eq!(out.bytes.len(), STATE_LEN);
		assert_eq!(out.hash, output_hash(&out.bytes));
		let next = GameState::decode(&out.bytes).expect("a valid state");
		assert_eq!(next.tick, 60);
		assert_eq!(next.hash(), out.hash);
		// The result is known by its hash now, so it can be rendered.
		let task = render(out.hash, 640, 360, TileRect { x: 160, y: 90, w: 160, h: 90 });
		let tile = ex.execute(&task).expect("render task");
		assert_eq!(tile.bytes.len() as u32, task.output_len().expect("render tasks have a size"));
		assert_eq!(tile.hash, output_hash(&tile.bytes));
		// The leaf commits to the task and the output's hash.
		let salt = Hash::repeat_byte(3);
		let (leaf, _) = ex.leaf(MicroTask { id: 7, session: 4, input: task.clone() }, &salt).expect("leaf");
		assert_eq!(leaf, TaskLeaf::sealed(MicroTask { id: 7, session: 4, input: task }, &tile.hash, &salt));
		assert_eq!(leaf.output_seal, pgt_primitives::work::seal(&tile.hash, &salt));
	}
}

#[test]
fn an_auditor_recomputes_a_task_from_the_state_bytes_alone() {
	let mut worker = gpu_executor();
	let start = worker.insert_state(GameState::new(6));
	let step = worker.execute(&physics(start, 0, vec![0x08; 90])).expect("worker");
	let task = render(step.hash, 320, 180, TileRect { x: 0, y: 90, w: 160, h: 90 });
	let claimed = worker.execute(&task).expect("worker renders");

	let mut auditor = Executor::new(Backend::Cpu);
	assert!(matches!(auditor.execute(&task), Err(TaskFailure::UnknownState(h)) if h == step.hash));
	let known = auditor.insert_state_bytes(&step.bytes).expect("valid state bytes");
	assert_eq!(known, step.hash);
	assert_eq!(auditor.execute(&task).expect("auditor renders").hash, claimed.hash);
}

#[test]
fn bad_descriptors_are_refused_with_their_reason() {
	for mut ex in [Executor::new(Backend::Cpu), gpu_executor()] {
		let s = ex.insert_state(GameState::new(1));
		let cases: Vec<(TaskInput, &str)> = vec![
			(
				render(s, 640, 360, TileRect { x: 600, y: 0, w: 64, h: 10 }),
				"malformed task: tile reaches outside the frame",
			),
			(
				render(s, 640, 360, TileRect { x: 0, y: 355, w: 10, h: 10 }),
				"malformed task: tile reaches outside the frame",
			),
			(
				render(s, 640, 360, TileRect { x: 0, y: 0, w: 0, h: 10 }),
				"malformed task: tile has zero width or height",
			),
			(
				render(s, 640, 360, TileRect { x: 0, y: 0, w: 10, h: 0 }),
				"malformed task: tile has zero width or height",
			),
			(
				render(s, 7680, 4320, TileRect { x: 0, y: 0, w: 16, h: 16 }),
				"malformed task: frame resolution is zero or larger than 3840x2160",
			),
			(
				render(s, 0, 360, TileRect { x: 0, y: 0, w: 1, h: 1 }),
				"malformed task: frame resolution is zero or larger than 3840x2160",
			),
			(
				TaskInput::RenderTile {
					game: 99,
					state_hash: s,
					frame: 0,
					width: 64,
					height: 64,
					tile: TileRect { x: 0, y: 0, w: 8, h: 8 },
				},
				"unknown game 99 (this executor runs game 0)",
			),
			(render(H256::repeat_byte(0xAB), 64, 64, TileRect { x: 0, y: 0, w: 8, h: 8 }), "unknown state 0xabababab"),
			(physics(s, 0, vec![]), "malformed task: physics task has no ticks"),
			(physics(H256::repeat_byte(1), 0, vec![1]), "unknown state 0x01010101"),
			(physics(s, 5, vec![1]), "state is at tick 0 but the task starts at tick 5"),
		];
		for (task, message) in cases {
			let err = ex.execute(&task).expect_err("refused");
			assert!(err.to_string().starts_with(message), "{task:?}: got {err:?} = {err}");
		}
		// The batch form checks every tile before it renders any.
		let mut out = vec![1, 2, 3];
		let tiles = [TileRect { x: 0, y: 0, w: 8, h: 8 }, TileRect { x: 60, y: 0, w: 8, h: 8 }];
		let err = ex.render_frame_tiles(&s, 0, 64, 64, &tiles, &mut out).expect_err("second tile is outside");
		assert!(matches!(err, TaskFailure::Malformed(TaskError::TileOutsideFrame)));
		// And the executor still works afterwards.
		assert!(ex.execute(&render(s, 64, 64, TileRect { x: 0, y: 0, w: 8, h: 8 })).is_ok());
	}
}

#[test]
fn garbage_state_bytes_are_refused_and_nothing_is_remembered() {
	let mut ex = Executor::new(Backend::Cpu);
	let good = GameState::new(3).encode();
	let mut nan = good.clone();
	nan[33..37].copy_from_slice(&f32::NAN.to_bits().to_le_bytes());
	for bytes in [&[][..], &good[..100], &nan[..], &[0xFFu8; STATE_LEN][..]] {
		assert!(ex.insert_state_bytes(bytes).is_err());
	}
	assert!(ex.state(&output_hash(&nan)).is_none());
	assert_eq!(ex.insert_state_bytes(&good), Ok(output_hash(&good)));
}

#[test]
fn a_batch_too_big_for_the_device_is_refused_before_anything_is_allocated() {
	let mut ex = gpu_executor();
	let s = ex.insert_state(GameState::new(1));
	let whole = TileRect { x: 0, y: 0, w: 3840, h: 2160 };
	let mut out = Vec::new();
	// Eight 4K frames' worth of pixels (265 MB) in one dispatch is more than one storage buffer.
	let err = ex.render_frame_tiles(&s, 0, 3840, 2160, &[whole; 8], &mut out).expect_err("too big");
	assert!(err.to_string().contains("more than this device's"), "{err}");
	assert!(out.is_empty());
	// One 4K tile is fine, and the device still works.
	ex.render_frame_tiles(&s, 0, 3840, 2160, &[TileRect { x: 0, y: 0, w: 64, h: 64 }], &mut out).expect("renders");
	assert_eq!(out.len(), 64 * 64 * 4);
}
