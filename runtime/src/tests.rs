//! Tests on the real runtime, started from the `development` genesis preset.

use crate::{
	configs::{fee_author_share, TreasuryAccountId, FEE_BURN_SHARE, FEE_TREASURY_SHARE},
	genesis_config_presets::{self, DEVELOPMENT, ENDOWMENT, LOCAL_TESTNET},
	AccountId, Babe, Balance, Balances, Executive, Grandpa, Header, Nonce, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeGenesisConfig, SignedPayload, System, TxExtension, UncheckedExtrinsic, PGT,
};
use codec::{Decode, Encode};
use polkadot_sdk::sc_chain_spec::json_merge;
use polkadot_sdk::{
	frame_support::traits::fungible::Inspect,
	frame_system, pallet_balances, pallet_transaction_payment,
	sp_consensus_babe::{
		digests::{PreDigest, SecondaryPlainPreDigest},
		Slot, BABE_ENGINE_ID,
	},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		generic::Era,
		traits::Header as _,
		transaction_validity::{InvalidTransaction, TransactionValidityError},
		BuildStorage, Digest, DigestItem, DispatchError, Percent, TokenError,
	},
};
use serde_json::Value;

/// State of a fresh chain built from a genesis preset of the real runtime.
fn ext_from_preset(name: &str) -> TestExternalities {
	ext_from_patched_preset(name, serde_json::json!({}))
}

/// State of a fresh chain built from a genesis preset with `extra` merged over it (what a chain
/// spec's `genesis.runtimeGenesis.patch` adds).
fn ext_from_patched_preset(name: &str, extra: Value) -> TestExternalities {
	let patch = genesis_config_presets::get_preset(&name.into()).expect("preset exists");
	let patch: Value = serde_json::from_slice(&patch).expect("preset is JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("default config");
	// Presets are patches over the default config, merged as the chain-spec builder merges them.
	json_merge(&mut config, patch);
	json_merge(&mut config, extra);
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("preset decodes");
	TestExternalities::new(config.build_storage().expect("genesis storage builds"))
}

/// Starts block 1 as authored by the validator at `authority_index` (a BABE secondary slot).
fn start_block(authority_index: u32) {
	let pre = PreDigest::SecondaryPlain(SecondaryPlainPreDigest { authority_index, slot: Slot::from(1_000) });
	let digest = Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre.encode())] };
	let header = Header::new(1, Default::default(), Default::default(), Default::default(), digest);
	Executive::initialize_block(&header);
}

fn tx_extension(nonce: Nonce, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(tip),
		frame_system::WeightReclaim::new(),
	)
}

/// A transfer signed as a wallet would sign it. Must run inside the externalities (the signed
/// payload includes the genesis hash and runtime version from state).
fn signed_transfer(
	signer: Sr25519Keyring,
	to: &AccountId,
	value: Balance,
	nonce: Nonce,
	tip: Balance,
) -> UncheckedExtrinsic {
	let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: to.clone().into(), value });
	let ext = tx_extension(nonce, tip);
	let payload = SignedPayload::new(call.clone(), ext.clone()).expect("payload builds");
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(call, signer.to_account_id().into(), signature.into(), ext)
}

/// Applies an extrinsic as the block builder does: an invalid transaction is rolled back (it
/// never enters a block), a valid one is kept whether or not its call succeeded.
fn apply(xt: UncheckedExtrinsic) -> polkadot_sdk::sp_runtime::ApplyExtrinsicResult {
	use polkadot_sdk::sp_io::storage;
	storage::start_transaction();
	let result = Executive::apply_extrinsic(xt);
	if result.is_ok() {
		storage::commit_transaction();
	} else {
		storage::rollback_transaction();
	}
	result
}

/// Applies `xt`, expects the pool-level rejection `expected`, and checks no state changed.
fn assert_rejected_without_change(xt: UncheckedExtrinsic, expected: InvalidTransaction) {
	let root = polkadot_sdk::sp_io::storage::root(Default::default());
	assert_eq!(apply(xt), Err(TransactionValidityError::Invalid(expected)));
	assert_eq!(polkadot_sdk::sp_io::storage::root(Default::default()), root, "state changed");
}

