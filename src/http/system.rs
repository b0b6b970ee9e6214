//! The system area: health and first-run setup (no sign-in needed).

use std::sync::Arc;

use poem_openapi::{Object, OpenApi, payload::Json};

use super::{
    auth::cookie_header,
    common::{Tag, WithCookie},
    people::SessionOut,
    problem::ApiResult,
};
use crate::{
    access::auth::{self, SetupInput},
    app::App,
    error::Error,
};

#[derive(Object)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub setup_required: bool,
}

#[derive(Object)]
pub struct SetupState {
    pub required: bool,
}

pub struct SystemApi {
    pub app: Arc<App>,
}

#[OpenApi(prefix_path = "/api/v1")]
impl SystemApi {
    /// Liveness, version, and whether first-run setup is still open. No sign-in needed.
    #[oai(path = "/health", method = "get", tag = "Tag::System")]
    async fn health(&self) -> ApiResult<Json<Health>> {
        Ok(Json(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            setup_required: auth::setup_required(&self.app.store)?,
        }))
    }

    /// Is first-run setup still open?
    #[oai(path = "/setup", method = "get", tag = "Tag::System")]
    async fn setup_state(&self) -> ApiResult<Json<SetupState>> {
        Ok(Json(SetupState {
            required: auth::setup_required(&self.app.store)?,
        }))
    }

    /// Creates the first administrator, guarded by the one-time token printed on the console.
    #[oai(path = "/setup", method = "post", tag = "Tag::System")]
    async fn setup(&self, body: Json<SetupInput>) -> ApiResult<WithCookie<SessionOut>> {
        let app = self.app.clone();
        let now = app.now();
        let (token, session, user) = tokio::task::spawn_blocking(move || {
            auth::setup(&app.store, &app.setup_token, body.0, now)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(WithCookie::Ok(
            Json(SessionOut {
                user,
                csrf_token: session.csrf_token,
            }),
            cookie_header(&self.app, Some(&token)),
        ))
    }
}
