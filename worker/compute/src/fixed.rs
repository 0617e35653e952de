//! Fixed-point conventions shared by the CPU reference renderer and the WGSL kernel.
//!
//! Every number the verified render path touches is an `i32`:
//! - positions and distances are **Q8** ([`POS_ONE`] = 1 world unit, 1/256 unit resolution);
//! - directions, normals and rotation matrices are **Q12** ([`DIR_ONE`] = 1.0);
//! - colours are 0..=255 per channel, shading factors Q12.
//!
//! The ranges are chosen so that no product in the kernel leaves `i32` (world coordinates are
//! clamped to ±[`WORLD_LIMIT`] units when a scene is built), so integer arithmetic gives the
//! same bits on every GPU, on lavapipe and in Rust. `src/render.wgsl` mirrors the functions in
//! this module and in [`crate::cpu`] line by line; change both or neither.

/// One world unit in Q8.
pub const POS_ONE: i32 = 256;
/// 1.0 in Q12 (directions, normals, rotations, shading factors).
pub const DIR_ONE: i32 = 4096;
/// Positions are clamped to ±this many world units before they are converted to Q8.
pub const WORLD_LIMIT: f32 = 100.0;

/// Converts a world coordinate to Q8, clamped to ±[`WORLD_LIMIT`]. `f32` multiplication by a
/// power of two and `round` are exact and identical on every IEEE 754 machine.
pub fn to_q8(v: f32) -> i32 {
	let v = if v.is_finite() { v.clamp(-WORLD_LIMIT, WORLD_LIMIT) } else { 0.0 };
	(v * POS_ONE as f32).round() as i32
}

/// Converts a unit-range value (a direction or rotation entry) to Q12, clamped to ±1.
pub fn to_q12(v: f32) -> i32 {
	let v = if v.is_finite() { v.clamp(-1.0, 1.0) } else { 0.0 };
	(v * DIR_ONE as f32).round() as i32
}

/// Floor of the square root of `n`, bit by bit (the same loop runs in the kernel).
pub fn isqrt(n: u32) -> u32 {
	let mut x = n;
	let mut r = 0u32;
	let mut b = 1u32 << 30;
	while b > x {
		b >>= 2;
	}
	while b != 0 {
		if x >= r + b {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	r
}

/// Dot product of two integer 3-vectors (callers keep it inside `i32`).
pub fn dot(a: [i32; 3], b: [i32; 3]) -> i32 {
	a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Scales an integer vector to length [`DIR_ONE`] (components must be below 2^14 so the squared
/// length fits in `i32`). A zero vector stays zero.
pub fn normalize_q12(v: [i32; 3]) -> [i32; 3] {
	let len = isqrt(dot(v, v) as u32) as i32;
	if len == 0 {
		return [0, 0, 0];
	}
	[v[0] * DIR_ONE / len, v[1] * DIR_ONE / len, v[2] * DIR_ONE / len]
}

/// Cross product of two Q12 vectors, in Q12.
pub fn cross_q12(a: [i32; 3], b: [i32; 3]) -> [i32; 3] {
	[(a[1] * b[2] - a[2] * b[1]) >> 12, (a[2] * b[0] - a[0] * b[2]) >> 12, (a[0] * b[1] - a[1] * b[0]) >> 12]
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn isqrt_is_the_floor_of_the_square_root() {
		for n in (0u32..100_000).chain([u32::MAX, u32::MAX - 1, 1 << 31, (1 << 30) - 1]) {
			let r = isqrt(n) as u64;
			assert!(r * r <= n as u64 && (r + 1) * (r + 1) > n as u64, "isqrt({n}) = {r}");
		}
	}

	#[test]
	fn conversions_clamp_and_round() {
		assert_eq!(to_q8(1.0), 256);
		assert_eq!(to_q8(-0.5), -128);
		assert_eq!(to_q8(1e9), 25_600);
		assert_eq!(to_q8(f32::NAN), 0);
		assert_eq!(to_q12(2.0), 4096);
		assert_eq!(to_q12(-0.25), -1024);
	}

	#[test]
	fn normalized_vectors_have_unit_length() {
		let n = normalize_q12([0, -9 * 256, -11 * 256]);
		let len = isqrt(dot(n, n) as u32) as i32;
		assert!((len - DIR_ONE).abs() <= 2, "{len}");
		assert_eq!(normalize_q12([0, 0, 0]), [0, 0, 0]);
	}
}
