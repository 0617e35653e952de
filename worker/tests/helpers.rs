//! A host's frames shared with helpers over real libp2p nodes on loopback: the composited frame
//! is the frame rendered alone, bit for bit; a helper that corrupts tiles is caught by the
//! host's sample and dropped; a silent helper never stalls a frame; an answer signed by another
//! key is refused. The helpers compute with the worker's own task code ([`compute_task`]) and
//! sign like the daemon; only the chain's check of who may send tasks is left to the end-to-end
//! test.

use pgt_compute::{game::GameState, physics, Backend, Executor};
use pgt_net::{message::WorkerRequest, signed::sign_task_result, NetEvent, NetworkKeypair, Node, NodeConfig};
use pgt_worker::{
	helpers::{compute_task, FarmHandle, HelperPeer, TileFarm},
	metrics::Metrics,
};
use polkadot_sdk::substrate_prometheus_endpoint::{CounterVec, Registry, U64};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::{dev, Keypair};

const GENESIS: [u8; 32] = [7; 32];
const SESSION: u64 = 3;
const SEED: u64 = 42;
const SIZE: (u16, u16) = (64, 48);

async fn node() -> (Node, tokio::sync::mpsc::Receiver<NetEvent>) {
	let config =
		NodeConfig { listen: vec!["/ip4/127.0.0.1/tcp/0".parse().expect("an address")], ..NodeConfig::default() };
	Node::start(NetworkKeypair::generate_ed25519(), config).await.expect("node starts")
}

/// How a test helper behaves.
#[derive(Clone, Copy)]
enum Behaviour {
	/// Computes and signs every task.
	Honest,
	/// Corrupts this percentage of its tiles.
	Corrupt(u8),
	/// Never answers (the request times out on the host's side, long after the frame).
	Silent,
	/// Signs with someone else's key.
	ForeignKey,
}

/// A helper node answering tasks with `keypair`'s account, as `behaviour` says.
async fn helper(keypair: Keypair, behaviour: Behaviour) -> (Node, HelperPeer) {
	let (node, mut events) = node().await;
	let peer = HelperPeer { account: keypair.public_key().0, peer: node.peer_id() };
	tokio::spawn(async move {
		let mut executor = Executor::new(Backend::Cpu);
		let mut held = Vec::new();
		while let Some(event) = events.recv().await {
			let NetEvent::Request { request: WorkerRequest::Task { task, state, .. }, respond, .. } = event else {
				continue;
			};
			let corrupt = if let Behaviour::Corrupt(p) = behaviour { p } else { 0 };
			let (_, output) =
				compute_task(&mut executor, SEED, &task.input, state.as_deref().map(Vec::as_slice), corrupt)
					.expect("a valid task");
			let signer = if let Behaviour::ForeignKey = behaviour { dev::ferdie() } else { keypair.clone() };
			let answer = sign_task_result(&signer, &GENESIS, task.session, u64::from(task.id), output);
			match behaviour {
				Behaviour::Silent => held.push(respond),
				_ => {
					let _ = respond.send(answer);
				},
			}
		}
	});
	(node, peer)
}

struct Host {
	farm: TileFarm,
	handle: FarmHandle,
	executor: Executor,
	metrics: Arc<Metrics>,
	_node: Node,
}

/// A host whose farm works with `helpers` (dialled), recomputing `sample` % of their tiles.
async fn host(helpers: &[(Node, HelperPeer)], sample: u32) -> Host {
	let (node, _events) = node().await;
	for (h, _) in helpers {
		let addr = pgt_net::with_peer(h.listen_addrs()[0].clone(), h.peer_id());
		node.dial(addr).await.expect("dials the helper");
	}
	let handle = FarmHandle::default();
	for (_, p) in helpers {
		handle.add(p.clone());
	}
	let metrics = Arc::new(Metrics::register(&Registry::new()).expect("metrics"));
	let mut farm =
		TileFarm::new(SESSION, GENESIS, node.clone(), tokio::runtime::Handle::current(), &handle, metrics.clone());
	farm.set_sample_percent(sample);
	Host { farm, handle, executor: Executor::new(Backend::Cpu), metrics, _node: node }
}

