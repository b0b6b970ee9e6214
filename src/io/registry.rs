//! The registry of archived tables: every table of `store::tables::ALL` whose role is `Record`
//! appears here once, with a typed export (record → JSON line) and a typed restore (JSON line →
//! record + its index entries). Adding a record type is one line in `registry()`. Tests fail
//! when a record table or a record kind is left out, so a new one cannot silently be missing
//! from backups.

use redb::{ReadTransaction, ReadableTable};
use serde::Serialize;
use serde_json::Value;

use crate::{
    access::{ApiToken, Department, User},
    crm::{
        Company, CompanyType, Contact,
        custom::FieldDef,
        deals::{Deal, StageMove},
        leads::Lead,
        money::{Currency, Rate},
        pipelines::{LeadStatus, Pipeline, Stage},
        reflists::{DealType, LeadSource},
    },
    error::{Ctx, Error, Result},
    store::{self, Kind, Record, Tx, tables},
    work::{
        Activity, CalEvent, Comment, FeedItem, IcalFeed, MailSettings, Notification, Reminder, Task,
    },
};

/// Record kinds whose table is deliberately not archived (its role is `Ephemeral`): a
/// restored office must not re-send old e-mails. Every other kind has a registry entry.
pub const UNARCHIVED_KINDS: &[Kind] = &[Kind::Mail];

type ExportFn =
    Box<dyn Fn(&ReadTransaction, &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<u64> + Send + Sync>;
type LineFn = Box<dyn Fn(&[u8]) -> Result<u64> + Send + Sync>;
type RestoreFn = Box<dyn Fn(&mut Tx, &[u8]) -> Result<u64> + Send + Sync>;

/// One archived record table.
pub struct TableEntry {
    /// The redb table name; the archive member is `tables/<name>.jsonl`.
    pub name: String,
    /// The kind of its records.
    pub kind: Kind,
    /// Streams every record as one JSON line (`{"id":…,"record":{…}}`), in id order.
    pub export: ExportFn,
    /// Decodes one line without writing (verification); returns the id.
    pub check: LineFn,
    /// Decodes one line and writes the record and its index entries; returns the id.
    pub restore: RestoreFn,
}

impl TableEntry {
    pub fn member(&self) -> String {
        format!("tables/{}.jsonl", self.name)
    }
}

/// Index entries a record keeps outside `Record::index_keys` (written by hand in its area).
type ExtraIndex<R> = fn(&mut Tx, &R) -> Result<()>;

#[derive(Serialize)]
struct LineOut<'a, T> {
    id: u64,
    record: &'a T,
}

#[derive(serde::Deserialize)]
struct LineIn<T> {
    id: u64,
    record: T,
}

/// Encodes one record as its JSON line: keys sorted (through `Value`), so equal records give
/// equal bytes in every backup.
pub fn line_of<R: Record>(r: &R) -> Result<Vec<u8>> {
    let v = serde_json::to_value(LineOut {
        id: r.id(),
        record: r,
    })
    .map_err(|e| Error::Internal(format!("{} {} to JSON: {e}", R::NAME, r.id())))?;
    serde_json::to_vec(&v).map_err(|e| Error::Internal(format!("write JSON: {e}")))
}

fn decode_line<R: Record>(line: &[u8]) -> Result<R> {
    let l: LineIn<Value> = serde_json::from_slice(line)
        .map_err(|e| Error::BadRequest(format!("not a JSON record line: {e}")))?;
    let r: R = serde_json::from_value(l.record)
        .map_err(|e| Error::BadRequest(format!("{} {}: {e}", R::NAME, l.id)))?;
    if r.id() != l.id {
        return Err(Error::BadRequest(format!(
            "{} line id {} differs from the record's id {}",
            R::NAME,
            l.id,
            r.id()
        )));
    }
    if r.id() == 0 {
        return Err(Error::BadRequest(format!("{} with id 0", R::NAME)));
    }
    Ok(r)
}

fn entry<R: Record + 'static>(extra: Option<ExtraIndex<R>>) -> TableEntry {
    TableEntry {
        name: redb::TableHandle::name(&R::TABLE).to_string(),
        kind: R::KIND,
        export: Box::new(|rx, out| {
            let t = rx.open_table(R::TABLE).ctx("open table")?;
            let mut n = 0;
            for row in t.iter().ctx(R::NAME)? {
                let (k, v) = row.ctx(R::NAME)?;
                let r: R = store::codec::decode(v.value(), R::NAME)
                    .map_err(|e| Error::Storage(format!("{} {}: {e}", R::NAME, k.value())))?;
                out(&line_of(&r)?)?;
                n += 1;
            }
            Ok(n)
        }),
        check: Box::new(|line| decode_line::<R>(line).map(|r| r.id())),
        restore: Box::new(move |tx, line| {
            let r = decode_line::<R>(line)?;
            if tx.exists::<R>(r.id())? {
                return Err(Error::BadRequest(format!(
                    "{} {} appears twice",
                    R::NAME,
                    r.id()
                )));
            }
            tx.put_restored(&r)?;
            if let Some(f) = extra {
                f(tx, &r)?;
            }
            Ok(r.id())
        }),
    }
}

