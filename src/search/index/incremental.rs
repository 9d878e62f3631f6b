//! What an [`IndexCache`](super::IndexCache) keeps between builds, so that a rebuild
//! after a small edit (`serve`) redoes only what the edit can change, and the index
//! files it produces are byte for byte those of a fresh
//! [`build_index_into`](super::build_index_into).
//!
//! Every output depends on the inputs as follows, and the state keeps each
//! intermediate result with stable ids, so that an edit touches only its dependants:
//!
//! * The document numbering and the analysis runs (one municipality's documents, at
//!   most [`CACHE_RUN`] at a time) depend on the sequence of (URL, municipality,
//!   kind) of the sorted documents. When that sequence changes (a page added or
//!   removed, a municipality renamed), everything is rebuilt (unchanged runs keep
//!   their analyses). Otherwise an edited document re-analyses its run only.
//! * A word's compound split depends on the vocabulary, but only on the keys that are
//!   substrings of the word's normalised form (`Vocabulary::split_may_use`): when a
//!   vocabulary key comes or goes, only the words containing it are split again, and
//!   the runs holding a word whose split changed are posted again.
//! * A term's postings are the concatenation of the runs' postings in document order:
//!   a run posted again replaces its document range in the terms it posts (before or
//!   after the edit) whose postings in that range differ.
//! * A stem group's payload depends on its terms' postings; a chunk on its groups'
//!   payloads and its number; the chunk boundaries on the payloads' lengths. Groups
//!   carry a serial number that changes with their payload; a chunk whose number and
//!   groups' serials are the same as before keeps its bytes.
//! * Fragment groups likewise: each document's piece has a serial that changes with
//!   the document, boundaries come from the pieces' lengths.
//! * `meta.js` lists all of it and is made again whenever anything changed.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::{
    Analysis, CACHE_RUN, Emit, FxMap, INDEX_DIR, IndexOptions, META_FILE, NO_TERM, Postings,
    SearchDoc, WordPlan, chunk_file, cut, fragment_file, fragment_piece, js_file, meta_file,
    plan_word, post_analysis, push_json_str, push_postings,
};
use crate::search::text::{Vocabulary, fold, js_cmp, normalize, stem};

type Bytes = Arc<Vec<u8>>;

/// A word's term ([`NO_TERM`] if none) and its compound parts' terms.
type WordTerms = (u32, Box<[u32]>);

/// The index of the last build and everything it was made from.
pub(super) struct State {
    opts: IndexOptions,
    /// The documents, sorted; kept alive so that an unchanged document (the same
    /// `Arc`) is recognised without comparing its text.
    docs: Vec<Arc<SearchDoc>>,
    /// The analysis runs: document ranges, and each run's analysis.
    bounds: Vec<Range<usize>>,
    runs: Vec<Run>,
    /// Every word seen (stable ids; a word no run holds any more stays, dead).
    words: Vec<Word>,
    word_ids: FxMap<Box<str>, u32>,
    /// Per word: its term and its compound parts' terms (as `post_analysis` takes them).
    word_terms: Vec<WordTerms>,
    /// The vocabulary compounds split against, and per key how many live vocabulary
    /// words give it as (normalised word, stem).
    vocab: Vocabulary,
    vocab_keys: FxMap<Box<str>, [u32; 2]>,
    /// Every term seen (stable ids) with its postings (empty when no longer posted).
    terms: Vec<Term>,
    term_ids: FxMap<Box<str>, u32>,
    /// The stem groups with postings, in index (stem) order.
    groups: Vec<Group>,
    chunks: Vec<Chunk>,
    /// Per document: its fragment piece's length and serial.
    pieces: Vec<(usize, u64)>,
    frags: Vec<Frag>,
    meta: Bytes,
    next_serial: u64,
}

struct Run {
    analysis: Analysis,
    /// The analysis' word ids mapped to `State::words`.
    global: Vec<u32>,
}

struct Word {
    text: Box<str>,
    normalized: Box<str>,
    /// How many runs hold the word, and how many as a vocabulary word.
    runs: u32,
    vocab_runs: u32,
    plan: WordPlan,
}

struct Term {
    text: Box<str>,
    fold: Box<str>,
    stem: Box<str>,
    postings: Postings,
}

struct Group {
    stem: Box<str>,
    /// Terms with postings, in (folded, term) order.
    terms: Vec<u32>,
    /// Length of the payload.
    len: usize,
    serial: u64,
}

