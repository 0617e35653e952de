//! Requesting sessions: escrow, assignment, task package, and every refusal.

use super::*;
use crate::{SessionState, Timeout};
use codec::Encode;
use pgt_primitives::{contributors::Region, sessions::ComplexityTier};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_io::hashing::blake2_256,
	sp_runtime::DispatchError,
};

#[test]
fn request_holds_the_escrow_and_assigns_host_and_backups() {
	new_test_ext().execute_with(|| {
		for k in [BOB, CHARLIE, DAVE, EVE] {
			register(k, 2);
		}
		let id = request(&[BOB, CHARLIE, DAVE, EVE]);
		let s = Sessions::session(id).expect("stored");
		// 100,000 per hour for 3,600 s.
		assert_eq!(s.escrow, 100_000);
		assert_eq!(escrow_held(ALICE), 100_000);
		assert_eq!(s.host, acc(BOB));
		assert_eq!(s.backups.to_vec(), vec![acc(CHARLIE), acc(DAVE)]);
		assert_eq!(s.standby.to_vec(), vec![acc(EVE)]);
		assert_eq!(s.state, SessionState::AwaitingAccept { deadline: 1 + ACCEPT_TIMEOUT });
		assert_eq!(s.task.requested_at, 1);
		assert_eq!(s.task.requested_at_ms, 1_700_000_000_000);
		assert_eq!(s.task.expected_duration, 3_600);
		let expected_hash = blake2_256(&(GAME, Requirements::default(), acc(ALICE), id).encode());
		assert_eq!(s.task.hash, expected_hash.into());
		assert_eq!((slots_in_use(BOB), slots_in_use(CHARLIE), slots_in_use(DAVE), slots_in_use(EVE)), (1, 1, 1, 0));
		// Not demand for the rate until it is accepted.
		assert_eq!(OccupiedSlots::<Test>::get(), 0);
		assert_eq!(
			Timeouts::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![(1 + ACCEPT_TIMEOUT, (id, Timeout::Accept))]
		);
		assert_eq!(NextSessionId::<Test>::get(), id + 1);
		System::assert_last_event(event(SessionsEvent::SessionRequested {
			session: id,
			player: acc(ALICE),
			game: GAME,
			host: acc(BOB),
			backups: vec![acc(CHARLIE), acc(DAVE)],
			escrow: 100_000,
			task_hash: expected_hash.into(),
		}));
	});
}

#[test]
fn the_most_reputable_backup_takes_over_first() {
	new_test_ext().execute_with(|| {
		for k in [BOB, CHARLIE, DAVE] {
			register(k, 2);
		}
		use pgt_primitives::{contributors::ContributorRegistry, reputation::Outcome};
		Contributors::record_outcome(&acc(DAVE), Outcome::success(1_000_000), 60);
		let id = request(&[BOB, CHARLIE, DAVE]);
		assert_eq!(Sessions::session(id).expect("stored").backups.to_vec(), vec![acc(DAVE), acc(CHARLIE)]);
	});
}

#[test]
fn candidates_that_cannot_serve_are_skipped() {
	new_test_ext().execute_with(|| {
		register(CHARLIE, 1);
		register(DAVE, 1);
		let mut asia = profile(1);
		asia.region = Region::Asia;
		assert_ok!(Contributors::register(origin(EVE), asia, MIN_STAKE));
		// Bob is not registered, Eve is in the wrong region, Charlie's only slot is taken.
		assert_ok!(<Contributors as pgt_primitives::contributors::ContributorRegistry<_>>::occupy_slot(&acc(CHARLIE)));
		let id = NextSessionId::<Test>::get();
		let req = Requirements { region: Some(Region::Europe), ..Default::default() };
		assert_ok!(Sessions::request_session(
			origin(ALICE),
			GAME,
			req,
			60,
			100_000,
			candidates(&[BOB, EVE, CHARLIE, DAVE])
		));
		let s = Sessions::session(id).expect("stored");
		assert_eq!(s.host, acc(DAVE));
		assert!(s.backups.is_empty());
	});
}

