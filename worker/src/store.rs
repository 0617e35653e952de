//! The worker's store (redb, an embedded ACID database in the data directory): what it needs to
//! be paid after a crash. A receipt is committed to disk before the host counts it as received,
//! so a restarted worker still holds the latest one its player signed; a window's sealed work is
//! on disk before its root is committed, so its challenges can be opened; an auditor's verdicts
//! and nonce are on disk before it commits to them, so it can reveal them.

use crate::work::WindowRecord;
use anyhow::{Context, Result};
use codec::{Decode, Encode};
use pallet_pgt_work::{CommitmentId, WindowIndex};
use pgt_net::SignedReceipt;
use pgt_primitives::sessions::SessionId;
use polkadot_sdk::sp_core::H256;
use redb::{Database, ReadableTable, TableDefinition};
use std::{path::Path, sync::Arc};

/// Session → the latest receipt (SCALE `SignedReceipt`).
const RECEIPTS: TableDefinition<u64, &[u8]> = TableDefinition::new("receipts");
/// Session → the keys it applied: SCALE `Vec<(tick, keys, seq)>`.
const INPUTS: TableDefinition<u64, &[u8]> = TableDefinition::new("inputs");
/// Session → `true` while it is hosted here and not yet ended on chain.
const OPEN: TableDefinition<u64, bool> = TableDefinition::new("open");
/// (session, window) → the sealed window (SCALE [`WindowRecord`]), until its salt is revealed.
const WINDOWS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("windows");
/// Commitment → the (session, window) it committed.
const COMMITMENTS: TableDefinition<u64, (u64, u32)> = TableDefinition::new("commitments");
/// Commitment audited here → SCALE `(Vec<H256>, H256)`: the output hashes and the nonce committed
/// to, until they are revealed.
const VERDICTS: TableDefinition<u64, &[u8]> = TableDefinition::new("verdicts");

/// The store (cheap to clone).
#[derive(Clone)]
pub struct Store {
	db: Arc<Database>,
	path: Arc<std::path::PathBuf>,
}

impl Store {
	/// Opens (or creates) the store at `dir/worker.redb`.
	pub fn open(dir: &Path) -> Result<Store> {
		std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
		let path = dir.join("worker.redb");
		let db = Database::create(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
		let tx = db.begin_write()?;
		tx.open_table(RECEIPTS)?;
		tx.open_table(INPUTS)?;
		tx.open_table(OPEN)?;
		tx.open_table(WINDOWS)?;
		tx.open_table(COMMITMENTS)?;
		tx.open_table(VERDICTS)?;
		tx.commit()?;
		Ok(Store { db: Arc::new(db), path: Arc::new(path) })
	}

	/// The store file's size in bytes (0 if it cannot be read).
	pub fn size_bytes(&self) -> u64 {
		std::fs::metadata(self.path.as_ref()).map(|m| m.len()).unwrap_or(0)
	}

	/// Keeps `r` as its session's latest receipt (durable when this returns).
	pub fn save(&self, r: &SignedReceipt) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(RECEIPTS)?.insert(r.receipt.session, r.encode().as_slice())?;
		tx.commit()?;
		Ok(())
	}

	/// The latest receipt kept for `session`.
	pub fn latest(&self, session: SessionId) -> Option<SignedReceipt> {
		let tx = self.db.begin_read().ok()?;
		let table = tx.open_table(RECEIPTS).ok()?;
		let bytes = table.get(session).ok()??;
		SignedReceipt::decode(&mut bytes.value()).ok()
	}

	/// Keeps the keys `session` applied.
	pub fn save_inputs(&self, session: SessionId, log: &[(u64, u8, u32)]) {
		let save = || -> Result<()> {
			let tx = self.db.begin_write()?;
			tx.open_table(INPUTS)?.insert(session, log.to_vec().encode().as_slice())?;
			tx.commit()?;
			Ok(())
		};
		if let Err(e) = save() {
			tracing::warn!(session, error = %e, "cannot store the session's inputs");
		}
	}

	/// The keys `session` applied, if kept.
	pub fn inputs(&self, session: SessionId) -> Option<Vec<(u64, u8, u32)>> {
		let tx = self.db.begin_read().ok()?;
		let bytes = tx.open_table(INPUTS).ok()?.get(session).ok()??;
		Decode::decode(&mut bytes.value()).ok()
	}

	/// Marks `session` as hosted here (`true`) or ended on chain (`false`).
	pub fn set_open(&self, session: SessionId, open: bool) -> Result<()> {
		let tx = self.db.begin_write()?;
		{
			let mut t = tx.open_table(OPEN)?;
			if open {
				t.insert(session, true)?;
			} else {
				t.remove(session)?;
			}
		}
		tx.commit()?;
		Ok(())
	}

