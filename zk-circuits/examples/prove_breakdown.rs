//! Where the time of one depth-32 proof goes, step by step, on one thread: constraint
//! synthesis, the R1CS-to-QAP witness map, and each multi-scalar multiplication of the Groth16
//! prover over the committed (INSECURE dev) proving key. Figures in docs/benchmarks.md.
//!
//! `cargo run --release -p pgt-zk --example prove_breakdown`

use ark_bls12_381::{G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};
use ark_std::rand::SeedableRng;
use pgt_zk::{examples::transfer, prove::load_insecure_dev_proving_key, Fr, TREE_DEPTH};
use rand_chacha::ChaCha20Rng;
use std::time::{Duration, Instant};

/// Median of `runs` timings of `f`.
fn median<R>(runs: usize, mut f: impl FnMut() -> R) -> Duration {
	let mut times: Vec<Duration> = (0..runs)
		.map(|_| {
			let start = Instant::now();
			std::hint::black_box(f());
			start.elapsed()
		})
		.collect();
	times.sort();
	times[runs / 2]
}

fn main() {
	const RUNS: usize = 5;
	let pk = load_insecure_dev_proving_key().expect("the committed dev proving key");
	let circuit = transfer::<TREE_DEPTH>();

	let synthesize = |construct_matrices: bool| {
		let cs = ConstraintSystem::<Fr>::new_ref();
		cs.set_optimization_goal(OptimizationGoal::Constraints);
		cs.set_mode(SynthesisMode::Prove { construct_matrices, generate_lc_assignments: false });
		circuit.clone().generate_constraints(cs.clone()).expect("the example transfer is valid");
		cs.finalize();
		cs
	};
	let cs = synthesize(true);
	println!(
		"{} constraints, {} instance + {} witness variables",
		cs.num_constraints(),
		cs.num_instance_variables(),
		cs.num_witness_variables()
	);
	println!("synthesis with matrices (what ark-groth16 does): {:?}", median(RUNS, || synthesize(true)));
	println!("synthesis, witness only: {:?}", median(RUNS, || synthesize(false)));
	let h = LibsnarkReduction::witness_map::<Fr, GeneralEvaluationDomain<Fr>>(cs.clone()).expect("witness map");
	println!(
		"witness map (FFTs over {} points): {:?}",
		h.len(),
		median(RUNS, || LibsnarkReduction::witness_map::<Fr, GeneralEvaluationDomain<Fr>>(cs.clone()))
	);

	let prover = cs.borrow().expect("one reference");
	let witness: Vec<_> = prover.witness_assignment().expect("prove mode").iter().map(|s| s.into_bigint()).collect();
	let all: Vec<_> = prover.instance_assignment().expect("prove mode")[1..]
		.iter()
		.map(|s| s.into_bigint())
		.chain(witness.iter().copied())
		.collect();
	let h: Vec<_> = h.iter().map(|s| s.into_bigint()).collect();
	let msm_g1 = |bases: &[_], scalars: &[_]| median(RUNS, || G1Projective::msm_bigint(bases, scalars));
	println!("MSM H, G1, {} points: {:?}", pk.h_query.len(), msm_g1(&pk.h_query, &h));
	println!("MSM L, G1, {} points: {:?}", pk.l_query.len(), msm_g1(&pk.l_query, &witness));
	println!("MSM A, G1, {} points: {:?}", all.len(), msm_g1(&pk.a_query[1..], &all));
	println!("MSM B, G1, {} points: {:?}", all.len(), msm_g1(&pk.b_g1_query[1..], &all));
	println!(
		"MSM B, G2, {} points: {:?}",
		all.len(),
		median(RUNS, || G2Projective::msm_bigint(&pk.b_g2_query[1..], &all))
	);
	drop(prover);
	let mut rng = ChaCha20Rng::seed_from_u64(1);
	println!(
		"whole proof: {:?}",
		median(RUNS, || pgt_zk::prove::prove(&pk, circuit.clone(), &mut rng).expect("prove"))
	);
}
