//! The HTTP surface: the committed OpenAPI spec, problem+json everywhere, limits, headers,
//! asset caching and the single-page-app fallback.

use reqwest::{StatusCode, blocking};
use serde_json::Value;

use crate::common::*;

#[test]
fn the_committed_openapi_json_matches_the_live_spec() {
    let s = Server::start();
    let live: Value = s.client().ok("/api/v1/openapi.json");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let pretty = serde_json::to_string_pretty(&live).unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == pretty,
        "openapi.json differs from the live spec: review the API change, then run \
         `UPDATE_OPENAPI=1 cargo test the_committed_openapi_json` and commit openapi.json"
    );
    assert!(live["paths"]["/api/v1/companies"]["get"].is_object());
    let s422 = &live["paths"]["/api/v1/companies"]["post"]["responses"]["422"];
    assert!(
        s422["content"]["application/problem+json"].is_object(),
        "{s422}"
    );
}

#[test]
fn errors_are_problem_json_with_codes() {
    let (s, admin) = Server::with_admin();
    // Signed in, an unknown API path is a JSON 404 (without credentials: a JSON 401).
    let r = admin
        .http
        .get(format!("{}/api/v1/nope", s.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let v: Value = r.json().unwrap();
    assert_eq!(v["code"], "not_found");
    // Malformed JSON.
    let r = admin
        .http
        .post(format!("{}/api/v1/companies", s.base))
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().unwrap()["code"], "bad_request");
    // Too large a body, declared or streamed.
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let r = admin
        .http
        .post(format!("{}/api/v1/companies", s.base))
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .header("content-type", "application/json")
        .body(big)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json::<Value>().unwrap()["code"], "payload_too_large");
    // Unknown ids and wrong path types.
    assert_eq!(admin.get("/api/v1/companies/999").1["code"], "not_found");
    assert_eq!(
        admin.get("/api/v1/companies/abc").0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(admin.ok("/api/v1/counts")["companies"], 0);
}

#[test]
fn pages_carry_security_headers_and_assets_are_cached() {
    let s = Server::start();
    let http = blocking::Client::new();
    let r = http.get(format!("{}/", s.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-cache");
    // App routes fall back to index.html; unknown files and API paths do not.
    let r = http.get(format!("{}/companies/42", s.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().unwrap().contains("<html"));
    assert_eq!(
        http.get(format!("{}/missing.js", s.base))
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = http
        .get(format!("{}/api/v1/companies/1/nothing", s.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    // ETag round trip and HEAD.
    let r = http.get(format!("{}/app.js", s.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    let r = http
        .get(format!("{}/app.js", s.base))
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = http.head(format!("{}/app.js", s.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().contains_key("etag"));
    let r = http
        .get(format!("{}/vendor/preact.module.js", s.base))
        .send()
        .unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    // The API browser is served.
    assert_eq!(
        http.get(format!("{}/api/docs", s.base))
            .send()
            .unwrap()
            .status(),
        StatusCode::OK
    );
}
