//! `pgt-compute`: drive the verifiable compute core from the command line.
//!
//! - `render`: play the reference game with the autopilot and write PNG frames;
//! - `verify`: render every tile on the GPU and on the CPU reference and compare hashes;
//! - `bench`: throughput of rendering (GPU and CPU, whole frames and tiles), physics, and of
//!   several processes rendering a frame's tiles in parallel;
//! - `simulate`: print the state hash of every tick (used by the determinism test);
//! - `frame`: render one frame of a game played with given inputs, as a host renders it.
//!
//! The work is done by the library (`pgt_compute::frames`, `bench`, `simulate`); this file parses
//! the arguments, shows progress and prints.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_compute::{
	bench::{self, BenchOptions},
	frames::{self, RenderToPng, RunConfig, Verify},
	gpu,
	simulate::{self, Inputs},
	AdapterChoice, Backend, Executor, TileGrid,
};
use std::path::{Path, PathBuf};

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
		/// Player inputs, one hex digit pair per tick, repeated (for example `01020408`); key
		/// changes `tick:keys,…` (for example `120:8,300:0`, as `pgt-worker` logs a session's);
		/// `auto` for the autopilot.
		#[arg(long, default_value = "auto")]
		inputs: String,
	},
	/// Render one frame exactly as a host renders it: the game from `--seed` after `--tick` ticks
	/// of `--inputs`, drawn as frame number `--frame` (one whole-frame tile, the CPU reference);
	/// writes its raw RGBA bytes, or a PNG when `--out` ends in `.png`.
	Frame {
		/// Game seed (a session's: the first 8 bytes of its task package hash, little-endian).
		#[arg(long)]
		seed: u64,
		/// Ticks simulated before the frame.
		#[arg(long)]
		tick: u32,
		/// The frame's number in the session.
		#[arg(long)]
		frame: u32,
		/// Player inputs, as `simulate` takes them (a host's logged key changes `tick:keys,…`).
		#[arg(long, default_value = "00")]
		inputs: String,
		/// Frame width in pixels.
		#[arg(long, default_value_t = 640)]
		width: u16,
		/// Frame height in pixels.
		#[arg(long, default_value_t = 360)]
		height: u16,
		/// The file to write.
		#[arg(long)]
		out: PathBuf,
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
	fn config(&self) -> RunConfig {
		RunConfig {
			frames: self.frames,
			tiles: self.tiles,
			width: self.width,
			height: self.height,
			seed: self.seed,
			adapter: if self.hardware { AdapterChoice::HighPerformance } else { AdapterChoice::Fallback },
		}
	}
}

fn main() -> Result<()> {
	// Parsing first: `--help` and argument errors exit the process without dropping anything.
	let cli = Cli::parse();
	// Then, while this process has a single thread: without a usable XDG_RUNTIME_DIR, Mesa's
	// Vulkan drivers print "Error: XDG_RUNTIME_DIR is invalid or not set in the environment." on
	// every device open, which reads as a failure. This sets the variable for this process and
	// the `part` processes `bench` starts; setting the environment while another thread may read
	// it is undefined behaviour on Unix (why `set_var` is `unsafe` from edition 2024 on), hence
	// before tracing, wgpu or rayon start any. The directory is removed when `main` returns.
	let runtime_dir = gpu::ensure_runtime_dir();
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,wgpu_core=warn,wgpu_hal=warn,naga=warn".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	let _runtime_dir = runtime_dir.unwrap_or_else(|e| {
		tracing::warn!("could not create a private XDG_RUNTIME_DIR: {e}");
		None
	});
	match cli.command {
		Cmd::Render { run, out, cpu } => render(&run, &out, cpu),
		Cmd::Verify { run } => verify(&run),
		Cmd::Bench { run, processes, ticks } => {
			let options = BenchOptions { ticks, processes, part_program: std::env::current_exe()? };
			bench::run(&run.config(), &options, |m| println!("{m}"))?;
			Ok(())
		},
		Cmd::Simulate { seed, ticks, inputs } => {
			let inputs: Inputs = inputs.parse()?;
			Ok(simulate::write_tick_hashes(seed, ticks, &inputs, std::io::BufWriter::new(std::io::stdout().lock()))?)
		},
		Cmd::Frame { seed, tick, frame, inputs, width, height, out } => {
			let state = simulate::state_at(seed, tick, &inputs.parse()?);
			let mut executor = Executor::new(Backend::Cpu);
			let hash = executor.insert_state(state);
			let mut rgba = Vec::new();
			executor.render_frame(&hash, frame, width, height, &mut rgba)?;
			if out.extension().is_some_and(|e| e == "png") {
				frames::write_png(&out, width, height, &rgba)?;
			} else {
				std::fs::write(&out, &rgba).with_context(|| format!("writing {}", out.display()))?;
			}
			println!("frame {frame} at tick {tick} (state {hash:?}): {width}x{height} written to {}", out.display());
			Ok(())
		},
		Cmd::Part { run, part, of, cpu } => {
			bench::serve_part(&run.config(), part, of, cpu, std::io::stdin().lock(), std::io::stdout())
		},
	}
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
	let job = RenderToPng::new(&run.config(), out, cpu)?;
	let pb = bar(u64::from(run.frames), "render");
	job.run(|_| pb.inc(1))?;
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
	let job = Verify::new(&run.config())?;
	let pb = bar(u64::from(run.frames), "verify");
	let found = job.run(|_, mismatches| {
		for m in mismatches {
			pb.println(m.to_string());
		}
		pb.inc(1);
	})?;
	pb.finish();
	let total = found.tiles;
	if !found.mismatches.is_empty() {
		bail!("{} of {total} tiles differ between the GPU and the CPU reference", found.mismatches.len());
	}
	println!(
		"{total} tiles ({} frames of {}x{}, {} grid): GPU and CPU hashes identical",
		run.frames, run.width, run.height, run.tiles
	);
	Ok(())
}
