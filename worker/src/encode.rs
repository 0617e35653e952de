//! Turning a rendered frame (RGBA8, row by row) into what goes on the wire: baseline JPEG by
//! default (pure Rust, `jpeg-encoder`), or the raw bytes for exact checks against
//! `pgt-compute render`.

use pgt_net::{message::MAX_FRAME_BYTES, Encoding, Frame};
use thiserror::Error;

/// The JPEG quality a host uses unless told otherwise.
pub const DEFAULT_JPEG_QUALITY: u8 = 85;

/// Why a frame could not be encoded.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EncodeError {
	/// The pixels are not `width × height × 4` bytes.
	#[error("{got} bytes of pixels for a {width}×{height} frame (expected {expected})")]
	WrongLength {
		/// Bytes given.
		got: usize,
		/// Bytes a frame of that size has.
		expected: usize,
		/// Width.
		width: u16,
		/// Height.
		height: u16,
	},
	/// The frame is empty or larger than the protocol carries.
	#[error("a {width}×{height} frame is outside the protocol's bounds")]
	OutOfBounds {
		/// Width.
		width: u16,
		/// Height.
		height: u16,
	},
	/// The JPEG encoder failed.
	#[error("JPEG encoding failed: {0}")]
	Jpeg(String),
}

/// Encodes frames one way, always the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameEncoder {
	encoding: Encoding,
	quality: u8,
}

impl FrameEncoder {
	/// Baseline JPEG at `quality` (1–100; clamped).
	pub fn jpeg(quality: u8) -> Self {
		Self { encoding: Encoding::Jpeg, quality: quality.clamp(1, 100) }
	}

	/// Raw RGBA8.
	pub fn raw() -> Self {
		Self { encoding: Encoding::Raw, quality: 100 }
	}

	/// How this encoder encodes.
	pub fn encoding(&self) -> Encoding {
		self.encoding
	}

	/// Encodes `rgba`, a `width × height` frame.
	pub fn encode(&self, rgba: &[u8], width: u16, height: u16) -> Result<Vec<u8>, EncodeError> {
		let expected = usize::from(width) * usize::from(height) * 4;
		if width == 0 || height == 0 || expected > MAX_FRAME_BYTES {
			return Err(EncodeError::OutOfBounds { width, height });
		}
		if rgba.len() != expected {
			return Err(EncodeError::WrongLength { got: rgba.len(), expected, width, height });
		}
		match self.encoding {
			Encoding::Raw => Ok(rgba.to_vec()),
			Encoding::Jpeg => {
				// A JPEG of a game frame is a tenth of the raw size or less at this quality.
				let mut out = Vec::with_capacity(expected / 8);
				jpeg_encoder::Encoder::new(&mut out, self.quality)
					.encode(rgba, width, height, jpeg_encoder::ColorType::Rgba)
					.map_err(|e| EncodeError::Jpeg(e.to_string()))?;
				Ok(out)
			},
		}
	}

	/// Encodes `rgba` into a [`Frame`] with its number, tick, render time and last input.
	pub fn frame(&self, rgba: &[u8], width: u16, height: u16, meta: FrameMeta) -> Result<Frame, EncodeError> {
		Ok(Frame {
			number: meta.number,
			tick: meta.tick,
			rendered_at_us: meta.rendered_at_us,
			last_input_seq: meta.last_input_seq,
			width,
			height,
			encoding: self.encoding,
			data: self.encode(rgba, width, height)?,
		})
	}
}

/// What a frame says about itself besides its pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameMeta {
	/// Frame number in the session.
	pub number: u64,
	/// The tick of the state it shows.
	pub tick: u64,
	/// When rendering finished, µs of the session clock.
	pub rendered_at_us: u64,
	/// The last input applied before that state.
	pub last_input_seq: u32,
}
