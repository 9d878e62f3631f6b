//! The benchmark still works: a 10 x 5 corpus from the generator builds with the real
//! binary, and `scripts/bench --smoke` measures it. The figures come from full runs of
//! `scripts/bench` (see the README), never from here.

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::Command;

fn small() -> corpus::Options {
    corpus::Options {
        municipalities: 10,
        routines: 5,
        ..corpus::Options::default()
    }
}

#[test]
fn generated_corpus_builds_without_errors_or_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let stats = corpus::generate(dir.path(), &small()).unwrap();
    assert_eq!((stats.municipalities, stats.routines), (10, 50));
    assert!(
        stats.words >= 50 * 600,
        "routines are 600-1,500 words: {stats:?}"
    );
    let out = dir.path().join("out");
    let r = Command::new(env!("CARGO_BIN_EXE_lovportal"))
        .args(["build", "--now", "2026-01-15", "--root"])
        .arg(dir.path().join("lovportal"))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(" 0 varningar."), "{stderr}");
    let pages = count_html(&out);
    assert!(pages > 50, "{pages} pages");
    // The comparison sites hold the same texts.
    for f in ["hugo/content/k001", "zola/content/k001", "mdbook/src/k001"] {
        assert_eq!(
            std::fs::read_dir(dir.path().join(f)).unwrap().count(),
            6,
            "{f}"
        );
    }
}

#[test]
fn generator_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let opts = corpus::Options {
        municipalities: 3,
        routines: 2,
        flavours: vec![corpus::Flavour::Lovportal, corpus::Flavour::Zola],
        ..corpus::Options::default()
    };
    corpus::generate(a.path(), &opts).unwrap();
    corpus::generate(b.path(), &opts).unwrap();
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(ta.len() > 10);
    assert!(ta == tb, "two runs with the same options differ");
}

#[test]
fn bench_script_runs_on_a_small_corpus() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 missing: scripts/bench needs it for its report; skipped");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let corpora = work.path().join("corpora/10x5");
    corpus::generate(
        &corpora,
        &corpus::Options {
            flavours: vec![corpus::Flavour::Lovportal],
            ..small()
        },
    )
    .unwrap();
    std::fs::write(corpora.join(".complete"), "").unwrap();
    let report = work.path().join("results.md");
    let r = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench"))
        .args([
            "--smoke",
            "--bin",
            env!("CARGO_BIN_EXE_lovportal"),
            "--work",
        ])
        .arg(work.path())
        .arg("--out")
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    let text = std::fs::read_to_string(&report).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("| 10x5 | disk | lovportal |"))
        .unwrap_or_else(|| panic!("no lovportal row in:\n{text}"));
    let pages: usize = row.split('|').nth(4).unwrap().trim().parse().unwrap();
    assert!(pages > 50, "{row}");
    assert!(text.contains("lovportal's stages"), "{text}");
}

#[test]
fn links_are_translated_for_each_tool() {
    let b = "Se [A](@/k001/a/) och [K](@/k001/#kontakter) och [S](@/system/tes/).";
    assert_eq!(
        corpus::translate_links(b, |t| format!("/{t}")),
        "Se [A](/k001/a/) och [K](/k001/#kontakter) och [S](/system/tes/)."
    );
    assert_eq!(
        corpus::split_target("k001/#kontakter"),
        ("k001", "", "kontakter")
    );
    assert_eq!(corpus::split_target("system/tes/"), ("system", "tes", ""));
}

fn count_html(dir: &Path) -> usize {
    tree(dir).keys().filter(|p| p.ends_with(".html")).count()
}

fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}
