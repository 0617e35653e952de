//! Frame 0 of seed 1 at 320×180 matches the committed PNG, pixel for pixel, on both renderers.
//!
//! `tests/golden/frame0-seed1-320x180.png` shows the arena, the ball, the gem and the blocks'
//! shadows (the blocks themselves are still high in the sky at tick 0). If the kernel changes
//! on purpose, regenerate it with `PGT_BLESS=1 cargo test --release -p pgt-compute --test golden`,
//! look at it, and update [`GOLDEN_PIXELS`].

mod common;

use common::*;
use pgt_compute::{task::Backend, Executor, GameState};
use pgt_primitives::work::output_hash;
use std::path::PathBuf;

const WIDTH: u16 = 320;
const HEIGHT: u16 = 180;
/// BLAKE2b-256 of the golden frame's raw RGBA8 pixels.
const GOLDEN_PIXELS: &str = "0x7b80f7e714f932d6448f70e3991d30bfcd06d8d66d95d6a8c041ba94ae18d6ab";

fn golden_path() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/frame0-seed1-320x180.png")
}

fn decode_png(path: &PathBuf) -> Vec<u8> {
	let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
	let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG");
	let mut buf = vec![0; reader.output_buffer_size().expect("size")];
	let info = reader.next_frame(&mut buf).expect("a frame");
	assert_eq!((info.width, info.height), (u32::from(WIDTH), u32::from(HEIGHT)));
	assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgba, png::BitDepth::Eight));
	buf.truncate(info.buffer_size());
	buf
}

fn render(ex: &mut Executor) -> Vec<u8> {
	let hash = ex.insert_state(GameState::new(1));
	let mut out = Vec::new();
	ex.render_frame(&hash, 0, WIDTH, HEIGHT, &mut out).expect("renders");
	out
}

#[test]
fn frame_zero_matches_the_committed_png() {
	let cpu = render(&mut Executor::new(Backend::Cpu));
	if std::env::var_os("PGT_BLESS").is_some() {
		let file = std::io::BufWriter::new(std::fs::File::create(golden_path()).expect("create golden"));
		let mut enc = png::Encoder::new(file, WIDTH.into(), HEIGHT.into());
		enc.set_color(png::ColorType::Rgba);
		enc.set_depth(png::BitDepth::Eight);
		enc.write_header().and_then(|mut w| w.write_image_data(&cpu)).expect("write golden");
		panic!("wrote {}; pixels hash {:?}: put it in GOLDEN_PIXELS", golden_path().display(), output_hash(&cpu));
	}
	let golden = decode_png(&golden_path());
	assert_eq!(format!("{:?}", output_hash(&golden)), GOLDEN_PIXELS, "the committed PNG itself changed");
	assert!(colours(&golden) > 100, "the golden frame shows a scene");
	assert!(cpu == golden, "the CPU reference no longer draws the golden frame");
	let gpu = render(&mut gpu_executor());
	assert!(gpu == golden, "the GPU kernel no longer draws the golden frame");
}
