//! Backups kept in `<data>/backups/`: taken by hand (Settings, `korobka backup`), by the
//! daily schedule (the last N kept), or by the server itself before a migration. Each one is
//! written as `.partial`, verified by reading it back, and only then given its name and a
//! `<name>.sha256` file (`sha256sum -c` format) that marks it verified. One at a time.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Instant,
};

use chrono::{DateTime, Local, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    archive::{self, Archive, Manifest},
    progress::{Progress, Quiet},
};
use crate::{
    error::{Error, Result},
    store::Store,
};

/// The result of the last scheduled backup, for Settings and `korobka check`.
pub const LAST_SCHEDULED: &str = "last-scheduled.json";
const LOCK: &str = ".backup.lock";

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum BackupKind {
    Manual,
    Auto,
    PreMigration,
}

impl BackupKind {
    /// The start of its file names: `manual`, `auto`, `pre-migration`.
    fn prefix(self) -> &'static str {
        self.into()
    }
    fn of(name: &str) -> Option<BackupKind> {
        <BackupKind as strum::VariantArray>::VARIANTS
            .iter()
            .copied()
            .find(|k| name.starts_with(&format!("{}-", k.prefix())))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BackupFile {
    pub name: String,
    pub size: u64,
    pub modified_at: DateTime<Utc>,
    /// manual, auto, pre-migration, or None for a file put there by hand.
    pub kind: Option<BackupKind>,
    /// Read back and checked after writing (a `.sha256` file sits beside it).
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LastRun {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub file: Option<String>,
    pub size: u64,
    pub records: u64,
    pub seconds: f64,
    pub error: Option<String>,
}

/// When the daily backup runs and how many are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Local time of day; None turns the schedule off.
    pub at: Option<NaiveTime>,
    pub keep: usize,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { at: None, keep: 7 }
    }
}

impl Schedule {
    /// Parses `--backup-at`: `HH:MM`, or `off`.
    pub fn parse_at(s: &str) -> Result<Option<NaiveTime>> {
        if s.eq_ignore_ascii_case("off") || s.is_empty() {
            return Ok(None);
        }
        NaiveTime::parse_from_str(s, "%H:%M")
            .map(Some)
            .map_err(|_| {
                Error::BadRequest(format!("backup time {s:?}: use HH:MM (24-hour) or off"))
            })
    }

