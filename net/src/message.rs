//! The messages. A session's stream (opened by the player, or a backup, to the host) carries
//! [`SessionMessage`]s both ways; workers ask each other for work and state with
//! [`WorkerRequest`] / [`WorkerResponse`].
//!
//! Time on a session stream is the **session clock**: ticks of the game (60 a second) from the
//! session's first state, and microseconds since the host started the session. The player learns
//! the host's clock with [`SessionMessage::ClockProbe`] round trips, so a frame's
//! `rendered_at_us` can be turned into "rendered → drawn" latency on the player's side.

use crate::wire::{Message, WireError};
use codec::{Decode, Encode};
use pgt_primitives::{
	sessions::{Receipt, SessionId},
	work::{MicroTask, StateBytes},
	Hash,
};

/// An account, as the chain stores it (sr25519 public key).
pub type AccountId = [u8; 32];
/// An sr25519 signature.
pub type Signature = [u8; 64];
/// A game tick: 60 per second from the session's first state.
pub type Tick = u64;

/// The widest frame the protocol carries.
pub const MAX_FRAME_WIDTH: u16 = 1920;
/// The tallest frame the protocol carries.
pub const MAX_FRAME_HEIGHT: u16 = 1080;
/// The most bytes of one frame's pixels: a raw RGBA frame of the largest size.
pub const MAX_FRAME_BYTES: usize = MAX_FRAME_WIDTH as usize * MAX_FRAME_HEIGHT as usize * 4;
/// The most bytes a micro task's output may take (a full raw frame).
pub const MAX_TASK_OUTPUT_BYTES: usize = MAX_FRAME_BYTES;

/// Why the side that opened a session stream is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Role {
	/// The session's player: sends inputs and receipts, receives frames.
	Player,
	/// A backup of the session: follows the host's applied inputs to take over.
	Backup,
	/// A helper: computes micro tasks for the host.
	Helper,
}

/// The first message on a session stream, from the side that opened it. `signature` is the
/// account's over [`crate::signed::hello_payload`], which binds the account to both peers of
/// this connection, so a hello can't be replayed on another connection or another chain.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Hello {
	/// The session on chain.
	pub session: SessionId,
	/// Why the opener is here.
	pub role: Role,
	/// The opener's account (the session's player, or one of its contributors).
	pub account: AccountId,
	/// The account's signature over [`crate::signed::hello_payload`].
	pub signature: Signature,
	/// The stream the player wants (a player's hello only; `None` from backups and helpers).
	/// Not signed: it only changes what the opener itself receives.
	pub video: Option<Video>,
}

/// The frames a player asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Video {
	/// Frame width in pixels.
	pub width: u16,
	/// Frame height in pixels.
	pub height: u16,
	/// Frames a second wanted (1–60; the host sends fewer if it cannot keep up).
	pub fps: u8,
	/// How frames are encoded.
	pub encoding: Encoding,
}

impl Video {
	/// The most frames a second a host sends.
	pub const MAX_FPS: u8 = 60;

	/// Checks the bounds: a frame size the protocol carries, and 1–60 frames a second.
	pub fn validate(&self) -> Result<(), WireError> {
		let invalid = |reason| Err(WireError::Invalid { message: SessionMessage::NAME, reason });
		if self.width == 0 || self.height == 0 || self.width > MAX_FRAME_WIDTH || self.height > MAX_FRAME_HEIGHT {
			return invalid("video dimensions out of bounds");
		}
		if self.fps == 0 || self.fps > Self::MAX_FPS {
			return invalid("video frame rate out of bounds");
		}
		Ok(())
	}
}

/// The player's controls at one tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Input {
	/// The tick the player wants these keys applied at (the host applies them at the first
	/// tick it has not simulated yet if that one has passed).
	pub tick: Tick,
	/// Pressed keys, one bit each (the game's key map).
	pub keys: u8,
	/// Grows by one with every input the player sends; frames echo the last one applied.
	pub seq: u32,
}

/// How a frame's pixels are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Encoding {
	/// Baseline JPEG.
	Jpeg,
	/// RGBA8, row by row: exactly `width × height × 4` bytes (for exact checks).
	Raw,
}

/// One rendered frame.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Frame {
	/// Frame number in the session, from 0, one per rendered frame.
	pub number: u64,
	/// The tick of the state the frame shows.
	pub tick: Tick,
	/// When rendering finished, in µs of the session clock.
	pub rendered_at_us: u64,
	/// The `seq` of the last input applied before this state (0: none yet).
	pub last_input_seq: u32,
	/// Width in pixels.
	pub width: u16,
	/// Height in pixels.
	pub height: u16,
	/// How `data` is encoded.
	pub encoding: Encoding,
	/// The pixels.
	pub data: Vec<u8>,
}

