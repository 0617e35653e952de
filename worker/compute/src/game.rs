//! The reference game, "Block Rain": the player rolls a ball around a walled arena, collecting
//! gems while blocks rain down and tumble. This module holds its state, the canonical encoding
//! of that state (what a physics task outputs and what its hash names) and the game rules that
//! run after each physics step ([`crate::physics`]).
//!
//! The state is **complete**: the next tick depends on the encoded state and the tick's input
//! and on nothing else (no solver caches survive a tick; see [`crate::physics`]). So anyone who
//! has a state's bytes can recompute any later tick, and cutting a run into tasks differently
//! never changes a hash.

use pgt_primitives::{sessions::GameId, work::output_hash, Hash};

/// The id of the reference game in session and task descriptors: the chain's arena
/// ([`pgt_primitives::sessions::ARENA_GAME`]).
pub const REFERENCE_GAME: GameId = pgt_primitives::sessions::ARENA_GAME;
/// Physics ticks per second.
pub const TICK_RATE: u32 = 60;
/// Blocks in the arena.
pub const BLOCKS: usize = 12;
/// Half the side of the square arena floor, in world units.
pub const ARENA_HALF: f32 = 12.0;
/// Half the height of the walls around the arena.
pub const WALL_HALF_HEIGHT: f32 = 0.75;
/// Half the thickness of the walls.
pub const WALL_HALF_THICKNESS: f32 = 0.25;
/// Half the side of the ground around the arena (beyond it, things fall into the void).
pub const GROUND_HALF: f32 = 60.0;
/// The ball's radius.
pub const BALL_RADIUS: f32 = 0.5;
/// The gem's radius.
pub const GEM_RADIUS: f32 = 0.35;
/// Smallest and largest half size of a block.
pub const BLOCK_HALF_RANGE: (f32, f32) = (0.3, 0.7);
/// Every this many ticks the next block is lifted back into the sky and dropped again.
pub const RESPAWN_EVERY: u32 = 45;
/// Version byte at the start of the canonical encoding.
pub const STATE_VERSION: u8 = 1;
/// Length of the canonical encoding in bytes.
pub const STATE_LEN: usize = 1 + 8 + 4 + 8 + 4 + 8 + BODY_LEN + 1 + BLOCKS * (BODY_LEN + 4 + 1);
const BODY_LEN: usize = 13 * 4;
/// Largest coordinate or speed a valid state may hold (anything beyond is corrupt).
const MAX_MAGNITUDE: f32 = 1000.0;

/// Input bits of a tick (see [`pgt_primitives::work::TickInput`]).
pub mod keys {
	/// Roll away from the camera (−z).
	pub const FORWARD: u8 = 1 << 0;
	/// Roll towards the camera (+z).
	pub const BACK: u8 = 1 << 1;
	/// Roll left (−x).
	pub const LEFT: u8 = 1 << 2;
	/// Roll right (+x).
	pub const RIGHT: u8 = 1 << 3;
	/// Jump (only when on the floor).
	pub const JUMP: u8 = 1 << 4;
}

/// A rigid body's pose and velocity.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Body {
	/// Position of the centre.
	pub pos: [f32; 3],
	/// Orientation, a unit quaternion `[x, y, z, w]`.
	pub rot: [f32; 4],
	/// Linear velocity.
	pub linvel: [f32; 3],
	/// Angular velocity.
	pub angvel: [f32; 3],
}

impl Body {
	/// A body at rest at `pos`, unrotated.
	pub fn at(pos: [f32; 3]) -> Body {
		Body { pos, rot: [0.0, 0.0, 0.0, 1.0], linvel: [0.0; 3], angvel: [0.0; 3] }
	}
}

/// A falling block: a cube.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Block {
	/// Its body.
	pub body: Body,
	/// Half the cube's side.
	pub half: f32,
	/// Index into the block palette.
	pub color: u8,
}

