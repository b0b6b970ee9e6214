//! Work: tasks, activities, comments, the feed, notifications, reminders, the calendar, and
//! the mail that carries reminders out of the app. Everything here hangs off a `Target`: the
//! record a task, comment or reminder is about.

pub mod activities;
pub mod agenda;
pub mod calendar;
pub mod comments;
pub mod feed;
pub mod history;
pub mod ical;
pub mod mail;
pub mod notify;
pub mod reminders;
pub mod scheduler;
pub mod tasks;
pub mod timeline;
pub mod words;

use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::{
        User, departments,
        policy::{Action, Entity, Facts, Grants},
    },
    crm::{Company, Contact, deals::Deal, leads::Lead},
    error::{Error, Problems, Result},
    store::{self, Record, Tx},
};

pub use activities::Activity;
pub use calendar::CalEvent;
pub use comments::Comment;
pub use feed::FeedItem;
pub use ical::IcalFeed;
pub use mail::{Mail, MailSettings};
pub use notify::Notification;
pub use reminders::Reminder;
pub use tasks::Task;

/// What a link, comment or reminder points at: a subset of the record kinds, declared in
/// `store::kind` with its names and conversions.
pub use crate::store::TargetKind;

impl TargetKind {
    /// A CRM record (company, contact, lead, deal): what tasks and activities link to.
    pub fn is_crm(self) -> bool {
        matches!(
            self,
            TargetKind::Company | TargetKind::Contact | TargetKind::Lead | TargetKind::Deal
        )
    }
}

/// A record something is about. `title` is filled when read (the record's current name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Target {
    pub kind: TargetKind,
    pub id: u64,
    /// The record's current name (filled in answers; ignored in requests).
    #[serde(skip)]
    #[oai(default)]
    pub title: String,
}

impl Target {
    pub fn new(kind: TargetKind, id: u64) -> Target {
        Target {
            kind,
            id,
            title: String::new(),
        }
    }

    /// The index key: `deal:5`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.id)
    }
}

/// Reads records from a read snapshot or from inside a write transaction, so the visibility
/// and naming rules are written once for both (and the policy can read the department tree).
pub trait Reader: departments::Source {
    fn rec<R: Record>(&self, id: u64) -> Result<Option<R>>;
    /// The ids a text-keyed index holds under `key`.
    fn ids_by_str(
        &self,
        def: redb::MultimapTableDefinition<'static, &'static str, u64>,
        key: &str,
    ) -> Result<Vec<u64>>;
}

impl Reader for ReadTransaction {
    fn rec<R: Record>(&self, id: u64) -> Result<Option<R>> {
        store::get::<R>(self, id)
    }
    fn ids_by_str(
        &self,
        def: redb::MultimapTableDefinition<'static, &'static str, u64>,
        key: &str,
    ) -> Result<Vec<u64>> {
        store::ids_by_str(self, def, key)
    }
}

impl Reader for Tx {
    fn rec<R: Record>(&self, id: u64) -> Result<Option<R>> {
        self.get::<R>(id)
    }
    fn ids_by_str(
        &self,
        def: redb::MultimapTableDefinition<'static, &'static str, u64>,
        key: &str,
    ) -> Result<Vec<u64>> {
        Tx::ids_by_str(self, def, key)
    }
}

/// Does the record exist (in this transaction)?
pub fn target_exists(tx: &Tx, t: &Target) -> Result<bool> {
    match t.kind {
        TargetKind::Company => tx.exists::<Company>(t.id),
        TargetKind::Contact => tx.exists::<Contact>(t.id),
        TargetKind::Lead => tx.exists::<Lead>(t.id),
        TargetKind::Deal => tx.exists::<Deal>(t.id),
        TargetKind::Task => tx.exists::<Task>(t.id),
        TargetKind::Event => tx.exists::<CalEvent>(t.id),
        TargetKind::Post => Ok(tx
            .get::<FeedItem>(t.id)?
            .is_some_and(|f| f.kind == feed::FeedType::Post)),
    }
}

/// Checks a link of a task or activity: a CRM record that exists.
pub fn check_link(tx: &Tx, p: &mut Problems, field: &str, link: &Option<Target>) -> Result<()> {
    if let Some(l) = link {
        if !l.kind.is_crm() {
            p.add(
                format!("{field}.kind"),
                "invalid_value",
                "links go to a company, contact, lead or deal",
            );
        } else if !target_exists(tx, l)? {
            p.add(format!("{field}.id"), "not_found", "no such record");
        }
    }
    Ok(())
}

