//! Tests of the registry, one per behaviour, split by topic. Helpers shared by all of them live
//! here.

mod auditors;
mod capacity;
mod liveness;
mod registration;
mod reputation;
mod slashing;
mod views;

pub use crate::{
	mock::*,
	pallet::{Error, HoldReason, OnlineCapacity},
	types::*,
	ContributorOf, ContributorRegistry, Event as ContributorsEvent, Requirements,
};
pub use pgt_primitives::reputation::{Outcome, WEIGHT_UNIT};
pub use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::fungible::{Inspect, InspectHold},
	},
	sp_runtime::Perbill,
};

pub fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

pub fn held(n: u8) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Contributors(HoldReason::Stake), &account(n))
}

pub fn register(n: u8, max_sessions: u16) {
	assert_ok!(Contributors::register(origin(n), profile(max_sessions), MIN_STAKE));
}

/// Runs blocks up to `n`, each with its timestamp (6 s apart), as a real chain would.
pub fn run_to(n: u64) {
	use polkadot_sdk::frame_system::RunToBlockHooks;
	System::run_to_block_with::<AllPalletsWithSystem>(
		n,
		RunToBlockHooks::default().after_initialize(|bn| Timestamp::set_timestamp(bn * 6_000)),
	);
}

/// Reports a passed audit of `n`'s work (a five-minute window), as pallet-pgt-work does: `n` has
/// worked now.
pub fn worked(n: u8) {
	Contributors::record_outcome(&account(n), Outcome::success(WEIGHT_UNIT / 12), 300);
}

pub fn info(n: u8) -> ContributorOf<Test> {
	crate::Registry::<Test>::get(account(n)).expect("registered")
}

pub fn event(e: ContributorsEvent<Test>) -> RuntimeEvent {
	RuntimeEvent::Contributors(e)
}