fn fee_paid() -> (Balance, Balance) {
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::TransactionPayment(pallet_transaction_payment::Event::TransactionFeePaid {
				actual_fee,
				tip,
				..
			}) => Some((actual_fee, tip)),
			_ => None,
		})
		.expect("a fee was paid")
}

fn fresh_account() -> AccountId {
	Sr25519Keyring::numeric_id(4242)
}

#[test]
fn development_preset_has_alice_as_sole_validator_and_endows_dev_accounts() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		let alice = Sr25519Keyring::Alice;
		let babe = Babe::authorities();
		assert_eq!(babe.len(), 1);
		assert_eq!(babe[0].0, alice.public().into());
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		for who in genesis_config_presets::dev_accounts() {
			assert_eq!(Balances::balance(&who), ENDOWMENT);
		}
		assert_eq!(polkadot_sdk::pallet_sudo::Key::<Runtime>::get(), Some(alice.to_account_id()));
	});
}

#[test]
fn local_testnet_preset_has_four_validators() {
	ext_from_preset(LOCAL_TESTNET).execute_with(|| {
		let expected: Vec<_> =
			[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
				.iter()
				.map(|k| k.public().into())
				.collect();
		let babe: Vec<_> = Babe::authorities().iter().map(|(id, _)| id.clone()).collect();
		assert_eq!(babe, expected);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
	});
}

#[test]
fn fee_shares_add_up_to_the_whole_fee() {
	assert_eq!(FEE_BURN_SHARE.deconstruct() + FEE_TREASURY_SHARE.deconstruct() + fee_author_share().deconstruct(), 100);
	assert!(!FEE_BURN_SHARE.is_zero(), "a share of every fee is burned");
}

#[test]
fn transfer_burns_the_configured_share_of_its_fee_and_pays_treasury_and_author() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0); // Alice authors.
		let (alice, bob, treasury) =
			(Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob, TreasuryAccountId::get());
		let dest = fresh_account();
		let issuance = Balances::total_issuance();
		let (alice0, bob0, treasury0) =
			(Balances::balance(&alice), Balances::balance(&bob.to_account_id()), Balances::balance(&treasury));

		let xt = signed_transfer(bob, &dest, 10 * PGT, 0, 0);
		assert_eq!(apply(xt), Ok(Ok(())));

		let (fee, tip) = fee_paid();
		assert!(fee > 0, "a transfer costs a fee");
		assert_eq!(tip, 0);
		let burned = FEE_BURN_SHARE.mul_floor(fee);
		let to_treasury = FEE_TREASURY_SHARE.mul_floor(fee);
		let to_author = fee - burned - to_treasury;
		assert!(burned > 0 && to_treasury > 0 && to_author > 0);

		assert_eq!(issuance - Balances::total_issuance(), burned, "issuance falls by the burn");
		assert_eq!(Balances::balance(&treasury) - treasury0, to_treasury);
		assert_eq!(Balances::balance(&alice) - alice0, to_author);
		assert_eq!(bob0 - Balances::balance(&bob.to_account_id()), 10 * PGT + fee);
		assert_eq!(Balances::balance(&dest), 10 * PGT);

		let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
		assert!(events.contains(&RuntimeEvent::Balances(pallet_balances::Event::BurnedDebt { amount: burned })));
		assert!(events.contains(&RuntimeEvent::Fees(pallet_pgt_fees::Event::FeesSplit {
			burned,
			to_treasury,
			to_author,
			author: Some(alice),
		})));
	});
}

#[test]
fn a_tip_goes_to_the_author_and_is_not_burned() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let issuance = Balances::total_issuance();
		let alice0 = Balances::balance(&alice);
		let tip = PGT / 100;

		let xt = signed_transfer(Sr25519Keyring::Charlie, &fresh_account(), PGT, 0, tip);
		assert_eq!(apply(xt), Ok(Ok(())));

		let (fee_with_tip, paid_tip) = fee_paid();
		assert_eq!(paid_tip, tip);
		let fee = fee_with_tip - tip;
		let burned = FEE_BURN_SHARE.mul_floor(fee);
		assert_eq!(issuance - Balances::total_issuance(), burned);
		assert_eq!(Balances::balance(&alice) - alice0, fee - burned - FEE_TREASURY_SHARE.mul_floor(fee) + tip);
	});
}

