//! Leads: a first contact not yet qualified. Conversion turns one into a deal and, as chosen,
//! a new or an existing contact and company — all in one transaction — and the lead keeps
//! links to what it became.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Company, Contact, Email, EmailKind, Phone, PhoneKind,
    companies::{self, CompanyInput},
    contacts::{self, ContactInput},
    custom::{self, Entity, Values},
    deals::{self, Deal, DealInput},
    listing::{self, Page, SortBy, SortIndexes},
    money::{self, Money, parse_amount},
    name_key,
    pipelines::{LeadStatus, LeadStatusKind, lead_statuses_tx},
    reflists::{self, LeadSource},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    search::{DocKind, Hit},
    store::{self, IndexKey, Kind, Record, Tx, sort_key, tables, time_key},
    validate,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Conversion {
    pub deal_id: u64,
    pub contact_id: Option<u64>,
    pub company_id: Option<u64>,
    pub at: DateTime<Utc>,
    pub by: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Lead {
    pub id: u64,
    pub title: String,
    /// The person's name as typed.
    pub person_name: String,
    /// The company's name as typed.
    pub company_name: String,
    pub phone: String,
    pub email: String,
    pub source_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub amount: Option<Money>,
    pub currency: String,
    pub status_id: u64,
    pub comments: String,
    #[serde(default)]
    pub custom: Values,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<u64>,
    pub updated_by: Option<u64>,
    pub converted: Option<Conversion>,
}

impl Record for Lead {
    const KIND: Kind = Kind::Lead;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::LEADS;
    const NAME: &'static str = "lead";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![
            IndexKey::Sorted(tables::LEAD_BY_UPDATED, time_key(self.updated_at, self.id)),
            IndexKey::Sorted(tables::LEAD_BY_TITLE, title_sort(self)),
            IndexKey::ById(tables::LEAD_BY_STATUS, self.status_id),
        ];
        if let Some(r) = self.responsible_id {
            k.push(IndexKey::ById(tables::LEAD_BY_RESPONSIBLE, r));
        }
        if let Some(s) = self.source_id {
            k.push(IndexKey::ById(tables::LEAD_BY_SOURCE, s));
        }
        k
    }
}

fn title_sort(l: &Lead) -> Vec<u8> {
    sort_key(&name_key(&l.title), l.id)
}

fn updated_sort(l: &Lead) -> Vec<u8> {
    time_key(l.updated_at, l.id)
}

pub const SORT: SortIndexes<Lead> = SortIndexes {
    by_name: tables::LEAD_BY_TITLE,
    by_updated: tables::LEAD_BY_UPDATED,
    name_key: title_sort,
    updated_key: updated_sort,
};

#[derive(Debug, Clone, Object)]
pub struct LeadInput {
    #[oai(default)]
    pub title: String,
    #[oai(default)]
    pub person_name: String,
    #[oai(default)]
    pub company_name: String,
    #[oai(default)]
    pub phone: String,
    #[oai(default)]
    pub email: String,
    pub source_id: Option<u64>,
    pub responsible_id: Option<u64>,
    #[oai(default)]
    pub amount: String,
    #[oai(default)]
    pub currency: String,
    pub status_id: Option<u64>,
    #[oai(default)]
    pub comments: String,
    #[oai(default)]
    pub custom: Values,
}

