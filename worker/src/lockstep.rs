//! Backups in lockstep with the host.
//!
//! The host's game publishes what it simulates on a [`BackupFeed`]: the key changes it applied
//! and the state hash after every tick ([`Lockstep`]), and its whole state every
//! [`SNAPSHOT_EVERY_TICKS`] ticks ([`Snapshot`]). A backup's [`Follower`] starts from a snapshot,
//! steps the same physics with the same keys and compares its hash with the host's at every
//! tick; on a mismatch or a gap it waits for the next snapshot. When the player orders a
//! takeover, the follower's state is where the backup's own game loop starts
//! ([`Follower::take_over`]).

use crate::game_loop::{AppliedLog, LoopStart, SessionClock};
use pgt_compute::{game::GameState, physics};
use pgt_net::{
	message::{Tick, SNAPSHOT_EVERY_TICKS},
	Applied, Lockstep, SessionMessage, Snapshot,
};
use pgt_primitives::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Messages a slow backup may fall behind by before it misses some (and resyncs from the next
/// snapshot).
pub const FEED_CAPACITY: usize = 1_024;

/// What a hosted session's game tells its backups. Cloned into every backup's stream task.
#[derive(Clone)]
pub struct BackupFeed {
	tx: broadcast::Sender<Arc<SessionMessage>>,
	/// The latest snapshot and every batch since, so a backup that joins starts from the
	/// snapshot without missing a tick. Published under this lock, so a subscriber gets each
	/// message once: from here or from the channel.
	history: Arc<Mutex<History>>,
	clock: Arc<Mutex<Option<SessionClock>>>,
}

#[derive(Default)]
struct History {
	snapshot: Option<Snapshot>,
	since: Vec<Arc<SessionMessage>>,
}

impl Default for BackupFeed {
	fn default() -> Self {
		Self::new()
	}
}

impl BackupFeed {
	/// A feed nobody follows yet.
	pub fn new() -> BackupFeed {
		let (tx, _) = broadcast::channel(FEED_CAPACITY);
		BackupFeed { tx, history: Arc::new(Mutex::new(History::default())), clock: Arc::new(Mutex::new(None)) }
	}

	/// The game started with this session clock.
	pub fn set_clock(&self, clock: SessionClock) {
		if let Ok(mut c) = self.clock.lock() {
			*c = Some(clock);
		}
	}

	/// The session clock, once the game has started.
	pub fn clock(&self) -> Option<SessionClock> {
		self.clock.lock().ok().and_then(|c| *c)
	}

	/// A new follower's start: the latest snapshot and the batches since (in order), and
	/// everything published from now on.
	pub fn subscribe(&self) -> (Vec<Arc<SessionMessage>>, broadcast::Receiver<Arc<SessionMessage>>) {
		let Ok(history) = self.history.lock() else { return (Vec::new(), self.tx.subscribe()) };
		let rx = self.tx.subscribe();
		let mut start: Vec<Arc<SessionMessage>> =
			history.snapshot.iter().map(|s| Arc::new(SessionMessage::Snapshot(s.clone()))).collect();
		start.extend(history.since.iter().cloned());
		(start, rx)
	}

	/// Publishes a batch of ticks (nobody listening is fine).
	pub fn publish_ticks(&self, batch: Lockstep) {
		let message = Arc::new(SessionMessage::Lockstep(batch));
		if let Ok(mut history) = self.history.lock() {
			history.since.push(message.clone());
			let _ = self.tx.send(message);
		}
	}

	/// Publishes (and keeps, for backups that join later) the state at its tick.
	pub fn publish_snapshot(&self, state: &GameState, keys: u8, last_seq: u32, frames: u64) {
		let Ok(bytes) = state.encode().try_into() else {
			tracing::error!("a game state over the protocol's bound; no snapshot sent");
			return;
		};
		let snapshot = Snapshot { tick: state.tick.into(), state: bytes, keys, last_seq, frames };
		if let Ok(mut history) = self.history.lock() {
			history.snapshot = Some(snapshot.clone());
			history.since.clear();
			let _ = self.tx.send(Arc::new(SessionMessage::Snapshot(snapshot)));
		}
	}

	/// Whether a snapshot is due after simulating from `before` to `after` (a multiple of
	/// [`SNAPSHOT_EVERY_TICKS`] was reached).
	pub fn snapshot_due(before: Tick, after: Tick) -> bool {
		after / SNAPSHOT_EVERY_TICKS > before / SNAPSHOT_EVERY_TICKS
	}
}

/// Collects the ticks of one pass of the game loop into a [`Lockstep`] batch.
#[derive(Default)]
pub struct BatchBuilder {
	first: Option<Tick>,
	hashes: Vec<Hash>,
	applied: Vec<Applied>,
}

impl BatchBuilder {
	/// Keys changed to `keys` from `tick` on, as input `seq` asked. Two changes in one tick keep
	/// the last (the keys the tick is simulated with).
	pub fn applied(&mut self, tick: Tick, keys: u8, seq: u32) {
		match self.applied.last_mut() {
			Some(last) if last.tick == tick => *last = Applied { tick, keys, seq },
			_ => self.applied.push(Applied { tick, keys, seq }),
		}
	}

	/// Tick `tick` was simulated; the state after it hashes to `hash`.
	pub fn ticked(&mut self, tick: Tick, hash: Hash) {
		self.first.get_or_insert(tick);
		self.hashes.push(hash);
	}

	/// Whether the batch is full (it must be sent before another tick).
	pub fn is_full(&self) -> bool {
		self.hashes.len() >= pgt_net::message::MAX_LOCKSTEP_TICKS
	}

	/// The batch so far, leaving this one empty; `None` if no tick was simulated.
	pub fn take(&mut self, last_seq: u32, frames: u64) -> Option<Lockstep> {
		let first = self.first.take()?;
		Some(Lockstep {
			first,
			hashes: std::mem::take(&mut self.hashes),
			applied: std::mem::take(&mut self.applied),
			last_seq,
			frames,
		})
	}
}

/// Why a follower lost the host's game (it waits for the next snapshot).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FollowError {
	/// Its own state after `tick` hashed differently from the host's.
	#[error("state after tick {tick} differs from the host's")]
	Mismatch {
		/// The tick.
		tick: Tick,
	},
	/// Ticks were missed (a lagging stream): the batch starts after the next one expected.
	#[error("ticks {from}..{to} were missed")]
	Gap {
		/// The first tick missed.
		from: Tick,
		/// The first tick of the batch that arrived.
		to: Tick,
	},
	/// A snapshot that does not decode as a game state.
	#[error("a snapshot that is not a game state: {0}")]
	BadSnapshot(String),
}

