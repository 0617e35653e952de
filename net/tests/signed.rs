//! Signatures bind what they sign: the signer, the chain, the peers, the purpose. Each attack a
//! peer could try with a signature it has seen is here and fails.

use pgt_net::{
	message::WorkerResponse,
	signed::{sign_hello, sign_receipt, sign_takeover, sign_task_result, verify_task_result},
	Role,
};
use pgt_primitives::sessions::Receipt;
use subxt_signer::sr25519::dev;

const GENESIS: [u8; 32] = [0x11; 32];
const OTHER_CHAIN: [u8; 32] = [0x22; 32];

fn receipt() -> Receipt<[u8; 32]> {
	Receipt {
		session: 1,
		contributor: dev::bob().public_key().0,
		seconds_served: 30,
		seconds_paused: 2,
		frames: 900,
		latency_p50_ms: 10,
		latency_p95_ms: 20,
		counter: 1,
	}
}

#[test]
fn a_receipt_verifies_for_its_player_and_chain_only() {
	let alice = dev::alice();
	let signed = sign_receipt(&alice, &GENESIS, receipt());
	assert!(signed.verify(&GENESIS, &alice.public_key().0));
	// Not as someone else's, not on another chain, not once changed.
	assert!(!signed.verify(&GENESIS, &dev::bob().public_key().0));
	assert!(!signed.verify(&OTHER_CHAIN, &alice.public_key().0));
	let mut inflated = signed.clone();
	inflated.receipt.seconds_served += 60;
	assert!(!inflated.verify(&GENESIS, &alice.public_key().0));
}

#[test]
fn a_hello_is_bound_to_its_two_peers() {
	let alice = dev::alice();
	let (me, host, other) = (b"peer-a".as_slice(), b"peer-h".as_slice(), b"peer-x".as_slice());
	let hello = sign_hello(&alice, &GENESIS, 4, Role::Player, me, host);
	assert_eq!(hello.account, alice.public_key().0);
	assert!(hello.verify(&GENESIS, me, host));
	// Replayed by another peer, or to another host, or as another role, it fails.
	assert!(!hello.verify(&GENESIS, other, host));
	assert!(!hello.verify(&GENESIS, me, other));
	assert!(!hello.verify(&OTHER_CHAIN, me, host));
	let as_backup = pgt_net::Hello { role: Role::Backup, ..hello.clone() };
	assert!(!as_backup.verify(&GENESIS, me, host));
	let other_session = pgt_net::Hello { session: 5, ..hello };
	assert!(!other_session.verify(&GENESIS, me, host));
}

#[test]
fn a_takeover_names_its_tick_and_backup() {
	let alice = dev::alice();
	let backup = dev::charlie().public_key().0;
	let order = sign_takeover(&alice, &GENESIS, 9, 600, backup);
	assert!(order.verify(&GENESIS, &alice.public_key().0));
	let mut earlier = order.clone();
	earlier.tick = 300;
	assert!(!earlier.verify(&GENESIS, &alice.public_key().0));
	let mut stolen = order.clone();
	stolen.new_host = dev::dave().public_key().0;
	assert!(!stolen.verify(&GENESIS, &alice.public_key().0));
	assert!(!order.verify(&GENESIS, &dev::bob().public_key().0));
}

#[test]
fn a_signature_for_one_purpose_is_worthless_for_another() {
	let alice = dev::alice();
	// A receipt signature presented as a takeover's.
	let signed = sign_receipt(&alice, &GENESIS, receipt());
	let forged = pgt_net::message::Takeover { session: 1, tick: 0, new_host: [0; 32], signature: signed.signature };
	assert!(!forged.verify(&GENESIS, &alice.public_key().0));
}

#[test]
fn a_task_result_verifies_for_its_helper_task_session_and_output_only() {
	let dave = dev::dave();
	let WorkerResponse::TaskResult { task, output, helper, signature } =
		sign_task_result(&dave, &GENESIS, 4, 17, vec![1, 2, 3, 4])
	else {
		panic!("a task result")
	};
	assert_eq!((task, helper), (17, dave.public_key().0));
	assert!(verify_task_result(&GENESIS, 4, 17, &output, &helper, &signature));
	// A host that changes a tile and blames the helper, or moves the result to another task,
	// session or chain, or names another helper: none verify.
	assert!(!verify_task_result(&GENESIS, 4, 17, &[1, 2, 3, 5], &helper, &signature));
	assert!(!verify_task_result(&GENESIS, 4, 18, &output, &helper, &signature));
	assert!(!verify_task_result(&GENESIS, 5, 17, &output, &helper, &signature));
	assert!(!verify_task_result(&OTHER_CHAIN, 4, 17, &output, &helper, &signature));
	assert!(!verify_task_result(&GENESIS, 4, 17, &output, &dev::eve().public_key().0, &signature));
}
