//! `lovportal serve`: the real binary on a copy of the minimal fixture, spoken to over
//! raw HTTP. The browser side of live reload is in `tests/serve_browser.rs`.

#[path = "support/server.rs"]
mod server;
#[path = "support/site.rs"]
mod site;

use server::Server;
use site::TestSite;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const ROUTINE: &str = "content/testby/behorighet.md";
const ROUTINE_URL: &str = "/testby/behorighet/";
const KOMMUN: &str = "data/kommuner/testby.yaml";

/// Asks for `/` every 50 ms on a thread until dropped, counting answers that are not 200.
struct Prober {
    stop: Arc<AtomicBool>,
    failures: Arc<AtomicUsize>,
    answered: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Prober {
    fn start(port: u16) -> Prober {
        let stop = Arc::new(AtomicBool::new(false));
        let failures = Arc::new(AtomicUsize::new(0));
        let answered = Arc::new(AtomicUsize::new(0));
        let (s, f, a) = (stop.clone(), failures.clone(), answered.clone());
        let thread = std::thread::spawn(move || {
            let probe = ServerRef(port);
            while !s.load(Ordering::SeqCst) {
                match probe.status("/") {
                    Some(200) => a.fetch_add(1, Ordering::SeqCst),
                    _ => f.fetch_add(1, Ordering::SeqCst),
                };
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Prober {
            stop,
            failures,
            answered,
            thread: Some(thread),
        }
    }

    /// Stops probing; returns (answered with 200, other or no answer).
    fn finish(mut self) -> (usize, usize) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        (
            self.answered.load(Ordering::SeqCst),
            self.failures.load(Ordering::SeqCst),
        )
    }
}

/// A minimal client for the prober thread.
struct ServerRef(u16);

impl ServerRef {
    fn status(&self, path: &str) -> Option<u16> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.0)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        String::from_utf8_lossy(&buf)
            .split(' ')
            .nth(1)?
            .parse()
            .ok()
    }
}

#[test]
fn an_edit_is_served_within_two_seconds_and_a_broken_file_shows_an_overlay_until_fixed() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &[]);
    let prober = Prober::start(server.port);
    let first = server.get(ROUTINE_URL);
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Så går det till"), "{}", first.body);
    assert!(!first.body.contains("lovportal-fel"));

    // 1. A plain save.
    s.replace(ROUTINE, "# Så går det till", "# Så går det till i dag");
    let (_, took) = server.wait_for(ROUTINE_URL, Duration::from_secs(2), |r| {
        r.body.contains("Så går det till i dag")
    });
    eprintln!("plain save served after {took:?}");

    // 2. A save the way many editors do it: a new file renamed over the old one.
    let text = s.read(ROUTINE).replace("i dag", "i morgon");
    s.write("content/testby/.behorighet.md.tmp", &text);
    std::fs::rename(s.path("content/testby/.behorighet.md.tmp"), s.path(ROUTINE)).unwrap();
    let (_, took) = server.wait_for(ROUTINE_URL, Duration::from_secs(2), |r| {
        r.body.contains("Så går det till i morgon")
    });
    eprintln!("save via rename served after {took:?}");

    // 3. Break the municipality's YAML: the last good page stays, with the overlay.
    s.replace(KOMMUN, "name: Testby", "name: [Testby");
    let (broken, _) = server.wait_for(ROUTINE_URL, Duration::from_secs(2), |r| {
        r.body.contains("id=\"lovportal-fel\"")
    });
    assert_eq!(broken.status, 200);
    assert!(
        broken.body.contains("Så går det till i morgon"),
        "last good site"
    );
    let message =
        "data/kommuner/testby.yaml:1:7: fel: name: fel typ av värde: lista, förväntade text";
    assert!(broken.body.contains(message), "{}", broken.body);
    // The hint, escaped exactly once (it quotes "07.00-16.30").
    assert!(
        broken
            .body
            .contains("\n  tips: kontrollera värdet; text som ser ut som ett tal eller datum kan behöva citattecken, till exempel &quot;07.00-16.30&quot;"),
        "{}",
        broken.body
    );
    // Every page shows it, not just the one being edited.
    assert!(server.get("/").body.contains(message));

    // Saving the same broken file again does not print the error again.
    s.replace(KOMMUN, "name: [Testby", "name: [Testby");
    server.wait_log("second failure", |l| l.contains("Samma fel som ovan"));
    assert_eq!(server.log().matches(message).count(), 1, "{}", server.log());

    // 4. Fix it: the overlay is gone and the page is back.
    s.replace(KOMMUN, "name: [Testby", "name: Testby");
    let (fixed, _) = server.wait_for(ROUTINE_URL, Duration::from_secs(2), |r| {
        !r.body.contains("lovportal-fel")
    });
    assert_eq!(fixed.status, 200);
    assert!(fixed.body.contains("Så går det till i morgon"));

    // The server never stopped answering.
    let (ok, failed) = prober.finish();
    assert!(ok > 5, "the prober got {ok} answers");
    assert_eq!(failed, 0, "{failed} probes got no 200");
    let log = server.log();
    assert!(
        log.contains("Ombyggt efter ändring i content/testby/behorighet.md på"),
        "{log}"
    );
    assert!(log.contains("Felet är rättat"), "{log}");
}

