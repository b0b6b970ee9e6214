//! The feed: what happened in the office, and posts people write. Entries are written in the
//! transaction of what they describe — crm tells it through the store's events ([`install`]),
//! work calls [`record`] — and hold data (kind, ids, names and values at the time), never a
//! sentence: the sentence is rendered in the reader's language when read ([`FeedItem::summary`]).
//! Who may read an entry is decided when it is read, by the same rules as the record it is about.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{Reader, Target, TargetKind, can_see_as, title_of, titled};
use crate::{
    access::{
        Department, Language, User,
        policy::{Action, Entity, Facts, Grants},
    },
    crm::{
        events,
        pipelines::{Stage, StageKind},
    },
    error::{Ctx, Error, Problems, Result},
    store::{self, Event, Kind, Record, Store, Tx, tables},
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
    /// What a person wrote: the post or the comment body (empty for other types).
    pub text: String,
    /// Details by type, as they were at the time: `title` of the record; `count` of a batch
    /// created at once; `from_stage_id`, `from_stage`, `to_stage_id`, `to_stage` of a move;
    /// `deal_id` of a converted lead; `comment_id` of a comment.
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
    /// The entry as one sentence in the reader's language (filled when read).
    #[serde(skip)]
    #[oai(default)]
    pub summary: String,
}

impl Record for FeedItem {
    const KIND: Kind = Kind::FeedItem;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::FEED;
    const NAME: &'static str = "feed item";
    fn id(&self) -> u64 {
        self.id
    }
}

/// Writes a feed entry about something that happened (no history: the feed is history), by
/// the transaction's actor and at its time. `text` is for a person's words only; details go to
/// `data`, and the target's title at the time is added as `data.title`.
pub fn record(
    tx: &mut Tx,
    kind: FeedType,
    target: Option<Target>,
    text: String,
    data: BTreeMap<String, String>,
    project: String,
) -> Result<u64> {
    let (actor, at) = (tx.actor, tx.now);
    write(tx, actor, at, kind, target, text, data, project)
}

#[allow(clippy::too_many_arguments)]
fn write(
    tx: &mut Tx,
    actor_id: Option<u64>,
    at: DateTime<Utc>,
    kind: FeedType,
    target: Option<Target>,
    text: String,
    mut data: BTreeMap<String, String>,
    project: String,
) -> Result<u64> {
    if let Some(t) = &target
        && !data.contains_key("title")
    {
        data.insert("title".to_string(), title_of(tx, t)?);
    }
    let item = FeedItem {
        id: tx.next_id("feed")?,
        at,
        actor_id,
        kind,
        target,
        text,
        data,
        department_id: None,
        project,
        actor_name: String::new(),
        comment_count: 0,
        summary: String::new(),
    };
    tx.insert_quietly(&item)?;
    tx.signal("feed", vec![]);
    Ok(item.id)
}

/// Installs the feed's event handler on a store opened for writing (see `app::install_handlers`,
/// the one place that calls it).
pub fn install(store: &Store) {
    store.on_events(on_events);
}

/// The target of a feed entry about a record of this kind.
fn target_kind(kind: Kind) -> Option<TargetKind> {
    Some(match kind {
        Kind::Company => TargetKind::Company,
        Kind::Contact => TargetKind::Contact,
        Kind::Lead => TargetKind::Lead,
        Kind::Deal => TargetKind::Deal,
        Kind::Task => TargetKind::Task,
        Kind::CalEvent => TargetKind::Event,
        Kind::FeedItem => TargetKind::Post,
        _ => return None,
    })
}

