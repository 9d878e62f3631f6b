//! Browser test support: headless Chromium through chromedriver, a static file server,
//! axe-core accessibility checks and the Nu Html Checker (vnu).
//!
//! Include it from an integration test with
//!
//! ```ignore
//! #[path = "support/browser.rs"]
//! mod browser;
//! ```
//!
//! Needs `chromium`, `chromedriver` and Java 17+ on `PATH`, and `node_modules/` from
//! `npm ci` (axe-core, vnu-jar): `scripts/install-test-deps` installs all of them.
//!
//! A typical test:
//!
//! ```ignore
//! let driver = browser::Driver::start();
//! let port = browser::serve(&browser::fixture("static-smoke"), "/portal/");
//! let c = driver.session().await;
//! c.goto(&format!("http://127.0.0.1:{port}/portal/")).await.unwrap();
//! assert_eq!(browser::axe(&c).await, Vec::<String>::new());
//! c.close().await.unwrap();
//! ```
//!
//! Never use `allow_file_access` in a test that proves a feature works from disk
//! (`file://`): the flag lets pages `fetch()` other files, which no visitor's browser
//! allows. Test such features without it, and over http too.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// The crate root (where `Cargo.toml` and `node_modules/` are).
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>` in this crate.
pub fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests").join("fixtures").join(name)
}

/// A fresh temporary directory under cargo's per-target temp dir, removed on drop.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("browser-test-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("create temp dir")
}

/// Chromium flags that work headless, as root, on a 2-core CI machine with no network.
const BASE_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The Chromium binary: `$CHROMIUM` if set, else Debian's `/usr/bin/chromium`.
fn chromium_binary() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// How a browser session is set up. Start from [`SessionOptions::default`] (1280x900,
/// JavaScript on, light mode, the machine's time zone, no file access) and change fields.
#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// Pass `--allow-file-access-from-files`: lets `file://` pages `fetch()` other files
    /// (and keeps `localStorage` reliable across reloads on `file://`). Off by default;
    /// see the module docs before turning it on.
    pub allow_file_access: bool,
    /// `false` disables JavaScript for pages (Chrome content setting
    /// `profile.managed_default_content_settings.javascript = 2`). WebDriver's own
    /// `execute` still works.
    pub javascript: bool,
    /// Make `prefers-color-scheme: dark` match.
    pub dark: bool,
    /// Viewport size in CSS pixels: width, height. Headless Chrome will not make a window
    /// narrower than 500 px (it lays out at 500 and crops), so a width under 500 is set
    /// with chromedriver's mobile emulation (device metrics, touch, mobile viewport).
    pub window: (u32, u32),
    /// IANA time zone for the browser (e.g. `America/New_York`), set as `TZ` in the
    /// environment of the chromedriver process that launches it. `None`: the machine's.
    pub time_zone: Option<String>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            allow_file_access: false,
            javascript: true,
            dark: false,
            window: DESKTOP,
            time_zone: None,
        }
    }
}

/// Headless Chrome's narrowest window; see [`SessionOptions::window`].
const MIN_WINDOW_WIDTH: u32 = 500;

/// A phone-sized window: 360x800.
pub const PHONE: (u32, u32) = (360, 800);
/// A desktop-sized window: 1280x900.
pub const DESKTOP: (u32, u32) = (1280, 900);

impl SessionOptions {
    /// Options with a phone-sized window.
    pub fn phone() -> Self {
        SessionOptions {
            window: PHONE,
            ..Self::default()
        }
    }

