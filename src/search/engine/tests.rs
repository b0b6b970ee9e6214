//! Tests over a real index in a temporary folder.

use std::time::Instant;

use super::*;

fn doc(kind: DocKind, id: u64, names: &[&str]) -> SearchDoc {
    SearchDoc {
        kind,
        id,
        title: names.join(" "),
        subtitle: String::new(),
        names: names.iter().map(|s| s.to_string()).collect(),
        phones: Vec::new(),
        emails: Vec::new(),
        text: Vec::new(),
        owner_ids: vec![1],
    }
}

fn olena() -> SearchDoc {
    SearchDoc {
        subtitle: "ТОВ Ромашка · +38 067 123 45 67".into(),
        phones: vec!["+38 (067) 123-45-67".into()],
        emails: vec!["olena.shevchenko@romashka.ua".into()],
        text: vec!["менеджер з продажу".into(), "вул. Хрещатик, 1".into()],
        ..doc(DocKind::Contact, 1, &["Олена", "Шевченко"])
    }
}

fn sample() -> Vec<SearchDoc> {
    vec![
        olena(),
        doc(DocKind::Contact, 2, &["Oleksandr", "Shevchenko"]),
        doc(DocKind::Contact, 3, &["Олександр", "Коваленко"]),
        doc(DocKind::Contact, 4, &["Александр", "Петров"]),
        doc(DocKind::Contact, 5, &["Aleksandr", "Ivanov"]),
        doc(DocKind::Contact, 6, &["Olena", "Bondar"]),
        doc(DocKind::Company, 7, &["ТОВ Ромашка"]),
        doc(DocKind::Contact, 8, &["Ірина", "Мельник"]),
        SearchDoc {
            text: vec!["Поставка обладнання".into()],
            ..doc(DocKind::Deal, 9, &[])
        },
    ]
}

/// A fresh index with the sample documents.
fn index() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("open");
    assert!(rebuilt, "a new index reports rebuilt");
    ix.apply(sample().into_iter().map(IndexOp::Upsert).collect(), 1)
        .expect("apply");
    (dir, ix)
}

fn ids(ix: &SearchIndex, q: &str) -> Vec<(DocKind, u64)> {
    ix.search(q, None, 100)
        .unwrap_or_else(|e| panic!("search {q:?}: {e}"))
        .into_iter()
        .map(|h| (h.kind, h.id))
        .collect()
}

fn finds(ix: &SearchIndex, q: &str, id: u64) -> bool {
    ids(ix, q).iter().any(|(_, i)| *i == id)
}

#[track_caller]
fn assert_finds(ix: &SearchIndex, q: &str, id: u64) {
    assert!(
        finds(ix, q, id),
        "{q:?} should find {id}, got {:?}",
        ids(ix, q)
    );
}

#[track_caller]
fn assert_not_finds(ix: &SearchIndex, q: &str, id: u64) {
    assert!(
        !finds(ix, q, id),
        "{q:?} should not find {id}, got {:?}",
        ids(ix, q)
    );
}

#[test]
fn name_prefix() {
    let (_d, ix) = index();
    assert_finds(&ix, "олен", 1);
    assert_finds(&ix, "Олен", 1);
    assert_finds(&ix, "shev", 1); // Шевченко, across scripts
    assert_finds(&ix, "shev", 2);
    assert_finds(&ix, "шевч", 2); // Shevchenko, across scripts
    assert_finds(&ix, "о", 1);
    assert_not_finds(&ix, "олег", 1);
}

#[test]
fn name_with_one_typo() {
    let (_d, ix) = index();
    assert_finds(&ix, "Шевчинко", 1); // substitution
    assert_finds(&ix, "Olna", 1); // deletion, across scripts
    assert_finds(&ix, "Olna", 6);
    assert_finds(&ix, "Шевчнеко", 1); // transposition
    assert_finds(&ix, "Шевченкко", 1); // insertion
    assert_finds(&ix, "Shevchenkp", 1); // substitution, across scripts
    assert_not_finds(&ix, "Шевчинка", 1); // two edits
    // Doubled letters are squeezed in the folded field, so they cost nothing.
    assert_finds(&ix, "Шевчинкоо", 1);
    // Under 4 chars no typo is allowed: "ола" is not "оле…".
    assert_not_finds(&ix, "ола", 1);
    // The length that counts is the folded one: "zzzzzz" folds to "z", which
    // must not become a one-typo prefix of everything. (It does match the
    // Ukrainian word "з" in Olena's text, whose fold is "z".)
    assert_eq!(ids(&ix, "zzzzzz"), vec![(DocKind::Contact, 1)]);
    // No typos in words with digits.
    assert!(ids(&ix, "Олена2").is_empty());
}

