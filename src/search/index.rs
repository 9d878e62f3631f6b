//! The search index: what a rendered page contributes (`extract_docs`), the static,
//! chunked index the client loads with `<script>` elements (`build_index`) and the
//! A–Ö subject index for the no-JavaScript fallback (`subject_index`).
//!
//! # Files (all under `sok/`, all JavaScript so they load from `file://`)
//!
//! Every file is one statement, `window.lovportalSearch.register("<name>", <JSON>);`.
//!
//! * `meta.js` (fixed name, the entry point):
//!   `{"v":1, "docs":N, "chunks":[[first,last,hash],…], "frags":{"h":"…","n":"…"},
//!   "munis":[[slug,name,start,end],…], "kinds":[kind,…], "kindRuns":[start,k,…],
//!   "stop":[…]}`.
//!   - `chunks[i]` is the term chunk `c<i>-<hash>.js`, holding the stem keys `first`
//!     to `last` (sorted by UTF-16 code units, like JavaScript's `<`).
//!   - Fragment group `g` is `f<g>-<h[6g..6g+6]>.js` and holds the next `n[g]`
//!     documents (`n` is a string of varints, see below). Most pages get a file of
//!     their own; small ones (contacts, checklist steps) share one.
//!   - Documents are numbered in the order (municipality, kind, url): a municipality
//!     is the range `start..end`; `kindRuns` holds pairs (first document, index into
//!     `kinds`).
//!   - `stop`: the stop words (folded), which the client drops from queries.
//! * `c<i>-<hash>.js`, a term chunk: `{"s":[[stem, term, postings, term, postings,
//!   …],…]}`: the index terms grouped by stem key, `stem(fold(term))`. A term is the
//!   word as written, lowercased, diacritics kept (so exact spelling can rank first);
//!   a stem group is never split, so a query word's stem lands in exactly one chunk.
//!   `postings` is a string of base-32 varints (digits `0-9A-Za-z-_`, 5 bits each,
//!   least significant first, +32 on all but the last digit of a number): pairs `d, p`
//!   with `d` the document number as a delta from the previous pair's (0 = same
//!   document) and `p = section * 128 + flags`, flags as in [`Flags`].
//! * `f<g>-<hash>.js`, a fragment group: `{"d":[[url,title,[[anchor,heading,text],…]],
//!   …]}` for consecutive documents, loaded only for the results shown.
//!
//! Hashes are a 64-bit hash of the JSON payload (hex, `payload_hash`), so a file's
//! name changes when its content does and it can be cached forever. The output is
//! byte-identical for the same documents in any order.
//!
//! Compound parts ("ansökan" in "behörighetsansökan") and the parts of hyphenated
//! words ("kort" in "SITHS-kort") are posted under their own terms with the "part"
//! flags, so a query for a part finds the compound without prefix or infix search.

use rayon::prelude::*;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use lol_html::html_content::{Element, EndTag, TextChunk};
use lol_html::{RewriteStrSettings, doc_text, element, end_tag, rewrite_str};

use super::text::{
    STOP_WORDS, Vocabulary, fold, for_each_token, indexable, is_stop_word, js_cmp, lowercase,
    normalize, stem,
};

/// What a search document is. Shown in results and used by the "typ" filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DocKind {
    Routine,
    Municipality,
    System,
    Contact,
    ChecklistStep,
    EService,
    #[default]
    Page,
}

impl DocKind {
    pub const ALL: [DocKind; 7] = [
        DocKind::Routine,
        DocKind::Municipality,
        DocKind::System,
        DocKind::Contact,
        DocKind::ChecklistStep,
        DocKind::EService,
        DocKind::Page,
    ];

    /// The value used in `data-search-kind`, the index and the `typ` filter.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Routine => "routine",
            DocKind::Municipality => "municipality",
            DocKind::System => "system",
            DocKind::Contact => "contact",
            DocKind::ChecklistStep => "checklist",
            DocKind::EService => "eservice",
            DocKind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// A part of a page under one heading.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Section {
    /// The heading's `id`, for `url#anchor`; `None` for the text before the first heading.
    pub anchor: Option<String>,
    pub heading: String,
    pub text: String,
}

/// One searchable page (or part of a page with its own URL, like `molndal/#kontakter`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SearchDoc {
    /// Site-relative URL, e.g. `molndal/inloggning/` or `molndal/#kontakter`.
    pub url: String,
    pub title: String,
    /// (slug, name), e.g. ("molndal", "Mölndal").
    pub municipality: Option<(String, String)>,
    pub kind: DocKind,
    pub sections: Vec<Section>,
}

/// Posting flags (the low 7 bits of a posting's second number).
pub struct Flags;

impl Flags {
    /// Occurrences of the whole word in the section body, capped at 7.
    pub const BODY_TF: u8 = 0b000_0111;
    /// The whole word is in the section heading.
    pub const HEADING: u8 = 0b000_1000;
    /// The whole word is in the document title (posted on section 0).
    pub const TITLE: u8 = 0b001_0000;
    /// The term is a part of a compound or hyphenated word in the body.
    pub const PART_BODY: u8 = 0b010_0000;
    /// The term is a part of a compound or hyphenated word in a heading or the title.
    pub const PART_HEADING: u8 = 0b100_0000;
}

/// Tuning for [`build_index_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexOptions {
    /// A term chunk is closed once it reaches this many bytes (a single term with more
    /// postings gets a chunk of its own).
    pub chunk_bytes: usize,
    /// A fragment group is closed once it reaches this many bytes. Documents are in
    /// URL order, so a group holds neighbouring pages of one municipality: a search
    /// filtered to a municipality loads fewer files, and a build writes fewer (12 KiB:
    /// about two documents a group; see the README's search figures).
    pub fragment_bytes: usize,
    /// Section text kept for excerpts (characters); the index uses all of it.
    pub excerpt_chars: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            chunk_bytes: 12 * 1024,
            fragment_bytes: 12 * 1024,
            excerpt_chars: 2000,
        }
    }
}

/// The directory under the output root that holds the index.
pub const INDEX_DIR: &str = "sok";
/// The entry file, relative to the output root.
pub const META_FILE: &str = "sok/meta.js";
/// Format version, `v` in `meta.js`.
pub const FORMAT_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------
// Extraction from rendered HTML
// ---------------------------------------------------------------------------------

#[cfg_attr(not(test), allow(dead_code))] // read through `tag_class`
const SKIPPED_TAGS: &[&str] = &[
    "nav", "header", "footer", "script", "style", "template", "noscript", "svg", "button",
    "select", "textarea",
];

#[cfg_attr(not(test), allow(dead_code))] // read through `tag_class`
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "del", "ins",
];

/// Bits of [`tag_class`]: in the skipped, inline, void, raw-text and hard lists.
const SKIPPED: u8 = 1;
const INLINE: u8 = 2;
const VOID: u8 = 4;
const RAW_TEXT: u8 = 8;
const HARD: u8 = 16;

/// What the scanners need to know of a tag name (lowercase), as bits: one `match`
/// instead of a walk through each of the lists above and below (a page has hundreds
/// of tags). `tag_classes_match_the_lists` checks it against the lists.
fn tag_class(name: &str) -> u8 {
    match name {
        "nav" | "header" | "footer" | "button" | "select" => SKIPPED,
        "script" | "style" => SKIPPED | RAW_TEXT,
        "template" | "noscript" | "svg" | "textarea" => SKIPPED | HARD,
        "a" | "abbr" | "b" | "bdi" | "bdo" | "cite" | "code" | "data" | "dfn" | "em" | "i"
        | "kbd" | "mark" | "q" | "s" | "samp" | "small" | "span" | "strong" | "sub" | "sup"
        | "time" | "u" | "var" | "del" | "ins" => INLINE,
        "wbr" => INLINE | VOID,
        "area" | "base" | "basefont" | "bgsound" | "br" | "col" | "embed" | "hr" | "img"
        | "input" | "keygen" | "link" | "meta" | "param" | "source" | "track" => VOID,
        "title" => RAW_TEXT,
        "xmp" | "iframe" | "noembed" | "noframes" | "plaintext" | "math" | "frameset" | "image" => {
            HARD
        }
        _ => 0,
    }
}

#[derive(Default)]
struct Extract {
    /// Depth inside `<main>` / `[data-search-body]`.
    body_depth: u32,
    /// Depth inside skipped elements.
    skip_depth: u32,
    /// Capturing a heading: 1 for h1, 2 for h2/h3.
    heading: Option<u8>,
    seen_body: bool,
    title_attr: Option<String>,
    municipality_attr: Option<String>,
    kind_attr: Option<String>,
    h1: Option<String>,
    h1_buf: String,
    head_title: String,
    in_head_title: bool,
    sections: Vec<Section>,
    current: Section,
}

impl Extract {
    fn space(&mut self) {
        match self.heading {
            Some(1) => self.h1_buf.push(' '),
            Some(_) => self.current.heading.push(' '),
            None => self.current.text.push(' '),
        }
    }

