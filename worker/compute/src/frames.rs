//! Runs of the autopilot game's frames, as the `pgt-compute` command line does them: rendering
//! them to PNG files ([`RenderToPng`], `render`) and comparing the GPU kernel with the CPU
//! reference on every tile ([`Verify`], `verify`).
//!
//! Each job is built in two steps: `new` does everything that can fail before the first frame
//! (opening the GPU, checking the tile grid), so a caller can show a progress bar only once the
//! work starts; `run` renders the frames and reports each one to a callback.

use crate::{
	gpu::{AdapterChoice, GpuError},
	physics::play_autopilot,
	task::{Backend, Executor},
	tiles::{batch_tiles, composite, TileGrid},
};
use anyhow::{Context, Result};
use pgt_primitives::{
	work::{output_hash, TileRect},
	Hash,
};
use std::{
	fmt,
	path::{Path, PathBuf},
};

/// Which frames of which game to render, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunConfig {
	/// Frames to render (frame n shows tick n of the autopilot game).
	pub frames: u32,
	/// The tile grid each frame is split into.
	pub tiles: TileGrid,
	/// Frame width in pixels.
	pub width: u16,
	/// Frame height in pixels.
	pub height: u16,
	/// The game's seed.
	pub seed: u64,
	/// The adapter GPU renderers run on.
	pub adapter: AdapterChoice,
}

impl RunConfig {
	/// An executor on a GPU renderer on [`RunConfig::adapter`].
	pub fn gpu_executor(&self) -> Result<Executor, GpuError> {
		Executor::open_gpu(self.adapter)
	}

	/// An executor on the CPU reference if `cpu`, on the GPU otherwise.
	pub fn executor(&self, cpu: bool) -> Result<Executor, GpuError> {
		if cpu {
			Ok(Executor::new(Backend::Cpu))
		} else {
			self.gpu_executor()
		}
	}

	/// The tiles of one frame.
	pub fn tile_rects(&self) -> Result<Vec<TileRect>> {
		Ok(self.tiles.split(self.width, self.height)?)
	}
}

/// Renders the frames and writes them as `frame-00000.png`, `frame-00001.png`, ... into a
/// directory.
pub struct RenderToPng {
	config: RunConfig,
	out: PathBuf,
	executor: Executor,
	tiles: Vec<TileRect>,
}

impl RenderToPng {
	/// Creates `out` and opens the renderer: the CPU reference if `cpu`, the GPU otherwise.
	pub fn new(config: &RunConfig, out: &Path, cpu: bool) -> Result<RenderToPng> {
		std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
		let executor = config.executor(cpu)?;
		let tiles = config.tile_rects()?;
		Ok(RenderToPng { config: *config, out: out.to_owned(), executor, tiles })
	}

	/// Renders every frame as tiles, composites them and writes the PNG file; calls `on_frame`
	/// with each frame's number once its file is written.
	pub fn run(mut self, mut on_frame: impl FnMut(u32)) -> Result<()> {
		let RunConfig { frames, width, height, seed, .. } = self.config;
		let (mut bytes, mut frame) = (Vec::new(), Vec::new());
		for (n, state) in (0..).zip(play_autopilot(seed, frames)) {
			let hash = self.executor.insert_state(state);
			self.executor.render_frame_tiles(&hash, n, width, height, &self.tiles, &mut bytes)?;
			composite(width, height, batch_tiles(&self.tiles, &bytes), &mut frame)?;
			write_png(&self.out.join(format!("frame-{n:05}.png")), width, height, &frame)?;
			on_frame(n);
		}
		Ok(())
	}
}

/// Writes `rgba` (8 bits per channel, row by row) as a `width` × `height` PNG file.
pub fn write_png(path: &Path, width: u16, height: u16, rgba: &[u8]) -> Result<()> {
	let file =
		std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
	let mut enc = png::Encoder::new(file, width.into(), height.into());
	enc.set_color(png::ColorType::Rgba);
	enc.set_depth(png::BitDepth::Eight);
	enc.write_header()?.write_image_data(rgba)?;
	Ok(())
}

/// Renders every tile of the frames on the GPU and on the CPU reference and compares their
/// hashes.
pub struct Verify {
	config: RunConfig,
	gpu: Executor,
	cpu: Executor,
	tiles: Vec<TileRect>,
}

/// A tile whose GPU and CPU bytes differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileMismatch {
	/// The frame.
	pub frame: u32,
	/// The tile.
	pub tile: TileRect,
	/// The hash of the GPU's bytes.
	pub gpu: Hash,
	/// The hash of the CPU reference's bytes.
	pub cpu: Hash,
}

impl fmt::Display for TileMismatch {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "frame {} tile {:?}: GPU {:?} != CPU {:?}", self.frame, self.tile, self.gpu, self.cpu)
	}
}

/// What [`Verify::run`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
	/// Tiles compared.
	pub tiles: usize,
	/// The tiles that differ, in order.
	pub mismatches: Vec<TileMismatch>,
}

impl Verify {
	/// Opens the GPU renderer and the CPU reference.
	pub fn new(config: &RunConfig) -> Result<Verify> {
		let gpu = config.gpu_executor()?;
		let cpu = Executor::new(Backend::Cpu);
		let tiles = config.tile_rects()?;
		Ok(Verify { config: *config, gpu, cpu, tiles })
	}

	/// Renders and compares every frame; calls `on_frame` with each frame's number and its
	/// differing tiles (usually none) once it is compared.
	pub fn run(mut self, mut on_frame: impl FnMut(u32, &[TileMismatch])) -> Result<Verification> {
		let RunConfig { frames, width, height, seed, .. } = self.config;
		let (mut g, mut c) = (Vec::new(), Vec::new());
		let mut found = Verification { tiles: frames as usize * self.tiles.len(), mismatches: Vec::new() };
		for (n, state) in (0..).zip(play_autopilot(seed, frames)) {
			let hash = self.gpu.insert_state(state.clone());
			self.cpu.insert_state(state);
			self.gpu.render_frame_tiles(&hash, n, width, height, &self.tiles, &mut g)?;
			self.cpu.render_frame_tiles(&hash, n, width, height, &self.tiles, &mut c)?;
			let before = found.mismatches.len();
			for ((tile, gb), (_, cb)) in batch_tiles(&self.tiles, &g).zip(batch_tiles(&self.tiles, &c)) {
				let (gpu, cpu) = (output_hash(gb), output_hash(cb));
				if gpu != cpu {
					found.mismatches.push(TileMismatch { frame: n, tile, gpu, cpu });
				}
			}
			on_frame(n, &found.mismatches[before..]);
		}
		Ok(found)
	}
}
