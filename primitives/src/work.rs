//! The **micro-task** model of verifiable work: what a contributor computes, how its result is
//! hashed, and the leaf it commits to.
//!
//! A session's work is cut into micro-tasks — one tile of one frame, or a few ticks of physics —
//! whose output is a deterministic byte string (integer shaders and `enhanced-determinism`
//! physics; see "Verifiable compute" in `docs/architecture.md`). Every task a contributor
//! computes in a verification window becomes a [`TaskLeaf`]: the task (bound to its session) and
//! the **seal** of its output — [`seal`] of the output's BLAKE2b-256 hash with a salt the
//! contributor keeps for the window. The leaves go into a binary Merkle tree ([`crate::merkle`])
//! whose root the contributor commits on chain. The chain then challenges a few random leaves; the
//! contributor opens them (with the game state each task starts from, so anyone can recompute
//! it); auditors recompute the tasks and commit to the output hashes they got
//! ([`verdict_commitment`]) without seeing the claimed ones, which the seals hide; then the
//! contributor reveals the salt and the auditors their hashes, and the chain compares.
//!
//! The runtime and the worker both use this module, so a leaf hashes the same on both sides.

use crate::{
	sessions::{GameId, SessionId},
	Hash,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::{
		traits::{BlakeTwo256, Hash as _},
		BoundedVec,
	},
};
use scale_info::TypeInfo;

/// Widest frame a task may render, in pixels (4K UHD).
pub const MAX_FRAME_WIDTH: u16 = 3840;
/// Tallest frame a task may render, in pixels (4K UHD).
pub const MAX_FRAME_HEIGHT: u16 = 2160;
/// Most physics ticks one task may advance (4 s at 60 ticks per second).
pub const MAX_PHYSICS_TICKS: u32 = 240;
/// Bytes per pixel of a rendered tile (RGBA8).
pub const BYTES_PER_PIXEL: u32 = 4;
/// The domain tag every leaf hash starts with, so a leaf hash can never be confused with an
/// inner node of the tree or with any other hash in the system.
pub const LEAF_HASH_CONTEXT: &[u8] = b"pgt/task-leaf/v2";
/// The domain tag of an output seal.
pub const SEAL_CONTEXT: &[u8] = b"pgt/output-seal/v1";
/// The domain tag of an auditor's verdict commitment.
pub const VERDICT_CONTEXT: &[u8] = b"pgt/verdict/v1";
/// Longest canonical game state an opening may carry (the reference game's is under 1 KiB).
pub const MAX_STATE_BYTES: u32 = 4_096;

/// A game state's canonical bytes, as opened with a challenged leaf.
pub type StateBytes = BoundedVec<u8, ConstU32<MAX_STATE_BYTES>>;

/// Identifies a task within one window of one contributor's work: its position in the order the
/// contributor computed them (and the index of its leaf in the committed tree).
pub type TaskId = u32;

/// The player's input for one physics tick: a bit set of the keys held (bit 0 forward, 1 back,
/// 2 left, 3 right, 4 jump; the game defines the rest).
pub type TickInput = u8;

/// A rectangle of a frame, in pixels from the top-left corner.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct TileRect {
	/// Left edge.
	pub x: u16,
	/// Top edge.
	pub y: u16,
	/// Width (at least 1).
	pub w: u16,
	/// Height (at least 1).
	pub h: u16,
}

/// What kind of work a task is (for scheduling and statistics).
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum TaskKind {
	/// Render one tile of one frame.
	RenderTile,
	/// Advance the game's physics by some ticks.
	PhysicsStep,
}

