//! Cached rebuilds (`pipeline::build_cached`, used by `serve`) give byte for byte the
//! output of a fresh build, and redo only the work whose inputs changed.

#[path = "support/site.rs"]
mod site;

use lovportal::pipeline::{self, Options};
use lovportal::render::{RenderCache, RenderStats};
use lovportal::urls::LinkStyle;
use site::TestSite;

fn opts(s: &TestSite) -> Options {
    Options {
        root: s.root().to_path_buf(),
        links: LinkStyle::Base("/".into()),
        now: pipeline::parse_now(Some("2026-11-23T10:00")).unwrap(),
    }
}

/// Builds with the cache and checks the result against a fresh build.
fn rebuild(s: &TestSite, cache: &mut RenderCache) -> RenderStats {
    rebuild_files(s, cache);
    cache.stats
}

/// [`rebuild`], returning the files.
fn rebuild_files(s: &TestSite, cache: &mut RenderCache) -> Vec<(String, Vec<u8>)> {
    let cached = pipeline::build_cached(&opts(s), cache).expect("cached build");
    let fresh = pipeline::build(&opts(s)).expect("fresh build");
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|f| f.0.clone()).collect()
    };
    assert_eq!(
        names(&cached.files),
        names(&fresh.files),
        "a cached build makes the same files as a fresh one"
    );
    for (c, f) in cached.files.iter().zip(&fresh.files) {
        assert!(c.1 == f.1, "{} differs from a fresh build's", c.0);
    }
    cached.files
}

/// The search index files (`sok/*.js`) with their contents.
fn index_files(files: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|f| f.0.starts_with("sok/") && f.0.ends_with(".js"))
        .map(|f| (f.0.clone(), String::from_utf8_lossy(&f.1).into_owned()))
        .collect()
}

/// How many of the index files in `after` were not in `before` (by name and bytes).
fn new_index_files(before: &[(String, String)], after: &[(String, String)]) -> usize {
    after.iter().filter(|f| !before.contains(f)).count()
}

/// Whether a word is in the search index (a term in some chunk).
fn indexed(files: &[(String, String)], term: &str) -> bool {
    files
        .iter()
        .any(|f| f.0.starts_with("sok/c") && f.1.contains(&format!("\"{term}\",\"")))
}

#[test]
fn cached_search_index_equals_a_fresh_one_after_edits() {
    let s = TestSite::copy("minimal");
    let mut cache = RenderCache::default();
    let mut before = index_files(&rebuild_files(&s, &mut cache));
    let mut step = |what: &str, edit: &dyn Fn(&TestSite)| {
        edit(&s);
        let after = index_files(&rebuild_files(&s, &mut cache));
        let changed = new_index_files(&before, &after);
        assert!(changed > 0, "{what}: the index changed");
        before = after;
        before.clone()
    };

    // A routine gets a word nothing else has.
    let ix = step("a new rare word", &|s| {
        s.replace(
            "content/testby/behorighet.md",
            "| Steg | Vem |",
            "Xylofonrutinen gäller alla.\n\n| Steg | Vem |",
        )
    });
    assert!(indexed(&ix, "xylofonrutinen"));
    // A compound whose parts are known words, and a new word that makes an old
    // compound split (the vocabulary changes).
    step("compounds", &|s| {
        s.replace(
            "content/testby/inloggning.md",
            "Vid driftstopp",
            "Vid driftstopp och nyckelkortsrutiner ska nyckelkort och rutiner",
        )
    });
    // The rare word goes again: gone from the index.
    let ix = step("a word disappears from the corpus", &|s| {
        s.replace(
            "content/testby/behorighet.md",
            "Xylofonrutinen gäller alla.\n\n",
            "",
        )
    });
    assert!(!indexed(&ix, "xylofonrutinen"));
    // A heading.
    let ix = step("a heading", &|s| {
        s.replace(
            "content/testby/inloggning.md",
            "# Planerade driftstopp",
            "# Oplanerade avbrott",
        )
    });
    assert!(indexed(&ix, "oplanerade"));
    // A page added, then removed.
    let ix = step("a page added", &|s| {
        s.write(
            "content/testby/ny.md",
            "---\ntitle: Ny rutin om larmkedjor\nsummary: Larmkedjor.\n---\nLarmkedjan testas varje vecka.\n",
        )
    });
    assert!(indexed(&ix, "larmkedjan"));
    let ix = step("a page removed", &|s| {
        std::fs::remove_file(s.path("content/testby/ny.md")).unwrap()
    });
    assert!(!indexed(&ix, "larmkedjan"));
    // The municipality renamed (its name is in `meta.js` and in every page).
    step("a municipality renamed", &|s| {
        s.replace(
            "data/kommuner/testby.yaml",
            "name: Testby",
            "name: Testköping",
        )
    });
    // Nothing changed: the same files again.
    let same = index_files(&rebuild_files(&s, &mut cache));
    assert_eq!(new_index_files(&before, &same), 0);
}

