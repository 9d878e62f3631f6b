//! Cached rebuilds (`pipeline::build_cached`, used by `serve`) give byte for byte the
//! output of a fresh build, and redo only the work whose inputs changed.

#[path = "support/site.rs"]
mod site;

use lovportal::loader::{LoadCache, LoadStats};
use lovportal::model::Site;
use lovportal::pipeline::{self, Failure, Options};
use lovportal::render::{RenderCache, RenderStats};
use lovportal::urls::LinkStyle;
use site::TestSite;
use std::time::{Duration, SystemTime};

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

/// Loads with the cache and checks the site and every diagnostic (same order, same
/// text) against a fresh load; returns what the cached load did.
fn load(s: &TestSite, cache: &mut LoadCache) -> LoadStats {
    let now = opts(s).now;
    let (site, diags) = Site::load_cached(s.root(), now, Some(cache)).expect("cached load");
    let (fresh_site, fresh_diags) = Site::load(s.root(), now).expect("fresh load");
    assert_eq!(
        format!("{site:#?}"),
        format!("{fresh_site:#?}"),
        "a cached load gives the site of a fresh one"
    );
    let shown = |d: &lovportal::diagnostics::Diagnostics| -> Vec<String> {
        d.iter().map(|d| format!("{d:?}")).collect()
    };
    assert_eq!(
        shown(&diags),
        shown(&fresh_diags),
        "a cached load gives the diagnostics of a fresh one"
    );
    cache.stats
}

/// Sets a file's modification time.
fn set_mtime(s: &TestSite, rel: &str, t: SystemTime) {
    let f = std::fs::File::options()
        .write(true)
        .open(s.path(rel))
        .unwrap();
    f.set_modified(t).unwrap();
}

