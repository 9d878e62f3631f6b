//! Property tests ("fuzzing" in the normal test suite) for the code that reads what
//! editors write: the YAML loader, the front matter split, file decoding, the position
//! index, the Markdown pipeline with the sanitiser, and the personal number scanner.
//!
//! Runs are reproducible: a fixed seed and 256 cases per property unless
//! `PROPTEST_RNG_SEED` / `PROPTEST_CASES` say otherwise. Run longer with, e.g.,
//! `PROPTEST_CASES=20000 PROPTEST_RNG_SEED=$RANDOM cargo test --release --test properties`.

use lovportal::loader::locate::{Seg, locate};
use lovportal::loader::{decode, split_front_matter, yaml};
use lovportal::model::types::{Municipality, RoutineMeta};
use lovportal::{markdown, pii, sanitize};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

const MUNICIPALITY: &str = include_str!("fixtures/minimal/data/kommuner/testby.yaml");
const ROUTINE: &str = include_str!("fixtures/minimal/content/testby/behorighet.md");

fn config() -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x4c4f_5650_6f72_7461);
    }
    c.failure_persistence = None;
    c.max_shrink_time = 20_000;
    c
}

/// Text made mostly of characters that matter to YAML, Markdown and HTML.
fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        4 => "[ -~]{0,8}",
        2 => prop::sample::select(vec![
            "\n", "\n  ", "- ", ": ", "---\n", "&a ", "*a", "<<: ", "[", "]", "{", "}", "\"",
            "'", "#", "|\n", ">\n", "!!", "%YAML", "\t", "\u{feff}", "å", "🦀", "\r\n",
            "<script>", "</script>", "<a href=\"", "javascript:", "jav&#x09;ascript:",
            "\" onclick=\"", "<img src=x onerror=", "<!--", "-->", "](", ")", "![", "`",
            "<div>", "</div>", "&#106;", "data:text/html,", "<svg onload=", "<style>",
            "| a | b |\n|---|---|\n", "> ", "* ", "1. ", "[^1]", "19121212-1212", "121212+1212",
            "7010632391", "556677-8899", "tel:0701234567", "\u{2013}", "‐",
        ]).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

/// Markdown without raw HTML but with every construct that makes attributes: heading
/// ids, classes and key=value attributes, aligned tables, fenced code with a language,
/// links, images, footnotes, ordered lists.
fn markdown_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        3 => "[ a-zA-Z0-9.,åäö]{0,10}",
        3 => prop::sample::select(vec![
            "\n", "\n\n", "# Rubrik {#egen .klass data-x=1 onclick=y}\n", "## Två\n",
            "### Tre {.a .b}\n", "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
            "```js\nkod();\n```\n", "~~~ {.x}\nkod\n~~~\n", "[länk](https://exempel.se \"titel\")",
            "[intern](@/molndal/)", "[mejl](mailto:a@b.se)", "![bild](bild.png \"t\")",
            "[^1]", "\n\n[^1]: Fotnot.\n", "3. tre\n4. fyra\n", "- a\n  - b\n", "> citat\n",
            "*em* **strong** ~~del~~ `kod`", "&amp; &lt; \"'", "<https://exempel.se>",
            "[ftp](ftp://x.se)", "[js](javascript:alert(1))", "[x](jav&#x09;ascript:y)",
            "    indenterad\n", "---\n", "\\<b>", "[a]: https://x.se\n", "[a]",
        ]).prop_map(str::to_string),
    ];
    prop::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

/// Tags and attributes the sanitiser's allow-list keeps (see `sanitize.rs`).
fn allowed(tag: &str, attr: &str, value: &str) -> bool {
    match attr {
        "title" | "lang" => true,
        "href" => tag == "a",
        "src" | "alt" => tag == "img",
        "start" => tag == "ol",
        "id" => matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "div"),
        "class" => matches!(
            (tag, value),
            ("sup", "footnote-reference" | "footnote-definition-label")
                | ("div", "footnote-definition")
                | ("section", "footnotes")
        ),
        _ => false,
    }
}

/// `text` with a few bytes replaced, inserted or removed at random places.
fn mutated(text: &'static str) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), 0u8..3, hostile_text(3));
    prop::collection::vec(edit, 1..8).prop_map(move |edits| {
        let mut s = text.to_string();
        for (at, kind, with) in edits {
            let mut i = at.index(s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + 1 + at.index(7)).min(s.len());
            while !s.is_char_boundary(j) {
                j -= 1;
            }
            match kind {
                0 => s.insert_str(i, &with),
                1 => s.replace_range(i..j, &with),
                _ => s.replace_range(i..j, ""),
            }
        }
        s
    })
}