#[test]
fn a_transfer_with_a_bad_signature_is_rejected_and_changes_nothing() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0);
		let bob = Sr25519Keyring::Bob;
		let good = signed_transfer(bob, &fresh_account(), PGT, 0, 0);
		// Same transfer, signed by Charlie but claiming to be from Bob.
		let forged = signed_transfer(Sr25519Keyring::Charlie, &fresh_account(), PGT, 0, 0);
		let xt = UncheckedExtrinsic::new_signed(
			good.function.clone(),
			bob.to_account_id().into(),
			match forged.preamble {
				polkadot_sdk::sp_runtime::generic::Preamble::Signed(_, sig, _) => sig,
				_ => unreachable!("signed_transfer builds signed extrinsics"),
			},
			tx_extension(0, 0),
		);
		assert_rejected_without_change(xt, InvalidTransaction::BadProof);
	});
}

#[test]
fn a_replayed_nonce_is_rejected_and_changes_nothing() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0);
		let bob = Sr25519Keyring::Bob;
		let xt = signed_transfer(bob, &fresh_account(), PGT, 0, 0);
		assert_eq!(apply(xt.clone()), Ok(Ok(())));
		assert_rejected_without_change(xt, InvalidTransaction::Stale);
	});
}

#[test]
fn a_transfer_above_the_balance_fails_and_moves_nothing_but_the_fee() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0);
		let bob = Sr25519Keyring::Bob;
		let dest = fresh_account();
		let bob0 = Balances::balance(&bob.to_account_id());
		let xt = signed_transfer(bob, &dest, ENDOWMENT * 2, 0, 0);
		// Included (the signer pays for the block space it used) but the transfer fails.
		let result = apply(xt).expect("the transaction is valid");
		assert_eq!(result, Err(DispatchError::Token(TokenError::FundsUnavailable)));
		let (fee, _) = fee_paid();
		assert_eq!(Balances::balance(&dest), 0);
		assert_eq!(bob0 - Balances::balance(&bob.to_account_id()), fee);
	});
}

#[test]
fn an_account_that_cannot_pay_the_fee_is_rejected_before_anything_changes() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		start_block(0);
		// An account that holds nothing.
		let pauper = Sr25519Keyring::One;
		let xt = signed_transfer(pauper, &fresh_account(), PGT, 0, 0);
		assert_rejected_without_change(xt, InvalidTransaction::Payment);
	});
}

#[test]
fn fee_shares_are_documented_constants_in_metadata() {
	// Metadata reads the chain's window length (a constant that depends on genesis).
	let metadata = ext_from_preset(DEVELOPMENT).execute_with(Runtime::metadata_ir);
	let fees = metadata.pallets.iter().find(|p| p.name == "Fees").expect("Fees pallet in metadata");
	for (name, expected) in [("BurnShare", FEE_BURN_SHARE), ("TreasuryShare", FEE_TREASURY_SHARE)] {
		let constant = fees.constants.iter().find(|c| c.name == name).expect("constant listed");
		let value = Percent::decode(&mut &constant.value[..]).expect("constant decodes as Percent");
		assert_eq!(value, expected, "{name}");
		assert!(!constant.docs.is_empty(), "{name} is documented");
	}
}

#[test]
fn development_genesis_has_the_arena_game_and_the_starting_rate() {
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		assert_eq!(
			pallet_pgt_sessions::Games::<Runtime>::get(crate::configs::ARENA_GAME),
			Some(pgt_primitives::sessions::ComplexityTier::Standard)
		);
		assert_eq!(pallet_pgt_sessions::BaseRate::<Runtime>::get(), crate::configs::GENESIS_BASE_RATE);
		assert_eq!(pallet_pgt_contributors::Registry::<Runtime>::count(), 0);
	});
}

