//! Tasks: a title, a checklist, people (creator, one responsible, participants, observers), a
//! deadline, a status and a priority; linked to a CRM record or standalone under a project.
//! Visible to its people and to admins, to nobody else.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    Reader, Target, TargetKind,
    agenda::Periods,
    check_link, check_users, feed,
    notify::{self, NotificationType},
    reminders, titled,
    words::Msg,
};
use crate::{
    access::{
        User,
        policy::{Action, Entity, Facts, Grants, Visibility},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum, Default)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    New,
    InProgress,
    Completed,
    Deferred,
}

impl TaskStatus {
    /// Work to be done now: counted, reminded, announced when overdue.
    pub fn active(self) -> bool {
        matches!(self, TaskStatus::New | TaskStatus::InProgress)
    }
    pub fn parse(s: &str) -> Option<TaskStatus> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum, Default)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct CheckItem {
    pub id: u64,
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Delegation {
    pub from: u64,
    pub to: u64,
    pub by: u64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Task {
    pub id: u64,
    pub title: String,
    pub description: String,
    pub checklist: Vec<CheckItem>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub created_by: u64,
    pub responsible_id: u64,
    pub participant_ids: Vec<u64>,
    pub observer_ids: Vec<u64>,
    pub deadline: Option<DateTime<Utc>>,
    pub link: Option<Target>,
    pub project: String,
    /// Minutes before the deadline the responsible is reminded.
    pub remind_before: Vec<u32>,
    pub delegations: Vec<Delegation>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The feed and the responsible were told it is overdue (reset when the deadline moves).
    #[oai(skip)]
    #[serde(default)]
    pub overdue_noted: bool,
    /// Open and past its deadline (computed when read).
    #[serde(skip)]
    #[oai(default)]
    pub overdue: bool,
    #[serde(skip)]
    #[oai(default)]
    pub comment_count: u64,
}

impl Record for Task {
    const KIND: Kind = Kind::Task;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::TASKS;
    const NAME: &'static str = "task";
    const HISTORY_SKIP: &'static [&'static str] = &["overdue_noted"];
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        let mut k = vec![
            IndexKey::ById(tables::TASK_BY_RESPONSIBLE, self.responsible_id),
            IndexKey::ById(tables::TASK_BY_CREATOR, self.created_by),
        ];
        for p in sorted_unique(&self.participant_ids) {
            k.push(IndexKey::ById(tables::TASK_BY_PARTICIPANT, p));
        }
        for o in sorted_unique(&self.observer_ids) {
            k.push(IndexKey::ById(tables::TASK_BY_OBSERVER, o));
        }
        let by: BTreeSet<u64> = self.delegations.iter().map(|d| d.by).collect();
        for b in by {
            k.push(IndexKey::ById(tables::TASK_BY_DELEGATOR, b));
        }
        if let Some(l) = &self.link {
            k.push(IndexKey::ByStr(tables::TASK_BY_LINK, l.key()));
        }
        if let Some(d) = self.deadline
            && self.status.active()
            && !self.overdue_noted
        {
            k.push(IndexKey::Sorted(
                tables::TASK_DEADLINE_WATCH,
                crate::store::time_key(d, self.id),
            ));
        }
        k
    }
}

/// The values sorted, each once.
fn sorted_unique<T: Ord + Copy>(v: &[T]) -> Vec<T> {
    v.iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl Task {
    /// What the policy needs to know about the task: its people.
    pub fn facts(&self) -> Facts {
        Facts {
            responsible: Some(self.responsible_id),
            author: Some(self.created_by),
            participants: self.participant_ids.clone(),
            observers: self.observer_ids.clone(),
            ..Facts::default()
        }
    }
    /// May the holder of these grants see the task? (Its people and admins, today.)
    pub fn visible_to(&self, g: &Grants) -> bool {
        g.may(Entity::Task, Action::Read, &self.facts())
    }
    /// Everyone whose counters or lists this task is on.
    fn people(&self) -> Vec<u64> {
        let mut v: BTreeSet<u64> = [self.created_by, self.responsible_id].into();
        v.extend(&self.participant_ids);
        v.extend(&self.observer_ids);
        v.into_iter().collect()
    }
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status.active() && self.deadline.is_some_and(|d| d < now)
    }
}

