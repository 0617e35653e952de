//! The verifiable-work hot paths of a host: hashing a frame's pixels for its leaf (every frame),
//! sealing a 5-minute window and computing its Merkle root (every window), and opening 10
//! challenged leaves (replaying their states from the anchors): `cargo bench -p pgt-worker
//! --bench window`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pgt_compute::{cpu::render_tile, physics, GameState, Scene};
use pgt_primitives::work::{output_hash, TileRect};
use pgt_worker::work::{WindowRecord, WorkLog};

/// A window of `frames` frames at 30 frames a second (two ticks each), as a host logs it. The
/// render outputs are stand-in hashes: sealing and opening never look at pixels.
fn window(frames: u32) -> WindowRecord {
	let mut log = WorkLog::new(0);
	let mut state = GameState::new(11);
	for frame in 0..frames {
		let start = state.clone();
		let inputs = [(frame % 3) as u8, 8];
		state = physics::run(&start, &inputs);
		let hash = state.hash();
		log.record_step(&start, start.hash(), &inputs, hash);
		log.record_frame(&state, hash, frame, 640, 360, output_hash(&frame.to_le_bytes()));
	}
	WindowRecord::seal(1, 0, log.cut(1))
}

fn frame_hash(c: &mut Criterion) {
	let mut group = c.benchmark_group("leaf: frame output hash");
	for (w, h) in [(320u16, 180u16), (640, 360)] {
		let scene = Scene::build(&GameState::new(3), 0);
		let mut rgba = vec![0u8; usize::from(w) * usize::from(h) * 4];
		render_tile(&scene, w, h, TileRect { x: 0, y: 0, w, h }, &mut rgba);
		group.throughput(Throughput::Bytes(rgba.len() as u64));
		group.bench_with_input(BenchmarkId::from_parameter(format!("{w}x{h}")), &rgba, |b, rgba| {
			b.iter(|| output_hash(rgba))
		});
	}
	group.finish();
}

fn seal_and_open(c: &mut Criterion) {
	// 300 s at 30 frames a second: 9,000 frames, 18,000 leaves (what the default window holds).
	// `cargo test --benches` runs each once: a smaller window keeps its setup short there.
	let benchmarking = std::env::args().any(|a| a == "--bench");
	let frames = if benchmarking { 9_000 } else { 600 };
	let record = window(frames);
	let mut group = c.benchmark_group(format!("window of {} leaves", 2 * frames));
	group.sample_size(10);
	group.bench_function("root", |b| b.iter(|| record.root()));
	// The ten leaves furthest from their anchors: the most replay an opening needs.
	let indices: Vec<u32> = (0..10).map(|i| (i * frames / 5 + 63).min(2 * frames - 1)).collect();
	group.bench_function("open 10 leaves", |b| b.iter(|| record.openings(&indices).expect("opens")));
	group.finish();
}

criterion_group!(benches, frame_hash, seal_and_open);
criterion_main!(benches);
