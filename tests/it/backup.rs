//! Backup and restore: the round trip, every kind of broken archive, a backup taken during a
//! burst of writes, restore refused onto a running server, the fixture database of an older
//! version, and the admin endpoints.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{ADMIN_PASSWORD, Client, Server};

const BIN: &str = env!("CARGO_BIN_EXE_korobka");

/// Runs the real binary; returns (success, stdout + stderr).
fn korobka(args: &[&str], data: &Path) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env("KOROBKA_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Every member of a zip: name → bytes.
fn members(zip_path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.insert(f.name().unwrap().to_string(), buf);
    }
    out
}

/// Every file under a folder: relative path → bytes (what "nothing on disk changed" means).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(
                    e.path().strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                );
            }
        }
    }
    out
}

/// A few companies and contacts, in Cyrillic and Latin, with an API token.
fn fill(c: &Client) -> String {
    let co = c.create(
        "/api/v1/companies",
        json!({"name": "ТОВ Ромашка", "phones": [{"value": "+380 44 123 45 67"}], "emails": [{"value": "office@romashka.ua"}]}),
    );
    let co2 = c.create("/api/v1/companies", json!({"name": "Acme Widgets"}));
    for (first, last, company) in [
        ("Олена", "Коваленко", &co),
        ("Taras", "Shevchenko", &co),
        ("John", "Smith", &co2),
    ] {
        c.create(
            "/api/v1/contacts",
            json!({"first_name": first, "last_name": last, "company_id": company["id"],
                   "phones": [{"value": "+380 67 765 43 21"}]}),
        );
    }
    let id = co2["id"].as_u64().unwrap();
    let (st, _) = c.put(
        &format!("/api/v1/companies/{id}"),
        json!({"name": "Acme Widgets Ltd", "notes": "renamed"}),
    );
    assert_eq!(st, StatusCode::OK);
    // The work area travels too: a task with a checklist, a comment, an event, a reminder, a post.
    let task = c.create(
        "/api/v1/tasks",
        json!({"title": "Call Romashka", "deadline": "2099-01-05T10:00:00Z",
               "checklist": ["Prepare", "Call"], "link": {"kind": "company", "id": co["id"]}}),
    );
    c.create(
        "/api/v1/comments",
        json!({"target": {"kind": "task", "id": task["id"]}, "body": "@admin before Friday"}),
    );
    c.create(
        "/api/v1/calendar/events",
        json!({"title": "Review", "start": "2099-01-04T09:00:00Z", "end": "2099-01-04T10:00:00Z"}),
    );
    c.create(
        "/api/v1/reminders",
        json!({"at": "2099-01-05T08:00:00Z", "note": "Switch the banner off"}),
    );
    c.create("/api/v1/feed/posts", json!({"body": "Hello, office"}));
    let (st, t) = c.post("/api/v1/tokens", json!({"name": "script"}));
    assert_eq!(st, StatusCode::CREATED, "{t}");
    t["token"].as_str().unwrap().to_string()
}