/// Renders `frames` frames of the game with the farm (on a blocking thread, as the game loop
/// does) and alone; returns the farm's frames, the frames rendered alone, and the tiles the
/// host rendered itself per frame.
async fn play(mut host: Host, frames: u32, patience: Duration) -> (Host, Vec<Vec<u8>>, Vec<Vec<u8>>, Vec<usize>) {
	tokio::task::spawn_blocking(move || {
		let (mut shared, mut alone, mut own) = (Vec::new(), Vec::new(), Vec::new());
		let mut state = GameState::new(SEED);
		let mut reference = Executor::new(Backend::Cpu);
		for frame in 0..frames {
			state = physics::run(&state, &[(frame % 16) as u8; 2]);
			let hash = host.executor.insert_state(state.clone());
			let mut out = Vec::new();
			let mine = host
				.farm
				.render(&mut host.executor, &state, hash, frame, SIZE, (Instant::now() + patience, 0), &mut out)
				.expect("renders");
			let mut whole = Vec::new();
			let h = reference.insert_state(state.clone());
			reference.render_frame(&h, frame, SIZE.0, SIZE.1, &mut whole).expect("renders alone");
			shared.push(out);
			alone.push(whole);
			own.push(mine.len());
		}
		(host, shared, alone, own)
	})
	.await
	.expect("the frames render")
}

fn count(metric: &CounterVec<U64>, who: &HelperPeer) -> u64 {
	metric.with_label_values(&[&hex::encode(who.account)]).get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_shared_with_two_helpers_equal_the_frame_rendered_alone() {
	let helpers = vec![helper(dev::dave(), Behaviour::Honest).await, helper(dev::eve(), Behaviour::Honest).await];
	let host = host(&helpers, 0).await;
	let (host, shared, alone, own) = play(host, 6, Duration::from_secs(5)).await;
	assert_eq!(shared, alone, "composited frames equal the frames rendered alone");
	assert_eq!(own, vec![1; 6], "the host rendered one strip of three a frame");
	let credits = host.handle.take_credits();
	assert_eq!(credits, {
		let mut c = vec![(helpers[0].1.account, 6), (helpers[1].1.account, 6)];
		c.sort();
		c
	});
	for (_, h) in &helpers {
		assert_eq!((count(&host.metrics.helper_tasks_sent, h), count(&host.metrics.helper_tasks_returned, h)), (6, 6));
		assert_eq!(count(&host.metrics.helper_tasks_late, h), 0);
	}
	assert!(host.handle.take_credits().is_empty(), "credits are taken once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_that_corrupts_tiles_is_caught_by_the_sample_and_dropped() {
	let cheat = helper(dev::dave(), Behaviour::Corrupt(100)).await;
	let honest = helper(dev::eve(), Behaviour::Honest).await;
	let (cheat_peer, honest_peer) = (cheat.1.clone(), honest.1.clone());
	// The helpers' nodes live as long as the test.
	let helpers = [cheat, honest];
	let host = host(&helpers, 100).await;
	let (host, shared, alone, own) = play(host, 4, Duration::from_secs(5)).await;
	assert_eq!(shared, alone, "no corrupt tile reached a frame");
	assert!(host.farm.is_dropped(&cheat_peer.account));
	assert!(!host.farm.is_dropped(&honest_peer.account));
	assert_eq!(host.metrics.helpers_dropped.get(), 1);
	// Frame 0: the host rendered its strip and recomputed the cheat's; then two strips a frame.
	assert_eq!(own, vec![2, 1, 1, 1]);
	assert_eq!(count(&host.metrics.helper_tasks_sent, &cheat_peer), 1, "nothing more is sent to a dropped helper");
	assert_eq!(host.handle.take_credits(), vec![(honest_peer.account, 4)], "the cheat is credited nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_helper_never_stalls_a_frame() {
	let silent = helper(dev::dave(), Behaviour::Silent).await;
	let peer = silent.1.clone();
	let helpers = [silent];
	let host = host(&helpers, 0).await;
	let (host, shared, alone, own) = play(host, 3, Duration::from_millis(200)).await;
	assert_eq!(shared, alone);
	assert_eq!(own, vec![2, 2, 2], "the host rendered the silent helper's strip itself");
	assert_eq!(count(&host.metrics.helper_tasks_late, &peer), 3);
	assert!(host.handle.take_credits().is_empty());
	assert!(!host.farm.is_dropped(&peer.account), "late is not wrong: it is asked again");
	assert_eq!(count(&host.metrics.helper_tasks_sent, &peer), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_signed_by_another_key_drops_the_helper() {
	let forger = helper(dev::dave(), Behaviour::ForeignKey).await;
	let peer = forger.1.clone();
	let helpers = [forger];
	let host = host(&helpers, 0).await;
	let (host, shared, alone, own) = play(host, 2, Duration::from_secs(5)).await;
	assert_eq!(shared, alone);
	assert!(host.farm.is_dropped(&peer.account));
	assert_eq!(own, vec![2, 1], "its strip rendered by the host, then the frame rendered whole");
	assert!(host.handle.take_credits().is_empty());
}
