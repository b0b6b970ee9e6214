//! Full-text search: a tantivy index derived from redb. `engine` owns the index (schema,
//! tokenizers, queries); `indexer` feeds it from the store's outbox; `docs` turns records
//! into search documents; `find` is the global search use case.

pub mod docs;
mod engine;
pub mod find;
pub mod indexer;

pub use engine::*;
