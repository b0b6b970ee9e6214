//! The three reference lists (company types, lead sources, deal types) share one set of
//! handlers and use cases: the same answers, refusals and "in use" rule for each.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {list}"))
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_reference_list_is_edited_through_the_same_handlers() {
    let (s, admin) = Server::with_admin();
    let (_, user) = s.user(&admin, "olena");
    for path in [
        "/api/v1/company-types",
        "/api/v1/lead-sources",
        "/api/v1/deal-types",
    ] {
        let before = admin.ok(path);
        assert!(!names(&before).is_empty(), "{path} is seeded: {before}");

        // Only admins edit a list; a refusal stores nothing.
        let (st, v) = user.post(path, json!({"name": "Refused"}));
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}: {v}");
        assert_eq!(user.ok(path), before, "{path}");

        let item = admin.create(
            path,
            json!({"name": "Fair", "labels": {"uk": "Ярмарок"}, "sort": 5}),
        );
        assert_eq!(item["name"], "Fair", "{path}");
        assert_eq!(item["labels"]["uk"], "Ярмарок", "{path}");
        assert_eq!(item["sort"], 5, "{path}");
        assert_eq!(item["archived"], false, "{path}");
        let id = item["id"].as_u64().expect("id");
        let listed = admin.ok(path);
        assert!(names(&listed).contains(&"Fair".to_string()), "{path}");
        assert_eq!(
            listed["items"][0]["name"], "Fair",
            "{path}: sorted by `sort` first"
        );

        // A bad edit names its field and changes nothing.
        let (st, v) = admin.put(&format!("{path}/{id}"), json!({"name": "  "}));
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        assert_eq!(field_names(&v), vec!["name".to_string()], "{path}");
        assert_eq!(admin.ok(path), listed, "{path}");

        let (st, v) = admin.put(
            &format!("{path}/{id}"),
            json!({"name": "Fair 2026", "sort": 5, "archived": true}),
        );
        assert_eq!(st, StatusCode::OK, "{path}: {v}");
        assert_eq!(v["name"], "Fair 2026", "{path}");
        assert_eq!(v["archived"], true, "{path}");
        assert_eq!(
            v["labels"]["uk"], "",
            "{path}: the edit replaces every field"
        );

        let (st, v) = user.delete(&format!("{path}/{id}"));
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}: {v}");
        let (st, v) = admin.delete(&format!("{path}/{id}"));
        assert_eq!(st, StatusCode::NO_CONTENT, "{path}: {v}");
        assert_eq!(admin.ok(path), before, "{path}");
        let (st, v) = admin.delete(&format!("{path}/{id}"));
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
    }
}

#[test]
fn a_reference_item_in_use_is_archived_not_deleted() {
    let (_s, admin) = Server::with_admin();
    let kind = admin.create("/api/v1/company-types", json!({"name": "Reseller"}));
    let kind_id = kind["id"].as_u64().expect("id");
    admin.create(
        "/api/v1/companies",
        json!({"name": "Dnipro Trade", "type_id": kind_id}),
    );
    let source = admin.create("/api/v1/lead-sources", json!({"name": "Fair"}));
    let source_id = source["id"].as_u64().expect("id");
    admin.create(
        "/api/v1/leads",
        json!({"title": "Stand at the fair", "person_name": "Ivan", "source_id": source_id}),
    );
    for (path, id) in [
        ("/api/v1/company-types", kind_id),
        ("/api/v1/lead-sources", source_id),
    ] {
        let (st, v) = admin.delete(&format!("{path}/{id}"));
        assert_eq!(st, StatusCode::CONFLICT, "{path}: {v}");
        assert!(
            names(&admin.ok(path)).len() > 1
                && admin.ok(path)["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["id"] == id),
            "{path}: still there"
        );
    }
}
