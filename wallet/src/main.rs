//! `pgt-wallet`: the shielded PGT wallet's command line. See `docs/shielded.md`.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use codec::Decode;
use pgt_client::{chain::AccountBalance, CsuRecord};
use pgt_wallet::{
	amount,
	chain::Chain,
	export,
	keys::{Address, Keys},
	proven, prover,
	scan::{OwnedNote, Scanner},
	transaction::{build, ChainContext, Payment, TransactCall},
};
use std::{path::PathBuf, str::FromStr};
use subxt::utils::AccountId32;
use subxt_signer::{sr25519::Keypair, SecretUri};

#[derive(Parser)]
#[command(name = "pgt-wallet", version, about = "Shielded PGT: private balances, payments and withdrawals")]
struct Cli {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944", env = "PGT_NODE_URL")]
	url: String,
	/// File holding the wallet's BIP-39 mnemonic (else PGT_WALLET_MNEMONIC).
	#[arg(long, global = true, env = "PGT_WALLET_MNEMONIC_FILE")]
	mnemonic_file: Option<PathBuf>,
	/// The chain's raw chain spec, what `--verify` trusts: its genesis and GRANDPA authorities
	/// (`pgt-node export-chain-spec --chain <chain> --raw`, or the node's `sync_state_genSyncSpec`).
	#[arg(long, global = true, env = "PGT_CHAIN_SPEC")]
	chain_spec: Option<PathBuf>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Makes a new wallet: prints a fresh 24-word mnemonic (write it down) and its address.
	New,
	/// Prints this wallet's shielded address (what others pay to).
	Address,
	/// Scans the chain and shows the shielded balance and unspent notes; with `--account`, the
	/// public balance of that account instead.
	Balance {
		/// Print JSON instead of text.
		#[arg(long)]
		json: bool,
		/// A public account (SS58 or 0x hex) whose balance to show.
		#[arg(long)]
		account: Option<String>,
		/// Prove the account's balance against a block the GRANDPA authorities of `--chain-spec`
		/// finalized (a storage proof under its state root), instead of believing the node.
		#[arg(long, requires = "account")]
		verify: bool,
	},
	/// Shows the CSU record of a settled session (what was served, billed, paid and burned).
	Csu {
		/// The session's id.
		session: u64,
		/// Print JSON instead of text.
		#[arg(long)]
		json: bool,
		/// Prove the record against a block the GRANDPA authorities of `--chain-spec` finalized.
		#[arg(long)]
		verify: bool,
	},
	/// Moves PGT from the signer's public account into this wallet.
	Shield {
		/// Amount in PGT (e.g. 10 or 0.5).
		amount: String,
		#[command(flatten)]
		tx: TxArgs,
	},
	/// Pays PGT privately to a shielded address.
	Send {
		/// Amount in PGT.
		amount: String,
		/// The recipient's shielded address.
		#[arg(long)]
		to: String,
		#[command(flatten)]
		tx: TxArgs,
	},
	/// Pays PGT out of this wallet to a public account.
	Unshield {
		/// Amount in PGT.
		amount: String,
		/// The public account (SS58 or 0x hex).
		#[arg(long)]
		to: String,
		#[command(flatten)]
		tx: TxArgs,
	},
	/// Submits a transaction written by `--export`.
	Submit {
		/// The transaction file.
		file: PathBuf,
		/// Secret URI of the account that signs and pays the transaction fee (e.g. //Alice).
		#[arg(long)]
		signer: String,
	},
}

#[derive(Args)]
struct TxArgs {
	/// Secret URI of the account that signs and pays the transaction fee (and, for shield, the
	/// amount), e.g. //Alice or a mnemonic.
	#[arg(long, required_unless_present = "export")]
	signer: Option<String>,
	/// Write the proven transaction to this file instead of submitting it.
	#[arg(long)]
	export: Option<PathBuf>,
	/// Blocks from now until the transaction expires.
	#[arg(long, default_value_t = 100)]
	expiry_blocks: u32,
	/// Proving key of a real ceremony (default: the built-in INSECURE dev key).
	#[arg(long)]
	proving_key: Option<PathBuf>,
}

fn keys(cli: &Cli) -> Result<Keys> {
	let phrase = match (&cli.mnemonic_file, std::env::var("PGT_WALLET_MNEMONIC")) {
		(Some(f), _) => std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?,
		(None, Ok(p)) => p,
		(None, Err(_)) => {
			bail!("no wallet: pass --mnemonic-file (or set PGT_WALLET_MNEMONIC); `pgt-wallet new` makes one")
		},
	};
	Keys::from_mnemonic(&phrase)
}

fn signer(suri: &str) -> Result<Keypair> {
	let uri = SecretUri::from_str(suri).context("not a secret URI")?;
	Keypair::from_uri(&uri).context("cannot derive the signing key")
}

