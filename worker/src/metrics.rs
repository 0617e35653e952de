//! The worker's Prometheus metrics (served like the node's, by `substrate-prometheus-endpoint`).

use polkadot_sdk::substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts, PrometheusError, Registry, U64,
};
use std::time::Duration;

/// Every metric `pgt-worker` exports (names start with `pgt_worker_`).
pub struct Metrics {
	/// Sessions accepted on chain.
	pub sessions_accepted: Counter<U64>,
	/// Sessions hosted now.
	pub sessions_hosting: Gauge<U64>,
	/// Sessions ended (by whichever side) and settled.
	pub sessions_settled: Counter<U64>,
	/// Frames rendered.
	pub frames_rendered: Counter<U64>,
	/// Frames written to a player.
	pub frames_sent: Counter<U64>,
	/// Frame bytes written to players.
	pub bytes_sent: Counter<U64>,
	/// Seconds to render a frame.
	pub render_seconds: Histogram,
	/// Seconds to encode a frame.
	pub encode_seconds: Histogram,
	/// Valid receipts received.
	pub receipts: Counter<U64>,
	/// Receipts submitted on chain.
	pub receipts_submitted: Counter<U64>,
	/// Peers dropped for breaking the protocol.
	pub peers_dropped: Counter<U64>,
	/// Heartbeats sent.
	pub heartbeats: Counter<U64>,
	/// PGT earned in settled sessions, in plancks (after burn and treasury shares).
	pub earned_plancks: Counter<U64>,
	/// Windows of work committed on chain.
	pub windows_committed: Counter<U64>,
	/// Micro-tasks (leaves) in committed windows.
	pub tasks_committed: Counter<U64>,
	/// Challenged leaves opened.
	pub challenges_opened: Counter<U64>,
	/// This worker's windows the chain judged honest.
	pub windows_honest: Counter<U64>,
	/// This worker's windows the chain judged wrong or unopened.
	pub windows_failed: Counter<U64>,
	/// Audits of other workers' windows committed (verdicts recomputed and committed).
	pub audits_committed: Counter<U64>,
	/// Audits revealed.
	pub audits_revealed: Counter<U64>,
	/// Sessions followed in lockstep as a backup now.
	pub sessions_backing: Gauge<U64>,
	/// Ticks a backup checked against its host's state hash.
	pub lockstep_ticks: Counter<U64>,
	/// Times a backup lost its host's game (a hash that differed, or missed ticks) and waited
	/// for the next snapshot.
	pub lockstep_resyncs: Counter<U64>,
	/// Sessions this worker took over from a dropped host on the player's order.
	pub takeovers: Counter<U64>,
	/// The embedded store's size on disk, bytes.
	pub store_bytes: Gauge<U64>,
	/// Tile tasks sent to each helper (label `helper`: its account, hex).
	pub helper_tasks_sent: CounterVec<U64>,
	/// Tile results from each helper used in a frame.
	pub helper_tasks_returned: CounterVec<U64>,
	/// Tile results that missed their deadline (the host rendered the tile itself).
	pub helper_tasks_late: CounterVec<U64>,
	/// Helper tiles the host recomputed to check them (a random sample).
	pub helper_tasks_recomputed: CounterVec<U64>,
	/// Helpers dropped for a wrong, unsigned or malformed result.
	pub helpers_dropped: Counter<U64>,
	/// Tasks this worker computed as a helper for other hosts.
	pub tasks_helped: Counter<U64>,
}

