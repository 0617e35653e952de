//! The split of a fee: [`Pallet::split_of`] computes it, `do_split` moves the credit.

use crate::{pallet::*, BalanceOf, CreditOf, FeeSplit};
use polkadot_sdk::{
	frame_support::traits::{fungible::Balanced, Get, Imbalance},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// Divides `fee` by the configured shares. Burn and treasury shares round down; the author
	/// gets the remainder, so the three parts always add up to `fee`.
	pub fn split_of(fee: BalanceOf<T>) -> FeeSplit<BalanceOf<T>> {
		let burn = T::BurnShare::get().mul_floor(fee);
		let treasury = T::TreasuryShare::get().mul_floor(fee);
		let author = fee.saturating_sub(burn).saturating_sub(treasury);
		FeeSplit { burn, treasury, author }
	}

	/// Distributes a withdrawn fee and tip as described in the crate docs.
	pub(crate) fn do_split(fee: CreditOf<T>, tip: Option<CreditOf<T>>) {
		let split = Self::split_of(fee.peek());
		let (burn, rest) = fee.split(split.burn);
		let (treasury_part, mut author_part) = rest.split(split.treasury);
		if let Some(tip) = tip {
			author_part.subsume(tip);
		}

		let author = T::BlockAuthor::get();
		let mut to_author = author_part.peek();
		// Whatever the author cannot take goes to the treasury.
		let mut treasury_part = treasury_part;
		match &author {
			Some(who) if !author_part.peek().is_zero() => {
				if let Err(returned) = T::Currency::resolve(who, author_part) {
					to_author = Zero::zero();
					treasury_part.subsume(returned);
				}
			},
			_ => {
				to_author = Zero::zero();
				treasury_part.subsume(author_part);
			},
		}

		let mut to_treasury = treasury_part.peek();
		// Whatever the treasury cannot take is burned with the burn share.
		let mut burn = burn;
		if !treasury_part.peek().is_zero() {
			if let Err(returned) = T::Currency::resolve(&T::Treasury::get(), treasury_part) {
				to_treasury = Zero::zero();
				burn.subsume(returned);
			}
		}

		let burned = burn.peek();
		// Dropping the credit lowers total issuance by its amount.
		drop(burn);
		Self::deposit_event(Event::FeesSplit { burned, to_treasury, to_author, author });
	}
}
