//! The backup use cases as an administrator runs them through the API: each asks the access
//! policy first (`ManageBackups`), then works on the backups folder. The command line
//! (`korobka backup`, the schedule) calls [`Backups`] directly: whoever runs it on the server
//! already holds the data folder.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{
    backups::{BackupFile, BackupKind, Backups, LastRun, Schedule},
    progress::Quiet,
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::Result,
    store::Store,
};

/// What Settings shows about backups.
pub struct Overview {
    /// Newest first.
    pub files: Vec<BackupFile>,
    pub schedule: Schedule,
    pub next_run: Option<DateTime<Utc>>,
    pub last_scheduled: Option<LastRun>,
}

/// The backups in the folder, the daily schedule and the last scheduled result.
pub fn overview(backups: &Backups, actor: &User, now: DateTime<Utc>) -> Result<Overview> {
    allow(actor, Permission::ManageBackups)?;
    let schedule = backups.schedule();
    Ok(Overview {
        files: backups.list()?,
        next_run: schedule.next_after(now),
        schedule,
        last_scheduled: backups.last_scheduled(),
    })
}

/// Takes a backup now (a consistent snapshot; writes go on meanwhile) and verifies it. Slow:
/// run it on a blocking thread.
pub fn take(
    backups: &Backups,
    store: &Store,
    data_dir: &Path,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<BackupFile> {
    allow(actor, Permission::ManageBackups)?;
    let (file, _) = backups.create(store, data_dir, BackupKind::Manual, now, &mut Quiet)?;
    Ok(file)
}

/// The path of a backup to download.
pub fn path_of(backups: &Backups, actor: &User, name: &str) -> Result<PathBuf> {
    allow(actor, Permission::ManageBackups)?;
    backups.path_of(name)
}

/// Deletes a backup (and its checksum file).
pub fn delete(backups: &Backups, actor: &User, name: &str) -> Result<()> {
    allow(actor, Permission::ManageBackups)?;
    backups.delete(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;

    fn user(role: Role) -> User {
        User {
            id: 7,
            role,
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn only_those_who_manage_backups_see_or_touch_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let backups = Backups::new(dir.path());
        std::fs::create_dir_all(&backups.dir).expect("backups dir");
        let name = "manual-20250101-000000Z.zip";
        std::fs::write(backups.dir.join(name), b"zip").expect("a backup file");
        let now = Utc::now();
        let member = user(Role::User);
        assert!(overview(&backups, &member, now).is_err_and(|e| e.is_refusal()));
        assert!(path_of(&backups, &member, name).is_err_and(|e| e.is_refusal()));
        assert!(delete(&backups, &member, name).is_err_and(|e| e.is_refusal()));
        assert!(
            backups.dir.join(name).exists(),
            "a refused delete removes nothing"
        );

        let admin = user(Role::Admin);
        let o = overview(&backups, &admin, now).expect("the admin sees backups");
        assert_eq!(o.files.len(), 1);
        assert_eq!(
            path_of(&backups, &admin, name).expect("path"),
            backups.dir.join(name)
        );
        delete(&backups, &admin, name).expect("the admin deletes");
        assert!(!backups.dir.join(name).exists());
    }
}
