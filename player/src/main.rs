//! `pgt-player`: see the crate docs.

use clap::{Parser, Subcommand};

/// The Gaming per sec player.
#[derive(Parser)]
#[command(name = "pgt-player", version, about)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Plays a game: picks the host with the lowest latency, pays into escrow, shows the game
	/// in a local page, and settles when you leave (close the page or press Ctrl-C).
	Play(pgt_player::play::PlayArgs),
}

fn main() -> anyhow::Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,libp2p=warn".into()),
		)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.with_writer(std::io::stderr)
		.init();
	let runtime = tokio::runtime::Runtime::new()?;
	match Cli::parse().command {
		Command::Play(args) => {
			runtime.block_on(pgt_player::play::play(args))?;
		},
	}
	Ok(())
}
