//! Throughput figures (the `pgt-compute bench` command): rendering on the GPU, on the CPU
//! reference on every core and on one thread, whole frames and tiles; physics ticks; and several
//! processes rendering a frame's tiles in parallel, each a single-core device.
//!
//! The parallel figures come from child processes: [`parallel_render`] starts `n` copies of a
//! program whose `part` subcommand runs [`serve_part`] (`pgt-compute` itself), each renders its
//! share of every frame's tiles, and the time from the start signal until the last one finished
//! is measured. Both sides of that protocol are in this module: one line `ready` from each child
//! once it has warmed up, one line from the parent to start them all, then one line with the
//! child's seconds.

use crate::{
	cpu,
	frames::RunConfig,
	game::{autopilot, GameState},
	gpu::AdapterChoice,
	physics::{self, play_autopilot},
	scene::Scene,
	task::{Backend, Executor},
	tiles::TileGrid,
};
use anyhow::{bail, Context, Result};
use pgt_primitives::work::TileRect;
use std::{
	fmt,
	io::{BufRead, BufReader, Write},
	path::{Path, PathBuf},
	process::{Command, Stdio},
	time::{Duration, Instant},
};

/// The tile grids the render figures are taken for: the whole frame, 2 × 2 and 4 × 4 tiles.
pub const GRIDS: [TileGrid; 3] = [TileGrid::WHOLE, TileGrid { cols: 2, rows: 2 }, TileGrid { cols: 4, rows: 4 }];

/// What [`run`] measures besides the render figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchOptions {
	/// Physics ticks to time.
	pub ticks: u32,
	/// For each N here, time N processes rendering the frames' tiles in parallel.
	pub processes: Vec<usize>,
	/// The program whose `part` subcommand is one of the parallel renderers ([`serve_part`]):
	/// `pgt-compute` (from inside it, [`std::env::current_exe`]).
	pub part_program: PathBuf,
}

/// A renderer timed by [`run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
	/// The GPU kernel.
	Gpu,
	/// The CPU reference on every core ([`Backend::Cpu`]).
	Cpu,
	/// The CPU reference on one thread ([`cpu::render_tile`]): what an auditor's single core does.
	CpuOneThread,
}

impl Renderer {
	/// Its name in the report.
	pub fn name(self) -> &'static str {
		match self {
			Renderer::Gpu => "gpu",
			Renderer::Cpu => "cpu",
			Renderer::CpuOneThread => "cpu-1t",
		}
	}
}

/// The median time of one renderer to render a frame as a grid of tiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderTiming {
	/// The renderer.
	pub renderer: Renderer,
	/// Frame width in pixels.
	pub width: u16,
	/// Frame height in pixels.
	pub height: u16,
	/// The grid the frame was rendered as.
	pub grid: TileGrid,
	/// The median over the frames.
	pub median: Duration,
}

impl RenderTiming {
	/// Tiles rendered per second.
	pub fn tiles_per_second(&self) -> f64 {
		self.grid.count() as f64 / self.median.as_secs_f64()
	}
}

impl fmt::Display for RenderTiming {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(
			f,
			"render {:>6} {}x{} as {:>5} tiles: median {:8.2} ms/frame, {:8.1} tiles/s",
			self.renderer.name(),
			self.width,
			self.height,
			self.grid,
			ms(self.median),
			self.tiles_per_second()
		)
	}
}

/// Time to simulate a number of physics ticks of the autopilot game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysicsTiming {
	/// Ticks simulated.
	pub ticks: u32,
	/// Time they took.
	pub elapsed: Duration,
}

impl fmt::Display for PhysicsTiming {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(
			f,
			"physics: {} ticks in {:.1} ms, {:.0} ticks/s",
			self.ticks,
			ms(self.elapsed),
			f64::from(self.ticks) / self.elapsed.as_secs_f64()
		)
	}
}

/// Time for several processes to render all frames' tiles in parallel.
#[derive(Clone, Debug, PartialEq)]
pub struct ParallelTiming {
	/// Processes (single-core devices).
	pub processes: usize,
	/// Whether they rendered with the CPU reference rather than the GPU.
	pub cpu: bool,
	/// What they rendered.
	pub config: RunConfig,
	/// Seconds from the start signal until the last process finished.
	pub seconds: f64,
}

