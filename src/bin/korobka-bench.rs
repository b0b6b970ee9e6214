//! korobka-bench: how fast and how small the appliance is, against its own limits.
//!
//! `cargo run --release --features bench --bin korobka-bench -- --contacts 100000`
//!
//! 1. Builds a deterministic office (`demo::fill_observed`, i.e. the real use-cases in write
//!    transactions) in a temp folder, indexes it (`indexer::catch_up`), and times both.
//! 2. Runs the search query mix directly on the tantivy index (the engine's ceiling).
//! 3. Starts the real server in a child process — this binary re-executes itself with
//!    `KOROBKA_BENCH_CHILD=1`, which makes it run `korobka::cli::main()`, exactly the code
//!    of `korobka serve` — and times process start → first 200 from `/api/v1/health`.
//! 4. Drives the API over loopback with 1 and 16 concurrent keep-alive clients for a fixed
//!    duration per endpoint and reports p50/p99 and throughput, each against `/health`
//!    (the HTTP stack's ceiling) measured in the same run.
//! 5. Reads the child's resident memory (idle, and the peak `VmHWM` after the load), restarts
//!    it a few times for the start-up time, and times `korobka backup`/`restore` when this
//!    build has them.
//!
//! Figures are printed (a table, or JSON with `--json`), never asserted.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitCode, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value, json};

use korobka::{
    access::{
        User,
        auth::{self, NewToken},
        users,
    },
    app::{App, OpenOptions},
    crm::{Contact, pipelines::Pipeline},
    demo::{self, Scale},
    paths::{DB_FILE, INDEX_DIR},
    search::{DocKind, SearchIndex, indexer},
    store::{self, tables},
};

/// When set, this binary is `korobka` (the child server process).
const CHILD_ENV: &str = "KOROBKA_BENCH_CHILD";
/// The kinds the API's global search asks for.
const SEARCH_KINDS: [DocKind; 4] = korobka::search::find::KINDS;
/// The API's default number of search hits.
const SEARCH_LIMIT: usize = korobka::search::find::DEFAULT_HITS as usize;

#[derive(Parser, Debug)]
#[command(
    name = "korobka-bench",
    about = "Builds a realistic office, starts the real server and prints how fast and how small it is"
)]
struct Args {
    /// Contacts in the office.
    #[arg(long, default_value_t = 100_000)]
    contacts: usize,
    /// Companies (default: contacts / 5).
    #[arg(long)]
    companies: Option<usize>,
    /// Deals over three pipelines in four currencies (default: as many as contacts).
    #[arg(long)]
    deals: Option<usize>,
    /// Leads (default: contacts / 100).
    #[arg(long)]
    leads: Option<usize>,
    /// The same seed builds the same office and the same request mix.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Seconds each (endpoint, concurrency) measurement runs, after the warm-up.
    #[arg(long, default_value_t = 3.0)]
    duration: f64,
    /// Seconds of warm-up before each measurement (not recorded).
    #[arg(long, default_value_t = 0.5)]
    warmup: f64,
    /// Concurrent clients (keep-alive connections) to measure with.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 16])]
    clients: Vec<usize>,
    /// How many times to start the server on the built folder to time start-up.
    #[arg(long, default_value_t = 3)]
    starts: usize,
    /// Work in this folder (must not exist yet) instead of a new temp folder.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep the folder (data, server log) afterwards.
    #[arg(long)]
    keep: bool,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// `KOROBKA_LOG` for the server (default: the product's default, which logs every request).
    #[arg(long)]
    server_log: Option<String>,
}

