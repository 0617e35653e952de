//! Compositing a frame's tiles gives exactly the frame rendered whole, on both renderers.

mod common;

use common::*;
use pgt_compute::{composite, task::Backend, Executor, TileGrid};

fn check(ex: &mut Executor, name: &str) {
	let states = play(4, 200);
	let hashes = register(&states, &mut [ex]);
	let (mut whole, mut parts, mut frame) = (Vec::new(), Vec::new(), Vec::new());
	for (width, height, grid) in [(331u16, 187u16, "4x4"), (331, 187, "3x5"), (128, 72, "16x9"), (64, 64, "1x64")] {
		let grid: TileGrid = grid.parse().expect("grid");
		for f in [0u32, 199] {
			ex.render_frame(&hashes[f as usize], f, width, height, &mut whole).expect("whole frame");
			let tiles = grid.split(width, height).expect("grid fits");
			ex.render_frame_tiles(&hashes[f as usize], f, width, height, &tiles, &mut parts).expect("tiles");
			composite(width, height, tiles.iter().copied().zip(split(&tiles, &parts)), &mut frame).expect("composite");
			assert_eq!(frame.len(), whole.len());
			assert!(frame == whole, "{name}: {width}x{height} as {grid} tiles, frame {f}");
			assert!(colours(&whole) > 50);
		}
	}
}

#[test]
fn gpu_tiles_composite_to_the_whole_frame() {
	check(&mut gpu_executor(), "gpu");
}

#[test]
fn cpu_tiles_composite_to_the_whole_frame() {
	check(&mut Executor::new(Backend::Cpu), "cpu");
}