/// Wallets show these docs: every call, event, error, storage item and constant of our economy
/// pallets has them, and their reads are view functions in metadata.
#[test]
fn economy_pallets_are_documented_in_metadata() {
	use polkadot_sdk::sp_metadata_ir::{PalletMetadataIR, StorageEntryMetadataIR};
	use scale_info::TypeDef;
	// Metadata reads the chain's window length (a constant that depends on genesis).
	let metadata = ext_from_preset(DEVELOPMENT).execute_with(Runtime::metadata_ir);
	let variants_documented = |ty: &scale_info::MetaType, what: &str, pallet: &str| {
		let info = ty.type_info();
		let TypeDef::Variant(v) = &info.type_def else { panic!("{pallet} {what} is an enum") };
		assert!(!v.variants.is_empty(), "{pallet} has {what}");
		for variant in &v.variants {
			assert!(!variant.docs.is_empty(), "{pallet}::{what}::{} is documented", variant.name);
		}
	};
	for name in ["Contributors", "Sessions", "Work", "Shielded"] {
		let pallet: &PalletMetadataIR<_> = metadata.pallets.iter().find(|p| p.name == name).expect("in metadata");
		variants_documented(&pallet.calls.as_ref().expect("calls").ty, "calls", name);
		variants_documented(&pallet.event.as_ref().expect("events").ty, "events", name);
		variants_documented(&pallet.error.as_ref().expect("errors").ty, "errors", name);
		let storage: &Vec<StorageEntryMetadataIR<_>> = &pallet.storage.as_ref().expect("storage").entries;
		for entry in storage {
			assert!(!entry.docs.is_empty(), "{name}::{} is documented", entry.name);
		}
		for constant in &pallet.constants {
			assert!(!constant.docs.is_empty(), "{name}::{} is documented", constant.name);
		}
		assert!(!pallet.view_functions.is_empty(), "{name} has view functions");
		for view in &pallet.view_functions {
			assert!(!view.docs.is_empty(), "{name}::{} is documented", view.name);
		}
	}
}

/// The economy's `on_initialize` work in its worst case (a full block of session deadlines,
/// each settling the most contributors, plus the rate update and a full liveness sweep) leaves
/// at least three quarters of a block for transactions; and at least 1,000 worst-case session
/// settlements fit in one block, at the database costs of the node's ParityDB. Run with
/// `--nocapture` for the figures `docs/benchmarks.md` quotes.
#[test]
fn the_economy_fits_in_blocks_with_room_to_spare() {
	use pallet_pgt_contributors::WeightInfo as _;
	use pallet_pgt_sessions::WeightInfo as _;
	use polkadot_sdk::frame_support::{dispatch::DispatchClass, traits::Get};
	type Sessions = pallet_pgt_sessions::weights::SubstrateWeight<Runtime>;
	type Registry = pallet_pgt_contributors::weights::SubstrateWeight<Runtime>;
	let max_timeouts: u32 = <Runtime as pallet_pgt_sessions::Config>::MaxTimeoutsPerBlock::get();
	let max_sweep: u32 = <Runtime as pallet_pgt_contributors::Config>::MaxSweepPerBlock::get();
	let worst = Sessions::process_timeouts(max_timeouts)
		.saturating_add(Sessions::update_base_rate())
		.saturating_add(Registry::sweep_liveness(max_sweep));
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let block = weights.max_block;
	println!("worst on_initialize: {:.1} ms of {:.0} ms", worst.ref_time() as f64 / 1e9, block.ref_time() as f64 / 1e9);
	assert!(
		worst.ref_time() * 4 <= block.ref_time(),
		"on_initialize takes {} of {} ps",
		worst.ref_time(),
		block.ref_time()
	);
	let normal = weights.get(DispatchClass::Normal);
	let budget = normal.max_total.expect("the normal class is limited").ref_time();
	let settlement = Sessions::end_session().ref_time() + normal.base_extrinsic.ref_time();
	println!(
		"end_session with the base extrinsic: {:.1} µs; {} fit in a block",
		settlement as f64 / 1e6,
		budget / settlement
	);
	assert!(budget / settlement >= 1_000, "{} settlements per block", budget / settlement);
	// The database costs charged are ParityDB's, which the node runs.
	let db = <Runtime as frame_system::Config>::DbWeight::get();
	assert_eq!(db, polkadot_sdk::frame_support::weights::constants::ParityDbWeight::get());
}

