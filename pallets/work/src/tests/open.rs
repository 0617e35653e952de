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
		assert_eq!(
			commitment(id).phase,
			Phase::Challenged { open_by: 1 + DELAY + OPEN_TIMEOUT, audit_by: 1 + DELAY + OPEN_TIMEOUT + AUDIT_TIMEOUT }
		);
		assert_eq!(Work::open_challenges(s.host.clone())[0].indices, indices);
	});
}

#[test]
fn a_small_window_is_challenged_whole_and_other_seeds_pick_other_leaves() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let small = commit(&s.host, s.session, &WorkWindow::honest(4));
		assert_eq!(run_to_draw(small), vec![0, 1, 2, 3]);

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
		assert_eq!(duty.indices, indices);
		assert_eq!(duty.leaves, indices.iter().map(|&i| w.leaves[i as usize].clone()).collect::<Vec<_>>());
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
		o[0].leaf.output_hash = output_hash(b"other");
		assert_noop!(Work::open_leaves(origin(&s.host), id, o), Error::<Test>::BadProof);
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
		let mut w = WorkWindow::honest(4);
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
