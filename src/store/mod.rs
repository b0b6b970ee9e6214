//! The store: one redb file, the single source of truth. Every mutation is one write
//! transaction that writes the record, its secondary indexes, a history entry and an outbox
//! entry for the search indexer — all of it lands or none of it does.

pub mod codec;
pub mod feed_migration;
pub mod kind;
pub mod tables;

pub use kind::{DocKind, Kind, TargetKind, UnknownKind};

use std::{
    ops::Bound,
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use redb::{
    Database, MultimapTableDefinition, MultimapTableHandle, ReadTransaction, ReadableDatabase,
    ReadableMultimapTable, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle,
    WriteTransaction,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{Ctx, Error, Result};
use tables::*;

/// Version of the table layout: 1 + the number of migrations. To change the layout, append
/// a migration to `MIGRATIONS` (never edit or remove one) and keep the fixture test passing.
pub const SCHEMA_VERSION: u64 = MIGRATIONS.len() as u64 + 1;

/// One step of the schema: runs inside the write transaction that bumps the version.
pub struct Migration {
    pub what: &'static str,
    pub run: fn(&WriteTransaction) -> Result<()>,
}

/// Migration `i` takes schema `i + 1` to `i + 2`. Append-only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        what: "drop the phone and e-mail indexes of companies and contacts (written, never read)",
        run: drop_tables_never_read,
    },
    Migration {
        what: feed_migration::WHAT,
        run: feed_migration::run,
    },
];

/// Schema 2: the duplicate-search indexes by phone and e-mail were written and never read
/// (search finds duplicates); they are no longer declared, so their tables go.
fn drop_tables_never_read(txn: &WriteTransaction) -> Result<()> {
    for name in [
        "company_by_phone",
        "company_by_email",
        "contact_by_phone",
        "contact_by_email",
    ] {
        let def: MultimapTableDefinition<&str, u64> = MultimapTableDefinition::new(name);
        txn.delete_multimap_table(def)
            .map_err(|e| Error::Storage(format!("drop table {name}: {e}")))?;
    }
    Ok(())
}

/// One entry of a secondary index that a record keeps.
#[derive(Clone)]
pub enum IndexKey {
    /// A sort index: `key ‖ id` → ().
    Sorted(TableDefinition<'static, &'static [u8], ()>, Vec<u8>),
    /// A sort index entry whose every change (added or removed) also moves a generation
    /// counter on, in the same transaction: what a reader computed from the index in one
    /// generation holds until the next, so it may be kept in memory. See [`Generation`].
    Counted(
        TableDefinition<'static, &'static [u8], ()>,
        Vec<u8>,
        Generation,
    ),
    /// A multimap from a referenced id (responsible, company…) to this record's id.
    ById(MultimapTableDefinition<'static, u64, u64>, u64),
    /// A multimap from a normalised string (phone digits, e-mail) to this record's id.
    ByStr(MultimapTableDefinition<'static, &'static str, u64>, String),
}

/// Which generation counter a [`IndexKey::Counted`] entry moves: row `group` of `counters`
/// (a `u64 → u64` table; a missing row is generation 0). One group per table (`group: 0`) or
/// per part of it (e.g. a board column) — the record's index declaration says which.
#[derive(Clone, Copy)]
pub struct Generation {
    pub counters: TableDefinition<'static, u64, u64>,
    pub group: u64,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.counters.name(), self.group)
    }
}

impl IndexKey {
    fn parts(&self) -> (&str, String) {
        match self {
            IndexKey::Sorted(d, k) | IndexKey::Counted(d, k, _) => (d.name(), hex::encode(k)),
            IndexKey::ById(d, k) => (d.name(), k.to_string()),
            IndexKey::ByStr(d, k) => (d.name(), k.clone()),
        }
    }
}

impl IndexKey {
    /// The name of the table the entry goes to.
    fn table(&self) -> &str {
        match self {
            IndexKey::Sorted(d, _) | IndexKey::Counted(d, _, _) => d.name(),
            IndexKey::ById(d, _) => d.name(),
            IndexKey::ByStr(d, _) => d.name(),
        }
    }
}

impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (table, key) = self.parts();
        write!(f, "{table}[{key}]")
    }
}

/// A stored entity: its table, kind, and the index entries derived from it.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: Kind;
    const TABLE: TableDefinition<'static, u64, &'static [u8]>;
    /// Human name used in errors ("company not found").
    const NAME: &'static str;
    /// Does a change of this record go to the search index? Derived from the one list,
    /// `Kind::SEARCHABLE`.
    const SEARCHABLE: bool = Self::KIND.is_in(Kind::SEARCHABLE);
    /// Fields never written into history (secrets).
    const HISTORY_SKIP: &'static [&'static str] = &[];
    fn id(&self) -> u64;
    fn index_keys(&self) -> Vec<IndexKey> {
        Vec::new()
    }
}