/// Turns crm's events into feed entries, in the transaction that emitted them: a record
/// created (one entry for a batch, with its count), a deal moved (won and lost are their own
/// types; the stages' ids and names at the time), a lead converted (the deal's id).
pub fn on_events(tx: &mut Tx, evs: &[Event]) -> Result<()> {
    for e in evs {
        let Some(tk) = target_kind(e.kind) else {
            continue;
        };
        let mut data = BTreeMap::new();
        let kind = match e.what {
            events::CREATED => {
                if let Some(n) = e.data.get("count") {
                    data.insert("count".to_string(), n.clone());
                }
                FeedType::Created
            }
            events::STAGE_MOVED => {
                let mut kind = FeedType::StageMoved;
                for side in ["from_stage", "to_stage"] {
                    let id = e.data.get(&format!("{side}_id"));
                    let stage: Option<Stage> = match id.and_then(|v| v.parse().ok()) {
                        Some(id) => tx.get(id)?,
                        None => None,
                    };
                    if let Some(id) = id {
                        data.insert(format!("{side}_id"), id.clone());
                    }
                    if side == "to_stage" {
                        kind = match stage.as_ref().map(|s| s.kind) {
                            Some(StageKind::Won) => FeedType::Won,
                            Some(StageKind::Lost) => FeedType::Lost,
                            _ => FeedType::StageMoved,
                        };
                    }
                    data.insert(side.to_string(), stage.map(|s| s.name).unwrap_or_default());
                }
                kind
            }
            events::LEAD_CONVERTED => {
                if let Some(d) = e.data.get("deal_id") {
                    data.insert("deal_id".to_string(), d.clone());
                }
                FeedType::LeadConverted
            }
            _ => continue,
        };
        write(
            tx,
            e.actor,
            e.at,
            kind,
            Some(Target::new(tk, e.id)),
            String::new(),
            data,
            String::new(),
        )?;
    }
    Ok(())
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
        fill(rx, &mut item, user.language)?;
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

/// Fills the names a reader needs and the sentence in the reader's language.
pub fn fill(rx: &impl Reader, item: &mut FeedItem, lang: Language) -> Result<()> {
    if let Some(a) = item.actor_id {
        item.actor_name = rx.rec::<User>(a)?.map(|u| u.name).unwrap_or_default();
    }
    item.target = item.target.take().map(|t| titled(rx, t)).transpose()?;
    if item.kind == FeedType::Post {
        item.comment_count = super::comments::count(rx, &Target::new(TargetKind::Post, item.id))?;
    }
    old_text_to_data(item);
    item.summary = super::words::feed_line(item, lang);
    Ok(())
}

/// An entry in the form before schema 2 that the store migration did not see (restored from an
/// old backup) reads like a migrated one: the server's sentence in `text` is dropped and a
/// task's title moves to `data.title` (the same rewrite as `store::feed_migration`).
fn old_text_to_data(item: &mut FeedItem) {
    if matches!(item.kind, FeedType::Post | FeedType::Comment) || item.text.is_empty() {
        return;
    }
    let text = std::mem::take(&mut item.text);
    if matches!(
        item.kind,
        FeedType::TaskCreated | FeedType::TaskCompleted | FeedType::TaskOverdue
    ) {
        item.data.entry("title".to_string()).or_insert(text);
    }
}

pub fn get(rx: &ReadTransaction, user: &User, id: u64) -> Result<FeedItem> {
    let mut item = store::get::<FeedItem>(rx, id)?.ok_or(Error::NotFound("feed item"))?;
    if !visible(rx, user, &item)? {
        return Err(Error::NotFound("feed item"));
    }
    fill(rx, &mut item, user.language)?;
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
        summary: String::new(),
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
    // Answered as its author reads it, from the same transaction.
    let mut item = item;
    fill(tx, &mut item, actor.language)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{
        self, Company,
        companies::CompanyInput,
        deals::{self, DealInput},
        leads::{self, ConvertInput, LeadInput},
        pipelines::stages_of_tx,
    };

    fn seed(store: &Store) {
        store
            .write(Some(1), Utc::now(), |tx| {
                crm::company_types::seed(tx)?;
                crm::reflists::seed_all(tx)?;
                crm::money::seed(tx)?;
                crm::pipelines::seed(tx)
            })
            .expect("seed");
    }

    fn entries(store: &Store) -> Vec<FeedItem> {
        store.read(store::all::<FeedItem>).expect("feed")
    }

    fn company(name: &str) -> CompanyInput {
        CompanyInput {
            name: name.into(),
            ..Default::default()
        }
    }

    fn deal(title: &str, pipeline_id: u64) -> DealInput {
        DealInput {
            title: title.into(),
            pipeline_id: Some(pipeline_id),
            stage_id: None,
            amount: "100".into(),
            currency: String::new(),
            company_id: None,
            contact_ids: Vec::new(),
            customer_side_id: None,
            responsible_id: None,
            observer_ids: Vec::new(),
            expected_close: None,
            probability: None,
            source_id: None,
            type_id: None,
            custom: Default::default(),
        }
    }

    fn lead(title: &str) -> LeadInput {
        LeadInput {
            title: title.into(),
            person_name: String::new(),
            company_name: String::new(),
            phone: String::new(),
            email: String::new(),
            source_id: None,
            responsible_id: None,
            amount: String::new(),
            currency: String::new(),
            status_id: None,
            comments: String::new(),
            custom: Default::default(),
        }
    }

    /// The one new entry a write added (and that it added exactly one).
    fn one_new(store: &Store, before: usize) -> FeedItem {
        let all = entries(store);
        assert_eq!(all.len(), before + 1, "exactly one feed entry: {all:?}");
        all.last().cloned().expect("an entry")
    }

    /// crm writes no feed entry itself: it emits events, and the feed's handler turns each into
    /// exactly one entry in the same transaction — created, moved, won, converted, a batch —
    /// and a transaction that fails leaves neither the change nor its entry.
    #[test]
    fn crm_changes_write_one_feed_entry_each_in_their_transaction() {
        let (_dir, store, admin) = crate::testing::test_store();
        seed(&store);
        let now = Utc::now();

        let c = store
            .write(Some(1), now, |tx| {
                crm::companies::create(tx, &admin, company("Acme"))
            })
            .expect("company");
        let e = one_new(&store, 0);
        assert_eq!(e.kind, FeedType::Created);
        assert_eq!(e.target, Some(Target::new(TargetKind::Company, c.id)));
        assert_eq!((e.actor_id, e.at), (Some(1), now));
        assert_eq!(e.data.get("title").map(String::as_str), Some("Acme"));
        assert!(e.text.is_empty(), "no sentence is stored: {e:?}");

        let pipeline = store
            .read(store::all::<crm::pipelines::Pipeline>)
            .expect("pipelines")[0]
            .id;
        let d = store
            .write(Some(1), now, |tx| {
                deals::create(tx, &admin, deal("Поставка", pipeline))
            })
            .expect("deal");
        let e = one_new(&store, 1);
        assert_eq!(
            (e.kind, e.target.clone()),
            (FeedType::Created, Some(Target::new(TargetKind::Deal, d.id)))
        );

        let stages = store
            .write(Some(1), now, |tx| stages_of_tx(tx, d.pipeline_id))
            .expect("stages");
        let open: Vec<&Stage> = stages
            .iter()
            .filter(|s| s.kind == StageKind::Open && s.id != d.stage_id)
            .collect();
        let next = open.first().expect("a second open stage");
        let from = stages.iter().find(|s| s.id == d.stage_id).expect("stage");
        store
            .write(Some(1), now, |tx| {
                deals::move_to_stage(tx, &admin, d.id, next.id)
            })
            .expect("move");
        let e = one_new(&store, 2);
        assert_eq!(e.kind, FeedType::StageMoved);
        let want: BTreeMap<String, String> = [
            ("from_stage", from.name.clone()),
            ("from_stage_id", from.id.to_string()),
            ("to_stage", next.name.clone()),
            ("to_stage_id", next.id.to_string()),
            ("title", "Поставка".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(e.data, want);

        let won = stages
            .iter()
            .find(|s| s.kind == StageKind::Won)
            .expect("a won stage");
        store
            .write(Some(1), now, |tx| {
                deals::move_to_stage(tx, &admin, d.id, won.id)
            })
            .expect("win");
        let e = one_new(&store, 3);
        assert_eq!(e.kind, FeedType::Won);
        assert_eq!(e.data.get("to_stage"), Some(&won.name));

        let l = store
            .write(Some(1), now, |tx| {
                leads::create(tx, &admin, lead("Запит з сайту"))
            })
            .expect("lead");
        assert_eq!(one_new(&store, 4).kind, FeedType::Created);
        let conv = store
            .write(Some(1), now, |tx| {
                leads::convert(
                    tx,
                    &admin,
                    l.id,
                    ConvertInput {
                        pipeline_id: Some(pipeline),
                        stage_id: None,
                        deal_title: None,
                        contact: None,
                        company: None,
                        custom: Default::default(),
                    },
                )
            })
            .expect("convert");
        let e = one_new(&store, 5);
        assert_eq!(e.kind, FeedType::LeadConverted);
        assert_eq!(e.target, Some(Target::new(TargetKind::Lead, l.id)));
        assert_eq!(e.data.get("deal_id"), Some(&conv.deal.id.to_string()));

        let made = store
            .write(Some(1), now, |tx| {
                crm::companies::create_many(
                    tx,
                    &admin,
                    vec![company("Б1"), company("Б2"), company("Б3")],
                )
            })
            .expect("batch");
        let e = one_new(&store, 6);
        assert_eq!(e.kind, FeedType::Created);
        assert_eq!(e.target, Some(Target::new(TargetKind::Company, made[0].id)));
        assert_eq!(e.data.get("count").map(String::as_str), Some("3"));

        // A transaction that fails after the change keeps neither the change nor its entry.
        let companies_before = store.read(store::count::<Company>).expect("count");
        let failed: Result<()> = store.write(Some(1), now, |tx| {
            crm::companies::create(tx, &admin, company("Привид"))?;
            Err(Error::Conflict("changed my mind".into()))
        });
        assert!(failed.is_err());
        assert_eq!(entries(&store).len(), 7);
        assert_eq!(
            store.read(store::count::<Company>).expect("count"),
            companies_before
        );
    }

    /// Entries written the way the code before this change wrote them (an English sentence in
    /// `text` for a batch, the task's title in `text`) are rewritten by the store migration and
    /// then read in the reader's language; a person's words stay as they were.
    #[test]
    fn old_entries_are_migrated_and_read_in_ukrainian() {
        let (dir, store, admin) = crate::testing::test_store();
        seed(&store);
        let now = Utc::now();
        let made = store
            .write(Some(1), now, |tx| {
                let named = User {
                    name: "Олена".into(),
                    language: Language::Uk,
                    ..admin.clone()
                };
                tx.put_quietly(&named)?;
                crm::companies::create_many(tx, &admin, vec![company("Acme"), company("Бета")])
            })
            .expect("companies");
        let old =
            |id: u64, kind, target: Option<Target>, text: &str, data: &[(&str, &str)]| FeedItem {
                id,
                at: now,
                actor_id: Some(1),
                kind,
                target,
                text: text.into(),
                data: data
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                department_id: None,
                project: String::new(),
                actor_name: String::new(),
                comment_count: 0,
                summary: String::new(),
            };
        let position = store::MIGRATIONS
            .iter()
            .position(|m| m.what == store::feed_migration::WHAT)
            .expect("the feed migration is listed") as u64;
        store
            .write(Some(1), now, |tx| {
                // Drop what the current code wrote and write the old forms.
                for e in tx.all::<FeedItem>()? {
                    tx.delete_quietly(&e)?;
                }
                let first = Some(Target::new(TargetKind::Company, made[0].id));
                tx.insert_quietly(&old(
                    101,
                    FeedType::Created,
                    first,
                    "imported 2 companies",
                    &[("count", "2")],
                ))?;
                // A task that was deleted since: only the entry remembers its title.
                tx.insert_quietly(&old(
                    102,
                    FeedType::TaskOverdue,
                    Some(Target::new(TargetKind::Task, 999)),
                    "Здати звіт",
                    &[],
                ))?;
                tx.insert_quietly(&old(
                    103,
                    FeedType::Comment,
                    Some(Target::new(TargetKind::Company, made[1].id)),
                    "Передзвоню завтра",
                    &[("comment_id", "1")],
                ))?;
                // The store as it was before the feed migration.
                tx.txn
                    .open_table(tables::META)
                    .ctx("meta")?
                    .insert("schema_version", (position + 1).to_be_bytes().as_slice())
                    .ctx("version")?;
                Ok(())
            })
            .expect("old entries");
        drop(store);
        let path = dir.path().join("db.redb");
        let mut migrated = None;
        let store = Store::open_migrating(&path, |_, from, to| {
            migrated = Some((from, to));
            Ok(())
        })
        .expect("migrate");
        assert_eq!(migrated, Some((position + 1, store::SCHEMA_VERSION)));
        let reader = store
            .read(|rx| Ok(store::get::<User>(rx, 1)?.expect("user")))
            .expect("reader");
        let (items, _) = store
            .read(|rx| list(rx, &reader, &Filter::default(), 10))
            .expect("feed");
        let by_id = |id: u64| items.iter().find(|i| i.id == id).expect("entry");
        let batch = by_id(101);
        assert_eq!(batch.text, "");
        assert_eq!(
            batch.summary,
            "Олена додав(-ла) 2 компанії, серед них «Acme»"
        );
        // The deleted task's entry is hidden from the list; read as it is, it names the task.
        let task = &store
            .read(|rx| {
                let mut e = store::get::<FeedItem>(rx, 102)?.expect("entry");
                fill(rx, &mut e, Language::Uk)?;
                Ok(e)
            })
            .expect("task entry");
        assert_eq!(task.text, "");
        assert_eq!(
            task.data.get("title").map(String::as_str),
            Some("Здати звіт")
        );
        assert_eq!(task.summary, "Завдання прострочено: «Здати звіт»");
        let comment = by_id(103);
        assert_eq!(comment.text, "Передзвоню завтра");
        assert_eq!(comment.summary, "Олена прокоментував(-ла) компанію «Бета»");
    }

    /// An old-form entry that no migration saw (restored from an old backup) is read in the
    /// data form: no server sentence in `text`, a task's title in `data.title`.
    #[test]
    fn an_unmigrated_entry_reads_in_the_data_form() {
        let item = |kind, text: &str| FeedItem {
            id: 1,
            at: Utc::now(),
            actor_id: None,
            kind,
            target: Some(Target::new(TargetKind::Task, 2)),
            text: text.into(),
            data: BTreeMap::new(),
            department_id: None,
            project: String::new(),
            actor_name: String::new(),
            comment_count: 0,
            summary: String::new(),
        };
        let mut task = item(FeedType::TaskCompleted, "Здати звіт");
        old_text_to_data(&mut task);
        assert_eq!(task.text, "");
        assert_eq!(
            task.data.get("title").map(String::as_str),
            Some("Здати звіт")
        );
        let mut batch = item(FeedType::Created, "imported 3 companies");
        old_text_to_data(&mut batch);
        assert_eq!((batch.text.as_str(), batch.data.len()), ("", 0));
        let mut comment = item(FeedType::Comment, "Добре");
        old_text_to_data(&mut comment);
        assert_eq!(comment.text, "Добре");
    }
}
