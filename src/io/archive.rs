//! The backup archive: one zip with
//! - `manifest.json` — format and versions, time, counts per table, size and SHA-256 of every
//!   other member (written last, read first);
//! - `tables/<table>.jsonl` — every record of a table as one JSON line `{"id":…,"record":{…}}`,
//!   in id order (see `registry`);
//! - `history.jsonl` — the change history (`{"kind":…,"id":…,"seq":…,"entry":{…}}`);
//! - `meta.jsonl` — id sequences and counters, so ids are never reused after a restore;
//! - `files/…` — attachment blobs, when the data folder has any.
//!
//! Reading never trusts the archive: member names are checked before use, every member must
//! be in the manifest (and the other way round), sizes are capped while inflating, and every
//! byte is hashed and compared.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs::File,
    io::{BufRead, BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use chrono::{DateTime, Datelike, Timelike, Utc};
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    progress::Progress,
    registry::{TableEntry, registry},
};
use crate::{
    error::{Ctx, Error, Result},
    store::{self, HistoryEntry, Kind, SCHEMA_VERSION, Store, tables},
};

pub const FORMAT: &str = "korobka-backup";
/// Version of the archive layout. A reader refuses archives with a higher number.
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const HISTORY_MEMBER: &str = "history.jsonl";
pub const META_MEMBER: &str = "meta.jsonl";
/// Attachment blobs live in `<data>/files/` and under `files/` in the archive.
pub const FILES_DIR: &str = "files";

/// The largest manifest we read.
const MAX_MANIFEST: u64 = 64 * 1024 * 1024;
/// The largest member we inflate, whatever the manifest says.
pub const MAX_MEMBER: u64 = 16 * 1024 * 1024 * 1024;
/// The longest JSON line (one record).
const MAX_LINE: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Member {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub app_version: String,
    pub schema_version: u64,
    pub created_at: DateTime<Utc>,
    /// Lines per JSON-lines member: `tables/<name>.jsonl`, `history.jsonl`, `meta.jsonl`.
    pub counts: BTreeMap<String, u64>,
    /// Every member but the manifest, in archive order.
    pub members: Vec<Member>,
}

impl Manifest {
    /// Records in all tables (without history and meta).
    pub fn records(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(k, _)| k.starts_with("tables/"))
            .map(|(_, v)| v)
            .sum()
    }

    pub fn files(&self) -> u64 {
        self.members
            .iter()
            .filter(|m| m.path.starts_with("files/"))
            .count() as u64
    }
}

#[derive(Serialize, Deserialize)]
struct HistoryLine {
    kind: Kind,
    id: u64,
    seq: u64,
    entry: HistoryEntry,
}

#[derive(Serialize, Deserialize)]
struct MetaLine {
    key: String,
    /// 8-byte values (sequences, counters) as numbers…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<u64>,
    /// …anything else as hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hex: Option<String>,
}

/// Is this a member name we would ever write? Plain relative `/`-separated names of safe
/// characters: no `..`, no absolute paths, no backslashes or drive letters, no empty parts.
pub fn safe_member_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && !name.starts_with('/')
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

fn zip_time(t: DateTime<Utc>) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// Counts bytes and hashes them on their way into the zip.
struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hash: Sha256,
    size: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct Writer<W: Write + std::io::Seek> {
    zip: zip::ZipWriter<W>,
    options: zip::write::SimpleFileOptions,
    members: Vec<Member>,
    counts: BTreeMap<String, u64>,
}

impl<W: Write + std::io::Seek> Writer<W> {
    /// Writes one member through `f`, recording its size and SHA-256.
    fn member(&mut self, path: &str, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        self.zip
            .start_file(path, self.options)
            .map_err(|e| Error::Storage(format!("backup: start {path}: {e}")))?;
        let mut hw = HashingWriter {
            inner: &mut self.zip,
            hash: Sha256::new(),
            size: 0,
        };
        {
            let mut buf = BufWriter::with_capacity(256 * 1024, &mut hw);
            f(&mut buf)?;
            buf.flush()
                .map_err(|e| Error::Storage(format!("backup: write {path}: {e}")))?;
        }
        self.members.push(Member {
            path: path.to_string(),
            size: hw.size,
            sha256: hex::encode(hw.hash.finalize()),
        });
        Ok(())
    }
}

