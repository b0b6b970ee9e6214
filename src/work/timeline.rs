//! The timeline of a CRM record: its history, comments, activities and tasks in one stream,
//! newest first, as the reader may see it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redb::ReadTransaction;

use super::{
    Activity, Comment, Target, Task, activities, comments,
    history::{self, HistoryItem},
    must_see, tasks, title_of,
};
use crate::{
    access::User,
    error::{Error, Result},
    store,
};

#[derive(Debug, Clone, Object)]
pub struct TimelineItem {
    pub at: DateTime<Utc>,
    /// history, comment, activity or task
    #[oai(rename = "type")]
    pub item_type: String,
    pub user_id: Option<u64>,
    pub user_name: String,
    pub history: Option<HistoryItem>,
    pub comment: Option<Comment>,
    pub activity: Option<Activity>,
    pub task: Option<Task>,
}

fn bad(field: &str, message: &str) -> Error {
    Error::field(field, "invalid_value", message)
}

/// The record's stream, newest first; 404 for a record the reader may not see or that never
/// existed (a deleted one keeps its history).
pub fn timeline(
    rx: &ReadTransaction,
    me: &User,
    t: &Target,
    now: DateTime<Utc>,
) -> Result<Vec<TimelineItem>> {
    if !t.kind.is_crm() {
        return Err(bad("kind", "company, contact, lead or deal"));
    }
    let hkind = history::kind_for_history(t.kind).ok_or_else(|| bad("kind", "no history"))?;
    must_see(rx, me, t)?;
    let named = !title_of(rx, t)?.is_empty();
    let mut names = HashMap::new();
    for u in store::all::<User>(rx)? {
        names.insert(u.id, u.name);
    }
    let cs = comments::list(rx, me, t)?;
    let acts = activities::linked(rx, t)?
        .into_iter()
        .map(|a| activities::fill(rx, a, now))
        .collect::<Result<Vec<_>>>()?;
    let grants = crate::access::policy::Grants::load(rx, me)?;
    let ts = tasks::linked(rx, t)?
        .into_iter()
        .filter(|x| x.visible_to(&grants))
        .map(|x| tasks::fill(rx, x, now))
        .collect::<Result<Vec<_>>>()?;
    let history = history::entries(rx, hkind, t.id)?;
    // A deleted record still has its history; one that never existed has neither.
    if !named && history.is_empty() {
        return Err(Error::NotFound("record"));
    }
    let name = |id: Option<u64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
    let mut items: Vec<TimelineItem> = Vec::new();
    for h in history {
        items.push(TimelineItem {
            at: h.at,
            item_type: "history".into(),
            user_id: h.user_id,
            user_name: h.user_name.clone(),
            history: Some(h),
            comment: None,
            activity: None,
            task: None,
        });
    }
    for c in cs {
        items.push(TimelineItem {
            at: c.created_at,
            item_type: "comment".into(),
            user_id: Some(c.author_id),
            user_name: c.author_name.clone(),
            history: None,
            comment: Some(c),
            activity: None,
            task: None,
        });
    }
    for a in acts {
        items.push(TimelineItem {
            at: a.done_at.unwrap_or(a.created_at),
            item_type: "activity".into(),
            user_id: Some(a.responsible_id),
            user_name: name(Some(a.responsible_id)),
            history: None,
            comment: None,
            activity: Some(a),
            task: None,
        });
    }
    for x in ts {
        items.push(TimelineItem {
            at: x.completed_at.unwrap_or(x.created_at),
            item_type: "task".into(),
            user_id: Some(x.created_by),
            user_name: name(Some(x.created_by)),
            history: None,
            comment: None,
            activity: None,
            task: Some(x),
        });
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.at));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        access::Role,
        crm::companies::{self, CompanyInput},
        work::{TargetKind, tasks::TaskInput},
    };

    fn task_on(link: &Target) -> TaskInput {
        TaskInput {
            title: "Call about the contract".into(),
            description: String::new(),
            checklist: Vec::new(),
            responsible_id: None,
            participant_ids: Vec::new(),
            observer_ids: Vec::new(),
            deadline: None,
            priority: None,
            link: Some(link.clone()),
            project: String::new(),
            remind_before: Some(Vec::new()),
        }
    }

    #[test]
    fn a_record_s_timeline_shows_a_task_only_to_its_people() {
        let (_dir, store, admin) = crate::crm::test_store();
        let other = User {
            id: 2,
            role: Role::User,
            active: true,
            name: "Olena".into(),
            ..Default::default()
        };
        let now = Utc::now();
        let company = store
            .write(Some(1), now, |tx| {
                tx.put_quietly(&other)?;
                let c = companies::create(
                    tx,
                    &admin,
                    CompanyInput {
                        name: "Dnipro Trade".into(),
                        ..Default::default()
                    },
                )?;
                let t = Target::new(TargetKind::Company, c.id);
                tasks::create(tx, &admin, task_on(&t))?;
                Ok(t)
            })
            .expect("write");
        let types = |reader: &User| -> Vec<String> {
            store
                .read(|rx| timeline(rx, reader, &company, now))
                .expect("timeline")
                .into_iter()
                .map(|i| i.item_type)
                .collect()
        };
        let mine = types(&admin);
        assert!(mine.contains(&"task".to_string()), "{mine:?}");
        assert!(mine.contains(&"history".to_string()), "{mine:?}");
        let theirs = types(&other);
        assert!(!theirs.contains(&"task".to_string()), "{theirs:?}");
        assert!(theirs.contains(&"history".to_string()), "{theirs:?}");

        // A record that never existed is not found; a task has no timeline of its own.
        let none = Target::new(TargetKind::Company, company.id + 100);
        assert!(matches!(
            store.read(|rx| timeline(rx, &admin, &none, now)),
            Err(Error::NotFound(_))
        ));
        let task = Target::new(TargetKind::Task, 1);
        assert!(matches!(
            store.read(|rx| timeline(rx, &admin, &task, now)),
            Err(Error::Validation(_))
        ));

        // The history of the task follows the same rule: its people only.
        assert!(
            store
                .read(|rx| history::of(rx, &admin, &task, now))
                .is_ok_and(|h| !h.is_empty())
        );
        assert!(matches!(
            store.read(|rx| history::of(rx, &other, &task, now)),
            Err(Error::NotFound(_))
        ));
        let company_history = store
            .read(|rx| history::of(rx, &other, &company, now))
            .expect("history");
        assert_eq!(company_history.len(), 1);
        assert_eq!(company_history[0].action, "created");
    }
}