#[test]
fn name_across_scripts() {
    let (_d, ix) = index();
    assert_finds(&ix, "Olena", 1);
    assert_finds(&ix, "Шевченко", 2);
    assert_finds(&ix, "Oleksandr", 3);
    assert_finds(&ix, "Олександр", 2);
    assert_finds(&ix, "Aleksandr", 4);
    assert_finds(&ix, "Александр", 5);
    assert_finds(&ix, "Iryna", 8);
    assert_finds(&ix, "Irina", 8);
    assert_finds(&ix, "Melnyk", 8);
    assert_finds(&ix, "Melnik", 8);
    assert_finds(&ix, "romashka", 7);
}

#[test]
fn phone_any_tail() {
    let (_d, ix) = index();
    for q in [
        "1234567",
        "0671234567",
        "380671234567",
        "+380671234567",
        "067 123 45 67",
        "+38 (067) 123-45-67",
        "(067)123-45-67",
    ] {
        assert_eq!(
            ids(&ix, q),
            vec![(DocKind::Contact, 1)],
            "phone query {q:?}"
        );
    }
    assert_not_finds(&ix, "234567", 1); // under 7 digits
    assert_not_finds(&ix, "7654321", 1);
}

#[test]
fn phone_national_format_found_by_international() {
    let (_d, ix) = index();
    let d = SearchDoc {
        phones: vec!["050 765 43 21".into()],
        ..doc(DocKind::Lead, 20, &["Петро"])
    };
    ix.apply(vec![IndexOp::Upsert(d)], 2).expect("apply");
    assert_finds(&ix, "+38 050 765 43 21", 20);
    assert_finds(&ix, "7654321", 20);
}

#[test]
fn email_parts() {
    let (_d, ix) = index();
    for q in [
        "olena.shevchenko",
        "romashka.ua",
        "romashka",
        "olena.shevchenko@romashka.ua",
        "Olena.Shevchenko@Romashka.UA",
        "olena.shev",
        "<olena.shevchenko@romashka.ua>,",
    ] {
        assert_finds(&ix, q, 1);
    }
    assert_not_finds(&ix, "olena.shevchenko@gmail.com", 1);
}

#[test]
fn email_only_lead() {
    let (_d, ix) = index();
    let d = SearchDoc {
        emails: vec!["info@kvitka-shop.com.ua".into()],
        ..doc(DocKind::Lead, 21, &[])
    };
    ix.apply(vec![IndexOp::Upsert(d)], 2).expect("apply");
    assert_finds(&ix, "kvitka-shop", 21);
    assert_finds(&ix, "kvitka-shop.com.ua", 21);
    assert_finds(&ix, "info@kvitka", 21);
}

#[test]
fn multi_word_is_and() {
    let (_d, ix) = index();
    assert_finds(&ix, "олена ромашка", 1);
    assert_finds(&ix, "olena romashka", 1);
    assert_finds(&ix, "олена шевченко", 1);
    assert_eq!(ids(&ix, "олена бондар"), vec![(DocKind::Contact, 6)]);
    assert_not_finds(&ix, "олена ромашка", 6); // Olena Bondar has no Ромашка
    assert!(ids(&ix, "олена зебра").is_empty());
    assert_finds(&ix, "менеджер хрещатик", 1);
    assert_finds(&ix, "постав", 9);
    assert_finds(&ix, "Postavka", 9);
}

#[test]
fn kinds_filter() {
    let (_d, ix) = index();
    let hits = ix
        .search("ромашка", Some(&[DocKind::Company]), 10)
        .expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].kind, hits[0].id), (DocKind::Company, 7));
    assert_eq!(hits[0].title, "ТОВ Ромашка");
    let hits = ix
        .search("ромашка", Some(&[DocKind::Contact, DocKind::Deal]), 10)
        .expect("search");
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1]);
    assert!(
        ix.search("ромашка", Some(&[]), 10)
            .expect("search")
            .is_empty()
    );
}

