//! The web UI, embedded in release builds (read from disk in debug builds, so edits show on
//! reload). Quoted SHA-256 ETags, 304 on If-None-Match, HEAD, `no-cache` for index.html and
//! long caching for vendored files, and a fallback to index.html for app routes.

use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::{Method, StatusCode, header},
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
#[exclude = "node_modules/*"]
#[exclude = "package.json"]
#[exclude = "package-lock.json"]
#[exclude = "*.sh"]
struct Web;

fn serve(path: &str, req: &Request) -> Option<Response> {
    let file = Web::get(path)?;
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let cache = if path.starts_with("vendor/") {
        // Vendored libraries change only with their pinned version.
        "public, max-age=604800"
    } else {
        // Our own files: revalidate every time (cheap with the ETag).
        "no-cache"
    };
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let builder = Response::builder()
        .header(header::ETAG, etag.clone())
        .header(header::CACHE_CONTROL, cache)
        .header(header::CONTENT_TYPE, mime.as_ref());
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if not_modified {
        return Some(builder.status(StatusCode::NOT_MODIFIED).finish());
    }
    let len = file.data.len();
    if req.method() == Method::HEAD {
        return Some(
            builder
                .header(header::CONTENT_LENGTH, len)
                .body(Body::empty()),
        );
    }
    Some(builder.body(file.data.into_owned()))
}

#[handler]
pub fn assets(req: &Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = req.uri().path().trim_start_matches('/');
    if path.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(r) = (!path.is_empty()).then(|| serve(path, req)).flatten() {
        return r;
    }
    // A missing file with an extension is a real 404; anything else is an app route.
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve("index.html", req).unwrap_or_else(|| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the web UI is missing from this build",
        )
            .into_response()
    })
}