    /// The next run strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = self.at?;
        let local = now.with_timezone(&Local);
        let mut day = local.date_naive();
        for _ in 0..3 {
            if let Some(t) = Local.from_local_datetime(&day.and_time(at)).earliest() {
                let t = t.with_timezone(&Utc);
                if t > now {
                    return Some(t);
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

/// The backups folder of a data folder, and the schedule the server runs.
pub struct Backups {
    pub dir: PathBuf,
    pub schedule: Mutex<Schedule>,
    busy: Mutex<()>,
}

impl Backups {
    pub fn new(data_dir: &Path) -> Arc<Backups> {
        Arc::new(Backups {
            dir: crate::paths::backups(data_dir),
            schedule: Mutex::new(Schedule::default()),
            busy: Mutex::new(()),
        })
    }

    pub fn schedule(&self) -> Schedule {
        self.schedule.lock().map(|s| *s).unwrap_or_default()
    }

    pub fn set_schedule(&self, s: Schedule) {
        if let Ok(mut g) = self.schedule.lock() {
            *g = s;
        }
    }

    /// Takes a backup into the backups folder, verifies it and names it. Refused (Conflict)
    /// while another backup runs, in this process or another.
    pub fn create(
        &self,
        store: &Store,
        data_dir: &Path,
        kind: BackupKind,
        now: DateTime<Utc>,
        progress: &mut dyn Progress,
    ) -> Result<(BackupFile, Manifest)> {
        let _busy = self
            .busy
            .try_lock()
            .map_err(|_| Error::Conflict("a backup is already running".into()))?;
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::Storage(format!("create {}: {e}", self.dir.display())))?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK))
            .map_err(|e| Error::Storage(format!("open backup lock: {e}")))?;
        lock.try_lock()
            .map_err(|_| Error::Conflict("a backup is already running".into()))?;
        let mut name = format!("{}-{}.zip", kind.prefix(), now.format("%Y%m%d-%H%M%SZ"));
        let mut n = 1;
        while self.dir.join(&name).exists() {
            n += 1;
            name = format!("{}-{}-{n}.zip", kind.prefix(), now.format("%Y%m%d-%H%M%SZ"));
        }
        let path = self.dir.join(&name);
        let manifest = write_verified(store, data_dir, &path, now, progress)?;
        let file = info(&path)?;
        Ok((file, manifest))
    }

    /// The files in the backups folder, newest first.
    pub fn list(&self) -> Result<Vec<BackupFile>> {
        let mut out = Vec::new();
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::Storage(format!("read {}: {e}", self.dir.display()))),
        };
        for e in rd {
            let e = e.map_err(|e| Error::Storage(format!("read {}: {e}", self.dir.display())))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if valid_name(&name) && e.file_type().is_ok_and(|t| t.is_file()) {
                out.push(info(&e.path())?);
            }
        }
        out.sort_by(|a, b| b.modified_at.cmp(&a.modified_at).then(b.name.cmp(&a.name)));
        Ok(out)
    }

    /// The path of a listed backup; refuses names that are not plain backup file names.
    pub fn path_of(&self, name: &str) -> Result<PathBuf> {
        if !valid_name(name) {
            return Err(Error::NotFound("backup"));
        }
        let p = self.dir.join(name);
        if !p.is_file() {
            return Err(Error::NotFound("backup"));
        }
        Ok(p)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        let p = self.path_of(name)?;
        std::fs::remove_file(&p)
            .map_err(|e| Error::Storage(format!("remove {}: {e}", p.display())))?;
        let _ = std::fs::remove_file(sidecar(&p));
        Ok(())
    }

    /// Keeps the newest `keep` scheduled backups and removes older ones.
    pub fn prune(&self, keep: usize) -> Result<Vec<String>> {
        let mut removed = Vec::new();
        let auto: Vec<BackupFile> = self
            .list()?
            .into_iter()
            .filter(|f| f.kind == Some(BackupKind::Auto))
            .collect();
        // Names carry the UTC time, so they sort by age; newest first.
        let mut names: Vec<String> = auto.into_iter().map(|f| f.name).collect();
        names.sort_by(|a, b| b.cmp(a));
        for name in names.into_iter().skip(keep.max(1)) {
            self.delete(&name)?;
            removed.push(name);
        }
        Ok(removed)
    }

    pub fn last_scheduled(&self) -> Option<LastRun> {
        let raw = std::fs::read(self.dir.join(LAST_SCHEDULED)).ok()?;
        serde_json::from_slice(&raw).ok()
    }

    /// One scheduled run: back up, verify, prune, remember the result.
    pub fn run_scheduled(&self, store: &Store, data_dir: &Path, now: DateTime<Utc>) -> LastRun {
        let started = Instant::now();
        let keep = self.schedule().keep;
        let result = self
            .create(store, data_dir, BackupKind::Auto, now, &mut Quiet)
            .and_then(|(f, m)| {
                self.prune(keep)?;
                Ok((f, m))
            });
        let run = match result {
            Ok((f, m)) => LastRun {
                at: now,
                ok: true,
                file: Some(f.name),
                size: f.size,
                records: m.records(),
                seconds: started.elapsed().as_secs_f64(),
                error: None,
            },
            Err(e) => LastRun {
                at: now,
                ok: false,
                file: None,
                size: 0,
                records: 0,
                seconds: started.elapsed().as_secs_f64(),
                error: Some(e.to_string()),
            },
        };
        if run.ok {
            tracing::info!(file = ?run.file, size = run.size, "scheduled backup written and verified");
        } else {
            tracing::error!(error = ?run.error, "scheduled backup failed");
        }
        let _ = std::fs::create_dir_all(&self.dir);
        if let Ok(json) = serde_json::to_vec_pretty(&run) {
            let tmp = self.dir.join(format!("{LAST_SCHEDULED}.tmp"));
            if std::fs::write(&tmp, json).is_ok() {
                let _ = std::fs::rename(&tmp, self.dir.join(LAST_SCHEDULED));
            }
        }
        run
    }
}

/// `korobka check`: the last scheduled backup (a failed one is a problem).
pub fn check_lines(data_dir: &Path, lines: &mut Vec<String>, problems: &mut Vec<String>) {
    let b = Backups::new(data_dir);
    match b.last_scheduled() {
        Some(r) if r.ok => lines.push(format!(
            "last scheduled backup: {} at {}, {} records, verified",
            r.file.unwrap_or_default(),
            r.at.format("%Y-%m-%d %H:%M UTC"),
            r.records
        )),
        Some(r) => problems.push(format!(
            "the last scheduled backup failed at {}: {}",
            r.at.format("%Y-%m-%d %H:%M UTC"),
            r.error.unwrap_or_default()
        )),
        None => lines.push("last scheduled backup: none yet".into()),
    }
    let n = b.list().map(|l| l.len()).unwrap_or(0);
    lines.push(format!("backups in {}: {n}", b.dir.display()));
}