/// The defaults of work verification keep the promises docs/verification.md makes: a worker
/// that cheats on 5 % of its tasks is caught within 10 windows with at least 99 % probability,
/// and auditing costs an honest worker well under 5 % of its compute.
#[test]
fn verification_parameters_keep_their_promises() {
	use crate::configs::{AUDITORS_PER_LEAF, CHALLENGES_PER_WINDOW, MAX_TASKS_PER_WINDOW};
	use pallet_pgt_work::draw::miss_probability_ppb;
	let k = CHALLENGES_PER_WINDOW;
	// Missed in one window, for every window size from 100 tasks to the largest.
	for n in [100u32, 1_000, 18_000, MAX_TASKS_PER_WINDOW] {
		let miss = miss_probability_ppb(n, n / 20, k) as f64 / 1e9;
		let caught_in_10 = 1.0 - miss.powi(10);
		println!(
			"n = {n}: caught per window {:.2} %, within 10 windows {:.3} %",
			(1.0 - miss) * 100.0,
			caught_in_10 * 100.0
		);
		assert!(caught_in_10 >= 0.99, "n = {n}: {caught_in_10}");
	}
	// Each commitment asks AUDITORS_PER_LEAF auditors to recompute k tasks, and there are no
	// more commitments than online contributors, so a contributor audits A × k tasks per window
	// on average, against at least one whole frame per tick at 30 frames/s of its own.
	let window_seconds: u32 = crate::configs::WINDOW_SECONDS;
	let own_tasks = window_seconds * 30;
	let audit_share = f64::from(AUDITORS_PER_LEAF * k) / f64::from(own_tasks);
	println!(
		"audit work per window: {} tasks against {own_tasks} of its own ({:.2} %)",
		AUDITORS_PER_LEAF * k,
		audit_share * 100.0
	);
	// Even with a CPU reference 10 times slower than the GPU the overhead stays under 5 %.
	assert!(audit_share * 10.0 <= 0.05);
}

/// Verifying the work of 1,000 active contributors (each committing one window every
/// `WINDOW_LENGTH` blocks, opening k leaves, every auditor committing and revealing, the salt
/// revealed) takes at most half of the
/// normal class of each block, and the work pallet's worst `on_initialize` at most a quarter of
/// a block. Run with `--nocapture` for the figures `docs/benchmarks.md` quotes.
#[test]
fn verified_windows_of_1000_contributors_fit_in_blocks_with_room_to_spare() {
	use crate::configs::{AUDITORS_PER_LEAF as A, CHALLENGES_PER_WINDOW as K, WINDOW_LENGTH};
	use pallet_pgt_work::WeightInfo as _;
	use polkadot_sdk::frame_support::{dispatch::DispatchClass, traits::Get};
	type W = pallet_pgt_work::weights::SubstrateWeight<Runtime>;
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let base = normal.base_extrinsic;
	let ms = |w: polkadot_sdk::frame_support::weights::Weight| w.ref_time() as f64 / 1e9;
	let calls = [
		W::commit_work(),
		W::open_leaves(K),
		W::commit_verdicts().saturating_mul(u64::from(A)),
		W::reveal_salt(),
		W::reveal_verdicts(K).saturating_mul(u64::from(A - 1)),
		W::reveal_settling(K),
	]
	.into_iter()
	.fold(base.saturating_mul(u64::from(2 * A + 3)), |a, w| a.saturating_add(w));
	// The hooks of one window: its draw, its close, and its share of clearing the window's
	// entries.
	let hooks = W::draw_challenges()
		.saturating_add(W::close_commitment())
		.saturating_add(W::prune_windows(1).saturating_sub(W::prune_windows(0)));
	let windows_per_block = 1_000 / u64::from(WINDOW_LENGTH);
	let budget = normal.max_total.expect("the normal class is limited");
	println!(
		"per verified window: calls {:.2} ms, hooks {:.2} ms; 1,000 contributors: {windows_per_block} windows per block = {:.0} ms of calls ({:.1} % of the normal class) and {:.0} ms of hooks",
		ms(calls),
		ms(hooks),
		ms(calls) * windows_per_block as f64,
		100.0 * (calls.ref_time() * windows_per_block) as f64 / budget.ref_time() as f64,
		ms(hooks) * windows_per_block as f64,
	);
	assert!(calls.ref_time() * windows_per_block * 2 <= budget.ref_time());
	let max_deadlines: u32 = <Runtime as pallet_pgt_work::Config>::MaxDeadlinesPerBlock::get();
	let max_prune: u32 = <Runtime as pallet_pgt_work::Config>::MaxPrunePerBlock::get();
	let worst_hooks = W::on_initialize_idle()
		.saturating_add(W::close_commitment().max(W::draw_challenges()).saturating_mul(max_deadlines.into()))
		.saturating_add(W::prune_windows(max_prune));
	// Clearing keeps up: a window's entries are cleared within one window even if twice as
	// many hosts commit.
	assert!(u64::from(max_prune) * u64::from(WINDOW_LENGTH) >= 2 * 1_000);
	let block = weights.max_block;
	println!("worst work on_initialize: {:.1} ms of {:.0} ms", ms(worst_hooks), ms(block));
	assert!(worst_hooks.ref_time() * 4 <= block.ref_time());
	// Proof size: every call fits the block's PoV limit many times over.
	assert!(calls.proof_size() * windows_per_block * 2 <= budget.proof_size());
}

