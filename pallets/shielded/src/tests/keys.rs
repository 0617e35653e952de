//! Verifying keys: set by Root, versioned; none set, nothing accepted.

use super::*;

#[test]
fn the_verifying_key_is_set_by_root_and_versioned() {
	new_test_ext().execute_with(|| {
		assert_eq!(KeyVersion::<Test>::get(), 1);
		let key: BoundedVec<u8, _> = BoundedVec::truncate_from(pgt_zk::prove::DEV_VERIFYING_KEY.to_vec());
		assert_noop!(Shielded::set_verifying_key(RuntimeOrigin::signed(ALICE), key.clone()), DispatchError::BadOrigin);
		assert_noop!(
			Shielded::set_verifying_key(RuntimeOrigin::root(), BoundedVec::truncate_from(vec![1, 2, 3])),
			Error::<Test>::MalformedVerifyingKey
		);
		assert_ok!(Shielded::set_verifying_key(RuntimeOrigin::root(), key));
		assert_eq!(KeyVersion::<Test>::get(), 2);
		System::assert_last_event(Event::<Test>::VerifyingKeySet { version: 2 }.into());
	});
}

#[test]
fn without_a_key_nothing_is_accepted() {
	let mut t = polkadot_sdk::frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: vec![(ALICE, 1_000)], ..Default::default() }
		.assimilate_storage(&mut t)
		.unwrap();
	polkadot_sdk::sp_io::TestExternalities::new(t).execute_with(|| {
		System::set_block_number(1);
		let mut w = Wallet::new(66);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		assert_noop!(tx.submit(ALICE), Error::<Test>::NoVerifyingKey);
	});
}
