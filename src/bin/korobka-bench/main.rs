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
mod http;
mod office;
mod report;
mod search;
mod server;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};

use korobka::{demo::Scale, search::DocKind};

use crate::{
    http::load_endpoints,
    office::{build_office, disk_usage},
    report::print_table,
    search::{raw_search, raw_search_by_kind, search_ratios},
    server::{Server, backup_restore},
};

/// When set, this binary is `korobka` (the child server process).
const CHILD_ENV: &str = "KOROBKA_BENCH_CHILD";
/// The kinds the API's global search asks for.
const SEARCH_KINDS: &[DocKind] = korobka::search::find::KINDS;
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
fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn per_s(n: usize, d: Duration) -> f64 {
    (n as f64 / d.as_secs_f64().max(1e-9)).round()
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