/// Names we list and serve: `[A-Za-z0-9._-]+.zip`, not hidden.
fn valid_name(name: &str) -> bool {
    name.ends_with(".zip")
        && !name.starts_with('.')
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn sidecar(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".sha256");
    PathBuf::from(s)
}

fn info(path: &Path) -> Result<BackupFile> {
    let md = std::fs::metadata(path)
        .map_err(|e| Error::Storage(format!("stat {}: {e}", path.display())))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(BackupFile {
        kind: BackupKind::of(&name),
        verified: sidecar(path).is_file(),
        name,
        size: md.len(),
        modified_at: md.modified().map(DateTime::<Utc>::from).unwrap_or_default(),
    })
}

/// Writes an archive to `dest`, reads it back and checks every member, then writes the
/// `.sha256` beside it. A backup that fails verification is removed and reported.
pub fn write_verified(
    store: &Store,
    data_dir: &Path,
    dest: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<Manifest> {
    let manifest = archive::write_archive(store, data_dir, dest, now, progress)?;
    let verified = Archive::open(dest).and_then(|mut a| {
        a.verify(progress)?;
        if a.manifest != manifest {
            return Err(Error::Storage("the manifest read back differs".into()));
        }
        Ok(())
    });
    if let Err(e) = verified {
        let _ = std::fs::remove_file(dest);
        return Err(Error::Storage(format!(
            "the backup written to {} failed verification and was removed: {e}",
            dest.display()
        )));
    }
    let digest = file_sha256(dest)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(sidecar(dest), format!("{digest}  {name}\n"))
        .map_err(|e| Error::Storage(format!("write checksum file: {e}")))?;
    Ok(manifest)
}

pub fn file_sha256(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::Storage(format!("open {}: {e}", path.display())))?;
    let mut h = Sha256::new();
    // sha2 0.11's hasher is not an io::Write: feed it a buffer at a time.
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match std::io::Read::read(&mut f, &mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Storage(format!("read {}: {e}", path.display()))),
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// The hook `App::open` gives the store: before a migration, take a backup of the data as
/// it is. A failed backup stops the upgrade.
pub fn before_migration(store: &Store, data_dir: &Path, from: u64, to: u64) -> Result<()> {
    tracing::info!("schema {from} → {to}: taking a backup before migrating");
    let b = Backups::new(data_dir);
    let (f, _) = b
        .create(
            store,
            data_dir,
            BackupKind::PreMigration,
            Utc::now(),
            &mut Quiet,
        )
        .map_err(|e| {
            Error::Storage(format!(
                "the backup before migrating schema {from} → {to} failed, nothing was changed: {e}"
            ))
        })?;
    tracing::info!("backup before migration: {}", b.dir.join(&f.name).display());
    Ok(())
}

/// Runs the daily schedule until `stop` fires.
pub async fn run_schedule(
    backups: Arc<Backups>,
    store: Arc<Store>,
    data_dir: PathBuf,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let now = Utc::now();
        let wait = match backups.schedule().next_after(now) {
            Some(t) => (t - now).to_std().unwrap_or_default(),
            // Off: look again in a minute (the schedule can change at run time).
            None => std::time::Duration::from_secs(60),
        };
        // Sleep in short steps so a changed clock or schedule is noticed.
        let step = wait.min(std::time::Duration::from_secs(60));
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        let due = backups
            .schedule()
            .next_after(now)
            .is_some_and(|t| t <= Utc::now());
        if !due {
            continue;
        }
        let (b, s, d) = (backups.clone(), store.clone(), data_dir.clone());
        let _ = tokio::task::spawn_blocking(move || b.run_scheduled(&s, &d, Utc::now())).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_times_parse_and_the_next_run_is_within_a_day() {
        assert_eq!(Schedule::parse_at("off").unwrap(), None);
        assert!(Schedule::parse_at("25:00").is_err());
        assert!(Schedule::parse_at("3am").is_err());
        let s = Schedule {
            at: Schedule::parse_at("03:30").unwrap(),
            keep: 3,
        };
        let now = Utc::now();
        let next = s.next_after(now).unwrap();
        assert!(next > now && next - now <= chrono::Duration::hours(25));
        assert_eq!(
            next.with_timezone(&Local).format("%H:%M").to_string(),
            "03:30"
        );
        assert_eq!(Schedule::default().next_after(now), None);
    }

    #[test]
    fn only_plain_zip_names_are_served() {
        assert!(valid_name("auto-20260101-030000Z.zip"));
        for bad in [
            "../x.zip",
            ".hidden.zip",
            "a/b.zip",
            "x.zip.sha256",
            "x.txt",
            "a b.zip",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
