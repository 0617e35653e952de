//! `pgt-compute`: drive the verifiable compute core from the command line.
//!
//! - `render`: play the reference game with the autopilot and write PNG frames;
//! - `verify`: render every tile on the GPU and on the CPU reference and compare hashes;
//! - `bench`: throughput of rendering (GPU and CPU, whole frames and tiles), physics, and of
//!   several processes rendering a frame's tiles in parallel;
//! - `simulate`: print the state hash of every tick (used by the determinism test).

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_compute::{
	game::{autopilot, GameState},
	physics, request_adapter,
	task::{Backend, Executor},
	tiles::batch_tiles,
	AdapterChoice, GpuRenderer, Scene, TileGrid,
};
use pgt_primitives::work::{output_hash, TileRect};
use std::{
	io::{BufRead, Write},
	path::{Path, PathBuf},
	process::{Command, Stdio},
	time::{Duration, Instant},
};

#[derive(Parser)]
#[command(
	name = "pgt-compute",
	version,
	about = "Verifiable game compute: render, verify and benchmark the PGT reference game"
)]
struct Cli {
	#[command(subcommand)]
	command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
	/// Play the game with the autopilot and write frames as PNG files.
	Render {
		#[command(flatten)]
		run: RunArgs,
		/// Directory to write frame-00000.png, ... into.
		#[arg(long)]
		out: PathBuf,
		/// Render with the CPU reference instead of the GPU.
		#[arg(long)]
		cpu: bool,
	},
	/// Render every tile on the GPU and on the CPU reference and compare their hashes.
	Verify {
		#[command(flatten)]
		run: RunArgs,
	},
	/// Print throughput figures.
	Bench {
		#[command(flatten)]
		run: RunArgs,
		/// Also time N processes rendering the frames' tiles in parallel (one device each), for each N given.
		#[arg(long, value_delimiter = ',', default_values_t = [1usize, 2])]
		processes: Vec<usize>,
		/// Physics ticks to time.
		#[arg(long, default_value_t = 600)]
		ticks: u32,
	},
	/// Print the state hash after every tick, one per line (`tick hash`).
	Simulate {
		/// Game seed.
		#[arg(long, default_value_t = 1)]
		seed: u64,
		/// Ticks to simulate.
		#[arg(long, default_value_t = 600)]
		ticks: u32,
		/// Player inputs, one hex digit pair per tick, repeated (for example `01020408`);
		/// `auto` for the autopilot.
		#[arg(long, default_value = "auto")]
		inputs: String,
	},
	/// (internal) One of `bench`'s parallel renderers: waits for a line on stdin, renders its share of the tiles, prints seconds.
	#[command(hide = true)]
	Part {
		#[command(flatten)]
		run: RunArgs,
		#[arg(long)]
		part: usize,
		#[arg(long)]
		of: usize,
		#[arg(long)]
		cpu: bool,
	},
}

#[derive(Args, Clone)]
struct RunArgs {
	/// Frames to render (frame n shows tick n).
	#[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
	frames: u32,
	/// Tile grid, COLSxROWS.
	#[arg(long, default_value = "4x4")]
	tiles: TileGrid,
	/// Frame width in pixels.
	#[arg(long, default_value_t = 640)]
	width: u16,
	/// Frame height in pixels.
	#[arg(long, default_value_t = 360)]
	height: u16,
	/// Game seed.
	#[arg(long, default_value_t = 1)]
	seed: u64,
	/// Use the fastest GPU instead of the software fallback adapter (lavapipe).
	#[arg(long)]
	hardware: bool,
}

impl RunArgs {
	fn adapter(&self) -> AdapterChoice {
		if self.hardware {
			AdapterChoice::HighPerformance
		} else {
			AdapterChoice::Fallback
		}
	}
}

fn main() -> Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,wgpu_core=warn,wgpu_hal=warn,naga=warn".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Cmd::Render { run, out, cpu } => render(&run, &out, cpu),
		Cmd::Verify { run } => verify(&run),
		Cmd::Bench { run, processes, ticks } => bench(&run, &processes, ticks),
		Cmd::Simulate { seed, ticks, inputs } => simulate(seed, ticks, &inputs),
		Cmd::Part { run, part, of, cpu } => render_part(&run, part, of, cpu),
	}
}

fn gpu_executor(run: &RunArgs) -> Result<Executor> {
	let adapter = request_adapter(run.adapter())?;
	let gpu = GpuRenderer::new(&adapter)?;
	let executor = Executor::new(Backend::Gpu(Box::new(gpu)));
	tracing::info!(backend = %executor.backend().describe(), "GPU ready");
	Ok(executor)
}

/// The autopilot game's states for frames 0..frames (frame n = tick n).
fn play(seed: u64, frames: u32) -> Vec<GameState> {
	let mut states = Vec::with_capacity(frames as usize);
	let mut s = GameState::new(seed);
	for _ in 0..frames {
		let next = physics::step(&s, autopilot(&s));
		states.push(std::mem::replace(&mut s, next));
	}
	states
}

