//! Deals: the heart of the pipeline. Every stage change is kept in a stage log (for
//! time-in-stage) and in the history; lists and boards convert amounts into the base currency
//! with the rate in force on the day.

mod board;
mod list;
mod stage_log;
mod totals;

pub use board::{Board, Column, DealCard, board};
pub use list::{DealFilter, DealPage, DealSort, list};
pub use stage_log::{StageMove, StageVisit, stage_log};
pub use totals::{CurrencyTotal, Totals, TotalsCache, stage_generation};

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    Company, Contact,
    companies::{CompanyNames, NameCache},
    custom::{self, Entity, Values},
    money::{self, Converter, Money, parse_amount},
    name_key,
    pipelines::{Pipeline, Stage, StageKind, stages_of_tx},
    reflists::{self, DealType, LeadSource},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, sort_key, tables, time_key},
    validate,
};
use stage_log::{drop_log, log_stage};
use totals::{stage_amount_key, stage_generation_of};

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Deal {
    pub id: u64,
    pub title: String,
    pub pipeline_id: u64,
    pub stage_id: u64,
    pub amount: Money,
    pub currency: String,
    pub company_id: Option<u64>,
    pub contact_ids: Vec<u64>,
    /// The decision maker on the customer side (a contact).
    pub customer_side_id: Option<u64>,
    pub responsible_id: Option<u64>,
    pub observer_ids: Vec<u64>,
    pub expected_close: Option<NaiveDate>,
    pub probability: Option<u8>,
    pub source_id: Option<u64>,
    pub type_id: Option<u64>,
    #[serde(default)]
    pub custom: Values,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The author.
    pub created_by: Option<u64>,
    pub updated_by: Option<u64>,
    pub stage_changed_at: DateTime<Utc>,
    /// When the deal reached a won or lost stage.
    pub closed_at: Option<DateTime<Utc>>,
    /// The lead it was converted from.
    pub lead_id: Option<u64>,
}

impl Record for Deal {
    const KIND: Kind = Kind::Deal;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::DEALS;
    const NAME: &'static str = "deal";
    /// The stage change itself is in the history; its timestamp would only repeat it.
    const HISTORY_SKIP: &'static [&'static str] = &["stage_changed_at"];
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![
            IndexKey::Counted(
                tables::DEAL_BY_STAGE_AMOUNT,
                stage_amount_key(self),
                stage_generation_of(self.stage_id),
            ),
            IndexKey::Sorted(tables::DEAL_BY_UPDATED, time_key(self.updated_at, self.id)),
            IndexKey::Sorted(
                tables::DEAL_BY_TITLE,
                sort_key(&name_key(&self.title), self.id),
            ),
            IndexKey::ById(tables::DEAL_BY_PIPELINE, self.pipeline_id),
            IndexKey::ById(tables::DEAL_BY_STAGE, self.stage_id),
        ];
        let opt = [
            (tables::DEAL_BY_RESPONSIBLE, self.responsible_id),
            (tables::DEAL_BY_COMPANY, self.company_id),
            (tables::DEAL_BY_SOURCE, self.source_id),
            (tables::DEAL_BY_TYPE, self.type_id),
        ];
        for (def, v) in opt {
            if let Some(v) = v {
                k.push(IndexKey::ById(def, v));
            }
        }
        let mut contacts = self.contact_ids.clone();
        contacts.extend(self.customer_side_id);
        contacts.sort_unstable();
        contacts.dedup();
        for c in contacts {
            k.push(IndexKey::ById(tables::DEAL_BY_CONTACT, c));
        }
        k
    }
}

#[derive(Debug, Clone, Object)]
pub struct DealInput {
    #[oai(default)]
    pub title: String,
    pub pipeline_id: Option<u64>,
    pub stage_id: Option<u64>,
    /// A decimal amount ("1234.50"; "1 234,50" is understood too).
    #[oai(default)]
    pub amount: String,
    /// ISO 4217; the base currency when empty.
    #[oai(default)]
    pub currency: String,
    pub company_id: Option<u64>,
    #[oai(default)]
    pub contact_ids: Vec<u64>,
    pub customer_side_id: Option<u64>,
    pub responsible_id: Option<u64>,
    #[oai(default)]
    pub observer_ids: Vec<u64>,
    pub expected_close: Option<NaiveDate>,
    pub probability: Option<i64>,
    pub source_id: Option<u64>,
    pub type_id: Option<u64>,
    #[oai(default)]
    pub custom: Values,
}