/// Checks that every id names a user.
pub fn check_users(tx: &Tx, p: &mut Problems, field: &str, ids: &[u64]) -> Result<()> {
    for (i, u) in ids.iter().enumerate() {
        if !tx.exists::<User>(*u)? {
            p.add(format!("{field}[{i}]"), "not_found", "no such user");
        }
    }
    Ok(())
}

/// The record's current name ("" when it is gone).
pub fn title_of(rx: &impl Reader, t: &Target) -> Result<String> {
    Ok(match t.kind {
        TargetKind::Company => rx.rec::<Company>(t.id)?.map(|c| c.name),
        TargetKind::Contact => rx.rec::<Contact>(t.id)?.map(|c| c.full_name()),
        TargetKind::Lead => rx.rec::<Lead>(t.id)?.map(|l| l.title),
        TargetKind::Deal => rx.rec::<Deal>(t.id)?.map(|d| d.title),
        TargetKind::Task => rx.rec::<Task>(t.id)?.map(|x| x.title),
        TargetKind::Event => rx.rec::<CalEvent>(t.id)?.map(|e| e.title),
        TargetKind::Post => rx.rec::<FeedItem>(t.id)?.map(|f| short(&f.text, 80)),
    }
    .unwrap_or_default())
}

/// Fills `title` of a target for an answer.
pub fn titled(rx: &impl Reader, mut t: Target) -> Result<Target> {
    t.title = title_of(rx, &t)?;
    Ok(t)
}

pub fn short(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// The policy's entity of a target kind.
pub fn entity_of(kind: TargetKind) -> Entity {
    match kind {
        TargetKind::Company => Entity::Company,
        TargetKind::Contact => Entity::Contact,
        TargetKind::Lead => Entity::Lead,
        TargetKind::Deal => Entity::Deal,
        TargetKind::Task => Entity::Task,
        TargetKind::Event => Entity::Event,
        TargetKind::Post => Entity::Post,
    }
}

/// What the policy needs to know about a target, or None when it is gone (or is not what
/// the target says: a feed entry that is not a post). CRM records are not read: every user
/// has the "all" scope on them today (scopes will fill responsible, department and stage).
pub fn facts_of(rx: &impl Reader, t: &Target) -> Result<Option<Facts>> {
    Ok(match t.kind {
        k if k.is_crm() => Some(Facts::default()),
        TargetKind::Task => rx.rec::<Task>(t.id)?.map(|x| x.facts()),
        TargetKind::Event => Some(Facts::default()),
        TargetKind::Post => rx.rec::<FeedItem>(t.id)?.map(|f| f.facts()),
        _ => None,
    })
}

/// May the holder of these grants see the record? The policy decides from the record's facts.
pub fn can_see_as(rx: &impl Reader, g: &Grants, t: &Target) -> Result<bool> {
    Ok(match facts_of(rx, t)? {
        Some(f) => g.may(entity_of(t.kind), Action::Read, &f),
        None => false,
    })
}

/// May this user see the record? CRM records: whoever reads the CRM; tasks: their people;
/// events: everyone (calendars are open in the office); posts: their audience.
pub fn can_see(rx: &impl Reader, user: &User, t: &Target) -> Result<bool> {
    can_see_as(rx, &Grants::load(rx, user)?, t)
}

/// Fails with 404 when the user may not see the record (as if it did not exist).
pub fn must_see(rx: &impl Reader, user: &User, t: &Target) -> Result<()> {
    if can_see(rx, user, t)? {
        Ok(())
    } else {
        Err(Error::NotFound("record"))
    }
}

/// The wire name of a unit enum value ("in_progress", "call"…).
pub fn str_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Names `@login` mentions in a text, in order, without repeats.
pub fn mentioned_logins(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || matches!(chars[j], '.' | '_' | '-'))
            {
                j += 1;
            }
            let login: String = chars[i + 1..j].iter().collect();
            let login = login.trim_end_matches(['.', '-']).to_lowercase();
            if !login.is_empty() && !out.contains(&login) {
                out.push(login);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_once_and_not_in_e_mail_addresses() {
        assert_eq!(
            mentioned_logins("@olena please call; cc @Ivan.P. and @olena, not a@b.ua"),
            vec!["olena".to_string(), "ivan.p".to_string()]
        );
        assert!(mentioned_logins("no mentions @ all").is_empty());
    }
}