/// Every account with a part in a session (the player, every candidate it named and every
/// helper) fits in a commitment's snapshot of who may not audit it.
#[test]
fn a_commitment_can_exclude_everyone_in_its_session() {
	use polkadot_sdk::frame_support::traits::Get;
	let max_candidates: u32 = <Runtime as pallet_pgt_sessions::Config>::MaxCandidates::get();
	let max_helpers: u32 = <Runtime as pallet_pgt_sessions::Config>::MaxHelpers::get();
	let max_participants: u32 = <Runtime as pallet_pgt_work::Config>::MaxParticipants::get();
	assert!(1 + max_candidates + max_helpers <= max_participants, "the player, every candidate and helper fit");
	// Paid without a commitment: exactly the two windows that can still be committed.
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		let allowance: u32 = <Runtime as pallet_pgt_sessions::Config>::UnverifiedAllowance::get();
		assert_eq!(allowance, 2 * crate::configs::WindowSeconds::get());
	});
}

/// A dev or test chain may start with short verification windows (`work.windowLength` in its
/// genesis) so tests reach a committed, audited window in seconds: the seconds a window covers,
/// the fewest tasks it holds and the unverified allowance follow the length. Without it the
/// runtime's 5-minute window holds, and nothing after genesis can change it.
#[test]
fn a_chain_spec_may_shorten_the_verification_window() {
	use crate::configs::{MinTasksPerWindow, WindowLength, WindowSeconds, MIN_TASKS_PER_WINDOW, WINDOW_LENGTH};
	use polkadot_sdk::frame_support::traits::Get;
	let allowance = <Runtime as pallet_pgt_sessions::Config>::UnverifiedAllowance::get;
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		assert_eq!(WindowLength::get(), WINDOW_LENGTH);
		assert_eq!((WindowSeconds::get(), MinTasksPerWindow::get(), allowance()), (300, MIN_TASKS_PER_WINDOW, 600));
		assert_eq!(pallet_pgt_work::Pallet::<Runtime>::window_of(WINDOW_LENGTH), 1);
	});
	let short = serde_json::json!({ "work": { "windowLength": 3 } });
	ext_from_patched_preset(DEVELOPMENT, short).execute_with(|| {
		assert_eq!(WindowLength::get(), 3);
		// 3 blocks of 6 s: 18 s, at least 30 frames a second of one tile each, two windows paid
		// without a commitment.
		assert_eq!((WindowSeconds::get(), MinTasksPerWindow::get(), allowance()), (18, 540, 36));
		assert_eq!(pallet_pgt_work::Pallet::<Runtime>::window_of(7), 2);
		assert_eq!(pallet_pgt_work::GenesisWindowLength::<Runtime>::get(), Some(3));
	});
	// A window of no blocks is refused when the chain is built.
	let zero = serde_json::json!({ "work": { "windowLength": 0 } });
	let built = std::panic::catch_unwind(|| ext_from_patched_preset(DEVELOPMENT, zero));
	assert!(built.is_err(), "a zero-length window must not build");
}

