//! Criterion benchmarks of the compute hot paths. Figures and the command in docs/benchmarks.md.
//!
//! `cargo bench -p pgt-compute` (add `-- --quick` for a short run). Renders on the software
//! fallback adapter (lavapipe) unless `PGT_BENCH_HARDWARE=1` picks the fastest real GPU.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use pgt_compute::{
	cpu,
	game::{autopilot, GameState},
	physics, request_adapter,
	task::Backend,
	AdapterChoice, GpuRenderer, Scene, TileGrid,
};
use pgt_primitives::work::TileRect;
use std::{hint::black_box, time::Duration};

const W: u16 = 640;
const H: u16 = 360;

/// A mid-game state (blocks in view), so the scene isn't the near-empty first frame.
fn state() -> GameState {
	let mut s = GameState::new(1);
	for _ in 0..300 {
		s = physics::step(&s, autopilot(&s));
	}
	s
}

fn gpu() -> Backend {
	let choice = if std::env::var_os("PGT_BENCH_HARDWARE").is_some() {
		AdapterChoice::HighPerformance
	} else {
		AdapterChoice::Fallback
	};
	let adapter = request_adapter(choice).expect("an adapter (lavapipe: mesa-vulkan-drivers)");
	let gpu = Backend::Gpu(Box::new(GpuRenderer::new(&adapter).expect("device")));
	eprintln!("rendering on {}", gpu.describe());
	gpu
}

fn render(c: &mut Criterion) {
	let scene = Scene::build(&state(), 300);
	let mut gpu = gpu();
	let mut cpu_all = Backend::Cpu;
	let mut out = Vec::new();

	let mut frame = c.benchmark_group("frame_640x360");
	frame.sample_size(10).measurement_time(Duration::from_secs(6)).warm_up_time(Duration::from_secs(1));
	frame.throughput(Throughput::Elements(1));
	for grid in [TileGrid::WHOLE, TileGrid { cols: 2, rows: 2 }, TileGrid { cols: 4, rows: 4 }] {
		let tiles = grid.split(W, H).expect("grid");
		frame.bench_with_input(BenchmarkId::new("gpu", grid), &tiles, |b, tiles| {
			b.iter(|| gpu.render_tiles(&scene, W, H, tiles, &mut out).expect("render"))
		});
		frame.bench_with_input(BenchmarkId::new("cpu_all_cores", grid), &tiles, |b, tiles| {
			b.iter(|| cpu_all.render_tiles(&scene, W, H, tiles, &mut out).expect("render"))
		});
	}
	let mut whole = vec![0u8; usize::from(W) * usize::from(H) * 4];
	frame.bench_function("cpu_1_thread/1x1", |b| {
		b.iter(|| cpu::render_tile(&scene, W, H, TileRect { x: 0, y: 0, w: W, h: H }, black_box(&mut whole)))
	});
	frame.finish();

	// One tile of a 4x4 grid (160x90), the unit of work a contributor commits to.
	let tile = TileRect { x: 240, y: 135, w: 160, h: 90 };
	let mut tile_out = vec![0u8; 160 * 90 * 4];
	let mut group = c.benchmark_group("tile_160x90");
	group.sample_size(20).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
	group.throughput(Throughput::Elements(1));
	group.bench_function("gpu", |b| b.iter(|| gpu.render_tiles(&scene, W, H, &[tile], &mut out).expect("render")));
	group.bench_function("cpu_1_thread", |b| b.iter(|| cpu::render_tile(&scene, W, H, tile, black_box(&mut tile_out))));
	group.finish();
}

fn simulate(c: &mut Criterion) {
	let s = state();
	let mut group = c.benchmark_group("physics");
	group.throughput(Throughput::Elements(1));
	group.bench_function("tick", |b| b.iter(|| physics::step(black_box(&s), 0b0101)));
	group.bench_function("state_hash", |b| b.iter(|| black_box(&s).hash()));
	group.bench_function("scene_build", |b| b.iter(|| Scene::build(black_box(&s), 300)));
	group.finish();
}

criterion_group!(benches, render, simulate);

/// `criterion_main!`, after giving the process a private `XDG_RUNTIME_DIR` if it has none (before
/// any thread starts, as in `pgt-compute`'s `main`), so lavapipe doesn't print an error.
fn main() {
	let _runtime_dir = pgt_compute::gpu::ensure_runtime_dir().ok().flatten();
	benches();
	Criterion::default().configure_from_args().final_summary();
}
