//! Secondary index entries a record keeps, and how a write transaction adds, removes and moves
//! them (with the generation counters of counted entries).

use redb::{
    MultimapTableDefinition, MultimapTableHandle, ReadableTable, TableDefinition, TableHandle,
};

use super::{Record, Tx};
use crate::error::{Ctx, Result};

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
    pub(super) fn table(&self) -> &str {
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

impl Tx {
    pub(super) fn index_add(&mut self, k: &IndexKey, id: u64) -> Result<()> {
        match k {
            IndexKey::Sorted(def, key) | IndexKey::Counted(def, key, _) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .insert(key.as_slice(), ())
                    .ctx("write index")?;
                if let IndexKey::Counted(_, _, generation) = k {
                    self.bump_generation(*generation)?;
                }
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
    pub(super) fn bump_generation(&mut self, g: Generation) -> Result<()> {
        let mut t = self.txn.open_table(g.counters).ctx("open generations")?;
        let current = t
            .get(g.group)
            .ctx("read generation")?
            .map_or(0, |v| v.value());
        t.insert(g.group, current + 1).ctx("write generation")?;
        Ok(())
    }

    pub(super) fn index_remove(&mut self, k: &IndexKey, id: u64) -> Result<()> {
        match k {
            IndexKey::Sorted(def, key) | IndexKey::Counted(def, key, _) => {
                self.txn
                    .open_table(*def)
                    .ctx("open index")?
                    .remove(key.as_slice())
                    .ctx("write index")?;
                if let IndexKey::Counted(_, _, generation) = k {
                    self.bump_generation(*generation)?;
                }
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

    /// Removes the index entries only `old` has and adds those only `new` has.
    pub(super) fn move_indexes<R: Record>(&mut self, old: &R, new: &R) -> Result<()> {
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
}
