//! HTTP: poem + poem-openapi. Thin: routes, caller identification, error mapping, assets.
//! One module per area, named as the area under src/: `system`, `people` (access), `crm`,
//! `sales`, `work`, `io`; `common` holds the tags, answer shapes and the reference-list
//! handlers. Every handler has one shape: decode the request → one use case in its area run
//! as the caller through `common::read_as` (a snapshot) or `common::write_as` (a write that
//! answers from its own transaction) → map the result to the answer. Handlers do not decide
//! permissions or assemble answers out of several use cases.

pub mod assets;
pub mod auth;
pub mod common;
pub mod crm;
pub mod fastjson;
pub mod io;
pub mod people;
pub mod problem;
pub mod sales;
pub mod system;
pub mod work;

use std::{sync::Arc, time::Duration};

use poem::{
    Endpoint, EndpointExt, IntoResponse, Middleware, Request, Response, Route,
    http::{StatusCode, header},
    listener::{Acceptor, Listener, TcpListener},
    middleware::Tracing,
};
use poem_openapi::OpenApiService;

use crate::app::App;
use problem::problem;

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;
/// A too-large body up to this size is read and dropped before answering 413.
const DRAIN_MAX: u64 = 16 * 1024 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
/// The API browser (Swagger UI) needs inline scripts.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// The API, one part per area (each mirrors the area of the same name under src/).
type Apis = (
    system::SystemApi,
    people::PeopleApi,
    crm::CrmApi,
    crm::CompanyTypesApi,
    sales::SalesApi,
    sales::LeadSourcesApi,
    sales::DealTypesApi,
    work::tasks::TasksApi,
    work::feed::FeedApi,
    work::calendar::CalendarApi,
    io::BackupApi,
);

pub fn api_service(app: Arc<App>) -> OpenApiService<Apis, ()> {
    let work = || work::WorkApi { app: app.clone() };
    let apis = (
        system::SystemApi { app: app.clone() },
        people::PeopleApi { app: app.clone() },
        crm::CrmApi { app: app.clone() },
        crm::CompanyTypesApi { app: app.clone() },
        sales::SalesApi { app: app.clone() },
        sales::LeadSourcesApi { app: app.clone() },
        sales::DealTypesApi { app: app.clone() },
        work::tasks::TasksApi(work()),
        work::feed::FeedApi(work()),
        work::calendar::CalendarApi(work()),
        io::BackupApi { app: app.clone() },
    );
    OpenApiService::new(apis, "Korobka", env!("CARGO_PKG_VERSION"))
        .description(
            "The Korobka CRM API. Sign in with the session cookie (and send `X-CSRF-Token` on \
             changes) or with `Authorization: Bearer <API token>`. Errors are \
             `application/problem+json` with a stable `code`.",
        )
        .server("/")
}

/// The OpenAPI document as served at /api/v1/openapi.json.
pub fn spec_json(app: Arc<App>) -> String {
    api_service(app).spec()
}

pub fn routes(app: Arc<App>) -> impl Endpoint {
    let api = api_service(app);
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    let api_ep = Route::new()
        .nest("/api/v1/openapi.json", spec)
        .nest("/api/docs", docs)
        .nest_no_strip("/api", api.with(BodyLimit).around(problem_for_errors))
        .nest("/", assets::assets);
    api_ep
        .with(poem::middleware::CatchPanic::new())
        .with(SecurityHeaders)
        .with(Tracing)
}

/// Routes that answer without credentials.
const OPEN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/setup"),
    ("POST", "/api/v1/setup"),
    ("POST", "/api/v1/auth/login"),
];

