//! Companies: decode → load → authorise → validate → apply → store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    CompanyType, Email, Phone, check_emails, check_phones,
    custom::{Entity, Values, check_values},
    listing::{self, Page, SortBy, SortIndexes},
    name_key,
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Ctx, Problems, Result},
    store::{self, Generation, IndexKey, Kind, Record, Tx, codec, sort_key, tables, time_key},
    validate,
};

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Company {
    pub id: u64,
    pub name: String,
    pub type_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub website: String,
    pub address: String,
    pub notes: String,
    #[serde(default)]
    pub custom: Values,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<u64>,
    pub updated_by: Option<u64>,
    /// How many contacts work here (computed when read, not stored).
    #[serde(skip)]
    #[oai(default)]
    pub contact_count: u64,
}

impl Record for Company {
    const KIND: Kind = Kind::Company;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::COMPANIES;
    const NAME: &'static str = "company";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![
            IndexKey::Counted(tables::COMPANY_BY_NAME, name_sort(self), NAME_GENERATION),
            IndexKey::Sorted(
                tables::COMPANY_BY_UPDATED,
                time_key(self.updated_at, self.id),
            ),
        ];
        if let Some(r) = self.responsible_id {
            k.push(IndexKey::ById(tables::COMPANY_BY_RESPONSIBLE, r));
        }
        if let Some(t) = self.type_id {
            k.push(IndexKey::ById(tables::COMPANY_BY_TYPE, t));
        }
        k
    }
}

/// Every change of `company_by_name` (a company created, renamed or deleted) moves this one
/// counter on, so names read in one generation hold until the next ([`NameCache`]).
const NAME_GENERATION: Generation = Generation {
    counters: tables::COMPANY_NAME_GEN,
    group: 0,
};

/// The generation of the company names in this snapshot (see [`NAME_GENERATION`]).
pub fn name_generation(rx: &ReadTransaction) -> Result<u64> {
    store::generation(rx, NAME_GENERATION.counters, NAME_GENERATION.group)
}

fn name_sort(c: &Company) -> Vec<u8> {
    sort_key(&name_key(&c.name), c.id)
}

fn updated_sort(c: &Company) -> Vec<u8> {
    time_key(c.updated_at, c.id)
}

pub const SORT: SortIndexes<Company> = SortIndexes {
    by_name: tables::COMPANY_BY_NAME,
    by_updated: tables::COMPANY_BY_UPDATED,
    name_key: name_sort,
    updated_key: updated_sort,
};

#[derive(Debug, Clone, Default, Object)]
pub struct CompanyInput {
    #[oai(default)]
    pub name: String,
    pub type_id: Option<u64>,
    pub responsible_id: Option<u64>,
    #[oai(default)]
    pub phones: Vec<Phone>,
    #[oai(default)]
    pub emails: Vec<Email>,
    #[oai(default)]
    pub website: String,
    #[oai(default)]
    pub address: String,
    #[oai(default)]
    pub notes: String,
    #[oai(default)]
    pub custom: Values,
}

struct Checked {
    name: String,
    phones: Vec<Phone>,
    emails: Vec<Email>,
    website: String,
    address: String,
    notes: String,
    custom: Values,
}

fn check(tx: &Tx, input: &CompanyInput, old: Option<&Company>) -> Result<Checked> {
    let mut p = Problems::default();
    let c = Checked {
        name: validate::required(&mut p, "name", &input.name, 300),
        phones: check_phones(&mut p, &input.phones),
        emails: check_emails(&mut p, &input.emails),
        website: validate::url(&mut p, "website", &input.website),
        address: validate::optional(&mut p, "address", &input.address, 1000),
        notes: validate::optional(&mut p, "notes", &input.notes, 20_000),
        custom: Values::new(),
    };
    let mut c = c;
    c.custom = check_values(
        tx,
        &mut p,
        Entity::Company,
        None,
        &input.custom,
        old.map(|o| &o.custom),
    )?;
    if let Some(t) = input.type_id
        && !tx.exists::<CompanyType>(t)?
    {
        p.add("type_id", "not_found", "no such company type");
    }
    if let Some(u) = input.responsible_id
        && !tx.exists::<User>(u)?
    {
        p.add("responsible_id", "not_found", "no such user");
    }
    p.finish()?;
    Ok(c)
}

pub fn create(tx: &mut Tx, actor: &User, input: CompanyInput) -> Result<Company> {
    let company = create_quietly(tx, actor, input)?;
    super::created(tx, Kind::Company, company.id);
    Ok(company)
}

/// Creates many companies in one transaction with one feed entry ([`super::create_batch`]).
pub fn create_many(tx: &mut Tx, actor: &User, inputs: Vec<CompanyInput>) -> Result<Vec<Company>> {
    super::create_batch(tx, actor, inputs, create_quietly)
}

