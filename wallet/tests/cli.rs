//! The `pgt-wallet` binary offline: making a wallet, reading it back, and refusing bad input
//! with a clear message and a failing exit status. (Against a chain: tests/e2e/shielded.test.mjs.)

use std::process::{Command, Output};

fn wallet(args: &[&str], env: &[(&str, &str)]) -> Output {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgt-wallet"));
	cmd.args(args).env_remove("PGT_WALLET_MNEMONIC").env_remove("PGT_WALLET_MNEMONIC_FILE");
	for (k, v) in env {
		cmd.env(k, v);
	}
	cmd.output().expect("pgt-wallet runs")
}

fn stdout(o: &Output) -> String {
	String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
	String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn new_prints_a_mnemonic_whose_address_reads_back() {
	let out = wallet(&["new"], &[]);
	assert!(out.status.success(), "{}", stderr(&out));
	let text = stdout(&out);
	let mnemonic = text.lines().find_map(|l| l.strip_prefix("mnemonic: ")).expect("a mnemonic line").to_owned();
	let address = text.lines().find_map(|l| l.strip_prefix("address:  ")).expect("an address line").to_owned();
	assert_eq!(mnemonic.split_whitespace().count(), 24);

	let dir = std::env::temp_dir().join(format!("pgt-wallet-cli-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let file = dir.join("w.mnemonic");
	std::fs::write(&file, format!("{mnemonic}\n")).unwrap();
	let from_file = wallet(&["--mnemonic-file", file.to_str().unwrap(), "address"], &[]);
	assert_eq!(stdout(&from_file).trim(), address);
	let from_env = wallet(&["address"], &[("PGT_WALLET_MNEMONIC", &mnemonic)]);
	assert_eq!(stdout(&from_env).trim(), address);
	assert_ne!(stdout(&wallet(&["new"], &[])), text, "every new wallet is different");
	std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_fails_with_a_message() {
	let no_wallet = wallet(&["address"], &[]);
	assert!(!no_wallet.status.success());
	assert!(stderr(&no_wallet).contains("no wallet"), "{}", stderr(&no_wallet));

	let bad = wallet(&["address"], &[("PGT_WALLET_MNEMONIC", "these are not twelve words")]);
	assert!(!bad.status.success());
	assert!(stderr(&bad).contains("not a valid BIP-39 mnemonic"), "{}", stderr(&bad));

	// Arguments are checked before anything touches the network (nothing listens on port 9).
	let phrase = ("PGT_WALLET_MNEMONIC", "bottom drive obey lake curtain smoke basket hold race lonely fit walk");
	let url = "ws://127.0.0.1:9";
	for (args, message) in [
		(
			vec![
				"--url",
				url,
				"send",
				"1",
				"--to",
				"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
				"--signer",
				"//Alice",
			],
			"not a shielded PGT address",
		),
		(vec!["--url", url, "unshield", "1", "--to", "nonsense", "--signer", "//Alice"], "not an SS58 account"),
		(vec!["--url", url, "shield", "1e3", "--signer", "//Alice"], "not an amount"),
		(vec!["--url", url, "shield", "1"], "--signer"),
		(vec!["--url", url, "shield", "1", "--signer", "//Alice"], "cannot connect to the node"),
		(vec!["submit", "/nonexistent/tx.json", "--signer", "//Alice"], "cannot read"),
	] {
		let out = wallet(&args, &[phrase]);
		assert!(!out.status.success(), "{args:?} succeeded");
		assert!(stderr(&out).contains(message), "{args:?}: expected {message:?} in {}", stderr(&out));
	}
}
