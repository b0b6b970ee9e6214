//! `korobka restore FILE`: verify everything, then build the new store in a temporary folder
//! inside the data folder, rebuild the search index there, and swap it in — keeping the old
//! data folder as `<data>.before-restore-<time>`. A refused archive changes nothing on disk.
//!
//! Restoring needs the server stopped: the server holds `<data>/korobka.lock` (see `lock`),
//! and restore refuses while anyone holds it.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use redb::ReadableTable;

use super::{
    archive::{self, Archive, FILES_DIR, HISTORY_MEMBER, META_MEMBER, Manifest},
    lock::{DataLock, LOCK_FILE},
    progress::Progress,
    registry::registry,
};
use crate::{
    error::{Ctx, Error, Result},
    paths::{self, BACKUPS_DIR},
    search::{SearchIndex, indexer},
    store::{self, Store, tables},
};

/// The folder that scheduled and manual backups go to; it moves into the restored folder.

#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the data folder that was replaced now lives (None when there was none).
    pub kept: Option<PathBuf>,
    /// Documents in the rebuilt search index.
    pub documents: u64,
}

fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y%m%d-%H%M%S").to_string()
}

fn io_err(what: String) -> impl Fn(std::io::Error) -> Error {
    move |e| Error::Storage(format!("{what}: {e}"))
}