/// Every source file of the fixture, relative to its root.
fn sources(s: &TestSite) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![s.root().join("data"), s.root().join("content")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let rel = p.strip_prefix(s.root()).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

const ROUTINE: &str = "content/testby/behorighet.md";
const MUNI: &str = "data/kommuner/testby.yaml";

#[test]
fn cached_loads_equal_fresh_loads_and_reparse_only_what_changed() {
    let s = TestSite::copy("minimal");
    let mut cache = LoadCache::default();
    let first = load(&s, &mut cache);
    assert_eq!(first.parsed, first.files);
    let files = first.files;

    // Nothing changed: nothing is parsed, scanned or checked again (the files were
    // written just now, so they are still read and hashed).
    let same = load(&s, &mut cache);
    assert_eq!(
        (same.files, same.parsed, same.scanned, same.checked),
        (files, 0, 0, 0)
    );

    // A routine's text: that file only, and its municipality's checks (which include
    // its routines' references).
    s.replace(ROUTINE, "# Så går det till", "# Så här");
    let r = load(&s, &mut cache);
    assert_eq!((r.parsed, r.scanned, r.checked), (1, 1, 1), "{r:?}");

    // A municipality's data: that file, and its checks (and its provider's).
    s.replace(
        MUNI,
        "summary: En påhittad kommun för tester.",
        "summary: Ny sammanfattning.",
    );
    let r = load(&s, &mut cache);
    assert_eq!((r.parsed, r.checked), (1, 2), "{r:?}");

    // A routine added, then renamed, then removed.
    s.write(
        "content/testby/ny.md",
        "---\ntitle: Ny\nsummary: Ny rutin.\nnext_review: 2020-01\n---\nText.\n",
    );
    let r = load(&s, &mut cache);
    assert_eq!((r.files, r.parsed), (files + 1, 1), "{r:?}");
    std::fs::rename(
        s.path("content/testby/ny.md"),
        s.path("content/testby/nyare.md"),
    )
    .unwrap();
    let r = load(&s, &mut cache);
    assert_eq!((r.files, r.parsed), (files + 1, 1), "{r:?}");
    std::fs::remove_file(s.path("content/testby/nyare.md")).unwrap();
    let r = load(&s, &mut cache);
    assert_eq!((r.files, r.parsed), (files, 0), "{r:?}");

    // A municipality file removed and put back: its routines belong to no municipality.
    let muni = s.read(MUNI);
    std::fs::remove_file(s.path(MUNI)).unwrap();
    load(&s, &mut cache);
    s.write(MUNI, &muni);
    load(&s, &mut cache);

    // Errors of every stage, each introduced and then fixed.
    let breaks: [(&str, &str, &str); 6] = [
        // A NUL character.
        (ROUTINE, "# Så här", "# S\u{e5} h\u{e4}r \u{0}"),
        // Front matter that is not YAML.
        (ROUTINE, "title: Beställa behörighet", "title: [Beställa"),
        // An unknown reference, found by the municipality's checks.
        (MUNI, "ordered_by: chef", "ordered_by: chefen"),
        // An unknown system in a routine.
        (
            "content/testby/inloggning.md",
            "systems: [treserva]",
            "systems: [treservaa]",
        ),
        // A personal identity number.
        (ROUTINE, "# Så här", "# Så här 19121212-1212"),
        // The provider's municipality.
        (
            "data/providers/omsorg-ab.yaml",
            "municipality: testby",
            "municipality: testbyn",
        ),
    ];
    for (rel, from, to) in breaks {
        s.replace(rel, from, to);
        let (site, diags) = Site::load_cached(s.root(), opts(&s).now, Some(&mut cache)).unwrap();
        assert!(site.is_none() && diags.has_errors(), "{rel}: {to}");
        load(&s, &mut cache);
        s.replace(rel, to, from);
        load(&s, &mut cache);
    }
    let bytes = std::fs::read(s.path(ROUTINE)).unwrap();
    let mut bad = bytes.clone();
    bad.extend_from_slice(b"\xff\n");
    s.write(ROUTINE, &bad);
    load(&s, &mut cache);
    s.write(ROUTINE, &bytes);
    load(&s, &mut cache);

    // The allow-list of personal identity numbers: every file is scanned again.
    s.replace(ROUTINE, "# Så här", "# Så här 19121212-1212");
    s.write(
        ALLOW,
        "allow:\n  - number: \"19121212-1212\"\n    file: content/testby/behorighet.md\n    reason: Skatteverkets testpersonnummer\n",
    );
    let r = load(&s, &mut cache);
    assert_eq!(r.scanned, files + 1, "{r:?}");
    std::fs::remove_file(s.path(ALLOW)).unwrap();
    let r = load(&s, &mut cache);
    assert_eq!(r.scanned, files, "{r:?}");
    s.replace(ROUTINE, "# Så här 19121212-1212", "# Så här");
    load(&s, &mut cache);
}

const ALLOW: &str = "data/tillatna-personnummer.yaml";

#[test]
fn settled_metadata_is_trusted_and_any_write_is_still_seen() {
    let s = TestSite::copy("minimal");
    // Metadata is trusted as soon as the load has begun (instead of after three
    // seconds), so the checks below see what a long-running `serve` sees.
    let mut cache = LoadCache::with_settle(Duration::ZERO);
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let all = sources(&s);
    for rel in &all {
        set_mtime(&s, rel, old);
    }
    let first = load(&s, &mut cache);
    assert_eq!(first.read, first.files);

    // Unchanged: nothing is read.
    let r = load(&s, &mut cache);
    assert_eq!((r.read, r.parsed), (0, 0), "{r:?}");

    // Touched without a change: read again, not parsed.
    set_mtime(&s, ROUTINE, SystemTime::now());
    let r = load(&s, &mut cache);
    assert_eq!((r.read, r.parsed), (1, 0), "{r:?}");
    let r = load(&s, &mut cache);
    assert_eq!((r.read, r.parsed), (0, 0), "{r:?}");

    // Changed keeping the size and the modification time: the status-change time (which
    // no program can set) still moves, so the file is read. A pause, so the write falls
    // in a later tick of the file system's clock than the metadata the cache trusts.
    std::thread::sleep(Duration::from_millis(50));
    let text = s.read(ROUTINE);
    let same_size = text.replacen("Så går det till", "Så gick det till", 1);
    assert_eq!(same_size.len(), text.len());
    assert_ne!(same_size, text);
    s.write(ROUTINE, &same_size);
    set_mtime(&s, ROUTINE, old);
    let r = load(&s, &mut cache);
    assert_eq!((r.read, r.parsed), (1, 1), "{r:?}");

    // The watcher's hint makes a file be read whatever its metadata.
    std::thread::sleep(Duration::from_millis(50));
    let r = load(&s, &mut cache);
    assert_eq!(r.read, 0, "{r:?}");
    cache.forget(&[MUNI]);
    let r = load(&s, &mut cache);
    assert_eq!((r.read, r.parsed), (1, 0), "{r:?}");
}

#[test]
fn fresh_metadata_is_not_trusted() {
    // A same-size rewrite right after a load, with the modification time put back: the
    // file system's clock may not have moved, so only the content tells. With the
    // default settling time the file is read and hashed until its times are old.
    let s = TestSite::copy("minimal");
    let mut cache = LoadCache::default();
    load(&s, &mut cache);
    let before = std::fs::metadata(s.path(ROUTINE))
        .unwrap()
        .modified()
        .unwrap();
    let text = s.read(ROUTINE);
    s.write(
        ROUTINE,
        text.replacen("Så går det till", "Så gick det till", 1),
    );
    set_mtime(&s, ROUTINE, before);
    let r = load(&s, &mut cache);
    assert_eq!(r.parsed, 1, "{r:?}");
}

#[test]
fn serve_cache_equals_fresh_builds_after_load_errors() {
    let s = TestSite::copy("minimal");
    let mut cache = RenderCache::default();
    rebuild(&s, &mut cache);
    s.replace(MUNI, "ordered_by: chef", "ordered_by: chefen");
    let cached = pipeline::build_cached(&opts(&s), &mut cache);
    let fresh = pipeline::build(&opts(&s));
    match (cached, fresh) {
        (Err(Failure::Content(a)), Err(Failure::Content(b))) => {
            let shown = |d: &lovportal::diagnostics::Diagnostics| -> Vec<String> {
                d.iter().map(|d| d.to_string()).collect()
            };
            assert_eq!(shown(&a), shown(&b));
        }
        _ => panic!("both builds fail"),
    }
    s.replace(MUNI, "ordered_by: chefen", "ordered_by: chef");
    rebuild(&s, &mut cache);
    assert_eq!(cache.load_stats().parsed, 1);
    // An edit of one routine parses that file only.
    s.replace(ROUTINE, "# Så går det till", "# Så här");
    rebuild(&s, &mut cache);
    assert_eq!(cache.load_stats().parsed, 1);
}

/// `serve` keeps each file's hash and each municipality's fingerprints while the load
/// stage hands over the same `Arc`s: every edit must still be seen, also one that keeps a
/// file's length, a file that is removed and one that comes back.
#[test]
fn fingerprints_kept_by_pointer_still_see_every_change() {
    let s = TestSite::copy("minimal");
    // A second municipality, so that one can change while the other is kept.
    s.write(
        "data/kommuner/andra.yaml",
        s.read("data/kommuner/testby.yaml"),
    );
    s.write(
        "content/andra/behorighet.md",
        s.read("content/testby/behorighet.md"),
    );
    s.write(
        "content/andra/extra.md",
        "---\ntitle: Extra\nsummary: En extra rutin.\n---\nText.\n",
    );
    let mut cache = RenderCache::default();
    let first = rebuild(&s, &mut cache);
    let pages = first.pages_total;
    let same = rebuild(&s, &mut cache);
    assert_eq!((same.pages_rendered, same.markdown_rendered), (0, 0));

    // The same length, one letter changed: that routine's page and Markdown only.
    s.replace(
        "content/andra/behorighet.md",
        "Chefen beställer",
        "Chefen beställde",
    );
    let r = rebuild(&s, &mut cache);
    assert_eq!((r.pages_rendered, r.markdown_rendered), (1, 1), "{r:?}");

    // Front matter of one municipality's routine: its pages and the site-wide lists,
    // not the other municipality's pages.
    s.replace(
        "content/andra/behorighet.md",
        "title: Beställa behörighet",
        "title: Beställa konto",
    );
    let r = rebuild(&s, &mut cache);
    assert!(
        r.pages_rendered > 1 && r.pages_rendered < pages - 3,
        "{r:?}"
    );
    assert_eq!(r.markdown_rendered, 1, "{r:?}");

    // A routine removed, then written back as it was.
    let text = s.read("content/andra/extra.md");
    std::fs::remove_file(s.path("content/andra/extra.md")).unwrap();
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_total < pages, "{r:?}");
    s.write("content/andra/extra.md", &text);
    let r = rebuild(&s, &mut cache);
    assert_eq!(r.pages_total, pages, "{r:?}");

    // The other municipality's data file, changed and changed back.
    let data = s.read("data/kommuner/testby.yaml");
    s.replace(
        "data/kommuner/testby.yaml",
        "summary: En påhittad kommun för tester.",
        "summary: En påhittad kommun för test!!",
    );
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered >= 1 && r.pages_rendered < pages, "{r:?}");
    s.write("data/kommuner/testby.yaml", &data);
    let r = rebuild(&s, &mut cache);
    assert!(r.pages_rendered >= 1, "{r:?}");
    let same = rebuild(&s, &mut cache);
    assert_eq!((same.pages_rendered, same.markdown_rendered), (0, 0));
}
