//! A frame's scene in fixed point: the words both renderers read.
//!
//! [`Scene::build`] turns a [`GameState`] (floats from the physics engine) into a flat array of
//! `i32` words — the camera, the light, spheres and oriented boxes — once per frame, on the CPU,
//! with only exact float operations (multiplication by powers of two, rounding, IEEE products
//! and sums). The GPU kernel and the CPU reference renderer both read exactly these words, so
//! they shade from the same integers. The layout constants are written into the WGSL source
//! by [`crate::gpu`], so the two sides can't drift apart.

use crate::{
	fixed::{cross_q12, normalize_q12, to_q12, to_q8, DIR_ONE, POS_ONE},
	game::{GameState, ARENA_HALF, BALL_RADIUS, GEM_RADIUS, WALL_HALF_HEIGHT, WALL_HALF_THICKNESS},
};

/// Word index of the camera position (Q8, 3 words).
pub const S_CAM: usize = 0;
/// Word index of the camera's forward unit vector (Q12, 3 words).
pub const S_FWD: usize = 3;
/// Word index of the camera's right unit vector (Q12, 3 words).
pub const S_RIGHT: usize = 6;
/// Word index of the camera's up unit vector (Q12, 3 words).
pub const S_UP: usize = 9;
/// Word index of the unit vector towards the sun (Q12, 3 words).
pub const S_LIGHT: usize = 12;
/// Word index of the number of spheres.
pub const S_NSPHERES: usize = 15;
/// Word index of the number of boxes.
pub const S_NBOXES: usize = 16;
/// Word index of the arena's half size (Q8): the floor is checkered inside it.
pub const S_ARENA: usize = 17;
/// Word index of the first sphere.
pub const S_SPHERES: usize = 20;
/// Words per sphere: centre (3, Q8), radius (Q8), colour (0xRRGGBB).
pub const SPHERE_WORDS: usize = 5;
/// Most spheres in a scene.
pub const MAX_SPHERES: usize = 4;
/// Word index of the first box.
pub const S_BOXES: usize = S_SPHERES + SPHERE_WORDS * MAX_SPHERES;
/// Words per box: centre (3, Q8), half extents (3, Q8), rotation (9, Q12, row-major,
/// world = R · local + centre), colour.
pub const BOX_WORDS: usize = 16;
/// Most boxes in a scene.
pub const MAX_BOXES: usize = 32;
/// Size of a scene in words.
pub const SCENE_WORDS: usize = S_BOXES + BOX_WORDS * MAX_BOXES;

/// Vertical focal length of the camera, Q12 (1.6: a vertical field of view of about 64°).
pub const FOCAL: i32 = 6554;
/// Camera offset from the ball, in world units (above and behind it).
const CAMERA_OFFSET: [f32; 3] = [0.0, 9.0, 11.0];

const BALL_COLOR: i32 = 0xE8_4A_2C;
const GEM_COLOR: i32 = 0xFF_D2_3F;
const WALL_COLOR: i32 = 0x8C_92_A0;
/// Colours of the falling blocks (a block's palette index picks one).
pub const BLOCK_PALETTE: [i32; 6] = [0x3F_88_E8, 0x4C_C2_6A, 0xB0_5C_E0, 0xF2_94_2E, 0x2C_C8_C8, 0xE8_E0_D0];

/// The scene of one frame: [`SCENE_WORDS`] fixed-point words.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scene {
	words: Vec<i32>,
}

impl Scene {
	/// Builds the scene of frame `frame` showing `state`. The frame number animates the gem's
	/// bobbing, so it is part of what a render task computes.
	pub fn build(state: &GameState, frame: u32) -> Scene {
		let mut w = vec![0i32; SCENE_WORDS];
		let ball = state.ball.pos;
		let target = [to_q8(ball[0]), to_q8(ball[1].max(0.0)), to_q8(ball[2])];
		let cam = [
			target[0] + to_q8(CAMERA_OFFSET[0]),
			target[1] + to_q8(CAMERA_OFFSET[1]),
			target[2] + to_q8(CAMERA_OFFSET[2]),
		];
		let fwd = normalize_q12([target[0] - cam[0], target[1] - cam[1], target[2] - cam[2]]);
		let right = normalize_q12([-fwd[2], 0, fwd[0]]);
		let up = cross_q12(right, fwd);
		let light = normalize_q12([-1600, 4096, 1200]);
		put3(&mut w, S_CAM, cam);
		put3(&mut w, S_FWD, fwd);
		put3(&mut w, S_RIGHT, right);
		put3(&mut w, S_UP, up);
		put3(&mut w, S_LIGHT, light);
		w[S_ARENA] = to_q8(ARENA_HALF);

		// Spheres: the ball, then the gem, bobbing up and down once a second.
		let bob = ((frame % 60) as i32 - 30).abs() * 4;
		let spheres = [
			(target_sphere(ball), to_q8(BALL_RADIUS), BALL_COLOR),
			([to_q8(state.gem[0]), to_q8(GEM_RADIUS + 0.15) + bob, to_q8(state.gem[1])], to_q8(GEM_RADIUS), GEM_COLOR),
		];
		w[S_NSPHERES] = spheres.len() as i32;
		for (i, (c, r, color)) in spheres.into_iter().enumerate() {
			let at = S_SPHERES + i * SPHERE_WORDS;
			put3(&mut w, at, c);
			w[at + 3] = r;
			w[at + 4] = color;
		}

		// Boxes: the four walls (axis aligned), then the blocks.
		let mut boxes = 0;
		let mut push_box = |w: &mut Vec<i32>, c: [i32; 3], half: [i32; 3], rot: [i32; 9], color: i32| {
			let at = S_BOXES + boxes * BOX_WORDS;
			put3(w, at, c);
			put3(w, at + 3, half);
			w[at + 6..at + 15].copy_from_slice(&rot);
			w[at + 15] = color;
			boxes += 1;
		};
		const IDENTITY: [i32; 9] = [DIR_ONE, 0, 0, 0, DIR_ONE, 0, 0, 0, DIR_ONE];
		let a = ARENA_HALF + WALL_HALF_THICKNESS;
		let long = to_q8(ARENA_HALF + 2.0 * WALL_HALF_THICKNESS);
		let (t, hh) = (to_q8(WALL_HALF_THICKNESS), to_q8(WALL_HALF_HEIGHT));
		for (c, half) in [
			([0.0, WALL_HALF_HEIGHT, -a], [long, hh, t]),
			([0.0, WALL_HALF_HEIGHT, a], [long, hh, t]),
			([-a, WALL_HALF_HEIGHT, 0.0], [t, hh, long]),
			([a, WALL_HALF_HEIGHT, 0.0], [t, hh, long]),
		] {
			push_box(&mut w, [to_q8(c[0]), to_q8(c[1]), to_q8(c[2])], half, IDENTITY, WALL_COLOR);
		}
		for block in state.blocks.iter().take(MAX_BOXES - 4) {
			let p = block.body.pos;
			let h = to_q8(block.half);
			let color = BLOCK_PALETTE[usize::from(block.color) % BLOCK_PALETTE.len()];
			push_box(&mut w, [to_q8(p[0]), to_q8(p[1]), to_q8(p[2])], [h, h, h], rotation_q12(block.body.rot), color);
		}
		w[S_NBOXES] = boxes as i32;
		Scene { words: w }
	}

