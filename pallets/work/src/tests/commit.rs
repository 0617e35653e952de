//! `commit_work`: who may commit what, when; the deadlines it books.

use super::*;

#[test]
fn the_host_commits_once_per_window_for_free() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(100);
		let window = Work::window_of(System::block_number());
		let info = Work::commit_work(origin(&s.host), s.session, window, w.root, 100).expect("commits");
		assert_eq!(info.pays_fee, polkadot_sdk::frame_support::dispatch::Pays::No);
		System::assert_last_event(event(WorkEvent::WorkCommitted {
			commitment: 0,
			contributor: s.host.clone(),
			session: s.session,
			window,
			root: w.root,
			task_count: 100,
		}));
		let c = commitment(0);
		assert_eq!((c.task_count, c.window, c.committed_at), (100, window, 1));
		assert_eq!(c.phase, Phase::AwaitingDraw { at: 1 + DELAY });
		assert_eq!(ByWindow::<Test>::get((window, &s.host, s.session)), Some(0));
		// The draw is booked a fixed delay after the commitment; the draw books the close.
		assert_eq!(Deadlines::<Test>::iter_keys().collect::<Vec<_>>(), vec![(1 + DELAY, (0, crate::Deadline::Draw))]);
		run_to(1 + DELAY);
		let close = 1 + DELAY + OPEN_TIMEOUT + AUDIT_TIMEOUT + REVEAL_TIMEOUT + 1;
		assert_eq!(Deadlines::<Test>::iter_keys().collect::<Vec<_>>(), vec![(close, (0, crate::Deadline::Close))]);

		assert_noop!(
			Work::commit_work(origin(&s.host), s.session, window, w.root, 100),
			Error::<Test>::AlreadyCommitted
		);
	});
}

#[test]
fn the_previous_window_may_still_be_committed_but_no_other() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(16);
		run_to(WINDOW * 3 + 4);
		let current = Work::window_of(System::block_number());
		assert_eq!(current, 3);
		assert_noop!(Work::commit_work(origin(&s.host), s.session, 4, w.root, 16), Error::<Test>::WrongWindow);
		assert_noop!(Work::commit_work(origin(&s.host), s.session, 1, w.root, 16), Error::<Test>::WrongWindow);
		assert_ok!(Work::commit_work(origin(&s.host), s.session, 2, w.root, 16));
		assert_ok!(Work::commit_work(origin(&s.host), s.session, 3, w.root, 16));
		// Even after the first one is settled and pruned, its window stays closed.
		run_to(53);
		assert!(Commitments::<Test>::get(0).is_none());
		assert_noop!(Work::commit_work(origin(&s.host), s.session, 2, w.root, 16), Error::<Test>::WrongWindow);
	});
}

#[test]
fn bad_commitments_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(16);
		let window = Work::window_of(System::block_number());
		assert_noop!(Work::commit_work(origin(&s.host), s.session, window, w.root, 0), Error::<Test>::EmptyCommitment);
		assert_noop!(
			Work::commit_work(origin(&s.host), s.session, window, H256::zero(), 16),
			Error::<Test>::EmptyCommitment
		);
		assert_noop!(
			Work::commit_work(origin(&s.host), s.session, window, w.root, (1 << 20) + 1),
			Error::<Test>::TooManyTasks
		);
		// Attack: a window of one leaf (one precomputed task) to make the audit trivial.
		assert_noop!(
			Work::commit_work(origin(&s.host), s.session, window, w.root, MIN_TASKS - 1),
			Error::<Test>::TooFewTasks
		);
		// An auditor is not the host; an unknown session is served by nobody.
		assert_noop!(
			Work::commit_work(origin(&s.auditors[0]), s.session, window, w.root, 16),
			Error::<Test>::NotServing
		);
		assert_noop!(Work::commit_work(origin(&s.host), s.session + 1, window, w.root, 16), Error::<Test>::NotServing);
		// A session that ended is no longer served.
		assert_ok!(Sessions::end_session(origin(&s.host), s.session));
		assert_noop!(Work::commit_work(origin(&s.host), s.session, window, w.root, 16), Error::<Test>::NotServing);
		assert_eq!(NextCommitmentId::<Test>::get(), 0);
	});
}