/// A backup's copy of the host's game.
#[derive(Default)]
pub struct Follower {
	/// The session's seed (from its task package): a snapshot of another game is refused, as an
	/// auditor refuses an opened state not from the seed — a host could otherwise hand its
	/// backup a game whose work the backup would be slashed for after a takeover.
	seed: u64,
	state: Option<GameState>,
	keys: u8,
	last_seq: u32,
	frames: u64,
	applied: AppliedLog,
	ticks_confirmed: u64,
}

impl Follower {
	/// A follower of the game started from `seed`, waiting for its first snapshot.
	pub fn new(seed: u64) -> Follower {
		Follower { seed, ..Follower::default() }
	}

	/// The tick it is at (`None`: waiting for a snapshot).
	pub fn tick(&self) -> Option<Tick> {
		self.state.as_ref().map(|s| s.tick.into())
	}

	/// Ticks whose hash it has checked against the host's.
	pub fn ticks_confirmed(&self) -> u64 {
		self.ticks_confirmed
	}

	/// The `seq` of the last input the host applied.
	pub fn last_seq(&self) -> u32 {
		self.last_seq
	}

	/// Follows one message from the host's feed (anything but a snapshot or a batch is ignored).
	pub fn follow(&mut self, message: &SessionMessage) -> Result<(), FollowError> {
		match message {
			SessionMessage::Snapshot(s) => self.on_snapshot(s),
			SessionMessage::Lockstep(l) => self.on_ticks(l),
			_ => Ok(()),
		}
	}

	/// A snapshot: where to start, or a check of where it is.
	pub fn on_snapshot(&mut self, s: &Snapshot) -> Result<(), FollowError> {
		let state = GameState::decode(&s.state).map_err(|e| FollowError::BadSnapshot(e.to_string()))?;
		if Tick::from(state.tick) != s.tick {
			return Err(FollowError::BadSnapshot(format!("a state at tick {} sent as tick {}", state.tick, s.tick)));
		}
		if state.seed != self.seed {
			return Err(FollowError::BadSnapshot(format!("a state of game {} for game {}", state.seed, self.seed)));
		}
		match &self.state {
			Some(mine) if Tick::from(mine.tick) > s.tick => Ok(()),
			Some(mine) if mine.tick == state.tick && mine.hash() == state.hash() => Ok(()),
			Some(mine) if mine.tick == state.tick => {
				self.adopt(state, s);
				Err(FollowError::Mismatch { tick: s.tick })
			},
			_ => {
				self.adopt(state, s);
				Ok(())
			},
		}
	}

