//! `pgt-worker key`: the binary, as a contributor runs it.

use std::process::Command;

fn worker(args: &[&str]) -> std::process::Output {
	Command::new(env!("CARGO_BIN_EXE_pgt-worker")).args(args).output().expect("runs")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
	let dir = std::env::temp_dir().join(format!("pgt-worker-keys-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	dir
}

#[test]
fn a_generated_key_inspects_to_the_same_peer_id_and_is_never_overwritten() {
	let dir = temp_dir("gen");
	let file = dir.join("net.key");
	let f = file.to_str().unwrap();
	let generated = worker(&["key", "generate", "--file", f]);
	assert!(generated.status.success(), "{generated:?}");
	let peer = String::from_utf8(generated.stdout).unwrap();
	assert!(peer.trim().starts_with("12D3KooW"), "an Ed25519 peer id: {peer}");
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
	}
	let inspected = worker(&["key", "inspect", "--file", f]);
	assert_eq!(String::from_utf8(inspected.stdout).unwrap(), peer);

	let again = worker(&["key", "generate", "--file", f]);
	assert!(!again.status.success());
	assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
	assert_eq!(String::from_utf8(worker(&["key", "inspect", "--file", f]).stdout).unwrap(), peer);
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_a_key_is_a_clear_error() {
	let dir = temp_dir("bad");
	std::fs::create_dir_all(&dir).unwrap();
	let file = dir.join("garbage.key");
	std::fs::write(&file, b"not a key").unwrap();
	let out = worker(&["key", "inspect", "--file", file.to_str().unwrap()]);
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("does not hold a libp2p network key"));
	let missing = worker(&["key", "inspect", "--file", dir.join("missing").to_str().unwrap()]);
	assert!(String::from_utf8_lossy(&missing.stderr).contains("No such file"));
	let _ = std::fs::remove_dir_all(&dir);
}