#[derive(Debug, Clone, Object)]
pub struct TaskInput {
    #[oai(default)]
    pub title: String,
    #[oai(default)]
    pub description: String,
    /// New checklist items (on create; ignored on update).
    #[oai(default)]
    pub checklist: Vec<String>,
    /// Default: the author.
    pub responsible_id: Option<u64>,
    #[oai(default)]
    pub participant_ids: Vec<u64>,
    #[oai(default)]
    pub observer_ids: Vec<u64>,
    pub deadline: Option<DateTime<Utc>>,
    pub priority: Option<Priority>,
    pub link: Option<Target>,
    #[oai(default)]
    pub project: String,
    /// Default: [60, 1440] (an hour and a day before).
    pub remind_before: Option<Vec<u32>>,
}

const MAX_ITEMS: usize = 200;

struct Checked {
    title: String,
    description: String,
    checklist: Vec<String>,
    responsible_id: u64,
    participant_ids: Vec<u64>,
    observer_ids: Vec<u64>,
    project: String,
    remind_before: Vec<u32>,
    link: Option<Target>,
}

fn check(tx: &Tx, actor: &User, input: &TaskInput) -> Result<Checked> {
    let mut p = Problems::default();
    let title = validate::required(&mut p, "title", &input.title, 500);
    let description = validate::optional(&mut p, "description", &input.description, 50_000);
    let mut checklist = Vec::new();
    for (i, t) in input.checklist.iter().enumerate() {
        let t = validate::optional(&mut p, &format!("checklist[{i}]"), t, 1000);
        if !t.is_empty() {
            checklist.push(t);
        }
    }
    if checklist.len() > MAX_ITEMS {
        p.add("checklist", "too_long", "at most 200 items");
    }
    let responsible_id = input.responsible_id.unwrap_or(actor.id);
    match tx.get::<User>(responsible_id)? {
        Some(u) if u.active => {}
        Some(_) => p.add("responsible_id", "invalid_value", "the user is deactivated"),
        None => p.add("responsible_id", "not_found", "no such user"),
    }
    check_users(tx, &mut p, "participant_ids", &input.participant_ids)?;
    check_users(tx, &mut p, "observer_ids", &input.observer_ids)?;
    let project = validate::optional(&mut p, "project", &input.project, 100);
    let remind_before = input
        .remind_before
        .clone()
        .unwrap_or_else(|| vec![60, 1440]);
    if remind_before.len() > 5 {
        p.add("remind_before", "too_long", "at most 5 reminders");
    }
    if remind_before.iter().any(|m| *m == 0 || *m > 60 * 24 * 60) {
        p.add(
            "remind_before",
            "invalid_value",
            "minutes before the deadline: 1 to 86400",
        );
    }
    let link = input.link.as_ref().map(|l| Target::new(l.kind, l.id));
    check_link(tx, &mut p, "link", &link)?;
    p.finish()?;
    Ok(Checked {
        title,
        description,
        checklist,
        responsible_id,
        participant_ids: sorted_unique(&input.participant_ids),
        observer_ids: sorted_unique(&input.observer_ids),
        project,
        remind_before: sorted_unique(&remind_before),
        link,
    })
}

fn after_change(tx: &mut Tx, old: Option<&Task>, new: &Task) -> Result<()> {
    let mut people = new.people();
    if let Some(o) = old {
        people.extend(o.people());
    }
    people.sort_unstable();
    people.dedup();
    tx.signal("counters", people);
    let deadline_changed = old.is_none_or(|o| {
        o.deadline != new.deadline
            || o.responsible_id != new.responsible_id
            || o.remind_before != new.remind_before
            || o.status.active() != new.status.active()
    });
    if deadline_changed {
        reminders::schedule_deadline(tx, new)?;
    }
    Ok(())
}