fn check(tx: &Tx, input: &LeadInput, old: Option<&Lead>) -> Result<Lead> {
    let mut p = Problems::default();
    let title = validate::required(&mut p, "title", &input.title, 300);
    let person_name = validate::optional(&mut p, "person_name", &input.person_name, 300);
    let company_name = validate::optional(&mut p, "company_name", &input.company_name, 300);
    let phone = if input.phone.trim().is_empty() {
        String::new()
    } else {
        validate::phone(&mut p, "phone", &input.phone)
    };
    let email = validate::email(&mut p, "email", &input.email);
    reflists::check_ref::<LeadSource>(
        tx,
        &mut p,
        "source_id",
        input.source_id,
        old.and_then(|o| o.source_id),
    )?;
    if let Some(u) = input.responsible_id
        && !tx.exists::<User>(u)?
    {
        p.add("responsible_id", "not_found", "no such user");
    }
    let amount = parse_amount(&mut p, "amount", &input.amount).map(Money::new);
    let currency = money::check_currency(
        tx,
        &mut p,
        "currency",
        &input.currency,
        old.map(|o| o.currency.as_str()),
    )?;
    let statuses = lead_statuses_tx(tx)?;
    let status_id = match input.status_id {
        Some(s)
            if statuses
                .iter()
                .any(|x| x.id == s && x.kind == LeadStatusKind::Converted)
                && old.is_none_or(|o| o.converted.is_none() && o.status_id != s) =>
        {
            p.add(
                "status_id",
                "invalid_value",
                "a lead becomes converted by converting it",
            );
            0
        }
        Some(s) if statuses.iter().any(|x| x.id == s) => s,
        Some(_) => {
            p.add("status_id", "not_found", "no such lead status");
            0
        }
        None => match old {
            Some(o) => o.status_id,
            None => statuses
                .iter()
                .find(|s| s.kind == LeadStatusKind::Open)
                .map(|s| s.id)
                .unwrap_or(0),
        },
    };
    let comments = validate::optional(&mut p, "comments", &input.comments, 20_000);
    let custom = custom::check_values(
        tx,
        &mut p,
        Entity::Lead,
        None,
        &input.custom,
        old.map(|o| &o.custom),
    )?;
    p.finish()?;
    let now = tx.now;
    Ok(Lead {
        id: old.map(|o| o.id).unwrap_or(0),
        title,
        person_name,
        company_name,
        phone,
        email,
        source_id: input.source_id,
        // A new lead without a responsible person belongs to whoever entered it.
        responsible_id: if old.is_none() {
            input.responsible_id.or(tx.actor)
        } else {
            input.responsible_id
        },
        amount,
        currency,
        status_id,
        comments,
        custom,
        created_at: old.map(|o| o.created_at).unwrap_or(now),
        updated_at: now,
        created_by: old.map(|o| o.created_by).unwrap_or(tx.actor),
        updated_by: tx.actor,
        converted: old.and_then(|o| o.converted.clone()),
    })
}

pub fn create(tx: &mut Tx, actor: &User, input: LeadInput) -> Result<Lead> {
    let l = create_quietly(tx, actor, input)?;
    super::created(tx, Kind::Lead, l.id);
    Ok(l)
}

/// Creates many leads in one transaction with one feed entry ([`super::create_batch`]).
pub fn create_many(tx: &mut Tx, actor: &User, inputs: Vec<LeadInput>) -> Result<Vec<Lead>> {
    super::create_batch(tx, actor, inputs, create_quietly)
}

/// [`create`] without its feed entry.
fn create_quietly(tx: &mut Tx, actor: &User, input: LeadInput) -> Result<Lead> {
    allow(actor, Permission::WriteCrm)?;
    let mut l = check(tx, &input, None)?;
    l.id = tx.next_id("leads")?;
    tx.insert(&l)?;
    Ok(l)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: LeadInput) -> Result<Lead> {
    allow(actor, Permission::WriteCrm)?;
    let old: Lead = tx.must(id)?;
    let new = check(tx, &input, Some(&old))?;
    if !tx.update(&old, &new)? {
        return Ok(old);
    }
    Ok(new)
}

pub fn set_status(tx: &mut Tx, actor: &User, id: u64, status_id: u64) -> Result<Lead> {
    allow(actor, Permission::WriteCrm)?;
    let old: Lead = tx.must(id)?;
    let new = Lead {
        status_id,
        updated_at: tx.now,
        updated_by: Some(actor.id),
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::WriteCrm)?;
    let old: Lead = tx.must(id)?;
    tx.delete(&old)
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64) -> Result<Lead> {
    allow(actor, Permission::ReadCrm)?;
    store::get::<Lead>(rx, id)?.ok_or(Error::NotFound("lead"))
}

