//! The rules, pinned before they move: one test per rule that a mutation run showed unguarded
//! (issue 12, "First, pin the rules"). Each refusal is checked twice: by its answer, and by
//! reading the stored state back (nothing changed). Each test also shows the allowed case, so
//! that a rule broken the other way (refusing everyone) fails too. docs/testing.md lists the
//! mutation each test was seen to catch.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use korobka::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn stage_ids(pipeline: &Value) -> Vec<u64> {
    items(&json!({"items": pipeline["stages"]}))
        .iter()
        .map(id_of)
        .collect()
}

fn history_len(c: &Client, path: &str) -> usize {
    items(&c.ok(path)).len()
}

#[test]
fn a_deal_is_not_created_or_edited_into_a_stage_of_another_pipeline() {
    let (_s, admin) = Server::with_admin();
    let a = admin.create("/api/v1/pipelines", json!({"name": "Ads"}));
    let b = admin.create("/api/v1/pipelines", json!({"name": "Reviews"}));
    let (sa, sb) = (stage_ids(&a), stage_ids(&b));
    let deals_before = admin.ok("/api/v1/counts")["deals"].clone();

    // Create: a stage of B named for a deal in A.
    let (st, v) = admin.post(
        "/api/v1/deals",
        json!({"title": "Wrong stage", "pipeline_id": id_of(&a), "stage_id": sb[1], "amount": "10"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field_names(&v), ["stage_id"], "{v}");
    assert_eq!(admin.ok("/api/v1/counts")["deals"], deals_before);
    assert_eq!(
        admin.ok(&format!("/api/v1/deals?pipeline_id={}", id_of(&a)))["total"],
        0
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/deals?pipeline_id={}", id_of(&b)))["total"],
        0
    );

    // Edit: a deal of A told to sit in a stage of B (with or without naming B), or in B at a
    // stage of A.
    let d = admin.create(
        "/api/v1/deals",
        json!({"title": "Banner", "pipeline_id": id_of(&a), "amount": "10"}),
    );
    let did = id_of(&d);
    assert_eq!(d["stage_id"], sa[0]);
    let hist = history_len(&admin, &format!("/api/v1/deals/{did}/history"));
    for body in [
        json!({"title": "Banner moved", "pipeline_id": id_of(&a), "stage_id": sb[1], "amount": "10"}),
        json!({"title": "Banner moved", "stage_id": sb[1], "amount": "10"}),
        json!({"title": "Banner moved", "pipeline_id": id_of(&b), "stage_id": sa[1], "amount": "10"}),
    ] {
        let (st, v) = admin.put(&format!("/api/v1/deals/{did}"), body.clone());
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {v}");
        assert_eq!(field_names(&v), ["stage_id"], "{v}");
        let now = admin.ok(&format!("/api/v1/deals/{did}"));
        assert_eq!(now["title"], "Banner", "nothing stored: {now}");
        assert_eq!(now["pipeline_id"], id_of(&a));
        assert_eq!(now["stage_id"], sa[0]);
        assert_eq!(
            history_len(&admin, &format!("/api/v1/deals/{did}/history")),
            hist
        );
        assert_eq!(
            items(&admin.ok(&format!("/api/v1/deals/{did}/stages"))).len(),
            1,
            "no stage visit logged"
        );
    }
    // The board of B holds nothing; A still holds the deal in its first stage.
    let board = admin.ok(&format!("/api/v1/pipelines/{}/board", id_of(&b)));
    let in_b: u64 = items(&json!({"items": board["columns"]}))
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(in_b, 0, "{board}");

    // Allowed: another pipeline with one of its own stages.
    let (st, v) = admin.put(
        &format!("/api/v1/deals/{did}"),
        json!({"title": "Banner", "pipeline_id": id_of(&b), "stage_id": sb[1], "amount": "10"}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["stage_id"], sb[1]);
}

#[test]
fn a_task_is_hidden_from_who_is_not_on_it_in_lists_the_timeline_and_by_id() {
    let (s, admin) = Server::with_admin();
    let (_, olena) = s.user(&admin, "olena");
    let (petro_id, petro) = s.user(&admin, "petro");
    let (_, ivan) = s.user(&admin, "ivan");
    let company = admin.create("/api/v1/companies", json!({"name": "Rozetka"}));
    let cid = id_of(&company);
    let task = olena.create(
        "/api/v1/tasks",
        json!({"title": "Secret pricing", "participant_ids": [petro_id],
               "link": {"kind": "company", "id": cid}}),
    );
    let tid = id_of(&task);
    let timeline_tasks = |c: &Client| -> Vec<u64> {
        items(&c.ok(&format!("/api/v1/timeline/company/{cid}")))
            .iter()
            .filter(|i| i["type"] == "task")
            .map(|i| id_of(&i["task"]))
            .collect()
    };
    let listed = |c: &Client, query: &str| item_ids(&c.ok(&format!("/api/v1/tasks?{query}")));
    let linked = format!("role=all&link_kind=company&link_id={cid}");

    // Ivan is not on the task: no list, no timeline, no task.
    for q in ["role=all", linked.as_str(), "role=observed", "q=Secret"] {
        assert_eq!(listed(&ivan, q), Vec::<u64>::new(), "{q}");
    }
    assert_eq!(timeline_tasks(&ivan), Vec::<u64>::new());
    let (st, _) = ivan.get(&format!("/api/v1/tasks/{tid}"));
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = ivan.get(&format!("/api/v1/tasks/{tid}/history"));
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = ivan.get(&format!(
        "/api/v1/comments?target_kind=task&target_id={tid}"
    ));
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(ivan.ok("/api/v1/tasks/projects")["items"], json!([]));

    // The participant, the author and an admin see it everywhere.
    for c in [&petro, &olena, &admin] {
        assert_eq!(listed(c, "role=all"), vec![tid]);
        assert_eq!(listed(c, &linked), vec![tid]);
        assert_eq!(timeline_tasks(c), vec![tid]);
        assert_eq!(
            c.ok(&format!("/api/v1/tasks/{tid}"))["title"],
            "Secret pricing"
        );
    }
}

#[test]
fn a_required_custom_field_is_not_dropped_on_edit() {
    let (_s, admin) = Server::with_admin();
    let field = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "company", "name": "Tax number", "kind": "text", "required": true}),
    );
    let key = id_of(&field).to_string();
    let co = admin.create(
        "/api/v1/companies",
        json!({"name": "Acme", "custom": {key.clone(): "12345678"}}),
    );
    let path = format!("/api/v1/companies/{}", id_of(&co));
    let hist = history_len(&admin, &format!("{path}/history"));
    for custom in [
        json!({}),
        json!({key.clone(): null}),
        json!({key.clone(): ""}),
    ] {
        let (st, v) = admin.put(&path, json!({"name": "Acme Renamed", "custom": custom}));
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{custom} → {v}");
        assert_eq!(field_names(&v), [format!("custom.{key}")], "{v}");
        assert_eq!(v["fields"][0]["code"], "required");
        let now = admin.ok(&path);
        assert_eq!(now["name"], "Acme", "nothing stored: {now}");
        assert_eq!(now["custom"][&key], "12345678");
        assert_eq!(history_len(&admin, &format!("{path}/history")), hist);
    }
    // Allowed: the edit that keeps it.
    let (st, v) = admin.put(
        &path,
        json!({"name": "Acme Renamed", "custom": {key.clone(): "12345678"}}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(admin.ok(&path)["name"], "Acme Renamed");
}

#[test]
fn the_last_active_admin_neither_deactivates_nor_demotes_themselves() {
    let (s, ada) = Server::with_admin();
    let me = ada.ok("/api/v1/me")["user"].clone();
    let ada_id = id_of(&me);
    let ada_path = format!("/api/v1/users/{ada_id}");
    let unchanged = |who: &Client| {
        let u = who.ok(&ada_path);
        assert_eq!(u["name"], "Ada Admin", "nothing stored: {u}");
        assert_eq!(u["role"], "admin");
        assert_eq!(u["active"], true);
    };
    let refused = |body: Value| {
        let (st, v) = ada.put(&ada_path, body.clone());
        assert_eq!(st, StatusCode::CONFLICT, "{body} → {v}");
        unchanged(&ada);
        assert_eq!(ada.get("/api/v1/me").0, StatusCode::OK, "still signed in");
    };
    refused(json!({"name": "Ada Gone", "role": "admin", "active": false}));
    refused(json!({"name": "Ada Gone", "role": "user", "active": true}));
    refused(json!({"name": "Ada Gone", "role": "user", "active": false}));

    // With a second active admin both become possible; a deactivated admin does not count.
    let (bob_id, bob) = s.user_with(&ada, "bob", json!({"role": "admin"}));
    let bob_path = format!("/api/v1/users/{bob_id}");
    let (st, v) = ada.put(
        &bob_path,
        json!({"name": "Bob", "role": "admin", "active": false}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    refused(json!({"name": "Ada Gone", "role": "admin", "active": false}));
    let (st, v) = ada.put(
        &bob_path,
        json!({"name": "Bob", "role": "admin", "active": true}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let bob = {
        let _ = bob;
        let c = s.client();
        let (st, v) = c.post(
            "/api/v1/auth/login",
            json!({"login": "bob", "password": "user-password-1"}),
        );
        assert_eq!(st, StatusCode::OK, "{v}");
        c.with_csrf(v["csrf_token"].as_str().unwrap())
    };
    let (st, v) = ada.put(
        &ada_path,
        json!({"name": "Ada Admin", "role": "user", "active": true}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(bob.ok(&ada_path)["role"], "user");
    // Now Bob is the last one.
    let (st, v) = bob.put(
        &bob_path,
        json!({"name": "Bob", "role": "admin", "active": false}),
    );
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(bob.ok(&bob_path)["active"], true);
}

#[test]
fn restore_keeps_the_replaced_data_folder_with_its_data() {
    let (s, admin) = Server::with_admin();
    admin.create("/api/v1/companies", json!({"name": "In the backup"}));
    let dir = s.stop();
    let work = tempfile::tempdir().unwrap();
    let zip = work.path().join("b.zip");
    let data = dir.path().to_path_buf();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_korobka"))
            .args(args)
            .arg("--data")
            .arg(&data)
            .env("KOROBKA_LOG", "warn")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {text}");
    };
    run(&["backup", zip.to_str().unwrap()]);
    // Written after the backup: only the replaced folder has it.
    let s = Server::start_in(dir);
    let c = s.client();
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let c = c.with_csrf(v["csrf_token"].as_str().unwrap());
    c.create("/api/v1/companies", json!({"name": "After the backup"}));
    let dir = s.stop();
    run(&["restore", zip.to_str().unwrap()]);

    // Beside the data folder: <name>.before-restore-<time>, removed when the test ends.
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let parent = dir.path().parent().unwrap();
    let kept: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}.before-restore-"))
        })
        .collect();
    struct Remove(Vec<std::path::PathBuf>);
    impl Drop for Remove {
        fn drop(&mut self) {
            for p in &self.0 {
                let _ = std::fs::remove_dir_all(p);
            }
        }
    }
    let _cleanup = Remove(kept.clone());
    assert_eq!(kept.len(), 1, "the replaced folder is kept: {kept:?}");
    assert!(kept[0].join("korobka.redb").is_file(), "{:?}", kept[0]);

    let names = |dir: tempfile::TempDir| -> Vec<String> {
        let s = Server::start_in(dir);
        let c = s.client();
        let (st, v) = c.post(
            "/api/v1/auth/login",
            json!({"login": "admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(st, StatusCode::OK, "{v}");
        let mut n: Vec<String> = items(&c.ok("/api/v1/companies"))
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    // The old data opens from the kept folder (copied, so that the check leaves it alone).
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&kept[0], copy.path());
    let _ = std::fs::remove_file(copy.path().join("korobka.lock"));
    assert_eq!(names(copy), ["After the backup", "In the backup"]);
    assert_eq!(names(dir), ["In the backup"], "the restored data");
}

#[test]
fn a_department_post_reaches_only_that_department_and_its_sub_departments() {
    let (s, admin) = Server::with_admin();
    let sales = admin.create("/api/v1/departments", json!({"name": "Sales"}));
    let kyiv = admin.create(
        "/api/v1/departments",
        json!({"name": "Kyiv", "parent_id": id_of(&sales)}),
    );
    let support = admin.create("/api/v1/departments", json!({"name": "Support"}));
    let (_, author) = s.user_with(&admin, "sasha", json!({"department_id": id_of(&sales)}));
    let (_, kyiv_user) = s.user_with(&admin, "kyrylo", json!({"department_id": id_of(&kyiv)}));
    let (_, helper) = s.user_with(
        &admin,
        "svitlana",
        json!({"department_id": id_of(&support)}),
    );
    let (_, loner) = s.user(&admin, "nobody");

    let post = author.create(
        "/api/v1/feed/posts",
        json!({"body": "Sales only: new prices, @svitlana @nobody", "department_id": id_of(&sales)}),
    );
    let pid = id_of(&post);
    let posts = |c: &Client| -> Vec<u64> {
        items(&c.ok("/api/v1/feed?type=post"))
            .iter()
            .map(id_of)
            .collect()
    };
    for c in [&author, &kyiv_user, &admin] {
        assert_eq!(posts(c), vec![pid]);
        assert_eq!(
            c.get(&format!(
                "/api/v1/comments?target_kind=post&target_id={pid}"
            ))
            .0,
            StatusCode::OK
        );
    }
    for c in [&helper, &loner] {
        assert_eq!(posts(c), Vec::<u64>::new(), "the feed");
        assert!(
            !c.ok("/api/v1/feed").to_string().contains("new prices"),
            "the unfiltered feed"
        );
        // The post itself: its discussion, a comment on it, deleting it.
        let (st, _) = c.get(&format!(
            "/api/v1/comments?target_kind=post&target_id={pid}"
        ));
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = c.post(
            "/api/v1/comments",
            json!({"target": {"kind": "post", "id": pid}, "body": "I see it"}),
        );
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = c.delete(&format!("/api/v1/feed/posts/{pid}"));
        assert!(st.is_client_error(), "{st}");
        // A mention does not carry it to them either.
        let notes = c.ok("/api/v1/notifications?limit=500");
        assert!(items(&notes).is_empty(), "{notes}");
    }
    // Nothing was stored by the refusals: the post is there, without comments.
    assert_eq!(posts(&author), vec![pid]);
    assert_eq!(
        items(&author.ok(&format!(
            "/api/v1/comments?target_kind=post&target_id={pid}"
        ))),
        Vec::<Value>::new()
    );
}

#[test]
fn only_the_creator_or_an_admin_deletes_a_task_and_observers_leave_its_status_alone() {
    let (s, admin) = Server::with_admin();
    let (_, olena) = s.user(&admin, "olena");
    let (petro_id, petro) = s.user(&admin, "petro");
    let (ivan_id, ivan) = s.user(&admin, "ivan");
    let (oksana_id, oksana) = s.user(&admin, "oksana");
    let (_, stranger) = s.user(&admin, "stranger");
    let task = olena.create(
        "/api/v1/tasks",
        json!({"title": "Print the banner", "responsible_id": petro_id,
               "participant_ids": [ivan_id], "observer_ids": [oksana_id], "checklist": ["Proof"]}),
    );
    let tid = id_of(&task);
    let path = format!("/api/v1/tasks/{tid}");
    let hist = history_len(&olena, &format!("{path}/history"));
    let unchanged = || {
        let t = olena.ok(&path);
        assert_eq!(t["status"], "new", "{t}");
        assert_eq!(t["checklist"].as_array().unwrap().len(), 1, "{t}");
        assert_eq!(t["checklist"][0]["done"], false, "{t}");
        assert_eq!(history_len(&olena, &format!("{path}/history")), hist);
    };

    // Deleting: the responsible, a participant, an observer may not; a stranger does not see it.
    for (who, c, want) in [
        ("responsible", &petro, StatusCode::FORBIDDEN),
        ("participant", &ivan, StatusCode::FORBIDDEN),
        ("observer", &oksana, StatusCode::FORBIDDEN),
        ("stranger", &stranger, StatusCode::NOT_FOUND),
    ] {
        let (st, v) = c.delete(&path);
        assert_eq!(st, want, "{who}: {v}");
        unchanged();
        assert_eq!(item_ids(&olena.ok("/api/v1/tasks?role=all")), vec![tid]);
    }
    // The observer changes neither the status nor the checklist.
    for status in ["in_progress", "completed", "deferred"] {
        let (st, v) = oksana.post(&format!("{path}/status"), json!({"status": status}));
        assert_eq!(st, StatusCode::FORBIDDEN, "{status}: {v}");
        unchanged();
    }
    let (st, _) = oksana.post(&format!("{path}/checklist"), json!({"text": "Mine"}));
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = oksana.put(&format!("{path}/checklist/1"), json!({"done": true}));
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = oksana.delete(&format!("{path}/checklist/1"));
    assert_eq!(st, StatusCode::FORBIDDEN);
    unchanged();

    // Allowed: a participant works on it; the creator deletes it; an admin deletes any.
    let (st, v) = ivan.post(&format!("{path}/status"), json!({"status": "in_progress"}));
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(olena.ok(&path)["status"], "in_progress");
    let (st, _) = olena.delete(&path);
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(olena.get(&path).0, StatusCode::NOT_FOUND);
    assert_eq!(admin.get(&path).0, StatusCode::NOT_FOUND);
    let other = olena.create("/api/v1/tasks", json!({"title": "Another"}));
    let (st, _) = admin.delete(&format!("/api/v1/tasks/{}", id_of(&other)));
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        item_ids(&olena.ok("/api/v1/tasks?role=all")),
        Vec::<u64>::new()
    );
}

#[test]
fn a_reminder_is_not_set_in_the_past() {
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(t0));
    let s = Server::start_with_clock(tempfile::tempdir().unwrap(), clock);
    let admin = s.admin();
    for at in [
        t0 - chrono::Duration::days(1),
        t0 - chrono::Duration::seconds(1),
        t0,
    ] {
        let (st, v) = admin.post(
            "/api/v1/reminders",
            json!({"at": iso(at), "note": "Too late"}),
        );
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{at}: {v}");
        assert_eq!(field_names(&v), ["at"]);
        assert_eq!(items(&admin.ok("/api/v1/reminders")), Vec::<Value>::new());
    }
    let r = admin.create(
        "/api/v1/reminders",
        json!({"at": iso(t0 + chrono::Duration::seconds(1)), "note": "Just in time"}),
    );
    assert_eq!(item_ids(&admin.ok("/api/v1/reminders")), vec![id_of(&r)]);
}

#[test]
fn only_the_organizer_or_an_admin_edits_or_deletes_an_event() {
    let (s, admin) = Server::with_admin();
    let (_, olena) = s.user(&admin, "olena");
    let (petro_id, petro) = s.user(&admin, "petro");
    let (_, ivan) = s.user(&admin, "ivan");
    let ev = olena.create(
        "/api/v1/calendar/events",
        json!({"title": "Review", "start": "2099-01-04T09:00:00Z", "end": "2099-01-04T10:00:00Z",
               "attendee_ids": [petro_id]}),
    );
    let path = format!("/api/v1/calendar/events/{}", id_of(&ev));
    let edit = json!({"title": "Hijacked", "start": "2099-01-05T09:00:00Z", "end": "2099-01-05T10:00:00Z",
                      "attendee_ids": []});
    for (who, c) in [("attendee", &petro), ("colleague", &ivan)] {
        let (st, v) = c.put(&path, edit.clone());
        assert_eq!(st, StatusCode::FORBIDDEN, "{who} edits: {v}");
        let (st, v) = c.delete(&path);
        assert_eq!(st, StatusCode::FORBIDDEN, "{who} deletes: {v}");
        let now = olena.ok(&path);
        assert_eq!(now["title"], "Review", "nothing stored: {now}");
        assert_eq!(now["start"], ev["start"]);
        assert_eq!(now["attendees"].as_array().unwrap().len(), 1);
    }
    // Allowed: an admin edits, the organizer deletes.
    let (st, v) = admin.put(
        &path,
        json!({"title": "Review (moved)", "start": "2099-01-05T09:00:00Z", "end": "2099-01-05T10:00:00Z",
               "attendee_ids": [petro_id]}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(olena.ok(&path)["title"], "Review (moved)");
    let (st, _) = olena.delete(&path);
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(olena.get(&path).0, StatusCode::NOT_FOUND);
}
