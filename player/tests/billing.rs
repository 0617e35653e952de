//! The player's ledger bills what the chain's receipt rules allow and what a player should pay:
//! only seconds that were served and are over, latency over the limit free.

use pgt_player::billing::{LatencyHistogram, Ledger};
use proptest::prelude::*;

const HOST: [u8; 32] = [2; 32];

/// Frames at `fps` from `from_ms` to `to_ms` (exclusive), each `latency_ms` late.
fn stream(l: &mut Ledger, from_ms: u64, to_ms: u64, fps: u64, latency_ms: u32) {
	let step = 1_000 / fps;
	let mut t = from_ms;
	while t < to_ms {
		l.frame_drawn(t, latency_ms);
		t += step;
	}
}

#[test]
fn a_steady_stream_bills_every_second_that_is_over() {
	let mut l = Ledger::new(1, HOST, 100);
	stream(&mut l, 0, 10_000, 50, 20);
	l.advance(10_000);
	let r = l.receipt();
	assert_eq!((r.seconds_served, r.seconds_paused, r.frames), (10, 0, 500));
	assert_eq!((r.latency_p50_ms, r.latency_p95_ms, r.counter), (20, 20, 1));
	assert_eq!((r.session, r.contributor), (1, HOST));
}

#[test]
fn seconds_over_the_latency_limit_are_paused_and_free() {
	let mut l = Ledger::new(1, HOST, 100);
	stream(&mut l, 0, 3_000, 50, 20);
	stream(&mut l, 3_000, 8_000, 50, 220); // 200 ms of added delay for 5 s
	stream(&mut l, 8_000, 10_000, 50, 20);
	l.advance(10_000);
	let r = l.receipt();
	assert_eq!((r.seconds_served, r.seconds_paused), (10, 5));
	assert_eq!(r.seconds_served - r.seconds_paused, 5, "billed");
	assert_eq!(r.latency_p95_ms, 220);
}

#[test]
fn one_slow_frame_does_not_pause_a_second_but_a_slow_majority_does() {
	let mut l = Ledger::new(1, HOST, 100);
	for (i, lat) in [10, 10, 500, 10, 10].into_iter().enumerate() {
		l.frame_drawn(i as u64 * 100, lat);
	}
	for (i, lat) in [150, 150, 10, 150, 150].into_iter().enumerate() {
		l.frame_drawn(1_000 + i as u64 * 100, lat);
	}
	l.advance(2_000);
	assert_eq!((l.seconds_served(), l.seconds_paused()), (2, 1));
}

#[test]
fn the_open_second_and_silent_seconds_are_not_billed() {
	let mut l = Ledger::new(1, HOST, 100);
	stream(&mut l, 0, 1_500, 50, 20);
	l.advance(1_500);
	assert_eq!(l.seconds_served(), 1, "the second still open is not counted");
	// The host stalls for 5 s: nothing arrives, nothing is served.
	stream(&mut l, 7_000, 8_000, 50, 20);
	l.advance(8_000);
	assert_eq!(l.seconds_served(), 3);
	// A late sample for a closed second counts toward the open one; nothing is reopened.
	l.frame_drawn(8_100, 20);
	l.frame_drawn(2_000, 900);
	l.advance(9_000);
	assert_eq!((l.seconds_served(), l.seconds_paused()), (4, 0));
}

#[test]
fn percentiles_come_from_every_sample_and_saturate_in_the_receipt() {
	let mut h = LatencyHistogram::default();
	for ms in 1..=100 {
		h.record(ms);
	}
	assert_eq!((h.percentile(0.5), h.percentile(0.95), h.percentile(1.0)), (50, 95, 100));
	assert_eq!(LatencyHistogram::default().percentile(0.5), 0);
	let mut l = Ledger::new(1, HOST, 100);
	l.frame_drawn(0, u32::MAX);
	l.advance(1_000);
	let r = l.receipt();
	assert_eq!(r.latency_p50_ms, 2_000, "the histogram's last bucket");
}

#[derive(Clone, Debug)]
enum Event {
	Frame { dt_ms: u64, latency_ms: u32 },
	Advance { dt_ms: u64 },
	Receipt,
}

fn event() -> impl Strategy<Value = Event> {
	prop_oneof![
		6 => (0u64..400, 0u32..400).prop_map(|(dt_ms, latency_ms)| Event::Frame { dt_ms, latency_ms }),
		2 => (0u64..3_000).prop_map(|dt_ms| Event::Advance { dt_ms }),
		1 => Just(Event::Receipt),
	]
}

proptest! {
	/// Successive receipts obey the chain's rules: the counter grows, served, paused and frames
	/// never go down, paused never exceeds served, newly paused seconds are among the newly served,
	/// and nothing is billed beyond the seconds that have passed.
	#[test]
	fn receipts_only_add_as_the_chain_requires(events in proptest::collection::vec(event(), 1..200)) {
		let mut l = Ledger::new(3, HOST, 100);
		let mut now = 0u64;
		let mut last = l.receipt();
		for e in events {
			match e {
				Event::Frame { dt_ms, latency_ms } => { now += dt_ms; l.frame_drawn(now, latency_ms); },
				Event::Advance { dt_ms } => { now += dt_ms; l.advance(now); },
				Event::Receipt => {
					let r = l.receipt();
					prop_assert!(r.counter > last.counter);
					prop_assert!(r.seconds_served >= last.seconds_served);
					prop_assert!(r.seconds_paused >= last.seconds_paused);
					prop_assert!(r.frames >= last.frames);
					prop_assert!(r.seconds_paused <= r.seconds_served);
					prop_assert!(r.seconds_paused - last.seconds_paused <= r.seconds_served - last.seconds_served);
					prop_assert!(u64::from(r.seconds_served) <= now / 1_000);
					last = r;
				},
			}
		}
	}
}
