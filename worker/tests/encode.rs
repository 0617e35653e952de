//! Frames from the real renderer, encoded: JPEG that decodes close to the source, raw that is the
//! source, and sizes that lie refused.

use pgt_compute::{cpu::render_tile, GameState, Scene};
use pgt_net::{Encoding, Message, SessionMessage};
use pgt_primitives::work::TileRect;
use pgt_worker::encode::{EncodeError, FrameEncoder, FrameMeta, DEFAULT_JPEG_QUALITY};

fn rendered(width: u16, height: u16) -> Vec<u8> {
	let scene = Scene::build(&GameState::new(3), 0);
	let mut rgba = vec![0u8; usize::from(width) * usize::from(height) * 4];
	render_tile(&scene, width, height, TileRect { x: 0, y: 0, w: width, h: height }, &mut rgba);
	rgba
}

/// Peak signal-to-noise ratio of `rgb` against the RGB channels of `rgba`, in dB.
fn psnr(rgba: &[u8], rgb: &[u8]) -> f64 {
	let (mut sum, mut n) = (0f64, 0f64);
	for (a, b) in rgba.chunks_exact(4).zip(rgb.chunks_exact(3)) {
		for c in 0..3 {
			let d = f64::from(a[c]) - f64::from(b[c]);
			sum += d * d;
			n += 1.0;
		}
	}
	10.0 * (255.0f64 * 255.0 / (sum / n)).log10()
}

#[test]
fn a_jpeg_frame_decodes_to_the_rendered_picture() {
	for (w, h) in [(320u16, 180u16), (640, 360)] {
		let rgba = rendered(w, h);
		let jpeg = FrameEncoder::jpeg(DEFAULT_JPEG_QUALITY).encode(&rgba, w, h).expect("encodes");
		assert!(jpeg.len() * 8 < rgba.len(), "{w}×{h}: {} bytes of JPEG for {} raw", jpeg.len(), rgba.len());
		let mut decoder = jpeg_decoder::Decoder::new(jpeg.as_slice());
		let rgb = decoder.decode().expect("a valid JPEG");
		let info = decoder.info().expect("has a header");
		assert_eq!((info.width, info.height), (w, h));
		let quality = psnr(&rgba, &rgb);
		assert!(quality > 30.0, "{w}×{h}: PSNR {quality:.1} dB");
	}
}

#[test]
fn a_raw_frame_is_the_rendered_bytes_and_travels_as_a_valid_message() {
	let rgba = rendered(320, 180);
	let meta = FrameMeta { number: 4, tick: 8, rendered_at_us: 70_000, last_input_seq: 1 };
	let frame = FrameEncoder::raw().frame(&rgba, 320, 180, meta).expect("encodes");
	assert_eq!(frame.data, rgba);
	assert_eq!((frame.number, frame.tick, frame.encoding), (4, 8, Encoding::Raw));
	let message = SessionMessage::Frame(frame);
	assert_eq!(SessionMessage::from_wire(&message.to_wire()), Ok(message));
	let jpeg = FrameEncoder::jpeg(70).frame(&rgba, 320, 180, meta).expect("encodes");
	assert!(jpeg.validate().is_ok());
}

#[test]
fn pixels_that_do_not_fit_the_size_are_refused() {
	let rgba = rendered(32, 18);
	for encoder in [FrameEncoder::raw(), FrameEncoder::jpeg(85)] {
		assert!(matches!(encoder.encode(&rgba[1..], 32, 18), Err(EncodeError::WrongLength { expected: 2_304, .. })));
		assert_eq!(encoder.encode(&[], 0, 18), Err(EncodeError::OutOfBounds { width: 0, height: 18 }));
		assert_eq!(encoder.encode(&rgba, 4_000, 4_000), Err(EncodeError::OutOfBounds { width: 4_000, height: 4_000 }));
	}
}
