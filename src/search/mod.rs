//! Full-text search: a tantivy index derived from redb. `engine` owns the index (schema,
//! tokenizers, queries); `indexer` feeds it from the store's outbox; `docs` turns records
//! into search documents; `find` is the global search use case.

mod engine;
pub mod find;
pub mod indexer;

pub use engine::*;

use redb::ReadTransaction;

use crate::{error::Result, store::Kind};

/// What an area implements so that search can index its records without knowing them: the
/// document of one record as it is now, and every document for a rebuild. (crm implements it
/// in `crm::search_docs`; the indexer is handed it by whoever starts it.)
pub trait Documents: Sync {
    /// The document of one record, or None when it is gone or not searchable.
    fn doc(&self, rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Option<SearchDoc>>;
    /// Every searchable record's document, into `sink`.
    fn each(
        &self,
        rx: &ReadTransaction,
        sink: &mut dyn FnMut(SearchDoc) -> Result<()>,
    ) -> Result<()>;
}
