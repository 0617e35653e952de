//! Reading and writing messages on a byte stream (a libp2p stream): `len (u32 LE) ‖ message`.

use crate::wire::{frame, Message, WireError};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io;
use thiserror::Error;

/// Why no message could be read.
#[derive(Debug, Error)]
pub enum ReadError {
	/// The stream ended cleanly between messages.
	#[error("the stream was closed")]
	Closed,
	/// The stream failed, or ended inside a message.
	#[error("stream error: {0}")]
	Io(#[from] io::Error),
	/// The bytes were not a valid message.
	#[error(transparent)]
	Wire(#[from] WireError),
}

impl ReadError {
	/// Whether the stream can't be used after this error: everything but a message that was
	/// read whole (so the next one starts where it should) and did not decode.
	pub fn is_fatal(&self) -> bool {
		!matches!(
			self,
			ReadError::Wire(WireError::Undecodable { .. } | WireError::Version { .. } | WireError::Invalid { .. })
		)
	}
}

/// Writes one message and flushes.
pub async fn write_message<W: AsyncWrite + Unpin, M: Message>(w: &mut W, message: &M) -> io::Result<()> {
	w.write_all(&frame(message)).await?;
	w.flush().await
}

/// Reads one message: its length first, refused if over `M::MAX_BYTES` before the body is read.
pub async fn read_message<R: AsyncRead + Unpin, M: Message>(r: &mut R) -> Result<M, ReadError> {
	let mut header = [0u8; 4];
	let mut got = 0;
	while got < header.len() {
		match r.read(&mut header[got..]).await? {
			0 if got == 0 => return Err(ReadError::Closed),
			0 => return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into()),
			n => got += n,
		}
	}
	let len = u32::from_le_bytes(header) as usize;
	if len > M::MAX_BYTES {
		return Err(WireError::TooLong { message: M::NAME, len, max: M::MAX_BYTES }.into());
	}
	let mut body = vec![0u8; len];
	r.read_exact(&mut body).await?;
	Ok(M::from_wire(&body)?)
}
