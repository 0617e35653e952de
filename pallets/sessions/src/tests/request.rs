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
		assert_eq!(OccupiedSlots::<Test>::get(), 3);
		assert_eq!(Timeouts::<Test>::get(1 + ACCEPT_TIMEOUT).to_vec(), vec![(id, Timeout::Accept)]);
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

#[test]
fn a_block_full_of_deadlines_refuses_more() {
	new_test_ext().execute_with(|| {
		register(BOB, 1_000);
		// 4 deadlines per block, slipping up to MAX_SLIP blocks: 4 × (MAX_SLIP + 1) requests fit
		// in one block.
		for _ in 0..4 * (pgt_pallet_support::deadlines::MAX_SLIP + 1) {
			request(&[BOB]);
		}
		assert_noop!(
			Sessions::request_session(origin(ALICE), GAME, Requirements::default(), 60, 100_000, candidates(&[BOB])),
			Error::<Test>::TooManyTimeouts
		);
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
