//! Committed verdicts, reveals and the decision: majorities, minorities, silence, what each earns,
//! and the attacks on the audit: copying the claim, copying another auditor, steering who audits.

use super::*;

#[test]
fn honest_work_checked_by_every_auditor_settles_at_the_last_reveal() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(500);
		let (id, auditors) = committed_and_opened(&s, &w);
		let (rep_host, stake_host) = (reputation(&s.host), stake(&s.host));
		let rep_auditor = reputation(&auditors[0]);
		let balances: Vec<Balance> = auditors.iter().map(Balances::balance).collect();
		let pot = Balances::balance(&treasury());

		let v = recomputed(id);
		let hash = pgt_primitives::work::verdict_commitment(id, &auditors[0], &v, &nonce_of(&auditors[0]));
		let info = Work::commit_verdicts(origin(&auditors[0]), id, hash).expect("commits");
		assert_eq!(info.pays_fee, polkadot_sdk::frame_support::dispatch::Pays::No);
		System::assert_last_event(event(WorkEvent::VerdictsCommitted { commitment: id, auditor: auditors[0].clone() }));
		// Reveals wait for every auditor's commitment.
		assert_noop!(Work::reveal_salt(origin(&s.host), id, SALT), Error::<Test>::RevealTooEarly);
		assert_noop!(reveal_vote(&auditors[0], id, &v), Error::<Test>::RevealTooEarly);
		commit_vote(&auditors[1], id, &recomputed(id));
		commit_vote(&auditors[2], id, &recomputed(id));
		assert_ok!(Work::reveal_salt(origin(&s.host), id, SALT));
		System::assert_last_event(event(WorkEvent::SaltRevealed { commitment: id }));
		let info = reveal_vote(&auditors[0], id, &v).expect("reveals");
		assert!(info.actual_weight.is_some(), "a reveal that settles nothing is refunded to its own weight");
		assert_ok!(reveal_vote(&auditors[1], id, &recomputed(id)));
		assert!(settled_event(id).is_none());
		assert_ok!(reveal_vote(&auditors[2], id, &recomputed(id)));

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
		// The window counts as verified work.
		let host_stats = pallet_pgt_contributors::Registry::<Test>::get(&s.host).expect("registered").stats;
		assert_eq!(host_stats.verified_seconds, u64::from(WINDOW_SECONDS));
		assert!(reputation(&auditors[0]) > rep_auditor);
		for (a, before) in auditors.iter().zip(balances) {
			assert_eq!(Balances::balance(a), before + AUDIT_REWARD);
		}
		assert_eq!(Balances::balance(&treasury()), pot - 3 * AUDIT_REWARD);
		assert!(Work::audit_duties(auditors[0].clone()).is_empty());
		assert_noop!(reveal_vote(&auditors[0], id, &v), Error::<Test>::AlreadySettled);
		// The record and its opened states go at its close; the window's entry once the window
		// is over.
		run_to_close(id);
		assert!(Commitments::<Test>::get(id).is_none());
		assert!(crate::OpenedStates::<Test>::iter_prefix(id).next().is_none());
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
		honest_audit(&s.host, id);
		let (verdict, slashed, forfeited, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!(verdict, Verdict::Wrong);
		assert_eq!(slashed, MIN_STAKE / 10);
		assert_eq!(stake(&s.host), MIN_STAKE - MIN_STAKE / 10);
		assert!(reputation(&s.host) < rep_host);
		assert_eq!((forfeited, rewarded.len(), penalised.len()), (WINDOW_SECONDS, 3, 0));
		assert!(auditors.iter().all(|a| rewarded.contains(a)));

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

/// A colluding minority can flip nothing, and an auditor in the decided minority loses a share
/// of its stake, not only reputation.
#[test]
fn a_colluding_minority_cannot_flip_a_verdict_and_is_slashed() {
	new_test_ext().execute_with(|| {
		// Against an honest contributor: one auditor claims the outputs are wrong.
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		let liar_stake = stake(&auditors[0]);
		audit(
			&s.host,
			id,
			&[
				(auditors[0].clone(), Some(garbage())),
				(auditors[1].clone(), Some(recomputed(id))),
				(auditors[2].clone(), Some(recomputed(id))),
			],
			true,
		);
		let (verdict, slashed, _, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!((verdict, slashed), (Verdict::Honest, 0));
		assert_eq!(penalised, vec![auditors[0].clone()]);
		assert_eq!(rewarded.len(), 2);
		assert_eq!(stake(&s.host), MIN_STAKE);
		assert_eq!(stake(&auditors[0]), liar_stake - liar_stake / 100);
		assert_eq!(auditors_slashed(id), liar_stake / 100);
		// Below the minimum stake it audits nothing more until it tops its stake up.
		assert_ok!(Contributors::bond_extra(origin(&auditors[0]), liar_stake / 100));

		// For a cheating contributor: one auditor (told the claims off chain) vouches for them.
		run_to(WINDOW + 1);
		heartbeat_all();
		let lying = WorkWindow::new(200, 100, |_| true);
		let (id, auditors) = committed_and_opened(&s, &lying);
		let claimed: Verdicts = BoundedVec::truncate_from(vec![output_hash(b"made up"); challenged(id).len()]);
		audit(
			&s.host,
			id,
			&[
				(auditors[0].clone(), Some(claimed)),
				(auditors[1].clone(), Some(recomputed(id))),
				(auditors[2].clone(), Some(recomputed(id))),
			],
			true,
		);
		let (verdict, _, _, _, penalised) = settled_event(id).expect("settled");
		assert_eq!(verdict, Verdict::Wrong);
		assert_eq!(penalised, vec![auditors[0].clone()]);
	});
}

/// Attack: a lazy auditor copies the claimed output instead of computing. The leaves hold only
/// seals, so before the salt is revealed nothing on chain shows the claim; copying a seal agrees
/// with nothing.
#[test]
fn an_auditor_cannot_copy_the_claim() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		// What the lazy auditor can read: the opened leaves' seals, and its duty.
		let duty = Work::audit_duties(auditors[0].clone()).pop().expect("a duty");
		assert_eq!(duty.kind, crate::DutyKind::CommitVerdicts);
		let copied: Verdicts = BoundedVec::truncate_from(duty.leaves.iter().map(|l| l.output_seal).collect());
		assert!(copied.iter().zip(recomputed(id).iter()).all(|(c, r)| c != r), "the seal is not the claim");
		audit(
			&s.host,
			id,
			&[
				(auditors[0].clone(), Some(copied)),
				(auditors[1].clone(), Some(recomputed(id))),
				(auditors[2].clone(), Some(recomputed(id))),
			],
			true,
		);
		let (verdict, _, _, _, penalised) = settled_event(id).expect("settled");
		assert_eq!(verdict, Verdict::Honest);
		assert_eq!(penalised, vec![auditors[0].clone()], "the copier is in the minority");
	});
}

