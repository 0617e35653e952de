//! Transactions: shield, transfer, unshield, and every refusal leaving state untouched.

use super::*;

#[test]
fn shield_transfer_unshield_with_every_balance_checked() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		assert_eq!(pool(), ED);
		let mut alice = Wallet::new(11);
		let mut bob = Wallet::new(22);

		// Alice shields 100.
		let shield = alice.build(&[], [(100, alice.address()), (0, alice.address())], ext(None, 100, None, 0));
		assert_ok!(shield.submit(ALICE));
		alice.landed(&shield, &[]);
		bob.observe(&shield, false);
		assert_eq!(Balances::free_balance(ALICE), 900);
		assert_eq!(pool(), ED + 100);
		next_block();

		// Alice sends 40 to Bob privately, keeps 60; a relayer submits it (no fee).
		let send = alice.build(&[0], [(40, bob.address()), (60, alice.address())], ext(None, 0, None, 0));
		assert_ok!(send.submit(RELAYER));
		alice.landed(&send, &[0]);
		bob.observe(&send, true);
		assert_eq!(pool(), ED + 100);
		assert_eq!(Balances::free_balance(RELAYER), 1_000);
		next_block();

		// Bob unshields 30 to a fresh account through the relayer, who takes a fee of 2.
		let unshield =
			bob.build(&[0], [(8, bob.address()), (0, bob.address())], ext(Some(FRESH), -30, Some(RELAYER), 2));
		assert_ok!(unshield.submit(RELAYER));
		bob.landed(&unshield, &[0]);
		alice.observe(&unshield, false);
		assert_eq!(Balances::free_balance(FRESH), 30);
		assert_eq!(Balances::free_balance(RELAYER), 1_002);
		// The pool holds the unspent notes: Alice 60, Bob 8.
		assert_eq!(pool(), ED + 60 + 8);
		assert_eq!(Balances::total_issuance(), issuance, "nothing minted or burned");
		assert_eq!(Shielded::tree().next_index, 7, "genesis leaf and three transactions' outputs");
		assert_eq!(Notes::<Test>::get(5).map(|n| n.0), Some(encode_field(&unshield.outputs[0].commitment())));
		// What a wallet reads: every note after the genesis leaf, the root, spent nullifiers.
		let notes = Shielded::notes_from(0, 10);
		assert_eq!(notes.len(), 6);
		assert_eq!(notes[0], (1, shield.inputs.commitments[0], b"note 0 for test".to_vec()));
		assert_eq!(Shielded::tree_root(), (encode_field(&alice.tree.root()), 7));
		assert!(Shielded::is_spent(send.inputs.nullifiers[0]) && !Shielded::is_spent([1u8; 32]));
		assert!(Shielded::root_is_known(encode_field(&alice.tree.root())));

		// Spending Alice's note again: refused, and nothing changes.
		let again = alice.build(&[], [(0, alice.address()), (0, alice.address())], ext(None, 0, None, 0));
		let mut double = again.clone();
		double.inputs.nullifiers[0] = send.inputs.nullifiers[0];
		assert_noop!(double.submit(ALICE), Error::<Test>::NullifierSpent);
		assert_noop!(send.submit(RELAYER), Error::<Test>::NullifierSpent);
	});
}

#[test]
fn a_proof_replayed_with_other_external_data_is_refused() {
	new_test_ext().execute_with(|| {
		let mut bob = Wallet::new(22);
		let shield = bob.build(&[], [(50, bob.address()), (0, bob.address())], ext(None, 50, None, 0));
		assert_ok!(shield.submit(ALICE));
		bob.landed(&shield, &[]);
		let unshield = bob.build(&[0], [(20, bob.address()), (0, bob.address())], ext(Some(FRESH), -30, None, 0));
		// A front-runner changes the recipient, the fee or the notes: the proof no longer holds.
		for tampered in [
			Tx { ext: ext(Some(RELAYER), -30, None, 0), ..unshield.clone() },
			Tx { ext: ext(Some(FRESH), -30, Some(RELAYER), 1), ..unshield.clone() },
			Tx { ext: ExtData { expiry: 99, ..unshield.ext.clone() }, ..unshield.clone() },
			Tx { notes: [unshield.notes[1].clone(), unshield.notes[0].clone()], ..unshield.clone() },
		] {
			assert_noop!(tampered.submit(RELAYER), Error::<Test>::InvalidProof);
		}
		assert_ok!(unshield.submit(RELAYER));
		assert_eq!(Balances::free_balance(FRESH), 30);
	});
}

#[test]
fn a_full_tree_refuses_the_notes_and_changes_nothing() {
	// The tree is filled by hand (its leaf count set without notes), so the pool's invariants
	// cannot hold here: run without the closing check.
	let mut checked = new_test_ext();
	let unchecked: &mut polkadot_sdk::sp_io::TestExternalities = &mut checked;
	unchecked.execute_with(|| {
		let mut w = Wallet::new(34);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		// The same tree and root, as if 2^32 − 1 leaves were in it: one slot left, two needed.
		let mut full = Tree::<Test>::get().expect("stored at genesis");
		full.next_index = (1u64 << 32) - 1;
		Tree::<Test>::put(full);
		assert_noop!(tx.submit(ALICE), Error::<Test>::TreeFull);
	});
}

