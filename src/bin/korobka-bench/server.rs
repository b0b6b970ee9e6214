//! The server under test (this binary re-executed as `korobka serve`), its memory, its
//! readiness probe, and the timed backup and restore of its data folder.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use crate::{Args, CHILD_ENV, ms, note};

/// The server under test: this binary re-executed as `korobka serve`.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) base: String,
    pub(super) ready_ms: f64,
}

impl Server {
    pub(super) fn start(data: &Path, work: &Path, args: &Args) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("find a free port")?
            .port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(work.join("server.log"))
            .context("open the server log")?;
        let exe = std::env::current_exe().context("find this binary")?;
        let mut cmd = Command::new(exe);
        cmd.env(CHILD_ENV, "1")
            .env_remove("KOROBKA_DATA")
            .env_remove("KOROBKA_LISTEN")
            .arg("--data")
            .arg(data)
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("open the server log")?)
            .stderr(log);
        if let Some(filter) = &args.server_log {
            cmd.env("KOROBKA_LOG", filter);
        }
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let mut child = cmd.spawn().context("start the server")?;
        let health = format!("{base}/api/v1/health");
        let ready_ms = loop {
            if let Some(status) = child.try_wait().context("watch the server")? {
                bail!("the server exited with {status}; see server.log (--keep)");
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                bail!("the server did not answer /api/v1/health within 120 s");
            }
            if http_get_status(&health).ok() == Some(200) {
                break ms(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        note(format!("server ready in {ready_ms} ms"));
        Ok(Server {
            child,
            base,
            ready_ms,
        })
    }

    pub(super) fn rss_kb(&self, field: &str) -> Result<u64> {
        rss_kb(self.child.id(), field)
    }

    /// SIGTERM (the server finishes requests and drains the indexer), then waits.
    pub(super) fn stop(&mut self) -> Result<()> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill().context("kill the server")?;
        self.child.wait()?;
        bail!("the server did not stop within 30 s of SIGTERM")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A memory figure of a process from /proc (VmRSS: now; VmHWM: the peak).
pub(super) fn rss_kb(pid: u32, field: &str) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow!("no {field} in {path}"))
}

/// A minimal blocking GET for the readiness probe: a fresh connection per try, so the
/// first 200 is timed without a client library's pool or runtime in the way.
pub(super) fn http_get_status(url: &str) -> Result<u16> {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("not an http URL"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = std::net::TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head)?;
    std::str::from_utf8(&head[9..12])?
        .parse()
        .context("status code")
}

/// `korobka backup FILE` and `korobka restore FILE` (into a fresh folder), timed, when the
/// CLI of this build has them; otherwise a row that says so.
pub(super) fn backup_restore(data: &Path, work: &Path) -> Result<Value> {
    let exe = std::env::current_exe().context("find this binary")?;
    let korobka = || {
        let mut c = Command::new(&exe);
        c.env(CHILD_ENV, "1")
            .env_remove("KOROBKA_DATA")
            .stdin(Stdio::null());
        c
    };
    let has = |cmd: &str| -> Result<bool> {
        Ok(korobka()
            .args([cmd, "--help"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("run korobka {cmd} --help"))?
            .success())
    };
    if !has("backup")? {
        return Ok(json!({"available": false, "why": "backup: not available in this build"}));
    }
    let file = work.join("office-backup.zip");
    let t = Instant::now();
    let out = korobka()
        .arg("--data")
        .arg(data)
        .arg("backup")
        .arg(&file)
        .output()
        .context("run korobka backup")?;
    let backup_s = t.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "korobka backup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let mut v = json!({"available": true, "backup_s": backup_s, "backup_bytes": size});
    if has("restore")? {
        let target = work.join("restored");
        let t = Instant::now();
        let out = korobka()
            .arg("--data")
            .arg(&target)
            .arg("restore")
            .arg(&file)
            .output()
            .context("run korobka restore")?;
        v["restore_s"] = json!(t.elapsed().as_secs_f64());
        if !out.status.success() {
            v["restore_error"] = json!(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
    }
    Ok(v)
}
