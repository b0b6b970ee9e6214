//! Full-text search over companies, contacts, leads and deals.
//!
//! redb is the source of truth; this tantivy index is derived from it and can
//! be wiped and rebuilt at any time. The caller feeds it [`IndexOp`]s from the
//! outbox with [`SearchIndex::apply`], and the outbox sequence of the last
//! applied batch is kept as the tantivy commit payload ([`SearchIndex::applied_seq`]).
//!
//! What a query matches (see [`SearchIndex::search`]):
//! - names: exact word, prefix, one typo (words of ≥ 4 chars), in the original
//!   script and ASCII-folded ([`fold`]), so "Olena" finds "Олена";
//! - phones: any tail of ≥ 7 digits, in any formatting, and a whole number under another
//!   country code or trunk prefix ("8 495 …" finds "+7 495 …"; see `validate::phone`);
//! - e-mails: the whole address, local part, domain, domain name, or a prefix of these;
//! - other text (title, subtitle, `text`): exact word or prefix, either script.
//!
//! Every word of the query must match (AND); ranking is exact > prefix > typo.

mod analysis;
mod combine;
mod probe;
mod query;
#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TERMINATED, TantivyDocument,
    Term,
};
use tracing::{debug, info, warn};

pub use analysis::fold;
use analysis::{
    KorobkaTokenizer, TOKENIZER_FOLD, TOKENIZER_NAMES, TOKENIZER_TEXT, email_terms, phone_terms,
};
pub use probe::IndexProbe;

/// Version of the index layout (schema, tokenizers, term rules).
/// Bump when any of them changes: [`SearchIndex::open`] then wipes the old index
/// and reports `rebuilt = true` so the caller reindexes from the store.
pub const INDEX_VERSION: u32 = 2;

/// Name of the file beside the index that records its [`INDEX_VERSION`].
const VERSION_FILE: &str = "korobka-index-version";
/// Memory budget of the index writer (one indexing thread; sized for a NAS).
const WRITER_HEAP_BYTES: usize = 30_000_000;
/// Largest number of hits [`SearchIndex::search`] returns.
pub const MAX_LIMIT: usize = 100;

/// Errors of the search index. Each carries what was being done when it failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A file-system operation on the index folder failed.
    #[error("search index: {context} ({path}): {source}")]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// tantivy failed.
    #[error("search index: {context}: {source}")]
    Tantivy {
        context: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    /// The folder to rebuild the index in holds files that are not an index;
    /// refusing to delete them.
    #[error(
        "search index: {path} is not empty and does not look like a search index; refusing to wipe it"
    )]
    ForeignDirectory { path: PathBuf },
}

/// Adds context to tantivy results.
trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, SearchError>;
}

impl<T> Context<T> for tantivy::Result<T> {
    fn ctx(self, context: &'static str) -> Result<T, SearchError> {
        self.map_err(|source| SearchError::Tantivy { context, source })
    }
}

fn io_err(context: &'static str, path: &Path) -> impl FnOnce(io::Error) -> SearchError {
    let path = path.to_path_buf();
    move |source| SearchError::Io {
        context,
        path,
        source,
    }
}

/// The kind of a searchable record: a subset of the record kinds, declared in `store::kind`
/// with its names and conversions (`DocKind::ALL`, `as_str`, `FromStr`).
pub use crate::store::DocKind;

/// A record as the index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: DocKind,
    pub id: u64,
    /// Shown in results, e.g. "Олена Шевченко". Also searchable as text.
    pub title: String,
    /// Shown in results, e.g. "ТОВ Ромашка · +38 067 123 45 67". Also searchable as text.
    pub subtitle: String,
    /// Person/company names: matched by prefix, with one typo, across Cyrillic/Latin.
    pub names: Vec<String>,
    /// Phones as typed, any formatting.
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    /// Other words (position, website, address, notes…): word/prefix matching.
    pub text: Vec<String>,
    /// Who may see it; indexed for permission filtering.
    pub owner_ids: Vec<u64>,
}

/// A change to apply to the index.
#[derive(Debug, Clone)]
pub enum IndexOp {
    /// Adds the document, replacing any document of the same kind and id.
    Upsert(SearchDoc),
    /// Removes the document of this kind and id, if any.
    Delete { kind: DocKind, id: u64 },
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub kind: DocKind,
    pub id: u64,
    pub title: String,
    pub subtitle: String,
    pub score: f32,
}

