//! The deadline queue: items due at a block, kept in a storage double map from block number to
//! item, with a cursor that says which block is handled next.
//!
//! A pallet declares both storage items (so their names and docs are the pallet's) and reaches
//! them through [`DeadlineQueue`]:
//!
//! ```ignore
//! #[pallet::storage]
//! pub type Timeouts<T: Config> =
//!     StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, (SessionId, Timeout), ()>;
//! #[pallet::storage]
//! pub type TimeoutCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;
//!
//! type Queue<T> = DeadlineQueue<Timeouts<T>, TimeoutCursor<T>, BlockNumberFor<T>, (SessionId, Timeout)>;
//! let at = Queue::<T>::schedule(deadline, (id, Timeout::Receipt));
//! Queue::<T>::remove(at, &(id, Timeout::Receipt));
//! for (at, (id, what)) in Queue::<T>::take_due(now, max).items { /* … */ }
//! ```
//!
//! **No block fills up.** A block takes any number of items, so nothing anyone queues can push
//! someone else's deadline anywhere, and scheduling never fails. What is bounded is the work per
//! block: [`DeadlineQueue::take_due`] hands out at most `max` due items and looks at at most
//! `max` blocks; whatever is left waits for the next block. A deadline is therefore handled at
//! its block or later (when more than `max` fall due at once), never earlier, and a crowd of
//! deadlines delays others only by the blocks it takes to work through it — it costs whoever
//! queued them what their items cost (sessions hold escrow and a contributor slot, commitments
//! need a session being served).
//!
//! **The cursor.** Blocks before the cursor are handled; an item is never queued before it
//! ([`DeadlineQueue::schedule`] moves such an item to the cursor and says so), so nothing is
//! ever stranded behind it.

use codec::{EncodeLike, FullCodec};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::storage::{IterableStorageDoubleMap, StorageDoubleMap, StorageValue},
	sp_runtime::traits::{One, Saturating},
};

/// What [`DeadlineQueue::take_due`] took out of the queue.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Due<B, I> {
	/// The due items with the block each was queued at, oldest block first.
	pub items: alloc::vec::Vec<(B, I)>,
	/// How many blocks' entries were looked at (what reading them costs).
	pub blocks_looked_at: u32,
}

/// The deadline queue kept in double map `Q` (block `B`, item `I` → `()`) with cursor `C`.
pub struct DeadlineQueue<Q, C, B, I>(PhantomData<(Q, C, B, I)>);