fn bar(len: u64, what: &str) -> ProgressBar {
	let pb = ProgressBar::new(len);
	pb.set_style(
		ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
			.expect("valid template")
			.progress_chars("=> "),
	);
	pb.set_message(what.to_string());
	pb
}

fn render(run: &RunArgs, out: &Path, cpu: bool) -> Result<()> {
	std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
	let mut ex = if cpu { Executor::new(Backend::Cpu) } else { gpu_executor(run)? };
	let tiles = run.tiles.split(run.width, run.height)?;
	let pb = bar(u64::from(run.frames), "render");
	let (mut bytes, mut frame) = (Vec::new(), Vec::new());
	for (n, state) in play(run.seed, run.frames).into_iter().enumerate() {
		let hash = ex.insert_state(state);
		ex.render_frame_tiles(&hash, n as u32, run.width, run.height, &tiles, &mut bytes)?;
		pgt_compute::composite(run.width, run.height, batch_tiles(&tiles, &bytes), &mut frame)?;
		let path = out.join(format!("frame-{n:05}.png"));
		write_png(&path, run.width, run.height, &frame)?;
		pb.inc(1);
	}
	pb.finish();
	println!(
		"wrote {} frames of {}x{} ({} tiles each) to {}",
		run.frames,
		run.width,
		run.height,
		run.tiles,
		out.display()
	);
	Ok(())
}

fn verify(run: &RunArgs) -> Result<()> {
	let mut gpu = gpu_executor(run)?;
	let mut cpu = Executor::new(Backend::Cpu);
	let tiles = run.tiles.split(run.width, run.height)?;
	let pb = bar(u64::from(run.frames), "verify");
	let (mut g, mut c) = (Vec::new(), Vec::new());
	let mut mismatches = 0usize;
	for (n, state) in play(run.seed, run.frames).into_iter().enumerate() {
		let hash = gpu.insert_state(state.clone());
		cpu.insert_state(state);
		gpu.render_frame_tiles(&hash, n as u32, run.width, run.height, &tiles, &mut g)?;
		cpu.render_frame_tiles(&hash, n as u32, run.width, run.height, &tiles, &mut c)?;
		for ((tile, gb), (_, cb)) in batch_tiles(&tiles, &g).zip(batch_tiles(&tiles, &c)) {
			if output_hash(gb) != output_hash(cb) {
				mismatches += 1;
				pb.println(format!("frame {n} tile {tile:?}: GPU {:?} != CPU {:?}", output_hash(gb), output_hash(cb)));
			}
		}
		pb.inc(1);
	}
	pb.finish();
	let total = run.frames as usize * tiles.len();
	if mismatches > 0 {
		bail!("{mismatches} of {total} tiles differ between the GPU and the CPU reference");
	}
	println!(
		"{total} tiles ({} frames of {}x{}, {} grid): GPU and CPU hashes identical",
		run.frames, run.width, run.height, run.tiles
	);
	Ok(())
}

fn bench(run: &RunArgs, processes: &[usize], ticks: u32) -> Result<()> {
	let states = play(run.seed, run.frames.max(1));
	let mut gpu = gpu_executor(run)?;
	let mut cpu = Executor::new(Backend::Cpu);
	println!("backend: {}", gpu.backend().describe());
	let hashes: Vec<_> =
		states.iter().map(|s| (gpu.insert_state(s.clone()), cpu.insert_state(s.clone()))).map(|(h, _)| h).collect();
	let mut bytes = Vec::new();
	for grid in [TileGrid::WHOLE, TileGrid { cols: 2, rows: 2 }, TileGrid { cols: 4, rows: 4 }] {
		let tiles = grid.split(run.width, run.height)?;
		for (name, ex) in [("gpu", &mut gpu), ("cpu", &mut cpu)] {
			// One frame to warm up, then the timed frames.
			ex.render_frame_tiles(&hashes[0], 0, run.width, run.height, &tiles, &mut bytes)?;
			let mut times = Vec::new();
			for (n, h) in hashes.iter().enumerate() {
				let t = Instant::now();
				ex.render_frame_tiles(h, n as u32, run.width, run.height, &tiles, &mut bytes)?;
				times.push(t.elapsed());
			}
			let med = median(&mut times);
			report(name, run, grid, med);
		}
		// The CPU reference on one thread: what an auditor's single core does.
		let mut times = Vec::new();
		for (n, state) in states.iter().enumerate() {
			let scene = Scene::build(state, n as u32);
			let t = Instant::now();
			let mut at = 0;
			bytes.resize(usize::from(run.width) * usize::from(run.height) * 4, 0);
			for tile in &tiles {
				let len = usize::from(tile.w) * usize::from(tile.h) * 4;
				pgt_compute::cpu::render_tile(&scene, run.width, run.height, *tile, &mut bytes[at..at + len]);
				at += len;
			}
			times.push(t.elapsed());
		}
		report("cpu-1t", run, grid, median(&mut times));
	}
	let t = Instant::now();
	let mut s = GameState::new(run.seed);
	for _ in 0..ticks {
		s = physics::step(&s, autopilot(&s));
	}
	println!(
		"physics: {ticks} ticks in {:.1} ms, {:.0} ticks/s",
		ms(t.elapsed()),
		f64::from(ticks) / t.elapsed().as_secs_f64()
	);
	drop(gpu);
	for &n in processes {
		for cpu in [false, true] {
			let secs = parallel_render(run, n, cpu)?;
			println!(
				"parallel {}: {n} process(es) render {} frames of {}x{} as {} tiles: {:.2} ms/frame",
				if cpu { "cpu" } else { "gpu" },
				run.frames,
				run.width,
				run.height,
				run.tiles,
				secs * 1e3 / f64::from(run.frames)
			);
		}
	}
	Ok(())
}

