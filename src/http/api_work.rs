//! The work API: tasks, activities, comments, the timeline, the feed, "my activities",
//! notifications, reminders, the calendar with its iCalendar feed, and mail settings.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use poem::Request;
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags,
    param::{Path, Query},
    payload::{Json, PlainText},
};

use super::{
    api::{Created, HistoryItem, NoContent, history_out},
    auth::principal,
    problem::ApiResult,
};
use crate::{
    access::User,
    app::App,
    error::{Error, Result},
    store::{self, Kind},
    work::{
        Activity, CalEvent, Comment, FeedItem, Notification, Reminder, Target, TargetKind, Task,
        activities::{self, ActivityInput},
        agenda::{self, Agenda, Counters, Periods, WorkCount},
        calendar::{self, CalItem, EventInput, Response},
        comments::{self, CommentEdit, CommentInput},
        feed::{self, FeedType, PostInput},
        ical,
        mail::{self, MailSettingsInput, MailSettingsOut},
        notify, reminders,
        reminders::ReminderInput,
        tasks::{self, Due, Role, TaskInput, TaskStatus},
    },
};

#[derive(Tags)]
enum Tag {
    /// Tasks with checklists, delegation and projects
    Tasks,
    /// Calls, e-mails, meetings and to-dos on CRM records
    Activities,
    /// Comments, the timeline of a record, and the feed
    Feed,
    /// My activities, counters, notifications and reminders
    My,
    /// Events, the calendar view and the iCalendar feed
    Calendar,
    /// Mail (SMTP) settings
    Mail,
}

#[derive(Object)]
pub struct TaskPage {
    pub items: Vec<Task>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Object)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Object)]
pub struct StringList {
    pub items: Vec<String>,
}

#[derive(Object)]
pub struct StatusInput {
    pub status: TaskStatus,
}

#[derive(Object)]
pub struct DelegateInput {
    pub to: u64,
}

#[derive(Object)]
pub struct ItemInput {
    #[oai(default)]
    pub text: String,
}

#[derive(Object)]
pub struct ItemEdit {
    pub text: Option<String>,
    pub done: Option<bool>,
}

#[derive(Object)]
pub struct OrderInput {
    pub ids: Vec<u64>,
}

#[derive(Object)]
pub struct CompleteInput {
    #[oai(default)]
    pub result: String,
}

#[derive(Object)]
pub struct CommentList {
    pub items: Vec<Comment>,
}

#[derive(Object)]
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

#[derive(Object)]
pub struct Timeline {
    pub items: Vec<TimelineItem>,
}

#[derive(Object)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `cursor` for older items; null at the end.
    pub next_cursor: Option<String>,
    /// The same place as an id for the deprecated `before`; null at the end.
    #[oai(deprecated)]
    pub next_before: Option<u64>,
}

#[derive(Object)]
pub struct WorkCounts {
    pub items: Vec<WorkCount>,
}

#[derive(Object)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: u64,
}

#[derive(Object)]
pub struct ReminderList {
    pub items: Vec<Reminder>,
}

#[derive(Object)]
pub struct CalendarView {
    pub items: Vec<CalItem>,
}

#[derive(Object)]
pub struct RespondInput {
    pub response: Response,
}

#[derive(Object)]
pub struct FeedUrl {
    /// Relative to the server; read-only; the secret in it is the key.
    pub url: String,
}

#[derive(Object)]
pub struct TestMail {
    #[oai(default)]
    pub to: String,
}

#[derive(ApiResponse)]
pub enum Ics {
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ok(PlainText<String>),
}

pub struct WorkApi {
    pub app: Arc<App>,
}

fn bad(field: &str, message: &str) -> Error {
    Error::field(field, "invalid_value", message)
}

fn target_of(kind: Option<&str>, id: Option<u64>) -> Result<Option<Target>> {
    match (kind, id) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => {
            let kind = TargetKind::parse(k).ok_or_else(|| bad("kind", "unknown record kind"))?;
            Ok(Some(Target::new(kind, id)))
        }
        _ => Err(bad("target_id", "give both the kind and the id")),
    }
}