#[test]
fn cached_rebuilds_equal_fresh_builds_and_redo_only_what_changed() {
    let s = TestSite::copy("minimal");
    let mut cache = RenderCache::default();
    let first = rebuild(&s, &mut cache);
    assert!(first.templates_compiled);
    assert_eq!(first.pages_rendered, first.pages_total);
    let pages = first.pages_total;

    let same = rebuild(&s, &mut cache);
    assert_eq!((same.pages_rendered, same.markdown_rendered), (0, 0));
    assert!(!same.templates_compiled);

    // A heading in a routine: that routine's Markdown, its page and the search page
    // (whose A–Ö register lists headings).
    s.replace(
        "content/testby/behorighet.md",
        "# Så går det till",
        "# Så här",
    );
    let r = rebuild(&s, &mut cache);
    assert_eq!((r.pages_rendered, r.markdown_rendered), (2, 1), "{r:?}");

    // Text inside a section: that routine's Markdown and its page only.
    s.replace(
        "content/testby/behorighet.md",
        "# Så här",
        "# Så här\n\nEn ny mening.",
    );
    let r = rebuild(&s, &mut cache);
    assert_eq!((r.pages_rendered, r.markdown_rendered), (1, 1), "{r:?}");

    // A routine title: also the pages that list it (municipality, system page).
    s.replace(
        "content/testby/behorighet.md",
        "title: Beställa behörighet",
        "title: Beställa konto",
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered > 1 && r.pages_rendered < pages, "{r:?}");

    // A template: every page, no Markdown.
    s.write(
        "themes/default/templates/base.html",
        include_str!("../themes/default/templates/base.html")
            .replace("<body ", "<body data-x=\"1\" "),
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.templates_compiled);
    assert_eq!((r.pages_rendered, r.markdown_rendered), (pages, 0), "{r:?}");

    // Municipality data: its pages, not the accessibility statement or the 404 page.
    s.replace(
        "data/kommuner/testby.yaml",
        "summary: En påhittad kommun för tester.",
        "summary: Ny sammanfattning.",
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered >= 1 && r.pages_rendered < pages, "{r:?}");
    assert_eq!(r.markdown_rendered, 0);

    // A new routine that another links to: the page set changed, so links are checked again.
    s.write(
        "content/testby/ny.md",
        "---\ntitle: Ny\nsummary: Ny rutin.\n---\nSe [behörighet](@/testby/behorighet/).\n",
    );
    let r = rebuild(&s, &mut cache);
    assert_eq!(r.markdown_total, 3);
    assert_eq!(r.markdown_rendered, 3, "{r:?}");

    // A provider: its page (and the municipality's pages that list providers).
    s.replace(
        "data/providers/omsorg-ab.yaml",
        "name: Anna Andersson",
        "name: Bo Berg",
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered >= 1 && r.pages_rendered < pages, "{r:?}");
    assert_eq!(r.markdown_rendered, 0);

    // A system's description: every page that shows it, none of the Markdown.
    s.replace(
        "data/system.yaml",
        "description: Webbtjänst för utförare.",
        "description: Webbtjänst för utförare, ny text.",
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered >= 2, "{r:?}");
    assert_eq!(r.markdown_rendered, 0);

    // Site settings: every page.
    s.replace(
        "data/site.yaml",
        "name: LOV-portalen",
        "name: LOV-portalen Test",
    );
    let r = rebuild(&s, &mut cache);
    assert_eq!(r.pages_rendered, r.pages_total, "{r:?}");

    // A broken build keeps the cache usable.
    s.replace(
        "content/testby/ny.md",
        "@/testby/behorighet/",
        "@/testby/finns-inte/",
    );
    assert!(pipeline::build_cached(&opts(&s), &mut cache).is_err());
    s.replace(
        "content/testby/ny.md",
        "@/testby/finns-inte/",
        "@/testby/behorighet/",
    );
    // Only the fixed routine's Markdown is rendered again.
    let r = rebuild(&s, &mut cache);
    assert_eq!(r.markdown_rendered, 1, "{r:?}");
}
