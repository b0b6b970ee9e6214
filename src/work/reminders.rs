//! Reminders: "switch the banner off on the 5th at 10:00", for oneself or a colleague, on a
//! record or standalone; and deadline reminders of tasks. A reminder is fired once: the
//! notification, the e-mail in the queue and the "fired" mark are one transaction, so one that
//! fell due while the server was down fires once at start.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Target, TargetKind, must_see,
    notify::{self, NotificationType},
    target_exists, title_of, titled,
    words::{Msg, render},
};
use crate::{
    access::{
        User,
        policy::{Action, Entity, Facts, Grants},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum ReminderKind {
    Manual,
    Deadline,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Reminder {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub note: String,
    /// Who is reminded.
    pub user_id: u64,
    pub created_by: u64,
    pub target: Option<Target>,
    pub kind: ReminderKind,
    pub fired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Record for Reminder {
    const KIND: Kind = Kind::Reminder;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::REMINDERS;
    const NAME: &'static str = "reminder";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![IndexKey::ById(tables::REMINDER_BY_USER, self.user_id)];
        if let Some(t) = &self.target {
            k.push(IndexKey::ByStr(tables::REMINDER_BY_TARGET, t.key()));
        }
        if self.fired_at.is_none() {
            k.push(IndexKey::Sorted(
                tables::REMINDER_DUE,
                crate::store::time_key(self.at, self.id),
            ));
        }
        k
    }
}

#[derive(Debug, Clone, Object)]
pub struct ReminderInput {
    pub at: Option<DateTime<Utc>>,
    #[oai(default)]
    pub note: String,
    /// Default: me.
    pub user_id: Option<u64>,
    pub target: Option<Target>,
}

pub fn create(tx: &mut Tx, actor: &User, input: ReminderInput) -> Result<Reminder> {
    let mut p = Problems::default();
    let note = validate::optional(&mut p, "note", &input.note, 2000);
    match input.at {
        None => p.add("at", "required", "is required"),
        Some(at) if at <= tx.now => p.add("at", "invalid_value", "must be in the future"),
        Some(_) => {}
    }
    let user_id = input.user_id.unwrap_or(actor.id);
    match tx.get::<User>(user_id)? {
        Some(u) if u.active => {}
        Some(_) => p.add("user_id", "invalid_value", "the user is deactivated"),
        None => p.add("user_id", "not_found", "no such user"),
    }
    let target = input.target.as_ref().map(|t| Target::new(t.kind, t.id));
    if let Some(t) = &target
        && !target_exists(tx, t)?
    {
        p.add("target.id", "not_found", "no such record");
    }
    if target.is_none() && note.is_empty() {
        p.add("note", "required", "say what to remind about");
    }
    p.finish()?;
    if let Some(t) = &target {
        must_see(tx, actor, t)?;
    }
    let at = input
        .at
        .ok_or_else(|| Error::Internal("reminder checked without a time".into()))?;
    let r = Reminder {
        id: tx.next_id("reminders")?,
        at,
        note,
        user_id,
        created_by: actor.id,
        target,
        kind: ReminderKind::Manual,
        fired_at: None,
        created_at: tx.now,
    };
    tx.insert(&r)?;
    Ok(r)
}

impl Reminder {
    /// What the policy needs to know: whom it reminds and who set it.
    pub fn facts(&self) -> Facts {
        Facts {
            responsible: Some(self.user_id),
            author: Some(self.created_by),
            ..Facts::default()
        }
    }
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    let r: Reminder = tx.must(id)?;
    Grants::load(tx, actor)?.check(Entity::Reminder, Action::Delete, &r.facts())?;
    tx.delete(&r)
}

/// Drops the pending reminders of a record that is going away.
pub fn drop_for_target(tx: &mut Tx, t: &Target) -> Result<()> {
    for id in tx.ids_by_str(tables::REMINDER_BY_TARGET, &t.key())? {
        let r: Reminder = tx.must(id)?;
        if r.fired_at.is_none() {
            tx.delete_quietly(&r)?;
        }
    }
    Ok(())
}

/// Replaces a task's pending deadline reminders by ones for its current deadline.
pub fn schedule_deadline(tx: &mut Tx, task: &super::Task) -> Result<()> {
    let target = Target::new(TargetKind::Task, task.id);
    for id in tx.ids_by_str(tables::REMINDER_BY_TARGET, &target.key())? {
        let r: Reminder = tx.must(id)?;
        if r.kind == ReminderKind::Deadline && r.fired_at.is_none() {
            tx.delete_quietly(&r)?;
        }
    }
    let Some(deadline) = task.deadline else {
        return Ok(());
    };
    if !task.status.active() {
        return Ok(());
    }
    for m in &task.remind_before {
        let at = deadline - Duration::minutes(i64::from(*m));
        if at <= tx.now {
            continue;
        }
        let r = Reminder {
            id: tx.next_id("reminders")?,
            at,
            note: format!("Deadline in {}: {}", before_text(*m), task.title),
            user_id: task.responsible_id,
            created_by: task.created_by,
            target: Some(target.clone()),
            kind: ReminderKind::Deadline,
            fired_at: None,
            created_at: tx.now,
        };
        tx.insert_quietly(&r)?;
    }
    Ok(())
}

fn before_text(m: u32) -> String {
    match m {
        m if m % 1440 == 0 => format!("{} day(s)", m / 1440),
        m if m % 60 == 0 => format!("{} hour(s)", m / 60),
        m => format!("{m} min"),
    }
}

/// Fires every reminder due by `tx.now`: a notification, an e-mail when mail is set up, and
/// the "fired" mark — all in this transaction. Returns how many fired.
pub fn fire_due(tx: &mut Tx) -> Result<usize> {
    let ids = tx.due_ids(tables::REMINDER_DUE, usize::MAX)?;
    let mail_on = super::mail::settings_in(tx)?.is_some();
    for id in &ids {
        let old: Reminder = tx.must(*id)?;
        let new = Reminder {
            fired_at: Some(tx.now),
            ..old.clone()
        };
        tx.update_quietly(&old, &new)?;
        let title = match &new.target {
            Some(t) => title_of(tx, t)?,
            None => String::new(),
        };
        let Some(u) = tx.get::<User>(new.user_id)?.filter(|u| u.active) else {
            continue;
        };
        // A deadline reminder speaks of the task as it is now, in the recipient's language.
        let deadline = match (&new.kind, &new.target) {
            (ReminderKind::Deadline, Some(t)) if t.kind == TargetKind::Task => tx
                .get::<super::Task>(t.id)?
                .and_then(|task| task.deadline)
                .map(|d| (d - new.at).num_minutes()),
            _ => None,
        };
        let text = match (deadline, new.note.is_empty(), title.is_empty()) {
            (Some(minutes), _, _) => render(
                &Msg::Deadline {
                    minutes,
                    title: &title,
                },
                u.language,
                &u.time_zone,
            ),
            (None, false, _) => new.note.clone(),
            (None, true, false) => title.clone(),
            (None, true, true) => "⏰".to_string(),
        };
        notify::send(
            tx,
            new.user_id,
            NotificationType::Reminder,
            Msg::Text(&text),
            new.target.clone(),
        )?;
        if mail_on && !u.email.is_empty() {
            let (subject, body) =
                super::words::reminder_mail(u.language, &u.time_zone, &text, &title, new.at);
            super::mail::enqueue(tx, &u.email, &subject, &body)?;
        }
    }
    Ok(ids.len())
}

fn fill(rx: &ReadTransaction, mut r: Reminder) -> Result<Reminder> {
    r.target = r.target.map(|t| titled(rx, t)).transpose()?;
    Ok(r)
}

/// Reminders on a record (that the reader may see), or the reader's own: pending first. A
/// reminder is personal: on a record one sees those for oneself or set by oneself (admins: all).
pub fn list(rx: &ReadTransaction, actor: &User, target: Option<&Target>) -> Result<Vec<Reminder>> {
    let grants = Grants::load(rx, actor)?;
    let ids = match target {
        Some(t) => {
            must_see(rx, actor, t)?;
            store::ids_by_str(rx, tables::REMINDER_BY_TARGET, &t.key())?
        }
        None => store::ids_by(rx, tables::REMINDER_BY_USER, actor.id)?,
    };
    let mut out = Vec::new();
    for id in ids {
        if let Some(r) = store::get::<Reminder>(rx, id)?
            && grants.may(Entity::Reminder, Action::Read, &r.facts())
        {
            out.push(fill(rx, r)?);
        }
    }
    out.sort_by(|a, b| {
        a.fired_at
            .is_some()
            .cmp(&b.fired_at.is_some())
            .then(a.at.cmp(&b.at))
    });
    Ok(out)
}