/// Fields that change on every write and say nothing to a reader of the history.
const HISTORY_ALWAYS_SKIP: &[&str] =
    &["id", "created_at", "updated_at", "created_by", "updated_by"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Updated,
    Deleted,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub user_id: Option<u64>,
    pub action: Action,
    pub changes: Vec<Change>,
}

pub struct Store {
    db: Database,
    path: PathBuf,
    /// Woken after every commit that wrote to the outbox.
    pub outbox_notify: Arc<tokio::sync::Notify>,
    /// Called with a transaction's events before it commits (see [`Store::on_events`]).
    handlers: std::sync::RwLock<Vec<EventHandler>>,
}

/// Something that happened in a write transaction, told to the handlers installed on the store
/// before the transaction commits (the feed turns such events into its entries, in the same
/// transaction). The store gives `what` no meaning: the area that emits an event names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened (`created`, `stage_moved`…), as the emitting area names it.
    pub what: &'static str,
    /// The record it happened to.
    pub kind: Kind,
    pub id: u64,
    /// Details (ids of the stages of a move, the count of a batch…).
    pub data: std::collections::BTreeMap<String, String>,
    /// Who and when, as the transaction said when the event was emitted.
    pub actor: Option<u64>,
    pub at: DateTime<Utc>,
}

/// Turns events into records of the same transaction (before it commits); an error aborts it.
pub type EventHandler = fn(&mut Tx, &[Event]) -> Result<()>;

