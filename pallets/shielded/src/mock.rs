//! A minimal runtime for the shielded pool: System, Timestamp, Balances and this pallet, verifying with
//! the BLS12-381 host functions (natively, in tests) and the committed INSECURE dev key.

use crate as pallet_pgt_shielded;
pub use pgt_pallet_support::testing::CheckedExternalities;
use polkadot_sdk::{frame_support::derive_impl, frame_system, pallet_balances, sp_runtime::BuildStorage};

/// The existential deposit.
pub const ED: u64 = 10;

pgt_pallet_support::mock_runtime! {
	account: u64, balance: u64, existential_deposit: ED;
	3 => Shielded: pallet_pgt_shielded,
}

#[derive_impl(pallet_pgt_shielded::config_preludes::TestDefaultConfig)]
impl pallet_pgt_shielded::Config for Test {
	type Currency = Balances;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkFixture = MockFixture;
}

/// Most bytes of an encrypted note here.
pub type MaxEncryptedNoteLen = <Test as pallet_pgt_shielded::Config>::MaxEncryptedNoteLen;
/// Blocks a root stays an anchor here.
pub type RootHistory = <Test as pallet_pgt_shielded::Config>::RootHistory;

#[cfg(feature = "runtime-benchmarks")]
polkadot_sdk::frame_support::parameter_types! {
	pub MockFixture: &'static [u8] = crate::fixtures::MOCK;
}

pub const ALICE: u64 = 1;
pub const RELAYER: u64 = 3;
pub const FRESH: u64 = 4;

/// Alice and the relayer hold 1,000; the pool starts with the existential deposit; the dev key.
pub fn new_test_ext() -> CheckedExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> { balances: vec![(ALICE, 1_000), (RELAYER, 1_000)], ..Default::default() }
		.assimilate_storage(&mut t)
		.expect("balances genesis");
	pallet_pgt_shielded::GenesisConfig::<Test> {
		verifying_key: pgt_zk::prove::DEV_VERIFYING_KEY.to_vec(),
		_marker: Default::default(),
	}
	.assimilate_storage(&mut t)
	.expect("shielded genesis");
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	CheckedExternalities::new(ext, Shielded::check_invariants)
}
