//! The draw and `open_leaves`: challenges the contributor could not choose, openings that must
//! prove themselves, and what a missing opening costs.

use super::*;

#[test]
fn the_draw_picks_k_distinct_leaves_and_auditors_outside_the_session() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(1_000);
		let id = commit(&s.host, s.session, &w);
		run_to(1 + DELAY - 1);
		assert_eq!(commitment(id).challenges.len(), 0, "nothing is drawn before the delay");
		let indices = run_to_draw(id);
		assert_eq!(indices.len() as u32, K);
		assert!(indices.windows(2).all(|p| p[0] < p[1]) && indices.iter().all(|&i| i < 1_000));
		let mut auditors = drawn_auditors(id);
		auditors.sort();
		let mut expected = s.auditors.clone();
		expected.sort();
		assert_eq!(auditors, expected, "the three registered non-participants");
		let open_by = 1 + DELAY + OPEN_TIMEOUT;
		assert_eq!(
			commitment(id).phase,
			Phase::Challenged {
				open_by,
				commit_by: open_by + AUDIT_TIMEOUT,
				reveal_by: open_by + AUDIT_TIMEOUT + REVEAL_TIMEOUT
			}
		);
		assert_eq!(Work::open_challenges(s.host.clone())[0].indices, indices);
	});
}

#[test]
fn a_small_window_is_challenged_whole_and_other_seeds_pick_other_leaves() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let small = commit(&s.host, s.session, &WorkWindow::honest(MIN_TASKS));
		assert_eq!(run_to_draw(small), (0..MIN_TASKS).collect::<Vec<_>>());

		run_to(WINDOW + 1);
		set_random_seed(H256::repeat_byte(9));
		let a = commit(&s.host, s.session, &WorkWindow::honest(10_000));
		let first = run_to_draw(a);
		run_to(2 * WINDOW + 1);
		set_random_seed(H256::repeat_byte(10));
		let b = commit(&s.host, s.session, &WorkWindow::honest(10_000));
		assert_ne!(run_to_draw(b), first);
	});
}

#[test]
fn auditors_need_reputation_and_may_be_fewer_than_wanted() {
	new_test_ext().execute_with(|| {
		let s = setup();
		// Fresh contributors score ½; ask for more.
		MinAuditorReputation::set(Perbill::from_percent(60));
		let id = commit(&s.host, s.session, &WorkWindow::honest(20));
		run_to_draw(id);
		assert!(drawn_auditors(id).is_empty());

		run_to(WINDOW + 1);
		MinAuditorReputation::set(Perbill::from_percent(40));
		// One auditor goes offline (unregisters): two are drawn.
		assert_ok!(Contributors::unregister(origin(&s.auditors[2])));
		let id = commit(&s.host, s.session, &WorkWindow::honest(20));
		run_to_draw(id);
		assert_eq!(drawn_auditors(id).len(), 2);
		assert!(!drawn_auditors(id).contains(&s.auditors[2]));
	});
}

#[test]
fn the_contributor_opens_its_challenged_leaves_for_free() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(300);
		let id = commit(&s.host, s.session, &w);
		let indices = run_to_draw(id);
		// In two calls.
		let info = Work::open_leaves(origin(&s.host), id, w.openings(&indices[..4])).expect("opens");
		assert_eq!(info.pays_fee, polkadot_sdk::frame_support::dispatch::Pays::No);
		System::assert_last_event(event(WorkEvent::LeavesOpened { commitment: id, indices: indices[..4].to_vec() }));
		assert_eq!(Work::open_challenges(s.host.clone())[0].indices, indices[4..].to_vec());
		assert!(Work::audit_duties(s.auditors[0].clone()).is_empty(), "auditors wait for every leaf");
		assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&indices[4..])));
		assert!(Work::open_challenges(s.host.clone()).is_empty());
		let duty = &Work::audit_duties(s.auditors[0].clone())[0];
		assert_eq!(duty.kind, crate::DutyKind::CommitVerdicts);
		assert_eq!(duty.indices, indices);
		assert_eq!(duty.leaves, indices.iter().map(|&i| w.leaves[i as usize].clone()).collect::<Vec<_>>());
		// The auditor gets each task's starting state and the session's task hash (its seed).
		let states: Vec<_> = w.openings(&indices).into_iter().map(|o| o.state).collect();
		assert_eq!(duty.states, states);
		assert_eq!(
			duty.task_hash,
			pallet_pgt_sessions::Csus::<Test>::get(s.session).map_or_else(
				|| pallet_pgt_sessions::Live::<Test>::get(s.session).expect("live").task.hash,
				|c| c.task.hash
			)
		);
	});
}

