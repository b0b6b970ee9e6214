//! `korobka check`: is the store readable and consistent, and does the search index hold
//! exactly what the store says?

use std::path::Path;

use redb::{ReadTransaction, ReadableTable};

use crate::{
    access::{ApiToken, Department, User, auth},
    crm::{
        Company, CompanyType, Contact,
        custom::FieldDef,
        deals::Deal,
        leads::Lead,
        money::{Currency, Rate},
        pipelines::{LeadStatus, Pipeline, Stage},
        reflists::{DealType, LeadSource},
    },
    error::{Ctx, Result},
    search::DocKind,
    store::{self, IndexKey, Record, Store, tables},
};

#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub problems: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Every record decodes, and every index entry it implies is present.
fn check_records<R: Record>(rx: &ReadTransaction, rep: &mut Report) -> Result<Vec<R>> {
    let mut out = Vec::new();
    let t = rx.open_table(R::TABLE).ctx("open table")?;
    for row in t.iter().ctx("read table")? {
        let (k, v) = row.ctx("read table")?;
        match store::codec::decode::<R>(v.value(), R::NAME) {
            Ok(r) => out.push(r),
            Err(e) => rep.problems.push(format!("{} {}: {e}", R::NAME, k.value())),
        }
    }
    for r in &out {
        for key in r.index_keys() {
            let present = match &key {
                IndexKey::Sorted(def, k) | IndexKey::Counted(def, k, _) => rx
                    .open_table(*def)
                    .ctx("open index")?
                    .get(k.as_slice())
                    .ctx("read index")?
                    .is_some(),
                IndexKey::ById(def, k) => store::ids_by(rx, *def, *k)?.contains(&r.id()),
                IndexKey::ByStr(def, k) => store::ids_by_str(rx, *def, k)?.contains(&r.id()),
            };
            if !present {
                rep.problems.push(format!(
                    "{} {}: index entry missing ({key:?})",
                    R::NAME,
                    r.id()
                ));
            }
        }
    }
    rep.lines
        .push(format!("{:<14} {:>8} records", R::NAME, out.len()));
    Ok(out)
}

/// Sort indexes hold one entry per record and nothing else.
fn check_sort_index(
    rx: &ReadTransaction,
    def: redb::TableDefinition<'static, &'static [u8], ()>,
    records: usize,
    name: &str,
    rep: &mut Report,
) -> Result<()> {
    let n =
        redb::ReadableTableMetadata::len(&rx.open_table(def).ctx("open index")?).ctx("count")?;
    if n as usize != records {
        rep.problems
            .push(format!("index {name}: {n} entries for {records} records"));
    }
    Ok(())
}

pub fn run(data_dir: &Path) -> Result<Report> {
    let mut rep = Report::default();
    let store = Store::open(&crate::paths::db(data_dir))?;
    let (pending, outbox_seq, searchable) = store.read(|rx| {
        check_records::<User>(rx, &mut rep)?;
        check_records::<Department>(rx, &mut rep)?;
        check_records::<ApiToken>(rx, &mut rep)?;
        check_records::<CompanyType>(rx, &mut rep)?;
        check_records::<Pipeline>(rx, &mut rep)?;
        check_records::<Stage>(rx, &mut rep)?;
        check_records::<LeadStatus>(rx, &mut rep)?;
        check_records::<LeadSource>(rx, &mut rep)?;
        check_records::<DealType>(rx, &mut rep)?;
        check_records::<Currency>(rx, &mut rep)?;
        check_records::<Rate>(rx, &mut rep)?;
        check_records::<FieldDef>(rx, &mut rep)?;
        let companies = check_records::<Company>(rx, &mut rep)?;
        let contacts = check_records::<Contact>(rx, &mut rep)?;
        let leads = check_records::<Lead>(rx, &mut rep)?;
        let deals = check_records::<Deal>(rx, &mut rep)?;
        check_sort_index(
            rx,
            tables::LEAD_BY_TITLE,
            leads.len(),
            "lead_by_title",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::LEAD_BY_UPDATED,
            leads.len(),
            "lead_by_updated",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::DEAL_BY_TITLE,
            deals.len(),
            "deal_by_title",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::DEAL_BY_UPDATED,
            deals.len(),
            "deal_by_updated",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::COMPANY_BY_NAME,
            companies.len(),
            "company_by_name",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::COMPANY_BY_UPDATED,
            companies.len(),
            "company_by_updated",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::CONTACT_BY_NAME,
            contacts.len(),
            "contact_by_name",
            &mut rep,
        )?;
        check_sort_index(
            rx,
            tables::CONTACT_BY_UPDATED,
            contacts.len(),
            "contact_by_updated",
            &mut rep,
        )?;
        let sessions = auth::count_sessions(rx)?;
        rep.lines
            .push(format!("{:<14} {:>8} open", "sessions", sessions));
        let pending = rx
            .open_table(tables::OUTBOX)
            .ctx("open outbox")?
            .iter()
            .ctx("read outbox")?
            .count();
        Ok((
            pending,
            store::outbox_seq_in(rx)?,
            vec![
                (
                    DocKind::Company,
                    companies.iter().map(|c| c.id).collect::<Vec<_>>(),
                ),
                (DocKind::Contact, contacts.iter().map(|c| c.id).collect()),
                (DocKind::Lead, leads.iter().map(|c| c.id).collect()),
                (DocKind::Deal, deals.iter().map(|c| c.id).collect()),
            ],
        ))
    })?;
    crate::io::backups::check_lines(data_dir, &mut rep.lines, &mut rep.problems);
    let index = crate::search::IndexProbe::open(&crate::paths::index(data_dir))
        .map_err(|e| crate::error::Error::Search(e.to_string()))?;
    let applied = index.applied_seq();
    rep.lines.push(format!(
        "search index   {:>8} documents, applied change {applied} of {outbox_seq}, {pending} waiting",
        index.num_docs()
    ));
    if pending == 0 || applied >= outbox_seq {
        let want: u64 = searchable.iter().map(|(_, ids)| ids.len() as u64).sum();
        if index.num_docs() != want {
            rep.problems.push(format!(
                "search index holds {} documents, the store {want} searchable records",
                index.num_docs()
            ));
        }
        let mut missing = 0;
        for (kind, ids) in &searchable {
            for id in ids {
                if !index
                    .contains(*kind, *id)
                    .map_err(|e| crate::error::Error::Search(e.to_string()))?
                {
                    missing += 1;
                }
            }
        }
        if missing > 0 {
            rep.problems.push(format!(
                "{missing} records are missing from the search index"
            ));
        }
    } else {
        rep.lines.push(format!(
            "{} changes wait for the indexer (it runs in the server; start it or run `korobka reindex`)",
            outbox_seq - applied
        ));
    }
    Ok(rep)
}
