//! The randomness and the draw of challenges and auditors.
//!
//! **The randomness.** Every block's `on_initialize` hashes BABE's VRF output of the block before
//! into [`RandomnessAccumulator`]: `acc(n) = H(acc(n − 1) ‖ vrf(n − 1))`. The draw for a
//! commitment included in block `b` happens in `on_initialize` of block `d ≥ b + ChallengeDelay`
//! (≥ `b + 3`, later if the deadline queue is crowded) and is seeded by `acc(d)`, which depends on
//! the VRF outputs of every block from `b + 1` to `d − 1`: at least two blocks, made by the
//! authors of their slots.
//!
//! **Who could predict it.** A BABE VRF output is known to its slot's author in advance (it
//! depends only on the epoch randomness, the slot and the author's key), but to nobody else. So
//! the challenged indices are known when the root is committed only to a coalition of the authors
//! of *every* slot from `b + 1` to `d − 1` — with the runtime's delay of 3, the authors of two
//! consecutive slots. A single author, however it schedules its blocks, can at most withhold its
//! block (another author's output is then used): a one-bit bias for one slot that costs it the
//! block reward. The seed is bound to the commitment id, so two commitments drawn in one block get
//! independent challenges.

use crate::{
	pallet::{Commitments, Config, Event, Pallet, RandomnessAccumulator},
	Auditor, Challenge, CommitmentId, Deadline, Phase,
};
use alloc::vec::Vec;
use codec::Encode;
use pgt_primitives::contributors::ContributorRegistry;
use polkadot_sdk::{
	frame_support::{
		traits::{Get, Randomness},
		BoundedVec,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_io::hashing::blake2_256,
	sp_runtime::{traits::One, Saturating},
};

/// The domain tag of the draw's seed.
const DRAW_CONTEXT: &[u8] = b"pgt/work/draw";

/// `min(k, n)` distinct leaf indices below `n`, uniformly chosen from `seed` (Floyd's
/// algorithm; each step hashes the seed with its counter), in increasing order.
pub fn challenge_indices(seed: &H256, n: u32, k: u32) -> Vec<u32> {
	let k = k.min(n);
	let mut picked: Vec<u32> = Vec::with_capacity(k as usize);
	for j in (n - k)..n {
		let word = blake2_256(&(seed, j).encode());
		let r = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
		// j < 2^32 and r is a 64-bit value: the modulo bias is below 2^-32.
		let t = (r % (u64::from(j) + 1)) as u32;
		picked.push(if picked.contains(&t) { j } else { t });
	}
	picked.sort_unstable();
	picked
}

/// The probability (in parts per billion) that `k` challenges of a window with `n` leaves, `bad`
/// of them wrong, all miss the wrong ones: C(n − bad, k) / C(n, k).
#[cfg(feature = "std")]
pub fn miss_probability_ppb(n: u32, bad: u32, k: u32) -> u64 {
	let k = k.min(n);
	let mut p = 1.0f64;
	for i in 0..k {
		p *= f64::from(n.saturating_sub(bad).saturating_sub(i)) / f64::from(n - i);
	}
	(p * 1e9).round() as u64
}

impl<T: Config> Pallet<T> {
	/// Hashes the parent block's VRF output into [`RandomnessAccumulator`] (every block, in
	/// `on_initialize`, before any draw).
	pub(crate) fn accumulate_randomness() {
		let (random, _) = T::Randomness::random(DRAW_CONTEXT);
		let random = random.map(|h| h.encode()).unwrap_or_else(|| {
			// Only the first blocks of a chain have no VRF output behind them.
			polkadot_sdk::frame_system::Pallet::<T>::parent_hash().encode()
		});
		RandomnessAccumulator::<T>::mutate(|acc| *acc = H256(blake2_256(&(DRAW_CONTEXT, *acc, random).encode())));
	}

	/// Draws the challenges and auditors of commitment `id` in block `now`, and books its close.
	pub(crate) fn draw(id: CommitmentId, now: BlockNumberFor<T>) {
		let Some(mut c) = Commitments::<T>::get(id) else { return };
		if !matches!(c.phase, Phase::AwaitingDraw { .. }) {
			return;
		}
		let seed = H256(blake2_256(&(DRAW_CONTEXT, RandomnessAccumulator::<T>::get(), id).encode()));
		let indices = challenge_indices(&seed, c.task_count, T::ChallengesPerWindow::get());

		let mut exclude = c.excluded.to_vec();
		exclude.push(c.contributor.clone());
		let auditor_seed = H256(blake2_256(&(seed, b"auditors").encode()));
		let auditors = T::Registry::draw_auditors(
			&auditor_seed,
			T::MinAuditorReputation::get(),
			&exclude,
			T::AuditorsPerLeaf::get(),
			T::MaxAuditorTries::get(),
		);

		let open_by = now.saturating_add(T::OpenTimeout::get());
		let commit_by = open_by.saturating_add(T::AuditTimeout::get());
		let reveal_by = commit_by.saturating_add(T::RevealTimeout::get());
		Self::schedule(reveal_by.saturating_add(One::one()), id, Deadline::Close);
		// Both are drawn within their bounds (k indices, at most AuditorsPerLeaf auditors).
		c.challenges =
			BoundedVec::truncate_from(indices.iter().map(|&index| Challenge { index, opened: None }).collect());
		c.auditors = BoundedVec::truncate_from(
			auditors.iter().map(|who| Auditor { who: who.clone(), committed: None, verdicts: None }).collect(),
		);
		c.phase = Phase::Challenged { open_by, commit_by, reveal_by };
		Commitments::<T>::insert(id, c);
		Self::deposit_event(Event::Challenged { commitment: id, indices, auditors, open_by });
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn indices_are_distinct_in_range_and_sorted() {
		for n in [1u32, 5, 10, 11, 100, 1 << 20] {
			for s in 0..20u8 {
				let v = challenge_indices(&H256::repeat_byte(s), n, 10);
				assert_eq!(v.len() as u32, n.min(10));
				assert!(v.windows(2).all(|w| w[0] < w[1]), "{v:?}");
				assert!(v.iter().all(|&i| i < n));
			}
		}
	}

	#[test]
	fn every_index_is_drawn_about_equally_often() {
		// 2,000 draws of 10 out of 50: each index expected 400 times.
		let mut hits = [0u32; 50];
		for s in 0..2_000u32 {
			let seed = H256(blake2_256(&s.encode()));
			for i in challenge_indices(&seed, 50, 10) {
				hits[i as usize] += 1;
			}
		}
		assert!(hits.iter().all(|&h| (300..=500).contains(&h)), "{hits:?}");
	}

	#[test]
	fn miss_probability_matches_the_closed_form() {
		// One bad leaf in 10: k = 10 always finds it; k = 1 misses 9 times in 10.
		assert_eq!(miss_probability_ppb(10, 1, 10), 0);
		assert_eq!(miss_probability_ppb(10, 1, 1), 900_000_000);
		// 5 % bad in a large window: ≈ 0.95^10.
		let p = miss_probability_ppb(1 << 20, 1 << 20 >> 4 /* 6.25 % */, 10);
		assert!((p as f64 / 1e9 - 0.9375f64.powi(10)).abs() < 1e-4);
	}
}
