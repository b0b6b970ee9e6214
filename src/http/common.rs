//! What the area modules share: the tags of the API, the answer shapes, the one set of
//! reference-list handlers.

use poem_openapi::{ApiResponse, Object, Tags, payload::Json, types::ToJSON};

use super::problem::ApiResult;
use crate::{
    access::User,
    app::App,
    work::{
        Target, TargetKind,
        history::{self, HistoryItem},
    },
};

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
                crate::http::auth::principal(&self.app, req).await?;
                let items = self.app.store.read(crate::crm::reflists::list::<$item>)?;
                Ok(poem_openapi::payload::Json($list { items }))
            }

            #[oai(path = $path, method = "post", tag = $tag)]
            async fn create(
                &self,
                req: &poem::Request,
                body: poem_openapi::payload::Json<$input>,
            ) -> crate::http::problem::ApiResult<crate::http::common::Created<$item>> {
                let me = crate::http::auth::principal(&self.app, req).await?.user;
                let t = self
                    .app
                    .write(Some(me.id), move |tx| {
                        crate::crm::reflists::create::<$item>(tx, &me, body.0)
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
                let me = crate::http::auth::principal(&self.app, req).await?.user;
                let t = self
                    .app
                    .write(Some(me.id), move |tx| {
                        crate::crm::reflists::update::<$item>(tx, &me, id.0, body.0)
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
                let me = crate::http::auth::principal(&self.app, req).await?.user;
                self.app
                    .write(Some(me.id), move |tx| {
                        crate::crm::reflists::delete::<$item>(tx, &me, id.0)
                    })
                    .await?;
                Ok(crate::http::common::NoContent::NoContent)
            }
        }
    };
}

pub(crate) use reflist_api;

/// A record's history: the one use-case call behind every `/…/:id/history` handler.
pub fn history_out(
    app: &App,
    me: &User,
    kind: TargetKind,
    id: u64,
) -> ApiResult<Json<HistoryList>> {
    let now = app.now();
    let items = app
        .store
        .read(|rx| history::of(rx, me, &Target::new(kind, id), now))?;
    Ok(Json(HistoryList { items }))
}