/// Fields of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// "kind:id", for deletes.
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub title: Field,
    pub subtitle: Field,
    /// Names, lowercased, original script.
    pub names: Field,
    /// Names, ASCII-folded.
    pub names_fold: Field,
    /// Title, subtitle and text words, original and folded.
    pub text: Field,
    /// Phone digit suffixes.
    pub phones: Field,
    /// E-mail terms.
    pub emails: Field,
    pub owners: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::Basic),
        )
    };
    let stored_only = TextOptions::default().set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_u64_field("id", INDEXED | STORED),
        title: b.add_text_field("title", stored_only.clone()),
        subtitle: b.add_text_field("subtitle", stored_only),
        names: b.add_text_field("names", analyzed(TOKENIZER_NAMES)),
        names_fold: b.add_text_field("names_fold", analyzed(TOKENIZER_FOLD)),
        text: b.add_text_field("text", analyzed(TOKENIZER_TEXT)),
        phones: b.add_text_field("phones", STRING),
        emails: b.add_text_field("emails", STRING),
        owners: b.add_u64_field(
            "owner_ids",
            NumericOptions::default().set_indexed().set_fast(),
        ),
    };
    (b.build(), fields)
}

fn key(kind: &DocKind, id: u64) -> String {
    format!("{}:{id}", kind.as_str())
}

/// The full-text index: a tantivy index in its own folder, one writer behind a
/// mutex, and a reader reloaded after each commit.
pub struct SearchIndex {
    index: Index,
    writer: Mutex<IndexWriter>,
    reader: IndexReader,
    fields: Fields,
    applied_seq: AtomicU64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("num_docs", &self.num_docs())
            .field("applied_seq", &self.applied_seq())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens or creates the index in `dir`. If the folder holds an index of another INDEX_VERSION
    /// (keep a small version file beside it, e.g. dir/korobka-index-version) or an unreadable one,
    /// wipes it and creates an empty one; returns (index, rebuilt: bool) so the caller knows to reindex from the store.
    ///
    /// `rebuilt` is also true when the index is created for the first time.
    /// `dir` must belong to the index alone: a rebuild deletes everything in
    /// it (but refuses to if it holds files and no index or version file).
    pub fn open(dir: &Path) -> Result<(Self, bool), SearchError> {
        fs::create_dir_all(dir).map_err(io_err("creating index folder", dir))?;
        let (schema, fields) = build_schema();
        let version_path = dir.join(VERSION_FILE);

        let existing = match read_version(&version_path) {
            Some(v) if v == INDEX_VERSION => match open_existing(dir, &schema) {
                Ok(found) => Some(found),
                Err(reason) => {
                    warn!(dir = %dir.display(), %reason, "search index unreadable; rebuilding");
                    None
                }
            },
            Some(v) => {
                info!(dir = %dir.display(), found = v, want = INDEX_VERSION, "search index version changed; rebuilding");
                None
            }
            None => {
                info!(dir = %dir.display(), "no search index version file; creating index");
                None
            }
        };

        let rebuilt = existing.is_none();
        let (index, reader, seq) = match existing {
            Some(found) => found,
            None => {
                wipe(dir)?;
                let index =
                    Index::create_in_dir(dir, schema).ctx("creating index after wiping folder")?;
                let reader = manual_reader(&index).ctx("opening reader of new index")?;
                write_version(&version_path)?;
                (index, reader, 0)
            }
        };
        KorobkaTokenizer::register_all(&index);
        let writer = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .ctx("opening index writer (is another process using the index?)")?;
        debug!(dir = %dir.display(), rebuilt, seq, "search index open");
        Ok((
            SearchIndex {
                index,
                writer: Mutex::new(writer),
                reader,
                fields,
                applied_seq: AtomicU64::new(seq),
            },
            rebuilt,
        ))
    }

    /// Last outbox sequence applied (from the last commit's payload; 0 if none).
    pub fn applied_seq(&self) -> u64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// Applies ops (upsert = delete the old doc by kind+id then add; delete) and commits with `seq`
    /// as the commit payload, then reloads the reader so the change is searchable immediately.
    ///
    /// On error nothing of the batch is committed and [`applied_seq`](Self::applied_seq)
    /// is unchanged.
    pub fn apply(&self, ops: Vec<IndexOp>, seq: u64) -> Result<(), SearchError> {
        let count = ops.len();
        let mut writer = self.lock_writer();
        let result = self.write_batch(&mut writer, ops, seq);
        if result.is_err()
            && let Err(e) = writer.rollback()
        {
            warn!(error = %e, "rolling back failed search index batch");
        }
        result?;
        drop(writer);
        self.reader.reload().ctx("reloading reader after commit")?;
        self.applied_seq.store(seq, Ordering::Release);
        debug!(ops = count, seq, "search index batch committed");
        Ok(())
    }

