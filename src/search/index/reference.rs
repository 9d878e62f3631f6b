//! The index builder as it was before it was made parallel and allocation-free: the
//! reference the tests compare the real one with, byte for byte.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lol_html::html_content::{Element, EndTag, TextChunk};
use lol_html::{RewriteStrSettings, doc_text, element, end_tag, rewrite_str};
use std::fmt::Write as _;

use super::super::text::{Vocabulary, fold, indexable, js_cmp, stem, stem_key, tokenize};
use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Heading,
    Body,
}

/// Postings of one term: (document, section, flags), in document/section order.
type Postings = Vec<(u32, u32, u8)>;

struct Indexer<'v> {
    vocab: &'v Vocabulary,
    splits: HashMap<String, Option<Vec<String>>>,
    terms: HashMap<String, Postings>,
}

impl Indexer<'_> {
    fn post(&mut self, term: &str, doc: u32, sec: u32, field: Field, part: bool) {
        let flag = match (part, field) {
            (false, Field::Title) => Flags::TITLE,
            (false, Field::Heading) => Flags::HEADING,
            (false, Field::Body) => 1,
            (true, Field::Body) => Flags::PART_BODY,
            (true, _) => Flags::PART_HEADING,
        };
        let list = self.terms.entry(term.to_string()).or_default();
        match list.last_mut() {
            Some((d, s, f)) if *d == doc && *s == sec => {
                if !part && field == Field::Body {
                    let tf = (*f & Flags::BODY_TF).saturating_add(1).min(Flags::BODY_TF);
                    *f = (*f & !Flags::BODY_TF) | tf;
                } else {
                    *f |= flag;
                }
            }
            _ => list.push((doc, sec, flag)),
        }
    }

    fn split(&mut self, word: &str) -> Option<Vec<String>> {
        if let Some(hit) = self.splits.get(word) {
            return hit.clone();
        }
        let parts = self.vocab.split_compound(word);
        self.splits.insert(word.to_string(), parts.clone());
        parts
    }

    fn post_compound_parts(&mut self, word: &str, doc: u32, sec: u32, field: Field) {
        if let Some(parts) = self.split(word) {
            for p in parts {
                if indexable(&p) {
                    self.post(&p, doc, sec, field, true);
                }
            }
        }
    }

    fn index_text(&mut self, text: &str, doc: u32, sec: u32, field: Field) {
        for tok in tokenize(text) {
            if tok.parts.is_empty() {
                if indexable(&tok.word) {
                    self.post(&tok.word, doc, sec, field, false);
                    self.post_compound_parts(&tok.word, doc, sec, field);
                }
            } else {
                if indexable(&tok.word) {
                    self.post(&tok.word, doc, sec, field, false);
                }
                for p in &tok.parts {
                    if indexable(p) {
                        self.post(p, doc, sec, field, true);
                        self.post_compound_parts(p, doc, sec, field);
                    }
                }
            }
        }
    }
}

