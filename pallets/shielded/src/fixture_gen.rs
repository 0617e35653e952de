//! Makes the benchmark fixtures ([`crate::fixtures`]) and checks that the committed files are
//! what it makes. `PGT_BLESS=1` rewrites them (after a key or circuit change).

use crate::{fixtures::*, genesis_leaf, TransactionInputs};
use codec::Encode;
use pgt_primitives::shielded::{ext_data_hash, ExtData};
use pgt_zk::{
	circuit::{public_amount, InputNote, PublicInputs, TransactionCircuit, Witness},
	note::{public_key, Note},
	prove::{load_insecure_dev_proving_key, prove},
	tree::MerkleTree,
	verify::{decode_field, encode_field},
	Bls12_381, Fr, TREE_DEPTH,
};
use polkadot_sdk::sp_runtime::AccountId32;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

fn proven<A: Encode, B: Encode, N: Encode>(
	pk: &ark_groth16::ProvingKey<Bls12_381>,
	tree: &MerkleTree<TREE_DEPTH>,
	inputs: [InputNote; 2],
	outputs: [Note; 2],
	ext: ExtData<A, B, N>,
	note_len: usize,
	rng: &mut ChaCha20Rng,
) -> FixtureTx<A, B, N> {
	let notes = [vec![0xA5; note_len], vec![0x5A; note_len]];
	let hash = ext_data_hash(&GENESIS_HASH, &ext, &[&notes[0], &notes[1]]);
	let fee = u64::from_le_bytes(ext.fee.encode()[..8].try_into().expect("balances are at least 8 bytes"));
	let public = PublicInputs {
		root: tree.root(),
		nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
		commitments: [outputs[0].commitment(), outputs[1].commitment()],
		public_amount: public_amount(ext.ext_amount - i128::from(fee)),
		ext_data_hash: decode_field(&hash).expect("canonical"),
	};
	let circuit = TransactionCircuit::<TREE_DEPTH> { public, witness: Witness { inputs, outputs } };
	let proof = prove(pk, circuit, rng).expect("the fixture satisfies the circuit");
	FixtureTx { proof, inputs: inputs_of(&public), ext, notes }
}

/// The call's `inputs` argument for a proof with these public inputs (the chain computes the
/// public amount and the ext-data hash itself). Shared with the pallet's tests.
pub(crate) fn inputs_of(public: &PublicInputs) -> TransactionInputs {
	TransactionInputs {
		root: encode_field(&public.root),
		nullifiers: public.nullifiers.map(|f| encode_field(&f)),
		commitments: public.commitments.map(|f| encode_field(&f)),
	}
}

/// The fixture for a runtime with these types, paying `recipient` and `relayer`.
fn generate<A: Encode, B: Encode + From<u64>, N: Encode + From<u32> + Copy>(
	recipient: A,
	relayer: A,
	note_len: usize,
) -> Fixture<A, B, N> {
	let pk = load_insecure_dev_proving_key().expect("committed dev proving key");
	let mut rng = ChaCha20Rng::seed_from_u64(20_261_201);
	let sk = Fr::from(4242u64);
	let owner = public_key(sk);
	let note = |value: u64, blinding: u64| Note { value, owner, blinding: Fr::from(blinding) };
	let expiry = N::from(EXPIRY);
	let mut tree = MerkleTree::<TREE_DEPTH>::default();
	tree.insert(genesis_leaf()).expect("room");

	let outputs = [note(SHIELD, 1), note(0, 2)];
	let dummies = [
		InputNote::dummy::<TREE_DEPTH>(Fr::from(11u64), Fr::from(12u64)),
		InputNote::dummy::<TREE_DEPTH>(Fr::from(13u64), Fr::from(14u64)),
	];
	let ext = ExtData { recipient: None, ext_amount: i128::from(SHIELD), relayer: None, fee: B::from(0), expiry };
	let shield = proven(&pk, &tree, dummies, outputs, ext, note_len, &mut rng);
	for n in &outputs {
		tree.insert(n.commitment()).expect("room");
	}

	let spent = InputNote { note: outputs[0], sk, path: tree.path(1).expect("leaf 1") };
	let inputs = [spent, InputNote::dummy::<TREE_DEPTH>(Fr::from(15u64), Fr::from(16u64))];
	let change = [note(SHIELD - UNSHIELD - FEE, 3), note(0, 4)];
	let ext = ExtData {
		recipient: Some(recipient),
		ext_amount: -i128::from(UNSHIELD),
		relayer: Some(relayer),
		fee: B::from(FEE),
		expiry,
	};
	let unshield = proven(&pk, &tree, inputs, change, ext, note_len, &mut rng);
	Fixture { shield, unshield }
}

fn check_or_bless(path: &str, committed: &[u8], made: Vec<u8>) {
	if std::env::var_os("PGT_BLESS").is_some() {
		std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + path, made).expect("write fixture");
	} else {
		assert!(
			committed == made.as_slice(),
			"{path} is stale: regenerate it with PGT_BLESS=1 cargo test -p pallet-pgt-shielded fixtures"
		);
	}
}

#[test]
fn fixtures_are_what_the_generator_makes() {
	let runtime = generate::<AccountId32, u128, u32>(AccountId32::new([0xAA; 32]), AccountId32::new([0xBB; 32]), 256);
	check_or_bless("fixtures/runtime.scale", RUNTIME, runtime.encode());
	let mock = generate::<u64, u64, u64>(0xAA, 0xBB, 128);
	check_or_bless("fixtures/mock.scale", MOCK, mock.encode());
}
