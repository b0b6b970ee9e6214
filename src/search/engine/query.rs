//! Builds tantivy queries from raw user input without tantivy's `QueryParser`,
//! so no input can be a syntax error.
//!
//! Rules:
//! - the input is split at whitespace into at most [`MAX_QUERY_WORDS`] words;
//!   words without any letter or digit (`"`, `*`, `-`, emoji…) are ignored;
//! - every word must match (AND); a word matches if any of its alternatives
//!   does (the best alternative gives the word's score):
//!   phone suffix, e-mail term (exact or prefix), or — for each of the word's
//!   sub-words (split at punctuation, all required) — a name (exact, prefix,
//!   1 typo; original script and ASCII-folded) or a text word (exact, prefix);
//!   a word with `@` is an e-mail and matches only as one;
//! - if the whole input looks like a phone number ("067 123 45 67"), its joined
//!   digits are also looked up as one phone;
//! - scores are constants per kind of match, so an exact name match always
//!   ranks above a prefix match, which ranks above a typo match.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::Fields;
use super::analysis::{MAX_EMAIL_BYTES, PhoneQuery, Word, as_phone_query, fold_word, words};

/// Words of the query beyond this many are ignored.
pub(crate) const MAX_QUERY_WORDS: usize = 16;
/// Typos (edit distance 1) are allowed only for words of at least this many chars.
const MIN_FUZZY_CHARS: usize = 4;
/// A typo in a word still being typed (fuzzy prefix) needs this many chars.
const MIN_FUZZY_PREFIX_CHARS: usize = 5;

// Score of each kind of match (the best one per word counts; words add up). All are sums of
// powers of two, so adding them up is exact in any order (the combination run in `plan` and
// tantivy's scoring then agree to the bit).
const W_PHONE: f32 = 10.0;
/// A phone found by its key only: the same number with another prefix (see `PhoneQuery`).
const W_PHONE_KEY: f32 = 9.5;
const W_NAME_EXACT: f32 = 10.0;
const W_FOLD_EXACT: f32 = 9.0;
const W_EMAIL_EXACT: f32 = 9.0;
const W_NAME_PREFIX: f32 = 6.0;
const W_FOLD_PREFIX: f32 = 5.0;
const W_EMAIL_PREFIX: f32 = 5.0;
const W_TEXT_EXACT: f32 = 4.0;
const W_TEXT_FOLD_EXACT: f32 = 3.5;
const W_NAME_FUZZY: f32 = 3.0;
const W_FOLD_FUZZY: f32 = 2.5;
const W_TEXT_PREFIX: f32 = 2.0;
const W_TEXT_FOLD_PREFIX: f32 = 1.75;
const W_NAME_FUZZY_PREFIX: f32 = 1.5;
const W_FOLD_FUZZY_PREFIX: f32 = 1.25;

type BoxQuery = Box<dyn Query>;

/// Builds the query for raw user input. `None` means nothing can match
/// (empty input, only punctuation, or a word that can never be in the index).
pub(crate) fn build(f: &Fields, input: &str) -> Option<BoxQuery> {
    let mut required: Vec<BoxQuery> = Vec::new();
    for raw in input.split_whitespace().take(MAX_QUERY_WORDS) {
        if !raw.chars().any(char::is_alphanumeric) {
            continue;
        }
        // A real word that cannot match anything: the AND cannot match.
        required.push(word_query(f, raw)?);
    }
    let words_q: Option<BoxQuery> = match required.len() {
        0 => None,
        1 => required.pop(),
        _ => Some(Box::new(BooleanQuery::intersection(required))),
    };
    // "067 123 45 67": the whole input is one phone.
    let whole_phone = input
        .contains(char::is_whitespace)
        .then(|| as_phone_query(input.trim()))
        .flatten()
        .map(|p| {
            let mut alts: Vec<BoxQuery> = phone_alternatives(f, &p)
                .into_iter()
                .map(|(w, q)| constant(q, w))
                .collect();
            match alts.len() {
                1 => alts.remove(0),
                _ => Box::new(DisjunctionMaxQuery::new(alts)) as BoxQuery,
            }
        });
    match (words_q, whole_phone) {
        (Some(w), Some(p)) => Some(Box::new(BooleanQuery::union(vec![w, p]))),
        (w, p) => w.or(p),
    }
}

