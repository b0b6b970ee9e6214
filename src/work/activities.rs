//! Activities on CRM records: calls, e-mails, meetings and to-dos, planned then done with a
//! result note.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{Reader, Target, check_link, titled};
use crate::{
    access::{
        User,
        policy::{Action, Entity, Facts, Grants, Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum ActivityKind {
    Call,
    Email,
    Meeting,
    Todo,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Activity {
    pub id: u64,
    pub kind: ActivityKind,
    pub subject: String,
    pub description: String,
    pub due_at: DateTime<Utc>,
    pub duration_min: u32,
    pub responsible_id: u64,
    pub link: Target,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub result: String,
    pub created_by: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    #[oai(default)]
    pub overdue: bool,
}

impl Record for Activity {
    const KIND: Kind = Kind::Activity;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::ACTIVITIES;
    const NAME: &'static str = "activity";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![
            IndexKey::ById(tables::ACTIVITY_BY_RESPONSIBLE, self.responsible_id),
            IndexKey::ByStr(tables::ACTIVITY_BY_LINK, self.link.key()),
        ]
    }
}

impl Activity {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        !self.done && self.due_at < now
    }
}

#[derive(Debug, Clone, Object)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    #[oai(default)]
    pub subject: String,
    #[oai(default)]
    pub description: String,
    pub due_at: Option<DateTime<Utc>>,
    pub duration_min: Option<u32>,
    pub responsible_id: Option<u64>,
    pub link: Option<Target>,
}

struct Checked {
    subject: String,
    description: String,
    due_at: DateTime<Utc>,
    duration_min: u32,
    responsible_id: u64,
    link: Target,
}

fn check(tx: &Tx, actor: &User, input: &ActivityInput) -> Result<Checked> {
    let mut p = Problems::default();
    let subject = validate::required(&mut p, "subject", &input.subject, 500);
    let description = validate::optional(&mut p, "description", &input.description, 20_000);
    if input.due_at.is_none() {
        p.add("due_at", "required", "is required");
    }
    let duration_min = input.duration_min.unwrap_or(30);
    if duration_min > 24 * 60 * 7 {
        p.add("duration_min", "invalid_value", "at most a week");
    }
    let responsible_id = input.responsible_id.unwrap_or(actor.id);
    match tx.get::<User>(responsible_id)? {
        Some(u) if u.active => {}
        Some(_) => p.add("responsible_id", "invalid_value", "the user is deactivated"),
        None => p.add("responsible_id", "not_found", "no such user"),
    }
    let link = input.link.as_ref().map(|l| Target::new(l.kind, l.id));
    if link.is_none() {
        p.add(
            "link",
            "required",
            "an activity belongs to a company, contact, lead or deal",
        );
    }
    check_link(tx, &mut p, "link", &link)?;
    p.finish()?;
    match (input.due_at, link) {
        (Some(due_at), Some(link)) => Ok(Checked {
            subject,
            description,
            due_at,
            duration_min,
            responsible_id,
            link,
        }),
        _ => Err(Error::Internal(
            "activity checked without due_at or link".into(),
        )),
    }
}

fn signal(tx: &mut Tx, a: &Activity, old: Option<&Activity>) {
    let mut users = vec![a.responsible_id];
    if let Some(o) = old
        && o.responsible_id != a.responsible_id
    {
        users.push(o.responsible_id);
    }
    tx.signal("counters", users);
}

pub fn create(tx: &mut Tx, actor: &User, input: ActivityInput) -> Result<Activity> {
    allow(actor, Permission::WriteCrm)?;
    let c = check(tx, actor, &input)?;
    let a = Activity {
        id: tx.next_id("activities")?,
        kind: input.kind,
        subject: c.subject,
        description: c.description,
        due_at: c.due_at,
        duration_min: c.duration_min,
        responsible_id: c.responsible_id,
        link: c.link,
        done: false,
        done_at: None,
        result: String::new(),
        created_by: actor.id,
        created_at: tx.now,
        updated_at: tx.now,
        overdue: false,
    };
    tx.insert(&a)?;
    signal(tx, &a, None);
    if a.responsible_id != actor.id {
        super::notify::send(
            tx,
            a.responsible_id,
            super::notify::NotificationType::TaskAssigned,
            super::words::Msg::Planned {
                who: &actor.name,
                subject: &a.subject,
            },
            Some(a.link.clone()),
        )?;
    }
    let now = tx.now;
    fill(tx, a, now)
}

impl Activity {
    /// What the policy needs to know: the responsible and the author.
    pub fn facts(&self) -> Facts {
        Facts {
            responsible: Some(self.responsible_id),
            author: Some(self.created_by),
            ..Facts::default()
        }
    }
}

