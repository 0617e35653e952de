//! The worker's store (redb, an embedded ACID database in the data directory): what it needs to
//! be paid after a crash. A receipt is committed to disk before the host counts it as received,
//! so a restarted worker still holds the latest one its player signed.

use anyhow::{Context, Result};
use codec::{Decode, Encode};
use pgt_net::SignedReceipt;
use pgt_primitives::sessions::SessionId;
use redb::{Database, ReadableTable, TableDefinition};
use std::{path::Path, sync::Arc};

/// Session → the latest receipt (SCALE `SignedReceipt`).
const RECEIPTS: TableDefinition<u64, &[u8]> = TableDefinition::new("receipts");
/// Session → the keys it applied: SCALE `Vec<(tick, keys, seq)>`.
const INPUTS: TableDefinition<u64, &[u8]> = TableDefinition::new("inputs");
/// Session → `true` while it is hosted here and not yet ended on chain.
const OPEN: TableDefinition<u64, bool> = TableDefinition::new("open");

/// The store (cheap to clone).
#[derive(Clone)]
pub struct ReceiptStore {
	db: Arc<Database>,
}

impl ReceiptStore {
	/// Opens (or creates) the store at `dir/worker.redb`.
	pub fn open(dir: &Path) -> Result<ReceiptStore> {
		std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
		let path = dir.join("worker.redb");
		let db = Database::create(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
		let tx = db.begin_write()?;
		tx.open_table(RECEIPTS)?;
		tx.open_table(INPUTS)?;
		tx.open_table(OPEN)?;
		tx.commit()?;
		Ok(ReceiptStore { db: Arc::new(db) })
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
}
