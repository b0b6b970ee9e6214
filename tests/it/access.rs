//! Setup, sign-in, CSRF, tokens, throttling, users and departments.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

#[test]
fn every_api_route_but_health_setup_and_login_needs_credentials() {
    let s = Server::start();
    let c = s.client();
    let spec = c.ok("/api/v1/openapi.json");
    let open = [
        ("get", "/api/v1/health"),
        ("get", "/api/v1/setup"),
        ("post", "/api/v1/setup"),
        ("post", "/api/v1/auth/login"),
        // The iCalendar feed: the secret in the URL is the key (an unknown one is 404).
        ("get", "/api/v1/ical/{file}"),
    ];
    let (st, v) = c.get("/api/v1/ical/not-a-real-secret-at-all.ics");
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let mut checked = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if open.contains(&(method.as_str(), path.as_str())) {
                continue;
            }
            let url = path.replace("{id}", "1");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body =
                (m != reqwest::Method::GET && m != reqwest::Method::DELETE).then(|| json!({}));
            let (st, v) = c.request(m, &url, body);
            assert_eq!(st, StatusCode::UNAUTHORIZED, "{method} {path}: {v}");
            assert_eq!(v["code"], "unauthenticated", "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} routes checked");
    let (st, h) = c.get("/api/v1/health");
    assert_eq!(st, StatusCode::OK);
    assert_eq!(h["setup_required"], true);
}

#[test]
fn setup_needs_the_console_token_and_happens_once() {
    let s = Server::start();
    let c = s.client();
    let admin =
        json!({"token": "wrong", "login": "boss", "name": "Boss", "password": "long-enough-1"});
    let (st, v) = c.post("/api/v1/setup", admin.clone());
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "bad_setup_token");
    let (st, v) = c.post(
        "/api/v1/setup",
        json!({"token": SETUP_TOKEN, "login": "boss", "name": "", "password": "short"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&v), ["name", "password"]);
    let mut good = admin.clone();
    good["token"] = json!(SETUP_TOKEN);
    let (st, v) = c.post("/api/v1/setup", good.clone());
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["user"]["role"], "admin");
    assert!(v["user"].get("password_hash").is_none());
    // The cookie from setup signs the browser in.
    assert_eq!(c.ok("/api/v1/me")["user"]["login"], "boss");
    let (st, v) = s.client().post("/api/v1/setup", good);
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(v["code"], "setup_done");
    assert_eq!(c.ok("/api/v1/health")["setup_required"], false);
}

#[test]
fn unsafe_requests_with_a_cookie_need_the_csrf_token() {
    let (s, admin) = Server::with_admin();
    let no_csrf = crate::common::Client {
        csrf: None,
        ..admin_clone(&s, &admin)
    };
    let (st, v) = no_csrf.post("/api/v1/companies", json!({"name": "Acme"}));
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "csrf");
    let wrong = admin_clone(&s, &admin).with_csrf("not-the-token");
    assert_eq!(
        wrong.post("/api/v1/companies", json!({"name": "Acme"})).0,
        StatusCode::FORBIDDEN
    );
    // Reads need no token; nothing was stored by the refused writes.
    assert_eq!(no_csrf.ok("/api/v1/counts")["companies"], 0);
    admin.create("/api/v1/companies", json!({"name": "Acme"}));
    assert_eq!(no_csrf.ok("/api/v1/counts")["companies"], 1);
}

/// A client sharing the admin's cookie jar state by signing in again.
fn admin_clone(s: &Server, _admin: &Client) -> Client {
    let c = s.client();
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    c.with_csrf(v["csrf_token"].as_str().unwrap())
}