	/// The scene's words, in the layout above.
	pub fn words(&self) -> &[i32] {
		&self.words
	}
}

fn target_sphere(ball: [f32; 3]) -> [i32; 3] {
	[to_q8(ball[0]), to_q8(ball[1]), to_q8(ball[2])]
}

fn put3(w: &mut [i32], at: usize, v: [i32; 3]) {
	w[at..at + 3].copy_from_slice(&v);
}

/// The rotation matrix of a unit quaternion `[x, y, z, w]`, row-major, in Q12.
fn rotation_q12(q: [f32; 4]) -> [i32; 9] {
	let [x, y, z, w] = q;
	let m = [
		1.0 - 2.0 * (y * y + z * z),
		2.0 * (x * y - w * z),
		2.0 * (x * z + w * y),
		2.0 * (x * y + w * z),
		1.0 - 2.0 * (x * x + z * z),
		2.0 * (y * z - w * x),
		2.0 * (x * z - w * y),
		2.0 * (y * z + w * x),
		1.0 - 2.0 * (x * x + y * y),
	];
	m.map(to_q12)
}

/// The WGSL constants describing this layout, prepended to the kernel source.
pub fn wgsl_layout() -> String {
	format!(
		"const S_CAM: u32 = {S_CAM}u;\nconst S_FWD: u32 = {S_FWD}u;\nconst S_RIGHT: u32 = {S_RIGHT}u;\n\
		 const S_UP: u32 = {S_UP}u;\nconst S_LIGHT: u32 = {S_LIGHT}u;\nconst S_NSPHERES: u32 = {S_NSPHERES}u;\n\
		 const S_NBOXES: u32 = {S_NBOXES}u;\nconst S_ARENA: u32 = {S_ARENA}u;\nconst S_SPHERES: u32 = {S_SPHERES}u;\n\
		 const SPHERE_WORDS: u32 = {SPHERE_WORDS}u;\nconst S_BOXES: u32 = {S_BOXES}u;\nconst BOX_WORDS: u32 = {BOX_WORDS}u;\n\
		 const MAX_SPHERES: u32 = {MAX_SPHERES}u;\nconst MAX_BOXES: u32 = {MAX_BOXES}u;\nconst FOCAL: i32 = {FOCAL};\n\
		 const POS_ONE: i32 = {POS_ONE};\nconst DIR_ONE: i32 = {DIR_ONE};\n"
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_scene_holds_the_ball_the_gem_four_walls_and_every_block() {
		let state = GameState::new(7);
		let s = Scene::build(&state, 0);
		assert_eq!(s.words().len(), SCENE_WORDS);
		assert_eq!(s.words()[S_NSPHERES], 2);
		assert_eq!(s.words()[S_NBOXES] as usize, 4 + state.blocks.len());
		// The camera looks down at the ball from above and behind.
		assert!(s.words()[S_FWD + 1] < 0 && s.words()[S_FWD + 2] < 0);
		// A different frame only moves the gem.
		let s1 = Scene::build(&state, 1);
		let diff: Vec<usize> = (0..SCENE_WORDS).filter(|&i| s.words()[i] != s1.words()[i]).collect();
		assert_eq!(diff, vec![S_SPHERES + SPHERE_WORDS + 1]);
	}

	#[test]
	fn rotations_are_orthonormal_in_fixed_point() {
		let h = std::f32::consts::FRAC_1_SQRT_2;
		let m = rotation_q12([0.0, h, 0.0, h]); // 90° about y
		assert_eq!(m, [0, 0, 4096, 0, 4096, 0, -4096, 0, 0]);
	}
}
