//! # PGT fees
//!
//! Where the transaction fees of the PGT chain go.
//!
//! `pallet-transaction-payment` withdraws a fee (and an optional tip) from the signer of every
//! transaction and hands the withdrawn credit to an [`OnUnbalanced`] handler. This pallet is
//! that handler ([`SplitFees`]). Of every **fee**:
//!
//! - [`Config::BurnShare`] is **burned**: the credit is dropped, so total issuance falls by
//!   exactly that amount (`pallet-balances` emits `BurnedDebt`);
//! - [`Config::TreasuryShare`] goes to the treasury account ([`Config::Treasury`]);
//! - the rest (including every rounding remainder) goes to the **block author**.
//!
//! **Tips** go to the block author whole: a tip is the signer's bid for inclusion, paid to whoever
//! includes the transaction.
//!
//! If the block has no known author (a block built outside consensus, e.g. in tests), or the
//! author's account cannot receive the amount (it would stay below the existential deposit), the
//! author's part goes to the treasury instead; if the treasury cannot take it either, it is
//! burned. No fee is ever lost silently: every split is reported in [`Event::FeesSplit`].
//!
//! Both shares are constants of the runtime and appear in its metadata, so wallets and explorers
//! can show them.
//!
//! ## Where things are
//! Declarations here; the split in `split.rs`, [`SplitFees`] in `impl_on_unbalanced.rs`. The
//! pallet stores nothing, so it has no `try_state` invariants; that no fee is lost is what its
//! tests check.
#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

mod impl_on_unbalanced;
#[cfg(test)]
mod mock;
mod split;
#[cfg(test)]
mod tests;

pub use impl_on_unbalanced::SplitFees;
use polkadot_sdk::{
	frame_support::traits::fungible::{Balanced, Credit, Inspect},
	sp_runtime::Percent,
};

/// The balance type of the currency fees are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as polkadot_sdk::frame_system::Config>::AccountId>>::Balance;

/// A withdrawn amount of the fee currency, not yet put anywhere.
pub type CreditOf<T> = Credit<<T as polkadot_sdk::frame_system::Config>::AccountId, <T as Config>::Currency>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{frame_support::pallet_prelude::*, frame_system::pallet_prelude::*};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the fee split.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency fees are paid in (PGT, `pallet-balances`).
		type Currency: Balanced<Self::AccountId>;

		/// Share of every transaction fee that is burned (taken out of total issuance).
		#[pallet::constant]
		type BurnShare: Get<Percent>;

		/// Share of every transaction fee that goes to the treasury.
		///
		/// `BurnShare + TreasuryShare` must not exceed 100 %; the block author gets the rest.
		#[pallet::constant]
		type TreasuryShare: Get<Percent>;

		/// The treasury's account.
		type Treasury: Get<Self::AccountId>;

		/// The author of the block being built, if known.
		type BlockAuthor: Get<Option<Self::AccountId>>;
	}

	/// Events of the fee split.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The fee and tip of a transaction were split.
		FeesSplit {
			/// Amount burned: total issuance fell by this much.
			burned: BalanceOf<T>,
			/// Amount paid into the treasury.
			to_treasury: BalanceOf<T>,
			/// Amount paid to the block author (its fee share plus the whole tip).
			to_author: BalanceOf<T>,
			/// The block author, if known.
			author: Option<T::AccountId>,
		},
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let total = T::BurnShare::get().deconstruct() as u32 + T::TreasuryShare::get().deconstruct() as u32;
			assert!(total <= 100, "BurnShare + TreasuryShare must not exceed 100 %");
		}
	}
}

/// How a fee of a given size is divided, before any of it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeSplit<Balance> {
	/// Part of the fee to burn.
	pub burn: Balance,
	/// Part of the fee for the treasury.
	pub treasury: Balance,
	/// Part of the fee for the block author (the remainder, so nothing is lost to rounding).
	pub author: Balance,
}