    /// The WebDriver capabilities for these options.
    fn capabilities(&self) -> serde_json::Map<String, Value> {
        let mut args: Vec<String> = BASE_ARGS.iter().map(|a| a.to_string()).collect();
        let width = self.window.0.max(MIN_WINDOW_WIDTH);
        args.push(format!("--window-size={width},{}", self.window.1));
        if self.allow_file_access {
            args.push("--allow-file-access-from-files".into());
        }
        if self.dark {
            // Checked on Chromium 156 headless: each flag alone makes
            // `prefers-color-scheme: dark` match. The Blink setting (0 = dark, 1 = light)
            // sets the media query directly; --force-dark-mode also darkens native UI
            // (form controls, scrollbars) as a dark-themed OS would.
            args.push("--blink-settings=preferredColorScheme=0".into());
            args.push("--force-dark-mode".into());
        }
        let mut chrome = json!({ "binary": chromium_binary(), "args": args });
        if self.window.0 < MIN_WINDOW_WIDTH {
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": self.window.0,
                    "height": self.window.1,
                    "pixelRatio": 1.0,
                    "mobile": true,
                    "touch": true,
                }
            });
        }
        if !self.javascript {
            chrome["prefs"] = json!({
                "profile.managed_default_content_settings.javascript": 2
            });
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
        });
        caps.as_object().expect("object").clone()
    }
}

/// One chromedriver process on a free loopback port. Dropping it shuts chromedriver
/// down, which quits the browsers it started (also when a test panics).
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start(time_zone: Option<&str>) -> Chromedriver {
        let port = free_port();
        let mut cmd = Command::new("chromedriver");
        cmd.args([format!("--port={port}"), "--silent".into()])
            // Chromium's temporary profiles land in target/tmp, not /tmp.
            .env("TMPDIR", env!("CARGO_TARGET_TMPDIR"))
            .stdin(Stdio::null());
        if let Some(tz) = time_zone {
            cmd.env("TZ", tz);
        }
        let child = cmd
            .spawn()
            .expect("start chromedriver (scripts/install-test-deps installs it)");
        let mut driver = Chromedriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 20 s"
            );
            sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // chromedriver ignores /shutdown sent as HTTP/1.0; it needs HTTP/1.1 with Host.
        let req = b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        let _ = TcpStream::connect(("127.0.0.1", self.port)).and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            s.write_all(req)?;
            s.read_to_end(&mut Vec::new())
        });
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts browser sessions. Owns one chromedriver for the machine's time zone, plus one
/// more per other time zone asked for (started on first use); all shut down on drop.
///
/// Declare the `Driver` before the sessions' clients so it is dropped after them.
pub struct Driver {
    default: Chromedriver,
    zoned: Mutex<HashMap<String, Chromedriver>>,
}

impl Driver {
    /// Starts chromedriver on a free loopback port.
    pub fn start() -> Driver {
        Driver {
            default: Chromedriver::start(None),
            zoned: Mutex::new(HashMap::new()),
        }
    }

    /// A session with [`SessionOptions::default`]. Each session has a fresh profile,
    /// so `localStorage` starts empty.
    pub async fn session(&self) -> Client {
        self.session_with(&SessionOptions::default()).await
    }

    /// A session set up as `opts` says.
    pub async fn session_with(&self, opts: &SessionOptions) -> Client {
        let port = match &opts.time_zone {
            None => self.default.port,
            Some(tz) => {
                let mut zoned = self.zoned.lock().unwrap_or_else(|e| e.into_inner());
                zoned
                    .entry(tz.clone())
                    .or_insert_with(|| Chromedriver::start(Some(tz)))
                    .port
            }
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(opts.capabilities())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("WebDriver session with {opts:?}: {e}"))
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// Serves the files under `dir` at `http://127.0.0.1:<port><base_path>` from a background
/// thread, and returns the port. `base_path` is a URL prefix such as `/portal/` or `/`.
///
/// GET and HEAD only. A directory serves its `index.html` (a directory URL without the
/// trailing slash redirects to it); anything outside `base_path`, missing, or with a `..`
/// segment gets 404 (403 for `..`). Content-Type follows the file extension.
pub fn serve(dir: &Path, base_path: &str) -> u16 {
    let root = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("serve {}: {e}", dir.display()));
    let base = format!("/{}/", base_path.trim_matches('/')).replace("//", "/");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local addr").port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, base) = (root.clone(), base.clone());
            // A thread per connection: browsers open spare connections they may never use.
            thread::spawn(move || {
                let _ = handle_connection(stream, &root, &base);
            });
        }
    });
    port
}