/// The whole state of a game at one tick.
#[derive(Clone, PartialEq, Debug)]
pub struct GameState {
	/// The seed the game was started from.
	pub seed: u64,
	/// Ticks simulated since the start.
	pub tick: u32,
	/// State of the game's random number generator (SplitMix64).
	pub rng: u64,
	/// Gems collected.
	pub score: u32,
	/// Where the gem lies on the floor (x, z).
	pub gem: [f32; 2],
	/// The player's ball.
	pub ball: Body,
	/// The blocks, in a fixed order (the order they are inserted into the physics world).
	pub blocks: Vec<Block>,
}

/// Why bytes are not a valid canonical state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
	/// The encoding has the wrong length.
	#[error("state encoding is {got} bytes, expected {STATE_LEN}")]
	Length {
		/// Bytes received.
		got: usize,
	},
	/// Unknown version byte.
	#[error("unknown state version {0}")]
	Version(u8),
	/// Wrong number of blocks.
	#[error("state has {0} blocks, expected {BLOCKS}")]
	Blocks(u8),
	/// A number is NaN, infinite or absurdly large, a quaternion isn't unit length, or a block
	/// has a size or colour the game never makes.
	#[error("state field {0} is out of range")]
	Field(&'static str),
}

impl GameState {
	/// The state at tick 0 of a game started from `seed`: the ball in the middle, the blocks
	/// stacked in the sky at seeded places, the gem somewhere on the floor.
	pub fn new(seed: u64) -> GameState {
		let mut rng = Rng(seed);
		let blocks = (0..BLOCKS)
			.map(|i| {
				let mut block = Block { body: Body::at([0.0; 3]), half: 0.0, color: (i % 6) as u8 };
				block.half = BLOCK_HALF_RANGE.0 + (BLOCK_HALF_RANGE.1 - BLOCK_HALF_RANGE.0) * rng.unit();
				drop_from_sky(&mut block, &mut rng, 3.0 + 1.5 * i as f32);
				block
			})
			.collect();
		let gem = random_floor_spot(&mut rng);
		GameState { seed, tick: 0, rng: rng.0, score: 0, gem, ball: Body::at([0.0, BALL_RADIUS, 0.0]), blocks }
	}

