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

/// One phone rule for search and the lead duplicate check: a number typed with a trunk prefix
/// finds it stored with the country code and back; the end of a number still finds it.
#[test]
fn a_phone_is_found_under_another_prefix() {
    let (_s, admin) = Server::with_admin();
    let contact = |name: &str, phone: &str| {
        admin.create(
            "/api/v1/contacts",
            json!({"first_name": name, "phones": [{"value": phone}]}),
        )["id"]
            .as_u64()
            .unwrap()
    };
    let moscow = contact("Irina", "+7 495 123 45 67");
    let kyiv = contact("Oksana", "+380 44 123 45 67");
    let local = contact("Petro", "0 67 765 43 21");
    let other = contact("Ivan", "+7 499 123 45 67");
    assert!(admin.eventually_found("Petro", "contact", local));

    let finds = |q: &str, want: u64| {
        let got = admin.search_ids(q, "contact");
        assert!(got.contains(&want), "{q:?} should find {want}, got {got:?}");
        got
    };
    let got = finds("8 495 123 45 67", moscow);
    assert!(!got.contains(&other), "8 495 … is not 8 499 …: {got:?}");
    finds("8 (495) 123-45-67", moscow);
    finds("84951234567", moscow);
    finds("0 44 123 45 67", kyiv);
    finds("044 123-45-67", kyiv);
    finds("+380 67 765 43 21", local);
    finds("380677654321", local);
    // Suffixes as before: the last 7 digits and more.
    finds("1234567", moscow);
    finds("1234567", kyiv);
    finds("4951234567", moscow);
    finds("765 43 21", local);
    assert!(admin.search_ids("8 495 765 43 21", "contact").is_empty());

    // The number as typed ranks first when another spelling of it is stored too.
    let same = contact("Irina Two", "8 495 123 45 67");
    assert!(admin.eventually_found("Irina Two", "contact", same));
    let got = finds("8 495 123 45 67", moscow);
    assert_eq!(got.first(), Some(&same), "{got:?}");
    assert!(got.contains(&moscow), "{got:?}");

    // The lead duplicate check calls them the same number too.
    let lead = admin.create(
        "/api/v1/leads",
        json!({"title": "Call back", "phone": "8 495 123 45 67"}),
    );
    let d = admin.ok(&format!(
        "/api/v1/leads/{}/duplicates",
        lead["id"].as_u64().unwrap()
    ));
    let ids: Vec<u64> = d["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&moscow) && ids.contains(&same), "{d}");
    assert!(!ids.contains(&other) && !ids.contains(&kyiv), "{d}");
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