    fn finish_section(&mut self) {
        let mut s = std::mem::take(&mut self.current);
        s.heading = clean_text(&s.heading);
        s.text = clean_text(&s.text);
        if s.anchor.is_some() || !s.heading.is_empty() || !s.text.is_empty() {
            self.sections.push(s);
        }
    }
}

/// Read a rendered page: the text inside `<main>` (or the element with
/// `data-search-body`), without `nav`, `header`, `footer`, `script`, `style` and
/// elements marked `data-search-ignore`; split into sections at `h2`/`h3` (their `id`
/// is the anchor). Title from `data-search-title` on the body element, else the first
/// `h1`, else `<title>`. `data-search-municipality="slug|Name"` and
/// `data-search-kind="routine|…"` on the body element set municipality and kind.
/// Never fails: unparsable input gives whatever text was read before the problem.
pub fn extract_docs(html: &str, url: &str) -> SearchDoc {
    // Most pages are our own well-formed output: read them with a small strict
    // scanner, and hand anything it is not sure about to lol_html.
    let st = fast_scan(html).unwrap_or_else(|| lol_html_scan(html));
    st.into_doc(url)
}

/// Read the page with lol_html (any HTML).
fn lol_html_scan(html: &str) -> Extract {
    let st = Rc::new(RefCell::new(Extract::default()));
    let el_state = st.clone();
    let text_state = st.clone();
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("*", move |el: &mut Element| {
            let tag = el.tag_name();
            let tag = if tag.bytes().any(|b| b.is_ascii_uppercase()) {
                tag.to_ascii_lowercase()
            } else {
                tag
            };
            let end = el_state
                .borrow_mut()
                .on_element(&tag, el.can_have_content(), |name| el.get_attribute(name));
            if end != EndAction::Nothing {
                let st2 = el_state.clone();
                let _ = el.on_end_tag(end_tag!(move |_e: &mut EndTag| {
                    st2.borrow_mut().on_end(end);
                    Ok(())
                }));
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t: &mut TextChunk| {
            text_state.borrow_mut().on_text(t.as_str());
            Ok(())
        }));
    // Errors (memory limits, parser ambiguity) leave what was read so far.
    let _ = rewrite_str(html, settings);
    Rc::try_unwrap(st)
        .map(RefCell::into_inner)
        .unwrap_or_else(|st| std::mem::take(&mut *st.borrow_mut()))
}

/// What to do at an element's end tag.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EndAction {
    Nothing,
    HeadTitle,
    Skip,
    Body,
    H1,
    Heading,
    Space,
}

impl Extract {
    /// A start tag (`tag` in lowercase); returns what its end tag does.
    fn on_element(
        &mut self,
        tag: &str,
        can_end: bool,
        attr: impl Fn(&str) -> Option<String>,
    ) -> EndAction {
        let end = |a: EndAction| if can_end { a } else { EndAction::Nothing };
        if tag == "title" && self.body_depth == 0 && can_end {
            self.in_head_title = true;
            return EndAction::HeadTitle;
        }
        if self.skip_depth > 0
            || tag_class(tag) & SKIPPED != 0
            || attr("data-search-ignore").is_some()
        {
            if can_end {
                self.skip_depth += 1;
            }
            return end(EndAction::Skip);
        }
        let is_body = tag == "main" || attr("data-search-body").is_some();
        if is_body && can_end {
            if !self.seen_body {
                self.seen_body = true;
                self.title_attr = attr("data-search-title");
                self.municipality_attr = attr("data-search-municipality");
                self.kind_attr = attr("data-search-kind");
            }
            self.body_depth += 1;
            return EndAction::Body;
        }
        match tag {
            "h1" if can_end && self.heading.is_none() => {
                self.heading = Some(1);
                self.h1_buf.clear();
                EndAction::H1
            }
            "h2" | "h3" if can_end && self.body_depth > 0 && self.heading.is_none() => {
                self.finish_section();
                self.current.anchor = attr("id")
                    .map(|a| decode_entities(&a).trim().to_string())
                    .filter(|a| !a.is_empty());
                self.heading = Some(2);
                EndAction::Heading
            }
            "br" | "hr" | "img" => {
                self.space();
                EndAction::Nothing
            }
            t if tag_class(t) & INLINE == 0 => {
                self.space();
                end(EndAction::Space)
            }
            _ => EndAction::Nothing,
        }
    }

    fn on_end(&mut self, action: EndAction) {
        match action {
            EndAction::Nothing => {}
            EndAction::HeadTitle => self.in_head_title = false,
            EndAction::Skip => self.skip_depth = self.skip_depth.saturating_sub(1),
            EndAction::Body => {
                self.body_depth = self.body_depth.saturating_sub(1);
                self.space();
            }
            EndAction::H1 => {
                self.heading = None;
                let h = clean_text(&self.h1_buf);
                // Inside the body, the first h1 wins; outside it, only as a fallback.
                if self.h1.is_none() && !h.is_empty() {
                    self.h1 = Some(h);
                }
            }
            EndAction::Heading => self.heading = None,
            EndAction::Space => self.space(),
        }
    }

    fn on_text(&mut self, text: &str) {
        if self.in_head_title {
            self.head_title.push_str(text);
            return;
        }
        if self.skip_depth > 0 {
            return;
        }
        match self.heading {
            Some(1) => self.h1_buf.push_str(text),
            Some(_) if self.body_depth > 0 => self.current.heading.push_str(text),
            _ if self.body_depth > 0 => self.current.text.push_str(text),
            _ => {}
        }
    }

    fn into_doc(mut self, url: &str) -> SearchDoc {
        self.finish_section();
        let st = self;
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
            sections: st.sections,
        }
    }
}

/// Void elements (no content, no end tag), as lol_html lists them.
#[cfg_attr(not(test), allow(dead_code))] // read through `tag_class`
const VOID_TAGS: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "keygen",
    "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is raw text up to their end tag.
#[cfg_attr(not(test), allow(dead_code))] // read through `tag_class`
const RAW_TEXT_TAGS: &[&str] = &["script", "style", "title"];

/// Elements the fast scanner leaves to lol_html: other raw-text, RCDATA and
/// plaintext elements, foreign content (different self-closing and CDATA rules).
#[cfg_attr(not(test), allow(dead_code))] // read through `tag_class`
const HARD_TAGS: &[&str] = &[
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "svg",
    "math",
    "template",
    "frameset",
    "image",
];

/// Attributes `on_element` reads.
const READ_ATTRS: &[&str] = &[
    "data-search-ignore",
    "data-search-body",
    "data-search-title",
    "data-search-municipality",
    "data-search-kind",
    "id",
];

