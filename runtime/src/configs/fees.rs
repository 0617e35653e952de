//! PGT balances and transaction fees.
//!
//! A fee is `base + length × byte fee + weight × multiplier`, paid in PGT. What happens to it is
//! decided by `pallet-pgt-fees` with the shares below (also readable from metadata as
//! `Fees.BurnShare` and `Fees.TreasuryShare`): of every fee, [`FEE_BURN_SHARE`] is burned,
//! [`FEE_TREASURY_SHARE`] goes to the treasury and the rest ([`fee_author_share`]) to the block
//! author; tips go to the author whole.

use crate::{AccountId, Balance, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason};
use pgt_primitives::{EXISTENTIAL_DEPOSIT, MICRO_PGT};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstU32, Get},
		weights::{ConstantMultiplier, IdentityFee},
	},
	pallet_balances,
	pallet_transaction_payment::{self, FungibleAdapter, Multiplier, TargetedFeeAdjustment},
	sp_runtime::{traits::Bounded, FixedPointNumber, Percent, Perquintill},
};

/// Share of every transaction fee that is burned.
pub const FEE_BURN_SHARE: Percent = Percent::from_percent(40);

/// Share of every transaction fee that goes to the treasury.
pub const FEE_TREASURY_SHARE: Percent = Percent::from_percent(20);

/// Share of every transaction fee that goes to the block author (the rest).
pub const fn fee_author_share() -> Percent {
	Percent::from_percent(100 - FEE_BURN_SHARE.deconstruct() - FEE_TREASURY_SHARE.deconstruct())
}

parameter_types! {
	/// Accounts below this balance are removed.
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
	/// Fee per byte of an extrinsic: 10 µPGT.
	pub const TransactionByteFee: Balance = 10 * MICRO_PGT;
	/// Operational extrinsics pay 5× to jump the queue.
	pub const OperationalFeeMultiplier: u8 = 5;
	/// The fee multiplier aims at blocks 25 % full.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast the fee multiplier reacts to fuller or emptier blocks.
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(75, 1_000_000);
	/// The fee multiplier never falls below 0.1.
	pub MinimumMultiplier: Multiplier = Multiplier::saturating_from_rational(1, 10u128);
	/// No upper bound on the fee multiplier.
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
	/// See [`FEE_BURN_SHARE`].
	pub const BurnShare: Percent = FEE_BURN_SHARE;
	/// See [`FEE_TREASURY_SHARE`].
	pub const TreasuryShare: Percent = FEE_TREASURY_SHARE;
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	// Dust of reaped accounts is burned.
	type DustRemoval = ();
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = polkadot_sdk::frame_system::Pallet<Runtime>;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = ConstU32<8>;
	type DoneSlashHandler = ();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, pallet_pgt_fees::SplitFees<Runtime>>;
	// One planck per picosecond of weight: a transfer costs well under a milli-PGT of weight fee.
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate =
		TargetedFeeAdjustment<Self, TargetBlockFullness, AdjustmentVariable, MinimumMultiplier, MaximumMultiplier>;
	type OperationalFeeMultiplier = OperationalFeeMultiplier;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// The current block's author, from `pallet-authorship`.
pub struct CurrentAuthor;
impl Get<Option<AccountId>> for CurrentAuthor {
	fn get() -> Option<AccountId> {
		polkadot_sdk::pallet_authorship::Pallet::<Runtime>::author()
	}
}

impl pallet_pgt_fees::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BurnShare = BurnShare;
	type TreasuryShare = TreasuryShare;
	type Treasury = super::TreasuryAccountId;
	type BlockAuthor = CurrentAuthor;
}
