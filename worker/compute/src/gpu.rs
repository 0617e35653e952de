//! The wgpu renderer: runs `src/render.wgsl` headless on an adapter the caller picks.
//!
//! One [`GpuRenderer`] owns one device, one pipeline and its buffers, reused across frames:
//! the scene buffer and the job buffer have fixed sizes; the pixel and read-back buffers grow
//! (to a power of two) only when a batch needs more room than any before, so rendering tiles
//! allocates nothing on the device in the steady state. A batch of tiles is one dispatch (one
//! workgroup layer per tile), one copy and one read-back.

use crate::scene::{wgsl_layout, Scene, SCENE_WORDS};
use pgt_primitives::work::TileRect;
use std::{ffi::OsStr, io, path::Path, sync::mpsc};
use tempfile::TempDir;
use thiserror::Error;

/// Most tiles one dispatch renders.
pub const MAX_TILES_PER_BATCH: usize = 1024;
const WORKGROUP: u32 = 8;

/// Which adapter to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdapterChoice {
	/// The software fallback (Mesa's lavapipe on Linux): what the tests use.
	Fallback,
	/// The fastest GPU the machine has.
	HighPerformance,
}

/// Why the GPU path failed.
#[derive(Debug, Error)]
pub enum GpuError {
	/// No adapter matched.
	#[error("no {0:?} GPU adapter found (on Linux without a GPU, install mesa-vulkan-drivers for lavapipe): {1}")]
	NoAdapter(AdapterChoice, String),
	/// The adapter would not give us a device.
	#[error("could not open the GPU device: {0}")]
	Device(String),
	/// Too many tiles for one batch.
	#[error("batch of {0} tiles is larger than {MAX_TILES_PER_BATCH}")]
	BatchTooLarge(usize),
	/// The batch's pixels don't fit in one storage buffer of this device.
	#[error("batch needs {bytes} bytes of pixels, more than this device's {limit}-byte storage buffers")]
	BatchTooManyBytes {
		/// Bytes the batch needs.
		bytes: u64,
		/// The device's largest storage buffer binding.
		limit: u64,
	},
	/// Reading the results back failed (device lost, timeout...).
	#[error("reading the rendered tiles back failed: {0}")]
	Readback(String),
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Job {
	width: u32,
	height: u32,
	x: u32,
	y: u32,
	w: u32,
	h: u32,
	offset: u32,
	pad: u32,
}

/// The environment variable Mesa's Vulkan drivers (lavapipe included) expect to name the
/// session's runtime directory.
pub const RUNTIME_DIR_VAR: &str = "XDG_RUNTIME_DIR";

/// The runtime directory to give a process whose `XDG_RUNTIME_DIR` is `current`: `None` when
/// `current` already names an existing directory by an absolute path, otherwise a new private
/// directory (under [`std::env::temp_dir`], mode 0700 on Unix) that is removed when the returned value
/// is dropped.
///
/// Without a usable one, Mesa prints `Error: XDG_RUNTIME_DIR is invalid or not set in the
/// environment.` each time it opens a device, which reads as a failure though rendering works
/// (CI, containers, `ssh` and `sudo` sessions often have none).
pub fn private_runtime_dir(current: Option<&OsStr>) -> io::Result<Option<TempDir>> {
	if current.map(Path::new).is_some_and(|dir| dir.is_absolute() && dir.is_dir()) {
		return Ok(None);
	}
	let mut builder = tempfile::Builder::new();
	builder.prefix("pgt-runtime-");
	#[cfg(unix)]
	builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
	builder.tempdir().map(Some)
}

/// Gives this process a private `XDG_RUNTIME_DIR` (see [`private_runtime_dir`]) if it has no
/// usable one, before any wgpu instance is created; child processes inherit it. Keep the
/// returned directory alive as long as the process uses the GPU: dropping it removes the
/// directory.
///
/// Call it first thing in `main`, before any thread is started: it sets an environment variable,
/// and changing the environment while another thread reads it is undefined behaviour on Unix
/// (why `std::env::set_var` is `unsafe` from edition 2024 on).
pub fn ensure_runtime_dir() -> io::Result<Option<TempDir>> {
	let dir = private_runtime_dir(std::env::var_os(RUNTIME_DIR_VAR).as_deref())?;
	if let Some(dir) = &dir {
		std::env::set_var(RUNTIME_DIR_VAR, dir.path());
	}
	Ok(dir)
}

/// Opens an adapter of the given kind.
pub fn request_adapter(choice: AdapterChoice) -> Result<wgpu::Adapter, GpuError> {
	let mut desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
	if choice == AdapterChoice::Fallback {
		// lavapipe is a Vulkan driver; don't let a GL software rasteriser answer instead.
		desc.backends = wgpu::Backends::VULKAN;
	}
	let instance = wgpu::Instance::new(desc);
	let options = wgpu::RequestAdapterOptions {
		power_preference: wgpu::PowerPreference::HighPerformance,
		force_fallback_adapter: choice == AdapterChoice::Fallback,
		compatible_surface: None,
		..Default::default()
	};
	pollster::block_on(instance.request_adapter(&options)).map_err(|e| GpuError::NoAdapter(choice, e.to_string()))
}

/// The GPU tile renderer.
pub struct GpuRenderer {
	device: wgpu::Device,
	queue: wgpu::Queue,
	pipeline: wgpu::ComputePipeline,
	scene: wgpu::Buffer,
	jobs: wgpu::Buffer,
	pixels: Option<(wgpu::Buffer, wgpu::Buffer, wgpu::BindGroup)>,
	capacity: u64,
	info: wgpu::AdapterInfo,
	staged_jobs: Vec<Job>,
}

impl GpuRenderer {
	/// Opens a device on `adapter` and builds the pipeline.
	pub fn new(adapter: &wgpu::Adapter) -> Result<GpuRenderer, GpuError> {
		let info = adapter.get_info();
		let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
			label: Some("pgt-compute"),
			required_limits: wgpu::Limits::default(),
			..Default::default()
		}))
		.map_err(|e| GpuError::Device(e.to_string()))?;
		let source = format!("{}\n{}", wgsl_layout(), include_str!("render.wgsl"));
		let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
			label: Some("render.wgsl"),
			source: wgpu::ShaderSource::Wgsl(source.into()),
		});
		let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
			label: Some("render"),
			layout: None,
			module: &module,
			entry_point: Some("main"),
			compilation_options: Default::default(),
			cache: None,
		});
		let scene = device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("scene"),
			size: (SCENE_WORDS * 4) as u64,
			usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
			mapped_at_creation: false,
		});
		let jobs = device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("jobs"),
			size: (MAX_TILES_PER_BATCH * std::mem::size_of::<Job>()) as u64,
			usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
			mapped_at_creation: false,
		});
		Ok(GpuRenderer {
			device,
			queue,
			pipeline,
			scene,
			jobs,
			pixels: None,
			capacity: 0,
			info,
			staged_jobs: Vec::with_capacity(MAX_TILES_PER_BATCH),
		})
	}

	/// The adapter this renderer runs on (name, driver, device type).
	pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
		&self.info
	}

	/// Renders `tiles` of a `width` × `height` frame of `scene` in one dispatch and writes their
	/// bytes, one tile after the other (each `w × h × 4` bytes, row by row), into `out`
	/// (cleared first; its allocation is reused). The caller has validated every tile.
	pub fn render_tiles(
		&mut self,
		scene: &Scene,
		width: u16,
		height: u16,
		tiles: &[TileRect],
		out: &mut Vec<u8>,
	) -> Result<(), GpuError> {
		if tiles.len() > MAX_TILES_PER_BATCH {
			return Err(GpuError::BatchTooLarge(tiles.len()));
		}
		out.clear();
		if tiles.is_empty() {
			return Ok(());
		}
		self.staged_jobs.clear();
		let (mut words, mut max_w, mut max_h) = (0u32, 0u32, 0u32);
		for t in tiles {
			let (w, h) = (u32::from(t.w), u32::from(t.h));
			self.staged_jobs.push(Job {
				width: width.into(),
				height: height.into(),
				x: t.x.into(),
				y: t.y.into(),
				w,
				h,
				offset: words,
				pad: 0,
			});
			words += w * h;
			max_w = max_w.max(w);
			max_h = max_h.max(h);
		}
		let bytes = u64::from(words) * 4;
		let limit = self.device.limits().max_storage_buffer_binding_size.min(self.device.limits().max_buffer_size);
		if bytes.next_power_of_two().max(1 << 20) > limit {
			return Err(GpuError::BatchTooManyBytes { bytes, limit });
		}
		self.ensure_capacity(bytes);
		let Some((pixels, readback, bind_group)) = &self.pixels else {
			return Err(GpuError::Readback("no pixel buffer".into()));
		};

		self.queue.write_buffer(&self.scene, 0, bytemuck::cast_slice(scene.words()));
		self.queue.write_buffer(&self.jobs, 0, bytemuck::cast_slice(&self.staged_jobs));
		let mut encoder = self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("tiles") });
		{
			let mut pass = encoder
				.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("render"), timestamp_writes: None });
			pass.set_pipeline(&self.pipeline);
			pass.set_bind_group(0, bind_group, &[]);
			pass.dispatch_workgroups(max_w.div_ceil(WORKGROUP), max_h.div_ceil(WORKGROUP), tiles.len() as u32);
		}
		encoder.copy_buffer_to_buffer(pixels, 0, readback, 0, bytes);
		self.queue.submit([encoder.finish()]);

		let slice = readback.slice(..bytes);
		let (tx, rx) = mpsc::channel();
		slice.map_async(wgpu::MapMode::Read, move |r| {
			let _ = tx.send(r);
		});
		self.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| GpuError::Readback(e.to_string()))?;
		match rx.recv() {
			Ok(Ok(())) => {},
			Ok(Err(e)) => return Err(GpuError::Readback(e.to_string())),
			Err(_) => return Err(GpuError::Readback("map callback dropped".into())),
		}
		{
			let view = slice.get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?;
			out.extend_from_slice(&view);
		}
		readback.unmap();
		Ok(())
	}

	/// Renders one tile into `out`.
	pub fn render_tile(
		&mut self,
		scene: &Scene,
		width: u16,
		height: u16,
		tile: TileRect,
		out: &mut Vec<u8>,
	) -> Result<(), GpuError> {
		self.render_tiles(scene, width, height, &[tile], out)
	}

	/// Grows the pixel and read-back buffers to hold `bytes` (a power of two, at least 1 MiB).
	fn ensure_capacity(&mut self, bytes: u64) {
		if bytes <= self.capacity && self.pixels.is_some() {
			return;
		}
		let size = bytes.next_power_of_two().max(1 << 20);
		let pixels = self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("pixels"),
			size,
			usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
			mapped_at_creation: false,
		});
		let readback = self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("readback"),
			size,
			usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
			mapped_at_creation: false,
		});
		let layout = self.pipeline.get_bind_group_layout(0);
		let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
			label: Some("render"),
			layout: &layout,
			entries: &[
				wgpu::BindGroupEntry { binding: 0, resource: self.scene.as_entire_binding() },
				wgpu::BindGroupEntry { binding: 1, resource: self.jobs.as_entire_binding() },
				wgpu::BindGroupEntry { binding: 2, resource: pixels.as_entire_binding() },
			],
		});
		self.pixels = Some((pixels, readback, bind_group));
		self.capacity = size;
	}
}

#[cfg(all(test, unix))]
mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	#[test]
	fn a_missing_or_unusable_runtime_dir_is_replaced_by_a_private_one() {
		let file = tempfile::NamedTempFile::new().expect("a temporary file");
		for current in [None, Some(""), Some("relative/dir"), Some("/nonexistent/pgt-runtime"), file.path().to_str()] {
			let dir = private_runtime_dir(current.map(OsStr::new)).expect("created").expect("a new directory");
			let meta = std::fs::metadata(dir.path()).expect("exists");
			assert!(meta.is_dir() && dir.path().is_absolute(), "{current:?}");
			assert_eq!(meta.permissions().mode() & 0o777, 0o700, "{current:?}: private");
			let path = dir.path().to_owned();
			drop(dir);
			assert!(!path.exists(), "removed when dropped");
		}
	}

	#[test]
	fn an_existing_runtime_dir_is_kept() {
		let existing = tempfile::tempdir().expect("a directory");
		assert!(private_runtime_dir(Some(existing.path().as_os_str())).expect("no error").is_none());
	}
}
