//! The global search use case: who may search, what a query may be, which kinds are searched.

use super::{DocKind, Hit, SearchIndex};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Result},
};

/// The longest query, in characters.
pub const MAX_QUERY: usize = 200;
/// Hits when the caller does not say, and the most it may ask for.
pub const DEFAULT_HITS: u32 = 20;
pub const MAX_HITS: u32 = 100;
/// What the global search looks through: every searchable kind (the one list, `Kind::SEARCHABLE`).
pub const KINDS: &[DocKind] = DocKind::ALL;

/// Companies, contacts, leads and deals matching `q`, best first.
pub fn find(index: &SearchIndex, reader: &User, q: &str, limit: Option<u32>) -> Result<Vec<Hit>> {
    allow(reader, Permission::ReadCrm)?;
    if q.chars().count() > MAX_QUERY {
        return Err(Error::field(
            "q",
            "too_long",
            "is longer than 200 characters",
        ));
    }
    index
        .search(
            q,
            Some(KINDS),
            limit.unwrap_or(DEFAULT_HITS).min(MAX_HITS) as usize,
        )
        .map_err(|e| Error::Search(e.to_string()))
}
