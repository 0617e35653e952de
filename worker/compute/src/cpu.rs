//! The CPU reference renderer: integer ray casting that gives exactly the bytes of the GPU
//! kernel (`src/render.wgsl`), so an auditor without a GPU can check a GPU's tiles.
//!
//! Per pixel: a ray from the camera through the pixel (Q12 unit direction), the nearest of the
//! spheres, oriented boxes and the floor plane (Q8 distance), Lambert light from the sun with a
//! shadow ray, sky gradient and distance fog. See [`crate::fixed`] for the number formats and
//! why no product overflows.

use crate::{
	fixed::{dot, isqrt, normalize_q12, DIR_ONE},
	scene::*,
};
use pgt_primitives::work::TileRect;

/// Farthest distance a ray looks (Q8: 256 world units).
pub const T_MAX: i32 = 65_536;
const AMBIENT: i32 = 1300;
const FOG_START: i32 = 30 * 256;
const FOG_RANGE: i32 = 60 * 256;
const SKY_HORIZON: i32 = 0xC8_D8_E8;
const SKY_ZENITH: i32 = 0x3A_6E_C0;
const FLOOR_LIGHT: i32 = 0xD8_D0_C0;
const FLOOR_DARK: i32 = 0xA8_A0_94;
const GROUND: i32 = 0x4E_6E_3A;
/// Shadow rays start this far (Q8) off the surface along its normal.
const SHADOW_BIAS: i32 = 24;

/// Renders `tile` of a `width` × `height` frame of `scene` into `out` (RGBA8, row by row,
/// `tile.w × tile.h × 4` bytes). The caller has validated the tile against the frame.
pub fn render_tile(scene: &Scene, width: u16, height: u16, tile: TileRect, out: &mut [u8]) {
	let s = scene.words();
	let (w, h) = (i32::from(width), i32::from(height));
	let row = usize::from(tile.w) * 4;
	for (j, line) in out.chunks_exact_mut(row).take(usize::from(tile.h)).enumerate() {
		let py = i32::from(tile.y) + j as i32;
		for (i, px) in line.chunks_exact_mut(4).enumerate() {
			let rgba = shade_pixel(s, w, h, i32::from(tile.x) + i as i32, py);
			px.copy_from_slice(&rgba.to_le_bytes());
		}
	}
}

/// [`render_tile`] on every core: rows are shaded in parallel (rayon's global pool).
pub fn render_tile_par(scene: &Scene, width: u16, height: u16, tile: TileRect, out: &mut [u8]) {
	use rayon::prelude::*;
	let s = scene.words();
	let (w, h) = (i32::from(width), i32::from(height));
	let row = usize::from(tile.w) * 4;
	out.par_chunks_exact_mut(row).take(usize::from(tile.h)).enumerate().for_each(|(j, line)| {
		let py = i32::from(tile.y) + j as i32;
		for (i, px) in line.chunks_exact_mut(4).enumerate() {
			px.copy_from_slice(&shade_pixel(s, w, h, i32::from(tile.x) + i as i32, py).to_le_bytes());
		}
	});
}

