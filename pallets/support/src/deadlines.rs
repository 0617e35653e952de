//! The deadline queue: items due at a block, kept in a storage map from block number to a
//! bounded list.
//!
//! A pallet declares the map (its own storage item, so its name, docs and bound are the
//! pallet's) and reaches it through [`DeadlineQueue`]:
//!
//! ```ignore
//! #[pallet::storage]
//! pub type Timeouts<T: Config> =
//!     StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<(SessionId, Timeout), T::MaxTimeoutsPerBlock>, ValueQuery>;
//!
//! type Queue<T> = DeadlineQueue<Timeouts<T>, BlockNumberFor<T>, (SessionId, Timeout), <T as Config>::MaxTimeoutsPerBlock>;
//! let at = Queue::<T>::schedule(deadline, (id, Timeout::Receipt)).map_err(|_| Error::<T>::TooManyTimeouts)?;
//! for (id, what) in Queue::<T>::take(now) { /* … */ }
//! ```
//!
//! **The slip rule.** A block holds at most `S` items. An item wanted at block `b` goes to the
//! first of `b, b + 1, …, b + MAX_SLIP` with room, and [`DeadlineQueue::schedule`] says which;
//! when all `MAX_SLIP + 1` are full it is refused ([`QueueFull`]) and nothing is written. A
//! deadline therefore fires at most `MAX_SLIP` blocks late, never early, and the work a block's
//! `on_initialize` does for deadlines is bounded by `S`.

use codec::FullCodec;
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{storage::StorageMap, traits::Get, BoundedVec},
	sp_runtime::traits::{One, Saturating},
};

/// How many blocks past the wanted one a deadline may land when the blocks before are full.
pub const MAX_SLIP: u32 = 8;

/// The wanted block and the [`MAX_SLIP`] blocks after it are all full.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct QueueFull;

/// The deadline queue kept in storage map `Q` (block `B` → at most `S` items `I`).
pub struct DeadlineQueue<Q, B, I, S>(PhantomData<(Q, B, I, S)>);

impl<Q, B, I, S> DeadlineQueue<Q, B, I, S>
where
	Q: StorageMap<B, BoundedVec<I, S>, Query = BoundedVec<I, S>>,
	B: FullCodec + Copy + Saturating + One,
	I: FullCodec + PartialEq,
	S: Get<u32>,
{
	/// Queues `item` at block `at`, or the first of the next [`MAX_SLIP`] blocks with room;
	/// returns the block it went to.
	pub fn schedule(at: B, item: I) -> Result<B, QueueFull> {
		let mut block = at;
		let mut item = Some(item);
		for _ in 0..=MAX_SLIP {
			// `try_mutate` writes nothing back when the push fails, so a full block costs a read.
			let pushed = Q::try_mutate(block, |queue| match item.take() {
				Some(it) => queue.try_push(it).map_err(|it| item = Some(it)),
				None => Ok(()),
			});
			if pushed.is_ok() {
				return Ok(block);
			}
			block = block.saturating_add(One::one());
		}
		Err(QueueFull)
	}

	/// Takes everything due at block `now` out of the queue, in the order it was queued.
	pub fn take(now: B) -> BoundedVec<I, S> {
		Q::take(now)
	}

	/// The block `item` is queued at, looking where [`DeadlineQueue::schedule`] may have put an
	/// item wanted at `wanted`: that block and the [`MAX_SLIP`] blocks after it.
	pub fn find(wanted: B, item: &I) -> Option<B> {
		let mut block = wanted;
		for _ in 0..=MAX_SLIP {
			if Q::get(block).contains(item) {
				return Some(block);
			}
			block = block.saturating_add(One::one());
		}
		None
	}

	/// The items due at block `at`.
	pub fn due_at(at: B) -> BoundedVec<I, S> {
		Q::get(at)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::{
		frame_support::{storage::types::ValueQuery, traits::ConstU32, Twox64Concat},
		sp_io::TestExternalities,
	};

	struct Prefix;
	impl polkadot_sdk::frame_support::traits::StorageInstance for Prefix {
		fn pallet_prefix() -> &'static str {
			"Test"
		}
		const STORAGE_PREFIX: &'static str = "Agenda";
	}
	type Agenda = polkadot_sdk::frame_support::storage::types::StorageMap<
		Prefix,
		Twox64Concat,
		u64,
		BoundedVec<u32, ConstU32<2>>,
		ValueQuery,
	>;
	type Queue = DeadlineQueue<Agenda, u64, u32, ConstU32<2>>;

	#[test]
	fn an_item_goes_to_the_wanted_block_while_it_has_room() {
		TestExternalities::default().execute_with(|| {
			assert_eq!(Queue::schedule(10, 1), Ok(10));
			assert_eq!(Queue::schedule(10, 2), Ok(10));
			assert_eq!(Queue::due_at(10).into_inner(), vec![1, 2]);
		});
	}

	#[test]
	fn a_full_block_slips_the_item_to_the_next_with_room_never_earlier() {
		TestExternalities::default().execute_with(|| {
			for item in 0..4 {
				Queue::schedule(10, item).expect("room within the slip");
			}
			assert_eq!(Queue::due_at(9).len(), 0);
			assert_eq!(Queue::due_at(10).into_inner(), vec![0, 1]);
			assert_eq!(Queue::due_at(11).into_inner(), vec![2, 3]);
			// A later wanted block never slips back to an earlier one with room.
			assert_eq!(Queue::schedule(12, 9), Ok(12));
		});
	}

	#[test]
	fn the_wanted_block_and_max_slip_blocks_after_it_full_refuse_and_write_nothing() {
		TestExternalities::default().execute_with(|| {
			let capacity = 2 * (MAX_SLIP + 1);
			for item in 0..capacity {
				let at = Queue::schedule(10, item).expect("room within the slip");
				assert!(at <= 10 + u64::from(MAX_SLIP));
			}
			let before: Vec<_> = (0..=u64::from(MAX_SLIP) + 1).map(|b| Queue::due_at(10 + b)).collect();
			assert_eq!(Queue::schedule(10, 99), Err(QueueFull));
			let after: Vec<_> = (0..=u64::from(MAX_SLIP) + 1).map(|b| Queue::due_at(10 + b)).collect();
			assert_eq!(before, after);
			assert!(Queue::due_at(10 + u64::from(MAX_SLIP) + 1).is_empty());
		});
	}

	#[test]
	fn take_empties_the_block_in_queue_order() {
		TestExternalities::default().execute_with(|| {
			Queue::schedule(5, 7).unwrap();
			Queue::schedule(5, 3).unwrap();
			assert_eq!(Queue::take(5).into_inner(), vec![7, 3]);
			assert!(Queue::take(5).is_empty());
		});
	}

	#[test]
	fn find_looks_where_schedule_may_have_put_the_item() {
		TestExternalities::default().execute_with(|| {
			for item in 0..5 {
				Queue::schedule(10, item).expect("room within the slip");
			}
			assert_eq!(Queue::find(10, &0), Some(10));
			assert_eq!(Queue::find(10, &4), Some(12));
			assert_eq!(Queue::find(11, &4), Some(12));
			// Not before the wanted block, not past its slip window, not an item never queued.
			assert_eq!(Queue::find(11, &0), None);
			assert_eq!(Queue::find(12 - u64::from(MAX_SLIP) - 1, &4), None);
			assert_eq!(Queue::find(10, &9), None);
		});
	}
}