fn account(s: &str) -> Result<[u8; 32]> {
	if let Some(hex) = s.strip_prefix("0x") {
		return hex::decode(hex).ok().and_then(|v| v.try_into().ok()).context("not a 32-byte account id");
	}
	Ok(AccountId32::from_str(s).map_err(|e| anyhow::anyhow!("not an SS58 account: {e:?}"))?.0)
}

/// The value at storage `key` at the node's latest finalized block: proven against the GRANDPA
/// authorities of `--chain-spec` when `verify`, else as the node says.
async fn read(cli: &Cli, key: &[u8], verify: bool) -> Result<(Option<Vec<u8>>, proven::At)> {
	if !verify {
		return proven::believe(&cli.url, key).await;
	}
	let path = cli.chain_spec.as_ref().context(
		"--verify needs --chain-spec: the raw chain spec whose authorities it trusts \
		 (pgt-node export-chain-spec --chain <chain> --raw)",
	)?;
	let spec = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
	let spec = serde_json::from_str(&spec).with_context(|| format!("{} is not JSON", path.display()))?;
	let verifier = proven::Verifier::connect(&cli.url, proven::Checkpoint::from_spec(&spec)?).await?;
	let block = verifier.finalized().await?;
	let value = verifier.storage(&block, key).await?;
	Ok((value, proven::At::Proven(block)))
}

/// Prints a CSU record.
fn print_csu(session: u64, csu: &CsuRecord, at: &proven::At, json: bool) {
	if json {
		let shares: Vec<_> = csu
			.shares
			.iter()
			.map(|s| {
				serde_json::json!({ "contributor": AccountId32(s.contributor).to_string(),
					"seconds_billed": s.seconds_billed, "seconds_forfeited": s.seconds_forfeited, "paid": s.paid.to_string() })
			})
			.collect();
		let helpers: Vec<_> = csu
			.helpers
			.iter()
			.map(|h| serde_json::json!({ "helper": AccountId32(h.helper).to_string(), "earned": h.earned.to_string() }))
			.collect();
		println!(
			"{}",
			serde_json::json!({ "session": session, "player": AccountId32(csu.player).to_string(),
				"ended_at": csu.ended_at, "paid": csu.paid.to_string(), "burned": csu.burned.to_string(),
				"to_treasury": csu.to_treasury.to_string(), "refunded": csu.refunded.to_string(),
				"shares": shares, "helpers": helpers, "at": at.json() })
		);
		return;
	}
	println!("session {session}: settled in #{} (read at {})", csu.ended_at, at.describe());
	println!("  player {}", AccountId32(csu.player));
	println!(
		"  paid {} PGT, burned {} PGT, treasury {} PGT, refunded {} PGT",
		amount::format(csu.paid),
		amount::format(csu.burned),
		amount::format(csu.to_treasury),
		amount::format(csu.refunded)
	);
	for s in &csu.shares {
		println!(
			"  {}: {} s billed, {} s forfeited, {} PGT",
			AccountId32(s.contributor),
			s.seconds_billed,
			s.seconds_forfeited,
			amount::format(s.paid)
		);
	}
	for h in &csu.helpers {
		println!("  helper {}: {} PGT", AccountId32(h.helper), amount::format(h.earned));
	}
}

/// Scans and returns the scanner and the unspent notes.
async fn scan(chain: &Chain, keys: &Keys) -> Result<(Scanner, Vec<OwnedNote>)> {
	let mut scanner = Scanner::new(keys);
	chain.scan(&mut scanner).await?;
	let mut unspent = Vec::new();
	for n in scanner.notes().iter().filter(|n| n.note.value > 0) {
		if !chain.is_spent(pgt_zk::verify::encode_field(&n.nullifier)).await? {
			unspent.push(n.clone());
		}
	}
	Ok((scanner, unspent))
}

async fn transact(cli: &Cli, payment: Payment, tx: &TxArgs, what: String) -> Result<()> {
	let keys = keys(cli)?;
	let signer = tx.signer.as_deref().map(signer).transpose()?;
	let chain = Chain::connect(&cli.url).await?;
	let key = prover::load(tx.proving_key.as_deref())?;
	tracing::debug!("proving key loaded");
	prover::check_matches_chain(&key, chain.verifying_key().await?.as_deref())?;
	let (scanner, unspent) = scan(&chain, &keys).await?;
	tracing::debug!(leaves = scanner.next_index(), unspent = unspent.len(), "scanned");
	let expiry = u32::try_from(chain.finalized_number().await?)?.saturating_add(tx.expiry_blocks);
	let ctx = ChainContext { genesis_hash: chain.genesis_hash(), expiry };
	let unproven = build(&scanner, &keys.address(), &unspent, &payment, ctx, &mut rand::rngs::OsRng)?;
	let call = TransactCall { proof: prover::prove(&key, unproven.circuit)?, ..unproven.call };
	tracing::debug!("submitting");
	if let Some(path) = &tx.export {
		std::fs::write(path, export::to_json(&call)).with_context(|| format!("cannot write {}", path.display()))?;
		println!("{what}: proven, written to {} (valid until block #{expiry})", path.display());
		return Ok(());
	}
	let signer = signer.context("--signer is needed to submit")?;
	let included = chain.submit(&call, &signer).await?;
	println!("{what}: in finalized block #{} ({})", included.block_number, included.block_hash);
	Ok(())
}

