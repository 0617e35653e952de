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