/// The dev genesis sets the INSECURE dev verifying key and endows the pool with the existential
/// deposit; a real proof shields PGT on the real runtime, verified through the host-call path.
#[test]
fn development_genesis_has_the_dev_key_and_a_shield_goes_through() {
	use pgt_zk::{
		circuit::{public_amount, InputNote, PublicInputs, TransactionCircuit, Witness},
		note::{public_key, Note},
		prove::{load_insecure_dev_proving_key, prove},
		verify::{decode_field, encode_field},
		Fr,
	};
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
	ext_from_preset(DEVELOPMENT).execute_with(|| {
		System::set_block_number(1);
		assert_eq!(pallet_pgt_shielded::KeyVersion::<Runtime>::get(), 1);
		assert_eq!(
			pallet_pgt_shielded::VerifyingKeys::<Runtime>::get(1).map(|k| k.key.into_inner()),
			Some(pgt_zk::INSECURE_DEV_VERIFYING_KEY.to_vec())
		);
		let pool = crate::Shielded::pool_account();
		assert_eq!(Balances::balance(&pool), crate::EXISTENTIAL_DEPOSIT);

		let alice = Sr25519Keyring::Alice.to_account_id();
		let before = Balances::balance(&alice);
		let sk = Fr::from(5u64);
		let inputs = [
			InputNote::dummy::<32>(Fr::from(6u64), Fr::from(7u64)),
			InputNote::dummy::<32>(Fr::from(8u64), Fr::from(9u64)),
		];
		let outputs = [
			Note { value: 10 * PGT as u64, owner: public_key(sk), blinding: Fr::from(1u64) },
			Note { value: 0, owner: public_key(sk), blinding: Fr::from(2u64) },
		];
		let ext = pgt_primitives::shielded::ExtData::<AccountId, Balance, u32> {
			recipient: None,
			ext_amount: 10 * PGT as i128,
			relayer: None,
			fee: 0,
			expiry: 10,
		};
		let notes: [polkadot_sdk::frame_support::BoundedVec<u8, _>; 2] = [Default::default(), Default::default()];
		let ext_hash =
			pgt_primitives::shielded::ext_data_hash(&crate::Shielded::genesis_hash(), &ext, &[&notes[0], &notes[1]]);
		let root = crate::Shielded::tree().root;
		let public = PublicInputs {
			root,
			nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
			commitments: [outputs[0].commitment(), outputs[1].commitment()],
			public_amount: public_amount(10 * PGT as i128),
			ext_data_hash: decode_field(&ext_hash).expect("canonical"),
		};
		let pk = load_insecure_dev_proving_key().expect("committed dev key");
		let proof = prove(
			&pk,
			TransactionCircuit::<32> { public, witness: Witness { inputs, outputs } },
			&mut ChaCha20Rng::seed_from_u64(1),
		)
		.expect("prove");
		let tx = pallet_pgt_shielded::TransactionInputs {
			root: encode_field(&root),
			nullifiers: public.nullifiers.map(|f| encode_field(&f)),
			commitments: public.commitments.map(|f| encode_field(&f)),
		};
		assert!(crate::Shielded::transact(
			crate::RuntimeOrigin::signed(alice.clone()),
			polkadot_sdk::frame_support::BoundedVec::truncate_from(proof),
			tx,
			ext,
			notes
		)
		.is_ok());
		assert_eq!(Balances::balance(&alice), before - 10 * PGT);
		assert_eq!(Balances::balance(&pool), crate::EXISTENTIAL_DEPOSIT + 10 * PGT);
	});
}