fn main() -> ExitCode {
    if std::env::var_os(CHILD_ENV).is_some() {
        return korobka::cli::main();
    }
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("korobka-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn note(msg: impl AsRef<str>) {
    eprintln!("· {}", msg.as_ref());
}

fn run(args: &Args) -> Result<()> {
    let scale = Scale {
        contacts: args.contacts,
        companies: args.companies.unwrap_or(args.contacts / 5).max(1),
        deals: args.deals.unwrap_or(args.contacts),
        leads: args.leads.unwrap_or(args.contacts / 100),
        seed: args.seed,
    };
    let work = match &args.dir {
        Some(d) => {
            if d.exists() {
                bail!("{} exists; give a new folder", d.display());
            }
            d.clone()
        }
        None => std::env::temp_dir().join(format!(
            "korobka-bench-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp()
        )),
    };
    std::fs::create_dir_all(&work).with_context(|| format!("create {}", work.display()))?;
    let result = bench(args, &scale, &work);
    if args.keep {
        note(format!("kept {}", work.display()));
    } else if let Err(e) = std::fs::remove_dir_all(&work) {
        note(format!("could not remove {}: {e}", work.display()));
    }
    let report = result?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    Ok(())
}

/// What the load phase leaves for the later phases.
struct Office {
    token: String,
    contact_ids: Vec<u64>,
    queries: Vec<String>,
    /// The same queries with the kind of each: prefix, typo, phone tail…
    typed_queries: Vec<(&'static str, String)>,
    pipeline_id: u64,
    pipeline_deals: usize,
}

fn bench(args: &Args, scale: &Scale, work: &Path) -> Result<Value> {
    let data = work.join("data");
    let mut report = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "date": chrono::Utc::now().to_rfc3339(),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "scale": {
            "companies": scale.companies, "contacts": scale.contacts,
            "deals": scale.deals, "leads": scale.leads, "seed": scale.seed,
        },
        "duration_s": args.duration,
    });

    // 1. The office, through the use-cases, then indexed.
    note(format!(
        "building the office: {} companies, {} contacts, {} deals, {} leads",
        scale.companies, scale.contacts, scale.deals, scale.leads
    ));
    let (load, office) = build_office(&data, scale)?;
    report["load"] = load;
    report["disk"] = disk_usage(&data, scale.contacts)?;

    // 2. The engine's ceiling: the same queries straight on tantivy, before the server
    //    takes the index writer lock.
    note("search straight on the tantivy index");
    report["raw_search"] = raw_search(&data, &office.queries, args)?;
    report["raw_search_by_kind"] = raw_search_by_kind(&data, &office.typed_queries)?;

    // 3–4. The real server in a child process.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("start the client runtime")?;
    let mut server = Server::start(&data, work, args)?;
    let mut starts = vec![server.ready_ms];
    report["rss_after_start_kb"] = json!(server.rss_kb("VmRSS")?);
    std::thread::sleep(Duration::from_secs(1));
    report["rss_idle_kb"] = json!(server.rss_kb("VmRSS")?);
    let http = rt.block_on(load_endpoints(
        args,
        &server.base,
        server.child.id(),
        &office,
    ));
    report["peak_rss_kb"] = json!(server.rss_kb("VmHWM").ok());
    report["rss_after_load_kb"] = json!(server.rss_kb("VmRSS").ok());
    server.stop()?;
    report["http"] = http?;
    report["search_vs_tantivy"] = search_ratios(&report);
    report["board_pipeline"] = json!({"id": office.pipeline_id, "deals": office.pipeline_deals});

    // Start-up on an existing folder, a few more times.
    for _ in 1..args.starts {
        let mut s = Server::start(&data, work, args)?;
        starts.push(s.ready_ms);
        s.stop()?;
    }
    let mut sorted = starts.clone();
    sorted.sort_by(f64::total_cmp);
    report["ready_ms"] = json!({
        "all": starts,
        "median": sorted[sorted.len() / 2],
        "max": sorted.last().copied().unwrap_or(0.0),
    });

    // 5. Backup and restore, when this build has them.
    report["backup"] = backup_restore(&data, work)?;
    Ok(report)
}

/// The API's search against the engine: latency at one client, throughput at the most clients
/// against tantivy on every core.
fn search_ratios(r: &Value) -> Value {
    let api = &r["http"]["search"];
    let raw = &r["raw_search"];
    let div = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) if b > 0.0 => json!((a / b * 100.0).round() / 100.0),
        _ => Value::Null,
    };
    let most = raw
        .as_object()
        .and_then(|m| m.keys().filter_map(|k| k.parse::<usize>().ok()).max())
        .unwrap_or(1)
        .to_string();
    let max_clients = api
        .as_object()
        .and_then(|m| m.keys().filter_map(|k| k.parse::<usize>().ok()).max())
        .unwrap_or(1)
        .to_string();
    json!({
        "p50_1": div(&api["1"]["p50_ms"], &raw["1"]["p50_ms"]),
        "p99_1": div(&api["1"]["p99_ms"], &raw["1"]["p99_ms"]),
        "rps_max_clients_vs_all_cores": div(&api[&max_clients]["rps"], &raw[&most]["rps"]),
    })
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn per_s(n: usize, d: Duration) -> f64 {
    (n as f64 / d.as_secs_f64().max(1e-9)).round()
}