#[test]
fn a_template_edit_rerenders_pages_without_reparsing_markdown_and_a_routine_edit_only_its_pages() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &[]);
    s.replace(ROUTINE, "# Så går det till", "# Så går det numera till");
    server.wait_for(ROUTINE_URL, Duration::from_secs(2), |r| {
        r.body.contains("numera")
    });
    let base = include_str!("../themes/default/templates/base.html");
    s.write(
        "themes/default/templates/base.html",
        base.replace("<body class=", "<body data-test=\"ny-mall\" class="),
    );
    server.wait_for("/", Duration::from_secs(2), |r| r.body.contains("ny-mall"));
    // A routine edit re-renders the routine's page (and the search page, whose subject
    // index lists the routine's headings), and only that routine's Markdown.
    server.wait_log("routine rebuild", |log| {
        log.lines().any(|l| {
            l.contains("Ombyggt efter ändring i content/testby/behorighet.md")
                && (l.contains(": 1 av 12 sidor och 1 av 2 rutiner omritade")
                    || l.contains(": 2 av 12 sidor och 1 av 2 rutiner omritade"))
        })
    });
    // A template edit re-renders every page but no Markdown. The watcher may see the new
    // themes/ folder or the file in it first.
    server.wait_log("template rebuild", |log| {
        log.lines().any(|l| {
            l.contains("Ombyggt efter ändring i themes")
                && l.contains(": 12 av 12 sidor och 0 av 2 rutiner omritade, mallarna omlästa")
        })
    });
}

#[test]
fn path_traversal_is_refused_and_the_server_keeps_answering() {
    let s = TestSite::copy("minimal");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("hemlig.md"),
        "HEMLIG-TEXT utanför portalen\n",
    )
    .unwrap();
    let server = Server::start(s.root(), &[]);
    // Clients normalise `..` away, so these go out raw.
    for (target, want) in [
        ("/../../../../etc/passwd", 400),
        ("/testby/../../etc/passwd", 400),
        ("/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 400),
        ("/.%2e/etc/passwd", 400),
        // Decoded once only: `%252e%252e` is the harmless name `%2e%2e`, which does not exist.
        ("/%252e%252e/%252e%252e/etc/passwd", 404),
        ("/..\\..\\etc\\passwd", 400),
        ("/..%5c..%5cetc%5cpasswd", 400),
        ("/testby%5c..%5c..%5cetc", 400),
        ("//etc/passwd", 400),
        ("/C:/Windows/win.ini", 400),
        ("/c:%5cwindows%5cwin.ini", 400),
        ("/index.html%00.txt", 400),
        ("/%zz", 400),
        ("http://127.0.0.1/etc/passwd", 400),
        ("etc/passwd", 400),
        ("*", 400),
    ] {
        let r = server
            .request(&format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"))
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(r.status, want, "{target}: {}", r.body);
        assert!(!r.body.contains("root:"), "{target}");
    }

    // A symlink in the sources that points outside the portal. The server serves only the
    // built files, from memory, never a path on disk, so a link cannot lead out of the
    // output; here the loader reads the linked file as a routine, finds no front matter
    // and reports it, and nothing of the file's text is served.
    std::os::unix::fs::symlink(
        outside.path().join("hemlig.md"),
        s.path("content/testby/hemlig.md"),
    )
    .unwrap();
    let (r, _) = server.wait_for("/testby/", Duration::from_secs(2), |r| {
        r.body.contains("lovportal-fel")
    });
    assert!(
        r.body.contains("content/testby/hemlig.md:1:1: fel:"),
        "{}",
        r.body
    );
    for path in [
        "/testby/hemlig/",
        "/testby/hemlig.md",
        "/content/testby/hemlig.md",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("HEMLIG-TEXT"), "{path}");
    }
    std::fs::remove_file(s.path("content/testby/hemlig.md")).unwrap();
    server.wait_for("/testby/", Duration::from_secs(2), |r| {
        !r.body.contains("lovportal-fel")
    });
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn malformed_oversized_and_truncated_requests_get_400_and_the_server_survives() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &[]);
    let garbage: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let mut huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Stor: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.extend_from_slice(b"\r\n\r\n");
    let mut garbage_head = garbage.clone();
    garbage_head.extend_from_slice(b"\r\n\r\n");
    let cases: Vec<(&str, Vec<u8>, bool, u16)> = vec![
        ("garbage bytes", garbage_head, false, 400),
        ("garbage then close", garbage.clone(), true, 400),
        ("1 MB header", huge, false, 400),
        (
            "truncated head",
            b"GET /testby/ HTTP/1.1\r\nHost: x\r\nAcc".to_vec(),
            true,
            400,
        ),
        ("no version", b"GET /\r\n\r\n".to_vec(), false, 400),
        ("HTTP/2", b"GET / HTTP/2.0\r\n\r\n".to_vec(), false, 400),
        (
            "space in target",
            b"GET /a b HTTP/1.1\r\n\r\n".to_vec(),
            false,
            400,
        ),
        (
            "bad header",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(),
            false,
            400,
        ),
        (
            "NUL in header",
            b"GET / HTTP/1.1\r\nX: a\0b\r\n\r\n".to_vec(),
            false,
            400,
        ),
        (
            "POST",
            b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n".to_vec(),
            false,
            405,
        ),
        ("HTTP/1.0", b"GET / HTTP/1.0\r\n\r\n".to_vec(), false, 200),
    ];
    for (name, bytes, close, want) in cases {
        let r = server
            .raw(&bytes, close)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.status, want, "{name}: {}", r.body);
        assert_eq!(server.get("/").status, 200, "after {name}");
    }

    // Clients that hang up mid-response or before it: big files, event streams.
    for path in ["/data/index.json", "/testby/", "/__lovportal/events"] {
        for _ in 0..10 {
            use std::io::{Read, Write};
            let mut c = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            c.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .unwrap();
            let mut few = [0u8; 16];
            let _ = c.read(&mut few);
            drop(c);
        }
    }
    // A client that connects and says nothing does not block the others.
    let _silent = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.get("/testby/").status, 200);
}

