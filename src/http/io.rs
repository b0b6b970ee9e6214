//! The io area in the API: backups (admins): take one, list them with the schedule and the last scheduled
//! result, download one, delete one. Restoring is a command-line job with the server stopped
//! (`korobka restore`), so a browser can never replace the data under running requests.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::{Body, Request};
use poem_openapi::{
    Object, OpenApi,
    param::Path,
    payload::{Attachment, AttachmentType, Json},
};

use super::{
    common::{Created, NoContent, Tag, caller},
    problem::ApiResult,
};
use crate::{
    app::App,
    error::Error,
    io::{
        admin,
        backups::{BackupFile, BackupKind},
    },
};

#[derive(Object)]
pub struct BackupItem {
    /// The file name in `<data>/backups/`.
    pub name: String,
    pub size: u64,
    pub modified_at: DateTime<Utc>,
    /// manual, auto, pre-migration, or other (a file put there by hand)
    pub kind: String,
    /// Read back and checked after writing.
    pub verified: bool,
}

impl From<BackupFile> for BackupItem {
    fn from(f: BackupFile) -> Self {
        BackupItem {
            kind: match f.kind {
                Some(BackupKind::Manual) => "manual",
                Some(BackupKind::Auto) => "auto",
                Some(BackupKind::PreMigration) => "pre-migration",
                None => "other",
            }
            .into(),
            name: f.name,
            size: f.size,
            modified_at: f.modified_at,
            verified: f.verified,
        }
    }
}

#[derive(Object)]
pub struct ScheduleOut {
    /// Daily time (server's local time, HH:MM); null when daily backups are off.
    pub at: Option<String>,
    /// How many daily backups are kept.
    pub keep: u64,
    pub next_run: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct LastRunOut {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub file: Option<String>,
    pub size: u64,
    pub records: u64,
    pub seconds: f64,
    pub error: Option<String>,
}

#[derive(Object)]
pub struct BackupList {
    /// Newest first.
    pub items: Vec<BackupItem>,
    pub schedule: ScheduleOut,
    pub last_scheduled: Option<LastRunOut>,
}

/// Nothing to set yet: the body may be `{}`.
#[derive(Object)]
pub struct BackupInput {}

pub struct BackupApi {
    pub app: Arc<App>,
}

#[OpenApi(prefix_path = "/api/v1")]
impl BackupApi {
    /// The backups in the data folder, the daily schedule and the last scheduled result.
    #[oai(path = "/backups", method = "get", tag = "Tag::Backups")]
    async fn list_backups(&self, req: &Request) -> ApiResult<Json<BackupList>> {
        // The backups folder, not the store: the use case asks the policy itself.
        let me = caller(&self.app, req).await?;
        let o = admin::overview(&self.app.backups, &me, self.app.now())?;
        Ok(Json(BackupList {
            items: o.files.into_iter().map(BackupItem::from).collect(),
            schedule: ScheduleOut {
                at: o.schedule.at.map(|t| t.format("%H:%M").to_string()),
                keep: o.schedule.keep as u64,
                next_run: o.next_run,
            },
            last_scheduled: o.last_scheduled.map(|r| LastRunOut {
                at: r.at,
                ok: r.ok,
                file: r.file,
                size: r.size,
                records: r.records,
                seconds: r.seconds,
                error: r.error,
            }),
        }))
    }

    /// Takes a backup now (a consistent snapshot; the server keeps working), verifies it
    /// and returns it. 409 while another backup runs.
    #[oai(path = "/backups", method = "post", tag = "Tag::Backups")]
    async fn create_backup(
        &self,
        req: &Request,
        _body: Json<BackupInput>,
    ) -> ApiResult<Created<BackupItem>> {
        let me = caller(&self.app, req).await?;
        let app = self.app.clone();
        let f = tokio::task::spawn_blocking(move || {
            admin::take(&app.backups, &app.store, &app.data_dir, &me, app.now())
        })
        .await
        .map_err(|e| Error::Internal(format!("backup task: {e}")))??;
        Ok(Created::Created(Json(f.into())))
    }

    /// Downloads a backup archive.
    #[oai(path = "/backups/:name/download", method = "get", tag = "Tag::Backups")]
    async fn download_backup(
        &self,
        req: &Request,
        name: Path<String>,
    ) -> ApiResult<Attachment<Body>> {
        let me = caller(&self.app, req).await?;
        let path = admin::path_of(&self.app.backups, &me, &name.0)?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|_| Error::NotFound("backup"))?;
        Ok(Attachment::new(Body::from_async_read(file))
            .attachment_type(AttachmentType::Attachment)
            .filename(name.0))
    }

    /// Deletes a backup archive.
    #[oai(path = "/backups/:name", method = "delete", tag = "Tag::Backups")]
    async fn delete_backup(&self, req: &Request, name: Path<String>) -> ApiResult<NoContent> {
        let me = caller(&self.app, req).await?;
        admin::delete(&self.app.backups, &me, &name.0)?;
        Ok(NoContent::NoContent)
    }
}
