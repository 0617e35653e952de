//! A host that goes silent mid-game, over three real libp2p nodes on loopback: the player's
//! inputs reach the host and, mirrored, the first backup; when no frame or heartbeat has come
//! from the host for its patience, the player signs a final receipt for the host, orders the
//! backup to take over at the tick after the last frame it got, and takes the backup's frames
//! from then on, billing them in the backup's own receipts.

mod common;

use common::{node, GENESIS};
use futures::StreamExt;
use pgt_net::{
	io::{read_message, write_message},
	libp2p::multiaddr::Protocol,
	ByeReason, Encoding, Frame, Node, SessionMessage, Takeover,
};
use pgt_player::{
	metrics::Metrics,
	session::{self, SessionCtx},
	web::{self, PageEvent},
};
use std::time::Duration;
use subxt_signer::sr25519::dev;
use tokio::sync::{mpsc, watch};

const SESSION: u64 = 5;
const HOST_FRAMES_AFTER: u64 = 3;
const BACKUP_FRAMES: u64 = 6;

fn frame(number: u64, tick: u64) -> Frame {
	Frame {
		number,
		tick,
		rendered_at_us: tick * 16_667,
		last_input_seq: 0,
		width: 4,
		height: 4,
		encoding: Encoding::Raw,
		data: vec![number as u8; 64],
	}
}

/// Reads everything on `s` until it closes or stays quiet for `quiet`.
async fn drain(s: &mut pgt_net::libp2p::Stream, quiet: Duration, got: &mut Vec<SessionMessage>) {
	while let Ok(Ok(m)) = tokio::time::timeout(quiet, read_message::<_, SessionMessage>(s)).await {
		let bye = matches!(m, SessionMessage::Bye(_));
		got.push(m);
		if bye {
			break;
		}
	}
}

/// A host that welcomes and sends a frame every 20 ms (2 ticks each) until the player's second
/// input has come, then `HOST_FRAMES_AFTER` more, then says nothing while it keeps the stream
/// open; returns what the player sent it and the frames it sent.
fn silent_host(host: &Node) -> tokio::task::JoinHandle<(Vec<SessionMessage>, u64)> {
	let mut incoming = host.accept_sessions().expect("accepts");
	tokio::spawn(async move {
		let (_peer, mut s) = incoming.next().await.expect("a stream");
		let mut got = vec![read_message::<_, SessionMessage>(&mut s).await.expect("hello")];
		let (reader, mut writer) = futures::AsyncReadExt::split(s);
		let (mut rx, _task) = pgt_net::io::spawn_reader::<_, SessionMessage>(reader);
		write_message(&mut writer, &SessionMessage::Welcome { tick: 0, now_us: 0 }).await.expect("writes");
		let (mut sent, mut after) = (0u64, None);
		while after.is_none_or(|a| sent < a) {
			write_message(&mut writer, &SessionMessage::Frame(frame(sent, 2 * sent))).await.expect("writes");
			sent += 1;
			tokio::time::sleep(Duration::from_millis(20)).await;
			while let Ok(Ok(m)) = rx.try_recv() {
				if matches!(m, SessionMessage::Input(pgt_net::Input { seq: 2, .. })) {
					after = Some(sent + HOST_FRAMES_AFTER);
				}
				got.push(m);
			}
		}
		while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
			let bye = matches!(m, SessionMessage::Bye(_));
			got.push(m);
			if bye {
				break;
			}
		}
		(got, sent)
	})
}

/// A backup that welcomes, keeps what the player sends, and on a takeover sends
/// `BACKUP_FRAMES` frames from the ordered tick on; returns what the player sent it.
fn backup(node: &Node) -> tokio::task::JoinHandle<Vec<SessionMessage>> {
	let mut incoming = node.accept_sessions().expect("accepts");
	tokio::spawn(async move {
		let (_peer, mut s) = incoming.next().await.expect("a stream");
		let mut got = vec![read_message::<_, SessionMessage>(&mut s).await.expect("hello")];
		write_message(&mut s, &SessionMessage::Welcome { tick: 0, now_us: 0 }).await.expect("writes");
		// "Following the game, at tick 1": only such a backup is ordered to take over.
		write_message(&mut s, &SessionMessage::Heartbeat { tick: 1 }).await.expect("writes");
		let takeover: Takeover = loop {
			match tokio::time::timeout(Duration::from_secs(10), read_message::<_, SessionMessage>(&mut s)).await {
				Ok(Ok(SessionMessage::Takeover(t))) => {
					got.push(SessionMessage::Takeover(t.clone()));
					break t;
				},
				Ok(Ok(m)) => got.push(m),
				other => panic!("no takeover: {other:?}"),
			}
		};
		for n in 0..BACKUP_FRAMES {
			let m = SessionMessage::Frame(frame(1_000 + n, takeover.tick + 2 * n));
			write_message(&mut s, &m).await.expect("writes");
			tokio::time::sleep(Duration::from_millis(33)).await;
		}
		drain(&mut s, Duration::from_secs(5), &mut got).await;
		got
	})
}

