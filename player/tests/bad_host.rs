//! Hosts that break the protocol, over two real libp2p nodes on loopback: after a welcome and a
//! few good frames a host sends bytes that are no message, a length far over the bound, or a
//! receipt for another session (a message no host may send). The player's session ends with the
//! reason — never a panic, never a hang — and the player still sends its final signed receipt
//! and bye; a player node that met a bad host plays with the next one.

mod common;

use common::{node, GENESIS};
use futures::{AsyncWriteExt, StreamExt};
use pgt_net::{
	io::{read_message, write_message},
	libp2p::multiaddr::Protocol,
	signed::sign_receipt,
	ByeReason, Encoding, Frame, Node, SessionMessage,
};
use pgt_player::{
	metrics::Metrics,
	session::{self, SessionCtx},
	web,
};
use pgt_primitives::sessions::Receipt;
use std::time::Duration;
use subxt_signer::sr25519::dev;
use tokio::sync::mpsc;

const SESSION: u64 = 4;

#[derive(Clone, Copy, Debug)]
enum Misbehaviour {
	Garbage,
	Oversized,
	OtherSessionsReceipt,
}

fn frame(number: u64) -> Frame {
	Frame {
		number,
		tick: number * 2,
		rendered_at_us: number * 33_000,
		last_input_seq: 0,
		width: 4,
		height: 4,
		encoding: Encoding::Raw,
		data: vec![number as u8; 64],
	}
}

/// Serves one stream: reads the hello, welcomes, sends three good frames, misbehaves, then reads
/// what the player still sends until the stream closes.
async fn bad_host(host: &Node, how: Misbehaviour) -> tokio::task::JoinHandle<Vec<SessionMessage>> {
	let mut incoming = host.accept_sessions().expect("accepts");
	tokio::spawn(async move {
		let (_peer, mut s) = incoming.next().await.expect("a stream");
		let hello = read_message::<_, SessionMessage>(&mut s).await.expect("hello");
		assert!(matches!(hello, SessionMessage::Hello(_)));
		write_message(&mut s, &SessionMessage::Welcome { tick: 0, now_us: 0 }).await.expect("writes");
		for n in 0..3 {
			write_message(&mut s, &SessionMessage::Frame(frame(n))).await.expect("writes");
		}
		match how {
			Misbehaviour::Garbage => {
				s.write_all(&[7, 0, 0, 0, 1, 0, 0xfe, 0xff, 0xff, 0xff, 0xff]).await.expect("writes")
			},
			Misbehaviour::Oversized => s.write_all(&u32::MAX.to_le_bytes()).await.expect("writes"),
			Misbehaviour::OtherSessionsReceipt => {
				let r = Receipt {
					session: SESSION + 1,
					contributor: dev::bob().public_key().0,
					seconds_served: 9,
					seconds_paused: 0,
					frames: 90,
					latency_p50_ms: 1,
					latency_p95_ms: 1,
					counter: 1,
				};
				let signed = sign_receipt(&dev::alice(), &GENESIS, r);
				write_message(&mut s, &SessionMessage::Receipt(signed)).await.expect("writes")
			},
		}
		s.flush().await.expect("flushes");
		let mut got = Vec::new();
		while let Ok(Ok(m)) =
			tokio::time::timeout(Duration::from_secs(10), read_message::<_, SessionMessage>(&mut s)).await
		{
			got.push(m);
		}
		got
	})
}

async fn play_against(player: &Node, host: &Node) -> (session::SessionEnd, std::sync::Arc<Metrics>) {
	let addr = host.listen_addrs()[0].clone().with(Protocol::P2p(host.peer_id()));
	player.dial(addr).await.expect("dials");
	let mut stream = player.open_session(host.peer_id()).await.expect("opens");
	let alice = dev::alice();
	let hello = pgt_net::signed::sign_hello(
		&alice,
		&GENESIS,
		SESSION,
		pgt_net::Role::Player,
		&player.peer_id().to_bytes(),
		&host.peer_id().to_bytes(),
	);
	write_message(&mut stream, &SessionMessage::Hello(hello)).await.expect("hello");
	let mut page = web::serve("127.0.0.1:0".parse().unwrap()).await.expect("page");
	let (_events_tx, net_events) = mpsc::channel(1);
	let metrics = Metrics::serve(None).expect("metrics");
	let ctx = SessionCtx {
		chain: None,
		signer: &alice,
		genesis: GENESIS,
		session: SESSION,
		host: dev::bob().public_key().0,
		rate: 0,
		max_latency_ms: 100,
		headless: true,
		duration: Some(Duration::from_secs(30)),
		page: &mut page,
		net_events,
		stream,
		backup: None,
		metrics: metrics.clone(),
	};
	let end = tokio::time::timeout(Duration::from_secs(20), session::run(ctx))
		.await
		.expect("a bad host ends the session at once, not at its time limit")
		.expect("the session ends without an error");
	(end, metrics)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_breaks_the_protocol_ends_the_session_not_the_player() {
	let player = node().await;
	for (how, expected) in [
		(Misbehaviour::Garbage, "the stream failed"),
		(Misbehaviour::Oversized, "the stream failed"),
		(Misbehaviour::OtherSessionsReceipt, "the host broke the protocol"),
	] {
		let host = node().await;
		let seen = bad_host(&host, how).await;
		let (end, metrics) = play_against(&player, &host).await;
		assert!(end.reason.contains(expected), "{how:?}: {}", end.reason);
		// The good frames before the bad bytes were taken; nothing after them.
		assert_eq!(metrics.frames_received.get(), 3, "{how:?}");
		// The player signs what it has seen, for its own session and host, and says bye.
		let last = end.last.expect("a final receipt");
		assert_eq!((last.receipt.session, last.receipt.contributor), (SESSION, dev::bob().public_key().0));
		assert!(last.verify(&GENESIS, &dev::alice().public_key().0));
		let seen = seen.await.expect("the host task");
		assert!(seen.iter().any(|m| matches!(m, SessionMessage::Receipt(r) if r == &last)), "{how:?}: {seen:?}");
		assert!(seen.iter().any(|m| matches!(m, SessionMessage::Bye(ByeReason::PlayerLeft))), "{how:?}: {seen:?}");
	}
}