/// Verifies `archive_path` completely, then replaces the data folder with its contents.
pub fn restore(
    archive_path: &Path,
    data_dir: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<Restored> {
    // Refuse at once if a server runs here (when the folder was ever served).
    let early = if data_dir.join(LOCK_FILE).exists() {
        Some(DataLock::acquire(data_dir)?)
    } else {
        None
    };
    let mut archive = Archive::open(archive_path)?;
    archive.verify(progress)?;
    // Everything checked: only now touch the disk.
    let _lock = match early {
        Some(l) => l,
        None => {
            std::fs::create_dir_all(data_dir)
                .map_err(io_err(format!("create {}", data_dir.display())))?;
            DataLock::acquire(data_dir)?
        }
    };
    let tmp = data_dir.join(format!(".restore-{}", stamp(now)));
    std::fs::create_dir(&tmp).map_err(io_err(format!("create {}", tmp.display())))?;
    let built = build(&mut archive, &tmp, now, progress);
    let documents = match built {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let kept = swap(data_dir, &tmp, now)?;
    Ok(Restored {
        manifest: archive.manifest,
        kept,
        documents,
    })
}

/// Builds a complete data folder in `dir` from a verified archive; returns indexed documents.
fn build(
    archive: &mut Archive,
    dir: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<u64> {
    let store = Store::open(&paths::db(dir))?;
    let reg = registry();
    let manifest = archive.manifest.clone();
    let total = manifest.counts.values().sum::<u64>();
    let mut done = 0u64;
    let mut max_ids: BTreeMap<String, u64> = BTreeMap::new();
    store.write(None, now, |tx| {
        for m in &manifest.members {
            if let Some(rel) = m.path.strip_prefix("files/") {
                let dest = dir.join(FILES_DIR).join(rel);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(io_err(format!("create {}", parent.display())))?;
                }
                archive.read_member(m, |r| {
                    let mut f = std::fs::File::create(&dest)
                        .map_err(io_err(format!("create {}", dest.display())))?;
                    std::io::copy(r, &mut f)
                        .map_err(io_err(format!("write {}", dest.display())))?;
                    f.sync_all()
                        .map_err(io_err(format!("sync {}", dest.display())))?;
                    Ok(())
                })?;
            } else if m.path == HISTORY_MEMBER {
                archive.read_member(m, |r| {
                    let mut t = tx.txn.open_table(tables::HISTORY).ctx("open history")?;
                    let mut max_seq = 0u64;
                    archive::each_line(r, |line| {
                        let (k, v) = archive::history_line(line)?;
                        max_seq = max_seq.max(store::be_u64(&k[9..17])?);
                        if t.insert(k.as_slice(), v.as_slice())
                            .ctx("write history")?
                            .is_some()
                        {
                            return Err(Error::BadRequest("a history entry appears twice".into()));
                        }
                        done += 1;
                        progress.update("restore", done, total);
                        Ok(())
                    })?;
                    max_ids.insert("history_seq".into(), max_seq);
                    Ok(())
                })?;
            } else if m.path == META_MEMBER {
                archive.read_member(m, |r| {
                    let mut t = tx.txn.open_table(tables::META).ctx("open meta")?;
                    archive::each_line(r, |line| {
                        let (k, v) = archive::meta_line(line)?;
                        t.insert(k.as_str(), v.as_slice()).ctx("write meta")?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            } else if let Some(e) = reg.iter().find(|e| e.member() == m.path) {
                archive.read_member(m, |r| {
                    let mut max = 0;
                    archive::each_line(r, |line| {
                        max = max.max((e.restore)(tx, line)?);
                        done += 1;
                        progress.update("restore", done, total);
                        Ok(())
                    })?;
                    max_ids.insert(format!("id_seq:{}", e.name), max);
                    Ok(())
                })?;
            } else {
                return Err(Error::BadRequest(format!(
                    "the archive is refused: unexpected member {:?}",
                    m.path
                )));
            }
        }
        // Never hand out an id or sequence that the archive already uses, even if its meta
        // was edited by hand.
        let mut meta = tx.txn.open_table(tables::META).ctx("open meta")?;
        for (key, max) in &max_ids {
            let cur = match meta.get(key.as_str()).ctx("read meta")? {
                Some(v) => store::be_u64(v.value())?,
                None => 0,
            };
            if cur < *max {
                meta.insert(key.as_str(), max.to_be_bytes().as_slice())
                    .ctx("write meta")?;
            }
        }
        Ok(())
    })?;
    progress.finish();
    // The store holds what the manifest says.
    store.read(|rx| {
        for e in &reg {
            let want = manifest.counts.get(&e.member()).copied().unwrap_or(0);
            let def: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new(&e.name);
            let got = redb::ReadableTableMetadata::len(&rx.open_table(def).ctx("open table")?)
                .ctx("count")?;
            if got != want {
                return Err(Error::Storage(format!(
                    "restored {got} records into {}, the archive has {want}",
                    e.name
                )));
            }
        }
        Ok(())
    })?;
    let (index, _) = SearchIndex::open(&paths::index(dir))
        .map_err(|e| Error::Search(format!("create the search index: {e}")))?;
    let docs = indexer::reindex(&store, &index, &crate::crm::search_docs::DOCUMENTS)?;
    drop(index);
    drop(store);
    Ok(docs)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| {
        Error::Storage(format!(
            "rename {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

/// Entries of `dir` except the names in `skip`.
fn entries(dir: &Path, skip: &[&std::ffi::OsStr]) -> Result<Vec<std::ffi::OsString>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io_err(format!("read {}", dir.display())))? {
        let e = e.map_err(io_err(format!("read {}", dir.display())))?;
        if !skip.contains(&e.file_name().as_os_str()) {
            out.push(e.file_name());
        }
    }
    Ok(out)
}

/// Puts the folder built in `tmp` (inside `data_dir`) in place of the data folder.
fn swap(data_dir: &Path, tmp: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let tmp_name = tmp.file_name().unwrap_or_default().to_os_string();
    let lock = std::ffi::OsStr::new(LOCK_FILE);
    let old = entries(data_dir, &[&tmp_name, lock])?;
    if old.is_empty() {
        // A new data folder: move the built files up.
        for name in entries(tmp, &[])? {
            rename(&tmp.join(&name), &data_dir.join(&name))?;
        }
        std::fs::remove_dir(tmp).map_err(io_err(format!("remove {}", tmp.display())))?;
        return Ok(None);
    }
    let mut kept_name = data_dir.file_name().unwrap_or_default().to_os_string();
    kept_name.push(format!(".before-restore-{}", stamp(now)));
    let kept = data_dir.with_file_name(kept_name);
    if std::fs::rename(data_dir, &kept).is_ok() {
        let built = kept.join(&tmp_name);
        if let Err(e) = rename(&built, data_dir) {
            // Put the old folder back: nothing changed.
            let _ = std::fs::rename(&kept, data_dir);
            let _ = std::fs::remove_dir_all(data_dir.join(&tmp_name));
            return Err(e);
        }
        if kept.join(BACKUPS_DIR).is_dir() {
            rename(&kept.join(BACKUPS_DIR), &data_dir.join(BACKUPS_DIR))?;
        }
        if let Some(parent) = data_dir.parent() {
            archive::sync_dir(parent);
        }
        if let Err(e) = reopen(data_dir) {
            // Revert: the old folder comes back, the new one is kept aside for a look.
            let mut failed = data_dir.file_name().unwrap_or_default().to_os_string();
            failed.push(format!(".failed-restore-{}", stamp(now)));
            let failed = data_dir.with_file_name(failed);
            rename(data_dir, &failed)?;
            rename(&kept, data_dir)?;
            if failed.join(BACKUPS_DIR).is_dir() {
                rename(&failed.join(BACKUPS_DIR), &data_dir.join(BACKUPS_DIR))?;
            }
            return Err(Error::Storage(format!(
                "the restored data did not open ({e}); the old data folder is back in place, the restored one is in {}",
                failed.display()
            )));
        }
        return Ok(Some(kept));
    }
    // The data folder cannot be renamed (a mount point, e.g. a container volume): swap its
    // contents instead, keeping the old ones in `<data>/before-restore-<time>`.
    let inner = data_dir.join(format!("before-restore-{}", stamp(now)));
    std::fs::create_dir(&inner).map_err(io_err(format!("create {}", inner.display())))?;
    let backups = std::ffi::OsStr::new(BACKUPS_DIR);
    let moved = entries(
        data_dir,
        &[
            &tmp_name,
            lock,
            backups,
            inner.file_name().unwrap_or_default(),
        ],
    )?;
    for name in &moved {
        rename(&data_dir.join(name), &inner.join(name))?;
    }
    for name in entries(tmp, &[])? {
        rename(&tmp.join(&name), &data_dir.join(&name))?;
    }
    std::fs::remove_dir(tmp).map_err(io_err(format!("remove {}", tmp.display())))?;
    archive::sync_dir(data_dir);
    if let Err(e) = reopen(data_dir) {
        return Err(Error::Storage(format!(
            "the restored data did not open ({e}); the old files are in {}",
            inner.display()
        )));
    }
    Ok(Some(inner))
}

/// The swapped-in folder opens: the store (schema) and the search index.
fn reopen(data_dir: &Path) -> Result<()> {
    let store = Store::open(&paths::db(data_dir))?;
    let (index, rebuilt) =
        SearchIndex::open(&paths::index(data_dir)).map_err(|e| Error::Search(e.to_string()))?;
    if rebuilt || indexer::needs_rebuild(&store, &index)? {
        return Err(Error::Search(
            "the rebuilt search index did not survive the move".into(),
        ));
    }
    Ok(())
}
