//! The host side of a session over two real libp2p nodes on loopback (the chain plays no part
//! in `host::serve`): frames stream at the asked size, inputs steer the game, valid receipts are
//! kept in the store, every frame and tick is logged as verifiable work that opens and audits
//! right, and a player that breaks the protocol — a receipt for another session, one it did not
//! sign, garbage, an oversized length — ends its stream while the host serves the next.

use futures::{AsyncWriteExt, StreamExt};
use pgt_compute::{Backend, Executor};
use pgt_net::{
	io::{read_message, write_message},
	libp2p::multiaddr::Protocol,
	signed::sign_receipt,
	Encoding, Input, NetworkKeypair, Node, NodeConfig, SessionMessage, SignedReceipt, Video,
};
use pgt_primitives::sessions::Receipt;
use pgt_worker::{
	host::{self, EndCause, HostContext, HostStart, Link, Outcome, Ticket},
	lockstep::BackupFeed,
	metrics::Metrics,
	store::Store,
	work::{recompute, WindowRecord, WorkLog},
};
use polkadot_sdk::substrate_prometheus_endpoint::Registry;
use std::{
	sync::{Arc, Mutex},
	time::Duration,
};
use subxt_signer::sr25519::{dev, Keypair};
use tokio::sync::{mpsc, watch};

const GENESIS: [u8; 32] = [9; 32];
const SESSION: u64 = 4;
const VIDEO: Video = Video { width: 64, height: 36, fps: 20, encoding: Encoding::Raw };

async fn node() -> Node {
	let config = NodeConfig { listen: vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()], ..NodeConfig::default() };
	let (node, mut events) = Node::start(NetworkKeypair::generate_ed25519(), config).await.expect("node starts");
	tokio::spawn(async move { while events.recv().await.is_some() {} });
	node
}

fn receipt(player: &Keypair, session: u64, contributor: [u8; 32], served: u32, counter: u32) -> SignedReceipt {
	let r = Receipt {
		session,
		contributor,
		seconds_served: served,
		seconds_paused: 0,
		frames: u64::from(served) * 20,
		latency_p50_ms: 3,
		latency_p95_ms: 6,
		counter,
	};
	sign_receipt(player, &GENESIS, r)
}

/// A host that serves every stream it gets for `SESSION` and reports each outcome.
async fn host(dir: &std::path::Path) -> (Node, Arc<HostContext>, mpsc::Receiver<(Outcome, WorkLog)>) {
	let host = node().await;
	let ctx = Arc::new(HostContext {
		genesis: GENESIS,
		me: dev::bob().public_key().0,
		metrics: Arc::new(Metrics::register(&Registry::new()).expect("metrics")),
		store: Store::open(dir).expect("store"),
	});
	let mut incoming = host.accept_sessions().expect("accepts");
	let (tx, rx) = mpsc::channel(8);
	let c = ctx.clone();
	tokio::spawn(async move {
		while let Some((_peer, stream)) = incoming.next().await {
			let ticket = Ticket { session: SESSION, player: dev::alice().public_key().0, seed: 7 };
			let (_stop, shutdown) = watch::channel(false);
			let work = Arc::new(Mutex::new(WorkLog::new(0)));
			let executor = Executor::new(Backend::Cpu);
			let from = HostStart::new(ticket.seed);
			let link = Link::new(stream);
			let outcome =
				host::serve(c.clone(), ticket, VIDEO, executor, link, work.clone(), from, BackupFeed::new(), shutdown)
					.await;
			let log = std::mem::replace(&mut *work.lock().unwrap(), WorkLog::new(0));
			let _ = tx.send((outcome, log)).await;
			std::mem::drop(_stop);
		}
	});
	(host, ctx, rx)
}

async fn open(player: &Node, host: &Node) -> pgt_net::libp2p::Stream {
	let addr = host.listen_addrs()[0].clone().with(Protocol::P2p(host.peer_id()));
	player.dial(addr).await.expect("dials");
	player.open_session(host.peer_id()).await.expect("opens")
}

