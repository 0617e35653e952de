//! A minimal runtime for the fee split: System, Balances and this pallet.

use crate as pallet_pgt_fees;
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU64},
	frame_system, pallet_balances,
	sp_runtime::{BuildStorage, Percent},
};

type Block = frame_system::mocking::MockBlock<Test>;

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
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Fees = pallet_pgt_fees;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<10>;
}

pub const TREASURY: u64 = 100;
pub const AUTHOR: u64 = 200;
pub const PAYER: u64 = 1;

parameter_types! {
	pub const BurnShare: Percent = Percent::from_percent(40);
	pub const TreasuryShare: Percent = Percent::from_percent(30);
	pub const TreasuryAccount: u64 = TREASURY;
	pub static BlockAuthor: Option<u64> = Some(AUTHOR);
}

impl pallet_pgt_fees::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BurnShare = BurnShare;
	type TreasuryShare = TreasuryShare;
	type Treasury = TreasuryAccount;
	type BlockAuthor = BlockAuthor;
}

/// Payer holds 1,000,000, treasury and author each 1,000.
pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(PAYER, 1_000_000), (TREASURY, 1_000), (AUTHOR, 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.expect("balances genesis");
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
