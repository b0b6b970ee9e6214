//! The work area: tasks, activities, comments, the timeline, the feed, "my activities",
//! notifications, reminders, the calendar with its iCalendar feed, and mail settings.
//! `tasks` (tasks and activities), `feed` (comments, timeline, feed, my work) and `calendar`
//! (calendar, iCalendar, mail) share the caller/write helpers of `WorkApi`.

pub mod calendar;
pub mod feed;
pub mod tasks;

use std::sync::Arc;

use poem::Request;
use poem_openapi::payload::Json;

use super::{auth::principal, problem::ApiResult};
use crate::{
    access::User,
    app::App,
    error::{Error, Result},
    store,
    work::{Target, TargetKind, Task, tasks as task_uc},
};

/// What every work handler starts from: the app, the caller, one write.
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
        Ok(Json(self.app.store.read(|rx| task_uc::fill(rx, t, now))?))
    }
}

/// Lets each work API (a separate OpenAPI type) use the `WorkApi` helpers as its own.
macro_rules! work_api {
    ($name:ident) => {
        pub struct $name(pub super::WorkApi);

        impl std::ops::Deref for $name {
            type Target = super::WorkApi;
            fn deref(&self) -> &super::WorkApi {
                &self.0
            }
        }
    };
}
use work_api;
