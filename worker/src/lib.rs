//! `pgt-worker`, the contributor's daemon. Built so far: its network identity ([`keys`]),
//! frame encoding ([`encode`]) and the configuration of `run` ([`config`]). The daemon itself (`pgt-worker run`: measure, register,
//! heartbeat, accept, host, commit, open) follows in the modules to come.

pub mod config;
pub mod encode;
pub mod keys;
