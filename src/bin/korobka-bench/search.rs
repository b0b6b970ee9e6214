//! Search straight on the tantivy index: the engine's ceiling the API is compared with.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use korobka::{paths::INDEX_DIR, search::SearchIndex};

use crate::{Args, SEARCH_KINDS, SEARCH_LIMIT, office::QUERY_KINDS, summary};

/// The API's search against the engine: latency at one client, throughput at the most clients
/// against tantivy on every core.
pub(super) fn search_ratios(r: &Value) -> Value {
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

pub(super) fn raw_search(data: &Path, queries: &[String], args: &Args) -> Result<Value> {
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
                            index.search(q, Some(SEARCH_KINDS), SEARCH_LIMIT)?;
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
pub(super) fn raw_search_by_kind(data: &Path, queries: &[(&'static str, String)]) -> Result<Value> {
    let (index, _) = SearchIndex::open(&data.join(INDEX_DIR)).context("open the search index")?;
    let mut out = serde_json::Map::new();
    for kind in QUERY_KINDS {
        let mut lat = Vec::new();
        let mut hits = 0;
        let started = Instant::now();
        for _round in 0..5 {
            for (_, q) in queries.iter().filter(|(k, _)| *k == kind) {
                let t = Instant::now();
                hits += index.search(q, Some(SEARCH_KINDS), SEARCH_LIMIT)?.len();
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
