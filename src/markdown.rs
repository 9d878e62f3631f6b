//! Markdown → HTML with pulldown-cmark (tables, footnotes, strikethrough), plus the
//! links found in it, each with its position, so broken internal links and unsafe
//! URLs are reported as `path:line:column`.

use pulldown_cmark::{Event, Options, Parser, Tag, html};

/// A link or image target found in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// Found in raw HTML (which the sanitiser cleans) rather than Markdown link syntax.
    pub raw_html: bool,
    /// Byte offset in the Markdown text.
    pub offset: usize,
}

pub struct Rendered {
    pub html: String,
    pub links: Vec<Link>,
    /// Plain text of the first paragraph-ish content, for excerpts.
    pub headings: Vec<(u8, String)>,
    /// Byte offset where lists, quotes and HTML tags nest deeper than
    /// [`sanitize::MAX_NESTING`](crate::sanitize::MAX_NESTING), if they do; such HTML must
    /// not be sanitised (it would take quadratic time) and is an error.
    pub too_deep: Option<usize>,
    /// Whether the text has raw HTML (which only the sanitiser may let through).
    pub raw_html: bool,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown. Heading levels are shifted so a `#` in a routine becomes `<h2>`
/// (the page's `<h1>` is the routine's title).
pub fn render(md: &str) -> Rendered {
    let mut links = Vec::new();
    let mut headings = Vec::new();
    let mut in_heading: Option<(u8, String)> = None;
    let limit = crate::sanitize::MAX_NESTING;
    // Markdown's own nesting, and the nesting of tags in raw HTML on top of it.
    let mut depth = 0usize;
    let mut raw = crate::sanitize::Nesting::default();
    let mut too_deep = None;
    let mut raw_html = false;
    // About one event per 16 bytes of Markdown, so the list is rarely grown.
    let mut events: Vec<Event> = Vec::with_capacity(md.len() / 16 + 16);
    let parsed = Parser::new_ext(md, options())
        .into_offset_iter()
        .map(|(ev, range)| {
            match &ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            if too_deep.is_none() {
                if let Event::Html(h) | Event::InlineHtml(h) = &ev {
                    if let Some(at) = raw.feed(h, limit.saturating_sub(depth)) {
                        // The event's text is usually the source itself.
                        let src = md.get(range.start + at..).unwrap_or("");
                        too_deep = Some(if src.starts_with('<') {
                            range.start + at
                        } else {
                            range.start
                        });
                    }
                } else if depth + raw.depth > limit {
                    too_deep = Some(range.start);
                }
            }
            match &ev {
                Event::Html(h) | Event::InlineHtml(h) => {
                    raw_html = true;
                    // Addresses in raw HTML are checked like Markdown links, so a
                    // `javascript:` link is an error at its position, not silently dropped.
                    links.extend(html_urls(h).into_iter().map(|(i, url)| Link {
                        url,
                        offset: range.start + i,
                        raw_html: true,
                    }));
                }
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => {
                    // Point at the URL itself when it can be found inside the link's source.
                    let src = &md[range.clone()];
                    let off = src
                        .rfind(dest_url.as_ref())
                        .map(|i| range.start + i)
                        .unwrap_or(range.start);
                    links.push(Link {
                        url: dest_url.to_string(),
                        offset: off,
                        raw_html: false,
                    });
                }
                Event::Start(Tag::Heading { level, .. }) => {
                    in_heading = Some(((*level as u8 + 1).min(6), String::new()))
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, s)) = in_heading.as_mut() {
                        s.push_str(t);
                    }
                }
                Event::End(pulldown_cmark::TagEnd::Heading(_)) => {
                    if let Some(h) = in_heading.take() {
                        headings.push(h);
                    }
                }
                _ => {}
            }
            plain(shift_heading(ev))
        });
    events.extend(parsed);
    let events = with_heading_ids(events);
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        links,
        headings,
        too_deep,
        raw_html,
    }
}

