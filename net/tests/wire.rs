//! The wire format: every message round-trips, and whatever a peer sends — too long, another
//! version, garbage, trailing bytes, a frame whose size lies — is an error value, never a panic.

use pgt_net::{
	message::{ByeReason, Takeover, WorkerRequest, WorkerResponse, MAX_FRAME_BYTES, MAX_LOCKSTEP_TICKS},
	wire::{frame, Deframed, Deframer},
	Applied, Encoding, Frame, Hello, Input, Lockstep, Message, Role, SessionMessage, SignedReceipt, Snapshot, Video,
	WireError,
};
use pgt_primitives::sessions::Receipt;
use proptest::prelude::*;

fn receipt() -> Receipt<[u8; 32]> {
	Receipt {
		session: 7,
		contributor: [2; 32],
		seconds_served: 60,
		seconds_paused: 4,
		frames: 1_800,
		latency_p50_ms: 12,
		latency_p95_ms: 30,
		counter: 3,
	}
}

fn a_frame(encoding: Encoding) -> Frame {
	let data = match encoding {
		Encoding::Raw => vec![9; 4 * 4 * 4],
		Encoding::Jpeg => vec![0xff, 0xd8, 0xff, 0xd9],
	};
	Frame { number: 5, tick: 10, rendered_at_us: 166_000, last_input_seq: 2, width: 4, height: 4, encoding, data }
}

fn every_session_message() -> Vec<SessionMessage> {
	vec![
		SessionMessage::Hello(Hello {
			session: 7,
			role: Role::Player,
			account: [1; 32],
			signature: [3; 64],
			video: Some(Video { width: 320, height: 180, fps: 30, encoding: Encoding::Jpeg }),
		}),
		SessionMessage::Welcome { tick: 120, now_us: 2_000_000 },
		SessionMessage::Input(Input { tick: 121, keys: 0b0101, seq: 1 }),
		SessionMessage::Frame(a_frame(Encoding::Raw)),
		SessionMessage::Frame(a_frame(Encoding::Jpeg)),
		SessionMessage::ClockProbe { sent_us: 5 },
		SessionMessage::ClockReply { probe_sent_us: 5, host_us: 9 },
		SessionMessage::Receipt(SignedReceipt { receipt: receipt(), signature: [4; 64] }),
		SessionMessage::Heartbeat { tick: 130 },
		SessionMessage::Takeover(Takeover { session: 7, tick: 140, new_host: [5; 32], signature: [6; 64] }),
		SessionMessage::Bye(ByeReason::PlayerLeft),
		SessionMessage::Snapshot(Snapshot {
			tick: 120,
			state: vec![7; 770].try_into().expect("within the bound"),
			keys: 8,
			last_seq: 4,
			frames: 60,
		}),
		SessionMessage::Lockstep(a_lockstep()),
	]
}

fn a_lockstep() -> Lockstep {
	Lockstep {
		first: 121,
		hashes: vec![[1; 32].into(), [2; 32].into(), [3; 32].into()],
		applied: vec![Applied { tick: 121, keys: 1, seq: 5 }, Applied { tick: 123, keys: 0, seq: 6 }],
		last_seq: 7,
		frames: 61,
	}
}

#[test]
fn every_message_round_trips_through_the_wire_and_a_stream() {
	let mut stream = Vec::new();
	for m in every_session_message() {
		assert_eq!(SessionMessage::from_wire(&m.to_wire()), Ok(m.clone()));
		stream.extend(frame(&m));
	}
	// Fed one byte at a time, the stream yields the same messages in order.
	let mut d = Deframer::<SessionMessage>::default();
	let mut out = Vec::new();
	for b in &stream {
		d.push(std::slice::from_ref(b));
		while let Some(x) = d.next_message() {
			out.push(x);
		}
	}
	assert_eq!(out, every_session_message().into_iter().map(Deframed::Message).collect::<Vec<_>>());
	assert_eq!(d.buffered(), 0);

	let request = WorkerRequest::State { hash: [8; 32].into() };
	assert_eq!(WorkerRequest::from_wire(&request.to_wire()), Ok(request));
	let response = WorkerResponse::TaskRefused { task: 3, reason: "unknown state".into() };
	assert_eq!(WorkerResponse::from_wire(&response.to_wire()), Ok(response));
}

#[test]
fn another_version_is_refused_by_name() {
	let mut bytes = SessionMessage::Heartbeat { tick: 1 }.to_wire();
	bytes[0] = 2;
	assert_eq!(SessionMessage::from_wire(&bytes), Err(WireError::Version { message: "session", got: 2, expected: 1 }));
}

