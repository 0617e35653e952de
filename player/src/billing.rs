//! What the player signs for each contributor: cumulative seconds served and paused, frames, and
//! latency percentiles — the fields of a [`Receipt`].
//!
//! The session is cut into whole seconds of the player's session clock. A second counts as
//! **served** by a contributor when at least one of its frames was drawn in it, and as **paused**
//! (free) when the median latency of those frames is above the session's `max_latency_ms`. Only
//! seconds that are over are counted: the open second is never billed, a second in which
//! nothing arrived is not served, and a closed second is never reopened (a late sample counts
//! toward the open one). So each receipt adds to the last one the way the chain requires:
//! served, paused and frames never go down, and the seconds it newly pauses are among the
//! seconds it newly serves.

use pgt_net::message::AccountId;
use pgt_primitives::sessions::{Receipt, SessionId};

/// Latencies are counted in 1 ms buckets up to this; anything slower lands in the last bucket.
pub const LATENCY_BUCKETS_MS: usize = 2_000;

/// Latency percentiles over a whole session in constant memory (1 ms buckets).
#[derive(Clone, Debug)]
pub struct LatencyHistogram {
	buckets: Vec<u64>,
	count: u64,
}

impl Default for LatencyHistogram {
	fn default() -> Self {
		Self { buckets: vec![0; LATENCY_BUCKETS_MS + 1], count: 0 }
	}
}

impl LatencyHistogram {
	/// Adds one sample.
	pub fn record(&mut self, latency_ms: u32) {
		let i = (latency_ms as usize).min(LATENCY_BUCKETS_MS);
		self.buckets[i] += 1;
		self.count += 1;
	}

	/// The smallest latency at or below which a share `q` (0–1) of the samples lie; 0 with no
	/// samples.
	pub fn percentile(&self, q: f64) -> u32 {
		if self.count == 0 {
			return 0;
		}
		let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
		let mut seen = 0;
		for (ms, n) in self.buckets.iter().enumerate() {
			seen += n;
			if seen >= rank {
				return ms as u32;
			}
		}
		LATENCY_BUCKETS_MS as u32
	}

	/// How many samples.
	pub fn count(&self) -> u64 {
		self.count
	}
}

#[derive(Clone, Debug)]
struct OpenSecond {
	index: u64,
	latencies: Vec<u32>,
}

/// One contributor's account in one session, as the player keeps it.
#[derive(Clone, Debug)]
pub struct Ledger {
	session: SessionId,
	contributor: AccountId,
	max_latency_ms: u32,
	served: u32,
	paused: u32,
	frames: u64,
	counter: u32,
	open: Option<OpenSecond>,
	latency: LatencyHistogram,
}

impl Ledger {
	/// An empty ledger for `contributor` in `session`, whose limit is `max_latency_ms`.
	pub fn new(session: SessionId, contributor: AccountId, max_latency_ms: u32) -> Self {
		Self {
			session,
			contributor,
			max_latency_ms,
			served: 0,
			paused: 0,
			frames: 0,
			counter: 0,
			open: None,
			latency: LatencyHistogram::default(),
		}
	}

	/// A frame of this contributor was drawn at `at_ms` of the session clock, `latency_ms` after
	/// it was rendered.
	pub fn frame_drawn(&mut self, at_ms: u64, latency_ms: u32) {
		let second = at_ms / 1_000;
		self.advance_to_second(second);
		let open = self.open.get_or_insert_with(|| OpenSecond { index: second, latencies: Vec::new() });
		open.latencies.push(latency_ms);
	}

	/// Closes every second that is over at `now_ms`.
	pub fn advance(&mut self, now_ms: u64) {
		self.advance_to_second(now_ms / 1_000);
	}

	fn advance_to_second(&mut self, second: u64) {
		if self.open.as_ref().is_some_and(|o| o.index < second) {
			if let Some(open) = self.open.take() {
				self.close(open);
			}
		}
	}

	fn close(&mut self, mut second: OpenSecond) {
		second.latencies.sort_unstable();
		let median = second.latencies[(second.latencies.len() - 1) / 2];
		self.served = self.served.saturating_add(1);
		if median > self.max_latency_ms {
			self.paused = self.paused.saturating_add(1);
		}
		self.frames = self.frames.saturating_add(second.latencies.len() as u64);
		for l in second.latencies {
			self.latency.record(l);
		}
	}

	/// Seconds served so far (closed seconds only).
	pub fn seconds_served(&self) -> u32 {
		self.served
	}

	/// Of those, seconds paused.
	pub fn seconds_paused(&self) -> u32 {
		self.paused
	}

	/// The latency percentiles so far.
	pub fn latency(&self) -> &LatencyHistogram {
		&self.latency
	}

	/// The next receipt: everything closed so far, with a counter one above the last receipt's.
	pub fn receipt(&mut self) -> Receipt<AccountId> {
		self.counter = self.counter.saturating_add(1);
		let ms = |q| u16::try_from(self.latency.percentile(q)).unwrap_or(u16::MAX);
		Receipt {
			session: self.session,
			contributor: self.contributor,
			seconds_served: self.served,
			seconds_paused: self.paused,
			frames: self.frames,
			latency_p50_ms: ms(0.5),
			latency_p95_ms: ms(0.95),
			counter: self.counter,
		}
	}
}
