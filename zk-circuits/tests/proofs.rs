//! Real Groth16 proofs of the transaction circuit: valid ones verify; any changed public input,
//! witness element or proof byte makes them fail; out-of-range and wrong-path spends can't be
//! proven.

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_std::rand::SeedableRng;
use pgt_zk::{
	circuit::{public_amount, InputNote, PublicInputs, TransactionCircuit, Witness, PUBLIC_INPUTS},
	note::{public_key, Note},
	prove::{encode_key, insecure_dev_setup, load_insecure_dev_proving_key, prove, DEV_VERIFYING_KEY},
	tree::{MerklePath, MerkleTree},
	verify::{
		encode_field, msm_scalars, prepare_key, verify, verify_with_checked_key, VerifyError, CHUNKS, CHUNK_BITS,
		G1_LEN, G2_LEN, MSM_BASES, PREPARED_KEY_LEN,
	},
	Bls12_381, Fr, TREE_DEPTH,
};
use rand_chacha::ChaCha20Rng;

fn rng() -> ChaCha20Rng {
	ChaCha20Rng::seed_from_u64(7)
}

use pgt_zk::examples::transfer;

fn inputs_bytes(p: &PublicInputs) -> [[u8; 32]; PUBLIC_INPUTS] {
	let v = p.to_vec();
	core::array::from_fn(|i| encode_field(&v[i]))
}

fn satisfied<const D: usize>(c: TransactionCircuit<D>) -> bool {
	let cs = ConstraintSystem::<Fr>::new_ref();
	c.generate_constraints(cs.clone()).expect("synthesis");
	cs.is_satisfied().expect("checkable")
}