impl Frame {
	/// Checks the frame's size rules: dimensions within the protocol's bounds, raw data of exactly
	/// `width × height × 4` bytes, JPEG data not empty and no larger than that.
	pub fn validate(&self) -> Result<(), WireError> {
		let invalid = |reason| Err(WireError::Invalid { message: SessionMessage::NAME, reason });
		if self.width == 0 || self.height == 0 || self.width > MAX_FRAME_WIDTH || self.height > MAX_FRAME_HEIGHT {
			return invalid("frame dimensions out of bounds");
		}
		let raw = usize::from(self.width) * usize::from(self.height) * 4;
		match self.encoding {
			Encoding::Raw if self.data.len() != raw => invalid("raw frame of the wrong length"),
			Encoding::Jpeg if self.data.is_empty() || self.data.len() > raw => {
				invalid("JPEG frame of an impossible length")
			},
			_ => Ok(()),
		}
	}
}

/// A receipt and the player's signature over its
/// [`signing_payload`](Receipt::signing_payload): what the host submits on chain.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedReceipt {
	/// The receipt.
	pub receipt: Receipt<AccountId>,
	/// The player's sr25519 signature.
	pub signature: Signature,
}

/// The player's order to a backup to take the session over from `tick` on.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Takeover {
	/// The session.
	pub session: SessionId,
	/// The first tick the new host simulates and bills.
	pub tick: Tick,
	/// The backup that takes over.
	pub new_host: AccountId,
	/// The player's signature over [`crate::signed::takeover_payload`].
	pub signature: Signature,
}

/// Why a side closes a session stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ByeReason {
	/// The player left (closed the page, pressed Ctrl-C).
	PlayerLeft,
	/// The host is shutting down.
	HostStopping,
	/// The session ended on chain.
	SessionEnded,
	/// The other side broke the protocol.
	ProtocolViolation,
}

/// Everything said on a session stream.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum SessionMessage {
	/// Opener → host, first and only once.
	Hello(Hello),
	/// Host → opener: the hello was accepted; the session clock's current reading.
	Welcome {
		/// The tick the host is at.
		tick: Tick,
		/// The host's session clock, µs.
		now_us: u64,
	},
	/// Player → host (and mirrored to the first backup).
	Input(Input),
	/// Host → player.
	Frame(Frame),
	/// Player → host: a clock probe, answered at once.
	ClockProbe {
		/// The player's clock when sent, µs (echoed back).
		sent_us: u64,
	},
	/// Host → player: the answer to a probe.
	ClockReply {
		/// The probe's `sent_us`.
		probe_sent_us: u64,
		/// The host's session clock when it answered, µs.
		host_us: u64,
	},
	/// Player → host: the latest cumulative receipt for this host.
	Receipt(SignedReceipt),
	/// Either way, when nothing else was sent for a while: "still here, at this tick".
	Heartbeat {
		/// The sender's tick.
		tick: Tick,
	},
	/// Player → backup.
	Takeover(Takeover),
	/// Either way, last.
	Bye(ByeReason),
	/// Host → backup: the game's whole state at `tick`, first and then every
	/// [`SNAPSHOT_EVERY_TICKS`] ticks. A backup starts following from one, and checks its own
	/// state against every later one.
	Snapshot(Snapshot),
	/// Host → backup: the ticks simulated since the last message, with the key changes applied
	/// and the state hash after each tick, so the backup steps in lockstep and compares.
	Lockstep(Lockstep),
}

/// How often a host sends a backup its whole state (ticks).
pub const SNAPSHOT_EVERY_TICKS: Tick = 60;

/// The most ticks one [`Lockstep`] message covers (4 s of game).
pub const MAX_LOCKSTEP_TICKS: usize = 240;

/// A key change the host applied: from `tick` on the keys are `keys`, as the player's input
/// `seq` asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Applied {
	/// The first tick simulated with these keys.
	pub tick: Tick,
	/// The keys.
	pub keys: u8,
	/// The player's input that set them.
	pub seq: u32,
}

/// The game's state at one tick, as a host sends it to its backups.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Snapshot {
	/// The tick the state is at (ticks simulated so far).
	pub tick: Tick,
	/// The state's canonical bytes (`pgt_compute::game::GameState::encode`).
	pub state: StateBytes,
	/// The keys held at that tick.
	pub keys: u8,
	/// The `seq` of the last input applied.
	pub last_seq: u32,
	/// Frames rendered so far.
	pub frames: u64,
}

