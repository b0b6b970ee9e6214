//! The `backup` and `restore` commands and the schedule flags of `serve`.

use std::path::Path;

use chrono::Utc;

use super::{
    archive,
    backups::{self, BackupKind, Backups, Schedule},
    progress::Terminal,
    restore,
};
use crate::{error::Error, paths, store::Store};

#[derive(clap::Args, Debug, Clone)]
pub struct ScheduleArgs {
    /// Daily backup time (server's local time, HH:MM), or `off`.
    #[arg(long, env = "KOROBKA_BACKUP_AT", default_value = "03:00")]
    pub backup_at: String,
    /// How many daily backups to keep in <data>/backups/.
    #[arg(long, env = "KOROBKA_BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,
}

impl ScheduleArgs {
    pub fn schedule(&self) -> Result<Schedule, Error> {
        if self.backup_keep == 0 {
            return Err(Error::BadRequest(
                "--backup-keep must be at least 1 (use --backup-at off to stop daily backups)"
                    .into(),
            ));
        }
        Ok(Schedule {
            at: Schedule::parse_at(&self.backup_at)?,
            keep: self.backup_keep,
        })
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn backup(data: &Path, file: Option<&Path>) -> Result<(), Error> {
    if !paths::db(data).exists() {
        return Err(Error::BadRequest(format!(
            "{} holds no Korobka data",
            data.display()
        )));
    }
    let store = Store::open(&paths::db(data))?;
    let started = std::time::Instant::now();
    let mut progress = Terminal::new();
    let (path, manifest) = match file {
        Some(f) => {
            if f.exists() {
                return Err(Error::BadRequest(format!(
                    "{} exists: choose another name (a backup never overwrites a file)",
                    f.display()
                )));
            }
            let m = backups::write_verified(&store, data, f, Utc::now(), &mut progress)?;
            (f.to_path_buf(), m)
        }
        None => {
            let b = Backups::new(data);
            let (f, m) = b.create(&store, data, BackupKind::Manual, Utc::now(), &mut progress)?;
            (b.dir.join(f.name), m)
        }
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written and verified: {} ({}, {} records, {} history entries, {} files) in {:.1} s",
        path.display(),
        mib(size),
        manifest.records(),
        manifest
            .counts
            .get(archive::HISTORY_MEMBER)
            .copied()
            .unwrap_or(0),
        manifest.files(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn restore(data: &Path, file: &Path) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let mut progress = Terminal::new();
    let r = restore::restore(file, data, Utc::now(), &mut progress)?;
    let m = &r.manifest;
    println!(
        "restored {} records ({} history entries, {} files) from a backup of {} (Korobka {}), search index rebuilt with {} documents, in {:.1} s",
        m.records(),
        m.counts.get(archive::HISTORY_MEMBER).copied().unwrap_or(0),
        m.files(),
        m.created_at.format("%Y-%m-%d %H:%M UTC"),
        m.app_version,
        r.documents,
        started.elapsed().as_secs_f64()
    );
    if let Some(k) = &r.kept {
        println!("the previous data folder is kept in {}", k.display());
    }
    println!("everyone signs in again; start the server now");
    Ok(())
}