fn search(c: &Client, q: &str) -> Vec<(String, u64)> {
    let v = c.ok(&format!("/api/v1/search?q={}", crate::common::urlencode(q)));
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_string(),
                h["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn wait_indexed(c: &Client, q: &str, n: usize) {
    for _ in 0..200 {
        if search(c, q).len() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("{q} never indexed");
}

#[test]
fn backup_restore_backup_gives_the_same_records_and_search_results() {
    let (s, c) = Server::with_admin();
    let token = fill(&c);
    wait_indexed(&c, "Коваленко", 1);
    let queries = ["Коваленко", "romashka", "4567", "Acme", "4321"];
    let before: Vec<_> = queries.iter().map(|q| search(&c, q)).collect();
    let counts = c.ok("/api/v1/counts");
    let work_views = [
        "/api/v1/tasks?role=all",
        "/api/v1/feed",
        "/api/v1/my/agenda",
        "/api/v1/calendar?from=2099-01-01T00:00:00Z&to=2099-02-01T00:00:00Z",
        "/api/v1/reminders",
        "/api/v1/comments?target_kind=task&target_id=1",
        "/api/v1/timeline/company/1",
    ];
    let work_before: Vec<Value> = work_views.iter().map(|p| c.ok(p)).collect();
    let dir = s.stop();
    let data = dir.path();
    let work = tempfile::tempdir().unwrap();
    let first = work.path().join("first.zip");
    let (ok, out) = korobka(&["backup", first.to_str().unwrap()], data);
    assert!(ok, "{out}");
    assert!(out.contains("written and verified"), "{out}");

    let (ok, out) = korobka(&["restore", first.to_str().unwrap()], data);
    assert!(ok, "{out}");
    assert!(out.contains("before-restore"), "{out}");
    let (ok, out) = korobka(&["check"], data);
    assert!(ok, "check after restore: {out}");

    let second = work.path().join("second.zip");
    let (ok, out) = korobka(&["backup", second.to_str().unwrap()], data);
    assert!(ok, "{out}");
    let (a, b) = (members(&first), members(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if name != "manifest.json" {
            assert!(bytes == &b[name], "{name} differs after the round trip");
        }
    }
    let contacts = String::from_utf8(a["tables/contacts.jsonl"].clone()).unwrap();
    assert_eq!(contacts.lines().count(), 3);
    assert!(contacts.contains("Коваленко"));
    let manifest: Value = serde_json::from_slice(&a["manifest.json"]).unwrap();
    assert_eq!(manifest["counts"]["tables/companies.jsonl"], 2);
    assert_eq!(manifest["format_version"], 1);

    // The restored server: same counts, same search results, logins and tokens work (the
    // hand-written indexes were rebuilt), old sessions are gone.
    let s = Server::start_in(dir);
    let c2 = s.client();
    let (st, _) = c2.get("/api/v1/me");
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, v) = c2.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(c2.ok("/api/v1/counts"), counts);
    for (path, before) in work_views.iter().zip(&work_before) {
        assert_eq!(&c2.ok(path), before, "{path} after the restore");
    }
    assert_eq!(
        work_before[0]["items"][0]["checklist"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let after: Vec<_> = queries.iter().map(|q| search(&c2, q)).collect();
    assert_eq!(before, after);
    let bot = s.client().with_bearer(&token);
    assert_eq!(bot.ok("/api/v1/counts"), counts);
    // Ids are never reused: a new company gets the next id after the restored ones.
    let c2 = c2.with_csrf(v["csrf_token"].as_str().unwrap());
    let co = c2.create("/api/v1/companies", json!({"name": "After restore"}));
    assert_eq!(co["id"], 3);
    let hist = c2.ok("/api/v1/companies/2/history");
    assert_eq!(hist["items"].as_array().unwrap().len(), 2, "{hist}");
}

#[test]
fn restore_is_refused_while_the_server_runs() {
    let (s, c) = Server::with_admin();
    fill(&c);
    let work = tempfile::tempdir().unwrap();
    let zip = work.path().join("b.zip");
    // A backup works while the server runs.
    let (ok, out) = korobka(&["backup", zip.to_str().unwrap()], s.dir.path());
    assert!(ok, "{out}");
    // (The live index changes under a running server: compare the top level only.)
    let top = |p: &Path| -> Vec<_> {
        let mut v: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let before = top(s.dir.path());
    let (ok, out) = korobka(&["restore", zip.to_str().unwrap()], s.dir.path());
    assert!(!ok);
    assert!(out.contains("stop it first"), "{out}");
    assert_eq!(before, top(s.dir.path()));
    let name = s
        .dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let beside = top(s.dir.path().parent().unwrap())
        .into_iter()
        .filter(|n| n.to_string_lossy().starts_with(&format!("{name}.")))
        .count();
    assert_eq!(beside, 0, "restore left something beside the data folder");
    c.ok("/api/v1/counts");
}

/// Rewrites a zip, letting `edit` change, drop or add members (name, bytes).
fn rewrite(src: &Path, dest: &Path, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
    let mut list: Vec<(String, Vec<u8>)> = members(src).into_iter().collect();
    edit(&mut list);
    let mut w = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in list {
        w.start_file(name, opts).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
}

fn edit_manifest(list: &mut [(String, Vec<u8>)], f: impl FnOnce(&mut Value)) {
    let m = list.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
    let mut v: Value = serde_json::from_slice(&m.1).unwrap();
    f(&mut v);
    m.1 = serde_json::to_vec(&v).unwrap();
}

#[test]
fn broken_archives_are_refused_and_nothing_on_disk_changes() {
    let (s, c) = Server::with_admin();
    fill(&c);
    let dir = s.stop();
    let data = dir.path();
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.zip");
    let (ok, out) = korobka(&["backup", good.to_str().unwrap()], data);
    assert!(ok, "{out}");
    let bytes = std::fs::read(&good).unwrap();

    let mut cases: Vec<(&str, PathBuf, &str)> = Vec::new();
    let mut case = |name: &'static str, expect: &'static str, make: &dyn Fn(&Path)| {
        let p = work.path().join(format!("{name}.zip"));
        make(&p);
        cases.push((name, p, expect));
    };
    case("truncated", "not a readable zip", &|p| {
        std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap()
    });
    case("flipped-byte", "contacts.jsonl", &|p| {
        // Flip one byte inside the compressed contacts member.
        let mut b = bytes.clone();
        let name = b"tables/contacts.jsonl";
        let at = b.windows(name.len()).position(|w| w == name).unwrap();
        b[at + name.len() + 100] ^= 0x40;
        std::fs::write(p, b).unwrap()
    });
    case("wrong-checksum", "fails its checksum", &|p| {
        rewrite(&good, p, |l| {
            edit_manifest(l, |m| {
                for mem in m["members"].as_array_mut().unwrap() {
                    if mem["path"] == "tables/companies.jsonl" {
                        mem["sha256"] = json!("00".repeat(32));
                    }
                }
            })
        })
    });
    case("dot-dot", "unsafe path", &|p| {
        rewrite(&good, p, |l| {
            l.push(("files/../../evil.txt".into(), b"x".to_vec()))
        })
    });
    case("absolute", "unsafe path", &|p| {
        rewrite(&good, p, |l| {
            l.push(("/etc/evil.txt".into(), b"x".to_vec()))
        })
    });
    case("not-in-manifest", "not in the manifest", &|p| {
        rewrite(&good, p, |l| {
            l.push(("files/extra.bin".into(), b"x".to_vec()))
        })
    });
    case("inflates-past-limit", "inflates to", &|p| {
        // A small member in the manifest that inflates to 64 MiB of zeros.
        rewrite(&good, p, |l| {
            let m = l.iter_mut().find(|(n, _)| n == "meta.jsonl").unwrap();
            m.1 = vec![b' '; 64 * 1024 * 1024];
        })
    });
    case("huge-claim", "past the limit", &|p| {
        rewrite(&good, p, |l| {
            edit_manifest(l, |m| {
                for mem in m["members"].as_array_mut().unwrap() {
                    if mem["path"] == "history.jsonl" {
                        mem["size"] = json!(1u64 << 50);
                    }
                }
            })
        })
    });
    case("newer-format", "newer than this Korobka", &|p| {
        rewrite(&good, p, |l| {
            edit_manifest(l, |m| m["format_version"] = json!(2))
        })
    });
    case("newer-schema", "upgrade Korobka first", &|p| {
        rewrite(&good, p, |l| {
            edit_manifest(l, |m| m["schema_version"] = json!(999))
        })
    });
    case("bad-record", "company", &|p| {
        rewrite(&good, p, |l| {
            let bad = b"{\"id\":1,\"record\":{\"id\":1,\"name\":42}}\n".to_vec();
            let sha = {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(&bad))
            };
            let len = bad.len();
            l.iter_mut()
                .find(|(n, _)| n == "tables/companies.jsonl")
                .unwrap()
                .1 = bad;
            edit_manifest(l, |m| {
                m["counts"]["tables/companies.jsonl"] = json!(1);
                for mem in m["members"].as_array_mut().unwrap() {
                    if mem["path"] == "tables/companies.jsonl" {
                        mem["sha256"] = json!(sha);
                        mem["size"] = json!(len);
                    }
                }
            })
        })
    });
    case("wrong-count", "the manifest says 7", &|p| {
        rewrite(&good, p, |l| {
            edit_manifest(l, |m| m["counts"]["tables/contacts.jsonl"] = json!(7))
        })
    });
    case("no-manifest", "no manifest", &|p| {
        rewrite(&good, p, |l| l.retain(|(n, _)| n != "manifest.json"))
    });

    let parent = data.parent().unwrap();
    let siblings = || -> Vec<_> {
        std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| {
                n.to_string_lossy()
                    .starts_with(&*data.file_name().unwrap().to_string_lossy())
            })
            .collect()
    };
    let before = snapshot(data);
    let sibs = siblings();
    for (name, path, expect) in &cases {
        let (ok, out) = korobka(&["restore", path.to_str().unwrap()], data);
        assert!(!ok, "{name}: restore succeeded: {out}");
        assert!(out.contains("refused"), "{name}: {out}");
        assert!(out.contains(expect), "{name}: wanted {expect:?} in: {out}");
        assert!(snapshot(data) == before, "{name}: the data folder changed");
        assert_eq!(siblings(), sibs, "{name}: something was created beside it");
    }
    // The good one still restores.
    let (ok, out) = korobka(&["restore", good.to_str().unwrap()], data);
    assert!(ok, "{out}");
}

#[test]
fn a_backup_taken_during_a_burst_of_writes_restores_to_a_consistent_state() {
    let (s, c) = Server::with_admin();
    let (st, t) = c.post("/api/v1/tokens", json!({"name": "burst"}));
    assert_eq!(st, StatusCode::CREATED);
    let token = t["token"].as_str().unwrap().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3 {
        let (stop, bot) = (stop.clone(), s.client().with_bearer(&token));
        writers.push(std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) && n < 2000 {
                n += 1;
                let co = bot.create(
                    "/api/v1/companies",
                    json!({"name": format!("Burst {w}-{n}")}),
                );
                bot.create(
                    "/api/v1/contacts",
                    json!({"first_name": format!("Worker{w}"), "last_name": format!("N{n}"), "company_id": co["id"]}),
                );
            }
            n
        }));
    }
    std::thread::sleep(Duration::from_millis(300));
    let work = tempfile::tempdir().unwrap();
    let mut zips = Vec::new();
    for i in 0..2 {
        let z = work.path().join(format!("burst-{i}.zip"));
        let (ok, out) = korobka(&["backup", z.to_str().unwrap()], s.dir.path());
        assert!(ok, "{out}");
        zips.push(z);
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    let written: u64 = writers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(written > 10, "only {written} writes");
    for z in &zips {
        let m = members(z);
        let companies = String::from_utf8(m["tables/companies.jsonl"].clone()).unwrap();
        let contacts = String::from_utf8(m["tables/contacts.jsonl"].clone()).unwrap();
        let history = String::from_utf8(m["history.jsonl"].clone()).unwrap();
        let company_ids: Vec<u64> = companies
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["id"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        // One snapshot: every contact's company is in the same archive, every record has
        // its creation in the history, and nothing else is there.
        for l in contacts.lines() {
            let v: Value = serde_json::from_str(l).unwrap();
            let co = v["record"]["company_id"].as_u64().unwrap();
            assert!(
                company_ids.contains(&co),
                "contact {} without company {co}",
                v["id"]
            );
        }
        let created = history
            .lines()
            .filter(|l| l.contains("\"kind\":\"Company\"") || l.contains("\"kind\":\"Contact\""))
            .count();
        assert_eq!(created, company_ids.len() + contacts.lines().count());
        // It restores into a fresh folder, and `korobka check` finds it consistent.
        let fresh = work.path().join(format!(
            "restored-{}",
            z.file_stem().unwrap().to_string_lossy()
        ));
        let (ok, out) = korobka(&["restore", z.to_str().unwrap()], &fresh);
        assert!(ok, "{out}");
        let (ok, out) = korobka(&["check"], &fresh);
        assert!(ok, "{out}");
        assert!(
            out.contains(&format!(
                "{:<14} {:>8} records",
                "company",
                company_ids.len()
            )),
            "{out}"
        );
    }
}

/// `tests/fixtures/v1/` holds a data folder written by Korobka 0.1.0 (schema 1) and a backup
/// archive of it. Every later version must open and read both; never regenerate them.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1")
        .join(name)
}

#[test]
fn the_fixture_database_of_version_0_1_opens_and_reads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("korobka.redb"), dir.path().join("korobka.redb")).unwrap();
    // Schema 1 wrote phone and e-mail indexes that nothing read; schema 2 drops them.
    let unread = [
        "company_by_phone",
        "company_by_email",
        "contact_by_phone",
        "contact_by_email",
    ];
    {
        use redb::ReadableDatabase;
        let db = redb::Database::open(dir.path().join("korobka.redb")).unwrap();
        let rx = db.begin_read().unwrap();
        let before: Vec<String> = rx
            .list_multimap_tables()
            .unwrap()
            .map(|t| redb::MultimapTableHandle::name(&t).to_string())
            .collect();
        for name in unread {
            assert!(before.iter().any(|n| n == name), "{name} in {before:?}");
        }
    }
    let s = Server::start_in(dir);
    let c = s.client();
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": "korobka-demo"}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let counts = c.ok("/api/v1/counts");
    assert_eq!(
        counts,
        json!({"companies": 12, "contacts": 25, "deals": 6, "leads": 1})
    );
    let deals = c.ok("/api/v1/deals?limit=100");
    assert_eq!(deals["total"], 10);
    assert_eq!(deals["totals"]["base_total"], "236438.88");
    assert_eq!(
        c.ok("/api/v1/pipelines")["items"].as_array().unwrap().len(),
        3
    );
    let users = c.ok("/api/v1/users");
    assert_eq!(users["items"].as_array().unwrap().len(), 6);
    let co = c.ok("/api/v1/companies/1");
    assert!(co["name"].as_str().is_some_and(|n| !n.is_empty()), "{co}");
    let hist = c.ok("/api/v1/companies/1/history");
    assert!(!hist["items"].as_array().unwrap().is_empty());
    let page = c.ok("/api/v1/contacts?limit=100");
    assert_eq!(page["items"].as_array().unwrap().len(), 25);
    let dir = s.stop();
    let (ok, out) = korobka(&["check"], dir.path());
    assert!(ok, "{out}");
    let store = korobka::store::Store::open(&dir.path().join("korobka.redb")).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        Some(korobka::store::SCHEMA_VERSION)
    );
    let names = store.table_names().unwrap();
    for name in unread {
        assert!(!names.iter().any(|n| n == name), "{name} is still there");
    }
    let mut declared: Vec<&str> = korobka::store::tables::ALL.iter().map(|t| t.name).collect();
    declared.sort_unstable();
    assert_eq!(names, declared);
}