	fn adopt(&mut self, state: GameState, s: &Snapshot) {
		self.state = Some(state);
		self.keys = s.keys;
		self.last_seq = s.last_seq;
		self.frames = s.frames;
	}

	/// A batch of ticks: steps through those it has not simulated and checks each hash.
	pub fn on_ticks(&mut self, l: &Lockstep) -> Result<(), FollowError> {
		let Some(mut state) = self.state.take() else { return Ok(()) };
		let at = Tick::from(state.tick);
		if l.last() <= at {
			self.state = Some(state);
			return Ok(());
		}
		if l.first > at + 1 {
			return Err(FollowError::Gap { from: at + 1, to: l.first });
		}
		for (i, expected) in l.hashes.iter().enumerate() {
			let tick = l.first + i as Tick;
			if tick <= at {
				continue;
			}
			if let Some(a) = l.applied.iter().find(|a| a.tick == tick) {
				if a.keys != self.keys {
					self.applied.push((tick, a.keys, a.seq));
				}
				self.keys = a.keys;
			}
			state = physics::step(&state, self.keys);
			if state.hash() != *expected {
				return Err(FollowError::Mismatch { tick });
			}
			self.ticks_confirmed += 1;
		}
		self.last_seq = l.last_seq;
		self.frames = l.frames;
		self.state = Some(state);
		Ok(())
	}