/// Attack: an auditor waits for another's reveal and copies it. Reveals start only after every
/// auditor committed (or the time to commit ran out), and a reveal must match its own commitment.
#[test]
fn an_auditor_cannot_copy_another_auditor() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		commit_vote(&auditors[0], id, &recomputed(id));
		commit_vote(&auditors[1], id, &recomputed(id));
		// The lazy one commits to garbage, hoping to swap in what the others reveal.
		commit_vote(&auditors[2], id, &garbage());
		assert_ok!(Work::reveal_salt(origin(&s.host), id, SALT));
		assert_ok!(reveal_vote(&auditors[0], id, &recomputed(id)));
		assert_noop!(reveal_vote(&auditors[2], id, &recomputed(id)), Error::<Test>::VerdictMismatch);
		// Another auditor's commitment is bound to that auditor: it can't be reused either.
		let theirs = commitment(id).auditors[0].committed.expect("committed");
		assert_ne!(Some(theirs), commitment(id).auditors[2].committed);
	});
}

#[test]
fn silent_auditors_lose_reputation_and_without_a_majority_nobody_is_punished() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		// Two vote, one stays silent: a majority of the three.
		let silent_rep = reputation(&auditors[2]);
		let silent_stake = stake(&auditors[2]);
		audit(
			&s.host,
			id,
			&[
				(auditors[0].clone(), Some(recomputed(id))),
				(auditors[1].clone(), Some(recomputed(id))),
				(auditors[2].clone(), None),
			],
			true,
		);
		let (verdict, _, _, rewarded, penalised) = settled_event(id).expect("settled at the last reveal");
		assert_eq!(verdict, Verdict::Honest);
		assert_eq!(rewarded.len(), 2);
		assert_eq!(penalised, vec![auditors[2].clone()]);
		assert!(reputation(&auditors[2]) < silent_rep);
		assert_eq!(stake(&auditors[2]), silent_stake, "silence costs reputation, not stake");

		// One of three votes, and it accuses: no majority, so the contributor is not punished.
		run_to(WINDOW + 1);
		heartbeat_all();
		let w = WorkWindow::new(200, 100, |_| false);
		let (id, auditors) = committed_and_opened(&s, &w);
		audit(
			&s.host,
			id,
			&[(auditors[0].clone(), Some(garbage())), (auditors[1].clone(), None), (auditors[2].clone(), None)],
			true,
		);
		let (verdict, slashed, forfeited, rewarded, penalised) = settled_event(id).expect("settled");
		assert_eq!((verdict, slashed, forfeited), (Verdict::Undecided, 0, 0));
		assert!(rewarded.is_empty());
		assert_eq!(penalised.len(), 2, "the silent two; the lone voter decided nothing");
		assert_eq!(stake(&s.host), MIN_STAKE);
	});
}

