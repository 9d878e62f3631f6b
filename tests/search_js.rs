//! Runs the search client (`themes/default/static/js/sok.js`) under Node with a
//! minimal DOM shim (`tests/js/harness.js`) against an index built from a fixture
//! site, and checks that the client's text processing agrees with `search::text`.
//! Skipped (with a note) when `node` is not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lovportal::search::text::{normalize, stem, tokenize};
use lovportal::search::{IndexOptions, build_index_with, extract_docs};
use serde_json::{Value, json};

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_harness(site: &Path, page: &str, root: &str, cmds: &Value) -> Value {
    let mut child = Command::new("node")
        .arg(manifest().join("tests/js/harness.js"))
        .arg(site)
        .arg(page)
        .arg(root)
        .arg(manifest().join("themes/default/static/js/sok.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(cmds.to_string().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const PAGES: &[(&str, &str)] = &[
    (
        "molndal/behorighet/",
        r#"<main data-search-municipality="molndal|Mölndal" data-search-kind="routine">
<h1>Behörighet i journalsystemet</h1>
<p>Så ansöker du om behörighet. Behörigheter beviljas av kommunen.</p>
<h2 id="ansokan">Behörighetsansökan</h2>
<p>Fyll i behörighetsansökan och skicka den till lösenordsadministratör.</p>
<h2 id="kort">SITHS-kort</h2>
<p>Du behöver ett SITHS-kort och en kortläsare. Beställ kortet i e-tjänsten.</p>
</main>"#,
    ),
    (
        "molndal/",
        r#"<main data-search-municipality="molndal|Mölndal" data-search-kind="municipality">
<h1>Mölndal</h1><p>Mölndals stad köper hemtjänst enligt LOV. Kontakta kommunen om du har frågor.</p>
<h2 id="kontakter">Kontakter</h2><p>Växel och support.</p></main>"#,
    ),
    (
        "harryda/losenord/",
        r#"<main data-search-municipality="harryda|Härryda" data-search-kind="routine">
<h1>Byt lösenord</h1>
<p>Lösenordet byts var nittionde dag. Kontakta lösenordsadministratören vid driftstopp.
Din administratör hjälper dig.</p>
<h2 id="ansokan">Ansökan</h2><p>Ansökan om nytt lösenord görs i e-tjänsten. Läs rutinerna.</p>
</main>"#,
    ),
    (
        "system/yubikey/",
        r#"<main data-search-kind="system"><h1>YubiKey</h1>
<p>En yubikey är en säkerhetsnyckel för tvåfaktorsinloggning. Rutin för driftstopp finns.</p>
</main>"#,
    ),
    (
        "system/losenord-utan-prickar/",
        r#"<main data-search-kind="system"><h1>Konton</h1>
<p>Skriv losenord utan prickar om tangentbordet saknar å, ä och ö.</p></main>"#,
    ),
];

fn fixture_site(dir: &Path) {
    fixture_site_with(dir, &IndexOptions::default());
}

fn fixture_site_with(dir: &Path, opts: &IndexOptions) {
    let docs: Vec<_> = PAGES
        .iter()
        .map(|(url, html)| extract_docs(html, url))
        .collect();
    for (path, bytes) in build_index_with(&docs, opts) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn query(q: &str) -> Value {
    json!({"q": q})
}

fn titles(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap().to_string())
        .collect()
}

fn marks(r: &Value) -> Vec<String> {
    r["results"][0]["excerpt"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["mark"] == true)
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect()
}

fn fixture_queries() -> Value {
    json!({"queries": [
        query("yubikey"),
        query("behörighet"),
        query("behorighet"),
        query("SITHS"),
        query("ansökan"),
        query("lösenord"),
        query("driftstopp"),
        query("behorihet"),
        query("rutinerna"),
        query("behörigheter"),
        {"q": "lösenord", "kommun": "molndal"},
        {"q": "driftstopp", "typ": "system"},
        query("xyzzy"),
        query("behörighetsan"),
        query("kortläsare"),
        query("siths-kort"),
        query("och"),
        query("lösenord yubikey"),
        query("ansökan behörighet"),
        query(""),
        {"q": "lösenord", "kommun": "finnsinte"},
    ]})
}

#[test]
fn client_queries_fixture_site() {
    if !node_available() {
        eprintln!("node not found: skipping the sok.js test");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    fixture_site(tmp.path());
    let out = run_harness(tmp.path(), "sok/index.html", "../", &fixture_queries());
    if std::env::var("SOK_DEBUG").is_ok() {
        for r in out["queries"].as_array().unwrap() {
            eprintln!(
                "{} total={} partial={} loaded={}",
                r["q"], r["total"], r["partial"], r["loaded"]
            );
            for x in r["results"].as_array().into_iter().flatten() {
                let ex: String = x["excerpt"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        if p["mark"] == true {
                            format!("[{}]", p["text"].as_str().unwrap())
                        } else {
                            p["text"].as_str().unwrap().to_string()
                        }
                    })
                    .collect();
                eprintln!(
                    "   {:.2} {} | {} | {}",
                    x["score"].as_f64().unwrap_or(0.0),
                    x["url"],
                    x["title"],
                    ex
                );
            }
        }
    }
    let q = |i: usize| &out["queries"][i];
    for (i, r) in out["queries"].as_array().unwrap().iter().enumerate() {
        assert!(r.get("error").is_none(), "query {i}: {}", r["error"]);
    }

    // yubikey: the title match first; link joined to the root.
    assert_eq!(titles(q(0))[0], "YubiKey");
    assert_eq!(q(0)["results"][0]["href"], "../system/yubikey/");
    assert_eq!(q(0)["results"][0]["kind"], "system");
    // behörighet, with and without diacritics.
    assert_eq!(titles(q(1))[0], "Behörighet i journalsystemet");
    assert_eq!(titles(q(2))[0], "Behörighet i journalsystemet");
    assert_eq!(q(1)["results"][0]["municipality"], "Mölndal");
    // SITHS: the section with the SITHS-kort heading, with its anchor.
    assert_eq!(q(3)["results"][0]["url"], "molndal/behorighet/#kort");
    assert_eq!(q(3)["results"][0]["href"], "../molndal/behorighet/#kort");
    assert_eq!(q(3)["results"][0]["heading"], "SITHS-kort");
    // ansökan: the whole word first, the compound part too.
    let t = titles(q(4));
    assert_eq!(t[0], "Byt lösenord");
    assert!(
        t.contains(&"Behörighet i journalsystemet".to_string()),
        "{t:?}"
    );
    // lösenord: exact spelling ranks above "losenord".
    let t = titles(q(5));
    assert_eq!(t[0], "Byt lösenord");
    assert!(t.contains(&"Konton".to_string()), "{t:?}");
    assert_eq!(q(5)["total"], 3, "{}", q(5));
    // driftstopp.
    let mut t = titles(q(6));
    t.sort();
    assert_eq!(t, ["Byt lösenord", "YubiKey"]);
    // One typo.
    assert_eq!(titles(q(7))[0], "Behörighet i journalsystemet");
    // Stemming: rutinerna → rutin.
    let t = titles(q(8));
    assert!(
        t.contains(&"YubiKey".to_string()) && t.contains(&"Byt lösenord".to_string()),
        "{t:?}"
    );
    assert_eq!(titles(q(9))[0], "Behörighet i journalsystemet");
    // Filters.
    assert_eq!(titles(q(10)), ["Behörighet i journalsystemet"]);
    assert_eq!(titles(q(11)), ["YubiKey"]);
    // Nothing found.
    assert_eq!(q(12)["total"], 0);
    assert!(q(12)["results"].as_array().unwrap().is_empty());
    // Prefix while typing.
    assert_eq!(titles(q(13))[0], "Behörighet i journalsystemet");
    // Marks in the excerpt.
    assert_eq!(marks(q(14)), ["kortläsare"]);
    assert_eq!(q(15)["results"][0]["url"], "molndal/behorighet/#kort");
    assert!(
        marks(q(15)).iter().any(|m| m == "SITHS-kort"),
        "{:?}",
        marks(q(15))
    );
    // A stop word alone is only a prefix: nothing sensible, no crash.
    assert!(q(16).get("total").is_some());
    // No page has both words: partial results.
    assert_eq!(q(17)["partial"], true);
    assert!(q(17)["total"].as_u64().unwrap() >= 2);
    // Both words on one page.
    assert_eq!(q(18)["partial"], false);
    assert_eq!(titles(q(18))[0], "Behörighet i journalsystemet");
    assert_eq!(q(19)["total"], 0);
    assert_eq!(q(20)["total"], 0);

    // A one-word query loads the meta file, one chunk and the fragments shown.
    let loaded = q(0)["loaded"].as_array().unwrap();
    assert_eq!(loaded[0][0], "sok/meta.js");
    assert!(
        loaded
            .iter()
            .filter(|f| f[0].as_str().unwrap().starts_with("sok/c-"))
            .count()
            <= 2
    );
}

/// With one stem group per chunk and one document per fragment file, the client
/// finds the same results, loading more, smaller files.
#[test]
fn client_results_do_not_depend_on_chunking() {
    if !node_available() {
        return;
    }
    let big = tempfile::tempdir().unwrap();
    fixture_site(big.path());
    let small = tempfile::tempdir().unwrap();
    let opts = IndexOptions {
        chunk_bytes: 1,
        fragment_bytes: 1,
        ..IndexOptions::default()
    };
    fixture_site_with(small.path(), &opts);
    let a = run_harness(big.path(), "sok/index.html", "../", &fixture_queries());
    let b = run_harness(small.path(), "sok/index.html", "../", &fixture_queries());
    let strip = |v: &Value| -> Vec<Value> {
        v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| json!([q["q"], q["total"], q["partial"], q["results"]]))
            .collect()
    };
    assert_eq!(strip(&a), strip(&b));
    let chunks = |v: &Value, i: usize| {
        v["queries"][i]["loaded"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f[0].as_str().unwrap().starts_with("sok/c"))
            .count()
    };
    // A whole word: one chunk, however small the chunks are.
    assert_eq!(chunks(&b, 0), 1);
    assert_eq!(chunks(&b, 4), 1);
}

#[test]
fn client_works_with_an_absolute_root() {
    if !node_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    fixture_site(tmp.path());
    let out = run_harness(
        tmp.path(),
        "sok/index.html",
        "/portal/",
        &json!({"queries": [query("yubikey")]}),
    );
    assert_eq!(
        out["queries"][0]["results"][0]["href"],
        "/portal/system/yubikey/"
    );
    let missing = tempfile::tempdir().unwrap();
    let out = run_harness(
        missing.path(),
        "sok/index.html",
        "../",
        &json!({"queries": [query("yubikey")]}),
    );
    assert!(
        out["queries"][0]["error"]
            .as_str()
            .unwrap()
            .contains("meta.js")
    );
}

/// Deterministic pseudo-random words over the Swedish alphabet.
fn random_words(n: usize) -> Vec<String> {
    let alphabet: Vec<char> = "aeiouyåäöbcdfghjklmnprstvéü".chars().collect();
    let mut state: u64 = 0x1234_5678_9abc_def0;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let endings = [
        "heterna", "hetens", "arna", "erna", "orna", "ande", "het", "ig", "lig", "els", "s", "as",
        "en", "et", "dd", "tt", "nn", "fullt", "löst", "ad", "ens",
    ];
    (0..n)
        .map(|_| {
            let len = 1 + (next() % 10) as usize;
            let mut w: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if next() % 2 == 0 {
                w.push_str(endings[(next() % endings.len() as u64) as usize]);
            }
            w
        })
        .collect()
}

#[test]
fn client_text_processing_matches_rust() {
    if !node_available() {
        return;
    }
    let mut texts: Vec<String> = vec![
        "Behörigheter, behörighetsansökan och SITHS-kort. Lösenordsadministratören!".into(),
        "rutinerna rutiner rutin driftstopp driftstoppet kortläsare e-tjänsten 1177 Vårdguiden"
            .into(),
        "ÅÄÖ åäö Éric Müller straße Œuvre ΣΟΦΟΣ Мир lo\u{0308}senord lösen\u{00AD}ord a--b -x- y-"
            .into(),
        "fullt löst vänligt kallade kallades glädjeämnen ansökningarna hemtjänstens".into(),
    ];
    texts.push(random_words(4000).join(" "));
    let tmp = tempfile::tempdir().unwrap();
    let out = run_harness(tmp.path(), "index.html", "", &json!({ "texts": texts }));
    let mut checked = 0;
    for (text, js) in texts.iter().zip(out["texts"].as_array().unwrap()) {
        let rust: Vec<Value> = tokenize(text)
            .iter()
            .map(|t| {
                let n = normalize(&t.word);
                json!([t.word, n, stem(&n), t.parts, t.raw])
            })
            .collect();
        let js: Vec<Value> = js
            .as_array()
            .unwrap()
            .iter()
            .map(|v| json!([v[0], v[1], v[2], v[3], v[4]]))
            .collect();
        assert_eq!(rust.len(), js.len(), "token count for {text:?}");
        for (r, j) in rust.iter().zip(&js) {
            assert_eq!(r, j);
            checked += 1;
        }
    }
    assert!(checked > 4000);
}

/// The search page: initial query from the URL, debounced typing, submit, filters,
/// "no hits" text, marks, links joined to the root (with index.html on file://),
/// history.replaceState failing without breaking anything.
#[test]
fn client_search_page_ui() {
    if !node_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    fixture_site(tmp.path());
    let out = Command::new("node")
        .arg(manifest().join("tests/js/ui_harness.js"))
        .arg(tmp.path())
        .arg("../")
        .arg(manifest().join("themes/default/static/js/sok.js"))
        .arg("?q=behorighet&kommun=molndal")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let step = |name: &str| -> Value {
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step"] == name)
            .unwrap()
            .clone()
    };
    let initial = step("initial");
    assert_eq!(initial["input"], "behorighet");
    assert_eq!(initial["kommun"], "molndal");
    let text = initial["text"].as_str().unwrap();
    assert!(text.starts_with("1 träff"), "{text}");
    assert!(text.contains("Behörighet i journalsystemet"), "{text}");
    assert!(text.contains("Mölndal · Rutin"), "{text}");
    assert_eq!(initial["links"][0], "../molndal/behorighet/index.html");
    assert_eq!(initial["busy"], Value::Null);

    let typed = step("typed");
    assert!(
        typed["text"].as_str().unwrap().starts_with("Inga träffar")
            || typed["text"].as_str().unwrap().starts_with("1 träff")
    );
    // Kommun filter still "molndal": the yubikey page has no municipality.
    assert_eq!(typed["text"], "Inga träffar för ”yubikey”.");

    assert_eq!(step("nothing")["text"], "Inga träffar för ”xyzzy”.");
    let filtered = step("filtered");
    assert!(filtered["text"].as_str().unwrap().starts_with("1 träff"));
    assert_eq!(filtered["marks"], json!(["Ansökan"]));
    assert_eq!(
        filtered["links"][0],
        "../harryda/losenord/index.html#ansokan"
    );
    assert_eq!(
        step("arrow")["focus"],
        "../harryda/losenord/index.html#ansokan"
    );
    assert_eq!(step("cleared")["text"], "");
    // The URL follows the form (one replaceState threw and was ignored).
    let urls: Vec<&str> = v["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(urls[0], "?q=behorighet&kommun=molndal");
    assert!(urls.contains(&"?q=ans%C3%B6kan&kommun=harryda"), "{urls:?}");
    // Typing three letters in a row searched once (debounce).
    assert!(urls.contains(&"?q=yubikey&kommun=molndal"), "{urls:?}");
    assert!(!urls.contains(&"?q=yu&kommun=molndal"), "{urls:?}");
}