pub fn create(tx: &mut Tx, actor: &User, input: TaskInput) -> Result<Task> {
    let c = check(tx, actor, &input)?;
    let task = Task {
        id: tx.next_id("tasks")?,
        title: c.title,
        description: c.description,
        checklist: c
            .checklist
            .into_iter()
            .enumerate()
            .map(|(i, text)| CheckItem {
                id: i as u64 + 1,
                text,
                done: false,
            })
            .collect(),
        status: TaskStatus::New,
        priority: input.priority.unwrap_or_default(),
        created_by: actor.id,
        responsible_id: c.responsible_id,
        participant_ids: c.participant_ids,
        observer_ids: c.observer_ids,
        deadline: input.deadline,
        link: c.link,
        project: c.project,
        remind_before: c.remind_before,
        delegations: Vec::new(),
        completed_at: None,
        created_at: tx.now,
        updated_at: tx.now,
        overdue_noted: false,
        overdue: false,
        comment_count: 0,
    };
    tx.insert(&task)?;
    feed::record(
        tx,
        feed::FeedType::TaskCreated,
        Some(Target::new(TargetKind::Task, task.id)),
        String::new(),
        BTreeMap::new(),
        task.project.clone(),
    )?;
    for u in std::iter::once(task.responsible_id).chain(task.participant_ids.iter().copied()) {
        notify::send(
            tx,
            u,
            NotificationType::TaskAssigned,
            Msg::GaveTask {
                who: &actor.name,
                title: &task.title,
            },
            Some(Target::new(TargetKind::Task, task.id)),
        )?;
    }
    after_change(tx, None, &task)?;
    out(tx, task)
}

/// Loads a task the actor sees (404 otherwise) and may do `action` to (403 otherwise).
fn load_for(tx: &Tx, actor: &User, id: u64, action: Action) -> Result<Task> {
    let g = Grants::load(tx, actor)?;
    let t: Task = tx.must(id)?;
    g.must_see(Entity::Task, &t.facts(), "task")?;
    g.check(Entity::Task, action, &t.facts())?;
    Ok(t)
}

/// What every change answers: the task filled from the same transaction.
fn out(tx: &Tx, t: Task) -> Result<Task> {
    fill(tx, t, tx.now)
}

/// Saves a changed task (history, indexes, signals, reminders).
fn save(tx: &mut Tx, old: &Task, mut new: Task) -> Result<Task> {
    if old.deadline != new.deadline {
        new.overdue_noted = false;
    }
    new.updated_at = tx.now;
    if tx.update(old, &new)? {
        after_change(tx, Some(old), &new)?;
        out(tx, new)
    } else {
        out(tx, old.clone())
    }
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: TaskInput) -> Result<Task> {
    let old = load_for(tx, actor, id, Action::Edit)?;
    let c = check(tx, actor, &input)?;
    let mut new = Task {
        title: c.title,
        description: c.description,
        participant_ids: c.participant_ids,
        observer_ids: c.observer_ids,
        deadline: input.deadline,
        priority: input.priority.unwrap_or(old.priority),
        link: c.link,
        project: c.project,
        remind_before: c.remind_before,
        ..old.clone()
    };
    if c.responsible_id != old.responsible_id {
        hand_over(tx, actor, &mut new, c.responsible_id)?;
    }
    save(tx, &old, new)
}

fn hand_over(tx: &mut Tx, actor: &User, t: &mut Task, to: u64) -> Result<()> {
    let from = t.responsible_id;
    t.delegations.push(Delegation {
        from,
        to,
        by: actor.id,
        at: tx.now,
    });
    t.responsible_id = to;
    if !t.observer_ids.contains(&from) && from != to {
        t.observer_ids.push(from);
    }
    t.observer_ids.retain(|o| *o != to);
    notify::send(
        tx,
        to,
        NotificationType::TaskDelegated,
        Msg::Handed {
            who: &actor.name,
            title: &t.title,
        },
        Some(Target::new(TargetKind::Task, t.id)),
    )?;
    Ok(())
}

