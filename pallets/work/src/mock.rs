//! A runtime for work tests: System, Timestamp, Balances, the real contributor registry, the real
//! sessions pallet and this pallet. Randomness is a seed the tests set (BABE in the runtime).

use crate as pallet_pgt_work;
pub use pgt_pallet_support::testing::{treasury, CheckedExternalities};
use pgt_primitives::sessions::ComplexityTier;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{ConstU128, ConstU32, ConstU64, Randomness},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	pallet_balances,
	sp_core::H256,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{AccountId32, BuildStorage, Perbill},
};

pgt_pallet_support::mock_runtime! {
	account: polkadot_sdk::sp_runtime::AccountId32, balance: u128, existential_deposit: 10;
	3 => Contributors: pallet_pgt_contributors,
	4 => Sessions: pallet_pgt_sessions,
	5 => Work: pallet_pgt_work,
}

pub use crate::config_preludes::{
	AUDITORS, AUDIT_REWARD, AUDIT_TIMEOUT, DELAY, K, MIN_TASKS, OPEN_TIMEOUT, REVEAL_TIMEOUT, WINDOW, WINDOW_SECONDS,
};
pub use pallet_pgt_contributors::testing_utils::profile;
/// The least stake (more than the registry's default, so slashes are visible).
pub const MIN_STAKE: Balance = 10_000;
pub const GAME: u32 = 1;
pub const INITIAL: Balance = 1_000_000_000_000;
pub const POT: Balance = 1_000_000;

parameter_types! {
	pub TreasuryAccount: AccountId = treasury();
	pub static MinAuditorReputation: Perbill = Perbill::from_percent(40);
	pub static RandomSeed: H256 = H256::repeat_byte(1);
	/// The randomness read in one block (what BABE gives as the parent block's VRF output), if
	/// a test sets it.
	pub static VrfOverride: Option<(u64, H256)> = None;
}

#[derive_impl(pallet_pgt_contributors::config_preludes::TestDefaultConfig)]
impl pallet_pgt_contributors::Config for Test {
	type Currency = Balances;
	type MinStake = ConstU128<MIN_STAKE>;
	type Treasury = TreasuryAccount;
}

#[derive_impl(pallet_pgt_sessions::config_preludes::TestDefaultConfig)]
impl pallet_pgt_sessions::Config for Test {
	type Currency = Balances;
	type Registry = Contributors;
	type UnixTime = Timestamp;
	type Treasury = TreasuryAccount;
	type ReceiptTimeout = ConstU64<1_000>;
	type MaxTimeoutsPerBlock = ConstU32<8>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SessionsHelper;
}

/// The seed the tests set, as BABE's randomness would be.
pub struct TestRandomness;
impl Randomness<Option<H256>, BlockNumberFor<Test>> for TestRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, BlockNumberFor<Test>) {
		use codec::Encode;
		let now = System::block_number();
		if let Some((at, output)) = VrfOverride::get() {
			if at == now {
				return (Some(output), now);
			}
		}
		let h = polkadot_sdk::sp_io::hashing::blake2_256(&(RandomSeed::get(), subject, now).encode());
		(Some(H256(h)), now)
	}
}

/// Sets the randomness later draws use.
pub fn set_random_seed(seed: H256) {
	RandomSeed::set(seed);
}

#[derive_impl(pallet_pgt_work::config_preludes::TestDefaultConfig)]
impl pallet_pgt_work::Config for Test {
	type Currency = Balances;
	type Registry = Contributors;
	type Sessions = Sessions;
	type Randomness = TestRandomness;
	type RewardPot = TreasuryAccount;
	type MinAuditorReputation = MinAuditorReputation;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = WorkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct SessionsHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_pgt_sessions::BenchmarkHelper<AccountId, polkadot_sdk::sp_runtime::MultiSignature> for SessionsHelper {
	fn player() -> AccountId {
		Sr25519Keyring::Alice.to_account_id()
	}
	fn sign(payload: &[u8]) -> polkadot_sdk::sp_runtime::MultiSignature {
		use polkadot_sdk::sp_core::Pair;
		Sr25519Keyring::Alice.pair().sign(payload).into()
	}
	fn contributor(index: u32) -> AccountId {
		contributor(index)
	}
	fn pass_time(ms: u64) {
		Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get().saturating_add(ms));
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct WorkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for WorkHelper {
	fn serving_session(host: &AccountId) -> u64 {
		serving_session(host)
	}
	fn auditor(index: u32) -> AccountId {
		contributor(1_000 + index)
	}
	fn unqualified(index: u32) -> AccountId {
		let who = contributor(2_000 + index);
		pallet_pgt_contributors::testing_utils::go_offline::<Test>(&who);
		who
	}
}

/// A fresh registered, online contributor with the minimum stake (a new one per `index`).
pub fn contributor(index: u32) -> AccountId {
	use codec::Encode;
	use polkadot_sdk::frame_support::traits::fungible::Mutate;
	let who = AccountId32::new(polkadot_sdk::sp_io::hashing::blake2_256(&(b"contributor", index).encode()));
	if pallet_pgt_contributors::Registry::<Test>::contains_key(&who) {
		return who;
	}
	Balances::set_balance(&who, INITIAL);
	pallet_pgt_contributors::testing_utils::register::<Test>(&who, profile(4), MIN_STAKE).expect("registers");
	who
}

/// Alice requests a session naming only `host`, and `host` accepts: it is serving now.
pub fn serving_session(host: &AccountId) -> u64 {
	pallet_pgt_sessions::testing_utils::serving_session::<Test>(
		Sr25519Keyring::Alice.to_account_id(),
		GAME,
		host,
		100_000,
	)
}

/// Every dev account holds `INITIAL`, the treasury (the reward pot) `POT`; game 1 is Standard.
pub fn new_test_ext() -> CheckedExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: Sr25519Keyring::iter().map(|k| (k.to_account_id(), INITIAL)).chain([(treasury(), POT)]).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.expect("balances genesis");
	pallet_pgt_sessions::GenesisConfig::<Test> { games: vec![(GAME, ComplexityTier::Standard)], base_rate: 36_000 }
		.assimilate_storage(&mut t)
		.expect("sessions genesis");
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(time_of(1));
		set_random_seed(H256::repeat_byte(1));
		MinAuditorReputation::set(Perbill::from_percent(40));
	});
	CheckedExternalities::new(ext, check_invariants)
}

/// The invariants of the three pallets in this runtime.
pub fn check_invariants() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
	Contributors::check_invariants()?;
	Sessions::check_invariants()?;
	Work::check_invariants()
}

/// The timestamp of block `n` (ms), 6 s apart.
pub fn time_of(n: u64) -> u64 {
	1_700_000_000_000 + (n.max(1) - 1) * 6_000
}

/// Runs blocks up to `n`, each with its timestamp, as a real chain would.
pub fn run_to(n: u64) {
	use polkadot_sdk::frame_system::RunToBlockHooks;
	System::run_to_block_with::<AllPalletsWithSystem>(
		n,
		RunToBlockHooks::default()
			.after_initialize(|_| Timestamp::set_timestamp(polkadot_sdk::pallet_timestamp::Now::<Test>::get() + 6_000)),
	);
}
