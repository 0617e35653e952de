//! A libp2p node for a worker or a player: QUIC and TCP (Noise, Yamux), identify, ping,
//! request–response for [`WorkerRequest`]s, and one long-lived stream per session
//! ([`SESSION_PROTOCOL`], `libp2p-stream`). The swarm runs in its own task; [`Node`] is the
//! handle the rest of the program uses, and [`NetEvent`]s tell it what peers did.

use crate::{
	io::{read_message, write_message},
	message::{WorkerRequest, WorkerResponse},
};
use futures::{AsyncRead, AsyncWrite, StreamExt};
use libp2p::{
	identify,
	identity::Keypair,
	noise, ping, request_response,
	swarm::{dial_opts::DialOpts, ConnectionId, NetworkBehaviour, SwarmEvent},
	tcp, yamux, Multiaddr, PeerId, StreamProtocol, Swarm,
};
use std::{collections::HashMap, io, time::Duration};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

/// The protocol of a session's stream (player or backup ↔ host).
pub const SESSION_PROTOCOL: StreamProtocol = StreamProtocol::new("/pgt/session/1");
/// The request–response protocol between workers (tasks, state bytes).
pub const WORKER_PROTOCOL: StreamProtocol = StreamProtocol::new("/pgt/worker/1");
/// What identify announces as the protocol family.
pub const IDENTIFY_PROTOCOL: &str = "/pgt/id/1";

/// How a node behaves on the network.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// Addresses to listen on (e.g. `/ip4/0.0.0.0/udp/30400/quic-v1`, `/ip4/0.0.0.0/tcp/30400`).
	pub listen: Vec<Multiaddr>,
	/// How often ping measures each connection's round trip.
	pub ping_interval: Duration,
	/// How long a worker request may take before it fails.
	pub request_timeout: Duration,
	/// How long a connection with nothing open stays up.
	pub idle_timeout: Duration,
}

impl Default for NodeConfig {
	fn default() -> Self {
		Self {
			listen: vec![],
			ping_interval: Duration::from_secs(5),
			request_timeout: Duration::from_secs(10),
			idle_timeout: Duration::from_secs(60),
		}
	}
}

/// What can go wrong on the network.
#[derive(Debug, Error)]
pub enum NetError {
	/// The swarm could not be built or could not listen.
	#[error("network setup failed: {0}")]
	Setup(String),
	/// A dial failed.
	#[error("could not reach {addr}: {reason}")]
	Dial {
		/// The address dialled.
		addr: Multiaddr,
		/// libp2p's reason.
		reason: String,
	},
	/// A request failed (timeout, refused protocol, connection lost, bad answer).
	#[error("request to {peer} failed: {reason}")]
	Request {
		/// The peer asked.
		peer: PeerId,
		/// libp2p's reason.
		reason: String,
	},
	/// A session stream could not be opened.
	#[error("could not open a session stream to {peer}: {reason}")]
	Stream {
		/// The peer.
		peer: PeerId,
		/// Why.
		reason: String,
	},
	/// The node's task has stopped.
	#[error("the network task has stopped")]
	Stopped,
}

/// What the network tells the program.
#[derive(Debug)]
pub enum NetEvent {
	/// A peer asks something; answer through `respond` (dropping it refuses).
	Request {
		/// Who asks (Noise-authenticated).
		peer: PeerId,
		/// What.
		request: WorkerRequest,
		/// Where the answer goes.
		respond: oneshot::Sender<WorkerResponse>,
	},
	/// A ping round trip to a connected peer.
	Ping {
		/// The peer.
		peer: PeerId,
		/// The measured round trip.
		rtt: Duration,
	},
	/// A connection to `peer` opened.
	Connected {
		/// The peer.
		peer: PeerId,
	},
	/// The last connection to `peer` closed.
	Disconnected {
		/// The peer.
		peer: PeerId,
	},
}

/// The behaviours a node runs.
#[derive(NetworkBehaviour)]
pub struct Behaviour {
	/// Announces and learns protocols and listen addresses.
	pub identify: identify::Behaviour,
	/// Measures round trips and keeps connections alive.
	pub ping: ping::Behaviour,
	/// Worker requests.
	pub requests: request_response::Behaviour<WorkerCodec>,
	/// Session streams.
	pub streams: libp2p_stream::Behaviour,
}

/// Reads and writes [`WorkerRequest`] / [`WorkerResponse`] with their bounds.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorkerCodec;

fn invalid(e: crate::io::ReadError) -> io::Error {
	match e {
		crate::io::ReadError::Io(e) => e,
		other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
	}
}