#[test]
fn content_types_directories_head_and_not_found() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &[]);
    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/testby/", "text/html; charset=utf-8"),
        ("/testby/checklista/", "text/html; charset=utf-8"),
        ("/testby/kalender.ics", "text/calendar; charset=utf-8"),
        ("/static/js/tid.js", "text/javascript; charset=utf-8"),
        ("/static/css/style.css", "text/css; charset=utf-8"),
        ("/data/index.json", "application/json"),
        ("/data/testby.json", "application/json"),
        ("/__lovportal/reload.js", "text/javascript; charset=utf-8"),
        ("/__lovportal/reload.css", "text/css; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    // The search page is reached with a query string.
    assert_eq!(server.get("/sok/?q=treserva").status, 200);
    let r = server.get("/testby");
    assert_eq!((r.status, r.header("location")), (301, Some("/testby/")));
    let r = server.get("/finns-inte/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<html"), "the site's 404 page");
    let r = server
        .request("HEAD /testby/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    assert_eq!(len, server.get("/testby/").body.len());
}

#[test]
fn base_path_is_honoured() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &["--base-path", "/portal/"]);
    let r = server.get("/portal/testby/");
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("href=\"/portal/system/treserva/\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("src=\"/portal/__lovportal/reload.js\" data-base=\"/portal/\"")
    );
    assert_eq!(server.get("/portal/__lovportal/reload.js").status, 200);
    assert_eq!(server.get("/portal/static/js/tid.js").status, 200);
    let r = server.get("/");
    assert_eq!((r.status, r.header("location")), (301, Some("/portal/")));
    let r = server.get("/portal");
    assert_eq!((r.status, r.header("location")), (301, Some("/portal/")));
    assert_eq!(server.get("/testby/").status, 404);
}

#[test]
fn listens_on_loopback_unless_bind_is_given_and_then_warns() {
    let s = TestSite::copy("minimal");
    let server = Server::start(s.root(), &[]);
    assert!(server.log().contains("Servern kör på http://127.0.0.1:"));
    assert!(!server.log().contains("varning: servern lyssnar"));
    drop(server);
    let server = Server::start(s.root(), &["--bind", "0.0.0.0"]);
    assert!(
        server.log().contains("varning: servern lyssnar på 0.0.0.0"),
        "{}",
        server.log()
    );
    assert_eq!(server.get("/").status, 200);
    drop(server);
    let r = site::lovportal(&[
        "serve".into(),
        "--root".into(),
        s.root().display().to_string(),
        "--port".into(),
        "0".into(),
        "--bind".into(),
        "nonsense".into(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn the_first_build_failing_still_serves_the_errors_and_recovers() {
    let s = TestSite::copy("minimal");
    s.replace(KOMMUN, "name: Testby", "name: [Testby");
    let server = Server::start(s.root(), &[]);
    let r = server.get("/testby/");
    assert_eq!(r.status, 503);
    assert!(
        r.body.contains("data/kommuner/testby.yaml:1:7: fel:"),
        "{}",
        r.body
    );
    assert!(r.body.contains("reload.js"));
    s.replace(KOMMUN, "name: [Testby", "name: Testby");
    server.wait_for("/testby/", Duration::from_secs(2), |r| r.status == 200);
}

#[test]
fn build_output_never_contains_the_live_reload_script() {
    let s = TestSite::copy("minimal");
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (path, bytes) in site::tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__lovportal"), "{path}");
        assert!(!text.contains("reload.js"), "{path}");
    }
}