	/// The canonical encoding: little-endian integers and IEEE 754 bit patterns in a fixed order
	/// ([`STATE_LEN`] bytes).
	pub fn encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(STATE_LEN);
		out.push(STATE_VERSION);
		out.extend_from_slice(&self.seed.to_le_bytes());
		out.extend_from_slice(&self.tick.to_le_bytes());
		out.extend_from_slice(&self.rng.to_le_bytes());
		out.extend_from_slice(&self.score.to_le_bytes());
		put_floats(&mut out, &self.gem);
		put_body(&mut out, &self.ball);
		out.push(self.blocks.len() as u8);
		for b in &self.blocks {
			put_body(&mut out, &b.body);
			put_floats(&mut out, &[b.half]);
			out.push(b.color);
		}
		out
	}

	/// BLAKE2b-256 of the canonical encoding: the name render and physics tasks use for it.
	pub fn hash(&self) -> Hash {
		output_hash(&self.encode())
	}

	/// Decodes and checks a canonical encoding. Bytes from a peer go through here, so anything
	/// the game could not have produced is refused.
	pub fn decode(bytes: &[u8]) -> Result<GameState, StateError> {
		if bytes.len() != STATE_LEN {
			return Err(StateError::Length { got: bytes.len() });
		}
		let mut r = Reader { bytes, at: 0 };
		let version = r.u8();
		if version != STATE_VERSION {
			return Err(StateError::Version(version));
		}
		let seed = r.u64();
		let tick = r.u32();
		let rng = r.u64();
		let score = r.u32();
		let gem = [r.f32(), r.f32()];
		let ball = r.body()?;
		let count = r.u8();
		if usize::from(count) != BLOCKS {
			return Err(StateError::Blocks(count));
		}
		let mut blocks = Vec::with_capacity(BLOCKS);
		for _ in 0..BLOCKS {
			let body = r.body()?;
			let half = r.f32();
			let color = r.u8();
			if !(BLOCK_HALF_RANGE.0..=BLOCK_HALF_RANGE.1).contains(&half) {
				return Err(StateError::Field("block.half"));
			}
			if color >= 6 {
				return Err(StateError::Field("block.color"));
			}
			blocks.push(Block { body, half, color });
		}
		if !gem.iter().all(|v| v.is_finite() && v.abs() <= ARENA_HALF) {
			return Err(StateError::Field("gem"));
		}
		Ok(GameState { seed, tick, rng, score, gem, ball, blocks })
	}

	/// The game rules after the physics of a tick: collect the gem, drop the next block again,
	/// put back anything that left the arena. Advances `tick`.
	pub(crate) fn apply_rules(&mut self) {
		let mut rng = Rng(self.rng);
		let [bx, by, bz] = self.ball.pos;
		let (dx, dz) = (bx - self.gem[0], bz - self.gem[1]);
		let reach = BALL_RADIUS + GEM_RADIUS + 0.2;
		if by < 1.5 && dx * dx + dz * dz < reach * reach {
			self.score += 1;
			self.gem = random_floor_spot(&mut rng);
		}
		if by < -10.0 {
			self.ball = Body::at([0.0, BALL_RADIUS + 2.0, 0.0]);
		}
		self.tick += 1;
		if self.tick.is_multiple_of(RESPAWN_EVERY) {
			let i = (self.tick / RESPAWN_EVERY) as usize % BLOCKS;
			drop_from_sky(&mut self.blocks[i], &mut rng, 10.0);
		}
		for block in &mut self.blocks {
			if block.body.pos[1] < -10.0 {
				drop_from_sky(block, &mut rng, 10.0);
			}
		}
		self.rng = rng.0;
	}
}

/// A simple autopilot for demos, benchmarks and tests: roll towards the gem, and jump now and
/// then. A pure function of the state, so a run driven by it is as reproducible as the physics.
pub fn autopilot(state: &GameState) -> u8 {
	// Steer the velocity towards one proportional to the distance to the gem, at most 4 units/s.
	let axis = |to: f32, v: f32, plus: u8, minus: u8| {
		let want = (1.5 * to).clamp(-4.0, 4.0);
		if v < want - 0.3 {
			plus
		} else if v > want + 0.3 {
			minus
		} else {
			0
		}
	};
	let b = &state.ball;
	let mut input = axis(state.gem[0] - b.pos[0], b.linvel[0], keys::RIGHT, keys::LEFT)
		| axis(state.gem[1] - b.pos[2], b.linvel[2], keys::BACK, keys::FORWARD);
	if state.tick % 150 == 75 {
		input |= keys::JUMP;
	}
	input
}

/// Puts a block at a random place `height` above the floor, randomly turned and spinning.
fn drop_from_sky(block: &mut Block, rng: &mut Rng, height: f32) {
	let [x, z] = random_floor_spot(rng);
	let q = [rng.signed(), rng.signed(), rng.signed(), rng.signed() + 1.5];
	let n = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).sqrt();
	block.body = Body {
		pos: [x, height + 4.0 * rng.unit(), z],
		rot: [q[0] / n, q[1] / n, q[2] / n, q[3] / n],
		linvel: [0.0; 3],
		angvel: [3.0 * rng.signed(), 3.0 * rng.signed(), 3.0 * rng.signed()],
	};
}

fn random_floor_spot(rng: &mut Rng) -> [f32; 2] {
	let span = ARENA_HALF - 1.5;
	[span * rng.signed(), span * rng.signed()]
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}
	/// Uniform in [0, 1), exactly representable (24 random bits).
	fn unit(&mut self) -> f32 {
		(self.next() >> 40) as f32 * (1.0 / 16_777_216.0)
	}
	/// Uniform in [−1, 1).
	fn signed(&mut self) -> f32 {
		2.0 * self.unit() - 1.0
	}
}

