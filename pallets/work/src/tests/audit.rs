//! `submit_verdicts` and the decision: majorities, minorities, silence, and what each earns.

use super::*;

fn vote(who: &AccountId, id: CommitmentId, hashes: BoundedVec<H256, polkadot_sdk::frame_support::traits::ConstU32<K>>) {
	assert_ok!(Work::submit_verdicts(origin(who), id, hashes));
}

#[test]
fn honest_work_checked_by_every_auditor_settles_at_the_last_vote() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(500);
		let (id, auditors) = committed_and_opened(&s, &w);
		let (rep_host, stake_host) = (reputation(&s.host), stake(&s.host));
		let rep_auditor = reputation(&auditors[0]);
		let balances: Vec<Balance> = auditors.iter().map(Balances::balance).collect();
		let pot = Balances::balance(&treasury());

		let info = Work::submit_verdicts(origin(&auditors[0]), id, recomputed(id)).expect("votes");
		assert_eq!(info.pays_fee, polkadot_sdk::frame_support::dispatch::Pays::No);
		assert!(info.actual_weight.is_some(), "a vote that settles nothing is refunded to its own weight");
		System::assert_last_event(event(WorkEvent::VerdictsSubmitted { commitment: id, auditor: auditors[0].clone() }));
		vote(&auditors[1], id, recomputed(id));
		assert!(settled_event(id).is_none());
		vote(&auditors[2], id, recomputed(id));

		let (verdict, slashed, forfeited, mut rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!((verdict, slashed, forfeited), (Verdict::Honest, 0, 0));
		rewarded.sort();
		let mut all = auditors.clone();
		all.sort();
		assert_eq!(rewarded, all);
		assert!(penalised.is_empty());
		assert_eq!(commitment(id).phase, Phase::Settled(Verdict::Honest));
		assert_eq!(stake(&s.host), stake_host);
		assert!(reputation(&s.host) > rep_host);
		assert!(reputation(&auditors[0]) > rep_auditor);
		for (a, before) in auditors.iter().zip(balances) {
			assert_eq!(Balances::balance(a), before + AUDIT_REWARD);
		}
		assert_eq!(Balances::balance(&treasury()), pot - 3 * AUDIT_REWARD);
		assert!(Work::audit_duties(auditors[0].clone()).is_empty());
		assert_noop!(Work::submit_verdicts(origin(&auditors[0]), id, recomputed(id)), Error::<Test>::AlreadySettled);
		// The record goes at its close; the window's entry once the window is over.
		run_to_close(id);
		assert!(Commitments::<Test>::get(id).is_none());
		let window = Work::window_of(1);
		run_to(Work::commit_closes(window));
		assert!(ByWindow::<Test>::iter().next().is_none());
	});
}

/// A window in which every leaf lies: whichever leaves are challenged, they are wrong.
#[test]
fn a_wrong_output_is_slashed_forfeits_the_window_and_is_not_paid() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::new(200, 0, |_| true);
		let (id, auditors) = committed_and_opened(&s, &w);
		let rep_host = reputation(&s.host);
		for a in &auditors {
			vote(a, id, recomputed(id));
		}
		let (verdict, slashed, forfeited, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!(verdict, Verdict::Wrong);
		assert_eq!(slashed, MIN_STAKE / 10);
		assert_eq!(stake(&s.host), MIN_STAKE - MIN_STAKE / 10);
		assert!(reputation(&s.host) < rep_host);
		assert_eq!((forfeited, rewarded.len(), penalised.len()), (WINDOW_SECONDS, 3, 0));

		// The forfeit comes off the pay when the session settles: 120 s served, 60 forfeited.
		Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get() + 120_000);
		let alice = polkadot_sdk::sp_keyring::Sr25519Keyring::Alice;
		let receipt = pgt_primitives::sessions::Receipt {
			session: s.session,
			contributor: s.host.clone(),
			seconds_served: 120,
			seconds_paused: 0,
			frames: 7_200,
			latency_p50_ms: 10,
			latency_p95_ms: 20,
			counter: 1,
		};
		let signature = alice.pair().sign(&receipt.signing_payload(&System::block_hash(0))).into();
		assert_ok!(Sessions::submit_receipt(origin(&alice.to_account_id()), s.session, receipt, signature));
		assert_ok!(Sessions::end_session(origin(&alice.to_account_id()), s.session));
		let csu = pallet_pgt_sessions::Csus::<Test>::get(s.session).expect("settled");
		assert_eq!((csu.shares[0].seconds_forfeited, csu.shares[0].seconds_billed), (WINDOW_SECONDS, 60));
	});
}