fn build_office(data: &Path, scale: &Scale) -> Result<(Value, Office)> {
    let started = Instant::now();
    let app = App::open(data, OpenOptions::default()).context("open the data folder")?;
    let opened = started.elapsed();
    let mut marks: Vec<(&'static str, Instant)> = Vec::new();
    demo::fill_observed(&app.store, app.now(), scale, &mut |phase| {
        marks.push((phase, Instant::now()))
    })
    .context("build the office")?;
    let filled = Instant::now();
    let indexed_docs = indexer::catch_up(
        &app.store,
        &app.index,
        &korobka::crm::search_docs::DOCUMENTS,
    )
    .context("index the office")?;
    let done = Instant::now();
    let at = |name: &str| {
        marks
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| anyhow!("the demo did not report its {name} phase"))
    };
    let (companies, contacts, deals, end) =
        (at("companies")?, at("contacts")?, at("deals")?, at("done")?);
    let records = scale.companies + scale.contacts + scale.deals + scale.leads;
    let store_time = filled - started;
    let total = done - started;
    let load = json!({
        "open_ms": ms(opened),
        "companies_per_s": per_s(scale.companies, contacts - companies),
        "contacts_per_s": per_s(scale.contacts, deals - contacts),
        "deals_and_leads_per_s": per_s(scale.deals + scale.leads, end - deals),
        "store_s": store_time.as_secs_f64(),
        "index_s": (done - filled).as_secs_f64(),
        "index_docs": indexed_docs,
        "index_docs_per_s": per_s(indexed_docs, done - filled),
        "total_s": total.as_secs_f64(),
        "records": records,
        "records_per_s": per_s(records, total),
    });

    // The client's credentials and the request material, from the store.
    let mut rng = StdRng::seed_from_u64(scale.seed ^ 0xbe4c);
    let token = app
        .store
        .write(None, app.now(), |tx| {
            let id = users::find_by_login_tx(tx, "admin")?.ok_or_else(|| {
                korobka::error::Error::Internal("the demo office has no admin".into())
            })?;
            let admin: User = tx.must(id)?;
            auth::create_token(
                tx,
                &admin,
                NewToken {
                    name: "korobka-bench".into(),
                },
            )
        })
        .context("create an API token")?
        .1;
    let (contact_ids, sample, pipeline_id, pipeline_deals) = app
        .store
        .read(|rx| {
            let mut ids = Vec::with_capacity(scale.contacts);
            let mut sample = Vec::new();
            let every = (scale.contacts / 400).max(1);
            for (i, c) in store::iter::<Contact>(rx)?.enumerate() {
                let c = c?;
                ids.push(c.id);
                if i % every == 0 {
                    sample.push(c);
                }
            }
            let mut best = (0, 0);
            for p in store::all::<Pipeline>(rx)? {
                let n = store::ids_by(rx, tables::DEAL_BY_PIPELINE, p.id)?.len();
                if n >= best.1 {
                    best = (p.id, n);
                }
            }
            Ok((ids, sample, best.0, best.1))
        })
        .context("read the request material")?;
    drop(app);
    let typed_queries = query_mix(&sample, &mut rng);
    let queries = typed_queries.iter().map(|(_, q)| q.clone()).collect();
    Ok((
        load,
        Office {
            token,
            contact_ids,
            queries,
            typed_queries,
            pipeline_id,
            pipeline_deals,
        },
    ))
}

/// The kinds of query in the mix, in the order [`query_mix`] cycles through them.
const QUERY_KINDS: [&str; 6] = [
    "last-name prefix",
    "first+last prefixes",
    "one typo",
    "Latin for Cyrillic",
    "phone tail",
    "e-mail",
];

