//! CLI tests: the real binary on fixture sites.

#[path = "support/site.rs"]
mod site;

use site::{TestSite, lovportal, tree};

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    file: String,
    replace: Option<String>,
    with: String,
    error: String,
    hint: String,
}

#[test]
fn every_kind_of_bad_input_is_reported_and_leaves_the_previous_output_alone() {
    let cases: Vec<Case> = serde_yaml::from_str(
        &std::fs::read_to_string(site::fixtures().join("invalid.yaml")).unwrap(),
    )
    .unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for c in &cases {
        let s = TestSite::copy("minimal");
        let out = s.path("public");
        let first = s.build(&out, &[]);
        assert_eq!(
            first.code, 0,
            "{}: the valid fixture must build: {}",
            c.name, first.stderr
        );
        let before = tree(&out);
        // YAML text cannot hold an invalid byte: `<0xff>` in `with` stands for one.
        let with: Vec<u8> = c
            .with
            .split("<0xff>")
            .collect::<Vec<_>>()
            .join("\u{1}")
            .bytes()
            .map(|b| if b == 1 { 0xff } else { b })
            .collect();
        match &c.replace {
            Some(from) => s.replace(&c.file, from, &with),
            None => s.write(&c.file, &with),
        }
        let r = s.build(&out, &[]);
        let problems = [
            (r.code != 1).then(|| format!("exit code {} instead of 1", r.code)),
            (!r.stderr.contains(&c.error)).then(|| format!("no line containing {:?}", c.error)),
            (!r.stderr.contains(&c.hint)).then(|| format!("no hint containing {:?}", c.hint)),
            (r.stderr.contains("panicked") || r.stderr.contains("RUST_BACKTRACE"))
                .then(|| "a panic".to_string()),
            (tree(&out) != before).then(|| "the previous output changed".to_string()),
        ];
        let problems: Vec<String> = problems.into_iter().flatten().collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n--- stderr ---\n{}",
                c.name,
                problems.join("; "),
                r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let s = TestSite::copy("minimal");
    s.replace(
        "data/kommuner/testby.yaml",
        "    who: it\n",
        b"    who: itt\n",
    );
    let r = s.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("data/kommuner/testby.yaml:73:10: fel: okänd roll `itt`"),
        "{}",
        r.stderr
    );
    assert!(!s.path("public").exists());
}

#[test]
fn all_errors_of_a_run_are_reported() {
    let s = TestSite::copy("minimal");
    s.replace(
        "data/kommuner/testby.yaml",
        "    who: it\n",
        b"    who: itt\n",
    );
    s.replace(
        "data/kommuner/testby.yaml",
        "depends_on: [bestall-chef]",
        b"depends_on: [nope]",
    );
    s.replace(
        "data/providers/omsorg-ab.yaml",
        "municipality: testby",
        b"municipality: x",
    );
    let r = s.run(&["check"]);
    assert_eq!(r.code, 1);
    for needle in [
        "okänd roll `itt`",
        "okänd steg `nope`",
        "okänd kommun `x`",
        "3 fel",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
}

#[test]
fn warnings_do_not_fail_unless_denied() {
    let s = TestSite::copy("minimal");
    let r = s.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("content/testby/behorighet.md:8:14: varning: rutinen skulle ha setts över senast maj 2021"), "{}", r.stderr);
    let r = s.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 1);
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let r = lovportal(&["build".into(), "--bogus".into()]);
    assert_eq!(r.code, 2);
    let r = lovportal(&["check".into(), "--root".into(), "/nonexistent/site".into()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = lovportal(&["--help".into()]);
    assert!(
        r.stdout.contains("Slutkoder") && r.stdout.contains("1  innehållet har fel"),
        "{}",
        r.stdout
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let s = TestSite::copy("minimal");
    let (a, b) = (s.path("a"), s.path("b"));
    assert_eq!(s.build(&a, &[]).code, 0);
    assert_eq!(s.build(&b, &[]).code, 0);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 10);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs");
    }
}

