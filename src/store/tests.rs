//! Tests of the store as a whole: tables, migrations, counted indexes, keys, history, events.

use super::*;
use chrono::Utc;
use redb::{MultimapTableDefinition, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

/// A fresh database has exactly the tables of `tables::ALL`, so a read of a table nobody
/// wrote yet finds it empty instead of failing, and nothing undeclared lingers.
#[test]
fn a_new_database_has_exactly_the_declared_tables() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.redb")).unwrap();
    let mut declared: Vec<&str> = tables::ALL.iter().map(|t| t.name).collect();
    declared.sort_unstable();
    assert_eq!(store.table_names().unwrap(), declared);
    // Every `= "name"` in tables.rs is a declaration in the one list.
    let src = include_str!("tables.rs");
    let written = src.matches("> = \"").count();
    assert_eq!(
        written,
        tables::ALL.len(),
        "a table declared outside `tables!`"
    );
    for (i, t) in tables::ALL.iter().enumerate() {
        assert!(
            tables::ALL[..i].iter().all(|o| o.name != t.name),
            "{} declared twice",
            t.name
        );
        assert_eq!(tables::find(t.name).map(|f| f.role), Some(t.role));
    }
}

/// Schema 2 drops the phone and e-mail indexes that were written and never read; the
/// rest of the store stays as it was.
#[test]
fn the_migration_to_schema_2_drops_the_unread_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.redb");
    let gone = [
        "company_by_phone",
        "company_by_email",
        "contact_by_phone",
        "contact_by_email",
    ];
    {
        let s = Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap();
        let txn = s.db.begin_write().unwrap();
        for name in gone {
            let def: MultimapTableDefinition<&str, u64> = MultimapTableDefinition::new(name);
            txn.open_multimap_table(def)
                .unwrap()
                .insert("380671234567", 1)
                .unwrap();
        }
        txn.open_table(USERS)
            .unwrap()
            .insert(7, [1u8].as_slice())
            .unwrap();
        txn.commit().unwrap();
        assert!(
            s.table_names()
                .unwrap()
                .iter()
                .any(|n| n == "contact_by_phone")
        );
    }
    let s = Store::open_migrating(&path, |_, from, to| {
        assert_eq!((from, to), (1, SCHEMA_VERSION));
        Ok(())
    })
    .unwrap();
    assert_eq!(s.schema_version().unwrap(), Some(SCHEMA_VERSION));
    let names = s.table_names().unwrap();
    for name in gone {
        assert!(!names.iter().any(|n| n == name), "{name} is still there");
    }
    assert_eq!(names.len(), tables::ALL.len());
    let kept = s
        .read(|rx| {
            let t = rx.open_table(USERS).ctx("open")?;
            Ok(t.get(7).ctx("read")?.map(|v| v.value().to_vec()))
        })
        .unwrap();
    assert_eq!(kept, Some(vec![1u8]));
}

#[derive(Serialize, Deserialize)]
struct Counted {
    id: u64,
    group: u64,
    key: String,
}

const THINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("test_things");
const THING_BY_KEY: TableDefinition<&[u8], ()> = TableDefinition::new("test_thing_by_key");
const THING_GEN: TableDefinition<u64, u64> = TableDefinition::new("test_thing_gen");

impl Record for Counted {
    const KIND: Kind = Kind::Task;
    const TABLE: TableDefinition<'static, u64, &'static [u8]> = THINGS;
    const NAME: &'static str = "thing";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::Counted(
            THING_BY_KEY,
            sort_key(&self.key, self.id),
            Generation {
                counters: THING_GEN,
                group: self.group,
            },
        )]
    }
}

/// A counted index entry moves its group's counter on whenever it is added or removed, in
/// the same transaction, and leaves other groups alone; a change that keeps the entry
/// keeps the generation.
#[test]
fn counted_index_entries_move_their_generation_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.redb")).unwrap();
    let now = Utc::now();
    let gens = |store: &Store| {
        store
            .read(|rx| Ok((generation(rx, THING_GEN, 1)?, generation(rx, THING_GEN, 2)?)))
            .unwrap()
    };
    let thing = |id, group, key: &str| Counted {
        id,
        group,
        key: key.into(),
    };
    store
        .write(None, now, |tx| tx.insert(&thing(1, 1, "a")))
        .unwrap();
    assert_eq!(gens(&store), (1, 0));
    store
        .write(None, now, |tx| {
            tx.insert_many(&[thing(2, 1, "b"), thing(3, 2, "c")])
        })
        .unwrap();
    assert_eq!(gens(&store), (2, 1));
    // Same key: no index change, no new generation.
    store
        .write(None, now, |tx| {
            tx.update_quietly(&thing(1, 1, "a"), &thing(1, 1, "a"))
        })
        .unwrap();
    assert_eq!(gens(&store), (2, 1));
    // Moving to another group moves both groups on.
    store
        .write(None, now, |tx| {
            tx.update(&thing(1, 1, "a"), &thing(1, 2, "a2")).map(|_| ())
        })
        .unwrap();
    assert_eq!(gens(&store), (3, 2));
    // A failed transaction moves nothing.
    let err = store.write(None, now, |tx| {
        tx.delete(&thing(3, 2, "c"))?;
        Err::<(), _>(Error::Conflict("no".into()))
    });
    assert!(err.is_err());
    assert_eq!(gens(&store), (3, 2));
    store
        .write(None, now, |tx| tx.delete(&thing(3, 2, "c")))
        .unwrap();
    assert_eq!(gens(&store), (3, 3));
}