/// The canonical input of a micro-task: everything needed to recompute its output, and nothing
/// else. Its SCALE encoding is what the leaf commits to.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum TaskInput {
	/// Render `tile` of frame `frame` of `game` in the state with hash `state_hash`, for a frame
	/// of `width` × `height` pixels. Output: the tile's raw RGBA8 bytes, row by row
	/// (`w × h × 4` bytes).
	RenderTile {
		/// The game (scene) being rendered.
		game: GameId,
		/// BLAKE2b-256 of the canonical game state the frame shows.
		state_hash: Hash,
		/// Frame number in the session.
		frame: u32,
		/// Frame width in pixels.
		width: u16,
		/// Frame height in pixels.
		height: u16,
		/// The part of the frame to render.
		tile: TileRect,
	},
	/// Advance `game` from the state with hash `state_hash` (at tick `first_tick`) by one tick
	/// per entry of `inputs`. Output: the canonical encoding of the new state.
	PhysicsStep {
		/// The game being simulated.
		game: GameId,
		/// BLAKE2b-256 of the canonical state to start from.
		state_hash: Hash,
		/// The tick number of that state.
		first_tick: u32,
		/// The player's input for each tick to simulate (1 to [`MAX_PHYSICS_TICKS`]).
		inputs: BoundedVec<TickInput, ConstU32<MAX_PHYSICS_TICKS>>,
	},
}

/// Why a task descriptor is malformed.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub enum TaskError {
	/// The frame is zero pixels wide or high, or larger than 3840 × 2160.
	BadResolution,
	/// The tile is zero pixels wide or high.
	EmptyTile,
	/// The tile reaches outside the frame.
	TileOutsideFrame,
	/// A physics task with no ticks.
	NoTicks,
}

impl core::fmt::Display for TaskError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			TaskError::BadResolution => "frame resolution is zero or larger than 3840x2160",
			TaskError::EmptyTile => "tile has zero width or height",
			TaskError::TileOutsideFrame => "tile reaches outside the frame",
			TaskError::NoTicks => "physics task has no ticks",
		})
	}
}

impl TaskInput {
	/// The kind of this task.
	pub fn kind(&self) -> TaskKind {
		match self {
			TaskInput::RenderTile { .. } => TaskKind::RenderTile,
			TaskInput::PhysicsStep { .. } => TaskKind::PhysicsStep,
		}
	}

	/// The hash of the game state this task starts from.
	pub fn state_hash(&self) -> Hash {
		match self {
			TaskInput::RenderTile { state_hash, .. } | TaskInput::PhysicsStep { state_hash, .. } => *state_hash,
		}
	}

	/// The game this task belongs to.
	pub fn game(&self) -> GameId {
		match self {
			TaskInput::RenderTile { game, .. } | TaskInput::PhysicsStep { game, .. } => *game,
		}
	}

	/// Checks that the descriptor is well formed: a resolution within 4K, a non-empty tile
	/// inside the frame, at least one tick. (Whether the game and state exist is for the
	/// machine that runs the task to say.)
	pub fn validate(&self) -> Result<(), TaskError> {
		match self {
			TaskInput::RenderTile { width, height, tile, .. } => {
				if *width == 0 || *height == 0 || *width > MAX_FRAME_WIDTH || *height > MAX_FRAME_HEIGHT {
					return Err(TaskError::BadResolution);
				}
				if tile.w == 0 || tile.h == 0 {
					return Err(TaskError::EmptyTile);
				}
				let right = u32::from(tile.x) + u32::from(tile.w);
				let bottom = u32::from(tile.y) + u32::from(tile.h);
				if right > u32::from(*width) || bottom > u32::from(*height) {
					return Err(TaskError::TileOutsideFrame);
				}
				Ok(())
			},
			TaskInput::PhysicsStep { inputs, .. } => {
				if inputs.is_empty() {
					Err(TaskError::NoTicks)
				} else {
					Ok(())
				}
			},
		}
	}

	/// The exact length of the output in bytes, where the kind fixes it (a rendered tile:
	/// `w × h × 4`); `None` for physics, whose state encoding varies with the scene.
	pub fn output_len(&self) -> Option<u32> {
		match self {
			TaskInput::RenderTile { tile, .. } => Some(u32::from(tile.w) * u32::from(tile.h) * BYTES_PER_PIXEL),
			TaskInput::PhysicsStep { .. } => None,
		}
	}
}