async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
	tokio::time::timeout(Duration::from_secs(30), f).await.expect("in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_streams_keeps_receipts_and_drops_players_that_break_the_protocol() {
	let dir = tempfile::tempdir().unwrap();
	let (host, ctx, mut outcomes) = host(dir.path()).await;
	let player = node().await;
	let alice = dev::alice();
	let bob = ctx.me;

	// A good player: welcome, raw frames of the asked size, inputs applied, receipts kept; then
	// a receipt for another session ends the stream.
	let mut s = within(open(&player, &host)).await;
	let welcome = within(read_message::<_, SessionMessage>(&mut s)).await.unwrap();
	assert!(matches!(welcome, SessionMessage::Welcome { .. }), "{welcome:?}");
	write_message(&mut s, &SessionMessage::Input(Input { tick: 0, keys: 8, seq: 1 })).await.unwrap();
	let mut frames = 0;
	let mut applied = false;
	while frames < 5 || !applied {
		match within(read_message::<_, SessionMessage>(&mut s)).await.unwrap() {
			SessionMessage::Frame(f) => {
				assert_eq!((f.width, f.height, f.encoding), (64, 36, Encoding::Raw));
				assert_eq!(f.data.len(), 64 * 36 * 4);
				applied |= f.last_input_seq == 1;
				frames += 1;
			},
			SessionMessage::Heartbeat { .. } => {},
			other => panic!("unexpected {other:?}"),
		}
	}
	let good = receipt(&alice, SESSION, bob, 1, 1);
	write_message(&mut s, &SessionMessage::Receipt(good.clone())).await.unwrap();
	// A receipt the player did not sign (Charlie's key), then one for another session.
	write_message(&mut s, &SessionMessage::Receipt(receipt(&dev::charlie(), SESSION, bob, 2, 2))).await.unwrap();
	let (outcome, mut log) = within(outcomes.recv()).await.unwrap();
	assert!(
		matches!(&outcome.cause, EndCause::ProtocolViolation(why) if why.contains("did not sign")),
		"{:?}",
		outcome.cause
	);
	assert_eq!(outcome.latest, Some(good.clone()), "the valid receipt is kept");
	assert_eq!(ctx.store.latest(SESSION), Some(good.clone()), "and stored");
	let applied = ctx.store.inputs(SESSION).unwrap();
	assert_eq!(applied.first().map(|(_, keys, seq)| (*keys, *seq)), Some((8, 1)), "the input was applied");

	// Every frame and tick the host computed is a leaf: each opens against the root, and an
	// auditor recomputing from the opened state alone gets the sealed output of every one.
	let record = WindowRecord::seal(SESSION, 0, log.cut(1));
	// At least the 5 frames read and the 4 physics steps between them.
	assert!(record.task_count() >= 9, "a leaf per frame and per step: {}", record.task_count());
	let root = record.root();
	let openings = record.openings(&(0..record.task_count()).collect::<Vec<_>>()).expect("every leaf opens");
	let leaves: Vec<_> = openings.iter().map(|o| o.leaf.clone()).collect();
	let states: Vec<_> = openings.iter().map(|o| o.state.to_vec()).collect();
	// The ticket's seed 7 stands for the task package whose hash starts with 7 (little-endian).
	let mut task_hash = [0u8; 32];
	task_hash[0] = 7;
	let recomputed = recompute(&polkadot_sdk::sp_core::H256(task_hash), &leaves, &states);
	for (o, hash) in openings.iter().zip(&recomputed) {
		assert!(pgt_primitives::merkle::verify(&root, record.task_count(), o.index, &o.leaf, &o.proof));
		assert_eq!(pgt_primitives::work::seal(hash, &record.salt), o.leaf.output_seal, "leaf {}", o.index);
	}
	let steered = record.work.tasks.iter().any(
		|(task, _)| matches!(task, pgt_primitives::work::TaskInput::PhysicsStep { inputs, .. } if inputs.contains(&8)),
	);
	assert!(steered, "the player's keys are in the logged physics steps");

	// Next stream: a receipt for another session.
	let mut s = within(open(&player, &host)).await;
	write_message(&mut s, &SessionMessage::Receipt(receipt(&alice, SESSION + 1, bob, 3, 3))).await.unwrap();
	let (outcome, _) = within(outcomes.recv()).await.unwrap();
	assert!(
		matches!(&outcome.cause, EndCause::ProtocolViolation(why) if why.contains("for session")),
		"{:?}",
		outcome.cause
	);
	assert_eq!(outcome.latest, Some(good.clone()), "a bad receipt never replaces a good one");

	// Next: bytes that are no message.
	let mut s = within(open(&player, &host)).await;
	s.write_all(&[5, 0, 0, 0, 1, 0, 0xff, 0xff, 0xff]).await.unwrap();
	s.flush().await.unwrap();
	let (outcome, _) = within(outcomes.recv()).await.unwrap();
	assert!(matches!(outcome.cause, EndCause::ProtocolViolation(_) | EndCause::Disconnected), "{:?}", outcome.cause);

	// Next: a length far over the bound (the body is never read).
	let mut s = within(open(&player, &host)).await;
	s.write_all(&u32::MAX.to_le_bytes()).await.unwrap();
	s.flush().await.unwrap();
	let (outcome, _) = within(outcomes.recv()).await.unwrap();
	assert_eq!(outcome.cause, EndCause::Disconnected);

	// The host carries on: a new stream gets frames, and a receipt that adds is kept.
	let mut s = within(open(&player, &host)).await;
	loop {
		if let SessionMessage::Frame(_) = within(read_message::<_, SessionMessage>(&mut s)).await.unwrap() {
			break;
		}
	}
	let later = receipt(&alice, SESSION, bob, 2, 2);
	write_message(&mut s, &SessionMessage::Receipt(later.clone())).await.unwrap();
	write_message(&mut s, &SessionMessage::Bye(pgt_net::ByeReason::PlayerLeft)).await.unwrap();
	let (outcome, _) = within(outcomes.recv()).await.unwrap();
	assert_eq!(outcome.cause, EndCause::PlayerLeft);
	assert_eq!(ctx.store.latest(SESSION), Some(later));
}
