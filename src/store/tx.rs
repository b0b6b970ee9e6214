//! A write transaction: ids, records with their indexes, history and outbox entries, events
//! for the store's handlers and live signals for open browsers.

use chrono::{DateTime, Utc};
use redb::{
    MultimapTableDefinition, ReadableMultimapTable, ReadableTable, ReadableTableMetadata,
    TableDefinition, WriteTransaction,
};

use super::{
    Action, Change, Event, HistoryEntry, IndexKey, Kind, Record, be_u64, codec, diff, due_ids,
    get_in, history::to_json, history_key, read::collect_ids, tables::*,
};
use crate::error::{Ctx, Error, Result};

/// A write transaction with who is writing and when.
pub struct Tx {
    pub txn: WriteTransaction,
    pub actor: Option<u64>,
    pub now: DateTime<Utc>,
    pub(super) touched_outbox: bool,
    /// Live signals for open browsers, sent only after the commit (see `Store::write_signalled`).
    pub signals: Vec<Signal>,
    /// Events for the store's handlers, handed over before the commit ([`Tx::emit`]).
    pub(super) events: Vec<Event>,
}

/// Something open browsers should refresh after a commit: `what` (counters, feed,
/// notification) for these users (empty: everyone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub what: &'static str,
    pub user_ids: Vec<u64>,
}

impl Tx {
    /// Records that something happened to a record; the store's event handlers see it before
    /// this transaction commits, and what they write lands with it or not at all.
    pub fn emit(
        &mut self,
        what: &'static str,
        kind: Kind,
        id: u64,
        data: std::collections::BTreeMap<String, String>,
    ) {
        self.events.push(Event {
            what,
            kind,
            id,
            data,
            actor: self.actor,
            at: self.now,
        });
    }

    /// Allocates the next id of a table (ids start at 1 and are never reused).
    pub fn next_id(&mut self, table: &str) -> Result<u64> {
        let key = format!("id_seq:{table}");
        self.bump_meta(&key)
    }

    fn bump_meta(&mut self, key: &str) -> Result<u64> {
        self.bump_meta_by(key, 1)
    }

    /// Takes the next `n` values of a sequence; returns the first of them.
    fn bump_meta_by(&mut self, key: &str, n: u64) -> Result<u64> {
        let mut meta = self.txn.open_table(META).ctx("open meta")?;
        let cur = match meta.get(key).ctx("read meta")? {
            Some(v) => be_u64(v.value())?,
            None => 0,
        };
        meta.insert(key, (cur + n).to_be_bytes().as_slice())
            .ctx("write meta")?;
        Ok(cur + 1)
    }

    /// Allocates the next `n` ids of a table; returns the first (the others follow it).
    pub fn next_ids(&mut self, table: &str, n: u64) -> Result<u64> {
        self.bump_meta_by(&format!("id_seq:{table}"), n)
    }

    pub fn get<R: Record>(&self, id: u64) -> Result<Option<R>> {
        let t = self.txn.open_table(R::TABLE).ctx("open table")?;
        get_in(&t, id)
    }

    /// Loads a record that must exist.
    pub fn must<R: Record>(&self, id: u64) -> Result<R> {
        self.get(id)?.ok_or(Error::NotFound(R::NAME))
    }

    pub fn count<R: Record>(&self) -> Result<u64> {
        self.txn
            .open_table(R::TABLE)
            .ctx("open table")?
            .len()
            .ctx("count")
    }

    /// Every record of a table, as this transaction sees it, in id order.
    pub fn all<R: Record>(&self) -> Result<Vec<R>> {
        let t = self.txn.open_table(R::TABLE).ctx("open table")?;
        let mut out = Vec::new();
        for row in t.iter().ctx(R::NAME)? {
            let (_, v) = row.ctx(R::NAME)?;
            out.push(codec::decode(v.value(), R::NAME)?);
        }
        Ok(out)
    }

    pub fn exists<R: Record>(&self, id: u64) -> Result<bool> {
        let t = self.txn.open_table(R::TABLE).ctx("open table")?;
        Ok(t.get(id).ctx(R::NAME)?.is_some())
    }

    /// Records a change for the search indexer.
    pub fn outbox(&mut self, kind: Kind, id: u64) -> Result<()> {
        let seq = self.bump_meta("outbox_seq")?;
        let mut v = Vec::with_capacity(9);
        v.push(kind as u8);
        v.extend_from_slice(&id.to_be_bytes());
        self.txn
            .open_table(OUTBOX)
            .ctx("open outbox")?
            .insert(seq, v.as_slice())
            .ctx("write outbox")?;
        self.touched_outbox = true;
        Ok(())
    }

