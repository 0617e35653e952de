//! A minimal runtime for the registry: System, Balances and this pallet. Accounts are real
//! sr25519 keys (`AccountId32`), like on the chain.

use crate as pallet_pgt_contributors;
use crate::{HardwareProfile, SlashDestination};
use pgt_primitives::contributors::Region;
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU32},
	frame_system, pallet_balances,
	sp_core::H256,
	sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, Perbill},
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
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Contributors = pallet_pgt_contributors;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ExistentialDeposit;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const MIN_STAKE: Balance = 1_000;
pub const HEARTBEAT_TIMEOUT: u64 = 10;
pub const UNBONDING: u64 = 20;

parameter_types! {
	pub const ExistentialDeposit: Balance = 10;
	pub const MinStake: Balance = MIN_STAKE;
	pub const HeartbeatTimeout: u64 = HEARTBEAT_TIMEOUT;
	pub const UnbondingPeriod: u64 = UNBONDING;
	pub const ReputationDiscount: Perbill = Perbill::from_percent(98);
	pub static SlashTo: SlashDestination = SlashDestination::Burn;
	pub TreasuryAccount: AccountId = treasury();
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
	type LeaderboardSize = ConstU32<3>;
	type MaxSweepPerBlock = ConstU32<2>;
	type WeightInfo = ();
}

/// A test account from a number.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

pub fn treasury() -> AccountId {
	account(100)
}

pub const BOB: u8 = 2;
pub const CHARLIE: u8 = 3;
pub const DAVE: u8 = 4;
pub const EVE: u8 = 5;
pub const POOR: u8 = 9;

/// A machine with 8 cores, a 16 GiB GPU, in Europe, taking `max_sessions` sessions.
pub fn profile(max_sessions: u16) -> HardwareProfile {
	HardwareProfile {
		cpu_cores: 8,
		gpu_model: b"Test GPU".to_vec().try_into().expect("short"),
		gpu_memory_mb: 16_384,
		benchmark_score: 1_000,
		resource_hash: H256::repeat_byte(7),
		disk_gb: 100,
		region: Region::Europe,
		peer_id: vec![0x00, 0x24, 0x08, 0x01].try_into().expect("short"),
		addresses: Default::default(),
		max_sessions,
	}
}

/// Bob, Charlie, Dave and Eve hold 1,000,000 each; `POOR` 500; the treasury 1,000.
pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: [BOB, CHARLIE, DAVE, EVE]
			.into_iter()
			.map(|n| (account(n), 1_000_000))
			.chain([(account(POOR), 500), (treasury(), 1_000)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.expect("balances genesis");
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
