//! Contacts: people, usually at a company.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Company, Email, Messenger, Phone, check_emails, check_messengers, check_phones,
    companies::CompanyNames,
    custom::{Entity, Values, check_values},
    listing::{self, Page, SortBy, SortIndexes},
    name_key,
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, sort_key, tables, time_key},
    validate,
};

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Contact {
    pub id: u64,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub position: String,
    pub company_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub messengers: Vec<Messenger>,
    pub birthday: Option<NaiveDate>,
    pub source: String,
    pub notes: String,
    #[serde(default)]
    pub custom: Values,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<u64>,
    pub updated_by: Option<u64>,
}

impl Contact {
    /// "First Middle Last", skipping empty parts.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.last_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Record for Contact {
    const KIND: Kind = Kind::Contact;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::CONTACTS;
    const NAME: &'static str = "contact";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![
            IndexKey::Sorted(tables::CONTACT_BY_NAME, name_sort(self)),
            IndexKey::Sorted(
                tables::CONTACT_BY_UPDATED,
                time_key(self.updated_at, self.id),
            ),
        ];
        if let Some(r) = self.responsible_id {
            k.push(IndexKey::ById(tables::CONTACT_BY_RESPONSIBLE, r));
        }
        if let Some(c) = self.company_id {
            k.push(IndexKey::ById(tables::CONTACT_BY_COMPANY, c));
        }
        k
    }
}

/// Contacts sort by last name, then first name.
fn name_sort(c: &Contact) -> Vec<u8> {
    sort_key(
        &name_key(&format!(
            "{} {} {}",
            c.last_name, c.first_name, c.middle_name
        )),
        c.id,
    )
}

fn updated_sort(c: &Contact) -> Vec<u8> {
    time_key(c.updated_at, c.id)
}

pub const SORT: SortIndexes<Contact> = SortIndexes {
    by_name: tables::CONTACT_BY_NAME,
    by_updated: tables::CONTACT_BY_UPDATED,
    name_key: name_sort,
    updated_key: updated_sort,
};

#[derive(Debug, Clone, Object)]
pub struct ContactInput {
    #[oai(default)]
    pub first_name: String,
    #[oai(default)]
    pub middle_name: String,
    #[oai(default)]
    pub last_name: String,
    #[oai(default)]
    pub position: String,
    pub company_id: Option<u64>,
    pub responsible_id: Option<u64>,
    #[oai(default)]
    pub phones: Vec<Phone>,
    #[oai(default)]
    pub emails: Vec<Email>,
    #[oai(default)]
    pub messengers: Vec<Messenger>,
    pub birthday: Option<NaiveDate>,
    #[oai(default)]
    pub source: String,
    #[oai(default)]
    pub notes: String,
    #[oai(default)]
    pub custom: Values,
}

fn check(
    tx: &Tx,
    input: &ContactInput,
    now: DateTime<Utc>,
    old: Option<&Contact>,
) -> Result<Contact> {
    let mut p = Problems::default();
    let first_name = validate::optional(&mut p, "first_name", &input.first_name, 100);
    let middle_name = validate::optional(&mut p, "middle_name", &input.middle_name, 100);
    let last_name = validate::optional(&mut p, "last_name", &input.last_name, 100);
    if first_name.is_empty() && last_name.is_empty() {
        p.add(
            "first_name",
            "required",
            "a first or a last name is required",
        );
        p.add(
            "last_name",
            "required",
            "a first or a last name is required",
        );
    }
    let c = Contact {
        id: 0,
        first_name,
        middle_name,
        last_name,
        position: validate::optional(&mut p, "position", &input.position, 200),
        company_id: input.company_id,
        responsible_id: input.responsible_id,
        phones: check_phones(&mut p, &input.phones),
        emails: check_emails(&mut p, &input.emails),
        messengers: check_messengers(&mut p, &input.messengers),
        birthday: input.birthday,
        source: validate::optional(&mut p, "source", &input.source, 200),
        notes: validate::optional(&mut p, "notes", &input.notes, 20_000),
        custom: Values::new(),
        created_at: now,
        updated_at: now,
        created_by: None,
        updated_by: None,
    };
    let mut c = c;
    c.custom = check_values(
        tx,
        &mut p,
        Entity::Contact,
        None,
        &input.custom,
        old.map(|o| &o.custom),
    )?;
    if let Some(b) = c.birthday
        && (b > now.date_naive() || b.year_ce().1 < 1900)
    {
        p.add("birthday", "invalid_value", "is not a plausible birthday");
    }
    if let Some(id) = input.company_id
        && !tx.exists::<Company>(id)?
    {
        p.add("company_id", "not_found", "no such company");
    }
    if let Some(u) = input.responsible_id
        && !tx.exists::<User>(u)?
    {
        p.add("responsible_id", "not_found", "no such user");
    }
    p.finish()?;
    Ok(c)
}

