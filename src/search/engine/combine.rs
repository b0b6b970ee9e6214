//! Runs a [`Plan`]: combinations of one choice per word, in descending total weight, each the
//! intersection of its leaves' documents, stopping once the limit is reached and no later
//! combination can tie. The hits, their order and scores are those of scoring every match of
//! [`query::build`](super::query::build) and keeping the top `limit` (ties to the lower document
//! address) — a test compares them — but "Оле Шев" over a million contacts reads the documents
//! of the prefixes it needs, not all of them with every alternative scored.
//!
//! Each leaf is read once per search into a bitset per segment (tantivy's automaton queries
//! build such a bitset anyway); a combination is the AND of its leaves' bitsets, read until it
//! gives `limit` new documents. When the best combinations do not fill the page after a few
//! intersections (few documents match), every leaf is read and the documents matching all words
//! are scored from the bitsets.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

use tantivy::query::EnableScoring;
use tantivy::{DocAddress, Searcher};

use super::query::Plan;
use super::{Context, SearchError, SearchIndex};

/// Most combinations intersected before scoring every match instead: past this many, few
/// documents match each one (say "Оксана Коваленко" in a real office: a handful of matches,
/// spread over a hundred combinations of exact, prefix, typo and transliterated forms), and
/// scoring the documents that match every word at once is cheaper.
const MAX_INTERSECTIONS: usize = 8;
/// Most combinations looked at (most are skipped at once, because a leaf matches nothing).
const MAX_COMBINATIONS: usize = 2048;

/// A combination waiting in the heap: its total and the index of the choice taken per word.
struct Pending {
    total: f32,
    picks: Vec<usize>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        self.total
            .total_cmp(&other.total)
            .then_with(|| other.picks.cmp(&self.picks))
    }
}

/// A leaf's documents: one bitset per segment, and whether it has any.
pub(super) struct Docs {
    bits: Vec<Vec<u64>>,
    any: bool,
}

impl SearchIndex {
    /// The top `limit` (score, address) pairs of `plan`, best first.
    pub(super) fn run_plan(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let mut docs: Vec<Option<Docs>> = plan.leaves.iter().map(|_| None).collect();
        match self.combinations(searcher, plan, limit, &mut docs)? {
            Some(top) => Ok(top),
            None => self.score_all(searcher, plan, &mut docs, limit),
        }
    }

    /// The combinations best first, stopping at the limit; `None` past the budgets.
    pub(super) fn combinations(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        limit: usize,
        docs: &mut [Option<Docs>],
    ) -> Result<Option<Vec<(f32, DocAddress)>>, SearchError> {
        let mut found: Vec<(f32, DocAddress)> = Vec::new();
        let mut seen: HashSet<DocAddress> = HashSet::new();
        let mut queued: HashSet<Vec<usize>> = HashSet::new();
        let mut heap = BinaryHeap::new();
        let start = vec![0; plan.dims.len()];
        heap.push(Pending {
            total: total(plan, &start),
            picks: start.clone(),
        });
        queued.insert(start);
        let (mut looked, mut intersected) = (0, 0);
        while let Some(Pending { total: sum, picks }) = heap.pop() {
            if found.len() >= limit && sum < found[limit - 1].0 {
                break;
            }
            looked += 1;
            if looked > MAX_COMBINATIONS {
                return Ok(None);
            }
            for dim in 0..picks.len() {
                if picks[dim] + 1 < plan.dims[dim].len() {
                    let mut next = picks.clone();
                    next[dim] += 1;
                    if queued.insert(next.clone()) {
                        heap.push(Pending {
                            total: total(plan, &next),
                            picks: next,
                        });
                    }
                }
            }
            let mut leaves: Vec<usize> = picks
                .iter()
                .enumerate()
                .flat_map(|(dim, &pick)| plan.dims[dim][pick].leaves.iter().copied())
                .collect();
            leaves.sort_unstable();
            leaves.dedup();
            // Known-empty leaves first, then the cheap ones: an empty leaf ends the combination
            // before a costly one is read.
            leaves.sort_by_key(|&l| (docs[l].is_none(), !plan.leaves[l].cheap));
            let mut empty = false;
            for &l in &leaves {
                if docs[l].is_none() {
                    docs[l] = Some(self.leaf_docs(searcher, plan, l)?);
                }
                if docs[l].as_ref().is_some_and(|d| !d.any) {
                    empty = true;
                    break;
                }
            }
            if empty {
                continue;
            }
            intersected += 1;
            if intersected > MAX_INTERSECTIONS {
                return Ok(None);
            }
            let sets: Vec<&Docs> = leaves.iter().filter_map(|&l| docs[l].as_ref()).collect();
            take_common(searcher, &sets, sum, limit, &mut seen, &mut found);
        }
        Ok(Some(best(found, limit)))
    }

