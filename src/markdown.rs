//! Markdown → HTML with pulldown-cmark (tables, footnotes, strikethrough), plus the
//! links found in it, each with its position, so broken internal links and unsafe
//! URLs are reported as `path:line:column`.

use pulldown_cmark::{Event, Options, Parser, Tag, html};

/// A link or image target found in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// Byte offset in the Markdown text.
    pub offset: usize,
}

pub struct Rendered {
    pub html: String,
    pub links: Vec<Link>,
    /// Plain text of the first paragraph-ish content, for excerpts.
    pub headings: Vec<(u8, String)>,
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
    let events: Vec<Event> = Parser::new_ext(md, options())
        .into_offset_iter()
        .map(|(ev, range)| {
            match &ev {
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
            shift_heading(ev)
        })
        .collect();
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        links,
        headings,
    }
}

/// The links and images of `md`, as [`render`] finds them, without rendering: for
/// checking every routine's links before anything is rendered.
pub fn links(md: &str) -> Vec<Link> {
    let mut links = Vec::new();
    for (ev, range) in Parser::new_ext(md, options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. })
        | Event::Start(Tag::Image { dest_url, .. }) = &ev
        {
            let src = &md[range.clone()];
            let off = src
                .rfind(dest_url.as_ref())
                .map(|i| range.start + i)
                .unwrap_or(range.start);
            links.push(Link {
                url: dest_url.to_string(),
                offset: off,
            });
        }
    }
    links
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
    fn renders_tables_and_collects_links() {
        let md = "# Rubrik\n\nSe [inloggning](@/molndal/inloggning/) och [kommunen](https://www.molndal.se).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let r = render(md);
        assert!(r.html.contains("<h2>Rubrik</h2>"), "{}", r.html);
        assert!(r.html.contains("<table>"));
        assert_eq!(r.links.len(), 2);
        assert_eq!(&md[r.links[0].offset..r.links[0].offset + 4], "@/mo");
        assert_eq!(r.headings, vec![(2, "Rubrik".to_string())]);
        assert_eq!(links(md), r.links);
    }
}
