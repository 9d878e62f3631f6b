//! Post-process stage: streams each rendered page through lol_html to resolve internal
//! `@/` links for the chosen link style and mark external links `rel="noopener noreferrer"`.

use crate::urls::{LinkStyle, resolve};
use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

pub fn process(html: &str, depth: usize, style: &LinkStyle) -> Result<String, String> {
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
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