#[test]
fn too_long_is_refused_before_decoding_and_closes_a_stream() {
	let big = vec![0u8; SessionMessage::MAX_BYTES + 1];
	assert!(matches!(SessionMessage::from_wire(&big), Err(WireError::TooLong { len, .. }) if len == big.len()));

	let mut d = Deframer::<SessionMessage>::default();
	// Only the announced length arrives: refused at once, nothing more is buffered.
	d.push(&(u32::MAX).to_le_bytes());
	assert!(matches!(d.next_message(), Some(Deframed::Fatal(WireError::TooLong { .. }))));
	assert_eq!(d.buffered(), 0);
}

#[test]
fn garbage_and_trailing_bytes_are_dropped_and_the_stream_goes_on() {
	let good = SessionMessage::Heartbeat { tick: 9 };
	let mut with_trailing = good.to_wire();
	with_trailing.push(0);
	assert!(matches!(SessionMessage::from_wire(&with_trailing), Err(WireError::Undecodable { .. })));
	assert!(matches!(SessionMessage::from_wire(&[1]), Err(WireError::Truncated { .. })));
	assert!(matches!(SessionMessage::from_wire(&[1, 0, 0xee, 1, 2]), Err(WireError::Undecodable { .. })));

	let mut d = Deframer::<SessionMessage>::default();
	let garbage = [1u8, 0, 0xee, 1, 2];
	d.push(&(garbage.len() as u32).to_le_bytes());
	d.push(&garbage);
	d.push(&frame(&good));
	assert!(matches!(d.next_message(), Some(Deframed::Bad(WireError::Undecodable { .. }))));
	assert_eq!(d.next_message(), Some(Deframed::Message(good)));
	assert_eq!(d.next_message(), None);
}

#[test]
fn a_frame_whose_size_lies_is_invalid() {
	let invalid = |f: Frame| SessionMessage::from_wire(&SessionMessage::Frame(f).to_wire());
	let mut short_raw = a_frame(Encoding::Raw);
	short_raw.data.pop();
	assert!(matches!(invalid(short_raw), Err(WireError::Invalid { reason: "raw frame of the wrong length", .. })));
	let mut empty_jpeg = a_frame(Encoding::Jpeg);
	empty_jpeg.data.clear();
	assert!(matches!(invalid(empty_jpeg), Err(WireError::Invalid { .. })));
	let mut huge = a_frame(Encoding::Jpeg);
	huge.width = 4_000;
	assert!(matches!(invalid(huge), Err(WireError::Invalid { reason: "frame dimensions out of bounds", .. })));
	let mut zero = a_frame(Encoding::Jpeg);
	zero.height = 0;
	assert!(matches!(invalid(zero), Err(WireError::Invalid { .. })));
	// The largest raw frame fits the session message's bound.
	let largest = Frame { width: 1920, height: 1080, data: vec![0; MAX_FRAME_BYTES], ..a_frame(Encoding::Raw) };
	assert!(SessionMessage::from_wire(&SessionMessage::Frame(largest).to_wire()).is_ok());
}

#[test]
fn a_lockstep_batch_that_breaks_its_rules_is_invalid() {
	let invalid = |l: Lockstep| {
		matches!(SessionMessage::from_wire(&SessionMessage::Lockstep(l).to_wire()), Err(WireError::Invalid { .. }))
	};
	assert!(!invalid(a_lockstep()));
	assert!(invalid(Lockstep { hashes: vec![], applied: vec![], ..a_lockstep() }));
	assert!(invalid(Lockstep { hashes: vec![[0; 32].into(); MAX_LOCKSTEP_TICKS + 1], ..a_lockstep() }));
	// A key change outside the batch, two for one tick, or out of order.
	let mut outside = a_lockstep();
	outside.applied[1].tick = 124;
	assert!(invalid(outside));
	let mut twice = a_lockstep();
	twice.applied[1].tick = 121;
	assert!(invalid(twice));
	let mut backwards = a_lockstep();
	backwards.applied.reverse();
	assert!(invalid(backwards));
}

proptest! {
	#[test]
	fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
		let _ = SessionMessage::from_wire(&bytes);
		let _ = WorkerRequest::from_wire(&bytes);
		let _ = WorkerResponse::from_wire(&bytes);
		let mut d = Deframer::<SessionMessage>::default();
		d.push(&bytes);
		while let Some(x) = d.next_message() {
			if matches!(x, Deframed::Fatal(_)) { break; }
		}
	}

	#[test]
	fn any_split_of_a_stream_yields_the_same_messages(cuts in proptest::collection::vec(0usize..64, 0..20)) {
		let stream: Vec<u8> = every_session_message().iter().flat_map(frame).collect();
		let mut d = Deframer::<SessionMessage>::default();
		let mut out = Vec::new();
		let mut at = 0;
		for c in cuts.into_iter().chain([stream.len()]) {
			let end = (at + c).min(stream.len());
			d.push(&stream[at..end]);
			at = end;
			while let Some(Deframed::Message(m)) = d.next_message() { out.push(m); }
		}
		prop_assert_eq!(out, every_session_message());
	}
}