/// Read a page that is strictly well formed: every element closed by its own end tag
/// (void elements aside), no comments, CDATA or processing instructions, no NUL or
/// carriage return, attributes simple and not repeated, `<script>`, `<style>` and
/// `<title>` without `<!--`. Gives the same events lol_html would, in the same order;
/// `None` for anything else.
fn fast_scan(html: &str) -> Option<Extract> {
    let b = html.as_bytes();
    if memchr::memchr2(b'\0', b'\r', b).is_some() {
        return None;
    }
    let mut st = Extract::default();
    let mut stack: Vec<(&str, EndAction)> = Vec::new();
    let mut i = 0;
    let mut attrs: [Option<&str>; 6] = [None; 6];
    while i < b.len() {
        // Text up to the next '<'.
        let lt = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |p| i + p);
        if lt > i {
            st.on_text(&html[i..lt]);
        }
        if lt == b.len() {
            break;
        }
        i = lt + 1;
        match b.get(i) {
            Some(b'!') => {
                // Only a plain doctype.
                let rest = &b[i + 1..];
                if rest.len() < 7 || !rest[..7].eq_ignore_ascii_case(b"doctype") {
                    return None;
                }
                let gt = rest.iter().position(|&c| c == b'>')?;
                if rest[..gt]
                    .iter()
                    .any(|&c| c == b'"' || c == b'\'' || c == b'<')
                {
                    return None;
                }
                i += 1 + gt + 1;
            }
            Some(b'/') => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
                    j += 1;
                }
                if j == start || !b[start].is_ascii_alphabetic() {
                    return None;
                }
                let name = &html[start..j];
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) != Some(&b'>') {
                    return None;
                }
                i = j + 1;
                let (open, action) = stack.pop()?;
                if !open.eq_ignore_ascii_case(name) {
                    return None;
                }
                st.on_end(action);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = i;
                let mut j = start;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
                    j += 1;
                }
                let raw_name = &html[start..j];
                let lower;
                let name: &str = if raw_name.bytes().any(|c| c.is_ascii_uppercase()) {
                    lower = raw_name.to_ascii_lowercase();
                    &lower
                } else {
                    raw_name
                };
                let class = tag_class(name);
                if class & HARD != 0 {
                    return None;
                }
                // Attributes.
                attrs.fill(None);
                let mut self_closing = false;
                loop {
                    let ws = j;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match b.get(j) {
                        None => return None,
                        Some(b'>') => {
                            j += 1;
                            break;
                        }
                        Some(b'/') => {
                            if b.get(j + 1) != Some(&b'>') {
                                return None;
                            }
                            self_closing = true;
                            j += 2;
                            break;
                        }
                        _ => {}
                    }
                    if ws == j {
                        // Attributes must be separated by whitespace.
                        return None;
                    }
                    let an = j;
                    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
                        j += 1;
                    }
                    if j == an {
                        return None;
                    }
                    let attr_name = &html[an..j];
                    let value: &str;
                    if b.get(j) == Some(&b'=') {
                        j += 1;
                        match b.get(j) {
                            Some(&q @ (b'"' | b'\'')) => {
                                let close = b[j + 1..].iter().position(|&c| c == q)?;
                                value = &html[j + 1..j + 1 + close];
                                j += close + 2;
                            }
                            _ => {
                                let vs = j;
                                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                                    if matches!(b[j], b'"' | b'\'' | b'<' | b'=' | b'`' | b'/') {
                                        return None;
                                    }
                                    j += 1;
                                }
                                if j == vs {
                                    return None;
                                }
                                value = &html[vs..j];
                            }
                        }
                    } else {
                        value = "";
                    }
                    // Only `id` and `data-search-…` are read: others are passed over
                    // without comparing them with each name.
                    let read = attr_name.len() == 2
                        || (attr_name.len() > 12
                            && attr_name.as_bytes()[..12].eq_ignore_ascii_case(b"data-search-"));
                    if read
                        && let Some(k) = READ_ATTRS
                            .iter()
                            .position(|a| a.eq_ignore_ascii_case(attr_name))
                    {
                        if attrs[k].is_some() {
                            return None;
                        }
                        attrs[k] = Some(value);
                    }
                }
                let void = class & VOID != 0;
                if self_closing && !void {
                    return None;
                }
                let action = st.on_element(name, !void, |a| {
                    let k = READ_ATTRS.iter().position(|x| *x == a)?;
                    attrs[k].map(str::to_string)
                });
                i = j;
                if !void {
                    stack.push((raw_name, action));
                    if class & RAW_TEXT != 0 {
                        // Raw text up to `</name` followed by whitespace, '/' or '>'.
                        let mut k = i;
                        let end = loop {
                            let p = memchr::memchr(b'<', &b[k..])? + k;
                            let after = p + 2 + name.len();
                            if b.get(p + 1) == Some(&b'/')
                                && after <= b.len()
                                && b[p + 2..after].eq_ignore_ascii_case(name.as_bytes())
                                && matches!(b.get(after), Some(c) if c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                            {
                                break p;
                            }
                            if b.get(p + 1) == Some(&b'!') {
                                return None;
                            }
                            k = p + 1;
                        };
                        if end > i {
                            st.on_text(&html[i..end]);
                        }
                        i = end;
                    }
                }
            }
            _ => return None,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    Some(st)
}

/// Decode entities and collapse whitespace (`char::is_whitespace`).
fn clean_text(raw: &str) -> String {
    let decoded;
    let s = if memchr::memchr(b'&', raw.as_bytes()).is_some() {
        decoded = decode_entities(raw);
        decoded.as_str()
    } else {
        raw
    };
    let b = s.as_bytes();
    // What each byte may start: 0 nothing to look at, 1 a space, 2 other ASCII
    // whitespace, 3 the lead byte of U+0085, U+00A0, U+1680 or U+2000–U+3000 (the only
    // non-ASCII whitespace); å, ä, ö (0xC3 …) and the rest are passed over.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b' ' as usize] = 1;
        t[b'\t' as usize] = 2;
        t[b'\n' as usize] = 2;
        t[0x0B] = 2;
        t[0x0C] = 2;
        t[b'\r' as usize] = 2;
        t[0xC2] = 3;
        t[0xE1] = 3;
        t[0xE2] = 3;
        t[0xE3] = 3;
        t
    };
    // The length of the whitespace character at `i`, or 0.
    let space_at = |i: usize| -> usize {
        match CLASS[b[i] as usize] {
            0 => 0,
            3 => s[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8),
            _ => 1,
        }
    };
    // Text is copied in runs: a single space between words stays inside the run; any
    // other stretch of whitespace ends it and becomes one space.
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let n = space_at(i);
        if n == 0 {
            break;
        }
        i += n;
    }
    let mut run = i;
    while i < b.len() {
        match CLASS[b[i] as usize] {
            0 => {
                i += 1;
                continue;
            }
            // A single space before a byte that starts nothing stays in the run.
            1 if b.get(i + 1).is_some_and(|&n| CLASS[n as usize] == 0) => {
                i += 2;
                continue;
            }
            _ => {}
        }
        let n = space_at(i);
        if n == 0 {
            i += 1;
            continue;
        }
        let start = i;
        i += n;
        while i < b.len() {
            let n = space_at(i);
            if n == 0 {
                break;
            }
            i += n;
        }
        if i == b.len() {
            // Trailing whitespace.
            out.push_str(&s[run..start]);
            return out;
        }
        if i - start == 1 && b[start] == b' ' {
            continue;
        }
        out.push_str(&s[run..start]);
        out.push(' ');
        run = i;
    }
    out.push_str(&s[run..]);
    out
}

/// Decode HTML character references: numeric ones and the named ones a Swedish page
/// uses. Unknown references are kept as written.
pub fn decode_entities(s: &str) -> String {
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest
            .char_indices()
            .take(34)
            .find(|&(_, c)| c == ';')
            .map(|(j, _)| j);
        let decoded = end.and_then(|j| {
            let name = &rest[1..j];
            decode_entity(name).map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push_str(&c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some(c.to_string());
    }
    let c = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{00A0}",
        "shy" => "\u{00AD}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "bull" => "•",
        "middot" => "·",
        "copy" => "©",
        "aring" => "å",
        "auml" => "ä",
        "ouml" => "ö",
        "Aring" => "Å",
        "Auml" => "Ä",
        "Ouml" => "Ö",
        "eacute" => "é",
        "Eacute" => "É",
        "uuml" => "ü",
        "Uuml" => "Ü",
        _ => return None,
    };
    Some(c.to_string())
}

// ---------------------------------------------------------------------------------
// Index building
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Title,
    Heading,
    Body,
}

/// Postings of one term: (document, section, flags), in document/section order.
type Postings = Vec<(u32, u32, u8)>;

/// FxHash (as in rustc): much cheaper than SipHash for the many short words hashed
/// here, and no denial-of-service concern for a site's own text. A few lines, so no
/// crate for it.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Word → id for [`Analysis`]: open addressing, each slot holding the word's length and
/// first 16 bytes, so finding a word of up to 16 bytes (nearly every word) reads only
/// the table and never the word's own allocation. (A `HashMap<Box<str>, u32>` follows
/// a pointer to compare keys: a cache miss per token on a large corpus.)
#[derive(Default)]
struct WordTable {
    slots: Vec<WordSlot>,
    used: usize,
}

#[derive(Clone, Copy)]
struct WordSlot {
    head: [u8; 16],
    len: u32,
    /// [`WordSlot::FREE`] for an empty slot.
    id: u32,
}

impl WordSlot {
    const FREE: u32 = u32::MAX;
    const EMPTY: WordSlot = WordSlot {
        head: [0; 16],
        len: 0,
        id: WordSlot::FREE,
    };
}

impl WordTable {
    fn head(word: &[u8]) -> [u8; 16] {
        let mut h = [0u8; 16];
        let n = word.len().min(16);
        h[..n].copy_from_slice(&word[..n]);
        h
    }

    fn hash(word: &[u8]) -> usize {
        use std::hash::Hasher;
        let mut h = FxHasher::default();
        h.write(word);
        // The multiply leaves the low bits weakest; fold the high ones in.
        let x = h.finish();
        (x ^ (x >> 29)) as usize
    }

    /// The id of `word` (ids index `words`), or the id `words.len()` after pushing it.
    fn intern(&mut self, words: &mut Vec<Box<str>>, word: &str) -> (u32, bool) {
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow(words);
        }
        let b = word.as_bytes();
        let head = Self::head(b);
        let len = b.len() as u32;
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(b) & mask;
        loop {
            let s = &self.slots[i];
            if s.id == WordSlot::FREE {
                break;
            }
            if s.len == len
                && s.head == head
                && (b.len() <= 16 || words[s.id as usize].as_bytes()[16..] == b[16..])
            {
                return (s.id, false);
            }
            i = (i + 1) & mask;
        }
        let id = u32::try_from(words.len())
            .ok()
            .filter(|&id| id < WORD_ID)
            .expect("fewer than 2^30 distinct words");
        self.slots[i] = WordSlot { head, len, id };
        self.used += 1;
        words.push(word.into());
        (id, true)
    }

    fn grow(&mut self, words: &[Box<str>]) {
        let cap = (self.slots.len() * 2).max(1024);
        let mut slots = vec![WordSlot::EMPTY; cap];
        for s in self.slots.iter().filter(|s| s.id != WordSlot::FREE) {
            let mut i = Self::hash(words[s.id as usize].as_bytes()) & (cap - 1);
            while slots[i].id != WordSlot::FREE {
                i = (i + 1) & (cap - 1);
            }
            slots[i] = *s;
        }
        self.slots = slots;
    }
}

