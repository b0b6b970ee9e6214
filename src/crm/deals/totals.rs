//! Deal totals: per currency and in the base currency, for lists and board columns; each
//! stage's column totals kept in memory ([`TotalsCache`]) for one generation of its entries in
//! the stage/amount index.

use std::collections::{BTreeMap, HashMap};

use poem_openapi::Object;
use redb::ReadTransaction;
use rust_decimal::Decimal;

use super::{Deal, DealRow};
use crate::{
    crm::money::{Converter, Money},
    error::{Ctx, Error, Result},
    store::{self, Generation, tables, time_key},
};

/// Every change of a stage's entries in `deal_by_stage_amount` moves that stage's counter on
/// (`tables::DEAL_STAGE_GEN`), so its column totals hold until the next ([`TotalsCache`]).
pub(super) fn stage_generation_of(stage_id: u64) -> Generation {
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

pub(super) fn stage_amount_key(d: &Deal) -> Vec<u8> {
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
pub(super) struct StageAmount {
    pub(super) deal_id: u64,
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
pub(super) fn stage_entries(
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
    pub(super) fn stage(
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
pub(super) fn merge_totals(parts: &[Totals]) -> Totals {
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

pub(super) fn totals(rows: &[DealRow]) -> Totals {
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