/// Drops what the sanitiser would remove anyway, so Markdown without raw HTML comes out
/// of pulldown-cmark already clean: heading classes and attributes (`{.x key=v}`; the
/// id stays), table alignment (inline `style`, which the pages' CSP forbids too) and the
/// language class of fenced code.
fn plain(ev: Event<'_>) -> Event<'_> {
    use pulldown_cmark::{CodeBlockKind, Tag as T};
    match ev {
        Event::Start(T::Heading { level, id, .. }) => Event::Start(T::Heading {
            level,
            id,
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::Start(T::Table(aligns)) => Event::Start(T::Table(vec![
            pulldown_cmark::Alignment::None;
            aligns.len()
        ])),
        Event::Start(T::CodeBlock(CodeBlockKind::Fenced(_))) => {
            Event::Start(T::CodeBlock(CodeBlockKind::Indented))
        }
        other => other,
    }
}

/// `(offset, value)` of every `href`, `src`, `action` and `formaction` attribute in a
/// piece of raw HTML.
fn html_urls(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for name in ["href", "src", "action", "formaction"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name).map(|i| i + from) {
            from = i + name.len();
            let before_ok = i == 0
                || !lower.as_bytes()[i - 1].is_ascii_alphanumeric()
                    && lower.as_bytes()[i - 1] != b'-';
            let rest = lower[from..].trim_start();
            if !before_ok || !rest.starts_with('=') {
                continue;
            }
            let v_start = from + (lower[from..].len() - rest.len()) + 1;
            let v = html[v_start..].trim_start();
            let v_off = v_start + (html[v_start..].len() - v.len());
            let (value, skip) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = v[1..].find(q).map(|e| e + 1).unwrap_or(v.len());
                    (&v[1..end], 1)
                }
                _ => (
                    v.split(|c: char| c.is_whitespace() || c == '>')
                        .next()
                        .unwrap_or(""),
                    0,
                ),
            };
            out.push((v_off + skip, value.to_string()));
        }
    }
    out.sort();
    out
}

/// Gives every heading without an explicit `{#id}` an id from its text ("Så går det
/// till" → `sa-gar-det-till`), unique within the page, so search results and links can
/// point at the section.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used = std::collections::BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len()
                && !matches!(events[j], Event::End(pulldown_cmark::TagEnd::Heading(_)))
            {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match crate::render::slugify(&text) {
                s if s.is_empty() => "avsnitt".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) = events[i].clone()
            {
                events[i] = Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                });
            }
        } else if let Event::Start(Tag::Heading { id: Some(id), .. }) = &events[i] {
            used.insert(id.to_string());
        }
        i += 1;
    }
    events
}

fn shift_heading(ev: Event<'_>) -> Event<'_> {
    use pulldown_cmark::HeadingLevel as H;
    let down = |l: H| match l {
        H::H1 => H::H2,
        H::H2 => H::H3,
        H::H3 => H::H4,
        H::H4 => H::H5,
        _ => H::H6,
    };
    match ev {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: down(level),
            id,
            classes,
            attrs,
        }),
        Event::End(pulldown_cmark::TagEnd::Heading(level)) => {
            Event::End(pulldown_cmark::TagEnd::Heading(down(level)))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_raw_html_are_collected() {
        let md = "Text <a href=\"javascript:alert(1)\">x</a>\n\n<img src=x onerror=y>\n";
        let r = render(md);
        let urls: Vec<&str> = r.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, vec!["javascript:alert(1)", "x"]);
        assert_eq!(
            &md[r.links[0].offset..r.links[0].offset + 11],
            "javascript:"
        );
    }

    #[test]
    fn renders_tables_and_collects_links() {
        let md = "# Rubrik\n\nSe [inloggning](@/molndal/inloggning/) och [kommunen](https://www.molndal.se).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let r = render(md);
        assert!(
            r.html.contains("<h2 id=\"rubrik\">Rubrik</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<table>"));
        assert_eq!(r.links.len(), 2);
        assert_eq!(&md[r.links[0].offset..r.links[0].offset + 4], "@/mo");
        assert_eq!(r.headings, vec![(2, "Rubrik".to_string())]);
        assert_eq!(r.too_deep, None);
    }

    #[test]
    fn deep_nesting_is_found_where_it_passes_the_limit() {
        let limit = crate::sanitize::MAX_NESTING;
        let md = "> ".repeat(limit + 50) + "x\n";
        let at = render(&md).too_deep.expect("too deep");
        assert_eq!(md[..at].matches('>').count(), limit, "{at}");
        let md = format!("Text\n\n{}x", "<span>".repeat(limit + 10));
        let at = render(&md).too_deep.expect("too deep");
        assert_eq!(&md[at..at + 6], "<span>");
        assert!(render(&"- ".repeat(20)).too_deep.is_none());
        assert!(render(&"<div>\n".repeat(20)).too_deep.is_none());
    }
}