/// Stream entry flags (see [`Analysis::stream`]).
const PART: u32 = 1 << 31;
const HYPHENATED: u32 = 1 << 30;
const WORD_ID: u32 = HYPHENATED - 1;
const NO_TERM: u32 = u32::MAX;

/// The words of some documents, tokenised once: each distinct word (lowercase, as
/// tokenised) once, and every text as a stream of word ids.
#[derive(Default)]
struct Analysis {
    /// Distinct words, and whether each goes into the vocabulary (a plain word or a
    /// part of a hyphenated word; a hyphenated word as a whole does not).
    words: Vec<Box<str>>,
    vocab: Vec<bool>,
    /// Per token: the word id; a hyphenated word is its id | `HYPHENATED`, followed
    /// by its parts' ids | `PART`.
    stream: Vec<u32>,
    /// Per text: (document, section, field, end of its tokens in `stream`); documents
    /// are numbered from 0 within the analysis.
    texts: Vec<(u32, u32, Field, u32)>,
}

impl Analysis {
    fn of(docs: &[&SearchDoc]) -> Analysis {
        let mut a = Analysis::default();
        let mut ids = WordTable::default();
        for (j, doc) in docs.iter().enumerate() {
            let j = j as u32;
            a.add_text(&mut ids, &doc.title, j, 0, Field::Title);
            for (s, sec) in doc.sections.iter().enumerate() {
                let s = u32::try_from(s).unwrap_or(u32::MAX);
                a.add_text(&mut ids, &sec.heading, j, s, Field::Heading);
                a.add_text(&mut ids, &sec.text, j, s, Field::Body);
            }
        }
        a
    }

    fn add_text(&mut self, ids: &mut WordTable, text: &str, doc: u32, sec: u32, f: Field) {
        for_each_token(text, |tok| {
            if tok.parts.is_empty() {
                let id = self.intern(ids, tok.word, true);
                self.stream.push(id);
            } else {
                let id = self.intern(ids, tok.word, false);
                self.stream.push(id | HYPHENATED);
                for r in tok.parts {
                    let id = self.intern(ids, &tok.word[r.clone()], true);
                    self.stream.push(id | PART);
                }
            }
        });
        let end = u32::try_from(self.stream.len()).expect("fewer than 2^32 words");
        self.texts.push((doc, sec, f, end));
    }

    fn intern(&mut self, ids: &mut WordTable, word: &str, vocab: bool) -> u32 {
        let (id, new) = ids.intern(&mut self.words, word);
        if new {
            self.vocab.push(false);
        }
        self.vocab[id as usize] |= vocab;
        id
    }
}

/// What indexing does with one distinct word: its own term (if indexable) and the
/// terms of its compound parts (indexable ones only).
#[derive(Clone, Default, PartialEq, Eq)]
struct WordPlan {
    indexable: bool,
    parts: Vec<String>,
}

fn plan_word(vocab: &Vocabulary, word: &str) -> WordPlan {
    if !indexable(word) {
        return WordPlan::default();
    }
    let parts = vocab
        .split_compound(word)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| indexable(p))
        .collect();
    WordPlan {
        indexable: true,
        parts,
    }
}

/// Post the occurrences of one analysis (its documents numbered from `base`), with
/// `terms[g]` the (term, compound part terms) of global word `g` and `global[w]` the
/// global word of the analysis' word `w`; only the terms `t` with `only[t]`, if given.
/// Returns the postings sorted by term.
fn post_analysis<L: PostingList>(
    a: &Analysis,
    base: u32,
    global: &[u32],
    terms: &[(u32, Box<[u32]>)],
    only: Option<&[bool]>,
) -> Vec<(u32, L)> {
    let mut map: FxMap<u32, L> = FxMap::default();
    let mut post = |term: u32, doc: u32, sec: u32, field: Field, part: bool| {
        if only.is_some_and(|o| !o[term as usize]) {
            return;
        }
        let flag = match (part, field) {
            (false, Field::Title) => Flags::TITLE,
            (false, Field::Heading) => Flags::HEADING,
            (false, Field::Body) => 1,
            (true, Field::Body) => Flags::PART_BODY,
            (true, _) => Flags::PART_HEADING,
        };
        let list = map.entry(term).or_default();
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
    };
    let mut from = 0usize;
    for &(j, sec, field, end) in &a.texts {
        let doc = base + j;
        for &e in &a.stream[from..end as usize] {
            let (term, parts) = &terms[global[(e & WORD_ID) as usize] as usize];
            if *term == NO_TERM {
                continue;
            }
            let part = e & PART != 0;
            post(*term, doc, sec, field, part);
            // A hyphenated word as a whole is not split; its parts are.
            if e & HYPHENATED == 0 {
                for &p in parts.iter() {
                    post(p, doc, sec, field, true);
                }
            }
        }
        from = end as usize;
    }
    let mut out: Vec<(u32, L)> = map.into_iter().collect();
    out.iter_mut().for_each(|(_, l)| l.finish());
    out.sort_unstable_by_key(|e| e.0);
    out
}

/// A term's postings as [`post_analysis`] builds them: only the last one can still
/// change.
trait PostingList: Default {
    fn last_mut(&mut self) -> Option<&mut (u32, u32, u8)>;
    fn push(&mut self, posting: (u32, u32, u8));
    /// No more postings come.
    fn finish(&mut self) {}
}

impl PostingList for Postings {
    fn last_mut(&mut self) -> Option<&mut (u32, u32, u8)> {
        self.as_mut_slice().last_mut()
    }

    fn push(&mut self, posting: (u32, u32, u8)) {
        Vec::push(self, posting);
    }
}

/// A term's postings in one analysis, already in the index's encoding (a one-shot
/// build, where nothing is spliced later): about 3 bytes a posting instead of 12. The
/// first posting's document stays a number, since its delta is from the term's last
/// posting in the analyses before; `text` holds the rest of the encoding.
#[derive(Default)]
struct EncodedPostings {
    first: u32,
    last: u32,
    started: bool,
    text: String,
    pending: Option<(u32, u32, u8)>,
}

impl EncodedPostings {
    fn flush(&mut self) {
        if let Some((d, s, f)) = self.pending.take() {
            if self.started {
                push_varint(&mut self.text, u64::from(d - self.last));
            } else {
                (self.first, self.started) = (d, true);
            }
            push_section_flags(&mut self.text, s, f);
            self.last = d;
        }
    }

    /// Appends the postings to `out` as [`push_postings`] would.
    fn push_to(&self, out: &mut String, prev: &mut u32) {
        if self.started {
            push_varint(out, u64::from(self.first - *prev));
            out.push_str(&self.text);
            *prev = self.last;
        }
    }
}

impl PostingList for EncodedPostings {
    fn last_mut(&mut self) -> Option<&mut (u32, u32, u8)> {
        self.pending.as_mut()
    }

    fn push(&mut self, posting: (u32, u32, u8)) {
        self.flush();
        self.pending = Some(posting);
    }

    fn finish(&mut self) {
        self.flush();
        self.text.shrink_to_fit();
    }
}

/// Documents in index order: (municipality slug, kind, url), then everything else so
/// equal keys still sort the same way whatever the input order.
fn sorted_docs<D: Borrow<SearchDoc>>(docs: &[D]) -> Vec<&SearchDoc> {
    let mut sorted: Vec<&SearchDoc> = docs.iter().map(Borrow::borrow).collect();
    sorted.sort_by(|a, b| doc_order(a, b));
    sorted
}

/// The order of [`sorted_docs`].
fn doc_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    let ka = (a.municipality.as_ref().map(|m| &m.0), a.kind, &a.url);
    let kb = (b.municipality.as_ref().map(|m| &m.0), b.kind, &b.url);
    ka.cmp(&kb).then_with(|| a.cmp(b))
}

/// The hash in index file names: FNV-1a's constants, taken eight bytes at a time
/// (the bytewise loop was 1 % of a build), with a final mix so every input bit
/// reaches the digits kept. Names only have to change when the content does; nothing
/// depends on this being any particular hash.
fn payload_hash(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ w).wrapping_mul(PRIME).rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    // splitmix64's finaliser.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Write `s` as a JSON string that is also safe inside JavaScript source (ES2017 does
/// not allow raw U+2028/U+2029 in string literals).
fn push_json_str(out: &mut String, s: &str) {
    // The escapes serde_json writes, plus U+2028/U+2029 (E2 80 A8/A9 in UTF-8).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none of them needs a look.
        i = crate::swar::skip(bytes, i, needs_look);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b >= 0x20 && b != b'"' && b != b'\\' && b != 0xE2 {
            i += 1;
            continue;
        }
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0C => Some("\\f"),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => {
                Some("\\u2028")
            }
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => {
                Some("\\u2029")
            }
            _ => None,
        };
        if let Some(e) = esc {
            out.push_str(&s[from..i]);
            out.push_str(e);
            i += if b == 0xE2 { 3 } else { 1 };
            from = i;
        } else if b < 0x20 {
            out.push_str(&s[from..i]);
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
            i += 1;
            from = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[from..]);
    out.push('"');
}