    /// Deletes every document and commits with payload 0 (used by reindex before re-adding everything).
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.lock_writer();
        let result = writer
            .delete_all_documents()
            .ctx("deleting all documents")
            .and_then(|_| commit_with_payload(&mut writer, 0));
        if result.is_err()
            && let Err(e) = writer.rollback()
        {
            warn!(error = %e, "rolling back failed search index clear");
        }
        result?;
        drop(writer);
        self.reader.reload().ctx("reloading reader after clear")?;
        self.applied_seq.store(0, Ordering::Release);
        info!("search index cleared");
        Ok(())
    }

    /// Number of documents (searchable now).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Search; `kinds` None = all kinds. `limit` capped at 100. Empty/whitespace query -> empty result.
    ///
    /// Any input is accepted: punctuation and operators are not syntax, just
    /// ignored when they are not part of a word, phone or e-mail. See the
    /// `query` module for the matching rules. `Some(&[])` as kinds matches nothing.
    pub fn search(
        &self,
        q: &str,
        kinds: Option<&[DocKind]>,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        if kinds.is_some_and(|k| k.is_empty()) {
            return Ok(Vec::new());
        }
        let names: Option<Vec<&str>> = kinds.map(|k| k.iter().map(|k| k.as_str()).collect());
        let only_kinds = |q: Box<dyn Query>| match &names {
            Some(names) => query::filter_kinds(q, self.fields.kind, names),
            None => q,
        };
        if let Some(plan) = query::plan(&self.fields, q) {
            match plan.into_tiers() {
                Ok(tiers) => {
                    let tiers = tiers.into_iter().map(|(w, q)| (w, only_kinds(q))).collect();
                    return self.run_tiers(tiers, limit);
                }
                Err(mut plan) => {
                    if let Some(names) = &names {
                        plan.require(query::any_kind(self.fields.kind, names));
                    }
                    let searcher = self.reader.searcher();
                    let top = self.run_plan(&searcher, &plan, limit)?;
                    return self.load_hits(&searcher, top);
                }
            }
        }
        let Some(query) = query::build(&self.fields, q) else {
            return Ok(Vec::new());
        };
        self.run(only_kinds(query).as_ref(), limit)
    }

    /// Runs tiers of equal score, best first, and stops at `limit` hits: the same hits in the
    /// same order as scoring every match and keeping the top `limit` (equal scores go to the
    /// lower document address), but a prefix that matches a hundred thousand names reads only
    /// as many as it shows.
    fn run_tiers(
        &self,
        tiers: Vec<(f32, Box<dyn Query>)>,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let mut top: Vec<(f32, DocAddress)> = Vec::with_capacity(limit);
        let mut seen = std::collections::HashSet::new();
        'tiers: for (score, query) in tiers {
            let weight = query
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .ctx("preparing search query")?;
            for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                let mut docs = weight.scorer(segment, 1.0).ctx("running search query")?;
                let alive = segment.alive_bitset();
                let mut doc = docs.doc();
                while doc != TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        let at = DocAddress::new(ord as u32, doc);
                        if seen.insert(at) {
                            top.push((score, at));
                            if top.len() >= limit {
                                break 'tiers;
                            }
                        }
                    }
                    doc = docs.advance();
                }
            }
        }
        self.load_hits(&searcher, top)
    }

    /// Runs a query and loads the stored fields of the top `limit` hits.
    fn run(&self, query: &dyn Query, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let top = searcher
            .search(query, &TopDocs::with_limit(limit).order_by_score())
            .ctx("running search query")?;
        self.load_hits(&searcher, top)
    }

    /// The stored fields of hits.
    fn load_hits(
        &self,
        searcher: &tantivy::Searcher,
        top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<Hit>, SearchError> {
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher
                .doc(address)
                .ctx("loading stored fields of a hit")?;
            match self.hit_from(&doc, score) {
                Some(hit) => hits.push(hit),
                None => warn!(?address, "search hit without kind/id; skipped"),
            }
        }
        Ok(hits)
    }

    fn hit_from(&self, doc: &TantivyDocument, score: f32) -> Option<Hit> {
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        Some(Hit {
            kind: text(f.kind)?.parse().ok()?,
            id: doc.get_first(f.id).and_then(|v| v.as_u64())?,
            title: text(f.title).unwrap_or_default(),
            subtitle: text(f.subtitle).unwrap_or_default(),
            score,
        })
    }

    /// Locks the writer. A writer poisoned by a panic mid-batch is recovered
    /// by rolling back whatever that batch left uncommitted.
    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        match self.writer.lock() {
            Ok(w) => w,
            Err(poisoned) => {
                let mut w = poisoned.into_inner();
                if let Err(e) = w.rollback() {
                    warn!(error = %e, "rolling back after a panic in the search index writer");
                }
                self.writer.clear_poison();
                w
            }
        }
    }

    fn write_batch(
        &self,
        writer: &mut IndexWriter,
        ops: Vec<IndexOp>,
        seq: u64,
    ) -> Result<(), SearchError> {
        let f = self.fields.key;
        for op in ops {
            match op {
                IndexOp::Upsert(doc) => {
                    writer.delete_term(Term::from_field_text(f, &key(&doc.kind, doc.id)));
                    writer
                        .add_document(self.to_document(&doc))
                        .ctx("adding document")?;
                }
                IndexOp::Delete { kind, id } => {
                    writer.delete_term(Term::from_field_text(f, &key(&kind, id)));
                }
            }
        }
        commit_with_payload(writer, seq)
    }

    fn to_document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.key, key(&d.kind, d.id));
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_u64(f.id, d.id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.subtitle, &d.subtitle);
        for name in &d.names {
            doc.add_text(f.names, name);
            doc.add_text(f.names_fold, name);
        }
        for t in [&d.title, &d.subtitle].into_iter().chain(&d.text) {
            doc.add_text(f.text, t);
        }
        for term in d.phones.iter().flat_map(|p| phone_terms(p)) {
            doc.add_text(f.phones, term);
        }
        for term in d.emails.iter().flat_map(|e| email_terms(e)) {
            doc.add_text(f.emails, term);
        }
        for &owner in &d.owner_ids {
            doc.add_u64(f.owners, owner);
        }
        doc
    }

    /// The underlying tantivy index (e.g. for permission-filtered queries on `owner_ids`).
    pub fn index(&self) -> &Index {
        &self.index
    }
}

