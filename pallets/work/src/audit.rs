//! Openings, committed verdicts, reveals and the decision: [`Pallet::open_leaves`],
//! [`Pallet::commit_verdicts`], [`Pallet::reveal_salt`], [`Pallet::reveal_verdicts`] and how a
//! commitment settles.

use crate::{
	pallet::{Commitments, Config, Error, Event, OpenedStates, Pallet},
	BalanceOf, Commitment, CommitmentId, Opening, Phase, Verdict,
};
use alloc::vec::Vec;
use pgt_primitives::{
	contributors::ContributorRegistry,
	merkle,
	reputation::{Outcome, MAX_OUTCOME_WEIGHT},
	sessions::SessionWork,
	work::{output_hash, seal, verdict_commitment},
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Mutate, tokens::Preservation, Get},
		BoundedVec,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

/// How the auditors voted on one leaf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LeafDecision {
	/// A strict majority of the auditors a leaf needs recomputed the claimed output.
	Right,
	/// A strict majority of the auditors a leaf needs got another output.
	Wrong,
	/// Neither side has a strict majority of the auditors a leaf needs.
	Open,
}

/// The decision on a leaf from the votes of its auditors (`Some(true)`: recomputed the claimed
/// output, `Some(false)`: got another, `None`: silent) when `required` auditors should vote.
/// Silent or undrawn auditors count for neither side, so a colluding minority can neither condemn
/// an honest leaf nor clear a wrong one, and one auditor alone never decides when three are
/// required.
pub fn decide_leaf(votes: impl Iterator<Item = Option<bool>>, required: u32) -> LeafDecision {
	let (mut agree, mut disagree) = (0u32, 0u32);
	for vote in votes.flatten() {
		if vote {
			agree += 1;
		} else {
			disagree += 1;
		}
	}
	if agree * 2 > required {
		LeafDecision::Right
	} else if disagree * 2 > required {
		LeafDecision::Wrong
	} else {
		LeafDecision::Open
	}
}

/// The deadlines of a commitment whose challenges are drawn and whose audit is not decided: (open
/// by, commit by, reveal by); the error for any other phase.
#[allow(clippy::type_complexity)]
fn challenged_deadlines<T: Config>(
	c: &Commitment<T>,
) -> Result<(BlockNumberFor<T>, BlockNumberFor<T>, BlockNumberFor<T>), Error<T>> {
	match c.phase {
		Phase::AwaitingDraw { .. } => Err(Error::<T>::NotChallengedYet),
		Phase::Settled(_) => Err(Error::<T>::AlreadySettled),
		Phase::Challenged { open_by, commit_by, reveal_by } => Ok((open_by, commit_by, reveal_by)),
	}
}

impl<T: Config> Pallet<T> {
	/// See [`Pallet::open_leaves`].
	pub(crate) fn do_open_leaves(
		who: T::AccountId,
		id: CommitmentId,
		openings: BoundedVec<Opening, T::ChallengesPerWindow>,
	) -> DispatchResult {
		let mut c = Commitments::<T>::get(id).ok_or(Error::<T>::UnknownCommitment)?;
		ensure!(c.contributor == who, Error::<T>::NotCommitter);
		let (open_by, _, _) = challenged_deadlines(&c)?;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= open_by, Error::<T>::OpeningTooLate);

