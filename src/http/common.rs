//! What the area modules share: the one pair of helpers every handler runs its use case
//! through (`read_as`, `write_as`), the tags of the API, the answer shapes, the one set of
//! reference-list handlers.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem::Request;
use poem_openapi::{ApiResponse, Object, Tags, payload::Json, types::ToJSON};
use redb::ReadTransaction;

use super::{auth::principal, problem::ApiResult};
use crate::{
    access::User,
    app::App,
    error::Result,
    store::Tx,
    work::{
        Target, TargetKind,
        history::{self, HistoryItem},
    },
};

/// The signed-in caller (401 without credentials, 403 on a missing CSRF token), for the few
/// use cases that neither read nor write the store (backup files, the search index, live
/// events). Everything else goes through [`read_as`] or [`write_as`].
pub async fn caller(app: &Arc<App>, req: &Request) -> ApiResult<User> {
    Ok(principal(app, req).await?.user)
}

/// Runs one read use case over a consistent snapshot as the signed-in caller. The use case
/// decides what the caller may see; the handler only maps its result to the answer.
pub async fn read_as<T>(
    app: &Arc<App>,
    req: &Request,
    f: impl FnOnce(&ReadTransaction, &User) -> Result<T>,
) -> ApiResult<T> {
    let me = caller(app, req).await?;
    Ok(app.store.read(|rx| f(rx, &me))?)
}

/// Runs one write use case in a transaction as the signed-in caller (on a blocking thread;
/// live signals go out after the commit). The use case asks the access policy itself and
/// returns the answer, filled from the same transaction.
pub async fn write_as<T: Send + 'static>(
    app: &Arc<App>,
    req: &Request,
    f: impl FnOnce(&mut Tx, &User) -> Result<T> + Send + 'static,
) -> ApiResult<T> {
    let me = caller(app, req).await?;
    Ok(app.write(Some(me.id), move |tx| f(tx, &me)).await?)
}

/// "Today" in the user's own time zone (amounts convert at the rate in force that day).
pub fn today_of(me: &User, now: DateTime<Utc>) -> NaiveDate {
    let tz: chrono_tz::Tz = me.time_zone.parse().unwrap_or(chrono_tz::Europe::Kyiv);
    now.with_timezone(&tz).date_naive()
}

#[derive(Tags)]
pub enum Tag {
    /// Health and first-run setup
    System,
    /// Signing in and out, the current user, API tokens
    Session,
    /// Users and departments
    People,
    /// Companies, contacts and their reference lists
    Crm,
    /// Global search
    Search,
    /// Currencies, the base currency and rates
    Money,
    /// Pipelines, stages and lead statuses
    Pipelines,
    /// Custom fields and reference lists of the pipeline
    Fields,
    /// Leads and their conversion
    Leads,
    /// Deals, the board and live events
    Deals,
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
    /// Backups of the whole data folder (admins)
    Backups,
}

#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    #[oai(status = 201)]
    Created(Json<T>),
}

#[derive(ApiResponse)]
pub enum NoContent {
    #[oai(status = 204)]
    NoContent,
}

#[derive(ApiResponse)]
pub enum NoContentCookie {
    #[oai(status = 204)]
    NoContent(#[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum WithCookie<T: ToJSON> {
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "Set-Cookie")] String),
}

#[derive(Object)]
pub struct HistoryList {
    pub items: Vec<HistoryItem>,
}

/// The default page size of lists.
pub const DEFAULT_PAGE: u32 = 50;

/// The handlers of one reference list (`crm::reflists`): list, create, update, delete, each
/// calling the generic use case with the list's own item and input types.
macro_rules! reflist_api {
    (
        $api:ident, $item:ident, $input:ident, $list:ident,
        path: $path:tt, path_id: $path_id:tt, tag: $tag:tt,
        list_doc: $list_doc:tt, delete_doc: $delete_doc:tt $(,)?
    ) => {
        #[derive(poem_openapi::Object)]
        pub struct $list {
            pub items: Vec<$item>,
        }

        pub struct $api {
            pub app: std::sync::Arc<crate::app::App>,
        }

        #[poem_openapi::OpenApi(prefix_path = "/api/v1")]
        impl $api {
            #[doc = $list_doc]
            #[oai(path = $path, method = "get", tag = $tag)]
            async fn list(
                &self,
                req: &poem::Request,
            ) -> crate::http::problem::ApiResult<poem_openapi::payload::Json<$list>> {
                let items = crate::http::common::read_as(&self.app, req, |rx, _| {
                    crate::crm::reflists::list::<$item>(rx)
                })
                .await?;
                Ok(poem_openapi::payload::Json($list { items }))
            }

            #[oai(path = $path, method = "post", tag = $tag)]
            async fn create(
                &self,
                req: &poem::Request,
                body: poem_openapi::payload::Json<$input>,
            ) -> crate::http::problem::ApiResult<crate::http::common::Created<$item>> {
                let t = crate::http::common::write_as(&self.app, req, move |tx, me| {
                    crate::crm::reflists::create::<$item>(tx, me, body.0)
                })
                .await?;
                Ok(crate::http::common::Created::Created(
                    poem_openapi::payload::Json(t),
                ))
            }

            #[oai(path = $path_id, method = "put", tag = $tag)]
            async fn update(
                &self,
                req: &poem::Request,
                id: poem_openapi::param::Path<u64>,
                body: poem_openapi::payload::Json<$input>,
            ) -> crate::http::problem::ApiResult<poem_openapi::payload::Json<$item>> {
                let t = crate::http::common::write_as(&self.app, req, move |tx, me| {
                    crate::crm::reflists::update::<$item>(tx, me, id.0, body.0)
                })
                .await?;
                Ok(poem_openapi::payload::Json(t))
            }

            #[doc = $delete_doc]
            #[oai(path = $path_id, method = "delete", tag = $tag)]
            async fn delete(
                &self,
                req: &poem::Request,
                id: poem_openapi::param::Path<u64>,
            ) -> crate::http::problem::ApiResult<crate::http::common::NoContent> {
                crate::http::common::write_as(&self.app, req, move |tx, me| {
                    crate::crm::reflists::delete::<$item>(tx, me, id.0)
                })
                .await?;
                Ok(crate::http::common::NoContent::NoContent)
            }
        }
    };
}

pub(crate) use reflist_api;

/// A record's history: the one use-case call behind every `/…/:id/history` handler.
pub async fn history_out(
    app: &Arc<App>,
    req: &Request,
    kind: TargetKind,
    id: u64,
) -> ApiResult<Json<HistoryList>> {
    let now = app.now();
    let items = read_as(app, req, |rx, me| {
        history::of(rx, me, &Target::new(kind, id), now)
    })
    .await?;
    Ok(Json(HistoryList { items }))
}
