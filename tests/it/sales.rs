//! The sales pipeline through the HTTP API: the office of the story with three pipelines, a
//! required Yes/No field and a project list on deals, deals in four currencies, moves, a lead
//! converted with an existing company found as a duplicate, and totals exact to the cent.

use std::io::{BufRead, BufReader};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

fn id(v: &Value) -> u64 {
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string()
}

fn stages(p: &Value) -> Vec<u64> {
    p["stages"].as_array().unwrap().iter().map(id).collect()
}

#[test]
fn the_office_sells_in_four_currencies_through_three_pipelines() {
    let (s, admin) = Server::with_admin();
    // Rates entered by the admin, dated yesterday (in force today).
    for (code, rate) in [("USD", "41.25"), ("EUR", "44.80"), ("RUB", "0.45")] {
        admin.create(
            &format!("/api/v1/currencies/{code}/rates"),
            json!({"date": yesterday(), "rate": rate}),
        );
    }
    let cur = admin.ok("/api/v1/currencies");
    assert_eq!(cur["base"], "UAH");
    let usd = cur["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "USD")
        .unwrap();
    assert_eq!(usd["rate"]["rate"], "41.25");
    let (st, v) = admin.post(
        "/api/v1/currencies/USD/rates",
        json!({"date": yesterday(), "rate": "-1"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Three pipelines, one per project.
    let keddr = admin.create("/api/v1/pipelines", json!({"name": "keddr"}));
    let kaddr = admin.create("/api/v1/pipelines", json!({"name": "kaddr"}));
    let veddo = admin.create("/api/v1/pipelines", json!({"name": "veddo"}));
    let ks = stages(&keddr);
    assert_eq!(ks.len(), 5);
    assert_eq!(keddr["stages"][3]["kind"], "won");
    let pipes = admin.ok("/api/v1/pipelines")["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(pipes, 4, "the seeded Sales pipeline and three projects");

    // A required Yes/No "Free" and a "Project" list on deals.
    let free = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "deal", "name": "Free", "labels": {"uk": "Безкоштовно", "ru": "Бесплатно"},
               "kind": "boolean", "required": true, "show_in_list": true, "filterable": true}),
    );
    let project = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "deal", "name": "Project", "kind": "select", "filterable": true,
               "options": [{"label": "keddr"}, {"label": "kaddr"}, {"label": "veddo"}]}),
    );
    let (free_k, proj_k) = (id(&free).to_string(), id(&project).to_string());
    let opt = |i: usize| project["options"][i]["id"].as_u64().unwrap();

    // A required custom field left empty is refused, naming it, and nothing is stored.
    let before = admin.ok("/api/v1/counts")["deals"].as_u64().unwrap();
    let (st, v) = admin.post(
        "/api/v1/deals",
        json!({"title": "No free flag", "pipeline_id": id(&keddr), "amount": "10"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["fields"][0]["field"], format!("custom.{free_k}"));
    assert_eq!(v["fields"][0]["code"], "required");
    assert_eq!(v["fields"][0]["message"], "Free is required");
    assert_eq!(
        admin.ok("/api/v1/counts")["deals"].as_u64().unwrap(),
        before
    );
    let (st, v) = admin.post(
        "/api/v1/deals",
        json!({"title": "Bad", "pipeline_id": id(&keddr), "amount": "1.234", "currency": "XYZ",
               "custom": {free_k.clone(): "maybe", proj_k.clone(): 999}}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let mut f = field_names(&v);
    f.sort();
    let mut want = vec![
        "amount".to_string(),
        "currency".into(),
        format!("custom.{free_k}"),
        format!("custom.{proj_k}"),
    ];
    want.sort();
    assert_eq!(f, want);

    // Deals in UAH, USD, EUR and RUB in the keddr pipeline.
    let mk = |title: &str, amount: &str, currency: &str, free: bool, proj: u64| {
        admin.create(
            "/api/v1/deals",
            json!({"title": title, "pipeline_id": id(&keddr), "amount": amount, "currency": currency,
                   "custom": {free_k.clone(): free, proj_k.clone(): proj}}),
        )
    };
    let d_uah = mk("Банер на головній", "1 000,10", "UAH", false, opt(0));
    let d_usd = mk("Google Ads campaign", "1234.56", "USD", false, opt(0));
    let d_eur = mk("Partner review", "99.99", "EUR", true, opt(1));
    let d_rub = mk("Обзор гаджета", "15000", "RUB", false, opt(2));
    assert_eq!(d_usd["amount"], "1234.56");
    assert_eq!(d_usd["base_amount"], "50925.60");
    assert_eq!(d_usd["rate"], "41.25");
    assert_eq!(d_uah["amount"], "1000.10");
    assert_eq!(d_uah["stage_id"], ks[0], "the first stage by default");
    assert_eq!(
        d_uah["responsible_id"], 1,
        "the author is responsible by default"
    );
    // Other pipelines hold deals too; they are not in keddr's totals.
    for p in [&kaddr, &veddo] {
        admin.create(
            "/api/v1/deals",
            json!({"title": "Elsewhere", "pipeline_id": id(p), "amount": "5", "currency": "USD", "custom": {free_k.clone(): true}}),
        );
    }

    // Totals over keddr, exact to the cent: each conversion rounded, then added.
    let list = admin.ok(&format!(
        "/api/v1/deals?pipeline_id={}&sort=amount",
        id(&keddr)
    ));
    assert_eq!(list["total"], 4);
    assert_eq!(list["base_currency"], "UAH");
    let t = &list["totals"];
    let by: Vec<(String, String, u64)> = t["by_currency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["currency"].as_str().unwrap().into(),
                c["amount"].as_str().unwrap().into(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        vec![
            ("EUR".into(), "99.99".into(), 1),
            ("RUB".into(), "15000.00".into(), 1),
            ("UAH".into(), "1000.10".into(), 1),
            ("USD".into(), "1234.56".into(), 1),
        ]
    );
    // 50925.60 + 4479.55 (99.99 × 44.80 = 4479.552) + 6750.00 + 1000.10
    assert_eq!(t["base_total"], "63155.25");
    assert_eq!(t["unconverted"], 0);
    let order: Vec<u64> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(
        order,
        vec![id(&d_uah), id(&d_eur), id(&d_rub), id(&d_usd)],
        "sorted by base amount"
    );
    assert_eq!(list["items"][1]["base_amount"], "4479.55");
    // The default order (newest first) is answered from the stage/amount index: same totals.
    let newest = admin.ok(&format!("/api/v1/deals?pipeline_id={}", id(&keddr)));
    assert_eq!(newest["totals"], list["totals"]);
    assert_eq!(newest["total"], 4);
    assert_eq!(newest["items"][0]["id"], id(&d_rub));
    let page = admin.ok(&format!("/api/v1/deals?pipeline_id={}&limit=3", id(&keddr)));
    let next = page["next_cursor"].as_str().unwrap().to_string();
    let rest = admin.ok(&format!(
        "/api/v1/deals?pipeline_id={}&limit=3&cursor={next}",
        id(&keddr)
    ));
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], id(&d_uah));
    let all = admin.ok("/api/v1/deals?limit=500");
    assert_eq!(all["total"], 6, "every pipeline's deals");

    // Custom-field filters.
    let free_only = admin.ok(&format!(
        "/api/v1/deals?pipeline_id={}&cf.{free_k}=true",
        id(&keddr)
    ));
    assert_eq!(free_only["total"], 1);
    assert_eq!(free_only["items"][0]["id"], id(&d_eur));
    let keddr_project = admin.ok(&format!("/api/v1/deals?cf.{proj_k}={}", opt(0)));
    assert_eq!(keddr_project["total"], 2);

    // Moves across stages: recorded in the stage log and history, closing on won.
    let (st, v) = admin.post(
        &format!("/api/v1/deals/{}/move", id(&d_usd)),
        json!({"stage_id": ks[1]}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = admin.post(
        &format!("/api/v1/deals/{}/move", id(&d_usd)),
        json!({"stage_id": ks[3]}),
    );
    assert_eq!(st, StatusCode::OK);
    assert!(v["closed_at"].is_string());
    let log = admin.ok(&format!("/api/v1/deals/{}/stages", id(&d_usd)))["items"].clone();
    let visited: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage_id"].as_u64().unwrap())
        .collect();
    assert_eq!(visited, vec![ks[0], ks[1], ks[3]]);
    assert!(log[0]["left_at"].is_string() && log[2]["left_at"].is_null());
    let h = admin.ok(&format!("/api/v1/deals/{}/history", id(&d_usd)))["items"].clone();
    assert_eq!(
        h[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == "stage_id")
            .unwrap()["new"],
        ks[3]
    );
    let other = stages(&kaddr)[1];
    let (st, v) = admin.post(
        &format!("/api/v1/deals/{}/move", id(&d_usd)),
        json!({"stage_id": other}),
    );
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a stage of another pipeline: {v}"
    );
    // Back to an open stage reopens it.
    let (_, v) = admin.post(
        &format!("/api/v1/deals/{}/move", id(&d_usd)),
        json!({"stage_id": ks[2]}),
    );
    assert!(v["closed_at"].is_null());

    // The board: a column per stage with count and base sum.
    let board = admin.ok(&format!("/api/v1/pipelines/{}/board", id(&keddr)));
    let col = |sid: u64| {
        board["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["stage"]["id"] == sid)
            .unwrap()
            .clone()
    };
    assert_eq!(col(ks[0])["count"], 3);
    assert_eq!(col(ks[0])["sum_base"], "12229.65"); // 1000.10 + 4479.55 + 6750.00
    assert_eq!(col(ks[2])["count"], 1);
    assert_eq!(col(ks[2])["cards"][0]["id"], id(&d_usd));
    let mine = admin.ok(&format!(
        "/api/v1/pipelines/{}/board?mine=true&cf.{free_k}=true",
        id(&keddr)
    ));
    let n: u64 = mine["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 1);

    // Deleting a stage that holds deals asks where to move them.
    let (st, v) = admin.delete(&format!("/api/v1/stages/{}", ks[0]));
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(v["code"], "stage_not_empty");
    assert_eq!(
        admin
            .delete(&format!("/api/v1/stages/{}?move_to={}", ks[0], ks[1]))
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/deals/{}", id(&d_uah)))["stage_id"],
        ks[1]
    );

    // Archiving the Project field keeps the stored values, and edits do not drop them.
    assert_eq!(
        admin.delete(&format!("/api/v1/custom-fields/{proj_k}")).0,
        StatusCode::NO_CONTENT
    );
    let (st, v) = admin.put(
        &format!("/api/v1/deals/{}", id(&d_rub)),
        json!({"title": "Обзор гаджета (2)", "pipeline_id": id(&keddr), "stage_id": ks[1], "amount": "15000", "currency": "RUB",
               "custom": {free_k.clone(): false}}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["custom"][&proj_k], opt(2));

    // Search finds deals by title and by company.
    assert!(admin.eventually_found("Google Ads", "deal", id(&d_usd)));
    drop(s);
}

#[test]
fn a_lead_becomes_a_deal_with_an_existing_company_found_as_a_duplicate() {
    let (_s, admin) = Server::with_admin();
    admin.create(
        "/api/v1/currencies/USD/rates",
        json!({"date": yesterday(), "rate": "41.25"}),
    );
    let romashka = admin.create(
        "/api/v1/companies",
        json!({"name": "ТОВ Ромашка", "phones": [{"value": "+38 (044) 555-12-34"}], "emails": [{"value": "info@romashka.ua"}]}),
    );
    let lead = admin.create(
        "/api/v1/leads",
        json!({"title": "Реклама на keddr.com", "person_name": "Олена Шевченко", "company_name": "Ромашка",
               "phone": "044 555 12 34", "email": "olena@romashka.ua", "amount": "500", "currency": "USD", "source_id": 1}),
    );
    assert_eq!(lead["amount"], "500.00");
    let statuses = admin.ok("/api/v1/lead-statuses")["items"].clone();
    assert_eq!(lead["status_id"], statuses[0]["id"]);
    assert!(admin.eventually_found("Ромашка", "company", id(&romashka)));
    let d = admin.ok(&format!("/api/v1/leads/{}/duplicates", id(&lead)));
    let company = &d["companies"][0];
    assert_eq!(company["id"], id(&romashka), "{d}");
    let reasons: Vec<&str> = company["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"phone") && reasons.contains(&"name"),
        "{reasons:?}"
    );

    let pipeline = admin.ok("/api/v1/pipelines")["items"][0].clone();
    // A required deal field must be given with the conversion.
    let free = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "deal", "name": "Free", "kind": "boolean", "required": true}),
    );
    let body = json!({"pipeline_id": id(&pipeline), "contact": {"action": "create"},
                      "company": {"action": "link", "id": id(&romashka)}});
    let (st, v) = admin.post(
        &format!("/api/v1/leads/{}/convert", id(&lead)),
        body.clone(),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["fields"][0]["field"],
        format!("deal.custom.{}", id(&free))
    );
    assert_eq!(
        admin.ok("/api/v1/companies/1")["contact_count"],
        0,
        "nothing of the failed conversion stays"
    );
    let mut body = body;
    body["custom"] = json!({id(&free).to_string(): false});
    let (st, v) = admin.post(&format!("/api/v1/leads/{}/convert", id(&lead)), body);
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["deal"]["custom"][id(&free).to_string()], false);
    let deal = &v["deal"];
    assert_eq!(deal["title"], "Реклама на keddr.com");
    assert_eq!(deal["company_id"], id(&romashka));
    // Its card and its row show the company's name (kept in memory between requests), and a
    // rename shows at once.
    let card_company = |admin: &Client| {
        let board = admin.ok(&format!("/api/v1/pipelines/{}/board", deal["pipeline_id"]));
        let card = board["columns"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["cards"].as_array().unwrap().iter())
            .find(|c| c["id"] == deal["id"])
            .cloned()
            .unwrap();
        let rows = admin.ok(&format!(
            "/api/v1/deals?pipeline_id={}&limit=100",
            deal["pipeline_id"]
        ));
        let row = rows["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == deal["id"])
            .cloned()
            .unwrap();
        (card["company_name"].clone(), row["company_name"].clone())
    };
    assert_eq!(
        card_company(&admin),
        (json!("ТОВ Ромашка"), json!("ТОВ Ромашка"))
    );
    let (st, _) = admin.put(
        &format!("/api/v1/companies/{}", id(&romashka)),
        json!({"name": "ТОВ Ромашка Медіа"}),
    );
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        card_company(&admin),
        (json!("ТОВ Ромашка Медіа"), json!("ТОВ Ромашка Медіа"))
    );
    assert_eq!(deal["amount"], "500.00");
    assert_eq!(deal["currency"], "USD");
    assert_eq!(deal["base_amount"], "20625.00");
    assert_eq!(deal["lead_id"], id(&lead));
    let contact_id = v["contact_id"].as_u64().unwrap();
    assert_eq!(deal["contact_ids"], json!([contact_id]));
    let contact = admin.ok(&format!("/api/v1/contacts/{contact_id}"));
    assert_eq!(
        (
            contact["first_name"].as_str(),
            contact["last_name"].as_str()
        ),
        (Some("Олена"), Some("Шевченко"))
    );
    assert_eq!(contact["company_id"], id(&romashka));
    let converted = admin.ok(&format!("/api/v1/leads/{}", id(&lead)));
    assert_eq!(converted["converted"]["deal_id"], deal["id"]);
    assert_eq!(converted["converted"]["company_id"], id(&romashka));
    let kind = statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == converted["status_id"])
        .unwrap()["kind"]
        .clone();
    assert_eq!(kind, "converted");
    // Once only.
    let (st, _) = admin.post(
        &format!("/api/v1/leads/{}/convert", id(&lead)),
        json!({"pipeline_id": id(&pipeline)}),
    );
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(
        admin.ok(&format!("/api/v1/companies/{}", id(&romashka)))["contact_count"],
        1
    );
    // A failed conversion stores nothing: linking a company that does not exist.
    let lead2 = admin.create(
        "/api/v1/leads",
        json!({"title": "Друга", "person_name": "Іван"}),
    );
    let before = admin.ok("/api/v1/counts");
    let (st, v) = admin.post(
        &format!("/api/v1/leads/{}/convert", id(&lead2)),
        json!({"pipeline_id": id(&pipeline), "contact": {"action": "create"}, "company": {"action": "link", "id": 999}}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(admin.ok("/api/v1/counts"), before);
    assert!(admin.ok(&format!("/api/v1/leads/{}", id(&lead2)))["converted"].is_null());
}

#[test]
fn moves_reach_other_browsers_as_server_sent_events() {
    let (s, admin) = Server::with_admin();
    let pipeline = admin.ok("/api/v1/pipelines")["items"][0].clone();
    let st = stages(&pipeline);
    let deal = admin.create(
        "/api/v1/deals",
        json!({"title": "Live", "pipeline_id": id(&pipeline)}),
    );
    // A second client listens.
    let (_, listener) = s.user(&admin, "watcher");
    let resp = listener
        .http
        .get(format!("{}/api/v1/events", s.base))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(resp).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let (code, _) = admin.post(
        &format!("/api/v1/deals/{}/move", id(&deal)),
        json!({"stage_id": st[1]}),
    );
    assert_eq!(code, StatusCode::OK);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut saw_event_name = false;
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("no event arrived");
        if let Some(name) = line.strip_prefix("event: ") {
            // Other events (e.g. `work`: the feed changed) come on the same stream.
            saw_event_name = name == "deal";
        }
        if let Some(data) = line.strip_prefix("data: ")
            && saw_event_name
        {
            let e: Value = serde_json::from_str(data).unwrap();
            assert_eq!(e["type"], "moved");
            assert_eq!(e["deal_id"], id(&deal));
            assert_eq!(e["stage_id"], st[1]);
            assert_eq!(e["from_stage_id"], st[0]);
            break;
        }
    }
    assert!(saw_event_name);
}

#[test]
fn stages_and_lead_statuses_are_edited_reordered_and_removed_safely() {
    let (s, admin) = Server::with_admin();
    let p = admin.create("/api/v1/pipelines", json!({"name": "veddo"}));
    let ks = stages(&p);
    let (st, _) = admin.put(
        &format!("/api/v1/pipelines/{}/stage-order", id(&p)),
        json!({"stage_ids": [ks[0], ks[1]]}),
    );
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "every stage must be named"
    );
    let order = vec![ks[2], ks[0], ks[1], ks[3], ks[4]];
    let (st, v) = admin.put(
        &format!("/api/v1/pipelines/{}/stage-order", id(&p)),
        json!({"stage_ids": order}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(stages(&v), order);
    let added = admin.create(
        &format!("/api/v1/pipelines/{}/stages", id(&p)),
        json!({"name": "Invoice", "color": "#0ea5e9"}),
    );
    assert_eq!(added["sort"], 60);
    let (st, _) = admin.put(
        &format!("/api/v1/stages/{}", id(&added)),
        json!({"name": "Invoice", "color": "blue"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "colours are #rrggbb");
    // A user may not edit stages.
    let (_, user) = s.user(&admin, "olena");
    assert_eq!(
        user.post(
            &format!("/api/v1/pipelines/{}/stages", id(&p)),
            json!({"name": "X"})
        )
        .0,
        StatusCode::FORBIDDEN
    );
    // Lead statuses: removing one in use asks where its leads go.
    let statuses = admin.ok("/api/v1/lead-statuses")["items"].clone();
    let (first, second) = (id(&statuses[0]), id(&statuses[1]));
    let lead = admin.create("/api/v1/leads", json!({"title": "Lead"}));
    assert_eq!(lead["status_id"], first);
    let (st, v) = admin.delete(&format!("/api/v1/lead-statuses/{first}"));
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("status_not_empty"))
    );
    assert_eq!(
        admin
            .delete(&format!("/api/v1/lead-statuses/{first}?move_to={second}"))
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/leads/{}", id(&lead)))["status_id"],
        second
    );
    // A converted status cannot be set by hand.
    let converted = statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "converted")
        .unwrap();
    let (st, v) = admin.put(
        &format!("/api/v1/leads/{}", id(&lead)),
        json!({"title": "Lead", "status_id": id(converted)}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A pipeline with deals cannot be deleted, only archived.
    admin.create(
        "/api/v1/deals",
        json!({"title": "D", "pipeline_id": id(&p)}),
    );
    assert_eq!(
        admin.delete(&format!("/api/v1/pipelines/{}", id(&p))).0,
        StatusCode::CONFLICT
    );
    let (st, v) = admin.put(
        &format!("/api/v1/pipelines/{}", id(&p)),
        json!({"name": "veddo", "archived": true}),
    );
    assert_eq!((st, v["archived"].as_bool()), (StatusCode::OK, Some(true)));
    let (st, _) = admin.post(
        "/api/v1/deals",
        json!({"title": "D2", "pipeline_id": id(&p)}),
    );
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no new deals in an archived pipeline"
    );
}
