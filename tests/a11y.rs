//! Accessibility of the default theme on the bundled demo site: axe-core (WCAG 2.0/2.1
//! A and AA) on every page type in light, dark and phone modes, the Nu Html Checker over
//! the whole output, core content with JavaScript off, no horizontal scrolling at 320 px,
//! and the static rules of the theme (lang, titles, landmarks, CSP, deferred same-origin
//! scripts, no inline styles).

#[path = "support/browser.rs"]
mod browser;
#[path = "support/bundled.rs"]
mod bundled;

use browser::{Driver, SessionOptions};
use bundled::PAGE_TYPES;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// The search page asks for results when the search client exists in the output
/// (`static/js/sok.js`); without it the page is checked without results.
fn search_has_client() -> bool {
    bundled::site().join("static/js/sok.js").is_file()
}

/// The URL of each page type on a server for the bundled site.
fn page_urls(port: u16) -> Vec<(&'static str, String)> {
    PAGE_TYPES
        .iter()
        .map(|(kind, path)| {
            let path = if *kind == "search" && search_has_client() {
                "sok/?q=treserva"
            } else {
                path
            };
            (*kind, format!("http://127.0.0.1:{port}/{path}"))
        })
        .collect()
}

async fn eval(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return {expr};"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// Loads each page type in a session set up as `opts` and runs axe on it; panics with
/// every violation found.
async fn axe_all(opts: SessionOptions, mode: &str) {
    let site = bundled::site();
    let port = browser::serve(site, "/");
    let driver = Driver::start();
    let c = driver.session_with(&opts).await;
    let mut failures = Vec::new();
    for (kind, url) in page_urls(port) {
        c.goto(&url).await.unwrap();
        if kind == "search" && search_has_client() {
            // Wait for the client to show results before checking them.
            let shown = c
                .wait()
                .at_most(std::time::Duration::from_secs(10))
                .for_element(Locator::Css("#sok-resultat a"))
                .await;
            assert!(shown.is_ok(), "{mode}: no search results for ?q=treserva");
        }
        for v in browser::axe(&c).await {
            failures.push(format!("{mode} {kind} ({url}): {v}"));
        }
    }
    c.close().await.unwrap();
    if !search_has_client() {
        eprintln!("note: static/js/sok.js is not in the output; search checked without results");
    }
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn axe_finds_no_violations_light_desktop() {
    axe_all(SessionOptions::default(), "light 1280").await;
}

#[tokio::test]
async fn axe_finds_no_violations_dark_desktop() {
    let opts = SessionOptions {
        dark: true,
        ..SessionOptions::default()
    };
    axe_all(opts, "dark 1280").await;
}

#[tokio::test]
async fn axe_finds_no_violations_light_phone() {
    axe_all(SessionOptions::phone(), "light 360").await;
}

#[test]
fn nu_html_checker_finds_no_errors_in_the_output() {
    if let Err(e) = browser::vnu(bundled::site()) {
        panic!("vnu errors:\n{e}");
    }
}

/// Every page at 320 px (the narrowest width WCAG 1.4.10 asks for) and at 360 px lays
/// out without horizontal scrolling, with and without JavaScript's changes.
#[tokio::test]
async fn no_horizontal_scrolling_at_320_and_360_px() {
    let site = bundled::site();
    let port = browser::serve(site, "/");
    let driver = Driver::start();
    let mut failures = Vec::new();
    for width in [320, 360] {
        let opts = SessionOptions {
            window: (width, 800),
            ..SessionOptions::default()
        };
        let c = driver.session_with(&opts).await;
        for page in bundled::html_pages(site) {
            c.goto(&format!("http://127.0.0.1:{port}/{page}"))
                .await
                .unwrap();
            let v = eval(
                &c,
                &format!(
                    "[innerWidth, document.documentElement.scrollWidth, \
                     [...document.querySelectorAll('body *')].filter(e => {{ \
                       const r = e.getBoundingClientRect(); \
                       return r.width > 0 && r.right > {width}.5 && !e.closest('.table-wrap'); \
                     }}).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + \
                       e.textContent.slice(0, 40))]"
                ),
            )
            .await;
            if v[0] != width || v[1].as_u64() > Some(u64::from(width)) {
                failures.push(format!(
                    "{width}px {page}: innerWidth {}, scrollWidth {}, too wide: {}",
                    v[0], v[1], v[2]
                ));
            }
        }
        c.close().await.unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The text of every element matching `css`.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

/// With JavaScript disabled each page type still shows its core content: the weekly
/// hours and the holiday rule instead of the live status line, the maintenance windows
/// with the next one marked, checklists, routines, forms and the statement.
#[tokio::test]
async fn core_content_works_without_javascript() {
    let site = bundled::site();
    let port = browser::serve(site, "/");
    let driver = Driver::start();
    let c = driver
        .session_with(&SessionOptions {
            javascript: false,
            ..SessionOptions::default()
        })
        .await;
    let url = |p: &str| format!("http://127.0.0.1:{port}/{p}");
    // Control: scripts really do not run (tid.js would define window.lovportal).
    c.goto(&url("molndal/")).await.unwrap();
    assert_eq!(eval(&c, "typeof window.lovportal").await, "undefined");

    // Municipality: contacts with their weekly table and holiday rule; the status line
    // is empty and takes no space; maintenance windows with "Nästa" on the first.
    let tables = texts(&c, ".contact .hours-table").await;
    assert!(!tables.is_empty(), "hours tables");
    assert!(
        tables[0].contains("måndag") && tables[0].contains("07.00"),
        "{tables:?}"
    );
    let rules = texts(&c, ".contact .holiday-rule").await;
    assert_eq!(rules.len(), tables.len());
    assert!(
        rules[0].starts_with("Stängt på allmänna helgdagar"),
        "{rules:?}"
    );
    assert!(rules[0].contains("julafton"), "{rules:?}");
    let status_shown = eval(
        &c,
        "[...document.querySelectorAll('.lp-status')].some(e => e.offsetHeight > 0)",
    )
    .await;
    assert_eq!(status_shown, false, "an empty status line is hidden");
    for id in ["rutiner", "system", "kontakter", "e-tjanster"] {
        assert_eq!(texts(&c, &format!("h2#{id}")).await.len(), 1, "#{id}");
    }
    // Kävlinge has a monthly maintenance window: a year of occurrences, the first marked.
    c.goto(&url("kavlinge/")).await.unwrap();
    let occ = texts(&c, ".occurrences li").await;
    assert_eq!(occ.len(), 12, "a year of maintenance windows: {occ:?}");
    assert!(occ[0].ends_with("Nästa"), "{occ:?}");
    assert!(
        occ[0].starts_with("onsdag 25 november 2026 kl. 12.00–14.30"),
        "{occ:?}"
    );
    assert_eq!(texts(&c, ".occurrences .lp-next").await.len(), 1);

    // System page: which municipalities use it and the next maintenance windows.
    c.goto(&url("system/lifecare-utforare/")).await.unwrap();
    assert!(!texts(&c, "#kommuner + ul .card").await.is_empty());
    let occ = texts(&c, ".occurrences li").await;
    assert!(!occ.is_empty(), "system page lists maintenance occurrences");
    assert!(occ[0].ends_with("Nästa"), "{occ:?}");

    // Routine: metadata and body.
    c.goto(&url("molndal/inloggning/")).await.unwrap();
    assert_eq!(texts(&c, "h1").await, ["Behörighet och inloggning"]);
    assert!(!texts(&c, ".doc-meta dt").await.is_empty());
    let body = texts(&c, ".prose").await.join("");
    assert!(body.len() > 200, "routine body: {body}");

    // Checklist and provider plan: every step with its deadline.
    c.goto(&url("molndal/checklista/")).await.unwrap();
    assert!(texts(&c, ".step h3").await.len() >= 5);
    c.goto(&url("utforare/vardhjalpen-exempel/")).await.unwrap();
    let due = texts(&c, ".step time").await;
    assert!(!due.is_empty(), "dated steps");
    assert!(due.iter().all(|d| d.contains("20")), "{due:?}");

    // Search: the form submits without script; the subject index is plain links.
    c.goto(&url("sok/")).await.unwrap();
    for id in ["sok-q", "sok-kommun", "sok-typ", "sok-resultat"] {
        assert_eq!(texts(&c, &format!("#{id}")).await.len(), 1, "#{id}");
    }
    assert_eq!(
        eval(&c, "document.getElementById('sok-form').method").await,
        "get"
    );

    // Home, 404, accessibility statement.
    c.goto(&url("")).await.unwrap();
    assert_eq!(texts(&c, ".municipalities .card h3 a").await.len(), 5);
    c.goto(&url("404.html")).await.unwrap();
    assert_eq!(texts(&c, "h1").await, ["Sidan finns inte"]);
    c.goto(&url("tillganglighet/")).await.unwrap();
    let statement = texts(&c, "main").await.join("");
    for needle in [
        "tillganglighet@exempel.se",
        "Digg",
        "WCAG 2.1",
        "Kända brister",
    ] {
        assert!(statement.contains(needle), "{needle}: {statement}");
    }
    c.close().await.unwrap();
}

/// The value of attribute `name` in an HTML start tag `tag` (the text between `<` and
/// `>`), if present.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    Some(&tag[i..i + tag[i..].find('"')?])
}

/// Every start tag `<name ...>` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if after.starts_with([' ', '>', '\n']) {
            let end = after.find('>').unwrap_or(after.len());
            out.push(&rest[i..i + open.len() + end + 1]);
        }
        rest = after;
    }
    out
}

