//! A runtime for session tests: System, Timestamp, Balances, the real contributor registry and
//! this pallet. Accounts are sr25519 keys from the dev keyring, so receipts carry real
//! signatures.

use crate as pallet_pgt_sessions;
use pgt_primitives::{
	contributors::{HardwareProfile, Region},
	sessions::ComplexityTier,
};
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU32},
	frame_system::{self, EnsureRoot},
	pallet_balances, pallet_timestamp,
	sp_core::H256,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::{IdentityLookup, Verify},
		AccountId32, BuildStorage, MultiSignature, Perbill, Percent,
	},
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u128;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeHoldReason,
		RuntimeFreezeReason,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(3)]
	pub type Contributors = pallet_pgt_contributors;
	#[runtime::pallet_index(4)]
	pub type Sessions = pallet_pgt_sessions;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ExistentialDeposit;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const MIN_STAKE: Balance = 1_000;
pub const ACCEPT_TIMEOUT: u64 = 5;
pub const RECEIPT_TIMEOUT: u64 = 10;
pub const CSU_RETENTION: u64 = 50;
pub const MIN_RATE: Balance = 3_600;
pub const MAX_RATE: Balance = 3_600_000_000;
pub const GAME: u32 = 1;
pub const HEAVY_GAME: u32 = 2;

parameter_types! {
	pub const ExistentialDeposit: Balance = 10;
	pub const MinStake: Balance = MIN_STAKE;
	pub const HeartbeatTimeout: u64 = 100;
	pub const UnbondingPeriod: u64 = 20;
	pub const ReputationDiscount: Perbill = Perbill::from_percent(98);
	pub const SlashTo: pallet_pgt_contributors::SlashDestination = pallet_pgt_contributors::SlashDestination::Burn;
	pub TreasuryAccount: AccountId = treasury();
	pub const BurnShare: Percent = Percent::from_percent(30);
	pub const TreasuryShare: Percent = Percent::from_percent(10);
	pub const AcceptTimeout: u64 = ACCEPT_TIMEOUT;
	pub const ReceiptTimeout: u64 = RECEIPT_TIMEOUT;
	pub const CsuRetention: u64 = CSU_RETENTION;
	pub const MinRate: Balance = MIN_RATE;
	pub const MaxRate: Balance = MAX_RATE;
	pub const TargetUtilisation: Perbill = Perbill::from_percent(50);
	pub const MaxRateStep: Perbill = Perbill::from_parts(125_000_000);
}

impl pallet_pgt_contributors::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinStake = MinStake;
	type HeartbeatTimeout = HeartbeatTimeout;
	type UnbondingPeriod = UnbondingPeriod;
	type ReputationDiscount = ReputationDiscount;
	type SlashTo = SlashTo;
	type Treasury = TreasuryAccount;
	type LeaderboardSize = ConstU32<10>;
	type MaxSweepPerBlock = ConstU32<4>;
	type WeightInfo = ();
}

impl pallet_pgt_sessions::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = Contributors;
	type Signature = MultiSignature;
	type Signer = <MultiSignature as Verify>::Signer;
	type UnixTime = Timestamp;
	type GameOrigin = EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type BurnShare = BurnShare;
	type TreasuryShare = TreasuryShare;
	type MaxBackups = ConstU32<2>;
	type MaxCandidates = ConstU32<5>;
	type MaxSessionSeconds = ConstU32<36_000>;
	type AcceptTimeout = AcceptTimeout;
	type ReceiptTimeout = ReceiptTimeout;
	type CsuRetention = CsuRetention;
	type MaxTimeoutsPerBlock = ConstU32<4>;
	type MinRate = MinRate;
	type MaxRate = MaxRate;
	type TargetUtilisation = TargetUtilisation;
	type MaxRateStep = MaxRateStep;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Helper;
}

/// Signs benchmark receipts with `//Player`.
#[cfg(feature = "runtime-benchmarks")]
pub struct Helper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, MultiSignature> for Helper {
	fn player() -> AccountId {
		use polkadot_sdk::sp_core::Pair;
		let pair = polkadot_sdk::sp_core::sr25519::Pair::from_string("//Player", None).expect("dev seed");
		use polkadot_sdk::sp_runtime::traits::IdentifyAccount;
		polkadot_sdk::sp_runtime::MultiSigner::from(pair.public()).into_account()
	}
	fn sign(payload: &[u8]) -> MultiSignature {
		use polkadot_sdk::sp_core::Pair;
		polkadot_sdk::sp_core::sr25519::Pair::from_string("//Player", None).expect("dev seed").sign(payload).into()
	}
	fn contributor(index: u32) -> AccountId {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		let who = AccountId32::new(polkadot_sdk::sp_io::hashing::blake2_256(&index.to_le_bytes()));
		Balances::set_balance(&who, INITIAL);
		Contributors::do_register(who.clone(), profile(8), MIN_STAKE).expect("registers");
		who
	}
}

pub const ALICE: Sr25519Keyring = Sr25519Keyring::Alice;
pub const BOB: Sr25519Keyring = Sr25519Keyring::Bob;
pub const CHARLIE: Sr25519Keyring = Sr25519Keyring::Charlie;
pub const DAVE: Sr25519Keyring = Sr25519Keyring::Dave;
pub const EVE: Sr25519Keyring = Sr25519Keyring::Eve;
pub const FERDIE: Sr25519Keyring = Sr25519Keyring::Ferdie;

pub fn treasury() -> AccountId {
	AccountId32::new([0x77; 32])
}

pub const INITIAL: Balance = 1_000_000_000_000;

/// A machine with 8 cores and a 16 GiB GPU in Europe, taking `max_sessions` sessions.
pub fn profile(max_sessions: u16) -> HardwareProfile {
	HardwareProfile {
		cpu_cores: 8,
		gpu_model: b"Test GPU".to_vec().try_into().expect("short"),
		gpu_memory_mb: 16_384,
		benchmark_score: 1_000,
		resource_hash: H256::repeat_byte(7),
		disk_gb: 100,
		region: Region::Europe,
		peer_id: vec![1, 2, 3].try_into().expect("short"),
		addresses: Default::default(),
		max_sessions,
	}
}

/// Every dev account holds `INITIAL`; the treasury 1,000; games 1 (Standard) and 2 (Heavy).
pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
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
	ext
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
