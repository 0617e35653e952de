//! A minimal runtime for the registry: System, Timestamp, Balances and this pallet. Accounts are real
//! sr25519 keys (`AccountId32`), like on the chain.

use crate as pallet_pgt_contributors;
use crate::SlashDestination;
pub use pgt_pallet_support::testing::{treasury, CheckedExternalities};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{ConstU32, ConstU64},
	},
	frame_system, pallet_balances,
	sp_runtime::{AccountId32, BuildStorage},
};

pgt_pallet_support::mock_runtime! {
	account: polkadot_sdk::sp_runtime::AccountId32, balance: u128, existential_deposit: 10;
	3 => Contributors: pallet_pgt_contributors,
}

pub use crate::config_preludes::{MIN_STAKE, UNBONDING};
/// Blocks without a heartbeat before a contributor is offline (shorter than the default).
pub const HEARTBEAT_TIMEOUT: u64 = 10;

parameter_types! {
	pub static SlashTo: SlashDestination = SlashDestination::Burn;
	pub TreasuryAccount: AccountId = treasury();
}

#[derive_impl(pallet_pgt_contributors::config_preludes::TestDefaultConfig)]
impl pallet_pgt_contributors::Config for Test {
	type Currency = Balances;
	type HeartbeatTimeout = ConstU64<HEARTBEAT_TIMEOUT>;
	type SlashTo = SlashTo;
	type Treasury = TreasuryAccount;
	type LeaderboardSize = ConstU32<3>;
	type MaxSweepPerBlock = ConstU32<2>;
}

/// A test account from a number.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

pub const BOB: u8 = 2;
pub const CHARLIE: u8 = 3;
pub const DAVE: u8 = 4;
pub const EVE: u8 = 5;
pub const POOR: u8 = 9;

pub use crate::testing_utils::profile;

/// Bob, Charlie, Dave and Eve hold 1,000,000 each; `POOR` 500; the treasury 1,000.
pub fn new_test_ext() -> CheckedExternalities {
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
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(6_000);
	});
	CheckedExternalities::new(ext, Contributors::check_invariants)
}
