//! The JSON API under /api/v1. Each handler: who is calling → one use-case → response.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags,
    param::{Path, Query},
    payload::Json,
    types::ToJSON,
};

use super::{
    auth::{client_addr, cookie_header, principal, session_cookie},
    fastjson::RawJson,
    problem::ApiResult,
};
use crate::{
    access::{
        ApiToken, Department, User,
        auth::{self, LoginInput, NewToken, SetupInput},
        departments::{self, DepartmentInput},
        users::{self, NewUser, ProfileUpdate, UserUpdate},
    },
    app::App,
    crm::{
        Company, CompanyType, Contact,
        companies::{self, CompanyInput},
        company_types::{self, CompanyTypeInput},
        contacts::{self, ContactInput, ContactPage},
        listing::SortBy,
    },
    error::{Error, Problems},
    search::DocKind,
    store::{self, Kind},
};

#[derive(Tags)]
enum Tag {
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
pub struct Health {
    pub status: String,
    pub version: String,
    pub setup_required: bool,
}

#[derive(Object)]
pub struct SetupState {
    pub required: bool,
}

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
pub struct CompanyTypeList {
    pub items: Vec<CompanyType>,
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

#[derive(Object)]
pub struct CompanyPage {
    pub items: Vec<Company>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Records matching the filters.
    pub total: u64,
}

#[derive(Object)]
pub struct ContactList {
    pub items: Vec<Contact>,
}

#[derive(Object)]
pub struct ChangeOut {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

#[derive(Object)]
pub struct HistoryItem {
    pub at: DateTime<Utc>,
    pub user_id: Option<u64>,
    pub user_name: String,
    /// created, updated or deleted
    pub action: String,
    pub changes: Vec<ChangeOut>,
}

#[derive(Object)]
pub struct HistoryList {
    pub items: Vec<HistoryItem>,
}

#[derive(Object)]
pub struct SearchHit {
    /// company or contact (later: lead, deal)
    pub kind: String,
    pub id: u64,
    pub title: String,
    pub subtitle: String,
}

#[derive(Object)]
pub struct SearchResult {
    pub items: Vec<SearchHit>,
}

#[derive(Object)]
pub struct Counts {
    pub companies: u64,
    pub contacts: u64,
    /// Open leads.
    pub leads: u64,
    /// Open deals.
    pub deals: u64,
}

pub struct Api {
    pub app: Arc<App>,
}

pub fn history_out(app: &App, kind: Kind, id: u64) -> ApiResult<Json<HistoryList>> {
    let items = app.store.read(|rx| {
        let entries = store::history(rx, kind, id)?;
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let user_name = match e.user_id {
                Some(u) => store::get::<User>(rx, u)?
                    .map(|u| u.name)
                    .unwrap_or_default(),
                None => String::new(),
            };
            out.push(HistoryItem {
                at: e.at,
                user_id: e.user_id,
                user_name,
                action: serde_json::to_value(e.action)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                changes: e
                    .changes
                    .into_iter()
                    .map(|c| ChangeOut {
                        field: c.field,
                        old: c.old,
                        new: c.new,
                    })
                    .collect(),
            });
        }
        Ok(out)
    })?;
    Ok(Json(HistoryList { items }))
}

const DEFAULT_PAGE: u32 = 50;

#[OpenApi(prefix_path = "/api/v1")]
impl Api {
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
        let p = principal(&self.app, req).await?;
        if let Some(token) = session_cookie(req) {
            self.app
                .write(Some(p.user.id), move |tx| auth::close_session(tx, &token))
                .await?;
        }
        Ok(NoContentCookie::NoContent(cookie_header(&self.app, None)))
    }

    /// The signed-in user and the CSRF token for changes.
    #[oai(path = "/me", method = "get", tag = "Tag::Session")]
    async fn me(&self, req: &Request) -> ApiResult<Json<SessionOut>> {
        let p = principal(&self.app, req).await?;
        Ok(Json(SessionOut {
            user: p.user,
            csrf_token: p.csrf_token.unwrap_or_default(),
        }))
    }

