//! The feed: what happened in the office, and posts people write. Entries are written in the
//! transaction of what they describe; who may read one is decided when it is read, by the same
//! rules as the record it is about.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{Reader, Target, TargetKind, can_see_as, titled};
use crate::{
    access::{
        Department, User,
        policy::{Action, Entity, Facts, Grants},
    },
    error::{Ctx, Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum FeedType {
    Created,
    StageMoved,
    Won,
    Lost,
    LeadConverted,
    TaskCreated,
    TaskCompleted,
    TaskOverdue,
    Comment,
    Post,
}

impl FeedType {
    pub fn parse(s: &str) -> Option<FeedType> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct FeedItem {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<u64>,
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: FeedType,
    pub target: Option<Target>,
    /// The post or comment body, or a short summary.
    pub text: String,
    /// Details by type (stage names of a move…).
    pub data: BTreeMap<String, String>,
    /// A post to one department (and its sub-departments); null: everyone.
    pub department_id: Option<u64>,
    /// The task's project, for filtering.
    #[serde(default)]
    pub project: String,
    #[serde(skip)]
    #[oai(default)]
    pub actor_name: String,
    #[serde(skip)]
    #[oai(default)]
    pub comment_count: u64,
}

impl Record for FeedItem {
    const KIND: Kind = Kind::FeedItem;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::FEED;
    const NAME: &'static str = "feed item";
    fn id(&self) -> u64 {
        self.id
    }
}

/// Writes a feed entry about something that happened (no history: the feed is history).
pub fn record(
    tx: &mut Tx,
    kind: FeedType,
    target: Option<Target>,
    text: String,
    data: BTreeMap<String, String>,
    project: String,
) -> Result<u64> {
    let item = FeedItem {
        id: tx.next_id("feed")?,
        at: tx.now,
        actor_id: tx.actor,
        kind,
        target,
        text,
        data,
        department_id: None,
        project,
        actor_name: String::new(),
        comment_count: 0,
    };
    tx.insert_quietly(&item)?;
    tx.signal("feed", vec![]);
    Ok(item.id)
}

/// A record of this kind was created.
pub fn created(tx: &mut Tx, kind: TargetKind, id: u64) -> Result<()> {
    record(
        tx,
        FeedType::Created,
        Some(Target::new(kind, id)),
        String::new(),
        BTreeMap::new(),
        String::new(),
    )
    .map(|_| ())
}

/// A deal moved to another stage (won and lost are their own types).
pub fn stage_moved(tx: &mut Tx, deal: u64, from: u64, to: u64) -> Result<()> {
    use crate::crm::pipelines::{Stage, StageKind};
    let from: Option<Stage> = tx.get(from)?;
    let to: Option<Stage> = tx.get(to)?;
    let kind = match to.as_ref().map(|s| s.kind) {
        Some(StageKind::Won) => FeedType::Won,
        Some(StageKind::Lost) => FeedType::Lost,
        _ => FeedType::StageMoved,
    };
    let mut data = BTreeMap::new();
    data.insert(
        "from_stage".to_string(),
        from.map(|s| s.name).unwrap_or_default(),
    );
    data.insert(
        "to_stage".to_string(),
        to.map(|s| s.name).unwrap_or_default(),
    );
    record(
        tx,
        kind,
        Some(Target::new(TargetKind::Deal, deal)),
        String::new(),
        data,
        String::new(),
    )
    .map(|_| ())
}

/// A lead became a deal.
pub fn lead_converted(tx: &mut Tx, lead: u64, deal: u64) -> Result<()> {
    let mut data = BTreeMap::new();
    data.insert("deal_id".to_string(), deal.to_string());
    record(
        tx,
        FeedType::LeadConverted,
        Some(Target::new(TargetKind::Lead, lead)),
        String::new(),
        data,
        String::new(),
    )
    .map(|_| ())
}

impl FeedItem {
    /// What the policy needs to know about a post: its author and audience.
    pub fn facts(&self) -> Facts {
        Facts {
            author: self.actor_id,
            audience: self.department_id,
            ..Facts::default()
        }
    }
}

/// May the reader see this entry? The same rules as the record it is about.
pub fn visible(rx: &impl Reader, user: &User, f: &FeedItem) -> Result<bool> {
    visible_as(rx, &Grants::load(rx, user)?, f)
}

/// [`visible`] for grants compiled once (a list asks for each entry).
pub fn visible_as(rx: &impl Reader, g: &Grants, f: &FeedItem) -> Result<bool> {
    if f.kind == FeedType::Post {
        return Ok(g.may(Entity::Post, Action::Read, &f.facts()));
    }
    match &f.target {
        Some(t) => can_see_as(rx, g, t),
        None => Ok(true),
    }
}

#[derive(Default)]
pub struct Filter {
    pub types: Vec<FeedType>,
    pub actor_id: Option<u64>,
    pub project: Option<String>,
    pub before: Option<u64>,
}

/// How many entries one page may look through for a narrow filter.
const SCAN_MAX: usize = 20_000;

/// The feed, newest first: (items, the id to pass as `before` for more).
pub fn list(
    rx: &ReadTransaction,
    user: &User,
    f: &Filter,
    limit: usize,
) -> Result<(Vec<FeedItem>, Option<u64>)> {
    let grants = Grants::load(rx, user)?;
    let t = rx.open_table(tables::FEED).ctx("open feed")?;
    let range = match f.before {
        Some(b) => t.range(..b),
        None => t.range(0..),
    }
    .ctx("read feed")?;
    let mut out = Vec::new();
    let mut scanned = 0;
    let mut last_seen = None;
    for row in range.rev() {
        let (k, v) = row.ctx("read feed")?;
        last_seen = Some(k.value());
        scanned += 1;
        if scanned > SCAN_MAX {
            break;
        }
        let mut item: FeedItem = store::codec::decode(v.value(), "feed item")?;
        if !f.types.is_empty() && !f.types.contains(&item.kind) {
            continue;
        }
        if f.actor_id.is_some() && item.actor_id != f.actor_id {
            continue;
        }
        if let Some(p) = &f.project
            && &item.project != p
        {
            continue;
        }
        if !visible_as(rx, &grants, &item)? {
            continue;
        }
        fill(rx, &mut item)?;
        out.push(item);
        if out.len() >= limit {
            break;
        }
    }
    let more = match last_seen {
        Some(k) if out.len() >= limit || scanned > SCAN_MAX => {
            // Is there anything older?
            t.range(..k)
                .ctx("read feed")?
                .next_back()
                .is_some()
                .then_some(k)
        }
        _ => None,
    };
    Ok((out, more))
}

/// Fills the names a reader needs.
pub fn fill(rx: &ReadTransaction, item: &mut FeedItem) -> Result<()> {
    if let Some(a) = item.actor_id {
        item.actor_name = store::get::<User>(rx, a)?
            .map(|u| u.name)
            .unwrap_or_default();
    }
    item.target = item.target.take().map(|t| titled(rx, t)).transpose()?;
    if item.kind == FeedType::Post {
        item.comment_count = super::comments::count(rx, &Target::new(TargetKind::Post, item.id))?;
    }
    Ok(())
}

pub fn get(rx: &ReadTransaction, user: &User, id: u64) -> Result<FeedItem> {
    let mut item = store::get::<FeedItem>(rx, id)?.ok_or(Error::NotFound("feed item"))?;
    if !visible(rx, user, &item)? {
        return Err(Error::NotFound("feed item"));
    }
    fill(rx, &mut item)?;
    Ok(item)
}

#[derive(Debug, Clone, Object)]
pub struct PostInput {
    #[oai(default)]
    pub body: String,
    pub department_id: Option<u64>,
}

/// A post written by a person, to everyone or to one department.
pub fn post(tx: &mut Tx, actor: &User, input: PostInput) -> Result<FeedItem> {
    let mut p = Problems::default();
    let body = validate::required(&mut p, "body", &input.body, 20_000);
    if let Some(d) = input.department_id
        && !tx.exists::<Department>(d)?
    {
        p.add("department_id", "not_found", "no such department");
    }
    p.finish()?;
    let item = FeedItem {
        id: tx.next_id("feed")?,
        at: tx.now,
        actor_id: Some(actor.id),
        kind: FeedType::Post,
        target: None,
        text: body.clone(),
        data: BTreeMap::new(),
        department_id: input.department_id,
        project: String::new(),
        actor_name: actor.name.clone(),
        comment_count: 0,
    };
    tx.insert(&item)?;
    tx.signal("feed", vec![]);
    super::comments::notify_mentions(
        tx,
        actor,
        &Target::new(TargetKind::Post, item.id),
        &body,
        &[],
    )?;
    Ok(item)
}

/// Deletes a post (its author or an admin); the deletion stays in the post's history.
pub fn delete_post(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    let item: FeedItem = tx.must(id)?;
    if item.kind != FeedType::Post {
        return Err(Error::NotFound("post"));
    }
    Grants::load(tx, actor)?.check(Entity::Post, Action::Delete, &item.facts())?;
    tx.delete(&item)?;
    tx.signal("feed", vec![]);
    Ok(())
}