fn check_user(tx: &Tx, p: &mut Problems, field: &str, id: Option<u64>) -> Result<()> {
    if let Some(u) = id
        && !tx.exists::<User>(u)?
    {
        p.add(field, "not_found", "no such user");
    }
    Ok(())
}

/// Validates the input against the stored deal (None for a new one) and builds the record.
fn check(tx: &Tx, input: &DealInput, old: Option<&Deal>) -> Result<Deal> {
    let mut p = Problems::default();
    let title = validate::required(&mut p, "title", &input.title, 300);
    let pipeline = match input.pipeline_id.or(old.map(|o| o.pipeline_id)) {
        None => {
            p.add("pipeline_id", "required", "is required");
            None
        }
        Some(id) => match tx.get::<Pipeline>(id)? {
            None => {
                p.add("pipeline_id", "not_found", "no such pipeline");
                None
            }
            Some(pl) if pl.archived && old.map(|o| o.pipeline_id) != Some(id) => {
                p.add("pipeline_id", "invalid_value", "this pipeline is archived");
                None
            }
            Some(pl) => Some(pl),
        },
    };
    let stages = match &pipeline {
        Some(pl) => stages_of_tx(tx, pl.id)?,
        None => Vec::new(),
    };
    let stage = match (input.stage_id, &pipeline) {
        (_, None) => None,
        (Some(s), Some(_)) => match stages.iter().find(|x| x.id == s) {
            Some(st) => Some(st.clone()),
            None => {
                p.add(
                    "stage_id",
                    "invalid_value",
                    "is not a stage of this pipeline",
                );
                None
            }
        },
        (None, Some(pl)) => match old.filter(|o| o.pipeline_id == pl.id) {
            Some(o) => stages.iter().find(|x| x.id == o.stage_id).cloned(),
            None => stages.first().cloned(),
        },
    };
    let amount = Money::new(parse_amount(&mut p, "amount", &input.amount).unwrap_or(Decimal::ZERO));
    let currency = money::check_currency(
        tx,
        &mut p,
        "currency",
        &input.currency,
        old.map(|o| o.currency.as_str()),
    )?;
    if let Some(c) = input.company_id
        && !tx.exists::<Company>(c)?
    {
        p.add("company_id", "not_found", "no such company");
    }
    let mut contact_ids = input.contact_ids.clone();
    contact_ids.dedup();
    for (i, c) in contact_ids.iter().enumerate() {
        if !tx.exists::<Contact>(*c)? {
            p.add(format!("contact_ids[{i}]"), "not_found", "no such contact");
        }
    }
    if let Some(c) = input.customer_side_id
        && !tx.exists::<Contact>(c)?
    {
        p.add("customer_side_id", "not_found", "no such contact");
    }
    check_user(tx, &mut p, "responsible_id", input.responsible_id)?;
    let mut observer_ids = input.observer_ids.clone();
    observer_ids.sort_unstable();
    observer_ids.dedup();
    for (i, u) in observer_ids.iter().enumerate() {
        check_user(tx, &mut p, &format!("observer_ids[{i}]"), Some(*u))?;
    }
    let probability = match input.probability {
        Some(x) if !(0..=100).contains(&x) => {
            p.add("probability", "invalid_value", "must be between 0 and 100");
            None
        }
        x => x.map(|x| x as u8),
    };
    reflists::check_ref::<LeadSource>(
        tx,
        &mut p,
        "source_id",
        input.source_id,
        old.and_then(|o| o.source_id),
    )?;
    reflists::check_ref::<DealType>(
        tx,
        &mut p,
        "type_id",
        input.type_id,
        old.and_then(|o| o.type_id),
    )?;
    let custom = custom::check_values(
        tx,
        &mut p,
        Entity::Deal,
        pipeline.as_ref().map(|pl| pl.id),
        &input.custom,
        old.map(|o| &o.custom),
    )?;
    p.finish()?;
    let (Some(pipeline), Some(stage)) = (pipeline, stage) else {
        return Err(Error::field(
            "stage_id",
            "required",
            "the pipeline has no stages",
        ));
    };
    let now = tx.now;
    let moved = old.is_none_or(|o| o.stage_id != stage.id);
    Ok(Deal {
        id: old.map(|o| o.id).unwrap_or(0),
        title,
        pipeline_id: pipeline.id,
        stage_id: stage.id,
        amount,
        currency,
        company_id: input.company_id,
        contact_ids,
        customer_side_id: input.customer_side_id,
        // A new deal without a responsible person belongs to its author.
        responsible_id: if old.is_none() {
            input.responsible_id.or(tx.actor)
        } else {
            input.responsible_id
        },
        observer_ids,
        expected_close: input.expected_close,
        probability,
        source_id: input.source_id,
        type_id: input.type_id,
        custom,
        created_at: old.map(|o| o.created_at).unwrap_or(now),
        updated_at: now,
        created_by: old.map(|o| o.created_by).unwrap_or(tx.actor),
        updated_by: tx.actor,
        stage_changed_at: if moved {
            now
        } else {
            old.map(|o| o.stage_changed_at).unwrap_or(now)
        },
        closed_at: closed_at(&stage, old, moved, now),
        lead_id: old.and_then(|o| o.lead_id),
    })
}

