//! The schema version and the append-only list of migrations that take an older store to it.

use redb::{MultimapTableDefinition, ReadableDatabase, WriteTransaction};

use super::{Store, be_u64, feed_migration, tables};
use crate::error::{Ctx, Error, Result};
use tables::*;

/// Version of the table layout: 1 + the number of migrations. To change the layout, append
/// a migration to `MIGRATIONS` (never edit or remove one) and keep the fixture test passing.
pub const SCHEMA_VERSION: u64 = MIGRATIONS.len() as u64 + 1;

/// One step of the schema: runs inside the write transaction that bumps the version.
pub struct Migration {
    pub what: &'static str,
    pub run: fn(&WriteTransaction) -> Result<()>,
}

/// Migration `i` takes schema `i + 1` to `i + 2`. Append-only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        what: "drop the phone and e-mail indexes of companies and contacts (written, never read)",
        run: drop_tables_never_read,
    },
    Migration {
        what: feed_migration::WHAT,
        run: feed_migration::run,
    },
];

/// Schema 2: the duplicate-search indexes by phone and e-mail were written and never read
/// (search finds duplicates); they are no longer declared, so their tables go.
fn drop_tables_never_read(txn: &WriteTransaction) -> Result<()> {
    for name in [
        "company_by_phone",
        "company_by_email",
        "contact_by_phone",
        "contact_by_email",
    ] {
        let def: MultimapTableDefinition<&str, u64> = MultimapTableDefinition::new(name);
        txn.delete_multimap_table(def)
            .map_err(|e| Error::Storage(format!("drop table {name}: {e}")))?;
    }
    Ok(())
}

impl Store {
    /// The schema version written in the store (None for a new, empty file).
    pub fn schema_version(&self) -> Result<Option<u64>> {
        let rx = self.db.begin_read().ctx("begin schema check")?;
        let meta = match rx.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(Error::Storage(format!("open meta: {e}"))),
        };
        match meta.get("schema_version").ctx("read schema version")? {
            Some(v) => Ok(Some(be_u64(v.value())?)),
            None => Ok(None),
        }
    }

    pub(super) fn prepare_schema(
        &self,
        migrations: &[Migration],
        before_migrate: impl FnOnce(&Store, u64, u64) -> Result<()>,
    ) -> Result<()> {
        let target = migrations.len() as u64 + 1;
        match self.schema_version()? {
            None => {
                let txn = self.db.begin_write().ctx("begin schema setup")?;
                txn.open_table(META)
                    .ctx("open meta")?
                    .insert("schema_version", target.to_be_bytes().as_slice())
                    .ctx("write schema version")?;
                open_all_tables(&txn)?;
                txn.commit().ctx("commit schema")?;
                return Ok(());
            }
            Some(v) if v > target => {
                return Err(Error::Storage(format!(
                    "the data folder was written by a newer Korobka (schema {v}, this binary knows {target}); upgrade the binary"
                )));
            }
            Some(v) if v < target => {
                // Tables declared since the store was written are created (empty) first, so
                // the backup taken before migrating reads every table it knows.
                let txn = self.db.begin_write().ctx("begin schema check")?;
                open_all_tables(&txn)?;
                txn.commit().ctx("commit schema")?;
                before_migrate(self, v, target)?;
                self.run_migrations(migrations, v)?;
            }
            Some(_) => {}
        }
        // Create tables added since, so readers never meet a missing one.
        let txn = self.db.begin_write().ctx("begin schema check")?;
        open_all_tables(&txn)?;
        txn.commit().ctx("commit schema")?;
        Ok(())
    }

    /// Runs the migrations after `from`, each in one write transaction that also bumps the
    /// stored version, so an interrupted upgrade resumes at the step that did not commit.
    fn run_migrations(&self, migrations: &[Migration], from: u64) -> Result<()> {
        for (i, m) in migrations.iter().enumerate() {
            let to = i as u64 + 2;
            if to <= from {
                continue;
            }
            tracing::info!("migrating the store to schema {to}: {}", m.what);
            let txn = self.db.begin_write().ctx("begin migration")?;
            open_all_tables(&txn)?;
            (m.run)(&txn).map_err(|e| {
                Error::Storage(format!("migration to schema {to} ({}): {e}", m.what))
            })?;
            txn.open_table(META)
                .ctx("open meta")?
                .insert("schema_version", to.to_be_bytes().as_slice())
                .ctx("write schema version")?;
            txn.commit().ctx("commit migration")?;
        }
        Ok(())
    }
}

fn open_all_tables(txn: &WriteTransaction) -> Result<()> {
    for t in tables::ALL {
        (t.create)(txn).map_err(|e| Error::Storage(format!("create table {}: {e}", t.name)))?;
    }
    Ok(())
}