impl Store {
    /// Opens (or creates) the redb file and refuses a database newer than this binary. A
    /// database that needs a migration is refused too: only `open_migrating` (the server's
    /// start, which takes a backup first) upgrades.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_migrating(path, |_, from, to| {
            Err(Error::Storage(format!(
                "the data folder needs an upgrade from schema {from} to {to}: start `korobka serve` once (it takes a backup, then upgrades)"
            )))
        })
    }

    /// Opens the redb file and runs pending migrations, calling `before_migrate(store, from,
    /// to)` first (the app takes a backup there); an error from it stops the upgrade.
    pub fn open_migrating(
        path: &Path,
        before_migrate: impl FnOnce(&Store, u64, u64) -> Result<()>,
    ) -> Result<Store> {
        Self::open_with(path, MIGRATIONS, before_migrate)
    }

    fn open_with(
        path: &Path,
        migrations: &[Migration],
        before_migrate: impl FnOnce(&Store, u64, u64) -> Result<()>,
    ) -> Result<Store> {
        let db = Database::builder()
            .set_cache_size(32 * 1024 * 1024)
            .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
            .create(path)
            .map_err(|e| Error::Storage(format!("open {}: {e}", path.display())))?;
        let store = Store {
            db,
            path: path.to_path_buf(),
            outbox_notify: Arc::new(tokio::sync::Notify::new()),
            handlers: std::sync::RwLock::new(Vec::new()),
        };
        store.prepare_schema(migrations, before_migrate)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The names of the tables in the file, plain and multimap, sorted.
    pub fn table_names(&self) -> Result<Vec<String>> {
        let rx = self.db.begin_read().ctx("begin read")?;
        let mut names: Vec<String> = rx
            .list_tables()
            .ctx("list tables")?
            .map(|t| t.name().to_string())
            .chain(
                rx.list_multimap_tables()
                    .ctx("list tables")?
                    .map(|t| t.name().to_string()),
            )
            .collect();
        names.sort();
        Ok(names)
    }

    /// The schema version written in the store (None for a new, empty file).
    pub fn schema_version(&self) -> Result<Option<u64>> {
        let rx = self.db.begin_read().ctx("begin schema check")?;
        let meta = match rx.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(Error::Storage(format!("open meta: {e}"))),
        };
        match meta.get("schema_version").ctx("read schema version")? {
            Some(v) => Ok(Some(be_u64(v.value())?)),
            None => Ok(None),
        }
    }

    fn prepare_schema(
        &self,
        migrations: &[Migration],
        before_migrate: impl FnOnce(&Store, u64, u64) -> Result<()>,
    ) -> Result<()> {
        let target = migrations.len() as u64 + 1;
        match self.schema_version()? {
            None => {
                let txn = self.db.begin_write().ctx("begin schema setup")?;
                txn.open_table(META)
                    .ctx("open meta")?
                    .insert("schema_version", target.to_be_bytes().as_slice())
                    .ctx("write schema version")?;
                open_all_tables(&txn)?;
                txn.commit().ctx("commit schema")?;
                return Ok(());
            }
            Some(v) if v > target => {
                return Err(Error::Storage(format!(
                    "the data folder was written by a newer Korobka (schema {v}, this binary knows {target}); upgrade the binary"
                )));
            }
            Some(v) if v < target => {
                // Tables declared since the store was written are created (empty) first, so
                // the backup taken before migrating reads every table it knows.
                let txn = self.db.begin_write().ctx("begin schema check")?;
                open_all_tables(&txn)?;
                txn.commit().ctx("commit schema")?;
                before_migrate(self, v, target)?;
                self.run_migrations(migrations, v)?;
            }
            Some(_) => {}
        }
        // Create tables added since, so readers never meet a missing one.
        let txn = self.db.begin_write().ctx("begin schema check")?;
        open_all_tables(&txn)?;
        txn.commit().ctx("commit schema")?;
        Ok(())
    }

    /// Runs the migrations after `from`, each in one write transaction that also bumps the
    /// stored version, so an interrupted upgrade resumes at the step that did not commit.
    fn run_migrations(&self, migrations: &[Migration], from: u64) -> Result<()> {
        for (i, m) in migrations.iter().enumerate() {
            let to = i as u64 + 2;
            if to <= from {
                continue;
            }
            tracing::info!("migrating the store to schema {to}: {}", m.what);
            let txn = self.db.begin_write().ctx("begin migration")?;
            open_all_tables(&txn)?;
            (m.run)(&txn).map_err(|e| {
                Error::Storage(format!("migration to schema {to} ({}): {e}", m.what))
            })?;
            txn.open_table(META)
                .ctx("open meta")?
                .insert("schema_version", to.to_be_bytes().as_slice())
                .ctx("write schema version")?;
            txn.commit().ctx("commit migration")?;
        }
        Ok(())
    }

    /// Runs `f` in one write transaction and commits it; an error aborts everything `f` wrote.
    pub fn write<T>(
        &self,
        actor: Option<u64>,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        self.write_signalled(actor, now, f).map(|(out, _)| out)
    }

    /// Like `write`, and also returns the live signals the use-case raised (to publish after
    /// the commit, so a browser never refetches before the change is visible).
    pub fn write_signalled<T>(
        &self,
        actor: Option<u64>,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<(T, Vec<Signal>)> {
        let txn = self.db.begin_write().ctx("begin write")?;
        let mut tx = Tx {
            txn,
            actor,
            now,
            touched_outbox: false,
            signals: Vec::new(),
            events: Vec::new(),
        };
        let out = f(&mut tx)?;
        self.hand_over_events(&mut tx)?;
        let touched = tx.touched_outbox;
        let signals = std::mem::take(&mut tx.signals);
        tx.txn.commit().ctx("commit")?;
        if touched {
            self.outbox_notify.notify_one();
        }
        Ok((out, signals))
    }

    /// Installs a handler for the events of every later write transaction (where the store is
    /// opened for writing, once per handler).
    pub fn on_events(&self, handler: EventHandler) {
        match self.handlers.write() {
            Ok(mut h) => h.push(handler),
            Err(poisoned) => poisoned.into_inner().push(handler),
        }
    }

    /// Hands the transaction's events to the handlers until none are left (a handler may emit
    /// more). Events with no handler installed are an error, never silently dropped.
    fn hand_over_events(&self, tx: &mut Tx) -> Result<()> {
        if tx.events.is_empty() {
            return Ok(());
        }
        let handlers = match self.handlers.read() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for _round in 0..8 {
            let events = std::mem::take(&mut tx.events);
            if events.is_empty() {
                return Ok(());
            }
            if handlers.is_empty() {
                return Err(Error::Internal(format!(
                    "a write emitted {} event(s) ({}) but the store has no event handlers: open it through the one function that installs them",
                    events.len(),
                    events[0].what
                )));
            }
            for h in &handlers {
                h(tx, &events)?;
            }
        }
        Err(Error::Internal(
            "event handlers kept emitting events (8 rounds)".into(),
        ))
    }

    /// Runs `f` over one consistent read snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&ReadTransaction) -> Result<T>) -> Result<T> {
        let txn = self.db.begin_read().ctx("begin read")?;
        f(&txn)
    }
}

fn open_all_tables(txn: &WriteTransaction) -> Result<()> {
    for t in tables::ALL {
        (t.create)(txn).map_err(|e| Error::Storage(format!("create table {}: {e}", t.name)))?;
    }
    Ok(())
}

pub fn be_u64(b: &[u8]) -> Result<u64> {
    let arr: [u8; 8] = b
        .try_into()
        .map_err(|_| Error::Storage(format!("expected 8 bytes, found {}", b.len())))?;
    Ok(u64::from_be_bytes(arr))
}