#[test]
fn a_depth_32_transfer_proven_with_the_committed_dev_key_verifies_and_nothing_else_does() {
	let pk = load_insecure_dev_proving_key().expect("committed proving key");
	assert!(encode_key(&pk.vk) == DEV_VERIFYING_KEY);
	let c = transfer::<TREE_DEPTH>();
	let public = c.public;
	let t = std::time::Instant::now();
	let proof = prove(&pk, c, &mut rng()).expect("prove");
	eprintln!("depth-32 proof in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
	let inputs = inputs_bytes(&public);
	assert_eq!(verify::<Bls12_381>(DEV_VERIFYING_KEY, &proof, &inputs), Ok(()));

	// Every public input, changed by one, fails (ext_data_hash included: the key binds it).
	for i in 0..PUBLIC_INPUTS {
		let mut changed = public.to_vec();
		changed[i] += Fr::from(1u64);
		let bytes: [[u8; 32]; PUBLIC_INPUTS] = core::array::from_fn(|j| encode_field(&changed[j]));
		assert_eq!(
			verify::<Bls12_381>(DEV_VERIFYING_KEY, &proof, &bytes),
			Err(VerifyError::InvalidProof),
			"public input {i}"
		);
	}
	// A non-canonical input (value + modulus) is refused before any pairing.
	let mut bad = inputs;
	bad[5] = [0xFF; 32];
	assert_eq!(verify::<Bls12_381>(DEV_VERIFYING_KEY, &proof, &bad), Err(VerifyError::NonCanonicalInput(5)));
	// Every byte of the proof matters: flipped bits give an invalid point or a failed check.
	for at in (0..proof.len()).step_by(7) {
		let mut p = proof.clone();
		p[at] ^= 0x04;
		let r = verify::<Bls12_381>(DEV_VERIFYING_KEY, &p, &inputs);
		assert!(matches!(r, Err(VerifyError::MalformedProof) | Err(VerifyError::InvalidProof)), "byte {at}: {r:?}");
	}
	assert_eq!(verify::<Bls12_381>(DEV_VERIFYING_KEY, &proof[..100], &inputs), Err(VerifyError::MalformedProof));
	assert_eq!(verify::<Bls12_381>(&DEV_VERIFYING_KEY[..100], &proof, &inputs), Err(VerifyError::MalformedKey));

	// The pallet's path (key checked once, kept uncompressed) agrees on all of it.
	let (prepared, ab) = prepare_key::<Bls12_381>(DEV_VERIFYING_KEY).expect("the dev key checks");
	assert_eq!(prepared.len(), PREPARED_KEY_LEN);
	assert_eq!(verify_with_checked_key::<Bls12_381>(&prepared, &ab, &proof, &inputs), Ok(()));
	let mut changed = public.to_vec();
	changed[6] += Fr::from(1u64);
	let bytes: [[u8; 32]; PUBLIC_INPUTS] = core::array::from_fn(|j| encode_field(&changed[j]));
	assert_eq!(verify_with_checked_key::<Bls12_381>(&prepared, &ab, &proof, &bytes), Err(VerifyError::InvalidProof));
	assert_eq!(
		verify_with_checked_key::<Bls12_381>(&prepared, &ab, &proof, &bad),
		Err(VerifyError::NonCanonicalInput(5))
	);
	assert_eq!(
		verify_with_checked_key::<Bls12_381>(&prepared, &ab, &proof[..100], &inputs),
		Err(VerifyError::MalformedProof)
	);
	assert_eq!(
		verify_with_checked_key::<Bls12_381>(&prepared[..100], &ab, &proof, &inputs),
		Err(VerifyError::MalformedKey)
	);
	assert!(prepare_key::<Bls12_381>(&DEV_VERIFYING_KEY[..100]).is_err());

	// A = (1, 1), off the curve, is refused.
	let mut off_curve = proof.clone();
	off_curve[..G1_LEN].fill(0);
	off_curve[G1_LEN / 2 - 1] = 1;
	off_curve[G1_LEN - 1] = 1;
	assert_eq!(
		verify_with_checked_key::<Bls12_381>(&prepared, &ab, &off_curve, &inputs),
		Err(VerifyError::MalformedProof)
	);
	// A point on the curve but outside the prime-order subgroup is refused, in A, B and C.
	let (g1, g2) = pgt_zk::examples::points_outside_the_subgroups();
	for (at, len) in [(0, G1_LEN), (G1_LEN, G2_LEN), (G1_LEN + G2_LEN, G1_LEN)] {
		let mut p = proof.clone();
		if len == G1_LEN {
			g1.serialize_uncompressed(&mut p[at..at + len]).expect("96 bytes");
		} else {
			g2.serialize_uncompressed(&mut p[at..at + len]).expect("192 bytes");
		}
		assert_eq!(
			verify_with_checked_key::<Bls12_381>(&prepared, &ab, &p, &inputs),
			Err(VerifyError::MalformedProof),
			"at {at}"
		);
	}
}

#[test]
fn input_chunks_recompose_the_inputs() {
	let inputs: [[u8; 32]; PUBLIC_INPUTS] = core::array::from_fn(|i| encode_field(&(-Fr::from(i as u64 + 1))));
	let scalars = Vec::<Fr>::deserialize_uncompressed(&msm_scalars(&inputs)[..]).expect("a Vec<Fr>");
	assert_eq!(scalars.len(), MSM_BASES);
	assert_eq!(scalars[0], Fr::from(1u64));
	for (i, input) in inputs.iter().enumerate() {
		let chunks = &scalars[1 + i * CHUNKS..1 + (i + 1) * CHUNKS];
		let shift = Fr::from(1u64 << CHUNK_BITS);
		let recomposed = chunks.iter().rev().fold(Fr::from(0u64), |acc, c| acc * shift + c);
		assert_eq!(encode_field(&recomposed), *input, "input {i}");
	}
}

#[test]
fn every_witness_element_matters() {
	const D: usize = 6;
	assert!(satisfied(transfer::<D>()));
	let mut cases: Vec<(String, TransactionCircuit<D>)> = Vec::new();
	let one = Fr::from(1u64);
	for i in 0..2 {
		let mut c = transfer::<D>();
		c.witness.inputs[i].note.value += 1;
		cases.push((format!("input {i} value"), c));
		let mut c = transfer::<D>();
		c.witness.inputs[i].sk += one;
		cases.push((format!("input {i} key"), c));
		let mut c = transfer::<D>();
		c.witness.inputs[i].note.blinding += one;
		cases.push((format!("input {i} blinding"), c));
		let mut c = transfer::<D>();
		c.witness.inputs[i].note.owner += one; // not used by the circuit: the owner is H(sk)
		cases.push((format!("input {i} owner (derived from the key, so this one is ignored)"), c));
		let mut c = transfer::<D>();
		c.witness.inputs[i].path.index ^= 1;
		cases.push((format!("input {i} index"), c));
		for level in 0..D {
			let mut c = transfer::<D>();
			c.witness.inputs[i].path.siblings[level] += one;
			cases.push((format!("input {i} sibling {level}"), c));
		}
		let mut c = transfer::<D>();
		c.witness.outputs[i].value += 1;
		cases.push((format!("output {i} value"), c));
		let mut c = transfer::<D>();
		c.witness.outputs[i].owner += one;
		cases.push((format!("output {i} owner"), c));
		let mut c = transfer::<D>();
		c.witness.outputs[i].blinding += one;
		cases.push((format!("output {i} blinding"), c));
	}
	for (name, c) in cases {
		assert_eq!(satisfied(c), name.contains("ignored"), "{name}");
	}
}

#[test]
fn an_unsatisfied_witness_gives_a_proof_that_does_not_verify() {
	const D: usize = 6;
	let (pk, vk) = insecure_dev_setup::<D>().expect("setup");
	let vk = encode_key(&vk);
	let good = transfer::<D>();
	let proof = prove(&pk, good.clone(), &mut rng()).expect("prove");
	assert_eq!(verify::<Bls12_381>(&vk, &proof, &inputs_bytes(&good.public)), Ok(()));
	// Creating value: outputs 10 + 3 from inputs 7 + 5.
	let mut c = good.clone();
	c.witness.outputs[0].value = 10;
	c.public.commitments[0] = c.witness.outputs[0].commitment();
	let public = c.public;
	let forged = prove(&pk, c, &mut rng());
	let ok = forged.map(|p| verify::<Bls12_381>(&vk, &p, &inputs_bytes(&public)));
	assert!(!matches!(ok, Ok(Ok(()))), "a proof that creates value must not verify");
	// A wrong Merkle path (a note that isn't in the tree).
	let mut c = good.clone();
	c.witness.inputs[0].path = MerklePath { index: 1, siblings: vec![Fr::from(5u64); D] };
	let public = c.public;
	let forged = prove(&pk, c, &mut rng());
	assert!(!matches!(forged.map(|p| verify::<Bls12_381>(&vk, &p, &inputs_bytes(&public))), Ok(Ok(()))));
}

#[test]
fn shield_and_unshield_use_the_public_amount() {
	const D: usize = 6;
	let sk = Fr::from(31u64);
	// Shield 10: two dummy inputs, outputs 10 and 0, public amount +10 (no tree needed).
	let inputs = [
		InputNote::dummy::<D>(Fr::from(91u64), Fr::from(92u64)),
		InputNote::dummy::<D>(Fr::from(93u64), Fr::from(94u64)),
	];
	let outputs = [
		Note { value: 10, owner: public_key(sk), blinding: Fr::from(1u64) },
		Note { value: 0, owner: public_key(sk), blinding: Fr::from(2u64) },
	];
	let shield = |amount: i128, outputs: [Note; 2]| TransactionCircuit::<D> {
		public: PublicInputs {
			root: Fr::from(123u64), // any root: zero-value inputs don't open the tree
			nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
			commitments: [outputs[0].commitment(), outputs[1].commitment()],
			public_amount: public_amount(amount),
			ext_data_hash: Fr::from(1u64),
		},
		witness: Witness { inputs: inputs.clone(), outputs },
	};
	assert!(satisfied(shield(10, outputs)));
	assert!(!satisfied(shield(11, outputs)), "the amount must balance");
	assert!(!satisfied(shield(-10, outputs)));
	// Unshield 3 from a note of 10: output 7, public amount -3.
	let mut tree = MerkleTree::<D>::default();
	let note = outputs[0];
	tree.insert(note.commitment()).unwrap();
	let spend =
		[InputNote { note, sk, path: tree.path(0).unwrap() }, InputNote::dummy::<D>(Fr::from(95u64), Fr::from(96u64))];
	let change = [
		Note { value: 7, owner: public_key(sk), blinding: Fr::from(3u64) },
		Note { value: 0, owner: public_key(sk), blinding: Fr::from(4u64) },
	];
	let unshield = |amount: i128, root: Fr| TransactionCircuit::<D> {
		public: PublicInputs {
			root,
			nullifiers: [spend[0].nullifier(), spend[1].nullifier()],
			commitments: [change[0].commitment(), change[1].commitment()],
			public_amount: public_amount(amount),
			ext_data_hash: Fr::from(2u64),
		},
		witness: Witness { inputs: spend.clone(), outputs: change },
	};
	assert!(satisfied(unshield(-3, tree.root())));
	assert!(!satisfied(unshield(-4, tree.root())));
	assert!(!satisfied(unshield(-3, Fr::from(5u64))), "a spend of value needs the right root");
}