	/// Sessions hosted here that were not seen to end (after a crash: to end and settle).
	pub fn open_sessions(&self) -> Vec<SessionId> {
		let read = || -> Result<Vec<SessionId>> {
			let tx = self.db.begin_read()?;
			let t = tx.open_table(OPEN)?;
			let mut out = Vec::new();
			for entry in t.iter()? {
				out.push(entry?.0.value());
			}
			Ok(out)
		};
		read().unwrap_or_default()
	}

	/// Keeps a sealed window (durable when this returns: before its root is committed).
	pub fn save_window(&self, w: &WindowRecord) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(WINDOWS)?.insert((w.session, w.window), w.encode().as_slice())?;
		tx.commit()?;
		Ok(())
	}

	/// Notes that `commitment` committed the window `(session, window)`.
	pub fn save_commitment(&self, commitment: CommitmentId, session: SessionId, window: WindowIndex) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(COMMITMENTS)?.insert(commitment, (session, window))?;
		tx.commit()?;
		Ok(())
	}

	/// The sealed window `commitment` committed, if kept.
	pub fn committed_window(&self, commitment: CommitmentId) -> Result<Option<WindowRecord>> {
		let tx = self.db.begin_read()?;
		let Some(key) = tx.open_table(COMMITMENTS)?.get(commitment)?.map(|k| k.value()) else { return Ok(None) };
		let Some(bytes) = tx.open_table(WINDOWS)?.get(key)? else { return Ok(None) };
		Ok(Some(WindowRecord::decode(&mut bytes.value()).context("a stored window does not decode")?))
	}

	/// The sealed window `(session, window)`, if kept (for a commitment whose id this worker never
	/// learnt: killed between committing and reading the event).
	pub fn window(&self, session: SessionId, window: WindowIndex) -> Result<Option<WindowRecord>> {
		let tx = self.db.begin_read()?;
		let Some(bytes) = tx.open_table(WINDOWS)?.get((session, window))? else { return Ok(None) };
		Ok(Some(WindowRecord::decode(&mut bytes.value()).context("a stored window does not decode")?))
	}

	/// Forgets a window and its commitment (its salt is revealed, nothing more is asked of it),
	/// or a window whose commitment failed (`commitment` `None`).
	pub fn forget_window(
		&self,
		session: SessionId,
		window: WindowIndex,
		commitment: Option<CommitmentId>,
	) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(WINDOWS)?.remove((session, window))?;
		if let Some(c) = commitment {
			tx.open_table(COMMITMENTS)?.remove(c)?;
		}
		tx.commit()?;
		Ok(())
	}

	/// Keeps the output hashes and nonce this auditor commits to on `commitment` (durable when
	/// this returns: before the commitment is submitted).
	pub fn save_verdicts(&self, commitment: CommitmentId, hashes: &[H256], nonce: &H256) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(VERDICTS)?.insert(commitment, (hashes, nonce).encode().as_slice())?;
		tx.commit()?;
		Ok(())
	}

	/// The output hashes and nonce committed to on `commitment`, if kept.
	pub fn verdicts(&self, commitment: CommitmentId) -> Result<Option<(Vec<H256>, H256)>> {
		let tx = self.db.begin_read()?;
		let Some(bytes) = tx.open_table(VERDICTS)?.get(commitment)? else { return Ok(None) };
		Ok(Some(Decode::decode(&mut bytes.value()).context("stored verdicts do not decode")?))
	}

	/// Forgets the verdicts on `commitment` (revealed).
	pub fn forget_verdicts(&self, commitment: CommitmentId) -> Result<()> {
		let tx = self.db.begin_write()?;
		tx.open_table(VERDICTS)?.remove(commitment)?;
		tx.commit()?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::work::{WindowTasks, WorkLog};
	use pgt_compute::game::GameState;

	fn some_work() -> WindowTasks {
		let mut log = WorkLog::new(3);
		let state = GameState::new(5);
		log.record_step(&state, state.hash(), &[0, 8, 8], state.hash());
		log.cut(4)
	}

	#[test]
	fn a_window_committed_before_a_crash_is_found_without_its_commitment_id() {
		let dir = tempfile::tempdir().unwrap();
		let record = WindowRecord::seal(9, 3, some_work());
		{
			let store = Store::open(dir.path()).unwrap();
			store.save_window(&record).unwrap();
			// Killed here: the commitment was submitted, its id never noted.
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.committed_window(41).unwrap(), None);
		assert_eq!(store.window(9, 3).unwrap(), Some(record.clone()));
		assert_eq!(store.window(9, 4).unwrap(), None);
		// Once the duty names the id, it is noted and found by it.
		store.save_commitment(41, 9, 3).unwrap();
		assert_eq!(store.committed_window(41).unwrap(), Some(record));
		store.forget_window(9, 3, Some(41)).unwrap();
		assert_eq!(store.committed_window(41).unwrap(), None);
		assert_eq!(store.window(9, 3).unwrap(), None);
	}
}
