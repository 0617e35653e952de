//! `pgt-worker`: see the crate docs.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// The Gaming per sec contributor's daemon.
#[derive(Parser)]
#[command(name = "pgt-worker", version, about)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// The worker's network key (its libp2p identity).
	#[command(subcommand)]
	Key(KeyCommand),
}

#[derive(Subcommand)]
enum KeyCommand {
	/// Creates a new network key file and prints its peer id (never overwrites a key).
	Generate {
		/// Where to write the key.
		#[arg(long, env = "PGT_WORKER_NETWORK_KEY")]
		file: PathBuf,
	},
	/// Prints the peer id of an existing key file.
	Inspect {
		/// The key file.
		#[arg(long, env = "PGT_WORKER_NETWORK_KEY")]
		file: PathBuf,
	},
}

fn main() -> anyhow::Result<()> {
	match Cli::parse().command {
		Command::Key(KeyCommand::Generate { file }) => println!("{}", pgt_worker::keys::generate(&file)?),
		Command::Key(KeyCommand::Inspect { file }) => {
			println!("{}", pgt_worker::keys::load(&file)?.public().to_peer_id())
		},
	}
	Ok(())
}