/// [`create`] without its feed entry.
fn create_quietly(tx: &mut Tx, actor: &User, input: CompanyInput) -> Result<Company> {
    allow(actor, Permission::WriteCrm)?;
    let c = check(tx, &input, None)?;
    let company = Company {
        id: tx.next_id("companies")?,
        name: c.name,
        type_id: input.type_id,
        responsible_id: input.responsible_id,
        phones: c.phones,
        emails: c.emails,
        website: c.website,
        address: c.address,
        notes: c.notes,
        custom: c.custom,
        created_at: tx.now,
        updated_at: tx.now,
        created_by: Some(actor.id),
        updated_by: Some(actor.id),
        contact_count: 0,
    };
    tx.insert(&company)?;
    Ok(company)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: CompanyInput) -> Result<Company> {
    allow(actor, Permission::WriteCrm)?;
    let old: Company = tx.must(id)?;
    let c = check(tx, &input, Some(&old))?;
    let mut new = Company {
        name: c.name,
        type_id: input.type_id,
        responsible_id: input.responsible_id,
        phones: c.phones,
        emails: c.emails,
        website: c.website,
        address: c.address,
        notes: c.notes,
        custom: c.custom,
        updated_at: tx.now,
        updated_by: Some(actor.id),
        ..old.clone()
    };
    if !tx.update(&old, &new)? {
        return Ok(old);
    }
    if old.name != new.name {
        // Contacts are found by their company's name: refresh their search entries.
        for cid in tx.ids_by(tables::CONTACT_BY_COMPANY, id)? {
            tx.outbox(Kind::Contact, cid)?;
        }
        for did in tx.ids_by(tables::DEAL_BY_COMPANY, id)? {
            tx.outbox(Kind::Deal, did)?;
        }
    }
    new.contact_count = tx.ids_by(tables::CONTACT_BY_COMPANY, id)?.len() as u64;
    Ok(new)
}

/// Deletes a company; its contacts stay, unlinked (each unlink is in their history).
pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::WriteCrm)?;
    let old: Company = tx.must(id)?;
    for cid in tx.ids_by(tables::CONTACT_BY_COMPANY, id)? {
        let contact: super::Contact = tx.must(cid)?;
        let new = super::Contact {
            company_id: None,
            updated_at: tx.now,
            updated_by: Some(actor.id),
            ..contact.clone()
        };
        tx.update(&contact, &new)?;
    }
    // Deals keep their history; they just lose the link.
    for did in tx.ids_by(tables::DEAL_BY_COMPANY, id)? {
        let deal: super::deals::Deal = tx.must(did)?;
        let new = super::deals::Deal {
            company_id: None,
            updated_at: tx.now,
            updated_by: Some(actor.id),
            ..deal.clone()
        };
        tx.update(&deal, &new)?;
    }
    tx.delete(&old)
}

fn with_count(rx: &ReadTransaction, mut c: Company) -> Result<Company> {
    c.contact_count = store::ids_by(rx, tables::CONTACT_BY_COMPANY, c.id)?.len() as u64;
    Ok(c)
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64) -> Result<Company> {
    allow(actor, Permission::ReadCrm)?;
    let c = store::get::<Company>(rx, id)?.ok_or(crate::error::Error::NotFound("company"))?;
    with_count(rx, c)
}

pub struct Filter {
    pub custom: Vec<(u64, String)>,
    pub responsible_id: Option<u64>,
    pub type_id: Option<u64>,
}

pub fn list(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Company>> {
    allow(actor, Permission::ReadCrm)?;
    let only = listing::intersect(vec![
        f.responsible_id
            .map(|r| store::ids_by(rx, tables::COMPANY_BY_RESPONSIBLE, r))
            .transpose()?,
        f.type_id
            .map(|t| store::ids_by(rx, tables::COMPANY_BY_TYPE, t))
            .transpose()?,
    ]);
    let only = super::custom::narrow::<Company>(rx, only, &f.custom, |r| &r.custom)?;
    let mut page = listing::page(rx, &SORT, sort, cursor, limit, only)?;
    page.items = page
        .items
        .into_iter()
        .map(|c| with_count(rx, c))
        .collect::<Result<_>>()?;
    Ok(page)
}

/// Company names kept between requests (every row of the contact list shows one): valid
/// while the company name index does not change — `tables::COMPANY_NAME_GEN` counts its
/// changes, in the writing transaction, so a rename by any process is seen — and dropped whole
/// when it does. At most [`NAME_CACHE_MAX`] names.
#[derive(Default)]
pub struct NameCache(Mutex<CachedNames>);

#[derive(Default)]
struct CachedNames {
    generation: u64,
    names: HashMap<u64, Option<Arc<str>>>,
}

/// Most names a [`NameCache`] keeps (then it starts over).
const NAME_CACHE_MAX: usize = 50_000;

impl NameCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CachedNames> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Company names by id in one snapshot, each company read once (and only its name decoded),
/// through a [`NameCache`] when given one: for lists and boards that show the company of each
/// row.
pub struct CompanyNames<'c> {
    table: redb::ReadOnlyTable<u64, &'static [u8]>,
    generation: u64,
    cache: Option<&'c NameCache>,
    known: HashMap<u64, Option<Arc<str>>>,
}

