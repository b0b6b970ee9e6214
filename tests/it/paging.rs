//! The one paging scheme: every list takes `cursor` and answers `next_cursor` (null on the
//! last page); a page never repeats or skips an item when others are added meanwhile.

use serde_json::{Value, json};

use crate::common::*;

fn ids(page: &Value) -> Vec<u64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

/// Every item of `path` (which has a `?`), page by page, following `next_cursor`.
fn walk(admin: &Client, path: &str, limit: u32) -> Vec<u64> {
    let mut out = Vec::new();
    let mut url = format!("{path}&limit={limit}");
    loop {
        let page = admin.ok(&url);
        let got = ids(&page);
        assert!(got.len() <= limit as usize, "{page}");
        out.extend(got);
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{path}&limit={limit}&cursor={}", urlencode(c)),
            None => return out,
        }
    }
}

#[test]
fn tasks_activities_and_the_feed_page_by_cursor() {
    let (_s, admin) = Server::with_admin();
    // Tasks: open ones by deadline (none last), then completed ones.
    let mut made = Vec::new();
    for (i, deadline) in [
        Some("2030-01-05T10:00:00Z"),
        None,
        Some("2030-01-01T10:00:00Z"),
        Some("2030-01-03T10:00:00Z"),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let t = admin.create(
            "/api/v1/tasks",
            json!({"title": format!("Task {i}"), "deadline": deadline}),
        );
        made.push(t["id"].as_u64().unwrap());
    }
    let all = ids(&admin.ok("/api/v1/tasks?limit=500"));
    assert_eq!(all.len(), 5);
    assert_eq!(&all[..3], [made[2], made[3], made[0]], "by deadline first");
    assert_eq!(walk(&admin, "/api/v1/tasks?role=all", 2), all);

    // A task added after the first page sorts before the cursor: the next pages neither
    // repeat an item nor skip one that was there.
    let first = admin.ok("/api/v1/tasks?limit=2");
    assert_eq!(ids(&first), all[..2]);
    admin.create(
        "/api/v1/tasks",
        json!({"title": "Urgent", "deadline": "2029-12-31T10:00:00Z"}),
    );
    let c = urlencode(first["next_cursor"].as_str().unwrap());
    let second = admin.ok(&format!("/api/v1/tasks?limit=2&cursor={c}"));
    assert_eq!(ids(&second), all[2..4]);
    assert_eq!(second["total"], 6);

    // Activities: open ones, soonest first.
    let co = admin.create("/api/v1/companies", json!({"name": "Rozetka"}));
    let mut acts = Vec::new();
    for (i, due) in [
        "2030-02-03T09:00:00Z",
        "2030-02-01T09:00:00Z",
        "2030-02-02T09:00:00Z",
    ]
    .into_iter()
    .enumerate()
    {
        let a = admin.create(
            "/api/v1/activities",
            json!({"kind": "call", "subject": format!("Call {i}"), "due_at": due, "duration_min": 15,
                   "link": {"kind": "company", "id": co["id"]}}),
        );
        acts.push(a["id"].as_u64().unwrap());
    }
    assert_eq!(
        walk(&admin, "/api/v1/activities?done=false", 1),
        [acts[1], acts[2], acts[0]]
    );

    // The feed: newest first, by `cursor`; the deprecated `before` still pages the same way.
    for i in 0..5 {
        admin.create("/api/v1/feed/posts", json!({"body": format!("Post {i}")}));
    }
    let feed = ids(&admin.ok("/api/v1/feed?type=post&limit=100"));
    assert_eq!(feed.len(), 5);
    assert_eq!(walk(&admin, "/api/v1/feed?type=post", 2), feed);
    let first = admin.ok("/api/v1/feed?type=post&limit=2");
    let before = first["next_before"].as_u64().unwrap();
    let by_before = admin.ok(&format!("/api/v1/feed?type=post&limit=2&before={before}"));
    let c = urlencode(first["next_cursor"].as_str().unwrap());
    let by_cursor = admin.ok(&format!("/api/v1/feed?type=post&limit=2&cursor={c}"));
    assert_eq!(ids(&by_before), feed[2..4]);
    assert_eq!(ids(&by_cursor), feed[2..4]);

    // A cursor that is not one is a 422 naming the field, on every list.
    for path in ["/api/v1/tasks", "/api/v1/activities", "/api/v1/feed"] {
        let (st, v) = admin.get(&format!("{path}?cursor=%25%25"));
        assert_eq!(st, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        assert_eq!(field_names(&v), ["cursor"], "{path}: {v}");
    }
}

#[test]
fn notifications_page_by_cursor() {
    let (s, admin) = Server::with_admin();
    let (petro_id, petro) = s.user(&admin, "petro");
    // Each task given to Petro is one notification for him.
    let give = |title: String| {
        admin.create(
            "/api/v1/tasks",
            json!({"title": title, "responsible_id": petro_id}),
        );
    };
    for i in 0..5 {
        give(format!("Task {i}"));
    }
    let all = petro.ok("/api/v1/notifications?limit=500");
    let all_ids = ids(&all);
    assert_eq!(all_ids.len(), 5, "{all}");
    assert!(all["next_cursor"].is_null(), "one page holds all: {all}");
    let mut newest_first = all_ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(all_ids, newest_first, "newest first");
    assert_eq!(
        walk(&petro, "/api/v1/notifications?unread=false", 2),
        all_ids
    );

    // A page ends where it ended, even when newer notifications arrive meanwhile; and every
    // page tells the unread count of all of them.
    let first = petro.ok("/api/v1/notifications?limit=2");
    assert_eq!(ids(&first), all_ids[..2]);
    assert_eq!(first["unread"], 5);
    give("Later".into());
    let c = urlencode(first["next_cursor"].as_str().unwrap());
    let second = petro.ok(&format!("/api/v1/notifications?limit=2&cursor={c}"));
    assert_eq!(ids(&second), all_ids[2..4]);
    assert_eq!(second["unread"], 6);
    let c = urlencode(second["next_cursor"].as_str().unwrap());
    let last = petro.ok(&format!("/api/v1/notifications?limit=2&cursor={c}"));
    assert_eq!(ids(&last), all_ids[4..]);
    assert!(last["next_cursor"].is_null(), "{last}");

    // Only unread ones page the same way, skipping the read ones.
    let (st, _) = petro.post(
        &format!("/api/v1/notifications/{}/read", all_ids[1]),
        json!({}),
    );
    assert!(st.is_success(), "{st}");
    let unread = walk(&petro, "/api/v1/notifications?unread=true", 2);
    assert_eq!(unread.len(), 5, "{unread:?}");
    assert!(!unread.contains(&all_ids[1]));

    // A cursor that is not one is a 422 naming the field.
    let (st, v) = petro.get("/api/v1/notifications?cursor=%25%25");
    assert_eq!(st, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field_names(&v), ["cursor"], "{v}");
}
