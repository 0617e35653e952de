//! The shielded pool on a mock runtime, with real Groth16 proofs under the committed INSECURE
//! dev key: shield, private transfer, unshield with a relayer fee, and every way to be refused.

use crate::{mock::*, *};
use ark_serialize::CanonicalSerialize;
use pgt_primitives::shielded::{ext_data_hash, ExtData};
use pgt_zk::{
	circuit::{InputNote, PublicInputs, TransactionCircuit, Witness},
	note::{public_key, Note},
	prove::{load_insecure_dev_proving_key, prove},
	tree::MerkleTree,
	verify::{encode_field, G1_LEN, G2_LEN, PROOF_LEN},
	Bls12_381, Fr,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec},
	pallet_balances,
	sp_runtime::{BuildStorage, DispatchError},
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use std::sync::OnceLock;

type Ext = ExtData<u64, u64, u64>;

fn proving_key() -> &'static ark_groth16::ProvingKey<Bls12_381> {
	static PK: OnceLock<ark_groth16::ProvingKey<Bls12_381>> = OnceLock::new();
	PK.get_or_init(|| load_insecure_dev_proving_key().expect("committed dev proving key"))
}

/// A transaction ready to submit.
#[derive(Clone)]
struct Tx {
	proof: BoundedVec<u8, polkadot_sdk::sp_core::ConstU32<{ pgt_zk::verify::PROOF_LEN as u32 }>>,
	inputs: TransactionInputs,
	ext: Ext,
	notes: [BoundedVec<u8, MaxEncryptedNoteLen>; 2],
	outputs: [Note; 2],
}

impl Tx {
	fn submit(&self, who: u64) -> polkadot_sdk::frame_support::dispatch::DispatchResult {
		Shielded::transact(
			RuntimeOrigin::signed(who),
			self.proof.clone(),
			self.inputs.clone(),
			self.ext.clone(),
			self.notes.clone(),
		)
	}
}

/// A test wallet: one spending key, the notes it owns and a mirror of the chain's tree.
struct Wallet {
	sk: Fr,
	tree: MerkleTree<32>,
	owned: Vec<(u64, Note)>,
	seed: u64,
}

impl Wallet {
	fn new(sk: u64) -> Wallet {
		let mut tree = MerkleTree::default();
		tree.insert(genesis_leaf()).unwrap();
		Wallet { sk: Fr::from(sk), tree, owned: Vec::new(), seed: sk * 1000 }
	}

	fn address(&self) -> Fr {
		public_key(self.sk)
	}

	fn fresh(&mut self) -> Fr {
		self.seed += 1;
		Fr::from(self.seed)
	}

	/// Builds and proves a transaction spending `spend` (indices into `owned`), paying
	/// `outputs` (value, owner), with the given external data.
	fn build(&mut self, spend: &[usize], outputs: [(u64, Fr); 2], ext: Ext) -> Tx {
		let mut inputs: Vec<InputNote> = spend
			.iter()
			.map(|&i| {
				let (index, note) = self.owned[i];
				InputNote { note, sk: self.sk, path: self.tree.path(index).unwrap() }
			})
			.collect();
		while inputs.len() < 2 {
			let (k, b) = (self.fresh(), self.fresh());
			inputs.push(InputNote::dummy::<32>(k, b));
		}
		let outputs = outputs.map(|(value, owner)| Note { value, owner, blinding: Fr::from(self.seed + value + 77) });
		let notes: [BoundedVec<u8, MaxEncryptedNoteLen>; 2] =
			core::array::from_fn(|i| BoundedVec::truncate_from(format!("note {i} for test").into_bytes()));
		let ext_hash = ext_data_hash(&Shielded::genesis_hash(), &ext, &[&notes[0], &notes[1]]);
		let public = PublicInputs {
			root: self.tree.root(),
			nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
			commitments: [outputs[0].commitment(), outputs[1].commitment()],
			public_amount: pgt_zk::circuit::public_amount(ext.ext_amount - i128::from(ext.fee)),
			ext_data_hash: pgt_zk::verify::decode_field(&ext_hash).unwrap(),
		};
		let circuit = TransactionCircuit::<32> {
			public,
			witness: Witness { inputs: [inputs[0].clone(), inputs[1].clone()], outputs },
		};
		let proof = prove(proving_key(), circuit, &mut ChaCha20Rng::seed_from_u64(self.seed)).expect("prove");
		Tx {
			proof: BoundedVec::truncate_from(proof),
			inputs: crate::fixture_gen::inputs_of(&public),
			ext,
			notes,
			outputs,
		}
	}