struct Chunk {
    /// The serials of its groups.
    serials: Box<[u64]>,
    first: Box<str>,
    last: Box<str>,
    hash: String,
    bytes: Bytes,
}

struct Frag {
    /// The serials of its documents' pieces.
    serials: Box<[u64]>,
    hash: String,
    bytes: Bytes,
}

/// The analysis runs of sorted documents: per municipality, at most [`CACHE_RUN`].
pub(super) fn run_bounds(docs: &[Arc<SearchDoc>]) -> Vec<Range<usize>> {
    let mut bounds: Vec<Range<usize>> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let muni = doc.municipality.as_ref().map(|m| &m.0);
        match bounds.last_mut() {
            Some(r)
                if r.len() < CACHE_RUN
                    && docs[r.start].municipality.as_ref().map(|m| &m.0) == muni =>
            {
                r.end = d + 1
            }
            _ => bounds.push(d..d + 1),
        }
    }
    bounds
}

/// Whether two documents have the same analysis (title and section texts).
fn same_text(a: &SearchDoc, b: &SearchDoc) -> bool {
    a.title == b.title
        && a.sections.len() == b.sections.len()
        && a.sections
            .iter()
            .zip(&b.sections)
            .all(|(x, y)| x.heading == y.heading && x.text == y.text)
}

fn analyse(docs: &[Arc<SearchDoc>]) -> Analysis {
    let refs: Vec<&SearchDoc> = docs.iter().map(|d| &**d).collect();
    Analysis::of(&refs)
}

/// Index order of terms within a stem group.
fn in_group_cmp(a: &Term, b: &Term) -> std::cmp::Ordering {
    js_cmp(&a.fold, &b.fold).then_with(|| js_cmp(&a.text, &b.text))
}

/// Strip the `register("<name>",` … `);\n` around a file's payload.
fn payload_of<'a>(bytes: &'a [u8], name: &str) -> &'a str {
    let mut head = String::from("window.lovportalSearch.register(");
    push_json_str(&mut head, name);
    head.push(',');
    let p = bytes
        .strip_prefix(head.as_bytes())
        .and_then(|b| b.strip_suffix(b");\n"))
        .expect("an index file");
    std::str::from_utf8(p).expect("UTF-8")
}

impl State {
    fn serial(&mut self) -> u64 {
        self.next_serial += 1;
        self.next_serial
    }

    fn intern_term(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(t) {
            return id;
        }
        let id = self.terms.len() as u32;
        let f = fold(t);
        self.terms.push(Term {
            text: t.into(),
            stem: stem(&f).into(),
            fold: f.into(),
            postings: Vec::new(),
        });
        self.term_ids.insert(t.into(), id);
        id
    }

    /// The terms a word with this plan posts.
    fn terms_of_plan(&mut self, text: &str, plan: &WordPlan) -> WordTerms {
        if !plan.indexable {
            return (NO_TERM, Box::default());
        }
        let t = self.intern_term(text);
        let parts = plan.parts.iter().map(|p| self.intern_term(p)).collect();
        (t, parts)
    }

    fn group_payload(&self, g: &Group) -> String {
        let mut payload = String::from("[");
        push_json_str(&mut payload, &g.stem);
        for &t in &g.terms {
            let term = &self.terms[t as usize];
            payload.push(',');
            push_json_str(&mut payload, &term.text);
            payload.push_str(",\"");
            let mut prev = 0u32;
            push_postings(&mut payload, &mut prev, &term.postings);
            payload.push('"');
        }
        payload.push(']');
        payload
    }