/// `RUST_LOG` (default `info`), with arkworks' constraint-system spans (targets `gr1cs` and
/// `r1cs`, one per gadget call) off unless asked for by name: recording them makes proving
/// about 50 times slower.
fn log_filter() -> tracing_subscriber::EnvFilter {
	let spec = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
	let mut filter = tracing_subscriber::EnvFilter::new(&spec);
	for target in ["gr1cs", "r1cs"] {
		if !spec.contains(target) {
			filter = filter.add_directive(format!("{target}=off").parse().expect("a valid directive"));
		}
	}
	filter
}

#[tokio::main]
async fn main() -> Result<()> {
	tracing_subscriber::fmt().with_env_filter(log_filter()).with_writer(std::io::stderr).init();
	let cli = Cli::parse();
	match &cli.command {
		Command::New => {
			let phrase = Keys::generate_mnemonic();
			println!("mnemonic: {phrase}");
			println!("address:  {}", Keys::from_mnemonic(&phrase)?.address());
		},
		Command::Address => println!("{}", keys(&cli)?.address()),
		Command::Balance { json, account: Some(who), verify } => {
			let who = account(who)?;
			let (bytes, at) = read(&cli, &proven::account_key(&who), *verify).await?;
			let balance = match bytes {
				Some(b) => AccountBalance::decode(&mut &b[..]).context("cannot decode System.Account")?,
				None => AccountBalance::default(),
			};
			let address = AccountId32(who).to_string();
			if *json {
				println!(
					"{}",
					serde_json::json!({ "account": address, "free": balance.free.to_string(),
						"reserved": balance.reserved.to_string(), "frozen": balance.frozen.to_string(), "at": at.json() })
				);
			} else {
				println!(
					"{} PGT free, {} PGT reserved ({address}) at {}",
					amount::format(balance.free),
					amount::format(balance.reserved),
					at.describe()
				);
			}
		},
		Command::Csu { session, json, verify } => {
			let (bytes, at) = read(&cli, &proven::csu_key(*session), *verify).await?;
			let bytes = bytes.with_context(|| format!("no CSU record of session {session} at {}", at.describe()))?;
			let csu = CsuRecord::decode(&mut &bytes[..]).context("cannot decode Sessions.Csus")?;
			print_csu(*session, &csu, &at, *json);
		},
		Command::Balance { json, account: None, verify: _ } => {
			let keys = keys(&cli)?;
			let chain = Chain::connect(&cli.url).await?;
			let (_, unspent) = scan(&chain, &keys).await?;
			let total: u128 = unspent.iter().map(|n| u128::from(n.note.value)).sum();
			if *json {
				let notes: Vec<_> = unspent
					.iter()
					.map(|n| serde_json::json!({ "index": n.index, "value": n.note.value.to_string() }))
					.collect();
				println!(
					"{}",
					serde_json::json!({ "address": keys.address().to_string(), "balance": total.to_string(), "notes": notes })
				);
			} else {
				println!("shielded balance: {} PGT in {} note(s)", amount::format(total), unspent.len());
				for n in &unspent {
					println!("  leaf {:>6}: {} PGT", n.index, amount::format(n.note.value.into()));
				}
			}
		},
		Command::Shield { amount: a, tx } => {
			let units = amount::parse(a)?;
			transact(&cli, Payment::Shield { amount: units }, tx, format!("shielded {a} PGT")).await?;
		},
		Command::Send { amount: a, to, tx } => {
			let to = Address::parse(to)?;
			let units = amount::parse(a)?;
			transact(&cli, Payment::Send { amount: units, to }, tx, format!("sent {a} PGT privately")).await?;
		},
		Command::Unshield { amount: a, to, tx } => {
			let recipient = account(to)?;
			let units = amount::parse(a)?;
			transact(&cli, Payment::Unshield { amount: units, recipient }, tx, format!("unshielded {a} PGT to {to}"))
				.await?;
		},
		Command::Submit { file, signer: s } => {
			let call = export::from_json(
				&std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?,
			)?;
			let chain = Chain::connect(&cli.url).await?;
			let included = chain.submit(&call, &signer(s)?).await?;
			println!(
				"submitted {}: in finalized block #{} ({})",
				file.display(),
				included.block_number,
				included.block_hash
			);
		},
	}
	Ok(())
}