fn manual_reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

fn commit_with_payload(writer: &mut IndexWriter, seq: u64) -> Result<(), SearchError> {
    let mut prepared = writer.prepare_commit().ctx("preparing commit")?;
    prepared.set_payload(&seq.to_string());
    prepared.commit().ctx("committing")?;
    Ok(())
}

/// The version recorded beside the index, if the file exists and parses.
fn read_version(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Writes the version file atomically (write a temp file, then rename).
fn write_version(path: &Path) -> Result<(), SearchError> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, format!("{INDEX_VERSION}\n")).map_err(io_err("writing version file", &tmp))?;
    fs::rename(&tmp, path).map_err(io_err("renaming version file", path))
}

/// Opens the index in `dir` and checks it: same schema, readable segments,
/// numeric commit payload. Returns the reason it cannot be used otherwise.
fn open_existing(dir: &Path, schema: &Schema) -> Result<(Index, IndexReader, u64), String> {
    let index = Index::open_in_dir(dir).map_err(|e| format!("open: {e}"))?;
    if index.schema() != *schema {
        return Err("schema differs from this build's".to_string());
    }
    let payload = index
        .load_metas()
        .map_err(|e| format!("load metas: {e}"))?
        .payload;
    let seq = match payload.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(p) => p
            .parse::<u64>()
            .map_err(|e| format!("commit payload {p:?}: {e}"))?,
    };
    let reader = manual_reader(&index).map_err(|e| format!("open reader: {e}"))?;
    Ok((index, reader, seq))
}

/// Deletes everything in `dir`, refusing if it holds files but no sign of an
/// index (a tantivy `meta.json` or our version file) — most likely a wrong path.
fn wipe(dir: &Path) -> Result<(), SearchError> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io_err("listing index folder", dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io_err("listing index folder", dir))?;
    if entries.is_empty() {
        return Ok(());
    }
    let ours = |name: &str| entries.iter().any(|p| p.file_name() == Some(name.as_ref()));
    if !ours("meta.json") && !ours(VERSION_FILE) {
        return Err(SearchError::ForeignDirectory {
            path: dir.to_path_buf(),
        });
    }
    for path in entries {
        let result = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        result.map_err(io_err("wiping old index", &path))?;
    }
    Ok(())
}