/// A sort-index key: `prefix ‖ 0x00 ‖ id BE`. The prefix is cut at 64 bytes on a char boundary.
pub fn sort_key(prefix: &str, id: u64) -> Vec<u8> {
    let mut end = prefix.len().min(64);
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    let mut k = Vec::with_capacity(end + 9);
    k.extend_from_slice(&prefix.as_bytes()[..end]);
    k.push(0);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A time-ordered index key: `micros BE ‖ id BE`.
pub fn time_key(at: DateTime<Utc>, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(16);
    k.extend_from_slice(&(at.timestamp_micros().max(0) as u64).to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The id at the end of a sort/time index key.
pub fn id_of_index_key(k: &[u8]) -> Result<u64> {
    if k.len() < 8 {
        return Err(Error::Storage("index key shorter than an id".into()));
    }
    be_u64(&k[k.len() - 8..])
}

/// The key of a history entry: `kind u8 ‖ entity id BE ‖ seq BE`.
pub fn history_key(kind: Kind, id: u64, seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(17);
    k.push(kind as u8);
    k.extend_from_slice(&id.to_be_bytes());
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// Reads one record by id from a read transaction.
pub fn get<R: Record>(rx: &ReadTransaction, id: u64) -> Result<Option<R>> {
    let t = rx.open_table(R::TABLE).ctx("open table")?;
    get_in(&t, id)
}

pub fn get_in<R: Record>(t: &impl ReadableTable<u64, &'static [u8]>, id: u64) -> Result<Option<R>> {
    match t.get(id).ctx(R::NAME)? {
        Some(v) => Ok(Some(codec::decode(v.value(), R::NAME)?)),
        None => Ok(None),
    }
}

/// Every record of a table, in id order.
pub fn all<R: Record>(rx: &ReadTransaction) -> Result<Vec<R>> {
    let t = rx.open_table(R::TABLE).ctx("open table")?;
    let mut out = Vec::new();
    for row in t.iter().ctx(R::NAME)? {
        let (_, v) = row.ctx(R::NAME)?;
        out.push(codec::decode(v.value(), R::NAME)?);
    }
    Ok(out)
}

pub fn count<R: Record>(rx: &ReadTransaction) -> Result<u64> {
    rx.open_table(R::TABLE)
        .ctx("open table")?
        .len()
        .ctx("count")
}

/// History of one record, newest first.
pub fn history(rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Vec<HistoryEntry>> {
    let t = rx.open_table(HISTORY).ctx("open history")?;
    let from = history_key(kind, id, 0);
    let to = history_key(kind, id, u64::MAX);
    let mut out = Vec::new();
    for row in t
        .range(from.as_slice()..=to.as_slice())
        .ctx("read history")?
        .rev()
    {
        let (_, v) = row.ctx("read history")?;
        out.push(codec::decode(v.value(), "history entry")?);
    }
    Ok(out)
}

/// The generation `group` of a counter table in this snapshot (see [`Generation`]).
pub fn generation(
    rx: &ReadTransaction,
    counters: TableDefinition<'static, u64, u64>,
    group: u64,
) -> Result<u64> {
    let t = rx.open_table(counters).ctx("open generations")?;
    Ok(t.get(group)
        .ctx("read generation")?
        .map_or(0, |v| v.value()))
}

/// The ids under one key of a multimap index.
fn collect_ids(values: redb::MultimapValue<'_, u64>) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    for v in values {
        out.push(v.ctx("read index")?.value());
    }
    Ok(out)
}

pub fn ids_by(
    rx: &ReadTransaction,
    def: MultimapTableDefinition<'static, u64, u64>,
    key: u64,
) -> Result<Vec<u64>> {
    let t = rx.open_multimap_table(def).ctx("open index")?;
    collect_ids(t.get(key).ctx("read index")?)
}

pub fn ids_by_str(
    rx: &ReadTransaction,
    def: MultimapTableDefinition<'static, &'static str, u64>,
    key: &str,
) -> Result<Vec<u64>> {
    let t = rx.open_multimap_table(def).ctx("open index")?;
    collect_ids(t.get(key).ctx("read index")?)
}

/// One page of a sort index, starting after `after` (an index key), in either direction.
/// Returns the ids and the last key read when more may follow.
/// Ids in a time-ordered index (keys `time_key(at, id)`) whose time is at or before `now`,
/// oldest first, at most `limit`: what is due (reminders, deadlines, queued mail).
pub fn due_ids(
    t: &impl ReadableTable<&'static [u8], ()>,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<u64>> {
    let until = time_key(now, u64::MAX);
    let mut out = Vec::new();
    for row in t
        .range::<&[u8]>(..until.as_slice())
        .ctx("read due index")?
        .take(limit)
    {
        let (k, _) = row.ctx("read due index")?;
        out.push(id_of_index_key(k.value())?);
    }
    Ok(out)
}

pub fn page_sorted(
    rx: &ReadTransaction,
    def: TableDefinition<'static, &'static [u8], ()>,
    after: Option<&[u8]>,
    descending: bool,
    limit: usize,
) -> Result<(Vec<u64>, Option<Vec<u8>>)> {
    let t = rx.open_table(def).ctx("open sort index")?;
    let range = match (after, descending) {
        (None, _) => t.range::<&[u8]>(..),
        (Some(a), false) => t.range::<&[u8]>((Bound::Excluded(a), Bound::Unbounded)),
        (Some(a), true) => t.range::<&[u8]>((Bound::Unbounded, Bound::Excluded(a))),
    }
    .ctx("read sort index")?;
    let mut ids = Vec::with_capacity(limit);
    let mut last = None;
    let mut take = |row: std::result::Result<
        (redb::AccessGuard<'_, &[u8]>, redb::AccessGuard<'_, ()>),
        redb::StorageError,
    >|
     -> Result<bool> {
        let (k, _) = row.ctx("read sort index")?;
        if ids.len() == limit {
            return Ok(false);
        }
        ids.push(id_of_index_key(k.value())?);
        last = Some(k.value().to_vec());
        Ok(true)
    };
    let mut more = false;
    if descending {
        for row in range.rev() {
            if !take(row)? {
                more = true;
                break;
            }
        }
    } else {
        for row in range {
            if !take(row)? {
                more = true;
                break;
            }
        }
    }
    Ok((ids, if more { last } else { None }))
}

/// A write transaction with who is writing and when.
pub struct Tx {
    pub txn: WriteTransaction,
    pub actor: Option<u64>,
    pub now: DateTime<Utc>,
    touched_outbox: bool,
    /// Live signals for open browsers, sent only after the commit (see `Store::write_signalled`).
    pub signals: Vec<Signal>,
    /// Events for the store's handlers, handed over before the commit ([`Tx::emit`]).
    events: Vec<Event>,
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

    fn index_add(&mut self, k: &IndexKey, id: u64) -> Result<()> {
        match k {
            IndexKey::Sorted(def, key) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .insert(key.as_slice(), ())
                    .ctx("write index")?;
            }
            IndexKey::Counted(def, key, generation) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .insert(key.as_slice(), ())
                    .ctx("write index")?;
                self.bump_generation(*generation)?;
            }
            IndexKey::ById(def, key) => {
                self.txn
                    .open_multimap_table(*def)
                    .ctx("open index")?
                    .insert(*key, id)
                    .ctx("write index")?;
            }
            IndexKey::ByStr(def, key) => {
                self.txn
                    .open_multimap_table(*def)
                    .ctx("open index")?
                    .insert(key.as_str(), id)
                    .ctx("write index")?;
            }
        }
        Ok(())
    }

    /// Moves a generation counter on (see [`Generation`]).
    fn bump_generation(&mut self, g: Generation) -> Result<()> {
        let mut t = self.txn.open_table(g.counters).ctx("open generations")?;
        let current = t
            .get(g.group)
            .ctx("read generation")?
            .map_or(0, |v| v.value());
        t.insert(g.group, current + 1).ctx("write generation")?;
        Ok(())
    }

    fn index_remove(&mut self, k: &IndexKey, id: u64) -> Result<()> {
        match k {
            IndexKey::Sorted(def, key) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .remove(key.as_slice())
                    .ctx("write index")?;
            }
            IndexKey::Counted(def, key, generation) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .remove(key.as_slice())
                    .ctx("write index")?;
                self.bump_generation(*generation)?;
            }
            IndexKey::ById(def, key) => {
                self.txn
                    .open_multimap_table(*def)
                    .ctx("open index")?
                    .remove(*key, id)
                    .ctx("write index")?;
            }
            IndexKey::ByStr(def, key) => {
                self.txn
                    .open_multimap_table(*def)
                    .ctx("open index")?
                    .remove(key.as_str(), id)
                    .ctx("write index")?;
            }
        }
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

    /// Removes the index entries only `old` has and adds those only `new` has.
    fn move_indexes<R: Record>(&mut self, old: &R, new: &R) -> Result<()> {
        let id = new.id();
        let old_keys = old.index_keys();
        let new_keys = new.index_keys();
        for k in old_keys.iter().filter(|k| !new_keys.contains(k)) {
            self.index_remove(k, id)?;
        }
        for k in new_keys.iter().filter(|k| !old_keys.contains(k)) {
            self.index_add(k, id)?;
        }
        Ok(())
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

fn to_json<R: Serialize>(r: &R) -> Result<serde_json::Value> {
    serde_json::to_value(r).map_err(|e| Error::Internal(format!("record to json: {e}")))
}

/// Field-by-field difference of two JSON objects (Null stands for "no record").
pub fn diff(old: &serde_json::Value, new: &serde_json::Value, skip: &[&str]) -> Vec<Change> {
    let empty = serde_json::Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    let mut fields: Vec<&String> = o.keys().chain(n.keys()).collect();
    fields.sort();
    fields.dedup();
    let blank = |v: &serde_json::Value| {
        v.is_null()
            || v.as_str().is_some_and(str::is_empty)
            || v.as_array().is_some_and(Vec::is_empty)
    };
    let mut out = Vec::new();
    for f in fields {
        if HISTORY_ALWAYS_SKIP.contains(&f.as_str()) || skip.contains(&f.as_str()) {
            continue;
        }
        let ov = o.get(f).cloned().unwrap_or(serde_json::Value::Null);
        let nv = n.get(f).cloned().unwrap_or(serde_json::Value::Null);
        if ov == nv || (blank(&ov) && blank(&nv)) {
            continue;
        }
        out.push(Change {
            field: f.clone(),
            old: ov,
            new: nv,
        });
    }
    out
}

/// Pending outbox entries after `after`, at most `limit`, in order.
pub fn outbox_after(
    rx: &ReadTransaction,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, Kind, u64)>> {
    let t = rx.open_table(OUTBOX).ctx("open outbox")?;
    let mut out = Vec::new();
    for row in t.range((after.saturating_add(1))..).ctx("read outbox")? {
        let (k, v) = row.ctx("read outbox")?;
        let v = v.value();
        if v.len() != 9 {
            return Err(Error::Storage(format!(
                "outbox entry {} is malformed",
                k.value()
            )));
        }
        let kind = Kind::from_repr(v[0])
            .ok_or_else(|| Error::Storage(format!("outbox entry {}: unknown kind", k.value())))?;
        out.push((k.value(), kind, be_u64(&v[1..])?));
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// The highest outbox sequence allocated, as seen by this snapshot.
pub fn outbox_seq_in(rx: &ReadTransaction) -> Result<u64> {
    let meta = rx.open_table(META).ctx("open meta")?;
    match meta.get("outbox_seq").ctx("read meta")? {
        Some(v) => be_u64(v.value()),
        None => Ok(0),
    }
}

/// The oldest outbox entry still waiting, if any.
pub fn first_outbox_seq(rx: &ReadTransaction) -> Result<Option<u64>> {
    let t = rx.open_table(OUTBOX).ctx("open outbox")?;
    Ok(t.first().ctx("read outbox")?.map(|(k, _)| k.value()))
}

/// Streams every record of a table in id order (for rebuilds and checks).
pub fn iter<R: Record>(rx: &ReadTransaction) -> Result<impl Iterator<Item = Result<R>>> {
    let t = rx.open_table(R::TABLE).ctx("open table")?;
    let range = t.range::<u64>(..).ctx("read table")?;
    Ok(range.map(|row| {
        let (_, v) = row.ctx(R::NAME)?;
        codec::decode(v.value(), R::NAME)
    }))
}

impl Store {
    /// Removes outbox entries up to and including `seq` (after the index committed them).
    pub fn trim_outbox(&self, seq: u64) -> Result<()> {
        let txn = self.db.begin_write().ctx("begin outbox trim")?;
        {
            let mut t = txn.open_table(OUTBOX).ctx("open outbox")?;
            t.retain_in(..=seq, |_, _| false).ctx("trim outbox")?;
        }
        txn.commit().ctx("commit outbox trim")?;
        Ok(())
    }

    /// The highest outbox sequence ever allocated.
    pub fn outbox_seq(&self) -> Result<u64> {
        self.read(outbox_seq_in)
    }

    /// Reads a string value from the meta table.
    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.read(|rx| {
            let meta = rx.open_table(META).ctx("open meta")?;
            Ok(meta.get(key).ctx("read meta")?.map(|v| v.value().to_vec()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh database has exactly the tables of `tables::ALL`, so a read of a table nobody
    /// wrote yet finds it empty instead of failing, and nothing undeclared lingers.
    #[test]
    fn a_new_database_has_exactly_the_declared_tables() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.redb")).unwrap();
        let mut declared: Vec<&str> = tables::ALL.iter().map(|t| t.name).collect();
        declared.sort_unstable();
        assert_eq!(store.table_names().unwrap(), declared);
        // Every `= "name"` in tables.rs is a declaration in the one list.
        let src = include_str!("tables.rs");
        let written = src.matches("> = \"").count();
        assert_eq!(
            written,
            tables::ALL.len(),
            "a table declared outside `tables!`"
        );
        for (i, t) in tables::ALL.iter().enumerate() {
            assert!(
                tables::ALL[..i].iter().all(|o| o.name != t.name),
                "{} declared twice",
                t.name
            );
            assert_eq!(tables::find(t.name).map(|f| f.role), Some(t.role));
        }
    }

    /// Schema 2 drops the phone and e-mail indexes that were written and never read; the
    /// rest of the store stays as it was.
    #[test]
    fn the_migration_to_schema_2_drops_the_unread_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        let gone = [
            "company_by_phone",
            "company_by_email",
            "contact_by_phone",
            "contact_by_email",
        ];
        {
            let s = Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap();
            let txn = s.db.begin_write().unwrap();
            for name in gone {
                let def: MultimapTableDefinition<&str, u64> = MultimapTableDefinition::new(name);
                txn.open_multimap_table(def)
                    .unwrap()
                    .insert("380671234567", 1)
                    .unwrap();
            }
            txn.open_table(USERS)
                .unwrap()
                .insert(7, [1u8].as_slice())
                .unwrap();
            txn.commit().unwrap();
            assert!(
                s.table_names()
                    .unwrap()
                    .iter()
                    .any(|n| n == "contact_by_phone")
            );
        }
        let s = Store::open_migrating(&path, |_, from, to| {
            assert_eq!((from, to), (1, SCHEMA_VERSION));
            Ok(())
        })
        .unwrap();
        assert_eq!(s.schema_version().unwrap(), Some(SCHEMA_VERSION));
        let names = s.table_names().unwrap();
        for name in gone {
            assert!(!names.iter().any(|n| n == name), "{name} is still there");
        }
        assert_eq!(names.len(), tables::ALL.len());
        let kept = s
            .read(|rx| {
                let t = rx.open_table(USERS).ctx("open")?;
                Ok(t.get(7).ctx("read")?.map(|v| v.value().to_vec()))
            })
            .unwrap();
        assert_eq!(kept, Some(vec![1u8]));
    }

    #[derive(Serialize, Deserialize)]
    struct Counted {
        id: u64,
        group: u64,
        key: String,
    }

    const THINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("test_things");
    const THING_BY_KEY: TableDefinition<&[u8], ()> = TableDefinition::new("test_thing_by_key");
    const THING_GEN: TableDefinition<u64, u64> = TableDefinition::new("test_thing_gen");

    impl Record for Counted {
        const KIND: Kind = Kind::Task;
        const TABLE: TableDefinition<'static, u64, &'static [u8]> = THINGS;
        const NAME: &'static str = "thing";
        fn id(&self) -> u64 {
            self.id
        }
        fn index_keys(&self) -> Vec<IndexKey> {
            vec![IndexKey::Counted(
                THING_BY_KEY,
                sort_key(&self.key, self.id),
                Generation {
                    counters: THING_GEN,
                    group: self.group,
                },
            )]
        }
    }

    /// A counted index entry moves its group's counter on whenever it is added or removed, in
    /// the same transaction, and leaves other groups alone; a change that keeps the entry
    /// keeps the generation.
    #[test]
    fn counted_index_entries_move_their_generation_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.redb")).unwrap();
        let now = Utc::now();
        let gens = |store: &Store| {
            store
                .read(|rx| Ok((generation(rx, THING_GEN, 1)?, generation(rx, THING_GEN, 2)?)))
                .unwrap()
        };
        let thing = |id, group, key: &str| Counted {
            id,
            group,
            key: key.into(),
        };
        store
            .write(None, now, |tx| tx.insert(&thing(1, 1, "a")))
            .unwrap();
        assert_eq!(gens(&store), (1, 0));
        store
            .write(None, now, |tx| {
                tx.insert_many(&[thing(2, 1, "b"), thing(3, 2, "c")])
            })
            .unwrap();
        assert_eq!(gens(&store), (2, 1));
        // Same key: no index change, no new generation.
        store
            .write(None, now, |tx| {
                tx.update_quietly(&thing(1, 1, "a"), &thing(1, 1, "a"))
            })
            .unwrap();
        assert_eq!(gens(&store), (2, 1));
        // Moving to another group moves both groups on.
        store
            .write(None, now, |tx| {
                tx.update(&thing(1, 1, "a"), &thing(1, 2, "a2")).map(|_| ())
            })
            .unwrap();
        assert_eq!(gens(&store), (3, 2));
        // A failed transaction moves nothing.
        let err = store.write(None, now, |tx| {
            tx.delete(&thing(3, 2, "c"))?;
            Err::<(), _>(Error::Conflict("no".into()))
        });
        assert!(err.is_err());
        assert_eq!(gens(&store), (3, 2));
        store
            .write(None, now, |tx| tx.delete(&thing(3, 2, "c")))
            .unwrap();
        assert_eq!(gens(&store), (3, 3));
    }

    #[test]
    fn sort_keys_order_by_prefix_then_id() {
        let a = sort_key("abc", 2);
        let b = sort_key("abc", 10);
        let c = sort_key("abd", 1);
        let d = sort_key("ab", 99);
        assert!(d < a && a < b && b < c);
        assert_eq!(id_of_index_key(&b).unwrap(), 10);
    }

    #[test]
    fn sort_key_cuts_on_char_boundary() {
        let long = "ж".repeat(100);
        let k = sort_key(&long, 1);
        assert!(k.len() <= 64 + 9);
        assert!(std::str::from_utf8(&k[..k.len() - 9]).is_ok());
    }

    #[test]
    fn diff_names_changed_fields_only() {
        let old = serde_json::json!({"name":"A","notes":"","phones":[],"updated_at":"x"});
        let new = serde_json::json!({"name":"B","notes":null,"phones":[],"updated_at":"y"});
        let d = diff(&old, &new, &[]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "name");
        assert_eq!(d[0].old, serde_json::json!("A"));
    }

    fn mark(txn: &WriteTransaction, key: &str) -> Result<()> {
        txn.open_table(META)
            .ctx("open meta")?
            .insert(key, [1u8].as_slice())
            .ctx("write marker")?;
        Ok(())
    }

    const TWO_STEPS: &[Migration] = &[
        Migration {
            what: "first step",
            run: |txn| mark(txn, "step:2"),
        },
        Migration {
            what: "second step",
            run: |txn| mark(txn, "step:3"),
        },
    ];

    #[test]
    fn migrations_run_in_order_after_the_hook_and_bump_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        drop(Store::open_with(&path, &[], |_, _, _| panic!("new store migrated")).unwrap());
        let mut called = None;
        let s = Store::open_with(&path, TWO_STEPS, |s, from, to| {
            assert!(
                s.meta_get("step:2")?.is_none(),
                "hook runs before migrating"
            );
            called = Some((from, to));
            Ok(())
        })
        .unwrap();
        assert_eq!(called, Some((1, 3)));
        assert_eq!(s.schema_version().unwrap(), Some(3));
        assert!(s.meta_get("step:2").unwrap().is_some());
        assert!(s.meta_get("step:3").unwrap().is_some());
        drop(s);
        // Up to date: the hook is not called again.
        Store::open_with(&path, TWO_STEPS, |_, _, _| panic!("migrated twice")).unwrap();
        // An older binary refuses the newer store.
        let err = Store::open_with(&path, &[], |_, _, _| Ok(()))
            .err()
            .unwrap();
        assert!(err.to_string().contains("newer Korobka"), "{err}");
    }

    fn emit_one(tx: &mut Tx) -> Result<()> {
        mark(&tx.txn, "change")?;
        tx.emit("created", Kind::Company, 7, Default::default());
        Ok(())
    }

    /// Events reach the installed handlers before the commit: what a handler writes lands with
    /// the change, a handler's error aborts both, and events with no handler are an error
    /// (never dropped silently).
    #[test]
    fn events_are_handled_in_the_transaction_that_emitted_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        let now = Utc::now();
        let err = store.write(Some(3), now, emit_one).unwrap_err();
        assert!(err.to_string().contains("no event handlers"), "{err}");
        assert!(store.meta_get("change").unwrap().is_none());

        fn handle(tx: &mut Tx, events: &[Event]) -> Result<()> {
            assert_eq!(events.len(), 1);
            let e = &events[0];
            assert_eq!((e.what, e.kind, e.id), ("created", Kind::Company, 7));
            assert_eq!(e.actor, tx.actor);
            if tx.actor == Some(4) {
                return Err(Error::Conflict("handler refused".into()));
            }
            mark(&tx.txn, "handled")
        }
        store.on_events(handle);
        let err = store.write(Some(4), now, emit_one).unwrap_err();
        assert!(err.to_string().contains("handler refused"), "{err}");
        assert!(store.meta_get("change").unwrap().is_none());
        assert!(store.meta_get("handled").unwrap().is_none());
        store.write(Some(3), now, emit_one).unwrap();
        assert!(store.meta_get("change").unwrap().is_some());
        assert!(store.meta_get("handled").unwrap().is_some());
    }

    #[test]
    fn a_failed_hook_or_migration_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        drop(Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap());
        let err = Store::open_with(&path, TWO_STEPS, |_, _, _| {
            Err(Error::Storage("backup failed".into()))
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("backup failed"));
        const BROKEN: &[Migration] = &[Migration {
            what: "broken",
            run: |txn| {
                mark(txn, "half")?;
                Err(Error::Storage("boom".into()))
            },
        }];
        let err = Store::open_with(&path, BROKEN, |_, _, _| Ok(()))
            .err()
            .unwrap();
        assert!(err.to_string().contains("broken"), "{err}");
        let s = Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap();
        assert_eq!(s.schema_version().unwrap(), Some(1));
        assert!(s.meta_get("half").unwrap().is_none());
    }
}