/// What people type into the global search: name prefixes, a typo, a Latin spelling of a
/// Cyrillic name, phone tails and e-mails (whole, local part).
fn query_mix(sample: &[Contact], rng: &mut StdRng) -> Vec<(&'static str, String)> {
    let prefix = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut out = Vec::new();
    for (i, c) in sample.iter().enumerate() {
        let kind = QUERY_KINDS[i % QUERY_KINDS.len()];
        let q = match i % 6 {
            0 => prefix(&c.last_name, 4),
            1 => format!("{} {}", prefix(&c.first_name, 3), prefix(&c.last_name, 3)),
            2 => {
                // One letter replaced in the middle of the last name.
                let mut chars: Vec<char> = c.last_name.chars().collect();
                if chars.len() >= 5 {
                    let at = rng.random_range(1..chars.len() - 1);
                    chars[at] = if chars[at] == 'о' { 'а' } else { 'о' };
                }
                chars.into_iter().collect()
            }
            3 => prefix(&korobka::search::fold(&c.last_name), 5),
            4 => c
                .phones
                .first()
                .map(|p| {
                    let digits: String = p.value.chars().filter(char::is_ascii_digit).collect();
                    digits[digits.len().saturating_sub(7)..].to_string()
                })
                .unwrap_or_default(),
            _ => c
                .emails
                .first()
                .map(|e| {
                    if rng.random_bool(0.5) {
                        e.value.clone()
                    } else {
                        e.value.split('@').next().unwrap_or_default().to_string()
                    }
                })
                .unwrap_or_default(),
        };
        if !q.trim().is_empty() {
            out.push((kind, q));
        }
    }
    out.shuffle(rng);
    out
}

fn disk_usage(data: &Path, contacts: usize) -> Result<Value> {
    fn size(p: &Path) -> Result<u64> {
        let meta = std::fs::symlink_metadata(p).with_context(|| format!("stat {}", p.display()))?;
        if meta.is_dir() {
            let mut total = 0;
            for e in std::fs::read_dir(p).with_context(|| format!("list {}", p.display()))? {
                total += size(&e?.path())?;
            }
            Ok(total)
        } else {
            Ok(meta.len())
        }
    }
    let total = size(data)?;
    let per_100k = |b: u64| (b as f64 * 100_000.0 / contacts.max(1) as f64).round() as u64;
    Ok(json!({
        "total_bytes": total,
        "store_bytes": size(&data.join(DB_FILE))?,
        "index_bytes": size(&data.join(INDEX_DIR))?,
        "total_bytes_per_100k_contacts": per_100k(total),
    }))
}

/// Latency figures from recorded samples.
fn summary(mut lat: Vec<Duration>, elapsed: Duration, errors: usize) -> Value {
    lat.sort();
    let pick = |q: f64| {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * q).ceil() as usize).clamp(1, lat.len()) - 1;
        ms(lat[i])
    };
    json!({
        "requests": lat.len(),
        "errors": errors,
        "rps": per_s(lat.len(), elapsed),
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": lat.last().map(|d| ms(*d)).unwrap_or(0.0),
    })
}

fn raw_search(data: &Path, queries: &[String], args: &Args) -> Result<Value> {
    let (index, rebuilt) =
        SearchIndex::open(&data.join(INDEX_DIR)).context("open the search index")?;
    if rebuilt {
        bail!("the search index had to be rebuilt; the office is not indexed");
    }
    let index = Arc::new(index);
    let mut out = serde_json::Map::new();
    // One caller (latency without contention) and one per core (the engine's throughput):
    // more threads than cores only measure the OS scheduler's time slices.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads_list = vec![1, cores];
    threads_list.dedup();
    for clients in threads_list {
        for (record, secs) in [(false, args.warmup), (true, args.duration)] {
            let end = Instant::now() + Duration::from_secs_f64(secs);
            let next = Arc::new(AtomicUsize::new(0));
            let started = Instant::now();
            let threads: Vec<_> = (0..clients)
                .map(|_| {
                    let (index, next, queries) = (index.clone(), next.clone(), queries.to_vec());
                    std::thread::spawn(move || -> Result<Vec<Duration>> {
                        let mut lat = Vec::new();
                        while Instant::now() < end {
                            let q = &queries[next.fetch_add(1, Ordering::Relaxed) % queries.len()];
                            let t = Instant::now();
                            index.search(q, Some(&SEARCH_KINDS), SEARCH_LIMIT)?;
                            lat.push(t.elapsed());
                        }
                        Ok(lat)
                    })
                })
                .collect();
            let mut lat = Vec::new();
            for t in threads {
                lat.extend(
                    t.join()
                        .map_err(|_| anyhow!("a search thread panicked"))??,
                );
            }
            if record {
                out.insert(clients.to_string(), summary(lat, started.elapsed(), 0));
            }
        }
    }
    Ok(Value::Object(out))
}