fn closed_at(
    stage: &Stage,
    old: Option<&Deal>,
    moved: bool,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match stage.kind {
        StageKind::Open => None,
        _ if !moved => old.and_then(|o| o.closed_at).or(Some(now)),
        _ => Some(now),
    }
}

pub fn create(tx: &mut Tx, actor: &User, input: DealInput) -> Result<Deal> {
    let d = create_quietly(tx, actor, input)?;
    super::created(tx, Kind::Deal, d.id);
    Ok(d)
}

/// Creates many deals in one transaction with one feed entry ([`super::create_batch`]).
pub fn create_many(tx: &mut Tx, actor: &User, inputs: Vec<DealInput>) -> Result<Vec<Deal>> {
    super::create_batch(tx, actor, inputs, create_quietly)
}

/// [`create`] without its feed entry.
fn create_quietly(tx: &mut Tx, actor: &User, input: DealInput) -> Result<Deal> {
    allow(actor, Permission::WriteCrm)?;
    let mut d = check(tx, &input, None)?;
    d.id = tx.next_id("deals")?;
    tx.insert(&d)?;
    log_stage(tx, d.id, d.stage_id)?;
    Ok(d)
}

/// Creates a deal for a lead conversion (the same checks as `create`).
pub fn create_from_lead(tx: &mut Tx, actor: &User, input: DealInput, lead_id: u64) -> Result<Deal> {
    allow(actor, Permission::WriteCrm)?;
    let mut d = check(tx, &input, None)?;
    d.id = tx.next_id("deals")?;
    d.lead_id = Some(lead_id);
    tx.insert(&d)?;
    log_stage(tx, d.id, d.stage_id)?;
    Ok(d)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: DealInput) -> Result<(Deal, Option<u64>)> {
    allow(actor, Permission::WriteCrm)?;
    let old: Deal = tx.must(id)?;
    let new = check(tx, &input, Some(&old))?;
    if !tx.update(&old, &new)? {
        return Ok((old, None));
    }
    let moved_from = (old.stage_id != new.stage_id).then_some(old.stage_id);
    if let Some(from) = moved_from {
        log_stage(tx, id, new.stage_id)?;
        stage_moved(tx, id, from, new.stage_id);
    }
    Ok((new, moved_from))
}

/// Moves a deal to another stage of its pipeline. Returns the deal and the stage it left.
pub fn move_to_stage(tx: &mut Tx, actor: &User, id: u64, stage_id: u64) -> Result<(Deal, u64)> {
    allow(actor, Permission::WriteCrm)?;
    let old: Deal = tx.must(id)?;
    let stage: Stage = tx
        .get(stage_id)?
        .ok_or_else(|| Error::field("stage_id", "not_found", "no such stage"))?;
    if stage.pipeline_id != old.pipeline_id {
        return Err(Error::field(
            "stage_id",
            "invalid_value",
            "is a stage of another pipeline",
        ));
    }
    if old.stage_id == stage_id {
        return Ok((old.clone(), old.stage_id));
    }
    let new = Deal {
        stage_id,
        stage_changed_at: tx.now,
        closed_at: closed_at(&stage, Some(&old), true, tx.now),
        updated_at: tx.now,
        updated_by: Some(actor.id),
        ..old.clone()
    };
    tx.update(&old, &new)?;
    log_stage(tx, id, stage_id)?;
    stage_moved(tx, id, old.stage_id, stage_id);
    Ok((new, old.stage_id))
}

