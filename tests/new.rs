//! `lovportal init`, `new kommun` and `new rutin`: skeletons that pass `check` with no
//! warnings and build as they are, and never replace a file.

#[path = "support/site.rs"]
mod site;

use site::{TestSite, lovportal};

fn run(args: &[&str]) -> site::Run {
    lovportal(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

#[test]
fn init_creates_a_portal_that_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ny-portal");
    let d = dir.display().to_string();
    let r = run(&["init", &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["check", "--root", &d, "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(", 0 varningar."), "{}", r.stderr);
    let r = run(&["build", "--root", &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        dir.join("public/exempelkommun/kom-igang/index.html")
            .is_file()
    );
    // Not over an existing portal.
    let r = run(&["init", &d]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("finns redan och är inte tom"),
        "{}",
        r.stderr
    );
}

#[test]
fn new_kommun_and_rutin_check_clean_and_never_overwrite() {
    let s = TestSite::copy("minimal");
    let root = s.root().display().to_string();
    let r = run(&["new", "--root", &root, "kommun", "nyby"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let yaml = s.read("data/kommuner/nyby.yaml");
    assert!(yaml.contains("# Kommunens namn"), "commented: {yaml}");
    let r = run(&["new", "--root", &root, "rutin", "nyby", "inloggning"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.read("content/nyby/inloggning.md").starts_with("---\n"));
    let r = s.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("nyby"),
        "no warning about the new files: {}",
        r.stderr
    );
    let out = s.path("public");
    assert_eq!(s.build(&out, &[]).code, 0);
    assert!(out.join("nyby/inloggning/index.html").is_file());

    // Refusals: an existing file, an unknown municipality, a bad slug.
    let before = s.read("data/kommuner/nyby.yaml");
    s.write("data/kommuner/nyby.yaml", "name: ändrad\n");
    let r = run(&["new", "--root", &root, "kommun", "nyby"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("finns redan och skrivs inte över"),
        "{}",
        r.stderr
    );
    assert_eq!(s.read("data/kommuner/nyby.yaml"), "name: ändrad\n");
    s.write("data/kommuner/nyby.yaml", before);
    let r = run(&["new", "--root", &root, "rutin", "nyby", "inloggning"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&["new", "--root", &root, "rutin", "saknas", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("lovportal new kommun saknas"),
        "{}",
        r.stderr
    );
    let r = run(&["new", "--root", &root, "kommun", "Mölndal"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ingen giltig identitet"), "{}", r.stderr);
}
