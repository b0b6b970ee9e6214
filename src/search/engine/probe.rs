//! A read-only look at an index that a running server may be writing (`korobka check`):
//! no writer, so no lock is taken.

use std::path::Path;

use tantivy::{IndexReader, Term, query::TermQuery, schema::Field};

use super::{DocKind, SearchError, build_schema, key, open_existing};

pub struct IndexProbe {
    reader: IndexReader,
    key: Field,
    seq: u64,
}

impl IndexProbe {
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        let (_, reader, seq) = open_existing(dir, &schema).map_err(|reason| SearchError::Io {
            context: "opening the index read-only",
            path: dir.to_path_buf(),
            source: std::io::Error::other(reason),
        })?;
        Ok(IndexProbe {
            reader,
            key: fields.key,
            seq,
        })
    }

    pub fn applied_seq(&self) -> u64 {
        self.seq
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Is the record's document in the index?
    pub fn contains(&self, kind: DocKind, id: u64) -> Result<bool, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.key, &key(&kind, id)),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let n = self
            .reader
            .searcher()
            .search(&q, &tantivy::collector::Count)
            .map_err(|source| SearchError::Tantivy {
                context: "looking up a document",
                source,
            })?;
        Ok(n > 0)
    }
}
