//! Tasks (with checklists, delegation and projects) and activities.

use poem::Request;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{bad, target_of, work_api};
use crate::{
    http::{
        common::{Created, HistoryList, NoContent, Tag, history_out, read_as, write_as},
        problem::ApiResult,
    },
    work::{
        Activity, TargetKind, Task,
        activities::{self, ActivityInput},
        agenda::Periods,
        tasks::{self, Due, Role, TaskInput, TaskStatus},
    },
};

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

work_api!(TasksApi);

#[OpenApi(prefix_path = "/api/v1")]
impl TasksApi {
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
        let now = self.app.now();
        let (items, next_cursor, total) = read_as(&self.app, req, |rx, me| {
            let periods = Periods::for_user(me, now);
            tasks::list(rx, me, &f, &periods, cursor.0.as_deref(), limit)
        })
        .await?;
        Ok(Json(TaskPage {
            next_cursor,
            items,
            total: total as u64,
        }))
    }

    /// Projects in use on the tasks I may see (for pickers and filters).
    #[oai(path = "/tasks/projects", method = "get", tag = "Tag::Tasks")]
    async fn task_projects(&self, req: &Request) -> ApiResult<Json<StringList>> {
        let items = read_as(&self.app, req, tasks::projects).await?;
        Ok(Json(StringList { items }))
    }

    /// Creates a task (the responsible and participants are notified).
    #[oai(path = "/tasks", method = "post", tag = "Tag::Tasks")]
    async fn create_task(&self, req: &Request, body: Json<TaskInput>) -> ApiResult<Created<Task>> {
        let t = write_as(&self.app, req, move |tx, me| tasks::create(tx, me, body.0)).await?;
        Ok(Created::Created(Json(t)))
    }

    #[oai(path = "/tasks/:id", method = "get", tag = "Tag::Tasks")]
    async fn task(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Task>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| tasks::get(rx, me, id.0, now)).await?,
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
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(t))
    }

    /// Deletes a task (creator or admin).
    #[oai(path = "/tasks/:id", method = "delete", tag = "Tag::Tasks")]
    async fn delete_task(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| tasks::delete(tx, me, id.0)).await?;
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
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::set_status(tx, me, id.0, body.status)
        })
        .await?;
        Ok(Json(t))
    }

    /// Hands the task to someone else; the former responsible becomes an observer.
    #[oai(path = "/tasks/:id/delegate", method = "post", tag = "Tag::Tasks")]
    async fn delegate_task(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<DelegateInput>,
    ) -> ApiResult<Json<Task>> {
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::delegate(tx, me, id.0, body.to)
        })
        .await?;
        Ok(Json(t))
    }

    /// Adds a checklist item.
    #[oai(path = "/tasks/:id/checklist", method = "post", tag = "Tag::Tasks")]
    async fn add_item(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ItemInput>,
    ) -> ApiResult<Json<Task>> {
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::add_item(tx, me, id.0, &body.text)
        })
        .await?;
        Ok(Json(t))
    }

    /// Puts the checklist in a new order (every item id once).
    #[oai(path = "/tasks/:id/checklist", method = "put", tag = "Tag::Tasks")]
    async fn reorder_items(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<OrderInput>,
    ) -> ApiResult<Json<Task>> {
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::reorder_items(tx, me, id.0, &body.ids)
        })
        .await?;
        Ok(Json(t))
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
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::edit_item(tx, me, id.0, item.0, body.0.text, body.0.done)
        })
        .await?;
        Ok(Json(t))
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
        let t = write_as(&self.app, req, move |tx, me| {
            tasks::delete_item(tx, me, id.0, item.0)
        })
        .await?;
        Ok(Json(t))
    }

    #[oai(path = "/tasks/:id/history", method = "get", tag = "Tag::Tasks")]
    async fn task_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        history_out(&self.app, req, TargetKind::Task, id.0).await
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
        let f = activities::Filter {
            link: target_of(link_kind.0.as_deref(), link_id.0)?,
            responsible_id: responsible_id.0,
            done: done.0,
        };
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let now = self.app.now();
        let (items, next_cursor, total) = read_as(&self.app, req, |rx, me| {
            activities::list(rx, me, &f, now, cursor.0.as_deref(), limit)
        })
        .await?;
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
        let a = write_as(&self.app, req, move |tx, me| {
            activities::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(a)))
    }

    #[oai(path = "/activities/:id", method = "get", tag = "Tag::Activities")]
    async fn activity(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Activity>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| activities::get(rx, me, id.0, now)).await?,
        ))
    }

    #[oai(path = "/activities/:id", method = "put", tag = "Tag::Activities")]
    async fn update_activity(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ActivityInput>,
    ) -> ApiResult<Json<Activity>> {
        let a = write_as(&self.app, req, move |tx, me| {
            activities::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(a))
    }

    #[oai(path = "/activities/:id", method = "delete", tag = "Tag::Activities")]
    async fn delete_activity(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            activities::delete(tx, me, id.0)
        })
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
        let a = write_as(&self.app, req, move |tx, me| {
            activities::complete(tx, me, id.0, &body.result)
        })
        .await?;
        Ok(Json(a))
    }

    #[oai(
        path = "/activities/:id/reopen",
        method = "post",
        tag = "Tag::Activities"
    )]
    async fn reopen_activity(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Activity>> {
        let a = write_as(&self.app, req, move |tx, me| {
            activities::reopen(tx, me, id.0)
        })
        .await?;
        Ok(Json(a))
    }
}
