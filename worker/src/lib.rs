//! `pgt-worker`, the contributor's daemon.
//!
//! - [`config`]: `run`'s options (TOML file, flags, environment);
//! - [`keys`]: the worker's network identity;
//! - [`machine`]: measuring the machine (renderer, benchmark score, resource hash);
//! - [`daemon`]: `run` itself: register, heartbeat, accept, host, submit receipts, settle,
//!   commit windows, open challenges, audit;
//! - [`host`] and [`game_loop`]: one hosted session: its stream, and the game at 60 ticks a second;
//! - [`helpers`]: a host's helpers: frames split into strips, sent, checked and composited;
//! - [`lockstep`]: what a host tells its backups, and a backup's copy of the game;
//! - [`encode`]: frame encoding (JPEG, raw);
//! - [`work`]: micro-task leaves, sealed windows, openings, and an auditor's recomputation;
//! - [`store`]: the embedded store (receipts, applied inputs, open sessions, sealed windows,
//!   commitments, an auditor's verdicts);
//! - [`metrics`]: Prometheus metrics.

pub mod config;
pub mod daemon;
pub mod encode;
pub mod game_loop;
pub mod helpers;
pub mod host;
pub mod keys;
pub mod lockstep;
pub mod machine;
pub mod metrics;
pub mod store;
pub mod work;