impl ParallelTiming {
	/// Milliseconds per frame.
	pub fn ms_per_frame(&self) -> f64 {
		self.seconds * 1e3 / f64::from(self.config.frames)
	}
}

impl fmt::Display for ParallelTiming {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let RunConfig { frames, tiles, width, height, .. } = self.config;
		write!(
			f,
			"parallel {}: {} process(es) render {frames} frames of {width}x{height} as {tiles} tiles: {:.2} ms/frame",
			if self.cpu { "cpu" } else { "gpu" },
			self.processes,
			self.ms_per_frame()
		)
	}
}

/// One figure of [`run`], as it is taken.
#[derive(Clone, Debug, PartialEq)]
pub enum Measurement {
	/// The GPU backend the renders run on (comes first).
	Backend(String),
	/// A render figure.
	Render(RenderTiming),
	/// The physics figure.
	Physics(PhysicsTiming),
	/// A parallel render figure.
	Parallel(ParallelTiming),
}

impl fmt::Display for Measurement {
	/// The report's line for it.
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Measurement::Backend(backend) => write!(f, "backend: {backend}"),
			Measurement::Render(t) => fmt::Display::fmt(t, f),
			Measurement::Physics(t) => fmt::Display::fmt(t, f),
			Measurement::Parallel(t) => fmt::Display::fmt(t, f),
		}
	}
}

/// Every figure of [`run`].
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
	/// The GPU backend.
	pub backend: String,
	/// For each of [`GRIDS`]: the GPU, the CPU on every core, the CPU on one thread.
	pub render: Vec<RenderTiming>,
	/// Physics.
	pub physics: PhysicsTiming,
	/// For each process count: the GPU, then the CPU.
	pub parallel: Vec<ParallelTiming>,
}

/// Takes every figure for the frames of `config` and returns them; `on_measurement` sees each
/// one as soon as it is taken (a long run can print as it goes).
///
/// Each render figure is the median over the frames, after one frame to warm up; the frames'
/// tile grid (`config.tiles`) is used by the parallel renderers only.
pub fn run(
	config: &RunConfig,
	options: &BenchOptions,
	mut on_measurement: impl FnMut(&Measurement),
) -> Result<BenchReport> {
	let RunConfig { width, height, .. } = *config;
	let states = play_autopilot(config.seed, config.frames.max(1));
	let mut gpu = config.gpu_executor()?;
	let mut cpu = Executor::new(Backend::Cpu);
	let backend = gpu.backend().describe();
	on_measurement(&Measurement::Backend(backend.clone()));
	let hashes: Vec<_> = states.iter().map(|s| (gpu.insert_state(s.clone()), cpu.insert_state(s.clone())).0).collect();
	let mut render = Vec::new();
	let mut record = |timing: RenderTiming| {
		on_measurement(&Measurement::Render(timing.clone()));
		render.push(timing);
	};
	let mut bytes = Vec::new();
	for grid in GRIDS {
		let tiles = grid.split(width, height)?;
		for (renderer, ex) in [(Renderer::Gpu, &mut gpu), (Renderer::Cpu, &mut cpu)] {
			// One frame to warm up, then the timed frames.
			ex.render_frame_tiles(&hashes[0], 0, width, height, &tiles, &mut bytes)?;
			let mut times = Vec::new();
			for (n, h) in (0..).zip(&hashes) {
				let t = Instant::now();
				ex.render_frame_tiles(h, n, width, height, &tiles, &mut bytes)?;
				times.push(t.elapsed());
			}
			record(RenderTiming { renderer, width, height, grid, median: median(&mut times) });
		}
		let mut times = Vec::new();
		for (n, state) in (0..).zip(&states) {
			let scene = Scene::build(state, n);
			let t = Instant::now();
			render_one_thread(&scene, width, height, &tiles, &mut bytes);
			times.push(t.elapsed());
		}
		record(RenderTiming { renderer: Renderer::CpuOneThread, width, height, grid, median: median(&mut times) });
	}
	let physics = time_physics(config.seed, options.ticks);
	on_measurement(&Measurement::Physics(physics.clone()));
	// The parallel renderers open their own devices.
	drop((gpu, cpu));
	let mut parallel = Vec::new();
	for &processes in &options.processes {
		for cpu in [false, true] {
			let seconds = parallel_render(&options.part_program, config, processes, cpu)?;
			let timing = ParallelTiming { processes, cpu, config: *config, seconds };
			on_measurement(&Measurement::Parallel(timing.clone()));
			parallel.push(timing);
		}
	}
	Ok(BenchReport { backend, render, physics, parallel })
}