	/// After a transaction landed: mirror its two leaves and keep the outputs it owns.
	fn landed(&mut self, tx: &Tx, spent: &[usize]) {
		for n in tx.outputs {
			let index = self.tree.insert(n.commitment()).unwrap();
			if n.owner == self.address() && n.value > 0 {
				self.owned.push((index, n));
			}
		}
		let mut spent = spent.to_vec();
		spent.sort_unstable_by(|a, b| b.cmp(a));
		for i in spent {
			self.owned.remove(i);
		}
	}

	/// Mirrors leaves that other wallets added.
	fn observe(&mut self, tx: &Tx, mine: bool) {
		for n in tx.outputs {
			let index = self.tree.insert(n.commitment()).unwrap();
			if mine && n.owner == self.address() && n.value > 0 {
				self.owned.push((index, n));
			}
		}
	}
}

fn ext(recipient: Option<u64>, ext_amount: i128, relayer: Option<u64>, fee: u64) -> Ext {
	ExtData { recipient, ext_amount, relayer, fee, expiry: 100 }
}

fn pool() -> u64 {
	Balances::free_balance(Shielded::pool_account())
}

fn next_block() {
	let n = System::block_number();
	Shielded::on_finalize(n);
	System::set_block_number(n + 1);
	Shielded::on_initialize(n + 1);
}

#[test]
fn shield_transfer_unshield_with_every_balance_checked() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		assert_eq!(pool(), ED);
		let mut alice = Wallet::new(11);
		let mut bob = Wallet::new(22);

		// Alice shields 100.
		let shield = alice.build(&[], [(100, alice.address()), (0, alice.address())], ext(None, 100, None, 0));
		assert_ok!(shield.submit(ALICE));
		alice.landed(&shield, &[]);
		bob.observe(&shield, false);
		assert_eq!(Balances::free_balance(ALICE), 900);
		assert_eq!(pool(), ED + 100);
		next_block();

		// Alice sends 40 to Bob privately, keeps 60; a relayer submits it (no fee).
		let send = alice.build(&[0], [(40, bob.address()), (60, alice.address())], ext(None, 0, None, 0));
		assert_ok!(send.submit(RELAYER));
		alice.landed(&send, &[0]);
		bob.observe(&send, true);
		assert_eq!(pool(), ED + 100);
		assert_eq!(Balances::free_balance(RELAYER), 1_000);
		next_block();

		// Bob unshields 30 to a fresh account through the relayer, who takes a fee of 2.
		let unshield =
			bob.build(&[0], [(8, bob.address()), (0, bob.address())], ext(Some(FRESH), -30, Some(RELAYER), 2));
		assert_ok!(unshield.submit(RELAYER));
		bob.landed(&unshield, &[0]);
		alice.observe(&unshield, false);
		assert_eq!(Balances::free_balance(FRESH), 30);
		assert_eq!(Balances::free_balance(RELAYER), 1_002);
		// The pool holds the unspent notes: Alice 60, Bob 8.
		assert_eq!(pool(), ED + 60 + 8);
		assert_eq!(Balances::total_issuance(), issuance, "nothing minted or burned");
		assert_eq!(Shielded::tree().next_index, 7, "genesis leaf and three transactions' outputs");
		assert_eq!(Notes::<Test>::get(5).map(|n| n.0), Some(encode_field(&unshield.outputs[0].commitment())));
		// What a wallet reads: every note after the genesis leaf, the root, spent nullifiers.
		let notes = Shielded::notes_from(0, 10);
		assert_eq!(notes.len(), 6);
		assert_eq!(notes[0], (1, shield.inputs.commitments[0], b"note 0 for test".to_vec()));
		assert_eq!(Shielded::tree_root(), (encode_field(&alice.tree.root()), 7));
		assert!(Shielded::is_spent(send.inputs.nullifiers[0]) && !Shielded::is_spent([1u8; 32]));
		assert!(Shielded::root_is_known(encode_field(&alice.tree.root())));

		// Spending Alice's note again: refused, and nothing changes.
		let again = alice.build(&[], [(0, alice.address()), (0, alice.address())], ext(None, 0, None, 0));
		let mut double = again.clone();
		double.inputs.nullifiers[0] = send.inputs.nullifiers[0];
		assert_noop!(double.submit(ALICE), Error::<Test>::NullifierSpent);
		assert_noop!(send.submit(RELAYER), Error::<Test>::NullifierSpent);
	});
}

