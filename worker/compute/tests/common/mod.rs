//! Helpers shared by the integration tests.
#![allow(dead_code)]

use pgt_compute::{
	game::{autopilot, GameState},
	physics, request_adapter,
	task::{Backend, Executor},
	AdapterChoice, GpuRenderer,
};
use pgt_primitives::{work::TileRect, Hash};

/// An executor on the software fallback adapter (lavapipe): `scripts/setup` installs it, and
/// a machine without it fails here with the reason.
pub fn gpu_executor() -> Executor {
	let adapter =
		request_adapter(AdapterChoice::Fallback).expect("lavapipe (mesa-vulkan-drivers) is installed by scripts/setup");
	let gpu = GpuRenderer::new(&adapter).expect("a device on the fallback adapter");
	Executor::new(Backend::Gpu(Box::new(gpu)))
}

/// The autopilot game from `seed`: the states of ticks 0..ticks.
pub fn play(seed: u64, ticks: u32) -> Vec<GameState> {
	let mut out = Vec::new();
	let mut s = GameState::new(seed);
	for _ in 0..ticks {
		let next = physics::step(&s, autopilot(&s));
		out.push(std::mem::replace(&mut s, next));
	}
	out
}

/// Registers every state with every executor; returns their hashes.
pub fn register(states: &[GameState], executors: &mut [&mut Executor]) -> Vec<Hash> {
	states
		.iter()
		.map(|s| executors.iter_mut().map(|e| e.insert_state(s.clone())).last().expect("an executor"))
		.collect()
}

/// Splits a batch of tile bytes back into the tiles.
pub fn split<'a>(tiles: &'a [TileRect], bytes: &'a [u8]) -> Vec<&'a [u8]> {
	pgt_compute::tiles::batch_tiles(tiles, bytes).map(|(_, b)| b).collect()
}

/// Number of distinct colours in RGBA bytes (to be sure a frame shows something).
pub fn colours(rgba: &[u8]) -> usize {
	let mut set: Vec<u32> = rgba.chunks_exact(4).map(|p| u32::from_le_bytes([p[0], p[1], p[2], p[3]])).collect();
	set.sort_unstable();
	set.dedup();
	set.len()
}