#[test]
fn hit_fields_and_limit() {
    let (_d, ix) = index();
    let hits = ix.search("shevchenko", None, 1).expect("search");
    assert_eq!(hits.len(), 1);
    let all = ix.search("о", None, 1000).expect("search");
    assert!(all.len() <= MAX_LIMIT);
    let h = &ix.search("+380671234567", None, 5).expect("search")[0];
    assert_eq!(h.title, "Олена Шевченко");
    assert_eq!(h.subtitle, "ТОВ Ромашка · +38 067 123 45 67");
    assert!(h.score > 0.0);
    assert!(ix.search("олена", None, 0).expect("search").is_empty());
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let (_d, ix) = index();
    assert_eq!(ix.num_docs(), 9);
    ix.apply(vec![IndexOp::Upsert(olena()), IndexOp::Upsert(olena())], 2)
        .expect("apply");
    assert_eq!(ix.num_docs(), 9);
    assert_eq!(ids(&ix, "шевченко олена"), vec![(DocKind::Contact, 1)]);

    // Renaming replaces the old terms.
    let renamed = SearchDoc {
        title: "Олена Коваль".into(),
        names: vec!["Олена".into(), "Коваль".into()],
        ..olena()
    };
    ix.apply(vec![IndexOp::Upsert(renamed)], 3).expect("apply");
    assert_finds(&ix, "коваль", 1);
    assert_not_finds(&ix, "шевченко", 1);

    // The same id of another kind is another document.
    ix.apply(
        vec![IndexOp::Delete {
            kind: DocKind::Company,
            id: 1,
        }],
        4,
    )
    .expect("apply");
    assert_finds(&ix, "коваль", 1);

    ix.apply(
        vec![IndexOp::Delete {
            kind: DocKind::Contact,
            id: 1,
        }],
        5,
    )
    .expect("apply");
    assert_not_finds(&ix, "коваль", 1);
    assert_eq!(ix.num_docs(), 8);
    assert_eq!(ix.applied_seq(), 5);
}

#[test]
fn applied_seq_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("open");
        assert!(rebuilt);
        assert_eq!(ix.applied_seq(), 0);
        ix.apply(vec![IndexOp::Upsert(olena())], 42).expect("apply");
        assert_eq!(ix.applied_seq(), 42);
        ix.apply(Vec::new(), 43).expect("apply empty batch");
    }
    let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("reopen");
    assert!(!rebuilt);
    assert_eq!(ix.applied_seq(), 43);
    assert_eq!(ix.num_docs(), 1);
    assert_finds(&ix, "olena", 1);
}

#[test]
fn clear_empties() {
    let (dir, ix) = index();
    ix.clear().expect("clear");
    assert_eq!(ix.num_docs(), 0);
    assert_eq!(ix.applied_seq(), 0);
    assert!(ids(&ix, "олена").is_empty());
    drop(ix);
    let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("reopen");
    assert!(!rebuilt);
    assert_eq!(ix.applied_seq(), 0);
    assert_eq!(ix.num_docs(), 0);
}

#[test]
fn version_mismatch_rebuilds() {
    let (dir, ix) = index();
    drop(ix);
    fs::write(dir.path().join(VERSION_FILE), "0\n").expect("write version");
    let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("reopen");
    assert!(rebuilt);
    assert_eq!(ix.num_docs(), 0);
    assert_eq!(ix.applied_seq(), 0);
    drop(ix);
    let version = fs::read_to_string(dir.path().join(VERSION_FILE)).expect("read");
    assert_eq!(version.trim(), INDEX_VERSION.to_string());
    let (_ix, rebuilt) = SearchIndex::open(dir.path()).expect("reopen");
    assert!(!rebuilt);
}

#[test]
fn unreadable_index_rebuilds() {
    let (dir, ix) = index();
    drop(ix);
    fs::write(dir.path().join("meta.json"), "{ not json").expect("corrupt");
    let (ix, rebuilt) = SearchIndex::open(dir.path()).expect("reopen");
    assert!(rebuilt);
    assert_eq!(ix.num_docs(), 0);
}

