//! What the player's network tests share.

use pgt_net::{NetworkKeypair, Node, NodeConfig};

/// The genesis hash the tests sign receipts, hellos and takeovers for.
pub const GENESIS: [u8; 32] = [9; 32];

/// A libp2p node on a free loopback QUIC port, its other events drained.
pub async fn node() -> Node {
	let config = NodeConfig { listen: vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()], ..NodeConfig::default() };
	let (node, mut events) = Node::start(NetworkKeypair::generate_ed25519(), config).await.expect("node starts");
	tokio::spawn(async move { while events.recv().await.is_some() {} });
	node
}
