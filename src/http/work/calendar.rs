//! Events, the calendar view, the iCalendar feed, and mail (SMTP) settings.

use chrono::{DateTime, Duration, Utc};
use poem::Request;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Json, PlainText},
};

use super::work_api;
use crate::{
    http::{
        common::{Created, NoContent, Tag, read_as, write_as},
        problem::ApiResult,
    },
    work::{
        CalEvent,
        calendar::{self, CalItem, EventInput, Response},
        ical,
        mail::{self, MailSettingsInput, MailSettingsOut},
    },
};

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

work_api!(CalendarApi);

#[OpenApi(prefix_path = "/api/v1")]
impl CalendarApi {
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
        let now = self.app.now();
        let from = from.0.unwrap_or(now - Duration::days(31));
        let to = to.0.unwrap_or(now + Duration::days(31));
        let items = read_as(&self.app, req, |rx, me| {
            calendar::view(rx, me, user_id.0.unwrap_or(me.id), from, to)
        })
        .await?;
        Ok(Json(CalendarView { items }))
    }

    /// Creates an event (attendees are invited).
    #[oai(path = "/calendar/events", method = "post", tag = "Tag::Calendar")]
    async fn create_event(
        &self,
        req: &Request,
        body: Json<EventInput>,
    ) -> ApiResult<Created<CalEvent>> {
        let e = write_as(&self.app, req, move |tx, me| {
            calendar::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(e)))
    }

    #[oai(path = "/calendar/events/:id", method = "get", tag = "Tag::Calendar")]
    async fn event(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<CalEvent>> {
        Ok(Json(
            read_as(&self.app, req, |rx, me| calendar::get(rx, me, id.0)).await?,
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
        let e = write_as(&self.app, req, move |tx, me| {
            calendar::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(e))
    }

    #[oai(
        path = "/calendar/events/:id",
        method = "delete",
        tag = "Tag::Calendar"
    )]
    async fn delete_event(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| calendar::delete(tx, me, id.0)).await?;
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
        let e = write_as(&self.app, req, move |tx, me| {
            calendar::respond(tx, me, id.0, body.response)
        })
        .await?;
        Ok(Json(e))
    }

    /// My iCalendar feed URL (created on first call).
    #[oai(path = "/calendar/feed", method = "get", tag = "Tag::Calendar")]
    async fn calendar_feed(&self, req: &Request) -> ApiResult<Json<FeedUrl>> {
        let url = write_as(&self.app, req, ical::feed).await?;
        Ok(Json(FeedUrl { url }))
    }

    /// A new feed URL; the old one stops working.
    #[oai(path = "/calendar/feed/reset", method = "post", tag = "Tag::Calendar")]
    async fn reset_calendar_feed(&self, req: &Request) -> ApiResult<Json<FeedUrl>> {
        let url = write_as(&self.app, req, ical::reset).await?;
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
        Ok(Json(read_as(&self.app, req, mail::get).await?))
    }

    /// Saves the SMTP settings (admins); `password: null` keeps the stored one.
    #[oai(path = "/settings/mail", method = "put", tag = "Tag::Mail")]
    async fn put_mail_settings(
        &self,
        req: &Request,
        body: Json<MailSettingsInput>,
    ) -> ApiResult<Json<MailSettingsOut>> {
        let s = write_as(&self.app, req, move |tx, me| mail::put(tx, me, body.0)).await?;
        Ok(Json(s))
    }

    /// Sends a test e-mail with the stored settings and reports the mail server's answer.
    #[oai(path = "/settings/mail/test", method = "post", tag = "Tag::Mail")]
    async fn test_mail(&self, req: &Request, body: Json<TestMail>) -> ApiResult<NoContent> {
        let settings = read_as(&self.app, req, mail::stored_for_test).await?;
        mail::send_test(&settings, body.to.trim()).await?;
        Ok(NoContent::NoContent)
    }
}