    /// Build from nothing (but the analyses of `old`'s runs whose documents have the
    /// same text), emitting every file.
    pub(super) fn build(
        docs: Vec<Arc<SearchDoc>>,
        opts: &IndexOptions,
        old: Option<State>,
        emit: &Emit,
    ) -> State {
        let bounds = run_bounds(&docs);
        // Analyses: an old run with the same documents (by text) keeps its analysis.
        type Reusable<'a> = (&'a [Arc<SearchDoc>], Option<Analysis>);
        let mut reuse: FxMap<&str, Vec<Reusable>> = FxMap::default();
        let (old_docs, old_runs, old_words, old_keys) = match old {
            Some(o) => (o.docs, o.runs, o.words, Some(o.vocab_keys)),
            None => (Vec::new(), Vec::new(), Vec::new(), None),
        };
        let old_bounds = run_bounds(&old_docs);
        for (r, run) in old_bounds.iter().zip(old_runs) {
            let part = &old_docs[r.clone()];
            reuse
                .entry(part[0].url.as_str())
                .or_default()
                .push((part, Some(run.analysis)));
        }
        let mut analyses: Vec<Option<Analysis>> = bounds
            .iter()
            .map(|r| {
                let part = &docs[r.clone()];
                reuse.get_mut(part[0].url.as_str()).and_then(|v| {
                    v.iter_mut()
                        .find(|(p, a)| {
                            a.is_some()
                                && p.len() == part.len()
                                && p.iter()
                                    .zip(part)
                                    .all(|(x, y)| Arc::ptr_eq(x, y) || same_text(x, y))
                        })
                        .and_then(|(_, a)| a.take())
                })
            })
            .collect();
        drop(reuse);
        drop(old_docs);
        analyses.par_iter_mut().zip(&bounds).for_each(|(a, r)| {
            if a.is_none() {
                *a = Some(analyse(&docs[r.clone()]));
            }
        });
        let analyses: Vec<Analysis> = analyses.into_iter().flatten().collect();

        // Words of the whole corpus.
        let mut st = State {
            opts: opts.clone(),
            docs: Vec::new(),
            bounds: Vec::new(),
            runs: Vec::new(),
            words: Vec::new(),
            word_ids: FxMap::default(),
            word_terms: Vec::new(),
            vocab: Vocabulary::new(),
            vocab_keys: FxMap::default(),
            terms: Vec::new(),
            term_ids: FxMap::default(),
            groups: Vec::new(),
            chunks: Vec::new(),
            pieces: Vec::new(),
            frags: Vec::new(),
            meta: Bytes::default(),
            next_serial: 0,
        };
        let runs: Vec<Run> = analyses
            .into_iter()
            .map(|a| {
                let global = a
                    .words
                    .iter()
                    .zip(&a.vocab)
                    .map(|(w, &v)| {
                        let id = st.word(w);
                        let word = &mut st.words[id as usize];
                        word.runs += 1;
                        word.vocab_runs += u32::from(v);
                        id
                    })
                    .collect();
                Run {
                    analysis: a,
                    global,
                }
            })
            .collect();
        st.words
            .par_iter_mut()
            .for_each(|w| w.normalized = normalize(&w.text).into());

        // The vocabulary, as counted keys.
        let keys: Vec<(String, Option<String>)> = st
            .words
            .par_iter()
            .filter(|w| w.vocab_runs > 0)
            .filter_map(|w| Vocabulary::keys(&w.text))
            .collect();
        for (n, s) in keys {
            st.vocab_keys.entry(n.into()).or_default()[0] += 1;
            if let Some(s) = s {
                st.vocab_keys.entry(s.into()).or_default()[1] += 1;
            }
        }
        for (k, c) in &st.vocab_keys {
            for (i, &n) in c.iter().enumerate() {
                if n > 0 {
                    st.vocab.insert_key(k, i == 1);
                }
            }
        }

        // Plans: kept from `old` for live words if the vocabulary is the same.
        let same_vocab = old_keys.as_ref().is_some_and(|o| {
            let live = |c: &[u32; 2]| [c[0] > 0, c[1] > 0];
            o.values().filter(|c| c.iter().any(|&n| n > 0)).count() == st.vocab_keys.len()
                && st
                    .vocab_keys
                    .iter()
                    .all(|(k, c)| o.get(k).is_some_and(|d| live(d) == live(c)))
        });
        drop(old_keys);
        let mut old_plans: FxMap<Box<str>, WordPlan> = FxMap::default();
        if same_vocab {
            for w in old_words {
                if w.runs > 0 {
                    old_plans.insert(w.text, w.plan);
                }
            }
        }
        let vocab = &st.vocab;
        st.words.par_iter_mut().for_each(|w| {
            w.plan = match old_plans.get(&w.text) {
                Some(p) => p.clone(),
                None => plan_word(vocab, &w.text),
            };
        });
        drop(old_plans);

        // Terms.
        let plans: Vec<(Box<str>, WordPlan)> = st
            .words
            .iter()
            .map(|w| (w.text.clone(), w.plan.clone()))
            .collect();
        st.word_terms = plans.iter().map(|(t, p)| st.terms_of_plan(t, p)).collect();
        drop(plans);

