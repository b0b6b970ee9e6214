//! Cursor paging over the sort indexes, with optional filters, in the one scheme of every list
//! ([`crate::cursor`]): the cursor is the last index key of the page (opaque to clients), so a
//! page never skips or repeats a record when others are added meanwhile.

use std::ops::Bound;

use poem_openapi::Enum;
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition};

use crate::{
    error::{Ctx, Result},
    store::{self, Record},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub enum SortBy {
    #[default]
    #[oai(rename = "name")]
    Name,
    #[oai(rename = "-name")]
    NameDesc,
    #[oai(rename = "created")]
    Created,
    #[oai(rename = "-created")]
    CreatedDesc,
    #[oai(rename = "updated")]
    Updated,
    #[oai(rename = "-updated")]
    UpdatedDesc,
}

impl SortBy {
    fn descending(self) -> bool {
        matches!(
            self,
            SortBy::NameDesc | SortBy::CreatedDesc | SortBy::UpdatedDesc
        )
    }
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// The sort indexes of one record type, and how to compute a record's keys in them.
pub struct SortIndexes<R> {
    pub by_name: TableDefinition<'static, &'static [u8], ()>,
    pub by_updated: TableDefinition<'static, &'static [u8], ()>,
    pub name_key: fn(&R) -> Vec<u8>,
    pub updated_key: fn(&R) -> Vec<u8>,
}

pub const MAX_LIMIT: usize = 500;

pub(crate) use crate::cursor::{decode as decode_cursor, encode as encode_cursor, page_in_memory};

/// One page of records of type `R`. `only` restricts to a set of ids (from filters).
pub fn page<R: Record>(
    rx: &ReadTransaction,
    idx: &SortIndexes<R>,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
    only: Option<Vec<u64>>,
) -> Result<Page<R>> {
    page_with(rx, idx, sort, cursor, limit, only, |bytes, decoded| {
        decoded.map_or_else(|| store::codec::decode(bytes, R::NAME), Ok)
    })
}

/// [`page`] with each record as stored (its encoded bytes), for lists that decode only the
/// fields they show.
pub fn page_raw<R: Record>(
    rx: &ReadTransaction,
    idx: &SortIndexes<R>,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
    only: Option<Vec<u64>>,
) -> Result<Page<Vec<u8>>> {
    page_with(rx, idx, sort, cursor, limit, only, |bytes, _| {
        Ok(bytes.to_vec())
    })
}

/// The page of [`page`], each record made into an item by `item` from its stored bytes and,
/// when the record had to be decoded for its sort key, the decoded record.
fn page_with<R: Record, T>(
    rx: &ReadTransaction,
    idx: &SortIndexes<R>,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
    only: Option<Vec<u64>>,
    mut item: impl FnMut(&[u8], Option<R>) -> Result<T>,
) -> Result<Page<T>> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let after = decode_cursor(cursor)?;
    let desc = sort.descending();
    let table = rx.open_table(R::TABLE).ctx("open table")?;
    let Some(ids) = only else {
        let total = table.len().ctx("count")?;
        let (ids, last) = match sort {
            SortBy::Name | SortBy::NameDesc => {
                store::page_sorted(rx, idx.by_name, after.as_deref(), desc, limit)?
            }
            SortBy::Updated | SortBy::UpdatedDesc => {
                store::page_sorted(rx, idx.by_updated, after.as_deref(), desc, limit)?
            }
            SortBy::Created | SortBy::CreatedDesc => {
                page_ids(&table, after.as_deref(), desc, limit)?
            }
        };
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = table.get(id).ctx(R::NAME)? {
                items.push(item(v.value(), None)?);
            }
        }
        return Ok(Page {
            items,
            next_cursor: last.as_deref().map(encode_cursor),
            total,
        });
    };
    // Filtered: the set is small (one manager's or one company's records): sort in memory.
    let total = ids.len() as u64;
    let sort_key: Option<fn(&R) -> Vec<u8>> = match sort {
        SortBy::Name | SortBy::NameDesc => Some(idx.name_key),
        SortBy::Updated | SortBy::UpdatedDesc => Some(idx.updated_key),
        SortBy::Created | SortBy::CreatedDesc => None,
    };
    let mut keyed = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(v) = table.get(id).ctx(R::NAME)? {
            let (key, decoded) = match sort_key {
                Some(key_of) => {
                    let r: R = store::codec::decode(v.value(), R::NAME)?;
                    (key_of(&r), Some(r))
                }
                None => (id.to_be_bytes().to_vec(), None),
            };
            keyed.push((key, item(v.value(), decoded)?));
        }
    }
    let (items, next_cursor) = page_in_memory(keyed, desc, after.as_deref(), limit);
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

/// A page over the primary table in id (creation) order.
pub(crate) fn page_ids(
    table: &impl ReadableTable<u64, &'static [u8]>,
    after: Option<&[u8]>,
    desc: bool,
    limit: usize,
) -> Result<(Vec<u64>, Option<Vec<u8>>)> {
    let after = after.map(store::be_u64).transpose()?;
    let range = match (after, desc) {
        (None, _) => table.range::<u64>(..),
        (Some(a), false) => table.range::<u64>((Bound::Excluded(a), Bound::Unbounded)),
        (Some(a), true) => table.range::<u64>(..a),
    }
    .ctx("read table")?;
    let mut ids = Vec::with_capacity(limit + 1);
    let iter: Box<dyn Iterator<Item = _>> = if desc {
        Box::new(range.rev())
    } else {
        Box::new(range)
    };
    for row in iter {
        let (k, _) = row.ctx("read table")?;
        ids.push(k.value());
        if ids.len() > limit {
            break;
        }
    }
    let more = ids.len() > limit;
    ids.truncate(limit);
    let last = if more {
        ids.last().map(|id| id.to_be_bytes().to_vec())
    } else {
        None
    };
    Ok((ids, last))
}

/// Intersects optional filter sets (None = no filter).
pub fn intersect(sets: Vec<Option<Vec<u64>>>) -> Option<Vec<u64>> {
    let mut acc: Option<Vec<u64>> = None;
    for s in sets.into_iter().flatten() {
        acc = Some(match acc {
            None => s,
            Some(a) => a.into_iter().filter(|id| s.contains(id)).collect(),
        });
    }
    acc
}
