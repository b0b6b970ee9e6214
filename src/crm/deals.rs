//! Deals: the heart of the pipeline. Every stage change is kept in a stage log (for
//! time-in-stage) and in the history; lists and boards convert amounts into the base currency
//! with the rate in force on the day.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use redb::{ReadTransaction, ReadableTable};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    Company, Contact, ReadCaches,
    companies::{CompanyNames, NameCache},
    custom::{self, Entity, Values},
    listing::{decode_cursor, encode_cursor},
    money::{self, Converter, Money, parse_amount},
    name_key,
    pipelines::{Pipeline, Stage, StageKind, stages_of, stages_of_tx},
    reflists::{self, DealType, LeadSource},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Ctx, Error, Problems, Result},
    store::{self, Generation, IndexKey, Kind, Record, Tx, codec, sort_key, tables, time_key},
    validate,
};

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

/// Every change of a stage's entries in `deal_by_stage_amount` moves that stage's counter on
/// (`tables::DEAL_STAGE_GEN`), so its column totals hold until the next ([`TotalsCache`]).
fn stage_generation_of(stage_id: u64) -> Generation {
    Generation {
        counters: tables::DEAL_STAGE_GEN,
        group: stage_id,
    }
}

/// The generation of a stage's entries in `deal_by_stage_amount` in this snapshot.
pub fn stage_generation(rx: &ReadTransaction, stage_id: u64) -> Result<u64> {
    let g = stage_generation_of(stage_id);
    store::generation(rx, g.counters, g.group)
}

fn stage_amount_key(d: &Deal) -> Vec<u8> {
    use rust_decimal::prelude::ToPrimitive;
    let mut k = Vec::with_capacity(43);
    k.extend_from_slice(&d.stage_id.to_be_bytes());
    k.extend_from_slice(&time_key(d.stage_changed_at, d.id));
    let mut code = [b' '; 3];
    for (i, b) in d.currency.bytes().take(3).enumerate() {
        code[i] = b;
    }
    k.extend_from_slice(&code);
    let cents = (d.amount.0 * Decimal::ONE_HUNDRED)
        .trunc()
        .to_i128()
        .unwrap_or(0);
    k.extend_from_slice(&((cents as u128) ^ (1u128 << 127)).to_be_bytes());
    k
}

/// One entry of the stage/amount index, read back.
struct StageAmount {
    deal_id: u64,
    currency: String,
    amount: Decimal,
}

fn parse_stage_amount(k: &[u8]) -> Result<StageAmount> {
    if k.len() != 43 {
        return Err(Error::Storage(format!(
            "stage amount key of {} bytes",
            k.len()
        )));
    }
    let cents = (u128::from_be_bytes(
        k[27..43]
            .try_into()
            .map_err(|_| Error::Storage("amount key".into()))?,
    ) ^ (1u128 << 127)) as i128;
    Ok(StageAmount {
        deal_id: store::be_u64(&k[16..24])?,
        currency: String::from_utf8_lossy(&k[24..27]).trim().to_string(),
        amount: Decimal::from_i128_with_scale(cents, 2),
    })
}

/// The entries of one stage, most recently moved first (at most `limit` of them).
fn stage_entries(
    rx: &ReadTransaction,
    stage_id: u64,
    limit: Option<usize>,
) -> Result<Vec<StageAmount>> {
    let t = rx
        .open_table(tables::DEAL_BY_STAGE_AMOUNT)
        .ctx("open stage index")?;
    let from = stage_id.to_be_bytes();
    let to = (stage_id + 1).to_be_bytes();
    let mut out = Vec::new();
    for row in t
        .range(from.as_slice()..to.as_slice())
        .ctx("read stage index")?
        .rev()
    {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let (k, _) = row.ctx("read stage index")?;
        out.push(parse_stage_amount(k.value())?);
    }
    Ok(out)
}

/// Each stage's column totals (count and sums per currency, sum in the base currency), kept
/// in memory. An entry holds for one generation of the stage's index entries
/// (`tables::DEAL_STAGE_GEN`, read from the same snapshot as the entries, and bumped in the
/// transaction of every change) and one set of rates (`Converter::signature`), so a board or
/// a deal list over stages that did not change reads only the cards it shows — and the totals
/// are exactly those of the entries (each amount converted and rounded, then added).
#[derive(Default)]
pub struct TotalsCache(std::sync::Mutex<HashMap<u64, CachedTotals>>);

