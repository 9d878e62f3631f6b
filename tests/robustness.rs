//! No input file makes `lovportal` panic, hang or use unbounded memory. Each hostile
//! file is written into a copy of the minimal fixture and checked with the real binary
//! under a 2 GB address-space limit and a 20 s watchdog: it must give exit code 0 or 1,
//! the expected message, and no panic.

#[path = "support/site.rs"]
mod site;

use site::TestSite;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Limited {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

/// `lovportal check` (or `build`) under `ulimit -v 2000000`, killed after 20 s.
fn run_limited(s: &TestSite, cmd: &str) -> Limited {
    let root = s.root().display().to_string();
    let mut child = Command::new("sh")
        .args([
            "-c",
            "ulimit -v 2000000; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_lovportal"),
            cmd,
            "--now",
            "2026-11-23T10:00",
            "--root",
            &root,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        s.push_str(&String::from_utf8_lossy(&bytes));
        s
    });
    let start = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Limited {
        code,
        stderr: reader.join().unwrap(),
        elapsed: start.elapsed(),
    }
}

/// Writes `bytes` to `file` in a fresh copy of the fixture and checks the outcome.
fn case(name: &str, file: &str, bytes: &[u8], code: i32, expect: &str) -> Option<String> {
    let s = TestSite::copy("minimal");
    s.write(file, bytes);
    outcome(name, &s, code, expect)
}

fn outcome(name: &str, s: &TestSite, code: i32, expect: &str) -> Option<String> {
    let r = run_limited(s, "check");
    let problem = if r.code.is_none() {
        Some(format!(
            "killed after {:?} (hang, or out of memory)",
            r.elapsed
        ))
    } else if r.stderr.contains("panicked") || r.stderr.contains("memory allocation") {
        Some("a panic or allocation failure".into())
    } else if r.code != Some(code) {
        Some(format!("exit code {:?} instead of {code}", r.code))
    } else if !r.stderr.contains(expect) {
        Some(format!("no {expect:?}"))
    } else {
        None
    };
    problem.map(|p| {
        format!(
            "{name}: {p}\n--- stderr (start) ---\n{}",
            r.stderr.chars().take(1500).collect::<String>()
        )
    })
}

const SYSTEMS: &str = "data/system.yaml";
const MUNI: &str = "data/kommuner/testby.yaml";
const ROUTINE: &str = "content/testby/behorighet.md";

fn laughs(levels: usize, width: usize) -> String {
    let mut out = format!("a0: &a0 [{}]\n", vec!["lol"; width].join(", "));
    for i in 1..levels {
        out.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); width].join(", ")
        ));
    }
    out
}

