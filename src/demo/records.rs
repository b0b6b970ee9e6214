//! The CRM's records of the demo office: companies and contacts, imported by the owner in
//! batches as from an old spreadsheet.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rand::{Rng, rngs::StdRng, seq::IndexedRandom};

use super::{
    Scale,
    names::{
        CITIES, CO_FORMS_EN, CO_FORMS_UA, CO_TAILS, CO_TAILS_EN, CO_WORDS, CO_WORDS_EN, DOMAINS,
        POSITIONS, SOURCES, STREETS, person, phone, pick, slug,
    },
};
use crate::{
    access::User,
    crm::{
        CompanyType, Email, EmailKind, Messenger, MessengerKind, Phone, PhoneKind,
        companies::{self, CompanyInput},
        contacts::{self, ContactInput},
    },
    error::Result,
    store::Store,
};

// Records per write transaction: each commit is an fsync (a few ms on a VM's disk), so an
// import commits every few thousand records rather than every few hundred.
const BATCH: usize = 2_000;

/// The companies, imported by `actor` in batches of [`BATCH`]; returns each one's id and
/// e-mail.
pub(super) fn companies(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    rng: &mut StdRng,
    actor: &User,
    managers: &[User],
    types: &[CompanyType],
) -> Result<Vec<(u64, String)>> {
    let mut company_ids = Vec::with_capacity(scale.companies);
    let mut used_names = HashSet::new();
    let mut made = 0;
    while made < scale.companies {
        let n = BATCH.min(scale.companies - made);
        let inputs: Vec<CompanyInput> = (0..n)
            .map(|i| company(rng, &mut used_names, made + i + 1, types, managers))
            .collect();
        // The owner imports the old spreadsheet: records and history agree on the author.
        let created = store.write(Some(actor.id), now, |tx| {
            companies::create_many(tx, actor, inputs)
        })?;
        company_ids.extend(
            created
                .into_iter()
                .map(|c| (c.id, c.emails[0].value.clone())),
        );
        made += n;
    }
    Ok(company_ids)
}

/// One company (the `number`th): a name not used yet, a phone, an e-mail and a site on its
/// own domain, an address.
fn company(
    rng: &mut StdRng,
    used_names: &mut HashSet<String>,
    number: usize,
    types: &[CompanyType],
    managers: &[User],
) -> CompanyInput {
    let name = company_name(rng, used_names, number);
    let domain = format!("{}.ua", slug(&name.replace(['«', '»'], "")));
    CompanyInput {
        name,
        type_id: types.choose(rng).map(|t| t.id),
        responsible_id: managers.choose(rng).map(|u| u.id),
        phones: vec![Phone {
            value: phone(rng),
            kind: PhoneKind::Work,
        }],
        emails: vec![Email {
            value: format!("info@{domain}"),
            kind: EmailKind::Work,
        }],
        website: format!("https://{domain}"),
        address: format!(
            "{}, {}, {}",
            pick(rng, CITIES),
            pick(rng, STREETS),
            rng.random_range(1..150)
        ),
        notes: String::new(),
        custom: Default::default(),
    }
}

/// A Ukrainian or English company name not in `used_names` (numbered after 20 tries).
fn company_name(rng: &mut StdRng, used_names: &mut HashSet<String>, number: usize) -> String {
    let mut name;
    let mut tries = 0;
    loop {
        name = if rng.random_bool(0.75) {
            let base = pick(rng, CO_WORDS);
            let tail = pick(rng, CO_TAILS);
            let sep = if tail.is_empty() { "" } else { " " };
            format!("{} «{base}{sep}{tail}»", pick(rng, CO_FORMS_UA))
        } else {
            let base = pick(rng, CO_WORDS_EN);
            let tail = pick(rng, CO_TAILS_EN);
            let sep = if tail.is_empty() { "" } else { " " };
            format!("{base}{sep}{tail} {}", pick(rng, CO_FORMS_EN))
        };
        tries += 1;
        if tries > 20 {
            name = format!("{name} {number}");
        }
        if used_names.insert(name.clone()) {
            break;
        }
    }
    name
}

/// The contacts, most of them at one of the companies, imported by `actor` in batches of
/// [`BATCH`].
pub(super) fn contacts(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    rng: &mut StdRng,
    actor: &User,
    managers: &[User],
    company_ids: &[(u64, String)],
) -> Result<()> {
    let mut made = 0;
    while made < scale.contacts {
        let n = BATCH.min(scale.contacts - made);
        let inputs: Vec<ContactInput> = (0..n)
            .map(|_| contact(rng, company_ids, managers))
            .collect();
        store.write(Some(actor.id), now, |tx| {
            contacts::create_many(tx, actor, inputs)
        })?;
        made += n;
    }
    Ok(())
}

/// One contact: a name in one of the three languages, a mobile phone, an e-mail at the
/// company's domain (or a public one), sometimes a Telegram account and a birthday.
fn contact(rng: &mut StdRng, company_ids: &[(u64, String)], managers: &[User]) -> ContactInput {
    let (first, middle, last) = person(rng);
    let company = if rng.random_bool(0.85) {
        company_ids.choose(rng).cloned()
    } else {
        None
    };
    let domain = company
        .as_ref()
        .and_then(|(_, e)| e.split_once('@').map(|(_, d)| d.to_string()))
        .unwrap_or_else(|| pick(rng, DOMAINS).to_string());
    let email = format!("{}.{}@{domain}", slug(&first), slug(&last));
    let mut messengers = Vec::new();
    if rng.random_bool(0.4) {
        messengers.push(Messenger {
            kind: MessengerKind::Telegram,
            value: format!("@{}_{}", slug(&first), slug(&last)),
        });
    }
    ContactInput {
        first_name: first,
        middle_name: middle,
        last_name: last,
        position: pick(rng, POSITIONS).into(),
        company_id: company.map(|(id, _)| id),
        responsible_id: managers.choose(rng).map(|u| u.id),
        phones: vec![Phone {
            value: phone(rng),
            kind: PhoneKind::Mobile,
        }],
        emails: vec![Email {
            value: email,
            kind: EmailKind::Work,
        }],
        messengers,
        birthday: if rng.random_bool(0.3) {
            NaiveDate::from_ymd_opt(
                rng.random_range(1965..2002),
                rng.random_range(1..13),
                rng.random_range(1..29),
            )
        } else {
            None
        },
        source: pick(rng, SOURCES).into(),
        notes: String::new(),
        custom: Default::default(),
    }
}
