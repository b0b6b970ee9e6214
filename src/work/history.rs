//! The history of a record (who changed what and when) as readers see it: the stored entries
//! with the author's name, behind the rule of who may read it.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;

use super::{Target, TargetKind, tasks};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Result},
    store::{self, Kind},
};

#[derive(Debug, Clone, Object)]
pub struct ChangeOut {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

#[derive(Debug, Clone, Object)]
pub struct HistoryItem {
    pub at: DateTime<Utc>,
    pub user_id: Option<u64>,
    pub user_name: String,
    /// created, updated or deleted
    pub action: String,
    pub changes: Vec<ChangeOut>,
}

/// The store's kind for the history of a target (posts keep none).
pub fn kind_for_history(k: TargetKind) -> Option<Kind> {
    // Posts are feed entries: the feed is their history.
    (k != TargetKind::Post).then(|| Kind::from(k))
}

/// The history of a CRM record (whoever reads the CRM) or of a task (its people), newest first.
pub fn of(
    rx: &ReadTransaction,
    reader: &User,
    t: &Target,
    now: DateTime<Utc>,
) -> Result<Vec<HistoryItem>> {
    match t.kind {
        k if k.is_crm() => allow(reader, Permission::ReadCrm)?,
        TargetKind::Task => {
            tasks::get(rx, reader, t.id, now)?;
        }
        _ => return Err(Error::field("kind", "invalid_value", "no history")),
    }
    let kind = kind_for_history(t.kind)
        .ok_or_else(|| Error::field("kind", "invalid_value", "no history"))?;
    entries(rx, kind, t.id)
}

/// The stored entries of a record with their authors' names, newest first (no access check:
/// callers decide who reads them).
pub fn entries(rx: &ReadTransaction, kind: Kind, id: u64) -> Result<Vec<HistoryItem>> {
    let entries = store::history(rx, kind, id)?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let user_name = match e.user_id {
            Some(u) => store::get::<User>(rx, u)?
                .map(|u| u.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(HistoryItem {
            at: e.at,
            user_id: e.user_id,
            user_name,
            action: serde_json::to_value(e.action)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            changes: e
                .changes
                .into_iter()
                .map(|c| ChangeOut {
                    field: c.field,
                    old: c.old,
                    new: c.new,
                })
                .collect(),
        });
    }
    Ok(out)
}