impl Metrics {
	/// Creates the metrics and registers them with `registry`.
	pub fn register(registry: &Registry) -> Result<Metrics, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(format!("pgt_worker_{name}"), help)?, registry);
		let per_helper = |name: &str, help: &str| {
			register(CounterVec::new(Opts::new(format!("pgt_worker_{name}"), help), &["helper"])?, registry)
		};
		let buckets = vec![0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.133, 0.266];
		let histogram = |name: &str, help: &str| {
			register(
				Histogram::with_opts(HistogramOpts::new(format!("pgt_worker_{name}"), help).buckets(buckets.clone()))?,
				registry,
			)
		};
		Ok(Metrics {
			sessions_accepted: counter("sessions_accepted_total", "Sessions accepted on chain")?,
			sessions_hosting: register(Gauge::new("pgt_worker_sessions_hosting", "Sessions hosted now")?, registry)?,
			sessions_settled: counter("sessions_settled_total", "Sessions ended and settled")?,
			frames_rendered: counter("frames_rendered_total", "Frames rendered")?,
			frames_sent: counter("frames_sent_total", "Frames written to players")?,
			bytes_sent: counter("frame_bytes_sent_total", "Frame bytes written to players")?,
			render_seconds: histogram("render_seconds", "Seconds to render a frame")?,
			encode_seconds: histogram("encode_seconds", "Seconds to encode a frame")?,
			receipts: counter("receipts_received_total", "Valid receipts received from players")?,
			receipts_submitted: counter("receipts_submitted_total", "Receipts submitted on chain")?,
			peers_dropped: counter("peers_dropped_total", "Peers dropped for breaking the protocol")?,
			heartbeats: counter("heartbeats_total", "Heartbeats sent")?,
			earned_plancks: counter("earned_plancks_total", "PGT earned in settled sessions, plancks")?,
			windows_committed: counter("windows_committed_total", "Windows of work committed on chain")?,
			tasks_committed: counter("tasks_committed_total", "Micro-tasks in committed windows")?,
			challenges_opened: counter("challenges_opened_total", "Challenged leaves opened")?,
			windows_honest: counter("windows_honest_total", "Own windows judged honest")?,
			windows_failed: counter("windows_failed_total", "Own windows judged wrong or unopened")?,
			audits_committed: counter("audits_committed_total", "Audits of other workers' windows committed")?,
			audits_revealed: counter("audits_revealed_total", "Audits revealed")?,
			sessions_backing: register(
				Gauge::new("pgt_worker_sessions_backing", "Sessions followed in lockstep as a backup")?,
				registry,
			)?,
			lockstep_ticks: counter("lockstep_ticks_total", "Ticks checked against the host's state hash as a backup")?,
			lockstep_resyncs: counter("lockstep_resyncs_total", "Times a backup lost the host's game and resynced")?,
			takeovers: counter("takeovers_total", "Sessions taken over from a dropped host")?,
			store_bytes: register(
				Gauge::new("pgt_worker_store_bytes", "The embedded store's size on disk")?,
				registry,
			)?,
			helper_tasks_sent: per_helper("helper_tasks_sent_total", "Tile tasks sent to a helper")?,
			helper_tasks_returned: per_helper("helper_tasks_returned_total", "A helper's tiles used in frames")?,
			helper_tasks_late: per_helper("helper_tasks_late_total", "A helper's tiles that missed their deadline")?,
			helper_tasks_recomputed: per_helper(
				"helper_tasks_recomputed_total",
				"A helper's tiles recomputed by the host to check them",
			)?,
			helpers_dropped: counter("helpers_dropped_total", "Helpers dropped for a wrong or malformed result")?,
			tasks_helped: counter("tasks_helped_total", "Tasks computed as a helper for other hosts")?,
		})
	}

	/// A frame was rendered in `render` and encoded in `encode`.
	pub fn frame_rendered(&self, _bytes: usize, render: Duration, encode: Duration) {
		self.frames_rendered.inc();
		self.render_seconds.observe(render.as_secs_f64());
		self.encode_seconds.observe(encode.as_secs_f64());
	}

	/// A frame of `bytes` was written to a player.
	pub fn frame_sent(&self, bytes: usize) {
		self.frames_sent.inc();
		self.bytes_sent.inc_by(bytes as u64);
	}
}
