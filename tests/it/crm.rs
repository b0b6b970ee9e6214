//! Companies, contacts, company types: CRUD, validation, history, paging and filters.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

#[test]
fn company_life_cycle_with_history() {
    let (s, admin) = Server::with_admin();
    let (uid, _) = s.user(&admin, "olena");
    let c = admin.create(
        "/api/v1/companies",
        json!({
            "name": "  ТОВ «Ромашка»  ", "type_id": 2, "responsible_id": uid,
            "phones": [{"value": "+38 (067) 123-45-67", "kind": "work"}],
            "emails": [{"value": "info@romashka.ua"}],
            "website": "romashka.ua", "address": "Київ, вул. Хрещатик, 1"
        }),
    );
    assert_eq!(c["name"], "ТОВ «Ромашка»", "names are trimmed");
    assert_eq!(c["emails"][0]["kind"], "work");
    let id = c["id"].as_u64().unwrap();
    let got = admin.ok(&format!("/api/v1/companies/{id}"));
    assert_eq!(got["phones"], c["phones"]);
    assert_eq!(got["created_by"], 1);

    let (st, v) = admin.put(
        &format!("/api/v1/companies/{id}"),
        json!({"name": "ТОВ «Ромашка Плюс»", "type_id": 1, "responsible_id": uid,
               "phones": [{"value": "+38 (067) 123-45-67", "kind": "work"}],
               "emails": [{"value": "info@romashka.ua"}], "website": "romashka.ua",
               "address": "Київ, вул. Хрещатик, 1", "notes": "VIP"}),
    );
    assert_eq!(st, StatusCode::OK, "{v}");
    let h = admin.ok(&format!("/api/v1/companies/{id}/history"))["items"].clone();
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["action"], "updated");
    assert_eq!(h[0]["user_name"], "Ada Admin");
    let changes: Vec<(String, Value, Value)> = h[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["old"].clone(),
                c["new"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "name".into(),
                json!("ТОВ «Ромашка»"),
                json!("ТОВ «Ромашка Плюс»")
            ),
            ("notes".into(), json!(""), json!("VIP")),
            ("type_id".into(), json!(2), json!(1)),
        ]
    );
    assert_eq!(h[1]["action"], "created");

    // An update that changes nothing writes no history.
    let same = admin.ok(&format!("/api/v1/companies/{id}"));
    let mut body = same.clone();
    for k in [
        "id",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "contact_count",
    ] {
        body.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(
        admin.put(&format!("/api/v1/companies/{id}"), body).0,
        StatusCode::OK
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/companies/{id}/history"))["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Deleting keeps the contacts, unlinked, and the history says who deleted it.
    let ct = admin.create(
        "/api/v1/contacts",
        json!({"first_name": "Олена", "company_id": id}),
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/companies/{id}"))["contact_count"],
        1
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/companies/{id}/contacts"))["items"][0]["id"],
        ct["id"]
    );
    assert_eq!(
        admin.delete(&format!("/api/v1/companies/{id}")).0,
        StatusCode::NO_CONTENT
    );
    let (st, v) = admin.get(&format!("/api/v1/companies/{id}"));
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "not_found");
    let ctid = ct["id"].as_u64().unwrap();
    assert!(admin.ok(&format!("/api/v1/contacts/{ctid}"))["company_id"].is_null());
    assert_eq!(
        admin.ok(&format!("/api/v1/contacts/{ctid}/history"))["items"][0]["changes"][0]["field"],
        "company_id"
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/companies/{id}/history"))["items"][0]["action"],
        "deleted"
    );
}

