//! The player's Prometheus metrics (`--metrics`, served like the node's and the worker's by
//! `substrate-prometheus-endpoint`; names start with `pgt_player_`).

use pgt_net::message::AccountId;
use pgt_primitives::{sessions::Receipt, Balance};
use polkadot_sdk::substrate_prometheus_endpoint::{
	init_prometheus, register, Counter, Gauge, Histogram, HistogramOpts, PrometheusError, Registry, U64,
};
use std::{net::SocketAddr, sync::Arc};

/// Every metric `pgt-player` exports.
pub struct Metrics {
	/// Frames received from the host.
	pub frames_received: Counter<U64>,
	/// Frame bytes received from the host.
	pub bytes_received: Counter<U64>,
	/// Frames drawn (in the page, or counted on arrival with `--headless`).
	pub frames_drawn: Counter<U64>,
	/// A drawn frame's render-done → drawn latency, seconds (what receipts pause seconds on).
	pub latency_seconds: Histogram,
	/// Receipts signed and sent to the host.
	pub receipts_signed: Counter<U64>,
	/// Seconds served so far in the session.
	pub seconds_served: Gauge<U64>,
	/// Seconds paused (free) so far in the session.
	pub seconds_paused: Gauge<U64>,
	/// PGT the receipts bill so far, in plancks.
	pub spent_plancks: Gauge<U64>,
	/// Takeovers ordered (the host dropped and a backup took the session over).
	pub failovers: Counter<U64>,
	/// From the last frame of a dropped host to the first frame of the backup, as received.
	pub failover_gap_seconds: Histogram,
}

impl Metrics {
	/// Creates the metrics and registers them with `registry`.
	pub fn register(registry: &Registry) -> Result<Metrics, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(format!("pgt_player_{name}"), help)?, registry);
		let gauge = |name: &str, help: &str| register(Gauge::new(format!("pgt_player_{name}"), help)?, registry);
		let buckets = vec![0.002, 0.004, 0.007, 0.01, 0.015, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0];
		Ok(Metrics {
			frames_received: counter("frames_received_total", "Frames received from the host")?,
			bytes_received: counter("frame_bytes_received_total", "Frame bytes received from the host")?,
			frames_drawn: counter("frames_drawn_total", "Frames drawn")?,
			latency_seconds: register(
				Histogram::with_opts(
					HistogramOpts::new("pgt_player_latency_seconds", "Render-done to drawn latency of drawn frames")
						.buckets(buckets),
				)?,
				registry,
			)?,
			receipts_signed: counter("receipts_signed_total", "Receipts signed and sent to the host")?,
			seconds_served: gauge("seconds_served", "Seconds served in the session")?,
			seconds_paused: gauge("seconds_paused", "Seconds paused (free) in the session")?,
			spent_plancks: gauge("spent_plancks", "PGT billed by the receipts so far, plancks")?,
			failovers: counter("failovers_total", "Takeovers ordered from a dropped host to a backup")?,
			failover_gap_seconds: register(
				Histogram::with_opts(
					HistogramOpts::new(
						"pgt_player_failover_gap_seconds",
						"Last frame received from a dropped host to the first from its backup",
					)
					.buckets(vec![0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1.0, 2.0]),
				)?,
				registry,
			)?,
		})
	}

	/// A frame was drawn `latency_ms` after the host finished rendering it.
	pub fn frame_drawn(&self, latency_ms: u32) {
		self.frames_drawn.inc();
		self.latency_seconds.observe(f64::from(latency_ms) / 1e3);
	}

	/// `receipt` was signed and sent; the session's rate is `rate` per compute-hour.
	pub fn receipt_signed(&self, receipt: &Receipt<AccountId>, rate: Balance) {
		self.receipts_signed.inc();
		self.seconds_served.set(receipt.seconds_served.into());
		self.seconds_paused.set(receipt.seconds_paused.into());
		let billed = receipt.seconds_served.saturating_sub(receipt.seconds_paused);
		let spent = rate.saturating_mul(Balance::from(billed)) / 3600;
		self.spent_plancks.set(u64::try_from(spent).unwrap_or(u64::MAX));
	}

	/// Registers the metrics and serves them at `addr` (`None`: kept, not served). A port that
	/// is taken is reported and the player goes on without the endpoint.
	pub fn serve(addr: Option<SocketAddr>) -> Result<Arc<Metrics>, PrometheusError> {
		let registry = Registry::new_custom(None, None)?;
		let metrics = Arc::new(Metrics::register(&registry)?);
		if let Some(addr) = addr {
			tokio::spawn(async move {
				if let Err(e) = init_prometheus(addr, registry).await {
					tracing::warn!(%addr, error = %e, "the metrics endpoint is not served");
				}
			});
		}
		Ok(metrics)
	}
}