#[async_trait::async_trait]
impl request_response::Codec for WorkerCodec {
	type Protocol = StreamProtocol;
	type Request = WorkerRequest;
	type Response = WorkerResponse;

	async fn read_request<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> io::Result<WorkerRequest> {
		read_message(io).await.map_err(invalid)
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> io::Result<WorkerResponse> {
		read_message(io).await.map_err(invalid)
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: WorkerRequest,
	) -> io::Result<()> {
		write_message(io, &request).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		response: WorkerResponse,
	) -> io::Result<()> {
		write_message(io, &response).await
	}
}

enum Command {
	Dial { addr: Multiaddr, done: oneshot::Sender<Result<PeerId, NetError>> },
	Request { peer: PeerId, request: WorkerRequest, done: oneshot::Sender<Result<WorkerResponse, NetError>> },
	Disconnect { peer: PeerId },
}

/// The handle to a running node. Cloning it is cheap; the node stops when every handle and the
/// event receiver are dropped.
#[derive(Clone)]
pub struct Node {
	peer_id: PeerId,
	listen_addrs: Vec<Multiaddr>,
	commands: mpsc::Sender<Command>,
	control: libp2p_stream::Control,
}

impl Node {
	/// Builds the swarm, listens on `config.listen` and starts the network task. Returns once
	/// every listen address is bound (with its actual port).
	pub async fn start(keypair: Keypair, config: NodeConfig) -> Result<(Node, mpsc::Receiver<NetEvent>), NetError> {
		let peer_id = keypair.public().to_peer_id();
		let setup = |e: &dyn std::fmt::Display| NetError::Setup(e.to_string());
		let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
			.with_tokio()
			.with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
			.map_err(|e| setup(&e))?
			.with_quic()
			.with_behaviour(|key| Behaviour {
				identify: identify::Behaviour::new(identify::Config::new(IDENTIFY_PROTOCOL.into(), key.public())),
				ping: ping::Behaviour::new(ping::Config::new().with_interval(config.ping_interval)),
				requests: request_response::Behaviour::new(
					[(WORKER_PROTOCOL, request_response::ProtocolSupport::Full)],
					request_response::Config::default().with_request_timeout(config.request_timeout),
				),
				streams: libp2p_stream::Behaviour::new(),
			})
			.map_err(|e| setup(&e))?
			.with_swarm_config(|c| c.with_idle_connection_timeout(config.idle_timeout))
			.build();
		for addr in &config.listen {
			swarm.listen_on(addr.clone()).map_err(|e| setup(&e))?;
		}
		let mut listen_addrs = Vec::new();
		while listen_addrs.len() < config.listen.len() {
			match swarm.select_next_some().await {
				SwarmEvent::NewListenAddr { address, .. } => listen_addrs.push(address),
				SwarmEvent::ListenerError { error, .. } => return Err(setup(&error)),
				SwarmEvent::ListenerClosed { reason: Err(error), .. } => return Err(setup(&error)),
				_ => {},
			}
		}
		let control = swarm.behaviour().streams.new_control();
		let (commands, command_rx) = mpsc::channel(64);
		let (events, event_rx) = mpsc::channel(256);
		tokio::spawn(run(swarm, command_rx, events));
		Ok((Node { peer_id, listen_addrs, commands, control }, event_rx))
	}

	/// This node's peer id.
	pub fn peer_id(&self) -> PeerId {
		self.peer_id
	}

	/// The addresses it listens on, with their actual ports.
	pub fn listen_addrs(&self) -> &[Multiaddr] {
		&self.listen_addrs
	}

	/// Connects to `addr` (which may end in `/p2p/<peer id>`: then a peer with another id is
	/// refused by the handshake) and returns the peer's Noise- or TLS-authenticated id.
	pub async fn dial(&self, addr: Multiaddr) -> Result<PeerId, NetError> {
		let (done, rx) = oneshot::channel();
		self.commands.send(Command::Dial { addr, done }).await.map_err(|_| NetError::Stopped)?;
		rx.await.map_err(|_| NetError::Stopped)?
	}

	/// Sends `request` to `peer` and waits for its answer.
	pub async fn request(&self, peer: PeerId, request: WorkerRequest) -> Result<WorkerResponse, NetError> {
		let (done, rx) = oneshot::channel();
		self.commands.send(Command::Request { peer, request, done }).await.map_err(|_| NetError::Stopped)?;
		rx.await.map_err(|_| NetError::Stopped)?
	}

	/// Closes every connection to `peer` (a peer that broke the protocol).
	pub async fn disconnect(&self, peer: PeerId) {
		let _ = self.commands.send(Command::Disconnect { peer }).await;
	}

