//! Companies, contacts and their reference lists.

pub mod companies;
pub mod company_types;
pub mod contacts;
pub mod counts;
pub mod custom;
pub mod deals;
pub mod leads;
pub mod listing;
pub mod money;
pub mod pipelines;
pub mod reflists;
pub mod search_docs;

use poem_openapi::{Enum, Object};
use serde::{Deserialize, Serialize};

use crate::{error::Problems, validate};

pub use companies::Company;
pub use company_types::CompanyType;
pub use contacts::Contact;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum PhoneKind {
    #[default]
    Work,
    Mobile,
    Home,
    Fax,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum EmailKind {
    #[default]
    Work,
    Personal,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum MessengerKind {
    #[default]
    Telegram,
    Viber,
    Whatsapp,
    Signal,
    Skype,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Phone {
    pub value: String,
    #[oai(default)]
    pub kind: PhoneKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Email {
    pub value: String,
    #[oai(default)]
    pub kind: EmailKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Messenger {
    #[oai(default)]
    pub kind: MessengerKind,
    pub value: String,
}

const MAX_ITEMS: usize = 20;

fn too_many(p: &mut Problems, field: &str, n: usize) {
    if n > MAX_ITEMS {
        p.add(field, "too_long", format!("at most {MAX_ITEMS} entries"));
    }
}

pub fn check_phones(p: &mut Problems, phones: &[Phone]) -> Vec<Phone> {
    too_many(p, "phones", phones.len());
    phones
        .iter()
        .enumerate()
        .map(|(i, ph)| Phone {
            value: validate::phone(p, &format!("phones[{i}].value"), &ph.value),
            kind: ph.kind,
        })
        .collect()
}

pub fn check_emails(p: &mut Problems, emails: &[Email]) -> Vec<Email> {
    too_many(p, "emails", emails.len());
    emails
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let field = format!("emails[{i}].value");
            if e.value.trim().is_empty() {
                p.add(&field, "required", "is required");
            }
            Email {
                value: validate::email(p, &field, &e.value),
                kind: e.kind,
            }
        })
        .collect()
}

pub fn check_messengers(p: &mut Problems, list: &[Messenger]) -> Vec<Messenger> {
    too_many(p, "messengers", list.len());
    list.iter()
        .enumerate()
        .map(|(i, m)| Messenger {
            kind: m.kind,
            value: validate::required(p, &format!("messengers[{i}].value"), &m.value, 200),
        })
        .collect()
}

/// Stored in the sort indexes: changing it needs a migration that rebuilds them.
/// The sort-index prefix of a name: lowercased, trimmed, and collated so that the
/// Ukrainian and Russian letters outside the basic а–я range sort where the alphabets put
/// them (ґ after г, є and ё after е, і and ї after и), not by code point.
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'ґ' => out.push_str("г\u{FFFF}"),
            'є' => out.push_str("е\u{FFFF}"),
            'ё' => out.push_str("е\u{FFFE}"),
            'і' => out.push_str("и\u{FFFF}"),
            'ї' => out.push_str("и\u{FFFF}\u{FFFF}"),
            // Quotes around a brand name do not decide its place: ТОВ «Ромашка» is "тов ромашка".
            '«' | '»' | '"' | '„' | '“' | '”' | '\'' => {}
            c => out.push(c),
        }
    }
    out
}