impl<'c> CompanyNames<'c> {
    pub fn new(rx: &ReadTransaction, cache: Option<&'c NameCache>) -> Result<Self> {
        Ok(CompanyNames {
            table: rx.open_table(tables::COMPANIES).ctx("open companies")?,
            generation: name_generation(rx)?,
            cache,
            known: HashMap::new(),
        })
    }

    /// The name of the company `id` (None: no company, or it no longer exists).
    pub fn of(&mut self, id: Option<u64>) -> Result<Option<Arc<str>>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.known.get(&id) {
            return Ok(known.clone());
        }
        if let Some(cache) = self.cache {
            let mut shared = cache.lock();
            if shared.generation < self.generation {
                shared.generation = self.generation;
                shared.names.clear();
            }
            if shared.generation == self.generation
                && let Some(name) = shared.names.get(&id)
            {
                return Ok(name.clone());
            }
        }
        #[derive(Deserialize)]
        struct Name<'a> {
            name: &'a str,
        }
        let name: Option<Arc<str>> = match self.table.get(id).ctx("company")? {
            Some(v) => Some(
                codec::decode_borrowed::<Name>(v.value(), "company")?
                    .name
                    .into(),
            ),
            None => None,
        };
        self.known.insert(id, name.clone());
        if let Some(cache) = self.cache {
            let mut shared = cache.lock();
            // A snapshot older than the cache's generation must not put its names there.
            if shared.generation == self.generation {
                if shared.names.len() >= NAME_CACHE_MAX {
                    shared.names.clear();
                }
                shared.names.insert(id, name.clone());
            }
        }
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn input(name: &str, notes: &str) -> CompanyInput {
        CompanyInput {
            name: name.into(),
            notes: notes.into(),
            ..Default::default()
        }
    }

    /// Cached names follow renames and deletions (any writer moves the generation), survive
    /// other changes, and a snapshot from before a rename neither sees the new name nor puts
    /// its old one back into the cache.
    #[test]
    fn cached_names_follow_renames() {
        let (_dir, store, admin) = super::super::test_store();
        let now = chrono::Utc::now();
        let id = store
            .write(Some(1), now, |tx| create(tx, &admin, input("Acme", "")))
            .expect("create")
            .id;
        let cache = NameCache::default();
        let name = |rx: &ReadTransaction| -> Option<String> {
            let mut names = CompanyNames::new(rx, Some(&cache)).expect("names");
            names.of(Some(id)).expect("name").map(|n| n.to_string())
        };
        let generation = |store: &Store| store.read(name_generation).expect("gen");
        assert_eq!(
            store.read(|rx| Ok(name(rx))).expect("read"),
            Some("Acme".into())
        );
        let before = generation(&store);

        store
            .write(Some(1), now, |tx| {
                update(tx, &admin, id, input("Acme", "notes"))
            })
            .expect("notes");
        assert_eq!(
            generation(&store),
            before,
            "a change of notes keeps the names"
        );

        // A snapshot taken before the rename, read after it.
        let old_name = store
            .read(|old| {
                store.write(Some(1), now, |tx| {
                    update(tx, &admin, id, input("Acme Media", ""))
                })?;
                Ok(name(old))
            })
            .expect("rename");
        assert!(generation(&store) > before);
        assert_eq!(
            old_name,
            Some("Acme".into()),
            "the old snapshot reads its own"
        );
        assert_eq!(
            store.read(|rx| Ok(name(rx))).expect("read"),
            Some("Acme Media".into()),
            "and did not put it back"
        );
        let old_name = store
            .read(|old| {
                let fresh = store.read(|rx| Ok(name(rx)))?;
                store.write(Some(1), now, |tx| {
                    update(tx, &admin, id, input("Acme Group", ""))
                })?;
                let fresh_after = store.read(|rx| Ok(name(rx)))?;
                Ok((fresh, name(old), fresh_after))
            })
            .expect("rename");
        assert_eq!(
            old_name,
            (
                Some("Acme Media".into()),
                Some("Acme Media".into()),
                Some("Acme Group".into())
            )
        );

        store
            .write(Some(1), now, |tx| delete(tx, &admin, id))
            .expect("delete");
        assert_eq!(store.read(|rx| Ok(name(rx))).expect("read"), None);
    }
}
