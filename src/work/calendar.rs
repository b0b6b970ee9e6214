//! The calendar: events with attendees who accept or decline, and one view that puts a user's
//! events, task deadlines and activities side by side. Calendars are open in the office: a
//! colleague's can be opened (tasks in it only when the reader may see them).

use chrono::{DateTime, Duration, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Reader, Target, TargetKind, check_link, check_users,
    notify::{self, NotificationType},
    str_of, titled,
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
pub enum Response {
    Pending,
    Accepted,
    Declined,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Attendee {
    pub user_id: u64,
    pub response: Response,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct CalEvent {
    pub id: u64,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub all_day: bool,
    pub place: String,
    pub description: String,
    pub organizer_id: u64,
    pub attendees: Vec<Attendee>,
    pub link: Option<Target>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    #[oai(default)]
    pub comment_count: u64,
}

impl Record for CalEvent {
    const KIND: Kind = Kind::CalEvent;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::CAL_EVENTS;
    const NAME: &'static str = "event";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k: Vec<IndexKey> = self
            .people()
            .into_iter()
            .map(|u| IndexKey::ById(tables::CAL_EVENT_BY_USER, u))
            .collect();
        if let Some(l) = &self.link {
            k.push(IndexKey::ByStr(tables::CAL_EVENT_BY_LINK, l.key()));
        }
        k
    }
}

impl CalEvent {
    /// What the policy needs to know about the event: its organizer and attendees.
    pub fn facts(&self) -> Facts {
        Facts {
            author: Some(self.organizer_id),
            participants: self.attendees.iter().map(|a| a.user_id).collect(),
            ..Facts::default()
        }
    }

    pub fn people(&self) -> Vec<u64> {
        let mut v: Vec<u64> = std::iter::once(self.organizer_id)
            .chain(self.attendees.iter().map(|a| a.user_id))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[derive(Debug, Clone, Object)]
pub struct EventInput {
    #[oai(default)]
    pub title: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    #[oai(default)]
    pub all_day: bool,
    #[oai(default)]
    pub place: String,
    #[oai(default)]
    pub description: String,
    #[oai(default)]
    pub attendee_ids: Vec<u64>,
    pub link: Option<Target>,
}

struct Checked {
    title: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    place: String,
    description: String,
    link: Option<Target>,
}

fn check(tx: &Tx, input: &EventInput) -> Result<Checked> {
    let mut p = Problems::default();
    let title = validate::required(&mut p, "title", &input.title, 500);
    let place = validate::optional(&mut p, "place", &input.place, 500);
    let description = validate::optional(&mut p, "description", &input.description, 20_000);
    if input.start.is_none() {
        p.add("start", "required", "is required");
    }
    if let (Some(s), Some(e)) = (input.start, input.end)
        && e < s
    {
        p.add("end", "invalid_value", "must not be before the start");
    }
    check_users(tx, &mut p, "attendee_ids", &input.attendee_ids)?;
    let link = input.link.as_ref().map(|l| Target::new(l.kind, l.id));
    check_link(tx, &mut p, "link", &link)?;
    p.finish()?;
    let start = input
        .start
        .ok_or_else(|| Error::Internal("event checked without a start".into()))?;
    let end = input.end.unwrap_or(start + Duration::hours(1));
    Ok(Checked {
        title,
        start,
        end,
        place,
        description,
        link,
    })
}

fn invite(tx: &mut Tx, actor: &User, e: &CalEvent, users: &[u64]) -> Result<()> {
    for u in users {
        notify::send(
            tx,
            *u,
            NotificationType::EventInvite,
            super::words::Msg::Invites {
                who: &actor.name,
                title: &e.title,
                at: e.start,
            },
            Some(Target::new(TargetKind::Event, e.id)),
        )?;
    }
    Ok(())
}

pub fn create(tx: &mut Tx, actor: &User, input: EventInput) -> Result<CalEvent> {
    let c = check(tx, &input)?;
    let mut ids = input.attendee_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let e = CalEvent {
        id: tx.next_id("cal_events")?,
        title: c.title,
        start: c.start,
        end: c.end,
        all_day: input.all_day,
        place: c.place,
        description: c.description,
        organizer_id: actor.id,
        attendees: ids
            .iter()
            .filter(|u| **u != actor.id)
            .map(|u| Attendee {
                user_id: *u,
                response: Response::Pending,
            })
            .collect(),
        link: c.link,
        created_at: tx.now,
        updated_at: tx.now,
        comment_count: 0,
    };
    tx.insert(&e)?;
    let invited: Vec<u64> = e.attendees.iter().map(|a| a.user_id).collect();
    invite(tx, actor, &e, &invited)?;
    tx.signal("calendar", e.people());
    fill(tx, e)
}

fn editable(tx: &Tx, actor: &User, id: u64, action: Action) -> Result<CalEvent> {
    let e: CalEvent = tx.must(id)?;
    Grants::load(tx, actor)?.check(Entity::Event, action, &e.facts())?;
    Ok(e)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: EventInput) -> Result<CalEvent> {
    let old = editable(tx, actor, id, Action::Edit)?;
    let c = check(tx, &input)?;
    let mut attendees = Vec::new();
    for u in &input.attendee_ids {
        if *u == old.organizer_id || attendees.iter().any(|a: &Attendee| a.user_id == *u) {
            continue;
        }
        let kept = old.attendees.iter().find(|a| a.user_id == *u);
        attendees.push(kept.cloned().unwrap_or(Attendee {
            user_id: *u,
            response: Response::Pending,
        }));
    }
    let moved = old.start != c.start || old.end != c.end;
    if moved {
        // A new time asks everyone again.
        for a in &mut attendees {
            a.response = Response::Pending;
        }
    }
    let new = CalEvent {
        title: c.title,
        start: c.start,
        end: c.end,
        all_day: input.all_day,
        place: c.place,
        description: c.description,
        attendees,
        link: c.link,
        updated_at: tx.now,
        ..old.clone()
    };
    if tx.update(&old, &new)? {
        let newly: Vec<u64> = new
            .attendees
            .iter()
            .map(|a| a.user_id)
            .filter(|u| moved || !old.attendees.iter().any(|a| a.user_id == *u))
            .collect();
        invite(tx, actor, &new, &newly)?;
        let mut people = new.people();
        people.extend(old.people());
        tx.signal("calendar", people);
    }
    fill(tx, new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    let old = editable(tx, actor, id, Action::Delete)?;
    super::reminders::drop_for_target(tx, &Target::new(TargetKind::Event, id))?;
    tx.signal("calendar", old.people());
    tx.delete(&old)
}

pub fn respond(tx: &mut Tx, actor: &User, id: u64, response: Response) -> Result<CalEvent> {
    let old: CalEvent = tx.must(id)?;
    if response == Response::Pending {
        return Err(Error::field(
            "response",
            "invalid_value",
            "accepted or declined",
        ));
    }
    Grants::load(tx, actor)?.check(Entity::Event, Action::Respond, &old.facts())?;
    let mut new = old.clone();
    let a = new
        .attendees
        .iter_mut()
        .find(|a| a.user_id == actor.id)
        .ok_or(Error::NotFound("attendee"))?;
    a.response = response;
    if tx.update(&old, &new)? {
        notify::send(
            tx,
            new.organizer_id,
            NotificationType::EventResponse,
            super::words::Msg::Answered {
                who: &actor.name,
                accepted: response == Response::Accepted,
                title: &new.title,
            },
            Some(Target::new(TargetKind::Event, new.id)),
        )?;
        tx.signal("calendar", new.people());
    }
    fill(tx, new)
}

/// The event as the API shows it (from a snapshot, or from the write that changed it).
pub fn fill(rx: &impl Reader, mut e: CalEvent) -> Result<CalEvent> {
    e.link = e.link.map(|l| titled(rx, l)).transpose()?;
    e.comment_count = super::comments::count(rx, &Target::new(TargetKind::Event, e.id))?;
    Ok(e)
}

pub fn get(rx: &ReadTransaction, _actor: &User, id: u64) -> Result<CalEvent> {
    let e = store::get::<CalEvent>(rx, id)?.ok_or(Error::NotFound("event"))?;
    fill(rx, e)
}

#[derive(Debug, Clone, Object)]
pub struct CalItem {
    /// event, task or activity
    #[oai(rename = "type")]
    pub item_type: String,
    pub id: u64,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub link: Option<Target>,
    /// Events: the user's answer (accepted for the organizer); tasks: their status;
    /// activities: planned or done.
    pub status: String,
    pub place: String,
}

/// The calendar view of `user` for `reader`: a range of at most 400 days of a user who exists.
pub fn view(
    rx: &ReadTransaction,
    reader: &User,
    user: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalItem>> {
    if to < from || to - from > Duration::days(400) {
        return Err(Error::field(
            "to",
            "invalid_value",
            "after from, at most 400 days later",
        ));
    }
    if store::get::<User>(rx, user)?.is_none() {
        return Err(Error::NotFound("user"));
    }
    items(rx, reader, user, from, to)
}

/// One user's calendar between `from` and `to`, as `reader` may see it.
pub fn items(
    rx: &ReadTransaction,
    reader: &User,
    user: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalItem>> {
    let grants = Grants::load(rx, reader)?;
    let mut out = Vec::new();
    for id in store::ids_by(rx, tables::CAL_EVENT_BY_USER, user)? {
        let Some(e) = store::get::<CalEvent>(rx, id)? else {
            continue;
        };
        if e.end < from || e.start >= to {
            continue;
        }
        let status = if e.organizer_id == user {
            "accepted".to_string()
        } else {
            e.attendees
                .iter()
                .find(|a| a.user_id == user)
                .map(|a| str_of(&a.response))
                .unwrap_or_default()
        };
        out.push(CalItem {
            item_type: "event".into(),
            id: e.id,
            title: e.title.clone(),
            start: e.start,
            end: Some(e.end),
            all_day: e.all_day,
            link: e.link.map(|l| titled(rx, l)).transpose()?,
            status,
            place: e.place,
        });
    }
    for id in store::ids_by(rx, tables::TASK_BY_RESPONSIBLE, user)? {
        let Some(t) = store::get::<super::Task>(rx, id)? else {
            continue;
        };
        let Some(d) = t.deadline else { continue };
        if d < from || d >= to || !t.visible_to(&grants) {
            continue;
        }
        out.push(CalItem {
            item_type: "task".into(),
            id: t.id,
            title: t.title.clone(),
            start: d,
            end: None,
            all_day: false,
            link: t.link.map(|l| titled(rx, l)).transpose()?,
            status: str_of(&t.status),
            place: String::new(),
        });
    }
    for id in store::ids_by(rx, tables::ACTIVITY_BY_RESPONSIBLE, user)? {
        let Some(a) = store::get::<super::Activity>(rx, id)? else {
            continue;
        };
        if a.due_at < from || a.due_at >= to {
            continue;
        }
        out.push(CalItem {
            item_type: "activity".into(),
            id: a.id,
            title: a.subject.clone(),
            start: a.due_at,
            end: Some(a.due_at + Duration::minutes(i64::from(a.duration_min))),
            all_day: false,
            link: Some(titled(rx, a.link)?),
            status: if a.done { "done" } else { "planned" }.into(),
            place: String::new(),
        });
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
    Ok(out)
}
