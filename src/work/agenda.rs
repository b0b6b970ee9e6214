//! "My activities": open tasks and planned activities grouped by when they are due, in the
//! user's own time zone, and the counters that stand in the navigation.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use poem_openapi::Object;
use redb::ReadTransaction;

use super::{
    Target, TargetKind, activities::Activity, str_of, tasks::Due, tasks::Task, tasks::due_group,
    titled,
};
use crate::{
    access::{
        User,
        policy::{Action, Entity, Facts, Grants},
    },
    error::{Error, Result},
    store::{self, tables},
};

/// The most records one `counts` call answers for.
pub const MAX_COUNT_IDS: usize = 500;

/// "Now", the start of tomorrow and the end of this week (Monday–Sunday), in a time zone.
#[derive(Debug, Clone, Copy)]
pub struct Periods {
    pub now: DateTime<Utc>,
    pub tomorrow: DateTime<Utc>,
    pub week_end: DateTime<Utc>,
}

impl Periods {
    pub fn new(tz_name: &str, now: DateTime<Utc>) -> Periods {
        let tz: Tz = tz_name.parse().unwrap_or(chrono_tz::UTC);
        let local = now.with_timezone(&tz).date_naive();
        let midnight = |d: chrono::NaiveDate| -> DateTime<Utc> {
            let naive = d.and_time(NaiveTime::MIN);
            tz.from_local_datetime(&naive)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        };
        let tomorrow = midnight(local + Duration::days(1));
        let days_to_monday = 7 - local.weekday().num_days_from_monday() as i64;
        let week_end = midnight(local + Duration::days(days_to_monday));
        Periods {
            now,
            tomorrow,
            week_end: week_end.max(tomorrow),
        }
    }

    pub fn for_user(u: &User, now: DateTime<Utc>) -> Periods {
        Periods::new(&u.time_zone, now)
    }
}

#[derive(Debug, Clone, Object)]
pub struct AgendaItem {
    /// task or activity
    #[oai(rename = "type")]
    pub item_type: String,
    pub id: u64,
    pub title: String,
    pub due: Option<DateTime<Utc>>,
    /// Tasks: new, in_progress; activities: planned.
    pub status: String,
    pub priority: Option<String>,
    pub link: Option<Target>,
    /// Activities: call, email, meeting, todo.
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Object, Default)]
pub struct Agenda {
    pub overdue: Vec<AgendaItem>,
    pub today: Vec<AgendaItem>,
    pub week: Vec<AgendaItem>,
    pub later: Vec<AgendaItem>,
    pub no_deadline: Vec<AgendaItem>,
}

/// The user's open tasks (responsible) and planned activities.
pub fn open_work(rx: &ReadTransaction, user: u64) -> Result<(Vec<Task>, Vec<Activity>)> {
    let mut tasks = Vec::new();
    for id in store::ids_by(rx, tables::TASK_BY_RESPONSIBLE, user)? {
        if let Some(t) = store::get::<Task>(rx, id)?
            && t.status.active()
        {
            tasks.push(t);
        }
    }
    let mut acts = Vec::new();
    for id in store::ids_by(rx, tables::ACTIVITY_BY_RESPONSIBLE, user)? {
        if let Some(a) = store::get::<Activity>(rx, id)?
            && !a.done
        {
            acts.push(a);
        }
    }
    Ok((tasks, acts))
}