#[test]
fn refuses_to_wipe_foreign_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("korobka.redb"), "precious").expect("write");
    let err = SearchIndex::open(dir.path()).expect_err("must refuse");
    assert!(matches!(err, SearchError::ForeignDirectory { .. }), "{err}");
    assert!(dir.path().join("korobka.redb").exists());
}

#[test]
fn exact_ranks_above_fuzzy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ix, _) = SearchIndex::open(dir.path()).expect("open");
    ix.apply(
        vec![
            IndexOp::Upsert(doc(DocKind::Contact, 1, &["Олеся", "Павленко"])),
            IndexOp::Upsert(doc(DocKind::Contact, 2, &["Олена", "Павленко"])),
            IndexOp::Upsert(doc(DocKind::Contact, 3, &["Оленка", "Павленко"])),
        ],
        1,
    )
    .expect("apply");
    let hits = ix.search("Олена", None, 10).expect("search");
    let order: Vec<u64> = hits.iter().map(|h| h.id).collect();
    // exact (2) > prefix (3, "оленка") > one typo (1, "олеся" — 2 edits, so absent)
    assert_eq!(order.first(), Some(&2), "{hits:?}");
    let hits = ix.search("Олеся", None, 10).expect("search");
    assert_eq!(hits.first().map(|h| h.id), Some(1), "{hits:?}");
    let hits = ix.search("Олена Павленко", None, 10).expect("search");
    assert_eq!(hits.first().map(|h| h.id), Some(2), "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    // Cross-script exact still beats a same-script typo.
    let hits = ix.search("Olena", None, 10).expect("search");
    assert_eq!(hits.first().map(|h| h.id), Some(2), "{hits:?}");
}

#[test]
fn odd_input_never_errors() {
    let (_d, ix) = index();
    let long = "ш".repeat(1024); // 2 KB
    let long_mixed = "Олена (AND) * \"- ".repeat(130);
    let queries = [
        "",
        "   ",
        "\t\n",
        "\"",
        "*",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "-олена",
        "олена*",
        "\"олена",
        "title:олена",
        "олена~1",
        "[a TO z]",
        "\\",
        "/",
        "^2",
        "😀",
        "👩‍💻 олена",
        "\u{0}",
        "'",
        "’",
        "@",
        "@@",
        ".",
        "..",
        "+38",
        "+",
        "((((",
        long.as_str(),
        long_mixed.as_str(),
        "ᏣᎳᎩ",
        "北京",
        "ß",
        "İ",
        "a\u{301}",
        // Through the combination run: many words, many sub-words, e-mail words among names.
        "o o o o o o o o o o o o o o o o o o",
        "a-b-c-d-e-f-g-h-i",
        "ole-she ром.шка",
        "@romashka.ua олена",
        "olena@ шев",
    ];
    for q in queries {
        let r = ix.search(q, None, 10);
        assert!(r.is_ok(), "{q:?}: {r:?}");
    }
    assert!(ix.search("", None, 10).expect("empty").is_empty());
    assert!(ix.search("  \t ", None, 10).expect("blank").is_empty());
    assert!(ix.search("*", None, 10).expect("star").is_empty());
    assert_finds(&ix, "-олена", 1);
    assert_finds(&ix, "\"олена\"", 1);
    assert_finds(&ix, "😀 олена", 1);
    assert_finds(&ix, "@romashka.ua олена", 1);
}

#[test]
fn doc_kind_strings() {
    for k in DocKind::ALL {
        assert_eq!(k.as_str().parse::<DocKind>().expect("parse"), *k);
    }
    assert!("person".parse::<DocKind>().is_err());
    assert_eq!(
        serde_json::to_string(&DocKind::Company).expect("json"),
        "\"company\""
    );
}