        // Postings: per run in parallel, then concatenated per term, in parallel over
        // ranges of terms.
        let word_terms = &st.word_terms;
        let per_run: Vec<Vec<(u32, Postings)>> = runs
            .par_iter()
            .zip(&bounds)
            .map(|(run, r)| {
                post_analysis(&run.analysis, r.start as u32, &run.global, word_terms, None)
            })
            .collect();
        let n_terms = st.terms.len();
        let shard = n_terms.div_ceil(rayon::current_num_threads() * 16).max(1);
        let lists: Vec<Postings> = (0..n_terms.div_ceil(shard))
            .into_par_iter()
            .flat_map_iter(|sh| {
                let lo = (sh * shard) as u32;
                let hi = ((sh + 1) * shard).min(n_terms) as u32;
                let mut out: Vec<Postings> = vec![Vec::new(); (hi - lo) as usize];
                for list in &per_run {
                    let a = list.partition_point(|e| e.0 < lo);
                    let b = list.partition_point(|e| e.0 < hi);
                    for (t, p) in &list[a..b] {
                        out[(t - lo) as usize].extend_from_slice(p);
                    }
                }
                out
            })
            .collect();
        drop(per_run);
        for (t, l) in st.terms.iter_mut().zip(lists) {
            t.postings = l;
        }

        // Stem groups of the terms with postings, in index order.
        let mut live: Vec<u32> = (0..n_terms as u32)
            .filter(|&t| !st.terms[t as usize].postings.is_empty())
            .collect();
        let terms = &st.terms;
        live.par_sort_unstable_by(|&a, &b| {
            let (a, b) = (&terms[a as usize], &terms[b as usize]);
            js_cmp(&a.stem, &b.stem).then_with(|| in_group_cmp(a, b))
        });
        let mut groups: Vec<Group> = Vec::new();
        for t in live {
            let s = &st.terms[t as usize].stem;
            match groups.last_mut() {
                Some(g) if g.stem == *s => g.terms.push(t),
                _ => groups.push(Group {
                    stem: s.clone(),
                    terms: vec![t],
                    len: 0,
                    serial: 0,
                }),
            }
        }
        let payloads: Vec<String> = groups.par_iter().map(|g| st.group_payload(g)).collect();
        for (g, p) in groups.iter_mut().zip(&payloads) {
            g.len = p.len();
            g.serial = st.serial();
        }
        st.groups = groups;
        st.runs = runs;
        st.bounds = bounds;
        st.docs = docs;
        st.emit_chunks(FxMap::default(), Some(&payloads), emit);
        drop(payloads);