/// [`build_index`] with explicit tuning.
pub(super) fn build_index_with(docs: &[SearchDoc], opts: &IndexOptions) -> Vec<(String, Vec<u8>)> {
    let docs = sorted_docs(docs);
    let n_docs = u32::try_from(docs.len()).unwrap_or(u32::MAX);
    let docs = &docs[..n_docs as usize];

    // The vocabulary compounds split against: every word in the corpus.
    let mut vocab = Vocabulary::new();
    for doc in docs {
        let texts = std::iter::once(doc.title.as_str()).chain(
            doc.sections
                .iter()
                .flat_map(|s| [s.heading.as_str(), s.text.as_str()]),
        );
        for text in texts {
            for tok in tokenize(text) {
                if tok.parts.is_empty() {
                    vocab.add(&tok.word);
                } else {
                    for p in &tok.parts {
                        vocab.add(p);
                    }
                }
            }
        }
    }

    // Documents are indexed in parallel, in contiguous runs; a run's postings are then
    // appended in document order, so the result is the same as one pass in order.
    let run = docs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let partials: Vec<HashMap<String, Postings>> = docs
        .par_chunks(run)
        .enumerate()
        .map(|(r, part)| {
            let mut ix = Indexer {
                vocab: &vocab,
                splits: HashMap::new(),
                terms: HashMap::new(),
            };
            for (j, doc) in part.iter().enumerate() {
                let d = (r * run + j) as u32;
                ix.index_text(&doc.title, d, 0, Field::Title);
                for (s, sec) in doc.sections.iter().enumerate() {
                    let s = u32::try_from(s).unwrap_or(u32::MAX);
                    ix.index_text(&sec.heading, d, s, Field::Heading);
                    ix.index_text(&sec.text, d, s, Field::Body);
                }
            }
            ix.terms
        })
        .collect();
    let mut all_terms: HashMap<String, Postings> = HashMap::new();
    for part in partials {
        for (t, mut p) in part {
            all_terms.entry(t).or_default().append(&mut p);
        }
    }

    // Terms grouped by stem key, in (stem, folded, term) order, JavaScript string order.
    let mut terms: Vec<(String, String, String, Postings)> = all_terms
        .into_iter()
        .map(|(t, p)| {
            let f = fold(&t);
            (stem(&f), f, t, p)
        })
        .collect();
    terms.sort_by(|a, b| {
        js_cmp(&a.0, &b.0)
            .then_with(|| js_cmp(&a.1, &b.1))
            .then_with(|| js_cmp(&a.2, &b.2))
    });

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    // Term chunks: whole stem groups, closed once they reach `chunk_bytes`.
    let mut chunks_meta: Vec<(String, String, String)> = Vec::new();
    let mut i = 0;
    while i < terms.len() {
        let first = terms[i].0.clone();
        let mut payload = String::from("{\"s\":[");
        let mut last = first.clone();
        let mut groups = 0;
        while i < terms.len() && (payload.len() < opts.chunk_bytes || groups == 0) {
            let key = terms[i].0.clone();
            if groups > 0 {
                payload.push(',');
            }
            groups += 1;
            payload.push('[');
            push_json_str(&mut payload, &key);
            while i < terms.len() && terms[i].0 == key {
                payload.push(',');
                push_json_str(&mut payload, &terms[i].2);
                payload.push_str(",\"");
                let mut prev = 0u32;
                for &(d, s, f) in &terms[i].3 {
                    push_varint(&mut payload, u64::from(d - prev));
                    push_varint(&mut payload, u64::from(s) * 128 + u64::from(f & 0x7f));
                    prev = d;
                }
                payload.push('"');
                i += 1;
            }
            payload.push(']');
            last = key;
        }
        payload.push_str("]}");
        let hash = short_hash(&payload, 8);
        let name = format!("c{}-{hash}.js", chunks_meta.len());
        files.push((format!("{INDEX_DIR}/{name}"), js_file(&name, &payload)));
        chunks_meta.push((first, last, hash));
    }

    // Fragment groups: consecutive documents, closed once they reach `fragment_bytes`.
    let mut frag_hashes = String::new();
    let mut frag_sizes: Vec<usize> = Vec::new();
    let mut j = 0;
    while j < docs.len() {
        let mut payload = String::from("{\"d\":[");
        let mut count = 0;
        while j < docs.len() && (payload.len() < opts.fragment_bytes || count == 0) {
            let doc = docs[j];
            if count > 0 {
                payload.push(',');
            }
            payload.push('[');
            push_json_str(&mut payload, &doc.url);
            payload.push(',');
            push_json_str(&mut payload, &doc.title);
            payload.push_str(",[");
            let empty = [Section::default()];
            let sections: &[Section] = if doc.sections.is_empty() {
                &empty
            } else {
                &doc.sections
            };
            for (k, sec) in sections.iter().enumerate() {
                if k > 0 {
                    payload.push(',');
                }
                payload.push('[');
                match &sec.anchor {
                    Some(a) => push_json_str(&mut payload, a),
                    None => payload.push_str("null"),
                }
                payload.push(',');
                push_json_str(&mut payload, &sec.heading);
                payload.push(',');
                push_json_str(&mut payload, &truncate_text(&sec.text, opts.excerpt_chars));
                payload.push(']');
            }
            payload.push_str("]]");
            count += 1;
            j += 1;
        }
        payload.push_str("]}");
        let hash = short_hash(&payload, FRAG_HASH_LEN);
        let name = format!("f{}-{hash}.js", frag_sizes.len());
        files.push((format!("{INDEX_DIR}/{name}"), js_file(&name, &payload)));
        frag_hashes.push_str(&hash);
        frag_sizes.push(count);
    }

    // Municipality ranges and kind runs (documents are sorted by both).
    let mut munis: Vec<(String, String, usize, usize)> = Vec::new();
    let mut kind_runs: Vec<(usize, usize)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        if let Some((slug, name)) = &doc.municipality {
            match munis.last_mut() {
                Some(m) if &m.0 == slug => m.3 = d + 1,
                _ => munis.push((slug.clone(), name.clone(), d, d + 1)),
            }
        }
        let k = DocKind::ALL
            .iter()
            .position(|&k| k == doc.kind)
            .unwrap_or(0);
        if kind_runs.last().is_none_or(|&(_, last)| last != k) {
            kind_runs.push((d, k));
        }
    }

    let mut meta = String::new();
    let _ = write!(
        meta,
        "{{\"v\":{FORMAT_VERSION},\"docs\":{},\"chunks\":[",
        docs.len()
    );
    for (k, (first, last, name)) in chunks_meta.iter().enumerate() {
        if k > 0 {
            meta.push(',');
        }
        meta.push('[');
        push_json_str(&mut meta, first);
        meta.push(',');
        push_json_str(&mut meta, last);
        meta.push(',');
        push_json_str(&mut meta, name);
        meta.push(']');
    }
    meta.push_str("],\"frags\":{\"h\":");
    push_json_str(&mut meta, &frag_hashes);
    meta.push_str(",\"n\":\"");
    for &n in &frag_sizes {
        push_varint(&mut meta, n as u64);
    }
    meta.push('"');
    meta.push_str("},\"munis\":[");
    for (k, (slug, name, start, end)) in munis.iter().enumerate() {
        if k > 0 {
            meta.push(',');
        }
        meta.push('[');
        push_json_str(&mut meta, slug);
        meta.push(',');
        push_json_str(&mut meta, name);
        let _ = write!(meta, ",{start},{end}]");
    }
    meta.push_str("],\"kinds\":[");
    let kinds: Vec<String> = DocKind::ALL
        .iter()
        .map(|k| format!("\"{}\"", k.as_str()))
        .collect();
    meta.push_str(&kinds.join(","));
    meta.push_str("],\"kindRuns\":[");
    let runs: Vec<String> = kind_runs.iter().map(|(d, k)| format!("{d},{k}")).collect();
    meta.push_str(&runs.join(","));
    meta.push_str("],\"stop\":[");
    let mut stop: Vec<&str> = STOP_WORDS.to_vec();
    stop.sort_unstable();
    let stop: Vec<String> = stop.iter().map(|w| format!("\"{w}\"")).collect();
    meta.push_str(&stop.join(","));
    meta.push_str("]}");
    files.push((META_FILE.to_string(), js_file("meta.js", &meta)));

    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// An A–Ö subject index (ämnesregister) of the words in titles and headings, for the
