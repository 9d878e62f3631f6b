//! Test harness for fixture sites: copy a fixture to a temp dir, change files, run the
//! real `lovportal` binary, and read what it wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A copy of a fixture site in a temporary directory.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestSite {
    pub fn copy(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixtures().join(name), dir.path());
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Replaces the first `from` in `rel` with `to`; panics if `from` is not there.
    pub fn replace(&self, rel: &str, from: &str, to: impl AsRef<[u8]>) {
        let bytes = std::fs::read(self.path(rel)).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let i = text
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} not in {rel}"));
        let mut out = bytes[..i].to_vec();
        out.extend_from_slice(to.as_ref());
        out.extend_from_slice(&bytes[i + from.len()..]);
        self.write(rel, out);
    }

    /// Runs `lovportal <args> --root <site>` with a fixed `--now`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(["--root".into(), self.root().display().to_string()]);
        if !args.contains(&"--now") && matches!(args.first(), Some(&"build") | Some(&"check")) {
            all.extend(["--now".into(), "2026-11-23T10:00".into()]);
        }
        lovportal(&all)
    }

    pub fn build(&self, out: &Path, extra: &[&str]) -> Run {
        let o = out.display().to_string();
        let mut args = vec!["build", "--output", o.as_str()];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

pub fn lovportal(args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_lovportal"))
        .args(args)
        .output()
        .expect("run lovportal");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}