struct CachedTotals {
    generation: u64,
    rates: String,
    totals: Totals,
}

impl TotalsCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, CachedTotals>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The totals of one stage as this snapshot sees it.
    fn stage(
        &self,
        rx: &ReadTransaction,
        stage_id: u64,
        conv: &Converter,
        rates: &str,
    ) -> Result<Totals> {
        let generation = stage_generation(rx, stage_id)?;
        if let Some(c) = self.lock().get(&stage_id)
            && c.generation == generation
            && c.rates == rates
        {
            return Ok(c.totals.clone());
        }
        let totals = entry_totals(&stage_entries(rx, stage_id, None)?, conv);
        self.lock().insert(
            stage_id,
            CachedTotals {
                generation,
                rates: rates.to_string(),
                totals: totals.clone(),
            },
        );
        Ok(totals)
    }
}

/// Totals of several stages together (the base totals are sums of rounded amounts, so they add).
fn merge_totals(parts: &[Totals]) -> Totals {
    let mut tally = Tally::default();
    for t in parts {
        for c in &t.by_currency {
            tally.add(&c.currency, c.amount.0, c.count);
        }
        tally.base_total += t.base_total.0;
        tally.unconverted += t.unconverted;
    }
    tally.into_totals()
}

impl Totals {
    /// How many deals the totals cover.
    pub fn count(&self) -> u64 {
        self.by_currency.iter().map(|c| c.count).sum()
    }
}

/// Totals of index entries with the same rule as for rows: each amount converted and rounded,
/// then added.
fn entry_totals(entries: &[StageAmount], conv: &Converter) -> Totals {
    sum_up(entries.iter().map(|e| {
        let base = conv.convert(e.amount, &e.currency).map(|c| c.amount);
        (e.currency.as_str(), e.amount, base)
    }))
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

/// A deal entered a stage: the stage log behind time-in-stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageMove {
    pub id: u64,
    pub deal_id: u64,
    pub stage_id: u64,
    pub at: DateTime<Utc>,
    pub by: Option<u64>,
}

impl Record for StageMove {
    const KIND: Kind = Kind::StageMove;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::DEAL_STAGES;
    const NAME: &'static str = "stage move";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::Sorted(
            tables::DEAL_STAGE_BY_DEAL,
            log_key(self.deal_id, self.id),
        )]
    }
}

