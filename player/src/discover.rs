//! Finding hosts: the online contributors with a free slot and a rate for the game, and their
//! measured latency (libp2p ping over a connection to their on-chain addresses, median of 5).

use anyhow::Result;
use pgt_client::{chain::At, records::ContributorStatus, AccountId, Chain};
use pgt_net::{with_peer, Multiaddr, NetEvent, Node, PeerId};
use pgt_primitives::{sessions::GameId, Balance, BlockNumber};
use std::{collections::HashMap, time::Duration};
use tokio::sync::mpsc;

/// Ping samples per candidate.
pub const PING_SAMPLES: usize = 5;
/// How long latency measurement may take in all.
pub const MEASURE_FOR: Duration = Duration::from_secs(4);

/// A contributor that could host.
#[derive(Clone, Debug)]
pub struct Candidate {
	/// Its account.
	pub account: AccountId,
	/// Its peer id, from its profile.
	pub peer: PeerId,
	/// Its addresses, from its profile (each ending in `/p2p/<peer>`).
	pub addrs: Vec<Multiaddr>,
	/// Its rate for the game, plancks per compute-hour.
	pub rate: Balance,
	/// The median ping round trip, once measured.
	pub rtt: Option<Duration>,
}

/// The online contributors at `at` with a free slot, a valid peer id and address, and a rate
/// for `game`.
pub async fn online_candidates(at: &At, game: GameId) -> Result<Vec<Candidate>> {
	let now = at.block_number();
	let timeout: BlockNumber = Chain::constant(at, "Contributors", "HeartbeatTimeout")?;
	let mut out = Vec::new();
	for (account, record) in Chain::contributors(at).await? {
		let fresh = now.saturating_sub(u64::from(record.last_heartbeat)) <= u64::from(timeout);
		let free = record.slots_in_use < record.profile.max_sessions;
		if !matches!(record.status, ContributorStatus::Online) || !fresh || !free {
			continue;
		}
		let Ok(peer) = PeerId::from_bytes(&record.profile.peer_id) else { continue };
		let addrs: Vec<Multiaddr> = record
			.profile
			.addresses
			.iter()
			.filter_map(|a| Multiaddr::try_from(a.to_vec()).ok())
			.map(|a| with_peer(a, peer))
			.collect();
		if addrs.is_empty() {
			continue;
		}
		let rate: Option<Balance> = Chain::view(at, "Sessions", "contributor_rate", (account, game)).await?;
		if let Some(rate) = rate {
			out.push(Candidate { account, peer, addrs, rate, rtt: None });
		}
	}
	Ok(out)
}

/// Connects to every candidate and measures its ping round trip (median of
/// [`PING_SAMPLES`]); returns them fastest first, unreachable ones dropped. `events` is the
/// node's event stream (pings are read from it; everything else is passed over).
pub async fn measure(
	node: &Node,
	events: &mut mpsc::Receiver<NetEvent>,
	mut candidates: Vec<Candidate>,
) -> Vec<Candidate> {
	let mut reachable = HashMap::new();
	for (i, c) in candidates.iter().enumerate() {
		for addr in &c.addrs {
			match tokio::time::timeout(Duration::from_secs(3), node.dial(addr.clone())).await {
				Ok(Ok(peer)) if peer == c.peer => {
					reachable.insert(peer, i);
					break;
				},
				Ok(Ok(peer)) => {
					tracing::warn!(%peer, expected = %c.peer, "a contributor's address answers with another peer id")
				},
				Ok(Err(e)) => tracing::debug!(%addr, error = %e, "dial failed"),
				Err(_) => tracing::debug!(%addr, "dial timed out"),
			}
		}
	}
	let mut samples: HashMap<PeerId, Vec<Duration>> = HashMap::new();
	let deadline = tokio::time::Instant::now() + MEASURE_FOR;
	while samples.len() < reachable.len() || samples.values().any(|s| s.len() < PING_SAMPLES) {
		match tokio::time::timeout_at(deadline, events.recv()).await {
			Ok(Some(NetEvent::Ping { peer, rtt })) if reachable.contains_key(&peer) => {
				let s = samples.entry(peer).or_default();
				if s.len() < PING_SAMPLES {
					s.push(rtt);
				}
			},
			Ok(Some(_)) => {},
			Ok(None) | Err(_) => break,
		}
	}
	for (peer, mut s) in samples {
		if let Some(&i) = reachable.get(&peer) {
			s.sort();
			candidates[i].rtt = s.get(s.len() / 2).copied();
		}
	}
	candidates.retain(|c| c.rtt.is_some());
	candidates.sort_by_key(|c| c.rtt);
	candidates
}