/// Whether any of the eight bytes in `w` is a control character, `"`, `\\` or 0xE2
/// (the lead byte of U+2028/U+2029), which [`push_json_str`] must look at.
#[inline]
fn needs_look(w: u64) -> bool {
    use crate::swar::{has_byte, has_less};
    has_less(w, 0x20) || has_byte(w, b'"') || has_byte(w, b'\\') || has_byte(w, 0xE2)
}

fn js_file(name: &str, payload: &str) -> Vec<u8> {
    let mut out = String::with_capacity(payload.len() + name.len() + 48);
    out.push_str("window.lovportalSearch.register(");
    push_json_str(&mut out, name);
    out.push(',');
    out.push_str(payload);
    out.push_str(");\n");
    out.into_bytes()
}

/// The first `hex` hex digits of the payload's [`payload_hash`].
fn short_hash(payload: &str, hex: usize) -> String {
    let h = format!("{:016x}", payload_hash(payload.as_bytes()));
    h[..hex.min(16)].to_string()
}

/// Hex digits of a fragment file's hash (its name also has the group number, so the
/// hash only has to tell versions of one group apart).
const FRAG_HASH_LEN: usize = 6;

/// Digits of the posting encoding, 6 bits each: 5 bits of value, and 32 = "more".
const VARINT_DIGITS: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Append `v` as a little-endian base-32 varint in [`VARINT_DIGITS`].
fn push_varint(out: &mut String, mut v: u64) {
    loop {
        let low = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(char::from(VARINT_DIGITS[low]));
            return;
        }
        out.push(char::from(VARINT_DIGITS[low | 32]));
    }
}

/// Decode a string of `push_varint` numbers (for tests and tools).
pub fn decode_varints(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let (mut v, mut shift) = (0u64, 0u32);
    for b in s.bytes() {
        let Some(d) = VARINT_DIGITS.iter().position(|&x| x == b) else {
            continue;
        };
        v |= ((d & 31) as u64).checked_shl(shift).unwrap_or(0);
        shift += 5;
        if d & 32 == 0 {
            out.push(v);
            v = 0;
            shift = 0;
        }
    }
    out
}

/// Cut text to at most `max` characters, at a word boundary, marking the cut with "…".
fn truncate_text(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    // No more bytes than `max`, so no more characters: kept as it is, without a count.
    if text.len() <= max {
        return text.into();
    }
    // The text is longer than `max` characters iff it has a character number `max`.
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.into();
    };
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(i) if i > cut / 2 => &head[..i],
        _ => head,
    };
    format!("{head} …").into()
}

/// Cut a sequence of pieces into files the way one pass appending them would: a file
/// (starting with 6 bytes, pieces separated by commas) takes pieces while it is
/// shorter than `limit` bytes, and always at least one.
fn cut(lens: impl Iterator<Item = usize>, limit: usize) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::new();
    let mut file = FileCut::new(limit);
    let mut start = 0;
    for (i, n) in lens.enumerate() {
        if file.add(n) {
            cuts.push(start..i);
            start = i;
        }
    }
    if file.count > 0 {
        cuts.push(start..start + file.count);
    }
    cuts
}

/// The rule of [`cut`], one piece at a time (for pieces made as they are cut).
struct FileCut {
    limit: usize,
    len: usize,
    count: usize,
}

impl FileCut {
    fn new(limit: usize) -> FileCut {
        FileCut {
            limit,
            len: 6,
            count: 0,
        }
    }

    /// Adds a piece of `n` bytes; `true` if the file so far was closed before it (the
    /// piece starts the next one).
    fn add(&mut self, n: usize) -> bool {
        let close = self.count > 0 && self.len >= self.limit;
        if close {
            (self.len, self.count) = (6, 0);
        }
        if self.count > 0 {
            self.len += 1;
        }
        self.len += n;
        self.count += 1;
        close
    }
}

/// One document in a fragment group: `[url,title,[[anchor,heading,text],…]]`.
fn fragment_piece(doc: &SearchDoc, excerpt_chars: usize) -> String {
    let mut payload = String::new();
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
        push_json_str(&mut payload, &truncate_text(&sec.text, excerpt_chars));
        payload.push(']');
    }
    payload.push_str("]]");
    payload
}

/// Build the search index: `(path under the output root, file content)`, sorted by
/// path, with the default [`IndexOptions`].
pub fn build_index<D: Borrow<SearchDoc> + Sync>(docs: &[D]) -> Vec<(String, Vec<u8>)> {
    build_index_with(docs, &IndexOptions::default())
}

/// [`build_index`] with explicit tuning.
pub fn build_index_with<D: Borrow<SearchDoc> + Sync>(
    docs: &[D],
    opts: &IndexOptions,
) -> Vec<(String, Vec<u8>)> {
    collect_files(|emit| build_index_into(docs, opts, emit))
}

/// [`build_index_with`], handing each file to `emit` as soon as it is made instead of
/// returning them all (a build writes them out while the rest is still being encoded).
pub fn build_index_into<D: Borrow<SearchDoc> + Sync>(docs: &[D], opts: &IndexOptions, emit: &Emit) {
    let docs = sorted_docs(docs);
    let n_docs = u32::try_from(docs.len()).unwrap_or(u32::MAX);
    let docs = &docs[..n_docs as usize];
    let analyses = analyse(docs);
    let frags = emit_fragments(docs, opts, emit);
    index_files(docs, analyses, frags, opts, emit);
}

/// [`build_index_into`] for a build that owns its documents (a one-shot build): once
/// they are tokenised and their fragments written, the section texts of the documents
/// no one else holds are let go, so the rest of the index is made without them.
/// Returns the documents, sorted, without those texts (titles and headings stay).
pub fn build_index_owned(
    mut docs: Vec<Arc<SearchDoc>>,
    opts: &IndexOptions,
    emit: &Emit,
) -> Vec<Arc<SearchDoc>> {
    docs.sort_by(|a, b| doc_order(a, b));
    docs.truncate(u32::MAX as usize);
    let (analyses, frags) = {
        let refs: Vec<&SearchDoc> = docs.iter().map(|d| &**d).collect();
        (analyse(&refs), emit_fragments(&refs, opts, emit))
    };
    for doc in &mut docs {
        if let Some(doc) = Arc::get_mut(doc) {
            for sec in &mut doc.sections {
                sec.text = String::new();
            }
        }
    }
    let refs: Vec<&SearchDoc> = docs.iter().map(|d| &**d).collect();
    index_files(&refs, analyses, frags, opts, emit);
    drop(refs);
    docs
}

/// The documents (sorted) tokenised in parallel, in contiguous runs: `(first
/// document, analysis)`.
fn analyse(docs: &[&SearchDoc]) -> Vec<(u32, Analysis)> {
    let run = docs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    docs.par_chunks(run)
        .enumerate()
        .map(|(r, part)| ((r * run) as u32, Analysis::of(part)))
        .collect()
}

/// Fragment groups: consecutive documents, closed once they reach `fragment_bytes`
/// (as [`cut`] does). Made a window of documents at a time, so only one window's
/// pieces are held at once; returns each file's hash and number of documents.
fn emit_fragments(docs: &[&SearchDoc], opts: &IndexOptions, emit: &Emit) -> Vec<(String, usize)> {
    const WINDOW: usize = 256;
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut file = FileCut::new(opts.fragment_bytes);
    let write = |groups: Vec<Vec<String>>, out: &mut Vec<(String, usize)>| {
        let first = out.len();
        let made: Vec<(String, usize)> = groups
            .par_iter()
            .enumerate()
            .map(|(k, part)| {
                let g = first + k;
                let (hash, bytes) = fragment_file(g, part.iter().map(String::as_str));
                emit(format!("{INDEX_DIR}/f{g}-{hash}.js"), Arc::new(bytes));
                (hash, part.len())
            })
            .collect();
        out.extend(made);
    };
    for window in docs.chunks(WINDOW) {
        let pieces: Vec<String> = window
            .par_iter()
            .map(|doc| fragment_piece(doc, opts.excerpt_chars))
            .collect();
        let mut closed = Vec::new();
        for piece in pieces {
            if file.add(piece.len()) {
                closed.push(std::mem::take(&mut open));
            }
            open.push(piece);
        }
        write(closed, &mut out);
    }
    if !open.is_empty() {
        write(vec![open], &mut out);
    }
    out
}

/// Keeps what [`build_index`] made and everything it was made from, so that rebuilding
/// the index after an edit (`serve`) redoes only what the edit can change (see
/// `incremental` for how each output depends on the inputs). The output is the same as
/// [`build_index_with`]'s for the same documents.
///
/// Documents are analysed (tokenised) in runs: the documents of one municipality, at
/// most [`CACHE_RUN`] at a time, so an edit re-analyses its municipality's run only.
/// A document is unchanged if it is the same `Arc` as in the last build, or equal to
/// it. When documents are added, removed or renumbered, or the options change, the
/// index is made again from the kept analyses.
#[derive(Default)]
pub struct IndexCache {
    state: Option<incremental::State>,
}