    /// Scores every document that matches all words: for each, the sum over the words of the
    /// weight of the best choice it matches (every leaf read).
    pub(super) fn score_all(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        docs: &mut [Option<Docs>],
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        for (leaf, slot) in docs.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some(self.leaf_docs(searcher, plan, leaf)?);
            }
        }
        let docs: Vec<&Docs> = docs.iter().filter_map(Option::as_ref).collect();
        let has = |leaf: usize, ord: usize, doc: usize| {
            docs[leaf].bits[ord][doc / 64] >> (doc % 64) & 1 == 1
        };
        let mut found = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            let words = docs.iter().map(|d| d.bits[ord].len()).min().unwrap_or(0);
            for i in 0..words {
                // The documents of this 64-block that match every word (some choice of each).
                let mut all = u64::MAX;
                for dim in &plan.dims {
                    let any = dim.iter().fold(0, |any, choice| {
                        any | choice
                            .leaves
                            .iter()
                            .fold(u64::MAX, |w, &l| w & docs[l].bits[ord][i])
                    });
                    all &= any;
                    if all == 0 {
                        break;
                    }
                }
                while all != 0 {
                    let doc = i * 64 + all.trailing_zeros() as usize;
                    all &= all - 1;
                    if alive.is_some_and(|a| !a.is_alive(doc as u32)) {
                        continue;
                    }
                    let score: f32 = plan
                        .dims
                        .iter()
                        .map(|dim| {
                            dim.iter()
                                .find(|c| c.leaves.iter().all(|&l| has(l, ord, doc)))
                                .map_or(0.0, |c| c.weight)
                        })
                        .sum();
                    found.push((score, DocAddress::new(ord as u32, doc as u32)));
                }
            }
        }
        Ok(best(found, limit))
    }

    /// Reads a leaf's documents into bitsets.
    fn leaf_docs(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        leaf: usize,
    ) -> Result<Docs, SearchError> {
        let weight = plan.leaves[leaf]
            .query
            .weight(EnableScoring::disabled_from_searcher(searcher))
            .ctx("preparing search query")?;
        let mut any = false;
        let mut bits = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let mut set = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
            weight
                .for_each_no_score(segment, &mut |block| {
                    for &doc in block {
                        set[doc as usize / 64] |= 1 << (doc % 64);
                    }
                    any |= !block.is_empty();
                })
                .ctx("running search query")?;
            bits.push(set);
        }
        Ok(Docs { bits, any })
    }
}

/// The top `limit`, best score first, ties to the lower address (as tantivy's `TopDocs`).
fn best(mut found: Vec<(f32, DocAddress)>, limit: usize) -> Vec<(f32, DocAddress)> {
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found.truncate(limit);
    found
}

fn total(plan: &Plan, picks: &[usize]) -> f32 {
    picks
        .iter()
        .enumerate()
        .map(|(dim, &pick)| plan.dims[dim][pick].weight)
        .sum()
}

/// Adds the first `limit` live documents in all `sets`, not seen before, with score `score`.
fn take_common(
    searcher: &Searcher,
    sets: &[&Docs],
    score: f32,
    limit: usize,
    seen: &mut HashSet<DocAddress>,
    found: &mut Vec<(f32, DocAddress)>,
) {
    let mut taken = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let alive = segment.alive_bitset();
        let words = sets.iter().map(|s| s.bits[ord].len()).min().unwrap_or(0);
        for i in 0..words {
            let mut word = sets.iter().fold(u64::MAX, |w, s| w & s.bits[ord][i]);
            while word != 0 {
                let doc = (i * 64) as u32 + word.trailing_zeros();
                word &= word - 1;
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let at = DocAddress::new(ord as u32, doc);
                if seen.insert(at) {
                    found.push((score, at));
                    taken += 1;
                    if taken >= limit {
                        return;
                    }
                }
            }
        }
    }
}
