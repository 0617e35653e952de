//! Criterion benchmarks of shielded transactions. Figures and commands in docs/benchmarks.md.
//!
//! `cargo bench -p pgt-zk` proves on one thread; `cargo bench -p pgt-zk --features parallel`
//! with `RAYON_NUM_THREADS=1` or `2` measures multi-threaded proving.

use ark_std::rand::SeedableRng;
use criterion::{criterion_group, criterion_main, Criterion};
use pgt_zk::{
	circuit::TransactionCircuit,
	poseidon::{compress, hash, TAG_NOTE},
	prove::{load_insecure_dev_proving_key, prove},
	tree::Frontier,
	verify::{encode_field, prepare_key, verify, verify_with_checked_key},
	Bls12_381, Fr, INSECURE_DEV_VERIFYING_KEY, TREE_DEPTH,
};
use rand_chacha::ChaCha20Rng;
use std::{hint::black_box, time::Duration};

fn transfer() -> TransactionCircuit<TREE_DEPTH> {
	pgt_zk::examples::transfer::<TREE_DEPTH>()
}

fn bench(c: &mut Criterion) {
	let pk = load_insecure_dev_proving_key().expect("committed dev key");
	let circuit = transfer();
	let inputs: [[u8; 32]; 7] = {
		let v = circuit.public.to_vec();
		core::array::from_fn(|i| encode_field(&v[i]))
	};
	let proof = prove(&pk, circuit.clone(), &mut ChaCha20Rng::seed_from_u64(1)).expect("prove");

	let mut g = c.benchmark_group("groth16");
	g.sample_size(10).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(2));
	g.bench_function("prove_2in2out_depth32", |b| {
		b.iter(|| prove(&pk, circuit.clone(), &mut ChaCha20Rng::seed_from_u64(2)).expect("prove"))
	});
	g.bench_function("verify_native", |b| {
		b.iter(|| verify::<Bls12_381>(INSECURE_DEV_VERIFYING_KEY, black_box(&proof), &inputs).expect("valid"))
	});
	let (prepared, ab) = prepare_key::<Bls12_381>(INSECURE_DEV_VERIFYING_KEY).expect("key");
	g.bench_function("verify_native_checked_key", |b| {
		b.iter(|| verify_with_checked_key::<Bls12_381>(&prepared, &ab, black_box(&proof), &inputs).expect("valid"))
	});
	g.finish();

	let mut g = c.benchmark_group("poseidon");
	let (x, y) = (Fr::from(3u64), Fr::from(4u64));
	g.bench_function("compress", |b| b.iter(|| compress(black_box(x), black_box(y))));
	g.bench_function("note_commitment", |b| b.iter(|| hash(TAG_NOTE, black_box(&[x, y, x]))));
	let mut f = Frontier::<TREE_DEPTH>::default();
	g.bench_function("frontier_insert_depth32", |b| b.iter(|| f.insert(black_box(x)).expect("room")));
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