fn editable(tx: &Tx, actor: &User, id: u64, action: Action) -> Result<Activity> {
    allow(actor, Permission::WriteCrm)?;
    let a: Activity = tx.must(id)?;
    Grants::load(tx, actor)?.check(Entity::Activity, action, &a.facts())?;
    Ok(a)
}

fn save(tx: &mut Tx, old: &Activity, mut new: Activity) -> Result<Activity> {
    new.updated_at = tx.now;
    if tx.update(old, &new)? {
        signal(tx, &new, Some(old));
    } else {
        new = old.clone();
    }
    let now = tx.now;
    fill(tx, new, now)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: ActivityInput) -> Result<Activity> {
    let old = editable(tx, actor, id, Action::Edit)?;
    let c = check(tx, actor, &input)?;
    let new = Activity {
        kind: input.kind,
        subject: c.subject,
        description: c.description,
        due_at: c.due_at,
        duration_min: c.duration_min,
        responsible_id: c.responsible_id,
        link: c.link,
        ..old.clone()
    };
    save(tx, &old, new)
}

pub fn complete(tx: &mut Tx, actor: &User, id: u64, result: &str) -> Result<Activity> {
    let old = editable(tx, actor, id, Action::Work)?;
    let mut p = Problems::default();
    let result = validate::optional(&mut p, "result", result, 20_000);
    p.finish()?;
    let new = Activity {
        done: true,
        done_at: Some(tx.now),
        result,
        ..old.clone()
    };
    save(tx, &old, new)
}

pub fn reopen(tx: &mut Tx, actor: &User, id: u64) -> Result<Activity> {
    let old = editable(tx, actor, id, Action::Work)?;
    let new = Activity {
        done: false,
        done_at: None,
        ..old.clone()
    };
    save(tx, &old, new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    let old = editable(tx, actor, id, Action::Delete)?;
    signal(tx, &old, None);
    tx.delete(&old)
}

/// The activity as the API shows it (from a snapshot, or from the write that changed it).
pub fn fill(rx: &impl Reader, mut a: Activity, now: DateTime<Utc>) -> Result<Activity> {
    a.overdue = a.is_overdue(now);
    a.link = titled(rx, a.link)?;
    Ok(a)
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64, now: DateTime<Utc>) -> Result<Activity> {
    allow(actor, Permission::ReadCrm)?;
    let a = store::get::<Activity>(rx, id)?.ok_or(Error::NotFound("activity"))?;
    fill(rx, a, now)
}

pub struct Filter {
    pub link: Option<Target>,
    pub responsible_id: Option<u64>,
    pub done: Option<bool>,
}

/// Planned first by due time, then done newest first. Returns (page, total).
pub fn list(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    now: DateTime<Utc>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<Activity>, Option<String>, usize)> {
    allow(actor, Permission::ReadCrm)?;
    let after = crate::cursor::decode(cursor)?;
    let ids: Vec<u64> = match (&f.link, f.responsible_id) {
        (Some(l), _) => store::ids_by_str(rx, tables::ACTIVITY_BY_LINK, &l.key())?,
        (None, Some(r)) => store::ids_by(rx, tables::ACTIVITY_BY_RESPONSIBLE, r)?,
        (None, None) => store::ids_by(rx, tables::ACTIVITY_BY_RESPONSIBLE, actor.id)?,
    };
    let mut rows = Vec::new();
    for id in ids {
        let Some(a) = store::get::<Activity>(rx, id)? else {
            continue;
        };
        if f.responsible_id.is_some_and(|r| r != a.responsible_id) {
            continue;
        }
        if f.done.is_some_and(|d| d != a.done) {
            continue;
        }
        rows.push(a);
    }
    let total = rows.len();
    let keyed = rows.into_iter().map(|a| (list_key(&a), a)).collect();
    let (page, next_cursor) = crate::cursor::page_in_memory(keyed, false, after.as_deref(), limit);
    let page = page
        .into_iter()
        .map(|a| fill(rx, a, now))
        .collect::<Result<Vec<_>>>()?;
    Ok((page, next_cursor, total))
}

/// The activity list's order as a cursor key: open ones first, soonest due first; then done
/// ones, last done first; by id among equals.
fn list_key(a: &Activity) -> Vec<u8> {
    use crate::cursor::Key;
    let k = if !a.done {
        Key::new().group(0).time(a.due_at)
    } else {
        match a.done_at {
            Some(d) => Key::new().group(1).group(0).time_desc(d),
            None => Key::new().group(1).group(1),
        }
    };
    k.id(a.id).into_bytes()
}

/// Activities linked to a record.
pub fn linked(rx: &ReadTransaction, link: &Target) -> Result<Vec<Activity>> {
    let mut out = Vec::new();
    for id in store::ids_by_str(rx, tables::ACTIVITY_BY_LINK, &link.key())? {
        if let Some(a) = store::get::<Activity>(rx, id)? {
            out.push(a);
        }
    }
    Ok(out)
}
