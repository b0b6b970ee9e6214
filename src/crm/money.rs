//! Money: currencies, the base currency, rates kept as a dated history, and conversion.
//! Amounts are `rust_decimal::Decimal` (never floats). Rule: an amount is converted with the
//! latest rate dated on or before the conversion day, then rounded half away from zero to
//! 2 decimals; totals add the rounded amounts.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use redb::{ReadTransaction, ReadableTable};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Ctx, Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

pub const DEFAULT_BASE: &str = "UAH";
const META_BASE: &str = "base_currency";

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Currency {
    pub id: u64,
    pub code: String,
    pub name: String,
    pub symbol: String,
    pub active: bool,
}

impl Record for Currency {
    const KIND: Kind = Kind::Currency;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::CURRENCIES;
    const NAME: &'static str = "currency";
    fn id(&self) -> u64 {
        self.id
    }
}

/// 1 unit of `code` = `rate` units of `quote` (the base currency when it was entered).
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Rate {
    #[oai(skip)]
    pub id: u64,
    #[oai(skip)]
    pub code: String,
    pub date: NaiveDate,
    pub rate: Decimal,
    pub quote: String,
    pub entered_by: Option<u64>,
    pub entered_at: DateTime<Utc>,
}

impl Record for Rate {
    const KIND: Kind = Kind::Rate;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::RATES;
    const NAME: &'static str = "rate";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::Sorted(
            tables::RATE_BY_CODE_DATE,
            rate_key(&self.code, self.date, self.id),
        )]
    }
}

fn day_number(d: NaiveDate) -> u64 {
    (d.signed_duration_since(NaiveDate::MIN).num_days()) as u64
}