#[test]
fn a_colluding_minority_cannot_flip_a_verdict() {
	new_test_ext().execute_with(|| {
		// Against an honest contributor: one auditor claims the outputs are wrong.
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		vote(&auditors[0], id, BoundedVec::truncate_from(vec![H256::repeat_byte(6); K as usize]));
		vote(&auditors[1], id, recomputed(id));
		vote(&auditors[2], id, recomputed(id));
		let (verdict, slashed, _, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!((verdict, slashed), (Verdict::Honest, 0));
		assert_eq!(penalised, vec![auditors[0].clone()]);
		assert_eq!(rewarded.len(), 2);
		assert_eq!(stake(&s.host), MIN_STAKE);

		// For a cheating contributor: one auditor vouches for the made-up outputs.
		run_to(WINDOW + 1);
		let lying = WorkWindow::new(200, 100, |_| true);
		let (id, auditors) = committed_and_opened(&s, &lying);
		let claimed: Vec<H256> =
			commitment(id).challenges.iter().map(|c| c.opened.as_ref().expect("open").output_hash).collect();
		vote(&auditors[0], id, BoundedVec::truncate_from(claimed));
		vote(&auditors[1], id, recomputed(id));
		vote(&auditors[2], id, recomputed(id));
		let (verdict, _, _, _, penalised) = settled_event(id).expect("settled");
		assert_eq!(verdict, Verdict::Wrong);
		assert_eq!(penalised, vec![auditors[0].clone()]);
	});
}

#[test]
fn silent_auditors_lose_reputation_and_without_a_majority_nobody_is_punished() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		// Two vote, one stays silent: a majority of the drawn.
		vote(&auditors[0], id, recomputed(id));
		vote(&auditors[1], id, recomputed(id));
		let silent_rep = reputation(&auditors[2]);
		run_to_close(id);
		let (verdict, _, _, rewarded, penalised) = settled_event(id).expect("settled at the deadline");
		assert_eq!(verdict, Verdict::Honest);
		assert_eq!(rewarded.len(), 2);
		assert_eq!(penalised, vec![auditors[2].clone()]);
		assert!(reputation(&auditors[2]) < silent_rep);

		// One of three votes, and it accuses: no majority, so the contributor is not punished.
		let w = WorkWindow::new(200, 100, |_| false);
		let (id, auditors) = committed_and_opened(&s, &w);
		vote(&auditors[0], id, BoundedVec::truncate_from(vec![H256::repeat_byte(6); K as usize]));
		run_to_close(id);
		let (verdict, slashed, forfeited, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!((verdict, slashed, forfeited), (Verdict::Undecided, 0, 0));
		assert!(rewarded.is_empty());
		assert_eq!(penalised.len(), 2, "the silent two; the lone voter decided nothing");
		assert_eq!(stake(&s.host), MIN_STAKE);
	});
}

#[test]
fn bad_verdicts_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let id = commit(&s.host, s.session, &w);
		let any = || BoundedVec::truncate_from(vec![H256::zero(); K as usize]);
		assert_noop!(Work::submit_verdicts(origin(&s.auditors[0]), id, any()), Error::<Test>::NotChallengedYet);
		let indices = run_to_draw(id);
		let auditors = drawn_auditors(id);
		assert_noop!(Work::submit_verdicts(origin(&auditors[0]), id + 1, any()), Error::<Test>::UnknownCommitment);
		assert_noop!(Work::submit_verdicts(origin(&auditors[0]), id, any()), Error::<Test>::NotOpenedYet);
		assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&indices)));
		// The host itself, and a stranger, are not auditors.
		let stranger = contributor(50);
		assert_noop!(Work::submit_verdicts(origin(&s.host), id, recomputed(id)), Error::<Test>::NotAuditor);
		assert_noop!(Work::submit_verdicts(origin(&stranger), id, recomputed(id)), Error::<Test>::NotAuditor);
		let mut short = recomputed(id);
		short.pop();
		assert_noop!(Work::submit_verdicts(origin(&auditors[0]), id, short), Error::<Test>::WrongVerdictCount);
		vote(&auditors[0], id, recomputed(id));
		assert_noop!(Work::submit_verdicts(origin(&auditors[0]), id, recomputed(id)), Error::<Test>::AlreadyVoted);
		let Phase::Challenged { audit_by, .. } = commitment(id).phase else { panic!("challenged") };
		let late = recomputed(id);
		// A crowd of deadlines in the voting's last block holds the close back a few blocks, so
		// a late vote still meets the record.
		for i in 0..20u64 {
			Deadlines::<Test>::insert(audit_by, (u64::MAX - i, crate::Deadline::Close), ());
		}
		run_to(audit_by + 1);
		assert_noop!(Work::submit_verdicts(origin(&auditors[1]), id, late.clone()), Error::<Test>::AuditTooLate);
		run_to_close(id);
		run_to(System::block_number() + 1);
		assert_noop!(Work::submit_verdicts(origin(&auditors[1]), id, late), Error::<Test>::UnknownCommitment);
	});
}

#[test]
fn the_session_s_people_never_audit_it() {
	new_test_ext().execute_with(|| {
		// The player is a registered contributor too, and a backup stands by: neither is drawn.
		let alice = polkadot_sdk::sp_keyring::Sr25519Keyring::Alice.to_account_id();
		assert_ok!(Contributors::register(origin(&alice), profile(2), MIN_STAKE));
		let host = contributor(0);
		let backup = contributor(1);
		let auditor = contributor(2);
		assert_ok!(Sessions::request_session(
			origin(&alice),
			GAME,
			Default::default(),
			3_600,
			100_000,
			BoundedVec::truncate_from(vec![host.clone(), backup.clone()]),
		));
		assert_ok!(Sessions::accept_session(origin(&host), 0));
		let id = commit(&host, 0, &WorkWindow::honest(50));
		run_to_draw(id);
		assert_eq!(drawn_auditors(id), vec![auditor]);
	});
}