/// The theme's rules that need no browser, on every page of the output.
#[test]
fn every_page_has_lang_title_landmarks_csp_and_only_deferred_local_scripts() {
    let site = bundled::site();
    let pages = bundled::html_pages(site);
    assert!(pages.len() > 40, "{pages:?}");
    for page in &pages {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        let ctx = |what: &str| format!("{page}: {what}");
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"sv\""),
            "{}",
            ctx("lang")
        );
        let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
        assert!(
            title.ends_with(" – LOV-portalen") || title == "LOV-portalen",
            "{}",
            ctx(title)
        );
        for landmark in ["<header", "<nav", "<main", "<footer"] {
            assert!(html.contains(landmark), "{}", ctx(landmark));
        }
        // The skip link is the first thing in the body and points at <main>.
        let body = &html[html.find("<body").unwrap()..];
        let first_link = tags(body, "a")[0];
        assert_eq!(
            attr(first_link, "href"),
            Some("#innehall"),
            "{}",
            ctx("skip link")
        );
        assert!(html.contains("<main id=\"innehall\""), "{}", ctx("main id"));

        let csp = tags(&html, "meta")
            .into_iter()
            .find(|m| attr(m, "http-equiv") == Some("Content-Security-Policy"))
            .and_then(|m| attr(m, "content"))
            .unwrap_or_else(|| panic!("{}", ctx("no CSP meta")));
        for rule in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(rule), "{}", ctx(rule));
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("http"),
            "{}",
            ctx(csp)
        );

        for s in tags(&html, "script") {
            let src = attr(s, "src").unwrap_or_else(|| panic!("{}", ctx("inline script")));
            assert!(s.contains(" defer"), "{}", ctx(s));
            assert!(!src.contains("//") && !src.starts_with('/'), "{}", ctx(src));
        }
        assert!(!html.contains(" style=\""), "{}", ctx("inline style"));
        assert!(!html.contains("<style"), "{}", ctx("style element"));
        for l in tags(&html, "link") {
            let href = attr(l, "href").unwrap_or("");
            assert!(
                !href.contains("//"),
                "{}",
                ctx("external stylesheet or font")
            );
        }
        for i in tags(&html, "img") {
            assert!(attr(i, "alt").is_some_and(|a| !a.is_empty()), "{}", ctx(i));
            assert!(!attr(i, "src").unwrap_or("").contains("//"), "{}", ctx(i));
        }
    }
    // Titles name the page, then its municipality, then the portal.
    let title = |p: &str| {
        let html = std::fs::read_to_string(site.join(p)).unwrap();
        html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()].to_string()
    };
    assert_eq!(
        title("molndal/inloggning/index.html"),
        "Behörighet och inloggning – Mölndal – LOV-portalen"
    );
    assert_eq!(
        title("molndal/checklista/index.html"),
        "Checklista – Mölndal – LOV-portalen"
    );
    assert_eq!(title("molndal/index.html"), "Mölndal – LOV-portalen");

    // The scripts themselves load nothing from elsewhere. (The search index files under
    // sok/ are data: their text may quote a web address from the content.)
    for js in bundled::files_ending(site, ".js")
        .into_iter()
        .filter(|p| !p.starts_with("sok/"))
    {
        let src = std::fs::read_to_string(site.join(&js)).unwrap();
        for bad in ["http://", "https://", "import(", "eval(", "new Function"] {
            assert!(!src.contains(bad), "{js}: {bad}");
        }
        assert!(src.len() < 40_000, "{js} is {} bytes", src.len());
    }
    for css in bundled::files_ending(site, ".css") {
        let src = std::fs::read_to_string(site.join(&css)).unwrap();
        assert!(
            !src.contains("@import") && !src.contains("url(http"),
            "{css}"
        );
        assert!(!src.contains("@font-face"), "{css}: no web fonts");
    }
}