impl<Q, C, B, I> DeadlineQueue<Q, C, B, I>
where
	Q: IterableStorageDoubleMap<B, I, ()> + StorageDoubleMap<B, I, (), Query = Option<()>>,
	C: StorageValue<B, Query = B>,
	B: FullCodec + EncodeLike + Copy + Ord + Saturating + One,
	I: FullCodec + EncodeLike,
{
	/// Queues `item` at block `at` (or at the cursor, if `at` is already handled); returns the
	/// block it went to. Queuing an item that is already at that block changes nothing.
	pub fn schedule(at: B, item: I) -> B {
		let at = at.max(C::get());
		Q::insert(at, item, ());
		at
	}

	/// Takes `item` out of block `at`; whether it was there.
	pub fn remove(at: B, item: &I) -> bool {
		let was = Q::contains_key(at, item);
		if was {
			Q::remove(at, item);
		}
		was
	}

	/// Whether `item` is queued at block `at`.
	pub fn contains(at: B, item: &I) -> bool {
		Q::contains_key(at, item)
	}

	/// The first block not yet handled.
	pub fn cursor() -> B {
		C::get()
	}

	/// Takes up to `max` items due at block `now` or before out of the queue (oldest block
	/// first), looking at no more than `max` blocks, and moves the cursor past every block it
	/// emptied.
	pub fn take_due(now: B, max: u32) -> Due<B, I> {
		let mut cursor = C::get();
		let mut due = Due { items: alloc::vec::Vec::new(), blocks_looked_at: 0 };
		while cursor <= now && (due.items.len() as u32) < max && due.blocks_looked_at < max {
			due.blocks_looked_at += 1;
			let room = max as usize - due.items.len();
			// `drain_prefix` removes each entry as it is read, so stopping early keeps the rest.
			let mut block = Q::drain_prefix(cursor);
			for _ in 0..room {
				match block.next() {
					Some((item, ())) => due.items.push((cursor, item)),
					None => break,
				}
			}
			drop(block);
			if Q::iter_prefix(cursor).next().is_some() {
				// More than `max` due: the rest of this block waits for the next one.
				break;
			}
			cursor = cursor.saturating_add(One::one());
		}
		C::put(cursor);
		due
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::{
		frame_support::{
			storage::types::{OptionQuery, StorageDoubleMap as DoubleMap, StorageValue as Value, ValueQuery},
			Twox64Concat,
		},
		sp_io::TestExternalities,
	};

	struct AgendaPrefix;
	impl polkadot_sdk::frame_support::traits::StorageInstance for AgendaPrefix {
		fn pallet_prefix() -> &'static str {
			"Test"
		}
		const STORAGE_PREFIX: &'static str = "Agenda";
	}
	struct CursorPrefix;
	impl polkadot_sdk::frame_support::traits::StorageInstance for CursorPrefix {
		fn pallet_prefix() -> &'static str {
			"Test"
		}
		const STORAGE_PREFIX: &'static str = "Cursor";
	}
	type Agenda = DoubleMap<AgendaPrefix, Twox64Concat, u64, Twox64Concat, u32, (), OptionQuery>;
	type Cursor = Value<CursorPrefix, u64, ValueQuery>;
	type Queue = DeadlineQueue<Agenda, Cursor, u64, u32>;

	fn sorted(due: Due<u64, u32>) -> Vec<(u64, u32)> {
		let mut items = due.items;
		items.sort();
		items
	}

	#[test]
	fn items_come_out_at_their_block_never_before() {
		TestExternalities::default().execute_with(|| {
			// A chain calls `take_due` every block; it is at block 9 here.
			Cursor::put(9);
			assert_eq!(Queue::schedule(10, 1), 10);
			assert_eq!(Queue::schedule(12, 2), 12);
			assert!(Queue::take_due(9, 4).items.is_empty());
			assert_eq!(sorted(Queue::take_due(10, 4)), vec![(10, 1)]);
			assert_eq!(Queue::cursor(), 11);
			assert!(Queue::take_due(11, 4).items.is_empty());
			assert_eq!(sorted(Queue::take_due(12, 4)), vec![(12, 2)]);
		});
	}

	#[test]
	fn a_crowded_block_takes_everything_and_hands_it_out_over_several_blocks() {
		TestExternalities::default().execute_with(|| {
			Cursor::put(10);
			// Far more than one block handles, all at block 10, and one item at 11.
			for item in 0..10 {
				assert_eq!(Queue::schedule(10, item), 10);
			}
			Queue::schedule(11, 99);
			let mut seen = Vec::new();
			for now in 10..14 {
				let due = Queue::take_due(now, 3);
				assert!(due.items.len() <= 3);
				seen.extend(due.items);
			}
			seen.sort();
			let mut expected: Vec<_> = (0..10).map(|i| (10, i)).collect();
			expected.push((11, 99));
			assert_eq!(seen, expected);
			// The last call looked at its 3 blocks (10, 11, 12): block 13 is next.
			assert_eq!(Queue::cursor(), 13);
		});
	}

	#[test]
	fn removing_an_item_keeps_it_from_coming_out() {
		TestExternalities::default().execute_with(|| {
			Queue::schedule(5, 7);
			Queue::schedule(5, 3);
			assert!(Queue::contains(5, &7));
			assert!(Queue::remove(5, &7));
			assert!(!Queue::remove(5, &7));
			assert_eq!(sorted(Queue::take_due(5, 8)), vec![(5, 3)]);
		});
	}

	#[test]
	fn an_item_for_a_handled_block_goes_to_the_cursor() {
		TestExternalities::default().execute_with(|| {
			Queue::take_due(20, 4);
			assert!(Queue::cursor() <= 21);
			let cursor = Queue::cursor();
			assert_eq!(Queue::schedule(3, 1), cursor);
			assert_eq!(sorted(Queue::take_due(cursor, 4)), vec![(cursor, 1)]);
		});
	}

	#[test]
	fn the_blocks_looked_at_per_call_are_bounded_and_the_cursor_catches_up() {
		TestExternalities::default().execute_with(|| {
			// 100 empty blocks behind: 4 per call, then it is level.
			let first = Queue::take_due(100, 4);
			assert_eq!(first.blocks_looked_at, 4);
			assert_eq!(Queue::cursor(), 4);
			let mut calls = 1;
			while Queue::cursor() <= 100 {
				Queue::take_due(100, 4);
				calls += 1;
			}
			assert_eq!(calls, 26);
		});
	}
}
