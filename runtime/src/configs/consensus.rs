//! BABE, GRANDPA and block authorship.
//!
//! The authority set is fixed at genesis (`SameAuthoritiesForever`): there is no staking or
//! session pallet yet. A validator's BABE key is an sr25519 key, which is also an account; the
//! author of a block (who receives the author's share of fees) is the account of its BABE key.

use crate::{AccountId, Babe, Runtime, EPOCH_DURATION_IN_SLOTS, MILLISECS_PER_BLOCK};
use polkadot_sdk::{
	frame_support::{parameter_types, traits::FindAuthor, ConsensusEngineId},
	pallet_authorship, pallet_babe, pallet_grandpa,
	sp_core::Void,
};

parameter_types! {
	/// Length of a BABE epoch in slots.
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS as u64;
	/// Expected time between blocks, in milliseconds.
	pub const ExpectedBlockTime: u64 = MILLISECS_PER_BLOCK;
	/// Most validators the chain supports.
	pub const MaxAuthorities: u32 = 100;
	/// No nominated proof-of-stake yet.
	pub const MaxNominators: u32 = 0;
	/// No sessions yet, so no set-id history is needed for equivocation proofs.
	pub const MaxSetIdSessionEntries: u64 = 0;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	type EpochChangeTrigger = pallet_babe::SameAuthoritiesForever;
	type DisabledValidators = ();
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = MaxNominators;
	// Without sessions there is no key-ownership proof, so equivocations cannot be reported yet.
	type KeyOwnerProof = Void;
	type EquivocationReportSystem = ();
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = MaxNominators;
	type MaxSetIdSessionEntries = MaxSetIdSessionEntries;
	type KeyOwnerProof = Void;
	type EquivocationReportSystem = ();
}

/// Finds the account of a block's author: the BABE pre-digest names an authority index, and the
/// authority's sr25519 public key is the account.
pub struct AuthorFromBabe;

impl FindAuthor<AccountId> for AuthorFromBabe {
	fn find_author<'a, I>(digests: I) -> Option<AccountId>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		let index = <Babe as FindAuthor<u32>>::find_author(digests)?;
		let authorities = pallet_babe::Authorities::<Runtime>::get();
		let (authority, _weight) = authorities.get(index as usize)?;
		let public: &[u8] = authority.as_ref();
		let raw: [u8; 32] = public.try_into().ok()?;
		Some(AccountId::from(raw))
	}
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = AuthorFromBabe;
	type EventHandler = ();
}
