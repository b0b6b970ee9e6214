//! The work area: tasks, activities, comments, the timeline, the feed, "my activities",
//! notifications, reminders, the calendar with its iCalendar feed, and mail settings.
//! `tasks` (tasks and activities), `feed` (comments, timeline, feed, my work) and `calendar`
//! (calendar, iCalendar, mail) share `WorkApi` and run their use cases through
//! `common::read_as` / `common::write_as` like every other area.

pub mod calendar;
pub mod feed;
pub mod tasks;

use std::sync::Arc;

use crate::{
    app::App,
    error::{Error, Result},
    work::{Target, TargetKind},
};

/// What every work handler starts from: the app.
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
