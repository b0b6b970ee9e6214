//! The API under load: each endpoint driven by concurrent keep-alive clients for a fixed time.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use rand::{SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value, json};

use crate::{Args, Office, note, server::rss_kb, summary};

/// The endpoints measured, in the order they run and are printed.
pub(super) const ENDPOINTS: &[&str] = &[
    "health",
    "contacts_list",
    "contact_open",
    "search",
    "board",
    "deals_list",
    "contact_create",
];

/// One kind of request the clients send.
#[derive(Clone)]
pub(super) enum Target {
    /// GET these paths in turn.
    Get(Arc<Vec<String>>),
    /// POST /api/v1/contacts with a generated person.
    CreateContact,
}

pub(super) async fn load_endpoints(
    args: &Args,
    base: &str,
    server_pid: u32,
    office: &Office,
) -> Result<Value> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", office.token)
            .parse()
            .context("token header")?,
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(256)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .context("build the HTTP client")?;
    let mut rng = StdRng::seed_from_u64(7);
    let mut ids = office.contact_ids.clone();
    ids.shuffle(&mut rng);
    ids.truncate(5_000);
    let paths = |v: Vec<String>| Target::Get(Arc::new(v));
    let p = office.pipeline_id;
    let endpoints: Vec<(&str, Target)> = vec![
        ("health", paths(vec!["/api/v1/health".into()])),
        (
            "contacts_list",
            paths(vec!["/api/v1/contacts?limit=50".into()]),
        ),
        (
            "contact_open",
            paths(
                ids.iter()
                    .map(|id| format!("/api/v1/contacts/{id}"))
                    .collect(),
            ),
        ),
        (
            "search",
            paths(
                office
                    .queries
                    .iter()
                    .map(|q| format!("/api/v1/search?q={}", encode(q)))
                    .collect(),
            ),
        ),
        ("board", paths(vec![format!("/api/v1/pipelines/{p}/board")])),
        (
            "deals_list",
            paths(vec![format!("/api/v1/deals?pipeline_id={p}&limit=50")]),
        ),
        ("contact_create", Target::CreateContact),
    ];
    let mut out = serde_json::Map::new();
    for (name, target) in endpoints {
        let mut per_clients = serde_json::Map::new();
        for &clients in &args.clients {
            note(format!("{name} × {clients} clients"));
            measure(&client, base, &target, clients, args.warmup).await?;
            let mut r = measure(&client, base, &target, clients, args.duration).await?;
            r["rss_kb_after"] = json!(rss_kb(server_pid, "VmRSS").ok());
            per_clients.insert(clients.to_string(), r);
        }
        out.insert(name.to_string(), Value::Object(per_clients));
    }
    // Ratios against the ceiling of the HTTP stack, measured in this run.
    let health = out.get("health").cloned().unwrap_or(Value::Null);
    for (name, v) in out.iter_mut() {
        for &clients in &args.clients {
            let key = clients.to_string();
            let ceiling = health[&key]["rps"].as_f64().unwrap_or(0.0);
            if let Some(r) = v.get_mut(&key) {
                let rps = r["rps"].as_f64().unwrap_or(0.0);
                if ceiling > 0.0 && name != "health" {
                    r["vs_health"] = json!((rps / ceiling * 1000.0).round() / 1000.0);
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// Percent-encodes a query value.
pub(super) fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) async fn measure(
    client: &reqwest::Client,
    base: &str,
    target: &Target,
    clients: usize,
    secs: f64,
) -> Result<Value> {
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, base, target, next) = (
                client.clone(),
                base.to_string(),
                target.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                let mut bytes = 0usize;
                let mut first_error = None;
                while Instant::now() < end {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let req = match &target {
                        Target::Get(paths) => {
                            client.get(format!("{base}{}", paths[i % paths.len()]))
                        }
                        Target::CreateContact => client
                            .post(format!("{base}/api/v1/contacts"))
                            .json(&new_contact(CREATED.fetch_add(1, Ordering::Relaxed))),
                    };
                    let t = Instant::now();
                    let result = async {
                        let resp = req.send().await?;
                        let status = resp.status();
                        let body = resp.bytes().await?;
                        Ok::<_, reqwest::Error>((status, body))
                    }
                    .await;
                    match result {
                        Ok((status, body)) if status.is_success() => {
                            lat.push(t.elapsed());
                            bytes += body.len();
                        }
                        Ok((status, body)) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| {
                                format!("{status}: {}", String::from_utf8_lossy(&body))
                            });
                        }
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| e.to_string());
                        }
                    }
                }
                (lat, errors, bytes, first_error)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = 0;
    let mut bytes = 0;
    for t in tasks {
        let (l, e, b, first) = t.await.context("a client task failed")?;
        lat.extend(l);
        errors += e;
        bytes += b;
        if let Some(f) = first {
            note(format!("error: {f}"));
        }
    }
    let n = lat.len().max(1);
    let mut r = summary(lat, started.elapsed(), errors);
    r["bytes_per_response"] = json!(bytes / n);
    Ok(r)
}

/// Numbers the created contacts of the whole run, so none repeats another.
pub(super) static CREATED: AtomicUsize = AtomicUsize::new(0);

pub(super) fn new_contact(i: usize) -> Value {
    const FIRST: &[&str] = &["Олена", "Тарас", "Ірина", "Сергей", "Emily", "Богдан"];
    const LAST: &[&str] = &["Гнатюк", "Петренко", "Орлова", "Walker", "Мороз", "Ткачук"];
    json!({
        "first_name": FIRST[i % FIRST.len()],
        "last_name": format!("{} {}", LAST[(i / FIRST.len()) % LAST.len()], i),
        "phones": [{"value": format!("+38 (067) {:03}-{:02}-{:02}", 100 + i % 900, (i / 900) % 100, i % 97)}],
        "emails": [{"value": format!("bench{i}@example.com")}],
    })
}
