//! Starting a real server and talking to it.

use std::{sync::Arc, time::Duration};

use korobka::app::{App, OpenOptions};
use reqwest::{Method, StatusCode, blocking};
use serde_json::{Value, json};

pub const SETUP_TOKEN: &str = "test-setup-token";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct Server {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// A fresh data folder and a server on a random port.
    pub fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir)
    }

    pub fn start_in(dir: tempfile::TempDir) -> Server {
        Self::start_with_clock(dir, Arc::new(korobka::clock::SystemClock))
    }

    /// A server whose time comes from `clock` (tests move it instead of sleeping).
    pub fn start_with_clock(
        dir: tempfile::TempDir,
        clock: Arc<dyn korobka::clock::Clock>,
    ) -> Server {
        let app = Arc::new(
            App::open(
                dir.path(),
                OpenOptions {
                    setup_token: Some(SETUP_TOKEN.into()),
                    clock,
                },
            )
            .unwrap(),
        );
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let app2 = app.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                use poem::listener::{Acceptor, Listener};
                let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0".to_string())
                    .into_acceptor()
                    .await
                    .unwrap();
                let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
                port_tx.send(port).unwrap();
                korobka::http::serve_acceptor(app2, acceptor, async move {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let port = port_rx.recv_timeout(Duration::from_secs(30)).unwrap();
        Server {
            base: format!("http://127.0.0.1:{port}"),
            stop: Some(stop_tx),
            thread: Some(thread),
            dir,
        }
    }

    /// A server with the admin already set up, and a signed-in admin client.
    pub fn with_admin() -> (Server, Client) {
        let s = Server::start();
        let c = s.client();
        let (st, body) = c.post(
            "/api/v1/setup",
            json!({"token": SETUP_TOKEN, "login": "admin", "name": "Ada Admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(st, StatusCode::OK, "{body}");
        let c = c.with_csrf(body["csrf_token"].as_str().unwrap());
        (s, c)
    }

    pub fn client(&self) -> Client {
        Client {
            http: blocking::Client::builder()
                .cookie_store(true)
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: self.base.clone(),
            csrf: None,
            bearer: None,
        }
    }

    /// Creates a plain user and returns a client signed in as them.
    pub fn user(&self, admin: &Client, login: &str) -> (u64, Client) {
        let (st, u) = admin.post(
            "/api/v1/users",
            json!({"login": login, "name": format!("User {login}"), "password": "user-password-1"}),
        );
        assert_eq!(st, StatusCode::CREATED, "{u}");
        let c = self.client();
        let (st, s) = c.post(
            "/api/v1/auth/login",
            json!({"login": login, "password": "user-password-1"}),
        );
        assert_eq!(st, StatusCode::OK, "{s}");
        (
            u["id"].as_u64().unwrap(),
            c.with_csrf(s["csrf_token"].as_str().unwrap()),
        )
    }

    pub fn stop(mut self) -> tempfile::TempDir {
        self.shutdown();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub struct Client {
    pub http: blocking::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn with_csrf(mut self, token: &str) -> Client {
        self.csrf = Some(token.to_string());
        self
    }

    pub fn with_bearer(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_string());
        self
    }

    pub fn request(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.csrf {
            r = r.header("x-csrf-token", t);
        }
        if let Some(t) = &self.bearer {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().unwrap();
        let status = resp.status();
        let text = resp.text().unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub fn get(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::GET, path, None)
    }
    pub fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(body))
    }
    pub fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::PUT, path, Some(body))
    }
    pub fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::DELETE, path, None)
    }

    /// GET that must succeed.
    pub fn ok(&self, path: &str) -> Value {
        let (st, v) = self.get(path);
        assert_eq!(st, StatusCode::OK, "GET {path}: {v}");
        v
    }

    /// POST that must create.
    pub fn create(&self, path: &str, body: Value) -> Value {
        let (st, v) = self.post(path, body);
        assert_eq!(st, StatusCode::CREATED, "POST {path}: {v}");
        v
    }

    /// Ids of the search hits of one kind.
    pub fn search_ids(&self, q: &str, kind: &str) -> Vec<u64> {
        let url = format!("/api/v1/search?q={}", urlencode(q));
        self.ok(&url)["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == kind)
            .map(|h| h["id"].as_u64().unwrap())
            .collect()
    }

    /// Waits (up to 5 s) until a search finds the record: the index is fed asynchronously.
    pub fn eventually_found(&self, q: &str, kind: &str, id: u64) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            if self.search_ids(q, kind).contains(&id) {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn field_names(problem: &Value) -> Vec<String> {
    problem["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

// --- helpers for the rule and coverage tests (tests/it/rules.rs, tests/it/coverage.rs) -------

/// The `id` of a record in an answer (panics naming the answer when there is none).
pub fn id_of(v: &Value) -> u64 {
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// The `items` of a list answer.
pub fn items(v: &Value) -> Vec<Value> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {v}"))
        .clone()
}

/// The ids of the `items` of a list answer.
pub fn item_ids(v: &Value) -> Vec<u64> {
    items(v).iter().map(id_of).collect()
}

impl Server {
    /// Sets up the admin on this (fresh) server; returns the signed-in admin client.
    pub fn admin(&self) -> Client {
        let c = self.client();
        let (st, body) = c.post(
            "/api/v1/setup",
            json!({"token": SETUP_TOKEN, "login": "admin", "name": "Ada Admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(st, StatusCode::OK, "{body}");
        c.with_csrf(body["csrf_token"].as_str().unwrap())
    }

    /// Like `user`, with more fields of the new user (`department_id`, `role`…).
    pub fn user_with(&self, admin: &Client, login: &str, extra: Value) -> (u64, Client) {
        let mut body =
            json!({"login": login, "name": format!("User {login}"), "password": "user-password-1"});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let (st, u) = admin.post("/api/v1/users", body);
        assert_eq!(st, StatusCode::CREATED, "{u}");
        let c = self.client();
        let (st, s) = c.post(
            "/api/v1/auth/login",
            json!({"login": login, "password": "user-password-1"}),
        );
        assert_eq!(st, StatusCode::OK, "{s}");
        (id_of(&u), c.with_csrf(s["csrf_token"].as_str().unwrap()))
    }
}

/// Copies a folder tree (files and sub-folders).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
