//! The root window: recent roots stay anchors for `RootHistory` blocks.

use super::*;

#[test]
fn roots_stay_valid_for_root_history_blocks_then_expire() {
	new_test_ext().execute_with(|| {
		let mut a = Wallet::new(44);
		let first = a.build(&[], [(10, a.address()), (0, a.address())], ext(None, 10, None, 0));
		assert_ok!(first.submit(ALICE));
		a.landed(&first, &[]);
		next_block();
		// A proof made against the root after `first`...
		let spend = a.build(&[0], [(10, a.address()), (0, a.address())], ext(None, 0, None, 0));
		// ...stays valid while other transactions move the tree on, for RootHistory blocks.
		let mut b = Wallet::new(55);
		b.tree = a.tree.clone();
		let other = b.build(&[], [(5, b.address()), (0, b.address())], ext(None, 5, None, 0));
		assert_ok!(other.submit(ALICE));
		// The root was last current in block 1: valid up to block 1 + RootHistory.
		while System::block_number() < 1 + <RootHistory as Get<u64>>::get() {
			next_block();
		}
		assert!(Shielded::is_known_root(&spend.inputs.root));
		next_block();
		assert!(!Shielded::is_known_root(&spend.inputs.root));
		assert_noop!(spend.submit(ALICE), Error::<Test>::UnknownRoot);
	});
}

/// Two wallets that saw the same tree prove against the same root; both transactions land in one
/// block. The first moves the tree on, yet the second's root is still an anchor (the root the
/// block started from is a recent root), so it is not refused for `UnknownRoot`.
#[test]
fn a_second_transaction_in_a_block_against_the_same_root_goes_through() {
	new_test_ext().execute_with(|| {
		let mut a = Wallet::new(66);
		let first = a.build(&[], [(10, a.address()), (0, a.address())], ext(None, 10, None, 0));
		assert_ok!(first.submit(ALICE));
		a.landed(&first, &[]);
		next_block();
		let mut b = Wallet::new(77);
		b.tree = a.tree.clone();
		let one = a.build(&[], [(3, a.address()), (0, a.address())], ext(None, 3, None, 0));
		let two = b.build(&[], [(4, b.address()), (0, b.address())], ext(None, 4, None, 0));
		assert_eq!(one.inputs.root, two.inputs.root);
		assert_ok!(one.submit(ALICE));
		assert_ok!(two.submit(ALICE));
	});
}