fn put_floats(out: &mut Vec<u8>, v: &[f32]) {
	for x in v {
		out.extend_from_slice(&x.to_bits().to_le_bytes());
	}
}

fn put_body(out: &mut Vec<u8>, b: &Body) {
	put_floats(out, &b.pos);
	put_floats(out, &b.rot);
	put_floats(out, &b.linvel);
	put_floats(out, &b.angvel);
}

struct Reader<'a> {
	bytes: &'a [u8],
	at: usize,
}

impl Reader<'_> {
	fn take<const N: usize>(&mut self) -> [u8; N] {
		let mut a = [0u8; N];
		// The caller checked the total length, so every read is in bounds.
		a.copy_from_slice(&self.bytes[self.at..self.at + N]);
		self.at += N;
		a
	}
	fn u8(&mut self) -> u8 {
		self.take::<1>()[0]
	}
	fn u32(&mut self) -> u32 {
		u32::from_le_bytes(self.take())
	}
	fn u64(&mut self) -> u64 {
		u64::from_le_bytes(self.take())
	}
	fn f32(&mut self) -> f32 {
		f32::from_bits(self.u32())
	}
	fn floats<const N: usize>(&mut self, what: &'static str) -> Result<[f32; N], StateError> {
		let v: [f32; N] = core::array::from_fn(|_| self.f32());
		if v.iter().all(|x| x.is_finite() && x.abs() <= MAX_MAGNITUDE) {
			Ok(v)
		} else {
			Err(StateError::Field(what))
		}
	}
	fn body(&mut self) -> Result<Body, StateError> {
		let pos = self.floats::<3>("pos")?;
		let rot = self.floats::<4>("rot")?;
		let norm = rot.iter().map(|x| x * x).sum::<f32>();
		if (norm - 1.0).abs() > 1e-3 {
			return Err(StateError::Field("rot"));
		}
		Ok(Body { pos, rot, linvel: self.floats("linvel")?, angvel: self.floats("angvel")? })
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_new_game_is_seeded_and_round_trips_through_its_encoding() {
		let s = GameState::new(42);
		assert_eq!(s, GameState::new(42));
		assert_ne!(s.hash(), GameState::new(43).hash());
		let bytes = s.encode();
		assert_eq!(bytes.len(), STATE_LEN);
		assert_eq!(GameState::decode(&bytes), Ok(s.clone()));
		assert_eq!(GameState::decode(&bytes).map(|d| d.hash()), Ok(s.hash()));
		for b in &s.blocks {
			assert!(b.body.pos[1] >= 3.0, "blocks start in the sky");
		}
	}

	#[test]
	fn garbage_is_refused_with_the_reason() {
		let good = GameState::new(1).encode();
		assert_eq!(GameState::decode(&good[..10]), Err(StateError::Length { got: 10 }));
		assert_eq!(GameState::decode(&[]), Err(StateError::Length { got: 0 }));
		let mut bad = good.clone();
		bad[0] = 9;
		assert_eq!(GameState::decode(&bad), Err(StateError::Version(9)));
		// A NaN in the ball's x position (after version, seed, tick, rng, score, gem).
		let mut bad = good.clone();
		bad[33..37].copy_from_slice(&f32::NAN.to_bits().to_le_bytes());
		assert_eq!(GameState::decode(&bad), Err(StateError::Field("pos")));
		// A quaternion that isn't unit length.
		let mut bad = good.clone();
		bad[45..49].copy_from_slice(&0.5f32.to_bits().to_le_bytes());
		assert_eq!(GameState::decode(&bad), Err(StateError::Field("rot")));
		let mut bad = good.clone();
		bad[33 + BODY_LEN] = 3;
		assert_eq!(GameState::decode(&bad), Err(StateError::Blocks(3)));
		let mut bad = good;
		*bad.last_mut().unwrap() = 200;
		assert_eq!(GameState::decode(&bad), Err(StateError::Field("block.color")));
	}
}