fn io_err(what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Storage(format!("{what}: {e}"))
}

/// Writes a backup of the store (one read transaction: a consistent snapshot) and of
/// `<data>/files/` into `dest`: first as `dest.partial`, synced, then renamed into place, so
/// `dest` is either a complete archive or absent. Returns the manifest.
pub fn write_archive(
    store: &Store,
    data_dir: &Path,
    dest: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<Manifest> {
    let partial = partial_path(dest);
    let result = write_to(store, data_dir, &partial, now, progress).and_then(|m| {
        std::fs::rename(&partial, dest).map_err(|e| {
            Error::Storage(format!(
                "rename {} to {}: {e}",
                partial.display(),
                dest.display()
            ))
        })?;
        if let Some(dir) = dest.parent() {
            sync_dir(dir);
        }
        Ok(m)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    progress.finish();
    result
}

pub fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Makes a rename durable (best effort: not every file system syncs directories).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn write_to(
    store: &Store,
    data_dir: &Path,
    path: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<Manifest> {
    let file = File::create(path).map_err(io_err(&format!("create {}", path.display())))?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip_time(now))
        .unix_permissions(0o600)
        .large_file(true);
    let mut w = Writer {
        zip: zip::ZipWriter::new(BufWriter::with_capacity(1024 * 1024, file)),
        options,
        members: Vec::new(),
        counts: BTreeMap::new(),
    };
    let reg = registry();
    let schema_version = store.schema_version()?.unwrap_or(SCHEMA_VERSION);
    store.read(|rx| {
        let total = snapshot_size(rx, &reg)?;
        let mut done = 0u64;
        for e in &reg {
            let member = e.member();
            let mut n = 0;
            w.member(&member, |out| {
                n = (e.export)(rx, &mut |line| {
                    out.write_all(line)
                        .and_then(|_| out.write_all(b"\n"))
                        .map_err(io_err("backup: write"))?;
                    done += 1;
                    progress.update("backup", done, total);
                    Ok(())
                })?;
                Ok(())
            })?;
            w.counts.insert(member, n);
        }
        let mut n = 0;
        w.member(HISTORY_MEMBER, |out| {
            n = export_history(rx, &mut |line| {
                out.write_all(line)
                    .and_then(|_| out.write_all(b"\n"))
                    .map_err(io_err("backup: write"))?;
                done += 1;
                progress.update("backup", done, total);
                Ok(())
            })?;
            Ok(())
        })?;
        w.counts.insert(HISTORY_MEMBER.into(), n);
        let mut n = 0;
        w.member(META_MEMBER, |out| {
            n = export_meta(rx, out)?;
            Ok(())
        })?;
        w.counts.insert(META_MEMBER.into(), n);
        Ok(())
    })?;
    // Attachment blobs: content-addressed and never rewritten, so copying them after the
    // snapshot is safe (a blob added meanwhile is merely extra).
    for (rel, abs) in list_files(&data_dir.join(FILES_DIR))? {
        let name = format!("{FILES_DIR}/{rel}");
        w.member(&name, |out| {
            let mut f = File::open(&abs).map_err(io_err(&format!("open {}", abs.display())))?;
            std::io::copy(&mut f, out).map_err(io_err(&format!("copy {}", abs.display())))?;
            Ok(())
        })?;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        created_at: now,
        counts: w.counts,
        members: w.members,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("manifest to JSON: {e}")))?;
    w.zip
        .start_file(MANIFEST, w.options)
        .map_err(|e| Error::Storage(format!("backup: start manifest: {e}")))?;
    w.zip
        .write_all(&json)
        .map_err(io_err("backup: write manifest"))?;
    let buf = w
        .zip
        .finish()
        .map_err(|e| Error::Storage(format!("backup: finish zip: {e}")))?;
    let file = buf
        .into_inner()
        .map_err(|e| Error::Storage(format!("backup: flush: {}", e.error())))?;
    file.sync_all().map_err(io_err("backup: sync"))?;
    Ok(manifest)
}

/// Records and history entries in the snapshot (for progress).
fn snapshot_size(rx: &ReadTransaction, reg: &[TableEntry]) -> Result<u64> {
    let mut total = 0;
    for e in reg {
        let def: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new(&e.name);
        total += rx.open_table(def).ctx("open table")?.len().ctx("count")?;
    }
    total += rx
        .open_table(tables::HISTORY)
        .ctx("open history")?
        .len()
        .ctx("count")?;
    Ok(total)
}

fn export_history(rx: &ReadTransaction, out: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<u64> {
    let t = rx.open_table(tables::HISTORY).ctx("open history")?;
    let mut n = 0;
    for row in t.iter().ctx("read history")? {
        let (k, v) = row.ctx("read history")?;
        let k = k.value();
        if k.len() != 17 {
            return Err(Error::Storage(format!(
                "history key of {} bytes (want 17)",
                k.len()
            )));
        }
        let kind = Kind::from_repr(k[0])
            .ok_or_else(|| Error::Storage(format!("history entry of unknown kind {}", k[0])))?;
        let line = HistoryLine {
            kind,
            id: store::be_u64(&k[1..9])?,
            seq: store::be_u64(&k[9..17])?,
            entry: store::codec::decode(v.value(), "history entry")?,
        };
        let v = serde_json::to_value(&line)
            .map_err(|e| Error::Internal(format!("history to JSON: {e}")))?;
        out(&serde_json::to_vec(&v).map_err(|e| Error::Internal(format!("JSON: {e}")))?)?;
        n += 1;
    }
    Ok(n)
}

fn export_meta(rx: &ReadTransaction, out: &mut dyn Write) -> Result<u64> {
    let t = rx.open_table(tables::META).ctx("open meta")?;
    let mut n = 0;
    for row in t.iter().ctx("read meta")? {
        let (k, v) = row.ctx("read meta")?;
        if k.value() == "schema_version" {
            continue; // the manifest carries it; the restored store writes its own
        }
        let v = v.value();
        let line = MetaLine {
            key: k.value().to_string(),
            value: (v.len() == 8).then(|| store::be_u64(v)).transpose()?,
            hex: (v.len() != 8).then(|| hex::encode(v)),
        };
        serde_json::to_writer(&mut *out, &line)
            .map_err(|e| Error::Internal(format!("meta to JSON: {e}")))?;
        out.write_all(b"\n").map_err(io_err("backup: write"))?;
        n += 1;
    }
    Ok(n)
}

/// Regular files under `dir`, as (relative `/` path, absolute path), sorted. Links and
/// names we would refuse on restore are errors, not silently skipped.
fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, d)) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(io_err(&format!("read {}", d.display())))?;
        for ent in rd {
            let ent = ent.map_err(io_err(&format!("read {}", d.display())))?;
            let name = ent.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let ft = ent
                .file_type()
                .map_err(io_err(&format!("stat {}", ent.path().display())))?;
            if ft.is_dir() {
                stack.push((rel, ent.path()));
            } else if ft.is_file() && safe_member_name(&format!("{FILES_DIR}/{rel}")) {
                out.push((rel, ent.path()));
            } else {
                return Err(Error::Storage(format!(
                    "{} is not a plain file with a safe name: move it out of the files folder",
                    ent.path().display()
                )));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// An archive whose structure and manifest were checked; members are read through
/// `read_member`, which caps and hashes them.
pub struct Archive {
    zip: zip::ZipArchive<BufReader<File>>,
    pub manifest: Manifest,
    /// member path → index in the zip
    index: BTreeMap<String, usize>,
}

/// The message of an error without its kind prefix (for nesting in another message).
pub fn detail(e: Error) -> String {
    match e {
        Error::BadRequest(d) | Error::Storage(d) => d,
        e => e.to_string(),
    }
}

fn refuse(why: impl std::fmt::Display) -> Error {
    Error::BadRequest(format!("the archive is refused: {why}"))
}

impl Archive {
    /// Opens a zip and checks its structure: a readable manifest of a format we know, every
    /// entry a safe file name listed in the manifest, no duplicates, no links, sizes within
    /// limits. Reads no member yet.
    pub fn open(path: &Path) -> Result<Archive> {
        let file = File::open(path).map_err(|e| refuse(format!("open {}: {e}", path.display())))?;
        let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
            refuse(format!(
                "not a readable zip file (truncated or not a Korobka backup?): {e}"
            ))
        })?;
        let mut index = BTreeMap::new();
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| refuse(format!("zip entry {i}: {e}")))?;
            let name = f
                .name()
                .map_err(|e| refuse(format!("zip entry {i} has an unreadable name: {e}")))?
                .to_string();
            if !safe_member_name(&name) || f.enclosed_name().is_none() {
                return Err(refuse(format!(
                    "member {name:?} has an unsafe path (absolute, `..` or odd characters)"
                )));
            }
            if f.is_symlink() || f.is_dir() {
                return Err(refuse(format!("member {name:?} is a link or a folder")));
            }
            if index.insert(name.clone(), i).is_some() {
                return Err(refuse(format!("member {name:?} appears twice")));
            }
        }
        let Some(&mi) = index.get(MANIFEST) else {
            return Err(refuse("it has no manifest.json: not a Korobka backup"));
        };
        let mut raw = Vec::new();
        {
            let f = zip
                .by_index(mi)
                .map_err(|e| refuse(format!("manifest: {e}")))?;
            if f.size() > MAX_MANIFEST {
                return Err(refuse("manifest.json is implausibly large"));
            }
            f.take(MAX_MANIFEST + 1)
                .read_to_end(&mut raw)
                .map_err(|e| refuse(format!("manifest: {e}")))?;
        }
        if raw.len() as u64 > MAX_MANIFEST {
            return Err(refuse("manifest.json inflates past its limit"));
        }
        #[derive(Deserialize)]
        struct Head {
            format: String,
            format_version: u32,
        }
        let head: Head = serde_json::from_slice(&raw)
            .map_err(|e| refuse(format!("manifest.json is not valid: {e}")))?;
        if head.format != FORMAT {
            return Err(refuse(format!(
                "manifest format is {:?}, not {FORMAT:?}",
                head.format
            )));
        }
        if head.format_version > FORMAT_VERSION {
            return Err(refuse(format!(
                "it uses backup format {}, newer than this Korobka understands ({FORMAT_VERSION}): upgrade Korobka first",
                head.format_version
            )));
        }
        let manifest: Manifest = serde_json::from_slice(&raw)
            .map_err(|e| refuse(format!("manifest.json is not valid: {e}")))?;
        if manifest.schema_version > SCHEMA_VERSION {
            return Err(refuse(format!(
                "it was written by Korobka {} with schema {}, newer than this binary's {SCHEMA_VERSION}: upgrade Korobka first",
                manifest.app_version, manifest.schema_version
            )));
        }
        let listed: BTreeSet<&str> = manifest.members.iter().map(|m| m.path.as_str()).collect();
        if listed.len() != manifest.members.len() {
            return Err(refuse("the manifest lists a member twice"));
        }
        for name in index.keys() {
            if name != MANIFEST && !listed.contains(name.as_str()) {
                return Err(refuse(format!("member {name:?} is not in the manifest")));
            }
        }
        for m in &manifest.members {
            let Some(&i) = index.get(&m.path) else {
                return Err(refuse(format!(
                    "member {:?} is in the manifest but missing from the archive",
                    m.path
                )));
            };
            if m.size > MAX_MEMBER {
                return Err(refuse(format!(
                    "member {:?} claims {} bytes, past the limit of {MAX_MEMBER}",
                    m.path, m.size
                )));
            }
            let f = zip
                .by_index_raw(i)
                .map_err(|e| refuse(format!("{}: {e}", m.path)))?;
            if f.size() != m.size {
                return Err(refuse(format!(
                    "member {:?} inflates to {} bytes, the manifest says {}",
                    m.path,
                    f.size(),
                    m.size
                )));
            }
        }
        for (k, _) in manifest.counts.iter() {
            if !listed.contains(k.as_str()) {
                return Err(refuse(format!(
                    "the manifest counts {k:?}, which it does not list"
                )));
            }
        }
        Ok(Archive {
            zip,
            manifest,
            index,
        })
    }

    /// Streams one member to `f` through a reader that stops at the manifest's size, then
    /// checks size and SHA-256. `f` need not read to the end.
    pub fn read_member<T>(
        &mut self,
        member: &Member,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        let i = *self
            .index
            .get(&member.path)
            .ok_or_else(|| refuse(format!("member {:?} is missing", member.path)))?;
        let entry = self
            .zip
            .by_index(i)
            .map_err(|e| refuse(format!("{}: {e}", member.path)))?;
        let mut r = CheckedReader {
            inner: entry.take(member.size + 1),
            hash: Sha256::new(),
            size: 0,
        };
        let out = f(&mut r).map_err(|e| match e {
            Error::BadRequest(d) if d.starts_with("the archive is refused") => Error::BadRequest(d),
            e => refuse(format!("{}: {}", member.path, detail(e))),
        })?;
        std::io::copy(&mut r, &mut std::io::sink())
            .map_err(|e| refuse(format!("{}: {e}", member.path)))?;
        if r.size > member.size {
            return Err(refuse(format!(
                "member {:?} inflates past the {} bytes the manifest gives it",
                member.path, member.size
            )));
        }
        if r.size != member.size {
            return Err(refuse(format!(
                "member {:?} has {} bytes, the manifest says {}",
                member.path, r.size, member.size
            )));
        }
        let got = hex::encode(r.hash.finalize());
        if got != member.sha256 {
            return Err(refuse(format!(
                "member {:?} fails its checksum (SHA-256 {got}, the manifest says {}): the file is damaged",
                member.path, member.sha256
            )));
        }
        Ok(out)
    }

    /// Checks every member: sizes, checksums, and that every JSON line decodes into the
    /// record it claims to be, with the counts the manifest gives. Writes nothing.
    pub fn verify(&mut self, progress: &mut dyn Progress) -> Result<()> {
        let reg = registry();
        let total = self.manifest.counts.values().sum::<u64>();
        let mut done = 0u64;
        let members = self.manifest.members.clone();
        for m in &members {
            let counted = self.manifest.counts.get(&m.path).copied();
            let n = if m.path.starts_with("files/") {
                self.read_member(m, |_| Ok(0))?
            } else if m.path == HISTORY_MEMBER {
                self.read_member(m, |r| {
                    each_line(r, |line| {
                        history_line(line)?;
                        done += 1;
                        progress.update("verify", done, total);
                        Ok(())
                    })
                })?
            } else if m.path == META_MEMBER {
                self.read_member(m, |r| each_line(r, |line| meta_line(line).map(|_| ())))?
            } else if let Some(e) = reg.iter().find(|e| e.member() == m.path) {
                let mut ids = BTreeSet::new();
                self.read_member(m, |r| {
                    each_line(r, |line| {
                        let id = (e.check)(line)?;
                        if !ids.insert(id) {
                            return Err(Error::BadRequest(format!("id {id} appears twice")));
                        }
                        done += 1;
                        progress.update("verify", done, total);
                        Ok(())
                    })
                })?
            } else if m.path.starts_with("tables/") {
                return Err(refuse(format!(
                    "it holds {:?}, a table this Korobka does not know (written by a newer version?)",
                    m.path
                )));
            } else {
                return Err(refuse(format!("unexpected member {:?}", m.path)));
            };
            if let Some(c) = counted
                && c != n
            {
                return Err(refuse(format!(
                    "member {:?} holds {n} lines, the manifest says {c}",
                    m.path
                )));
            }
            if counted.is_none() && !m.path.starts_with("files/") {
                return Err(refuse(format!(
                    "the manifest gives no count for {:?}",
                    m.path
                )));
            }
        }
        progress.finish();
        Ok(())
    }
}

