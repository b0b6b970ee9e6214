//! The deal list: filters, sort orders and pages with totals over the whole filtered set.

use chrono::NaiveDate;
use poem_openapi::{Enum, Object};
use redb::{ReadTransaction, ReadableTable};
use rust_decimal::Decimal;

use super::{
    Deal, DealRow, Totals, name_companies, row,
    totals::{merge_totals, totals},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    crm::{
        ReadCaches, custom,
        listing::{decode_cursor, encode_cursor},
        money::Converter,
        name_key,
        pipelines::{Stage, stages_of},
    },
    error::{Ctx, Result},
    store::{self, codec, tables, time_key},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub enum DealSort {
    #[default]
    #[oai(rename = "-created")]
    CreatedDesc,
    #[oai(rename = "created")]
    Created,
    #[oai(rename = "-updated")]
    UpdatedDesc,
    #[oai(rename = "updated")]
    Updated,
    #[oai(rename = "title")]
    Title,
    #[oai(rename = "-title")]
    TitleDesc,
    #[oai(rename = "amount")]
    Amount,
    #[oai(rename = "-amount")]
    AmountDesc,
    #[oai(rename = "close")]
    Close,
    #[oai(rename = "-close")]
    CloseDesc,
    /// Most recently moved first: the order of the board's columns.
    #[oai(rename = "-stage_changed")]
    StageChangedDesc,
}

#[derive(Debug, Default, Clone)]
pub struct DealFilter {
    pub pipeline_id: Option<u64>,
    pub stage_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub mine: bool,
    pub company_id: Option<u64>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub custom: Vec<(u64, String)>,
}

#[derive(Debug, Clone, Object)]
pub struct DealPage {
    pub items: Vec<DealRow>,
    pub next_cursor: Option<String>,
    pub total: u64,
    pub base_currency: String,
    /// Conversions use the rate in force on this day.
    pub rate_day: NaiveDate,
    pub totals: Totals,
}

fn intersect(sets: Vec<Option<Vec<u64>>>) -> Option<Vec<u64>> {
    crate::crm::listing::intersect(sets)
}

/// The deals matching a filter, with their base amounts (the whole set, unsorted).
pub(super) fn matching(
    rx: &ReadTransaction,
    me: &User,
    f: &DealFilter,
    conv: &Converter,
) -> Result<Vec<DealRow>> {
    let cf = custom::check_filters(rx, &f.custom)?;
    let responsible = if f.mine {
        Some(me.id)
    } else {
        f.responsible_id
    };
    let by = |def, v: Option<u64>| v.map(|v| store::ids_by(rx, def, v)).transpose();
    let only = intersect(vec![
        by(tables::DEAL_BY_PIPELINE, f.pipeline_id)?,
        by(tables::DEAL_BY_STAGE, f.stage_id)?,
        by(tables::DEAL_BY_RESPONSIBLE, responsible)?,
        by(tables::DEAL_BY_COMPANY, f.company_id)?,
    ]);
    let table = rx.open_table(tables::DEALS).ctx("open deals")?;
    let mut deals = Vec::new();
    match only {
        Some(ids) => {
            for id in ids {
                if let Some(d) = store::get_in::<Deal>(&table, id)? {
                    deals.push(d);
                }
            }
        }
        None => {
            for row in table.iter().ctx("read deals")? {
                let (_, v) = row.ctx("read deals")?;
                deals.push(codec::decode::<Deal>(v.value(), "deal")?);
            }
        }
    }
    let mut out = Vec::with_capacity(deals.len());
    for d in deals {
        let created = d.created_at.date_naive();
        let keep = f.created_from.is_none_or(|x| created >= x)
            && f.created_to.is_none_or(|x| created <= x)
            && f.close_from
                .is_none_or(|x| d.expected_close.is_some_and(|c| c >= x))
            && f.close_to
                .is_none_or(|x| d.expected_close.is_some_and(|c| c <= x))
            && custom::all_match(&cf, &d.custom);
        if !keep {
            continue;
        }
        let r = row(conv, d);
        let amount_ok = (f.amount_min.is_none() && f.amount_max.is_none())
            || r.base_amount.map(|a| a.0).is_some_and(|a| {
                f.amount_min.is_none_or(|m| a >= m) && f.amount_max.is_none_or(|m| a <= m)
            });
        if amount_ok {
            out.push(r);
        }
    }
    Ok(out)
}

fn sort_bytes(r: &DealRow, sort: DealSort) -> Vec<u8> {
    let d = &r.deal;
    let mut k = match sort {
        DealSort::Created | DealSort::CreatedDesc => Vec::new(),
        DealSort::Updated | DealSort::UpdatedDesc => time_key(d.updated_at, 0)[..8].to_vec(),
        DealSort::StageChangedDesc => time_key(d.stage_changed_at, 0)[..8].to_vec(),
        DealSort::Title | DealSort::TitleDesc => {
            let mut k = name_key(&d.title).into_bytes();
            k.truncate(64);
            k.push(0);
            k
        }
        DealSort::Amount | DealSort::AmountDesc => {
            // Unconverted amounts sort below every converted one.
            let cents = r
                .base_amount
                .and_then(|a| {
                    (a.0 * Decimal::ONE_HUNDRED)
                        .trunc()
                        .to_string()
                        .parse::<i128>()
                        .ok()
                })
                .map(|c| c.saturating_add(i128::MAX / 2))
                .unwrap_or(0);
            (cents as u128).to_be_bytes().to_vec()
        }
        DealSort::Close | DealSort::CloseDesc => {
            let days = d
                .expected_close
                .map(|c| c.signed_duration_since(NaiveDate::MIN).num_days() as u64 + 1)
                .unwrap_or(0);
            days.to_be_bytes().to_vec()
        }
    };
    k.extend_from_slice(&d.id.to_be_bytes());
    k
}

fn descending(s: DealSort) -> bool {
    matches!(
        s,
        DealSort::CreatedDesc
            | DealSort::UpdatedDesc
            | DealSort::TitleDesc
            | DealSort::AmountDesc
            | DealSort::CloseDesc
            | DealSort::StageChangedDesc
    )
}

/// One page of deals across currencies, with totals over the whole filtered set.
#[allow(clippy::too_many_arguments)]
pub fn list(
    rx: &ReadTransaction,
    caches: &ReadCaches,
    me: &User,
    f: &DealFilter,
    sort: DealSort,
    cursor: Option<&str>,
    limit: usize,
    today: NaiveDate,
) -> Result<DealPage> {
    allow(me, Permission::ReadCrm)?;
    let limit = limit.clamp(1, crate::crm::listing::MAX_LIMIT);
    let after = decode_cursor(cursor)?;
    let conv = Converter::new(rx, today)?;
    let plain = f.responsible_id.is_none()
        && !f.mine
        && f.company_id.is_none()
        && f.created_from.is_none()
        && f.created_to.is_none()
        && f.close_from.is_none()
        && f.close_to.is_none()
        && f.amount_min.is_none()
        && f.amount_max.is_none()
        && f.custom.is_empty();
    if plain && matches!(sort, DealSort::Created | DealSort::CreatedDesc) {
        return list_by_stage_index(rx, caches, f, sort, after.as_deref(), limit, today, conv);
    }
    let rows = matching(rx, me, f, &conv)?;
    let totals = totals(&rows);
    let total = rows.len() as u64;
    let keyed: Vec<(Vec<u8>, DealRow)> = rows
        .into_iter()
        .map(|r| (sort_bytes(&r, sort), r))
        .collect();
    let (mut items, next_cursor) =
        crate::crm::listing::page_in_memory(keyed, descending(sort), after.as_deref(), limit);
    name_companies(rx, Some(&caches.company_names), &mut items)?;
    Ok(DealPage {
        items,
        next_cursor,
        total,
        base_currency: conv.base.clone(),
        rate_day: today,
        totals,
    })
}

/// The deal list filtered by pipeline and/or stage only, in creation order: totals from the
/// stages' (cached) column totals, the page from the pipeline's or stage's id index, and only
/// the page's deals read.
#[allow(clippy::too_many_arguments)]
fn list_by_stage_index(
    rx: &ReadTransaction,
    caches: &ReadCaches,
    f: &DealFilter,
    sort: DealSort,
    after: Option<&[u8]>,
    limit: usize,
    today: NaiveDate,
    conv: Converter,
) -> Result<DealPage> {
    let mut stages: Vec<Stage> = match f.pipeline_id {
        Some(p) => stages_of(rx, p)?,
        None => store::all(rx)?,
    };
    if let Some(s) = f.stage_id {
        stages.retain(|x| x.id == s);
    }
    let rates = conv.signature();
    let mut parts = Vec::with_capacity(stages.len());
    for s in &stages {
        parts.push(caches.stage_totals.stage(rx, s.id, &conv, &rates)?);
    }
    let totals = merge_totals(&parts);
    let desc = sort == DealSort::CreatedDesc;
    let (ids, more) = match (f.stage_id, f.pipeline_id) {
        _ if stages.is_empty() => (Vec::new(), false),
        (Some(s), _) => page_of_index(rx, tables::DEAL_BY_STAGE, s, after, desc, limit)?,
        (None, Some(p)) => page_of_index(rx, tables::DEAL_BY_PIPELINE, p, after, desc, limit)?,
        (None, None) => {
            let table = rx.open_table(tables::DEALS).ctx("open deals")?;
            let (ids, last) = crate::crm::listing::page_ids(&table, after, desc, limit)?;
            (ids, last.is_some())
        }
    };
    let table = rx.open_table(tables::DEALS).ctx("open deals")?;
    let mut items = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(d) = store::get_in::<Deal>(&table, *id)? {
            items.push(row(&conv, d));
        }
    }
    name_companies(rx, Some(&caches.company_names), &mut items)?;
    Ok(DealPage {
        next_cursor: if more {
            ids.last().map(|id| encode_cursor(&id.to_be_bytes()))
        } else {
            None
        },
        items,
        total: totals.count(),
        base_currency: conv.base.clone(),
        rate_day: today,
        totals,
    })
}

/// One page of the ids under `key` in an id multimap (its values are kept in id order),
/// after the cursor id; and whether more follow.
fn page_of_index(
    rx: &ReadTransaction,
    def: redb::MultimapTableDefinition<'static, u64, u64>,
    key: u64,
    after: Option<&[u8]>,
    desc: bool,
    limit: usize,
) -> Result<(Vec<u64>, bool)> {
    let after = after.map(store::be_u64).transpose()?;
    let t = rx.open_multimap_table(def).ctx("open index")?;
    let values = t.get(key).ctx("read index")?;
    let iter: Box<dyn Iterator<Item = _>> = if desc {
        Box::new(values.rev())
    } else {
        Box::new(values)
    };
    let mut ids = Vec::with_capacity(limit + 1);
    for v in iter {
        let id = v.ctx("read index")?.value();
        if after.is_some_and(|a| if desc { id >= a } else { id <= a }) {
            continue;
        }
        ids.push(id);
        if ids.len() > limit {
            break;
        }
    }
    let more = ids.len() > limit;
    ids.truncate(limit);
    Ok((ids, more))
}