#[test]
fn hostile_yaml_files_get_a_clear_error_quickly() {
    let front = std::fs::read_to_string(site::fixtures().join("minimal").join(ROUTINE)).unwrap();
    let front = &front[..front.find("# Så går").unwrap()];
    // Aliases defined inside one value of a field whose type buffers what it is given
    // (the allow-list's number), so serde must expand them to see the type.
    let mut bomb_items = vec![format!("&a0 [{}]", ["lol"; 10].join(", "))];
    for i in 1..40 {
        bomb_items.push(format!(
            "&a{i} [{}]",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let inline_bomb = format!(
        "allow:\n  - number: [{}]\n    file: data/site.yaml\n    reason: x\n",
        bomb_items.join(", ")
    );
    let merge_bomb = {
        let mut s = "m0: &m0 {k0: lol, k1: lol}\n".to_string();
        for i in 1..40 {
            s.push_str(&format!(
                "m{i}: &m{i} {{<<: [{}], z{i}: 1}}\n",
                vec![format!("*m{}", i - 1); 10].join(", ")
            ));
        }
        s + "systems:\n  - <<: *m39\n    id: x\n"
    };
    let cases: Vec<(&str, &str, Vec<u8>, i32, &str)> = vec![
        (
            "deep flow sequence",
            SYSTEMS,
            format!("systems: {}", "[".repeat(100_000)).into_bytes(),
            1,
            "data/system.yaml:1:74: fel: för djupt nästlad YAML",
        ),
        (
            "deep flow mapping",
            MUNI,
            format!("name: {}", "{a: ".repeat(100_000)).into_bytes(),
            1,
            "data/kommuner/testby.yaml:1:259: fel: för djupt nästlad YAML",
        ),
        (
            "deep block sequence",
            SYSTEMS,
            format!("systems:\n{}x\n", "- ".repeat(1_000_000)).into_bytes(),
            1,
            "data/system.yaml:2:127: fel: för djupt nästlad YAML",
        ),
        (
            "deep front matter",
            ROUTINE,
            format!("---\ntitle: {}\n---\n", "[".repeat(100_000)).into_bytes(),
            1,
            "content/testby/behorighet.md:2:72: fel: för djupt nästlad YAML",
        ),
        (
            "billion laughs, deeper",
            SYSTEMS,
            format!("{}systems: [*a29]\n", laughs(30, 10)).into_bytes(),
            1,
            "data/system.yaml:1:1: fel:",
        ),
        (
            "billion laughs, inline",
            "data/tillatna-personnummer.yaml",
            inline_bomb.into_bytes(),
            1,
            "för många upprepningar via YAML-alias",
        ),
        (
            "merge-key laughs",
            SYSTEMS,
            merge_bomb.into_bytes(),
            1,
            "data/system.yaml:1:1: fel: okänt fält `m0`",
        ),
        (
            "5 MiB file",
            MUNI,
            format!("name: {}\n", "a".repeat(5 << 20)).into_bytes(),
            1,
            "data/kommuner/testby.yaml:1:1: fel: filen är för stor (5242887 byte, högst 4194304)",
        ),
        (
            "invalid UTF-8",
            SYSTEMS,
            b"systems:\n  - id: tr\xe4serva\n".to_vec(),
            1,
            "data/system.yaml:2:11: fel: filen är inte UTF-8",
        ),
        (
            "NUL byte",
            ROUTINE,
            format!("{front}Text\0mer\n").into_bytes(),
            1,
            "content/testby/behorighet.md:11:5: fel: filen innehåller ett NUL-tecken",
        ),
        (
            "empty file",
            MUNI,
            Vec::new(),
            1,
            "data/kommuner/testby.yaml:1:1: fel: filen är tom",
        ),
        (
            "only whitespace",
            SYSTEMS,
            b"\n\n   \n".to_vec(),
            1,
            "data/system.yaml:1:1: fel: filen är tom",
        ),
        (
            "empty routine",
            ROUTINE,
            Vec::new(),
            1,
            "content/testby/behorighet.md:1:1: fel: rutinen saknar inledande metadata",
        ),
        (
            "unterminated front matter",
            ROUTINE,
            b"---\ntitle: x\n".to_vec(),
            1,
            "rutinen saknar inledande metadata",
        ),
        (
            "binary garbage",
            SYSTEMS,
            (0..=255u8).cycle().take(10_000).collect(),
            1,
            "data/system.yaml:2:118: fel: filen är inte UTF-8",
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, file, bytes, code, expect)| case(name, file, bytes, *code, expect))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn hostile_markdown_gets_an_error_or_builds_quickly() {
    let fixture = std::fs::read_to_string(site::fixtures().join("minimal").join(ROUTINE)).unwrap();
    let front = &fixture[..fixture.find("# Så går").unwrap()];
    let deep = "fel: texten är för djupt nästlad (mer än 100 nivåer";
    let cases: Vec<(&str, String, i32, &str)> = vec![
        ("nested quotes", "> ".repeat(100_000), 1, deep),
        ("nested lists", "- ".repeat(100_000) + "x", 1, deep),
        ("nested divs", "<div>".repeat(200_000), 1, deep),
        ("nested spans", "Text <span>".repeat(100_000), 1, deep),
        (
            "nested emphasis",
            "*".repeat(50_000) + "a" + &"*".repeat(50_000),
            1,
            deep,
        ),
        (
            "open brackets",
            "[".repeat(100_000) + "a" + &"](#x)".repeat(1000),
            0,
            "Inga fel",
        ),
        (
            "many numbers",
            "19121212-1212 ".repeat(100_000),
            1,
            "100000 fel",
        ),
        (
            "many bad links",
            "[a](javascript:x) ".repeat(20_000),
            1,
            "20000 fel",
        ),
        (
            "table of pipes",
            "|a".repeat(50_000) + "\n" + &"|-".repeat(50_000) + "\n",
            0,
            "Inga fel",
        ),
        ("unclosed comment", "<!--".repeat(100_000), 0, "Inga fel"),
    ];
    let mut failures = Vec::new();
    for (name, body, code, expect) in cases {
        let s = TestSite::copy("minimal");
        s.write(ROUTINE, format!("{front}{body}\n"));
        if let Some(f) = outcome(name, &s, code, expect) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bom_and_crlf_are_accepted_with_right_positions() {
    let s = TestSite::copy("minimal");
    for file in [MUNI, ROUTINE, SYSTEMS, "data/site.yaml"] {
        let text = s.read(file).replace('\n', "\r\n");
        s.write(file, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat());
    }
    let r = run_limited(&s, "build");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        s.read("public/testby/index.html")
            .contains("<title>Testby – LOV-portalen</title>")
    );
    // Positions are the same as with LF endings and no BOM.
    s.replace(MUNI, "    who: it\r\n", "    who: itt\r\n");
    let r = run_limited(&s, "check");
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("data/kommuner/testby.yaml:73:10: fel: okänd roll `itt`"),
        "{}",
        r.stderr
    );
    s.replace(MUNI, "    who: itt\r\n", "    who: it\r\n");
    s.replace(ROUTINE, "(@/system/treserva/)", "(@/system/treservaa/)");
    let r = run_limited(&s, "check");
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("content/testby/behorighet.md:13:82: fel: trasig intern länk"),
        "{}",
        r.stderr
    );
}

#[test]
fn directories_and_symlink_loops_where_files_belong() {
    let s = TestSite::copy("minimal");
    std::fs::remove_file(s.path(SYSTEMS)).unwrap();
    std::fs::create_dir(s.path(SYSTEMS)).unwrap();
    let fail = outcome(
        "directory as data/system.yaml",
        &s,
        1,
        "data/system.yaml:1:1: fel: filen kan inte läsas",
    );
    assert!(fail.is_none(), "{}", fail.unwrap());

    let s = TestSite::copy("minimal");
    let content = s.path("content");
    std::os::unix::fs::symlink("loop-b", content.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", content.join("loop-b")).unwrap();
    std::os::unix::fs::symlink(".", content.join("testby/self")).unwrap();
    std::os::unix::fs::symlink("..", content.join("testby/up")).unwrap();
    std::os::unix::fs::symlink("gone.md", content.join("testby/dangling.md")).unwrap();
    std::fs::create_dir(content.join("testby/folder.md")).unwrap();
    std::os::unix::fs::symlink("../kommuner", s.path("data/kommuner/loop.yaml")).unwrap();
    let fail = outcome("symlink loops under content/", &s, 0, "Inga fel");
    assert!(fail.is_none(), "{}", fail.unwrap());
}

#[test]
fn the_watchdog_and_panic_checks_can_fail() {
    // A site root that is a file: an I/O error (exit code 2), which `outcome` must
    // report as a problem rather than pass.
    let s = TestSite::copy("minimal");
    std::fs::remove_dir_all(s.path("data")).unwrap();
    assert!(outcome("no data", &s, 1, "x").is_some());
}
