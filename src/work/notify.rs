//! Notifications: the bell. Each one is written in the transaction of what caused it, and a
//! live signal tells the recipient's open browsers to refresh.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Target, titled,
    words::{Msg, render},
};
use crate::{
    access::User,
    error::{Ctx, Error, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum NotificationType {
    Mention,
    Reminder,
    TaskAssigned,
    TaskDelegated,
    TaskOverdue,
    EventInvite,
    EventResponse,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Notification {
    pub id: u64,
    pub user_id: u64,
    pub at: DateTime<Utc>,
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: NotificationType,
    pub text: String,
    pub target: Option<Target>,
    pub actor_id: Option<u64>,
    pub read: bool,
}

fn user_key(user: u64, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(16);
    k.extend_from_slice(&user.to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

impl Record for Notification {
    const KIND: Kind = Kind::Notification;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::NOTIFICATIONS;
    const NAME: &'static str = "notification";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![IndexKey::Sorted(
            tables::NOTIFICATION_BY_USER,
            user_key(self.user_id, self.id),
        )];
        if !self.read {
            k.push(IndexKey::ById(tables::NOTIFICATION_UNREAD, self.user_id));
        }
        k
    }
}

/// Tells `user` something (not when the user is the one who did it, or is inactive).
pub fn send(
    tx: &mut Tx,
    user: u64,
    kind: NotificationType,
    msg: Msg,
    target: Option<Target>,
) -> Result<Option<u64>> {
    if tx.actor == Some(user) && kind != NotificationType::Reminder {
        return Ok(None);
    }
    let text = match tx.get::<User>(user)? {
        Some(u) if u.active => render(&msg, u.language, &u.time_zone),
        _ => return Ok(None),
    };
    let n = Notification {
        id: tx.next_id("notifications")?,
        user_id: user,
        at: tx.now,
        kind,
        text,
        target,
        actor_id: tx.actor,
        read: false,
    };
    tx.insert_quietly(&n)?;
    tx.signal("notification", vec![user]);
    Ok(Some(n.id))
}

pub fn unread(rx: &ReadTransaction, user: u64) -> Result<u64> {
    Ok(store::ids_by(rx, tables::NOTIFICATION_UNREAD, user)?.len() as u64)
}

/// One page of a user's notifications, newest first, and how many are unread in all.
#[derive(Debug, Clone, Object)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: u64,
    /// Pass as `cursor` for older notifications; null on the last page.
    pub next_cursor: Option<String>,
}

/// The user's notifications, newest first, one page at a time: at most `limit`, older than
/// the `cursor` of the previous page (a keyset cursor: the id the previous page ended at).
pub fn list(
    rx: &ReadTransaction,
    user: &User,
    only_unread: bool,
    cursor: Option<&str>,
    limit: usize,
) -> Result<NotificationList> {
    let limit = limit.max(1);
    let upper = match crate::cursor::decode_id(cursor)? {
        None => u64::MAX,
        Some(0) => {
            return Ok(NotificationList {
                items: Vec::new(),
                unread: unread(rx, user.id)?,
                next_cursor: None,
            });
        }
        Some(after) => after - 1,
    };
    let t = rx
        .open_table(tables::NOTIFICATION_BY_USER)
        .ctx("open notification index")?;
    let from = user_key(user.id, 0);
    let to = user_key(user.id, upper);
    let mut items: Vec<Notification> = Vec::new();
    let mut more = false;
    for row in t
        .range::<&[u8]>(from.as_slice()..=to.as_slice())
        .ctx("read notifications")?
        .rev()
    {
        let (k, _) = row.ctx("read notifications")?;
        let id = store::id_of_index_key(k.value())?;
        if let Some(mut n) = store::get::<Notification>(rx, id)? {
            if only_unread && n.read {
                continue;
            }
            if items.len() == limit {
                // One more beyond the page: there is a next page.
                more = true;
                break;
            }
            n.target = n.target.map(|t| titled(rx, t)).transpose()?;
            items.push(n);
        }
    }
    let next_cursor = if more {
        items.last().map(|n| crate::cursor::encode_id(n.id))
    } else {
        None
    };
    Ok(NotificationList {
        items,
        unread: unread(rx, user.id)?,
        next_cursor,
    })
}

pub fn mark_read(tx: &mut Tx, user: &User, id: u64) -> Result<()> {
    let old: Notification = tx.must(id)?;
    if old.user_id != user.id {
        return Err(Error::NotFound("notification"));
    }
    if !old.read {
        let new = Notification {
            read: true,
            ..old.clone()
        };
        tx.update_quietly(&old, &new)?;
        tx.signal("notification", vec![user.id]);
    }
    Ok(())
}

pub fn mark_all_read(tx: &mut Tx, user: &User) -> Result<u64> {
    let ids = tx.ids_by(tables::NOTIFICATION_UNREAD, user.id)?;
    for id in &ids {
        let old: Notification = tx.must(*id)?;
        let new = Notification {
            read: true,
            ..old.clone()
        };
        tx.update_quietly(&old, &new)?;
    }
    tx.signal("notification", vec![user.id]);
    Ok(ids.len() as u64)
}