/// One micro-task: its id in the window, the session it is for, and its input.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct MicroTask {
	/// Position of the task in the window (equal to its leaf index).
	pub id: TaskId,
	/// The session the work is for: a leaf opened for another session's commitment is refused,
	/// so one window's work can't be committed for several sessions.
	pub session: SessionId,
	/// What to compute.
	pub input: TaskInput,
}

/// What a contributor commits to for one task: the task and the seal of the output it computed.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct TaskLeaf {
	/// The task.
	pub task: MicroTask,
	/// [`seal`] of the [`output_hash`] of the bytes the contributor computed, with the window's
	/// salt: it binds the claim without showing it to auditors before they commit.
	pub output_seal: Hash,
}

impl TaskLeaf {
	/// The leaf for `task` whose output hashed to `output_hash`, sealed with `salt`.
	pub fn sealed(task: MicroTask, output_hash: &Hash, salt: &H256) -> Self {
		Self { task, output_seal: seal(output_hash, salt) }
	}

	/// The leaf's hash in the Merkle tree: BLAKE2b-256 of [`LEAF_HASH_CONTEXT`] followed by the
	/// SCALE encoding of the leaf.
	pub fn hash(&self) -> H256 {
		let mut bytes = LEAF_HASH_CONTEXT.to_vec();
		self.encode_to(&mut bytes);
		BlakeTwo256::hash(&bytes)
	}
}

/// The hash of a task's output: BLAKE2b-256 of the canonical output bytes.
pub fn output_hash(output: &[u8]) -> Hash {
	BlakeTwo256::hash(output)
}

/// The seal of an output hash: BLAKE2b-256 of [`SEAL_CONTEXT`], the output hash and `salt`. With
/// a random salt it shows nothing of the output hash until the salt is revealed, and once it is,
/// it matches exactly one output hash.
pub fn seal(output_hash: &Hash, salt: &H256) -> Hash {
	let mut bytes = SEAL_CONTEXT.to_vec();
	output_hash.encode_to(&mut bytes);
	salt.encode_to(&mut bytes);
	BlakeTwo256::hash(&bytes)
}

/// What an auditor commits to before anything is revealed: BLAKE2b-256 of [`VERDICT_CONTEXT`], the
/// commitment id, the auditor's account, the output hashes it recomputed (in the order of the
/// challenges) and a random `nonce`. Bound to the auditor, so one can't copy another's.
pub fn verdict_commitment<AccountId: Encode>(
	commitment: u64,
	auditor: &AccountId,
	outputs: &[Hash],
	nonce: &H256,
) -> Hash {
	let mut bytes = VERDICT_CONTEXT.to_vec();
	(commitment, auditor, outputs, nonce).encode_to(&mut bytes);
	BlakeTwo256::hash(&bytes)
}

