//! The load phase: the office built through the use-cases and indexed, the search query mix
//! drawn from it, and the disk it takes.

use std::{path::Path, time::Instant};

use anyhow::{Context, Result, anyhow};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value, json};

use korobka::{
    access::{
        User,
        auth::{self, NewToken},
        users,
    },
    app::{App, OpenOptions},
    crm::{Contact, pipelines::Pipeline},
    demo::{self, Scale},
    paths::{DB_FILE, INDEX_DIR},
    search::indexer,
    store::{self, tables},
};

use crate::{Office, ms, per_s};

pub(super) fn build_office(data: &Path, scale: &Scale) -> Result<(Value, Office)> {
    let started = Instant::now();
    let app = App::open(data, OpenOptions::default()).context("open the data folder")?;
    let opened = started.elapsed();
    let mut marks: Vec<(&'static str, Instant)> = Vec::new();
    demo::fill_observed(&app.store, app.now(), scale, &mut |phase| {
        marks.push((phase, Instant::now()))
    })
    .context("build the office")?;
    let filled = Instant::now();
    let indexed_docs = indexer::catch_up(
        &app.store,
        &app.index,
        &korobka::crm::search_docs::DOCUMENTS,
    )
    .context("index the office")?;
    let done = Instant::now();
    let at = |name: &str| {
        marks
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| anyhow!("the demo did not report its {name} phase"))
    };
    let (companies, contacts, deals, end) =
        (at("companies")?, at("contacts")?, at("deals")?, at("done")?);
    let records = scale.companies + scale.contacts + scale.deals + scale.leads;
    let store_time = filled - started;
    let total = done - started;
    let load = json!({
        "open_ms": ms(opened),
        "companies_per_s": per_s(scale.companies, contacts - companies),
        "contacts_per_s": per_s(scale.contacts, deals - contacts),
        "deals_and_leads_per_s": per_s(scale.deals + scale.leads, end - deals),
        "store_s": store_time.as_secs_f64(),
        "index_s": (done - filled).as_secs_f64(),
        "index_docs": indexed_docs,
        "index_docs_per_s": per_s(indexed_docs, done - filled),
        "total_s": total.as_secs_f64(),
        "records": records,
        "records_per_s": per_s(records, total),
    });

    // The client's credentials and the request material, from the store.
    let mut rng = StdRng::seed_from_u64(scale.seed ^ 0xbe4c);
    let token = app
        .store
        .write(None, app.now(), |tx| {
            let id = users::find_by_login_tx(tx, "admin")?.ok_or_else(|| {
                korobka::error::Error::Internal("the demo office has no admin".into())
            })?;
            let admin: User = tx.must(id)?;
            auth::create_token(
                tx,
                &admin,
                NewToken {
                    name: "korobka-bench".into(),
                },
            )
        })
        .context("create an API token")?
        .1;
    let (contact_ids, sample, pipeline_id, pipeline_deals) = app
        .store
        .read(|rx| {
            let mut ids = Vec::with_capacity(scale.contacts);
            let mut sample = Vec::new();
            let every = (scale.contacts / 400).max(1);
            for (i, c) in store::iter::<Contact>(rx)?.enumerate() {
                let c = c?;
                ids.push(c.id);
                if i % every == 0 {
                    sample.push(c);
                }
            }
            let mut best = (0, 0);
            for p in store::all::<Pipeline>(rx)? {
                let n = store::ids_by(rx, tables::DEAL_BY_PIPELINE, p.id)?.len();
                if n >= best.1 {
                    best = (p.id, n);
                }
            }
            Ok((ids, sample, best.0, best.1))
        })
        .context("read the request material")?;
    drop(app);
    let typed_queries = query_mix(&sample, &mut rng);
    let queries = typed_queries.iter().map(|(_, q)| q.clone()).collect();
    Ok((
        load,
        Office {
            token,
            contact_ids,
            queries,
            typed_queries,
            pipeline_id,
            pipeline_deals,
        },
    ))
}

/// The kinds of query in the mix, in the order [`query_mix`] cycles through them.
pub(super) const QUERY_KINDS: [&str; 6] = [
    "last-name prefix",
    "first+last prefixes",
    "one typo",
    "Latin for Cyrillic",
    "phone tail",
    "e-mail",
];

/// What people type into the global search: name prefixes, a typo, a Latin spelling of a
/// Cyrillic name, phone tails and e-mails (whole, local part).
pub(super) fn query_mix(sample: &[Contact], rng: &mut StdRng) -> Vec<(&'static str, String)> {
    let prefix = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut out = Vec::new();
    for (i, c) in sample.iter().enumerate() {
        let kind = QUERY_KINDS[i % QUERY_KINDS.len()];
        let q = match i % 6 {
            0 => prefix(&c.last_name, 4),
            1 => format!("{} {}", prefix(&c.first_name, 3), prefix(&c.last_name, 3)),
            2 => {
                // One letter replaced in the middle of the last name.
                let mut chars: Vec<char> = c.last_name.chars().collect();
                if chars.len() >= 5 {
                    let at = rng.random_range(1..chars.len() - 1);
                    chars[at] = if chars[at] == 'о' { 'а' } else { 'о' };
                }
                chars.into_iter().collect()
            }
            3 => prefix(&korobka::search::fold(&c.last_name), 5),
            4 => c
                .phones
                .first()
                .map(|p| {
                    let digits: String = p.value.chars().filter(char::is_ascii_digit).collect();
                    digits[digits.len().saturating_sub(7)..].to_string()
                })
                .unwrap_or_default(),
            _ => c
                .emails
                .first()
                .map(|e| {
                    if rng.random_bool(0.5) {
                        e.value.clone()
                    } else {
                        e.value.split('@').next().unwrap_or_default().to_string()
                    }
                })
                .unwrap_or_default(),
        };
        if !q.trim().is_empty() {
            out.push((kind, q));
        }
    }
    out.shuffle(rng);
    out
}

pub(super) fn disk_usage(data: &Path, contacts: usize) -> Result<Value> {
    fn size(p: &Path) -> Result<u64> {
        let meta = std::fs::symlink_metadata(p).with_context(|| format!("stat {}", p.display()))?;
        if meta.is_dir() {
            let mut total = 0;
            for e in std::fs::read_dir(p).with_context(|| format!("list {}", p.display()))? {
                total += size(&e?.path())?;
            }
            Ok(total)
        } else {
            Ok(meta.len())
        }
    }
    let total = size(data)?;
    let per_100k = |b: u64| (b as f64 * 100_000.0 / contacts.max(1) as f64).round() as u64;
    Ok(json!({
        "total_bytes": total,
        "store_bytes": size(&data.join(DB_FILE))?,
        "index_bytes": size(&data.join(INDEX_DIR))?,
        "total_bytes_per_100k_contacts": per_100k(total),
    }))
}
