//! The fee handler `pallet-transaction-payment` is given: [`SplitFees`].

use crate::{pallet::*, CreditOf};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::traits::{Imbalance, OnUnbalanced},
	sp_runtime::traits::Zero,
};

/// The [`OnUnbalanced`] handler to give `pallet-transaction-payment`'s `FungibleAdapter`: it
/// receives the fee, then the tip, of every transaction.
pub struct SplitFees<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for SplitFees<T> {
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = CreditOf<T>>) {
		if let Some(fee) = fees_then_tips.next() {
			// The adapter sends exactly fee then tip; anything beyond is merged into the tip.
			let tip = fees_then_tips.reduce(|tip, extra| tip.merge(extra));
			// Free transactions still pass through here with zero credits: nothing to split.
			if fee.peek().is_zero() && tip.as_ref().is_none_or(|t| t.peek().is_zero()) {
				return;
			}
			Pallet::<T>::do_split(fee, tip);
		}
	}

	fn on_nonzero_unbalanced(amount: CreditOf<T>) {
		Pallet::<T>::do_split(amount, None);
	}
}