#[test]
fn a_proof_replayed_with_other_external_data_is_refused() {
	new_test_ext().execute_with(|| {
		let mut bob = Wallet::new(22);
		let shield = bob.build(&[], [(50, bob.address()), (0, bob.address())], ext(None, 50, None, 0));
		assert_ok!(shield.submit(ALICE));
		bob.landed(&shield, &[]);
		let unshield = bob.build(&[0], [(20, bob.address()), (0, bob.address())], ext(Some(FRESH), -30, None, 0));
		// A front-runner changes the recipient, the fee or the notes: the proof no longer holds.
		for tampered in [
			Tx { ext: ext(Some(RELAYER), -30, None, 0), ..unshield.clone() },
			Tx { ext: ext(Some(FRESH), -30, Some(RELAYER), 1), ..unshield.clone() },
			Tx { ext: ExtData { expiry: 99, ..unshield.ext.clone() }, ..unshield.clone() },
			Tx { notes: [unshield.notes[1].clone(), unshield.notes[0].clone()], ..unshield.clone() },
		] {
			assert_noop!(tampered.submit(RELAYER), Error::<Test>::InvalidProof);
		}
		assert_ok!(unshield.submit(RELAYER));
		assert_eq!(Balances::free_balance(FRESH), 30);
	});
}

#[test]
fn a_full_tree_refuses_the_notes_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let mut w = Wallet::new(34);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		// The same tree and root, as if 2^32 − 1 leaves were in it: one slot left, two needed.
		let mut full = Tree::<Test>::get().expect("stored at genesis");
		full.next_index = (1u64 << 32) - 1;
		Tree::<Test>::put(full);
		assert_noop!(tx.submit(ALICE), Error::<Test>::TreeFull);
	});
}

#[test]
fn bad_inputs_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let mut w = Wallet::new(33);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		let mut modulus = [0u8; 32];
		modulus.copy_from_slice(&ark_ff::BigInteger::to_bytes_le(&<Fr as ark_ff::PrimeField>::MODULUS));

		let mut t = tx.clone();
		t.inputs.root = encode_field(&pgt_zk::tree::Frontier::<32>::empty_root());
		assert_noop!(t.submit(ALICE), Error::<Test>::EmptyRoot);
		let mut t = tx.clone();
		t.inputs.root = [7u8; 32];
		assert_noop!(t.submit(ALICE), Error::<Test>::UnknownRoot);
		let mut t = tx.clone();
		t.inputs.nullifiers[1] = t.inputs.nullifiers[0];
		assert_noop!(t.submit(ALICE), Error::<Test>::DuplicateNullifier);
		let mut t = tx.clone();
		t.inputs.commitments[0] = modulus;
		assert_noop!(t.submit(ALICE), Error::<Test>::NonCanonicalInput);
		let mut t = tx.clone();
		t.inputs.nullifiers[0] = [0xFF; 32];
		assert_noop!(t.submit(ALICE), Error::<Test>::NonCanonicalInput);
		// Points off the curve, or on it but outside the prime-order subgroup, in A, B or C.
		let with_proof = |proof: Vec<u8>| Tx { proof: BoundedVec::truncate_from(proof), ..tx.clone() };
		let mut off_curve = tx.proof.to_vec();
		off_curve[0] ^= 1;
		assert_noop!(with_proof(off_curve).submit(ALICE), Error::<Test>::MalformedProof);
		let (g1, g2) = pgt_zk::examples::points_outside_the_subgroups();
		for (at, len) in [(0, G1_LEN), (G1_LEN, G2_LEN), (G1_LEN + G2_LEN, G1_LEN)] {
			let mut proof = tx.proof.to_vec();
			let point = &mut proof[at..at + len];
			let written =
				if len == G1_LEN { g1.serialize_uncompressed(point) } else { g2.serialize_uncompressed(point) };
			written.expect("the point fits its place");
			assert_noop!(with_proof(proof).submit(ALICE), Error::<Test>::MalformedProof);
		}
		// (1, 1) is off the curve.
		let mut off_curve = tx.proof.to_vec();
		off_curve[..G1_LEN].fill(0);
		off_curve[G1_LEN / 2 - 1] = 1;
		off_curve[G1_LEN - 1] = 1;
		assert_noop!(with_proof(off_curve).submit(ALICE), Error::<Test>::MalformedProof);
		// Three points at infinity (the infinity flag, or all zeros, which arkworks also reads as
		// the identity) are well formed, and verify nothing.
		let mut at_infinity = vec![0u8; PROOF_LEN];
		for at in [0, G1_LEN, G1_LEN + G2_LEN] {
			at_infinity[at] = 0x40;
		}
		assert_noop!(with_proof(at_infinity).submit(ALICE), Error::<Test>::InvalidProof);
		assert_noop!(with_proof(vec![0u8; PROOF_LEN]).submit(ALICE), Error::<Test>::InvalidProof);
		let mut t = tx.clone();
		t.proof = BoundedVec::truncate_from(tx.proof[..100].to_vec());
		assert_noop!(t.submit(ALICE), Error::<Test>::MalformedProof);
		let mut t = tx.clone();
		t.inputs.commitments.swap(0, 1);
		assert_noop!(t.submit(ALICE), Error::<Test>::InvalidProof);
		assert_noop!(
			Tx { ext: ExtData { expiry: 0, ..tx.ext.clone() }, ..tx.clone() }.submit(ALICE),
			Error::<Test>::Expired
		);
		assert_noop!(Tx { ext: ext(None, 10, None, 1), ..tx.clone() }.submit(ALICE), Error::<Test>::FeeWithoutRelayer);
		assert_noop!(
			Tx { ext: ext(Some(FRESH), 10, None, 0), ..tx.clone() }.submit(ALICE),
			Error::<Test>::BadRecipient
		);
		assert_noop!(Tx { ext: ext(None, -10, None, 0), ..tx.clone() }.submit(ALICE), Error::<Test>::BadRecipient);
		assert_noop!(
			Tx { ext: ext(None, i128::from(u64::MAX) + 1, None, 0), ..tx.clone() }.submit(ALICE),
			Error::<Test>::AmountOutOfRange
		);
		// A caller without the shielded amount: the proof is fine, the transfer is not.
		assert_noop!(tx.submit(FRESH), polkadot_sdk::sp_runtime::TokenError::FundsUnavailable);
		assert_noop!(
			Shielded::transact(
				RuntimeOrigin::none(),
				tx.proof.clone(),
				tx.inputs.clone(),
				tx.ext.clone(),
				tx.notes.clone()
			),
			DispatchError::BadOrigin
		);
		// And the untouched transaction still goes through.
		assert_ok!(tx.submit(ALICE));
		assert_eq!(pool(), ED + 10);
	});
}

