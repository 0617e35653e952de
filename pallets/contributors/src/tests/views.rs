//! The view functions, through the runtime API dispatch.

use super::*;

#[test]
fn view_functions_answer_through_the_runtime_api_dispatch() {
	use codec::{Decode, Encode};
	use polkadot_sdk::frame_support::view_functions::ViewFunction;
	new_test_ext().execute_with(|| {
		register(BOB, 3);
		worked(BOB);
		let query = crate::pallet::OnlineCapacityViewFunction::<Test>::new();
		let out = Test::execute_view_function(
			<crate::pallet::OnlineCapacityViewFunction<Test> as ViewFunction>::id(),
			query.encode(),
		)
		.expect("dispatches");
		assert_eq!(u32::decode(&mut &out[..]).expect("u32"), 3);
	});
}
