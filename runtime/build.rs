fn main() {
	// Compiles the runtime to WASM (`WASM_BINARY`) unless SKIP_WASM_BUILD is set. The toolchain
	// comes from `scripts/setup` (WASM_BUILD_TOOLCHAIN when rustup has no wasm target).
	// `metadata-docs` keeps the docs of types and their fields (the CSU record's, a hardware
	// profile's) in the on-chain metadata, so wallets can show them; only the WASM needs them.
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::init_with_defaults().enable_feature("metadata-docs").build();
}