        st.pieces = st
            .docs
            .par_iter()
            .map(|d| fragment_piece(d, opts.excerpt_chars).len())
            .collect::<Vec<usize>>()
            .into_iter()
            .map(|n| (n, 0))
            .collect();
        for k in 0..st.pieces.len() {
            st.pieces[k].1 = st.serial();
        }
        st.emit_frags(emit);
        st.emit_meta(emit);
        st
    }

    /// The id of a word, added (dead, unplanned) if new.
    fn word(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.word_ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        assert!(id < super::WORD_ID, "fewer than 2^30 distinct words");
        self.words.push(Word {
            text: w.into(),
            normalized: Box::default(),
            runs: 0,
            vocab_runs: 0,
            plan: WordPlan::default(),
        });
        self.word_terms.push((NO_TERM, Box::default()));
        self.word_ids.insert(w.into(), id);
        id
    }

    /// Can [`State::update`] bring the index to these (sorted) documents? Yes when the
    /// options and the documents' (URL, municipality, kind) sequence are the same.
    pub(super) fn compatible(&self, docs: &[Arc<SearchDoc>], opts: &IndexOptions) -> bool {
        self.opts == *opts
            && self.docs.len() == docs.len()
            && self.docs.iter().zip(docs).all(|(a, b)| {
                Arc::ptr_eq(a, b)
                    || (a.url == b.url
                        && a.kind == b.kind
                        && a.municipality.as_ref().map(|m| &m.0)
                            == b.municipality.as_ref().map(|m| &m.0))
            })
    }

    /// Bring the index to `docs` (sorted, [`State::compatible`]), emitting every file.
    pub(super) fn update(&mut self, docs: Vec<Arc<SearchDoc>>, emit: &Emit) {
        // Documents that changed, and their runs.
        let mut changed: Vec<usize> = Vec::new();
        for (k, d) in docs.into_iter().enumerate() {
            if Arc::ptr_eq(&self.docs[k], &d) {
                continue;
            }
            if *self.docs[k] != *d {
                changed.push(k);
            }
            self.docs[k] = d;
        }
        if changed.is_empty() {
            self.emit_all(emit);
            return;
        }
        let mut runs: Vec<usize> = changed
            .iter()
            .map(|&d| self.bounds.partition_point(|r| r.end <= d))
            .collect();
        runs.dedup();
        let analyses: Vec<Analysis> = runs
            .par_iter()
            .map(|&r| analyse(&self.docs[self.bounds[r].clone()]))
            .collect();

        // What the changed runs posted (a superset: every term of their words).
        let mut candidates: Vec<Vec<u32>> = runs
            .iter()
            .map(|&r| {
                let mut c = Vec::new();
                for &g in &self.runs[r].global {
                    let (t, parts) = &self.word_terms[g as usize];
                    if *t != NO_TERM {
                        c.push(*t);
                        c.extend_from_slice(parts);
                    }
                }
                c
            })
            .collect();

        // Word counts: the old analyses out, the new ones in.
        let mut delta: FxMap<u32, [i32; 2]> = FxMap::default();
        for &r in &runs {
            let run = &self.runs[r];
            for (&g, &v) in run.global.iter().zip(&run.analysis.vocab) {
                let d = delta.entry(g).or_default();
                d[0] -= 1;
                d[1] -= i32::from(v);
            }
        }
        for (&r, a) in runs.iter().zip(analyses) {
            let global: Vec<u32> = a.words.iter().map(|w| self.word(w)).collect();
            for (&g, &v) in global.iter().zip(&a.vocab) {
                let d = delta.entry(g).or_default();
                d[0] += 1;
                d[1] += i32::from(v);
            }
            self.runs[r] = Run {
                analysis: a,
                global,
            };
        }
        // Words that came back (or are new) need a plan; words that joined or left the
        // vocabulary change its keys.
        let mut to_plan: Vec<u32> = Vec::new();
        let mut changed_keys: Vec<(Box<str>, bool)> = Vec::new();
        let mut delta: Vec<(u32, [i32; 2])> = delta.into_iter().collect();
        delta.sort_unstable_by_key(|e| e.0);
        for (g, d) in delta {
            let w = &mut self.words[g as usize];
            let before = (w.runs > 0, w.vocab_runs > 0);
            w.runs = w.runs.checked_add_signed(d[0]).expect("word count");
            w.vocab_runs = w.vocab_runs.checked_add_signed(d[1]).expect("word count");
            if !before.0 && w.runs > 0 {
                to_plan.push(g);
                if w.normalized.is_empty() {
                    w.normalized = normalize(&w.text).into();
                }
            }
            if before.1 != (w.vocab_runs > 0) {
                let add = w.vocab_runs > 0;
                if let Some((n, s)) = Vocabulary::keys(&w.text) {
                    let keys = [(n, false)].into_iter().chain(s.map(|s| (s, true)));
                    for (k, is_stem) in keys {
                        let c = self.vocab_keys.entry(k.as_str().into()).or_default();
                        let n = &mut c[usize::from(is_stem)];
                        let was = *n > 0;
                        if add {
                            *n += 1;
                        } else {
                            *n -= 1;
                        }
                        let now = *n > 0;
                        if *c == [0, 0] {
                            self.vocab_keys.remove(k.as_str());
                        }
                        if was != now {
                            if now {
                                self.vocab.insert_key(&k, is_stem);
                            } else {
                                self.vocab.remove_key(&k, is_stem);
                            }
                            changed_keys.push((k.into(), is_stem));
                        }
                    }
                }
            }
        }

        // Live words whose split may depend on a key that came or went.
        let mut replan: Vec<u32> = Vec::new();
        if !changed_keys.is_empty() {
            let fresh = &to_plan;
            replan = self
                .words
                .par_iter()
                .enumerate()
                .filter(|(g, w)| {
                    w.runs > 0
                        && changed_keys
                            .iter()
                            .any(|(k, _)| Vocabulary::split_may_use(&w.normalized, k))
                        && !fresh.contains(&(*g as u32))
                })
                .map(|(g, _)| g as u32)
                .collect();
        }
        let vocab = &self.vocab;
        let words = &self.words;
        let plans: Vec<WordPlan> = to_plan
            .par_iter()
            .chain(replan.par_iter())
            .map(|&g| plan_word(vocab, &words[g as usize].text))
            .collect();
        // Words whose split changed: (word, old terms).
        let mut resplit: Vec<(u32, WordTerms)> = Vec::new();
        for (k, (&g, plan)) in to_plan.iter().chain(&replan).zip(plans).enumerate() {
            let g = g as usize;
            if k >= to_plan.len() && self.words[g].plan == plan {
                continue;
            }
            let text = self.words[g].text.clone();
            let terms = self.terms_of_plan(&text, &plan);
            let old = std::mem::replace(&mut self.word_terms[g], terms);
            if k >= to_plan.len() {
                resplit.push((g as u32, old));
            }
            self.words[g].plan = plan;
        }

        // Runs to post again: the changed ones, and those holding a word whose split
        // changed (for the terms of its old and new parts).
        // (run, candidate terms, whether to post the candidates only)
        let mut repost: Vec<(usize, Vec<u32>, bool)> = runs
            .iter()
            .copied()
            .zip(candidates.drain(..))
            .map(|(r, c)| (r, c, false))
            .collect();
        let mut is_candidate: Vec<bool> = Vec::new();
        if !resplit.is_empty() {
            let mut terms: Vec<u32> = Vec::new();
            let mut is_resplit = vec![false; self.words.len()];
            for (g, (t, parts)) in &resplit {
                is_resplit[*g as usize] = true;
                terms.push(*t);
                terms.extend_from_slice(parts);
                terms.extend_from_slice(&self.word_terms[*g as usize].1);
            }
            terms.retain(|&t| t != NO_TERM);
            let more: Vec<usize> = (0..self.runs.len())
                .into_par_iter()
                .filter(|r| {
                    runs.binary_search(r).is_err()
                        && self.runs[*r].global.iter().any(|&g| is_resplit[g as usize])
                })
                .collect();
            is_candidate = vec![false; self.terms.len()];
            for &t in &terms {
                is_candidate[t as usize] = true;
            }
            repost.extend(more.into_iter().map(|r| (r, terms.clone(), true)));
        }
        let is_candidate = &is_candidate;
        // New postings per run, compared with the old ones term by term.
        let word_terms = &self.word_terms;
        let all_terms = &self.terms;
        let bounds = &self.bounds;
        let all_runs = &self.runs;
        let diffs: Vec<(u32, Range<u32>, Postings)> = repost
            .into_par_iter()
            .flat_map_iter(|(r, mut cands, only_candidates)| {
                let run = &all_runs[r];
                let b = bounds[r].start as u32;
                let e = bounds[r].end as u32;
                let only = only_candidates.then_some(is_candidate.as_slice());
                let new =
                    post_analysis::<Postings>(&run.analysis, b, &run.global, word_terms, only);
                cands.extend(new.iter().map(|x| x.0));
                cands.sort_unstable();
                cands.dedup();
                let mut out = Vec::new();
                for t in cands {
                    let p = &all_terms[t as usize].postings;
                    let lo = p.partition_point(|x| x.0 < b);
                    let hi = p.partition_point(|x| x.0 < e);
                    let now: &[(u32, u32, u8)] = match new.binary_search_by_key(&t, |x| x.0) {
                        Ok(i) => &new[i].1,
                        Err(_) => &[],
                    };
                    if p[lo..hi] != *now {
                        out.push((t, b..e, now.to_vec()));
                    }
                }
                out
            })
            .collect();

        // Apply, noting the terms whose postings changed and whether they had any.
        let mut touched: FxMap<u32, bool> = FxMap::default();
        for (t, range, now) in diffs {
            let p = &mut self.terms[t as usize].postings;
            touched.entry(t).or_insert(!p.is_empty());
            let lo = p.partition_point(|x| x.0 < range.start);
            let hi = p.partition_point(|x| x.0 < range.end);
            p.splice(lo..hi, now);
        }

        // Stem groups: payloads of the touched ones again; groups come and go.
        let mut by_stem: FxMap<Box<str>, Vec<(u32, bool, bool)>> = FxMap::default();
        for (t, was) in touched {
            let term = &self.terms[t as usize];
            by_stem
                .entry(term.stem.clone())
                .or_default()
                .push((t, was, !term.postings.is_empty()));
        }
        let mut fresh_groups: Vec<Group> = Vec::new();
        let mut emptied = false;
        for (s, ts) in by_stem {
            let pos = self.groups.binary_search_by(|g| js_cmp(&g.stem, &s));
            let mut g = match pos {
                Ok(i) => std::mem::replace(
                    &mut self.groups[i],
                    Group {
                        stem: Box::default(),
                        terms: Vec::new(),
                        len: 0,
                        serial: 0,
                    },
                ),
                Err(_) => Group {
                    stem: s,
                    terms: Vec::new(),
                    len: 0,
                    serial: 0,
                },
            };
            for (t, was, now) in ts {
                match (was, now) {
                    (true, false) => g.terms.retain(|&x| x != t),
                    (false, true) => g.terms.push(t),
                    _ => {}
                }
            }
            let terms = &self.terms;
            g.terms
                .sort_unstable_by(|&a, &b| in_group_cmp(&terms[a as usize], &terms[b as usize]));
            g.serial = self.serial();
            g.len = 0;
            match pos {
                Ok(i) => {
                    emptied |= g.terms.is_empty();
                    self.groups[i] = g;
                }
                Err(_) => {
                    if !g.terms.is_empty() {
                        fresh_groups.push(g);
                    }
                }
            }
        }
        if emptied || !fresh_groups.is_empty() {
            // Merge: drop the empty groups, insert the new ones in order.
            fresh_groups.sort_unstable_by(|a, b| js_cmp(&a.stem, &b.stem));
            let old = std::mem::take(&mut self.groups);
            let mut merged = Vec::with_capacity(old.len() + fresh_groups.len());
            let mut fresh = fresh_groups.into_iter().peekable();
            for g in old.into_iter().filter(|g| !g.terms.is_empty()) {
                while fresh
                    .peek()
                    .is_some_and(|f| js_cmp(&f.stem, &g.stem).is_lt())
                {
                    merged.extend(fresh.next());
                }
                merged.push(g);
            }
            merged.extend(fresh);
            self.groups = merged;
        }
        // Payloads of the changed groups (marked with length 0), by serial.
        let changed_payloads: FxMap<u64, String> = self
            .groups
            .par_iter()
            .filter(|g| g.len == 0)
            .map(|g| (g.serial, self.group_payload(g)))
            .collect();
        for g in &mut self.groups {
            if let Some(p) = changed_payloads.get(&g.serial) {
                g.len = p.len();
            }
        }
        self.emit_chunks(changed_payloads, None, emit);

        // Fragment pieces of the changed documents.
        for &d in &changed {
            let n = fragment_piece(&self.docs[d], self.opts.excerpt_chars).len();
            let s = self.serial();
            self.pieces[d] = (n, s);
        }
        self.emit_frags(emit);
        self.emit_meta(emit);
    }

    /// Cut the groups into chunks and emit them: a chunk with the same number and
    /// groups as before keeps its bytes, one with the same groups under a new number
    /// its payload. `payloads` has the payloads of the groups whose payload changed (by
    /// serial), or (`all`) every group's payload in order.
    fn emit_chunks(&mut self, payloads: FxMap<u64, String>, all: Option<&[String]>, emit: &Emit) {
        let cuts = cut(self.groups.iter().map(|g| g.len), self.opts.chunk_bytes);
        let mut old: Vec<Option<Chunk>> = std::mem::take(&mut self.chunks)
            .into_iter()
            .map(Some)
            .collect();
        let by_first: FxMap<u64, usize> = old
            .iter()
            .enumerate()
            .filter_map(|(k, c)| Some((c.as_ref()?.serials[0], k)))
            .collect();
        // Per new chunk: an old chunk with the same groups, if any.
        let kept: Vec<Option<(usize, Chunk)>> = cuts
            .iter()
            .map(|r| {
                let k = *by_first.get(&self.groups[r.start].serial)?;
                let same = old[k].as_ref().is_some_and(|c| {
                    c.serials.len() == r.len()
                        && c.serials
                            .iter()
                            .zip(&self.groups[r.clone()])
                            .all(|(s, g)| *s == g.serial)
                });
                if same {
                    Some((k, old[k].take()?))
                } else {
                    None
                }
            })
            .collect();
        drop(old);
        let st = &*self;
        self.chunks = cuts
            .into_par_iter()
            .zip(kept)
            .enumerate()
            .map(|(c, (r, kept))| {
                let chunk = match kept {
                    Some((k, chunk)) if k == c => chunk,
                    Some((k, chunk)) => {
                        let old_name = format!("c{k}-{}.js", chunk.hash);
                        let payload = payload_of(&chunk.bytes, &old_name);
                        let name = format!("c{c}-{}.js", chunk.hash);
                        Chunk {
                            bytes: Arc::new(js_file(&name, payload)),
                            ..chunk
                        }
                    }
                    None => {
                        let groups = &st.groups[r.clone()];
                        let made: Vec<String>;
                        let parts: Vec<&str> = match all {
                            Some(all) => all[r.clone()].iter().map(String::as_str).collect(),
                            None => {
                                made = groups
                                    .iter()
                                    .filter(|g| !payloads.contains_key(&g.serial))
                                    .map(|g| st.group_payload(g))
                                    .collect();
                                let mut made = made.iter();
                                groups
                                    .iter()
                                    .map(|g| match payloads.get(&g.serial) {
                                        Some(p) => p.as_str(),
                                        None => made.next().map_or("", String::as_str),
                                    })
                                    .collect()
                            }
                        };
                        let (hash, bytes) = chunk_file(c, parts.iter().copied());
                        Chunk {
                            serials: groups.iter().map(|g| g.serial).collect(),
                            first: groups[0].stem.clone(),
                            last: groups[groups.len() - 1].stem.clone(),
                            hash,
                            bytes: Arc::new(bytes),
                        }
                    }
                };
                emit(
                    format!("{INDEX_DIR}/c{c}-{}.js", chunk.hash),
                    chunk.bytes.clone(),
                );
                chunk
            })
            .collect();
    }

    /// Cut the documents into fragment groups and emit them, keeping the bytes of a
    /// group with the same number and pieces as before.
    fn emit_frags(&mut self, emit: &Emit) {
        let cuts = cut(self.pieces.iter().map(|p| p.0), self.opts.fragment_bytes);
        let mut old: Vec<Option<Frag>> = std::mem::take(&mut self.frags)
            .into_iter()
            .map(Some)
            .collect();
        let kept: Vec<Option<Frag>> = cuts
            .iter()
            .enumerate()
            .map(|(g, r)| {
                let same = old.get(g)?.as_ref().is_some_and(|f| {
                    f.serials.len() == r.len()
                        && f.serials
                            .iter()
                            .zip(&self.pieces[r.clone()])
                            .all(|(s, p)| *s == p.1)
                });
                if same { old[g].take() } else { None }
            })
            .collect();
        drop(old);
        let st = &*self;
        self.frags = cuts
            .into_par_iter()
            .zip(kept)
            .enumerate()
            .map(|(g, (r, kept))| {
                let frag = kept.unwrap_or_else(|| {
                    let pieces: Vec<String> = st.docs[r.clone()]
                        .iter()
                        .map(|d| fragment_piece(d, st.opts.excerpt_chars))
                        .collect();
                    let (hash, bytes) = fragment_file(g, pieces.iter().map(String::as_str));
                    Frag {
                        serials: st.pieces[r].iter().map(|p| p.1).collect(),
                        hash,
                        bytes: Arc::new(bytes),
                    }
                });
                emit(
                    format!("{INDEX_DIR}/f{g}-{}.js", frag.hash),
                    frag.bytes.clone(),
                );
                frag
            })
            .collect();
    }

    fn emit_meta(&mut self, emit: &Emit) {
        let chunks = self
            .chunks
            .iter()
            .map(|c| (&*c.first, &*c.last, c.hash.as_str()));
        let frags = self
            .frags
            .iter()
            .map(|f| (f.hash.as_str(), f.serials.len()));
        self.meta = Arc::new(meta_file(&self.docs, chunks, frags));
        emit(META_FILE.to_string(), self.meta.clone());
    }

    /// Emit the files of the last build again.
    fn emit_all(&self, emit: &Emit) {
        self.chunks.par_iter().enumerate().for_each(|(c, chunk)| {
            emit(
                format!("{INDEX_DIR}/c{c}-{}.js", chunk.hash),
                chunk.bytes.clone(),
            )
        });
        self.frags
            .par_iter()
            .enumerate()
            .for_each(|(g, f)| emit(format!("{INDEX_DIR}/f{g}-{}.js", f.hash), f.bytes.clone()));
        emit(META_FILE.to_string(), self.meta.clone());
    }
}