/// At most this many documents per analysis run in an [`IndexCache`].
pub const CACHE_RUN: usize = 32;

impl IndexCache {
    pub fn new() -> IndexCache {
        IndexCache::default()
    }

    /// [`build_index`], reusing what earlier calls made.
    pub fn build<D: Borrow<SearchDoc> + Sync>(&mut self, docs: &[D]) -> Vec<(String, Vec<u8>)> {
        self.build_with(docs, &IndexOptions::default())
    }

    /// [`build_index_with`], reusing what earlier calls made. (The documents are
    /// copied: [`IndexCache::build_into`] recognises unchanged ones by their `Arc`.)
    pub fn build_with<D: Borrow<SearchDoc> + Sync>(
        &mut self,
        docs: &[D],
        opts: &IndexOptions,
    ) -> Vec<(String, Vec<u8>)> {
        let docs: Vec<Arc<SearchDoc>> = docs.iter().map(|d| Arc::new(d.borrow().clone())).collect();
        collect_files(|emit| self.build_into(&docs, opts, emit))
    }

    /// [`build_index_into`], reusing what earlier calls made.
    pub fn build_into(&mut self, docs: &[Arc<SearchDoc>], opts: &IndexOptions, emit: &Emit) {
        let mut docs = docs.to_vec();
        // Documents equal in this order are equal, so an unstable sort will do.
        docs.sort_unstable_by(|a, b| doc_order(a, b));
        docs.truncate(u32::MAX as usize);
        match &mut self.state {
            Some(st) if st.compatible(&docs, opts) => st.update(docs, emit),
            _ => {
                let old = self.state.take();
                self.state = Some(incremental::State::build(docs, opts, old, emit));
            }
        }
    }
}

/// The index files from the documents (sorted) and their analyses: `(first document,
/// analysis)` in document order, covering all documents. The fragment files are
/// already written (`frags`: each one's hash and number of documents); the documents
/// are read here only for the meta file's municipalities and kinds.
fn index_files(
    docs: &[&SearchDoc],
    mut analyses: Vec<(u32, Analysis)>,
    frags: Vec<(String, usize)>,
    opts: &IndexOptions,
    emit: &Emit,
) {
    // Distinct words of the whole corpus (moved out of the analyses); each analysis'
    // word ids mapped to them.
    let mut ids: FxMap<Box<str>, u32> = FxMap::default();
    let mut in_vocab: Vec<bool> = Vec::new();
    let globals: Vec<Vec<u32>> = analyses
        .iter_mut()
        .map(|(_, a)| {
            std::mem::take(&mut a.words)
                .into_iter()
                .zip(&a.vocab)
                .map(|(w, &v)| {
                    let next = ids.len() as u32;
                    let id = *ids.entry(w).or_insert_with(|| {
                        in_vocab.push(false);
                        next
                    });
                    in_vocab[id as usize] |= v;
                    id
                })
                .collect()
        })
        .collect();
    let mut owned: Vec<Box<str>> = vec![Box::default(); ids.len()];
    for (w, id) in ids {
        owned[id as usize] = w;
    }
    let words: Vec<&str> = owned.iter().map(|w| &**w).collect();

    // The vocabulary compounds split against: every (plain or part) word in the corpus.
    let vocab_words: Vec<&str> = words
        .iter()
        .zip(&in_vocab)
        .filter(|(_, v)| **v)
        .map(|(w, _)| *w)
        .collect();
    let vocab = Vocabulary::from_words(&vocab_words);
    drop(vocab_words);

    // What each distinct word posts.
    let plans: Vec<WordPlan> = words.par_iter().map(|w| plan_word(&vocab, w)).collect();
    drop(vocab);

    // Terms: indexable words and compound parts, numbered in index order: grouped by
    // stem key, in (stem, folded, term) order, JavaScript string order.
    let mut term_ids: FxMap<&str, u32> = FxMap::default();
    let mut terms: Vec<&str> = Vec::new();
    fn intern<'a>(ids: &mut FxMap<&'a str, u32>, terms: &mut Vec<&'a str>, t: &'a str) -> u32 {
        *ids.entry(t).or_insert_with(|| {
            terms.push(t);
            (terms.len() - 1) as u32
        })
    }
    let word_terms: Vec<(u32, Vec<u32>)> = words
        .iter()
        .zip(&plans)
        .map(|(w, p)| {
            if p.indexable {
                let t = intern(&mut term_ids, &mut terms, w);
                let parts = p.parts.iter();
                (
                    t,
                    parts
                        .map(|t| intern(&mut term_ids, &mut terms, t))
                        .collect(),
                )
            } else {
                (NO_TERM, Vec::new())
            }
        })
        .collect();
    drop(term_ids);
    let keys: Vec<(String, String)> = terms
        .par_iter()
        .map(|t| {
            let f = fold(t);
            (stem(&f), f)
        })
        .collect();
    let mut order: Vec<u32> = (0..terms.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (ka, kb) = (&keys[a as usize], &keys[b as usize]);
        js_cmp(&ka.0, &kb.0)
            .then_with(|| js_cmp(&ka.1, &kb.1))
            .then_with(|| js_cmp(terms[a as usize], terms[b as usize]))
    });
    let mut rank = vec![0u32; terms.len()];
    for (k, &t) in order.iter().enumerate() {
        rank[t as usize] = k as u32;
    }
    let word_terms: Vec<(u32, Box<[u32]>)> = word_terms
        .into_iter()
        .map(|(t, parts)| {
            if t == NO_TERM {
                (NO_TERM, Box::default())
            } else {
                (
                    rank[t as usize],
                    parts.iter().map(|&p| rank[p as usize]).collect(),
                )
            }
        })
        .collect();

    // Postings, per analysis in parallel; a term's postings are those of the
    // analyses in document order, so the result is the same as one pass in order.
    // Each analysis is let go once posted.
    let postings: Vec<Vec<(u32, EncodedPostings)>> = analyses
        .into_par_iter()
        .zip(&globals)
        .map(|((base, a), g)| post_analysis(&a, base, g, &word_terms, None))
        .collect();
    drop(globals);

    // Stem groups: runs of terms (in rank order) with the same stem key.
    let stem_of = |k: usize| keys[order[k] as usize].0.as_str();
    let mut group_starts: Vec<usize> = Vec::new();
    for k in 0..order.len() {
        if k == 0 || stem_of(k) != stem_of(k - 1) {
            group_starts.push(k);
        }
    }
    group_starts.push(order.len());
    // Encode the groups in parallel, in shards of whole groups.
    let n_groups = group_starts.len() - 1;
    let shard = n_groups.div_ceil(rayon::current_num_threads() * 16).max(1);
    let groups: Vec<(usize, String)> = (0..n_groups.div_ceil(shard))
        .into_par_iter()
        .flat_map_iter(|sh| {
            let g0 = sh * shard;
            let g1 = (g0 + shard).min(n_groups);
            let (lo, hi) = (group_starts[g0] as u32, group_starts[g1] as u32);
            // (term, analysis, postings) in range, in (term, document) order.
            let mut entries: Vec<(u32, usize, &EncodedPostings)> = Vec::new();
            for (u, list) in postings.iter().enumerate() {
                let a = list.partition_point(|e| e.0 < lo);
                let b = list.partition_point(|e| e.0 < hi);
                entries.extend(list[a..b].iter().map(|(t, p)| (*t, u, p)));
            }
            entries.sort_unstable_by_key(|e| (e.0, e.1));
            let mut out = Vec::new();
            let mut e = 0;
            for g in g0..g1 {
                let end = group_starts[g + 1] as u32;
                if e >= entries.len() || entries[e].0 >= end {
                    continue;
                }
                let mut payload = String::from("[");
                push_json_str(&mut payload, stem_of(group_starts[g]));
                while e < entries.len() && entries[e].0 < end {
                    let t = entries[e].0;
                    payload.push(',');
                    push_json_str(&mut payload, terms[order[t as usize] as usize]);
                    payload.push_str(",\"");
                    let mut prev = 0u32;
                    while e < entries.len() && entries[e].0 == t {
                        entries[e].2.push_to(&mut payload, &mut prev);
                        e += 1;
                    }
                    payload.push('"');
                }
                payload.push(']');
                out.push((group_starts[g], payload));
            }
            out
        })
        .collect();
    drop(postings);

    // Term chunks: whole stem groups, closed once they reach `chunk_bytes`.
    let cuts = cut(groups.iter().map(|g| g.1.len()), opts.chunk_bytes);
    let chunks_meta: Vec<(String, String, String)> = cuts
        .par_iter()
        .enumerate()
        .map(|(c, r)| {
            let part = &groups[r.clone()];
            let (hash, bytes) = chunk_file(c, part.iter().map(|g| g.1.as_str()));
            let first = stem_of(part[0].0).to_string();
            let last = stem_of(part[part.len() - 1].0).to_string();
            emit(format!("{INDEX_DIR}/c{c}-{hash}.js"), Arc::new(bytes));
            (first, last, hash)
        })
        .collect();
    drop(groups);

    let chunks = chunks_meta
        .iter()
        .map(|(f, l, h)| (f.as_str(), l.as_str(), h.as_str()));
    let frags = frags.iter().map(|(h, n)| (h.as_str(), *n));
    emit(
        META_FILE.to_string(),
        Arc::new(meta_file(docs, chunks, frags)),
    );
}

