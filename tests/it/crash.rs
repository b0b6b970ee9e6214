//! The real binary, killed with SIGKILL in the middle of a burst of writes: every write that
//! got a 2xx is there after a restart, in lists and in search, and `korobka check` agrees.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, atomic::AtomicBool, atomic::Ordering},
    time::{Duration, Instant},
};

use reqwest::{StatusCode, blocking};
use serde_json::{Value, json};

use crate::common::{SETUP_TOKEN, urlencode};

const BIN: &str = env!("CARGO_BIN_EXE_korobka");

/// Starts `korobka serve` on a free port; returns the child and its base URL.
fn spawn(data: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("KOROBKA_SETUP_TOKEN", SETUP_TOKEN)
        .env("KOROBKA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let port = loop {
        assert!(
            Instant::now() < deadline,
            "server did not print its address"
        );
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(rest) = line.strip_prefix("Open http://localhost:") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let base = format!("http://127.0.0.1:{port}");
    let http = blocking::Client::new();
    while http.get(format!("{base}/api/v1/health")).send().is_err() {
        assert!(Instant::now() < deadline, "server never answered");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, base)
}

fn term(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    child.wait().unwrap()
}

#[test]
fn sigkill_during_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = spawn(dir.path());
    let http = blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let setup: Value = http
        .post(format!("{base}/api/v1/setup"))
        .json(&json!({"token": SETUP_TOKEN, "login": "admin", "name": "Admin", "password": "admin-password-1"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let cookie_client = blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let s: Value = cookie_client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": "admin", "password": "admin-password-1"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(setup["user"]["id"].is_u64() && s["csrf_token"].is_string());
    let token: Value = cookie_client
        .post(format!("{base}/api/v1/tokens"))
        .header("x-csrf-token", s["csrf_token"].as_str().unwrap())
        .json(&json!({"name": "burst"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();

    // Four writers create contacts (and, every tenth, a company) as fast as they can.
    let acked: Arc<Mutex<Vec<(String, u64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4u64 {
        let (acked, stop, base, token) = (acked.clone(), stop.clone(), base.clone(), token.clone());
        writers.push(std::thread::spawn(move || {
            let http = blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let phone = format!("+38 (067) {:03}-{:02}-{:02}", w * 100 + i / 10000, (i / 100) % 100, i % 100);
                let (kind, body) = if i.is_multiple_of(10) {
                    ("companies", json!({"name": format!("Burst Co {w}-{i}"), "phones": [{"value": phone}]}))
                } else {
                    ("contacts", json!({"first_name": format!("Burst{w}x{i}"), "phones": [{"value": phone}]}))
                };
                let Ok(r) = http
                    .post(format!("{base}/api/v1/{kind}"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                else {
                    break;
                };
                if r.status() == StatusCode::CREATED {
                    let v: Value = match r.json() {
                        Ok(v) => v,
                        Err(_) => break,
                    };
                    acked.lock().unwrap().push((kind.to_string(), v["id"].as_u64().unwrap(), phone));
                }
            }
        }));
    }
    // Kill in the middle of the burst, once a good number of writes were acknowledged.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 150 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 150,
        "only {} writes before the kill",
        acked.len()
    );

    // Restart: every acknowledged write is readable, listed and found by its phone.
    let (mut child, base) = spawn(dir.path());
    let bot = blocking::Client::new();
    let get = |path: &str| -> Value {
        let r = bot
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().unwrap()
    };
    let counts = get("/api/v1/counts");
    let (contacts, companies) = acked.iter().fold((0u64, 0u64), |(a, b), (k, _, _)| {
        if k == "contacts" {
            (a + 1, b)
        } else {
            (a, b + 1)
        }
    });
    assert!(
        counts["contacts"].as_u64().unwrap() >= contacts,
        "{counts} < {contacts}"
    );
    assert!(
        counts["companies"].as_u64().unwrap() >= companies,
        "{counts} < {companies}"
    );
    let listed: Vec<u64> = get("/api/v1/contacts?limit=500&sort=created")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    for (kind, id, phone) in &acked {
        get(&format!("/api/v1/{kind}/{id}"));
        if kind == "contacts" && listed.len() < 500 {
            assert!(listed.contains(id), "contact {id} missing from the list");
        }
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let hits = get(&format!("/api/v1/search?q={}", urlencode(&digits)));
        let want = if kind == "contacts" {
            "contact"
        } else {
            "company"
        };
        assert!(
            hits["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["kind"] == want && h["id"] == *id),
            "{kind} {id} not found by {digits} after restart"
        );
    }
    // A graceful stop on SIGTERM, then an offline consistency check.
    let status = term(&mut child);
    assert!(status.success(), "SIGTERM exit: {status:?}");
    let out = Command::new(BIN)
        .arg("check")
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("OK"), "{text}");
}

#[test]
fn check_reports_an_index_that_lost_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = spawn(dir.path());
    let c = blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let s: Value = c
        .post(format!("{base}/api/v1/setup"))
        .json(&json!({"token": SETUP_TOKEN, "login": "admin", "name": "Admin", "password": "admin-password-1"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let r = c
        .post(format!("{base}/api/v1/companies"))
        .header("x-csrf-token", s["csrf_token"].as_str().unwrap())
        .json(&json!({"name": "Kept"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(term(&mut child).success());
    let check = || {
        Command::new(BIN)
            .arg("check")
            .arg("--data")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    assert!(check().status.success());
    // Replace the index with an empty one: check must notice; reindex must repair it.
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    {
        let (index, _) = korobka::search::SearchIndex::open(&dir.path().join("index")).unwrap();
        drop(index);
    }
    let out = check();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("PROBLEM"));
    let out = Command::new(BIN)
        .arg("reindex")
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(check().status.success());
}
