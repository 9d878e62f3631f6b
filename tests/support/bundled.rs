//! The bundled demo site (`content/` and `data/` of this crate), built once per test
//! binary with a fixed `--now`, for tests that look at the real output.
//!
//! ```ignore
//! #[path = "support/bundled.rs"]
//! mod bundled;
//! let dir = bundled::site();
//! ```

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The instant every bundled build uses as "now" (Stockholm time).
pub const NOW: &str = "2026-11-23T10:00";

/// One page of each kind, by path inside the output (directories mean their index.html).
pub const PAGE_TYPES: &[(&str, &str)] = &[
    ("home", ""),
    ("municipality", "molndal/"),
    ("municipality with maintenance windows", "kavlinge/"),
    ("routine", "molndal/inloggning/"),
    ("system", "system/lifecare-utforare/"),
    ("system list", "system/"),
    ("checklist", "molndal/checklista/"),
    ("provider", "utforare/vardhjalpen-exempel/"),
    ("search", "sok/"),
    ("404", "404.html"),
    ("accessibility statement", "tillganglighet/"),
];

/// Builds the bundled site into a folder under cargo's per-target temp dir (once per
/// test binary) and returns that folder. The folder is named after the test binary, so
/// two test binaries never build over each other.
pub fn site() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("current exe");
        let name = exe
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("tests")
            .to_string();
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bundled-{name}"));
        let run = Command::new(env!("CARGO_BIN_EXE_lovportal"))
            .args(["build", "-q", "--now", NOW, "--root"])
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("--output")
            .arg(&out)
            .output()
            .expect("run lovportal");
        assert!(
            run.status.success(),
            "building the bundled site failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    })
}

/// Every `.html` file under `dir`, as paths relative to it, sorted.
pub fn html_pages(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.extension().is_some_and(|x| x == "html") {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every file under `dir` whose name ends with `suffix`, relative to `dir`, sorted.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, suffix: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, suffix, out);
            } else if p.to_string_lossy().ends_with(suffix) {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, suffix, &mut out);
    out.sort();
    out
}
