//! `pgt-compute`: the verifiable compute core a PGT worker runs.
//!
//! - [`game`]: the reference game's state, its canonical encoding and rules;
//! - [`physics`]: one deterministic tick on rapier3d (`enhanced-determinism`);
//! - [`scene`] and [`fixed`]: a frame as fixed-point words;
//! - [`gpu`]: the integer WGSL kernel through wgpu; [`cpu`]: the byte-identical CPU reference;
//! - [`tiles`]: splitting frames into tiles and compositing them;
//! - [`task`]: executing [`pgt_primitives::work`] micro-tasks to output bytes and hash;
//! - [`frames`], [`bench`] and [`simulate`]: what the `pgt-compute` command line runs (frames to
//!   PNG files, GPU-against-CPU checks, throughput figures with parallel processes, tick hashes).
//!
//! Why the render path is integer-only: "Verifiable compute" in `docs/architecture.md`.

pub mod bench;
pub mod cpu;
pub mod fixed;
pub mod frames;
pub mod game;
pub mod gpu;
pub mod physics;
pub mod scene;
pub mod simulate;
pub mod task;
pub mod tiles;

pub use game::{GameState, REFERENCE_GAME};
pub use gpu::{request_adapter, AdapterChoice, GpuRenderer};
pub use scene::Scene;
pub use task::{Backend, Executor, TaskFailure, TaskOutput};
pub use tiles::{composite, TileGrid};
