//! The report as a table for people (the JSON report is the same figures).

use serde_json::Value;

use crate::http::ENDPOINTS;

pub(super) fn print_table(r: &Value) {
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
