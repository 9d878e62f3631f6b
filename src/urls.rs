//! Internal links. Templates and Markdown write site links as `@/<path>`; the
//! post-process stage turns them into relative links (default: work at a domain root,
//! under any sub-path and from `file://`) or absolute links under `--base-path`.

/// How internal links are written in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStyle {
    /// `../../system/treserva/index.html`: works anywhere, including `file://`.
    Relative,
    /// `/portal/system/treserva/`: for a server at a known sub-path. Always ends in `/`.
    Base(String),
}

impl LinkStyle {
    pub fn from_base_path(base: Option<&str>) -> LinkStyle {
        match base {
            None => LinkStyle::Relative,
            Some(b) => {
                let b = b.trim().trim_matches('/');
                if b.is_empty() {
                    LinkStyle::Base("/".into())
                } else {
                    LinkStyle::Base(format!("/{b}/"))
                }
            }
        }
    }

    /// The prefix that leads from a page at `depth` directories below the root to the root.
    pub fn root(&self, depth: usize) -> String {
        match self {
            LinkStyle::Relative if depth == 0 => "./".into(),
            LinkStyle::Relative => "../".repeat(depth),
            LinkStyle::Base(b) => b.clone(),
        }
    }
}

/// Normalises what an editor wrote after `@/`: `molndal/inloggning.md` and
/// `molndal/inloggning` both mean the page `molndal/inloggning/`. Returns (path, rest),
/// where rest is any `?query` or `#fragment`.
pub fn normalize(target: &str) -> (String, String) {
    let (path, rest) = parts(target);
    let mut out = String::with_capacity(path.len() + 1);
    push_path(&mut out, path);
    (out, rest.to_string())
}

/// `target` split at its `?query` or `#fragment`.
fn parts(target: &str) -> (&str, &str) {
    match target.find(['#', '?']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    }
}

/// Appends the normalised form of `path` (see [`normalize`]) to `out`; returns whether
/// it names a folder (empty or ending in `/`).
fn push_path(out: &mut String, path: &str) -> bool {
    let path = path.trim_start_matches('/');
    let path = path.strip_suffix(".md").unwrap_or(path);
    if let Some(dir) = path.strip_suffix("/index.html") {
        out.push_str(dir);
        out.push('/');
        return true;
    }
    out.push_str(path);
    let last = path.rsplit('/').next().unwrap_or("");
    if path.is_empty() || path.ends_with('/') {
        true
    } else if last.contains('.') {
        false
    } else {
        out.push('/');
        true
    }
}

/// Resolves an internal `@/` target for a page `depth` directories below the root.
pub fn resolve(target: &str, depth: usize, style: &LinkStyle) -> String {
    let (path, rest) = parts(target);
    let mut out = String::with_capacity(3 * depth + path.len() + rest.len() + 12);
    match style {
        LinkStyle::Relative => {
            for _ in 0..depth {
                out.push_str("../");
            }
            if push_path(&mut out, path) {
                out.push_str("index.html");
            }
        }
        LinkStyle::Base(b) => {
            out.push_str(b);
            push_path(&mut out, path);
        }
    }
    out.push_str(rest);
    out
}

/// How many directories below the root an output file lives: `molndal/index.html` → 1.
pub fn depth_of(output_path: &str) -> usize {
    output_path.matches('/').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_name_index_html() {
        let r = LinkStyle::Relative;
        assert_eq!(
            resolve("system/treserva/", 2, &r),
            "../../system/treserva/index.html"
        );
        assert_eq!(resolve("", 1, &r), "../index.html");
        assert_eq!(
            resolve("molndal/#kontakter", 0, &r),
            "molndal/index.html#kontakter"
        );
        assert_eq!(
            resolve("molndal/inloggning.md", 1, &r),
            "../molndal/inloggning/index.html"
        );
        assert_eq!(
            resolve("molndal/kalender.ics", 1, &r),
            "../molndal/kalender.ics"
        );
    }

    /// `resolve` as it was first written (with `format!`), to check the one that
    /// builds the link in place against.
    fn resolve_reference(target: &str, depth: usize, style: &LinkStyle) -> String {
        let (path, rest) = match target.find(['#', '?']) {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        let path = path.trim_start_matches('/');
        let path = path.strip_suffix(".md").unwrap_or(path);
        let path = path
            .strip_suffix("/index.html")
            .map(|p| format!("{p}/"))
            .unwrap_or_else(|| path.to_string());
        let last = path.rsplit('/').next().unwrap_or("");
        let path = if path.is_empty() || path.ends_with('/') || last.contains('.') {
            path
        } else {
            format!("{path}/")
        };
        match style {
            LinkStyle::Relative => {
                let file = if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path
                };
                format!("{}{file}{rest}", "../".repeat(depth))
            }
            LinkStyle::Base(b) => format!("{b}{path}{rest}"),
        }
    }

    #[test]
    fn resolve_agrees_with_the_reference() {
        let targets = [
            "",
            "/",
            "//",
            ".md",
            "index.html",
            "/index.html",
            "a/index.html",
            "a/b/index.html",
            "molndal",
            "molndal/",
            "/molndal",
            "molndal/inloggning.md",
            "molndal/inloggning",
            "molndal/kalender.ics",
            "a.b/c",
            "a/b.c/",
            "sok/?q=x",
            "molndal/#kontakter",
            "molndal#k",
            "x.md#y?z",
            "?q",
            "#top",
            "a//b",
            "a/b/",
            "data/k.json?x#y",
        ];
        let styles = [
            LinkStyle::Relative,
            LinkStyle::from_base_path(Some("portal")),
            LinkStyle::from_base_path(Some("/")),
        ];
        for t in targets {
            for depth in 0..4 {
                for style in &styles {
                    assert_eq!(
                        resolve(t, depth, style),
                        resolve_reference(t, depth, style),
                        "{t:?} at depth {depth}, {style:?}"
                    );
                }
            }
            let (path, rest) = normalize(t);
            let base = LinkStyle::Base(String::new());
            assert_eq!(format!("{path}{rest}"), resolve_reference(t, 0, &base));
        }
    }

    #[test]
    fn base_path_links_are_absolute() {
        let b = LinkStyle::from_base_path(Some("portal"));
        assert_eq!(b, LinkStyle::Base("/portal/".into()));
        assert_eq!(resolve("sok/?q=x", 3, &b), "/portal/sok/?q=x");
        assert_eq!(resolve("", 3, &b), "/portal/");
        assert_eq!(LinkStyle::from_base_path(Some("/")).root(2), "/");
    }
}