async fn open(player: &Node, to: &Node, who: &subxt_signer::sr25519::Keypair) -> pgt_net::libp2p::Stream {
	let addr = to.listen_addrs()[0].clone().with(Protocol::P2p(to.peer_id()));
	player.dial(addr).await.expect("dials");
	let mut stream = player.open_session(to.peer_id()).await.expect("opens");
	let mut hello = pgt_net::signed::sign_hello(
		who,
		&GENESIS,
		SESSION,
		pgt_net::Role::Player,
		&player.peer_id().to_bytes(),
		&to.peer_id().to_bytes(),
	);
	hello.video = Some(pgt_net::Video { width: 4, height: 4, fps: 30, encoding: Encoding::Raw });
	write_message(&mut stream, &SessionMessage::Hello(hello)).await.expect("hello");
	stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_host_is_replaced_by_its_backup_and_no_input_is_lost() {
	let (player, host, spare) = (node().await, node().await, node().await);
	let (alice, bob, charlie) = (dev::alice(), dev::bob().public_key().0, dev::charlie().public_key().0);
	let host_saw = silent_host(&host);
	let backup_saw = backup(&spare);
	let stream = open(&player, &host, &alice).await;
	let backup_stream = open(&player, &spare, &alice).await;

	// The page: keys pressed while the host still streams, and after it went silent.
	let (events_tx, events) = mpsc::channel(16);
	let (_texts_rx_keep, texts) = {
		let (tx, rx) = mpsc::channel(64);
		(rx, tx)
	};
	let mut page =
		web::PageHandle { addr: "127.0.0.1:0".parse().unwrap(), frames: watch::channel(None).0, texts, events };
	let keys = tokio::spawn(async move {
		for (after_ms, keys) in [(50, 8u8), (100, 0), (1_200, 1), (300, 0)] {
			tokio::time::sleep(Duration::from_millis(after_ms)).await;
			let _ = events_tx.send(PageEvent::Keys(keys)).await;
		}
		events_tx
	});
	let (_net_tx, net_events) = mpsc::channel(1);
	let metrics = Metrics::serve(None).expect("metrics");
	let ctx = SessionCtx {
		chain: None,
		signer: &alice,
		genesis: GENESIS,
		session: SESSION,
		host: bob,
		rate: 0,
		max_latency_ms: 100,
		headless: true,
		duration: Some(Duration::from_secs(3)),
		page: &mut page,
		net_events,
		stream,
		backup: Some((charlie, backup_stream)),
		metrics: metrics.clone(),
	};
	let end = tokio::time::timeout(Duration::from_secs(20), session::run(ctx))
		.await
		.expect("the session ends at its time limit")
		.expect("the session ends without an error");
	let _events_tx = keys.await.unwrap();
	assert_eq!(end.reason, "the session's time is over");

	// One takeover: the silent host dropped for the backup, at the tick after its last frame.
	assert_eq!(end.failovers.len(), 1, "{:?}", end.failovers);
	let (host_saw, host_sent) = host_saw.await.expect("the host task");
	let f = &end.failovers[0];
	assert_eq!((f.from, f.to), (bob, charlie));
	assert_eq!(f.tick, 2 * (host_sent - 1) + 1);
	assert!(f.why.starts_with("nothing from the host for"), "{}", f.why);
	assert!(f.submitted.is_none(), "no chain, nothing submitted");
	// The dropped host's final receipt is the player's, for the host; the last receipt is the
	// backup's own.
	assert_eq!((f.receipt.receipt.session, f.receipt.receipt.contributor), (SESSION, bob));
	assert!(f.receipt.verify(&GENESIS, &alice.public_key().0));
	let last = end.last.expect("a final receipt for the new host");
	assert_eq!(last.receipt.contributor, charlie);
	assert!(last.verify(&GENESIS, &alice.public_key().0));
	assert_eq!(metrics.frames_received.get(), host_sent + BACKUP_FRAMES);
	assert_eq!(metrics.failovers.get(), 1);

	// The backup got the signed order, and every input: those the host also got, and those sent
	// after it went silent.
	let backup_saw = backup_saw.await.expect("the backup task");
	let order = backup_saw
		.iter()
		.find_map(|m| match m {
			SessionMessage::Takeover(t) => Some(t.clone()),
			_ => None,
		})
		.expect("a takeover");
	assert_eq!((order.session, order.tick, order.new_host), (SESSION, f.tick, charlie));
	assert!(order.verify(&GENESIS, &alice.public_key().0));
	let inputs = |seen: &[SessionMessage]| {
		seen.iter()
			.filter_map(|m| match m {
				SessionMessage::Input(i) => Some((i.seq, i.keys)),
				_ => None,
			})
			.collect::<Vec<_>>()
	};
	assert_eq!(inputs(&backup_saw), vec![(1, 8), (2, 0), (3, 1), (4, 0)]);
	assert!(backup_saw.iter().any(|m| matches!(m, SessionMessage::Receipt(r) if r == &last)));
	assert!(backup_saw.iter().any(|m| matches!(m, SessionMessage::Bye(ByeReason::PlayerLeft))));
	// The host got the inputs sent while it streamed, then the final receipt and bye.
	assert_eq!(inputs(&host_saw), vec![(1, 8), (2, 0)]);
	assert!(host_saw.iter().any(|m| matches!(m, SessionMessage::Receipt(r) if r == &f.receipt)));
	assert!(host_saw.iter().any(|m| matches!(m, SessionMessage::Bye(ByeReason::PlayerLeft))));
}
