//! Global search through the API: prefixes, typos, scripts, phones, e-mails, freshness.

use serde_json::json;

use crate::common::*;

#[test]
fn search_finds_names_phones_and_emails_as_promised() {
    let (_s, admin) = Server::with_admin();
    let co = admin.create(
        "/api/v1/companies",
        json!({"name": "ТОВ Ромашка", "phones": [{"value": "+38 (044) 555-12-34"}], "emails": [{"value": "info@romashka.ua"}]}),
    );
    let coid = co["id"].as_u64().unwrap();
    let olena = admin.create(
        "/api/v1/contacts",
        json!({"first_name": "Олена", "last_name": "Шевченко", "company_id": coid,
               "phones": [{"value": "+38 (067) 123-45-67"}],
               "emails": [{"value": "olena.shevchenko@romashka.ua"}]}),
    );
    let id = olena["id"].as_u64().unwrap();
    let taras = admin.create(
        "/api/v1/contacts",
        json!({"first_name": "Taras", "last_name": "Shevchenko", "phones": [{"value": "050 765 43 21"}]}),
    );
    let tid = taras["id"].as_u64().unwrap();
    // Searchable right after the 2xx (the indexer is woken by the commit).
    assert!(admin.eventually_found("Олена", "contact", id));

    let finds = |q: &str, want: u64| {
        let got = admin.search_ids(q, "contact");
        assert!(
            got.contains(&want),
            "{q:?} should find contact {want}, got {got:?}"
        );
    };
    finds("олен", id); // a prefix
    finds("Шевчинко", id); // one typo
    finds("Olena", id); // across scripts
    finds("olena shevchenko", id);
    finds("Тарас", tid);
    finds("Шевченко", tid);
    finds("1234567", id); // a 7-digit tail
    finds("067 123 45 67", id);
    finds("+38 (067) 123-45-67", id);
    finds("380671234567", id);
    finds("7654321", tid);
    finds("olena.shevchenko", id); // e-mail local part
    finds("romashka.ua", id); // e-mail domain
    finds("olena.shevchenko@romashka.ua", id);
    finds("олена ромашка", id); // a name and the company
    assert_eq!(admin.search_ids("5551234", "company"), vec![coid]);
    assert_eq!(admin.search_ids("ромаш", "company"), vec![coid]);
    assert!(admin.search_ids("Петренко", "contact").is_empty());
    assert!(admin.search_ids("7777777", "contact").is_empty());

    // Odd input is answered, never a crash.
    for q in [
        "\"", "*", "(", "AND", "-", "title:x", "🙂", "a OR b", "%", "[a TO z]",
    ] {
        let url = format!("/api/v1/search?q={}", urlencode(q));
        admin.ok(&url);
    }
    let (st, v) = admin.get(&format!("/api/v1/search?q={}", "x".repeat(300)));
    assert_eq!(st, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(admin.ok("/api/v1/search?q=")["items"], json!([]));
}

#[test]
fn search_follows_renames_and_deletes() {
    let (_s, admin) = Server::with_admin();
    let co = admin.create("/api/v1/companies", json!({"name": "Keddr Media"}));
    let coid = co["id"].as_u64().unwrap();
    let c = admin.create(
        "/api/v1/contacts",
        json!({"first_name": "Богдан", "company_id": coid}),
    );
    let id = c["id"].as_u64().unwrap();
    assert!(admin.eventually_found("богдан keddr", "contact", id));
    // Renaming the company refreshes its people's entries too.
    admin.put(
        &format!("/api/v1/companies/{coid}"),
        json!({"name": "Veddo Studio"}),
    );
    assert!(admin.eventually_found("богдан veddo", "contact", id));
    assert!(admin.eventually_found("veddo", "company", coid));
    assert!(admin.search_ids("keddr", "company").is_empty());
    admin.put(
        &format!("/api/v1/contacts/{id}"),
        json!({"first_name": "Василь"}),
    );
    assert!(admin.eventually_found("Василь", "contact", id));
    assert!(admin.search_ids("Богдан", "contact").is_empty());
    admin.delete(&format!("/api/v1/contacts/{id}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !admin.search_ids("Василь", "contact").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "deleted contact still found"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