/// `pgt-client` repeats the two session records that are generic over the whole runtime; the
/// real ones, encoded, must decode as its copies field for field.
#[test]
fn the_clients_session_records_decode_the_runtimes() {
	use pallet_pgt_sessions::{
		CsuRecord, CsuShare, EndReason, HelperShare, HelperWork, Served, SessionInfo, SessionState, TaskPackage,
	};
	use pgt_primitives::{contributors::Requirements, sessions::ComplexityTier};
	use polkadot_sdk::sp_core::H256;
	let (alice, bob, charlie) = (
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Sr25519Keyring::Charlie.to_account_id(),
	);
	let raw = |a: &AccountId| -> [u8; 32] { *<AccountId as AsRef<[u8; 32]>>::as_ref(a) };
	let task = TaskPackage { hash: H256::repeat_byte(7), requested_at: 11, requested_at_ms: 12, expected_duration: 13 };
	let mut served = Served::starting(bob.clone(), 99, H256::repeat_byte(9));
	served.seconds_served = 30;
	served.seconds_paused = 4;
	served.frames = 900;
	served.tasks_committed = 1_234;
	let mut helper = HelperWork::named(charlie.clone(), bob.clone());
	helper.tasks_credited = 500;
	helper.tasks_committed = 600;
	let info = SessionInfo::<Runtime> {
		player: alice.clone(),
		game: 0,
		complexity: ComplexityTier::Standard,
		requirements: Requirements { max_latency_ms: 80, min_cpu_cores: 2, ..Default::default() },
		max_rate: 5 * PGT,
		rate: 2 * PGT,
		escrow: 5 * PGT,
		task: task.clone(),
		host: bob.clone(),
		backups: vec![charlie.clone()].try_into().expect("one backup"),
		standby: Default::default(),
		state: SessionState::Active { since: 20, deadline: 70 },
		served: vec![served].try_into().expect("one server"),
		helpers: vec![helper].try_into().expect("one helper"),
	};
	let record = pgt_client::SessionRecord::decode(&mut &info.encode()[..]).expect("decodes");
	assert_eq!(record.player, raw(&alice));
	assert_eq!(record.host, raw(&bob));
	assert_eq!(record.backups, vec![raw(&charlie)]);
	assert_eq!((record.requirements.max_latency_ms, record.rate, record.escrow), (80, 2 * PGT, 5 * PGT));
	assert_eq!(record.task.hash, task.hash);
	assert!(record.is_active());
	assert_eq!(
		record.served_by(&raw(&bob)).map(|s| (s.seconds_served, s.seconds_paused, s.frames)),
		Some((30, 4, 900))
	);
	assert_eq!(record.served_by(&raw(&bob)).map(|s| s.tasks_committed), Some(1_234));
	assert_eq!(
		record.helpers.iter().map(|h| (h.helper, h.host, h.tasks_credited, h.tasks_committed)).collect::<Vec<_>>(),
		vec![(raw(&charlie), raw(&bob), 500, 600)]
	);

	let share = CsuShare {
		contributor: bob.clone(),
		resource_hash: H256::repeat_byte(9),
		seconds_served: 30,
		seconds_paused: 4,
		seconds_forfeited: 0,
		seconds_uncommitted: 0,
		seconds_billed: 26,
		frames: 900,
		tasks_committed: 1_234,
		paid: 1_000,
		earned: 850,
		receipt_hash: H256::repeat_byte(3),
	};
	let csu = CsuRecord::<Runtime> {
		player: alice.clone(),
		game: 0,
		task,
		ended_at: 80,
		ended_at_ms: 81,
		end_reason: EndReason::Player,
		rate: 2 * PGT,
		shares: vec![share].try_into().expect("one share"),
		helpers: vec![HelperShare {
			helper: charlie.clone(),
			host: bob.clone(),
			tasks_credited: 500,
			tasks_committed: 600,
			tasks_paid: 500,
			windows_wrong: 0,
			earned: 120,
		}]
		.try_into()
		.expect("one helper"),
		paid: 1_000,
		burned: 100,
		to_treasury: 50,
		refunded: 7,
	};
	let record = pgt_client::CsuRecord::decode(&mut &csu.encode()[..]).expect("decodes");
	assert_eq!((record.paid, record.burned, record.to_treasury, record.refunded), (1_000, 100, 50, 7));
	assert_eq!(record.end_reason, EndReason::Player);
	assert_eq!(record.shares[0].contributor, raw(&bob));
	assert_eq!((record.shares[0].seconds_billed, record.shares[0].earned), (26, 850));
	assert_eq!(
		record.helpers.iter().map(|h| (h.helper, h.tasks_paid, h.earned)).collect::<Vec<_>>(),
		vec![(raw(&charlie), 500, 120)]
	);
}
