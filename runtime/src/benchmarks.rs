//! The pallets whose benchmarks the runtime exposes (feature `runtime-benchmarks`), for
//! `frame-omni-bencher` (see `scripts/bench`).

use polkadot_sdk::frame_benchmarking;

frame_benchmarking::define_benchmarks!(
	[pallet_pgt_contributors, Contributors]
	[pallet_pgt_sessions, Sessions]
	[pallet_pgt_work, Work]
	[pallet_pgt_shielded, Shielded]
);
