//! Who is calling: a bearer API token or a session cookie (with CSRF for unsafe methods).

use std::sync::Arc;

use poem::{Request, http::Method};

use super::problem::ApiError;
use crate::{
    access::{Principal, auth},
    app::App,
    error::Error,
};

pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session cookie's value, read straight from the Cookie headers.
pub fn session_cookie(req: &Request) -> Option<String> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == auth::COOKIE_NAME)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn bearer(req: &Request) -> Option<&str> {
    let h = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = h.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Resolves the caller or fails with 401 (403 for a missing/wrong CSRF token).
pub async fn principal(app: &Arc<App>, req: &Request) -> Result<Principal, ApiError> {
    let now = app.now();
    if let Some(token) = bearer(req) {
        let (p, token_id, last_used) = app.store.read(|rx| auth::by_token(rx, token))?;
        // Remember the last use, at most once a minute per token (a write costs an fsync).
        let stale = last_used.is_none_or(|t| now - t >= chrono::Duration::minutes(1));
        if stale {
            app.write(Some(p.user.id), move |tx| auth::touch_token(tx, token_id))
                .await?;
        }
        return Ok(p);
    }
    let Some(cookie) = session_cookie(req) else {
        return Err(Error::Unauthenticated.into());
    };
    let p = app.store.read(|rx| auth::by_session(rx, &cookie, now))?;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let expected = p.csrf_token.as_deref().unwrap_or("");
        if expected.is_empty() || !auth::same_secret(sent, expected) {
            return Err(Error::Csrf.into());
        }
    }
    Ok(p)
}

/// The Set-Cookie value for a new session (or for clearing it with `None`).
pub fn cookie_header(app: &App, token: Option<&str>) -> String {
    let secure = if app.secure_cookies { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            auth::COOKIE_NAME,
            auth::SESSION_DAYS * 86_400
        ),
        None => format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            auth::COOKIE_NAME
        ),
    }
}

/// The client's address, for login throttling.
pub fn client_addr(req: &Request) -> String {
    match req.remote_addr().as_socket_addr() {
        Some(a) => a.ip().to_string(),
        None => "unknown".into(),
    }
}
