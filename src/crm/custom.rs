//! Custom fields: definitions per entity (and, for deals, per pipeline), and the validation of
//! values stored in each record's `custom` map (field id → JSON value). A field or an option
//! is never deleted, only archived: stored values stay.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    Company, Contact,
    company_types::Labels,
    money::{check_known, parse_amount},
};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

pub type Values = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Entity {
    Company,
    Contact,
    Lead,
    Deal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Integer,
    Decimal,
    Money,
    Date,
    Datetime,
    Boolean,
    Select,
    Multiselect,
    User,
    Company,
    Contact,
    Deal,
    Url,
    Email,
    Phone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct FieldOption {
    pub id: u64,
    pub label: String,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct FieldDef {
    pub id: u64,
    pub entity: Entity,
    pub name: String,
    pub labels: Labels,
    pub kind: FieldKind,
    pub required: bool,
    pub default: Option<Value>,
    pub sort: i64,
    pub show_in_list: bool,
    pub filterable: bool,
    pub options: Vec<FieldOption>,
    /// Deals only: the pipelines that have the field (empty = all).
    pub pipeline_ids: Vec<u64>,
    pub archived: bool,
}

impl Record for FieldDef {
    const KIND: Kind = Kind::CustomField;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::CUSTOM_FIELDS;
    const NAME: &'static str = "custom field";
    fn id(&self) -> u64 {
        self.id
    }
}

impl FieldDef {
    /// Does a record (of this pipeline, for deals) carry this field?
    pub fn applies(&self, pipeline_id: Option<u64>) -> bool {
        !self.archived
            && (self.pipeline_ids.is_empty()
                || pipeline_id.is_some_and(|p| self.pipeline_ids.contains(&p)))
    }
}

#[derive(Debug, Clone, Object)]
pub struct OptionInput {
    pub id: Option<u64>,
    #[oai(default)]
    pub label: String,
    #[oai(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Object)]
pub struct FieldInput {
    pub entity: Entity,
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub labels: Labels,
    pub kind: FieldKind,
    #[oai(default)]
    pub required: bool,
    pub default: Option<Value>,
    #[oai(default)]
    pub sort: i64,
    #[oai(default)]
    pub show_in_list: bool,
    #[oai(default)]
    pub filterable: bool,
    #[oai(default)]
    pub options: Vec<OptionInput>,
    #[oai(default)]
    pub pipeline_ids: Vec<u64>,
    /// `false` brings an archived field back.
    pub archived: Option<bool>,
}

pub fn defs(rx: &ReadTransaction, entity: Option<Entity>) -> Result<Vec<FieldDef>> {
    let mut v: Vec<FieldDef> = store::all(rx)?;
    v.retain(|d| entity.is_none_or(|e| d.entity == e));
    v.sort_by_key(|d| (d.sort, d.id));
    Ok(v)
}

pub fn defs_tx(tx: &Tx, entity: Entity) -> Result<Vec<FieldDef>> {
    let mut v: Vec<FieldDef> = tx.all()?;
    v.retain(|d| d.entity == entity);
    v.sort_by_key(|d| (d.sort, d.id));
    Ok(v)
}

fn merge_options(
    p: &mut Problems,
    old: &[FieldOption],
    input: &[OptionInput],
    next: &mut u64,
) -> Vec<FieldOption> {
    let mut out: Vec<FieldOption> = Vec::new();
    for (i, o) in input.iter().enumerate() {
        let label = validate::required(p, &format!("options[{i}].label"), &o.label, 200);
        match o.id {
            Some(id) if old.iter().any(|x| x.id == id) => out.push(FieldOption {
                id,
                label,
                archived: o.archived,
            }),
            Some(_) => p.add(format!("options[{i}].id"), "not_found", "no such option"),
            None => {
                *next += 1;
                out.push(FieldOption {
                    id: *next,
                    label,
                    archived: o.archived,
                });
            }
        }
    }
    // An option left out is archived, never dropped: stored values keep their label.
    for o in old {
        if !out.iter().any(|x| x.id == o.id) {
            out.push(FieldOption {
                archived: true,
                ..o.clone()
            });
        }
    }
    out
}

fn check_def(tx: &Tx, input: &FieldInput, old: Option<&FieldDef>) -> Result<FieldDef> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let labels = Labels {
        en: validate::optional(&mut p, "labels.en", &input.labels.en, 100),
        uk: validate::optional(&mut p, "labels.uk", &input.labels.uk, 100),
        ru: validate::optional(&mut p, "labels.ru", &input.labels.ru, 100),
    };
    let old_opts = old.map(|o| o.options.clone()).unwrap_or_default();
    let mut next = old_opts.iter().map(|o| o.id).max().unwrap_or(0);
    let options = if matches!(input.kind, FieldKind::Select | FieldKind::Multiselect) {
        let o = merge_options(&mut p, &old_opts, &input.options, &mut next);
        if !o.iter().any(|x| !x.archived) {
            p.add("options", "required", "a list needs at least one option");
        }
        o
    } else {
        Vec::new()
    };
    if !input.pipeline_ids.is_empty() && input.entity != Entity::Deal {
        p.add(
            "pipeline_ids",
            "invalid_value",
            "only deal fields belong to pipelines",
        );
    }
    for (i, pid) in input.pipeline_ids.iter().enumerate() {
        if !tx.exists::<super::pipelines::Pipeline>(*pid)? {
            p.add(
                format!("pipeline_ids[{i}]"),
                "not_found",
                "no such pipeline",
            );
        }
    }
    if let Some(o) = old
        && (o.entity != input.entity || o.kind != input.kind)
    {
        p.add(
            "kind",
            "invalid_value",
            "a field's entity and kind cannot change: archive it and add a new one",
        );
    }
    p.finish()?;
    let mut def = FieldDef {
        id: old.map(|o| o.id).unwrap_or(0),
        entity: input.entity,
        name,
        labels,
        kind: input.kind,
        required: input.required,
        default: None,
        sort: input.sort,
        show_in_list: input.show_in_list,
        filterable: input.filterable,
        options,
        pipeline_ids: input.pipeline_ids.clone(),
        archived: input.archived.unwrap_or(old.is_some_and(|o| o.archived)),
    };
    // The default must itself be a valid value.
    if let Some(d) = input.default.clone().filter(|v| !v.is_null()) {
        let mut p = Problems::default();
        let v = check_value(tx, &mut p, &def, "default", &d, None)?;
        p.finish()?;
        def.default = v;
    }
    Ok(def)
}

pub fn create(tx: &mut Tx, actor: &User, input: FieldInput) -> Result<FieldDef> {
    allow(actor, Permission::ManageReferenceLists)?;
    let mut def = check_def(tx, &input, None)?;
    def.id = tx.next_id("custom_fields")?;
    if def.sort == 0 {
        def.sort = (defs_tx(tx, def.entity)?.len() as i64 + 1) * 10;
    }
    tx.insert(&def)?;
    Ok(def)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: FieldInput) -> Result<FieldDef> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: FieldDef = tx.must(id)?;
    let new = check_def(tx, &input, Some(&old))?;
    tx.update(&old, &new)?;
    Ok(new)
}

/// Archives a field: stored values stay, forms and lists stop showing it.
pub fn archive(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: FieldDef = tx.must(id)?;
    let new = FieldDef {
        archived: true,
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(())
}

fn blank(v: &Value) -> bool {
    v.is_null()
        || v.as_str().is_some_and(|s| s.trim().is_empty())
        || v.as_array().is_some_and(Vec::is_empty)
}

fn bad(p: &mut Problems, field: &str, def: &FieldDef, what: &str) -> Option<Value> {
    p.add(field, "invalid_value", format!("{} {what}", def.name));
    None
}

/// Validates and normalises one value; None when it is blank or invalid (errors added to `p`).
fn check_value(
    tx: &Tx,
    p: &mut Problems,
    def: &FieldDef,
    field: &str,
    v: &Value,
    old: Option<&Value>,
) -> Result<Option<Value>> {
    if blank(v) {
        return Ok(None);
    }
    let as_id = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Ok(match def.kind {
        FieldKind::Text | FieldKind::LongText => {
            let max = if def.kind == FieldKind::Text {
                1000
            } else {
                20_000
            };
            match text(v) {
                Some(s) if s.chars().count() <= max => Some(json!(s)),
                Some(_) => bad(p, field, def, &format!("is longer than {max} characters")),
                None => bad(p, field, def, "must be text"),
            }
        }
        FieldKind::Url | FieldKind::Email | FieldKind::Phone => match text(v) {
            Some(s) => {
                let before = p.0.len();
                let s = match def.kind {
                    FieldKind::Url => validate::url(p, field, &s),
                    FieldKind::Email => validate::email(p, field, &s),
                    _ => validate::phone(p, field, &s),
                };
                (p.0.len() == before).then(|| json!(s))
            }
            None => bad(p, field, def, "must be text"),
        },
        FieldKind::Integer => match v.as_i64().or_else(|| text(v).and_then(|s| s.parse().ok())) {
            Some(i) => Some(json!(i)),
            None => bad(p, field, def, "must be a whole number"),
        },
        FieldKind::Decimal => match text(v)
            .map(|s| s.replace(',', "."))
            .and_then(|s| s.parse::<rust_decimal::Decimal>().ok())
        {
            Some(d) => Some(json!(d.normalize().to_string())),
            None => bad(p, field, def, "must be a number"),
        },
        FieldKind::Money => {
            let amount = v.get("amount").and_then(text);
            let currency = v.get("currency").and_then(|c| c.as_str()).unwrap_or("");
            match amount {
                Some(a) => {
                    let before = p.0.len();
                    let amt = parse_amount(p, &format!("{field}.amount"), &a);
                    let cur = check_known(tx, p, &format!("{field}.currency"), currency)?;
                    match amt {
                        Some(amt) if p.0.len() == before => {
                            Some(json!({"amount": amt.to_string(), "currency": cur}))
                        }
                        _ => None,
                    }
                }
                None => bad(
                    p,
                    field,
                    def,
                    "must be {\"amount\": \"…\", \"currency\": \"…\"}",
                ),
            }
        }
        FieldKind::Date => match v.as_str().and_then(|s| s.parse::<NaiveDate>().ok()) {
            Some(d) => Some(json!(d.to_string())),
            None => bad(p, field, def, "must be a date (YYYY-MM-DD)"),
        },
        FieldKind::Datetime => match v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        {
            Some(d) => Some(json!(d.with_timezone(&chrono::Utc).to_rfc3339())),
            None => bad(p, field, def, "must be a date and time (RFC 3339)"),
        },
        FieldKind::Boolean => match v.as_bool() {
            Some(b) => Some(json!(b)),
            None => bad(p, field, def, "must be yes or no (true/false)"),
        },
        FieldKind::Select => match as_id(v) {
            Some(id) => match def.options.iter().find(|o| o.id == id) {
                Some(o) if !o.archived || old == Some(&json!(id)) => Some(json!(id)),
                Some(_) => bad(p, field, def, "option is archived"),
                None => bad(p, field, def, "has no such option"),
            },
            None => bad(p, field, def, "must be an option id"),
        },
        FieldKind::Multiselect => match v.as_array() {
            Some(items) => {
                let old_ids: Vec<u64> = old
                    .and_then(|o| o.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
                    .unwrap_or_default();
                let mut ids = Vec::new();
                let mut ok = true;
                for it in items {
                    match as_id(it).and_then(|id| def.options.iter().find(|o| o.id == id)) {
                        Some(o) if !o.archived || old_ids.contains(&o.id) => ids.push(o.id),
                        _ => ok = false,
                    }
                }
                ids.sort_unstable();
                ids.dedup();
                if ok {
                    Some(json!(ids))
                } else {
                    bad(p, field, def, "has an unknown or archived option")
                }
            }
            None => bad(p, field, def, "must be a list of option ids"),
        },
        FieldKind::User | FieldKind::Company | FieldKind::Contact | FieldKind::Deal => {
            match as_id(v) {
                Some(id) => {
                    let exists = match def.kind {
                        FieldKind::User => tx.exists::<User>(id)?,
                        FieldKind::Company => tx.exists::<Company>(id)?,
                        FieldKind::Contact => tx.exists::<Contact>(id)?,
                        _ => tx.exists::<super::deals::Deal>(id)?,
                    };
                    if exists {
                        Some(json!(id))
                    } else {
                        p.add(field, "not_found", format!("{}: no such record", def.name));
                        None
                    }
                }
                None => bad(p, field, def, "must be a record id"),
            }
        }
    })
}

/// Validates the `custom` map of a record. Values of archived or (for deals) other-pipeline
/// fields are kept as they were; new values for them are refused.
pub fn check_values(
    tx: &Tx,
    p: &mut Problems,
    entity: Entity,
    pipeline_id: Option<u64>,
    input: &Values,
    old: Option<&Values>,
) -> Result<Values> {
    let defs = defs_tx(tx, entity)?;
    let mut out = Values::new();
    for (k, v) in input {
        let field = format!("custom.{k}");
        let def = k
            .parse::<u64>()
            .ok()
            .and_then(|id| defs.iter().find(|d| d.id == id));
        match def {
            None => p.add(field, "not_found", "no such custom field"),
            Some(d) if !d.applies(pipeline_id) => {
                if !blank(v) && old.and_then(|o| o.get(k)) != Some(v) {
                    p.add(
                        field,
                        "invalid_value",
                        format!("{} is not a field here", d.name),
                    );
                }
            }
            Some(_) => {}
        }
    }
    for d in &defs {
        let key = d.id.to_string();
        let old_v = old.and_then(|o| o.get(&key));
        if !d.applies(pipeline_id) {
            if let Some(v) = old_v {
                out.insert(key, v.clone());
            }
            continue;
        }
        let field = format!("custom.{key}");
        let given = input.get(&key);
        let v = match (given, old) {
            (Some(v), _) => Some(v.clone()),
            (None, None) => d.default.clone(),
            (None, Some(_)) => None,
        };
        let checked = match &v {
            Some(v) => check_value(tx, p, d, &field, v, old_v)?,
            None => None,
        };
        let invalid = v.as_ref().is_some_and(|v| !blank(v)) && checked.is_none();
        match checked {
            Some(c) => {
                out.insert(key, c);
            }
            None if d.required && !invalid => {
                p.add(field, "required", format!("{} is required", d.name))
            }
            None => {}
        }
    }
    Ok(out)
}

/// Filters from a query string: `cf.<id>=<value>` pairs, decoded as a browser encodes a form
/// (`+` is a space, `%XX` a byte; a malformed escape stays as it was typed).
pub fn filters_from_query(query: &str) -> Vec<(u64, String)> {
    form_urlencoded::parse(query.as_bytes())
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("cf.")?;
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let id = id.parse().ok()?;
            (!v.is_empty()).then(|| (id, v.into_owned()))
        })
        .collect()
}

/// Does a stored value match a filter value?
pub fn matches(def: &FieldDef, stored: Option<&Value>, want: &str) -> bool {
    let Some(v) = stored else {
        return false;
    };
    match def.kind {
        FieldKind::Boolean => v.as_bool().map(|b| b.to_string()) == Some(want.to_lowercase()),
        FieldKind::Multiselect => want.parse::<u64>().is_ok_and(|id| {
            v.as_array()
                .is_some_and(|a| a.iter().any(|x| x.as_u64() == Some(id)))
        }),
        FieldKind::Select
        | FieldKind::User
        | FieldKind::Company
        | FieldKind::Contact
        | FieldKind::Deal
        | FieldKind::Integer => {
            v.as_u64()
                .map(|x| x.to_string())
                .or_else(|| v.as_i64().map(|x| x.to_string()))
                .as_deref()
                == Some(want)
        }
        FieldKind::Money => v.get("currency").and_then(|c| c.as_str()) == Some(want),
        _ => v
            .as_str()
            .is_some_and(|s| s.to_lowercase().contains(&want.to_lowercase())),
    }
}

/// Keeps records whose custom values match every filter (unknown or non-filterable fields are
/// a validation error).
pub fn check_filters(
    rx: &ReadTransaction,
    filters: &[(u64, String)],
) -> Result<Vec<(FieldDef, String)>> {
    let mut out = Vec::new();
    for (id, want) in filters {
        match store::get::<FieldDef>(rx, *id)? {
            Some(d) if d.filterable => out.push((d, want.clone())),
            Some(_) => {
                return Err(Error::field(
                    format!("cf.{id}"),
                    "invalid_value",
                    "this field is not filterable",
                ));
            }
            None => {
                return Err(Error::field(
                    format!("cf.{id}"),
                    "not_found",
                    "no such custom field",
                ));
            }
        }
    }
    Ok(out)
}

/// Narrows a list's candidate ids (None = every record) to those whose custom values match
/// the `cf.<id>` filters.
pub fn narrow<R: Record>(
    rx: &ReadTransaction,
    only: Option<Vec<u64>>,
    filters: &[(u64, String)],
    custom_of: fn(&R) -> &Values,
) -> Result<Option<Vec<u64>>> {
    if filters.is_empty() {
        return Ok(only);
    }
    let cf = check_filters(rx, filters)?;
    let candidates: Vec<R> = match only {
        Some(ids) => ids
            .into_iter()
            .filter_map(|id| store::get::<R>(rx, id).transpose())
            .collect::<Result<_>>()?,
        None => store::all(rx)?,
    };
    Ok(Some(
        candidates
            .iter()
            .filter(|r| all_match(&cf, custom_of(r)))
            .map(|r| r.id())
            .collect(),
    ))
}

pub fn all_match(filters: &[(FieldDef, String)], custom: &Values) -> bool {
    filters
        .iter()
        .all(|(d, want)| matches(d, custom.get(&d.id.to_string()), want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_filters_are_read_and_decoded() {
        let f = filters_from_query("pipeline_id=1&cf.3=true&cf.7=%D0%BA%D0%B5+x&cf.x=1&cf.9=");
        assert_eq!(f, vec![(3, "true".to_string()), (7, "ке x".to_string())]);
    }

    #[test]
    fn query_decoding_is_a_url_library_s() {
        // A malformed escape is kept as typed (its `+` still a space), as form_urlencoded and
        // browsers do; the hand decoder this replaced read "%+1" as the byte 0x01.
        let f = filters_from_query("cf.1=%+1&cf.2=100%&cf.3=%zz%41&cf.4=a+b%2Bc");
        assert_eq!(
            f,
            vec![
                (1, "% 1".to_string()),
                (2, "100%".to_string()),
                (3, "%zzA".to_string()),
                (4, "a b+c".to_string()),
            ]
        );
        // Keys are decoded too; an id is digits only.
        let f = filters_from_query("cf%2E5=x&cf.+6=y&cf.-7=z&cf.=w&cf.8=%D0%BA");
        assert_eq!(f, vec![(5, "x".to_string()), (8, "к".to_string())]);
        // Invalid UTF-8 becomes U+FFFD, never a panic.
        assert_eq!(
            filters_from_query("cf.9=%FF"),
            vec![(9, "\u{FFFD}".to_string())]
        );
    }
}
