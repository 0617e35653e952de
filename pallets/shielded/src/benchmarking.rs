//! Benchmarks of every call and hook of the shielded pool, and of proof verification alone with
//! the BLS12-381 host calls and in pure WASM (arkworks compiled into the runtime), so
//! `docs/benchmarks.md` can show what the host functions buy.
//!
//! The runtime can't prove, so the proofs come from [`crate::fixtures`] (the runtime's
//! `BenchmarkFixture`); the benchmarks write the fixtures' genesis hash as block 0's hash.

use super::*;
use crate::fixtures::{Fixture, GENESIS_HASH};
use crate::pallet::{KeyVersion, Notes, Nullifiers, RecentRoots, RootAt, Tree, TreeChanged};
use alloc::vec::Vec;
use codec::Decode;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect, Mutate},
			Get, Hooks,
		},
		BoundedVec,
	},
	frame_system::{self, RawOrigin},
	sp_runtime::traits::{One, Saturating},
};

type FixtureOf<T> = Fixture<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// The runtime's fixture, with block 0's hash set to the one it is bound to and a key set.
fn fixture<T: Config>() -> FixtureOf<T> {
	let fixture =
		FixtureOf::<T>::decode(&mut T::BenchmarkFixture::get()).expect("the runtime's benchmark fixture decodes");
	let genesis = T::Hash::decode(&mut &GENESIS_HASH[..]).expect("hashes are 32 bytes");
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), genesis);
	if KeyVersion::<T>::get() == 0 {
		Pallet::<T>::do_set_verifying_key(pgt_zk::INSECURE_DEV_VERIFYING_KEY.to_vec()).expect("the dev key is valid");
	}
	fixture
}

fn notes<T: Config>(n: &[Vec<u8>; 2]) -> [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2] {
	[BoundedVec::truncate_from(n[0].clone()), BoundedVec::truncate_from(n[1].clone())]
}

/// A funded account.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let amount: BalanceOf<T> = (u128::from(crate::fixtures::SHIELD) * 2).saturated_into();
	T::Currency::set_balance(&who, amount);
	who
}

/// The public inputs of the fixture's unshield, as the pallet computes them (after [`fixture`]
/// set the genesis hash).
fn public_inputs<T: Config>(f: &FixtureOf<T>) -> [FieldBytes; PUBLIC_INPUTS] {
	let tx = &f.unshield;
	Pallet::<T>::public_inputs(&tx.inputs, &tx.ext, [&tx.notes[0], &tx.notes[1]])
}

/// What verifying the fixture's unshield alone needs: the stored key, the proof and its public
/// inputs (checked against nothing else, so the tree needn't hold the shield's notes).
fn verification_case<T: Config>() -> (StoredKey, Vec<u8>, [FieldBytes; PUBLIC_INPUTS]) {
	let f = fixture::<T>();
	let key = VerifyingKeys::<T>::get(KeyVersion::<T>::get()).expect("set by fixture()");
	let inputs = public_inputs::<T>(&f);
	(key, f.unshield.proof, inputs)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The most expensive `transact`: an unshield that spends a note, pays the recipient and a
	/// relayer from the pool, and stores two notes of the longest allowed size, at the dearest
	/// place in the tree: the first note at index 2^31 − 1, whose path up to the meeting point
	/// with the second's is the longest (every level).
	#[benchmark]
	fn transact() {
		let f = fixture::<T>();
		let shielder = funded::<T>("shielder");
		Pallet::<T>::do_transact(
			&shielder,
			&f.shield.proof,
			f.shield.inputs.clone(),
			f.shield.ext.clone(),
			notes::<T>(&f.shield.notes),
		)
		.expect("the fixture's shield is valid");
		// Same root (still the proof's anchor), the next leaf at the worst index.
		let honest_tree = Tree::<T>::get().expect("the shield stored the tree");
		let worst = (1u64 << (pgt_zk::TREE_DEPTH - 1)) - 1;
		Tree::<T>::mutate(|t| {
			if let Some(t) = t {
				t.next_index = worst;
			}
		});
		let caller = funded::<T>("caller");
		let tx = f.unshield.clone();
		let proof = BoundedVec::truncate_from(tx.proof);
		let recipient = tx.ext.recipient.clone().expect("the fixture pays a recipient");

		#[extrinsic_call]
		transact(RawOrigin::Signed(caller), proof, tx.inputs.clone(), tx.ext, notes::<T>(&tx.notes));

		assert!(Nullifiers::<T>::contains_key(tx.inputs.nullifiers[0]));
		assert_eq!(Tree::<T>::get().map(|t| t.next_index), Some(worst + 2));
		// Put the two notes where an honest tree has them, so the pool's invariants hold again.
		let mut frontier = honest_tree.frontier();
		let first = frontier.next_index;
		let (a, b) = (Notes::<T>::take(worst).expect("stored"), Notes::<T>::take(worst + 1).expect("stored"));
		let field = |n: &pgt_primitives::shielded::FieldBytes| pgt_zk::verify::decode_field(n).expect("canonical");
		frontier.insert_pair(field(&a.0), field(&b.0)).expect("room");
		Notes::<T>::insert(first, a);
		Notes::<T>::insert(first + 1, b);
		Tree::<T>::put(crate::TreeState::from(&frontier));
		let paid: u128 = T::Currency::balance(&recipient).saturated_into();
		assert_eq!(paid, u128::from(crate::fixtures::UNSHIELD));
	}

	/// Setting a new verifying key: decoding and checking every point, and one pairing.
	#[benchmark]
	fn set_verifying_key() {
		let key = BoundedVec::truncate_from(pgt_zk::INSECURE_DEV_VERIFYING_KEY.to_vec());
		let before = KeyVersion::<T>::get();

		#[extrinsic_call]
		set_verifying_key(RawOrigin::Root, key);

		assert_eq!(KeyVersion::<T>::get(), before + 1);
	}

	/// A block's hooks in their worst case: `on_initialize` forgets a root that left the
	/// window, `on_finalize` records a new one (the tree changed).
	#[benchmark]
	fn block_hooks() {
		let now =
			T::RootHistory::get().saturating_add(BlockNumberFor::<T>::one()).saturating_add(BlockNumberFor::<T>::one());
		let old = now.saturating_sub(T::RootHistory::get()).saturating_sub(BlockNumberFor::<T>::one());
		let root = [7u8; 32];
		RootAt::<T>::insert(old, root);
		RecentRoots::<T>::insert(root, old);
		Tree::<T>::put(TreeState::from(&Pallet::<T>::tree()));
		TreeChanged::<T>::put(true);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
			Pallet::<T>::on_finalize(now);
		}

		assert!(!RecentRoots::<T>::contains_key(root));
		assert!(RootAt::<T>::contains_key(now));
	}

	/// Verifying one proof through the BLS12-381 host calls (what the runtime does).
	#[benchmark]
	fn verify_with_host_calls() {
		let (key, proof, inputs) = verification_case::<T>();
		let result;

		#[block]
		{
			result = HostCallVerifier::verify(&key.prepared, &key.alpha_beta, &proof, &inputs);
		}

		assert!(result.is_ok());
	}

	/// Verifying one proof in pure WASM (arkworks in the runtime, no host calls).
	#[benchmark]
	fn verify_pure_wasm() {
		let (key, proof, inputs) = verification_case::<T>();
		let result;

		#[block]
		{
			result = PureVerifier::verify(&key.prepared, &key.alpha_beta, &proof, &inputs);
		}

		assert!(result.is_ok());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
