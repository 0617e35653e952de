//! The treasury and sudo.
//!
//! The treasury collects its share of every fee (see [`super::fees`]) and pays bug bounties and
//! grants; spends are approved by Root (sudo, for now). Sudo is the early chain's governance and
//! is meant to be removed once on-chain governance exists.

use crate::{AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, System};
use pgt_primitives::DAYS;
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		PalletId,
	},
	frame_system::{EnsureRoot, EnsureRootWithSuccess},
	pallet_sudo, pallet_treasury,
	sp_runtime::{traits::IdentityLookup, Permill},
};

parameter_types! {
	/// The treasury's pallet id; its account is derived from it.
	pub const TreasuryPalletId: PalletId = PalletId(*b"pgt/trsy");
	/// Approved spends are paid out every day.
	pub const SpendPeriod: BlockNumber = DAYS;
	/// The treasury burns nothing of its own funds: fees are already burned on the way in.
	pub const Burn: Permill = Permill::zero();
	/// A spend may be claimed within 30 days of becoming payable.
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
	/// Most approved proposals waiting at once.
	pub const MaxApprovals: u32 = 100;
	/// Root may spend any amount.
	pub const MaxSpend: Balance = Balance::MAX;
	/// The treasury's account.
	pub TreasuryAccountId: AccountId = pallet_treasury::Pallet::<Runtime>::account_id();
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EnsureRoot<AccountId>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = Burn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = MaxApprovals;
	type SpendOrigin = EnsureRootWithSuccess<AccountId, MaxSpend>;
	// Only PGT itself for now.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccountId>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	type BlockNumberProvider = System;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}