struct CheckedReader<R: Read> {
    inner: R,
    hash: Sha256,
    size: u64,
}

impl<R: Read> Read for CheckedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Calls `f` with every line of a JSON-lines member (without the newline); returns the count.
pub fn each_line(r: &mut dyn Read, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<u64> {
    let mut r = BufReader::with_capacity(256 * 1024, r);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        let got = (&mut r)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::BadRequest(format!("read: {e}")))?;
        if got == 0 {
            return Ok(n);
        }
        if line.last() != Some(&b'\n') {
            if line.len() > MAX_LINE {
                return Err(Error::BadRequest(format!(
                    "line {} is longer than {MAX_LINE} bytes",
                    n + 1
                )));
            }
            return Err(Error::BadRequest(format!(
                "line {} does not end with a newline (truncated?)",
                n + 1
            )));
        }
        line.pop();
        n += 1;
        f(&line).map_err(|e| Error::BadRequest(format!("line {n}: {}", detail(e))))?;
    }
}

/// (history key, encoded entry) of one history line.
pub fn history_line(line: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let h: HistoryLine = serde_json::from_slice(line)
        .map_err(|e| Error::BadRequest(format!("not a history line: {e}")))?;
    Ok((
        store::history_key(h.kind, h.id, h.seq),
        store::codec::encode(&h.entry)?,
    ))
}