use chrono::Datelike;

pub fn create(tx: &mut Tx, actor: &User, input: ContactInput) -> Result<Contact> {
    let c = create_quietly(tx, actor, input)?;
    super::created(tx, Kind::Contact, c.id);
    Ok(c)
}

/// Creates many contacts in one transaction (an import, the demo office): the same checks,
/// record, indexes, history and outbox entry per record as [`create`], and one feed entry for
/// the batch instead of one per record (a feed that says "imported 2,000 contacts" once, rather
/// than 2,000 times).
pub fn create_many(tx: &mut Tx, actor: &User, inputs: Vec<ContactInput>) -> Result<Vec<Contact>> {
    allow(actor, Permission::WriteCrm)?;
    // Nothing in a contact's checks depends on the other new contacts, so all are checked
    // first and then stored together (each table opened once).
    let mut out = Vec::with_capacity(inputs.len());
    for input in &inputs {
        out.push(check(tx, input, tx.now, None)?);
    }
    let first_id = tx.next_ids("contacts", out.len() as u64)?;
    for (id, c) in (first_id..).zip(out.iter_mut()) {
        c.id = id;
        c.created_by = Some(actor.id);
        c.updated_by = Some(actor.id);
    }
    tx.insert_many(&out)?;
    if let Some(first) = out.first() {
        super::created_batch(tx, Kind::Contact, first.id, out.len());
    }
    Ok(out)
}

/// [`create`] without its feed entry.
fn create_quietly(tx: &mut Tx, actor: &User, input: ContactInput) -> Result<Contact> {
    allow(actor, Permission::WriteCrm)?;
    let mut c = check(tx, &input, tx.now, None)?;
    c.id = tx.next_id("contacts")?;
    c.created_by = Some(actor.id);
    c.updated_by = Some(actor.id);
    tx.insert(&c)?;
    Ok(c)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: ContactInput) -> Result<Contact> {
    allow(actor, Permission::WriteCrm)?;
    let old: Contact = tx.must(id)?;
    let checked = check(tx, &input, tx.now, Some(&old))?;
    let new = Contact {
        id,
        created_at: old.created_at,
        created_by: old.created_by,
        updated_by: Some(actor.id),
        ..checked
    };
    if !tx.update(&old, &new)? {
        return Ok(old);
    }
    if old.full_name() != new.full_name() {
        // Deals are found by their contacts' names.
        for did in tx.ids_by(tables::DEAL_BY_CONTACT, id)? {
            tx.outbox(Kind::Deal, did)?;
        }
    }
    Ok(new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::WriteCrm)?;
    let old: Contact = tx.must(id)?;
    for did in tx.ids_by(tables::DEAL_BY_CONTACT, id)? {
        let deal: super::deals::Deal = tx.must(did)?;
        let new = super::deals::Deal {
            contact_ids: deal
                .contact_ids
                .iter()
                .copied()
                .filter(|c| *c != id)
                .collect(),
            customer_side_id: deal.customer_side_id.filter(|c| *c != id),
            updated_at: tx.now,
            updated_by: Some(actor.id),
            ..deal.clone()
        };
        tx.update(&deal, &new)?;
    }
    tx.delete(&old)
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64) -> Result<Contact> {
    allow(actor, Permission::ReadCrm)?;
    store::get::<Contact>(rx, id)?.ok_or(Error::NotFound("contact"))
}