/// [`plan`] as tiers when it is one (see [`Plan::into_tiers`]).
#[cfg(test)]
pub(crate) fn tiers(f: &Fields, input: &str) -> Option<Vec<(f32, BoxQuery)>> {
    plan(f, input)?.into_tiers().ok()
}

/// Alternatives grouped by weight, best first: one query (a union if several) per weight.
fn grouped(mut alts: Vec<(f32, BoxQuery)>) -> Vec<(f32, BoxQuery)> {
    alts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<(f32, Vec<BoxQuery>)> = Vec::new();
    for (w, q) in alts {
        match out.last_mut() {
            Some((lw, qs)) if *lw == w => qs.push(q),
            _ => out.push((w, vec![q])),
        }
    }
    out.into_iter()
        .map(|(w, mut qs)| {
            let q: BoxQuery = if qs.len() == 1 {
                qs.remove(0)
            } else {
                Box::new(BooleanQuery::union(qs))
            };
            (w, q)
        })
        .collect()
}

/// Most choices one word of several sub-words may expand to (their tiers multiplied);
/// a word beyond it is left to [`build`].
const MAX_WORD_CHOICES: usize = 512;

/// [`build`]'s query as combinations: each word is a dimension listing its choices best first, a choice being a weight and the leaves a document
/// must all match; a document's score is the sum over the words of the weight of the best
/// choice it matches — what [`build`] scores. The caller runs combinations of one choice per
/// word in descending total and stops at the limit (see `SearchIndex::run_plan`).
/// `None` for inputs left to [`build`]: nothing to search, a whole-input phone number, or a
/// word with too many choices.
pub(crate) fn plan(f: &Fields, input: &str) -> Option<Plan> {
    if input.contains(char::is_whitespace) && as_phone_query(input.trim()).is_some() {
        return None;
    }
    let mut plan = Plan {
        leaves: Vec::new(),
        dims: Vec::new(),
    };
    for raw in input.split_whitespace().take(MAX_QUERY_WORDS) {
        if !raw.chars().any(char::is_alphanumeric) {
            continue;
        }
        let subs = sub_words(raw);
        let mut alts = word_alternatives(f, raw);
        if let [w] = subs.as_slice() {
            alts.extend(sub_word_alternatives(f, w));
        }
        let mut choices: Vec<Choice> = grouped(alts)
            .into_iter()
            .map(|(weight, q)| Choice {
                weight,
                leaves: vec![plan.leaf(q)],
            })
            .collect();
        if subs.len() > 1 {
            let tiers: Vec<Vec<(f32, usize)>> = subs
                .iter()
                .map(|w| {
                    grouped(sub_word_alternatives(f, w))
                        .into_iter()
                        .map(|(weight, q)| (weight, plan.leaf(q)))
                        .collect()
                })
                .collect();
            if tiers.iter().map(Vec::len).product::<usize>() > MAX_WORD_CHOICES {
                return None;
            }
            let mut combos = vec![Choice {
                weight: 0.0,
                leaves: Vec::new(),
            }];
            for tier in &tiers {
                combos = combos
                    .iter()
                    .flat_map(|c| {
                        tier.iter().map(move |&(w, leaf)| Choice {
                            weight: c.weight + w,
                            leaves: c.leaves.iter().copied().chain([leaf]).collect(),
                        })
                    })
                    .collect();
            }
            choices.extend(combos);
        }
        if choices.is_empty() {
            return None;
        }
        choices.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        plan.dims.push(choices);
    }
    (!plan.dims.is_empty()).then_some(plan)
}

/// See [`plan`].
pub(crate) struct Plan {
    /// The queries choices refer to, each run at most once per search.
    pub leaves: Vec<Leaf>,
    /// One list per word, best choice first.
    pub dims: Vec<Vec<Choice>>,
}