/// Renders `tiles` of a frame one after the other on this thread with the CPU reference.
fn render_one_thread(scene: &Scene, width: u16, height: u16, tiles: &[TileRect], bytes: &mut Vec<u8>) {
	let mut at = 0;
	bytes.resize(usize::from(width) * usize::from(height) * 4, 0);
	for tile in tiles {
		let len = usize::from(tile.w) * usize::from(tile.h) * 4;
		cpu::render_tile(scene, width, height, *tile, &mut bytes[at..at + len]);
		at += len;
	}
}

/// Times `ticks` physics ticks of the autopilot game from `seed`.
pub fn time_physics(seed: u64, ticks: u32) -> PhysicsTiming {
	let t = Instant::now();
	let mut s = GameState::new(seed);
	for _ in 0..ticks {
		s = physics::step(&s, autopilot(&s));
	}
	PhysicsTiming { ticks, elapsed: t.elapsed() }
}

/// The command that starts `part_program` as parallel renderer `part` of `of` for `config`:
/// `part_program part --part P --of N --frames ... [--hardware] [--cpu]`, with one lavapipe thread
/// and one rayon thread.
pub fn part_command(part_program: &Path, config: &RunConfig, part: usize, of: usize, cpu: bool) -> Command {
	let mut cmd = Command::new(part_program);
	cmd.args(["part", "--part", &part.to_string(), "--of", &of.to_string()])
		.args(["--frames", &config.frames.to_string(), "--tiles", &config.tiles.to_string()])
		.args([
			"--width",
			&config.width.to_string(),
			"--height",
			&config.height.to_string(),
			"--seed",
			&config.seed.to_string(),
		]);
	if config.adapter == AdapterChoice::HighPerformance {
		cmd.arg("--hardware");
	}
	if cpu {
		cmd.arg("--cpu");
	}
	// Each process is one single-core device: one lavapipe thread, one rayon thread.
	cmd.env("LP_NUM_THREADS", "1").env("RAYON_NUM_THREADS", "1");
	cmd
}

/// Starts `n` copies of `part_program` ([`part_command`]), each with its own single-core device,
/// waits until all are ready, then lets them render their share of every frame's tiles at once;
/// returns the seconds from the start signal until the last one finished.
pub fn parallel_render(part_program: &Path, config: &RunConfig, n: usize, cpu: bool) -> Result<f64> {
	let mut children = Vec::new();
	for part in 0..n {
		let cmd = &mut part_command(part_program, config, part, n, cpu);
		children.push(cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?);
	}
	let mut readers = Vec::new();
	for child in &mut children {
		let mut out = BufReader::new(child.stdout.take().context("child stdout")?);
		let mut line = String::new();
		out.read_line(&mut line)?;
		if line.trim() != "ready" {
			bail!("parallel renderer did not start: {line:?}");
		}
		readers.push(out);
	}
	let start = Instant::now();
	for child in &mut children {
		writeln!(child.stdin.as_mut().context("child stdin")?, "go")?;
	}
	for (child, mut out) in children.iter_mut().zip(readers) {
		let mut line = String::new();
		out.read_line(&mut line)?;
		if !child.wait()?.success() {
			bail!("parallel renderer failed");
		}
	}
	Ok(start.elapsed().as_secs_f64())
}