		let (session, game, root, task_count) = (c.session, c.game, c.root, c.task_count);
		let mut indices = Vec::with_capacity(openings.len());
		for o in openings {
			let challenge = c.challenges.iter_mut().find(|ch| ch.index == o.index).ok_or(Error::<T>::NotChallenged)?;
			ensure!(challenge.opened.is_none(), Error::<T>::AlreadyOpened);
			let task = &o.leaf.task;
			ensure!(task.id == o.index, Error::<T>::TaskIdMismatch);
			ensure!(task.session == session, Error::<T>::TaskOfOtherSession);
			ensure!(task.input.game() == game, Error::<T>::WrongGame);
			task.input.validate().map_err(|_| Error::<T>::MalformedTask)?;
			ensure!(output_hash(&o.state) == task.input.state_hash(), Error::<T>::StateMismatch);
			ensure!(merkle::verify(&root, task_count, o.index, &o.leaf, &o.proof), Error::<T>::BadProof);
			challenge.opened = Some(o.leaf);
			OpenedStates::<T>::insert(id, o.index, o.state);
			indices.push(o.index);
		}
		Commitments::<T>::insert(id, c);
		Self::deposit_event(Event::LeavesOpened { commitment: id, indices });
		Ok(())
	}

	/// See [`Pallet::commit_verdicts`].
	pub(crate) fn do_commit_verdicts(who: T::AccountId, id: CommitmentId, verdicts: H256) -> DispatchResult {
		let mut c = Commitments::<T>::get(id).ok_or(Error::<T>::UnknownCommitment)?;
		let (_, commit_by, _) = challenged_deadlines(&c)?;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= commit_by, Error::<T>::AuditTooLate);
		let all_opened = c.all_opened();
		let auditor = c.auditors.iter_mut().find(|a| a.who == who).ok_or(Error::<T>::NotAuditor)?;
		ensure!(auditor.committed.is_none(), Error::<T>::AlreadyVoted);
		ensure!(all_opened, Error::<T>::NotOpenedYet);
		auditor.committed = Some(verdicts);
		Commitments::<T>::insert(id, c);
		Self::deposit_event(Event::VerdictsCommitted { commitment: id, auditor: who });
		Ok(())
	}

	/// See [`Pallet::reveal_salt`]. Returns whether this settled the commitment.
	pub(crate) fn do_reveal_salt(
		who: T::AccountId,
		id: CommitmentId,
		salt: H256,
	) -> Result<bool, polkadot_sdk::sp_runtime::DispatchError> {
		let mut c = Commitments::<T>::get(id).ok_or(Error::<T>::UnknownCommitment)?;
		ensure!(c.contributor == who, Error::<T>::NotCommitter);
		let (_, _, reveal_by) = challenged_deadlines(&c)?;
		Self::ensure_reveal_window(&c, reveal_by)?;
		ensure!(c.salt.is_none(), Error::<T>::AlreadyRevealed);
		c.salt = Some(salt);
		Self::deposit_event(Event::SaltRevealed { commitment: id });
		let settled = Self::settle_if_complete(id, &mut c);
		Commitments::<T>::insert(id, c);
		Ok(settled)
	}

	/// See [`Pallet::reveal_verdicts`]. Returns whether this settled the commitment.
	pub(crate) fn do_reveal_verdicts(
		who: T::AccountId,
		id: CommitmentId,
		output_hashes: BoundedVec<H256, T::ChallengesPerWindow>,
		nonce: H256,
	) -> Result<bool, polkadot_sdk::sp_runtime::DispatchError> {
		let mut c = Commitments::<T>::get(id).ok_or(Error::<T>::UnknownCommitment)?;
		let (_, _, reveal_by) = challenged_deadlines(&c)?;
		let challenges = c.challenges.len();
		let auditor = c.auditors.iter().position(|a| a.who == who).ok_or(Error::<T>::NotAuditor)?;
		Self::ensure_reveal_window(&c, reveal_by)?;
		let a = &mut c.auditors[auditor];
		let committed = a.committed.ok_or(Error::<T>::NotCommitted)?;
		ensure!(a.verdicts.is_none(), Error::<T>::AlreadyVoted);
		ensure!(output_hashes.len() == challenges, Error::<T>::WrongVerdictCount);
		ensure!(verdict_commitment(id, &who, &output_hashes, &nonce) == committed, Error::<T>::VerdictMismatch);
		a.verdicts = Some(output_hashes);
		Self::deposit_event(Event::VerdictsRevealed { commitment: id, auditor: who });
		let settled = Self::settle_if_complete(id, &mut c);
		Commitments::<T>::insert(id, c);
		Ok(settled)
	}

	/// Checks that reveals of `c` (challenged, reveals due by `reveal_by`) may be made now: every
	/// auditor committed, or the time to commit is over, and the time to reveal is not.
	fn ensure_reveal_window(c: &Commitment<T>, reveal_by: BlockNumberFor<T>) -> Result<(), Error<T>> {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= reveal_by, Error::<T>::RevealTooLate);
		ensure!(Self::reveals_open(c, now), Error::<T>::RevealTooEarly);
		Ok(())
	}

	/// Settles `c` if nothing more can come: the salt is revealed and every auditor that
	/// committed has revealed. Returns whether it did.
	fn settle_if_complete(id: CommitmentId, c: &mut Commitment<T>) -> bool {
		let complete = c.salt.is_some() && c.auditors.iter().all(|a| a.committed.is_none() || a.verdicts.is_some());
		if complete {
			Self::settle(id, c);
		}
		complete
	}

	/// The verdict on `c` as its reveals stand, and for each auditor whether it voted with the
	/// decision on every decided leaf (`None`: it voted but no leaf was decided; `Some(false)`
	/// also for an auditor that stayed silent).
	pub(crate) fn tally(c: &Commitment<T>) -> (Verdict, Vec<Option<bool>>) {
		let Some(salt) = c.salt.filter(|_| c.all_opened()) else {
			// The contributor failed (a leaf unopened, or its claims never revealed); auditors
			// could not be judged against a claim and are judged by nothing.
			return (Verdict::MissingOpening, c.auditors.iter().map(|_| None).collect());
		};
		let required = T::AuditorsPerLeaf::get();
		// Every leaf is open here, so every challenge has a claimed seal.
		let seals: Vec<H256> =
			c.challenges.iter().map(|ch| ch.opened.as_ref().map(|l| l.output_seal).unwrap_or_default()).collect();
		let agrees = |vote: &H256, claimed_seal: &H256| seal(vote, &salt) == *claimed_seal;
		let decisions: Vec<LeafDecision> = seals
			.iter()
			.enumerate()
			.map(|(i, s)| {
				decide_leaf(
					c.auditors.iter().map(|a| a.verdicts.as_ref().and_then(|v| v.get(i)).map(|v| agrees(v, s))),
					required,
				)
			})
			.collect();
		let verdict = if decisions.contains(&LeafDecision::Wrong) {
			Verdict::Wrong
		} else if decisions.iter().all(|d| *d == LeafDecision::Right) {
			Verdict::Honest
		} else {
			Verdict::Undecided
		};
		let judged = c
			.auditors
			.iter()
			.map(|a| {
				let Some(votes) = &a.verdicts else { return Some(false) };
				let mut decided = false;
				let mut with_majority = true;
				for ((d, s), vote) in decisions.iter().zip(&seals).zip(votes.iter()) {
					match d {
						LeafDecision::Right => with_majority &= agrees(vote, s),
						LeafDecision::Wrong => with_majority &= !agrees(vote, s),
						LeafDecision::Open => continue,
					}
					decided = true;
				}
				decided.then_some(with_majority)
			})
			.collect();
		(verdict, judged)
	}

	/// Decides `c` as its reveals stand: punishes or credits the contributor, rewards or
	/// penalises the auditors, and marks it settled.
	pub(crate) fn settle(id: CommitmentId, c: &mut Commitment<T>) {
		let (verdict, judged) = Self::tally(c);
		let window_weight = Outcome::weight_of_seconds(T::WindowSeconds::get().into());
		let (mut slashed, mut seconds_forfeited) = (Zero::zero(), 0);
		if verdict.is_failure() {
			slashed = T::Registry::slash(&c.contributor, T::SlashShare::get());
			T::Registry::record_outcome(&c.contributor, Outcome::failure(MAX_OUTCOME_WEIGHT), 0);
			seconds_forfeited = T::Sessions::forfeit(c.session, &c.contributor, T::WindowSeconds::get());
		} else if verdict == Verdict::Honest {
			// The window passed audit: its seconds count as verified work (hours, tier, board).
			T::Registry::record_outcome(
				&c.contributor,
				Outcome::success(window_weight),
				T::WindowSeconds::get().into(),
			);
		}

		let (mut rewarded, mut penalised) = (Vec::new(), Vec::new());
		let mut auditors_slashed: BalanceOf<T> = Zero::zero();
		for (a, judgement) in c.auditors.iter().zip(judged) {
			match judgement {
				Some(true) => {
					T::Registry::record_outcome(&a.who, Outcome::success(window_weight), 0);
					// Best effort: an empty pot pays nothing, the reputation still counts.
					let _ = T::Currency::transfer(
						&T::RewardPot::get(),
						&a.who,
						T::AuditReward::get(),
						Preservation::Preserve,
					);
					rewarded.push(a.who.clone());
				},
				Some(false) => {
					// In the decided minority: a small share of stake. Silent: reputation only.
					if a.verdicts.is_some() {
						auditors_slashed =
							auditors_slashed.saturating_add(T::Registry::slash(&a.who, T::AuditorSlashShare::get()));
					}
					T::Registry::record_outcome(&a.who, Outcome::failure(window_weight), 0);
					penalised.push(a.who.clone());
				},
				None => {},
			}
		}
		c.phase = Phase::Settled(verdict);
		Self::deposit_event(Event::Settled {
			commitment: id,
			contributor: c.contributor.clone(),
			verdict,
			slashed,
			seconds_forfeited,
			rewarded,
			penalised,
			auditors_slashed,
		});
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_strict_majority_of_the_required_auditors_decides() {
		let d = |v: &[Option<bool>], n| decide_leaf(v.iter().copied(), n);
		assert_eq!(d(&[Some(true), Some(true), Some(false)], 3), LeafDecision::Right);
		assert_eq!(d(&[Some(false), Some(false), Some(true)], 3), LeafDecision::Wrong);
		// One colluder and two silent: no majority either way.
		assert_eq!(d(&[Some(false), None, None], 3), LeafDecision::Open);
		assert_eq!(d(&[Some(true), None, None], 3), LeafDecision::Open);
		// Two of four is not a strict majority.
		assert_eq!(d(&[Some(true), Some(true), Some(false), Some(false)], 4), LeafDecision::Open);
		// Only one auditor could be drawn of the three required: it does not decide alone.
		assert_eq!(d(&[Some(false)], 3), LeafDecision::Open);
		assert_eq!(d(&[Some(false)], 1), LeafDecision::Wrong);
		assert_eq!(d(&[], 3), LeafDecision::Open);
	}
}
