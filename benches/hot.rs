//! Criterion benchmarks of the hot parts of a build, on text from the benchmark corpus
//! generator (examples/gen_corpus). Whole builds against other tools: `scripts/bench`.
//!
//! ```sh
//! cargo bench --bench hot
//! ```

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lovportal::pipeline::{self, Options};
use lovportal::urls::LinkStyle;
use std::hint::black_box;

fn corpus(n: usize, m: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(
        dir.path(),
        &corpus::Options {
            municipalities: n,
            routines: m,
            flavours: vec![corpus::Flavour::Lovportal],
            ..corpus::Options::default()
        },
    )
    .unwrap();
    dir
}

fn options(dir: &tempfile::TempDir) -> Options {
    Options {
        root: dir.path().join("lovportal"),
        links: LinkStyle::Relative,
        now: pipeline::parse_now(Some("2027-01-15")).unwrap(),
    }
}

fn hot(c: &mut Criterion) {
    let dir = corpus(10, 5);
    let text =
        std::fs::read_to_string(dir.path().join("lovportal/content/k001/behorighet.md")).unwrap();
    let (_, body_offset) = lovportal::loader::split_front_matter(&text).unwrap();
    let body = &text[body_offset..];

    let mut g = c.benchmark_group("routine");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("markdown", |b| {
        b.iter(|| lovportal::markdown::render(black_box(body)))
    });
    let html = lovportal::markdown::render(body).html;
    g.bench_function("sanitise", |b| {
        b.iter(|| lovportal::sanitize::clean_html(black_box(&html)))
    });
    g.finish();

    let opts = options(&dir);
    let built = pipeline::build(&opts).unwrap();
    let page = built
        .files
        .iter()
        .find(|(p, _)| p == "k001/behorighet/index.html")
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .unwrap();
    let mut g = c.benchmark_group("page");
    g.throughput(Throughput::Bytes(page.len() as u64));
    g.bench_function("postprocess", |b| {
        b.iter(|| lovportal::postprocess::process(black_box(&page), 2, &LinkStyle::Relative))
    });
    g.finish();

    let mut g = c.benchmark_group("site_10x5");
    g.sample_size(10);
    g.throughput(Throughput::Elements(built.pages as u64));
    g.bench_function("load_and_validate", |b| {
        b.iter(|| lovportal::model::Site::load(&opts.root, opts.now).unwrap())
    });
    g.bench_function("build_in_memory", |b| {
        b.iter(|| pipeline::build(&opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, hot);
criterion_main!(benches);