/// Append a term's postings (see the module documentation) to `out`, `prev` being the
/// document of the term's previous posting (0 before the first).
fn push_postings(out: &mut String, prev: &mut u32, list: &[(u32, u32, u8)]) {
    for &(d, s, f) in list {
        push_varint(out, u64::from(d - *prev));
        push_section_flags(out, s, f);
        *prev = d;
    }
}

/// The part of a posting after its document delta: section and flags, one varint.
fn push_section_flags(out: &mut String, section: u32, flags: u8) {
    push_varint(out, u64::from(section) * 128 + u64::from(flags & 0x7f));
}

/// Payload `{"<key>":[part,part,…]}`.
fn list_payload<'a>(key: &str, parts: impl Iterator<Item = &'a str> + Clone) -> String {
    let len: usize = parts.clone().map(|p| p.len() + 1).sum();
    let mut payload = String::with_capacity(len + key.len() + 8);
    payload.push_str("{\"");
    payload.push_str(key);
    payload.push_str("\":[");
    for (k, p) in parts.enumerate() {
        if k > 0 {
            payload.push(',');
        }
        payload.push_str(p);
    }
    payload.push_str("]}");
    payload
}

/// Term chunk number `c` from its stem groups' payloads: (hash, file content); the
/// file is `c<c>-<hash>.js`.
fn chunk_file<'a>(c: usize, groups: impl Iterator<Item = &'a str> + Clone) -> (String, Vec<u8>) {
    let payload = list_payload("s", groups);
    let hash = short_hash(&payload, 8);
    let bytes = js_file(&format!("c{c}-{hash}.js"), &payload);
    (hash, bytes)
}

/// Fragment group number `g` from its documents' pieces: (hash, file content); the file
/// is `f<g>-<hash>.js`.
fn fragment_file<'a>(g: usize, pieces: impl Iterator<Item = &'a str> + Clone) -> (String, Vec<u8>) {
    let payload = list_payload("d", pieces);
    let hash = short_hash(&payload, FRAG_HASH_LEN);
    let bytes = js_file(&format!("f{g}-{hash}.js"), &payload);
    (hash, bytes)
}

/// `meta.js` from the documents (sorted), the chunks `(first stem, last stem, hash)`
/// and the fragment groups `(hash, documents)`.
fn meta_file<'a, D: Borrow<SearchDoc>>(
    docs: &[D],
    chunks: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    frags: impl Iterator<Item = (&'a str, usize)>,
) -> Vec<u8> {
    let mut frag_hashes = String::new();
    let mut frag_sizes: Vec<usize> = Vec::new();
    for (hash, n) in frags {
        frag_hashes.push_str(hash);
        frag_sizes.push(n);
    }

    // Municipality ranges and kind runs (documents are sorted by both).
    let mut munis: Vec<(String, String, usize, usize)> = Vec::new();
    let mut kind_runs: Vec<(usize, usize)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let doc: &SearchDoc = doc.borrow();
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
    for (k, (first, last, name)) in chunks.enumerate() {
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
    js_file("meta.js", &meta)
}

/// Where [`build_index_into`] hands each index file as soon as it is made (from many
/// threads at once).
pub type Emit<'a> = dyn Fn(String, Arc<Vec<u8>>) + Sync + 'a;

/// Collects emitted files, sorted by path.
fn collect_files(f: impl FnOnce(&Emit)) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    f(&|path, bytes| {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, Arc::unwrap_or_clone(bytes)))
    });
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

// ---------------------------------------------------------------------------------
// Subject index (ämnesregister)
// ---------------------------------------------------------------------------------

/// Generic heading words that make poor register entries (folded).
const REGISTER_SKIP: &[&str] = &[
    "allmant",
    "andra",
    "annan",
    "annat",
    "egen",
    "eget",
    "egna",
    "finns",
    "fler",
    "gor",
    "hitta",
    "inledning",
    "mer",
    "mera",
    "nya",
    "nytt",
    "ovrigt",
    "oversikt",
    "sammanfattning",
    "sida",
    "sidan",
    "steg",
    "tips",
    "vanliga",
    "fragor",
    "sa",
    "hur",
    "vad",
    "nar",
    "dag",
];

/// Swedish collation key: a–z, then å, ä, ö; other diacritics sort as their base letter.
fn collation_key(s: &str) -> Vec<u32> {
    let lower = lowercase(s);
    let mut key = Vec::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            'å' => key.push(u32::from('z') + 1),
            'ä' | 'æ' => key.push(u32::from('z') + 2),
            'ö' | 'ø' => key.push(u32::from('z') + 3),
            'ü' => key.push(u32::from('y')),
            _ if c.is_ascii() => key.push(u32::from(c)),
            _ => {
                let mut buf = [0u8; 4];
                for f in fold(c.encode_utf8(&mut buf)).chars() {
                    key.push(u32::from(f));
                }
            }
        }
    }
    key
}

fn swedish_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    collation_key(a)
        .cmp(&collation_key(b))
        .then_with(|| js_cmp(a, b))
}

/// The register letter of a term: A–Z, Å, Ä, Ö; "0–9" for numbers; "#" for the rest.
fn register_letter(term: &str) -> String {
    let Some(c) = lowercase(term).chars().next() else {
        return "#".to_string();
    };
    match c {
        'å' | 'ä' | 'ö' => c.to_uppercase().collect(),
        '0'..='9' => "0–9".to_string(),
        _ => match fold(&c.to_string()).chars().next() {
            Some(f) if f.is_ascii_lowercase() => f.to_ascii_uppercase().to_string(),
            _ => "#".to_string(),
        },
    }
}

fn letter_rank(letter: &str) -> (u8, Vec<u32>) {
    match letter {
        "0–9" => (0, Vec::new()),
        "#" => (2, Vec::new()),
        l => (1, collation_key(l)),
    }
}

/// How a register term is written: as in the text when it has capitals after the first
/// letter ("SITHS", "BankID", "SITHS-kort"), else lowercase.
fn register_display(raw: &str) -> String {
    let mut chars = raw.chars();
    chars.next();
    if chars.any(|c| c.is_uppercase()) {
        raw.to_string()
    } else {
        lowercase(raw)
    }
}

/// An A–Ö subject index (ämnesregister) of the words in titles and headings, for the
/// search page without JavaScript: `(letter, [(term, [(label, url)])])`, letters in
/// Swedish order (numbers first, then A–Z, Å, Ä, Ö), terms in Swedish order, entries by
/// label. Inflected forms share an entry (by stem), written in their most common form.
/// `url` is site-relative, with `#anchor` for a section heading.
pub fn subject_index<D: Borrow<SearchDoc> + Sync>(docs: &[D]) -> SubjectIndex {
    strip_totals(subject_index_top(docs, usize::MAX))
}

/// The A–Ö subject index: `(letter, [(term, [(label, url)])])`.
pub type SubjectIndex = Vec<(String, Vec<(String, Vec<(String, String)>)>)>;

/// [`subject_index`] with at most `limit` entries per term, each term with its
/// total number of entries: `(letter, [(term, [(label, url)], total)])`. The entries
/// past the limit are never copied (a common word has thousands).
pub type SubjectTop = Vec<(String, Vec<(String, Vec<(String, String)>, usize)>)>;

/// [`subject_index`], at most `limit` entries per term (see [`SubjectTop`]).
pub fn subject_index_top<D: Borrow<SearchDoc> + Sync>(docs: &[D], limit: usize) -> SubjectTop {
    let docs = sorted_docs(docs);
    let found = find_subjects(&docs, |_, _| None);
    subjects_of(&found, limit)
}

fn strip_totals(top: SubjectTop) -> SubjectIndex {
    top.into_iter()
        .map(|(l, terms)| (l, terms.into_iter().map(|(t, e, _)| (t, e)).collect()))
        .collect()
}

/// What [`subject_index`] reads from one document: its sources (label, url, collation
/// key of the label) and the register words found in them (stem key, display form,
/// source).
type Found = (
    Vec<(String, String, Box<[u8]>)>,
    Vec<(Arc<str>, Arc<str>, u32)>,
);

/// Keeps what [`subject_index_cached`] read from each document, so that the next call
/// (`serve`) only reads the documents that are not the same `Arc` as before.
#[derive(Default)]
pub struct SubjectCache {
    /// By position in document order.
    docs: Vec<(Arc<SearchDoc>, Arc<Found>)>,
}

/// [`subject_index_top`], reading again only the documents that changed since the
/// last call with this cache.
pub fn subject_index_cached(
    docs: &[Arc<SearchDoc>],
    cache: &mut SubjectCache,
    limit: usize,
) -> SubjectTop {
    let mut sorted: Vec<Arc<SearchDoc>> = docs.to_vec();
    sorted.sort_by(|a, b| doc_order(a, b));
    let old = std::mem::take(&mut cache.docs);
    let found = find_subjects(&sorted, |k, doc| {
        old.get(k)
            .filter(|(d, _)| Arc::ptr_eq(d, doc))
            .map(|(_, f)| f.clone())
    });
    drop(old);
    cache.docs = sorted.into_iter().zip(found.iter().cloned()).collect();
    subjects_of(&found, limit)
}

