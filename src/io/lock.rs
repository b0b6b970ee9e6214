//! The data-folder lock: the server (anything that opens the `App`) holds an exclusive lock on
//! `<data>/korobka.lock`, so `korobka restore` can tell that a server is running and refuse.
//! Other commands (backup, user, check) open the store alongside a running server and do not
//! take it.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::Path,
};

use crate::error::{Error, Result};

pub use crate::paths::LOCK_FILE;

/// Held while the data folder is in use; released on drop (or when the process dies).
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

impl DataLock {
    /// Takes the lock or explains who holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataLock> {
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::Storage(format!("open {}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::Conflict(format!(
                "another Korobka (the server, or a restore) is using {}: stop it first \
                 (for example `systemctl stop korobka`) and try again",
                data_dir.display()
            ))),
            Err(TryLockError::Error(e)) => {
                Err(Error::Storage(format!("lock {}: {e}", path.display())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let a = DataLock::acquire(dir.path()).unwrap();
        let err = DataLock::acquire(dir.path()).unwrap_err();
        assert!(err.to_string().contains("stop it first"), "{err}");
        drop(a);
        DataLock::acquire(dir.path()).unwrap();
    }
}