/// Every href/src/action in the output's HTML, with the file it is in.
fn links(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, bytes) in tree(dir) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\"", "action=\""] {
            for part in html.split(attr).skip(1) {
                let v = part.split('"').next().unwrap().to_string();
                out.push((path.clone(), v));
            }
        }
    }
    out
}

fn is_external(v: &str) -> bool {
    v.starts_with("http://")
        || v.starts_with("https://")
        || v.starts_with("mailto:")
        || v.starts_with("tel:")
        || v.starts_with('#')
}

#[test]
fn relative_links_resolve_inside_the_output() {
    let s = TestSite::copy("minimal");
    let out = s.path("public");
    assert_eq!(s.build(&out, &[]).code, 0);
    let mut checked = 0;
    for (page, v) in links(&out) {
        if is_external(&v) {
            continue;
        }
        assert!(
            !v.starts_with('/') && !v.starts_with("@/"),
            "{page}: {v} is not relative"
        );
        let target = v.split(['#', '?']).next().unwrap();
        let base = std::path::Path::new(&page).parent().unwrap();
        let resolved = out.join(base).join(target);
        assert!(
            resolved.is_file(),
            "{page}: {v} → {} does not exist",
            resolved.display()
        );
        checked += 1;
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn base_path_links_resolve_inside_the_output() {
    let s = TestSite::copy("minimal");
    let out = s.path("public");
    assert_eq!(s.build(&out, &["--base-path", "/portal/"]).code, 0);
    let mut checked = 0;
    for (page, v) in links(&out) {
        if is_external(&v) {
            continue;
        }
        let rest = v
            .strip_prefix("/portal/")
            .unwrap_or_else(|| panic!("{page}: {v} is not under /portal/"));
        let target = rest.split(['#', '?']).next().unwrap();
        let resolved = if target.is_empty() || target.ends_with('/') {
            out.join(target).join("index.html")
        } else {
            out.join(target)
        };
        assert!(
            resolved.is_file(),
            "{page}: {v} does not exist in the output"
        );
        checked += 1;
    }
    assert!(checked > 50);
    assert!(
        s.read("public/testby/index.html")
            .contains("data-root=\"/portal/\"")
    );
}

#[test]
fn builds_every_page_and_the_open_data() {
    let s = TestSite::copy("minimal");
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for p in [
        "index.html",
        "404.html",
        "testby/index.html",
        "testby/behorighet/index.html",
        "testby/checklista/index.html",
        "testby/kalender.ics",
        "system/index.html",
        "system/treserva/index.html",
        "utforare/omsorg-ab/index.html",
        "sok/index.html",
        "tillganglighet/index.html",
        "data/index.json",
        "data/testby.json",
    ] {
        assert!(out.join(p).is_file(), "{p} missing");
    }
    let muni = s.read("public/testby/index.html");
    assert!(muni.contains("<html lang=\"sv\""));
    assert!(muni.contains("<title>Testby – LOV-portalen</title>"));
    assert!(muni.contains("031-315 25 00") && muni.contains("mailto:helpdesk@testby.se"));
    assert!(
        muni.contains("<td>måndag-torsdag</td><td>07.00-16.30</td>"),
        "weekly hours table"
    );
    assert!(muni.contains("Vanligtvis 4:e onsdagen i månaden, kl. 12.00-14.30"));
    // The next 4th Wednesday after 2026-11-23 is 2026-11-25.
    assert!(
        muni.contains("datetime=\"2026-11-25T12:00:00+01:00\""),
        "next maintenance window"
    );
    let system = s.read("public/system/treserva/index.html");
    assert!(system.contains("Treserva används i") && system.contains("Testby"));
    let routine = s.read("public/testby/behorighet/index.html");
    assert!(routine.contains("<dt>Diarienummer</dt><dd>G 2018/000236-1</dd>"));
    assert!(routine.contains("Rutinen skulle ha setts över maj 2021"));
    assert!(routine.contains("<table>"));
    let provider = s.read("public/utforare/omsorg-ab/index.html");
    // 10 working days before Monday 2027-02-01 is Monday 2027-01-18.
    assert!(
        provider.contains("data-due=\"2027-01-18\""),
        "due date counted back in working days"
    );
    assert!(
        !provider.contains("Skaffa smartphone"),
        "steps for services the provider does not deliver are left out"
    );
    let text = s.read("public/data/testby.json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Keys in alphabetical order at every level, pretty-printed, ending in a newline:
    // the same bytes serde_json writes for the parsed value (whose maps are sorted).
    assert_eq!(
        text,
        format!("{}\n", serde_json::to_string_pretty(&json).unwrap()),
        "data/testby.json is not in serde_json's sorted, pretty form"
    );
    assert!(
        json["routines"][0]["markdown"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(
        json["municipality"]["contacts"][0]["phone"],
        "031-315 25 00"
    );
    assert_eq!(
        json["municipality"]["contacts"][0]["hours"]["weekly"][0]["time"],
        "07.00-16.30"
    );
    assert_eq!(
        json["routines"][0]["meta"]["registration_number"],
        "G 2018/000236-1"
    );
    let index: serde_json::Value = serde_json::from_str(&s.read("public/data/index.json")).unwrap();
    assert_eq!(index["municipalities"][0]["slug"], "testby");
}

#[test]
fn yaml_values_are_escaped_in_html() {
    let s = TestSite::copy("minimal");
    s.replace(
        "data/kommuner/testby.yaml",
        "summary: En påhittad kommun för tester.",
        b"summary: '<script>alert(1)</script> \"><img src=x onerror=alert(1)>'",
    );
    s.replace(
        "content/testby/behorighet.md",
        "# Så går det till",
        "# Så går det till\n\n<script>alert(2)</script><img src=x onerror=alert(3)>",
    );
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = s.read("public/index.html");
    assert!(
        home.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        ),
        "{home}"
    );
    assert!(!home.contains("<script>alert"));
    let routine = s.read("public/testby/behorighet/index.html");
    assert!(
        !routine.contains("alert(2)") && !routine.contains("onerror"),
        "raw HTML in Markdown is sanitised"
    );
}

#[test]
fn a_theme_file_in_the_site_overrides_the_embedded_one_and_others_stay() {
    let s = TestSite::copy("minimal");
    s.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Egen 404 för {{ site.name }}</h1>{% endblock main %}",
    );
    s.write(
        "themes/default/static/css/print.css",
        "/* egen utskrift */\n",
    );
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        s.read("public/404.html")
            .contains("<h1>Egen 404 för LOV-portalen</h1>")
    );
    assert_eq!(
        s.read("public/static/css/print.css"),
        "/* egen utskrift */\n"
    );
    // Files not overridden come from the embedded theme.
    assert!(
        s.read("public/static/css/style.css")
            .contains("prefers-color-scheme: dark")
    );
    assert!(s.read("public/index.html").contains("Välj din kommun"));

    // A broken override is reported with its path, and nothing is written.
    s.write(
        "themes/default/templates/404.html",
        "{% block main %}{{ oops( }}{% endblock main %}",
    );
    let before = tree(&out);
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("themes/default/templates/"),
        "{}",
        r.stderr
    );
    assert_eq!(tree(&out), before);
}

#[test]
fn build_reports_pages_and_stage_times_unless_quiet() {
    let s = TestSite::copy("minimal");
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0);
    let summary = r
        .stderr
        .lines()
        .find(|l| l.starts_with("Klart: "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    for stage in [
        "sidor",
        "läsa in och kontrollera",
        "rendera",
        "sökindex",
        "byta in",
    ] {
        assert!(summary.contains(stage), "{stage}: {summary}");
    }
    let r = s.build(&out, &["-q"]);
    assert_eq!(r.code, 0);
    assert!(!r.stderr.contains("Klart: "), "{}", r.stderr);
    assert!(
        r.stderr.contains("varning"),
        "warnings are still printed with -q"
    );
}
