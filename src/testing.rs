//! Test support shared by the areas' unit tests: stores opened the way the app opens them
//! (with every area's event handlers installed), so a test sees what production writes.

use std::path::Path;

use crate::{
    access::{Role, User},
    store::Store,
};

/// Opens (or creates) a store with the app's event handlers ([`crate::app::install_handlers`]).
pub(crate) fn open_store(path: &Path) -> Store {
    let store = Store::open(path).expect("store");
    crate::app::install_handlers(&store);
    store
}

/// A new store in a temp folder holding one active admin (id 1), for use-case tests.
pub(crate) fn test_store() -> (tempfile::TempDir, Store, User) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_store(&dir.path().join("db.redb"));
    let admin = User {
        id: 1,
        role: Role::Admin,
        active: true,
        ..Default::default()
    };
    store
        .write(Some(1), chrono::Utc::now(), |tx| {
            // Take id 1 from the users' sequence, so users made later get 2, 3, …
            tx.next_id("users")?;
            tx.put_quietly(&admin)
        })
        .expect("admin");
    (dir, store, admin)
}
