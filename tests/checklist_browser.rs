//! The checklist in headless Chromium: the browser planner gives the same dated plan as
//! the build, ticks survive a reload, export → import restores progress in a fresh
//! profile, reset clears it, and the page works opened from disk.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/site.rs"]
mod site;

use browser::{Driver, SessionOptions};
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Builds the minimal fixture once per test into a temp dir.
fn built() -> (tempfile::TempDir, PathBuf) {
    let s = site::TestSite::copy("minimal");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let r = s.build(&public, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (out, public)
}

async fn eval(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return {expr};"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// Visible steps and their due dates, as the page shows them.
async fn dues(c: &Client) -> BTreeMap<String, String> {
    let v = eval(
        c,
        "Array.from(document.querySelectorAll('.step')).filter(li => !li.hidden).map(li => [li.dataset.step, li.dataset.due || ''])",
    )
    .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn progress(c: &Client) -> String {
    c.find(Locator::Css("#checklista-framsteg"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn planner_in_the_browser_matches_the_build_and_progress_is_kept() {
    let (_keep, public) = built();
    let port = browser::serve(&public, "/");
    let driver = Driver::start();
    let c = driver.session().await;

    // The build computed the provider's dates (start 2027-02-01, hemtjänst).
    c.goto(&format!("http://127.0.0.1:{port}/utforare/omsorg-ab/"))
        .await
        .unwrap();
    let from_build = dues(&c).await;
    assert_eq!(
        from_build.get("bestall-chef").map(String::as_str),
        Some("2027-01-18")
    );
    assert!(!from_build.contains_key("lss-signering"));

    // The planner, given the same inputs in the URL, computes the same plan.
    c.goto(&format!(
        "http://127.0.0.1:{port}/testby/checklista/?start=2027-02-01&tjanster=hemtjanst"
    ))
    .await
    .unwrap();
    let from_browser = dues(&c).await;
    assert_eq!(from_browser, from_build);
    assert_eq!(
        eval(&c, "document.getElementById('start').value").await,
        "2027-02-01"
    );
    let status = c
        .find(Locator::Css("#planerare-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("måndag 1 februari 2027"), "{status}");

    // Another service set shows the LSS step too, dated 5 working days before start.
    c.goto(&format!("http://127.0.0.1:{port}/testby/checklista/?start=2027-02-01&tjanster=hemtjanst,daglig-verksamhet-lss")).await.unwrap();
    assert_eq!(
        dues(&c).await.get("lss-signering").map(String::as_str),
        Some("2027-01-25")
    );

    // Tick two steps; they survive a reload.
    c.goto(&format!("http://127.0.0.1:{port}/utforare/omsorg-ab/"))
        .await
        .unwrap();
    let total = from_build.len();
    assert_eq!(progress(&c).await, format!("0 av {total} klara"));
    c.find(Locator::Css("#klar-bestall-chef"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#klar-utbildning"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(progress(&c).await, format!("2 av {total} klara"));
    c.refresh().await.unwrap();
    assert_eq!(progress(&c).await, format!("2 av {total} klara"));
    assert_eq!(
        eval(&c, "document.getElementById('klar-utbildning').checked").await,
        true
    );

    // Export: capture the file the button offers.
    let exported = eval(
        &c,
        "(function(){ let href = null; const orig = HTMLAnchorElement.prototype.click;
            HTMLAnchorElement.prototype.click = function(){ href = this.href; };
            document.getElementById('checklista-exportera').click();
            HTMLAnchorElement.prototype.click = orig;
            return decodeURIComponent(href.split(',')[1]); })()",
    )
    .await;
    let exported = exported.as_str().unwrap().to_string();
    let parsed: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        parsed["done"],
        serde_json::json!(["bestall-chef", "utbildning"])
    );

    // Reset clears.
    c.find(Locator::Css("#checklista-nollstall"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(progress(&c).await, format!("0 av {total} klara"));
    c.refresh().await.unwrap();
    assert_eq!(progress(&c).await, format!("0 av {total} klara"));
    c.close().await.unwrap();

    // Import into a fresh profile restores the ticks.
    let file = public.join("export.json");
    std::fs::write(&file, &exported).unwrap();
    let c = driver.session().await;
    c.goto(&format!("http://127.0.0.1:{port}/utforare/omsorg-ab/"))
        .await
        .unwrap();
    assert_eq!(progress(&c).await, format!("0 av {total} klara"));
    c.find(Locator::Css("#checklista-importera"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    let mut ok = false;
    for _ in 0..50 {
        if progress(&c)
            .await
            .starts_with(&format!("2 av {total} klara"))
        {
            ok = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        ok,
        "import did not restore progress: {}",
        progress(&c).await
    );
    c.refresh().await.unwrap();
    assert_eq!(progress(&c).await, format!("2 av {total} klara"));
    c.close().await.unwrap();
}

#[tokio::test]
async fn checklist_works_from_disk_and_flags_overdue_steps() {
    let (_keep, public) = built();
    let driver = Driver::start();
    // No --allow-file-access-from-files: a visitor's browser does not have it.
    let c = driver.session_with(&SessionOptions::default()).await;
    let url = format!(
        "file://{}/testby/checklista/index.html?start=2026-11-30&tjanster=hemtjanst",
        public.display()
    );
    c.goto(&url).await.unwrap();
    let d = dues(&c).await;
    // 10 working days before Monday 2026-11-30 is Monday 2026-11-16: already past.
    assert_eq!(
        d.get("bestall-chef").map(String::as_str),
        Some("2026-11-16")
    );
    let flagged = eval(&c, "document.querySelector('#steg-bestall-chef .due-flag') && document.querySelector('#steg-bestall-chef .due-flag').textContent").await;
    if eval(&c, "new Date().toISOString().slice(0,10) > '2026-11-16'").await == Value::Bool(true) {
        assert_eq!(
            flagged, "Försenad",
            "overdue has a text label, not colour alone"
        );
    }
    c.find(Locator::Css("#klar-bestall-chef"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(progress(&c).await.starts_with("1 av "));
    c.close().await.unwrap();

    // Without JavaScript the list is complete, in order, with relative deadlines.
    let c = driver
        .session_with(&SessionOptions {
            javascript: false,
            ..SessionOptions::default()
        })
        .await;
    c.goto(&format!(
        "file://{}/testby/checklista/index.html",
        public.display()
    ))
    .await
    .unwrap();
    let text = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Senast 10 arbetsdagar före driftstart"),
        "{text}"
    );
    assert!(
        text.contains("Senast 3 arbetsdagar efter steget ”Beställ chefens behörighet”"),
        "{text}"
    );
    assert!(
        text.find("Beställ chefens behörighet").unwrap()
            < text.find("Gå webbutbildningen").unwrap()
    );
    assert_eq!(
        eval(&c, "document.getElementById('planerare').hidden").await,
        true,
        "the planner needs JS and stays hidden"
    );
    c.close().await.unwrap();
}