pub struct Filter {
    pub status_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub source_id: Option<u64>,
    pub custom: Vec<(u64, String)>,
}

pub fn list(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    sort: SortBy,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Lead>> {
    allow(actor, Permission::ReadCrm)?;
    let by = |def, v: Option<u64>| v.map(|v| store::ids_by(rx, def, v)).transpose();
    let mut only = listing::intersect(vec![
        by(tables::LEAD_BY_STATUS, f.status_id)?,
        by(tables::LEAD_BY_RESPONSIBLE, f.responsible_id)?,
        by(tables::LEAD_BY_SOURCE, f.source_id)?,
    ]);
    only = custom::narrow::<Lead>(rx, only, &f.custom, |l| &l.custom)?;
    listing::page(rx, &SORT, sort, cursor, limit, only)
}

pub fn count_open(rx: &ReadTransaction) -> Result<u64> {
    let statuses: Vec<LeadStatus> = store::all(rx)?;
    let mut n = 0;
    for s in statuses.iter().filter(|s| s.kind == LeadStatusKind::Open) {
        n += store::ids_by(rx, tables::LEAD_BY_STATUS, s.id)?.len() as u64;
    }
    Ok(n)
}

#[derive(Debug, Clone, Object)]
pub struct Duplicate {
    pub id: u64,
    pub title: String,
    pub subtitle: String,
    /// Why it looks like the same one: phone, email, name.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Object)]
pub struct Duplicates {
    pub contacts: Vec<Duplicate>,
    pub companies: Vec<Duplicate>,
}

/// Finds records whose words match a query, best first: the search index answers it (see
/// `app`), so the duplicate check asks for candidates without holding the index.
pub trait Lookup {
    fn lookup(&self, q: &str, kinds: &[DocKind], limit: usize) -> Result<Vec<Hit>>;
}

/// Existing contacts and companies that look like the lead's person and company.
pub fn duplicates(
    rx: &ReadTransaction,
    index: &dyn Lookup,
    actor: &User,
    id: u64,
) -> Result<Duplicates> {
    let lead = get(rx, actor, id)?;
    let mut out = Duplicates {
        contacts: Vec::new(),
        companies: Vec::new(),
    };
    let phone_key = validate::phone::key(&lead.phone);
    let email = lead.email.trim().to_lowercase();
    let mut queries: Vec<(String, &str)> = Vec::new();
    if phone_key.len() >= validate::phone::MIN_DIGITS {
        queries.push((phone_key, "phone"));
    }
    if !email.is_empty() {
        queries.push((email.clone(), "email"));
    }
    if !lead.person_name.trim().is_empty() {
        queries.push((lead.person_name.clone(), "name"));
    }
    if !lead.company_name.trim().is_empty() {
        queries.push((lead.company_name.clone(), "name"));
    }
    for (q, why) in queries {
        for hit in index.lookup(&q, &[DocKind::Contact, DocKind::Company], 10)? {
            // Confirm against the stored record: the index may match loosely.
            let (list, reason) = match hit.kind {
                DocKind::Contact => {
                    let Some(c) = store::get::<Contact>(rx, hit.id)? else {
                        continue;
                    };
                    let ok = match why {
                        "phone" => c
                            .phones
                            .iter()
                            .any(|p| validate::phone::same(&p.value, &lead.phone)),
                        "email" => c.emails.iter().any(|e| e.value.to_lowercase() == email),
                        _ => !lead.person_name.trim().is_empty(),
                    };
                    if !ok {
                        continue;
                    }
                    (&mut out.contacts, why)
                }
                DocKind::Company => {
                    let Some(c) = store::get::<Company>(rx, hit.id)? else {
                        continue;
                    };
                    let ok = match why {
                        "phone" => c
                            .phones
                            .iter()
                            .any(|p| validate::phone::same(&p.value, &lead.phone)),
                        "email" => c.emails.iter().any(|e| e.value.to_lowercase() == email),
                        _ => !lead.company_name.trim().is_empty(),
                    };
                    if !ok {
                        continue;
                    }
                    (&mut out.companies, why)
                }
                _ => continue,
            };
            match list.iter_mut().find(|d| d.id == hit.id) {
                Some(d) => {
                    if !d.reasons.iter().any(|r| r == reason) {
                        d.reasons.push(reason.to_string());
                    }
                }
                None => list.push(Duplicate {
                    id: hit.id,
                    title: hit.title,
                    subtitle: hit.subtitle,
                    reasons: vec![reason.to_string()],
                }),
            }
        }
    }
    // Strongest evidence first: more reasons, then phone/e-mail over name.
    for list in [&mut out.contacts, &mut out.companies] {
        list.sort_by_key(|d| {
            (
                std::cmp::Reverse(d.reasons.len()),
                !d.reasons.iter().any(|r| r != "name"),
            )
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
#[oai(rename_all = "lowercase")]
pub enum LinkAction {
    Create,
    Link,
    #[default]
    None,
}

#[derive(Debug, Clone, Object)]
pub struct LinkChoice {
    #[oai(default)]
    pub action: LinkAction,
    pub id: Option<u64>,
}

#[derive(Debug, Clone, Object)]
pub struct ConvertInput {
    pub pipeline_id: Option<u64>,
    pub stage_id: Option<u64>,
    pub deal_title: Option<String>,
    pub contact: Option<LinkChoice>,
    pub company: Option<LinkChoice>,
    /// Custom field values of the new deal (required deal fields must be filled here).
    #[oai(default)]
    pub custom: Values,
}

pub struct Converted {
    pub deal: Deal,
    pub contact_id: Option<u64>,
    pub company_id: Option<u64>,
    pub lead: Lead,
}

fn split_name(full: &str) -> (String, String) {
    let mut parts = full.split_whitespace();
    let first = parts.next().unwrap_or("").to_string();
    let rest: Vec<&str> = parts.collect();
    (first, rest.join(" "))
}

/// Converts a lead into a deal (+ contact and company as chosen), in one transaction.
pub fn convert(tx: &mut Tx, actor: &User, id: u64, input: ConvertInput) -> Result<Converted> {
    allow(actor, Permission::WriteCrm)?;
    let lead: Lead = tx.must(id)?;
    if lead.converted.is_some() {
        return Err(Error::Conflict("this lead is already converted".into()));
    }
    let company_choice = input.company.unwrap_or(LinkChoice {
        action: LinkAction::None,
        id: None,
    });
    let contact_choice = input.contact.unwrap_or(LinkChoice {
        action: LinkAction::None,
        id: None,
    });
    let company_id = match company_choice.action {
        LinkAction::None => None,
        LinkAction::Link => {
            let cid = company_choice.id.ok_or_else(|| {
                Error::field("company.id", "required", "choose the company to link")
            })?;
            if !tx.exists::<Company>(cid)? {
                return Err(Error::field("company.id", "not_found", "no such company"));
            }
            Some(cid)
        }
        LinkAction::Create => {
            let name = if lead.company_name.trim().is_empty() {
                return Err(Error::field(
                    "company.action",
                    "invalid_value",
                    "the lead has no company name to create a company from",
                ));
            } else {
                lead.company_name.clone()
            };
            let c = companies::create(
                tx,
                actor,
                CompanyInput {
                    name,
                    type_id: None,
                    responsible_id: lead.responsible_id,
                    phones: Vec::new(),
                    emails: Vec::new(),
                    website: String::new(),
                    address: String::new(),
                    notes: String::new(),
                    custom: Values::new(),
                },
            )
            .map_err(|e| prefix(e, "company"))?;
            Some(c.id)
        }
    };
    let contact_id = match contact_choice.action {
        LinkAction::None => None,
        LinkAction::Link => {
            let cid = contact_choice.id.ok_or_else(|| {
                Error::field("contact.id", "required", "choose the contact to link")
            })?;
            if !tx.exists::<Contact>(cid)? {
                return Err(Error::field("contact.id", "not_found", "no such contact"));
            }
            Some(cid)
        }
        LinkAction::Create => {
            let (first, last) = split_name(if lead.person_name.trim().is_empty() {
                &lead.title
            } else {
                &lead.person_name
            });
            let c = contacts::create(
                tx,
                actor,
                ContactInput {
                    first_name: first,
                    middle_name: String::new(),
                    last_name: last,
                    position: String::new(),
                    company_id,
                    responsible_id: lead.responsible_id,
                    phones: if lead.phone.is_empty() {
                        Vec::new()
                    } else {
                        vec![Phone {
                            value: lead.phone.clone(),
                            kind: PhoneKind::Mobile,
                        }]
                    },
                    emails: if lead.email.is_empty() {
                        Vec::new()
                    } else {
                        vec![Email {
                            value: lead.email.clone(),
                            kind: EmailKind::Work,
                        }]
                    },
                    messengers: Vec::new(),
                    birthday: None,
                    source: String::new(),
                    notes: String::new(),
                    custom: Values::new(),
                },
            )
            .map_err(|e| prefix(e, "contact"))?;
            Some(c.id)
        }
    };
    let deal = deals::create_from_lead(
        tx,
        actor,
        DealInput {
            title: input
                .deal_title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| lead.title.clone()),
            pipeline_id: input.pipeline_id,
            stage_id: input.stage_id,
            amount: lead.amount.map(|a| a.0.to_string()).unwrap_or_default(),
            currency: lead.currency.clone(),
            company_id,
            contact_ids: contact_id.into_iter().collect(),
            customer_side_id: None,
            responsible_id: lead.responsible_id.or(Some(actor.id)),
            observer_ids: Vec::new(),
            expected_close: None,
            probability: None,
            source_id: lead.source_id,
            type_id: None,
            custom: input.custom,
        },
        lead.id,
    )
    .map_err(|e| prefix(e, "deal"))?;
    let converted_status = lead_statuses_tx(tx)?
        .into_iter()
        .find(|s| s.kind == LeadStatusKind::Converted)
        .map(|s| s.id)
        .unwrap_or(lead.status_id);
    let new = Lead {
        status_id: converted_status,
        converted: Some(Conversion {
            deal_id: deal.id,
            contact_id,
            company_id,
            at: tx.now,
            by: Some(actor.id),
        }),
        updated_at: tx.now,
        updated_by: Some(actor.id),
        ..lead.clone()
    };
    tx.update(&lead, &new)?;
    let mut data = std::collections::BTreeMap::new();
    data.insert("deal_id".to_string(), deal.id.to_string());
    tx.emit(super::events::LEAD_CONVERTED, Kind::Lead, id, data);
    Ok(Converted {
        deal,
        contact_id,
        company_id,
        lead: new,
    })
}

// What the API answers to a conversion: the new deal as a list row (amount in the base
// currency at the rate of `today`), the contact and company it was linked to, the lead.
// (A plain comment: a doc comment would change the committed schema's description.)
#[derive(Debug, Clone, Object)]
pub struct ConvertResult {
    pub deal: deals::DealRow,
    pub contact_id: Option<u64>,
    pub company_id: Option<u64>,
    pub lead: Lead,
}

/// Converts a lead (see [`convert`]) and answers from the same transaction: the deal row is
/// priced on `today`, the caller's day.
pub fn convert_answer(
    tx: &mut Tx,
    actor: &User,
    id: u64,
    input: ConvertInput,
    today: NaiveDate,
) -> Result<ConvertResult> {
    let c = convert(tx, actor, id, input)?;
    let conv = money::Converter::new(&tx.txn_read_view()?, today)?;
    Ok(ConvertResult {
        deal: deals::row(&conv, c.deal),
        contact_id: c.contact_id,
        company_id: c.company_id,
        lead: c.lead,
    })
}

/// Names the part of a conversion a validation error belongs to (`deal.custom.3`).
fn prefix(e: Error, part: &str) -> Error {
    match e {
        Error::Validation(mut f) => {
            for x in &mut f {
                x.field = format!("{part}.{}", x.field);
            }
            Error::Validation(f)
        }
        e => e,
    }
}

#[cfg(test)]
#[path = "leads_tests.rs"]
mod rule_tests;