/// Tells the feed a deal moved (it records the stages' names and kinds at the time).
fn stage_moved(tx: &mut Tx, deal: u64, from: u64, to: u64) {
    let mut data = std::collections::BTreeMap::new();
    data.insert("from_stage_id".to_string(), from.to_string());
    data.insert("to_stage_id".to_string(), to.to_string());
    tx.emit(super::events::STAGE_MOVED, Kind::Deal, deal, data);
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<Deal> {
    allow(actor, Permission::WriteCrm)?;
    let old: Deal = tx.must(id)?;
    tx.delete(&old)?;
    drop_log(tx, id)?;
    Ok(old)
}

/// A deal with its amount in the base currency.
#[derive(Debug, Clone, Object)]
pub struct DealRow {
    #[oai(flatten)]
    pub deal: Deal,
    pub base_amount: Option<Money>,
    pub rate: Option<Decimal>,
    pub rate_date: Option<NaiveDate>,
    pub company_name: Option<String>,
}

pub fn row(conv: &Converter, deal: Deal) -> DealRow {
    let c = conv.convert(deal.amount.0, &deal.currency);
    DealRow {
        base_amount: c.as_ref().map(|c| Money::new(c.amount)),
        rate: c.as_ref().map(|c| money::display_rate(c.rate)),
        rate_date: c.and_then(|c| c.rate_date),
        company_name: None,
        deal,
    }
}

/// Fills in the company names of rows (one read per distinct company).
fn name_companies(
    rx: &ReadTransaction,
    names: Option<&NameCache>,
    rows: &mut [DealRow],
) -> Result<()> {
    let mut names = CompanyNames::new(rx, names)?;
    for r in rows {
        r.company_name = names.of(r.deal.company_id)?.map(|n| n.to_string());
    }
    Ok(())
}

/// The answer for a deal just written, read in the same transaction: its row with the amount in
/// the base currency at `today` and its company's name (what [`get`] answers).
fn answer(tx: &Tx, deal: Deal, today: NaiveDate) -> Result<DealRow> {
    let mut r = row(&Converter::new(&tx.txn_read_view()?, today)?, deal);
    r.company_name = match r.deal.company_id {
        Some(c) => tx.get::<Company>(c)?.map(|c| c.name),
        None => None,
    };
    Ok(r)
}

/// [`create`], answered with the new deal's row from the same transaction.
pub fn create_row(
    tx: &mut Tx,
    actor: &User,
    input: DealInput,
    today: NaiveDate,
) -> Result<DealRow> {
    let d = create(tx, actor, input)?;
    answer(tx, d, today)
}

/// [`update`], answered with the deal's row and the stage it left (if it moved).
pub fn update_row(
    tx: &mut Tx,
    actor: &User,
    id: u64,
    input: DealInput,
    today: NaiveDate,
) -> Result<(DealRow, Option<u64>)> {
    let (d, from) = update(tx, actor, id, input)?;
    Ok((answer(tx, d, today)?, from))
}

/// [`move_to_stage`], answered with the deal's row and the stage it left.
pub fn move_row(
    tx: &mut Tx,
    actor: &User,
    id: u64,
    stage_id: u64,
    today: NaiveDate,
) -> Result<(DealRow, u64)> {
    let (d, from) = move_to_stage(tx, actor, id, stage_id)?;
    Ok((answer(tx, d, today)?, from))
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64, today: NaiveDate) -> Result<DealRow> {
    allow(actor, Permission::ReadCrm)?;
    let d = store::get::<Deal>(rx, id)?.ok_or(Error::NotFound("deal"))?;
    let mut rows = [row(&Converter::new(rx, today)?, d)];
    name_companies(rx, None, &mut rows)?;
    let [r] = rows;
    Ok(r)
}

/// Open deals (not in a won or lost stage), for the navigation counter.
pub fn count_open(rx: &ReadTransaction) -> Result<u64> {
    let mut n = 0;
    let stages: Vec<Stage> = store::all(rx)?;
    for s in stages.iter().filter(|s| s.kind == StageKind::Open) {
        n += store::ids_by(rx, tables::DEAL_BY_STAGE, s.id)?.len() as u64;
    }
    Ok(n)
}

#[cfg(test)]
#[path = "deals_tests.rs"]
mod rule_tests;