/// A contributor that opens its leaves but never reveals the salt of its seals fails as if it had
/// not opened them: its claims can't be checked.
#[test]
fn a_withheld_salt_is_a_missing_opening() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let (id, auditors) = committed_and_opened(&s, &w);
		let votes: Vec<_> = auditors.iter().map(|a| (a.clone(), Some(recomputed(id)))).collect();
		audit(&s.host, id, &votes, false);
		assert!(settled_event(id).is_none());
		run_to_close(id);
		let (verdict, slashed, _, rewarded, penalised) = settled_event(id).expect("settled at the close");
		assert_eq!((verdict, slashed), (Verdict::MissingOpening, MIN_STAKE / 10));
		assert!(rewarded.is_empty() && penalised.is_empty(), "auditors can't be judged without a claim");
	});
}

#[test]
fn bad_verdicts_and_reveals_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let w = WorkWindow::honest(200);
		let id = commit(&s.host, s.session, &w);
		let any = H256::zero();
		assert_noop!(Work::commit_verdicts(origin(&s.auditors[0]), id, any), Error::<Test>::NotChallengedYet);
		let indices = run_to_draw(id);
		let auditors = drawn_auditors(id);
		assert_noop!(Work::commit_verdicts(origin(&auditors[0]), id + 1, any), Error::<Test>::UnknownCommitment);
		assert_noop!(Work::commit_verdicts(origin(&auditors[0]), id, any), Error::<Test>::NotOpenedYet);
		assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&indices)));
		// The host itself, and a stranger, are not auditors.
		let stranger = contributor(50);
		assert_noop!(Work::commit_verdicts(origin(&s.host), id, any), Error::<Test>::NotAuditor);
		assert_noop!(Work::commit_verdicts(origin(&stranger), id, any), Error::<Test>::NotAuditor);
		commit_vote(&auditors[0], id, &recomputed(id));
		assert_noop!(Work::commit_verdicts(origin(&auditors[0]), id, any), Error::<Test>::AlreadyVoted);
		// Auditor 2 stays silent; once the time to commit is over, reveals open.
		commit_vote(&auditors[1], id, &recomputed(id));
		let Phase::Challenged { commit_by, reveal_by, .. } = commitment(id).phase else { panic!("challenged") };
		run_to(commit_by + 1);
		assert_noop!(Work::commit_verdicts(origin(&auditors[2]), id, any), Error::<Test>::AuditTooLate);
		assert_noop!(reveal_vote(&auditors[2], id, &recomputed(id)), Error::<Test>::NotCommitted);
		assert_noop!(Work::reveal_salt(origin(&auditors[0]), id, SALT), Error::<Test>::NotCommitter);
		let mut short = recomputed(id);
		short.pop();
		assert_noop!(reveal_vote(&auditors[1], id, &short), Error::<Test>::WrongVerdictCount);
		assert_noop!(
			Work::reveal_verdicts(origin(&auditors[1]), id, recomputed(id), H256::repeat_byte(1)),
			Error::<Test>::VerdictMismatch
		);
		assert_ok!(reveal_vote(&auditors[0], id, &recomputed(id)));
		assert_noop!(reveal_vote(&auditors[0], id, &recomputed(id)), Error::<Test>::AlreadyVoted);
		assert_ok!(Work::reveal_salt(origin(&s.host), id, SALT));
		assert_noop!(Work::reveal_salt(origin(&s.host), id, SALT), Error::<Test>::AlreadyRevealed);
		// A crowd of deadlines in the reveal's last block holds the close back a few blocks, so
		// a late reveal still meets the record.
		for i in 0..20u64 {
			Deadlines::<Test>::insert(reveal_by, (u64::MAX - i, crate::Deadline::Close), ());
		}
		let v = recomputed(id);
		run_to(reveal_by + 1);
		assert_noop!(reveal_vote(&auditors[1], id, &v), Error::<Test>::RevealTooLate);
		run_to_close(id);
		run_to(System::block_number() + 1);
		assert_noop!(reveal_vote(&auditors[1], id, &v), Error::<Test>::UnknownCommitment);
	});
}