    fn history(&mut self, kind: Kind, id: u64, action: Action, changes: Vec<Change>) -> Result<()> {
        let seq = self.bump_meta("history_seq")?;
        let entry = HistoryEntry {
            at: self.now,
            user_id: self.actor,
            action,
            changes,
        };
        let bytes = codec::encode(&entry)?;
        self.txn
            .open_table(HISTORY)
            .ctx("open history")?
            .insert(history_key(kind, id, seq).as_slice(), bytes.as_slice())
            .ctx("write history")?;
        Ok(())
    }

    fn put<R: Record>(&mut self, rec: &R) -> Result<()> {
        let bytes = codec::encode(rec)?;
        self.txn
            .open_table(R::TABLE)
            .ctx("open table")?
            .insert(rec.id(), bytes.as_slice())
            .ctx(R::NAME)?;
        Ok(())
    }

    /// Stores a new record with its indexes, history and outbox entry.
    pub fn insert<R: Record>(&mut self, rec: &R) -> Result<()> {
        let id = rec.id();
        if self.exists::<R>(id)? {
            return Err(Error::Conflict(format!("{} {id} already exists", R::NAME)));
        }
        self.put(rec)?;
        for k in rec.index_keys() {
            self.index_add(&k, id)?;
        }
        let changes = diff(&serde_json::Value::Null, &to_json(rec)?, R::HISTORY_SKIP);
        self.history(R::KIND, id, Action::Created, changes)?;
        if R::SEARCHABLE {
            self.outbox(R::KIND, id)?;
        }
        Ok(())
    }

    /// [`insert`](Self::insert) of many records, with each table opened once for all of them
    /// (a bulk load spends much of its time opening and closing tables otherwise). Writes
    /// exactly what inserting them one by one, in order, writes: records, index entries,
    /// history entries and outbox entries, with the same sequence numbers.
    pub fn insert_many<R: Record>(&mut self, recs: &[R]) -> Result<()> {
        if recs.is_empty() {
            return Ok(());
        }
        {
            let mut t = self.txn.open_table(R::TABLE).ctx("open table")?;
            for rec in recs {
                let id = rec.id();
                if t.get(id).ctx(R::NAME)?.is_some() {
                    return Err(Error::Conflict(format!("{} {id} already exists", R::NAME)));
                }
                let bytes = codec::encode(rec)?;
                t.insert(id, bytes.as_slice()).ctx(R::NAME)?;
            }
        }
        let mut keys: Vec<(IndexKey, u64)> = recs
            .iter()
            .flat_map(|r| r.index_keys().into_iter().map(move |k| (k, r.id())))
            .collect();
        keys.sort_by(|a, b| a.0.table().cmp(b.0.table()));
        for group in keys.chunk_by(|a, b| a.0.table() == b.0.table()) {
            match &group[0].0 {
                IndexKey::Sorted(def, _) | IndexKey::Counted(def, _, _) => {
                    {
                        let mut t = self.txn.open_table(*def).ctx("open index")?;
                        for (k, _) in group {
                            if let IndexKey::Sorted(_, key) | IndexKey::Counted(_, key, _) = k {
                                t.insert(key.as_slice(), ()).ctx("write index")?;
                            }
                        }
                    }
                    for (k, _) in group {
                        if let IndexKey::Counted(_, _, generation) = k {
                            self.bump_generation(*generation)?;
                        }
                    }
                }
                IndexKey::ById(def, _) => {
                    let mut t = self.txn.open_multimap_table(*def).ctx("open index")?;
                    for (k, id) in group {
                        if let IndexKey::ById(_, key) = k {
                            t.insert(*key, *id).ctx("write index")?;
                        }
                    }
                }
                IndexKey::ByStr(def, _) => {
                    let mut t = self.txn.open_multimap_table(*def).ctx("open index")?;
                    for (k, id) in group {
                        if let IndexKey::ByStr(_, key) = k {
                            t.insert(key.as_str(), *id).ctx("write index")?;
                        }
                    }
                }
            }
        }
        let n = recs.len() as u64;
        let first = self.bump_meta_by("history_seq", n)?;
        {
            let mut t = self.txn.open_table(HISTORY).ctx("open history")?;
            for (seq, rec) in (first..).zip(recs) {
                let entry = HistoryEntry {
                    at: self.now,
                    user_id: self.actor,
                    action: Action::Created,
                    changes: diff(&serde_json::Value::Null, &to_json(rec)?, R::HISTORY_SKIP),
                };
                let bytes = codec::encode(&entry)?;
                t.insert(
                    history_key(R::KIND, rec.id(), seq).as_slice(),
                    bytes.as_slice(),
                )
                .ctx("write history")?;
            }
        }
        if R::SEARCHABLE {
            let first = self.bump_meta_by("outbox_seq", n)?;
            let mut t = self.txn.open_table(OUTBOX).ctx("open outbox")?;
            for (seq, rec) in (first..).zip(recs) {
                let mut v = Vec::with_capacity(9);
                v.push(R::KIND as u8);
                v.extend_from_slice(&rec.id().to_be_bytes());
                t.insert(seq, v.as_slice()).ctx("write outbox")?;
            }
            self.touched_outbox = true;
        }
        Ok(())
    }

