//! Benchmarks of every call and hook of work verification, each in its worst case: the deepest
//! tree (`MaxTasksPerWindow` leaves), the largest task descriptors, every auditor judged, a
//! full registry scan, and a failing verdict (slash, forfeit, every reputation update).

use super::*;
use crate::pallet::{ByWindow, Commitments, Deadlines, NextCommitmentId, Pallet as WorkPallet};
use alloc::{vec, vec::Vec};
use pgt_primitives::{
	merkle,
	work::{output_hash, MicroTask, TaskInput, TaskLeaf},
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	},
	frame_system::{pallet_prelude::BlockNumberFor, RawOrigin},
	sp_core::H256,
	sp_runtime::traits::{BlakeTwo256, Hash as _, One, Saturating},
};

/// The largest task: a physics step of the most ticks.
fn task(id: u32) -> MicroTask {
	MicroTask {
		id,
		input: TaskInput::PhysicsStep {
			game: 1,
			state_hash: H256::repeat_byte(id as u8),
			first_tick: id * 240,
			inputs: BoundedVec::truncate_from(vec![0b1010; pgt_primitives::work::MAX_PHYSICS_TICKS as usize]),
		},
	}
}

/// What an auditor computes for a task (any fixed function will do for weights).
fn computed(t: &MicroTask) -> H256 {
	output_hash(&t.id.to_le_bytes())
}

/// A tree of `MaxTasksPerWindow` leaves in which leaves `0..k` are real and every other subtree
/// is a filler hash, so proofs have the full depth without hashing a million leaves. Returns the
/// root, the leaves and their proofs.
fn deep_tree<T: Config>(k: u32) -> (H256, u32, Vec<TaskLeaf>, Vec<merkle::MerkleProof>) {
	let count = T::MaxTasksPerWindow::get();
	let width = k.next_power_of_two().max(2);
	let leaves: Vec<TaskLeaf> = (0..k).map(|i| TaskLeaf { task: task(i), output_hash: computed(&task(i)) }).collect();
	let mut hashes: Vec<H256> = leaves.iter().map(TaskLeaf::hash).collect();
	hashes.resize(width as usize, H256::repeat_byte(0xf1));
	let mut root = merkle::root_of_hashes(hashes.iter().copied());
	let mut proofs: Vec<Vec<H256>> =
		(0..k).map(|i| merkle::proof_of_hashes(&hashes, i).expect("in range").into_inner()).collect();
	// Our subtree is the leftmost at every level above it: a filler sibling on the right.
	let levels = merkle::proof_len(0, count).expect("non-empty") - width.ilog2();
	for level in 0..levels {
		let filler = H256::repeat_byte(level as u8);
		let mut both = root.as_bytes().to_vec();
		both.extend_from_slice(filler.as_bytes());
		root = BlakeTwo256::hash(&both);
		proofs.iter_mut().for_each(|p| p.push(filler));
	}
	let proofs = proofs.into_iter().map(BoundedVec::truncate_from).collect();
	(root, count, leaves, proofs)
}

/// A challenged commitment: its id, the host, the auditors, the challenged leaves and their
/// proofs.
type Challenged<T> = (
	CommitmentId,
	<T as polkadot_sdk::frame_system::Config>::AccountId,
	Vec<<T as polkadot_sdk::frame_system::Config>::AccountId>,
	Vec<TaskLeaf>,
	Vec<merkle::MerkleProof>,
);

/// A commitment by a host serving a session, challenged on leaves `0..k` of a deep tree, with
/// `AuditorsPerLeaf` auditors; leaves opened if `opened`. Returns its id, the host, the auditors
/// and the leaves.
fn challenged<T: Config>(k: u32, opened: bool) -> Challenged<T> {
	let host = T::BenchmarkHelper::auditor(0);
	let session = T::BenchmarkHelper::serving_session(&host);
	let auditors: Vec<T::AccountId> = (1..=T::AuditorsPerLeaf::get()).map(T::BenchmarkHelper::auditor).collect();
	let (root, count, leaves, proofs) = deep_tree::<T>(k);
	let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
	let window = WorkPallet::<T>::window_of(now);
	let id = NextCommitmentId::<T>::get();
	NextCommitmentId::<T>::put(id + 1);
	ByWindow::<T>::insert((window, &host, session), id);
	Commitments::<T>::insert(
		id,
		Commitment {
			contributor: host.clone(),
			session,
			window,
			root,
			task_count: count,
			committed_at: now,
			phase: Phase::Challenged {
				open_by: now.saturating_add(T::OpenTimeout::get()),
				audit_by: now.saturating_add(T::OpenTimeout::get()).saturating_add(T::AuditTimeout::get()),
			},
			challenges: BoundedVec::truncate_from(
				leaves
					.iter()
					.enumerate()
					.map(|(i, l)| Challenge { index: i as u32, opened: opened.then(|| l.clone()) })
					.collect(),
			),
			auditors: BoundedVec::truncate_from(
				auditors.iter().map(|a| Auditor { who: a.clone(), verdicts: None }).collect(),
			),
		},
	);
	(id, host, auditors, leaves, proofs)
}

/// Verdicts that find every leaf wrong.
fn accusing<T: Config>(k: u32) -> BoundedVec<H256, T::ChallengesPerWindow> {
	BoundedVec::truncate_from((0..k).map(|i| H256::repeat_byte(0xbd ^ i as u8)).collect())
}