#[test]
fn sort_keys_order_by_prefix_then_id() {
    let a = sort_key("abc", 2);
    let b = sort_key("abc", 10);
    let c = sort_key("abd", 1);
    let d = sort_key("ab", 99);
    assert!(d < a && a < b && b < c);
    assert_eq!(id_of_index_key(&b).unwrap(), 10);
}

#[test]
fn sort_key_cuts_on_char_boundary() {
    let long = "ж".repeat(100);
    let k = sort_key(&long, 1);
    assert!(k.len() <= 64 + 9);
    assert!(std::str::from_utf8(&k[..k.len() - 9]).is_ok());
}

#[test]
fn diff_names_changed_fields_only() {
    let old = serde_json::json!({"name":"A","notes":"","phones":[],"updated_at":"x"});
    let new = serde_json::json!({"name":"B","notes":null,"phones":[],"updated_at":"y"});
    let d = diff(&old, &new, &[]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].field, "name");
    assert_eq!(d[0].old, serde_json::json!("A"));
}

fn mark(txn: &WriteTransaction, key: &str) -> Result<()> {
    txn.open_table(META)
        .ctx("open meta")?
        .insert(key, [1u8].as_slice())
        .ctx("write marker")?;
    Ok(())
}

const TWO_STEPS: &[Migration] = &[
    Migration {
        what: "first step",
        run: |txn| mark(txn, "step:2"),
    },
    Migration {
        what: "second step",
        run: |txn| mark(txn, "step:3"),
    },
];

#[test]
fn migrations_run_in_order_after_the_hook_and_bump_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.redb");
    drop(Store::open_with(&path, &[], |_, _, _| panic!("new store migrated")).unwrap());
    let mut called = None;
    let s = Store::open_with(&path, TWO_STEPS, |s, from, to| {
        assert!(
            s.meta_get("step:2")?.is_none(),
            "hook runs before migrating"
        );
        called = Some((from, to));
        Ok(())
    })
    .unwrap();
    assert_eq!(called, Some((1, 3)));
    assert_eq!(s.schema_version().unwrap(), Some(3));
    assert!(s.meta_get("step:2").unwrap().is_some());
    assert!(s.meta_get("step:3").unwrap().is_some());
    drop(s);
    // Up to date: the hook is not called again.
    Store::open_with(&path, TWO_STEPS, |_, _, _| panic!("migrated twice")).unwrap();
    // An older binary refuses the newer store.
    let err = Store::open_with(&path, &[], |_, _, _| Ok(()))
        .err()
        .unwrap();
    assert!(err.to_string().contains("newer Korobka"), "{err}");
}

fn emit_one(tx: &mut Tx) -> Result<()> {
    mark(&tx.txn, "change")?;
    tx.emit("created", Kind::Company, 7, Default::default());
    Ok(())
}

/// Events reach the installed handlers before the commit: what a handler writes lands with
/// the change, a handler's error aborts both, and events with no handler are an error
/// (never dropped silently).
#[test]
fn events_are_handled_in_the_transaction_that_emitted_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.redb")).unwrap();
    let now = Utc::now();
    let err = store.write(Some(3), now, emit_one).unwrap_err();
    assert!(err.to_string().contains("no event handlers"), "{err}");
    assert!(store.meta_get("change").unwrap().is_none());

    fn handle(tx: &mut Tx, events: &[Event]) -> Result<()> {
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!((e.what, e.kind, e.id), ("created", Kind::Company, 7));
        assert_eq!(e.actor, tx.actor);
        if tx.actor == Some(4) {
            return Err(Error::Conflict("handler refused".into()));
        }
        mark(&tx.txn, "handled")
    }
    store.on_events(handle);
    let err = store.write(Some(4), now, emit_one).unwrap_err();
    assert!(err.to_string().contains("handler refused"), "{err}");
    assert!(store.meta_get("change").unwrap().is_none());
    assert!(store.meta_get("handled").unwrap().is_none());
    store.write(Some(3), now, emit_one).unwrap();
    assert!(store.meta_get("change").unwrap().is_some());
    assert!(store.meta_get("handled").unwrap().is_some());
}

#[test]
fn a_failed_hook_or_migration_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.redb");
    drop(Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap());
    let err = Store::open_with(&path, TWO_STEPS, |_, _, _| {
        Err(Error::Storage("backup failed".into()))
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("backup failed"));
    const BROKEN: &[Migration] = &[Migration {
        what: "broken",
        run: |txn| {
            mark(txn, "half")?;
            Err(Error::Storage("boom".into()))
        },
    }];
    let err = Store::open_with(&path, BROKEN, |_, _, _| Ok(()))
        .err()
        .unwrap();
    assert!(err.to_string().contains("broken"), "{err}");
    let s = Store::open_with(&path, &[], |_, _, _| Ok(())).unwrap();
    assert_eq!(s.schema_version().unwrap(), Some(1));
    assert!(s.meta_get("half").unwrap().is_none());
}