/// The seed a session's game starts from: the first 8 bytes (little-endian) of its task package
/// hash. An auditor refuses a task whose state was not started from it.
pub fn game_seed(task_hash: &H256) -> u64 {
	let b = task_hash.as_bytes();
	u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[cfg(test)]
mod tests {
	use super::*;

	fn tile(width: u16, height: u16, x: u16, y: u16, w: u16, h: u16) -> TaskInput {
		TaskInput::RenderTile {
			game: 1,
			state_hash: H256::repeat_byte(7),
			frame: 0,
			width,
			height,
			tile: TileRect { x, y, w, h },
		}
	}

	#[test]
	fn well_formed_tiles_pass_and_know_their_output_size() {
		let t = tile(640, 360, 480, 270, 160, 90);
		assert_eq!(t.validate(), Ok(()));
		assert_eq!(t.output_len(), Some(160 * 90 * 4));
		assert_eq!(t.kind(), TaskKind::RenderTile);
		assert_eq!(tile(3840, 2160, 0, 0, 3840, 2160).validate(), Ok(()));
	}

	#[test]
	fn malformed_tiles_are_rejected_with_their_reason() {
		assert_eq!(tile(640, 360, 0, 0, 0, 10).validate(), Err(TaskError::EmptyTile));
		assert_eq!(tile(640, 360, 0, 0, 10, 0).validate(), Err(TaskError::EmptyTile));
		assert_eq!(tile(640, 360, 600, 0, 41, 10).validate(), Err(TaskError::TileOutsideFrame));
		assert_eq!(tile(640, 360, 0, 351, 10, 10).validate(), Err(TaskError::TileOutsideFrame));
		// No overflow at the edge of u16.
		assert_eq!(tile(640, 360, u16::MAX, u16::MAX, u16::MAX, u16::MAX).validate(), Err(TaskError::TileOutsideFrame));
		assert_eq!(tile(0, 360, 0, 0, 1, 1).validate(), Err(TaskError::BadResolution));
		assert_eq!(tile(3841, 2160, 0, 0, 1, 1).validate(), Err(TaskError::BadResolution));
		assert_eq!(tile(3840, 2161, 0, 0, 1, 1).validate(), Err(TaskError::BadResolution));
	}

	#[test]
	fn physics_tasks_need_ticks() {
		let step = |n: usize| TaskInput::PhysicsStep {
			game: 1,
			state_hash: H256::zero(),
			first_tick: 0,
			inputs: BoundedVec::truncate_from(alloc::vec![0b0001; n]),
		};
		assert_eq!(step(0).validate(), Err(TaskError::NoTicks));
		assert_eq!(step(60).validate(), Ok(()));
		assert_eq!(step(60).output_len(), None);
		assert_eq!(step(1).kind(), TaskKind::PhysicsStep);
	}

	#[test]
	fn leaf_hash_binds_every_field_and_the_context() {
		let salt = H256::repeat_byte(9);
		let leaf = TaskLeaf::sealed(
			MicroTask { id: 3, session: 5, input: tile(640, 360, 0, 0, 160, 90) },
			&output_hash(b"pixels"),
			&salt,
		);
		let h = leaf.hash();
		let mut other = leaf.clone();
		other.task.id = 4;
		assert_ne!(other.hash(), h);
		let mut other = leaf.clone();
		other.task.session = 6;
		assert_ne!(other.hash(), h);
		let mut other = leaf.clone();
		other.output_seal = seal(&output_hash(b"pixelz"), &salt);
		assert_ne!(other.hash(), h);
		let mut other = leaf.clone();
		other.task.input = tile(640, 360, 160, 0, 160, 90);
		assert_ne!(other.hash(), h);
		// Not the plain hash of the encoding: the context is part of it.
		assert_ne!(BlakeTwo256::hash(&leaf.encode()), h);
	}

	#[test]
	fn a_seal_matches_one_output_and_one_salt() {
		let (out, salt) = (output_hash(b"pixels"), H256::repeat_byte(1));
		let s = seal(&out, &salt);
		assert_ne!(s, out, "the seal does not show the output hash");
		assert_ne!(seal(&output_hash(b"pixelz"), &salt), s);
		assert_ne!(seal(&out, &H256::repeat_byte(2)), s);
	}

	#[test]
	fn a_verdict_commitment_binds_auditor_outputs_and_nonce() {
		let outs = [output_hash(b"a"), output_hash(b"b")];
		let n = H256::repeat_byte(3);
		let c = verdict_commitment(1, &7u64, &outs, &n);
		assert_ne!(verdict_commitment(1, &8u64, &outs, &n), c);
		assert_ne!(verdict_commitment(2, &7u64, &outs, &n), c);
		assert_ne!(verdict_commitment(1, &7u64, &outs[..1], &n), c);
		assert_ne!(verdict_commitment(1, &7u64, &outs, &H256::repeat_byte(4)), c);
	}

	#[test]
	fn output_hash_is_blake2b_256() {
		// BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte digest).
		assert_eq!(
			output_hash(b""),
			H256(hex_literal(b"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"))
		);
	}

	fn hex_literal(hex: &[u8; 64]) -> [u8; 32] {
		let nibble = |c: u8| (c as char).to_digit(16).expect("hex digit") as u8;
		core::array::from_fn(|i| nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]))
	}
}
