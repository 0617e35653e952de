use polkadot_sdk::substrate_build_script_utils::{generate_cargo_keys, rerun_if_git_head_changed};

fn main() {
	// The scripts build in a mirror of the checkout that has no `.git` and name the commit in
	// SUBSTRATE_CLI_GIT_COMMIT_HASH (scripts/lib/build.sh); a plain `cargo build` reads `.git`.
	println!("cargo:rerun-if-env-changed=SUBSTRATE_CLI_GIT_COMMIT_HASH");
	generate_cargo_keys();
	if std::env::var_os("SUBSTRATE_CLI_GIT_COMMIT_HASH").is_none() {
		rerun_if_git_head_changed();
	}
}
