//! Post-process stage: scans each rendered page's start tags to resolve internal `@/`
//! links for the chosen link style and mark external links `rel="noopener noreferrer"`
//! (its tests hold the output equal to lol_html's).

use crate::urls::{LinkStyle, resolve};

/// Elements whose content is raw text: no tags inside until their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];

/// Rewrites a rendered page: `@/` addresses in `a[href]`, `link[href]`, `script[src]`,
/// `img[src]` and `form[action]` become links for the chosen style, external links
/// (`http(s)://`) get `rel="noopener noreferrer"`, and `html[data-root]` gets the way back
/// to the root. Everything else is copied byte for byte.
///
/// A small start-tag scanner rather than a full HTML rewriter: the input is HTML this
/// program wrote (tera templates with escaped values, and pulldown-cmark or sanitised
/// Markdown), so tags, comments and raw-text elements are all it has to tell apart, and
/// this was the second most expensive step of a build with lol_html. The output equals
/// lol_html's (`tests` below compare the two on hostile input).
pub fn process(html: &str, depth: usize, style: &LinkStyle) -> Result<String, String> {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut i = 0;
    let mut copied = 0;
    // One attribute list for every tag, so scanning a tag allocates nothing.
    let mut attrs: Vec<Attr> = Vec::new();
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + k;
        let rest = &b[lt + 1..];
        if html[lt..].starts_with("<!--") {
            i = html[lt + 4..]
                .find("-->")
                .map_or(b.len(), |e| lt + 4 + e + 3);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            // An end tag, a doctype, or a lone `<` in text.
            i = lt + 1;
            continue;
        }
        attrs.clear();
        let tag = scan_start_tag(html, lt, std::mem::take(&mut attrs));
        if tag.end > b.len() || tag.close >= b.len() {
            // Cut off by the end of the text: not a tag, left as it is.
            break;
        }
        i = tag.end;
        let edits = edits_for(html, &tag, depth, style);
        if !edits.is_empty() {
            out.push_str(&html[copied..lt]);
            apply(&mut out, html, &tag, edits);
            copied = tag.end;
        }
        if !tag.self_closing
            && let Some(raw) = RAW_TEXT.iter().find(|n| n.eq_ignore_ascii_case(tag.name))
        {
            i = find_end_tag(html, i, raw);
        }
        attrs = tag.attrs;
    }
    out.push_str(&html[copied..]);
    Ok(out)
}

/// An attribute of a start tag: its name, and where its value is (without quotes).
struct Attr<'a> {
    name: &'a str,
    value: Option<(usize, usize)>,
}

struct StartTag<'a> {
    name: &'a str,
    attrs: Vec<Attr<'a>>,
    /// Byte offset of the `>` (or of the `/` of `/>`).
    close: usize,
    /// Byte offset after the `>`.
    end: usize,
    self_closing: bool,
}

/// Reads the start tag at `lt` the way an HTML tokenizer does; its attributes go into
/// `attrs` (given empty, so its allocation is reused).
fn scan_start_tag<'a>(html: &'a str, lt: usize, mut attrs: Vec<Attr<'a>>) -> StartTag<'a> {
    let b = html.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    let mut i = lt + 1;
    while i < b.len() && !ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = &html[lt + 1..i];
    loop {
        while i < b.len() && (ws(b[i]) || (b[i] == b'/' && b.get(i + 1) != Some(&b'>'))) {
            i += 1;
        }
        if i >= b.len() {
            return StartTag {
                name,
                attrs,
                close: b.len(),
                end: b.len(),
                self_closing: false,
            };
        }
        if b[i] == b'>' {
            return StartTag {
                name,
                attrs,
                close: i,
                end: i + 1,
                self_closing: false,
            };
        }
        if b[i] == b'/' {
            return StartTag {
                name,
                attrs,
                close: i,
                end: i + 2,
                self_closing: true,
            };
        }
        let start = i;
        i += 1;
        while i < b.len() && !ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr_name = &html[start..i];
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            attrs.push(Attr {
                name: attr_name,
                value: None,
            });
            continue;
        }
        i += 1;
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let v = i + 1;
                let e = memchr::memchr(q, &b[v..]).map_or(b.len(), |e| v + e);
                attrs.push(Attr {
                    name: attr_name,
                    value: Some((v, e)),
                });
                i = (e + 1).min(b.len());
            }
            _ => {
                let v = i;
                while i < b.len() && !ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                attrs.push(Attr {
                    name: attr_name,
                    value: Some((v, i)),
                });
            }
        }
    }
}