/// The print stylesheet hides navigation, writes out link targets and is only used for
/// print; dark mode and reduced motion are handled in the main stylesheet.
#[test]
fn print_dark_and_reduced_motion_styles_are_wired_up() {
    let site = bundled::site();
    let html = std::fs::read_to_string(site.join("molndal/checklista/index.html")).unwrap();
    let print = tags(&html, "link")
        .into_iter()
        .find(|l| attr(l, "href").is_some_and(|h| h.ends_with("print.css")))
        .expect("print.css linked");
    assert_eq!(attr(print, "media"), Some("print"));
    let css = std::fs::read_to_string(site.join("static/css/print.css")).unwrap();
    for needle in [
        ".site-header",
        ".breadcrumb",
        ".site-footer",
        "nav",
        "attr(href)",
    ] {
        assert!(css.contains(needle), "print.css: {needle}");
    }
    let style = std::fs::read_to_string(site.join("static/css/style.css")).unwrap();
    assert!(style.contains("@media (prefers-color-scheme: dark)"));
    assert!(style.contains("@media (prefers-reduced-motion: reduce)"));
}

/// Printed, a checklist shows no navigation and writes out where links go.
#[tokio::test]
async fn print_media_hides_navigation_and_shows_link_targets() {
    let site = bundled::site();
    let port = browser::serve(site, "/");
    let driver = Driver::start();
    let c = driver.session().await;
    c.goto(&format!(
        "http://127.0.0.1:{port}/utforare/vardhjalpen-exempel/"
    ))
    .await
    .unwrap();
    // Emulate print by turning the print stylesheet on for screen.
    eval(
        &c,
        "(document.querySelector('link[media=print]').media = 'all', 0)",
    )
    .await;
    let hidden = eval(
        &c,
        "['.site-header', '.breadcrumb', '.site-footer', '.skip-link'].map(s => \
           getComputedStyle(document.querySelector(s)).display)",
    )
    .await;
    assert_eq!(hidden, serde_json::json!(["none", "none", "none", "none"]));
    let after = eval(
        &c,
        "getComputedStyle(document.querySelector('main a[href^=\"mailto:\"]'), '::after').content",
    )
    .await;
    assert!(
        after.as_str().is_some_and(|s| s.contains("mailto:")),
        "link target written out: {after}"
    );
    c.close().await.unwrap();
}
