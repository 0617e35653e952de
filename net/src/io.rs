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

/// Reads messages from `reader` on a task of its own and hands each (and the first error, last)
/// to the returned channel, so a `select!` never cuts a message in half. The task ends at the
/// first error or when the receiver is dropped; abort its handle to stop it sooner.
pub fn spawn_reader<R, M>(
	mut reader: R,
) -> (tokio::sync::mpsc::Receiver<Result<M, ReadError>>, tokio::task::JoinHandle<()>)
where
	R: AsyncRead + Unpin + Send + 'static,
	M: Message + Send + 'static,
{
	let (tx, rx) = tokio::sync::mpsc::channel(64);
	let task = tokio::spawn(async move {
		loop {
			let m = read_message::<_, M>(&mut reader).await;
			let end = m.is_err();
			if tx.send(m).await.is_err() || end {
				break;
			}
		}
	});
	(rx, task)
}