/// After a raw-text element's start tag: the offset of its end tag (or the end).
fn find_end_tag(html: &str, from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(k) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + k;
        let after = at + 2 + name.len();
        if b.len() >= after
            && html[at + 2..after].eq_ignore_ascii_case(name)
            && b.get(after)
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>'))
        {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

/// A change to a start tag: set attribute `name` to `value` (added if missing).
struct Edit {
    name: &'static str,
    value: String,
}

fn edits_for(html: &str, tag: &StartTag, depth: usize, style: &LinkStyle) -> Vec<Edit> {
    // Only these elements are ever changed; any other tag is left without a look at
    // its attributes.
    const NAMES: [&str; 6] = ["html", "a", "link", "script", "img", "form"];
    let Some(name) = NAMES.iter().find(|n| n.eq_ignore_ascii_case(tag.name)) else {
        return Vec::new();
    };
    // The first attribute of a name counts, as in HTML.
    let get = |attr: &str| {
        tag.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(attr))
            .map(|a| a.value.map_or("", |(s, e)| &html[s..e]))
    };
    let mut edits = Vec::new();
    let external = |v: &str| v.starts_with("http://") || v.starts_with("https://");
    // Whether the attribute's value after the edit is an external link, if it has one.
    let mut fix = |attr: &'static str| -> Option<bool> {
        let v = get(attr)?;
        match v.strip_prefix("@/") {
            Some(target) => {
                let new = resolve(target, depth, style);
                let ext = external(&new);
                edits.push(Edit {
                    name: attr,
                    value: new,
                });
                Some(ext)
            }
            None => Some(external(v)),
        }
    };
    match *name {
        "html" if get("data-root").is_some() => {
            edits.push(Edit {
                name: "data-root",
                value: style.root(depth),
            });
        }
        "a" => {
            // `fix` edits the link first, whatever it is.
            let goes_out = fix("href") == Some(true);
            if goes_out {
                edits.push(Edit {
                    name: "rel",
                    value: "noopener noreferrer".into(),
                });
            }
        }
        "link" => {
            fix("href");
        }
        "script" | "img" => {
            fix("src");
        }
        "form" => {
            fix("action");
        }
        _ => {}
    }
    edits
}

/// Writes the start tag anew with the edits, as lol_html serialises a changed tag:
/// attributes one space apart, each unchanged one as written, a changed value in double
/// quotes (`"` as `&quot;`), new attributes last, and ` />` for a self-closing tag.
fn apply(out: &mut String, html: &str, tag: &StartTag, mut edits: Vec<Edit>) {
    let quote = |out: &mut String, v: &str| {
        if v.contains('"') {
            out.push_str(&v.replace('"', "&quot;"));
        } else {
            out.push_str(v);
        }
    };
    let offset = |s: &str| s.as_ptr() as usize - html.as_ptr() as usize;
    out.push('<');
    out.push_str(tag.name);
    for a in &tag.attrs {
        out.push(' ');
        if let Some(i) = edits
            .iter()
            .position(|e| e.name.eq_ignore_ascii_case(a.name))
        {
            let e = edits.remove(i);
            out.push_str(a.name);
            out.push_str("=\"");
            quote(out, &e.value);
            out.push('"');
            continue;
        }
        let start = offset(a.name);
        let end = match a.value {
            Some((_, e)) if matches!(html.as_bytes().get(e), Some(b'"' | b'\'')) => e + 1,
            Some((_, e)) => e,
            None => start + a.name.len(),
        };
        out.push_str(&html[start..end]);
    }
    for e in edits {
        out.push(' ');
        out.push_str(e.name);
        out.push_str("=\"");
        quote(out, &e.value);
        out.push('"');
    }
    out.push_str(if tag.self_closing { " />" } else { ">" });
}