#[test]
fn the_fixture_backup_of_version_0_1_restores() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let (ok, out) = korobka(&["restore", fixture("backup.zip").to_str().unwrap()], &data);
    assert!(ok, "{out}");
    assert!(out.contains("restored 140 records"), "{out}");
    let (ok, out) = korobka(&["check"], &data);
    assert!(ok, "{out}");
}

/// The demo office's feed over HTTP, read by a Ukrainian and then an English reader: every
/// entry has a sentence in the reader's language, and no entry but a post or a comment carries
/// text (the server stores data, not sentences). Old entries' migration: `work::feed` tests.
#[test]
fn the_feed_reads_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = korobka(
        &["demo", "--companies", "12", "--contacts", "25"],
        dir.path(),
    );
    assert!(ok, "{out}");
    let s = Server::start_in(dir);
    let c = s.client();
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": "korobka-demo"}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let c = c.with_csrf(v["csrf_token"].as_str().unwrap());
    let set = |lang: &str| {
        let (st, v) = c.request(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"language": lang})),
        );
        assert_eq!(st, StatusCode::OK, "{v}");
    };
    set("uk");
    let feed = c.ok("/api/v1/feed?limit=200");
    let items = feed["items"].as_array().unwrap();
    let mut batches = 0;
    for i in items {
        let (kind, summary) = (i["type"].as_str().unwrap(), i["summary"].as_str().unwrap());
        assert!(!summary.is_empty(), "{i}");
        if kind != "post" && kind != "comment" {
            assert_eq!(i["text"], "", "{i}");
        }
        if i["data"]["count"].is_string() {
            batches += 1;
            assert!(summary.contains(" додав(-ла) "), "{i}");
        }
    }
    assert!(batches > 0, "the demo office is created in batches: {feed}");
    set("en");
    let feed = c.ok("/api/v1/feed?limit=200");
    let batch = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["data"]["count"].is_string())
        .unwrap();
    assert!(
        batch["summary"].as_str().unwrap().contains(" added "),
        "{batch}"
    );
}