#[test]
fn login_logout_and_throttling() {
    let (s, _admin) = Server::with_admin();
    let c = s.client();
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": "nope"}),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["code"], "bad_credentials");
    let (st, v) = c.post(
        "/api/v1/auth/login",
        json!({"login": "ADMIN", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(st, StatusCode::OK, "logins are case-insensitive: {v}");
    let c = c.with_csrf(v["csrf_token"].as_str().unwrap());
    assert_eq!(
        c.post("/api/v1/auth/logout", json!({})).0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(c.get("/api/v1/me").0, StatusCode::UNAUTHORIZED);

    // Five failures lock the account for a while, even with the right password afterwards.
    let t = s.client();
    for _ in 0..5 {
        assert_eq!(
            t.post(
                "/api/v1/auth/login",
                json!({"login": "admin", "password": "bad"})
            )
            .0,
            StatusCode::UNAUTHORIZED
        );
    }
    let resp = t
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["code"], "too_many_attempts");
}

#[test]
fn api_tokens_work_as_bearer_without_csrf_and_can_be_revoked() {
    let (s, admin) = Server::with_admin();
    let created = admin.create("/api/v1/tokens", json!({"name": "1C sync"}));
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("kb_"));
    let list = admin.ok("/api/v1/tokens");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(
        list["items"][0].get("token").is_none(),
        "the secret is shown once only"
    );
    assert!(secret.starts_with(list["items"][0]["prefix"].as_str().unwrap()));

    let bot = s.client().with_bearer(&secret);
    assert_eq!(bot.ok("/api/v1/me")["user"]["login"], "admin");
    bot.create("/api/v1/companies", json!({"name": "Made by a script"}));
    assert!(admin.ok("/api/v1/tokens")["items"][0]["last_used_at"].is_string());

    let id = created["id"].as_u64().unwrap();
    assert_eq!(
        admin.delete(&format!("/api/v1/tokens/{id}")).0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(bot.get("/api/v1/me").0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.client().with_bearer("kb_made_up").get("/api/v1/me").0,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn admins_manage_users_and_users_do_not() {
    let (s, admin) = Server::with_admin();
    let (uid, user) = s.user(&admin, "olena");
    // A user may list people (for pickers) but not create or edit them.
    assert_eq!(
        user.ok("/api/v1/users")["items"].as_array().unwrap().len(),
        2
    );
    let (st, v) = user.post(
        "/api/v1/users",
        json!({"login": "x", "name": "X", "password": "long-enough-1"}),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "forbidden");
    assert_eq!(
        user.post("/api/v1/departments", json!({"name": "Sales"})).0,
        StatusCode::FORBIDDEN
    );

    let (st, v) = admin.post(
        "/api/v1/users",
        json!({"login": "olena", "name": "Dup", "password": "long-enough-1"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["field"], "login");
    assert_eq!(v["fields"][0]["code"], "taken");
    let (st, v) = admin.post("/api/v1/users", json!({"login": "z", "name": "Z", "password": "x", "time_zone": "Mars/Base", "email": "nope"}));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let mut f = field_names(&v);
    f.sort();
    assert_eq!(f, ["email", "login", "password", "time_zone"]);

    // Users choose their own language; it is remembered.
    let (st, me) = user.request(
        reqwest::Method::PATCH,
        "/api/v1/me",
        Some(json!({"language": "ru"})),
    );
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(user.ok("/api/v1/me")["user"]["language"], "ru");

    // Deactivation ends the user's session and sign-in.
    let (st, v) = admin.put(
        &format!("/api/v1/users/{uid}"),
        json!({"name": "Olena", "language": "ru", "time_zone": "Europe/Kyiv", "active": false}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(user.get("/api/v1/me").0, StatusCode::UNAUTHORIZED);
    let (st, _) = s.client().post(
        "/api/v1/auth/login",
        json!({"login": "olena", "password": "user-password-1"}),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(
        admin.ok("/api/v1/users")["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        admin.ok("/api/v1/users?include_inactive=true")["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The last admin cannot demote themselves.
    let (st, v) = admin.put(
        "/api/v1/users/1",
        json!({"name": "Ada", "role": "user", "active": true}),
    );
    assert_eq!(st, StatusCode::CONFLICT, "{v}");

    // Passwords: an admin sets one; a user changes their own with the current one.
    assert_eq!(
        admin
            .post(
                &format!("/api/v1/users/{uid}/password"),
                json!({"password": "short"})
            )
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (st, v) = admin.post(
        "/api/v1/me/password",
        json!({"current_password": "wrong", "new_password": "another-password"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["field"], "current_password");
    assert_eq!(
        admin
            .post(
                "/api/v1/me/password",
                json!({"current_password": ADMIN_PASSWORD, "new_password": "another-password"})
            )
            .0,
        StatusCode::NO_CONTENT
    );
    let (st, _) = s.client().post(
        "/api/v1/auth/login",
        json!({"login": "admin", "password": "another-password"}),
    );
    assert_eq!(st, StatusCode::OK);
}

#[test]
fn departments_form_a_tree_without_cycles() {
    let (s, admin) = Server::with_admin();
    let office = admin.create("/api/v1/departments", json!({"name": "Office"}));
    let oid = office["id"].as_u64().unwrap();
    let sales = admin.create(
        "/api/v1/departments",
        json!({"name": "Sales", "parent_id": oid}),
    );
    let sid = sales["id"].as_u64().unwrap();
    let (st, v) = admin.put(
        &format!("/api/v1/departments/{oid}"),
        json!({"name": "Office", "parent_id": sid}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["field"], "parent_id");
    let (st, v) = admin.post(
        "/api/v1/departments",
        json!({"name": "X", "parent_id": 999}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["code"], "not_found");
    assert_eq!(
        admin.delete(&format!("/api/v1/departments/{oid}")).0,
        StatusCode::CONFLICT
    );
    // A user in a department keeps it from being deleted.
    let u = admin.create(
        "/api/v1/users",
        json!({"login": "taras", "name": "Taras", "password": "long-enough-1", "department_id": sid}),
    );
    assert_eq!(u["department_id"], sid);
    assert_eq!(
        admin.delete(&format!("/api/v1/departments/{sid}")).0,
        StatusCode::CONFLICT
    );
    let list = admin.ok("/api/v1/departments")["items"].clone();
    assert_eq!(list.as_array().unwrap().len(), 2);
    drop(s);
}

#[test]
fn sessions_and_data_survive_a_restart() {
    let (s, admin) = Server::with_admin();
    let c = admin.create("/api/v1/companies", json!({"name": "Перезапуск"}));
    let cookie_client = admin;
    let dir = s.stop();
    let s = Server::start_in(dir);
    // The same browser session works against the new process.
    let c2 = Client {
        base: s.base.clone(),
        ..cookie_client
    };
    assert_eq!(c2.ok("/api/v1/me")["user"]["login"], "admin");
    assert_eq!(
        c2.ok(&format!("/api/v1/companies/{}", c["id"]))["name"],
        "Перезапуск"
    );
    assert!(c2.eventually_found("перезапуск", "company", c["id"].as_u64().unwrap()));
}

/// The work rules of the policy through the API, each refusal checked against what is stored:
/// a task is hidden from outsiders, observers do not change its status, only its creator
/// deletes it; only the organizer edits an event; a department post stays in its department
/// (and the ones below); someone else's agenda is for admins.
#[test]
fn work_rules_refuse_and_store_nothing() {
    let (srv, admin) = Server::with_admin();
    let (ada_id, ada) = srv.user(&admin, "ada");
    let (bob_id, bob) = srv.user(&admin, "bob");
    let (eve_id, eve) = srv.user(&admin, "eve");

    // Ada's task, Bob watches it; Eve has nothing to do with it.
    let task = ada.create(
        "/api/v1/tasks",
        json!({"title": "Call the printer", "observer_ids": [bob_id]}),
    );
    let tid = task["id"].as_u64().unwrap();
    let path = format!("/api/v1/tasks/{tid}");
    assert_eq!(eve.get(&path).0, StatusCode::NOT_FOUND);
    let (_, list) = eve.get("/api/v1/tasks");
    assert!(
        !list.to_string().contains("Call the printer"),
        "an outsider's task list shows it: {list}"
    );
    assert_eq!(bob.get(&path).0, StatusCode::OK);
    assert_eq!(admin.get(&path).0, StatusCode::OK);

    let (st, v) = bob.post(&format!("{path}/status"), json!({"status": "completed"}));
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "forbidden");
    assert_eq!(
        ada.ok(&path)["status"],
        "new",
        "an observer's refusal changed the status"
    );

    for who in [&bob, &eve] {
        assert_ne!(who.delete(&path).0, StatusCode::NO_CONTENT);
    }
    assert_eq!(
        ada.get(&path).0,
        StatusCode::OK,
        "the task was deleted by someone else"
    );
    assert_eq!(ada.delete(&path).0, StatusCode::NO_CONTENT);
    assert_eq!(ada.get(&path).0, StatusCode::NOT_FOUND);

    // Ada's event, Bob invited: Bob answers but does not edit; Eve does not answer.
    let ev = ada.create(
        "/api/v1/calendar/events",
        json!({"title": "Print run", "start": "2030-03-01T10:00:00Z",
               "end": "2030-03-01T11:00:00Z", "attendee_ids": [bob_id]}),
    );
    let epath = format!("/api/v1/calendar/events/{}", ev["id"]);
    let (st, v) = bob.put(
        &epath,
        json!({"title": "Renamed", "start": "2030-03-01T10:00:00Z",
               "end": "2030-03-01T11:00:00Z", "attendee_ids": [bob_id]}),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(ada.ok(&epath)["title"], "Print run");
    assert_eq!(bob.delete(&epath).0, StatusCode::FORBIDDEN);
    assert_eq!(ada.get(&epath).0, StatusCode::OK);

    // A post to Sales reaches Kyiv sales below it, not Editors; its author and admins read it.
    let sales = admin.create("/api/v1/departments", json!({"name": "Sales"}));
    let kyiv = admin.create(
        "/api/v1/departments",
        json!({"name": "Sales Kyiv", "parent_id": sales["id"]}),
    );
    let editors = admin.create("/api/v1/departments", json!({"name": "Editors"}));
    let place = |id: u64, dept: &Value, login: &str| {
        let (st, v) = admin.put(
            &format!("/api/v1/users/{id}"),
            json!({"name": format!("User {login}"), "department_id": dept["id"]}),
        );
        assert_eq!(st, StatusCode::OK, "{v}");
    };
    place(ada_id, &sales, "ada");
    place(bob_id, &kyiv, "bob");
    place(eve_id, &editors, "eve");
    ada.create(
        "/api/v1/feed/posts",
        json!({"body": "Sales meeting at nine", "department_id": sales["id"]}),
    );
    let sees = |c: &Client| {
        c.ok("/api/v1/feed?type=post")
            .to_string()
            .contains("Sales meeting at nine")
    };
    assert!(sees(&ada) && sees(&bob) && sees(&admin));
    assert!(
        !sees(&eve),
        "a department post leaked to another department"
    );

    // Someone else's agenda: admins only.
    let (st, v) = bob.get(&format!("/api/v1/my/agenda?user_id={ada_id}"));
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        admin.get(&format!("/api/v1/my/agenda?user_id={ada_id}")).0,
        StatusCode::OK
    );
    assert_eq!(
        bob.get(&format!("/api/v1/my/agenda?user_id={bob_id}")).0,
        StatusCode::OK
    );
    assert_eq!(
        admin.get("/api/v1/my/agenda?user_id=999999").0,
        StatusCode::NOT_FOUND
    );
}