/// Hands the task to someone else; the former responsible stays as an observer.
pub fn delegate(tx: &mut Tx, actor: &User, id: u64, to: u64) -> Result<Task> {
    let old = load_for(tx, actor, id, Action::Delegate)?;
    let mut p = Problems::default();
    match tx.get::<User>(to)? {
        Some(u) if u.active => {}
        Some(_) => p.add("to", "invalid_value", "the user is deactivated"),
        None => p.add("to", "not_found", "no such user"),
    }
    if to == old.responsible_id {
        p.add("to", "invalid_value", "is already responsible");
    }
    p.finish()?;
    let mut new = old.clone();
    hand_over(tx, actor, &mut new, to)?;
    save(tx, &old, new)
}

pub fn set_status(tx: &mut Tx, actor: &User, id: u64, status: TaskStatus) -> Result<Task> {
    let old = load_for(tx, actor, id, Action::Work)?;
    if old.status == status {
        return out(tx, old);
    }
    let new = Task {
        status,
        completed_at: (status == TaskStatus::Completed).then_some(tx.now),
        ..old.clone()
    };
    let t = save(tx, &old, new)?;
    if status == TaskStatus::Completed {
        feed::record(
            tx,
            feed::FeedType::TaskCompleted,
            Some(Target::new(TargetKind::Task, t.id)),
            String::new(),
            BTreeMap::new(),
            t.project.clone(),
        )?;
    }
    Ok(t)
}

fn check_item_text(text: &str) -> Result<String> {
    let mut p = Problems::default();
    let t = validate::required(&mut p, "text", text, 1000);
    p.finish()?;
    Ok(t)
}

fn working_copy(tx: &Tx, actor: &User, id: u64) -> Result<Task> {
    load_for(tx, actor, id, Action::Work)
}

pub fn add_item(tx: &mut Tx, actor: &User, id: u64, text: &str) -> Result<Task> {
    let old = working_copy(tx, actor, id)?;
    let text = check_item_text(text)?;
    if old.checklist.len() >= MAX_ITEMS {
        return Err(Error::field(
            "text",
            "too_long",
            "the checklist is full (200 items)",
        ));
    }
    let mut new = old.clone();
    let next = old.checklist.iter().map(|i| i.id).max().unwrap_or(0) + 1;
    new.checklist.push(CheckItem {
        id: next,
        text,
        done: false,
    });
    save(tx, &old, new)
}

pub fn edit_item(
    tx: &mut Tx,
    actor: &User,
    id: u64,
    item: u64,
    text: Option<String>,
    done: Option<bool>,
) -> Result<Task> {
    let old = working_copy(tx, actor, id)?;
    let mut new = old.clone();
    let it = new
        .checklist
        .iter_mut()
        .find(|i| i.id == item)
        .ok_or(Error::NotFound("checklist item"))?;
    if let Some(t) = text {
        it.text = check_item_text(&t)?;
    }
    if let Some(d) = done {
        it.done = d;
    }
    save(tx, &old, new)
}

pub fn delete_item(tx: &mut Tx, actor: &User, id: u64, item: u64) -> Result<Task> {
    let old = working_copy(tx, actor, id)?;
    let mut new = old.clone();
    let before = new.checklist.len();
    new.checklist.retain(|i| i.id != item);
    if new.checklist.len() == before {
        return Err(Error::NotFound("checklist item"));
    }
    save(tx, &old, new)
}

