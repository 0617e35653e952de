//! One frame shared with 0, 1, 2 and 3 helpers over real libp2p on loopback: the host splits it
//! into strips, sends the helpers' strips with the state's bytes, renders its own, waits and
//! composites (`TileFarm::render`, exactly what the game loop calls). Every worker — the host
//! and each helper — renders on a rayon pool of one thread, as if each were a one-core machine,
//! so the speedup over the host alone shows what helpers add on this machine's cores:
//! `cargo bench -p pgt-worker --bench helpers`. The host checks no tiles here (`--check-tiles
//! 0`); each checked tile costs the host one strip's render.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pgt_compute::{game::GameState, physics, Backend, Executor};
use pgt_net::{
	message::WorkerRequest, signed::sign_task_result, with_peer, NetEvent, NetworkKeypair, Node, NodeConfig,
};
use pgt_worker::{
	helpers::{compute_task, FarmHandle, HelperPeer, TileFarm},
	metrics::Metrics,
};
use polkadot_sdk::substrate_prometheus_endpoint::Registry;
use std::{
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use subxt_signer::sr25519::dev;

const GENESIS: [u8; 32] = [1; 32];
const SEED: u64 = 9;
const SIZE: (u16, u16) = (640, 360);

fn one_thread() -> Arc<rayon::ThreadPool> {
	Arc::new(rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool"))
}

async fn node() -> (Node, tokio::sync::mpsc::Receiver<NetEvent>) {
	let config =
		NodeConfig { listen: vec!["/ip4/127.0.0.1/tcp/0".parse().expect("an address")], ..NodeConfig::default() };
	Node::start(NetworkKeypair::generate_ed25519(), config).await.expect("node starts")
}

/// A helper that computes every task on a one-thread pool of its own.
async fn helper(keypair: subxt_signer::sr25519::Keypair) -> (Node, HelperPeer) {
	let (node, mut events) = node().await;
	let peer = HelperPeer { account: keypair.public_key().0, peer: node.peer_id() };
	let pool = one_thread();
	let executor = Arc::new(Mutex::new(Executor::new(Backend::Cpu)));
	tokio::spawn(async move {
		while let Some(event) = events.recv().await {
			let NetEvent::Request { request: WorkerRequest::Task { task, state, .. }, respond, .. } = event else {
				continue;
			};
			let (pool, executor, keypair) = (pool.clone(), executor.clone(), keypair.clone());
			tokio::task::spawn_blocking(move || {
				let output = pool.install(|| {
					let mut executor = executor.lock().expect("one task at a time");
					compute_task(&mut executor, SEED, &task.input, state.as_deref().map(Vec::as_slice), 0)
						.expect("a valid task")
						.1
				});
				let _ = respond.send(sign_task_result(&keypair, &GENESIS, task.session, u64::from(task.id), output));
			});
		}
	});
	(node, peer)
}

fn frame_with_helpers(c: &mut Criterion) {
	let runtime =
		tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
	let mut group = c.benchmark_group(format!("one {}x{} frame, one thread per worker", SIZE.0, SIZE.1));
	group.sample_size(30).measurement_time(Duration::from_secs(10));
	let keys = [dev::dave(), dev::eve(), dev::ferdie()];
	for helpers in 0..=3usize {
		let (farm, _nodes) = runtime.block_on(async {
			let mut nodes = Vec::new();
			let handle = FarmHandle::default();
			let (host, _events) = node().await;
			for key in keys.iter().take(helpers) {
				let (n, p) = helper(key.clone()).await;
				host.dial(with_peer(n.listen_addrs()[0].clone(), n.peer_id())).await.expect("dials");
				handle.add(p);
				nodes.push(n);
			}
			let metrics = Arc::new(Metrics::register(&Registry::new()).expect("metrics"));
			let mut farm = TileFarm::new(1, GENESIS, host.clone(), runtime.handle().clone(), &handle, metrics);
			farm.set_sample_percent(0);
			nodes.push(host);
			(farm, nodes)
		});
		let mut farm = farm;
		let pool = one_thread();
		let mut executor = Executor::new(Backend::Cpu);
		let mut state = GameState::new(SEED);
		let mut frame = 0u32;
		let mut out = Vec::new();
		group.bench_function(BenchmarkId::new("helpers", helpers), |b| {
			b.iter(|| {
				state = physics::run(&state, &[1, 1]);
				let hash = executor.insert_state(state.clone());
				pool.install(|| {
					farm.render(
						&mut executor,
						&state,
						hash,
						frame,
						SIZE,
						(Instant::now() + Duration::from_secs(2), 0),
						&mut out,
					)
				})
				.expect("renders");
				frame += 1;
			})
		});
	}
	group.finish();
}

criterion_group!(benches, frame_with_helpers);
criterion_main!(benches);
