//! Openings, verdicts and the decision: [`Pallet::do_open_leaves`],
//! [`Pallet::do_submit_verdicts`] and how a commitment settles.

use crate::{
	pallet::{Commitments, Config, Error, Event, Pallet},
	Commitment, CommitmentId, Opening, Phase, Verdict,
};
use alloc::vec::Vec;
use pgt_primitives::{
	contributors::ContributorRegistry,
	merkle,
	reputation::{Outcome, MAX_OUTCOME_WEIGHT},
	sessions::SessionWork,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Mutate, tokens::Preservation, Get},
		BoundedVec,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_runtime::{traits::Zero, DispatchResult},
};

/// How the auditors voted on one leaf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LeafDecision {
	/// A strict majority of the drawn auditors recomputed the claimed output.
	Right,
	/// A strict majority of the drawn auditors got another output.
	Wrong,
	/// Neither side has a strict majority of the drawn auditors.
	Open,
}

/// The decision on a leaf whose claimed output is `claimed`, from the votes of `drawn`
/// auditors (`None`: silent). Silent auditors count for neither side, so a colluding minority
/// can neither condemn an honest leaf nor clear a wrong one.
pub fn decide_leaf<'a>(claimed: &H256, votes: impl Iterator<Item = Option<&'a H256>>, drawn: u32) -> LeafDecision {
	let (mut agree, mut disagree) = (0u32, 0u32);
	for vote in votes.flatten() {
		if vote == claimed {
			agree += 1;
		} else {
			disagree += 1;
		}
	}
	if agree * 2 > drawn {
		LeafDecision::Right
	} else if disagree * 2 > drawn {
		LeafDecision::Wrong
	} else {
		LeafDecision::Open
	}
}

