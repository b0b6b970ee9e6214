//! HTTPS served directly by the binary (`--tls-cert`/`--tls-key`), with Secure cookies.
//! curl speaks to it (the test client here has no TLS, and the certificate is self-signed).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::common::SETUP_TOKEN;

const BIN: &str = env!("CARGO_BIN_EXE_korobka");

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Stops the server even when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sk", "--max-time", "10", "-i"])
        .args(args)
        .output()
        .expect("curl is needed for this test (apt-get install -y curl)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn https_serves_the_api_and_marks_cookies_secure() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            &fixture("cert.pem"),
            "--tls-key",
            &fixture("key.pem"),
            "--data",
        ])
        .arg(dir.path())
        .env("KOROBKA_SETUP_TOKEN", SETUP_TOKEN)
        .env("KOROBKA_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut child = KillOnDrop(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let port = loop {
        assert!(Instant::now() < deadline, "no address printed");
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.strip_prefix("Open https://localhost:") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let base = format!("https://127.0.0.1:{port}");
    // The first handshakes may come before the TLS configuration is loaded: retry briefly.
    let mut health = String::new();
    for _ in 0..100 {
        health = curl(&[&format!("{base}/api/v1/health")]);
        if !health.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        health.starts_with("HTTP/1.1 200") || health.starts_with("HTTP/2 200"),
        "{health}"
    );
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let setup = curl(&[
        "-H",
        "content-type: application/json",
        "-d",
        &format!(
            r#"{{"token":"{SETUP_TOKEN}","login":"admin","name":"Admin","password":"admin-password-1"}}"#
        ),
        &format!("{base}/api/v1/setup"),
    ]);
    let cookie = setup
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {setup}"));
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    // Plain HTTP to the HTTPS port gets no answer from the app.
    let plain = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "5",
            &format!("http://127.0.0.1:{port}/api/v1/health"),
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"status\":\"ok\""));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.0.id().to_string())
        .status();
    assert!(child.0.wait().unwrap().success());
}

#[test]
fn half_a_tls_setup_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            &fixture("cert.pem"),
            "--data",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("both --tls-cert and --tls-key"));
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent.pem",
            "--tls-key",
            &fixture("key.pem"),
            "--data",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("read the TLS certificate"));
}