fn rate_key(code: &str, date: NaiveDate, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(24);
    k.extend_from_slice(code.as_bytes());
    k.push(0);
    k.extend_from_slice(&day_number(date).to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A rate as shown: as entered, or (for a rate derived through an earlier base) cut to 10
/// decimals. Conversions use the full precision.
pub fn display_rate(d: Decimal) -> Decimal {
    if d.scale() > 10 {
        d.round_dp(10).normalize()
    } else {
        d
    }
}

/// Rounds to cents, half away from zero, and shows two decimals.
pub fn cents(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Parses a money amount as typed by a person: "1 234,50", "1234.5", "-3". At most 2 decimals.
pub fn parse_amount(p: &mut Problems, field: &str, s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    match cleaned.parse::<Decimal>() {
        Ok(d) if d.scale() > 2 => {
            p.add(field, "invalid_value", "has more than 2 decimals");
            None
        }
        Ok(d) if d.abs() > Decimal::from(1_000_000_000_000_000i64) => {
            p.add(field, "invalid_value", "is too large");
            None
        }
        Ok(d) => Some(cents(d)),
        Err(_) => {
            p.add(field, "invalid_value", "is not an amount (e.g. 1234.50)");
            None
        }
    }
}

pub fn check_code(p: &mut Problems, field: &str, code: &str) -> String {
    let c = code.trim().to_uppercase();
    if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
        p.add(
            field,
            "invalid_value",
            "is not an ISO 4217 code (three letters, e.g. USD)",
        );
    }
    c
}

pub fn base(rx: &ReadTransaction) -> Result<String> {
    let meta = rx.open_table(tables::META).ctx("open meta")?;
    Ok(match meta.get(META_BASE).ctx("read meta")? {
        Some(v) => String::from_utf8_lossy(v.value()).into_owned(),
        None => DEFAULT_BASE.to_string(),
    })
}

pub fn base_tx(tx: &Tx) -> Result<String> {
    let meta = tx.txn.open_table(tables::META).ctx("open meta")?;
    Ok(match meta.get(META_BASE).ctx("read meta")? {
        Some(v) => String::from_utf8_lossy(v.value()).into_owned(),
        None => DEFAULT_BASE.to_string(),
    })
}

/// UAH (base), USD, EUR and RUB, ready to use.
pub fn seed(tx: &mut Tx) -> Result<()> {
    if tx.count::<Currency>()? > 0 {
        return Ok(());
    }
    for (code, name, symbol) in [
        ("UAH", "Гривня", "₴"),
        ("USD", "US dollar", "$"),
        ("EUR", "Euro", "€"),
        ("RUB", "Рубль", "₽"),
    ] {
        let c = Currency {
            id: tx.next_id("currencies")?,
            code: code.into(),
            name: name.into(),
            symbol: symbol.into(),
            active: true,
        };
        tx.insert(&c)?;
    }
    Ok(())
}

pub fn find(tx: &Tx, code: &str) -> Result<Option<Currency>> {
    Ok(tx.all::<Currency>()?.into_iter().find(|c| c.code == code))
}

/// A currency code that exists (and is active, for new amounts).
pub fn check_known(tx: &Tx, p: &mut Problems, field: &str, code: &str) -> Result<String> {
    let c = code.trim().to_uppercase();
    match find(tx, &c)? {
        Some(cur) if cur.active => {}
        Some(_) => p.add(field, "invalid_value", "is an inactive currency"),
        None => p.add(field, "not_found", "is not a currency of this office"),
    }
    Ok(c)
}

/// The currency of a new amount: the base when left empty, the record's own currency as it
/// was (even if deactivated since), or else a known, active one.
pub fn check_currency(
    tx: &Tx,
    p: &mut Problems,
    field: &str,
    input: &str,
    old: Option<&str>,
) -> Result<String> {
    let code = input.trim().to_uppercase();
    if code.is_empty() {
        base_tx(tx)
    } else if old == Some(code.as_str()) {
        Ok(code)
    } else {
        check_known(tx, p, field, input)
    }
}

#[derive(Debug, Clone, Object)]
pub struct CurrencyInput {
    #[oai(default)]
    pub code: String,
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub symbol: String,
    #[oai(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

pub fn create(tx: &mut Tx, actor: &User, input: CurrencyInput) -> Result<Currency> {
    allow(actor, Permission::ManageReferenceLists)?;
    let mut p = Problems::default();
    let code = check_code(&mut p, "code", &input.code);
    let name = validate::required(&mut p, "name", &input.name, 100);
    let symbol = validate::optional(&mut p, "symbol", &input.symbol, 8);
    if p.0.is_empty() && find(tx, &code)?.is_some() {
        p.add("code", "taken", "this currency is already there");
    }
    p.finish()?;
    let c = Currency {
        id: tx.next_id("currencies")?,
        code,
        name,
        symbol,
        active: input.active,
    };
    tx.insert(&c)?;
    Ok(c)
}

pub fn update(tx: &mut Tx, actor: &User, code: &str, input: CurrencyInput) -> Result<Currency> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old = find(tx, &code.to_uppercase())?.ok_or(Error::NotFound("currency"))?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let symbol = validate::optional(&mut p, "symbol", &input.symbol, 8);
    p.finish()?;
    if !input.active && old.code == base_tx(tx)? {
        return Err(Error::Conflict(
            "the base currency cannot be deactivated".into(),
        ));
    }
    let new = Currency {
        name,
        symbol,
        active: input.active,
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(new)
}

/// Chooses the base currency and returns the currency list as it now reads on `today` (the
/// caller's day), from the same transaction.
pub fn set_base(tx: &mut Tx, actor: &User, code: &str, today: NaiveDate) -> Result<Currencies> {
    allow(actor, Permission::ManageReferenceLists)?;
    let mut p = Problems::default();
    let code = check_known(tx, &mut p, "code", code)?;
    p.finish()?;
    tx.txn
        .open_table(tables::META)
        .ctx("open meta")?
        .insert(META_BASE, code.as_bytes())
        .ctx("write meta")?;
    list(&tx.txn_read_view()?, today)
}

#[derive(Debug, Clone, Object)]
pub struct RateInput {
    pub date: NaiveDate,
    #[oai(default)]
    pub rate: String,
}

/// Enters the rate of a day (replacing that day's rate), against today's base.
pub fn set_rate(tx: &mut Tx, actor: &User, code: &str, input: RateInput) -> Result<Rate> {
    allow(actor, Permission::ManageReferenceLists)?;
    let code = code.to_uppercase();
    find(tx, &code)?.ok_or(Error::NotFound("currency"))?;
    let base = base_tx(tx)?;
    if code == base {
        return Err(Error::field(
            "code",
            "invalid_value",
            "the base currency has no rate: it is 1",
        ));
    }
    let mut p = Problems::default();
    let rate = parse_rate(&mut p, &input.rate);
    p.finish()?;
    let rate = rate.ok_or_else(|| Error::field("rate", "required", "is required"))?;
    if let Some(old) = rate_on(&tx.txn_read_view()?, &code, input.date)? {
        tx.delete(&old)?;
    }
    let r = Rate {
        id: tx.next_id("rates")?,
        code,
        date: input.date,
        rate,
        quote: base,
        entered_by: tx.actor,
        entered_at: tx.now,
    };
    tx.insert(&r)?;
    Ok(r)
}

fn parse_rate(p: &mut Problems, s: &str) -> Option<Decimal> {
    let cleaned = s.trim().replace(',', ".");
    if cleaned.is_empty() {
        p.add("rate", "required", "is required");
        return None;
    }
    match cleaned.parse::<Decimal>() {
        Ok(d) if d > Decimal::ZERO && d.scale() <= 10 => Some(d),
        _ => {
            p.add(
                "rate",
                "invalid_value",
                "must be a positive number (e.g. 41.25)",
            );
            None
        }
    }
}

pub fn delete_rate(tx: &mut Tx, actor: &User, code: &str, date: NaiveDate) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old = rate_on(&tx.txn_read_view()?, &code.to_uppercase(), date)?
        .ok_or(Error::NotFound("rate"))?;
    tx.delete(&old)
}

/// Rates of one currency, newest first.
pub fn rates(rx: &impl RateSource, code: &str) -> Result<Vec<Rate>> {
    rx.rates_of(code)
}

/// Where rates are read from: a read snapshot or the write transaction in progress.
pub trait RateSource {
    fn rates_of(&self, code: &str) -> Result<Vec<Rate>>;
}

/// Where the currency list and conversions read from: a read snapshot or the write
/// transaction in progress (so a change can answer with the list as it now reads).
pub trait CurrencySource: RateSource {
    fn base_code(&self) -> Result<String>;
    fn currencies(&self) -> Result<Vec<Currency>>;
}

impl CurrencySource for ReadTransaction {
    fn base_code(&self) -> Result<String> {
        base(self)
    }
    fn currencies(&self) -> Result<Vec<Currency>> {
        store::all(self)
    }
}

impl CurrencySource for TxView<'_> {
    fn base_code(&self) -> Result<String> {
        base_tx(self.0)
    }
    fn currencies(&self) -> Result<Vec<Currency>> {
        self.0.all()
    }
}

fn collect_rates(
    idx: &impl ReadableTable<&'static [u8], ()>,
    recs: &impl ReadableTable<u64, &'static [u8]>,
    code: &str,
) -> Result<Vec<Rate>> {
    let mut from = code.as_bytes().to_vec();
    from.push(0);
    let mut to = code.as_bytes().to_vec();
    to.push(1);
    let mut out = Vec::new();
    for row in idx
        .range(from.as_slice()..to.as_slice())
        .ctx("read rates")?
        .rev()
    {
        let (k, _) = row.ctx("read rates")?;
        let id = store::id_of_index_key(k.value())?;
        if let Some(r) = store::get_in::<Rate>(recs, id)? {
            out.push(r);
        }
    }
    Ok(out)
}

impl RateSource for ReadTransaction {
    fn rates_of(&self, code: &str) -> Result<Vec<Rate>> {
        let idx = self
            .open_table(tables::RATE_BY_CODE_DATE)
            .ctx("open rates")?;
        let recs = self.open_table(tables::RATES).ctx("open rates")?;
        collect_rates(&idx, &recs, code)
    }
}

/// A read view of a write transaction (rates entered earlier in it are visible).
pub struct TxView<'a>(&'a Tx);