/// Per document (sorted), in parallel: what it gives the register, from `known(k, doc)`
/// if that has it.
fn find_subjects<D: Borrow<SearchDoc> + Sync>(
    docs: &[D],
    known: impl Fn(usize, &D) -> Option<Arc<Found>> + Sync,
) -> Vec<Arc<Found>> {
    let run = docs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    docs.par_chunks(run)
        .enumerate()
        .flat_map_iter(|(r, part)| {
            let mut cache = WordCache::default();
            part.iter()
                .enumerate()
                .map(|(k, doc)| {
                    known(r * run + k, doc)
                        .unwrap_or_else(|| Arc::new(subject_words(doc.borrow(), &mut cache)))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The first eight code points of a collation key (three bytes each, big-endian; see
/// [`subject_words`]) as 16-bit digits of one number, zero-padded. A code point above
/// 0xFFFF counts as 0xFFFF and ends the prefix. If the prefixes of two keys differ, they
/// compare as the keys do: up to the first digit that differs the code points are the
/// same (none of them ended a prefix), and there the digits are in the code points'
/// order, or the shorter key ends (zero) where it is a prefix of the other.
fn key_prefix(key: &[u8]) -> u128 {
    let mut p = 0u128;
    let mut n = 0;
    for c in key.chunks_exact(3).take(8) {
        let cp = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        p = (p << 16) | u128::from(cp.min(0xFFFF));
        n += 1;
        if cp >= 0xFFFF {
            break;
        }
    }
    // An empty key has no digits (and a shift by all 128 bits would overflow).
    if n == 0 { 0 } else { p << (16 * (8 - n)) }
}

/// The register from what each document (sorted) gives it, at most `limit` entries
/// per term.
#[allow(clippy::type_complexity)]
fn subjects_of(found: &[Arc<Found>], limit: usize) -> SubjectTop {
    // Every source ranked by (collation key, label, url); equal ones share a rank.
    // Each entry carries a prefix of its key (see [`key_prefix`]): where those differ
    // they order the entries as the whole keys do, and the sort compares them without
    // reading the source (a cache miss each on a large site).
    let mut ranked: Vec<(u128, u32, u32)> = found
        .iter()
        .enumerate()
        .flat_map(|(d, f)| {
            f.0.iter()
                .enumerate()
                .map(move |(s, src)| (key_prefix(&src.2), d as u32, s as u32))
        })
        .collect();
    let source = |&(_, d, s): &(u128, u32, u32)| &found[d as usize].0[s as usize];
    ranked.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let (a, b) = (source(a), source(b));
            (&a.2, &a.0, &a.1).cmp(&(&b.2, &b.0, &b.1))
        })
    });
    let mut rank_of: Vec<Vec<u32>> = found.iter().map(|f| vec![0; f.0.len()]).collect();
    let mut rank = 0u32;
    for k in 0..ranked.len() {
        if k > 0 {
            let (a, b) = (source(&ranked[k - 1]), source(&ranked[k]));
            if a.0 != b.0 || a.1 != b.1 {
                rank += 1;
            }
        }
        let (_, d, s) = ranked[k];
        rank_of[d as usize][s as usize] = rank;
    }
    ranked.dedup_by(|a, b| {
        let (a, b) = (source(a), source(b));
        a.0 == b.0 && a.1 == b.1
    });

    // stem key → (display form → count, entries as (document, source))
    let mut groups: FxMap<Arc<str>, (BTreeMap<Arc<str>, usize>, Vec<u32>)> = FxMap::default();
    for (d, f) in found.iter().enumerate() {
        let words = &f.1;
        for (key, display, src) in words {
            let g = match groups.get_mut(&**key) {
                Some(g) => g,
                None => groups.entry(key.clone()).or_default(),
            };
            match g.0.get_mut(&**display) {
                Some(n) => *n += 1,
                None => {
                    g.0.insert(display.clone(), 1);
                }
            }
            g.1.push(rank_of[d][*src as usize]);
        }
    }
    drop(rank_of);
    let mut groups: Vec<(Arc<str>, (BTreeMap<Arc<str>, usize>, Vec<u32>))> =
        groups.into_iter().collect();
    groups.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));

    #[allow(clippy::type_complexity)]
    let terms: Vec<Option<((u8, Vec<u32>, String), String, Vec<(String, String)>, usize)>> = groups
        .into_par_iter()
        .map(|(_, (forms, mut entries))| {
            // Most common form; ties: shorter, then Swedish order.
            let display = forms
                .iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| b.0.chars().count().cmp(&a.0.chars().count()))
                        .then_with(|| swedish_cmp(b.0, a.0))
                })
                .map(|(f, _)| f.to_string())?;
            entries.sort_unstable();
            entries.dedup();
            let total = entries.len();
            let entries = entries
                .iter()
                .take(limit)
                .map(|&r| {
                    let s = source(&ranked[r as usize]);
                    (s.0.clone(), s.1.clone())
                })
                .collect();
            let letter = register_letter(&display);
            let (rank, key) = letter_rank(&letter);
            Some(((rank, key, letter), display, entries, total))
        })
        .collect();
    #[allow(clippy::type_complexity)]
    let mut by_letter: BTreeMap<
        (u8, Vec<u32>, String),
        Vec<(String, Vec<(String, String)>, usize)>,
    > = BTreeMap::new();
    for (letter, display, entries, total) in terms.into_iter().flatten() {
        by_letter
            .entry(letter)
            .or_default()
            .push((display, entries, total));
    }
    by_letter
        .into_par_iter()
        .map(|((_, _, letter), mut terms)| {
            // The order of `swedish_cmp`, one key per term.
            terms.sort_by_cached_key(|t| {
                (
                    collation_key(&t.0),
                    t.0.encode_utf16().collect::<Vec<u16>>(),
                )
            });
            (letter, terms)
        })
        .collect()
}

/// The register words of one document: its sources (label, url, collation key of the
/// label) and, per word, (stem key, display form, source).
/// What [`subject_words`] has worked out for the words of a run of documents: per
/// word (as tokenised), its stem key if it may be a register word and whether it is
/// short; per raw spelling, its display form. Shared strings, so the many occurrences
/// of a word cost no copies.
#[derive(Default)]
struct WordCache {
    words: FxMap<Box<str>, Option<(Arc<str>, bool)>>,
    displays: FxMap<Box<str>, Arc<str>>,
}

fn subject_words(doc: &SearchDoc, cache: &mut WordCache) -> Found {
    let muni = doc.municipality.as_ref().map(|m| m.1.as_str());
    let with_muni = |label: String| match muni {
        Some(m) if !label.contains(m) => format!("{label} ({m})"),
        _ => label,
    };
    let base_url = doc.url.split('#').next().unwrap_or("");
    let mut texts: Vec<&str> = vec![&doc.title];
    let mut sources: Vec<(String, String, Box<[u8]>)> = vec![(
        with_muni(doc.title.clone()),
        doc.url.clone(),
        Box::default(),
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
        texts.push(&sec.heading);
        sources.push((with_muni(label), url, Box::default()));
    }
    let mut words = Vec::new();
    for (src, text) in texts.iter().enumerate() {
        for_each_token(text, |tok| {
            // Per distinct word: its stem key if it may be a register word, and
            // whether it is short (then only as an acronym).
            let entry = match cache.words.get(tok.word) {
                Some(e) => e,
                None => {
                    let n = normalize(tok.word);
                    let e = (n.chars().count() >= 3
                        && indexable(tok.word)
                        && !is_stop_word(&n)
                        && !REGISTER_SKIP.contains(&n.as_str())
                        && !n.chars().all(|c| c.is_ascii_digit()))
                    .then(|| {
                        // `stem_key(word)` is `stem(normalize(word))`.
                        (Arc::<str>::from(stem(&n)), n.chars().count() < 4)
                    });
                    cache.words.entry(tok.word.into()).or_insert(e)
                }
            };
            let Some((key, short)) = entry else {
                return;
            };
            if *short && !tok.raw.chars().skip(1).any(|c| c.is_uppercase()) {
                return;
            }
            let key = key.clone();
            let display = match cache.displays.get(tok.raw) {
                Some(d) => d.clone(),
                None => cache
                    .displays
                    .entry(tok.raw.into())
                    .or_insert_with(|| register_display(tok.raw).into())
                    .clone(),
            };
            words.push((key, display, src as u32));
        });
    }
    words.shrink_to_fit();
    for s in &mut sources {
        // Three bytes per code point, big-endian: compares like the `u32` key, with
        // memcmp.
        s.2 = collation_key(&s.0)
            .iter()
            .flat_map(|c| [(c >> 16) as u8, (c >> 8) as u8, *c as u8])
            .collect();
    }
    sources.shrink_to_fit();
    (sources, words)
}

mod incremental;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