/// The colour of pixel (`px`, `py`) of a `w` × `h` frame, packed `0xAABBGGRR` (so its
/// little-endian bytes are R, G, B, A).
pub fn shade_pixel(s: &[i32], w: i32, h: i32, px: i32, py: i32) -> u32 {
	let o = vec3(s, S_CAM);
	let d = ray_dir(s, w, h, px, py);

	let mut best_t = T_MAX;
	let mut kind = 0; // 0 sky, 1 sphere, 2 box, 3 floor
	let mut index = 0usize;
	let mut face = 0i32; // box: axis * 2 + (sign > 0)
	for k in 0..(s[S_NSPHERES] as usize).min(MAX_SPHERES) {
		let t = hit_sphere(s, S_SPHERES + k * SPHERE_WORDS, o, d);
		if t < best_t {
			best_t = t;
			kind = 1;
			index = k;
		}
	}
	for k in 0..(s[S_NBOXES] as usize).min(MAX_BOXES) {
		let (t, f) = hit_box(s, S_BOXES + k * BOX_WORDS, o, d);
		if t < best_t {
			best_t = t;
			kind = 2;
			index = k;
			face = f;
		}
	}
	if d[1] < 0 && o[1] > 0 {
		let t = (-o[1] * DIR_ONE) / d[1];
		if t < best_t {
			best_t = t;
			kind = 3;
		}
	}

	let sky = sky_color(d);
	if kind == 0 {
		return pack(sky);
	}
	let p = [o[0] + ((d[0] * best_t) >> 12), o[1] + ((d[1] * best_t) >> 12), o[2] + ((d[2] * best_t) >> 12)];
	let (n, base) = match kind {
		1 => {
			let at = S_SPHERES + index * SPHERE_WORDS;
			let c = vec3(s, at);
			let r = s[at + 3];
			([(p[0] - c[0]) * DIR_ONE / r, (p[1] - c[1]) * DIR_ONE / r, (p[2] - c[2]) * DIR_ONE / r], s[at + 4])
		},
		2 => {
			let at = S_BOXES + index * BOX_WORDS;
			let axis = (face >> 1) as usize;
			let sign = if face & 1 == 1 { 1 } else { -1 };
			let r = |row: usize| s[at + 6 + row * 3 + axis] * sign;
			([r(0), r(1), r(2)], s[at + 15])
		},
		_ => ([0, DIR_ONE, 0], floor_color(s[S_ARENA], p)),
	};

	let light = vec3(s, S_LIGHT);
	let mut ndl = dot(n, light) >> 12;
	if ndl < 0 {
		ndl = 0;
	}
	if ndl > 0 {
		let so = [
			p[0] + ((n[0] * SHADOW_BIAS) >> 12),
			p[1] + ((n[1] * SHADOW_BIAS) >> 12),
			p[2] + ((n[2] * SHADOW_BIAS) >> 12),
		];
		if occluded(s, so, light) {
			ndl = 0;
		}
	}
	if ndl > DIR_ONE {
		ndl = DIR_ONE;
	}
	let shade = AMBIENT + (((DIR_ONE - AMBIENT) * ndl) >> 12);
	let mut fog = (best_t - FOG_START) * DIR_ONE / FOG_RANGE;
	fog = fog.clamp(0, DIR_ONE);
	let mut rgb = [0i32; 3];
	for (ch, out) in rgb.iter_mut().enumerate() {
		let c = (channel(base, ch) * shade) >> 12;
		let c = c.clamp(0, 255);
		*out = c + (((sky[ch] - c) * fog) >> 12);
	}
	pack(rgb)
}

/// Unit direction (Q12) of the ray through the centre of pixel (`px`, `py`).
pub fn ray_dir(s: &[i32], w: i32, h: i32, px: i32, py: i32) -> [i32; 3] {
	let u = (((2 * px + 1 - w) * DIR_ONE) / h).clamp(-4 * DIR_ONE, 4 * DIR_ONE);
	let v = ((h - 2 * py - 1) * DIR_ONE) / h;
	let (f, r, up) = (vec3(s, S_FWD), vec3(s, S_RIGHT), vec3(s, S_UP));
	let raw = [
		(f[0] * FOCAL + r[0] * u + up[0] * v) >> 13,
		(f[1] * FOCAL + r[1] * u + up[1] * v) >> 13,
		(f[2] * FOCAL + r[2] * u + up[2] * v) >> 13,
	];
	normalize_q12(raw)
}

/// Distance (Q8) along the ray to the sphere at word `at`, or [`T_MAX`] for a miss.
fn hit_sphere(s: &[i32], at: usize, o: [i32; 3], d: [i32; 3]) -> i32 {
	let c = vec3(s, at);
	let r = s[at + 3];
	if r <= 0 {
		return T_MAX;
	}
	let oc = [c[0] - o[0], c[1] - o[1], c[2] - o[2]];
	let tc = dot(oc, d) >> 12;
	if tc <= 0 {
		return T_MAX;
	}
	let q = [c[0] - o[0] - ((d[0] * tc) >> 12), c[1] - o[1] - ((d[1] * tc) >> 12), c[2] - o[2] - ((d[2] * tc) >> 12)];
	if q[0].abs() > r || q[1].abs() > r || q[2].abs() > r {
		return T_MAX;
	}
	let q2 = dot(q, q);
	let r2 = r * r;
	if q2 > r2 {
		return T_MAX;
	}
	let t = tc - isqrt((r2 - q2) as u32) as i32;
	if t <= 0 {
		return T_MAX;
	}
	t
}

