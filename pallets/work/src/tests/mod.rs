//! Tests of work verification, split by topic. Helpers shared by all of them live here.

mod audit;
mod commit;
mod open;
mod simulation;

pub use crate::{
	mock::*,
	pallet::{ByWindow, Commitments, Deadlines, Error, NextCommitmentId},
	Commitment, CommitmentId, Event as WorkEvent, Opening, Phase, Verdict,
};
pub use codec::Encode;
pub use pgt_primitives::{
	merkle,
	work::{output_hash, MicroTask, StateBytes, TaskInput, TaskLeaf, TileRect},
};
pub use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok, dispatch::DispatchResultWithPostInfo, traits::fungible::Inspect, BoundedVec,
	},
	sp_core::{Pair, H256},
	sp_io::hashing::blake2_256,
	sp_runtime::Perbill,
};

pub fn origin(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

pub fn event(e: WorkEvent<Test>) -> RuntimeEvent {
	RuntimeEvent::Work(e)
}

/// What the reference game computes for a task (deterministic, so anyone can recompute it).
pub fn compute(task: &MicroTask) -> Vec<u8> {
	blake2_256(&task.input.encode()).repeat(4)
}

/// The salt the test host seals its outputs with.
pub const SALT: H256 = H256::repeat_byte(0x5a);

/// The canonical bytes of the game state that frame `frame` shows.
pub fn state_bytes(frame: u32) -> StateBytes {
	BoundedVec::truncate_from((b"state", frame).encode())
}

/// The verdicts an auditor gives: one output hash per challenge.
pub type Verdicts = BoundedVec<H256, polkadot_sdk::frame_support::traits::ConstU32<K>>;

/// A window of render tasks as a worker would keep it: the leaves, their hashes, and the states.
pub struct WorkWindow {
	pub leaves: Vec<TaskLeaf>,
	pub hashes: Vec<H256>,
	pub root: H256,
}

impl WorkWindow {
	/// `n` tiles of consecutive frames (4×4 tiles of 640×360) of `GAME` for session 0, computed
	/// honestly except where `lie(index)` says: there the claimed output is garbage.
	pub fn new(n: u32, first_frame: u32, lie: impl Fn(u32) -> bool) -> Self {
		Self::build(0, GAME, n, first_frame, lie)
	}

	/// `n` honest tiles of session 0.
	pub fn honest(n: u32) -> Self {
		Self::new(n, 0, |_| false)
	}

	/// A window whose every task names `session` and `game`.
	pub fn build(session: u64, game: u32, n: u32, first_frame: u32, lie: impl Fn(u32) -> bool) -> Self {
		let leaves: Vec<TaskLeaf> = (0..n)
			.map(|i| {
				let frame = first_frame + i / 16;
				let task = MicroTask {
					id: i,
					session,
					input: TaskInput::RenderTile {
						game,
						state_hash: output_hash(&state_bytes(frame)),
						frame,
						width: 640,
						height: 360,
						tile: TileRect { x: (i % 4) as u16 * 160, y: ((i / 4) % 4) as u16 * 90, w: 160, h: 90 },
					},
				};
				let output = if lie(i) { b"made up".to_vec() } else { compute(&task) };
				TaskLeaf::sealed(task, &output_hash(&output), &SALT)
			})
			.collect();
		let hashes: Vec<H256> = leaves.iter().map(TaskLeaf::hash).collect();
		let root = merkle::root_of_hashes(hashes.iter().copied());
		Self { leaves, hashes, root }
	}

	pub fn count(&self) -> u32 {
		self.leaves.len() as u32
	}

	/// The openings of `indices`, each with the state its task starts from.
	pub fn openings(&self, indices: &[u32]) -> BoundedVec<Opening, polkadot_sdk::frame_support::traits::ConstU32<K>> {
		BoundedVec::truncate_from(
			indices
				.iter()
				.map(|&i| {
					let leaf = self.leaves[i as usize].clone();
					let TaskInput::RenderTile { frame, .. } = leaf.task.input else { unreachable!("render tasks") };
					Opening {
						index: i,
						leaf,
						proof: merkle::proof_of_hashes(&self.hashes, i).expect("in range"),
						state: state_bytes(frame),
					}
				})
				.collect(),
		)
	}
}

/// The host (contributor 0) serving a fresh session, and three registered auditors.
pub struct Setup {
	pub host: AccountId,
	pub session: u64,
	pub auditors: Vec<AccountId>,
}

pub fn setup() -> Setup {
	let host = contributor(0);
	let auditors = (1..=AUDITORS).map(contributor).collect();
	let session = serving_session(&host);
	Setup { host, session, auditors }
}

/// Commits `w` for the current window; returns the id.
pub fn commit(host: &AccountId, session: u64, w: &WorkWindow) -> CommitmentId {
	let id = NextCommitmentId::<Test>::get();
	let window = Work::window_of(System::block_number());
	assert_ok!(Work::commit_work(origin(host), session, window, w.root, w.count()));
	id
}

pub fn commitment(id: CommitmentId) -> Commitment<Test> {
	Commitments::<Test>::get(id).expect("live commitment")
}

/// Runs to the draw of `id` and returns the challenged indices.
pub fn run_to_draw(id: CommitmentId) -> Vec<u32> {
	let Phase::AwaitingDraw { at } = commitment(id).phase else { panic!("already drawn") };
	run_to(at);
	challenged(id)
}

pub fn challenged(id: CommitmentId) -> Vec<u32> {
	commitment(id).challenges.iter().map(|c| c.index).collect()
}

pub fn drawn_auditors(id: CommitmentId) -> Vec<AccountId> {
	commitment(id).auditors.iter().map(|a| a.who.clone()).collect()
}

/// What an honest auditor gets: the recomputed output hash of every opened leaf.
pub fn recomputed(id: CommitmentId) -> Verdicts {
	BoundedVec::truncate_from(
		commitment(id)
			.challenges
			.iter()
			.map(|c| output_hash(&compute(&c.opened.as_ref().expect("opened").task)))
			.collect(),
	)
}

/// Verdicts that disagree with every claim.
pub fn garbage() -> Verdicts {
	BoundedVec::truncate_from(vec![H256::repeat_byte(6); K as usize])
}

/// The nonce auditor `who` commits with.
pub fn nonce_of(who: &AccountId) -> H256 {
	H256(blake2_256(&(b"nonce", who).encode()))
}

/// Auditor `who` commits to `verdicts` on `id`.
pub fn commit_vote(who: &AccountId, id: CommitmentId, verdicts: &Verdicts) {
	let hash = pgt_primitives::work::verdict_commitment(id, who, verdicts, &nonce_of(who));
	assert_ok!(Work::commit_verdicts(origin(who), id, hash));
}

/// Auditor `who` reveals `verdicts` on `id`.
pub fn reveal_vote(who: &AccountId, id: CommitmentId, verdicts: &Verdicts) -> DispatchResultWithPostInfo {
	Work::reveal_verdicts(origin(who), id, verdicts.clone(), nonce_of(who))
}

/// The whole audit of `id`: each auditor with verdicts commits (`None`: stays silent); if any is
/// silent the commit phase runs out; the host reveals its salt (if `salt`) and every auditor that
/// committed reveals.
pub fn audit(host: &AccountId, id: CommitmentId, votes: &[(AccountId, Option<Verdicts>)], salt: bool) {
	for (who, v) in votes {
		if let Some(v) = v {
			commit_vote(who, id, v);
		}
	}
	if !commitment(id).all_committed() {
		let Phase::Challenged { commit_by, .. } = commitment(id).phase else { panic!("challenged") };
		heartbeat_all();
		run_to(commit_by + 1);
	}
	if salt {
		assert_ok!(Work::reveal_salt(origin(host), id, SALT));
	}
	for (who, v) in votes {
		if let Some(v) = v {
			if Commitments::<Test>::get(id).is_some_and(|c| !matches!(c.phase, Phase::Settled(_))) {
				assert_ok!(reveal_vote(who, id, v));
			}
		}
	}
}

/// Every drawn auditor of `id` votes what it recomputed, and the host reveals its salt.
pub fn honest_audit(host: &AccountId, id: CommitmentId) {
	let votes: Vec<_> = drawn_auditors(id).into_iter().map(|a| (a, Some(recomputed(id)))).collect();
	audit(host, id, &votes, true);
}

/// Commit, draw and open every challenge of `w`; returns the id and the auditors.
pub fn committed_and_opened(s: &Setup, w: &WorkWindow) -> (CommitmentId, Vec<AccountId>) {
	let id = commit(&s.host, s.session, w);
	let indices = run_to_draw(id);
	assert_ok!(Work::open_leaves(origin(&s.host), id, w.openings(&indices)));
	(id, drawn_auditors(id))
}

pub fn reputation(who: &AccountId) -> Perbill {
	pallet_pgt_contributors::Registry::<Test>::get(who).expect("registered").reputation.score()
}

pub fn stake(who: &AccountId) -> Balance {
	pallet_pgt_contributors::Registry::<Test>::get(who).expect("registered").stake
}

/// What a `Settled` event says: the verdict, stake slashed, seconds forfeited, auditors rewarded
/// and auditors penalised (their slashes are in [`auditors_slashed`]).
pub type Settlement = (Verdict, Balance, u32, Vec<AccountId>, Vec<AccountId>);

/// The `Settled` event of commitment `id`, if it was emitted.
pub fn settled_event(id: CommitmentId) -> Option<Settlement> {
	System::events().into_iter().find_map(|r| match r.event {
		RuntimeEvent::Work(WorkEvent::Settled {
			commitment,
			verdict,
			slashed,
			seconds_forfeited,
			rewarded,
			penalised,
			..
		}) if commitment == id => Some((verdict, slashed, seconds_forfeited, rewarded, penalised)),
		_ => None,
	})
}

/// The stake slashed from auditors when commitment `id` settled.
pub fn auditors_slashed(id: CommitmentId) -> Balance {
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::Work(WorkEvent::Settled { commitment, auditors_slashed, .. }) if commitment == id => {
				Some(auditors_slashed)
			},
			_ => None,
		})
		.expect("settled")
}

/// Keeps every registered contributor's heartbeat fresh.
pub fn heartbeat_all() {
	for (who, _) in pallet_pgt_contributors::Registry::<Test>::iter() {
		let _ = Contributors::heartbeat(origin(&who));
	}
}

/// Runs blocks until the one whose `on_initialize` closes commitment `id`.
pub fn run_to_close(id: CommitmentId) {
	assert!(crate::Commitments::<Test>::contains_key(id), "a live commitment");
	let limit = System::block_number() + 200;
	while crate::Commitments::<Test>::contains_key(id) {
		assert!(System::block_number() < limit, "closed within 200 blocks");
		run_to(System::block_number() + 1);
	}
}
