//! A runtime for session tests: System, Timestamp, Balances, the real contributor registry and
//! this pallet. Accounts are sr25519 keys from the dev keyring, so receipts carry real
//! signatures.

use crate as pallet_pgt_sessions;
pub use pgt_pallet_support::testing::{treasury, CheckedExternalities};
use pgt_primitives::sessions::ComplexityTier;
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types},
	frame_system, pallet_balances,
	sp_keyring::Sr25519Keyring,
	sp_runtime::BuildStorage,
};

pgt_pallet_support::mock_runtime! {
	account: polkadot_sdk::sp_runtime::AccountId32, balance: u128, existential_deposit: 10;
	3 => Contributors: pallet_pgt_contributors,
	4 => Sessions: pallet_pgt_sessions,
}

pub use crate::config_preludes::{ACCEPT_TIMEOUT, CSU_RETENTION, MAX_RATE, MIN_RATE, RECEIPT_TIMEOUT};
pub use pallet_pgt_contributors::{config_preludes::MIN_STAKE, testing_utils::profile};
pub const GAME: u32 = 1;
pub const HEAVY_GAME: u32 = 2;

parameter_types! {
	pub TreasuryAccount: AccountId = treasury();
}

#[derive_impl(pallet_pgt_contributors::config_preludes::TestDefaultConfig)]
impl pallet_pgt_contributors::Config for Test {
	type Currency = Balances;
	type Treasury = TreasuryAccount;
}

#[derive_impl(pallet_pgt_sessions::config_preludes::TestDefaultConfig)]
impl pallet_pgt_sessions::Config for Test {
	type Currency = Balances;
	type Registry = Contributors;
	type UnixTime = Timestamp;
	type Treasury = TreasuryAccount;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Helper;
}

/// Signs benchmark receipts with `//Player`.
#[cfg(feature = "runtime-benchmarks")]
pub struct Helper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, polkadot_sdk::sp_runtime::MultiSignature> for Helper {
	fn player() -> AccountId {
		use polkadot_sdk::sp_core::Pair;
		let pair = polkadot_sdk::sp_core::sr25519::Pair::from_string("//Player", None).expect("dev seed");
		use polkadot_sdk::sp_runtime::traits::IdentifyAccount;
		polkadot_sdk::sp_runtime::MultiSigner::from(pair.public()).into_account()
	}
	fn sign(payload: &[u8]) -> polkadot_sdk::sp_runtime::MultiSignature {
		use polkadot_sdk::sp_core::Pair;
		polkadot_sdk::sp_core::sr25519::Pair::from_string("//Player", None).expect("dev seed").sign(payload).into()
	}
	fn contributor(index: u32) -> AccountId {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		let who = AccountId::new(polkadot_sdk::sp_io::hashing::blake2_256(&index.to_le_bytes()));
		Balances::set_balance(&who, INITIAL);
		pallet_pgt_contributors::testing_utils::register::<Test>(&who, profile(8), MIN_STAKE).expect("registers");
		who
	}
	fn pass_time(ms: u64) {
		Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get().saturating_add(ms));
	}
}

pub const ALICE: Sr25519Keyring = Sr25519Keyring::Alice;
pub const BOB: Sr25519Keyring = Sr25519Keyring::Bob;
pub const CHARLIE: Sr25519Keyring = Sr25519Keyring::Charlie;
pub const DAVE: Sr25519Keyring = Sr25519Keyring::Dave;
pub const EVE: Sr25519Keyring = Sr25519Keyring::Eve;
pub const FERDIE: Sr25519Keyring = Sr25519Keyring::Ferdie;

pub const INITIAL: Balance = 1_000_000_000_000;

/// Every dev account holds `INITIAL`; the treasury 1,000; games 1 (Standard) and 2 (Heavy).
pub fn new_test_ext() -> CheckedExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: Sr25519Keyring::iter()
			.map(|k| (k.to_account_id(), INITIAL))
			.chain([(treasury(), 1_000)])
			.chain(benchmark_player())
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.expect("balances genesis");
	pallet_pgt_sessions::GenesisConfig::<Test> {
		games: vec![(GAME, ComplexityTier::Standard), (HEAVY_GAME, ComplexityTier::Heavy)],
		base_rate: 36_000,
	}
	.assimilate_storage(&mut t)
	.expect("sessions genesis");
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(1_700_000_000_000);
	});
	CheckedExternalities::new(ext, check_invariants)
}

/// The invariants of both pallets in this runtime.
pub fn check_invariants() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
	Contributors::check_invariants()?;
	Sessions::check_invariants()
}

#[cfg(feature = "runtime-benchmarks")]
fn benchmark_player() -> Option<(AccountId, Balance)> {
	use crate::BenchmarkHelper;
	Some((Helper::player(), INITIAL))
}
#[cfg(not(feature = "runtime-benchmarks"))]
fn benchmark_player() -> Option<(AccountId, Balance)> {
	None
}