/// Distance (Q8) along the ray to the oriented box at word `at` and the face it enters
/// (axis × 2 + 1 for the + face), or ([`T_MAX`], 0) for a miss.
fn hit_box(s: &[i32], at: usize, o: [i32; 3], d: [i32; 3]) -> (i32, i32) {
	let c = vec3(s, at);
	if !near_bound(s, at, o, d) {
		return (T_MAX, 0);
	}
	let oc = [o[0] - c[0], o[1] - c[1], o[2] - c[2]];
	let mut t_near = -T_MAX;
	let mut t_far = T_MAX;
	let mut face = 0;
	for i in 0..3 {
		let col = [s[at + 6 + i], s[at + 9 + i], s[at + 12 + i]];
		let lo = dot(col, oc) >> 12;
		let ld = dot(col, d) >> 12;
		let half = s[at + 3 + i];
		if ld == 0 {
			if lo < -half || lo > half {
				return (T_MAX, 0);
			}
		} else {
			let t1 = ((-half - lo) * DIR_ONE) / ld;
			let t2 = ((half - lo) * DIR_ONE) / ld;
			let (tn, tf, f) = if t1 < t2 { (t1, t2, (i as i32) * 2) } else { (t2, t1, (i as i32) * 2 + 1) };
			if tn > t_near {
				t_near = tn;
				face = f;
			}
			if tf < t_far {
				t_far = tf;
			}
		}
	}
	if t_near > t_far || t_near <= 0 {
		return (T_MAX, 0);
	}
	(t_near, face)
}

/// Whether the ray passes within the box's bounding sphere (radius twice its largest half
/// extent, more than the √3 needed, so fixed-point rounding can never reject a real hit): a
/// cheap test that spares most rays the slab test's divisions.
fn near_bound(s: &[i32], at: usize, o: [i32; 3], d: [i32; 3]) -> bool {
	let c = vec3(s, at);
	let bound = 2 * s[at + 3].max(s[at + 4]).max(s[at + 5]);
	let oc = [c[0] - o[0], c[1] - o[1], c[2] - o[2]];
	let tc = dot(oc, d) >> 12;
	if tc < -bound {
		return false;
	}
	let q = [oc[0] - ((d[0] * tc) >> 12), oc[1] - ((d[1] * tc) >> 12), oc[2] - ((d[2] * tc) >> 12)];
	if q[0].abs() > bound || q[1].abs() > bound || q[2].abs() > bound {
		return false;
	}
	dot(q, q) <= bound * bound
}

/// Whether anything but the floor lies between `o` and the sun (direction `l`).
fn occluded(s: &[i32], o: [i32; 3], l: [i32; 3]) -> bool {
	for k in 0..(s[S_NSPHERES] as usize).min(MAX_SPHERES) {
		if hit_sphere(s, S_SPHERES + k * SPHERE_WORDS, o, l) < T_MAX {
			return true;
		}
	}
	for k in 0..(s[S_NBOXES] as usize).min(MAX_BOXES) {
		if hit_box(s, S_BOXES + k * BOX_WORDS, o, l).0 < T_MAX {
			return true;
		}
	}
	false
}

fn floor_color(arena: i32, p: [i32; 3]) -> i32 {
	if p[0] < -arena || p[0] > arena || p[2] < -arena || p[2] > arena {
		return GROUND;
	}
	if ((p[0] >> 9) + (p[2] >> 9)) & 1 == 0 {
		FLOOR_LIGHT
	} else {
		FLOOR_DARK
	}
}

fn sky_color(d: [i32; 3]) -> [i32; 3] {
	let k = d[1].clamp(0, DIR_ONE);
	let mut c = [0; 3];
	for (ch, out) in c.iter_mut().enumerate() {
		let lo = channel(SKY_HORIZON, ch);
		*out = lo + (((channel(SKY_ZENITH, ch) - lo) * k) >> 12);
	}
	c
}

fn channel(rgb: i32, ch: usize) -> i32 {
	(rgb >> (16 - 8 * ch as i32)) & 0xFF
}

fn pack(rgb: [i32; 3]) -> u32 {
	(rgb[0] as u32) | (rgb[1] as u32) << 8 | (rgb[2] as u32) << 16 | 0xFF00_0000
}

fn vec3(s: &[i32], at: usize) -> [i32; 3] {
	[s[at], s[at + 1], s[at + 2]]
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::game::GameState;

	#[test]
	fn the_centre_ray_looks_along_the_camera_and_the_ball_is_in_view() {
		let scene = Scene::build(&GameState::new(1), 0);
		let s = scene.words();
		let d = ray_dir(s, 640, 360, 319, 179);
		let f = [s[S_FWD], s[S_FWD + 1], s[S_FWD + 2]];
		assert!(dot(d, f) >> 12 > 4080, "{d:?} vs {f:?}");
		// The camera looks at the ball, so the middle of the frame is the ball's colour (red).
		let c = shade_pixel(s, 640, 360, 320, 180).to_le_bytes();
		assert!(c[0] > 100 && c[0] > 2 * c[2], "{c:?}");
	}

	#[test]
	fn the_sky_fades_from_the_horizon_to_the_zenith() {
		assert_eq!(pack(sky_color([DIR_ONE, 0, 0])), pack([0xC8, 0xD8, 0xE8]));
		assert_eq!(pack(sky_color([0, DIR_ONE, 0])), pack([0x3A, 0x6E, 0xC0]));
	}
}
