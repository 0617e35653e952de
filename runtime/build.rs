fn main() {
	// Compiles the runtime to WASM (`WASM_BINARY`) unless SKIP_WASM_BUILD is set. The toolchain
	// comes from `scripts/setup` (WASM_BUILD_TOOLCHAIN when rustup has no wasm target).
	// `metadata-docs` keeps the docs of types and their fields (the CSU record's, a hardware
	// profile's) in the on-chain metadata, so wallets can show them; only the WASM needs them.
	#[cfg(feature = "std")]
	{
		// The test build turns `runtime-benchmarks` on for the whole workspace, so the pallets'
		// benchmarks run as tests in the same build as everything else (scripts/lib/build.sh).
		// The WASM the node embeds is the chain's runtime and never carries them: the builder
		// forwards every enabled feature, so this one is hidden from it, unless
		// PGT_WASM_RUNTIME_BENCHMARKS=1 asks for a benchmarking WASM (scripts/bench).
		println!("cargo:rerun-if-env-changed=PGT_WASM_RUNTIME_BENCHMARKS");
		if std::env::var("PGT_WASM_RUNTIME_BENCHMARKS").as_deref() != Ok("1") {
			std::env::remove_var("CARGO_FEATURE_RUNTIME_BENCHMARKS");
		}
		substrate_wasm_builder::WasmBuilder::init_with_defaults().enable_feature("metadata-docs").build();
	}
}
