//! `pgt-worker`, the contributor's daemon. Built so far: its network identity ([`keys`]) and
//! frame encoding ([`encode`]). The daemon itself (`pgt-worker run`: measure, register,
//! heartbeat, accept, host, commit, open) follows in the modules to come.

pub mod encode;
pub mod keys;
