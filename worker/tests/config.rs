//! `pgt-worker run`'s options: file, flags and environment merge as documented, and every mistake
//! is a clear error naming what is wrong.

use clap::Parser;
use pgt_worker::config::{ConfigError, RunArgs};

#[derive(Parser)]
struct Cli {
	#[command(flatten)]
	run: RunArgs,
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
	let path = std::env::temp_dir().join(format!("pgt-worker-config-{name}-{}.toml", std::process::id()));
	std::fs::write(&path, text).unwrap();
	path
}

fn args(list: &[&str]) -> RunArgs {
	Cli::try_parse_from(std::iter::once("run").chain(list.iter().copied())).expect("parses").run
}

#[test]
fn flags_win_over_the_file_and_the_file_over_the_defaults() {
	let file = write(
		"merge",
		r#"
suri = "//Bob"
network-key = "/keys/bob.key"
listen = ["/ip4/127.0.0.1/tcp/4001"]
slots = 3
"#,
	);
	let from_file = args(&["--config", file.to_str().unwrap()]).resolve().expect("valid");
	assert_eq!(from_file.suri, "//Bob");
	assert_eq!(from_file.slots, 3);
	assert_eq!(from_file.listen, vec!["/ip4/127.0.0.1/tcp/4001".parse().unwrap()]);
	assert!(
		from_file.public.is_empty(),
		"published addresses default to the bound listen addresses (filled in at start)"
	);
	assert_eq!(from_file.rpc, "ws://127.0.0.1:9944");
	assert_eq!(from_file.metrics.port(), 9616);

	let flagged = args(&["--config", file.to_str().unwrap(), "--slots", "5", "--rpc", "ws://10.0.0.1:9944"])
		.resolve()
		.expect("valid");
	assert_eq!((flagged.slots, flagged.rpc.as_str(), flagged.suri.as_str()), (5, "ws://10.0.0.1:9944", "//Bob"));
	let _ = std::fs::remove_file(file);
}

#[test]
fn with_no_file_the_defaults_apply_and_required_options_are_named() {
	let c = args(&["--suri", "//Charlie", "--network-key", "k"]).resolve().expect("valid");
	assert_eq!(c.listen.len(), 2);
	assert_eq!(c.slots, 1);
	assert!(matches!(args(&["--network-key", "k"]).resolve(), Err(ConfigError::Missing("suri"))));
	assert!(matches!(args(&["--suri", "//Bob"]).resolve(), Err(ConfigError::Missing("network-key"))));
	assert!(matches!(
		args(&["--suri", "//Bob", "--network-key", "k", "--slots", "0"]).resolve(),
		Err(ConfigError::Invalid(_))
	));
}

#[test]
fn mistakes_in_the_file_are_clear_errors() {
	let typo = write("typo", "suri = \"//Bob\"\nslot = 3\n");
	let e = args(&["--config", typo.to_str().unwrap()]).resolve().unwrap_err().to_string();
	assert!(e.contains("unknown field `slot`"), "{e}");
	let bad_addr = write("addr", "listen = [\"not-an-address\"]\n");
	let e = args(&["--config", bad_addr.to_str().unwrap()]).resolve().unwrap_err();
	assert!(matches!(&e, ConfigError::Address { value, .. } if value == "not-an-address"), "{e}");
	let missing = args(&["--config", "/nonexistent/worker.toml"]).resolve().unwrap_err();
	assert!(matches!(missing, ConfigError::Read { .. }));
	assert!(Cli::try_parse_from(["run", "--listen", "garbage"]).is_err(), "a bad flag is refused by clap");
	for f in [typo, bad_addr] {
		let _ = std::fs::remove_file(f);
	}
}

#[test]
fn helpers_default_to_none_and_are_bounded_and_tile_checks_are_a_percentage() {
	let base = ["--suri", "//Bob", "--network-key", "k"];
	let c = args(&base).resolve().expect("valid");
	assert_eq!((c.helpers, c.check_tiles, c.corrupt_tiles), (0, 10, 0));
	let with = |extra: &[&str]| args(&[&base[..], extra].concat()).resolve();
	let c = with(&["--helpers", "2", "--check-tiles", "0"]).expect("valid");
	assert_eq!((c.helpers, c.check_tiles), (2, 0));
	assert!(matches!(with(&["--helpers", "4"]), Err(ConfigError::Invalid(_))), "at most three helpers");
	assert!(matches!(with(&["--check-tiles", "101"]), Err(ConfigError::Invalid(_))));
	assert!(matches!(with(&["--corrupt-tiles", "200"]), Err(ConfigError::Invalid(_))));
	let file = write("helpers", "suri = \"//Bob\"\nnetwork-key = \"k\"\nhelpers = 3\ncheck-tiles = 25\n");
	let c = args(&["--config", file.to_str().unwrap()]).resolve().expect("valid");
	assert_eq!((c.helpers, c.check_tiles), (3, 25));
	let _ = std::fs::remove_file(file);
}

#[test]
fn light_mode_takes_its_spec_and_peers_from_flags_or_the_file_and_only_with_light() {
	let base = ["--suri", "//Bob", "--network-key", "k"];
	let with = |extra: &[&str]| args(&[&base[..], extra].concat()).resolve();
	assert_eq!(with(&[]).expect("valid").light, None, "RPC mode unless asked");
	let c = with(&["--light", "--bootnode", "/ip4/127.0.0.1/tcp/1/p2p/a,/ip4/127.0.0.1/tcp/2/p2p/b"]).expect("valid");
	let light = c.light.expect("light mode");
	assert_eq!(light.chain_spec, None, "the spec comes from the RPC node");
	assert_eq!(light.sync_timeout, std::time::Duration::from_secs(180), "three minutes a try unless told");
	assert_eq!(light.bootnodes, ["/ip4/127.0.0.1/tcp/1/p2p/a", "/ip4/127.0.0.1/tcp/2/p2p/b"]);
	let c = with(&["--light", "--chain-spec", "spec.json", "--bootnode", "x", "--bootnode", "y"]).expect("valid");
	let light = c.light.expect("light mode");
	assert_eq!((light.chain_spec.as_deref(), light.bootnodes.len()), (Some(std::path::Path::new("spec.json")), 2));
	let c = with(&["--light", "--light-sync-timeout", "5"]).expect("valid");
	assert_eq!(c.light.expect("light mode").sync_timeout, std::time::Duration::from_secs(5));
	assert!(matches!(with(&["--light", "--light-sync-timeout", "0"]), Err(ConfigError::Invalid(_))));
	for stray in [&["--chain-spec", "spec.json"][..], &["--bootnode", "x"][..], &["--light-sync-timeout", "5"][..]] {
		assert!(matches!(with(stray), Err(ConfigError::Invalid(_))), "{stray:?} without --light is a mistake");
	}
	let file = write(
		"light",
		"suri = \"//Bob\"\nnetwork-key = \"k\"\nlight = true\nchain-spec = \"raw.json\"\nbootnodes = [\"z\"]\n",
	);
	let light = args(&["--config", file.to_str().unwrap()]).resolve().expect("valid").light.expect("light mode");
	assert_eq!(
		(light.chain_spec.as_deref(), light.bootnodes),
		(Some(std::path::Path::new("raw.json")), vec!["z".to_string()])
	);
	let _ = std::fs::remove_file(file);
}
