//! The data folder's layout: the one place that names what lies in it. The app, the CLI and
//! io (backup, restore, check) all find the database, the index and the backups through here.

use std::path::{Path, PathBuf};

/// The redb database: the single source of truth.
pub const DB_FILE: &str = "korobka.redb";
/// The tantivy index: derived from the database, rebuilt when missing.
pub const INDEX_DIR: &str = "index";
/// Backup archives (never archived into themselves).
pub const BACKUPS_DIR: &str = "backups";
/// Held by the one process that has the folder open.
pub const LOCK_FILE: &str = "korobka.lock";

/// The database file of a data folder.
pub fn db(data: &Path) -> PathBuf {
    data.join(DB_FILE)
}

/// The search index folder of a data folder.
pub fn index(data: &Path) -> PathBuf {
    data.join(INDEX_DIR)
}

/// The backups folder of a data folder.
pub fn backups(data: &Path) -> PathBuf {
    data.join(BACKUPS_DIR)
}
