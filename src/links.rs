//! `lovportal check --links`: tries every external http(s) link of the built portal with
//! a short timeout and reports the dead ones as warnings, at the place in the sources
//! where the address is written. Never part of a normal build or check: it needs the
//! network.

use crate::diagnostics::{Diagnostic, Pos};
use crate::render::OutFile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long one link may take, redirects included.
pub const TIMEOUT: Duration = Duration::from_secs(8);
/// Links tried at once.
const WORKERS: usize = 8;

/// Every external http(s) link in the built pages, decoded, sorted and de-duplicated.
pub fn external_links(files: &[OutFile]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (path, bytes) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let mut rest = html.as_ref();
        while let Some(i) = rest.find("href=\"") {
            rest = &rest[i + 6..];
            let Some(end) = rest.find('"') else { break };
            let url = rest[..end]
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'");
            if url.starts_with("http://") || url.starts_with("https://") {
                out.insert(url);
            }
            rest = &rest[end..];
        }
    }
    out.into_iter().collect()
}

/// Where `url` is first written in the sources under `root` (data/ and content/), for the
/// report; `(unknown, 1:1)` when only a template has it.
fn locate(url: &str, sources: &BTreeMap<String, String>) -> (String, Pos) {
    for (path, text) in sources {
        if let Some(i) = text.find(url) {
            return (path.clone(), Pos::of_offset(text, i));
        }
    }
    ("themes/default".into(), Pos::new(1, 1))
}

fn read_sources(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(text) = std::fs::read_to_string(&p)
                && let Ok(rel) = p.strip_prefix(root)
            {
                out.insert(rel.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    for d in ["data", "content", "themes"] {
        walk(root, &root.join(d), &mut out);
    }
    out
}

/// What is wrong with one link, or `None` if it answers with a success or redirect.
pub fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) => Err(e.to_string()),
    };
    // HEAD first; some servers refuse HEAD, so a refusal is tried again with GET.
    let first = status(agent.head(url).call());
    let result = match first {
        Ok(405 | 403 | 501) | Err(_) => status(agent.get(url).call()),
        other => other,
    };
    match result {
        Ok(s) if s < 400 => None,
        Ok(s) => Some(format!("svarar med HTTP-status {s}")),
        Err(e) => Some(format!("svarar inte ({e})")),
    }
}

/// Tries every link and returns one warning per dead link.
pub fn check(root: &Path, files: &[OutFile], timeout: Duration) -> Vec<Diagnostic> {
    let urls = external_links(files);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent("lovportal-lankkontroll")
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let dead: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS.min(urls.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(url) = urls.get(i) else { break };
                    if let Some(why) = probe(&agent, url) {
                        dead.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((url.clone(), why));
                    }
                }
            });
        }
    });
    let sources = read_sources(root);
    let mut dead = dead.into_inner().unwrap_or_else(|e| e.into_inner());
    dead.sort();
    dead.into_iter()
        .map(|(url, why)| {
            let (path, pos) = locate(&url, &sources);
            Diagnostic::warning(path, pos, format!("den externa länken {url} {why}")).with_hint(
                "öppna adressen i en webbläsare; byt till den nya adressen eller ta bort länken",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_external_links_in_pages_only() {
        let files = vec![
            (
                "a/index.html".to_string(),
                br#"<a href="https://x.se/a?b=1&amp;c=2">x</a><a href="/intern/">i</a><a href="mailto:a@b.se">m</a><a href="http://y.se">y</a>"#.to_vec(),
            ),
            ("data/x.json".to_string(), br#"{"href":"https://z.se"}"#.to_vec()),
        ];
        assert_eq!(
            external_links(&files),
            vec![
                "http://y.se".to_string(),
                "https://x.se/a?b=1&c=2".to_string()
            ]
        );
    }
}
