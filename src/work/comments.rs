//! Comments on every record, with @mentions. Editing is the author's; deleting (author or an
//! admin) keeps a trace: who deleted it and when.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Reader, Target, TargetKind, can_see, feed, mentioned_logins, must_see,
    notify::{self, NotificationType},
    short, target_exists, title_of,
};
use crate::{
    access::{
        User,
        policy::{Action, Entity, Facts, Grants},
    },
    error::{Error, Problems, Result},
    store::{IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Comment {
    pub id: u64,
    pub target: Target,
    pub author_id: u64,
    pub body: String,
    pub mention_ids: Vec<u64>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<u64>,
    #[serde(skip)]
    #[oai(default)]
    pub author_name: String,
}

impl Record for Comment {
    const KIND: Kind = Kind::Comment;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::COMMENTS;
    const NAME: &'static str = "comment";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::ByStr(
            tables::COMMENT_BY_TARGET,
            self.target.key(),
        )]
    }
}

#[derive(Debug, Clone, Object)]
pub struct CommentInput {
    pub target: Target,
    #[oai(default)]
    pub body: String,
}

#[derive(Debug, Clone, Object)]
pub struct CommentEdit {
    #[oai(default)]
    pub body: String,
}

/// Notifies the users mentioned in `body` (except those in `already`) and returns their ids.
/// Someone mentioned on a task they cannot see becomes its observer.
pub fn notify_mentions(
    tx: &mut Tx,
    actor: &User,
    target: &Target,
    body: &str,
    already: &[u64],
) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    let title = title_of(tx, target)?;
    for login in mentioned_logins(body) {
        let Some(u) = crate::access::users::find_by_login_tx(tx, &login)?
            .map(|id| tx.get::<User>(id))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        if !u.active || ids.contains(&u.id) {
            continue;
        }
        if !can_see(tx, &u, target)? {
            if target.kind == TargetKind::Task {
                super::tasks::add_observer(tx, target.id, u.id)?;
            } else {
                continue;
            }
        }
        ids.push(u.id);
        if already.contains(&u.id) || u.id == actor.id {
            continue;
        }
        notify::send(
            tx,
            u.id,
            NotificationType::Mention,
            super::words::Msg::Mentioned {
                who: &actor.name,
                title: &title,
                excerpt: &short(body, 140),
            },
            Some(target.clone()),
        )?;
    }
    Ok(ids)
}

pub fn create(tx: &mut Tx, actor: &User, input: CommentInput) -> Result<Comment> {
    let mut p = Problems::default();
    let body = validate::required(&mut p, "body", &input.body, 20_000);
    p.finish()?;
    let target = Target::new(input.target.kind, input.target.id);
    if !target_exists(tx, &target)? {
        return Err(Error::NotFound("record"));
    }
    must_see(tx, actor, &target)?;
    let mention_ids = notify_mentions(tx, actor, &target, &body, &[])?;
    let c = Comment {
        id: tx.next_id("comments")?,
        target: target.clone(),
        author_id: actor.id,
        body: body.clone(),
        mention_ids,
        created_at: tx.now,
        edited_at: None,
        deleted: false,
        deleted_at: None,
        deleted_by: None,
        author_name: actor.name.clone(),
    };
    tx.insert(&c)?;
    let mut c = c;
    c.target.title = title_of(tx, &c.target)?;
    if target.kind != TargetKind::Post {
        let project = match target.kind {
            TargetKind::Task => tx
                .get::<super::Task>(target.id)?
                .map(|t| t.project)
                .unwrap_or_default(),
            _ => String::new(),
        };
        let mut data = BTreeMap::new();
        data.insert("comment_id".to_string(), c.id.to_string());
        feed::record(
            tx,
            feed::FeedType::Comment,
            Some(target),
            short(&body, 500),
            data,
            project,
        )?;
    } else {
        tx.signal("feed", vec![]);
    }
    Ok(c)
}

pub fn edit(tx: &mut Tx, actor: &User, id: u64, input: CommentEdit) -> Result<Comment> {
    let old: Comment = tx.must(id)?;
    must_see(tx, actor, &old.target)?;
    Grants::load(tx, actor)?.check(Entity::Comment, Action::Edit, &old.facts())?;
    if old.deleted {
        return Err(Error::Conflict("the comment was deleted".into()));
    }
    let mut p = Problems::default();
    let body = validate::required(&mut p, "body", &input.body, 20_000);
    p.finish()?;
    let mention_ids = notify_mentions(tx, actor, &old.target, &body, &old.mention_ids)?;
    let mut new = Comment {
        body,
        mention_ids,
        edited_at: Some(tx.now),
        ..old.clone()
    };
    if tx.update(&old, &new)? {
        signal_target(tx, &new.target);
    } else {
        new = old;
    }
    new.author_name = actor.name.clone();
    new.target.title = title_of(tx, &new.target)?;
    Ok(new)
}

/// Deletes a comment's text and keeps the trace (who, when).
pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<Comment> {
    let old: Comment = tx.must(id)?;
    must_see(tx, actor, &old.target)?;
    Grants::load(tx, actor)?.check(Entity::Comment, Action::Delete, &old.facts())?;
    if old.deleted {
        return Ok(old);
    }
    let new = Comment {
        body: String::new(),
        deleted: true,
        deleted_at: Some(tx.now),
        deleted_by: Some(actor.id),
        ..old.clone()
    };
    tx.update(&old, &new)?;
    signal_target(tx, &new.target);
    let mut new = new;
    new.target.title = title_of(tx, &new.target)?;
    Ok(new)
}

impl Comment {
    /// What the policy needs to know: the author (reading follows the record).
    pub fn facts(&self) -> Facts {
        Facts {
            author: Some(self.author_id),
            ..Facts::default()
        }
    }
}

fn signal_target(tx: &mut Tx, t: &Target) {
    if t.kind == TargetKind::Post {
        tx.signal("feed", vec![]);
    }
}

fn load(rx: &impl Reader, target: &Target) -> Result<Vec<Comment>> {
    let mut out = Vec::new();
    for id in rx.ids_by_str(tables::COMMENT_BY_TARGET, &target.key())? {
        if let Some(c) = rx.rec::<Comment>(id)? {
            out.push(c);
        }
    }
    out.sort_by_key(|c| c.id);
    Ok(out)
}

/// The comments on a record, oldest first (deleted ones as traces).
pub fn list(rx: &ReadTransaction, actor: &User, target: &Target) -> Result<Vec<Comment>> {
    must_see(rx, actor, target)?;
    let mut out = load(rx, target)?;
    let title = title_of(rx, target)?;
    for c in &mut out {
        c.target.title = title.clone();
        c.author_name = rx
            .rec::<User>(c.author_id)?
            .map(|u| u.name)
            .unwrap_or_default();
    }
    Ok(out)
}

/// Comments on a record that are not deleted.
pub fn count(rx: &impl Reader, target: &Target) -> Result<u64> {
    Ok(load(rx, target)?.iter().filter(|c| !c.deleted).count() as u64)
}
