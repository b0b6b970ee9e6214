//! The store: one redb file, the single source of truth. Every mutation is one write
//! transaction that writes the record, its secondary indexes, a history entry and an outbox
//! entry for the search indexer — all of it lands or none of it does.

pub mod codec;
pub mod feed_migration;
pub mod kind;
pub mod tables;

mod history;
mod index;
mod keys;
mod migrations;
mod outbox;
mod read;
mod tx;

pub use history::{Action, Change, HistoryEntry, diff, history};
pub use index::{Generation, IndexKey};
pub use keys::{be_u64, history_key, id_of_index_key, sort_key, time_key};
pub use kind::{DocKind, Kind, TargetKind, UnknownKind};
pub use migrations::{MIGRATIONS, Migration, SCHEMA_VERSION};
pub use outbox::{first_outbox_seq, outbox_after, outbox_seq_in};
pub use read::{
    all, count, due_ids, generation, get, get_in, ids_by, ids_by_str, iter, page_sorted,
};
pub use tx::{Signal, Tx};

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use redb::{
    Database, MultimapTableHandle, ReadTransaction, ReadableDatabase, TableDefinition, TableHandle,
};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{Ctx, Error, Result};
use tables::*;

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

    /// Reads a string value from the meta table.
    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.read(|rx| {
            let meta = rx.open_table(META).ctx("open meta")?;
            Ok(meta.get(key).ctx("read meta")?.map(|v| v.value().to_vec()))
        })
    }
}

#[cfg(test)]
mod tests;