/// Every archived record table. Add new record types here (one line each).
pub fn registry() -> Vec<TableEntry> {
    vec![
        entry::<User>(Some(user_by_login)),
        entry::<Department>(None),
        entry::<ApiToken>(Some(api_token_by_hash)),
        entry::<CompanyType>(None),
        entry::<Company>(None),
        entry::<Contact>(None),
        entry::<Pipeline>(None),
        entry::<Stage>(None),
        entry::<LeadStatus>(None),
        entry::<LeadSource>(None),
        entry::<DealType>(None),
        entry::<Currency>(None),
        entry::<Rate>(None),
        entry::<FieldDef>(None),
        entry::<Lead>(None),
        entry::<Deal>(None),
        entry::<StageMove>(None),
        entry::<Task>(None),
        entry::<Activity>(None),
        entry::<Comment>(None),
        entry::<FeedItem>(None),
        entry::<Notification>(None),
        entry::<Reminder>(None),
        entry::<CalEvent>(None),
        entry::<MailSettings>(None),
        entry::<IcalFeed>(None),
    ]
}

fn user_by_login(tx: &mut Tx, u: &User) -> Result<()> {
    let mut t = tx
        .txn
        .open_table(tables::USER_BY_LOGIN)
        .ctx("open user_by_login")?;
    if t.insert(u.login.as_str(), u.id)
        .ctx("write user_by_login")?
        .is_some()
    {
        return Err(Error::BadRequest(format!(
            "login {:?} belongs to two users",
            u.login
        )));
    }
    Ok(())
}

fn api_token_by_hash(tx: &mut Tx, t: &ApiToken) -> Result<()> {
    tx.txn
        .open_table(tables::API_TOKEN_BY_HASH)
        .ctx("open token index")?
        .insert(t.hash.as_slice(), t.id)
        .ctx("write token index")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use strum::VariantArray;
    use tables::Role;

    /// Every record table of `tables::ALL` has exactly one registry entry, and the registry
    /// archives nothing else: a derived index or an ephemeral table in a backup would be
    /// restored twice or restored when it must not be.
    #[test]
    fn the_registry_archives_exactly_the_record_tables() {
        let reg = registry();
        for t in tables::ALL {
            let entries = reg.iter().filter(|e| e.name == t.name).count();
            let want = usize::from(t.role == Role::Record);
            assert_eq!(
                entries, want,
                "table {t:?}: a `Record` table needs one entry in io::registry::registry(); \
                 other roles none"
            );
        }
        for e in &reg {
            assert!(
                tables::find(&e.name).is_some(),
                "{} is archived but not declared",
                e.name
            );
        }
        assert!(reg.len() > 20, "{}", reg.len());
    }

    /// Every record kind is archived (its history lines restore onto records that exist) or
    /// deliberately left out with a table that is ephemeral.
    #[test]
    fn every_record_kind_is_archived_once_or_listed_as_unarchived() {
        let reg = registry();
        for k in Kind::VARIANTS {
            let entries = reg.iter().filter(|e| e.kind == *k).count();
            let skipped = UNARCHIVED_KINDS.contains(k);
            assert_eq!(
                entries + usize::from(skipped),
                1,
                "kind {k:?}: add its record type to registry() or to UNARCHIVED_KINDS"
            );
        }
        assert_eq!(crate::work::Mail::KIND, Kind::Mail);
        let mail = redb::TableHandle::name(&crate::work::Mail::TABLE);
        assert_eq!(tables::find(mail).map(|t| t.role), Some(Role::Ephemeral));
    }

    #[test]
    fn a_line_with_a_wrong_id_or_shape_is_refused() {
        let e = &registry()[3];
        assert_eq!(e.name, "company_types");
        assert!((e.check)(b"{\"id\":1}").is_err());
        assert!((e.check)(b"not json").is_err());
        let ok = br#"{"id":2,"record":{"id":2,"name":"X","labels":{"en":"X","uk":"X","ru":"X"},"sort":1,"archived":false}}"#;
        assert_eq!((e.check)(ok).unwrap(), 2);
        let wrong = br#"{"id":3,"record":{"id":2,"name":"X","labels":{"en":"X","uk":"X","ru":"X"},"sort":1,"archived":false}}"#;
        assert!((e.check)(wrong).is_err());
    }
}