impl Plan {
    /// The plan as tiers of equal score, best first, when it is one word whose choices are one
    /// query each (a name, a prefix, a phone, an e-mail or a piece of one): a document's score
    /// is then the weight of the best tier it matches, so the top hits are the first documents
    /// of the best tiers in index order — what [`build`]'s top-N gives too (ties go to the lower
    /// document address) — without reading every match of a common prefix
    /// (`SearchIndex::run_tiers`). Otherwise the plan back (several words add their scores up;
    /// a word of several sub-words needs them all).
    pub fn into_tiers(self) -> Result<Vec<(f32, BoxQuery)>, Plan> {
        if self.dims.len() != 1 || self.dims[0].iter().any(|c| c.leaves.len() != 1) {
            return Err(self);
        }
        let mut queries: Vec<Option<BoxQuery>> =
            self.leaves.into_iter().map(|l| Some(l.query)).collect();
        Ok(self
            .dims
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c.weight, queries[c.leaves[0]].take()?)))
            .collect())
    }

    fn leaf(&mut self, query: BoxQuery) -> usize {
        let cheap = is_terms(query.as_ref());
        self.leaves.push(Leaf { query, cheap });
        self.leaves.len() - 1
    }

    /// Adds a dimension every combination must match, adding nothing to the score
    /// (e.g. the kinds asked for).
    pub fn require(&mut self, query: BoxQuery) {
        let leaf = self.leaf(query);
        self.dims.push(vec![Choice {
            weight: 0.0,
            leaves: vec![leaf],
        }]);
    }
}

pub(crate) struct Leaf {
    pub query: BoxQuery,
    /// Only exact terms (reading it costs a term lookup per segment and its postings).
    pub cheap: bool,
}

pub(crate) struct Choice {
    pub weight: f32,
    /// Indexes into [`Plan::leaves`]; a document matches the choice if it matches all.
    pub leaves: Vec<usize>,
}

/// A term query, or a union of term queries.
fn is_terms(q: &dyn Query) -> bool {
    if q.downcast_ref::<TermQuery>().is_some() {
        return true;
    }
    q.downcast_ref::<BooleanQuery>().is_some_and(|b| {
        b.clauses()
            .iter()
            .all(|(occur, c)| *occur == Occur::Should && is_terms(c.as_ref()))
    })
}

/// The sub-words a word is matched by over names and text: none for a word with `@`, which is
/// an e-mail (or a piece of one) and matches as such — its letters are not a person's name.
fn sub_words(raw: &str) -> Vec<Word> {
    if raw.contains('@') {
        Vec::new()
    } else {
        words(raw)
    }
}

/// A phone's alternatives: its digits as typed, then its key (the same number spelled with
/// another country code or trunk prefix), with their weights.
fn phone_alternatives(f: &Fields, p: &PhoneQuery) -> Vec<(f32, BoxQuery)> {
    let mut alts = vec![(W_PHONE, exact(f.phones, &p.digits))];
    if p.key != p.digits {
        alts.push((W_PHONE_KEY, exact(f.phones, &p.key)));
    }
    alts
}

/// A word's phone and e-mail alternatives, with their weights.
fn word_alternatives(f: &Fields, raw: &str) -> Vec<(f32, BoxQuery)> {
    let mut alts: Vec<(f32, BoxQuery)> = Vec::new();
    if let Some(p) = as_phone_query(raw) {
        alts.extend(phone_alternatives(f, &p));
    }
    let email = raw
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if !email.is_empty() && email.len() <= MAX_EMAIL_BYTES {
        alts.push((W_EMAIL_EXACT, exact(f.emails, &email)));
        alts.push((W_EMAIL_PREFIX, prefix(f.emails, &email)));
    }
    alts
}

/// Alternatives for one whitespace-separated word; `None` if none is possible.
fn word_query(f: &Fields, raw: &str) -> Option<BoxQuery> {
    let mut alts: Vec<BoxQuery> = word_alternatives(f, raw)
        .into_iter()
        .map(|(w, q)| constant(q, w))
        .collect();
    let sub: Vec<BoxQuery> = sub_words(raw)
        .iter()
        .map(|w| sub_word_query(f, w))
        .collect();
    match sub.len() {
        0 => {}
        1 => alts.extend(sub),
        _ => alts.push(Box::new(BooleanQuery::intersection(sub))),
    }
    match alts.len() {
        0 => None,
        1 => alts.pop(),
        _ => Some(Box::new(DisjunctionMaxQuery::new(alts))),
    }
}

