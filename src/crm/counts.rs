//! The counters that stand in the navigation: companies, contacts, open leads, open deals.

use poem_openapi::Object;
use redb::ReadTransaction;

use super::{Company, Contact, deals, leads};
use crate::{error::Result, store};

#[derive(Debug, Clone, Object)]
pub struct Counts {
    pub companies: u64,
    pub contacts: u64,
    /// Open leads.
    pub leads: u64,
    /// Open deals.
    pub deals: u64,
}

/// Counters for the navigation (every signed-in user sees them).
pub fn counts(rx: &ReadTransaction) -> Result<Counts> {
    Ok(Counts {
        companies: store::count::<Company>(rx)?,
        contacts: store::count::<Contact>(rx)?,
        leads: leads::count_open(rx)?,
        deals: deals::count_open(rx)?,
    })
}