/// Rough timing on 100k synthetic documents:
/// `cargo test --release -- --ignored --nocapture timing_100k`.
#[test]
#[ignore]
fn timing_100k() {
    const FIRST: [&str; 12] = [
        "Олена",
        "Олександр",
        "Ірина",
        "Андрій",
        "Марія",
        "Дмитро",
        "Наталія",
        "Сергій",
        "Olena",
        "Taras",
        "Юлія",
        "Михайло",
    ];
    const LAST: [&str; 12] = [
        "Шевченко",
        "Коваленко",
        "Бондаренко",
        "Ткаченко",
        "Кравченко",
        "Мельник",
        "Бойко",
        "Ковальчук",
        "Shevchenko",
        "Lysenko",
        "Поліщук",
        "Савченко",
    ];
    const WORDS: [&str; 8] = [
        "менеджер",
        "директор",
        "Київ",
        "Львів",
        "поставка",
        "обладнання",
        "склад",
        "бухгалтер",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let (ix, _) = SearchIndex::open(dir.path()).expect("open");
    let n: u64 = 100_000;
    let start = Instant::now();
    let mut batch = Vec::new();
    for i in 0..n {
        let first = FIRST[(i % 12) as usize];
        let last = LAST[((i / 12) % 12) as usize];
        let unique = format!("Клієнт{i}");
        let kind = DocKind::ALL[(i % 4) as usize];
        batch.push(IndexOp::Upsert(SearchDoc {
            kind,
            id: i,
            title: format!("{first} {last}"),
            subtitle: format!("ТОВ Компанія {} · +38 067 {:07}", i % 1000, i),
            names: vec![first.into(), last.into(), unique],
            phones: vec![format!("+38 (067) {:07}", i)],
            emails: vec![format!("user{i}@firma{}.ua", i % 1000)],
            text: vec![
                WORDS[(i % 8) as usize].into(),
                WORDS[((i / 8) % 8) as usize].into(),
            ],
            owner_ids: vec![i % 20],
        }));
        if batch.len() == 10_000 {
            ix.apply(std::mem::take(&mut batch), i).expect("apply");
        }
    }
    println!("indexed {n} docs in {:?}", start.elapsed());
    assert_eq!(ix.num_docs(), n);
    let queries = [
        "олена",
        "олен",
        "о",
        "shev",
        "шевчинко",
        "Olena Shevchenko",
        "клієнт12345",
        "0670012345",
        "user777@firma777.ua",
        "firma7",
        "менеджер київ",
        "олена ромашка",
        "zzzzzz",
    ];
    for q in queries {
        let runs = 20;
        let start = Instant::now();
        let mut count = 0;
        for _ in 0..runs {
            count = ix.search(q, None, 20).expect("search").len();
        }
        println!(
            "{q:>24}: {:>8.2?} per search ({count} hits)",
            start.elapsed() / runs
        );
    }
}

/// The tiered run (one word: best tier first, stop at the limit) gives the same hits, in the
/// same order and with the same scores, as scoring every match — over several segments, with
/// deletions, with and without a kind filter, and at limits below and above the match count.
#[test]
fn tiers_give_the_same_hits_as_scoring_every_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ix, _) = SearchIndex::open(dir.path()).expect("open");
    let first = ["Олена", "Оксана", "Olena", "Олег", "Ірина"];
    let last = ["Шевченко", "Шевчук", "Shevchenko", "Коваленко", "Ковальчук"];
    let mut seq = 0;
    for round in 0..3u64 {
        // Three commits: three segments.
        let ops = (0..40u64)
            .map(|i| {
                let id = round * 100 + i;
                let kind = if i % 7 == 0 {
                    DocKind::Company
                } else {
                    DocKind::Contact
                };
                IndexOp::Upsert(SearchDoc {
                    phones: vec![format!("+38 (067) 12{:01}-45-{:02}", i % 3, i)],
                    emails: vec![format!("user{}.{}@example.com", i % 5, round)],
                    ..doc(
                        kind,
                        id,
                        &[first[(i % 5) as usize], last[((i / 5) % 5) as usize]],
                    )
                })
            })
            .collect();
        seq += 1;
        ix.apply(ops, seq).expect("apply");
    }
    seq += 1;
    ix.apply(
        (0..10u64)
            .map(|i| IndexOp::Delete {
                kind: DocKind::Contact,
                id: 100 + i,
            })
            .collect(),
        seq,
    )
    .expect("delete");
    let scored = |q: &str, kinds: Option<&[DocKind]>, limit: usize| {
        let mut query = query::build(&ix.fields, q).expect("a query");
        if let Some(kinds) = kinds {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            query = query::filter_kinds(query, ix.fields.kind, &names);
        }
        ix.run(query.as_ref(), limit).expect("search")
    };
    for q in [
        "Шевч",
        "шевченко",
        "Шевченка",
        "shev",
        "Olen",
        "олена",
        "Ковал",
        "12045",
        "0671204501",
        "user1",
        "example",
        "Оле",
        "o",
    ] {
        assert!(query::tiers(&ix.fields, q).is_some(), "{q:?} runs in tiers");
        for kinds in [None, Some(&[DocKind::Contact][..])] {
            for limit in [1, 5, 20, 100] {
                assert_eq!(
                    ix.search(q, kinds, limit).expect("search"),
                    scored(q, kinds, limit),
                    "{q:?}, {kinds:?}, limit {limit}"
                );
            }
        }
    }
    assert!(query::tiers(&ix.fields, "Олена Шевч").is_none());
    assert!(query::tiers(&ix.fields, "067 120 45 01").is_none());
    // A word with `@` is an e-mail only, so it is one word of one kind: tiers take it.
    assert!(query::tiers(&ix.fields, "user2.1@example.com").is_some());

    // Several words, or a word of several sub-words: combinations best first (`run_plan`)
    // give the same hits, order and scores as scoring every match.
    // Both ways of running a plan: combinations best first (when within their budget) and
    // scoring every document matching all words.
    let planned = |q: &str, kinds: Option<&[DocKind]>, limit: usize| {
        let mut plan = query::plan(&ix.fields, q).expect("a plan");
        if let Some(kinds) = kinds {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            plan.require(query::any_kind(ix.fields.kind, &names));
        }
        let searcher = ix.reader.searcher();
        let fresh = || plan.leaves.iter().map(|_| None).collect::<Vec<_>>();
        let combined = ix
            .combinations(&searcher, &plan, limit, &mut fresh())
            .expect("combinations")
            .map(|top| ix.load_hits(&searcher, top).expect("hits"));
        let all = ix
            .score_all(&searcher, &plan, &mut fresh(), limit)
            .expect("score all");
        (combined, ix.load_hits(&searcher, all).expect("hits"))
    };
    let mut combined_runs = 0;
    let mut some_found = 0;
    for q in [
        "Олена Шевч",
        "оле шев",
        "шев оле",
        "olena shevchenko",
        "Olen Shevch",
        "Олена user1",
        "user1.0",
        "example.com",
        "Ковал Оле",
        "Олега Шевчинко",
        "Оксана Kovalenko",
        "олена зебра",
        "o o",
        "o s",
    ] {
        for kinds in [None, Some(&[DocKind::Contact][..])] {
            for limit in [1, 5, 20, 100] {
                let expected = scored(q, kinds, limit);
                some_found += usize::from(!expected.is_empty());
                let (combined, all) = planned(q, kinds, limit);
                assert_eq!(
                    all, expected,
                    "scoring all: {q:?}, {kinds:?}, limit {limit}"
                );
                if let Some(combined) = combined {
                    combined_runs += 1;
                    assert_eq!(
                        combined, expected,
                        "combined: {q:?}, {kinds:?}, limit {limit}"
                    );
                }
                assert_eq!(
                    ix.search(q, kinds, limit).expect("search"),
                    expected,
                    "{q:?}, {kinds:?}, limit {limit}"
                );
            }
        }
    }
    assert!(some_found > 80, "the queries find something: {some_found}");
    assert!(
        combined_runs > 40,
        "most plans finish as combinations: {combined_runs} of 112"
    );
}

/// A full e-mail finds its owner first: its letters are not also matched as names, where
/// "olena" and "shevchenko" would rank a namesake with another address above it.
#[test]
fn a_whole_email_ranks_its_owner_first() {
    let (_d, ix) = index();
    let namesake = SearchDoc {
        emails: vec!["o.shevchenko@romashka.ua".into()],
        text: vec!["romashka ua".into()],
        ..doc(DocKind::Contact, 40, &["Олена", "Шевченко"])
    };
    ix.apply(vec![IndexOp::Upsert(namesake)], 2).expect("apply");
    let hits = ids(&ix, "olena.shevchenko@romashka.ua");
    assert_eq!(hits, vec![(DocKind::Contact, 1)]);
    assert_eq!(
        ids(&ix, "o.shevchenko@romashka.ua"),
        vec![(DocKind::Contact, 40)]
    );
    assert_eq!(ids(&ix, "@romashka.ua").len(), 2);
}
