//! Two real libp2p nodes on loopback: a session stream over QUIC and over TCP, a worker request
//! answered, and a peer that sends garbage is dropped while the node carries on.

use futures::{AsyncWriteExt, StreamExt};
use pgt_net::{
	io::{read_message, write_message},
	libp2p,
	message::{WorkerRequest, WorkerResponse},
	Input, Multiaddr, NetEvent, NetworkKeypair, Node, NodeConfig, SessionMessage,
};
use std::time::Duration;

async fn node() -> (Node, tokio::sync::mpsc::Receiver<NetEvent>) {
	let config = NodeConfig {
		listen: vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap(), "/ip4/127.0.0.1/tcp/0".parse().unwrap()],
		ping_interval: Duration::from_millis(100),
		..NodeConfig::default()
	};
	Node::start(NetworkKeypair::generate_ed25519(), config).await.expect("node starts")
}

fn addr_of(node: &Node, transport: &str) -> Multiaddr {
	let addr = node.listen_addrs().iter().find(|a| a.to_string().contains(transport)).expect("listens").clone();
	addr.with(libp2p_p2p(node))
}

fn libp2p_p2p(node: &Node) -> libp2p::multiaddr::Protocol<'static> {
	libp2p::multiaddr::Protocol::P2p(node.peer_id())
}

async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
	tokio::time::timeout(Duration::from_secs(20), f).await.expect("in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_stream_carries_messages_both_ways_over_quic_and_tcp() {
	let (host, _host_events) = node().await;
	let mut incoming = host.accept_sessions().expect("accepts");
	let host_task = tokio::spawn(async move {
		// Echo every input back as a heartbeat at its tick, for two streams.
		for _ in 0..2 {
			let (_peer, mut stream) = incoming.next().await.expect("a stream");
			while let Ok(m) = read_message::<_, SessionMessage>(&mut stream).await {
				if let SessionMessage::Input(i) = m {
					write_message(&mut stream, &SessionMessage::Heartbeat { tick: i.tick }).await.expect("writes");
				}
			}
		}
	});
	for transport in ["quic-v1", "tcp"] {
		let (player, _events) = node().await;
		let peer = within(player.dial(addr_of(&host, transport))).await.expect("dials");
		assert_eq!(peer, host.peer_id());
		let mut stream = within(player.open_session(peer)).await.expect("opens");
		for tick in [5u64, 6, 7] {
			write_message(&mut stream, &SessionMessage::Input(Input { tick, keys: 1, seq: tick as u32 }))
				.await
				.unwrap();
			let back = within(read_message::<_, SessionMessage>(&mut stream)).await.expect("reads");
			assert_eq!(back, SessionMessage::Heartbeat { tick });
		}
		stream.close().await.unwrap();
	}
	within(host_task).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dial_to_the_wrong_peer_id_is_refused() {
	let (host, _e1) = node().await;
	let (other, _e2) = node().await;
	let (player, _e3) = node().await;
	// The host's address with someone else's peer id: the handshake proves the mismatch.
	let lie = host.listen_addrs()[0].clone().with(libp2p_p2p(&other));
	assert!(within(player.dial(lie)).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_request_is_answered_and_pings_measure_the_round_trip() {
	let (host, mut host_events) = node().await;
	let (auditor, mut auditor_events) = node().await;
	let peer = within(auditor.dial(addr_of(&host, "tcp"))).await.unwrap();
	let answering = tokio::spawn(async move {
		while let Some(event) = host_events.recv().await {
			if let NetEvent::Request { request: WorkerRequest::State { hash }, respond, .. } = event {
				let known = hash.0 == [7; 32];
				let _ = respond.send(WorkerResponse::State(known.then(|| vec![1, 2, 3].try_into().unwrap())));
			}
		}
	});
	let answer = within(auditor.request(peer, WorkerRequest::State { hash: [7; 32].into() })).await.unwrap();
	assert_eq!(answer, WorkerResponse::State(Some(vec![1, 2, 3].try_into().unwrap())));
	let unknown = within(auditor.request(peer, WorkerRequest::State { hash: [8; 32].into() })).await.unwrap();
	assert_eq!(unknown, WorkerResponse::State(None));
	// Ping reports round trips to the host.
	let rtt = within(async {
		loop {
			if let Some(NetEvent::Ping { peer: p, rtt }) = auditor_events.recv().await {
				if p == peer {
					break rtt;
				}
			}
		}
	})
	.await;
	assert!(rtt < Duration::from_secs(5));
	answering.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_a_stream_is_an_error_and_the_host_serves_the_next_stream() {
	let (host, _host_events) = node().await;
	let mut incoming = host.accept_sessions().expect("accepts");
	let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
	tokio::spawn(async move {
		while let Some((_peer, mut stream)) = incoming.next().await {
			let result = read_message::<_, SessionMessage>(&mut stream).await;
			let _ = results_tx.send(result.map_err(|e| (e.is_fatal(), e.to_string()))).await;
		}
	});
	let (attacker, _e) = node().await;
	let peer = within(attacker.dial(addr_of(&host, "quic-v1"))).await.unwrap();

	// An announced length far over the bound: refused before the body, fatal for the stream.
	let mut s = within(attacker.open_session(peer)).await.unwrap();
	s.write_all(&u32::MAX.to_le_bytes()).await.unwrap();
	s.flush().await.unwrap();
	let (fatal, reason) = within(results.recv()).await.unwrap().unwrap_err();
	assert!(fatal && reason.contains("over its bound"), "{reason}");

	// Bytes that don't decode, whole: an error for that message only.
	let mut s = within(attacker.open_session(peer)).await.unwrap();
	s.write_all(&[5, 0, 0, 0, 1, 0, 0xee, 0xee, 0xee]).await.unwrap();
	s.flush().await.unwrap();
	let (fatal, _) = within(results.recv()).await.unwrap().unwrap_err();
	assert!(!fatal);

	// The host still serves a well-behaved stream.
	let mut s = within(attacker.open_session(peer)).await.unwrap();
	write_message(&mut s, &SessionMessage::Heartbeat { tick: 3 }).await.unwrap();
	assert_eq!(within(results.recv()).await.unwrap(), Ok(SessionMessage::Heartbeat { tick: 3 }));
	// A clean close between messages reads as Closed, not as an error of the peer.
	let mut s = within(attacker.open_session(peer)).await.unwrap();
	s.close().await.unwrap();
	let closed = within(results.recv()).await.unwrap().unwrap_err();
	assert!(closed.1.contains("closed"), "{closed:?}");
}