/// Turns every non-API error (unknown route, wrong method…) into problem+json, and answers
/// 401 at once to a request that carries no credentials at all (before its body is parsed).
async fn problem_for_errors<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let open = OPEN_ROUTES
        .iter()
        .any(|(m, p)| req.method().as_str() == *m && req.uri().path() == *p)
        // The iCalendar feed: the secret in the URL is the key.
        || (req.method() == poem::http::Method::GET
            && req.uri().path().starts_with("/api/v1/ical/"));
    let has_credentials =
        req.headers().contains_key(header::AUTHORIZATION) || auth::session_cookie(&req).is_some();
    if !open && !has_credentials && req.uri().path().starts_with("/api/v1/") {
        return Ok(problem_response(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign-in required",
            "sign in or send an API token",
        ));
    }
    match ep.call(req).await {
        Ok(r) => Ok(r.into_response()),
        Err(e) => {
            let status = e.status();
            let detail = e.to_string();
            let resp = e.into_response();
            let is_problem = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/problem+json"));
            if is_problem {
                return Ok(resp);
            }
            let code = match status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                s if s.is_client_error() => "bad_request",
                _ => "internal",
            };
            let title = status.canonical_reason().unwrap_or("Error");
            Ok(problem_response(status, code, title, &detail))
        }
    }
}

pub fn problem_response(status: StatusCode, code: &str, title: &str, detail: &str) -> Response {
    let p = problem(status.as_u16(), code, title, detail);
    let body = poem_openapi::types::ToJSON::to_json_string(&p);
    Response::builder()
        .status(status)
        .content_type("application/problem+json")
        .body(body)
}

/// Reads at most MAX_BODY bytes of a request body (with or without Content-Length).
struct BodyLimit;

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint(ep)
    }
}

struct BodyLimitEndpoint<E>(E);

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;
    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        use tokio::io::AsyncReadExt;
        let too_large = || {
            problem_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
                &format!("request bodies are limited to {MAX_BODY} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > DRAIN_MAX) {
            // Far too large to be worth reading: answer at once.
            return Ok(too_large());
        }
        let mut reader = req.take_body().into_async_read();
        let mut buf = Vec::new();
        let read = (&mut reader)
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut buf)
            .await;
        if let Err(e) = read {
            return Ok(problem_response(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "Bad request",
                &format!("could not read the request body: {e}"),
            ));
        }
        if buf.len() > MAX_BODY {
            // Read the rest (within reason) so the client sees our answer, not a reset.
            let _ = tokio::io::copy(&mut reader.take(DRAIN_MAX), &mut tokio::io::sink()).await;
            return Ok(too_large());
        }
        req.set_body(buf);
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}

/// CSP, no-sniff, frame-deny and a strict referrer policy on every response.
struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint(ep)
    }
}

struct SecurityHeadersEndpoint<E>(E);

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;
    async fn call(&self, req: Request) -> poem::Result<Response> {
        let docs = req.uri().path().starts_with("/api/docs");
        let mut resp = match self.0.call(req).await {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        let h = resp.headers_mut();
        let set = |h: &mut poem::http::HeaderMap, k: &'static str, v: &'static str| {
            h.insert(k, poem::http::HeaderValue::from_static(v));
        };
        set(
            h,
            "content-security-policy",
            if docs { CSP_DOCS } else { CSP },
        );
        set(h, "x-content-type-options", "nosniff");
        set(h, "x-frame-options", "DENY");
        set(h, "referrer-policy", "same-origin");
        Ok(resp)
    }
}

/// Serves until `shutdown` resolves, then stops accepting and finishes running requests.
pub async fn serve_on(
    app: Arc<App>,
    listener: TcpListener<String>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = listener.into_acceptor().await?;
    serve_acceptor(app, acceptor, shutdown).await
}

pub async fn serve_acceptor(
    app: Arc<App>,
    acceptor: impl Acceptor + 'static,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let indexer = tokio::spawn(crate::search::indexer::run(
        app.store.clone(),
        app.index.clone(),
        &crate::crm::search_docs::DOCUMENTS,
        stop_rx.clone(),
    ));
    let scheduler = tokio::spawn(crate::io::backups::run_schedule(
        app.backups.clone(),
        app.store.clone(),
        app.data_dir.clone(),
        stop_rx.clone(),
    ));
    let work = tokio::spawn(app.clone().run_work(stop_rx));
    let result = poem::Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(routes(app), shutdown, Some(Duration::from_secs(10)))
        .await;
    // Drain the indexer: it applies what is pending, then stops.
    let _ = stop_tx.send(true);
    let _ = indexer.await;
    let _ = scheduler.await;
    let _ = work.await;
    result
}