#[test]
fn request_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		register(BOB, 1);
		let req = Requirements::default();
		let call = |game, duration, rate, cands: &[Keyring]| {
			Sessions::request_session(origin(ALICE), game, req, duration, rate, candidates(cands))
		};
		assert_noop!(call(99, 60, 100_000, &[BOB]), Error::<Test>::UnknownGame);
		assert_noop!(call(GAME, 0, 100_000, &[BOB]), Error::<Test>::InvalidDuration);
		assert_noop!(call(GAME, 36_001, 100_000, &[BOB]), Error::<Test>::InvalidDuration);
		assert_noop!(call(GAME, 60, 100_000, &[]), Error::<Test>::NoCandidates);
		assert_noop!(call(GAME, 60, 100_000, &[BOB, BOB]), Error::<Test>::DuplicateCandidate);
		assert_noop!(call(GAME, 60, 100_000, &[ALICE]), Error::<Test>::SelfServing);
		assert_noop!(call(GAME, 60, 100_000, &[CHARLIE]), Error::<Test>::NoEligibleCandidate);
		// Bob asks 72,000 per hour (base 36,000 × Standard 2 × newcomer 1.0).
		assert_eq!(Sessions::contributor_rate(acc(BOB), GAME), Some(72_000));
		assert_noop!(call(GAME, 60, 71_999, &[BOB]), Error::<Test>::RateAboveMax);
		assert_noop!(
			Sessions::request_session(origin(FERDIE), GAME, req, 36_000, INITIAL, candidates(&[BOB])),
			Error::<Test>::InsufficientBalance
		);
		let demanding = Requirements { min_gpu_memory_mb: 32_768, ..Default::default() };
		assert_noop!(
			Sessions::request_session(origin(ALICE), GAME, demanding, 60, 100_000, candidates(&[BOB])),
			Error::<Test>::NoEligibleCandidate
		);
	});
}

/// Attack: fill the deadline queue (request and cancel, or keep requests open) so that a running
/// session whose deadline must move has no room and settles at once, and nobody else can request.
#[test]
fn nobody_can_crowd_the_deadline_queue() {
	new_test_ext().execute_with(|| {
		register(BOB, 1_000);
		register(CHARLIE, 1);
		register(DAVE, 1);
		// Ferdie plays on Charlie; its receipt deadline is at block 1 + RECEIPT_TIMEOUT.
		assert_ok!(Sessions::request_session(
			origin(FERDIE),
			GAME,
			Requirements::default(),
			3_600,
			100_000,
			candidates(&[CHARLIE])
		));
		let running = NextSessionId::<Test>::get() - 1;
		assert_ok!(Sessions::accept_session(origin(CHARLIE), running));
		// Alice requests and cancels 512 times: a cancelled request leaves nothing queued.
		for _ in 0..512 {
			let id = request(&[BOB]);
			assert_ok!(Sessions::end_session(origin(ALICE), id));
		}
		assert_eq!(Timeouts::<Test>::iter_keys().count(), 1);
		// Then keeps 200 requests open, all timing out in the same block.
		for _ in 0..200 {
			request(&[BOB]);
		}
		// Others can still request, and the running session's deadline still moves.
		assert_ok!(Sessions::request_session(
			origin(FERDIE),
			GAME,
			Requirements::default(),
			60,
			100_000,
			candidates(&[DAVE])
		));
		run_to(3);
		elapse(12);
		let r = Receipt { session: running, ..receipt(running, CHARLIE, 12, 0, 1) };
		let sig = sign_as(FERDIE, &r);
		assert_ok!(Sessions::submit_receipt(origin(CHARLIE), running, r, sig));
		// The crowd is handled 4 a block from block 1 + ACCEPT_TIMEOUT on; the running session
		// is not settled before its deadline (it may be after, while the queue works through).
		let deadline = 3 + RECEIPT_TIMEOUT;
		run_to(deadline - 1);
		assert!(Sessions::session(running).is_some());
		run_to(deadline + 60);
		assert!(Sessions::session(running).is_none());
		assert_eq!(Sessions::csu(running).expect("settled").end_reason, crate::EndReason::ReceiptTimeout);
		assert_eq!(escrow_held(ALICE), 0);
	});
}

#[test]
fn only_root_edits_the_game_catalogue() {
	new_test_ext().execute_with(|| {
		assert_noop!(Sessions::set_game(origin(ALICE), 7, Some(ComplexityTier::Light)), DispatchError::BadOrigin);
		assert_ok!(Sessions::set_game(RuntimeOrigin::root(), 7, Some(ComplexityTier::Light)));
		assert_eq!(Games::<Test>::get(7), Some(ComplexityTier::Light));
		System::assert_last_event(event(SessionsEvent::GameSet { game: 7, tier: Some(ComplexityTier::Light) }));
		assert_ok!(Sessions::set_game(RuntimeOrigin::root(), 7, None));
		assert_eq!(Games::<Test>::get(7), None);
		System::assert_last_event(event(SessionsEvent::GameSet { game: 7, tier: None }));
	});
}