#[test]
fn admins_take_list_and_download_backups_in_the_api() {
    let (s, c) = Server::with_admin();
    fill(&c);
    let (_, user) = s.user(&c, "plain");
    let (st, _) = user.get("/api/v1/backups");
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = user.post("/api/v1/backups", json!({}));
    assert_eq!(st, StatusCode::FORBIDDEN);

    let (st, b) = c.post("/api/v1/backups", json!({}));
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let name = b["name"].as_str().unwrap().to_string();
    assert!(name.starts_with("manual-") && b["verified"] == true, "{b}");
    let list = c.ok("/api/v1/backups");
    assert_eq!(list["items"][0]["name"], name.as_str());
    assert!(list["schedule"]["keep"].as_u64().is_some(), "{list}");

    let r = c
        .http
        .get(format!("{}/api/v1/backups/{name}/download", c.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&name)
    );
    let body = r.bytes().unwrap();
    let work = tempfile::tempdir().unwrap();
    let p = work.path().join("dl.zip");
    std::fs::write(&p, &body).unwrap();
    assert!(members(&p).contains_key("tables/contacts.jsonl"));

    for bad in ["..%2Fkorobka.redb", "korobka.redb", "nope.zip"] {
        let (st, _) = c.get(&format!("/api/v1/backups/{bad}/download"));
        assert_eq!(st, StatusCode::NOT_FOUND, "{bad}");
    }
    let (st, _) = user.get(&format!("/api/v1/backups/{name}/download"));
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = c.delete(&format!("/api/v1/backups/{name}"));
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(c.ok("/api/v1/backups")["items"], json!([]));
}