fn kind_for_history(k: TargetKind) -> Option<Kind> {
    Some(match k {
        TargetKind::Company => Kind::Company,
        TargetKind::Contact => Kind::Contact,
        TargetKind::Lead => Kind::Lead,
        TargetKind::Deal => Kind::Deal,
        TargetKind::Task => Kind::Task,
        TargetKind::Event => Kind::CalEvent,
        TargetKind::Post => return None,
    })
}

impl WorkApi {
    async fn me(&self, req: &Request) -> ApiResult<User> {
        Ok(principal(&self.app, req).await?.user)
    }

    async fn write<T: Send + 'static>(
        &self,
        me: &User,
        f: impl FnOnce(&mut store::Tx, &User) -> Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        let u = me.clone();
        Ok(self.app.write(Some(me.id), move |tx| f(tx, &u)).await?)
    }

    fn task_out(&self, t: Task) -> ApiResult<Json<Task>> {
        let now = self.app.now();
        Ok(Json(self.app.store.read(|rx| tasks::fill(rx, t, now))?))
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl WorkApi {
    // --- tasks -------------------------------------------------------------------------

    /// Tasks I may see: by my role, status (comma list), due group, project, linked record.
    #[oai(path = "/tasks", method = "get", tag = "Tag::Tasks")]
    #[allow(clippy::too_many_arguments)]
    async fn tasks(
        &self,
        req: &Request,
        role: Query<Option<String>>,
        status: Query<Option<String>>,
        due: Query<Option<String>>,
        project: Query<Option<String>>,
        link_kind: Query<Option<String>>,
        link_id: Query<Option<u64>>,
        q: Query<Option<String>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<TaskPage>> {
        let me = self.me(req).await?;
        let role = match role.0.as_deref() {
            None | Some("") => Role::All,
            Some(r) => Role::parse(r).ok_or_else(|| {
                bad(
                    "role",
                    "responsible, created, delegated, observed, participant or all",
                )
            })?,
        };
        let mut statuses = Vec::new();
        for s in status.0.as_deref().unwrap_or("").split(',') {
            let s = s.trim();
            if !s.is_empty() {
                statuses.push(
                    TaskStatus::parse(s)
                        .ok_or_else(|| bad("status", "new, in_progress, completed or deferred"))?,
                );
            }
        }
        let due = match due.0.as_deref() {
            None | Some("") => None,
            Some(d) => Some(
                Due::parse(d).ok_or_else(|| bad("due", "overdue, today, week, later or none"))?,
            ),
        };
        let f = tasks::Filter {
            role,
            statuses,
            due,
            project: project.0.filter(|p| !p.is_empty()),
            link: target_of(link_kind.0.as_deref(), link_id.0)?,
            q: q.0.filter(|q| !q.trim().is_empty()),
        };
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let periods = Periods::for_user(&me, self.app.now());
        let (items, next_cursor, total) = self
            .app
            .store
            .read(|rx| tasks::list(rx, &me, &f, &periods, cursor.0.as_deref(), limit))?;
        Ok(Json(TaskPage {
            next_cursor,
            items,
            total: total as u64,
        }))
    }

    /// Projects in use on the tasks I may see (for pickers and filters).
    #[oai(path = "/tasks/projects", method = "get", tag = "Tag::Tasks")]
    async fn task_projects(&self, req: &Request) -> ApiResult<Json<StringList>> {
        let me = self.me(req).await?;
        let items = self.app.store.read(|rx| tasks::projects(rx, &me))?;
        Ok(Json(StringList { items }))
    }

    /// Creates a task (the responsible and participants are notified).
    #[oai(path = "/tasks", method = "post", tag = "Tag::Tasks")]
    async fn create_task(&self, req: &Request, body: Json<TaskInput>) -> ApiResult<Created<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| tasks::create(tx, u, body.0))
            .await?;
        Ok(Created::Created(self.task_out(t)?))
    }

    #[oai(path = "/tasks/:id", method = "get", tag = "Tag::Tasks")]
    async fn task(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let now = self.app.now();
        Ok(Json(
            self.app.store.read(|rx| tasks::get(rx, &me, id.0, now))?,
        ))
    }

    /// Edits a task (creator, responsible or admin); a new responsible counts as delegation.
    #[oai(path = "/tasks/:id", method = "put", tag = "Tag::Tasks")]
    async fn update_task(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<TaskInput>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| tasks::update(tx, u, id.0, body.0))
            .await?;
        self.task_out(t)
    }

    /// Deletes a task (creator or admin).
    #[oai(path = "/tasks/:id", method = "delete", tag = "Tag::Tasks")]
    async fn delete_task(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| tasks::delete(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// Starts, completes, defers or reopens a task.
    #[oai(path = "/tasks/:id/status", method = "post", tag = "Tag::Tasks")]
    async fn task_status(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<StatusInput>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| {
                tasks::set_status(tx, u, id.0, body.status)
            })
            .await?;
        self.task_out(t)
    }

    /// Hands the task to someone else; the former responsible becomes an observer.
    #[oai(path = "/tasks/:id/delegate", method = "post", tag = "Tag::Tasks")]
    async fn delegate_task(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<DelegateInput>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| tasks::delegate(tx, u, id.0, body.to))
            .await?;
        self.task_out(t)
    }

    /// Adds a checklist item.
    #[oai(path = "/tasks/:id/checklist", method = "post", tag = "Tag::Tasks")]
    async fn add_item(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ItemInput>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| tasks::add_item(tx, u, id.0, &body.text))
            .await?;
        self.task_out(t)
    }

    /// Puts the checklist in a new order (every item id once).
    #[oai(path = "/tasks/:id/checklist", method = "put", tag = "Tag::Tasks")]
    async fn reorder_items(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<OrderInput>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| {
                tasks::reorder_items(tx, u, id.0, &body.ids)
            })
            .await?;
        self.task_out(t)
    }

    /// Renames or ticks a checklist item.
    #[oai(
        path = "/tasks/:id/checklist/:item",
        method = "put",
        tag = "Tag::Tasks"
    )]
    async fn edit_item(
        &self,
        req: &Request,
        id: Path<u64>,
        item: Path<u64>,
        body: Json<ItemEdit>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| {
                tasks::edit_item(tx, u, id.0, item.0, body.0.text, body.0.done)
            })
            .await?;
        self.task_out(t)
    }

    #[oai(
        path = "/tasks/:id/checklist/:item",
        method = "delete",
        tag = "Tag::Tasks"
    )]
    async fn delete_item(
        &self,
        req: &Request,
        id: Path<u64>,
        item: Path<u64>,
    ) -> ApiResult<Json<Task>> {
        let me = self.me(req).await?;
        let t = self
            .write(&me, move |tx, u| tasks::delete_item(tx, u, id.0, item.0))
            .await?;
        self.task_out(t)
    }

    #[oai(path = "/tasks/:id/history", method = "get", tag = "Tag::Tasks")]
    async fn task_history(
        &self,
        req: &Request,
        id: Path<u64>,
    ) -> ApiResult<Json<super::api::HistoryList>> {
        let me = self.me(req).await?;
        let now = self.app.now();
        self.app.store.read(|rx| tasks::get(rx, &me, id.0, now))?;
        history_out(&self.app, Kind::Task, id.0)
    }

    // --- activities ----------------------------------------------------------------------

    /// Activities of a record, or of a person (default: mine): planned first.
    #[oai(path = "/activities", method = "get", tag = "Tag::Activities")]
    #[allow(clippy::too_many_arguments)]
    async fn activities(
        &self,
        req: &Request,
        link_kind: Query<Option<String>>,
        link_id: Query<Option<u64>>,
        responsible_id: Query<Option<u64>>,
        done: Query<Option<bool>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ActivityPage>> {
        let me = self.me(req).await?;
        let f = activities::Filter {
            link: target_of(link_kind.0.as_deref(), link_id.0)?,
            responsible_id: responsible_id.0,
            done: done.0,
        };
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let now = self.app.now();
        let (items, next_cursor, total) = self
            .app
            .store
            .read(|rx| activities::list(rx, &me, &f, now, cursor.0.as_deref(), limit))?;
        Ok(Json(ActivityPage {
            next_cursor,
            items,
            total: total as u64,
        }))
    }

    #[oai(path = "/activities", method = "post", tag = "Tag::Activities")]
    async fn create_activity(
        &self,
        req: &Request,
        body: Json<ActivityInput>,
    ) -> ApiResult<Created<Activity>> {
        let me = self.me(req).await?;
        let a = self
            .write(&me, move |tx, u| activities::create(tx, u, body.0))
            .await?;
        let now = self.app.now();
        Ok(Created::Created(Json(
            self.app.store.read(|rx| activities::fill(rx, a, now))?,
        )))
    }

    #[oai(path = "/activities/:id", method = "get", tag = "Tag::Activities")]
    async fn activity(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Activity>> {
        let me = self.me(req).await?;
        let now = self.app.now();
        Ok(Json(
            self.app
                .store
                .read(|rx| activities::get(rx, &me, id.0, now))?,
        ))
    }

    #[oai(path = "/activities/:id", method = "put", tag = "Tag::Activities")]
    async fn update_activity(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ActivityInput>,
    ) -> ApiResult<Json<Activity>> {
        let me = self.me(req).await?;
        let a = self
            .write(&me, move |tx, u| activities::update(tx, u, id.0, body.0))
            .await?;
        let now = self.app.now();
        Ok(Json(
            self.app.store.read(|rx| activities::fill(rx, a, now))?,
        ))
    }

    #[oai(path = "/activities/:id", method = "delete", tag = "Tag::Activities")]
    async fn delete_activity(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| activities::delete(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// Marks an activity done, with its result.
    #[oai(
        path = "/activities/:id/complete",
        method = "post",
        tag = "Tag::Activities"
    )]
    async fn complete_activity(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<CompleteInput>,
    ) -> ApiResult<Json<Activity>> {
        let me = self.me(req).await?;
        let a = self
            .write(&me, move |tx, u| {
                activities::complete(tx, u, id.0, &body.result)
            })
            .await?;
        let now = self.app.now();
        Ok(Json(
            self.app.store.read(|rx| activities::fill(rx, a, now))?,
        ))
    }

    #[oai(
        path = "/activities/:id/reopen",
        method = "post",
        tag = "Tag::Activities"
    )]
    async fn reopen_activity(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Activity>> {
        let me = self.me(req).await?;
        let a = self
            .write(&me, move |tx, u| activities::reopen(tx, u, id.0))
            .await?;
        let now = self.app.now();
        Ok(Json(
            self.app.store.read(|rx| activities::fill(rx, a, now))?,
        ))
    }

    // --- comments, timeline, feed ---------------------------------------------------------

    /// Comments on a record, oldest first (deleted ones stay as traces).
    #[oai(path = "/comments", method = "get", tag = "Tag::Feed")]
    async fn comments(
        &self,
        req: &Request,
        target_kind: Query<String>,
        target_id: Query<u64>,
    ) -> ApiResult<Json<CommentList>> {
        let me = self.me(req).await?;
        let t = target_of(Some(&target_kind.0), Some(target_id.0))?
            .ok_or_else(|| bad("target_kind", "is required"))?;
        let items = self.app.store.read(|rx| comments::list(rx, &me, &t))?;
        Ok(Json(CommentList { items }))
    }

    /// Writes a comment; `@login` mentions notify those people.
    #[oai(path = "/comments", method = "post", tag = "Tag::Feed")]
    async fn create_comment(
        &self,
        req: &Request,
        body: Json<CommentInput>,
    ) -> ApiResult<Created<Comment>> {
        let me = self.me(req).await?;
        let c = self
            .write(&me, move |tx, u| comments::create(tx, u, body.0))
            .await?;
        Ok(Created::Created(Json(c)))
    }

    /// Edits one's own comment.
    #[oai(path = "/comments/:id", method = "put", tag = "Tag::Feed")]
    async fn edit_comment(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<CommentEdit>,
    ) -> ApiResult<Json<Comment>> {
        let me = self.me(req).await?;
        let c = self
            .write(&me, move |tx, u| comments::edit(tx, u, id.0, body.0))
            .await?;
        Ok(Json(c))
    }

    /// Deletes a comment's text (author or admin) and returns the trace left behind.
    #[oai(path = "/comments/:id", method = "delete", tag = "Tag::Feed")]
    async fn delete_comment(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Comment>> {
        let me = self.me(req).await?;
        let c = self
            .write(&me, move |tx, u| comments::delete(tx, u, id.0))
            .await?;
        Ok(Json(c))
    }

    /// A CRM record's history, comments, activities and tasks in one stream, newest first.
    #[oai(path = "/timeline/:kind/:id", method = "get", tag = "Tag::Feed")]
    async fn timeline(
        &self,
        req: &Request,
        kind: Path<String>,
        id: Path<u64>,
    ) -> ApiResult<Json<Timeline>> {
        let me = self.me(req).await?;
        let t = target_of(Some(&kind.0), Some(id.0))?.ok_or_else(|| bad("kind", "is required"))?;
        if !t.kind.is_crm() {
            return Err(bad("kind", "company, contact, lead or deal").into());
        }
        let hkind = kind_for_history(t.kind).ok_or_else(|| bad("kind", "no history"))?;
        let now = self.app.now();
        let (cs, acts, ts, named, names) = self.app.store.read(|rx| {
            crate::work::must_see(rx, &me, &t)?;
            let named = !crate::work::title_of(rx, &t)?.is_empty();
            let mut names = std::collections::HashMap::new();
            for u in store::all::<User>(rx)? {
                names.insert(u.id, u.name);
            }
            let cs = comments::list(rx, &me, &t)?;
            let acts = activities::linked(rx, &t)?
                .into_iter()
                .map(|a| activities::fill(rx, a, now))
                .collect::<Result<Vec<_>>>()?;
            let ts = tasks::linked(rx, &t)?
                .into_iter()
                .filter(|x| x.visible_to(&me))
                .map(|x| tasks::fill(rx, x, now))
                .collect::<Result<Vec<_>>>()?;
            Ok((cs, acts, ts, named, names))
        })?;
        let history = history_out(&self.app, hkind, t.id)?.0.items;
        // A deleted record still has its history; one that never existed has neither.
        if !named && history.is_empty() {
            return Err(Error::NotFound("record").into());
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
        Ok(Json(Timeline { items }))
    }

    /// The company feed, newest first, as the reader may see it.
    #[oai(path = "/feed", method = "get", tag = "Tag::Feed")]
    #[allow(clippy::too_many_arguments)]
    async fn feed(
        &self,
        req: &Request,
        #[oai(name = "type")] kind: Query<Option<String>>,
        actor_id: Query<Option<u64>>,
        project: Query<Option<String>>,
        /// Deprecated: use `cursor` (a `next_before` id still works here).
        #[oai(deprecated)]
        before: Query<Option<u64>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<FeedPage>> {
        let me = self.me(req).await?;
        let mut types = Vec::new();
        for t in kind.0.as_deref().unwrap_or("").split(',') {
            let t = t.trim();
            if !t.is_empty() {
                types.push(FeedType::parse(t).ok_or_else(|| bad("type", "unknown feed type"))?);
            }
        }
        let f = feed::Filter {
            types,
            actor_id: actor_id.0,
            project: project.0.filter(|p| !p.is_empty()),
            before: crate::cursor::decode_id(cursor.0.as_deref())?.or(before.0),
        };
        let limit = limit.0.unwrap_or(30).clamp(1, 200) as usize;
        let (items, next_before) = self.app.store.read(|rx| feed::list(rx, &me, &f, limit))?;
        Ok(Json(FeedPage {
            items,
            next_cursor: next_before.map(crate::cursor::encode_id),
            next_before,
        }))
    }

    /// Writes a post to everyone or to one department.
    #[oai(path = "/feed/posts", method = "post", tag = "Tag::Feed")]
    async fn create_post(
        &self,
        req: &Request,
        body: Json<PostInput>,
    ) -> ApiResult<Created<FeedItem>> {
        let me = self.me(req).await?;
        let item = self
            .write(&me, move |tx, u| feed::post(tx, u, body.0))
            .await?;
        let item = self.app.store.read(|rx| feed::get(rx, &me, item.id))?;
        Ok(Created::Created(Json(item)))
    }

    /// Deletes a post (author or admin).
    #[oai(path = "/feed/posts/:id", method = "delete", tag = "Tag::Feed")]
    async fn delete_post(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| feed::delete_post(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    // --- my activities, counters, notifications, reminders -------------------------------

    /// My open tasks and planned activities by when they are due, in my time zone.
    #[oai(path = "/my/agenda", method = "get", tag = "Tag::My")]
    async fn agenda(&self, req: &Request, user_id: Query<Option<u64>>) -> ApiResult<Json<Agenda>> {
        let me = self.me(req).await?;
        let who = match user_id.0 {
            Some(u) if u != me.id => {
                if !crate::work::is_admin(&me) {
                    return Err(
                        Error::Forbidden("only admins open someone else's agenda".into()).into(),
                    );
                }
                self.app
                    .store
                    .read(|rx| store::get::<User>(rx, u))?
                    .ok_or(Error::NotFound("user"))?
            }
            _ => me.clone(),
        };
        let periods = Periods::for_user(&who, self.app.now());
        Ok(Json(
            self.app
                .store
                .read(|rx| agenda::agenda(rx, &who, &periods))?,
        ))
    }

    /// Overdue and today's counts for the navigation, and unread notifications.
    #[oai(path = "/my/counters", method = "get", tag = "Tag::My")]
    async fn counters(&self, req: &Request) -> ApiResult<Json<Counters>> {
        let me = self.me(req).await?;
        let periods = Periods::for_user(&me, self.app.now());
        Ok(Json(
            self.app
                .store
                .read(|rx| agenda::counters(rx, &me, &periods))?,
        ))
    }

    /// Planned and overdue work per CRM record (for the lists' column).
    #[oai(path = "/work/counts", method = "get", tag = "Tag::My")]
    async fn work_counts(
        &self,
        req: &Request,
        kind: Query<String>,
        ids: Query<String>,
    ) -> ApiResult<Json<WorkCounts>> {
        let me = self.me(req).await?;
        let kind = TargetKind::parse(&kind.0)
            .filter(|k| k.is_crm())
            .ok_or_else(|| bad("kind", "company, contact, lead or deal"))?;
        let mut list = Vec::new();
        for s in ids.0.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            list.push(
                s.parse::<u64>()
                    .map_err(|_| bad("ids", "comma-separated ids"))?,
            );
        }
        if list.len() > 500 {
            return Err(bad("ids", "at most 500 ids").into());
        }
        let now = self.app.now();
        let items = self
            .app
            .store
            .read(|rx| agenda::counts(rx, &me, kind, &list, now))?;
        Ok(Json(WorkCounts { items }))
    }

    /// My notifications, newest first, with the unread count.
    #[oai(path = "/notifications", method = "get", tag = "Tag::My")]
    async fn notifications(
        &self,
        req: &Request,
        unread: Query<Option<bool>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<NotificationList>> {
        let me = self.me(req).await?;
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let (items, unread) = self.app.store.read(|rx| {
            Ok((
                notify::list(rx, &me, unread.0.unwrap_or(false), limit)?,
                notify::unread(rx, me.id)?,
            ))
        })?;
        Ok(Json(NotificationList { items, unread }))
    }

    #[oai(path = "/notifications/:id/read", method = "post", tag = "Tag::My")]
    async fn read_notification(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| notify::mark_read(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/notifications/read-all", method = "post", tag = "Tag::My")]
    async fn read_all_notifications(&self, req: &Request) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, notify::mark_all_read).await?;
        Ok(NoContent::NoContent)
    }

    /// Reminders on a record, or (without a target) mine; pending first.
    #[oai(path = "/reminders", method = "get", tag = "Tag::My")]
    async fn reminders(
        &self,
        req: &Request,
        target_kind: Query<Option<String>>,
        target_id: Query<Option<u64>>,
    ) -> ApiResult<Json<ReminderList>> {
        let me = self.me(req).await?;
        let t = target_of(target_kind.0.as_deref(), target_id.0)?;
        let items = self
            .app
            .store
            .read(|rx| reminders::list(rx, &me, t.as_ref()))?;
        Ok(Json(ReminderList { items }))
    }

    /// Sets a reminder for me or a colleague, on a record or standalone.
    #[oai(path = "/reminders", method = "post", tag = "Tag::My")]
    async fn create_reminder(
        &self,
        req: &Request,
        body: Json<ReminderInput>,
    ) -> ApiResult<Created<Reminder>> {
        let me = self.me(req).await?;
        let r = self
            .write(&me, move |tx, u| reminders::create(tx, u, body.0))
            .await?;
        Ok(Created::Created(Json(r)))
    }

    #[oai(path = "/reminders/:id", method = "delete", tag = "Tag::My")]
    async fn delete_reminder(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| reminders::delete(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    // --- calendar ----------------------------------------------------------------------------

    /// A user's events, task deadlines and activities between two times (default: me, this
    /// month around now).
    #[oai(path = "/calendar", method = "get", tag = "Tag::Calendar")]
    async fn calendar(
        &self,
        req: &Request,
        from: Query<Option<DateTime<Utc>>>,
        to: Query<Option<DateTime<Utc>>>,
        user_id: Query<Option<u64>>,
    ) -> ApiResult<Json<CalendarView>> {
        let me = self.me(req).await?;
        let now = self.app.now();
        let from = from.0.unwrap_or(now - Duration::days(31));
        let to = to.0.unwrap_or(now + Duration::days(31));
        if to < from || to - from > Duration::days(400) {
            return Err(bad("to", "after from, at most 400 days later").into());
        }
        let user = user_id.0.unwrap_or(me.id);
        let items = self.app.store.read(|rx| {
            if store::get::<User>(rx, user)?.is_none() {
                return Err(Error::NotFound("user"));
            }
            calendar::items(rx, &me, user, from, to)
        })?;
        Ok(Json(CalendarView { items }))
    }

    /// Creates an event (attendees are invited).
    #[oai(path = "/calendar/events", method = "post", tag = "Tag::Calendar")]
    async fn create_event(
        &self,
        req: &Request,
        body: Json<EventInput>,
    ) -> ApiResult<Created<CalEvent>> {
        let me = self.me(req).await?;
        let e = self
            .write(&me, move |tx, u| calendar::create(tx, u, body.0))
            .await?;
        Ok(Created::Created(Json(
            self.app.store.read(|rx| calendar::fill(rx, e))?,
        )))
    }

    #[oai(path = "/calendar/events/:id", method = "get", tag = "Tag::Calendar")]
    async fn event(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<CalEvent>> {
        let me = self.me(req).await?;
        Ok(Json(
            self.app.store.read(|rx| calendar::get(rx, &me, id.0))?,
        ))
    }

    /// Edits an event (organizer or admin); a new time asks attendees again.
    #[oai(path = "/calendar/events/:id", method = "put", tag = "Tag::Calendar")]
    async fn update_event(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<EventInput>,
    ) -> ApiResult<Json<CalEvent>> {
        let me = self.me(req).await?;
        let e = self
            .write(&me, move |tx, u| calendar::update(tx, u, id.0, body.0))
            .await?;
        Ok(Json(self.app.store.read(|rx| calendar::fill(rx, e))?))
    }

    #[oai(
        path = "/calendar/events/:id",
        method = "delete",
        tag = "Tag::Calendar"
    )]
    async fn delete_event(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        self.write(&me, move |tx, u| calendar::delete(tx, u, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// Accepts or declines an invitation (attendees).
    #[oai(
        path = "/calendar/events/:id/respond",
        method = "post",
        tag = "Tag::Calendar"
    )]
    async fn respond(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<RespondInput>,
    ) -> ApiResult<Json<CalEvent>> {
        let me = self.me(req).await?;
        let e = self
            .write(&me, move |tx, u| {
                calendar::respond(tx, u, id.0, body.response)
            })
            .await?;
        Ok(Json(self.app.store.read(|rx| calendar::fill(rx, e))?))
    }

    /// My iCalendar feed URL (created on first call).
    #[oai(path = "/calendar/feed", method = "get", tag = "Tag::Calendar")]
    async fn calendar_feed(&self, req: &Request) -> ApiResult<Json<FeedUrl>> {
        let me = self.me(req).await?;
        let url = self.write(&me, ical::feed).await?;
        Ok(Json(FeedUrl { url }))
    }

    /// A new feed URL; the old one stops working.
    #[oai(path = "/calendar/feed/reset", method = "post", tag = "Tag::Calendar")]
    async fn reset_calendar_feed(&self, req: &Request) -> ApiResult<Json<FeedUrl>> {
        let me = self.me(req).await?;
        let url = self.write(&me, ical::reset).await?;
        Ok(Json(FeedUrl { url }))
    }

    /// The read-only iCalendar feed (no sign-in: the secret in the URL is the key).
    #[oai(path = "/ical/:file", method = "get", tag = "Tag::Calendar")]
    async fn ical(&self, file: Path<String>) -> ApiResult<Ics> {
        let secret = file.0.strip_suffix(".ics").unwrap_or(&file.0).to_string();
        let now = self.app.now();
        let body = self.app.store.read(|rx| ical::render(rx, &secret, now))?;
        Ok(Ics::Ok(PlainText(body)))
    }

    // --- mail ------------------------------------------------------------------------------

    /// The SMTP settings (admins); the password is never returned.
    #[oai(path = "/settings/mail", method = "get", tag = "Tag::Mail")]
    async fn mail_settings(&self, req: &Request) -> ApiResult<Json<MailSettingsOut>> {
        let me = self.me(req).await?;
        Ok(Json(self.app.store.read(|rx| mail::get(rx, &me))?))
    }

    /// Saves the SMTP settings (admins); `password: null` keeps the stored one.
    #[oai(path = "/settings/mail", method = "put", tag = "Tag::Mail")]
    async fn put_mail_settings(
        &self,
        req: &Request,
        body: Json<MailSettingsInput>,
    ) -> ApiResult<Json<MailSettingsOut>> {
        let me = self.me(req).await?;
        let s = self
            .write(&me, move |tx, u| mail::put(tx, u, body.0))
            .await?;
        Ok(Json(s))
    }

    /// Sends a test e-mail with the stored settings and reports the mail server's answer.
    #[oai(path = "/settings/mail/test", method = "post", tag = "Tag::Mail")]
    async fn test_mail(&self, req: &Request, body: Json<TestMail>) -> ApiResult<NoContent> {
        let me = self.me(req).await?;
        let settings = self.app.store.read(|rx| {
            mail::get(rx, &me)?;
            mail::stored(rx)
        })?;
        mail::send_test(&settings, body.to.trim()).await?;
        Ok(NoContent::NoContent)
    }
}
