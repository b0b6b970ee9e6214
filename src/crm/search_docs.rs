//! What crm tells search: the search documents of companies, contacts, leads and deals, built
//! from the stored records. Search knows no crm type; it asks [`DOCUMENTS`] through the
//! [`Documents`] interface it declares.

use redb::ReadTransaction;

use super::{Company, CompanyType, Contact, deals::Deal, leads::Lead, pipelines::Stage};
use crate::{
    error::Result,
    search::{DocKind, Documents, SearchDoc},
    store::{self, Kind, Record},
};

/// The documents of crm's searchable records; hand it to the indexer.
pub static DOCUMENTS: CrmDocuments = CrmDocuments;

pub struct CrmDocuments;

impl Documents for CrmDocuments {
    fn doc(&self, rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Option<SearchDoc>> {
        doc_for(rx, kind, id)
    }

    fn each(
        &self,
        rx: &ReadTransaction,
        sink: &mut dyn FnMut(SearchDoc) -> Result<()>,
    ) -> Result<()> {
        each_of::<Company>(rx, sink, company_doc)?;
        each_of::<Contact>(rx, sink, contact_doc)?;
        each_of::<Lead>(rx, sink, |_, l| Ok(lead_doc(l)))?;
        each_of::<Deal>(rx, sink, deal_doc)
    }
}

/// Every record of one type, as documents, into `sink`.
fn each_of<R: Record>(
    rx: &ReadTransaction,
    sink: &mut dyn FnMut(SearchDoc) -> Result<()>,
    doc: fn(&ReadTransaction, &R) -> Result<SearchDoc>,
) -> Result<()> {
    for r in store::iter::<R>(rx)? {
        sink(doc(rx, &r?)?)?;
    }
    Ok(())
}

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

pub fn lead_doc(l: &Lead) -> SearchDoc {
    let amount = l
        .amount
        .map(|a| format!("{} {}", a.0, l.currency))
        .unwrap_or_default();
    SearchDoc {
        kind: DocKind::Lead,
        id: l.id,
        title: l.title.clone(),
        subtitle: join(&[&l.person_name, &l.company_name, &l.phone, &amount]),
        names: [&l.person_name, &l.company_name]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect(),
        phones: if l.phone.is_empty() {
            vec![]
        } else {
            vec![l.phone.clone()]
        },
        emails: if l.email.is_empty() {
            vec![]
        } else {
            vec![l.email.clone()]
        },
        text: vec![l.title.clone(), amount],
        owner_ids: l.responsible_id.into_iter().collect(),
    }
}

pub fn deal_doc(rx: &ReadTransaction, d: &Deal) -> Result<SearchDoc> {
    let company = match d.company_id {
        Some(id) => store::get::<Company>(rx, id)?
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut contacts = Vec::new();
    for id in d.contact_ids.iter().chain(d.customer_side_id.iter()) {
        if let Some(c) = store::get::<Contact>(rx, *id)? {
            contacts.push(c.full_name());
        }
    }
    let stage = store::get::<Stage>(rx, d.stage_id)?
        .map(|s| s.name)
        .unwrap_or_default();
    let amount = format!("{} {}", d.amount.0, d.currency);
    let mut names = vec![company.clone()];
    names.extend(contacts.iter().cloned());
    names.retain(|n| !n.is_empty());
    Ok(SearchDoc {
        kind: DocKind::Deal,
        id: d.id,
        title: d.title.clone(),
        subtitle: join(&[&stage, &amount, &company]),
        names,
        phones: vec![],
        emails: vec![],
        text: vec![d.title.clone(), amount, d.amount.0.trunc().to_string()],
        owner_ids: d.responsible_id.into_iter().collect(),
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
        Kind::Lead => store::get::<Lead>(rx, id)?.map(|l| lead_doc(&l)),
        Kind::Deal => match store::get::<Deal>(rx, id)? {
            Some(d) => Some(deal_doc(rx, &d)?),
            None => None,
        },
        _ => None,
    })
}