#[test]
fn a_session_that_is_only_requested_is_not_served_yet() {
	new_test_ext().execute_with(|| {
		let host = contributor(0);
		assert_ok!(Sessions::request_session(
			origin(&polkadot_sdk::sp_keyring::Sr25519Keyring::Alice.to_account_id()),
			GAME,
			Default::default(),
			3_600,
			100_000,
			BoundedVec::truncate_from(vec![host.clone()]),
		));
		let w = WorkWindow::honest(16);
		assert_noop!(Work::commit_work(origin(&host), 0, 0, w.root, 16), Error::<Test>::NotServing);
	});
}

/// Attack: crowd the deadline queue so that a host's commitment is refused (and its window goes
/// unpaid) or drawn before its delay.
#[test]
fn a_crowded_deadline_queue_delays_draws_but_refuses_no_commitment() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(16);
		let window = Work::window_of(System::block_number());
		// Far more deadlines than a block handles, all at the draw block.
		for i in 0..100u64 {
			Deadlines::<Test>::insert(1 + DELAY, (u64::MAX - i, crate::Deadline::Close), ());
		}
		assert_ok!(Work::commit_work(origin(&s.host), s.session, window, w.root, 16));
		assert_eq!(commitment(0).phase, Phase::AwaitingDraw { at: 1 + DELAY });
		// Not drawn before its block, and drawn once the crowd ahead is handled.
		run_to(DELAY);
		assert_eq!(commitment(0).phase, Phase::AwaitingDraw { at: 1 + DELAY });
		let mut n = 1 + DELAY;
		while matches!(commitment(0).phase, Phase::AwaitingDraw { .. }) {
			n += 1;
			run_to(n);
		}
		assert!(matches!(commitment(0).phase, Phase::Challenged { .. }));
	});
}

#[test]
fn a_window_is_remembered_while_it_can_be_committed_then_cleared_a_few_entries_per_block() {
	let mut ext = new_test_ext();
	let window = ext.execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(20);
		let window = Work::window_of(System::block_number());
		let id = commit(&s.host, s.session, &w);
		run_to_close(id);
		assert!(Commitments::<Test>::get(id).is_none(), "the record goes at its close");
		// The window can still be committed to, so a second commitment is still refused.
		assert!(System::block_number() < Work::commit_closes(window));
		assert_noop!(
			Work::commit_work(origin(&s.host), s.session, window, w.root, 20),
			Error::<Test>::AlreadyCommitted
		);
		// Nine more hosts committed to the same window.
		for i in 1..=9u8 {
			ByWindow::<Test>::insert((window, AccountId::new([i; 32]), u64::from(i)), u64::from(i));
		}
		window
	});
	// On a chain every block is committed to the database before the next: the limit of a
	// storage clear counts entries in the database, not in the block's overlay.
	ext.commit_all().expect("committed");
	let left = || ByWindow::<Test>::iter_prefix((window,)).count();
	ext.execute_with(|| {
		assert_eq!(left(), 10);
		let last_open_block = Work::commit_closes(window) - 1;
		if System::block_number() < last_open_block {
			run_to(last_open_block);
		}
		assert_eq!(left(), 10, "nothing is cleared while the window takes commitments");
	});
	// MaxPrunePerBlock = 4: one for visiting the window, three entries per block.
	for expected in [7, 4, 1, 0] {
		ext.commit_all().expect("committed");
		ext.execute_with(|| {
			run_to(System::block_number() + 1);
			assert_eq!(left(), expected);
		});
	}
	ext.execute_with(|| {
		assert_eq!(crate::pallet::PruneFrom::<Test>::get(), (window + 1, None));
		// The next window is not touched before its time.
		ByWindow::<Test>::insert((window + 1, AccountId::new([1; 32]), 1), 1);
		run_to(Work::commit_closes(window + 1) - 1);
		assert_eq!(ByWindow::<Test>::iter_prefix((window + 1,)).count(), 1);
		run_to(Work::commit_closes(window + 1));
		assert_eq!(ByWindow::<Test>::iter().count(), 0);
	});
}