    /// Changes one's own name, e-mail, language or time zone.
    #[oai(path = "/me", method = "patch", tag = "Tag::Session")]
    async fn update_me(&self, req: &Request, body: Json<ProfileUpdate>) -> ApiResult<Json<User>> {
        let p = principal(&self.app, req).await?;
        let me = p.user.clone();
        let u = self
            .app
            .write(Some(me.id), move |tx| {
                users::update_profile(tx, &me, body.0)
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
        let p = principal(&self.app, req).await?;
        if !auth::verify_password(&body.current_password, &p.user.password_hash) {
            let mut pr = Problems::default();
            pr.add(
                "current_password",
                "invalid_value",
                "is not your current password",
            );
            pr.finish()?;
        }
        let id = p.user.id;
        let pw = body.0.new_password;
        self.app
            .write(Some(id), move |tx| {
                users::set_password(tx, id, &pw).map_err(|e| match e {
                    Error::Validation(mut f) => {
                        for x in &mut f {
                            x.field = "new_password".into();
                        }
                        Error::Validation(f)
                    }
                    e => e,
                })
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
        principal(&self.app, req).await?;
        let items = self
            .app
            .store
            .read(|rx| users::list(rx, include_inactive.0.unwrap_or(false)))?;
        Ok(Json(UserList { items }))
    }

    /// Creates a user (admins).
    #[oai(path = "/users", method = "post", tag = "Tag::People")]
    async fn create_user(&self, req: &Request, body: Json<NewUser>) -> ApiResult<Created<User>> {
        let p = principal(&self.app, req).await?;
        let me = p.user;
        let u = self
            .app
            .write(Some(me.id), move |tx| users::create(tx, Some(&me), body.0))
            .await?;
        Ok(Created::Created(Json(u)))
    }

    #[oai(path = "/users/:id", method = "get", tag = "Tag::People")]
    async fn user(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<User>> {
        principal(&self.app, req).await?;
        let u = self
            .app
            .store
            .read(|rx| store::get::<User>(rx, id.0))?
            .ok_or(Error::NotFound("user"))?;
        Ok(Json(u))
    }

    /// Edits a user (admins); `active: false` deactivates: no sign-in, sessions and tokens stop.
    #[oai(path = "/users/:id", method = "put", tag = "Tag::People")]
    async fn update_user(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<UserUpdate>,
    ) -> ApiResult<Json<User>> {
        let me = principal(&self.app, req).await?.user;
        let u = self
            .app
            .write(Some(me.id), move |tx| users::update(tx, &me, id.0, body.0))
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
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| {
                users::set_password_of(tx, &me, id.0, &body.password)
            })
            .await?;
        Ok(NoContent::NoContent)
    }

    /// The department tree as a flat list (`parent_id` links).
    #[oai(path = "/departments", method = "get", tag = "Tag::People")]
    async fn departments(&self, req: &Request) -> ApiResult<Json<DepartmentList>> {
        principal(&self.app, req).await?;
        let items = self.app.store.read(departments::list)?;
        Ok(Json(DepartmentList { items }))
    }

    #[oai(path = "/departments", method = "post", tag = "Tag::People")]
    async fn create_department(
        &self,
        req: &Request,
        body: Json<DepartmentInput>,
    ) -> ApiResult<Created<Department>> {
        let me = principal(&self.app, req).await?.user;
        let d = self
            .app
            .write(Some(me.id), move |tx| departments::create(tx, &me, body.0))
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
        let me = principal(&self.app, req).await?.user;
        let d = self
            .app
            .write(Some(me.id), move |tx| {
                departments::update(tx, &me, id.0, body.0)
            })
            .await?;
        Ok(Json(d))
    }

    /// Deletes an empty department (no sub-departments, nobody in it).
    #[oai(path = "/departments/:id", method = "delete", tag = "Tag::People")]
    async fn delete_department(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| departments::delete(tx, &me, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// The company types reference list (archived ones included, flagged).
    #[oai(path = "/company-types", method = "get", tag = "Tag::Crm")]
    async fn company_types(&self, req: &Request) -> ApiResult<Json<CompanyTypeList>> {
        principal(&self.app, req).await?;
        let items = self.app.store.read(company_types::list)?;
        Ok(Json(CompanyTypeList { items }))
    }

    #[oai(path = "/company-types", method = "post", tag = "Tag::Crm")]
    async fn create_company_type(
        &self,
        req: &Request,
        body: Json<CompanyTypeInput>,
    ) -> ApiResult<Created<CompanyType>> {
        let me = principal(&self.app, req).await?.user;
        let t = self
            .app
            .write(Some(me.id), move |tx| {
                company_types::create(tx, &me, body.0)
            })
            .await?;
        Ok(Created::Created(Json(t)))
    }

    #[oai(path = "/company-types/:id", method = "put", tag = "Tag::Crm")]
    async fn update_company_type(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<CompanyTypeInput>,
    ) -> ApiResult<Json<CompanyType>> {
        let me = principal(&self.app, req).await?.user;
        let t = self
            .app
            .write(Some(me.id), move |tx| {
                company_types::update(tx, &me, id.0, body.0)
            })
            .await?;
        Ok(Json(t))
    }

    /// Deletes an unused company type; a used one answers 409 (archive it instead).
    #[oai(path = "/company-types/:id", method = "delete", tag = "Tag::Crm")]
    async fn delete_company_type(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| company_types::delete(tx, &me, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// My API tokens.
    #[oai(path = "/tokens", method = "get", tag = "Tag::Session")]
    async fn tokens(&self, req: &Request) -> ApiResult<Json<TokenList>> {
        let me = principal(&self.app, req).await?.user;
        let items = self.app.store.read(|rx| auth::list_tokens(rx, &me))?;
        Ok(Json(TokenList { items }))
    }

    /// Creates an API token for `Authorization: Bearer`; the secret is in this answer only.
    #[oai(path = "/tokens", method = "post", tag = "Tag::Session")]
    async fn create_token(
        &self,
        req: &Request,
        body: Json<NewToken>,
    ) -> ApiResult<Created<TokenCreated>> {
        let me = principal(&self.app, req).await?.user;
        let (info, token) = self
            .app
            .write(Some(me.id), move |tx| auth::create_token(tx, &me, body.0))
            .await?;
        Ok(Created::Created(Json(TokenCreated { info, token })))
    }

    #[oai(path = "/tokens/:id", method = "delete", tag = "Tag::Session")]
    async fn revoke_token(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| auth::revoke_token(tx, &me, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// Companies, one page at a time, sorted and filtered (custom fields: `cf.<id>=value`).
    #[oai(path = "/companies", method = "get", tag = "Tag::Crm")]
    async fn companies(
        &self,
        req: &Request,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
        sort: Query<Option<SortBy>>,
        responsible_id: Query<Option<u64>>,
        type_id: Query<Option<u64>>,
    ) -> ApiResult<Json<CompanyPage>> {
        let me = principal(&self.app, req).await?.user;
        let f = companies::Filter {
            custom: crate::crm::custom::filters_from_query(req.uri().query().unwrap_or("")),
            responsible_id: responsible_id.0,
            type_id: type_id.0,
        };
        let page = self.app.store.read(|rx| {
            companies::list(
                rx,
                &me,
                &f,
                sort.0.unwrap_or_default(),
                cursor.0.as_deref(),
                limit.0.unwrap_or(DEFAULT_PAGE) as usize,
            )
        })?;
        Ok(Json(CompanyPage {
            items: page.items,
            next_cursor: page.next_cursor,
            total: page.total,
        }))
    }

    #[oai(path = "/companies", method = "post", tag = "Tag::Crm")]
    async fn create_company(
        &self,
        req: &Request,
        body: Json<CompanyInput>,
    ) -> ApiResult<Created<Company>> {
        let me = principal(&self.app, req).await?.user;
        let c = self
            .app
            .write(Some(me.id), move |tx| companies::create(tx, &me, body.0))
            .await?;
        Ok(Created::Created(Json(c)))
    }

    #[oai(path = "/companies/:id", method = "get", tag = "Tag::Crm")]
    async fn company(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Company>> {
        let me = principal(&self.app, req).await?.user;
        Ok(Json(
            self.app.store.read(|rx| companies::get(rx, &me, id.0))?,
        ))
    }

    /// Replaces every field of a company.
    #[oai(path = "/companies/:id", method = "put", tag = "Tag::Crm")]
    async fn update_company(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<CompanyInput>,
    ) -> ApiResult<Json<Company>> {
        let me = principal(&self.app, req).await?.user;
        let c = self
            .app
            .write(Some(me.id), move |tx| {
                companies::update(tx, &me, id.0, body.0)
            })
            .await?;
        Ok(Json(c))
    }

    /// Deletes a company; its contacts stay, without a company.
    #[oai(path = "/companies/:id", method = "delete", tag = "Tag::Crm")]
    async fn delete_company(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| companies::delete(tx, &me, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    /// The people of a company, by name.
    #[oai(path = "/companies/:id/contacts", method = "get", tag = "Tag::Crm")]
    async fn company_contacts(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<ContactList>> {
        let me = principal(&self.app, req).await?.user;
        let page = self.app.store.read(|rx| {
            companies::get(rx, &me, id.0)?;
            contacts::list(
                rx,
                &me,
                &contacts::Filter {
                    custom: Vec::new(),
                    responsible_id: None,
                    company_id: Some(id.0),
                },
                SortBy::Name,
                None,
                crate::crm::listing::MAX_LIMIT,
            )
        })?;
        Ok(Json(ContactList { items: page.items }))
    }

    /// Who changed what and when, newest first.
    #[oai(path = "/companies/:id/history", method = "get", tag = "Tag::Crm")]
    async fn company_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        let me = principal(&self.app, req).await?.user;
        crate::access::policy::allow(&me, crate::access::policy::Permission::ReadCrm)?;
        history_out(&self.app, Kind::Company, id.0)
    }

    /// Contacts, one page at a time, sorted (by last name) and filtered (custom fields:
    /// `cf.<id>=value`). Each row carries what the list shows; open a contact for the rest.
    #[oai(path = "/contacts", method = "get", tag = "Tag::Crm")]
    async fn contacts(
        &self,
        req: &Request,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
        sort: Query<Option<SortBy>>,
        responsible_id: Query<Option<u64>>,
        company_id: Query<Option<u64>>,
    ) -> ApiResult<RawJson<ContactPage>> {
        let me = principal(&self.app, req).await?.user;
        let f = contacts::Filter {
            custom: crate::crm::custom::filters_from_query(req.uri().query().unwrap_or("")),
            responsible_id: responsible_id.0,
            company_id: company_id.0,
        };
        let json = self.app.store.read(|rx| {
            contacts::list_json(
                rx,
                &me,
                &f,
                sort.0.unwrap_or_default(),
                cursor.0.as_deref(),
                limit.0.unwrap_or(DEFAULT_PAGE) as usize,
                &self.app.caches,
            )
        })?;
        Ok(RawJson::new(json))
    }

    #[oai(path = "/contacts", method = "post", tag = "Tag::Crm")]
    async fn create_contact(
        &self,
        req: &Request,
        body: Json<ContactInput>,
    ) -> ApiResult<Created<Contact>> {
        let me = principal(&self.app, req).await?.user;
        let c = self
            .app
            .write(Some(me.id), move |tx| contacts::create(tx, &me, body.0))
            .await?;
        Ok(Created::Created(Json(c)))
    }

    #[oai(path = "/contacts/:id", method = "get", tag = "Tag::Crm")]
    async fn contact(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Contact>> {
        let me = principal(&self.app, req).await?.user;
        Ok(Json(
            self.app.store.read(|rx| contacts::get(rx, &me, id.0))?,
        ))
    }

    /// Replaces every field of a contact.
    #[oai(path = "/contacts/:id", method = "put", tag = "Tag::Crm")]
    async fn update_contact(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ContactInput>,
    ) -> ApiResult<Json<Contact>> {
        let me = principal(&self.app, req).await?.user;
        let c = self
            .app
            .write(Some(me.id), move |tx| {
                contacts::update(tx, &me, id.0, body.0)
            })
            .await?;
        Ok(Json(c))
    }

    #[oai(path = "/contacts/:id", method = "delete", tag = "Tag::Crm")]
    async fn delete_contact(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let me = principal(&self.app, req).await?.user;
        self.app
            .write(Some(me.id), move |tx| contacts::delete(tx, &me, id.0))
            .await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/contacts/:id/history", method = "get", tag = "Tag::Crm")]
    async fn contact_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        let me = principal(&self.app, req).await?.user;
        crate::access::policy::allow(&me, crate::access::policy::Permission::ReadCrm)?;
        history_out(&self.app, Kind::Contact, id.0)
    }

    /// Global search over companies and contacts: name prefixes, one typo, Cyrillic ↔ Latin,
    /// phone tails of 7+ digits, e-mail local part or domain.
    #[oai(path = "/search", method = "get", tag = "Tag::Search")]
    async fn search(
        &self,
        req: &Request,
        q: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchResult>> {
        let me = principal(&self.app, req).await?.user;
        crate::access::policy::allow(&me, crate::access::policy::Permission::ReadCrm)?;
        let q = q.0.unwrap_or_default();
        if q.chars().count() > 200 {
            return Err(Error::field("q", "too_long", "is longer than 200 characters").into());
        }
        let kinds = [
            DocKind::Company,
            DocKind::Contact,
            DocKind::Lead,
            DocKind::Deal,
        ];
        let hits = self
            .app
            .index
            .search(&q, Some(&kinds), limit.0.unwrap_or(20).min(100) as usize)
            .map_err(|e| Error::Search(e.to_string()))?;
        Ok(Json(SearchResult {
            items: hits
                .into_iter()
                .map(|h| SearchHit {
                    kind: h.kind.as_str().to_string(),
                    id: h.id,
                    title: h.title,
                    subtitle: h.subtitle,
                })
                .collect(),
        }))
    }

    /// Counters for the navigation.
    #[oai(path = "/counts", method = "get", tag = "Tag::Crm")]
    async fn counts(&self, req: &Request) -> ApiResult<Json<Counts>> {
        principal(&self.app, req).await?;
        let counts = self.app.store.read(|rx| {
            Ok(Counts {
                companies: store::count::<Company>(rx)?,
                contacts: store::count::<Contact>(rx)?,
                leads: crate::crm::leads::count_open(rx)?,
                deals: crate::crm::deals::count_open(rx)?,
            })
        })?;
        Ok(Json(counts))
    }
}
