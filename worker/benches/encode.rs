//! Encode time per frame: `cargo bench -p pgt-worker --bench encode`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pgt_compute::{cpu::render_tile, GameState, Scene};
use pgt_primitives::work::TileRect;
use pgt_worker::encode::{FrameEncoder, DEFAULT_JPEG_QUALITY};

fn encode(c: &mut Criterion) {
	let mut group = c.benchmark_group("encode");
	for (w, h) in [(320u16, 180u16), (640, 360)] {
		let scene = Scene::build(&GameState::new(3), 0);
		let mut rgba = vec![0u8; usize::from(w) * usize::from(h) * 4];
		render_tile(&scene, w, h, TileRect { x: 0, y: 0, w, h }, &mut rgba);
		group.throughput(Throughput::Elements(1));
		for (name, encoder) in [("jpeg", FrameEncoder::jpeg(DEFAULT_JPEG_QUALITY)), ("raw", FrameEncoder::raw())] {
			group.bench_with_input(BenchmarkId::new(name, format!("{w}x{h}")), &rgba, |b, rgba| {
				b.iter(|| encoder.encode(rgba, w, h).expect("encodes"))
			});
		}
	}
	group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
