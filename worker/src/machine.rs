//! Measuring the machine before it registers: which renderer to use, how fast it renders and
//! simulates the reference game, and the report whose hash goes on chain as the profile's
//! **resource hash** (the report itself is kept in the data directory, to be published).

use crate::config::RendererChoice;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use pgt_compute::{
	bench::time_physics, physics::play_autopilot, request_adapter, AdapterChoice, Backend, Executor, GpuRenderer,
};
use serde::Serialize;
use std::time::{Duration, Instant};

/// The frame size the benchmark score is measured at.
pub const SCORE_WIDTH: u16 = 640;
/// See [`SCORE_WIDTH`].
pub const SCORE_HEIGHT: u16 = 360;
/// Frames timed for the score (after one to warm up).
pub const SCORE_FRAMES: u32 = 12;

/// What the measurement found: the report (hashed into the profile) and the renderer to host
/// with.
pub struct Machine {
	/// The report.
	pub report: MachineReport,
	/// BLAKE2b-256 of the report's JSON.
	pub resource_hash: [u8; 32],
	/// The executor that renders this worker's frames.
	pub executor: Executor,
}

/// The worker's hardware and benchmark report.
#[derive(Clone, Debug, Serialize)]
pub struct MachineReport {
	/// `pgt-worker`'s version.
	pub worker_version: &'static str,
	/// The CPU's model name (`/proc/cpuinfo`).
	pub cpu_model: String,
	/// Logical CPUs.
	pub cpu_cores: u16,
	/// Total memory, MiB.
	pub memory_mb: u64,
	/// The renderer chosen (`cpu reference` or the GPU adapter).
	pub renderer: String,
	/// The GPU's name, if frames render on one.
	pub gpu_model: String,
	/// Median milliseconds to render a 640 × 360 frame with that renderer.
	pub frame_ms: f64,
	/// Physics ticks simulated a second.
	pub physics_ticks_per_second: f64,
	/// The benchmark score: 640 × 360 frames a second × 100.
	pub score: u32,
}

/// Picks the renderer and measures it, with a progress bar.
pub fn measure(choice: RendererChoice) -> Result<Machine> {
	let mut executor = open_executor(choice)?;
	let renderer = executor.backend().describe();
	let gpu_model = match executor.backend() {
		Backend::Gpu(gpu) => gpu.adapter_info().name.clone(),
		Backend::Cpu => String::new(),
	};
	let bar = ProgressBar::new(u64::from(SCORE_FRAMES) + 2).with_message(format!("measuring ({renderer})"));
	bar.set_style(ProgressStyle::with_template("{msg} {bar:30} {pos}/{len}").expect("valid template"));
	let states = play_autopilot(7, SCORE_FRAMES);
	let hashes: Vec<_> = states.iter().map(|s| executor.insert_state(s.clone())).collect();
	let mut out = Vec::new();
	executor.render_frame(&hashes[0], 0, SCORE_WIDTH, SCORE_HEIGHT, &mut out).context("rendering failed")?;
	bar.inc(1);
	let mut times = Vec::with_capacity(hashes.len());
	for (n, h) in (0..).zip(&hashes) {
		let t = Instant::now();
		executor.render_frame(h, n, SCORE_WIDTH, SCORE_HEIGHT, &mut out).context("rendering failed")?;
		times.push(t.elapsed());
		bar.inc(1);
	}
	let physics = time_physics(7, 240);
	bar.inc(1);
	bar.finish_and_clear();
	times.sort();
	let frame = times[times.len() / 2].max(Duration::from_micros(1));
	let report = MachineReport {
		worker_version: env!("CARGO_PKG_VERSION"),
		cpu_model: cpu_model(),
		cpu_cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).try_into().unwrap_or(u16::MAX),
		memory_mb: memory_mb(),
		renderer,
		gpu_model,
		frame_ms: frame.as_secs_f64() * 1e3,
		physics_ticks_per_second: f64::from(physics.ticks) / physics.elapsed.as_secs_f64().max(1e-9),
		score: (100.0 / frame.as_secs_f64()).min(f64::from(u32::MAX)) as u32,
	};
	let json = serde_json::to_vec(&report).context("cannot encode the machine report")?;
	// BLAKE2b-256, as every hash on chain.
	let resource_hash = pgt_primitives::work::output_hash(&json).0;
	Ok(Machine { resource_hash, report, executor })
}

/// Opens the renderer `choice` asks for. `auto` takes a GPU only if it is real hardware:
/// lavapipe (a CPU adapter) renders slower than the CPU reference on the same cores.
pub fn open_executor(choice: RendererChoice) -> Result<Executor> {
	match choice {
		RendererChoice::Cpu => Ok(Executor::new(Backend::Cpu)),
		RendererChoice::Gpu => {
			let adapter = request_adapter(AdapterChoice::HighPerformance)
				.or_else(|_| request_adapter(AdapterChoice::Fallback))
				.context("no GPU adapter (`--renderer cpu` renders on the CPU)")?;
			Ok(Executor::new(Backend::Gpu(Box::new(GpuRenderer::new(&adapter)?))))
		},
		RendererChoice::Auto => match request_adapter(AdapterChoice::HighPerformance) {
			Ok(adapter) if adapter.get_info().device_type != wgpu::DeviceType::Cpu => {
				match GpuRenderer::new(&adapter) {
					Ok(gpu) => Ok(Executor::new(Backend::Gpu(Box::new(gpu)))),
					Err(e) => {
						tracing::warn!(error = %e, "the GPU would not open; rendering on the CPU");
						Ok(Executor::new(Backend::Cpu))
					},
				}
			},
			_ => Ok(Executor::new(Backend::Cpu)),
		},
	}
}

fn cpu_model() -> String {
	std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("model name"))
				.and_then(|l| l.split(':').nth(1))
				.map(|m| m.trim().to_string())
		})
		.unwrap_or_else(|| "unknown".into())
}

fn memory_mb() -> u64 {
	std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("MemTotal:"))
				.and_then(|l| l.split_whitespace().nth(1))
				.and_then(|kb| kb.parse::<u64>().ok())
		})
		.map(|kb| kb / 1024)
		.unwrap_or(0)
}
