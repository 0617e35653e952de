//! `pgt-client`: the PGT chain as `pgt-worker` and `pgt-player` see it.
//!
//! Everything goes through the node's standard JSON-RPC with subxt (no generated code, no custom
//! types on the node's side):
//!
//! - [`call`]: a call built from the runtime's own argument types (`pgt-primitives`), SCALE
//!   encoded, then decoded against the node's metadata before it is signed, so a call whose
//!   shape the runtime does not have is refused before it leaves this machine;
//! - [`records`]: the stored records this client reads (sessions, CSU records, contributors),
//!   decoded from their SCALE bytes;
//! - [`chain`]: the connection: submit and wait, read storage, call view functions, follow
//!   blocks and their events.

pub mod call;
pub mod chain;
pub mod records;

pub use chain::{Chain, Included, Wait};
pub use records::{
	ContributorRecord, CsuRecord, CsuShare, HelperShare, HelperWork, Served, SessionRecord, SessionState,
};

/// An account on chain (its sr25519 public key).
pub type AccountId = [u8; 32];
