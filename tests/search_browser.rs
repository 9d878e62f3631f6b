//! Search in headless Chromium on the minimal fixture, over http under a sub-path and
//! opened from disk (without --allow-file-access-from-files, as a visitor's browser).

#[path = "support/browser.rs"]
mod browser;
#[path = "support/site.rs"]
mod site;

use browser::{Driver, SessionOptions};
use fantoccini::{Client, Locator};
use serde_json::Value;

/// Titles of the results shown for the page's current query, once the count appears.
async fn results(c: &Client) -> (String, Vec<String>) {
    for _ in 0..100 {
        let v: Value = c
            .execute(
                "const r = document.getElementById('sok-resultat');
                 return [r.textContent, Array.from(r.querySelectorAll('a')).map(a => a.textContent.trim() + ' @ ' + a.getAttribute('href'))];",
                vec![],
            )
            .await
            .unwrap();
        let text = v[0].as_str().unwrap_or("").to_string();
        if text.contains("träff") {
            let links = v[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            return (text, links);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no results appeared");
}

async fn check_queries(c: &Client, base: &str, suffix: &str) {
    let cases = [
        ("yubikey", "Inloggning och lösenord"),
        ("Yubikey", "Inloggning och lösenord"),
        ("behörighet", "Beställ"),
        ("behorighet", "Beställ"),
        ("lösenord", "Inloggning och lösenord"),
        ("losenord", "Inloggning och lösenord"),
        ("SITHS", "Inloggning och lösenord"),
        ("kort", "Inloggning och lösenord"),
        ("driftstopp", "Inloggning och lösenord"),
    ];
    for (q, first) in cases {
        c.goto(&format!("{base}sok/{suffix}?q={q}")).await.unwrap();
        let (text, links) = results(c).await;
        assert!(!links.is_empty(), "{q}: {text}");
        assert!(
            links[0].starts_with(first),
            "{q}: first result {:?}, expected {first:?}\n{links:?}",
            links[0]
        );
        assert!(text.contains("träff"), "{q}: {text}");
    }
    // "ansökan" is a word of its own elsewhere, and a part of "behörighetsansökan" here.
    c.goto(&format!("{base}sok/{suffix}?q=ansökan"))
        .await
        .unwrap();
    let (text, links) = results(c).await;
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("Inloggning och lösenord")),
        "ansökan: {text} {links:?}"
    );
    c.goto(&format!("{base}sok/{suffix}?q=xyzzyplugh"))
        .await
        .unwrap();
    let (text, links) = results(c).await;
    assert!(text.contains("Inga träffar för ”xyzzyplugh”"), "{text}");
    assert!(links.is_empty());
    // The result link leads to the page, and the heading's section.
    c.goto(&format!("{base}sok/{suffix}?q=yubikey"))
        .await
        .unwrap();
    let (_, links) = results(c).await;
    assert!(
        links[0].contains("testby/inloggning/") && links[0].contains("#yubikey-som-alternativ"),
        "{links:?}"
    );
}

#[tokio::test]
async fn swedish_search_works_over_http_under_a_sub_path_and_from_disk() {
    let s = site::TestSite::copy("minimal");
    let out = tempfile::tempdir().unwrap();
    let (rel, sub) = (out.path().join("rel"), out.path().join("sub"));
    assert_eq!(s.build(&rel, &[]).code, 0);
    assert_eq!(s.build(&sub, &["--base-path", "/portal/"]).code, 0);
    let driver = Driver::start();
    let c = driver.session_with(&SessionOptions::default()).await;

    let port = browser::serve(&sub, "/portal/");
    check_queries(&c, &format!("http://127.0.0.1:{port}/portal/"), "").await;
    check_queries(&c, &format!("file://{}/", rel.display()), "index.html").await;

    // The municipality filter: a kommun that does not exist in the results gives none,
    // the right one keeps them.
    c.goto(&format!(
        "http://127.0.0.1:{port}/portal/sok/?q=treserva&kommun=testby"
    ))
    .await
    .unwrap();
    let (text, links) = results(&c).await;
    assert!(!links.is_empty(), "{text}");
    assert!(
        links.iter().all(|l| l.contains("/portal/testby/")),
        "{links:?}"
    );
    c.goto(&format!(
        "http://127.0.0.1:{port}/portal/sok/?q=behörighet&typ=routine"
    ))
    .await
    .unwrap();
    let (_, links) = results(&c).await;
    assert!(
        links
            .iter()
            .all(|l| l.contains("/portal/testby/behorighet/")
                || l.contains("/portal/testby/inloggning/")),
        "{links:?}"
    );

    // Typing in the box searches as the user types (prefix), and the URL follows.
    c.goto(&format!("http://127.0.0.1:{port}/portal/sok/"))
        .await
        .unwrap();
    c.find(Locator::Css("#sok-q"))
        .await
        .unwrap()
        .send_keys("yubik")
        .await
        .unwrap();
    let (_, links) = results(&c).await;
    assert!(links[0].starts_with("Inloggning och lösenord"), "{links:?}");
    c.close().await.unwrap();

    // Without JavaScript the search page shows the A–Ö subject index instead.
    let c = driver
        .session_with(&SessionOptions {
            javascript: false,
            ..SessionOptions::default()
        })
        .await;
    c.goto(&format!(
        "file://{}/sok/index.html?q=yubikey",
        rel.display()
    ))
    .await
    .unwrap();
    let text = c
        .find(Locator::Css(".subject-index"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Ämnesregister") && text.contains("Yubikey"),
        "{text}"
    );
    c.close().await.unwrap();
}