/// One of [`parallel_render`]'s renderers: renders tiles `part`, `part + of`, `part + 2·of`, ...
/// of every frame once to warm up, writes `ready` to `output`, waits for a line on `input`,
/// renders its tiles of every frame and writes the seconds that took.
pub fn serve_part(
	config: &RunConfig,
	part: usize,
	of: usize,
	cpu: bool,
	mut input: impl BufRead,
	mut output: impl Write,
) -> Result<()> {
	let RunConfig { frames, width, height, seed, .. } = *config;
	let mut ex = config.executor(cpu)?;
	let all = config.tile_rects()?;
	let mine: Vec<TileRect> = all.iter().enumerate().filter(|(i, _)| i % of.max(1) == part).map(|(_, t)| *t).collect();
	let hashes: Vec<_> = play_autopilot(seed, frames).into_iter().map(|s| ex.insert_state(s)).collect();
	let mut bytes = Vec::new();
	ex.render_frame_tiles(hashes.first().context("no frames to render")?, 0, width, height, &mine, &mut bytes)?; // warm up
	writeln!(output, "ready")?;
	output.flush()?;
	input.read_line(&mut String::new())?;
	let t = Instant::now();
	for (n, h) in (0..).zip(&hashes) {
		ex.render_frame_tiles(h, n, width, height, &mine, &mut bytes)?;
	}
	writeln!(output, "{}", t.elapsed().as_secs_f64())?;
	output.flush()?;
	Ok(())
}

fn median(times: &mut [Duration]) -> Duration {
	times.sort();
	times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
	use super::*;

	fn config() -> RunConfig {
		RunConfig {
			frames: 3,
			tiles: TileGrid { cols: 2, rows: 2 },
			width: 64,
			height: 36,
			seed: 1,
			adapter: AdapterChoice::Fallback,
		}
	}

	#[test]
	fn a_part_says_ready_waits_for_the_start_line_then_reports_its_seconds() {
		let mut out = Vec::new();
		serve_part(&config(), 1, 3, true, &b"go\n"[..], &mut out).expect("renders on the CPU");
		let text = String::from_utf8(out).expect("utf-8");
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(lines.len(), 2, "{text}");
		assert_eq!(lines[0], "ready");
		assert!(lines[1].parse::<f64>().expect("seconds") >= 0.0);
		let none = RunConfig { frames: 0, ..config() };
		assert!(serve_part(&none, 0, 1, true, &b"go\n"[..], Vec::new()).is_err(), "no frames is an error, not a panic");
	}

	#[test]
	fn the_part_command_passes_the_run_on() {
		let hardware = RunConfig { adapter: AdapterChoice::HighPerformance, ..config() };
		let cmd = part_command(Path::new("/bin/pgt-compute"), &hardware, 1, 4, true);
		let args: Vec<_> = cmd.get_args().map(|a| a.to_str().expect("utf-8")).collect();
		assert_eq!(
			args,
			[
				"part",
				"--part",
				"1",
				"--of",
				"4",
				"--frames",
				"3",
				"--tiles",
				"2x2",
				"--width",
				"64",
				"--height",
				"36",
				"--seed",
				"1",
				"--hardware",
				"--cpu"
			]
		);
		let gpu = part_command(Path::new("pgt-compute"), &config(), 0, 1, false);
		assert!(!gpu.get_args().any(|a| a == "--hardware" || a == "--cpu"));
	}

	#[test]
	fn report_lines() {
		let render = RenderTiming {
			renderer: Renderer::CpuOneThread,
			width: 640,
			height: 360,
			grid: TileGrid { cols: 4, rows: 4 },
			median: Duration::from_millis(8),
		};
		assert_eq!(
			Measurement::Render(render).to_string(),
			"render cpu-1t 640x360 as 4x4 tiles: median     8.00 ms/frame,   2000.0 tiles/s"
		);
		let physics = PhysicsTiming { ticks: 600, elapsed: Duration::from_millis(300) };
		assert_eq!(Measurement::Physics(physics).to_string(), "physics: 600 ticks in 300.0 ms, 2000 ticks/s");
		let parallel = ParallelTiming { processes: 2, cpu: true, config: config(), seconds: 0.03 };
		assert_eq!(
			Measurement::Parallel(parallel).to_string(),
			"parallel cpu: 2 process(es) render 3 frames of 64x36 as 2x2 tiles: 10.00 ms/frame"
		);
		assert_eq!(Measurement::Backend("cpu reference".into()).to_string(), "backend: cpu reference");
	}
}
