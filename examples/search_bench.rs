//! Times the search stage on an already built site: reads the rendered pages back
//! (`extract_docs`, in parallel like the build), then builds the subject index and
//! the search index, and prints the time of each step (best of the repeats).
//!
//!     cargo run --release --example search_bench -- <output dir> [repeats] [step]
//!
//! `step` is `all` (default), `extract` or `index`, to profile one step alone, or
//! `cache`: time `IndexCache::build` after one routine's text changed (checked
//! against `build_index`). The
//! pages are the ones the build reads (`*/index.html` except `utforare/` and
//! `tillganglighet/`); the contact and e-service entries the build adds from the site
//! data are left out, so the index differs a little from the one in the output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lovportal::search::{DocKind, IndexCache, SearchDoc, build_index, extract_docs, subject_index};
use rayon::prelude::*;

fn pages(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            pages(root, &p, out);
        } else if p.file_name().is_some_and(|n| n == "index.html") {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel.contains('/')
                && !rel.starts_with("utforare/")
                && !rel.starts_with("tillganglighet/")
            {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(args.first().expect("usage: search_bench <output dir>"));
    let repeats: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let step = args.get(2).map(String::as_str).unwrap_or("all");
    let mut files = Vec::new();
    pages(&root, &root, &mut files);
    files.sort();
    let extract = |files: &[(String, Vec<u8>)]| -> Vec<SearchDoc> {
        files
            .par_iter()
            .map(|(p, b)| {
                extract_docs(
                    &String::from_utf8_lossy(b),
                    p.trim_end_matches("index.html"),
                )
            })
            .filter(|d| d.kind != DocKind::Page)
            .collect()
    };
    let docs = extract(&files);
    let (mut t_ex, mut t_sub, mut t_ix) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut bytes = 0;
    for _ in 0..repeats {
        if step == "all" || step == "extract" {
            let t = Instant::now();
            let d = extract(&files);
            t_ex = t_ex.min(t.elapsed());
            assert_eq!(d.len(), docs.len());
        }
        if step == "all" || step == "index" {
            let t = Instant::now();
            let s = subject_index(&docs);
            t_sub = t_sub.min(t.elapsed());
            std::hint::black_box(s);
            let t = Instant::now();
            let ix = build_index(&docs);
            t_ix = t_ix.min(t.elapsed());
            bytes = ix.iter().map(|f| f.1.len()).sum::<usize>();
        }
    }
    if step == "excerpt" {
        use lovportal::search::{IndexOptions, build_index_with};
        for chars in [2000, 600] {
            let opts = IndexOptions {
                excerpt_chars: chars,
                ..IndexOptions::default()
            };
            let mut best = Duration::MAX;
            let mut files = Vec::new();
            for _ in 0..repeats {
                let t = Instant::now();
                files = build_index_with(&docs, &opts);
                best = best.min(t.elapsed());
            }
            let size = |p: &str| -> (usize, usize) {
                let f: Vec<_> = files.iter().filter(|f| f.0.starts_with(p)).collect();
                (f.len(), f.iter().map(|f| f.1.len()).sum())
            };
            let (nf, bf) = size("sok/f");
            let (nc, bc) = size("sok/c");
            println!(
                "excerpt_chars {chars}: build_index {} ms; {nf} fragment files {bf} bytes, {nc} chunk files {bc} bytes, meta {} bytes",
                best.as_millis(),
                size("sok/meta").1
            );
        }
        return;
    }
    if step == "cache" {
        let mut cache = IndexCache::new();
        let t = Instant::now();
        let first = cache.build(&docs);
        println!("IndexCache, first build: {} ms", t.elapsed().as_millis());
        let mut docs = docs.clone();
        let r = docs
            .iter()
            .position(|d| d.kind == DocKind::Routine)
            .expect("a routine");
        for k in 0..repeats {
            docs[r].sections[0].text.push_str(&format!(
                " Tillagd mening nummer {k} om nyckelkortsrutiner."
            ));
            let t = Instant::now();
            let again = cache.build(&docs);
            let cached = t.elapsed();
            let t = Instant::now();
            let fresh = build_index(&docs);
            let full = t.elapsed();
            assert!(again == fresh, "IndexCache differs from build_index");
            assert!(again != first);
            println!(
                "one routine changed ({}): IndexCache::build {} ms, build_index {} ms",
                docs[r].url,
                cached.as_millis(),
                full.as_millis()
            );
        }
        return;
    }
    let ms = |d: Duration| {
        if d == Duration::MAX {
            "-".to_string()
        } else {
            format!("{} ms", d.as_millis())
        }
    };
    println!(
        "{} pages, {} docs: extract_docs {}, subject_index {}, build_index {} ({} bytes)",
        files.len(),
        docs.len(),
        ms(t_ex),
        ms(t_sub),
        ms(t_ix),
        bytes
    );
}