/// search page without JavaScript: `(letter, [(term, [(label, url)])])`, letters in
/// Swedish order (numbers first, then A–Z, Å, Ä, Ö), terms in Swedish order, entries by
/// label. Inflected forms share an entry (by stem), written in their most common form.
/// `url` is site-relative, with `#anchor` for a section heading.
#[allow(clippy::type_complexity)]
pub(super) fn subject_index(
    docs: &[SearchDoc],
) -> Vec<(String, Vec<(String, Vec<(String, String)>)>)> {
    let docs = sorted_docs(docs);
    // stem key → (display form → count, entries (label, url))
    let mut groups: BTreeMap<String, (BTreeMap<String, usize>, Vec<(String, String)>)> =
        BTreeMap::new();
    for doc in docs {
        let muni = doc.municipality.as_ref().map(|m| m.1.as_str());
        let with_muni = |label: String| match muni {
            Some(m) if !label.contains(m) => format!("{label} ({m})"),
            _ => label,
        };
        let base_url = doc.url.split('#').next().unwrap_or("");
        let mut sources: Vec<(String, String, String)> = vec![(
            doc.title.clone(),
            with_muni(doc.title.clone()),
            doc.url.clone(),
        )];
        for sec in &doc.sections {
            if sec.heading.is_empty() {
                continue;
            }
            let url = match &sec.anchor {
                Some(a) => format!("{base_url}#{a}"),
                None => doc.url.clone(),
            };
            let label = if sec.heading == doc.title {
                doc.title.clone()
            } else {
                format!("{}: {}", doc.title, sec.heading)
            };
            sources.push((sec.heading.clone(), with_muni(label), url));
        }
        for (text, label, url) in sources {
            for tok in tokenize(&text) {
                let n = normalize(&tok.word);
                if n.chars().count() < 3
                    || !indexable(&tok.word)
                    || is_stop_word(&n)
                    || REGISTER_SKIP.contains(&n.as_str())
                    || n.chars().all(|c| c.is_ascii_digit())
                {
                    continue;
                }
                let acronym = tok.raw.chars().skip(1).any(|c| c.is_uppercase());
                if n.chars().count() < 4 && !acronym {
                    continue;
                }
                let key = stem_key(&tok.word);
                let g = groups.entry(key).or_default();
                *g.0.entry(register_display(tok.raw)).or_default() += 1;
                g.1.push((label.clone(), url.clone()));
            }
        }
    }

    let mut by_letter: BTreeMap<(u8, Vec<u32>, String), Vec<(String, Vec<(String, String)>)>> =
        BTreeMap::new();
    for (_, (forms, mut entries)) in groups {
        // Most common form; ties: shorter, then Swedish order.
        let Some(display) = forms
            .iter()
            .max_by(|a, b| {
                a.1.cmp(b.1)
                    .then_with(|| b.0.chars().count().cmp(&a.0.chars().count()))
                    .then_with(|| swedish_cmp(b.0, a.0))
            })
            .map(|(f, _)| f.clone())
        else {
            continue;
        };
        // One collation key per entry, not two per comparison.
        entries.sort_by_cached_key(|e| (collation_key(&e.0), e.0.clone(), e.1.clone()));
        entries.dedup();
        let letter = register_letter(&display);
        let (rank, key) = letter_rank(&letter);
        by_letter
            .entry((rank, key, letter))
            .or_default()
            .push((display, entries));
    }
    by_letter
        .into_iter()
        .map(|((_, _, letter), mut terms)| {
            terms.sort_by(|a, b| swedish_cmp(&a.0, &b.0));
            (letter, terms)
        })
        .collect()
}

