//! The shielded pool on a mock runtime, with real Groth16 proofs under the committed INSECURE
//! dev key: shield, private transfer, unshield with a relayer fee, and every way to be refused.
//! Split by topic; the wallet-like helpers that build proven transactions live here.

mod keys;
mod roots;
mod transact;

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
	frame_support::{
		assert_noop, assert_ok,
		traits::{Get, Hooks},
		BoundedVec,
	},
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