#[cfg(test)]
mod tests {
    use super::*;
    use lol_html::html_content::Element;
    use lol_html::{RewriteStrSettings, element, rewrite_str};

    /// The rewriter this stage used before the scanner, as the reference.
    fn process_lol(html: &str, depth: usize, style: &LinkStyle) -> String {
        let fix = |el: &mut Element, attr: &str| {
            if let Some(v) = el.get_attribute(attr)
                && let Some(target) = v.strip_prefix("@/")
            {
                let _ = el.set_attribute(attr, &resolve(target, depth, style));
            }
        };
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("html[data-root]", |el| {
                el.set_attribute("data-root", &style.root(depth))?;
                Ok(())
            }))
            .append_element_content_handler(element!("a[href]", |el| {
                fix(el, "href");
                let href = el.get_attribute("href").unwrap_or_default();
                if href.starts_with("http://") || href.starts_with("https://") {
                    el.set_attribute("rel", "noopener noreferrer")?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("link[href]", |el| {
                fix(el, "href");
                Ok(())
            }))
            .append_element_content_handler(element!("script[src], img[src]", |el| {
                fix(el, "src");
                Ok(())
            }))
            .append_element_content_handler(element!("form[action]", |el| {
                fix(el, "action");
                Ok(())
            }));
        rewrite_str(html, settings).unwrap()
    }

    #[test]
    fn the_scanner_rewrites_like_lol_html() {
        let cases = [
            r##"<!DOCTYPE html><html lang="sv" data-root="x"><head><title>a <a href="@/x/"> b</title>
<link rel="stylesheet" href="@/static/css/a.css"><script src="@/static/js/a.js" defer></script></head>
<body><a href="@/molndal/#kontakt">M</a> <a href='@/sok/?q=a&amp;b=c'>S</a> <a href=@/x/>u</a>
<a class="k" href="https://x.se" rel="nofollow">X</a><a href="http://y.se">Y</a><a href="mailto:a@b.se">m</a>
<a rel="x" href="@/k/" HREF="@/dubbel/">d</a><A HREF="@/stor/">s</A><img src="@/static/l.png" alt="a > b"/>
<form action="@/sok/" method="get"><input name="q"></form><!-- <a href="@/kommentar/"> -->
<p>text "@/inte-en-länk" och a href="@/x"</p><pre><code>&lt;a href="@/kod/"&gt;</code></pre>
<script src="@/static/js/b.js"></script><style>a[href="@/x"]{}</style><textarea><a href="@/t/"></textarea>
<a href="@/slut/">"##,
            r#"<a href="@/utan-slut"#,
            r#"<html data-root><body><a>tom</a><a href>tom</a><img src="@/a.png"/></body></html>"#,
            r#"<img src="@/a.png" /><img src="@/b.png"  alt="x"   /><a href="https://x.se"/>"#,
            "<a\n  class=k   href=\"@/x/\"\tid='y' >z</a><a href=\"@/q/?a=&quot;b\">q</a>",
        ];
        for html in cases {
            for (depth, style) in [
                (0, LinkStyle::Relative),
                (2, LinkStyle::Relative),
                (1, LinkStyle::Base("/portal/".into())),
            ] {
                assert_eq!(
                    process(html, depth, &style).unwrap(),
                    process_lol(html, depth, &style),
                    "depth {depth}, {style:?}"
                );
            }
        }
    }

    #[test]
    fn rewrites_internal_and_marks_external() {
        let html = r#"<a href="@/molndal/">M</a><a href="https://x.se">X</a><script src="@/static/js/a.js"></script><form action="@/sok/"></form>"#;
        let out = process(html, 2, &LinkStyle::Relative).unwrap();
        assert!(out.contains(r#"href="../../molndal/index.html""#), "{out}");
        assert!(
            out.contains(r#"href="https://x.se" rel="noopener noreferrer""#),
            "{out}"
        );
        assert!(out.contains(r#"src="../../static/js/a.js""#));
        assert!(out.contains(r#"action="../../sok/index.html""#));
        let out = process(html, 2, &LinkStyle::Base("/p/".into())).unwrap();
        assert!(out.contains(r#"href="/p/molndal/""#), "{out}");
    }
}