pub(super) fn extract_docs(html: &str, url: &str) -> SearchDoc {
    let st = Rc::new(RefCell::new(Extract::default()));

    let el_state = st.clone();
    let text_state = st.clone();
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("*", move |el: &mut Element| {
            on_element(&el_state, el);
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t: &mut TextChunk| {
            on_text(&text_state, t.as_str());
            Ok(())
        }));
    // Errors (memory limits, parser ambiguity) leave what was read so far.
    let _ = rewrite_str(html, settings);

    let mut st = st.borrow_mut();
    st.finish_section();
    let title = st
        .title_attr
        .clone()
        .map(|t| clean_text(&decode_entities(&t)))
        .filter(|t| !t.is_empty())
        .or_else(|| st.h1.clone().filter(|t| !t.is_empty()))
        .or_else(|| Some(clean_text(&st.head_title)).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| url.to_string());
    let municipality = st.municipality_attr.as_deref().and_then(|m| {
        let m = decode_entities(m);
        let (slug, name) = match m.split_once('|') {
            Some((s, n)) => (s.trim().to_string(), n.trim().to_string()),
            None => (m.trim().to_string(), m.trim().to_string()),
        };
        (!slug.is_empty()).then(|| {
            let name = if name.is_empty() { slug.clone() } else { name };
            (slug, name)
        })
    });
    let kind = st
        .kind_attr
        .as_deref()
        .and_then(DocKind::parse)
        .unwrap_or_default();
    SearchDoc {
        url: url.to_string(),
        title,
        municipality,
        kind,
        sections: std::mem::take(&mut st.sections),
    }
}

