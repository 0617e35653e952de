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
	/// Measures the machine, registers, and hosts the sessions that name this worker.
	Run(pgt_worker::config::RunArgs),
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
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,wgpu=warn,libp2p=warn".into()),
		)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Command::Run(args) => {
			let config = args.resolve()?;
			// Mesa's drivers want a private runtime directory; keep it for the whole run.
			let _runtime_dir = pgt_compute::gpu::ensure_runtime_dir();
			tokio::runtime::Runtime::new()?.block_on(pgt_worker::daemon::run(config))?;
		},
		Command::Key(KeyCommand::Generate { file }) => println!("{}", pgt_worker::keys::generate(&file)?),
		Command::Key(KeyCommand::Inspect { file }) => {
			println!("{}", pgt_worker::keys::load(&file)?.public().to_peer_id())
		},
	}
	Ok(())
}