/// Answers the requests on one connection (keep-alive) until the client closes it.
fn handle_connection(stream: TcpStream, root: &Path, base: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        // Skip the headers; we need none of them.
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let response = respond(method, target, root, base);
        out.write_all(&response)?;
        out.flush()?;
    }
}

/// Builds the full HTTP response to one request.
fn respond(method: &str, target: &str, root: &Path, base: &str) -> Vec<u8> {
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return response(405, "text/plain", b"method not allowed\n", false, &[]);
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = percent_decode(path) else {
        return response(400, "text/plain", b"bad request\n", head_only, &[]);
    };
    if path.split(['/', '\\']).any(|seg| seg == "..") {
        return response(403, "text/plain", b"forbidden\n", head_only, &[]);
    }
    if format!("{path}/") == base {
        let location = format!("Location: {base}");
        return response(301, "text/plain", b"", head_only, &[&location]);
    }
    let Some(rel) = path.strip_prefix(base) else {
        return response(404, "text/plain", b"not found\n", head_only, &[]);
    };
    let mut file = root.to_path_buf();
    for comp in Path::new(rel).components() {
        match comp {
            Component::Normal(c) => file.push(c),
            Component::CurDir => {}
            _ => return response(403, "text/plain", b"forbidden\n", head_only, &[]),
        }
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            let location = format!("Location: {path}/");
            return response(301, "text/plain", b"", head_only, &[&location]);
        }
        file.push("index.html");
    }
    match fs::read(&file) {
        Ok(body) => response(200, content_type(&file), &body, head_only, &[]),
        Err(_) => response(404, "text/plain", b"not found\n", head_only, &[]),
    }
}

fn response(status: u16, ctype: &str, body: &[u8], head_only: bool, extra: &[&str]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\n",
        body.len()
    );
    for h in extra {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if !head_only {
        out.extend_from_slice(body);
    }
    out
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// `node_modules/axe-core/axe.min.js` (from `npm ci`).
pub fn axe_js_path() -> PathBuf {
    manifest_dir().join("node_modules/axe-core/axe.min.js")
}

/// Runs axe-core on the page `c` is showing and returns one line per WCAG 2.0/2.1 A/AA
/// violation (`rule-id: help @ selectors`); empty means the page passes.
pub async fn axe(c: &Client) -> Vec<String> {
    let path = axe_js_path();
    let src = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "read {}: {e} (run scripts/install-test-deps)",
            path.display()
        )
    });
    c.execute(&src, vec![]).await.expect("inject axe-core");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {
                 runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
             })
             .then(r => done(r.violations.map(v =>
                 `${v.id}: ${v.help} @ ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
             .catch(e => done([`axe failed: ${e}`]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    serde_json::from_value(result).expect("axe result is a list of strings")
}

/// `node_modules/vnu-jar/build/dist/vnu.jar` (from `npm ci`).
pub fn vnu_jar_path() -> PathBuf {
    manifest_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

/// Validates every HTML file under `dir` with the Nu Html Checker in one JVM.
/// `Err` carries vnu's messages (errors only; non-HTML files are skipped).
pub fn vnu(dir: &Path) -> Result<(), String> {
    let jar = vnu_jar_path();
    assert!(
        jar.is_file(),
        "{} missing (run scripts/install-test-deps)",
        jar.display()
    );
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run java (scripts/install-test-deps installs it)");
    if out.status.success() {
        Ok(())
    } else {
        let mut msg = String::from_utf8_lossy(&out.stderr).into_owned();
        msg.push_str(&String::from_utf8_lossy(&out.stdout));
        if msg.trim().is_empty() {
            msg = format!("vnu exited with {}", out.status);
        }
        Err(msg)
    }
}