    /// Replaces a record, moving its index entries and recording what changed. A change of a
    /// field kept out of history (a secret such as a password) is stored without a history
    /// entry. Returns false (and writes nothing) when nothing changed but the bookkeeping times.
    pub fn update<R: Record>(&mut self, old: &R, new: &R) -> Result<bool> {
        let id = new.id();
        let (o, n) = (to_json(old)?, to_json(new)?);
        let changes = diff(&o, &n, R::HISTORY_SKIP);
        if changes.is_empty() && diff(&o, &n, &[]).is_empty() {
            return Ok(false);
        }
        self.move_indexes(old, new)?;
        self.put(new)?;
        if !changes.is_empty() {
            self.history(R::KIND, id, Action::Updated, changes)?;
        }
        if R::SEARCHABLE {
            self.outbox(R::KIND, id)?;
        }
        Ok(true)
    }

    /// Writes a record and its index entries without history or outbox (restoring a backup:
    /// the history comes from the archive and the search index is rebuilt).
    pub fn put_restored<R: Record>(&mut self, rec: &R) -> Result<()> {
        self.put(rec)?;
        for k in rec.index_keys() {
            self.index_add(&k, rec.id())?;
        }
        Ok(())
    }

    /// Stores a record with its indexes but no history entry (a log that is itself history).
    pub fn insert_quietly<R: Record>(&mut self, rec: &R) -> Result<()> {
        self.put(rec)?;
        for k in rec.index_keys() {
            self.index_add(&k, rec.id())?;
        }
        Ok(())
    }

    /// Removes a record and its indexes without a history entry.
    pub fn delete_quietly<R: Record>(&mut self, old: &R) -> Result<()> {
        self.txn
            .open_table(R::TABLE)
            .ctx("open table")?
            .remove(old.id())
            .ctx(R::NAME)?;
        for k in old.index_keys() {
            self.index_remove(&k, old.id())?;
        }
        Ok(())
    }

    /// Replaces a record and moves its index entries, without history (bookkeeping such as
    /// "this reminder fired").
    pub fn update_quietly<R: Record>(&mut self, old: &R, new: &R) -> Result<()> {
        self.move_indexes(old, new)?;
        self.put(new)
    }

    /// Asks open browsers of these users (empty: everyone) to refresh `what` after the commit.
    pub fn signal(&mut self, what: &'static str, user_ids: Vec<u64>) {
        let s = Signal { what, user_ids };
        if !self.signals.contains(&s) {
            self.signals.push(s);
        }
    }

    /// [`due_ids`] of an index as this transaction sees it, due by `self.now`.
    pub fn due_ids(
        &self,
        def: TableDefinition<'static, &'static [u8], ()>,
        limit: usize,
    ) -> Result<Vec<u64>> {
        let t = self.txn.open_table(def).ctx("open due index")?;
        due_ids(&t, self.now, limit)
    }

    /// Ids in a multimap keyed by a string (e.g. `deal:5`).
    pub fn ids_by_str(
        &self,
        def: MultimapTableDefinition<'static, &'static str, u64>,
        key: &str,
    ) -> Result<Vec<u64>> {
        let t = self.txn.open_multimap_table(def).ctx("open index")?;
        collect_ids(t.get(key).ctx("read index")?)
    }

    /// Writes a record without history (bookkeeping such as `last_used_at`).
    pub fn put_quietly<R: Record>(&mut self, rec: &R) -> Result<()> {
        self.put(rec)
    }

    pub fn delete<R: Record>(&mut self, old: &R) -> Result<()> {
        let id = old.id();
        self.txn
            .open_table(R::TABLE)
            .ctx("open table")?
            .remove(id)
            .ctx(R::NAME)?;
        for k in old.index_keys() {
            self.index_remove(&k, id)?;
        }
        let changes = diff(&to_json(old)?, &serde_json::Value::Null, R::HISTORY_SKIP);
        self.history(R::KIND, id, Action::Deleted, changes)?;
        if R::SEARCHABLE {
            self.outbox(R::KIND, id)?;
        }
        Ok(())
    }

    pub fn ids_by(
        &self,
        def: MultimapTableDefinition<'static, u64, u64>,
        key: u64,
    ) -> Result<Vec<u64>> {
        let t = self.txn.open_multimap_table(def).ctx("open index")?;
        collect_ids(t.get(key).ctx("read index")?)
    }
}
