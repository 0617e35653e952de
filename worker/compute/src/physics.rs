//! Deterministic physics for the reference game, on rapier3d with `enhanced-determinism`
//! (libm maths, scalar glam, ordered maps: the same bits on every platform).
//!
//! Each tick rebuilds the physics world from the canonical state in a fixed insertion order
//! (floor, walls, ball, blocks), applies the tick's input, steps once by 1/60 s and reads the
//! bodies back. Nothing else carries over between ticks — no contact cache, warm-start
//! impulses or sleeping flags — so the state encoding is the whole truth: a task that advances
//! a state by N ticks gives the same result however a run is cut into tasks, and an auditor
//! needs nothing but the state's bytes.

use crate::game::{
	autopilot, keys, Body, GameState, ARENA_HALF, BALL_RADIUS, GROUND_HALF, TICK_RATE, WALL_HALF_HEIGHT,
	WALL_HALF_THICKNESS,
};
use pgt_primitives::work::TickInput;
use rapier3d::prelude::*;

/// Impulse per tick a held direction key gives the ball.
const ROLL_IMPULSE: f32 = 0.12;
/// Upward impulse of a jump.
const JUMP_IMPULSE: f32 = 2.0;

/// Advances `state` by one tick with the player's `input`.
pub fn step(state: &GameState, input: TickInput) -> GameState {
	let mut world = PhysicsWorld::new();
	world.integration_parameters.dt = 1.0 / TICK_RATE as f32;

	world.insert(
		RigidBodyBuilder::fixed().translation(Vector::new(0.0, -0.5, 0.0)),
		ColliderBuilder::cuboid(GROUND_HALF, 0.5, GROUND_HALF).friction(0.9),
	);
	let a = ARENA_HALF + WALL_HALF_THICKNESS;
	let long = ARENA_HALF + 2.0 * WALL_HALF_THICKNESS;
	for (x, z, hx, hz) in [
		(0.0, -a, long, WALL_HALF_THICKNESS),
		(0.0, a, long, WALL_HALF_THICKNESS),
		(-a, 0.0, WALL_HALF_THICKNESS, long),
		(a, 0.0, WALL_HALF_THICKNESS, long),
	] {
		world.insert(
			RigidBodyBuilder::fixed().translation(Vector::new(x, WALL_HALF_HEIGHT, z)),
			// Frictionless walls, so a spinning ball can't climb them.
			ColliderBuilder::cuboid(hx, WALL_HALF_HEIGHT, hz)
				.restitution(0.3)
				.friction(0.0)
				.friction_combine_rule(CoefficientCombineRule::Min),
		);
	}

	let (ball, _) = world.insert(
		dynamic(&state.ball).linear_damping(0.4).angular_damping(0.4),
		ColliderBuilder::ball(BALL_RADIUS).density(1.0).friction(0.9).restitution(0.2),
	);
	let blocks: Vec<RigidBodyHandle> = state
		.blocks
		.iter()
		.map(|b| {
			world.insert(dynamic(&b.body), ColliderBuilder::cuboid(b.half, b.half, b.half).density(0.6).friction(0.7)).0
		})
		.collect();

	let body = &mut world.bodies[ball];
	let mut push = Vector::ZERO;
	if input & keys::FORWARD != 0 {
		push.z -= ROLL_IMPULSE;
	}
	if input & keys::BACK != 0 {
		push.z += ROLL_IMPULSE;
	}
	if input & keys::LEFT != 0 {
		push.x -= ROLL_IMPULSE;
	}
	if input & keys::RIGHT != 0 {
		push.x += ROLL_IMPULSE;
	}
	let on_floor = state.ball.pos[1] < BALL_RADIUS + 0.05 && state.ball.linvel[1].abs() < 0.5;
	if input & keys::JUMP != 0 && on_floor {
		push.y += JUMP_IMPULSE;
	}
	body.apply_impulse(push, true);

	world.step();

	let mut next = state.clone();
	next.ball = read(&world.bodies[ball]);
	for (block, handle) in next.blocks.iter_mut().zip(&blocks) {
		block.body = read(&world.bodies[*handle]);
	}
	next.apply_rules();
	next
}

/// Advances `state` by one tick per input.
pub fn run(state: &GameState, inputs: &[TickInput]) -> GameState {
	let mut s = state.clone();
	for &input in inputs {
		s = step(&s, input);
	}
	s
}

/// The game from `seed` played by the [`autopilot`]: the states of ticks `0..ticks` (what frames
/// `0..ticks` show).
pub fn play_autopilot(seed: u64, ticks: u32) -> Vec<GameState> {
	let mut states = Vec::with_capacity(ticks as usize);
	let mut s = GameState::new(seed);
	for _ in 0..ticks {
		let next = step(&s, autopilot(&s));
		states.push(std::mem::replace(&mut s, next));
	}
	states
}

fn dynamic(b: &Body) -> RigidBodyBuilder {
	let [x, y, z, w] = b.rot;
	RigidBodyBuilder::dynamic()
		.pose(Pose::from_parts(Vector::from_array(b.pos), Rotation::from_xyzw(x, y, z, w)))
		.linvel(Vector::from_array(b.linvel))
		.angvel(Vector::from_array(b.angvel))
		.can_sleep(false)
}

fn read(b: &RigidBody) -> Body {
	let q = b.rotation();
	Body {
		pos: b.translation().to_array(),
		rot: [q.x, q.y, q.z, q.w],
		linvel: b.linvel().to_array(),
		angvel: b.angvel().to_array(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::game::BLOCKS;

	#[test]
	fn blocks_fall_and_the_ball_rolls_where_it_is_pushed() {
		let s0 = GameState::new(3);
		let s = run(&s0, &[keys::RIGHT; 60]);
		assert_eq!(s.tick, 60);
		assert!(s.ball.pos[0] > 0.5, "ball rolled right: {:?}", s.ball.pos);
		assert!((s.ball.pos[1] - BALL_RADIUS).abs() < 0.05, "ball stays on the floor: {:?}", s.ball.pos);
		let fell = s0.blocks.iter().zip(&s.blocks).filter(|(a, b)| b.body.pos[1] < a.body.pos[1] - 1.0).count();
		assert!(fell >= BLOCKS / 2, "only {fell} blocks fell");
	}

	#[test]
	fn cutting_a_run_into_tasks_does_not_change_it() {
		let inputs: Vec<u8> = (0..120u32)
			.map(|i| [keys::FORWARD, keys::LEFT | keys::JUMP, 0, keys::BACK][(i / 20) as usize % 4])
			.collect();
		let s0 = GameState::new(11);
		let whole = run(&s0, &inputs);
		let halves = run(&run(&s0, &inputs[..50]), &inputs[50..]);
		assert_eq!(whole.encode(), halves.encode());
		// And through the encoding, as an auditor would get it.
		let mid = GameState::decode(&run(&s0, &inputs[..77]).encode()).expect("valid state");
		assert_eq!(run(&mid, &inputs[77..]).hash(), whole.hash());
	}

	#[test]
	fn states_stay_valid_over_a_long_game() {
		let mut s = GameState::new(5);
		for i in 0..1200u32 {
			s = step(&s, (i / 30 % 32) as u8);
			if i.is_multiple_of(100) {
				assert_eq!(GameState::decode(&s.encode()).as_ref(), Ok(&s), "tick {i}");
			}
		}
	}
}