/// Ticks a host simulated, for its backups.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Lockstep {
	/// The tick `hashes[0]` is the state after (the first tick of this batch).
	pub first: Tick,
	/// The state hash after each tick, in order (at most [`MAX_LOCKSTEP_TICKS`]).
	pub hashes: Vec<Hash>,
	/// The key changes applied in these ticks (at most one per tick).
	pub applied: Vec<Applied>,
	/// The `seq` of the last input applied (changes or not).
	pub last_seq: u32,
	/// Frames rendered so far.
	pub frames: u64,
}

impl Lockstep {
	/// The last tick this batch covers.
	pub fn last(&self) -> Tick {
		self.first + self.hashes.len().saturating_sub(1) as Tick
	}

	/// Checks the bounds: 1 to [`MAX_LOCKSTEP_TICKS`] ticks, key changes at most one per tick,
	/// in order, within the batch.
	pub fn validate(&self) -> Result<(), WireError> {
		if self.hashes.is_empty() || self.hashes.len() > MAX_LOCKSTEP_TICKS {
			return Err(WireError::Invalid {
				message: SessionMessage::NAME,
				reason: "a lockstep batch of 1 to 240 ticks",
			});
		}
		let in_batch = |t: Tick| t >= self.first && t <= self.last();
		let ordered = self.applied.windows(2).all(|w| w[0].tick < w[1].tick);
		if self.applied.len() > self.hashes.len() || !ordered || !self.applied.iter().all(|a| in_batch(a.tick)) {
			return Err(WireError::Invalid {
				message: SessionMessage::NAME,
				reason: "key changes of a lockstep batch in order, one a tick, within it",
			});
		}
		Ok(())
	}
}

impl Message for SessionMessage {
	const NAME: &'static str = "session";
	const VERSION: u16 = 1;
	/// The largest frame plus room for its header.
	const MAX_BYTES: usize = MAX_FRAME_BYTES + 1024;

	fn check(&self) -> Result<(), WireError> {
		match self {
			SessionMessage::Frame(f) => f.validate(),
			SessionMessage::Hello(Hello { video: Some(v), .. }) => v.validate(),
			SessionMessage::Lockstep(l) => l.validate(),
			_ => Ok(()),
		}
	}
}

impl SessionMessage {
	/// The session this message names, if it names one.
	pub fn session(&self) -> Option<SessionId> {
		match self {
			SessionMessage::Hello(h) => Some(h.session),
			SessionMessage::Receipt(r) => Some(r.receipt.session),
			SessionMessage::Takeover(t) => Some(t.session),
			_ => None,
		}
	}
}

/// What one worker asks another (request–response).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum WorkerRequest {
	/// Host → helper: compute `task` by `deadline` (a tick of the session clock). `state` holds
	/// the state bytes the task reads if the host thinks the helper lacks them.
	Task {
		/// The micro task (its session, id and descriptor).
		task: MicroTask,
		/// The state it starts from, if sent along.
		state: Option<StateBytes>,
		/// The tick by which the result is of use.
		deadline: Tick,
	},
	/// Auditor → host (or anyone): the state bytes with this hash.
	State {
		/// BLAKE2b-256 of the state's canonical bytes.
		hash: Hash,
	},
}

/// The answers to [`WorkerRequest`]s.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum WorkerResponse {
	/// A task's output, signed by the helper over
	/// [`crate::signed::task_result_payload`].
	TaskResult {
		/// The task's id.
		task: u64,
		/// The output bytes.
		output: Vec<u8>,
		/// The helper's account.
		helper: AccountId,
		/// Its signature.
		signature: Signature,
	},
	/// The task could not be computed (unknown state, malformed, too late).
	TaskRefused {
		/// The task's id.
		task: u64,
		/// Why, for logs.
		reason: String,
	},
	/// The state asked for (`None`: not known here).
	State(Option<StateBytes>),
}

impl Message for WorkerRequest {
	const NAME: &'static str = "worker request";
	const VERSION: u16 = 1;
	/// A micro task and the largest state.
	const MAX_BYTES: usize = 16 * 1024;
}

impl Message for WorkerResponse {
	const NAME: &'static str = "worker response";
	const VERSION: u16 = 1;
	/// The largest task output plus room for its header.
	const MAX_BYTES: usize = MAX_TASK_OUTPUT_BYTES + 1024;
}

/// How often the player signs a new receipt for the host (seconds). A host that gets none for
/// [`MISSED_RECEIPTS_TO_END`] periods ends the session on the last one it has.
pub const RECEIPT_PERIOD_SECS: u64 = 3;

/// Receipt periods without a receipt after which the host ends the session.
pub const MISSED_RECEIPTS_TO_END: u64 = 2;
