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
    let cached = pipeline::build_cached(&opts(s), cache).expect("cached build");
    let fresh = pipeline::build(&opts(s)).expect("fresh build");
    assert_eq!(
        cached.files, fresh.files,
        "a cached build equals a fresh one"
    );
    cache.stats
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