#[test]
fn roots_stay_valid_for_root_history_blocks_then_expire() {
	new_test_ext().execute_with(|| {
		let mut a = Wallet::new(44);
		let first = a.build(&[], [(10, a.address()), (0, a.address())], ext(None, 10, None, 0));
		assert_ok!(first.submit(ALICE));
		a.landed(&first, &[]);
		next_block();
		// A proof made against the root after `first`...
		let spend = a.build(&[0], [(10, a.address()), (0, a.address())], ext(None, 0, None, 0));
		// ...stays valid while other transactions move the tree on, for RootHistory blocks.
		let mut b = Wallet::new(55);
		b.tree = a.tree.clone();
		let other = b.build(&[], [(5, b.address()), (0, b.address())], ext(None, 5, None, 0));
		assert_ok!(other.submit(ALICE));
		// The root was last current in block 1: valid up to block 1 + RootHistory.
		while System::block_number() < 1 + RootHistory::get() {
			next_block();
		}
		assert!(Shielded::is_known_root(&spend.inputs.root));
		next_block();
		assert!(!Shielded::is_known_root(&spend.inputs.root));
		assert_noop!(spend.submit(ALICE), Error::<Test>::UnknownRoot);
	});
}

#[test]
fn the_verifying_key_is_set_by_root_and_versioned() {
	new_test_ext().execute_with(|| {
		assert_eq!(KeyVersion::<Test>::get(), 1);
		let key: BoundedVec<u8, _> = BoundedVec::truncate_from(pgt_zk::prove::DEV_VERIFYING_KEY.to_vec());
		assert_noop!(Shielded::set_verifying_key(RuntimeOrigin::signed(ALICE), key.clone()), DispatchError::BadOrigin);
		assert_noop!(
			Shielded::set_verifying_key(RuntimeOrigin::root(), BoundedVec::truncate_from(vec![1, 2, 3])),
			Error::<Test>::MalformedVerifyingKey
		);
		assert_ok!(Shielded::set_verifying_key(RuntimeOrigin::root(), key));
		assert_eq!(KeyVersion::<Test>::get(), 2);
		System::assert_last_event(Event::<Test>::VerifyingKeySet { version: 2 }.into());
	});
}

#[test]
fn without_a_key_nothing_is_accepted() {
	let mut t = polkadot_sdk::frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: vec![(ALICE, 1_000)], ..Default::default() }
		.assimilate_storage(&mut t)
		.unwrap();
	polkadot_sdk::sp_io::TestExternalities::new(t).execute_with(|| {
		System::set_block_number(1);
		let mut w = Wallet::new(66);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		assert_noop!(tx.submit(ALICE), Error::<Test>::NoVerifyingKey);
	});
}
