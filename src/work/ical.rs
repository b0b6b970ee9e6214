//! A per-user iCalendar feed behind a secret URL, so a phone or Thunderbird can subscribe to
//! one's calendar read-only. Rendering uses the `icalendar` crate.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::{User, auth::random_secret},
    error::{Error, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
};

/// The secret of one user's feed (record id = user id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IcalFeed {
    pub id: u64,
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

impl Record for IcalFeed {
    const KIND: Kind = Kind::IcalFeed;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::ICAL_FEEDS;
    const NAME: &'static str = "calendar feed";
    const HISTORY_SKIP: &'static [&'static str] = &["secret"];
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::ByStr(tables::ICAL_BY_SECRET, self.secret.clone())]
    }
}

pub fn url_of(secret: &str) -> String {
    format!("/api/v1/ical/{secret}.ics")
}

/// The user's feed URL, created on first use.
pub fn feed(tx: &mut Tx, user: &User) -> Result<String> {
    if let Some(f) = tx.get::<IcalFeed>(user.id)? {
        return Ok(url_of(&f.secret));
    }
    let f = IcalFeed {
        id: user.id,
        secret: random_secret(),
        created_at: tx.now,
    };
    tx.insert(&f)?;
    Ok(url_of(&f.secret))
}

/// A new secret; the old URL stops working.
pub fn reset(tx: &mut Tx, user: &User) -> Result<String> {
    let f = IcalFeed {
        id: user.id,
        secret: random_secret(),
        created_at: tx.now,
    };
    match tx.get::<IcalFeed>(user.id)? {
        Some(old) => {
            tx.update(&old, &f)?;
        }
        None => tx.insert(&f)?,
    }
    Ok(url_of(&f.secret))
}

/// The calendar behind a secret, from 30 days back to a year ahead.
pub fn render(rx: &ReadTransaction, secret: &str, now: DateTime<Utc>) -> Result<String> {
    if secret.len() < 16 {
        return Err(Error::NotFound("calendar feed"));
    }
    let owner = store::ids_by_str(rx, tables::ICAL_BY_SECRET, secret)?
        .into_iter()
        .next()
        .ok_or(Error::NotFound("calendar feed"))?;
    let user = store::get::<User>(rx, owner)?
        .filter(|u| u.active)
        .ok_or(Error::NotFound("calendar feed"))?;
    let from = now - Duration::days(30);
    let to = now + Duration::days(366);
    let mut cal = Calendar::new();
    cal.name(&format!("Korobka: {}", user.name));
    for it in super::calendar::items(rx, &user, user.id, from, to)? {
        let mut ev = Event::new();
        ev.uid(&format!("{}-{}@korobka", it.item_type, it.id))
            .summary(&match it.item_type.as_str() {
                "task" => format!("Deadline: {}", it.title),
                _ => it.title.clone(),
            })
            .timestamp(now);
        if it.all_day {
            let end = it.end.unwrap_or(it.start);
            ev.all_day(it.start.date_naive());
            if end.date_naive() > it.start.date_naive() {
                ev.ends(end.date_naive() + Duration::days(1));
            }
        } else {
            ev.starts(it.start)
                .ends(it.end.unwrap_or(it.start + Duration::minutes(15)));
        }
        if !it.place.is_empty() {
            ev.location(&it.place);
        }
        if let Some(l) = &it.link {
            ev.description(&format!("{}: {}", l.kind.as_str(), l.title));
        }
        match it.status.as_str() {
            "declined" => {
                ev.status(EventStatus::Cancelled);
            }
            "pending" => {
                ev.status(EventStatus::Tentative);
            }
            _ => {
                ev.status(EventStatus::Confirmed);
            }
        }
        cal.push(ev.done());
    }
    Ok(cal.done().to_string())
}
