//! The registry of archived tables: every record table of `store::tables` appears here once,
//! with a typed export (record → JSON line) and a typed restore (JSON line → record + its
//! index entries). Adding a record type is one line in `registry()`. A test reads
//! `store/tables.rs` and fails when a declared table is neither here nor in `DERIVED`/`EPHEMERAL`,
//! so a new table cannot silently be left out of backups.

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
    store::{self, Record, Tx, tables},
    work::{
        Activity, CalEvent, Comment, FeedItem, IcalFeed, MailSettings, Notification, Reminder, Task,
    },
};

/// Tables archived by their own member, not through the registry.
pub const SPECIAL: &[&str] = &["meta", "history"];

/// Tables rebuilt from the records on restore (secondary indexes), never archived.
pub const DERIVED: &[&str] = &[
    "user_by_login",
    "api_token_by_hash",
    "company_by_name",
    "company_by_updated",
    "company_by_responsible",
    "company_by_type",
    "company_by_phone",
    "company_by_email",
    "contact_by_name",
    "contact_by_updated",
    "contact_by_responsible",
    "contact_by_company",
    "contact_by_phone",
    "contact_by_email",
    "stage_by_pipeline",
    "rate_by_code_date",
    "lead_by_updated",
    "lead_by_title",
    "lead_by_status",
    "lead_by_responsible",
    "lead_by_source",
    "deal_by_updated",
    "deal_by_title",
    "deal_by_pipeline",
    "deal_by_stage",
    "deal_by_responsible",
    "deal_by_company",
    "deal_by_contact",
    "deal_by_source",
    "deal_by_type",
    "deal_stage_by_deal",
    "deal_by_stage_amount",
    "deal_stage_gen",
    "company_name_gen",
    "task_by_responsible",
    "task_by_creator",
    "task_by_participant",
    "task_by_observer",
    "task_by_delegator",
    "task_by_link",
    "task_deadline_watch",
    "activity_by_responsible",
    "activity_by_link",
    "comment_by_target",
    "notification_by_user",
    "notification_unread",
    "reminder_due",
    "reminder_by_target",
    "reminder_by_user",
    "cal_event_by_user",
    "cal_event_by_link",
    "ical_by_secret",
];

/// Tables that are not business data: sessions (everyone signs in again after a restore) and
/// the search outbox (the index is rebuilt).
/// The mail queue too: a restored office must not re-send old e-mails.
pub const EPHEMERAL: &[&str] = &["sessions", "outbox", "mail_queue", "mail_pending"];

type ExportFn =
    Box<dyn Fn(&ReadTransaction, &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<u64> + Send + Sync>;
type LineFn = Box<dyn Fn(&[u8]) -> Result<u64> + Send + Sync>;
type RestoreFn = Box<dyn Fn(&mut Tx, &[u8]) -> Result<u64> + Send + Sync>;

/// One archived record table.
pub struct TableEntry {
    /// The redb table name; the archive member is `tables/<name>.jsonl`.
    pub name: String,
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

    /// Every table declared in tables.rs is archived, rebuilt or deliberately left out.
    #[test]
    fn every_declared_table_is_archived_or_listed_as_derived() {
        let src = include_str!("../store/tables.rs");
        let declared: Vec<&str> = src
            .split("Definition::new(\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(declared.len() > 10, "parsed {declared:?}");
        let reg = registry();
        let archived: Vec<&str> = reg.iter().map(|e| e.name.as_str()).collect();
        for name in &declared {
            let places = [
                archived.contains(name),
                SPECIAL.contains(name),
                DERIVED.contains(name),
                EPHEMERAL.contains(name),
            ];
            assert_eq!(
                places.iter().filter(|p| **p).count(),
                1,
                "table {name:?} must be in exactly one of io::registry::registry() (archived), \
                 SPECIAL, DERIVED (rebuilt on restore) or EPHEMERAL"
            );
        }
        for name in archived
            .iter()
            .chain(DERIVED)
            .chain(EPHEMERAL)
            .chain(SPECIAL)
        {
            let name: &str = name;
            assert!(
                declared.contains(&name),
                "{name} is listed but not declared"
            );
        }
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
