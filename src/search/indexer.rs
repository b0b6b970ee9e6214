//! Feeds the search index from the store's outbox. The applied outbox sequence travels in
//! tantivy's commit payload, so after a crash the indexer resumes exactly where the index is.

use std::{sync::Arc, time::Duration};

use super::{DocKind, Documents, IndexOp, SearchIndex};
use crate::{
    error::{Error, Result},
    store::{self, Store},
};

/// Outbox entries per tantivy commit. Each commit writes and fsyncs a new segment (and feeds
/// the merger), so a bulk load (an import, the demo office) should not commit every few
/// hundred records; a server's usual batch is whatever is pending, far below this.
pub const BATCH: usize = 5_000;
/// Documents per tantivy commit of a rebuild.
const REBUILD_BATCH: usize = 20_000;

/// Applies every pending outbox entry; returns how many were applied.
pub fn catch_up(store: &Store, index: &SearchIndex, docs: &dyn Documents) -> Result<usize> {
    let mut applied = 0;
    loop {
        let from = index.applied_seq();
        let (ops, last) = store.read(|rx| {
            let entries = store::outbox_after(rx, from, BATCH)?;
            let mut ops = Vec::with_capacity(entries.len());
            let mut last = None;
            for (seq, kind, id) in entries {
                last = Some(seq);
                let Ok(dk) = DocKind::try_from(kind) else {
                    continue;
                };
                ops.push(match docs.doc(rx, kind, id)? {
                    Some(doc) => IndexOp::Upsert(doc),
                    None => IndexOp::Delete { kind: dk, id },
                });
            }
            Ok((ops, last))
        })?;
        let Some(last) = last else {
            return Ok(applied);
        };
        applied += ops.len();
        index
            .apply(ops, last)
            .map_err(|e| Error::Search(e.to_string()))?;
        store.trim_outbox(last)?;
    }
}

/// Rebuilds the whole index from one consistent snapshot of the store. Intermediate
/// commits carry payload 0, so an interrupted rebuild is detected (`needs_rebuild`) and redone.
pub fn reindex(store: &Store, index: &SearchIndex, docs: &dyn Documents) -> Result<u64> {
    let search_err = |e: super::SearchError| Error::Search(e.to_string());
    index.clear().map_err(search_err)?;
    let (seq, total) = store.read(|rx| {
        let seq = store::outbox_seq_in(rx)?;
        let mut ops = Vec::with_capacity(REBUILD_BATCH);
        let mut total = 0u64;
        let mut flush = |ops: &mut Vec<IndexOp>| -> Result<()> {
            total += ops.len() as u64;
            index.apply(std::mem::take(ops), 0).map_err(search_err)
        };
        docs.each(rx, &mut |doc| {
            ops.push(IndexOp::Upsert(doc));
            if ops.len() >= REBUILD_BATCH {
                flush(&mut ops)?;
            }
            Ok(())
        })?;
        total += ops.len() as u64;
        index.apply(ops, seq).map_err(search_err)?;
        Ok((seq, total))
    })?;
    store.trim_outbox(seq)?;
    catch_up(store, index, docs)?;
    Ok(total)
}

/// Does the index miss changes it can no longer replay from the outbox? True when it is
/// ahead of the store (another data folder) or behind the oldest outbox entry (an
/// interrupted rebuild, or a lost index).
pub fn needs_rebuild(store: &Store, index: &SearchIndex) -> Result<bool> {
    let applied = index.applied_seq();
    let (first_pending, last) =
        store.read(|rx| Ok((store::first_outbox_seq(rx)?, store::outbox_seq_in(rx)?)))?;
    let next_needed = first_pending.unwrap_or(last + 1);
    Ok(applied > last || next_needed > applied + 1)
}

/// Runs the indexer until `stop` fires: wakes on every commit, and once a second anyway
/// (for writes made by another process, such as `korobka user add`).
pub async fn run(
    store: Arc<Store>,
    index: Arc<SearchIndex>,
    docs: &'static dyn Documents,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let notify = store.outbox_notify.clone();
    loop {
        let (s, i) = (store.clone(), index.clone());
        match tokio::task::spawn_blocking(move || catch_up(&s, &i, docs)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!("search indexer: {e}"),
            Err(e) => tracing::error!("search indexer task: {e}"),
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::crm::search_docs::DOCUMENTS;
    use crate::{
        access::{Role, User},
        crm::companies::{self, CompanyInput},
        search::DocKind,
    };

    fn admin() -> User {
        User {
            id: 1,
            role: Role::Admin,
            active: true,
            ..User::default()
        }
    }

    fn add(store: &Store, name: &str) -> u64 {
        store
            .write(Some(1), Utc::now(), |tx| {
                companies::create(
                    tx,
                    &admin(),
                    CompanyInput {
                        name: name.into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap()
            .id
    }

    fn found(index: &SearchIndex, q: &str) -> Vec<u64> {
        index
            .search(q, Some(&[DocKind::Company]), 10)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn catch_up_applies_the_outbox_once_and_resumes_after_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::testing::open_store(&dir.path().join("db.redb"));
        let (index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
        let a = add(&store, "Альфа");
        assert!(
            found(&index, "альфа").is_empty(),
            "nothing indexed before catch-up"
        );
        assert_eq!(catch_up(&store, &index, &DOCUMENTS).unwrap(), 1);
        assert_eq!(found(&index, "альфа"), vec![a]);
        assert_eq!(
            catch_up(&store, &index, &DOCUMENTS).unwrap(),
            0,
            "the outbox was trimmed"
        );
        assert_eq!(index.applied_seq(), store.outbox_seq().unwrap());
        // Writes that the indexer never saw (the process died) are applied at the next start.
        let b = add(&store, "Бета");
        drop(index);
        let (index, rebuilt) = SearchIndex::open(&dir.path().join("index")).unwrap();
        assert!(!rebuilt);
        assert!(!needs_rebuild(&store, &index).unwrap());
        assert!(found(&index, "бета").is_empty());
        assert_eq!(catch_up(&store, &index, &DOCUMENTS).unwrap(), 1);
        assert_eq!(found(&index, "бета"), vec![b]);
        assert_eq!(found(&index, "альфа"), vec![a]);
    }

    #[test]
    fn a_lost_or_foreign_index_is_detected_and_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::testing::open_store(&dir.path().join("db.redb"));
        let (index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
        let ids: Vec<u64> = ["Один", "Два", "Три"]
            .iter()
            .map(|n| add(&store, n))
            .collect();
        catch_up(&store, &index, &DOCUMENTS).unwrap();
        // An empty index (payload 0) cannot replay trimmed changes: it must be rebuilt.
        index.clear().unwrap();
        assert!(needs_rebuild(&store, &index).unwrap());
        assert_eq!(reindex(&store, &index, &DOCUMENTS).unwrap(), 3);
        assert!(!needs_rebuild(&store, &index).unwrap());
        assert_eq!(found(&index, "два"), vec![ids[1]]);
        assert_eq!(index.num_docs(), 3);
        // An index ahead of the store (from another data folder) is rebuilt too.
        index.apply(vec![], 1_000).unwrap();
        assert!(needs_rebuild(&store, &index).unwrap());
    }
}