impl Tx {
    pub fn txn_read_view(&self) -> Result<TxView<'_>> {
        Ok(TxView(self))
    }
}

impl RateSource for TxView<'_> {
    fn rates_of(&self, code: &str) -> Result<Vec<Rate>> {
        let idx = self
            .0
            .txn
            .open_table(tables::RATE_BY_CODE_DATE)
            .ctx("open rates")?;
        let recs = self.0.txn.open_table(tables::RATES).ctx("open rates")?;
        collect_rates(&idx, &recs, code)
    }
}

fn rate_on(src: &impl RateSource, code: &str, date: NaiveDate) -> Result<Option<Rate>> {
    Ok(src.rates_of(code)?.into_iter().find(|r| r.date == date))
}

/// Converts amounts into the base currency as of one day, caching the rates it looks up.
pub struct Converter {
    pub base: String,
    pub day: NaiveDate,
    /// code → rates newest first
    rates: HashMap<String, Vec<Rate>>,
}

/// A converted amount and the rate used.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub amount: Decimal,
    pub rate: Decimal,
    pub rate_date: Option<NaiveDate>,
}

impl Converter {
    pub fn new(rx: &impl CurrencySource, day: NaiveDate) -> Result<Converter> {
        let base = rx.base_code()?;
        let mut rates = HashMap::new();
        for c in rx.currencies()? {
            let r = rx.rates_of(&c.code)?;
            rates.insert(c.code, r);
        }
        Ok(Converter { base, day, rates })
    }