#[test]
fn the_session_s_people_never_audit_it_even_after_it_settles() {
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
		// The session ends before the draw: its people are still excluded.
		assert_ok!(Sessions::end_session(origin(&alice), 0));
		run_to_draw(id);
		assert_eq!(drawn_auditors(id), vec![auditor]);
	});
}

/// A helper commits its own windows once the host names it (`Sessions.credit_helper`); its work
/// is drawn, opened by it and audited like a host's, by auditors outside the session, and a wrong
/// window costs it stake, reputation and its whole part of the session's pay.
#[test]
fn a_helper_commits_its_own_windows_and_a_wrong_one_costs_it_stake_and_pay() {
	new_test_ext().execute_with(|| {
		let s = setup();
		let helper = contributor(AUDITORS + 1);
		let w = WorkWindow::new(200, 0, |_| true);
		let window = Work::window_of(System::block_number());
		assert_noop!(
			Work::commit_work(origin(&helper), s.session, window, w.root, w.count()),
			Error::<Test>::NotServing
		);
		assert_ok!(Sessions::credit_helper(origin(&s.host), s.session, helper.clone(), 150));
		let as_helper = Setup { host: helper.clone(), session: s.session, auditors: s.auditors.clone() };
		let (id, auditors) = committed_and_opened(&as_helper, &w);
		assert!(!auditors.contains(&helper) && !auditors.contains(&s.host), "the session's people never audit it");
		let rep = reputation(&helper);
		honest_audit(&helper, id);
		let (verdict, slashed, forfeited, _, _) = settled_event(id).expect("settled");
		// No seconds to forfeit: a helper bills none; its part of the pay goes instead.
		assert_eq!((verdict, slashed, forfeited), (Verdict::Wrong, MIN_STAKE / 10, 0));
		assert_eq!(stake(&helper), MIN_STAKE - MIN_STAKE / 10);
		assert!(reputation(&helper) < rep);
		let alice = polkadot_sdk::sp_keyring::Sr25519Keyring::Alice.to_account_id();
		assert_ok!(Sessions::end_session(origin(&alice), s.session));
		let csu = pallet_pgt_sessions::Csus::<Test>::get(s.session).expect("settled");
		let h = &csu.helpers[0];
		assert_eq!((h.tasks_credited, h.tasks_committed, h.tasks_paid, h.windows_wrong, h.earned), (150, 200, 0, 1, 0));
	});
}
