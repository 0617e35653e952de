//! A minimal runtime for the shielded pool: System, Balances and this pallet, verifying with
//! the BLS12-381 host functions (natively, in tests) and the committed INSECURE dev key.

use crate as pallet_pgt_shielded;
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU64, PalletId},
	frame_system, pallet_balances,
	sp_runtime::BuildStorage,
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
	pub type Shielded = pallet_pgt_shielded;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

/// The existential deposit.
pub const ED: u64 = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<ED>;
}

parameter_types! {
	pub const ShieldedPalletId: PalletId = PalletId(*b"pgt/shld");
	pub const RootHistory: u64 = 5;
	pub const MaxEncryptedNoteLen: u32 = 128;
}

impl pallet_pgt_shielded::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Verifier = crate::HostCallVerifier;
	type PalletId = ShieldedPalletId;
	type RootHistory = RootHistory;
	type MaxEncryptedNoteLen = MaxEncryptedNoteLen;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkFixture = MockFixture;
}

#[cfg(feature = "runtime-benchmarks")]
parameter_types! {
	pub MockFixture: &'static [u8] = crate::fixtures::MOCK;
}

pub const ALICE: u64 = 1;
pub const RELAYER: u64 = 3;
pub const FRESH: u64 = 4;

/// Alice and the relayer hold 1,000; the pool starts with the existential deposit; the dev key.
pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
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
	ext
}
