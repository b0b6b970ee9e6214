//! The architecture test: which module may import which. It reads every `crate::…` path in
//! `src/` (outside test modules) and compares the imported top-level module with the table
//! below, so an import that goes upwards or sideways fails here with the reason. The table is
//! the one drawn in docs/DESIGN.md ("Layers and areas").

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// Module → the modules it may import (besides itself), and why the line is drawn there.
/// Modules not listed here (the wiring at the top: `app`, `cli`, `demo`, `check`, `main`)
/// may import anything below them, but nothing may import them except the top itself.
const ALLOWED: &[(&str, &[&str])] = &[
    // The bottom: no area, no domain.
    ("error", &[]),
    ("clock", &[]),
    ("paths", &[]),
    ("validate", &["error"]),
    // The one paging scheme (opaque keyset cursors) every list uses.
    ("cursor", &["error"]),
    ("store", &["error", "clock"]),
    // Search is derived data: it indexes documents the areas hand it (`search::Documents`),
    // and filters what it finds by the access policy; it knows no crm or work record.
    ("search", &["access", "store", "error", "validate", "clock"]),
    // Access decides who may do what from plain facts; it knows no crm or work record.
    ("access", &["store", "error", "validate", "clock"]),
    // CRM asks access, writes the store, and describes its records to search.
    (
        "crm",
        &[
            "access", "store", "search", "error", "validate", "clock", "cursor",
        ],
    ),
    // Work hangs off CRM records (targets) and hears CRM changes through store events.
    (
        "work",
        &[
            "crm", "access", "store", "search", "error", "validate", "clock", "cursor",
        ],
    ),
    // Moving data in and out reads every area's records.
    (
        "io",
        &[
            "work", "crm", "access", "store", "search", "error", "validate", "clock", "paths",
            "cursor",
        ],
    ),
    // HTTP is thin: it decodes, calls one use case, maps the result.
    (
        "http",
        &[
            "app", "io", "work", "crm", "access", "store", "search", "error", "validate", "clock",
            "paths", "cursor",
        ],
    ),
];

/// Why an edge is refused, for the failure message.
fn reason(from: &str, to: &str) -> &'static str {
    match (from, to) {
        ("crm", "work") => {
            "the feed hears crm through store events (tx.emit), crm never calls work"
        }
        ("search", _) => "search builds documents through the interface the areas implement",
        ("access", _) => "access decides from plain facts the areas hand it",
        ("store", _) => "the store is generic: it knows no area",
        (_, "app") | (_, "cli") => "the wiring at the top is imported by nobody below it",
        (_, "http") => "nothing below http knows HTTP",
        _ => "see the table in src/architecture.rs and docs/DESIGN.md",
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` modules (tests may reach
/// across areas to set up a scene; the product code may not).
fn product_code(src: &str) -> String {
    let mut out = String::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // Skip the item that follows: up to the matching closing brace, or one line.
            let mut depth = 0i32;
            let mut opened = false;
            for l in lines.by_ref() {
                let code = l.split("//").next().unwrap_or("");
                depth += code.matches('{').count() as i32;
                depth -= code.matches('}').count() as i32;
                opened |= code.contains('{');
                if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" //").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// The top-level modules a piece of code names through `crate::` (in `use` lines, grouped
/// `use crate::{a, b::c}` lists and inline paths).
fn imported(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let s = rest.trim_start();
        if let Some(group) = s.strip_prefix('{') {
            // Top-level items of the group: split at commas outside nested braces.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == '_') => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if depth == 0 {
                            out.insert(name);
                        }
                    }
                    c if !c.is_whitespace() => item_start = false,
                    _ => {}
                }
            }
        } else {
            let name = ident(s);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every (from, to, file) edge that the table refuses.
fn violations(src_dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src_dir, &mut files);
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src_dir).unwrap_or(&f);
        let first = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == first) else {
            continue; // the top (app, cli, demo, check, lib, main, bin)
        };
        let Ok(src) = fs::read_to_string(&f) else {
            bad.push(format!("{}: unreadable", rel.display()));
            continue;
        };
        for to in imported(&product_code(&src)) {
            if to == first || to == "self" || allowed.contains(&to.as_str()) {
                continue;
            }
            bad.push(format!(
                "{first} → {to} is not allowed ({}): {}",
                reason(&first, &to),
                rel.display()
            ));
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_follow_the_table_of_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let bad = violations(&src);
        assert!(
            bad.is_empty(),
            "imports against the layers:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn the_reader_sees_grouped_inline_and_plain_imports_but_not_tests() {
        let code = product_code(
            "use crate::{\n    access::{User, policy},\n    store::{self, Tx},\n};\n\
             use crate::error::Result;\n\
             fn f() { crate::work::feed::record(); } // crate::http in a comment\n\
             #[cfg(test)]\nmod tests {\n    use crate::io::x;\n    fn g() { let a = {1}; }\n}\n\
             fn h() { crate::search::x(); }\n",
        );
        let got: Vec<String> = imported(&code).into_iter().collect();
        assert_eq!(got, ["access", "error", "search", "store", "work"]);
    }

    #[test]
    fn an_upward_import_is_reported_with_its_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let crm = dir.path().join("crm");
        fs::create_dir_all(&crm).expect("mkdir");
        fs::write(
            crm.join("deals.rs"),
            "use crate::work::feed;\nuse crate::store::Tx;\n",
        )
        .expect("write");
        let bad = violations(dir.path());
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(
            bad[0].starts_with("crm → work is not allowed"),
            "{}",
            bad[0]
        );
    }
}
