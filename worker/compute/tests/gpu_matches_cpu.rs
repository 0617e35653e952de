//! The GPU kernel (on lavapipe) and the CPU reference give identical bytes for every tile.

mod common;

use common::*;
use pgt_compute::{task::Backend, Executor, TileGrid};
use pgt_primitives::work::{output_hash, TileRect};

/// Renders `frames` of the autopilot game as `grid` tiles on both sides and compares every
/// tile's hash. Returns the number of tiles compared.
fn compare(width: u16, height: u16, grid: TileGrid, first: u32, frames: u32) -> usize {
	let mut gpu = gpu_executor();
	let mut cpu = Executor::new(Backend::Cpu);
	let states = play(3, first + frames);
	let hashes = register(&states, &mut [&mut gpu, &mut cpu]);
	let tiles = grid.split(width, height).expect("grid fits");
	let (mut g, mut c) = (Vec::new(), Vec::new());
	let mut compared = 0;
	for f in first..first + frames {
		let h = &hashes[f as usize];
		gpu.render_frame_tiles(h, f, width, height, &tiles, &mut g).expect("gpu renders");
		cpu.render_frame_tiles(h, f, width, height, &tiles, &mut c).expect("cpu renders");
		assert_eq!(g.len(), usize::from(width) * usize::from(height) * 4);
		assert!(colours(&c) > 50, "frame {f} shows a scene, not a blank");
		for ((t, gt), ct) in tiles.iter().zip(split(&tiles, &g)).zip(split(&tiles, &c)) {
			assert_eq!(output_hash(gt), output_hash(ct), "{width}x{height} {grid} frame {f} tile {t:?}");
			compared += 1;
		}
	}
	compared
}

#[test]
fn sixty_frames_at_192x108_in_2x2_tiles() {
	assert_eq!(compare(192, 108, TileGrid { cols: 2, rows: 2 }, 0, 60), 240);
}

#[test]
fn sixty_frames_at_192x108_in_5x3_tiles() {
	assert_eq!(compare(192, 108, TileGrid { cols: 5, rows: 3 }, 240, 60), 900);
}

#[test]
fn sixty_frames_at_160x120_in_2x2_tiles() {
	assert_eq!(compare(160, 120, TileGrid { cols: 2, rows: 2 }, 240, 60), 240);
}

#[test]
fn sixty_frames_at_160x120_in_5x3_tiles() {
	assert_eq!(compare(160, 120, TileGrid { cols: 5, rows: 3 }, 0, 60), 900);
}

/// Where the fixed-point ranges are tightest: a 4K frame's corners and centre, extreme aspect
/// ratios (the screen coordinate clamps), single pixels.
#[test]
fn edges_of_the_number_ranges_agree_too() {
	let mut gpu = gpu_executor();
	let mut cpu = Executor::new(Backend::Cpu);
	let states = play(8, 400);
	let hashes = register(&states, &mut [&mut gpu, &mut cpu]);
	let cases: Vec<(u16, u16, TileRect)> = vec![
		(3840, 2160, TileRect { x: 0, y: 0, w: 24, h: 24 }),
		(3840, 2160, TileRect { x: 3816, y: 2136, w: 24, h: 24 }),
		(3840, 2160, TileRect { x: 1900, y: 1060, w: 40, h: 40 }),
		(3840, 1, TileRect { x: 0, y: 0, w: 3840, h: 1 }),
		(1, 2160, TileRect { x: 0, y: 0, w: 1, h: 2160 }),
		(1, 1, TileRect { x: 0, y: 0, w: 1, h: 1 }),
		(7, 5, TileRect { x: 6, y: 4, w: 1, h: 1 }),
	];
	let (mut g, mut c) = (Vec::new(), Vec::new());
	for f in [0u32, 150, 399] {
		for (w, h, tile) in &cases {
			gpu.render_frame_tiles(&hashes[f as usize], f, *w, *h, &[*tile], &mut g).expect("gpu");
			cpu.render_frame_tiles(&hashes[f as usize], f, *w, *h, &[*tile], &mut c).expect("cpu");
			assert_eq!(g, c, "frame {f} {w}x{h} {tile:?}");
		}
	}
}
