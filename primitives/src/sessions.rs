//! Gaming sessions as the player's client, the worker and the chain all see them: identifiers,
//! game complexity tiers, and the player-signed **receipt** that bills a session.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};

use scale_info::TypeInfo;

/// Identifies a session on chain (assigned in order, never reused).
pub type SessionId = u64;

/// Identifies a game in the chain's catalogue.
pub type GameId = u32;

/// The reference game ("Block Rain", the arena `pgt-compute` runs and renders): in every chain's
/// catalogue from genesis, and the game every micro-task of the reference worker names.
pub const ARENA_GAME: GameId = 0;

/// The domain tag every receipt signature starts with, so a receipt signature can never be
/// mistaken for (or replayed as) a signature over anything else.
pub const RECEIPT_SIGNING_CONTEXT: &[u8] = b"pgt/receipt/v1";

/// How heavy a game is to compute. A contributor's rate is the base rate times this tier's
/// multiplier (times its reputation multiplier).
#[derive(
	serde::Serialize,
	serde::Deserialize,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ComplexityTier {
	/// 2D or simple 3D: 1× the base rate.
	Light,
	/// The reference arena and games like it: 2× the base rate.
	Standard,
	/// Large scenes, heavy physics: 4× the base rate.
	Heavy,
}

impl ComplexityTier {
	/// The rate multiplier of this tier.
	pub const fn multiplier(self) -> u32 {
		match self {
			ComplexityTier::Light => 1,
			ComplexityTier::Standard => 2,
			ComplexityTier::Heavy => 4,
		}
	}
}

/// A cumulative statement by the player's client of what one contributor delivered in one
/// session so far. The client signs a new one every few seconds; each supersedes the last for
/// that contributor, and the chain accepts it only if it adds: more seconds served (or as many,
/// with a higher counter), no fewer paused seconds or frames, at most as many new paused seconds
/// as new served seconds, and no more seconds served than have passed since the contributor
/// started serving.
///
/// `seconds_served` counts every second the contributor streamed; `seconds_paused` the part of
/// them in which latency was over the session's limit, which costs nothing. So the contributor
/// is billed `seconds_served − seconds_paused`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct Receipt<AccountId> {
	/// The session this receipt is for.
	pub session: SessionId,
	/// The contributor it pays.
	pub contributor: AccountId,
	/// Seconds this contributor has streamed in the session, cumulative.
	pub seconds_served: u32,
	/// Of those, seconds in which latency was over the session's limit, cumulative.
	pub seconds_paused: u32,
	/// Frames delivered by this contributor, cumulative.
	pub frames: u64,
	/// Median round-trip latency over the session so far, in milliseconds.
	pub latency_p50_ms: u16,
	/// 95th-percentile round-trip latency, in milliseconds.
	pub latency_p95_ms: u16,
	/// Grows with every receipt the player signs for this contributor in this session. It orders
	/// receipts that serve the same number of seconds (the later one carries newer latency
	/// figures); a receipt that serves more seconds supersedes whatever its counter.
	pub counter: u32,
}

impl<AccountId> Receipt<AccountId> {
	/// Seconds this receipt bills (served minus paused).
	pub fn billed_seconds(&self) -> u32 {
		self.seconds_served.saturating_sub(self.seconds_paused)
	}
}

impl<AccountId: Encode> Receipt<AccountId> {
	/// The bytes the player signs: [`RECEIPT_SIGNING_CONTEXT`], the chain's genesis hash (so a
	/// receipt is valid on one chain only), then the SCALE-encoded receipt.
	pub fn signing_payload<Hash: Encode>(&self, genesis_hash: &Hash) -> alloc::vec::Vec<u8> {
		let mut payload = RECEIPT_SIGNING_CONTEXT.to_vec();
		genesis_hash.encode_to(&mut payload);
		self.encode_to(&mut payload);
		payload
	}
}

/// Sessions as the work-verification pallet sees them (implemented by `pallet-pgt-sessions`).
pub trait SessionWork<AccountId> {
	/// Whether `who` may commit work for `session` now: it hosts it (accepted and running), or
	/// the current host named it a helper.
	fn is_serving(session: SessionId, who: &AccountId) -> bool;

	/// Everyone with a stake in `session`: the player, the host, backups, standby candidates,
	/// helpers and every contributor that has served it. None of them may audit its work. Empty for a
	/// session that is not live.
	fn participants(session: SessionId) -> alloc::vec::Vec<AccountId>;

	/// Takes `seconds` of `who`'s billed time in `session` away because its work in one
	/// verification window was found wrong: those seconds are not paid when the session settles.
	/// A helper of the session is paid nothing for it at all. Returns the seconds actually
	/// forfeited (fewer when `who` has been billed fewer, none for a helper or when the session
	/// has settled).
	fn forfeit(session: SessionId, who: &AccountId, seconds: u32) -> u32;

	/// Records that `who`, hosting `session` or helping its host, committed its work for a
	/// verification window that covers `seconds` of session time with `tasks` micro-tasks. A
	/// host's billed seconds are paid only as far as commitments cover them (plus an allowance
	/// for the windows still open when the session ends); a helper is paid for no more tasks than
	/// it committed. Returns whether it was recorded (`false` when `who` may not commit for
	/// `session`).
	fn note_commitment(session: SessionId, who: &AccountId, seconds: u32, tasks: u32) -> bool;

	/// What the work of `session` must be: its game and its task package hash (the game's state
	/// starts from [`crate::work::game_seed`] of it). `None` for a session that is not live.
	fn work_spec(session: SessionId) -> Option<WorkSpec>;
}

/// What a session's work must be, as the work-verification pallet checks it.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug)]
pub struct WorkSpec {
	/// The game every task must be of.
	pub game: GameId,
	/// The session's task package hash.
	pub task_hash: crate::Hash,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn paused_seconds_are_not_billed() {
		let r = Receipt {
			session: 1,
			contributor: 7u64,
			seconds_served: 100,
			seconds_paused: 30,
			frames: 0,
			latency_p50_ms: 0,
			latency_p95_ms: 0,
			counter: 1,
		};
		assert_eq!(r.billed_seconds(), 70);
	}

	#[test]
	fn signing_payload_binds_chain_and_context() {
		let r = Receipt {
			session: 1,
			contributor: 7u64,
			seconds_served: 1,
			seconds_paused: 0,
			frames: 1,
			latency_p50_ms: 1,
			latency_p95_ms: 1,
			counter: 1,
		};
		let a = r.signing_payload(&[1u8; 32]);
		let b = r.signing_payload(&[2u8; 32]);
		assert_ne!(a, b);
		assert!(a.starts_with(RECEIPT_SIGNING_CONTEXT));
		assert!(a.ends_with(&r.encode()));
	}
}
