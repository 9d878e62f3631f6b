//! Nothing unsafe is published: hostile text in YAML, front matter and Markdown comes
//! out escaped or sanitised, dangerous link addresses are refused where they are
//! written, external links get `rel="noopener noreferrer"`, and personal identity
//! numbers stop the build with the number masked. All through the real binary.

#[path = "support/site.rs"]
mod site;

use site::{Run, TestSite, tree};

const MUNI: &str = "data/kommuner/testby.yaml";
const ROUTINE: &str = "content/testby/behorighet.md";

/// Script, attribute breakouts in both quote styles, an event handler, a comment.
const PAYLOAD: &str = r#"<script>alert(1)</script>"'><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a><!--"#;

/// `PAYLOAD` as a single-quoted YAML scalar.
fn yaml_payload(prefix: &str) -> String {
    format!("'{prefix} {}'", PAYLOAD.replace('\'', "''"))
}

/// One tag of an HTML page: its name and attributes (values unescaped as written).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Text up to the next tag.
    after: String,
}

/// A tolerant tag scanner: enough to see which elements and attributes a browser would
/// create from the page (text never contains a raw `<` once escaped).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        i += k + 1;
        if html[i..].starts_with("!--") {
            i += html[i..]
                .find("-->")
                .map(|e| e + 3)
                .unwrap_or(html.len() - i);
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
            i += 1;
        }
        let name = html[start..i].trim_end_matches('/').to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let s = i;
            while i < b.len() && !matches!(b[i], b'=' | b'>') && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            let attr = html[s..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let len = html[i + 1..].find(q as char).unwrap_or(html.len() - i - 1);
                        value = html[i + 1..i + 1 + len].to_string();
                        i += len + 2;
                    }
                    _ => {
                        let s = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = html[s..i].to_string();
                    }
                }
            }
            attrs.push((attr, value));
        }
        let i2 = i.min(html.len());
        let after = html[i2..].split('<').next().unwrap_or("").to_string();
        out.push(Tag { name, attrs, after });
    }
    out
}

/// The scheme a browser would use for an attribute value, if any (lower-cased).
fn scheme(value: &str) -> Option<String> {
    let v = value.replace("&amp;", "&").replace("&colon;", ":");
    let v: String = v
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (s, _) = v.split_once(':')?;
    let mut chars = s.chars();
    let ok = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.to_ascii_lowercase())
}

/// Checks every HTML page of a built site: the only scripts are the theme's own files,
/// no event handler attributes, no dangerous or unknown link schemes, no frames or
/// inline styles from content, and every external link has `rel="noopener noreferrer"`.
/// Returns the number of pages checked.
fn assert_no_active_content(out: &std::path::Path) -> usize {
    let mut pages = 0;
    for (path, bytes) in tree(out) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        for t in tags(&html) {
            let at = format!("{path}: <{} {:?}>", t.name, t.attrs);
            assert!(
                !matches!(
                    t.name.as_str(),
                    "iframe" | "object" | "embed" | "svg" | "math" | "base" | "style" | "textarea"
                ),
                "{at}"
            );
            if t.name == "form" {
                // Only the theme's search forms, and the checklist planner (which submits
                // to its own page).
                let action = t.attrs.iter().find(|(n, _)| n == "action").map(|(_, v)| v);
                let id = t
                    .attrs
                    .iter()
                    .find(|(n, _)| n == "id")
                    .map(|(_, v)| v.as_str());
                assert!(
                    action.is_some_and(|a| a.ends_with("sok/index.html"))
                        || (action.is_none() && id == Some("planerare")),
                    "{at}"
                );
            }
            if t.name == "script" {
                let src = t.attrs.iter().find(|(n, _)| n == "src").map(|(_, v)| v);
                assert!(
                    src.is_some_and(|s| [
                        "static/js/tid.js",
                        "static/js/checklista.js",
                        "static/js/sok.js"
                    ]
                    .iter()
                    .any(|f| s.ends_with(f)))
                        && t.after.is_empty(),
                    "{at}"
                );
            }
            for (name, value) in &t.attrs {
                assert!(!name.starts_with("on"), "event handler: {at}");
                assert!(
                    name != "style" && name != "srcdoc" && name != "formaction",
                    "{at}"
                );
                if matches!(name.as_str(), "href" | "src" | "action" | "data" | "poster") {
                    let s = scheme(value);
                    assert!(
                        matches!(
                            s.as_deref(),
                            None | Some("http" | "https" | "mailto" | "tel")
                        ),
                        "scheme {s:?}: {at}"
                    );
                }
            }
            if t.name == "a" {
                let href = t.attrs.iter().find(|(n, _)| n == "href").map(|(_, v)| v);
                if href.is_some_and(|h| h.starts_with("http:") || h.starts_with("https:")) {
                    assert!(
                        t.attrs
                            .iter()
                            .any(|(n, v)| n == "rel" && v == "noopener noreferrer"),
                        "external link without rel: {at}"
                    );
                }
            }
        }
    }
    pages
}