/// The agenda of `user_id` (default: the reader's own) as the reader may open it: someone
/// else's only for admins (403), in that person's time zone.
pub fn agenda_of(
    rx: &ReadTransaction,
    reader: &User,
    user_id: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Agenda> {
    let who = user_id.unwrap_or(reader.id);
    Grants::load(rx, reader)?.check(Entity::Agenda, Action::Read, &Facts::owned_by(who))?;
    let who = if who == reader.id {
        reader.clone()
    } else {
        store::get::<User>(rx, who)?.ok_or(Error::NotFound("user"))?
    };
    agenda(rx, &who, &Periods::for_user(&who, now))
}

pub fn agenda(rx: &ReadTransaction, user: &User, p: &Periods) -> Result<Agenda> {
    let (tasks, acts) = open_work(rx, user.id)?;
    let mut items: Vec<(Due, AgendaItem)> = Vec::new();
    for t in tasks {
        items.push((
            due_group(t.deadline, p),
            AgendaItem {
                item_type: "task".into(),
                id: t.id,
                title: t.title.clone(),
                due: t.deadline,
                status: str_of(&t.status),
                priority: Some(str_of(&t.priority)),
                link: t.link.map(|l| titled(rx, l)).transpose()?,
                kind: None,
            },
        ));
    }
    for a in acts {
        items.push((
            due_group(Some(a.due_at), p),
            AgendaItem {
                item_type: "activity".into(),
                id: a.id,
                title: a.subject.clone(),
                due: Some(a.due_at),
                status: "planned".into(),
                priority: None,
                link: Some(titled(rx, a.link)?),
                kind: Some(str_of(&a.kind)),
            },
        ));
    }
    items.sort_by(|a, b| a.1.due.cmp(&b.1.due).then(a.1.id.cmp(&b.1.id)));
    let mut out = Agenda::default();
    for (g, it) in items {
        match g {
            Due::Overdue => out.overdue.push(it),
            Due::Today => out.today.push(it),
            Due::Week => out.week.push(it),
            Due::Later => out.later.push(it),
            Due::None => out.no_deadline.push(it),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, Object, Default)]
pub struct Pair {
    pub overdue: u64,
    pub today: u64,
}

#[derive(Debug, Clone, Object)]
pub struct Counters {
    pub tasks: Pair,
    /// Activities on CRM records.
    pub crm: Pair,
    pub total: Pair,
    /// Unread notifications.
    pub notifications: u64,
}

pub fn counters(rx: &ReadTransaction, user: &User, p: &Periods) -> Result<Counters> {
    let (tasks, acts) = open_work(rx, user.id)?;
    let mut c = Counters {
        tasks: Pair::default(),
        crm: Pair::default(),
        total: Pair::default(),
        notifications: super::notify::unread(rx, user.id)?,
    };
    let bump = |pair: &mut Pair, g: Due| match g {
        Due::Overdue => pair.overdue += 1,
        Due::Today => pair.today += 1,
        _ => {}
    };
    for t in &tasks {
        bump(&mut c.tasks, due_group(t.deadline, p));
    }
    for a in &acts {
        bump(&mut c.crm, due_group(Some(a.due_at), p));
    }
    c.total = Pair {
        overdue: c.tasks.overdue + c.crm.overdue,
        today: c.tasks.today + c.crm.today,
    };
    Ok(c)
}

#[derive(Debug, Clone, Object)]
pub struct WorkCount {
    pub id: u64,
    /// Open tasks and planned activities linked to the record.
    pub planned: u64,
    /// Of those, past their due time.
    pub overdue: u64,
}

/// Planned/overdue counts of CRM records (tasks the reader may not see are not counted).
pub fn counts(
    rx: &ReadTransaction,
    reader: &User,
    kind: TargetKind,
    ids: &[u64],
    now: DateTime<Utc>,
) -> Result<Vec<WorkCount>> {
    let grants = Grants::load(rx, reader)?;
    if !kind.is_crm() {
        return Err(Error::field(
            "kind",
            "invalid_value",
            "company, contact, lead or deal",
        ));
    }
    if ids.len() > MAX_COUNT_IDS {
        return Err(Error::field("ids", "invalid_value", "at most 500 ids"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let link = Target::new(kind, *id);
        let mut c = WorkCount {
            id: *id,
            planned: 0,
            overdue: 0,
        };
        for t in super::tasks::linked(rx, &link)? {
            if t.status.active() && t.visible_to(&grants) {
                c.planned += 1;
                if t.is_overdue(now) {
                    c.overdue += 1;
                }
            }
        }
        for a in super::activities::linked(rx, &link)? {
            if !a.done {
                c.planned += 1;
                if a.is_overdue(now) {
                    c.overdue += 1;
                }
            }
        }
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_and_this_week_are_the_users_own() {
        // 21:30 UTC on Tuesday 1 December is 23:30 in Kyiv: "today" ends in 30 minutes there.
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 21, 30, 0).unwrap();
        let kyiv = Periods::new("Europe/Kyiv", now);
        assert_eq!(
            kyiv.tomorrow,
            Utc.with_ymd_and_hms(2026, 12, 1, 22, 0, 0).unwrap()
        );
        assert_eq!(
            kyiv.week_end,
            Utc.with_ymd_and_hms(2026, 12, 6, 22, 0, 0).unwrap()
        );
        let utc = Periods::new("UTC", now);
        assert_eq!(
            utc.tomorrow,
            Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap()
        );
        // An unknown zone falls back to UTC rather than failing the page.
        assert_eq!(Periods::new("Mars/Olympus", now).tomorrow, utc.tomorrow);
        // A deadline at 23:45 Kyiv is today; at 00:15 it is this week; Monday is later.
        let at = |h, m| Some(Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap());
        assert_eq!(
            super::super::tasks::due_group(at(21, 45), &kyiv),
            Due::Today
        );
        assert_eq!(super::super::tasks::due_group(at(22, 15), &kyiv), Due::Week);
        assert_eq!(
            super::super::tasks::due_group(at(21, 0), &kyiv),
            Due::Overdue
        );
        let monday = Some(Utc.with_ymd_and_hms(2026, 12, 6, 23, 0, 0).unwrap());
        assert_eq!(super::super::tasks::due_group(monday, &kyiv), Due::Later);
        assert_eq!(super::super::tasks::due_group(None, &kyiv), Due::None);
    }
}