#[test]
fn bad_inputs_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let mut w = Wallet::new(33);
		let tx = w.build(&[], [(10, w.address()), (0, w.address())], ext(None, 10, None, 0));
		let mut modulus = [0u8; 32];
		modulus.copy_from_slice(&ark_ff::BigInteger::to_bytes_le(&<Fr as ark_ff::PrimeField>::MODULUS));

		let mut t = tx.clone();
		t.inputs.root = encode_field(&pgt_zk::tree::Frontier::<32>::empty_root());
		assert_noop!(t.submit(ALICE), Error::<Test>::EmptyRoot);
		let mut t = tx.clone();
		t.inputs.root = [7u8; 32];
		assert_noop!(t.submit(ALICE), Error::<Test>::UnknownRoot);
		let mut t = tx.clone();
		t.inputs.nullifiers[1] = t.inputs.nullifiers[0];
		assert_noop!(t.submit(ALICE), Error::<Test>::DuplicateNullifier);
		let mut t = tx.clone();
		t.inputs.commitments[0] = modulus;
		assert_noop!(t.submit(ALICE), Error::<Test>::NonCanonicalInput);
		let mut t = tx.clone();
		t.inputs.nullifiers[0] = [0xFF; 32];
		assert_noop!(t.submit(ALICE), Error::<Test>::NonCanonicalInput);
		// Points off the curve, or on it but outside the prime-order subgroup, in A, B or C.
		let with_proof = |proof: Vec<u8>| Tx { proof: BoundedVec::truncate_from(proof), ..tx.clone() };
		let mut off_curve = tx.proof.to_vec();
		off_curve[0] ^= 1;
		assert_noop!(with_proof(off_curve).submit(ALICE), Error::<Test>::MalformedProof);
		let (g1, g2) = pgt_zk::examples::points_outside_the_subgroups();
		for (at, len) in [(0, G1_LEN), (G1_LEN, G2_LEN), (G1_LEN + G2_LEN, G1_LEN)] {
			let mut proof = tx.proof.to_vec();
			let point = &mut proof[at..at + len];
			let written =
				if len == G1_LEN { g1.serialize_uncompressed(point) } else { g2.serialize_uncompressed(point) };
			written.expect("the point fits its place");
			assert_noop!(with_proof(proof).submit(ALICE), Error::<Test>::MalformedProof);
		}
		// (1, 1) is off the curve.
		let mut off_curve = tx.proof.to_vec();
		off_curve[..G1_LEN].fill(0);
		off_curve[G1_LEN / 2 - 1] = 1;
		off_curve[G1_LEN - 1] = 1;
		assert_noop!(with_proof(off_curve).submit(ALICE), Error::<Test>::MalformedProof);
		// Three points at infinity (the infinity flag, or all zeros, which arkworks also reads as
		// the identity) are well formed, and verify nothing.
		let mut at_infinity = vec![0u8; PROOF_LEN];
		for at in [0, G1_LEN, G1_LEN + G2_LEN] {
			at_infinity[at] = 0x40;
		}
		assert_noop!(with_proof(at_infinity).submit(ALICE), Error::<Test>::InvalidProof);
		assert_noop!(with_proof(vec![0u8; PROOF_LEN]).submit(ALICE), Error::<Test>::InvalidProof);
		let mut t = tx.clone();
		t.proof = BoundedVec::truncate_from(tx.proof[..100].to_vec());
		assert_noop!(t.submit(ALICE), Error::<Test>::MalformedProof);
		let mut t = tx.clone();
		t.inputs.commitments.swap(0, 1);
		assert_noop!(t.submit(ALICE), Error::<Test>::InvalidProof);
		assert_noop!(
			Tx { ext: ExtData { expiry: 0, ..tx.ext.clone() }, ..tx.clone() }.submit(ALICE),
			Error::<Test>::Expired
		);
		assert_noop!(Tx { ext: ext(None, 10, None, 1), ..tx.clone() }.submit(ALICE), Error::<Test>::FeeWithoutRelayer);
		assert_noop!(
			Tx { ext: ext(Some(FRESH), 10, None, 0), ..tx.clone() }.submit(ALICE),
			Error::<Test>::BadRecipient
		);
		assert_noop!(Tx { ext: ext(None, -10, None, 0), ..tx.clone() }.submit(ALICE), Error::<Test>::BadRecipient);
		assert_noop!(
			Tx { ext: ext(None, i128::from(u64::MAX) + 1, None, 0), ..tx.clone() }.submit(ALICE),
			Error::<Test>::AmountOutOfRange
		);
		// A caller without the shielded amount: the proof is fine, the transfer is not.
		assert_noop!(tx.submit(FRESH), polkadot_sdk::sp_runtime::TokenError::FundsUnavailable);
		assert_noop!(
			Shielded::transact(
				RuntimeOrigin::none(),
				tx.proof.clone(),
				tx.inputs.clone(),
				tx.ext.clone(),
				tx.notes.clone()
			),
			DispatchError::BadOrigin
		);
		// And the untouched transaction still goes through.
		assert_ok!(tx.submit(ALICE));
		assert_eq!(pool(), ED + 10);
	});
}
