//! `pgt-player`, the player's client.
//!
//! - [`play`]: `pgt-player play`: choose a host by latency, pay into escrow, stream into the
//!   page, sign receipts, settle;
//! - [`discover`]: online candidates and their measured latency;
//! - [`session`]: one session's stream (frames, keys, clock probes, receipts);
//! - [`clock`]: the host's session clock, estimated from probes (latency figures);
//! - [`billing`]: the receipt ledger (served and paused seconds);
//! - [`web`]: the local page (loopback HTTP + WebSocket);
//! - [`metrics`]: Prometheus metrics.

pub mod billing;
pub mod clock;
pub mod discover;
pub mod metrics;
pub mod play;
pub mod session;
pub mod web;
