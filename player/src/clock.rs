//! The host's session clock as the player estimates it, from clock probe round trips (NTP's
//! rule: of recent probes, trust the one with the shortest round trip, and assume its two
//! halves were equal).

use std::{collections::VecDeque, time::Instant};

/// Probes remembered for the estimate.
pub const PROBE_WINDOW: usize = 16;

/// Ticks a second of the session clock.
pub const TICK_RATE: u64 = 60;

/// The estimate.
#[derive(Clone, Debug)]
pub struct HostClock {
	origin: Instant,
	/// Recent probes: (round trip µs, host clock − local clock µs).
	probes: VecDeque<(u64, i64)>,
}

impl Default for HostClock {
	fn default() -> Self {
		Self { origin: Instant::now(), probes: VecDeque::new() }
	}
}

impl HostClock {
	/// The local clock at `at`, µs since this estimate began (what probes carry).
	pub fn now_us(&self, at: Instant) -> u64 {
		at.saturating_duration_since(self.origin).as_micros().try_into().unwrap_or(u64::MAX)
	}

	/// A probe sent at local `probe_sent_us` was answered with the host's `host_us`, arriving
	/// at `at`.
	pub fn reply(&mut self, probe_sent_us: u64, host_us: u64, at: Instant) {
		let now = self.now_us(at);
		let Some(rtt) = now.checked_sub(probe_sent_us) else { return };
		let offset = host_us as i64 + (rtt / 2) as i64 - now as i64;
		if self.probes.len() == PROBE_WINDOW {
			self.probes.pop_front();
		}
		self.probes.push_back((rtt, offset));
	}

	fn best(&self) -> Option<(u64, i64)> {
		self.probes.iter().min_by_key(|(rtt, _)| *rtt).copied()
	}

	/// The latest round trip, ms.
	pub fn rtt_ms(&self) -> Option<f64> {
		self.probes.back().map(|(rtt, _)| *rtt as f64 / 1e3)
	}

	/// The host's clock at local `at`, µs (the local clock until a probe has come back).
	pub fn host_us(&self, at: Instant) -> u64 {
		let offset = self.best().map(|(_, o)| o).unwrap_or(0);
		(self.now_us(at) as i64 + offset).max(0) as u64
	}

	/// The tick the host is at, at local `at`.
	pub fn host_tick(&self, at: Instant) -> u64 {
		self.host_us(at) * TICK_RATE / 1_000_000
	}

	/// Render-done → `drawn` of a frame the host finished at `rendered_at_us`, ms (never
	/// negative). `None` until a probe has come back.
	pub fn frame_age_ms(&self, rendered_at_us: u64, drawn: Instant) -> Option<f64> {
		self.best()?;
		Some(self.host_us(drawn).saturating_sub(rendered_at_us) as f64 / 1e3)
	}

	/// The latency a receipt counts for a frame: its render-done → drawn time plus half the
	/// latest round trip (the way an input travels to the host), whole ms.
	pub fn latency_ms(&self, rendered_at_us: u64, drawn: Instant) -> Option<u32> {
		let age = self.frame_age_ms(rendered_at_us, drawn)?;
		let half_rtt = self.probes.back().map(|(rtt, _)| *rtt as f64 / 2e3).unwrap_or(0.0);
		Some((age + half_rtt).round() as u32)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	#[test]
	fn the_shortest_round_trip_sets_the_offset() {
		let mut c = HostClock::default();
		let t0 = c.origin;
		// Host clock = local + 5 s. A probe with a 10 ms round trip, symmetric.
		c.reply(0, 5_000_000 + 5_000, t0 + Duration::from_millis(10));
		// A slow probe (100 ms, all of it on the way back) must not move the estimate.
		c.reply(20_000, 5_000_000 + 20_000, t0 + Duration::from_millis(120));
		let at = t0 + Duration::from_secs(1);
		assert_eq!(c.host_us(at), 6_000_000);
		assert_eq!(c.host_tick(at), 360);
		// A frame finished by the host 3 ms before `at` arrives 3 ms old, plus half the latest
		// round trip (50 ms).
		assert_eq!(c.frame_age_ms(5_997_000, at), Some(3.0));
		assert_eq!(c.latency_ms(5_997_000, at), Some(53));
	}

	#[test]
	fn nothing_is_claimed_before_a_probe_returns() {
		let c = HostClock::default();
		assert_eq!(c.latency_ms(0, Instant::now()), None);
	}
}