/// The stages a deal went through, with the time spent in each, as the reader may see them:
/// the read use case behind `GET /deals/:id/stages` (asks the policy, then reads the log).
/// It belongs beside `deals::stage_log`; it lives here while deals.rs is being split.
pub fn deal_stage_log(
    rx: &redb::ReadTransaction,
    reader: &crate::access::User,
    deal: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::Result<Vec<deals::StageVisit>> {
    crate::access::policy::allow(reader, crate::access::policy::Permission::ReadCrm)?;
    deals::stage_log(rx, deal, now)
}

/// What crm tells the store's event handlers (the feed turns these into its entries), by
/// [`crate::store::Tx::emit`] in the transaction of the change.
pub mod events {
    /// A record was created; `data.count` when the event stands for a batch of that many.
    pub const CREATED: &str = "created";
    /// A deal moved to another stage: `data.from_stage_id`, `data.to_stage_id`.
    pub const STAGE_MOVED: &str = "stage_moved";
    /// A lead became a deal: `data.deal_id`.
    pub const LEAD_CONVERTED: &str = "lead_converted";
}

/// A record was created (one feed entry).
pub(crate) fn created(tx: &mut crate::store::Tx, kind: crate::store::Kind, id: u64) {
    tx.emit(events::CREATED, kind, id, std::collections::BTreeMap::new());
}

/// A batch of new records (an import, the demo office) was created: one event about the first
/// of them, with the count in `data.count`.
pub(crate) fn created_batch(
    tx: &mut crate::store::Tx,
    kind: crate::store::Kind,
    first: u64,
    count: usize,
) {
    let mut data = std::collections::BTreeMap::new();
    data.insert("count".to_string(), count.to_string());
    tx.emit(events::CREATED, kind, first, data);
}

/// Creates many records in one transaction (an import, the demo office) with `one` — the same
/// checks, record, indexes, history and outbox entry per record as a single create — and one
/// feed entry for the batch instead of one per record (a feed that says "imported 2,000
/// deals" once, rather than 2,000 times).
pub(crate) fn create_batch<I, R: crate::store::Record>(
    tx: &mut crate::store::Tx,
    actor: &crate::access::User,
    inputs: Vec<I>,
    one: fn(&mut crate::store::Tx, &crate::access::User, I) -> crate::error::Result<R>,
) -> crate::error::Result<Vec<R>> {
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        out.push(one(tx, actor, input)?);
    }
    if let Some(first) = out.first() {
        created_batch(tx, R::KIND, first.id(), out.len());
    }
    Ok(out)
}

/// What lists and boards keep in memory between requests, each entry valid while a generation
/// stored in redb (and bumped by every writer in the writing transaction) is unchanged.
#[derive(Default)]
pub struct ReadCaches {
    /// Board columns' totals per stage.
    pub stage_totals: deals::TotalsCache,
    /// Company names shown in rows and cards.
    pub company_names: companies::NameCache,
}

/// A new store in a temp folder holding one active admin (id 1), for use-case tests (with the
/// store's event handlers installed, as the app has them).
#[cfg(test)]
pub(crate) use crate::testing::test_store;

/// [`test_store`] with what setup seeds: currencies, reference lists, the default pipeline and
/// lead statuses (at 08:00 on 2026-03-02, the time the rule tests start from).
#[cfg(test)]
pub(crate) fn seeded_test_store() -> (tempfile::TempDir, crate::store::Store, crate::access::User) {
    use chrono::TimeZone;
    let (dir, store, admin) = test_store();
    let at = chrono::Utc
        .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .expect("a time");
    store
        .write(Some(admin.id), at, |tx| {
            money::seed(tx)?;
            reflists::seed_all(tx)?;
            pipelines::seed(tx)
        })
        .expect("seed");
    (dir, store, admin)
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_collate_in_alphabet_order() {
        let mut v = [
            "Їжак",
            "Іван",
            "Йосип",
            "Ігор",
            "Гнат",
            "Ґудзь",
            "Дмитро",
            "Євген",
            "Жанна",
            "Ерік",
            "Adams",
        ];
        v.sort_by_key(|s| name_key(s));
        assert_eq!(
            v,
            [
                "Adams",
                "Гнат",
                "Ґудзь",
                "Дмитро",
                "Ерік",
                "Євген",
                "Жанна",
                "Іван",
                "Ігор",
                "Їжак",
                "Йосип"
            ]
        );
    }
}
