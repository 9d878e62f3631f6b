//! Times `serve`'s cached rebuild in-process, without the watcher: builds a portal once
//! with a [`RenderCache`], then appends a line to one routine and rebuilds, N times.
//!
//!     cargo run --release --example rebuild -- DIR [ROUNDS] [EDIT] [check]
//!
//! EDIT is `line` (default: a line of known words), `word` (a line with a word the
//! corpus has never had, so the search vocabulary changes), `heading` (a new heading,
//! so the search page's A–Ö register changes) or `page` (a copy of the routine added,
//! then removed again, in turns).
//!
//! With `check` after EDIT, every rebuild's files are compared with a fresh build's.
//!
//! DIR is copied to a temporary folder first (it is not changed). Prints each stage of
//! the first build and the median rebuild.

use lovportal::pipeline::{self, Options};
use lovportal::render::{Collect, RenderCache};
use lovportal::urls::LinkStyle;
use std::path::Path;
use std::time::Instant;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let src = args.next().expect("usage: rebuild DIR [ROUNDS]");
    let rounds: usize = args.next().map(|r| r.parse().unwrap()).unwrap_or(10);
    let edit = args.next().unwrap_or_else(|| "line".into());
    assert!(
        ["line", "word", "heading", "page"].contains(&edit.as_str()),
        "EDIT: line, word, heading or page"
    );
    let check = args.next().is_some_and(|a| a == "check");
    let work = tempfile::tempdir().unwrap();
    for d in ["data", "content", "themes"] {
        let p = Path::new(&src).join(d);
        if p.is_dir() {
            copy_dir(&p, &work.path().join(d));
        }
    }
    let opts = Options {
        root: work.path().to_path_buf(),
        links: LinkStyle::Base("/".into()),
        now: pipeline::parse_now(Some("2026-11-23T10:00")).unwrap(),
    };
    let mut cache = RenderCache::default();
    let t = Instant::now();
    let report = pipeline::build_into(&opts, &mut cache, &Collect::default()).expect("build");
    println!(
        "first build: {} ms, {} pages, {:?}",
        t.elapsed().as_millis(),
        report.pages,
        report.timings
    );
    let mut routine = None;
    for e in walk(&work.path().join("content")) {
        if e.extension().is_some_and(|x| x == "md") {
            routine = Some(e);
            break;
        }
    }
    let routine = routine.expect("a routine");
    let mut times = Vec::new();
    for i in 0..rounds {
        let mut text = std::fs::read_to_string(&routine).unwrap();
        match edit.as_str() {
            "word" => {
                text.push_str(&format!("\nRedigerad rad med ordet xq{i}rutinord.\n"));
                std::fs::write(&routine, text).unwrap();
            }
            "heading" => {
                text.push_str(&format!("\n# Ny rubrik {i}\n\nRedigerad rad.\n"));
                std::fs::write(&routine, text).unwrap();
            }
            "page" => {
                let copy = routine.with_file_name("kopierad-rutin.md");
                if i % 2 == 0 {
                    std::fs::write(copy, text).unwrap();
                } else {
                    std::fs::remove_file(copy).unwrap();
                }
            }
            _ => {
                text.push_str(&format!("\nRedigerad rad {i}.\n"));
                std::fs::write(&routine, text).unwrap();
            }
        }
        let t = Instant::now();
        let sink = Collect::default();
        let report = pipeline::build_into(&opts, &mut cache, &sink).expect("rebuild");
        let files = sink.into_files();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let load = cache.load_stats();
        println!(
            "rebuild {i}: {ms:.1} ms, {} of {} pages rendered, {} files, {} of {} sources read, {} parsed, {} checked, {:?}",
            cache.stats.pages_rendered,
            report.pages,
            files.len(),
            load.read,
            load.files,
            load.parsed,
            load.checked,
            report.timings
        );
        times.push(ms);
        if check {
            let mut cached: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .map(|(p, b)| (p, std::sync::Arc::unwrap_or_clone(b)))
                .collect();
            cached.sort_by(|a, b| a.0.cmp(&b.0));
            let fresh = pipeline::build(&opts).expect("fresh build").files;
            assert!(cached == fresh, "rebuild {i} differs from a fresh build");
            println!(
                "rebuild {i}: the same {} files as a fresh build",
                fresh.len()
            );
        }
    }
    times.sort_by(f64::total_cmp);
    if !times.is_empty() {
        println!(
            "rebuilds: {}, median {:.1} ms, slowest {:.1} ms",
            times.len(),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