    /// The latest rate of `code` against `quote` dated on or before the day.
    fn direct(&self, code: &str, quote: &str) -> Option<(Decimal, NaiveDate)> {
        self.rates
            .get(code)?
            .iter()
            .find(|r| r.date <= self.day && r.quote == quote)
            .map(|r| (r.rate, r.date))
    }

    /// How many base units one unit of `code` is worth, and the date of the rate used.
    pub fn rate(&self, code: &str) -> Option<(Decimal, Option<NaiveDate>)> {
        if code == self.base {
            return Some((Decimal::ONE, None));
        }
        if let Some((r, d)) = self.direct(code, &self.base) {
            return Some((r, Some(d)));
        }
        // The earlier base itself: invert the base's rate against it.
        if let Some((r, d)) = self.direct(&self.base, code)
            && !r.is_zero()
        {
            return Some((Decimal::ONE / r, Some(d)));
        }
        // Entered against an earlier base: go through it (X→Q / base→Q).
        let latest = self.rates.get(code)?.iter().find(|r| r.date <= self.day)?;
        let q = &latest.quote;
        let (to_q, base_to_q) = (latest.rate, self.direct(&self.base, q)?.0);
        if base_to_q.is_zero() {
            return None;
        }
        Some((to_q / base_to_q, Some(latest.date)))
    }

    /// What every conversion of this converter depends on: the base and the rate it uses
    /// for each currency. Two converters with the same signature convert alike.
    pub fn signature(&self) -> String {
        let mut codes: Vec<&String> = self.rates.keys().collect();
        codes.sort();
        let mut s = self.base.clone();
        for code in codes {
            match self.rate(code) {
                Some((r, _)) => s.push_str(&format!("|{code}={r}")),
                None => s.push_str(&format!("|{code}=-")),
            }
        }
        s
    }

    pub fn convert(&self, amount: Decimal, code: &str) -> Option<Converted> {
        let (rate, rate_date) = self.rate(code)?;
        Some(Converted {
            amount: cents(amount * rate),
            rate,
            rate_date,
        })
    }
}

#[derive(Debug, Clone, Object)]
pub struct CurrentRate {
    pub date: NaiveDate,
    pub rate: Decimal,
}

#[derive(Debug, Clone, Object)]
pub struct CurrencyRow {
    #[oai(flatten)]
    pub currency: Currency,
    /// The rate in force today (1 unit = rate × base); null for the base or without a rate.
    pub rate: Option<CurrentRate>,
}

#[derive(Debug, Clone, Object)]
pub struct Currencies {
    pub base: String,
    pub today: NaiveDate,
    pub items: Vec<CurrencyRow>,
}

