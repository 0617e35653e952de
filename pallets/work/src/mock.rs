//! A runtime for work tests: System, Timestamp, Balances, the real contributor registry, the real
//! sessions pallet and this pallet. Randomness is a seed the tests set (BABE in the runtime).

use crate as pallet_pgt_work;
use pgt_primitives::{
	contributors::{HardwareProfile, Region},
	sessions::ComplexityTier,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{ConstU32, Randomness},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor, EnsureRoot},
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
	#[runtime::pallet_index(5)]
	pub type Work = pallet_pgt_work;
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

pub const MIN_STAKE: Balance = 10_000;
pub const WINDOW: u64 = 10;
pub const WINDOW_SECONDS: u32 = 60;
pub const DELAY: u64 = 2;
pub const K: u32 = 10;
pub const AUDITORS: u32 = 3;
pub const OPEN_TIMEOUT: u64 = 5;
pub const AUDIT_TIMEOUT: u64 = 10;
pub const AUDIT_REWARD: Balance = 100;
pub const GAME: u32 = 1;
pub const INITIAL: Balance = 1_000_000_000_000;
pub const POT: Balance = 1_000_000;

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
	pub const MinRate: Balance = 3_600;
	pub const MaxRate: Balance = 3_600_000_000;
	pub const TargetUtilisation: Perbill = Perbill::from_percent(50);
	pub const MaxRateStep: Perbill = Perbill::from_parts(125_000_000);
	pub const WindowLength: u64 = WINDOW;
	pub const WindowSeconds: u32 = WINDOW_SECONDS;
	pub const ChallengeDelay: u64 = DELAY;
	pub const OpenTimeout: u64 = OPEN_TIMEOUT;
	pub const AuditTimeout: u64 = AUDIT_TIMEOUT;
	pub const AuditReward: Balance = AUDIT_REWARD;
	pub const SlashShare: Perbill = Perbill::from_percent(10);
	pub static MinAuditorReputation: Perbill = Perbill::from_percent(40);
	pub static RandomSeed: H256 = H256::repeat_byte(1);
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
	type AcceptTimeout = ConstU64<5>;
	type ReceiptTimeout = ConstU64<1_000>;
	type CsuRetention = ConstU64<50>;
	type MaxTimeoutsPerBlock = ConstU32<8>;
	type MinRate = MinRate;
	type MaxRate = MaxRate;
	type TargetUtilisation = TargetUtilisation;
	type MaxRateStep = MaxRateStep;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SessionsHelper;
}

use polkadot_sdk::frame_support::traits::ConstU64;

/// The seed the tests set, as BABE's randomness would be.
pub struct TestRandomness;
impl Randomness<Option<H256>, BlockNumberFor<Test>> for TestRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, BlockNumberFor<Test>) {
		use codec::Encode;
		let h =
			polkadot_sdk::sp_io::hashing::blake2_256(&(RandomSeed::get(), subject, System::block_number()).encode());
		(Some(H256(h)), System::block_number())
	}
}

/// Sets the randomness later draws use.
pub fn set_random_seed(seed: H256) {
	RandomSeed::set(seed);
}

impl pallet_pgt_work::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Registry = Contributors;
	type Sessions = Sessions;
	type Randomness = TestRandomness;
	type RewardPot = TreasuryAccount;
	type WindowLength = WindowLength;
	type WindowSeconds = WindowSeconds;
	type ChallengeDelay = ChallengeDelay;
	type ChallengesPerWindow = ConstU32<K>;
	type OpenTimeout = OpenTimeout;
	type AuditorsPerLeaf = ConstU32<AUDITORS>;
	type MinAuditorReputation = MinAuditorReputation;
	type AuditTimeout = AuditTimeout;
	type AuditReward = AuditReward;
	type SlashShare = SlashShare;
	type MaxTasksPerWindow = ConstU32<{ 1 << 20 }>;
	type MaxDeadlinesPerBlock = ConstU32<8>;
	type MaxAuditorScan = ConstU32<16>;
	type MaxPrunePerBlock = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = WorkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct SessionsHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_pgt_sessions::BenchmarkHelper<AccountId, MultiSignature> for SessionsHelper {
	fn player() -> AccountId {
		Sr25519Keyring::Alice.to_account_id()
	}
	fn sign(payload: &[u8]) -> MultiSignature {
		use polkadot_sdk::sp_core::Pair;
		Sr25519Keyring::Alice.pair().sign(payload).into()
	}
	fn contributor(index: u32) -> AccountId {
		contributor(index)
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
		Contributors::do_unregister(who.clone()).expect("no sessions");
		who
	}
}

/// A fresh registered, online contributor with the minimum stake (a new one per `index`).
pub fn contributor(index: u32) -> AccountId {
	use codec::Encode;
	use polkadot_sdk::frame_support::traits::fungible::Mutate;
	let who = AccountId32::new(polkadot_sdk::sp_io::hashing::blake2_256(&(b"contributor", index).encode()));
	if pallet_pgt_contributors::Contributors::<Test>::contains_key(&who) {
		return who;
	}
	Balances::set_balance(&who, INITIAL);
	Contributors::do_register(who.clone(), profile(4), MIN_STAKE).expect("registers");
	who
}

/// Alice requests a session naming only `host`, and `host` accepts: it is serving now.
pub fn serving_session(host: &AccountId) -> u64 {
	let id = pallet_pgt_sessions::NextSessionId::<Test>::get();
	Sessions::do_request_session(
		Sr25519Keyring::Alice.to_account_id(),
		GAME,
		Default::default(),
		3_600,
		100_000,
		polkadot_sdk::frame_support::BoundedVec::truncate_from(vec![host.clone()]),
	)
	.expect("the host can serve");
	Sessions::do_accept_session(host.clone(), id).expect("the host accepts");
	id
}

pub fn treasury() -> AccountId {
	AccountId32::new([0x77; 32])
}

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

/// Every dev account holds `INITIAL`, the treasury (the reward pot) `POT`; game 1 is Standard.
pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
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
	ext
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
		RunToBlockHooks::default().after_initialize(|bn| Timestamp::set_timestamp(time_of(bn))),
	);
}
