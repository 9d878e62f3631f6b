//! Proves the browser test harness (`tests/support/browser.rs`) on the tiny fixture
//! `tests/fixtures/static-smoke/`: each option really changes what the page sees, and the
//! axe and vnu helpers both pass good pages and catch bad ones.

#[path = "support/browser.rs"]
mod browser;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use browser::{Driver, SessionOptions};
use fantoccini::{Client, Locator};
use serde_json::Value;

const FIXTURE: &str = "static-smoke";

/// The text of the element matching `css`.
async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Evaluates `expr` in the page and returns its value.
async fn eval(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return {expr};"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// The fixture served at `http://127.0.0.1:<port>/portal/`.
fn portal_url() -> String {
    let port = browser::serve(&browser::fixture(FIXTURE), "/portal/");
    format!("http://127.0.0.1:{port}/portal/")
}

#[tokio::test]
async fn local_storage_survives_reload_over_http_under_sub_path() {
    let driver = Driver::start();
    let url = portal_url();
    let c = driver.session().await;
    c.goto(&url).await.unwrap();
    assert_eq!(text(&c, "#state").await, "stored=none", "fresh profile");
    c.find(Locator::Css("#btn"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.refresh().await.unwrap();
    assert_eq!(text(&c, "#state").await, "stored=v1", "after reload");
    // The relative links resolved under /portal/: the stylesheet applied.
    let margin = eval(&c, "getComputedStyle(document.body).marginTop").await;
    assert_eq!(margin, "16px", "style.css was served under /portal/");
    c.close().await.unwrap();
}

#[tokio::test]
async fn javascript_disabled_really_disables_javascript() {
    let driver = Driver::start();
    let url = portal_url();

    let on = driver.session().await;
    on.goto(&url).await.unwrap();
    assert_eq!(text(&on, "#js").await, "JavaScript: på", "control: JS on");
    on.close().await.unwrap();

    let off = driver
        .session_with(&SessionOptions {
            javascript: false,
            ..SessionOptions::default()
        })
        .await;
    off.goto(&url).await.unwrap();
    assert_eq!(text(&off, "#js").await, "JavaScript: av", "JS off");
    assert_eq!(text(&off, "#state").await, "stored=?", "JS off");
    off.close().await.unwrap();
}

#[tokio::test]
async fn dark_mode_matches_prefers_color_scheme_dark() {
    let driver = Driver::start();
    let url = portal_url();
    let query = "matchMedia('(prefers-color-scheme: dark)').matches";

    let light = driver.session().await;
    light.goto(&url).await.unwrap();
    assert_eq!(
        eval(&light, query).await,
        false,
        "control: light by default"
    );
    light.close().await.unwrap();

    let dark = driver
        .session_with(&SessionOptions {
            dark: true,
            ..SessionOptions::default()
        })
        .await;
    dark.goto(&url).await.unwrap();
    assert_eq!(eval(&dark, query).await, true, "dark session");
    dark.close().await.unwrap();
}

#[tokio::test]
async fn time_zone_is_honoured() {
    let driver = Driver::start();
    let url = portal_url();
    let query = "Intl.DateTimeFormat().resolvedOptions().timeZone";
    for tz in ["America/New_York", "Europe/Stockholm"] {
        let c = driver
            .session_with(&SessionOptions {
                time_zone: Some(tz.into()),
                ..SessionOptions::default()
            })
            .await;
        c.goto(&url).await.unwrap();
        assert_eq!(eval(&c, query).await, tz);
        c.close().await.unwrap();
    }
}

#[tokio::test]
async fn window_size_sets_the_viewport_width() {
    let driver = Driver::start();
    let url = portal_url();
    for (opts, width) in [
        (SessionOptions::phone(), 360),
        (SessionOptions::default(), 1280),
    ] {
        let c = driver.session_with(&opts).await;
        c.goto(&url).await.unwrap();
        assert_eq!(eval(&c, "innerWidth").await, width, "{opts:?}");
        let phone = eval(&c, "matchMedia('(max-width: 400px)').matches").await;
        assert_eq!(phone, width <= 400, "{opts:?}");
        c.close().await.unwrap();
    }
}

#[tokio::test]
async fn axe_passes_the_good_page_and_flags_a_bad_one() {
    let driver = Driver::start();
    let url = portal_url();
    let c = driver.session().await;

    c.goto(&url).await.unwrap();
    assert_eq!(browser::axe(&c).await, Vec::<String>::new(), "good page");

    let bad = "data:text/html;charset=utf-8,<!DOCTYPE html><html lang=\"sv\"><head>\
               <title>Dålig</title></head><body><main><h1>Dålig</h1>\
               <img src=\"x.png\"></main></body></html>";
    c.goto(bad).await.unwrap();
    let violations = browser::axe(&c).await;
    assert!(
        violations.iter().any(|v| v.starts_with("image-alt:")),
        "an <img> without alt must be flagged, got {violations:?}"
    );
    c.close().await.unwrap();
}

#[test]
fn vnu_passes_the_fixture_and_fails_an_invalid_page() {
    browser::vnu(&browser::fixture(FIXTURE)).expect("fixture is valid HTML");

    let dir = browser::temp_dir();
    std::fs::write(
        dir.path().join("invalid.html"),
        "<!DOCTYPE html><html lang=\"sv\"><head><title>Fel</title></head>\
         <body><ul><p>stycke i lista</p></ul></div></body></html>",
    )
    .unwrap();
    let err = browser::vnu(dir.path()).expect_err("invalid page must fail");
    assert!(err.contains("invalid.html"), "vnu names the file: {err}");
}

/// Sends one raw request to the static server and returns (status line, headers+body).
fn raw_get(port: u16, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    // The server keeps the connection open; read until the body is complete.
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if body.len() >= len {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (status, rest) = text.split_once("\r\n").unwrap_or((&text, ""));
    (status.to_string(), rest.to_string())
}

#[test]
fn static_server_serves_under_prefix_with_content_types() {
    let dir = browser::temp_dir();
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).unwrap();
    for (name, body) in [
        ("index.html", "<p>hem</p>"),
        ("sub/index.html", "<p>sub</p>"),
        ("a.css", "p{}"),
        ("a.js", "1"),
        ("a.json", "{}"),
        ("a.svg", "<svg/>"),
        ("a.ics", "BEGIN:VCALENDAR"),
        ("a.png", "png"),
    ] {
        std::fs::write(root.join(name), body).unwrap();
    }
    let port = browser::serve(root, "/portal/");

    let ok = |path: &str, ctype: &str| {
        let (status, rest) = raw_get(port, path);
        assert_eq!(status, "HTTP/1.1 200 OK", "{path}");
        assert!(
            rest.contains(&format!("Content-Type: {ctype}")),
            "{path}: {rest}"
        );
        rest
    };
    assert!(ok("/portal/", "text/html").ends_with("<p>hem</p>"));
    assert!(ok("/portal/sub/", "text/html").ends_with("<p>sub</p>"));
    assert!(ok("/portal/sub/index.html?x=1", "text/html").ends_with("<p>sub</p>"));
    ok("/portal/a.css", "text/css");
    ok("/portal/a.js", "text/javascript");
    ok("/portal/a.json", "application/json");
    ok("/portal/a.svg", "image/svg+xml");
    ok("/portal/a.ics", "text/calendar");
    ok("/portal/a.png", "image/png");

    let status = |path: &str| raw_get(port, path).0;
    assert_eq!(status("/portal"), "HTTP/1.1 301 Moved Permanently");
    assert_eq!(status("/portal/sub"), "HTTP/1.1 301 Moved Permanently");
    assert_eq!(status("/portal/missing.html"), "HTTP/1.1 404 Not Found");
    assert_eq!(
        status("/index.html"),
        "HTTP/1.1 404 Not Found",
        "outside prefix"
    );
    assert_eq!(status("/a.css"), "HTTP/1.1 404 Not Found", "outside prefix");
    for evil in [
        "/portal/../secret-outside.txt",
        "/portal/%2e%2e/secret-outside.txt",
        "/portal/sub/../../secret-outside.txt",
    ] {
        assert_eq!(status(evil), "HTTP/1.1 403 Forbidden", "{evil}");
    }
}