fn build_ok(s: &TestSite) -> std::path::PathBuf {
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out
}

fn assert_error(r: &Run, line: &str, hint: &str) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(line), "no {line:?} in\n{}", r.stderr);
    assert!(r.stderr.contains(hint), "no hint {hint:?} in\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn the_unchanged_fixture_passes_the_page_checks() {
    let s = TestSite::copy("minimal");
    let out = build_ok(&s);
    assert!(assert_no_active_content(&out) >= 11);
}

#[test]
fn page_checks_catch_what_they_look_for() {
    // The checks must be able to fail: feed them a page with each problem.
    for bad in [
        "<script>alert(1)</script>",
        "<p onclick=\"x()\">a</p>",
        "<img src=x onerror=alert(1)>",
        "<a href=\" JavaScript:alert(1)\">x</a>",
        "<a href='data:text/html,x'>x</a>",
        "<a href=\"https://evil.example/\">x</a>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<p style=\"background:url(x)\">a</p>",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), bad).unwrap();
        let caught = std::panic::catch_unwind(|| assert_no_active_content(dir.path()));
        assert!(caught.is_err(), "not caught: {bad}");
    }
}

#[test]
fn hostile_yaml_and_front_matter_values_are_escaped_on_every_page() {
    let s = TestSite::copy("minimal");
    for (file, from, prefix) in [
        ("data/site.yaml", "name: LOV-portalen", "name:"),
        (
            "data/site.yaml",
            "description: Allt en ny utförare behöver om IT-system, behörigheter och support.",
            "description:",
        ),
        ("data/site.yaml", "  name: Portalredaktionen", "  name:"),
        (
            "data/site.yaml",
            "  responsible: Portalredaktionen",
            "  responsible:",
        ),
        (MUNI, "name: Testby", "name:"),
        (
            MUNI,
            "organisation: Vård- och omsorgsförvaltningen",
            "organisation:",
        ),
        (MUNI, "summary: En påhittad kommun för tester.", "summary:"),
        (MUNI, "    name: Ansvarig chef hos utföraren", "    name:"),
        (MUNI, "    purpose: Dokumentation", "    purpose:"),
        (MUNI, "    name: IT-helpdesk", "    name:"),
        (
            MUNI,
            "        scope: Endast lösenord i Treserva.",
            "        scope:",
        ),
        (MUNI, "        text: Windows 10", "        text:"),
        (MUNI, "    title: Servicefönster Lifecare", "    title:"),
        (MUNI, "    name: Beställ behörighet", "    name:"),
        (MUNI, "    text: Installerar trygghetslarm.", "    text:"),
        (MUNI, "    title: Gå webbutbildningen", "    title:"),
        (
            "data/system.yaml",
            "    description: Dokumentation inom vård och omsorg.",
            "    description:",
        ),
        (
            "data/providers/omsorg-ab.yaml",
            "name: Omsorg Test AB",
            "name:",
        ),
        (ROUTINE, "title: Beställa behörighet", "title:"),
        (
            ROUTINE,
            "summary: Så beställer du behörighet till Treserva.",
            "summary:",
        ),
        (ROUTINE, "drawn_up_by: Test Testsson", "drawn_up_by:"),
        (
            ROUTINE,
            "registration_number: G 2018/000236-1",
            "registration_number:",
        ),
    ] {
        let value = yaml_payload(prefix.trim().trim_end_matches(':'));
        s.replace(file, from, format!("{prefix} {value}"));
    }
    let out = build_ok(&s);
    assert_no_active_content(&out);
    // The text is there, as text.
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&gt;&lt;img src=x onerror=alert(2)&gt;";
    for page in [
        "index.html",
        "testby/index.html",
        "testby/behorighet/index.html",
        "testby/checklista/index.html",
        "system/treserva/index.html",
        "utforare/omsorg-ab/index.html",
        "tillganglighet/index.html",
    ] {
        let html = s.read(&format!("public/{page}"));
        assert!(
            html.contains(escaped),
            "{page} does not show the escaped text"
        );
        assert!(!html.contains("<img src=x"), "{page}");
    }
    // Inside attributes (the page title and description, the search data) too.
    let home = s.read("public/testby/index.html");
    assert!(home.contains("<title>name &lt;script&gt;"), "title");
    assert!(home.contains("<meta name=\"description\" content=\"description &lt;script&gt;"));
    assert!(home.contains("data-search-municipality=\"testby|name &lt;script&gt;"));
}