pub fn reorder_items(tx: &mut Tx, actor: &User, id: u64, ids: &[u64]) -> Result<Task> {
    let old = working_copy(tx, actor, id)?;
    let mut have: Vec<u64> = old.checklist.iter().map(|i| i.id).collect();
    let mut want = ids.to_vec();
    have.sort_unstable();
    want.sort_unstable();
    if have != want {
        return Err(Error::field(
            "ids",
            "invalid_value",
            "must list every checklist item exactly once",
        ));
    }
    let mut new = old.clone();
    new.checklist = ids
        .iter()
        .filter_map(|i| old.checklist.iter().find(|c| c.id == *i).cloned())
        .collect();
    save(tx, &old, new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    let old = load_for(tx, actor, id, Action::Delete)?;
    reminders::drop_for_target(tx, &Target::new(TargetKind::Task, id))?;
    tx.signal("counters", old.people());
    tx.delete(&old)
}

/// Someone mentioned on a task they cannot see becomes an observer.
pub fn add_observer(tx: &mut Tx, id: u64, user: u64) -> Result<()> {
    let old: Task = tx.must(id)?;
    if old.people().contains(&user) {
        return Ok(());
    }
    let mut new = old.clone();
    new.observer_ids.push(user);
    tx.update(&old, &new)?;
    tx.signal("counters", vec![user]);
    Ok(())
}

/// Marks overdue tasks whose deadline passed by `now`: one feed entry and one notification
/// each (the scheduler calls this; a restart does not repeat them).
pub fn note_overdue(tx: &mut Tx) -> Result<usize> {
    let ids = tx.due_ids(tables::TASK_DEADLINE_WATCH, usize::MAX)?;
    for id in &ids {
        let old: Task = tx.must(*id)?;
        let new = Task {
            overdue_noted: true,
            ..old.clone()
        };
        tx.update_quietly(&old, &new)?;
        let actor = tx.actor;
        tx.actor = None;
        feed::record(
            tx,
            feed::FeedType::TaskOverdue,
            Some(Target::new(TargetKind::Task, new.id)),
            String::new(),
            BTreeMap::new(),
            new.project.clone(),
        )?;
        let mut told = vec![new.responsible_id, new.created_by];
        told.dedup();
        for u in told {
            notify::send(
                tx,
                u,
                NotificationType::TaskOverdue,
                Msg::Overdue { title: &new.title },
                Some(Target::new(TargetKind::Task, new.id)),
            )?;
        }
        tx.actor = actor;
        tx.signal("counters", new.people());
    }
    Ok(ids.len())
}

pub fn get(rx: &ReadTransaction, actor: &User, id: u64, now: DateTime<Utc>) -> Result<Task> {
    let t = store::get::<Task>(rx, id)?.ok_or(Error::NotFound("task"))?;
    Grants::load(rx, actor)?.must_see(Entity::Task, &t.facts(), "task")?;
    fill(rx, t, now)
}

/// The task as the API shows it: overdue or not, the linked record's name, the comment count
/// (from a snapshot, or from the write that changed it).
pub fn fill(rx: &impl Reader, mut t: Task, now: DateTime<Utc>) -> Result<Task> {
    t.overdue = t.is_overdue(now);
    t.link = t.link.map(|l| titled(rx, l)).transpose()?;
    t.comment_count = super::comments::count(rx, &Target::new(TargetKind::Task, t.id))?;
    Ok(t)
}

/// Which of a person's tasks a list shows (`?role=`); names derived, lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    Responsible,
    Created,
    Delegated,
    Observed,
    Participant,
    All,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        s.parse().ok()
    }
}

/// A group of tasks by due time (`?due=`); names derived, lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Due {
    Overdue,
    Today,
    Week,
    Later,
    None,
}

impl Due {
    pub fn parse(s: &str) -> Option<Due> {
        s.parse().ok()
    }
}

pub struct Filter {
    pub role: Role,
    pub statuses: Vec<TaskStatus>,
    pub due: Option<Due>,
    pub project: Option<String>,
    pub link: Option<Target>,
    pub q: Option<String>,
}

/// Which group of "my activities" a due time falls in.
pub fn due_group(due: Option<DateTime<Utc>>, p: &Periods) -> Due {
    match due {
        None => Due::None,
        Some(d) if d < p.now => Due::Overdue,
        Some(d) if d < p.tomorrow => Due::Today,
        Some(d) if d < p.week_end => Due::Week,
        Some(_) => Due::Later,
    }
}

