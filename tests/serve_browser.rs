//! `lovportal serve` in headless Chromium: the open tab reloads by itself after an edit,
//! shows the error overlay (without reloading) while a rebuild fails, and drops it when
//! the file is fixed.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/server.rs"]
mod server;
#[path = "support/site.rs"]
mod site;

use fantoccini::Client;
use serde_json::Value;
use std::time::{Duration, Instant};

async fn eval(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return {expr};"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// Polls `expr` in the page until it is `true`, or panics after 5 s.
async fn until(c: &Client, expr: &str, what: &str, log: &server::Server) {
    let start = Instant::now();
    loop {
        // The page may be between two loads: an error here just means "not yet".
        if let Ok(Value::Bool(true)) = c.execute(&format!("return {expr};"), vec![]).await {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: `{expr}` not true within 5 s\n--- server log ---\n{}",
            log.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tab_reloads_itself_after_an_edit_and_shows_errors_in_an_overlay() {
    let s = site::TestSite::copy("minimal");
    let srv = server::Server::start(s.root(), &[]);
    let driver = browser::Driver::start();
    let c = driver.session().await;
    c.goto(&format!("http://127.0.0.1:{}/testby/behorighet/", srv.port))
        .await
        .unwrap();
    // Wait until the page is listening, then mark this page load.
    until(
        &c,
        "document.querySelector('script[src$=\"reload.js\"]') !== null",
        "script",
        &srv,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    eval(&c, "(window.__sammaSida = true)").await;

    // An edit: the tab reloads by itself (the mark is gone) and shows the new text.
    s.replace(
        "content/testby/behorighet.md",
        "# Så går det till",
        "# Så går det till nu",
    );
    until(
        &c,
        "window.__sammaSida === undefined && document.body.textContent.includes('Så går det till nu')",
        "reload after edit",
        &srv,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    eval(&c, "(window.__sammaSida = true)").await;

    // A broken file: the overlay appears in the same page (no reload), with the CLI's
    // message as text.
    s.replace("data/kommuner/testby.yaml", "name: Testby", "name: [Testby");
    until(
        &c,
        "document.getElementById('lovportal-fel') !== null",
        "overlay",
        &srv,
    )
    .await;
    assert_eq!(
        eval(&c, "window.__sammaSida === true").await,
        Value::Bool(true)
    );
    let text = eval(&c, "document.getElementById('lovportal-fel').textContent").await;
    let text = text.as_str().unwrap_or_default().to_string();
    assert!(
        text.contains("data/kommuner/testby.yaml:1:7: fel: name: fel typ av värde"),
        "{text}"
    );
    assert!(text.contains("tips: kontrollera värdet"), "{text}");
    assert!(
        text.contains("\"07.00-16.30\""),
        "escaped once, shown as text: {text}"
    );
    // The overlay is drawn, on top of the page.
    let shown = eval(
        &c,
        "getComputedStyle(document.getElementById('lovportal-fel')).position === 'fixed'",
    )
    .await;
    assert_eq!(shown, Value::Bool(true), "reload.css applies");

    // Fixed: the overlay goes, and the page is the current site again.
    s.replace("data/kommuner/testby.yaml", "name: [Testby", "name: Testby");
    until(
        &c,
        "window.__sammaSida === undefined && document.getElementById('lovportal-fel') === null \
         && document.body.textContent.includes('Så går det till nu')",
        "overlay gone after fix",
        &srv,
    )
    .await;
    c.close().await.unwrap();
}