/// Starts `n` copies of this program, each with its own single-core device, waits until all are ready,
/// then lets them render their share of every frame's tiles at once; returns the seconds from
/// the start signal until the last one finished.
fn parallel_render(run: &RunArgs, n: usize, cpu: bool) -> Result<f64> {
	let exe = std::env::current_exe()?;
	let mut children = Vec::new();
	for part in 0..n {
		let mut cmd = Command::new(&exe);
		cmd.args(["part", "--part", &part.to_string(), "--of", &n.to_string()])
			.args(["--frames", &run.frames.to_string(), "--tiles", &run.tiles.to_string()])
			.args([
				"--width",
				&run.width.to_string(),
				"--height",
				&run.height.to_string(),
				"--seed",
				&run.seed.to_string(),
			]);
		if run.hardware {
			cmd.arg("--hardware");
		}
		if cpu {
			cmd.arg("--cpu");
		}
		// Each process is one single-core device: one lavapipe thread, one rayon thread.
		cmd.env("LP_NUM_THREADS", "1").env("RAYON_NUM_THREADS", "1");
		children.push(cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?);
	}
	let mut readers = Vec::new();
	for child in &mut children {
		let mut out = std::io::BufReader::new(child.stdout.take().context("child stdout")?);
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

fn render_part(run: &RunArgs, part: usize, of: usize, cpu: bool) -> Result<()> {
	let mut ex = if cpu { Executor::new(Backend::Cpu) } else { gpu_executor(run)? };
	let all = run.tiles.split(run.width, run.height)?;
	let mine: Vec<TileRect> = all.iter().enumerate().filter(|(i, _)| i % of.max(1) == part).map(|(_, t)| *t).collect();
	let hashes: Vec<_> = play(run.seed, run.frames).into_iter().map(|s| ex.insert_state(s)).collect();
	let mut bytes = Vec::new();
	ex.render_frame_tiles(&hashes[0], 0, run.width, run.height, &mine, &mut bytes)?; // warm up
	println!("ready");
	std::io::stdin().read_line(&mut String::new())?;
	let t = Instant::now();
	for (n, h) in hashes.iter().enumerate() {
		ex.render_frame_tiles(h, n as u32, run.width, run.height, &mine, &mut bytes)?;
	}
	println!("{}", t.elapsed().as_secs_f64());
	Ok(())
}

fn simulate(seed: u64, ticks: u32, inputs: &str) -> Result<()> {
	let pattern: Vec<u8> = if inputs == "auto" {
		Vec::new()
	} else {
		if !inputs.is_ascii() || inputs.len() % 2 != 0 || inputs.is_empty() {
			bail!("--inputs must be hex byte pairs, like 0102");
		}
		(0..inputs.len())
			.step_by(2)
			.map(|i| u8::from_str_radix(&inputs[i..i + 2], 16))
			.collect::<Result<_, _>>()
			.context("--inputs must be hex")?
	};
	let mut s = GameState::new(seed);
	let stdout = std::io::stdout();
	let mut out = std::io::BufWriter::new(stdout.lock());
	writeln!(out, "{} {:?}", s.tick, s.hash())?;
	for i in 0..ticks as usize {
		let input = if pattern.is_empty() { autopilot(&s) } else { pattern[i % pattern.len()] };
		s = physics::step(&s, input);
		tracing::debug!(tick = s.tick, input, ball = ?s.ball.pos, velocity = ?s.ball.linvel, gem = ?s.gem, score = s.score, "tick");
		writeln!(out, "{} {:?}", s.tick, s.hash())?;
	}
	Ok(())
}

fn write_png(path: &Path, width: u16, height: u16, rgba: &[u8]) -> Result<()> {
	let file =
		std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
	let mut enc = png::Encoder::new(file, width.into(), height.into());
	enc.set_color(png::ColorType::Rgba);
	enc.set_depth(png::BitDepth::Eight);
	enc.write_header()?.write_image_data(rgba)?;
	Ok(())
}

fn median(times: &mut [Duration]) -> Duration {
	times.sort();
	times[times.len() / 2]
}

fn report(name: &str, run: &RunArgs, grid: TileGrid, med: Duration) {
	println!(
		"render {name:>6} {}x{} as {grid:>5} tiles: median {:8.2} ms/frame, {:8.1} tiles/s",
		run.width,
		run.height,
		ms(med),
		grid.count() as f64 / med.as_secs_f64()
	);
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1e3
}