#[test]
fn script_links_in_raw_html_are_errors_where_they_are_written() {
    let s = TestSite::copy("minimal");
    s.replace(
        ROUTINE,
        "| Beställ | Chefen |",
        "| Beställ | <a href=\"javascript:alert(5)\">a</a> <a href=\" JaVaScRiPt:alert(6)\">b</a> <a href=\"jav&#x09;ascript:alert(7)\">c</a> |",
    );
    let out = s.path("public");
    let r = s.build(&out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for col in [22, 58, 95] {
        let line = format!(
            "{ROUTINE}:17:{col}: fel: länkadresser som börjar med \"javascript:\" är inte tillåtna"
        );
        assert!(r.stderr.contains(&line), "no {line:?} in\n{}", r.stderr);
    }
    assert!(!out.exists());
}

#[test]
fn raw_html_in_markdown_is_sanitised() {
    let s = TestSite::copy("minimal");
    s.replace(
        ROUTINE,
        "# Så går det till",
        "# Så går det till\n\n\
         <script>alert(1)</script>\n\n\
         <div onclick=\"alert(2)\" style=\"position:fixed\">Klicka <b onmouseover=alert(3)>här</b></div>\n\n\
         Inline <img src=x onerror=alert(4)> och text.\n\n\
         <iframe src=\"https://evil.example/\"></iframe><form action=\"https://evil.example/\"><input name=p></form>\n\n\
         <svg onload=alert(8)></svg><style>body{display:none}</style><object data=x></object>\n\n\
         <a href=\"https://www.testby.se/\" target=\"_blank\" onclick=\"alert(9)\">Kommunens webb</a>\n\n\
         <p title='\"><script>alert(10)</script>'>Titel</p>\n\n\
         [Vanlig länk](https://www.testby.se/omsorg) och <https://www.testby.se/auto>.\n",
    );
    let out = build_ok(&s);
    assert!(assert_no_active_content(&out) >= 11);
    let page = s.read("public/testby/behorighet/index.html");
    for n in [1, 2, 3, 4, 8, 9] {
        assert!(
            !page.contains(&format!("alert({n})")),
            "alert({n}) survived"
        );
    }
    for gone in [
        "onclick",
        "onerror",
        "onmouseover",
        "position:fixed",
        "evil.example",
        "target=",
    ] {
        assert!(!page.contains(gone), "{gone} survived");
    }
    // A breakout attempt inside an allowed attribute stays an escaped value.
    assert!(
        page.contains("<p title=\"&quot;&gt;&lt;script&gt;alert(10)&lt;/script&gt;\">Titel</p>")
    );
    for kept in [
        "<div>Klicka här</div>",
        "<a href=\"https://www.testby.se/\" rel=\"noopener noreferrer\">Kommunens webb</a>",
        "<a href=\"https://www.testby.se/omsorg\" rel=\"noopener noreferrer\">Vanlig länk</a>",
        "<a href=\"https://www.testby.se/auto\" rel=\"noopener noreferrer\">",
        "Titel",
    ] {
        assert!(page.contains(kept), "{kept} missing from\n{page}");
    }
}

#[test]
fn dangerous_link_addresses_are_refused_where_they_are_written() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            MUNI,
            "url: https://e-tjanster.testby.se/behorighet",
            "url: \"data:text/html,<script>alert(1)</script>\"",
            // The column of the text inside the quotes.
            "data/kommuner/testby.yaml:64:11: fel: eservices[0].url: adresser som börjar med \"data:\" är inte tillåtna",
        ),
        (
            MUNI,
            "url: https://e-tjanster.testby.se/behorighet",
            "url: vbscript:msgbox(1)",
            "data/kommuner/testby.yaml:64:10: fel: eservices[0].url: adresser som börjar med \"vbscript:\" är inte tillåtna",
        ),
        (
            MUNI,
            "url: https://e-tjanster.testby.se/behorighet",
            "url: \" JaVa\\tScRiPt:alert(1)\"",
            // An escape sequence hides the text: the entry is where it is found.
            "data/kommuner/testby.yaml:60:5: fel: eservices[0]: adresser som börjar med \"javascript:\" är inte tillåtna",
        ),
        (
            "data/site.yaml",
            "  report_email: tillganglighet@exempel.se",
            "  report_email: tillganglighet@exempel.se\n  report_url: javascript:alert(1)",
            "data/site.yaml:10:15: fel: accessibility.report_url: adresser som börjar med \"javascript:\" är inte tillåtna",
        ),
        (
            ROUTINE,
            "(@/system/treserva/)",
            "(data:text/html,hej)",
            "content/testby/behorighet.md:13:82: fel: länkadresser som börjar med \"data:\" är inte tillåtna",
        ),
        (
            ROUTINE,
            "(@/system/treserva/)",
            "(VBScript:msgbox(1))",
            "content/testby/behorighet.md:13:82: fel: länkadresser som börjar med \"vbscript:\" är inte tillåtna",
        ),
        (
            ROUTINE,
            "(@/system/treserva/)",
            "(jav&#x09;ascript:alert(1))",
            // The written address differs from the decoded one: the link's start.
            "content/testby/behorighet.md:13:71: fel: länkadresser som börjar med \"javascript:\" är inte tillåtna",
        ),
        (
            ROUTINE,
            "| Beställ | Chefen |",
            "| Beställ | ![bild](javascript:alert(1)) |",
            "content/testby/behorighet.md:17:21: fel: länkadresser som börjar med \"javascript:\" är inte tillåtna",
        ),
        (
            ROUTINE,
            "| Beställ | Chefen |",
            "| Beställ | <vbscript:msgbox(1)> |",
            "content/testby/behorighet.md:17:14: fel: länkadresser som börjar med \"vbscript:\" är inte tillåtna",
        ),
    ];
    let mut failures = Vec::new();
    for (file, from, to, error) in cases {
        let s = TestSite::copy("minimal");
        s.replace(file, from, to);
        let r = s.run(&["check"]);
        if r.code != 1 || !r.stderr.contains(error) || r.stderr.contains("panicked") {
            failures.push(format!(
                "{to}: expected {error:?}, got {}:\n{}",
                r.code, r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// Personal identity numbers. Check digits (Luhn over the ten-digit form):
//   19121212-1212, 811218-9876, 701063-2391 (samordningsnummer, day 63).
//   556677-8899 and 559900-1234 are organisation numbers (month 66 / 99).

#[test]
fn personal_numbers_stop_the_build_masked_wherever_they_are() {
    let s = TestSite::copy("minimal");
    s.replace(
        MUNI,
        "summary: En påhittad kommun för tester.",
        "summary: Ring 811218-9876 i dag.",
    );
    s.replace(
        ROUTINE,
        "drawn_up_by: Test Testsson",
        "drawn_up_by: Test Testsson 701063-2391",
    );
    s.replace(
        ROUTINE,
        "| Beställ | Chefen |",
        "| Beställ | 191212121212 |",
    );
    s.replace(
        ROUTINE,
        "Chefen beställer via",
        "Chefen (nr19121212–1212x) beställer via",
    );
    s.replace(
        "data/system.yaml",
        "name: Treserva",
        "name: \"Treserva 121212+1212\"",
    );
    let out = s.path("public");
    let r = s.build(&out, &[]);
    for line in [
        "data/kommuner/testby.yaml:3:15: fel: personnummer 811218-**** får inte publiceras",
        "content/testby/behorighet.md:4:28: fel: samordningsnummer 701063-**** får inte publiceras",
        "content/testby/behorighet.md:17:13: fel: personnummer 19121212**** får inte publiceras",
        "content/testby/behorighet.md:13:11: fel: personnummer 19121212–**** får inte publiceras",
        "data/system.yaml:3:21: fel: personnummer 121212+**** får inte publiceras",
    ] {
        assert_error(&r, line, "data/tillatna-personnummer.yaml");
    }
    // The full numbers never appear in the output of the run, and nothing was written.
    for full in ["9876", "2391", "191212121212", "1212x", "+1212"] {
        assert!(!r.stderr.contains(full), "{full} in\n{}", r.stderr);
    }
    assert!(!out.exists());
}

#[test]
fn organisation_and_phone_numbers_and_the_word_are_not_flagged() {
    let s = TestSite::copy("minimal");
    s.replace(
        MUNI,
        "summary: En påhittad kommun för tester.",
        "summary: \"Org.nr 556677-8899 och 212000-1355, tel. 070-123 45 67, 0701234567, ange personnummer och samordningsnummer, dnr 2018-000236\"",
    );
    s.replace(
        ROUTINE,
        "| Beställ | Chefen |",
        "| Beställ | Chefen, [ring](tel:0701234567), org.nr 5566778899, personnummer (ÅÅÅÅMMDD-XXXX) |",
    );
    let out = build_ok(&s);
    assert!(s.read("public/index.html").contains("556677-8899"));
    assert!(tree(&out).len() > 10);
}

const ALLOW: &str = "data/tillatna-personnummer.yaml";

#[test]
fn an_allow_list_entry_allows_that_number_in_that_file_only() {
    let s = TestSite::copy("minimal");
    s.replace(
        ROUTINE,
        "| Beställ | Chefen |",
        "| Beställ | Testperson 19121212-1212 |",
    );
    s.write(
        ALLOW,
        "allow:\n  - number: \"19121212-1212\"\n    file: content/testby/behorighet.md\n    reason: Skatteverkets testpersonnummer\n",
    );
    build_ok(&s);
    assert!(
        s.read("public/testby/behorighet/index.html")
            .contains("Testperson 19121212-1212")
    );

    // The same number in another file is still an error.
    s.replace(
        MUNI,
        "summary: En påhittad kommun för tester.",
        "summary: Testperson 19121212-1212.",
    );
    let r = s.run(&["check"]);
    assert_error(
        &r,
        "data/kommuner/testby.yaml:3:21: fel: personnummer 19121212-**** får inte publiceras",
        "tillatna-personnummer",
    );
    assert_eq!(r.stderr.matches(": fel: ").count(), 1, "{}", r.stderr);
}

#[test]
fn stale_and_invalid_allow_list_entries_are_errors() {
    let s = TestSite::copy("minimal");
    s.write(
        ALLOW,
        "allow:\n\
         \x20 - number: \"850709-9805\"\n    file: content/testby/behorighet.md\n    reason: Skatteverkets testpersonnummer\n\
         \x20 - number: \"850709-9806\"\n    file: content/testby/behorighet.md\n    reason: fel kontrollsiffra\n\
         \x20 - number: \"811218-9876\"\n    file: content/testby/finns-inte.md\n    reason: test\n\
         \x20 - number: \"701063-2391\"\n    file: data/kommuner/testby.yaml\n    reason: \"\"\n",
    );
    s.replace(
        MUNI,
        "summary: En påhittad kommun för tester.",
        "summary: Nr 701063-2391.",
    );
    let r = s.run(&["check"]);
    for line in [
        "data/tillatna-personnummer.yaml:2:14: fel: posten är inaktuell: 850709-**** förekommer inte i content/testby/behorighet.md",
        "data/tillatna-personnummer.yaml:5:14: fel: \"850709-****\" är inte ett personnummer eller samordningsnummer",
        "data/tillatna-personnummer.yaml:9:11: fel: filen content/testby/finns-inte.md som anges för 811218-**** finns inte",
        "data/tillatna-personnummer.yaml:11:14: fel: posten för 701063-**** saknar motivering (reason)",
    ] {
        assert_error(&r, line, "");
    }
    for full in ["9805", "9806", "9876", "2391"] {
        assert!(!r.stderr.contains(full), "{full} in\n{}", r.stderr);
    }
}