/// Alternatives for one sub-word (letters/digits only, lowercased) over the
/// names and text fields.
fn sub_word_query(f: &Fields, w: &Word) -> BoxQuery {
    Box::new(DisjunctionMaxQuery::new(
        sub_word_alternatives(f, w)
            .into_iter()
            .map(|(w, q)| constant(q, w))
            .collect(),
    ))
}

/// The alternatives of [`sub_word_query`], with their weights.
fn sub_word_alternatives(f: &Fields, w: &Word) -> Vec<(f32, BoxQuery)> {
    let orig = w.text.as_str();
    let folded = fold_word(orig);
    // Typos are judged on the term they apply to: folding may shorten a word
    // ("zzzzzz" → "z"). Words with digits (codes, numbers) get no typos.
    let has_digit = orig.chars().any(|c| c.is_ascii_digit());
    let typos = |len: usize| {
        (
            !has_digit && len >= MIN_FUZZY_CHARS,
            !has_digit && len >= MIN_FUZZY_PREFIX_CHARS,
        )
    };
    let (fuzzy, fuzzy_prefix) = typos(orig.chars().count());
    let (fold_fuzzy, fold_fuzzy_prefix) = typos(folded.len());

    let mut alts: Vec<(f32, BoxQuery)> = vec![
        (W_NAME_EXACT, exact(f.names, orig)),
        (W_NAME_PREFIX, prefix(f.names, orig)),
        (W_TEXT_EXACT, exact(f.text, orig)),
        (W_TEXT_PREFIX, prefix(f.text, orig)),
    ];
    if fuzzy {
        alts.push((W_NAME_FUZZY, typo(f.names, orig)));
    }
    if fuzzy_prefix {
        alts.push((W_NAME_FUZZY_PREFIX, typo_prefix(f.names, orig)));
    }
    if !folded.is_empty() {
        alts.push((W_FOLD_EXACT, exact(f.names_fold, &folded)));
        alts.push((W_FOLD_PREFIX, prefix(f.names_fold, &folded)));
        if fold_fuzzy {
            alts.push((W_FOLD_FUZZY, typo(f.names_fold, &folded)));
        }
        if fold_fuzzy_prefix {
            alts.push((W_FOLD_FUZZY_PREFIX, typo_prefix(f.names_fold, &folded)));
        }
        if folded != orig {
            alts.push((W_TEXT_FOLD_EXACT, exact(f.text, &folded)));
            alts.push((W_TEXT_FOLD_PREFIX, prefix(f.text, &folded)));
        }
    }
    alts
}

fn constant(q: BoxQuery, score: f32) -> BoxQuery {
    Box::new(ConstScoreQuery::new(q, score))
}

fn exact(field: Field, text: &str) -> BoxQuery {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn prefix(field: Field, text: &str) -> BoxQuery {
    Box::new(FuzzyTermQuery::new_prefix(
        Term::from_field_text(field, text),
        0,
        false,
    ))
}

/// One edit (insertion, deletion, substitution or transposition).
fn typo(field: Field, text: &str) -> BoxQuery {
    Box::new(FuzzyTermQuery::new(
        Term::from_field_text(field, text),
        1,
        true,
    ))
}

/// A term starting with something one edit away from `text`.
fn typo_prefix(field: Field, text: &str) -> BoxQuery {
    Box::new(FuzzyTermQuery::new_prefix(
        Term::from_field_text(field, text),
        1,
        true,
    ))
}

/// Documents of any of the given kind terms.
pub(crate) fn any_kind(kind_field: Field, kinds: &[&str]) -> BoxQuery {
    Box::new(BooleanQuery::union(
        kinds.iter().map(|k| exact(kind_field, k)).collect(),
    ))
}

/// Restricts `q` to documents of the given kind terms (no effect on scores).
pub(crate) fn filter_kinds(q: BoxQuery, kind_field: Field, kinds: &[&str]) -> BoxQuery {
    let filter = constant(any_kind(kind_field, kinds), 0.0);
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, q),
        (Occur::Must, filter),
    ]))
}