	/// Opens a session stream to a connected `peer`.
	pub async fn open_session(&self, peer: PeerId) -> Result<libp2p::Stream, NetError> {
		self.control
			.clone()
			.open_stream(peer, SESSION_PROTOCOL)
			.await
			.map_err(|e| NetError::Stream { peer, reason: e.to_string() })
	}

	/// Session streams opened to this node (only one caller may accept them).
	pub fn accept_sessions(&self) -> Result<libp2p_stream::IncomingStreams, NetError> {
		self.control.clone().accept(SESSION_PROTOCOL).map_err(|e| NetError::Setup(e.to_string()))
	}
}

async fn run(mut swarm: Swarm<Behaviour>, mut commands: mpsc::Receiver<Command>, events: mpsc::Sender<NetEvent>) {
	let mut dials: HashMap<ConnectionId, (Multiaddr, oneshot::Sender<Result<PeerId, NetError>>)> = HashMap::new();
	let mut requests: HashMap<request_response::OutboundRequestId, oneshot::Sender<Result<WorkerResponse, NetError>>> =
		HashMap::new();
	let mut answers = futures::stream::FuturesUnordered::new();
	loop {
		tokio::select! {
			command = commands.recv() => match command {
				None => break,
				Some(Command::Dial { addr, done }) => {
					let opts = DialOpts::unknown_peer_id().address(addr.clone()).build();
					let id = opts.connection_id();
					match swarm.dial(opts) {
						Ok(()) => { dials.insert(id, (addr, done)); },
						Err(e) => { let _ = done.send(Err(NetError::Dial { addr, reason: e.to_string() })); },
					}
				},
				Some(Command::Request { peer, request, done }) => {
					let id = swarm.behaviour_mut().requests.send_request(&peer, request);
					requests.insert(id, done);
				},
				Some(Command::Disconnect { peer }) => { let _ = swarm.disconnect_peer_id(peer); },
			},
			Some((channel, answer)) = answers.next(), if !answers.is_empty() => {
				if let Ok(response) = answer {
					let _ = swarm.behaviour_mut().requests.send_response(channel, response);
				}
			},
			event = swarm.select_next_some() => match event {
				SwarmEvent::ConnectionEstablished { peer_id, connection_id, num_established, .. } => {
					if let Some((_, done)) = dials.remove(&connection_id) {
						let _ = done.send(Ok(peer_id));
					}
					if num_established.get() == 1 {
						// Never awaited: a slow consumer must not stall the swarm (and every
						// session stream with it); an event it has no room for is dropped.
						let _ = events.try_send(NetEvent::Connected { peer: peer_id });
					}
				},
				SwarmEvent::OutgoingConnectionError { connection_id, error, .. } => {
					if let Some((addr, done)) = dials.remove(&connection_id) {
						let _ = done.send(Err(NetError::Dial { addr, reason: error.to_string() }));
					}
				},
				SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } => {
					let _ = events.try_send(NetEvent::Disconnected { peer: peer_id });
				},
				SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event { peer, result: Ok(rtt), .. })) => {
					let _ = events.try_send(NetEvent::Ping { peer, rtt });
				},
				SwarmEvent::Behaviour(BehaviourEvent::Requests(event)) => match event {
					request_response::Event::Message { peer, message } => match message {
						request_response::Message::Request { request, channel, .. } => {
							let (respond, answer) = oneshot::channel();
							// A request the consumer has no room for is dropped: the requester sees
							// it fail, the swarm goes on.
							if events.try_send(NetEvent::Request { peer, request, respond }).is_ok() {
								answers.push(async move { (channel, answer.await) });
							} else {
								tracing::debug!(%peer, "event queue full; request dropped");
							}
						},
						request_response::Message::Response { request_id, response } => {
							if let Some(done) = requests.remove(&request_id) {
								let _ = done.send(Ok(response));
							}
						},
					},
					request_response::Event::OutboundFailure { peer, request_id, error } => {
						if let Some(done) = requests.remove(&request_id) {
							let _ = done.send(Err(NetError::Request { peer, reason: error.to_string() }));
						}
					},
					request_response::Event::InboundFailure { peer, error, .. } => {
						tracing::debug!(%peer, %error, "inbound request failed");
					},
					request_response::Event::ResponseSent { .. } => {},
				},
				_ => {},
			},
		}
	}
}

/// `addr` ending in `/p2p/<peer>`, so a dial checks the peer's identity.
pub fn with_peer(addr: Multiaddr, peer: PeerId) -> Multiaddr {
	match addr.iter().last() {
		Some(libp2p::multiaddr::Protocol::P2p(_)) => addr,
		_ => addr.with(libp2p::multiaddr::Protocol::P2p(peer)),
	}
}
