//! How a message travels: `version (u16, little-endian) ‖ SCALE body`. On a stream each message
//! is preceded by its length (u32, little-endian); a length over the message's bound is refused
//! before a byte of the body is read, and a body is decoded only if it is consumed exactly.

use codec::{Decode, DecodeLimit, Encode};
use thiserror::Error;

/// How deep nested SCALE types may go when decoding anything from a peer.
pub const MAX_DECODE_DEPTH: u32 = 16;

/// A message type of the protocol: its name (for errors and metrics), its version, and the most
/// bytes its encoding (version included) may take.
pub trait Message: Encode + Decode + Sized {
	/// Names the message type in errors, logs and metrics.
	const NAME: &'static str;
	/// The version this build speaks; a message with any other version is refused.
	const VERSION: u16;
	/// The most bytes one encoded message may take, version included.
	const MAX_BYTES: usize;

	/// `version ‖ SCALE body`.
	fn to_wire(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(2 + self.size_hint());
		Self::VERSION.encode_to(&mut out);
		self.encode_to(&mut out);
		out
	}

	/// The rules decoding alone doesn't check (a frame's size against its dimensions…);
	/// [`Message::from_wire`] applies them.
	fn check(&self) -> Result<(), WireError> {
		Ok(())
	}

	/// Decodes `bytes` made by [`Message::to_wire`]: the whole of them, within the bound, and
	/// [checked](Message::check).
	fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
		if bytes.len() > Self::MAX_BYTES {
			return Err(WireError::TooLong { message: Self::NAME, len: bytes.len(), max: Self::MAX_BYTES });
		}
		let mut input = bytes;
		let version = u16::decode(&mut input).map_err(|_| WireError::Truncated { message: Self::NAME })?;
		if version != Self::VERSION {
			return Err(WireError::Version { message: Self::NAME, got: version, expected: Self::VERSION });
		}
		let message = Self::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut input)
			.map_err(|e| WireError::Undecodable { message: Self::NAME, reason: e.to_string() })?;
		message.check()?;
		Ok(message)
	}
}

/// What was wrong with bytes from a peer. Every variant means: drop the message (and count it
/// against the peer); none is a reason to stop.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WireError {
	/// The message (or the length a stream announced for it) is over its bound.
	#[error("{message} message of {len} bytes is over its bound of {max}")]
	TooLong {
		/// The message type.
		message: &'static str,
		/// Its length, as sent or announced.
		len: usize,
		/// The bound.
		max: usize,
	},
	/// Too short to hold even the version.
	#[error("{message} message is truncated")]
	Truncated {
		/// The message type.
		message: &'static str,
	},
	/// A version this build does not speak.
	#[error("{message} message has version {got}; this build speaks {expected}")]
	Version {
		/// The message type.
		message: &'static str,
		/// The version it carried.
		got: u16,
		/// The version this build speaks.
		expected: u16,
	},
	/// The body does not decode, or leaves bytes over.
	#[error("{message} message does not decode: {reason}")]
	Undecodable {
		/// The message type.
		message: &'static str,
		/// The decoder's reason.
		reason: String,
	},
	/// The body decodes but breaks a rule of the protocol (a frame's size against its
	/// dimensions, a session it does not belong to…).
	#[error("{message} message is invalid: {reason}")]
	Invalid {
		/// The message type.
		message: &'static str,
		/// Which rule it broke.
		reason: &'static str,
	},
}

/// `len (u32 LE) ‖ message`: one message as written on a stream.
pub fn frame<M: Message>(message: &M) -> Vec<u8> {
	let body = message.to_wire();
	let mut out = Vec::with_capacity(4 + body.len());
	out.extend_from_slice(&(body.len() as u32).to_le_bytes());
	out.extend_from_slice(&body);
	out
}

/// Splits a byte stream into messages of type `M`, however the bytes arrive. A length over
/// `M::MAX_BYTES` is an error at once (the stream can't be trusted to resynchronise after it,
/// so the caller closes it); a message that does not decode is an error for that message only.
#[derive(Debug)]
pub struct Deframer<M> {
	buffer: Vec<u8>,
	_message: core::marker::PhantomData<M>,
}

impl<M: Message> Default for Deframer<M> {
	fn default() -> Self {
		Self { buffer: Vec::new(), _message: core::marker::PhantomData }
	}
}

/// One step of a [`Deframer`].
#[derive(Debug, PartialEq, Eq)]
pub enum Deframed<M> {
	/// A whole message.
	Message(M),
	/// A whole message's bytes that did not decode; the stream goes on after it.
	Bad(WireError),
	/// A length over the bound: the stream must be closed.
	Fatal(WireError),
}

impl<M: Message> Deframer<M> {
	/// Adds bytes read from the stream.
	pub fn push(&mut self, bytes: &[u8]) {
		self.buffer.extend_from_slice(bytes);
	}

	/// The next whole message, if the buffered bytes hold one.
	pub fn next_message(&mut self) -> Option<Deframed<M>> {
		let header: [u8; 4] = self.buffer.get(..4)?.try_into().ok()?;
		let len = u32::from_le_bytes(header) as usize;
		if len > M::MAX_BYTES {
			self.buffer.clear();
			return Some(Deframed::Fatal(WireError::TooLong { message: M::NAME, len, max: M::MAX_BYTES }));
		}
		if self.buffer.len() < 4 + len {
			return None;
		}
		let decoded = M::from_wire(&self.buffer[4..4 + len]);
		self.buffer.drain(..4 + len);
		Some(match decoded {
			Ok(m) => Deframed::Message(m),
			Err(e) => Deframed::Bad(e),
		})
	}

	/// Bytes buffered and not yet a whole message.
	pub fn buffered(&self) -> usize {
		self.buffer.len()
	}
}