/// The opening and voting deadlines of a commitment whose challenges are drawn and whose audit
/// is not decided; the error for any other phase.
fn challenged_deadlines<T: Config>(c: &Commitment<T>) -> Result<(BlockNumberFor<T>, BlockNumberFor<T>), Error<T>> {
	match c.phase {
		Phase::AwaitingDraw { .. } => Err(Error::<T>::NotChallengedYet),
		Phase::Settled(_) => Err(Error::<T>::AlreadySettled),
		Phase::Challenged { open_by, audit_by } => Ok((open_by, audit_by)),
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
		let (open_by, _) = challenged_deadlines(&c)?;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= open_by, Error::<T>::OpeningTooLate);

		let mut indices = Vec::with_capacity(openings.len());
		for o in openings {
			let challenge = c.challenges.iter_mut().find(|ch| ch.index == o.index).ok_or(Error::<T>::NotChallenged)?;
			ensure!(challenge.opened.is_none(), Error::<T>::AlreadyOpened);
			ensure!(o.leaf.task.id == o.index, Error::<T>::TaskIdMismatch);
			o.leaf.task.input.validate().map_err(|_| Error::<T>::MalformedTask)?;
			ensure!(merkle::verify(&c.root, c.task_count, o.index, &o.leaf, &o.proof), Error::<T>::BadProof);
			challenge.opened = Some(o.leaf);
			indices.push(o.index);
		}
		Commitments::<T>::insert(id, c);
		Self::deposit_event(Event::LeavesOpened { commitment: id, indices });
		Ok(())
	}

	/// See [`Pallet::submit_verdicts`]. Returns whether this vote settled the commitment.
	pub(crate) fn do_submit_verdicts(
		who: T::AccountId,
		id: CommitmentId,
		output_hashes: BoundedVec<H256, T::ChallengesPerWindow>,
	) -> Result<bool, polkadot_sdk::sp_runtime::DispatchError> {
		let mut c = Commitments::<T>::get(id).ok_or(Error::<T>::UnknownCommitment)?;
		let (_, audit_by) = challenged_deadlines(&c)?;
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		ensure!(now <= audit_by, Error::<T>::AuditTooLate);
		let all_opened = c.all_opened();
		let challenges = c.challenges.len();
		let auditor = c.auditors.iter_mut().find(|a| a.who == who).ok_or(Error::<T>::NotAuditor)?;
		ensure!(auditor.verdicts.is_none(), Error::<T>::AlreadyVoted);
		ensure!(all_opened, Error::<T>::NotOpenedYet);
		ensure!(output_hashes.len() == challenges, Error::<T>::WrongVerdictCount);
		auditor.verdicts = Some(output_hashes);
		Self::deposit_event(Event::VerdictsSubmitted { commitment: id, auditor: who });

		let everyone_voted = c.auditors.iter().all(|a| a.verdicts.is_some());
		if everyone_voted {
			Self::settle(id, &mut c);
		}
		Commitments::<T>::insert(id, c);
		Ok(everyone_voted)
	}

	/// The verdict on `c` as its votes stand, and for each auditor whether it voted with the
	/// decision on every decided leaf (`None`: it voted but no leaf was decided).
	pub(crate) fn tally(c: &Commitment<T>) -> (Verdict, Vec<Option<bool>>) {
		if !c.all_opened() {
			// The contributor failed; auditors could not work and are judged by nothing.
			return (Verdict::MissingOpening, c.auditors.iter().map(|_| None).collect());
		}
		let drawn = c.auditors.len() as u32;
		// Every leaf is open here, so every challenge has a claimed output.
		let claimed: Vec<H256> =
			c.challenges.iter().map(|ch| ch.opened.as_ref().map(|l| l.output_hash).unwrap_or_default()).collect();
		let decisions: Vec<LeafDecision> = claimed
			.iter()
			.enumerate()
			.map(|(i, claimed)| {
				decide_leaf(claimed, c.auditors.iter().map(|a| a.verdicts.as_ref().and_then(|v| v.get(i))), drawn)
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
				for ((d, claimed), vote) in decisions.iter().zip(&claimed).zip(votes.iter()) {
					match d {
						LeafDecision::Right => with_majority &= vote == claimed,
						LeafDecision::Wrong => with_majority &= vote != claimed,
						LeafDecision::Open => continue,
					}
					decided = true;
				}
				decided.then_some(with_majority)
			})
			.collect();
		(verdict, judged)
	}

	/// Decides `c` as its votes stand: punishes or credits the contributor, rewards or
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
			T::Registry::record_outcome(&c.contributor, Outcome::success(window_weight), T::WindowSeconds::get().into());
		}

		let (mut rewarded, mut penalised) = (Vec::new(), Vec::new());
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
		});
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn h(b: u8) -> H256 {
		H256::repeat_byte(b)
	}

	#[test]
	fn a_strict_majority_of_the_drawn_decides() {
		let claimed = h(1);
		let votes = |v: &[Option<H256>]| v.to_vec();
		let d = |v: Vec<Option<H256>>, n| decide_leaf(&claimed, v.iter().map(|x| x.as_ref()), n);
		assert_eq!(d(votes(&[Some(h(1)), Some(h(1)), Some(h(2))]), 3), LeafDecision::Right);
		assert_eq!(d(votes(&[Some(h(2)), Some(h(3)), Some(h(1))]), 3), LeafDecision::Wrong);
		// One colluder and two silent: no majority either way.
		assert_eq!(d(votes(&[Some(h(2)), None, None]), 3), LeafDecision::Open);
		assert_eq!(d(votes(&[Some(h(1)), None, None]), 3), LeafDecision::Open);
		// Two of four is not a strict majority.
		assert_eq!(d(votes(&[Some(h(1)), Some(h(1)), Some(h(2)), Some(h(2))]), 4), LeafDecision::Open);
		// A single drawn auditor decides alone.
		assert_eq!(d(votes(&[Some(h(2))]), 1), LeafDecision::Wrong);
		assert_eq!(d(votes(&[]), 0), LeafDecision::Open);
	}
}
