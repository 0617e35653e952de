fn main() {
	// Compiles the runtime to WASM (`WASM_BINARY`) unless SKIP_WASM_BUILD is set. The toolchain
	// comes from `scripts/setup` (WASM_BUILD_TOOLCHAIN when rustup has no wasm target).
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