/// An error position must lie inside the text (one past the last line at most).
fn assert_inside(text: &str, line_offset: usize, d: &lovportal::diagnostics::Diagnostic) {
    // YAML also breaks lines at a lone CR, NEL, LS and PS.
    let lines = text
        .replace("\r\n", "\n")
        .matches(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .count()
        + 2;
    assert!(
        d.pos.line > line_offset && d.pos.line <= lines + line_offset && d.pos.column >= 1,
        "position {:?} outside the text ({lines} lines): {}",
        d.pos,
        d.message
    );
    assert!(!d.message.is_empty());
}

/// The scheme a browser would see in an attribute value as serialised by the sanitiser
/// (one layer of character references, surrounding controls and spaces ignored, tabs
/// and newlines removed), lower-cased; `None` for a relative URL.
fn browser_scheme(value: &str) -> Option<String> {
    let v = value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let v: String = v
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = v.split_once(':')?;
    let mut chars = scheme.chars();
    let ok = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| scheme.to_ascii_lowercase())
}

/// Attribute names of every tag in well-formed (sanitised) HTML.
fn attributes(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
            i += 1;
        }
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
                break;
            }
            let start = i;
            while i < b.len() && !matches!(b[i], b'=' | b'>' | b' ') {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                assert_eq!(b.get(i), Some(&b'"'), "unquoted attribute in {html}");
                let vstart = i + 1;
                let len = html[vstart..].find('"').expect("closing quote");
                value = html[vstart..vstart + len].to_string();
                i = vstart + len + 1;
            }
            out.push((name, value));
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn yaml_loader_never_panics_on_any_text(text in hostile_text(60)) {
        if let Err(d) = yaml::parse::<Municipality>("x.yaml", &text, 0) {
            assert_inside(&text, 0, &d);
        }
        if let Err(d) = yaml::parse::<RoutineMeta>("x.md", &text, 1) {
            assert_inside(&text, 1, &d);
        }
    }

    #[test]
    fn yaml_loader_never_panics_on_mutated_files(text in mutated(MUNICIPALITY)) {
        if let Err(d) = yaml::parse::<Municipality>("x.yaml", &text, 0) {
            assert_inside(&text, 0, &d);
        }
    }

    #[test]
    fn front_matter_never_panics_on_mutated_routines(text in mutated(ROUTINE)) {
        if let Some((front, offset)) = split_front_matter(&text) {
            prop_assert!(offset <= text.len());
            prop_assert!(text.get(4..4 + front.len()) == Some(front));
            if let Err(d) = yaml::parse::<RoutineMeta>("x.md", front, 1) {
                assert_inside(front, 1, &d);
            }
        }
    }

    #[test]
    fn front_matter_split_never_panics(text in hostile_text(40)) {
        let text = format!("---\n{text}");
        if let Some((front, offset)) = split_front_matter(&text) {
            prop_assert!(offset <= text.len() && text.is_char_boundary(offset));
            prop_assert!(front.len() < offset);
        }
    }

    #[test]
    fn decode_accepts_or_explains_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200),
                                            text in hostile_text(20)) {
        for input in [bytes.clone(), text.into_bytes()] {
            match decode(&input) {
                Ok(t) => {
                    prop_assert!(!t.contains('\0') && !t.contains("\r\n"));
                }
                Err((pos, msg, hint)) => {
                    prop_assert!(pos.line >= 1 && pos.column >= 1);
                    prop_assert!(pos.line <= input.iter().filter(|b| **b == b'\n').count() + 1);
                    prop_assert!(!msg.is_empty() && !hint.is_empty());
                }
            }
        }
    }

    #[test]
    fn locate_never_panics(text in prop_oneof![hostile_text(40), mutated(MUNICIPALITY)],
                           path in prop::collection::vec(prop_oneof![
                               "[a-z_]{1,12}".prop_map(Seg::Key),
                               (0usize..5).prop_map(Seg::Index),
                           ], 0..5)) {
        let pos = locate(&text, &path);
        prop_assert!(pos.line >= 1 && pos.column >= 1);
        prop_assert!(pos.line <= text.split('\n').count() + 1, "{pos:?}");
    }

    #[test]
    fn sanitised_markdown_never_runs_code(md in hostile_text(50)) {
        let rendered = markdown::render(&md);
        for link in &rendered.links {
            prop_assert!(link.offset <= md.len());
        }
        let html = sanitize::clean_html(&rendered.html);
        let lower = html.to_ascii_lowercase();
        prop_assert!(!lower.contains("<script"), "{html}");
        prop_assert!(!lower.contains("<iframe") && !lower.contains("<svg") && !lower.contains("<style"), "{html}");
        for (name, value) in attributes(&html) {
            prop_assert!(!name.starts_with("on"), "event handler {name} in {html}");
            if name == "href" || name == "src" {
                let scheme = browser_scheme(&value);
                prop_assert!(
                    matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto" | "tel")),
                    "{name}={value:?} in {html}"
                );
            }
            if name == "rel" {
                prop_assert_eq!(value, "noopener noreferrer");
            }
        }
        // Cleaning is stable: what is left passes through unchanged.
        prop_assert_eq!(sanitize::clean_html(&html), html.clone());
    }

    #[test]
    fn markdown_passed_through_without_the_sanitiser_stays_inside_its_allow_list(
        md in prop_oneof![markdown_text(30), hostile_text(40)]
    ) {
        use std::cell::RefCell;
        let rendered = markdown::render(&md);
        let html = sanitize::markdown_html(&rendered);
        if html != rendered.html {
            // Raw HTML or a questionable address: the sanitiser did its work.
            prop_assert_eq!(html, sanitize::clean_html(&rendered.html));
            return Ok(());
        }
        if rendered.raw_html {
            return Ok(()); // cleaned, and the sanitiser happened to change nothing
        }
        let found = RefCell::new(Vec::new());
        lol_html::rewrite_str(&html, lol_html::RewriteStrSettings::new()
            .append_element_content_handler(lol_html::element!("*", |el| {
                let tag = el.tag_name().to_ascii_lowercase();
                let attrs: Vec<(String, String)> =
                    el.attributes().iter().map(|a| (a.name(), a.value())).collect();
                found.borrow_mut().push((tag, attrs));
                Ok(())
            }))).unwrap();
        const TAGS: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a",
            "em", "strong", "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th",
            "td", "hr", "br", "del", "sup", "sub", "section", "div", "span", "dl", "dt", "dd",
            "img"];
        for (tag, attrs) in found.into_inner() {
            prop_assert!(TAGS.contains(&tag.as_str()), "<{}> in {}", tag, html);
            for (name, value) in attrs {
                prop_assert!(allowed(&tag, &name, &value), "<{} {}={:?}> in {}", tag, name, value, html);
                if name == "href" || name == "src" {
                    let scheme = browser_scheme(&value);
                    prop_assert!(
                        matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto" | "tel")),
                        "{}={:?} in {}", name, value, html
                    );
                }
            }
        }
        // And the sanitiser finds nothing to take out: same text, same structure.
        // (Compared after undoing the serialisers' differences: `<br />` or `<br>`, a
        // quote or nbsp as a character or a reference, a lone CR kept or made a newline,
        // ammonia's `rel` on every link.)
        let strip = |h: &str| {
            h.replace(" rel=\"noopener noreferrer\"", "")
                .replace(" />", ">")
                .replace("&nbsp;", "\u{a0}")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("\r\n", "\n")
                .replace('\r', "\n")
        };
        prop_assert_eq!(strip(&sanitize::clean_html(&html)), strip(&html));
    }

    #[test]
    fn raw_html_never_survives_sanitising(html in hostile_text(50)) {
        let out = sanitize::clean_html(&html);
        prop_assert!(!out.to_ascii_lowercase().contains("<script"), "{out}");
        for (name, _) in attributes(&out) {
            prop_assert!(!name.starts_with("on"), "{out}");
        }
    }

    #[test]
    fn personal_number_scanner_never_panics(text in hostile_text(60)) {
        let found = pii::find_personal_numbers(&text);
        let mut last = 0;
        for f in &found {
            prop_assert!(f.start >= last && f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert!(f.masked.ends_with("****"));
            last = f.end;
        }
        let allow = pii::AllowList::default();
        for d in pii::scan("x.md", &text, &allow) {
            assert_inside(&text, 0, &d);
            // The message shows the masked number only.
            let digits: String = d.message.chars().filter(char::is_ascii_digit).collect();
            prop_assert!(digits.len() <= 8, "{}", d.message);
        }
    }

    #[test]
    fn every_valid_number_is_found_wherever_it_is_written(
        year in 1900u16..2025, month in 1u8..=12, day in 1u8..=28, serial in 0u16..1000,
        coordination in any::<bool>(), form in 0u8..5,
        before in "[ a-zA-Z|(åäö]{0,6}", after in "[ a-zA-Z|.,)åäö]{0,6}",
    ) {
        let day = if coordination { day + 60 } else { day };
        let core = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
        let sum: u32 = core.bytes().enumerate().map(|(i, b)| {
            let p = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        }).sum();
        let check = (10 - sum % 10) % 10;
        let (date, tail) = core.split_at(6);
        let written = match form {
            0 => format!("{}{date}-{tail}{check}", year / 100),
            1 => format!("{}{date}{tail}{check}", year / 100),
            2 => format!("{date}-{tail}{check}"),
            3 => format!("{date}{tail}{check}"),
            _ => format!("{date}\u{2013}{tail}{check}"),
        };
        let text = format!("{before}{written}{after}");
        let found = pii::find_personal_numbers(&text);
        prop_assert_eq!(found.len(), 1, "{}", text);
        let f = &found[0];
        prop_assert_eq!(&text[f.start..f.end], written.as_str());
        let century = year / 100;
        let masked = match form {
            0 => format!("{century}{date}-****"),
            1 => format!("{century}{date}****"),
            2 => format!("{date}-****"),
            3 => format!("{date}****"),
            _ => format!("{date}\u{2013}****"),
        };
        prop_assert_eq!(&f.masked, &masked);
        let kind = if coordination { pii::Kind::Samordningsnummer } else { pii::Kind::Personnummer };
        prop_assert_eq!(f.kind, kind);
    }
}
