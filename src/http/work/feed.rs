//! Comments, the timeline of a record, the feed, and my work: the agenda, counters,
//! notifications and reminders.

use poem::Request;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{bad, target_of, work_api};
use crate::{
    http::{
        common::{Created, NoContent, Tag, read_as, write_as},
        problem::ApiResult,
    },
    work::{
        Comment, FeedItem, Reminder, TargetKind,
        agenda::{self, Agenda, Counters, Periods, WorkCount},
        comments::{self, CommentEdit, CommentInput},
        feed::{self, FeedType, PostInput},
        notify::{self, NotificationList},
        reminders,
        reminders::ReminderInput,
        timeline::{self, TimelineItem},
    },
};

#[derive(Object)]
pub struct CommentList {
    pub items: Vec<Comment>,
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
pub struct ReminderList {
    pub items: Vec<Reminder>,
}

work_api!(FeedApi);

#[OpenApi(prefix_path = "/api/v1")]
impl FeedApi {
    // --- comments, timeline, feed ---------------------------------------------------------

    /// Comments on a record, oldest first (deleted ones stay as traces).
    #[oai(path = "/comments", method = "get", tag = "Tag::Feed")]
    async fn comments(
        &self,
        req: &Request,
        target_kind: Query<String>,
        target_id: Query<u64>,
    ) -> ApiResult<Json<CommentList>> {
        let t = target_of(Some(&target_kind.0), Some(target_id.0))?
            .ok_or_else(|| bad("target_kind", "is required"))?;
        let items = read_as(&self.app, req, |rx, me| comments::list(rx, me, &t)).await?;
        Ok(Json(CommentList { items }))
    }

    /// Writes a comment; `@login` mentions notify those people.
    #[oai(path = "/comments", method = "post", tag = "Tag::Feed")]
    async fn create_comment(
        &self,
        req: &Request,
        body: Json<CommentInput>,
    ) -> ApiResult<Created<Comment>> {
        let c = write_as(&self.app, req, move |tx, me| {
            comments::create(tx, me, body.0)
        })
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
        let c = write_as(&self.app, req, move |tx, me| {
            comments::edit(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(c))
    }

    /// Deletes a comment's text (author or admin) and returns the trace left behind.
    #[oai(path = "/comments/:id", method = "delete", tag = "Tag::Feed")]
    async fn delete_comment(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Comment>> {
        let c = write_as(&self.app, req, move |tx, me| comments::delete(tx, me, id.0)).await?;
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
        let t = target_of(Some(&kind.0), Some(id.0))?.ok_or_else(|| bad("kind", "is required"))?;
        let now = self.app.now();
        let items = read_as(&self.app, req, |rx, me| timeline::timeline(rx, me, &t, now)).await?;
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
        let (items, next_before) =
            read_as(&self.app, req, |rx, me| feed::list(rx, me, &f, limit)).await?;
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
        let item = write_as(&self.app, req, move |tx, me| feed::post(tx, me, body.0)).await?;
        Ok(Created::Created(Json(item)))
    }

    /// Deletes a post (author or admin).
    #[oai(path = "/feed/posts/:id", method = "delete", tag = "Tag::Feed")]
    async fn delete_post(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            feed::delete_post(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    // --- my activities, counters, notifications, reminders -------------------------------

    /// My open tasks and planned activities by when they are due, in my time zone.
    #[oai(path = "/my/agenda", method = "get", tag = "Tag::My")]
    async fn agenda(&self, req: &Request, user_id: Query<Option<u64>>) -> ApiResult<Json<Agenda>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                agenda::agenda_of(rx, me, user_id.0, now)
            })
            .await?,
        ))
    }

    /// Overdue and today's counts for the navigation, and unread notifications.
    #[oai(path = "/my/counters", method = "get", tag = "Tag::My")]
    async fn counters(&self, req: &Request) -> ApiResult<Json<Counters>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                agenda::counters(rx, me, &Periods::for_user(me, now))
            })
            .await?,
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
        let kind = TargetKind::parse(&kind.0)
            .ok_or_else(|| bad("kind", "company, contact, lead or deal"))?;
        let mut list = Vec::new();
        for s in ids.0.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            list.push(
                s.parse::<u64>()
                    .map_err(|_| bad("ids", "comma-separated ids"))?,
            );
        }
        let now = self.app.now();
        let items = read_as(&self.app, req, |rx, me| {
            agenda::counts(rx, me, kind, &list, now)
        })
        .await?;
        Ok(Json(WorkCounts { items }))
    }

    /// My notifications, newest first, one page at a time, with the unread count.
    #[oai(path = "/notifications", method = "get", tag = "Tag::My")]
    async fn notifications(
        &self,
        req: &Request,
        unread: Query<Option<bool>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<NotificationList>> {
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let only_unread = unread.0.unwrap_or(false);
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                notify::list(rx, me, only_unread, cursor.0.as_deref(), limit)
            })
            .await?,
        ))
    }

    #[oai(path = "/notifications/:id/read", method = "post", tag = "Tag::My")]
    async fn read_notification(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            notify::mark_read(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/notifications/read-all", method = "post", tag = "Tag::My")]
    async fn read_all_notifications(&self, req: &Request) -> ApiResult<NoContent> {
        write_as(&self.app, req, notify::mark_all_read).await?;
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
        let t = target_of(target_kind.0.as_deref(), target_id.0)?;
        let items = read_as(&self.app, req, |rx, me| reminders::list(rx, me, t.as_ref())).await?;
        Ok(Json(ReminderList { items }))
    }

    /// Sets a reminder for me or a colleague, on a record or standalone.
    #[oai(path = "/reminders", method = "post", tag = "Tag::My")]
    async fn create_reminder(
        &self,
        req: &Request,
        body: Json<ReminderInput>,
    ) -> ApiResult<Created<Reminder>> {
        let r = write_as(&self.app, req, move |tx, me| {
            reminders::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(r)))
    }

    #[oai(path = "/reminders/:id", method = "delete", tag = "Tag::My")]
    async fn delete_reminder(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            reminders::delete(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }
}