pub struct Filter {
    pub custom: Vec<(u64, String)>,
    pub responsible_id: Option<u64>,
    pub company_id: Option<u64>,
}

pub fn list(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Contact>> {
    allow(actor, Permission::ReadCrm)?;
    let only = filtered_ids(rx, f)?;
    listing::page(rx, &SORT, sort, cursor, limit, only)
}

/// The people of a company the reader may see, by name (404 for an unknown company).
pub fn of_company(rx: &ReadTransaction, actor: &User, company_id: u64) -> Result<Vec<Contact>> {
    super::companies::get(rx, actor, company_id)?;
    let page = list(
        rx,
        actor,
        &Filter {
            custom: Vec::new(),
            responsible_id: None,
            company_id: Some(company_id),
        },
        SortBy::Name,
        None,
        listing::MAX_LIMIT,
    )?;
    Ok(page.items)
}

/// The ids the filters allow (None: no filter).
fn filtered_ids(rx: &ReadTransaction, f: &Filter) -> Result<Option<Vec<u64>>> {
    let only = listing::intersect(vec![
        f.responsible_id
            .map(|r| store::ids_by(rx, tables::CONTACT_BY_RESPONSIBLE, r))
            .transpose()?,
        f.company_id
            .map(|c| store::ids_by(rx, tables::CONTACT_BY_COMPANY, c))
            .transpose()?,
    ]);
    super::custom::narrow::<Contact>(rx, only, &f.custom, |r| &r.custom)
}

/// One page of the contact list as JSON, `{"items":[row..],"next_cursor","total"}`, a row
/// being what the list shows: names, position, company id and name, responsible, the first
/// phone and e-mail, custom values, times (the API's `ContactRow`). Each row is written
/// straight from the stored record, decoding only those fields and borrowing their text; a
/// page of whole contacts built as poem-openapi values cost three times /health.
pub fn list_json(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
    caches: &super::ReadCaches,
) -> Result<Vec<u8>> {
    allow(actor, Permission::ReadCrm)?;
    let only = filtered_ids(rx, f)?;
    let page = listing::page_raw(rx, &SORT, sort, cursor, limit, only)?;
    let stored = page
        .items
        .iter()
        .map(|bytes| store::codec::decode_borrowed::<Stored>(bytes, "contact"))
        .collect::<Result<Vec<_>>>()?;
    let mut names = CompanyNames::new(rx, Some(&caches.company_names))?;
    let companies = stored
        .iter()
        .map(|c| names.of(c.company_id))
        .collect::<Result<Vec<_>>>()?;
    let items: Vec<RowOut> = stored
        .iter()
        .zip(&companies)
        .map(|(c, company)| RowOut {
            id: c.id,
            first_name: c.first_name,
            middle_name: c.middle_name,
            last_name: c.last_name,
            position: c.position,
            company_id: c.company_id,
            company_name: company.as_deref(),
            responsible_id: c.responsible_id,
            phone: c.phones.first().map(|p| p.value),
            email: c.emails.first().map(|e| e.value),
            custom: &c.custom,
            created_at: Time(c.created_at),
            updated_at: Time(c.updated_at),
        })
        .collect();
    let mut out = Vec::with_capacity(page.items.iter().map(Vec::len).sum::<usize>() + 256);
    serde_json::to_writer(
        &mut out,
        &PageOut {
            items,
            next_cursor: page.next_cursor,
            total: page.total,
        },
    )
    .map_err(|e| Error::Internal(format!("writing the contact list: {e}")))?;
    Ok(out)
}

/// A page of the contact list.
// Its JSON is written by [`list_json`] (answered as `RawJson`); the test
// `same_json_both_ways` keeps it equal to what this type would be written as.
#[derive(Object)]
pub struct ContactPage {
    pub items: Vec<ContactRow>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// A contact as the list shows it: names, position, company (with its name), responsible, the
/// first phone and e-mail, custom field values and times. The whole contact is
/// `GET /contacts/{id}`.
#[derive(Object)]
pub struct ContactRow {
    pub id: u64,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub position: String,
    pub company_id: Option<u64>,
    /// The company's name (null without a company).
    pub company_name: Option<String>,
    pub responsible_id: Option<u64>,
    /// The first phone, as typed.
    pub phone: Option<String>,
    /// The first e-mail.
    pub email: Option<String>,
    /// Custom field values by field id.
    pub custom: crate::crm::custom::Values,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
impl ContactRow {
    fn new(c: Contact, company_name: Option<String>) -> Self {
        ContactRow {
            id: c.id,
            phone: c.phones.into_iter().next().map(|p| p.value),
            email: c.emails.into_iter().next().map(|e| e.value),
            first_name: c.first_name,
            middle_name: c.middle_name,
            last_name: c.last_name,
            position: c.position,
            company_id: c.company_id,
            company_name,
            responsible_id: c.responsible_id,
            custom: c.custom,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// The fields of a stored contact that a list row shows, borrowed from the stored bytes.
#[derive(Deserialize)]
struct Stored<'a> {
    id: u64,
    first_name: &'a str,
    middle_name: &'a str,
    last_name: &'a str,
    position: &'a str,
    company_id: Option<u64>,
    responsible_id: Option<u64>,
    #[serde(borrow)]
    phones: Vec<Channel<'a>>,
    #[serde(borrow)]
    emails: Vec<Channel<'a>>,
    #[serde(default)]
    custom: Values,
    created_at: &'a str,
    updated_at: &'a str,
}

#[derive(Deserialize)]
struct Channel<'a> {
    value: &'a str,
}

#[derive(Serialize)]
struct PageOut<'a> {
    items: Vec<RowOut<'a>>,
    next_cursor: Option<String>,
    total: u64,
}

#[derive(Serialize)]
struct RowOut<'a> {
    id: u64,
    first_name: &'a str,
    middle_name: &'a str,
    last_name: &'a str,
    position: &'a str,
    company_id: Option<u64>,
    company_name: Option<&'a str>,
    responsible_id: Option<u64>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    custom: &'a Values,
    created_at: Time<'a>,
    updated_at: Time<'a>,
}

/// A stored time (chrono writes `…Z`) as the API writes times everywhere else
/// (`DateTime::to_rfc3339`: the same digits with `+00:00`).
struct Time<'a>(&'a str);

impl Serialize for Time<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0.strip_suffix('Z') {
            Some(base) => s.collect_str(&format_args!("{base}+00:00")),
            None => s.serialize_str(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use redb::{ReadableMultimapTable, ReadableTable};

    use super::*;
    use crate::{
        access::Role,
        crm::{PhoneKind, companies, companies::CompanyInput},
        store::Store,
    };

    fn input(i: usize, company: Option<u64>) -> ContactInput {
        ContactInput {
            first_name: ["Олена", "Тарас", "Emily"][i % 3].into(),
            middle_name: String::new(),
            last_name: format!("Шевченко {i}"),
            position: "Директор".into(),
            company_id: company,
            responsible_id: Some(1),
            phones: vec![Phone {
                value: format!("+38 (067) 123-45-{:02}", i % 100),
                kind: PhoneKind::Mobile,
            }],
            emails: vec![Email {
                value: format!("olena{i}@example.com"),
                kind: super::super::EmailKind::Work,
            }],
            messengers: vec![],
            birthday: None,
            source: String::new(),
            notes: String::new(),
            custom: Default::default(),
        }
    }

    /// Everything a contact's creation writes, read back from the store.
    fn written(store: &Store) -> Vec<String> {
        store
            .read(|rx| {
                let mut out = Vec::new();
                for row in rx.open_table(tables::CONTACTS).unwrap().iter().unwrap() {
                    let (k, v) = row.unwrap();
                    out.push(format!("contact {} {:?}", k.value(), v.value()));
                }
                for row in rx.open_table(tables::HISTORY).unwrap().iter().unwrap() {
                    let (k, v) = row.unwrap();
                    out.push(format!("history {:?} {:?}", k.value(), v.value()));
                }
                for row in rx.open_table(tables::OUTBOX).unwrap().iter().unwrap() {
                    let (k, v) = row.unwrap();
                    out.push(format!("outbox {} {:?}", k.value(), v.value()));
                }
                for t in [tables::CONTACT_BY_NAME, tables::CONTACT_BY_UPDATED] {
                    for row in rx.open_table(t).unwrap().iter().unwrap() {
                        out.push(format!("{} {:?}", t, row.unwrap().0.value()));
                    }
                }
                for t in [tables::CONTACT_BY_RESPONSIBLE, tables::CONTACT_BY_COMPANY] {
                    for row in rx.open_multimap_table(t).unwrap().iter().unwrap() {
                        let (k, vs) = row.unwrap();
                        for v in vs {
                            out.push(format!("{} {} {}", t, k.value(), v.unwrap().value()));
                        }
                    }
                }
                let meta = rx.open_table(tables::META).unwrap();
                for key in ["history_seq", "outbox_seq", "id_seq:contacts"] {
                    out.push(format!(
                        "{key} {:?}",
                        meta.get(key).unwrap().map(|v| v.value().to_vec())
                    ));
                }
                Ok(out)
            })
            .unwrap()
    }

    /// A batch writes exactly what creating its contacts one by one writes (but the feed entry).
    #[test]
    fn create_many_writes_what_one_by_one_writes() {
        let now = chrono::Utc::now();
        let admin = User {
            id: 1,
            role: Role::Admin,
            active: true,
            ..User::default()
        };
        let stores: Vec<(tempfile::TempDir, Store)> = (0..2)
            .map(|_| {
                let dir = tempfile::tempdir().unwrap();
                let store = crate::testing::open_store(&dir.path().join("db.redb"));
                store
                    .write(Some(1), now, |tx| {
                        tx.put_quietly(&admin)?;
                        companies::create(
                            tx,
                            &admin,
                            CompanyInput {
                                name: "ТОВ «Ромашка»".into(),
                                ..Default::default()
                            },
                        )
                    })
                    .unwrap();
                (dir, store)
            })
            .collect();
        let inputs = || (0..30).map(|i| input(i, (i % 2 == 0).then_some(1)));
        one_by_one(&stores[0].1, now, &admin, inputs().collect());
        let made = stores[1]
            .1
            .write(Some(1), now, |tx| {
                create_many(tx, &admin, inputs().collect())
            })
            .unwrap();
        assert_eq!(made.len(), 30);
        assert_eq!(written(&stores[0].1), written(&stores[1].1));
        // A bad record stops the whole batch.
        let mut bad: Vec<ContactInput> = inputs().collect();
        bad[7].first_name.clear();
        bad[7].last_name.clear();
        assert!(
            stores[1]
                .1
                .write(Some(1), now, |tx| create_many(tx, &admin, bad))
                .is_err()
        );
        assert_eq!(written(&stores[0].1), written(&stores[1].1));
    }

    fn one_by_one(store: &Store, now: DateTime<Utc>, admin: &User, inputs: Vec<ContactInput>) {
        store
            .write(Some(1), now, |tx| {
                for i in inputs {
                    create_quietly(tx, admin, i)?;
                }
                Ok(())
            })
            .unwrap();
    }

    /// What `contacts::list_json` writes for a page is what poem-openapi's `Json<ContactPage>`
    /// would write for the same contacts (names, nulls, times as "+00:00" with and without
    /// fractions, custom values, company names), filtered and not.
    #[test]
    fn same_json_both_ways() {
        use chrono::TimeZone;
        use poem_openapi::types::ToJSON;
        let (_dir, store, admin) = super::super::test_store();
        let at = Utc
            .with_ymd_and_hms(2026, 11, 29, 15, 6, 40)
            .single()
            .expect("a time");
        for (i, now) in [
            at,
            at + chrono::Duration::nanoseconds(123_456_789),
            at + chrono::Duration::milliseconds(5),
        ]
        .into_iter()
        .enumerate()
        {
            store
                .write(Some(1), now, |tx| {
                    if i == 0 {
                        crate::crm::custom::create(
                            tx,
                            &admin,
                            crate::crm::custom::FieldInput {
                                entity: crate::crm::custom::Entity::Contact,
                                name: "Free".into(),
                                labels: Default::default(),
                                kind: crate::crm::custom::FieldKind::Boolean,
                                required: false,
                                default: None,
                                sort: 0,
                                show_in_list: true,
                                filterable: true,
                                options: vec![],
                                pipeline_ids: vec![],
                                archived: None,
                            },
                        )?;
                    }
                    let company = companies::create(
                        tx,
                        &admin,
                        CompanyInput {
                            name: format!("ТОВ «Ромашка» \"{i}\""),
                            ..Default::default()
                        },
                    )?;
                    create(
                        tx,
                        &admin,
                        ContactInput {
                            first_name: "Олена".into(),
                            middle_name: if i == 1 {
                                "Петрівна".into()
                            } else {
                                String::new()
                            },
                            last_name: format!("Шевченко {i}"),
                            position: "Менеджер\tз продажу".into(),
                            company_id: (i != 2).then_some(company.id),
                            responsible_id: (i != 0).then_some(1),
                            phones: (0..i)
                                .map(|n| Phone {
                                    value: format!("+38 (067) 123-45-6{n}"),
                                    kind: Default::default(),
                                })
                                .collect(),
                            emails: (0..i)
                                .map(|n| Email {
                                    value: format!("olena{n}@romashka.ua"),
                                    kind: Default::default(),
                                })
                                .collect(),
                            messengers: vec![],
                            birthday: None,
                            source: "сайт".into(),
                            notes: "не в списку".into(),
                            custom: if i == 1 {
                                [("1".to_string(), serde_json::json!(true))].into()
                            } else {
                                Default::default()
                            },
                        },
                    )
                })
                .expect("write");
        }
        let filters = [
            Filter {
                custom: vec![],
                responsible_id: None,
                company_id: None,
            },
            Filter {
                custom: vec![],
                responsible_id: Some(1),
                company_id: None,
            },
        ];
        let cache = super::super::ReadCaches::default();
        for f in &filters {
            for (sort, limit) in [(SortBy::Name, 50), (SortBy::CreatedDesc, 2)] {
                let (raw, expected) = store
                    .read(|rx| {
                        let raw = list_json(rx, &admin, f, sort, None, limit, &cache)?;
                        let page = list(rx, &admin, f, sort, None, limit)?;
                        let mut names = companies::CompanyNames::new(rx, None)?;
                        let items = page
                            .items
                            .into_iter()
                            .map(|c| {
                                let company = names.of(c.company_id)?;
                                Ok(ContactRow::new(c, company.map(|n| n.to_string())))
                            })
                            .collect::<crate::error::Result<Vec<_>>>()?;
                        Ok((
                            raw,
                            ContactPage {
                                items,
                                next_cursor: page.next_cursor,
                                total: page.total,
                            },
                        ))
                    })
                    .expect("read");
                let written: serde_json::Value = serde_json::from_slice(&raw).expect("JSON");
                let rows = written["items"].as_array().expect("items");
                assert!(rows.iter().any(|r| r["custom"]["1"] == true), "{written}");
                assert!(
                    rows.iter().any(|r| r["company_name"].is_null()),
                    "{written}"
                );
                assert!(
                    rows.iter().any(|r| r["company_name"].is_string()),
                    "{written}"
                );
                assert_eq!(Some(written), expected.to_json(), "{sort:?}, {limit}");
            }
        }
    }
}
