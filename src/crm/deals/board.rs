//! The kanban board of a pipeline: columns with their counts, sums and the latest cards.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;
use serde::Deserialize;

use super::{
    Deal, DealFilter, DealRow,
    list::matching,
    totals::{stage_entries, totals},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    crm::{
        ReadCaches,
        companies::CompanyNames,
        money::{Converter, Money},
        pipelines::{Stage, stages_of},
    },
    error::{Ctx, Result},
    store::codec,
    store::tables,
};

#[derive(Debug, Clone, Object)]
pub struct DealCard {
    pub id: u64,
    pub title: String,
    pub amount: Money,
    pub currency: String,
    pub base_amount: Option<Money>,
    pub company_id: Option<u64>,
    pub company_name: Option<String>,
    pub responsible_id: Option<u64>,
    pub stage_changed_at: DateTime<Utc>,
    pub expected_close: Option<NaiveDate>,
}

#[derive(Debug, Clone, Object)]
pub struct Column {
    pub stage: Stage,
    pub count: u64,
    pub sum_base: Money,
    pub unconverted: u64,
    pub cards: Vec<DealCard>,
    pub more: bool,
}

#[derive(Debug, Clone, Object)]
pub struct Board {
    pub pipeline: crate::crm::pipelines::PipelineOut,
    pub base_currency: String,
    pub rate_day: NaiveDate,
    pub columns: Vec<Column>,
}

/// The kanban board of a pipeline: per stage its count, its sum in the base currency and the
/// most recently moved cards.
pub fn board(
    rx: &ReadTransaction,
    caches: &ReadCaches,
    me: &User,
    pipeline_id: u64,
    f: &DealFilter,
    limit: usize,
    today: NaiveDate,
) -> Result<Board> {
    allow(me, Permission::ReadCrm)?;
    let pipeline = crate::crm::pipelines::get(rx, pipeline_id)?;
    let conv = Converter::new(rx, today)?;
    let limit = limit.clamp(1, crate::crm::listing::MAX_LIMIT);
    if f.responsible_id.is_none() && !f.mine && f.company_id.is_none() && f.custom.is_empty() {
        // The whole column from the stage/amount index; only the shown cards are read.
        let deals = rx.open_table(tables::DEALS).ctx("open deals")?;
        let mut company_names = CompanyNames::new(rx, Some(&caches.company_names))?;
        let mut columns = Vec::new();
        let rates = conv.signature();
        for stage in pipeline.stages.clone() {
            let t = caches.stage_totals.stage(rx, stage.id, &conv, &rates)?;
            let count = t.count();
            let mut cards = Vec::new();
            for e in stage_entries(rx, stage.id, Some(limit))? {
                if let Some(v) = deals.get(e.deal_id).ctx("deal")? {
                    let d: CardFields = codec::decode(v.value(), "deal")?;
                    cards.push(card(&conv, d, &mut company_names)?);
                }
            }
            columns.push(Column {
                stage,
                count,
                sum_base: t.base_total,
                unconverted: t.unconverted,
                cards,
                more: count > limit as u64,
            });
        }
        return Ok(Board {
            pipeline,
            base_currency: conv.base.clone(),
            rate_day: today,
            columns,
        });
    }
    let f = DealFilter {
        pipeline_id: Some(pipeline_id),
        stage_id: None,
        ..f.clone()
    };
    let rows = matching(rx, me, &f, &conv)?;
    let mut by_stage: HashMap<u64, Vec<DealRow>> = HashMap::new();
    for r in rows {
        by_stage.entry(r.deal.stage_id).or_default().push(r);
    }
    let mut company_names = CompanyNames::new(rx, Some(&caches.company_names))?;
    let mut columns = Vec::new();
    for stage in stages_of(rx, pipeline_id)? {
        let mut rows = by_stage.remove(&stage.id).unwrap_or_default();
        let t = totals(&rows);
        rows.sort_by(|a, b| {
            b.deal
                .stage_changed_at
                .cmp(&a.deal.stage_changed_at)
                .then(b.deal.id.cmp(&a.deal.id))
        });
        let count = rows.len() as u64;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let mut cards = Vec::with_capacity(rows.len());
        for r in rows {
            cards.push(card(&conv, r.deal.into(), &mut company_names)?);
        }
        columns.push(Column {
            stage,
            count,
            sum_base: t.base_total,
            unconverted: t.unconverted,
            cards,
            more,
        });
    }
    Ok(Board {
        pipeline,
        base_currency: conv.base.clone(),
        rate_day: today,
        columns,
    })
}

/// What a board card shows of a deal: decoding only these fields skips the rest of the record
/// (custom fields, people, dates nobody shows here).
#[derive(Deserialize)]
struct CardFields {
    id: u64,
    title: String,
    amount: Money,
    currency: String,
    company_id: Option<u64>,
    responsible_id: Option<u64>,
    stage_changed_at: DateTime<Utc>,
    expected_close: Option<NaiveDate>,
}

impl From<Deal> for CardFields {
    fn from(d: Deal) -> Self {
        CardFields {
            id: d.id,
            title: d.title,
            amount: d.amount,
            currency: d.currency,
            company_id: d.company_id,
            responsible_id: d.responsible_id,
            stage_changed_at: d.stage_changed_at,
            expected_close: d.expected_close,
        }
    }
}

/// A board card, with its company's name (looked up once per company).
fn card(conv: &Converter, d: CardFields, names: &mut CompanyNames) -> Result<DealCard> {
    let company_name = names.of(d.company_id)?.map(|n| n.to_string());
    Ok(DealCard {
        base_amount: conv
            .convert(d.amount.0, &d.currency)
            .map(|c| Money::new(c.amount)),
        id: d.id,
        title: d.title,
        amount: d.amount,
        currency: d.currency,
        company_id: d.company_id,
        company_name,
        responsible_id: d.responsible_id,
        stage_changed_at: d.stage_changed_at,
        expected_close: d.expected_close,
    })
}
