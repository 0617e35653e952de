//! What every mock runtime shares: test externalities that check the pallets' invariants (their
//! `try_state` checks) when a test closure returns, so every mock test also tests the
//! invariants; and the mock treasury account.

use core::ops::{Deref, DerefMut};
use polkadot_sdk::{
	sp_io::TestExternalities,
	sp_runtime::{AccountId32, TryRuntimeError},
};

/// The treasury account of the mock runtimes (it receives the treasury share and slashes, and
/// pays audit rewards).
pub fn treasury() -> AccountId32 {
	AccountId32::new([0x77; 32])
}

/// [`TestExternalities`] whose [`CheckedExternalities::execute_with`] runs `check` after the
/// closure and panics, naming the broken invariant, if it fails.
pub struct CheckedExternalities {
	ext: TestExternalities,
	check: fn() -> Result<(), TryRuntimeError>,
}

impl CheckedExternalities {
	/// Wraps `ext`; `check` runs after every closure given to `execute_with`.
	pub fn new(ext: TestExternalities, check: fn() -> Result<(), TryRuntimeError>) -> Self {
		Self { ext, check }
	}

	/// Runs `test` in the externalities, then the invariant checks.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		let check = self.check;
		self.ext.execute_with(|| {
			let result = test();
			if let Err(broken) = check() {
				panic!("an invariant does not hold after the test: {broken:?}");
			}
			result
		})
	}
}

impl Deref for CheckedExternalities {
	type Target = TestExternalities;
	fn deref(&self) -> &TestExternalities {
		&self.ext
	}
}

impl DerefMut for CheckedExternalities {
	fn deref_mut(&mut self) -> &mut TestExternalities {
		&mut self.ext
	}
}

/// Declares a mock runtime `Test` with System, Timestamp and Balances (at pallet indices 0, 1
/// and 2, each configured from its `TestDefaultConfig`) and the pallets given, with the types
/// `AccountId`, `Balance` and `Block` and the constant `ExistentialDeposit`. The calling crate
/// configures its own pallets (with `#[derive_impl(…::config_preludes::TestDefaultConfig)]`).
///
/// ```ignore
/// pgt_pallet_support::mock_runtime! {
///     account: polkadot_sdk::sp_runtime::AccountId32, balance: u128, existential_deposit: 10;
///     3 => Contributors: pallet_pgt_contributors,
///     4 => Sessions: pallet_pgt_sessions,
/// }
/// ```
#[macro_export]
macro_rules! mock_runtime {
	(
		account: $account:ty, balance: $balance:ty, existential_deposit: $ed:expr;
		$( $index:literal => $name:ident: $pallet:ident ),* $(,)?
	) => {
		/// Accounts of the mock runtime.
		pub type AccountId = $account;
		/// Balances of the mock runtime.
		pub type Balance = $balance;
		type Block = polkadot_sdk::frame_system::mocking::MockBlock<Test>;

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
			pub type System = polkadot_sdk::frame_system;
			#[runtime::pallet_index(1)]
			pub type Timestamp = polkadot_sdk::pallet_timestamp;
			#[runtime::pallet_index(2)]
			pub type Balances = polkadot_sdk::pallet_balances;
			$(
				#[runtime::pallet_index($index)]
				pub type $name = $pallet;
			)*
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// The existential deposit of the mock runtime.
			pub const ExistentialDeposit: Balance = $ed;
		}

		/// The configurations of System, Timestamp and Balances.
		mod mock_base {
			use super::*;
			use polkadot_sdk::{frame_support::derive_impl, frame_system, pallet_balances, pallet_timestamp};

			#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
			impl frame_system::Config for Test {
				type Block = Block;
				type AccountId = AccountId;
				type Lookup = polkadot_sdk::sp_runtime::traits::IdentityLookup<AccountId>;
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
		}
	};
}

#[cfg(test)]
mod tests {
	use super::*;

	fn always_broken() -> Result<(), TryRuntimeError> {
		Err("always broken".into())
	}

	#[test]
	#[should_panic(expected = "always broken")]
	fn a_broken_invariant_fails_the_test() {
		CheckedExternalities::new(TestExternalities::default(), always_broken).execute_with(|| ());
	}

	#[test]
	fn a_kept_invariant_returns_the_test_result() {
		let mut ext = CheckedExternalities::new(TestExternalities::default(), || Ok(()));
		assert_eq!(ext.execute_with(|| 7), 7);
	}
}
