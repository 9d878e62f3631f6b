//! `lovportal serve`: the site built into memory and served on 127.0.0.1, rebuilt when a
//! source file changes, with the open browser tab reloading itself.
//!
//! - [`http`]: a small HTTP/1.1 server (GET/HEAD, strict parsing, limits and timeouts).
//! - [`watch`]: file-system events (notify), debounced, trigger a rebuild on one thread.
//! - this module: the shared state (the last good site, swapped whole after each good
//!   rebuild, and the current errors), routing with path checks, and live reload: pages get
//!   a same-origin script (the pages' CSP allows no inline script) that listens to
//!   server-sent events and reloads the tab or shows the errors in an overlay.
//!
//! The site is served from memory only, so no request can reach a file on disk: a path
//! is a key in the map of built files or nothing.

pub mod http;
pub mod watch;

use crate::render::escape_html;
use http::{Body, Request, Response};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Where live reload lives, below the base path. Not a valid slug, so no page can have it.
pub const INTERNAL: &str = "__lovportal/";

const RELOAD_JS: &str = include_str!("reload.js");
const RELOAD_CSS: &str = include_str!("reload.css");

/// The files of one build, by output path.
pub type Files = Arc<BTreeMap<String, crate::render::Bytes>>;

/// What the server shows: the last site that built, and the errors of the latest
/// rebuild if it failed.
#[derive(Default)]
pub struct State {
    /// The files of the last good build, by output path.
    pub site: Option<Files>,
    /// Counts good builds; a page knows the generation it came from.
    pub generation: u64,
    /// The errors (each as the CLI prints it) while the latest rebuild fails.
    pub errors: Vec<String>,
    /// Bumped on every change, to wake the event streams.
    pub version: u64,
}

/// State shared by the HTTP threads and the rebuild thread.
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// The base path, `/` or `/portal/`.
    pub base: String,
}

impl Shared {
    pub fn new(base: String) -> Arc<Shared> {
        Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            base,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A good build: swap in the new site, clear the errors, tell the browsers.
    pub fn publish(&self, files: Vec<(String, crate::render::Bytes)>) {
        let mut s = self.lock();
        s.site = Some(Arc::new(files.into_iter().collect()));
        s.generation += 1;
        s.errors.clear();
        s.version += 1;
        self.changed.notify_all();
    }

    /// A failed build: keep the site, show the errors.
    pub fn fail(&self, errors: Vec<String>) {
        let mut s = self.lock();
        if s.errors != errors {
            s.errors = errors;
            s.version += 1;
            self.changed.notify_all();
        }
    }

    /// (site, generation, errors) right now.
    fn snapshot(&self) -> (Option<Files>, u64, Vec<String>) {
        let s = self.lock();
        (s.site.clone(), s.generation, s.errors.clone())
    }

    /// The event-stream message for the current state, and its version.
    fn event(&self) -> (u64, String) {
        let s = self.lock();
        (s.version, state_json(s.generation, &s.errors))
    }

    /// Waits (up to `timeout`) for a version newer than `seen`.
    fn wait_newer(&self, seen: u64, timeout: Duration) -> bool {
        let s = self.lock();
        let (s, _) = self
            .changed
            .wait_timeout_while(s, timeout, |s| s.version == seen)
            .unwrap_or_else(|e| e.into_inner());
        s.version != seen
    }
}

fn state_json(generation: u64, errors: &[String]) -> String {
    serde_json::json!({"site": generation, "errors": errors}).to_string()
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PathError {
    /// Malformed or unsafe: 400.
    Bad,
}

/// Checks and decodes the path of a request target (the part before `?`): percent-decoded
/// once; `..` and `.` segments, empty segments, backslashes, control characters, NUL and
/// drive letters are refused. Returns the decoded path, starting with `/`.
pub fn clean_path(target: &str) -> Result<String, PathError> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        // `http://host/x` (absolute form), `*`, or garbage.
        return Err(PathError::Bad);
    }
    let decoded = percent_decode(path).ok_or(PathError::Bad)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err(PathError::Bad);
    }
    let inner = &decoded[1..];
    let segments: Vec<&str> = inner.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        let empty_ok = i == last; // a trailing slash, or the root itself
        if (seg.is_empty() && !empty_ok) || *seg == "." || *seg == ".." || seg.contains(':') {
            return Err(PathError::Bad);
        }
    }
    Ok(decoded)
}

/// Decodes `%XX` escapes once; `None` when one is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Answers one request.
pub fn respond(shared: &Arc<Shared>, req: &Request) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "bara GET och HEAD").with_header("Allow", "GET, HEAD");
    }
    let Ok(path) = clean_path(&req.target) else {
        return Response::text(400, "felaktig sökväg");
    };
    let base = shared.base.as_str();
    if format!("{path}/") == base {
        return Response::redirect(base);
    }
    let Some(rel) = path.strip_prefix(base) else {
        if path == "/" {
            return Response::redirect(base);
        }
        return Response::text(404, &format!("portalen finns under {base}"));
    };
    if let Some(internal) = rel.strip_prefix(INTERNAL) {
        return match internal {
            "reload.js" => Response::new(200, content_type(".js"), RELOAD_JS),
            "reload.css" => Response::new(200, content_type(".css"), RELOAD_CSS),
            "events" => events(shared.clone()),
            _ => Response::text(404, "finns inte"),
        };
    }
    let (site, generation, errors) = shared.snapshot();
    let Some(site) = site else {
        // No build has succeeded yet: every page is the error page.
        return Response::new(
            503,
            content_type(".html"),
            inject(&no_site_page(), base, generation, &errors),
        );
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let (status, key, bytes) = match site.get(&key) {
        Some(b) => (200, key, b),
        None => {
            if site.contains_key(&format!("{rel}/index.html")) {
                return Response::redirect(&format!("{base}{rel}/"));
            }
            match site.get("404.html") {
                Some(b) => (404, "404.html".to_string(), b),
                None => return Response::text(404, "sidan finns inte"),
            }
        }
    };
    let ctype = content_type(&key);
    if key.ends_with(".html") {
        let html = String::from_utf8_lossy(bytes);
        Response::new(status, ctype, inject(&html, base, generation, &errors))
    } else {
        Response::new(status, ctype, bytes.to_vec())
    }
}