#[test]
fn bad_openings_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(300);
		let id = commit(&s.host, s.session, &w);
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&[0])), Error::<Test>::NotChallengedYet);
		let indices = run_to_draw(id);
		let i = indices[0];
		assert_noop!(Work::open_leaves(origin(&s.host), id + 1, w.openings(&[i])), Error::<Test>::UnknownCommitment);
		assert_noop!(Work::open_leaves(origin(&s.auditors[0]), id, w.openings(&[i])), Error::<Test>::NotCommitter);
		let unchallenged = (0..300).find(|j| !indices.contains(j)).expect("most are not");
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&[unchallenged])), Error::<Test>::NotChallenged);
		// The same leaf twice in one call.
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&[i, i])), Error::<Test>::AlreadyOpened);

		// Another leaf under this index's proof.
		let mut o = w.openings(&[i]);
		o[0].leaf = w.leaves[unchallenged as usize].clone();
		o[0].leaf.task.id = i;
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::BadProof);
		// A changed claimed output.
		let mut o = w.openings(&[i]);
		o[0].leaf.output_seal = pgt_primitives::work::seal(&output_hash(b"other"), &SALT);
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::BadProof);
		// A state that is not the one the task names (an auditor could not recompute it).
		let mut o = w.openings(&[i]);
		o[0].state = state_bytes(9_999);
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::StateMismatch);
		// A changed sibling.
		let mut o = w.openings(&[i]);
		o[0].proof[0] = H256::repeat_byte(0xee);
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::BadProof);
		// A leaf whose task id is not its index.
		let mut o = w.openings(&[i]);
		o[0].leaf.task.id = i + 1;
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::TaskIdMismatch);

		assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&[i])));
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&[i])), Error::<Test>::AlreadyOpened);
		run_to(1 + DELAY + OPEN_TIMEOUT + 1);
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&indices[1..2])), Error::<Test>::OpeningTooLate);
	});
}

#[test]
fn a_committed_malformed_task_cannot_be_opened() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let mut w = WorkWindow::honest(MIN_TASKS);
		// The worker committed a tile outside the frame.
		if let TaskInput::RenderTile { tile, .. } = &mut w.leaves[2].task.input {
			tile.x = 600;
		}
		w.hashes[2] = w.leaves[2].hash();
		w.root = merkle::root_of_hashes(w.hashes.iter().copied());
		let id = commit(&s.host, s.session, &w);
		run_to_draw(id);
		assert_noop!(Work::open_leaves(origin(&s.host), id, w.openings(&[2])), Error::<Test>::MalformedTask);
	});
}

#[test]
fn a_missing_opening_is_slashed_and_forfeits_the_window() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(300);
		let id = commit(&s.host, s.session, &w);
		let indices = run_to_draw(id);
		// Opens all but one.
		assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&indices[1..])));
		let (stake_before, rep_before) = (stake(&s.host), reputation(&s.host));
		run_to_close(id);
		assert!(Commitments::<Test>::get(id).is_none(), "closed and removed");
		let (verdict, slashed, forfeited, rewarded, penalised) = settled_event(id).expect("settled at the deadline");
		assert_eq!(verdict, Verdict::MissingOpening);
		assert_eq!(slashed, MIN_STAKE / 10);
		assert_eq!(stake(&s.host), stake_before - MIN_STAKE / 10);
		assert!(reputation(&s.host) < rep_before);
		assert_eq!(forfeited, WINDOW_SECONDS);
		let session = pallet_pgt_sessions::Live::<Test>::get(s.session).expect("still running");
		assert_eq!(session.served[0].seconds_forfeited, WINDOW_SECONDS);
		// Auditors could not audit: neither rewarded nor penalised.
		assert!(rewarded.is_empty() && penalised.is_empty());
	});
}

/// Attack: one precomputed window (or another session's work) committed for every session the
/// host serves. Each leaf names its session, so the opening is refused and the window fails.
#[test]
fn a_window_of_another_session_cannot_be_opened() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let elsewhere = WorkWindow::build(s.session + 7, GAME, 300, 0, |_| false);
		let id = commit(&s.host, s.session, &elsewhere);
		let indices = run_to_draw(id);
		assert_noop!(
			Work::open_leaves(origin(&s.host), id, elsewhere.openings(&indices)),
			Error::<Test>::TaskOfOtherSession
		);
		run_to_close(id);
		assert_eq!(settled_event(id).expect("settled").0, Verdict::MissingOpening);
	});
}

/// Attack: rendering a cheaper game than the one the session plays.
#[test]
fn tasks_of_another_game_cannot_be_opened() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let other_game = WorkWindow::build(s.session, GAME + 1, 300, 0, |_| false);
		let id = commit(&s.host, s.session, &other_game);
		let indices = run_to_draw(id);
		assert_noop!(Work::open_leaves(origin(&s.host), id, other_game.openings(&indices)), Error::<Test>::WrongGame);
	});
}

/// Attack: a block author that hosts (or works for a host) knows its own slot's VRF output ahead
/// of time. The draw mixes the VRF outputs of every block from the commitment to the draw, so
/// each of them alone changes the challenges: no single author knew them when the root was
/// committed.
#[test]
fn the_draw_depends_on_every_block_since_the_commitment() {
	let draw_with = |vrf: Option<(u64, H256)>| {
		new_test_ext().execute_with(|| {
			VrfOverride::set(vrf);
			let s = setup();
			let id = commit(&s.host, s.session, &WorkWindow::honest(10_000));
			run_to_draw(id)
		})
	};
	let baseline = draw_with(None);
	// Committed in block 1, drawn in block 1 + DELAY: the randomness read in blocks 2 ..= 1 +
	// DELAY (the VRF outputs of blocks 1 ..= DELAY) all count.
	for read_in in 2..=1 + DELAY {
		let changed = draw_with(Some((read_in, H256::repeat_byte(0xa5))));
		assert_ne!(changed, baseline, "the VRF output read in block {read_in} must change the draw");
	}
	// Randomness after the draw changes nothing.
	assert_eq!(draw_with(Some((2 + DELAY, H256::repeat_byte(0xa5)))), baseline);
}