pub fn list(rx: &impl CurrencySource, today: NaiveDate) -> Result<Currencies> {
    let conv = Converter::new(rx, today)?;
    let mut items: Vec<Currency> = rx.currencies()?;
    items.sort_by_key(|c| (c.code != conv.base, c.id));
    Ok(Currencies {
        base: conv.base.clone(),
        today,
        items: items
            .into_iter()
            .map(|c| {
                let rate = match conv.rate(&c.code) {
                    Some((r, Some(d))) => Some(CurrentRate {
                        date: d,
                        rate: display_rate(r),
                    }),
                    _ => None,
                };
                CurrencyRow { currency: c, rate }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_parse_as_people_type_them() {
        let mut p = Problems::default();
        assert_eq!(parse_amount(&mut p, "a", "1 234,5"), Some(d("1234.50")));
        assert_eq!(parse_amount(&mut p, "a", "-3"), Some(d("-3.00")));
        assert_eq!(parse_amount(&mut p, "a", ""), None);
        assert!(p.0.is_empty());
        assert_eq!(parse_amount(&mut p, "b", "1.234"), None);
        assert_eq!(parse_amount(&mut p, "c", "12abc"), None);
        assert_eq!(p.0.len(), 2);
        assert_eq!(
            parse_amount(&mut Problems::default(), "a", "10.1")
                .unwrap()
                .to_string(),
            "10.10"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_cents() {
        assert_eq!(cents(d("0.125")).to_string(), "0.13");
        assert_eq!(cents(d("-0.125")).to_string(), "-0.13");
        assert_eq!(cents(d("0.124999")).to_string(), "0.12");
        assert_eq!(cents(d("41.25") * d("1000.01")).to_string(), "41250.41");
    }

    fn rate(code: &str, quote: &str, date: &str, r: &str) -> Rate {
        Rate {
            id: 0,
            code: code.into(),
            date: date.parse().unwrap(),
            rate: d(r),
            quote: quote.into(),
            entered_by: None,
            entered_at: Utc::now(),
        }
    }

    #[test]
    fn conversion_uses_the_rate_in_force_on_the_day() {
        let mut rates = HashMap::new();
        rates.insert(
            "USD".to_string(),
            vec![
                rate("USD", "UAH", "2026-11-20", "42"),
                rate("USD", "UAH", "2026-11-01", "41"),
            ],
        );
        let conv = |day: &str| Converter {
            base: "UAH".into(),
            day: day.parse().unwrap(),
            rates: rates.clone(),
        };
        assert_eq!(
            conv("2026-11-29").convert(d("100"), "USD").unwrap().amount,
            d("4200.00")
        );
        assert_eq!(
            conv("2026-11-19").convert(d("100"), "USD").unwrap().amount,
            d("4100.00")
        );
        assert_eq!(conv("2026-10-31").convert(d("100"), "USD"), None);
        assert_eq!(
            conv("2026-10-31").convert(d("100"), "UAH").unwrap().amount,
            d("100.00")
        );
        assert_eq!(conv("2026-11-29").convert(d("1"), "EUR"), None);
    }

    #[test]
    fn rates_entered_against_an_old_base_still_convert() {
        // Base moved from UAH to USD: EUR was entered against UAH; USD→UAH is known.
        let mut rates = HashMap::new();
        rates.insert(
            "EUR".to_string(),
            vec![rate("EUR", "UAH", "2026-11-01", "45")],
        );
        rates.insert(
            "USD".to_string(),
            vec![rate("USD", "UAH", "2026-11-01", "40")],
        );
        let c = Converter {
            base: "USD".into(),
            day: "2026-11-29".parse().unwrap(),
            rates,
        };
        assert_eq!(c.convert(d("100"), "EUR").unwrap().amount, d("112.50"));
        assert_eq!(c.convert(d("1000"), "UAH").unwrap().amount, d("25.00"));
    }
}

/// A money amount: a decimal kept and shown with its cents ("1250.00"), never as a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub Decimal);

impl Money {
    pub fn new(d: Decimal) -> Money {
        Money(cents(d))
    }
}

impl poem_openapi::types::Type for Money {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> std::borrow::Cow<'static, str> {
        "string_money".into()
    }

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        poem_openapi::registry::MetaSchemaRef::Inline(Box::new(
            poem_openapi::registry::MetaSchema::new_with_format("string", "decimal"),
        ))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl poem_openapi::types::ToJSON for Money {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(cents(self.0).to_string()))
    }
}

impl poem_openapi::types::ParseFromJSON for Money {
    fn parse_from_json(value: Option<serde_json::Value>) -> poem_openapi::types::ParseResult<Self> {
        <Decimal as poem_openapi::types::ParseFromJSON>::parse_from_json(value)
            .map(Money::new)
            .map_err(poem_openapi::types::ParseError::propagate)
    }
}