#[test]
fn invalid_input_names_the_fields_and_stores_nothing() {
    let (_s, admin) = Server::with_admin();
    let (st, v) = admin.post(
        "/api/v1/companies",
        json!({"name": " ", "type_id": 999, "responsible_id": 999,
               "phones": [{"value": "+38 067 123 45 67"}, {"value": "call me"}],
               "emails": [{"value": "ok@x.ua"}, {"value": "not-an-email"}],
               "website": "not a site"}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "validation");
    assert_eq!(v["status"], 422);
    let mut f = field_names(&v);
    f.sort();
    assert_eq!(
        f,
        [
            "emails[1].value",
            "name",
            "phones[1].value",
            "responsible_id",
            "type_id",
            "website"
        ]
    );
    let (st, v) = admin.post(
        "/api/v1/contacts",
        json!({"birthday": "2999-01-01", "messengers": [{"kind": "telegram", "value": ""}]}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let mut f = field_names(&v);
    f.sort();
    assert_eq!(
        f,
        ["birthday", "first_name", "last_name", "messengers[0].value"]
    );
    // Wrong JSON types are a 400 problem, not a crash.
    let (st, v) = admin.post("/api/v1/contacts", json!({"first_name": {"nested": true}}));
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "bad_request");
    let (st, v) = admin.post(
        "/api/v1/companies",
        json!({"name": "x", "phones": [{"value": "1234567", "kind": "pager"}]}),
    );
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let counts = admin.ok("/api/v1/counts");
    assert_eq!(
        counts,
        json!({"companies": 0, "contacts": 0, "deals": 0, "leads": 0})
    );
}

#[test]
fn company_types_are_seeded_translated_and_protected_while_used() {
    let (s, admin) = Server::with_admin();
    let types = admin.ok("/api/v1/company-types")["items"].clone();
    let names: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Client", "Advertiser", "Partner", "Supplier", "Other"]
    );
    assert_eq!(types[1]["labels"]["uk"], "Рекламодавець");
    assert_eq!(types[1]["labels"]["ru"], "Рекламодатель");
    let t = admin.create(
        "/api/v1/company-types",
        json!({"name": "Media", "labels": {"uk": "Медіа"}, "sort": 5}),
    );
    let tid = t["id"].as_u64().unwrap();
    assert_eq!(
        admin.ok("/api/v1/company-types")["items"][0]["id"],
        tid,
        "sorted by sort"
    );
    admin.create(
        "/api/v1/companies",
        json!({"name": "Keddr", "type_id": tid}),
    );
    let (st, v) = admin.delete(&format!("/api/v1/company-types/{tid}"));
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    let (st, v) = admin.put(
        &format!("/api/v1/company-types/{tid}"),
        json!({"name": "Media", "archived": true}),
    );
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["archived"], true);
    let (_, user) = s.user(&admin, "taras");
    assert_eq!(
        user.post("/api/v1/company-types", json!({"name": "X"})).0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.delete("/api/v1/company-types/5").0,
        StatusCode::NO_CONTENT
    );
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn contact_lists_page_sort_and_filter() {
    let (s, admin) = Server::with_admin();
    let (olena, _) = s.user(&admin, "olena");
    let acme = admin.create("/api/v1/companies", json!({"name": "Acme"}))["id"]
        .as_u64()
        .unwrap();
    let last = [
        "Шевченко",
        "Коваленко",
        "Smith",
        "Бондаренко",
        "Adams",
        "Ткаченко",
        "Brown",
        "Іваненко",
        "Олійник",
        "Zed",
        "Мельник",
        "Clark",
    ];
    for (i, l) in last.iter().enumerate() {
        admin.create(
            "/api/v1/contacts",
            json!({"first_name": format!("N{i}"), "last_name": l,
                   "responsible_id": if i.is_multiple_of(3) { Some(olena) } else { None },
                   "company_id": if i.is_multiple_of(2) { Some(acme) } else { None }}),
        );
    }
    // Walk every page of 5 by name: all 12, in order, none twice.
    let mut seen = Vec::new();
    let mut url = "/api/v1/contacts?limit=5&sort=name".to_string();
    let mut pages = 0;
    loop {
        let p = admin.ok(&url);
        assert_eq!(p["total"], 12);
        seen.extend(names(&p));
        pages += 1;
        match p["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/contacts?limit=5&sort=name&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    // Latin first, then Cyrillic in alphabet order (і after и, as in Ukrainian).
    let want: Vec<String> = [
        "Adams",
        "Brown",
        "Clark",
        "Smith",
        "Zed",
        "Бондаренко",
        "Іваненко",
        "Коваленко",
        "Мельник",
        "Олійник",
        "Ткаченко",
        "Шевченко",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(seen, want);
    // Descending, and by creation.
    let mut desc = want.clone();
    desc.reverse();
    assert_eq!(
        names(&admin.ok("/api/v1/contacts?limit=100&sort=-name")),
        desc
    );
    assert_eq!(
        names(&admin.ok("/api/v1/contacts?limit=3&sort=-created")),
        ["Clark", "Мельник", "Zed"]
    );
    let p = admin.ok("/api/v1/contacts?limit=2&sort=created");
    let c = p["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(
        names(&admin.ok(&format!("/api/v1/contacts?limit=2&sort=created&cursor={c}"))),
        ["Smith", "Бондаренко"]
    );

    // Filters, also combined, with paging inside the filtered set.
    let p = admin.ok(&format!("/api/v1/contacts?responsible_id={olena}&limit=2"));
    assert_eq!(p["total"], 4);
    assert_eq!(names(&p), ["Brown", "Zed"]);
    let c = p["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(
        names(&admin.ok(&format!(
            "/api/v1/contacts?responsible_id={olena}&limit=2&cursor={c}"
        ))),
        ["Бондаренко", "Шевченко"]
    );
    let p = admin.ok(&format!(
        "/api/v1/contacts?responsible_id={olena}&company_id={acme}"
    ));
    assert_eq!(p["total"], 2);
    assert_eq!(names(&p), ["Brown", "Шевченко"]);
    assert_eq!(
        admin.ok(&format!("/api/v1/contacts?company_id={acme}"))["total"],
        6
    );
    // A row is what the list shows: the company's name, the first phone and e-mail.
    let id = admin.create(
        "/api/v1/contacts",
        json!({"first_name": "Row", "last_name": "Aaron", "company_id": acme,
               "phones": [{"value": "+38 067 000 11 22"}, {"value": "+38 050 000 11 22"}],
               "emails": [{"value": "row@acme.ua"}], "notes": "not in the list"}),
    )["id"]
        .clone();
    let row = &admin.ok("/api/v1/contacts?limit=1&sort=name")["items"][0];
    assert_eq!(row["id"], id);
    assert_eq!(row["company_name"], "Acme");
    assert_eq!(row["phone"], "+38 067 000 11 22");
    assert_eq!(row["email"], "row@acme.ua");
    // Company names are kept between requests; a rename shows at once.
    let (st, _) = admin.put(
        &format!("/api/v1/companies/{acme}"),
        json!({"name": "Acme Media"}),
    );
    assert_eq!(st, 200);
    let row = &admin.ok("/api/v1/contacts?limit=1&sort=name")["items"][0];
    assert_eq!(row["company_name"], "Acme Media");
    assert!(
        row.get("notes").is_none() && row.get("phones").is_none(),
        "{row}"
    );
    let other = admin.ok("/api/v1/contacts?limit=100&sort=name")["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["last_name"] == "Коваленко")
        .cloned()
        .unwrap();
    assert!(
        other["company_name"].is_null() && other["phone"].is_null(),
        "{other}"
    );

    // Companies: filter by type and responsible.
    admin.create(
        "/api/v1/companies",
        json!({"name": "Beta", "type_id": 2, "responsible_id": olena}),
    );
    assert_eq!(
        admin.ok("/api/v1/companies?type_id=2")["items"][0]["name"],
        "Beta"
    );
    assert_eq!(
        admin.ok(&format!("/api/v1/companies?responsible_id={olena}"))["total"],
        1
    );
    assert_eq!(
        admin.ok("/api/v1/companies?sort=-name")["items"][0]["name"],
        "Beta"
    );

    let (st, v) = admin.get("/api/v1/contacts?cursor=%%%");
    assert!(
        st == StatusCode::UNPROCESSABLE_ENTITY || st == StatusCode::BAD_REQUEST,
        "{st} {v}"
    );
    let (st, _) = admin.get("/api/v1/contacts?sort=sideways");
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[test]
fn contact_round_trip_keeps_every_field() {
    let (_s, admin) = Server::with_admin();
    let body = json!({
        "first_name": "Олена", "middle_name": "Петрівна", "last_name": "Шевченко",
        "position": "Маркетолог", "company_id": null, "responsible_id": 1,
        "phones": [{"value": "+38 (050) 111-22-33", "kind": "mobile"}, {"value": "044 222 33 44", "kind": "work"}],
        "emails": [{"value": "olena@x.ua", "kind": "personal"}],
        "messengers": [{"kind": "telegram", "value": "@olena"}, {"kind": "viber", "value": "+380501112233"}],
        "birthday": "1990-05-01", "source": "Виставка", "notes": "Любить каву"
    });
    let c = admin.create("/api/v1/contacts", body.clone());
    let got = admin.ok(&format!("/api/v1/contacts/{}", c["id"]));
    for (k, v) in body.as_object().unwrap() {
        assert_eq!(&got[k], v, "field {k}");
    }
    assert_eq!(
        admin.delete(&format!("/api/v1/contacts/{}", c["id"])).0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.delete(&format!("/api/v1/contacts/{}", c["id"])).0,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn companies_and_contacts_carry_custom_fields_and_filter_on_them() {
    let (_s, admin) = Server::with_admin();
    let vip = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "contact", "name": "VIP", "kind": "boolean", "filterable": true}),
    );
    let note = admin.create(
        "/api/v1/custom-fields",
        json!({"entity": "company", "name": "Contract no.", "kind": "text", "required": true}),
    );
    let (vk, nk) = (vip["id"].to_string(), note["id"].to_string());
    let (st, v) = admin.post("/api/v1/companies", json!({"name": "Acme"}));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["field"], format!("custom.{nk}"));
    let co = admin.create(
        "/api/v1/companies",
        json!({"name": "Acme", "custom": {nk.clone(): "Д-17/2026"}}),
    );
    assert_eq!(co["custom"][&nk], "Д-17/2026");
    admin.create(
        "/api/v1/contacts",
        json!({"first_name": "A", "custom": {vk.clone(): true}}),
    );
    admin.create(
        "/api/v1/contacts",
        json!({"first_name": "B", "custom": {vk.clone(): false}}),
    );
    admin.create("/api/v1/contacts", json!({"first_name": "C"}));
    let p = admin.ok(&format!("/api/v1/contacts?cf.{vk}=true"));
    assert_eq!(p["total"], 1);
    assert_eq!(p["items"][0]["first_name"], "A");
    assert_eq!(
        admin.ok(&format!("/api/v1/contacts?cf.{vk}=false"))["total"],
        1
    );
    // A field that is not filterable cannot be filtered on.
    let (st, v) = admin.get(&format!("/api/v1/companies?cf.{nk}=x"));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Unknown custom keys are refused.
    let (st, v) = admin.post(
        "/api/v1/contacts",
        json!({"first_name": "D", "custom": {"999": 1}}),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["field"], "custom.999");
}
