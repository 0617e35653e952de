//! The shielded PGT wallet (`pgt-wallet`): keys from a mnemonic ([`keys`]), note encryption
//! ([`encryption`]), rebuilding the note tree and finding the wallet's notes ([`scan`]),
//! building transactions ([`transaction`]), proving ([`prover`]), the chain ([`chain`]) and reads
//! proven against GRANDPA finality ([`proven`]).
//! Design and walkthrough: `docs/shielded.md`.

pub mod amount;
pub mod chain;
pub mod encryption;
pub mod export;
pub mod keys;
pub mod proven;
pub mod prover;
pub mod scan;
pub mod transaction;
