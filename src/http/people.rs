//! The people area: signing in and out, the current user, API tokens, users and departments.

use std::sync::Arc;

use poem::Request;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    auth::{client_addr, cookie_header, principal, session_cookie},
    common::{Created, NoContent, NoContentCookie, Tag, WithCookie, caller, read_as, write_as},
    problem::ApiResult,
};
use crate::{
    access::{
        ApiToken, Department, User,
        auth::{self, LoginInput, NewToken},
        departments::{self, DepartmentInput},
        users::{self, NewUser, ProfileUpdate, UserUpdate},
    },
    app::App,
    error::Error,
};

/// The signed-in user and the token to echo in `X-CSRF-Token` on every change.
#[derive(Object)]
pub struct SessionOut {
    pub user: User,
    pub csrf_token: String,
}

#[derive(Object)]
pub struct PasswordChange {
    #[oai(default)]
    pub current_password: String,
    #[oai(default)]
    pub new_password: String,
}

#[derive(Object)]
pub struct PasswordSet {
    #[oai(default)]
    pub password: String,
}

#[derive(Object)]
pub struct UserList {
    pub items: Vec<User>,
}

#[derive(Object)]
pub struct DepartmentList {
    pub items: Vec<Department>,
}

#[derive(Object)]
pub struct TokenList {
    pub items: Vec<ApiToken>,
}

/// A new API token: `token` is shown this once and never again.
#[derive(Object)]
pub struct TokenCreated {
    #[oai(flatten)]
    pub info: ApiToken,
    pub token: String,
}

pub struct PeopleApi {
    pub app: Arc<App>,
}