/// Tasks the user may see, filtered and sorted: open by deadline (none last), then the rest
/// newest first. Returns (page, total).
pub fn list(
    rx: &ReadTransaction,
    actor: &User,
    f: &Filter,
    periods: &Periods,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<Task>, Option<String>, usize)> {
    let after = crate::cursor::decode(cursor)?;
    let me = actor.id;
    let grants = Grants::load(rx, actor)?;
    let sees_all = grants.visibility(Entity::Task) == Visibility::All;
    let by = |def| store::ids_by(rx, def, me);
    let ids: BTreeSet<u64> = match f.role {
        Role::Responsible => by(tables::TASK_BY_RESPONSIBLE)?.into_iter().collect(),
        Role::Created => by(tables::TASK_BY_CREATOR)?.into_iter().collect(),
        Role::Delegated => by(tables::TASK_BY_DELEGATOR)?.into_iter().collect(),
        Role::Observed => by(tables::TASK_BY_OBSERVER)?.into_iter().collect(),
        Role::Participant => by(tables::TASK_BY_PARTICIPANT)?.into_iter().collect(),
        Role::All if sees_all && f.link.is_none() => {
            let mut s = BTreeSet::new();
            for t in store::iter::<Task>(rx)? {
                s.insert(t?.id);
            }
            s
        }
        Role::All => {
            let mut s: BTreeSet<u64> = BTreeSet::new();
            for def in [
                tables::TASK_BY_RESPONSIBLE,
                tables::TASK_BY_CREATOR,
                tables::TASK_BY_PARTICIPANT,
                tables::TASK_BY_OBSERVER,
            ] {
                s.extend(by(def)?);
            }
            s
        }
    };
    let ids: BTreeSet<u64> = match &f.link {
        Some(l) => {
            let linked: BTreeSet<u64> = store::ids_by_str(rx, tables::TASK_BY_LINK, &l.key())?
                .into_iter()
                .collect();
            if f.role == Role::All && sees_all {
                linked
            } else {
                ids.intersection(&linked).copied().collect()
            }
        }
        None => ids,
    };
    let q = f.q.as_ref().map(|q| q.to_lowercase());
    let mut rows = Vec::new();
    for id in ids {
        let Some(t) = store::get::<Task>(rx, id)? else {
            continue;
        };
        if !t.visible_to(&grants) {
            continue;
        }
        if !f.statuses.is_empty() && !f.statuses.contains(&t.status) {
            continue;
        }
        if let Some(p) = &f.project
            && &t.project != p
        {
            continue;
        }
        if let Some(d) = f.due
            && (!t.status.active() || due_group(t.deadline, periods) != d)
        {
            continue;
        }
        if let Some(q) = &q
            && !t.title.to_lowercase().contains(q)
            && !t.description.to_lowercase().contains(q)
        {
            continue;
        }
        rows.push(t);
    }
    let total = rows.len();
    let keyed = rows.into_iter().map(|t| (list_key(&t), t)).collect();
    let (page, next_cursor) = crate::cursor::page_in_memory(keyed, false, after.as_deref(), limit);
    let page = page
        .into_iter()
        .map(|t| fill(rx, t, periods.now))
        .collect::<Result<Vec<_>>>()?;
    Ok((page, next_cursor, total))
}

/// The task list's order as a cursor key: open tasks first, by deadline (none last); then
/// completed ones, last completed first; newer tasks first among equals.
fn list_key(t: &Task) -> Vec<u8> {
    use crate::cursor::Key;
    let k = if !matches!(t.status, TaskStatus::Completed) {
        match t.deadline {
            Some(d) => Key::new().group(0).group(0).time(d),
            None => Key::new().group(0).group(1),
        }
    } else {
        match t.completed_at {
            Some(c) => Key::new().group(1).group(0).time_desc(c),
            None => Key::new().group(1).group(1),
        }
    };
    k.id_desc(t.id).into_bytes()
}

/// Projects in use on tasks the user may see.
pub fn projects(rx: &ReadTransaction, actor: &User) -> Result<Vec<String>> {
    let grants = Grants::load(rx, actor)?;
    let mut s = BTreeSet::new();
    for t in store::iter::<Task>(rx)? {
        let t = t?;
        if !t.project.is_empty() && t.visible_to(&grants) {
            s.insert(t.project);
        }
    }
    Ok(s.into_iter().collect())
}

/// Open tasks linked to a record (for the CRM lists' counters and the timeline).
pub fn linked(rx: &ReadTransaction, link: &Target) -> Result<Vec<Task>> {
    let mut out = Vec::new();
    for id in store::ids_by_str(rx, tables::TASK_BY_LINK, &link.key())? {
        if let Some(t) = rx.rec::<Task>(id)? {
            out.push(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod rule_tests;
