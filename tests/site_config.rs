//! Site configuration of the theme: an optional logo (with required alt text) and
//! colours, validated at load time for a contrast of at least 4.5:1 and applied through a
//! generated stylesheet (no inline styles, so the Content-Security-Policy holds).

#[path = "support/site.rs"]
mod support;

use support::TestSite;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\"><rect width=\"40\" height=\"40\" fill=\"#0a3d73\"/></svg>\n";

fn site_with(extra: &str) -> TestSite {
    let site = TestSite::copy("minimal");
    let yaml = site.read("data/site.yaml");
    site.write("data/site.yaml", format!("{yaml}{extra}"));
    site
}

/// The 1-based line of the first line of `data/site.yaml` that contains `needle`.
fn line_of(site: &TestSite, needle: &str) -> usize {
    site.read("data/site.yaml")
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle}"))
        + 1
}

#[test]
fn logo_and_colours_reach_every_page_through_files() {
    let site = site_with(
        "logo:\n  file: bilder/logo.svg\n  alt: Testkommunernas logotyp\n\
         colors:\n  accent: \"#1d5e2f\"\n  header_background: \"#5a1e6e\"\n",
    );
    site.write("static/bilder/logo.svg", LOGO);
    let out = tempfile::tempdir().unwrap();
    let run = site.build(out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
    assert_eq!(read("static/bilder/logo.svg"), LOGO);
    let css = read("static/css/site.css");
    assert!(css.contains(":root { --header-bg: #5a1e6e; }"), "{css}");
    assert!(
        css.contains("@media not all and (prefers-color-scheme: dark) { :root { --accent: #1d5e2f; --link: #1d5e2f; } }"),
        "{css}"
    );
    for (page, prefix) in [("index.html", ""), ("sok/index.html", "../")] {
        let html = read(page);
        assert!(
            html.contains(&format!(
                "<img class=\"logo\" src=\"{prefix}static/bilder/logo.svg\" alt=\"Testkommunernas logotyp\">"
            )),
            "{page}"
        );
        let site_css = format!("<link rel=\"stylesheet\" href=\"{prefix}static/css/site.css\">");
        let style_css = format!("<link rel=\"stylesheet\" href=\"{prefix}static/css/style.css\">");
        let (a, b) = (
            html.find(&style_css).unwrap(),
            html.find(&site_css).unwrap(),
        );
        assert!(
            a < b,
            "{page}: site.css comes after style.css to override it"
        );
        assert!(!html.contains(" style=\""), "{page}");
    }
}

#[test]
fn without_colours_there_is_no_site_stylesheet() {
    let site = TestSite::copy("minimal");
    let out = tempfile::tempdir().unwrap();
    let run = site.build(out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.path().join("static/css/site.css").exists());
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(!html.contains("site.css") && !html.contains("class=\"logo\""));
}

#[test]
fn colours_below_4_5_to_1_are_errors_with_position_and_ratio() {
    // #7aa7d9 on #f5f7fa on white is 2.51:1; #ffcc00 behind white text 1.51:1.
    let site = site_with("colors:\n  accent: \"#7aa7d9\"\n  header_background: \"#ffcc00\"\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let accent = format!(
        "data/site.yaml:{}:11: fel: färgen `accent` #7aa7d9 har kontrasten 2.51:1 mot sidans bakgrund (#ffffff); minst 4.5:1 krävs",
        line_of(&site, "accent:")
    );
    assert!(run.stderr.contains(&accent), "{accent}\n{}", run.stderr);
    let header = format!(
        "data/site.yaml:{}:22: fel: färgen `header_background` #ffcc00 har kontrasten 1.51:1 mot sidhuvudets vita text (#ffffff)",
        line_of(&site, "header_background:")
    );
    assert!(run.stderr.contains(&header), "{header}\n{}", run.stderr);
    assert!(
        run.stderr.contains("tips: välj en mörkare färg"),
        "{}",
        run.stderr
    );

    // Just under and just over the line: #777777 is 4.48:1 on white, #767676 4.54:1
    // (but on the cards, #f5f7fa, it is 4.23:1).
    let site = site_with("colors:\n  accent: \"#777777\"\n");
    let run = site.run(&["check"]);
    assert!(
        run.stderr.contains("kontrasten 4.47:1 mot sidans bakgrund"),
        "{}",
        run.stderr
    );
    let site = site_with("colors:\n  accent: \"#767676\"\n");
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("kontrasten 4.23:1 mot kortens bakgrund (#f5f7fa)"),
        "{}",
        run.stderr
    );
    let site = site_with("colors:\n  accent: \"#595959\"\n  header_background: \"#0a3d73\"\n");
    assert_eq!(site.run(&["check"]).code, 0);
}

#[test]
fn bad_colour_and_logo_values_are_located() {
    let site = site_with("colors:\n  accent: blå\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    let want = format!("data/site.yaml:{}:11: fel: ", line_of(&site, "accent:"));
    assert!(
        run.stderr.contains(&want) && run.stderr.contains("\"blå\" är ingen färg"),
        "{}",
        run.stderr
    );

    let site = site_with("logo:\n  file: saknas.svg\n  alt: Logotyp\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    let want = format!(
        "data/site.yaml:{}:9: fel: logotypen `saknas.svg` finns inte",
        line_of(&site, "file:")
    );
    assert!(run.stderr.contains(&want), "{want}\n{}", run.stderr);

    let site = site_with("logo:\n  file: logo.svg\n  alt: \" \"\n");
    site.write("static/logo.svg", LOGO);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("fel: logotypen saknar alternativtext"),
        "{}",
        run.stderr
    );

    let site = site_with("logo:\n  file: logo.svg\n");
    site.write("static/logo.svg", LOGO);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "alt is required");
    assert!(run.stderr.contains("alt"), "{}", run.stderr);

    for bad in ["../hemlig.png", "/etc/logo.png", "logo.html"] {
        let site = site_with(&format!("logo:\n  file: \"{bad}\"\n  alt: Logotyp\n"));
        let run = site.run(&["check"]);
        assert_eq!(run.code, 1, "{bad}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("data/site.yaml:{}:", line_of(&site, "file:"))),
            "{bad}: {}",
            run.stderr
        );
    }
}