/// (key, value bytes) of one meta line.
pub fn meta_line(line: &[u8]) -> Result<(String, Vec<u8>)> {
    let m: MetaLine = serde_json::from_slice(line)
        .map_err(|e| Error::BadRequest(format!("not a meta line: {e}")))?;
    if m.key == "schema_version" || m.key.is_empty() {
        return Err(Error::BadRequest(format!(
            "meta key {:?} is not restorable",
            m.key
        )));
    }
    let v = match (m.value, m.hex) {
        (Some(v), None) => v.to_be_bytes().to_vec(),
        (None, Some(h)) => hex::decode(&h)
            .map_err(|e| Error::BadRequest(format!("meta {}: bad hex: {e}", m.key)))?,
        _ => {
            return Err(Error::BadRequest(format!(
                "meta {} needs exactly one of value and hex",
                m.key
            )));
        }
    };
    Ok((m.key, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_must_be_plain_relative_paths() {
        for ok in ["manifest.json", "tables/users.jsonl", "files/ab/cdef-1.bin"] {
            assert!(safe_member_name(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "tables/../../x",
            "a//b",
            "./a",
            "a\\b",
            "C:/x",
            "files/a b",
            "tables/",
        ] {
            assert!(!safe_member_name(bad), "{bad}");
        }
    }

    #[test]
    fn meta_lines_round_trip_numbers_and_bytes() {
        let (k, v) = meta_line(br#"{"key":"id_seq:users","value":7}"#).unwrap();
        assert_eq!(
            (k.as_str(), v),
            ("id_seq:users", 7u64.to_be_bytes().to_vec())
        );
        let (_, v) = meta_line(br#"{"key":"x","hex":"0102"}"#).unwrap();
        assert_eq!(v, vec![1, 2]);
        assert!(meta_line(br#"{"key":"schema_version","value":1}"#).is_err());
        assert!(meta_line(br#"{"key":"x"}"#).is_err());
    }

    #[test]
    fn unterminated_last_line_is_an_error() {
        let mut ok: &[u8] = b"a\nb\n";
        assert_eq!(each_line(&mut ok, |_| Ok(())).unwrap(), 2);
        let mut cut: &[u8] = b"a\nb";
        assert!(each_line(&mut cut, |_| Ok(())).is_err());
    }
}