fn on_element(st: &Rc<RefCell<Extract>>, el: &mut Element) {
    let tag = el.tag_name().to_ascii_lowercase();
    let can_end = el.can_have_content();
    let mut s = st.borrow_mut();

    if tag == "title" && s.body_depth == 0 && can_end {
        s.in_head_title = true;
        let st2 = st.clone();
        let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
            st2.borrow_mut().in_head_title = false;
            Ok(())
        }));
        return;
    }

    if s.skip_depth > 0
        || SKIPPED_TAGS.contains(&tag.as_str())
        || el.has_attribute("data-search-ignore")
    {
        if can_end {
            s.skip_depth += 1;
            let st2 = st.clone();
            let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
                let mut s = st2.borrow_mut();
                s.skip_depth = s.skip_depth.saturating_sub(1);
                Ok(())
            }));
        }
        return;
    }

    let is_body = tag == "main" || el.has_attribute("data-search-body");
    if is_body && can_end {
        if !s.seen_body {
            s.seen_body = true;
            s.title_attr = el.get_attribute("data-search-title");
            s.municipality_attr = el.get_attribute("data-search-municipality");
            s.kind_attr = el.get_attribute("data-search-kind");
        }
        s.body_depth += 1;
        let st2 = st.clone();
        let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
            let mut s = st2.borrow_mut();
            s.body_depth = s.body_depth.saturating_sub(1);
            s.space();
            Ok(())
        }));
        return;
    }

    match tag.as_str() {
        "h1" if can_end && s.heading.is_none() => {
            s.heading = Some(1);
            s.h1_buf.clear();
            let st2 = st.clone();
            let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
                let mut s = st2.borrow_mut();
                s.heading = None;
                let h = clean_text(&s.h1_buf);
                // Inside the body, the first h1 wins; outside it, only as a fallback.
                if s.h1.is_none() && !h.is_empty() {
                    s.h1 = Some(h);
                }
                Ok(())
            }));
        }
        "h2" | "h3" if can_end && s.body_depth > 0 && s.heading.is_none() => {
            s.finish_section();
            s.current.anchor = el
                .get_attribute("id")
                .map(|a| decode_entities(&a).trim().to_string())
                .filter(|a| !a.is_empty());
            s.heading = Some(2);
            let st2 = st.clone();
            let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
                st2.borrow_mut().heading = None;
                Ok(())
            }));
        }
        "br" | "hr" | "img" => s.space(),
        t if !INLINE_TAGS.contains(&t) => {
            s.space();
            if can_end {
                let st2 = st.clone();
                let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
                    st2.borrow_mut().space();
                    Ok(())
                }));
            }
        }
        _ => {}
    }
}

fn on_text(st: &Rc<RefCell<Extract>>, text: &str) {
    let mut s = st.borrow_mut();
    if s.in_head_title {
        s.head_title.push_str(text);
        return;
    }
    if s.skip_depth > 0 {
        return;
    }
    match s.heading {
        Some(1) => s.h1_buf.push_str(text),
        Some(_) if s.body_depth > 0 => s.current.heading.push_str(text),
        _ if s.body_depth > 0 => s.current.text.push_str(text),
        _ => {}
    }
}
