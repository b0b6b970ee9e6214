//! Feeds the search index from the store's outbox. The applied outbox sequence travels in
//! tantivy's commit payload, so after a crash the indexer resumes exactly where the index is.

use std::{sync::Arc, time::Duration};

use super::{IndexOp, SearchIndex, docs};
use crate::{
    crm::{Company, Contact},
    error::{Error, Result},
    store::{self, Store},
};

pub const BATCH: usize = 500;

/// Applies every pending outbox entry; returns how many were applied.
pub fn catch_up(store: &Store, index: &SearchIndex) -> Result<usize> {
    let mut applied = 0;
    loop {
        let from = index.applied_seq();
        let (ops, last) = store.read(|rx| {
            let entries = store::outbox_after(rx, from, BATCH)?;
            let mut ops = Vec::with_capacity(entries.len());
            let mut last = None;
            for (seq, kind, id) in entries {
                last = Some(seq);
                let Some(dk) = docs::doc_kind(kind) else {
                    continue;
                };
                ops.push(match docs::doc_for(rx, kind, id)? {
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
pub fn reindex(store: &Store, index: &SearchIndex) -> Result<u64> {
    let search_err = |e: super::SearchError| Error::Search(e.to_string());
    index.clear().map_err(search_err)?;
    let (seq, total) = store.read(|rx| {
        let seq = store::outbox_seq_in(rx)?;
        let mut ops = Vec::with_capacity(BATCH);
        let mut total = 0u64;
        let mut flush = |ops: &mut Vec<IndexOp>| -> Result<()> {
            total += ops.len() as u64;
            index.apply(std::mem::take(ops), 0).map_err(search_err)
        };
        for c in store::iter::<Company>(rx)? {
            ops.push(IndexOp::Upsert(docs::company_doc(rx, &c?)?));
            if ops.len() >= BATCH * 4 {
                flush(&mut ops)?;
            }
        }
        for c in store::iter::<Contact>(rx)? {
            ops.push(IndexOp::Upsert(docs::contact_doc(rx, &c?)?));
            if ops.len() >= BATCH * 4 {
                flush(&mut ops)?;
            }
        }
        total += ops.len() as u64;
        index.apply(ops, seq).map_err(search_err)?;
        Ok((seq, total))
    })?;
    store.trim_outbox(seq)?;
    catch_up(store, index)?;
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
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let notify = store.outbox_notify.clone();
    loop {
        let (s, i) = (store.clone(), index.clone());
        match tokio::task::spawn_blocking(move || catch_up(&s, &i)).await {
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
