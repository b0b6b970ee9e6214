//! History entries: what changed in a record, field by field, and reading them back.

use chrono::{DateTime, Utc};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{Kind, codec, history_key, tables::HISTORY};
use crate::error::{Ctx, Error, Result};

/// Fields that change on every write and say nothing to a reader of the history.
const HISTORY_ALWAYS_SKIP: &[&str] =
    &["id", "created_at", "updated_at", "created_by", "updated_by"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Updated,
    Deleted,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub user_id: Option<u64>,
    pub action: Action,
    pub changes: Vec<Change>,
}

pub(super) fn to_json<R: Serialize>(r: &R) -> Result<serde_json::Value> {
    serde_json::to_value(r).map_err(|e| Error::Internal(format!("record to json: {e}")))
}

/// Field-by-field difference of two JSON objects (Null stands for "no record").
pub fn diff(old: &serde_json::Value, new: &serde_json::Value, skip: &[&str]) -> Vec<Change> {
    let empty = serde_json::Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    let mut fields: Vec<&String> = o.keys().chain(n.keys()).collect();
    fields.sort();
    fields.dedup();
    let blank = |v: &serde_json::Value| {
        v.is_null()
            || v.as_str().is_some_and(str::is_empty)
            || v.as_array().is_some_and(Vec::is_empty)
    };
    let mut out = Vec::new();
    for f in fields {
        if HISTORY_ALWAYS_SKIP.contains(&f.as_str()) || skip.contains(&f.as_str()) {
            continue;
        }
        let ov = o.get(f).cloned().unwrap_or(serde_json::Value::Null);
        let nv = n.get(f).cloned().unwrap_or(serde_json::Value::Null);
        if ov == nv || (blank(&ov) && blank(&nv)) {
            continue;
        }
        out.push(Change {
            field: f.clone(),
            old: ov,
            new: nv,
        });
    }
    out
}

/// History of one record, newest first.
pub fn history(rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Vec<HistoryEntry>> {
    let t = rx.open_table(HISTORY).ctx("open history")?;
    let from = history_key(kind, id, 0);
    let to = history_key(kind, id, u64::MAX);
    let mut out = Vec::new();
    for row in t
        .range(from.as_slice()..=to.as_slice())
        .ctx("read history")?
        .rev()
    {
        let (_, v) = row.ctx("read history")?;
        out.push(codec::decode(v.value(), "history entry")?);
    }
    Ok(out)
}
