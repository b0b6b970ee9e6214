//! Search documents built from stored records.

use redb::ReadTransaction;

use super::{DocKind, SearchDoc};
use crate::{
    crm::{Company, CompanyType, Contact},
    error::Result,
    store::{self, Kind},
};

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|s| !s.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn company_doc(rx: &ReadTransaction, c: &Company) -> Result<SearchDoc> {
    let type_name = match c.type_id {
        Some(t) => store::get::<CompanyType>(rx, t)?
            .map(|t| t.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let phone = c.phones.first().map(|p| p.value.as_str()).unwrap_or("");
    let email = c.emails.first().map(|e| e.value.as_str()).unwrap_or("");
    Ok(SearchDoc {
        kind: DocKind::Company,
        id: c.id,
        title: c.name.clone(),
        subtitle: join(&[&type_name, phone, email]),
        names: vec![c.name.clone()],
        phones: c.phones.iter().map(|p| p.value.clone()).collect(),
        emails: c.emails.iter().map(|e| e.value.clone()).collect(),
        text: vec![c.website.clone(), c.address.clone()],
        owner_ids: c.responsible_id.into_iter().collect(),
    })
}

pub fn contact_doc(rx: &ReadTransaction, c: &Contact) -> Result<SearchDoc> {
    let company = match c.company_id {
        Some(id) => store::get::<Company>(rx, id)?
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let phone = c.phones.first().map(|p| p.value.as_str()).unwrap_or("");
    Ok(SearchDoc {
        kind: DocKind::Contact,
        id: c.id,
        title: c.full_name(),
        subtitle: join(&[&company, &c.position, phone]),
        names: [&c.first_name, &c.middle_name, &c.last_name]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect(),
        phones: c.phones.iter().map(|p| p.value.clone()).collect(),
        emails: c.emails.iter().map(|e| e.value.clone()).collect(),
        text: vec![company, c.position.clone(), c.source.clone()],
        owner_ids: c.responsible_id.into_iter().collect(),
    })
}

/// The document for a record as it is now, or None when it is gone or not searchable.
pub fn doc_for(rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Option<SearchDoc>> {
    Ok(match kind {
        Kind::Company => match store::get::<Company>(rx, id)? {
            Some(c) => Some(company_doc(rx, &c)?),
            None => None,
        },
        Kind::Contact => match store::get::<Contact>(rx, id)? {
            Some(c) => Some(contact_doc(rx, &c)?),
            None => None,
        },
        _ => None,
    })
}

pub fn doc_kind(kind: Kind) -> Option<DocKind> {
    match kind {
        Kind::Company => Some(DocKind::Company),
        Kind::Contact => Some(DocKind::Contact),
        _ => None,
    }
}
