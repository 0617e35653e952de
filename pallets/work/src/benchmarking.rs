//! Benchmarks of every call and hook of work verification, each in its worst case: the deepest
//! tree (`MaxTasksPerWindow` leaves), the largest task descriptors and states, every auditor
//! judged, every auditor try used, and a failing verdict (slash, forfeit, every reputation
//! update).

use super::*;
use crate::pallet::{ByWindow, Commitments, NextCommitmentId, OpenedStates, Pallet as WorkPallet};
use alloc::{vec, vec::Vec};
use codec::Encode;
use pgt_primitives::{
	merkle,
	sessions::SessionId,
	work::{output_hash, verdict_commitment, MicroTask, StateBytes, TaskInput, TaskLeaf, MAX_STATE_BYTES},
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

/// The game the benchmark commitments are for.
const GAME: u32 = 1;

/// The salt the benchmark host seals its outputs with.
const SALT: H256 = H256::repeat_byte(0x5a);

/// The largest state an opening may carry.
fn state(id: u32) -> StateBytes {
	BoundedVec::truncate_from(vec![id as u8; MAX_STATE_BYTES as usize])
}

/// The largest task: a physics step of the most ticks, from the largest state.
fn task(id: u32, session: SessionId) -> MicroTask {
	MicroTask {
		id,
		session,
		input: TaskInput::PhysicsStep {
			game: GAME,
			state_hash: output_hash(&state(id)),
			first_tick: id * 240,
			inputs: BoundedVec::truncate_from(vec![0b1010; pgt_primitives::work::MAX_PHYSICS_TICKS as usize]),
		},
	}
}

/// What the host claims for a task (any fixed function will do for weights).
fn computed(t: &MicroTask) -> H256 {
	output_hash(&t.id.to_le_bytes())
}

/// A tree of `MaxTasksPerWindow` leaves in which leaves `0..k` are real and every other subtree
/// is a filler hash, so proofs have the full depth without hashing a million leaves. Returns the
/// root, the leaves and their proofs.
fn deep_tree<T: Config>(k: u32, session: SessionId) -> (H256, u32, Vec<TaskLeaf>, Vec<merkle::MerkleProof>) {
	let count = T::MaxTasksPerWindow::get();
	let width = k.next_power_of_two().max(2);
	let leaves: Vec<TaskLeaf> = (0..k)
		.map(|i| {
			let t = task(i, session);
			let out = computed(&t);
			TaskLeaf::sealed(t, &out, &SALT)
		})
		.collect();
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

/// How far a benchmark commitment has got.
#[derive(PartialEq, PartialOrd)]
enum Stage {
	/// Challenged, nothing opened.
	Drawn,
	/// Every leaf opened.
	Opened,
	/// Every auditor committed to verdicts that accuse every leaf.
	Committed,
}

/// A commitment by a host serving a session, challenged on leaves `0..k` of a deep tree, with
/// `AuditorsPerLeaf` auditors (as many excluded participants as allowed), at `stage`.
fn challenged<T: Config>(k: u32, stage: Stage) -> Challenged<T> {
	let host = T::BenchmarkHelper::auditor(0);
	let session = T::BenchmarkHelper::serving_session(&host);
	let auditors: Vec<T::AccountId> = (1..=T::AuditorsPerLeaf::get()).map(T::BenchmarkHelper::auditor).collect();
	let (root, count, leaves, proofs) = deep_tree::<T>(k, session);
	let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
	let window = WorkPallet::<T>::window_of(now);
	let id = NextCommitmentId::<T>::get();
	NextCommitmentId::<T>::put(id + 1);
	ByWindow::<T>::insert((window, &host, session), id);
	let open_by = now.saturating_add(T::OpenTimeout::get());
	let commit_by = open_by.saturating_add(T::AuditTimeout::get());
	let excluded = (0..T::MaxParticipants::get()).map(|i| account("participant", i, 0)).collect();
	if stage >= Stage::Opened {
		for i in 0..k {
			OpenedStates::<T>::insert(id, i, state(i));
		}
	}
	Commitments::<T>::insert(
		id,
		Commitment {
			contributor: host.clone(),
			session,
			game: GAME,
			task_hash: H256::repeat_byte(0x7a),
			excluded: BoundedVec::truncate_from(excluded),
			window,
			root,
			task_count: count,
			committed_at: now,
			phase: Phase::Challenged {
				open_by,
				commit_by,
				reveal_by: commit_by.saturating_add(T::RevealTimeout::get()),
			},
			challenges: BoundedVec::truncate_from(
				leaves
					.iter()
					.enumerate()
					.map(|(i, l)| Challenge { index: i as u32, opened: (stage >= Stage::Opened).then(|| l.clone()) })
					.collect(),
			),
			auditors: BoundedVec::truncate_from(
				auditors
					.iter()
					.map(|a| Auditor {
						who: a.clone(),
						committed: (stage >= Stage::Committed).then(|| committed_to::<T>(id, a, k)),
						verdicts: None,
					})
					.collect(),
			),
			salt: None,
		},
	);
	(id, host, auditors, leaves, proofs)
}

/// Verdicts that find every leaf wrong.
fn accusing<T: Config>(k: u32) -> BoundedVec<H256, T::ChallengesPerWindow> {
	BoundedVec::truncate_from((0..k).map(|i| H256::repeat_byte(0xbd ^ i as u8)).collect())
}

/// The nonce auditor `who` commits with.
fn nonce<T: Config>(who: &T::AccountId) -> H256 {
	H256(polkadot_sdk::sp_io::hashing::blake2_256(&who.encode()))
}

/// What auditor `who` commits to: accusing verdicts on `k` leaves.
fn committed_to<T: Config>(id: CommitmentId, who: &T::AccountId, k: u32) -> H256 {
	verdict_commitment(id, who, &accusing::<T>(k), &nonce::<T>(who))
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

	/// Opening `n` leaves, each with the largest state (hashed and stored).
	#[benchmark]
	fn open_leaves(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		let (id, host, _, leaves, proofs) = challenged::<T>(n, Stage::Drawn);
		let openings: Vec<Opening> = leaves
			.into_iter()
			.zip(proofs)
			.enumerate()
			.map(|(i, (leaf, proof))| Opening { index: i as u32, leaf, proof, state: state(i as u32) })
			.collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(host), id, BoundedVec::truncate_from(openings));

		assert!(Commitments::<T>::get(id).expect("live").all_opened());
	}

	#[benchmark]
	fn commit_verdicts() {
		let k = T::ChallengesPerWindow::get();
		let (id, _, auditors, _, _) = challenged::<T>(k, Stage::Opened);
		let hash = committed_to::<T>(id, &auditors[0], k);

		#[extrinsic_call]
		_(RawOrigin::Signed(auditors[0].clone()), id, hash);

		assert!(Commitments::<T>::get(id).expect("live").auditors[0].committed.is_some());
	}

	/// The salt revealed before any auditor has revealed (nothing settles).
	#[benchmark]
	fn reveal_salt() {
		let k = T::ChallengesPerWindow::get();
		let (id, host, _, _, _) = challenged::<T>(k, Stage::Committed);

		#[block]
		{
			WorkPallet::<T>::do_reveal_salt(host, id, SALT).expect("reveals");
		}

		assert_eq!(Commitments::<T>::get(id).expect("live").salt, Some(SALT));
	}

	/// A reveal that does not settle (the first of several).
	#[benchmark]
	fn reveal_verdicts(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		let (id, _, auditors, _, _) = challenged::<T>(n, Stage::Committed);
		let verdicts = accusing::<T>(n);

		#[block]
		{
			WorkPallet::<T>::do_reveal_verdicts(auditors[0].clone(), id, verdicts, nonce::<T>(&auditors[0]))
				.expect("reveals");
		}

		assert!(Commitments::<T>::get(id).expect("live").auditors[0].verdicts.is_some());
	}

	/// The last reveal, which settles a wrong window: slash, forfeit, every auditor judged.
	#[benchmark]
	fn reveal_settling(n: Linear<1, { T::ChallengesPerWindow::get() }>) {
		fund_pot::<T>();
		let (id, host, auditors, _, _) = challenged::<T>(n, Stage::Committed);
		WorkPallet::<T>::do_reveal_salt(host, id, SALT).expect("reveals");
		let (last, others) = auditors.split_last().expect("at least one auditor");
		for a in others {
			WorkPallet::<T>::do_reveal_verdicts(a.clone(), id, accusing::<T>(n), nonce::<T>(a)).expect("reveals");
		}
		let verdicts = accusing::<T>(n);

		#[extrinsic_call]
		reveal_verdicts(RawOrigin::Signed(last.clone()), id, verdicts, nonce::<T>(last));

		assert_eq!(Commitments::<T>::get(id).expect("kept until close").phase, Phase::Settled(Verdict::Wrong));
	}

	/// The draw with every auditor try used: the pool is almost all contributors that can't
	/// audit now.
	#[benchmark]
	fn draw_challenges() {
		let host = T::BenchmarkHelper::auditor(0);
		let session = T::BenchmarkHelper::serving_session(&host);
		for i in 0..4 * T::MaxAuditorTries::get() {
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

	/// The close of a window no one finished: the salt revealed, one auditor silent, the rest
	/// accusing; slash, forfeit, every auditor judged, the record and its states removed.
	#[benchmark]
	fn close_commitment() {
		fund_pot::<T>();
		let k = T::ChallengesPerWindow::get();
		let (id, host, auditors, _, _) = challenged::<T>(k, Stage::Committed);
		WorkPallet::<T>::do_reveal_salt(host, id, SALT).expect("reveals");
		for a in auditors.iter().skip(1) {
			WorkPallet::<T>::do_reveal_verdicts(a.clone(), id, accusing::<T>(k), nonce::<T>(a)).expect("reveals");
		}

		#[block]
		{
			WorkPallet::<T>::close(id);
		}

		assert!(Commitments::<T>::get(id).is_none());
	}

	/// `on_initialize` of a block with no deadlines: the randomness mixed, the queue looked at.
	#[benchmark]
	fn on_initialize_idle() {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number().saturating_add(One::one());

		#[block]
		{
			WorkPallet::<T>::accumulate_randomness();
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
