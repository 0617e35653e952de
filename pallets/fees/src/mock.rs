//! A minimal runtime for the fee split: System, Timestamp, Balances and this pallet.

use crate as pallet_pgt_fees;
use polkadot_sdk::{
	frame_support::parameter_types,
	frame_system, pallet_balances,
	sp_runtime::{BuildStorage, Percent},
};

pgt_pallet_support::mock_runtime! {
	account: u64, balance: u64, existential_deposit: 10;
	3 => Fees: pallet_pgt_fees,
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
