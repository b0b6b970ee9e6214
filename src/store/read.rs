//! Reads over a snapshot: records by id, whole tables, counters and index lookups.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use redb::{
    MultimapTableDefinition, ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition,
};

use super::{Record, codec, id_of_index_key, time_key};
use crate::error::{Ctx, Result};

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
pub(super) fn collect_ids(values: redb::MultimapValue<'_, u64>) -> Result<Vec<u64>> {
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

/// One page of a sort index, starting after `after` (an index key), in either direction.
/// Returns the ids and the last key read when more may follow.
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

/// Streams every record of a table in id order (for rebuilds and checks).
pub fn iter<R: Record>(rx: &ReadTransaction) -> Result<impl Iterator<Item = Result<R>>> {
    let t = rx.open_table(R::TABLE).ctx("open table")?;
    let range = t.range::<u64>(..).ctx("read table")?;
    Ok(range.map(|row| {
        let (_, v) = row.ctx(R::NAME)?;
        codec::decode(v.value(), R::NAME)
    }))
}