	/// Where the backup's own game starts when it takes over, with every key change applied
	/// since it started following; `None` if it has no state.
	pub fn take_over(&self) -> Option<(LoopStart, AppliedLog)> {
		let state = self.state.clone()?;
		Some((LoopStart { state, keys: self.keys, last_seq: self.last_seq, frames: self.frames }, self.applied.clone()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The host's side as the game loop does it: `ticks` ticks from `seed`, keys changed at the
	/// given ticks, batches of `batch` ticks, a snapshot when one is due.
	fn host_feed(seed: u64, ticks: Tick, changes: &[(Tick, u8)], batch: usize) -> (Vec<SessionMessage>, GameState) {
		let mut state = GameState::new(seed);
		let mut out = Vec::new();
		let snap = |s: &GameState, keys, seq| {
			SessionMessage::Snapshot(Snapshot {
				tick: s.tick.into(),
				state: s.encode().try_into().unwrap(),
				keys,
				last_seq: seq,
				frames: 0,
			})
		};
		out.push(snap(&state, 0, 0));
		let (mut keys, mut seq) = (0u8, 0u32);
		let mut b = BatchBuilder::default();
		for t in 1..=ticks {
			if let Some(&(_, k)) = changes.iter().find(|(at, _)| *at == t) {
				seq += 1;
				b.applied(t, k, seq);
				keys = k;
			}
			let before = Tick::from(state.tick);
			state = physics::step(&state, keys);
			b.ticked(t, state.hash());
			// As the game loop does: the batch goes out before a snapshot of its last state.
			let snapshot = BackupFeed::snapshot_due(before, t);
			if b.hashes.len() == batch || t == ticks || snapshot {
				out.push(SessionMessage::Lockstep(b.take(seq, 0).unwrap()));
			}
			if snapshot {
				out.push(snap(&state, keys, seq));
			}
		}
		(out, state)
	}

	#[test]
	fn a_follower_reaches_the_hosts_state_and_key_log() {
		let (feed, host) = host_feed(7, 150, &[(10, 8), (40, 9), (41, 1), (100, 0)], 7);
		let mut f = Follower::new(7);
		for m in &feed {
			f.follow(m).unwrap();
		}
		assert_eq!(f.tick(), Some(150));
		assert_eq!(f.ticks_confirmed(), 150);
		let (start, log) = f.take_over().unwrap();
		assert_eq!(start.state.hash(), host.hash());
		assert_eq!(start.keys, 0);
		assert_eq!(start.last_seq, 4);
		assert_eq!(log, vec![(10, 8, 1), (40, 9, 2), (41, 1, 3), (100, 0, 4)]);
	}

	#[test]
	fn a_follower_that_joins_late_starts_from_the_latest_snapshot() {
		let (feed, host) = host_feed(3, 200, &[(5, 4), (130, 2)], 5);
		// Everything before the snapshot at tick 120 is lost to this follower.
		let from = feed.iter().position(|m| matches!(m, SessionMessage::Snapshot(s) if s.tick == 120)).unwrap();
		let mut f = Follower::new(3);
		for m in &feed[from..] {
			f.follow(m).unwrap();
		}
		assert_eq!(f.take_over().unwrap().0.state.hash(), host.hash());
	}

	#[test]
	fn a_host_whose_hashes_lie_or_skip_ticks_is_caught_and_followed_again_from_a_snapshot() {
		let (mut feed, host) = host_feed(11, 130, &[(20, 8)], 10);
		// A wrong hash in the batch covering tick 25.
		let i = feed
			.iter()
			.position(|m| matches!(m, SessionMessage::Lockstep(l) if l.first <= 25 && l.last() >= 25))
			.unwrap();
		if let SessionMessage::Lockstep(l) = &mut feed[i] {
			let k = (25 - l.first) as usize;
			l.hashes[k] = [0xEE; 32].into();
		}
		let mut f = Follower::new(11);
		let mut errors = Vec::new();
		for m in &feed {
			if let Err(e) = f.follow(m) {
				errors.push(e);
			}
		}
		// Lost at 25, waiting for the snapshot at 60, then back in lockstep to the end.
		assert_eq!(errors, vec![FollowError::Mismatch { tick: 25 }]);
		assert_eq!(f.take_over().unwrap().0.state.hash(), host.hash());
	}

	#[test]
	fn a_backup_that_subscribes_between_snapshots_misses_no_tick() {
		let feed = BackupFeed::new();
		let (messages, _) = host_feed(9, 90, &[(3, 8), (70, 1)], 4);
		let mut late = None;
		for (i, m) in messages.iter().enumerate() {
			match m {
				SessionMessage::Snapshot(s) => {
					feed.publish_snapshot(&GameState::decode(&s.state).unwrap(), s.keys, s.last_seq, s.frames)
				},
				SessionMessage::Lockstep(l) => feed.publish_ticks(l.clone()),
				_ => {},
			}
			// A backup joins after the 5th message (tick 12, after the snapshot at 0).
			if i == 4 {
				late = Some(feed.subscribe());
			}
		}
		let (start, mut rx) = late.unwrap();
		let mut f = Follower::new(9);
		let published = std::iter::from_fn(|| rx.try_recv().ok());
		for m in start.into_iter().chain(published) {
			f.follow(&m).unwrap();
		}
		assert_eq!(f.tick(), Some(90));
		assert_eq!(f.ticks_confirmed(), 90, "every tick checked: none missed, none twice");
		assert_eq!(f.take_over().unwrap().1, vec![(3, 8, 1), (70, 1, 2)], "the whole key log");
	}

	#[test]
	fn a_snapshot_that_is_not_a_state_or_not_this_game_is_refused() {
		let mut f = Follower::new(1);
		let bad = Snapshot { tick: 0, state: vec![1, 2, 3].try_into().unwrap(), keys: 0, last_seq: 0, frames: 0 };
		assert!(matches!(f.on_snapshot(&bad), Err(FollowError::BadSnapshot(_))));
		assert_eq!(f.tick(), None);
		let mut state = GameState::new(1).encode();
		state[9] = 5; // the tick field says 5
		let lying = Snapshot { tick: 0, state: state.try_into().unwrap(), keys: 0, last_seq: 0, frames: 0 };
		assert!(matches!(f.on_snapshot(&lying), Err(FollowError::BadSnapshot(_))));
		// A real state, of another game: the backup would take over a game its work is slashed for.
		let other = GameState::new(2).encode();
		let other = Snapshot { tick: 0, state: other.try_into().unwrap(), keys: 0, last_seq: 0, frames: 0 };
		assert!(matches!(f.on_snapshot(&other), Err(FollowError::BadSnapshot(_))));
		assert!(f.take_over().is_none());
		let ours = Snapshot {
			tick: 0,
			state: GameState::new(1).encode().try_into().unwrap(),
			keys: 0,
			last_seq: 0,
			frames: 0,
		};
		assert_eq!(f.on_snapshot(&ours), Ok(()));
		assert!(f.take_over().is_some());
	}
}
