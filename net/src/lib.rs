//! `pgt-net`: what `pgt-worker` and `pgt-player` say to each other.
//!
//! - [`message`]: the messages of a session's stream (player ↔ host: hello, inputs, frames,
//!   clock sync, receipts, takeover) and of request–response exchanges between workers (micro
//!   tasks for helpers, state bytes for auditors), each SCALE-encoded with a version and a size
//!   bound ([`wire::Message`]).
//! - [`wire`]: how a message travels: `version ‖ SCALE body`, length-prefixed on a stream,
//!   refused before decoding when too long, and decoded only whole.
//! - [`signed`]: what a player signs besides receipts (its hello and a takeover), with domain
//!   tags so no signature can be replayed as another.
//!
//! The transport (libp2p: QUIC and TCP/Noise/Yamux, identify, ping, request–response and one
//! stream per session) carries these bytes; nothing here trusts a peer: every decode is bounded
//! and every failure is an error value naming what was wrong.

pub mod io;
pub mod message;
pub mod node;
pub mod signed;
pub mod wire;

pub use libp2p;
pub use libp2p::{identity::Keypair as NetworkKeypair, Multiaddr, PeerId};
pub use libp2p_stream;
pub use message::{
	Applied, ByeReason, Encoding, Frame, Hello, Input, Lockstep, Role, SessionMessage, SignedReceipt, Snapshot,
	Takeover, Video,
};
pub use node::{with_peer, NetError, NetEvent, Node, NodeConfig};
pub use wire::{Message, WireError};