fn fund_pot<T: Config>() {
	let _ = T::Currency::mint_into(&T::RewardPot::get(), T::AuditReward::get().saturating_mul(1_000u32.into()));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A commitment of the most leaves (the deadline queue takes any number per block).
	#[benchmark]
	fn commit_work() {
		let host = T::BenchmarkHelper::auditor(0);
		let session = T::BenchmarkHelper::serving_session(&host);
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let window = WorkPallet::<T>::window_of(now);
		let root = H256::repeat_byte(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(host.clone()), session, window, root, T::MaxTasksPerWindow::get());

		assert!(ByWindow::<T>::contains_key((window, &host, session)));
	}

	#[benchmark]
	fn open_leaves(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		let (id, host, _, leaves, proofs) = challenged::<T>(n, false);
		let openings: Vec<Opening> = leaves
			.into_iter()
			.zip(proofs)
			.enumerate()
			.map(|(i, (leaf, proof))| Opening { index: i as u32, leaf, proof })
			.collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(host), id, BoundedVec::truncate_from(openings));

		assert!(Commitments::<T>::get(id).expect("live").all_opened());
	}

	/// A vote that does not settle (the first of several).
	#[benchmark]
	fn submit_verdicts(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		let (id, _, auditors, _, _) = challenged::<T>(n, true);
		let verdicts = accusing::<T>(n);

		#[block]
		{
			WorkPallet::<T>::do_submit_verdicts(auditors[0].clone(), id, verdicts).expect("votes");
		}

		assert!(Commitments::<T>::get(id).expect("live").auditors[0].verdicts.is_some());
	}

	/// The last vote, which settles a wrong window: slash, forfeit, every auditor rewarded.
	#[benchmark]
	fn submit_verdicts_settling(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		fund_pot::<T>();
		let (id, _, auditors, _, _) = challenged::<T>(n, true);
		let (last, others) = auditors.split_last().expect("at least one auditor");
		for a in others {
			WorkPallet::<T>::do_submit_verdicts(a.clone(), id, accusing::<T>(n)).expect("votes");
		}
		let verdicts = accusing::<T>(n);

		#[extrinsic_call]
		submit_verdicts(RawOrigin::Signed(last.clone()), id, verdicts);

		assert_eq!(Commitments::<T>::get(id).expect("kept until close").phase, Phase::Settled(Verdict::Wrong));
	}

	/// The draw with a full registry scan: only the last entries qualify as auditors.
	#[benchmark]
	fn draw_challenges() {
		let host = T::BenchmarkHelper::auditor(0);
		let session = T::BenchmarkHelper::serving_session(&host);
		let scan = T::MaxAuditorScan::get();
		for i in 0..scan {
			T::BenchmarkHelper::unqualified(i);
		}
		for i in 1..=T::AuditorsPerLeaf::get() {
			T::BenchmarkHelper::auditor(i);
		}
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let window = WorkPallet::<T>::window_of(now);
		let id = NextCommitmentId::<T>::get();
		WorkPallet::<T>::do_commit_work(host, session, window, H256::repeat_byte(1), T::MaxTasksPerWindow::get())
			.expect("commits");
		let draw_at: BlockNumberFor<T> = now.saturating_add(T::ChallengeDelay::get());

		#[block]
		{
			WorkPallet::<T>::draw(id, draw_at);
		}

		let c = Commitments::<T>::get(id).expect("live");
		assert_eq!(c.challenges.len() as u32, T::ChallengesPerWindow::get());
	}

	/// The close of a window no one finished: one auditor silent, the rest accusing; slash,
	/// forfeit, every auditor judged, the record removed.
	#[benchmark]
	fn close_commitment() {
		fund_pot::<T>();
		let k = T::ChallengesPerWindow::get();
		let (id, _, auditors, _, _) = challenged::<T>(k, true);
		for a in auditors.iter().skip(1) {
			WorkPallet::<T>::do_submit_verdicts(a.clone(), id, accusing::<T>(k)).expect("votes");
		}

		#[block]
		{
			WorkPallet::<T>::close(id);
		}

		assert!(Commitments::<T>::get(id).is_none());
	}

	/// `on_initialize` of a block with no deadlines.
	#[benchmark]
	fn on_initialize_idle() {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number().saturating_add(One::one());

		#[block]
		{
			WorkPallet::<T>::process_deadlines(now);
		}
	}

	/// Clearing `n` entries of a window that can no longer be committed to (the first of the
	/// windows waiting, so one storage prefix).
	#[benchmark]
	fn prune_windows(n: Linear<0, { T::MaxPrunePerBlock::get() - 1 }>) {
		let window: WindowIndex = 0;
		for i in 0..n {
			let who: T::AccountId = account("committer", i, 0);
			ByWindow::<T>::insert((window, &who, u64::from(i)), u64::from(i));
		}
		let now = WorkPallet::<T>::commit_closes(window);
		crate::pallet::PruneFrom::<T>::put((window, None::<crate::PruneCursor>));

		#[block]
		{
			WorkPallet::<T>::prune_windows(now);
		}

		assert!(ByWindow::<T>::iter_prefix((window,)).next().is_none());
	}

	impl_benchmark_test_suite!(WorkPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
