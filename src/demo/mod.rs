//! A realistic small office for the first look and for benchmarks: managers in departments,
//! companies and contacts with Ukrainian, Russian and English names, phones and e-mails.
//! Everything goes through the same use-cases as the API. The same seed gives the same office.

mod names;
mod people;
mod records;
mod sales;
mod work;

use chrono::{DateTime, Utc};
use rand::{SeedableRng, rngs::StdRng};

use crate::{
    crm::CompanyType,
    error::{Error, Result},
    store::{self, Store},
};

pub struct Scale {
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
    pub leads: usize,
    pub seed: u64,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            companies: 300,
            contacts: 700,
            deals: 240,
            leads: 40,
            seed: 42,
        }
    }
}

pub const DEMO_PASSWORD: &str = "korobka-demo";

/// Fills an office whose CRM is still empty. Refuses (Conflict) when companies or contacts exist.
pub fn fill(store: &Store, now: DateTime<Utc>, scale: &Scale) -> Result<String> {
    fill_observed(store, now, scale, &mut |_| {})
}

/// [`fill`], telling `on_phase` when each phase starts ("companies", "contacts", "deals")
/// and when it is done ("done"), so the benchmark can time each kind of record.
pub fn fill_observed(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    on_phase: &mut dyn FnMut(&'static str),
) -> Result<String> {
    refuse_filled(store)?;
    let mut rng = StdRng::seed_from_u64(scale.seed);
    let managers = people::add(store, now)?;
    let types: Vec<CompanyType> = store.read(store::all)?;
    let actor = managers
        .first()
        .cloned()
        .ok_or_else(|| Error::Internal("demo: no users".into()))?;
    on_phase("companies");
    let company_ids = records::companies(store, now, scale, &mut rng, &actor, &managers, &types)?;
    on_phase("contacts");
    records::contacts(store, now, scale, &mut rng, &actor, &managers, &company_ids)?;
    on_phase("deals");
    let (deals_n, leads_n) =
        sales::pipeline(store, now, scale, &mut rng, &actor, &managers, &company_ids)?;
    on_phase("work");
    work::work(store, now, &managers, &company_ids)?;
    on_phase("done");
    Ok(format!(
        "demo office ready: {} companies, {} contacts, {deals_n} deals in 3 pipelines, {leads_n} leads, users admin/owner/olena/taras/ekaterina/john with password {DEMO_PASSWORD:?} (change them!)",
        scale.companies, scale.contacts
    ))
}

/// The demo fills only an office whose CRM is still empty: a Conflict when companies or
/// contacts exist.
fn refuse_filled(store: &Store) -> Result<()> {
    let (companies_n, contacts_n) = store.read(|rx| {
        Ok((
            store::count::<crate::crm::Company>(rx)?,
            store::count::<crate::crm::Contact>(rx)?,
        ))
    })?;
    if companies_n + contacts_n > 0 {
        return Err(Error::Conflict(format!(
            "the data folder already holds {companies_n} companies and {contacts_n} contacts"
        )));
    }
    Ok(())
}
