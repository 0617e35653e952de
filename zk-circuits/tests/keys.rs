//! The INSECURE dev setup is deterministic and its committed keys are the ones it produces.
//!
//! Regenerate on purpose (after changing the circuit) with
//! `PGT_BLESS=1 cargo test --release -p pgt-zk --test keys`, then update [`DEV_VK_HASH`].

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use blake2::{digest::consts::U32, Blake2b, Digest};
use pgt_zk::{
	circuit::TransactionCircuit,
	prove::{encode_key, insecure_dev_setup, DEV_PROVING_KEY, DEV_PROVING_KEY_FILE, DEV_VERIFYING_KEY},
	Fr, TREE_DEPTH,
};

/// BLAKE2b-256 of the committed dev verifying key (compressed).
const DEV_VK_HASH: &str = "792e0fd3c7aec522d4b12f5e0c6d1697158b00c65539f63958ffb249194f66b7";

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_dev_setup_reproduces_the_committed_keys() {
	let t = std::time::Instant::now();
	let (pk, vk) = insecure_dev_setup::<TREE_DEPTH>().expect("setup");
	eprintln!("INSECURE dev setup for depth {TREE_DEPTH}: {:.1} s", t.elapsed().as_secs_f64());
	let (pk_bytes, vk_bytes) = (encode_key(&pk), encode_key(&vk));
	let vk_hash = hex(&Blake2b::<U32>::digest(&vk_bytes));
	if std::env::var_os("PGT_BLESS").is_some() {
		std::fs::write(DEV_PROVING_KEY_FILE, &pk_bytes).expect("write pk");
		std::fs::write(DEV_PROVING_KEY_FILE.replace(".pk", ".vk"), &vk_bytes).expect("write vk");
		panic!(
			"wrote the dev keys ({} and {} bytes); vk hash {vk_hash}: put it in DEV_VK_HASH",
			pk_bytes.len(),
			vk_bytes.len()
		);
	}
	assert_eq!(vk_hash, DEV_VK_HASH, "the verifying key changed");
	assert!(vk_bytes == DEV_VERIFYING_KEY, "committed verifying key differs from the setup's");
	assert!(DEV_PROVING_KEY == pk_bytes, "committed proving key differs from the setup's");
}

#[test]
fn constraint_count() {
	let cs = ConstraintSystem::<Fr>::new_ref();
	TransactionCircuit::<TREE_DEPTH>::blank().generate_constraints(cs.clone()).expect("synthesis");
	cs.finalize();
	let n = cs.num_constraints();
	eprintln!(
		"transaction circuit, depth {TREE_DEPTH}: {n} constraints, {} witness variables",
		cs.num_witness_variables()
	);
	// Two depth-32 paths dominate: 64 Poseidon permutations of about 240 constraints.
	assert!((15_000..40_000).contains(&n), "{n}");
}