fn log_key(deal: u64, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(16);
    k.extend_from_slice(&deal.to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn log_stage(tx: &mut Tx, deal: u64, stage_id: u64) -> Result<()> {
    let m = StageMove {
        id: tx.next_id("deal_stages")?,
        deal_id: deal,
        stage_id,
        at: tx.now,
        by: tx.actor,
    };
    // The deal's own history already records the change of stage.
    tx.insert_quietly(&m)
}

fn moves_of(
    idx: &impl ReadableTable<&'static [u8], ()>,
    recs: &impl ReadableTable<u64, &'static [u8]>,
    deal: u64,
) -> Result<Vec<StageMove>> {
    let from = log_key(deal, 0);
    let to = log_key(deal, u64::MAX);
    let mut out = Vec::new();
    for row in idx
        .range(from.as_slice()..=to.as_slice())
        .ctx("read stage log")?
    {
        let (k, _) = row.ctx("read stage log")?;
        if let Some(m) = store::get_in::<StageMove>(recs, store::id_of_index_key(k.value())?)? {
            out.push(m);
        }
    }
    Ok(out)
}

fn drop_log(tx: &mut Tx, deal: u64) -> Result<()> {
    let moves = {
        let idx = tx
            .txn
            .open_table(tables::DEAL_STAGE_BY_DEAL)
            .ctx("open stage log")?;
        let recs = tx
            .txn
            .open_table(tables::DEAL_STAGES)
            .ctx("open stage log")?;
        moves_of(&idx, &recs, deal)?
    };
    for m in moves {
        tx.delete_quietly(&m)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Object)]
pub struct StageVisit {
    pub stage_id: u64,
    pub entered_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    /// Time spent in the stage (until now for the current one).
    pub seconds: i64,
    pub by: Option<u64>,
}

pub fn stage_log(rx: &ReadTransaction, deal: u64, now: DateTime<Utc>) -> Result<Vec<StageVisit>> {
    store::get::<Deal>(rx, deal)?.ok_or(Error::NotFound("deal"))?;
    let idx = rx
        .open_table(tables::DEAL_STAGE_BY_DEAL)
        .ctx("open stage log")?;
    let recs = rx.open_table(tables::DEAL_STAGES).ctx("open stage log")?;
    let entries = moves_of(&idx, &recs, deal)?;
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let left = entries.get(i + 1).map(|n| n.at);
        out.push(StageVisit {
            stage_id: e.stage_id,
            entered_at: e.at,
            left_at: left,
            seconds: (left.unwrap_or(now) - e.at).num_seconds().max(0),
            by: e.by,
        });
    }
    Ok(out)
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

pub fn get(rx: &ReadTransaction, actor: &User, id: u64, today: NaiveDate) -> Result<DealRow> {
    allow(actor, Permission::ReadCrm)?;
    let d = store::get::<Deal>(rx, id)?.ok_or(Error::NotFound("deal"))?;
    let mut rows = [row(&Converter::new(rx, today)?, d)];
    name_companies(rx, None, &mut rows)?;
    let [r] = rows;
    Ok(r)
}

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
pub struct CurrencyTotal {
    pub currency: String,
    pub amount: Money,
    pub count: u64,
}

#[derive(Debug, Clone, Object)]
pub struct Totals {
    pub by_currency: Vec<CurrencyTotal>,
    pub base_total: Money,
    /// Deals left out of `base_total` for want of a rate.
    pub unconverted: u64,
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
    super::listing::intersect(sets)
}

/// The deals matching a filter, with their base amounts (the whole set, unsorted).
fn matching(
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

fn totals(rows: &[DealRow]) -> Totals {
    sum_up(rows.iter().map(|r| {
        (
            r.deal.currency.as_str(),
            r.deal.amount.0,
            r.base_amount.map(|a| a.0),
        )
    }))
}

/// Per-currency totals and the base total of (currency, amount, converted amount) items: the
/// converted amounts are already rounded, so the base total is the sum of what lines show.
fn sum_up<'a>(items: impl Iterator<Item = (&'a str, Decimal, Option<Decimal>)>) -> Totals {
    let mut tally = Tally::default();
    for (currency, amount, base) in items {
        tally.add(currency, amount, 1);
        match base {
            Some(a) => tally.base_total += a,
            None => tally.unconverted += 1,
        }
    }
    tally.into_totals()
}

/// [`Totals`] being added up: amount and count per currency, the base total, the unconverted.
#[derive(Default)]
struct Tally {
    by: BTreeMap<String, (Decimal, u64)>,
    base_total: Decimal,
    unconverted: u64,
}

impl Tally {
    fn add(&mut self, currency: &str, amount: Decimal, count: u64) {
        let e = self
            .by
            .entry(currency.to_string())
            .or_insert((Decimal::ZERO, 0));
        e.0 += amount;
        e.1 += count;
    }

    fn into_totals(self) -> Totals {
        Totals {
            by_currency: self
                .by
                .into_iter()
                .map(|(currency, (amount, count))| CurrencyTotal {
                    currency,
                    amount: Money::new(amount),
                    count,
                })
                .collect(),
            base_total: Money::new(self.base_total),
            unconverted: self.unconverted,
        }
    }
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
    let limit = limit.clamp(1, super::listing::MAX_LIMIT);
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
        super::listing::page_in_memory(keyed, descending(sort), after.as_deref(), limit);
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
            let (ids, last) = super::listing::page_ids(&table, after, desc, limit)?;
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
    pub pipeline: super::pipelines::PipelineOut,
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
    let pipeline = super::pipelines::get(rx, pipeline_id)?;
    let conv = Converter::new(rx, today)?;
    let limit = limit.clamp(1, super::listing::MAX_LIMIT);
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