/// The live-reload stylesheet and script, added before `</head>` of every HTML page the
/// server sends (never in `build` output), and while a rebuild fails, the error overlay
/// before `</body>`, so it shows even without JavaScript.
pub fn inject(html: &str, base: &str, generation: u64, errors: &[String]) -> String {
    let tags = format!(
        "<link rel=\"stylesheet\" href=\"{b}{INTERNAL}reload.css\">\
         <script src=\"{b}{INTERNAL}reload.js\" data-base=\"{b}\" data-site=\"{generation}\" defer></script>",
        b = escape_html(base)
    );
    let mut out = String::with_capacity(html.len() + tags.len() + 256);
    match find_ci(html, "</head>", false) {
        Some(i) => {
            out.push_str(&html[..i]);
            out.push_str(&tags);
            out.push_str(&html[i..]);
        }
        None => {
            out.push_str(&tags);
            out.push_str(html);
        }
    }
    if !errors.is_empty() {
        let overlay = overlay_html(errors);
        match find_ci(&out, "</body>", true) {
            Some(i) => out.insert_str(i, &overlay),
            None => out.push_str(&overlay),
        }
    }
    out
}

/// The first (or last) place of an ASCII `needle` in `haystack`, ignoring case.
fn find_ci(haystack: &str, needle: &str, last: bool) -> Option<usize> {
    let same = |w: &[u8]| w.eq_ignore_ascii_case(needle.as_bytes());
    let mut windows = haystack.as_bytes().windows(needle.len());
    if last {
        windows.rposition(same)
    } else {
        windows.position(same)
    }
}

/// The error overlay as HTML; every message is escaped. `reload.js` builds the same
/// structure with `textContent`.
pub fn overlay_html(errors: &[String]) -> String {
    let items: String = errors
        .iter()
        .map(|e| format!("<pre class=\"lovportal-fel-text\">{}</pre>", escape_html(e)))
        .collect();
    format!(
        "<div id=\"lovportal-fel\" role=\"alert\"><div class=\"lovportal-fel-ruta\">\
         <h2>Portalen kunde inte byggas om</h2>\
         <p>Du ser den senaste versionen som gick att bygga. Rätta felet och spara, så \
         försvinner rutan.</p>{items}</div></div>"
    )
}

fn no_site_page() -> String {
    "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">\
     <title>Portalen kunde inte byggas</title></head><body><main>\
     <h1>Portalen kunde inte byggas</h1><p>Rätta felen nedan och spara filen.</p>\
     </main></body></html>"
        .into()
}

/// `__lovportal/events`: server-sent events. Sends the state (`{"site": generation,
/// "errors": [...]}`) at once and after every change, and a comment every 15 s so a
/// closed tab is noticed and its thread ends.
fn events(shared: Arc<Shared>) -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type", "text/event-stream; charset=utf-8".into())],
        body: Body::Stream(Box::new(move |stream| {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
            let (mut seen, msg) = shared.event();
            if write_event(stream, &format!("retry: 500\n{}", event_text(&msg))).is_err() {
                return;
            }
            loop {
                let sent = if shared.wait_newer(seen, Duration::from_secs(15)) {
                    let (v, msg) = shared.event();
                    seen = v;
                    write_event(stream, &event_text(&msg))
                } else {
                    write_event(stream, ": ping\n\n")
                };
                if sent.is_err() {
                    return;
                }
            }
        })),
    }
}

fn event_text(json: &str) -> String {
    format!("event: state\ndata: {json}\n\n")
}

fn write_event(stream: &mut std::net::TcpStream, text: &str) -> std::io::Result<()> {
    stream.write_all(text.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_checks() {
        assert_eq!(clean_path("/"), Ok("/".into()));
        assert_eq!(clean_path("/a/b/?q=1"), Ok("/a/b/".into()));
        assert_eq!(clean_path("/s%C3%B6k/"), Ok("/sök/".into()));
        // Decoded once: a double-encoded dot-dot is a harmless name that does not exist.
        assert_eq!(clean_path("/%252e%252e/x"), Ok("/%2e%2e/x".into()));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%5c..%5cetc/passwd",
            "/a\\..\\b",
            "/./a",
            "//etc/passwd",
            "/C:/Windows",
            "/a%00b",
            "/%zz",
            "/%c3",
            "http://example.org/",
            "*",
            "etc/passwd",
        ] {
            assert_eq!(clean_path(bad), Err(PathError::Bad), "{bad}");
        }
    }

    #[test]
    fn injection_goes_into_head_and_escapes_the_overlay() {
        let html = "<html><head><title>x</title></head><body><p>y</p></body></html>";
        let out = inject(html, "/p/", 7, &[]);
        assert!(out.contains(
            "<script src=\"/p/__lovportal/reload.js\" data-base=\"/p/\" data-site=\"7\" defer></script></head>"
        ));
        assert!(!out.contains("lovportal-fel"));
        let out = inject(html, "/", 1, &["a.md:1:2: fel: <script>x</script>".into()]);
        assert!(
            out.contains("&lt;script&gt;x&lt;/script&gt;</pre></div></div></body>"),
            "{out}"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("a/kalender.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            content_type("static/js/tid.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("data/index.json"), "application/json");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    }
}