#[OpenApi(prefix_path = "/api/v1")]
impl PeopleApi {
    /// Signs in with login and password; sets the session cookie.
    #[oai(path = "/auth/login", method = "post", tag = "Tag::Session")]
    async fn login(
        &self,
        req: &Request,
        body: Json<LoginInput>,
    ) -> ApiResult<WithCookie<SessionOut>> {
        let app = self.app.clone();
        let addr = client_addr(req);
        let now = app.now();
        let (token, session, user) = tokio::task::spawn_blocking(move || {
            auth::login(&app.store, &app.throttle, &body.0, &addr, now)
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

    /// Ends the session and clears the cookie.
    #[oai(path = "/auth/logout", method = "post", tag = "Tag::Session")]
    async fn logout(&self, req: &Request) -> ApiResult<NoContentCookie> {
        match session_cookie(req) {
            Some(token) => {
                write_as(&self.app, req, move |tx, _| auth::close_session(tx, &token)).await?
            }
            // Signed in with an API token: there is no session to end.
            None => {
                caller(&self.app, req).await?;
            }
        }
        Ok(NoContentCookie::NoContent(cookie_header(&self.app, None)))
    }

    /// The signed-in user and the CSRF token for changes.
    #[oai(path = "/me", method = "get", tag = "Tag::Session")]
    async fn me(&self, req: &Request) -> ApiResult<Json<SessionOut>> {
        // The session itself is the answer: the caller with the CSRF token of the session.
        let p = principal(&self.app, req).await?;
        Ok(Json(SessionOut {
            user: p.user,
            csrf_token: p.csrf_token.unwrap_or_default(),
        }))
    }

    /// Changes one's own name, e-mail, language or time zone.
    #[oai(path = "/me", method = "patch", tag = "Tag::Session")]
    async fn update_me(&self, req: &Request, body: Json<ProfileUpdate>) -> ApiResult<Json<User>> {
        let u = write_as(&self.app, req, move |tx, me| {
            users::update_profile(tx, me, body.0)
        })
        .await?;
        Ok(Json(u))
    }

    /// Changes one's own password (the current one is required).
    #[oai(path = "/me/password", method = "post", tag = "Tag::Session")]
    async fn change_password(
        &self,
        req: &Request,
        body: Json<PasswordChange>,
    ) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            users::change_password(tx, me, &body.current_password, &body.new_password)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// Everyone (for pickers); deactivated users only with `include_inactive=true`.
    #[oai(path = "/users", method = "get", tag = "Tag::People")]
    async fn users(
        &self,
        req: &Request,
        include_inactive: Query<Option<bool>>,
    ) -> ApiResult<Json<UserList>> {
        let items = read_as(&self.app, req, |rx, _| {
            users::list(rx, include_inactive.0.unwrap_or(false))
        })
        .await?;
        Ok(Json(UserList { items }))
    }

    /// Creates a user (admins).
    #[oai(path = "/users", method = "post", tag = "Tag::People")]
    async fn create_user(&self, req: &Request, body: Json<NewUser>) -> ApiResult<Created<User>> {
        let u = write_as(&self.app, req, move |tx, me| {
            users::create(tx, Some(me), body.0)
        })
        .await?;
        Ok(Created::Created(Json(u)))
    }

    #[oai(path = "/users/:id", method = "get", tag = "Tag::People")]
    async fn user(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<User>> {
        Ok(Json(
            read_as(&self.app, req, |rx, _| users::get(rx, id.0)).await?,
        ))
    }

    /// Edits a user (admins); `active: false` deactivates: no sign-in, sessions and tokens stop.
    #[oai(path = "/users/:id", method = "put", tag = "Tag::People")]
    async fn update_user(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<UserUpdate>,
    ) -> ApiResult<Json<User>> {
        let u = write_as(&self.app, req, move |tx, me| {
            users::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(u))
    }

    /// Sets a user's password (admins).
    #[oai(path = "/users/:id/password", method = "post", tag = "Tag::People")]
    async fn set_user_password(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<PasswordSet>,
    ) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            users::set_password_of(tx, me, id.0, &body.password)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// The department tree as a flat list (`parent_id` links).
    #[oai(path = "/departments", method = "get", tag = "Tag::People")]
    async fn departments(&self, req: &Request) -> ApiResult<Json<DepartmentList>> {
        let items = read_as(&self.app, req, |rx, _| departments::list(rx)).await?;
        Ok(Json(DepartmentList { items }))
    }

    #[oai(path = "/departments", method = "post", tag = "Tag::People")]
    async fn create_department(
        &self,
        req: &Request,
        body: Json<DepartmentInput>,
    ) -> ApiResult<Created<Department>> {
        let d = write_as(&self.app, req, move |tx, me| {
            departments::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(d)))
    }

    #[oai(path = "/departments/:id", method = "put", tag = "Tag::People")]
    async fn update_department(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<DepartmentInput>,
    ) -> ApiResult<Json<Department>> {
        let d = write_as(&self.app, req, move |tx, me| {
            departments::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(d))
    }

    /// Deletes an empty department (no sub-departments, nobody in it).
    #[oai(path = "/departments/:id", method = "delete", tag = "Tag::People")]
    async fn delete_department(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            departments::delete(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// My API tokens.
    #[oai(path = "/tokens", method = "get", tag = "Tag::Session")]
    async fn tokens(&self, req: &Request) -> ApiResult<Json<TokenList>> {
        let items = read_as(&self.app, req, auth::list_tokens).await?;
        Ok(Json(TokenList { items }))
    }

    /// Creates an API token for `Authorization: Bearer`; the secret is in this answer only.
    #[oai(path = "/tokens", method = "post", tag = "Tag::Session")]
    async fn create_token(
        &self,
        req: &Request,
        body: Json<NewToken>,
    ) -> ApiResult<Created<TokenCreated>> {
        let (info, token) = write_as(&self.app, req, move |tx, me| {
            auth::create_token(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(TokenCreated { info, token })))
    }

    #[oai(path = "/tokens/:id", method = "delete", tag = "Tag::Session")]
    async fn revoke_token(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            auth::revoke_token(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }
}