/// Each kind of query alone, one caller, on tantivy: which kinds cost what.
fn raw_search_by_kind(data: &Path, queries: &[(&'static str, String)]) -> Result<Value> {
    let (index, _) = SearchIndex::open(&data.join(INDEX_DIR)).context("open the search index")?;
    let mut out = serde_json::Map::new();
    for kind in QUERY_KINDS {
        let mut lat = Vec::new();
        let mut hits = 0;
        let started = Instant::now();
        for _round in 0..5 {
            for (_, q) in queries.iter().filter(|(k, _)| *k == kind) {
                let t = Instant::now();
                hits += index.search(q, Some(&SEARCH_KINDS), SEARCH_LIMIT)?.len();
                lat.push(t.elapsed());
            }
        }
        let n = lat.len().max(1);
        let mut r = summary(lat, started.elapsed(), 0);
        r["hits_per_query"] = json!(hits / n);
        out.insert(kind.to_string(), r);
    }
    Ok(Value::Object(out))
}

/// The server under test: this binary re-executed as `korobka serve`.
struct Server {
    child: Child,
    base: String,
    ready_ms: f64,
}

impl Server {
    fn start(data: &Path, work: &Path, args: &Args) -> Result<Server> {
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

    fn rss_kb(&self, field: &str) -> Result<u64> {
        rss_kb(self.child.id(), field)
    }

    /// SIGTERM (the server finishes requests and drains the indexer), then waits.
    fn stop(&mut self) -> Result<()> {
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
fn rss_kb(pid: u32, field: &str) -> Result<u64> {
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
fn http_get_status(url: &str) -> Result<u16> {
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

/// The endpoints measured, in the order they run and are printed.
const ENDPOINTS: &[&str] = &[
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
enum Target {
    /// GET these paths in turn.
    Get(Arc<Vec<String>>),
    /// POST /api/v1/contacts with a generated person.
    CreateContact,
}

async fn load_endpoints(
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
fn encode(s: &str) -> String {
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

async fn measure(
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
static CREATED: AtomicUsize = AtomicUsize::new(0);

fn new_contact(i: usize) -> Value {
    const FIRST: &[&str] = &["Олена", "Тарас", "Ірина", "Сергей", "Emily", "Богдан"];
    const LAST: &[&str] = &["Гнатюк", "Петренко", "Орлова", "Walker", "Мороз", "Ткачук"];
    json!({
        "first_name": FIRST[i % FIRST.len()],
        "last_name": format!("{} {}", LAST[(i / FIRST.len()) % LAST.len()], i),
        "phones": [{"value": format!("+38 (067) {:03}-{:02}-{:02}", 100 + i % 900, (i / 900) % 100, i % 97)}],
        "emails": [{"value": format!("bench{i}@example.com")}],
    })
}

/// `korobka backup FILE` and `korobka restore FILE` (into a fresh folder), timed, when the
/// CLI of this build has them; otherwise a row that says so.
fn backup_restore(data: &Path, work: &Path) -> Result<Value> {
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

fn print_table(r: &Value) {
    let f = |v: &Value| match v {
        Value::Null => "—".to_string(),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        }
        other => other.to_string(),
    };
    let mb = |v: &Value| {
        v.as_f64()
            .map(|kb| format!("{:.1} MB", kb / 1024.0))
            .unwrap_or_else(|| "—".into())
    };
    let s = &r["scale"];
    println!(
        "Korobka {} — {} cores — {} companies, {} contacts, {} deals, {} leads — {}",
        r["version"].as_str().unwrap_or("?"),
        r["cores"],
        s["companies"],
        s["contacts"],
        s["deals"],
        s["leads"],
        r["date"].as_str().unwrap_or("")
    );
    println!();
    let l = &r["load"];
    println!("Bulk load (use-cases in write transactions of 2,000 records, then indexing)");
    println!("  companies/s            {}", f(&l["companies_per_s"]));
    println!("  contacts/s             {}", f(&l["contacts_per_s"]));
    println!(
        "  deals+leads/s          {}",
        f(&l["deals_and_leads_per_s"])
    );
    println!(
        "  indexing               {} docs in {:.1} s ({} docs/s)",
        f(&l["index_docs"]),
        l["index_s"].as_f64().unwrap_or(0.0),
        f(&l["index_docs_per_s"])
    );
    println!(
        "  all records/s          {} ({} records in {:.1} s, indexing included)",
        f(&l["records_per_s"]),
        f(&l["records"]),
        l["total_s"].as_f64().unwrap_or(0.0)
    );
    let d = &r["disk"];
    let mbb = |v: &Value| format!("{:.1} MB", v.as_f64().unwrap_or(0.0) / 1e6);
    println!(
        "  data folder            {} (store {}, index {}); {} per 100k contacts",
        mbb(&d["total_bytes"]),
        mbb(&d["store_bytes"]),
        mbb(&d["index_bytes"]),
        mbb(&d["total_bytes_per_100k_contacts"])
    );
    println!();
    println!("Process");
    println!(
        "  start → first 200      median {} ms, max {} ms (runs: {})",
        f(&r["ready_ms"]["median"]),
        f(&r["ready_ms"]["max"]),
        r["ready_ms"]["all"]
    );
    println!(
        "  RSS                    {} after start, {} idle, {} after load, peak {}",
        mb(&r["rss_after_start_kb"]),
        mb(&r["rss_idle_kb"]),
        mb(&r["rss_after_load_kb"]),
        mb(&r["peak_rss_kb"])
    );
    println!();
    println!(
        "HTTP over loopback (keep-alive; {} s per row; board pipeline has {} deals)",
        r["duration_s"], r["board_pipeline"]["deals"]
    );
    println!(
        "  {:<15} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10} {:>8}",
        "endpoint",
        "clients",
        "req/s",
        "p50 ms",
        "p99 ms",
        "vs health",
        "errors",
        "RSS after",
        "bytes"
    );
    if let Some(http) = r["http"].as_object() {
        for name in ENDPOINTS {
            if let Some(per) = http.get(*name).and_then(Value::as_object) {
                let mut per: Vec<_> = per.iter().collect();
                per.sort_by_key(|(c, _)| c.parse::<usize>().unwrap_or(0));
                for (c, m) in per {
                    println!(
                        "  {:<15} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10} {:>8}",
                        name,
                        c,
                        f(&m["rps"]),
                        f(&m["p50_ms"]),
                        f(&m["p99_ms"]),
                        m["vs_health"]
                            .as_f64()
                            .map(|x| format!("{:.0}%", x * 100.0))
                            .unwrap_or_else(|| "—".into()),
                        f(&m["errors"]),
                        mb(&m["rss_kb_after"]),
                        f(&m["bytes_per_response"])
                    );
                }
            }
        }
    }
    println!();
    println!("Search straight on tantivy, the same query mix (the engine's ceiling)");
    if let Some(raw) = r["raw_search"].as_object() {
        for (c, m) in raw {
            println!(
                "  {c:>2} threads: p50 {} ms, p99 {} ms, {} q/s",
                f(&m["p50_ms"]),
                f(&m["p99_ms"]),
                f(&m["rps"]),
            );
        }
    }
    if let Some(kinds) = r["raw_search_by_kind"].as_object() {
        for (k, m) in kinds {
            println!(
                "  {k:<20} 1 thread: p50 {} ms, p99 {} ms ({} queries)",
                f(&m["p50_ms"]),
                f(&m["p99_ms"]),
                f(&m["requests"])
            );
        }
    }
    let ratios = &r["search_vs_tantivy"];
    println!(
        "  API/tantivy at 1 client: p50 {}×, p99 {}×; API throughput at 16 clients / tantivy on all cores: {}",
        f(&ratios["p50_1"]),
        f(&ratios["p99_1"]),
        ratios["rps_max_clients_vs_all_cores"]
            .as_f64()
            .map(|x| format!("{:.0}%", x * 100.0))
            .unwrap_or_else(|| "—".into())
    );
    println!();
    let b = &r["backup"];
    if b["available"].as_bool() == Some(true) {
        println!(
            "Backup {:.1} s, {}; restore (with reindex) {}",
            b["backup_s"].as_f64().unwrap_or(0.0),
            mbb(&b["backup_bytes"]),
            b["restore_s"]
                .as_f64()
                .map(|s| format!("{s:.1} s"))
                .unwrap_or_else(|| "not available".into())
        );
    } else {
        println!(
            "{}",
            b["why"]
                .as_str()
                .unwrap_or("backup: not available in this build")
        );
    }
}
