//! Generates a deterministic benchmark corpus: N municipalities with full YAML data and
//! M routines each, as a lovportal site, and the same routine texts as a Hugo site, a
//! Zola site and an mdBook, so the comparison builds the same Markdown.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --municipalities 290 --routines 10 --out DIR
//! ```
//!
//! Writes `DIR/lovportal/`, `DIR/hugo/`, `DIR/zola/` and `DIR/mdbook/` (or only the
//! flavours given with `--only lovportal,hugo`). The same arguments always give the same
//! bytes.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut opts = corpus::Options::default();
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        match a.as_str() {
            "--municipalities" | "-n" => opts.municipalities = number(&value(&a)),
            "--routines" | "-m" => opts.routines = number(&value(&a)),
            "--providers" => opts.providers_per_municipality = number(&value(&a)),
            "--seed" => opts.seed = number(&value(&a)) as u64,
            "--out" | "-o" => out = Some(PathBuf::from(value(&a))),
            "--only" => {
                let v = value(&a);
                opts.flavours = v
                    .split(',')
                    .map(|f| {
                        corpus::Flavour::parse(f.trim())
                            .unwrap_or_else(|| usage(&format!("unknown flavour {f:?}")))
                    })
                    .collect();
            }
            "--help" | "-h" => usage(""),
            other => usage(&format!("unknown argument {other:?}")),
        }
    }
    let Some(out) = out else {
        usage("--out is required")
    };
    match corpus::generate(&out, &opts) {
        Ok(stats) => {
            eprintln!(
                "{} municipalities, {} routines ({} words, {} bytes of Markdown), {} providers in {}",
                stats.municipalities,
                stats.routines,
                stats.words,
                stats.markdown_bytes,
                stats.providers,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn number(s: &str) -> usize {
    s.parse()
        .unwrap_or_else(|_| usage(&format!("{s:?} is not a number")))
}

fn usage(msg: &str) -> ! {
    if !msg.is_empty() {
        eprintln!("gen_corpus: {msg}");
    }
    eprintln!(
        "usage: gen_corpus --out DIR [--municipalities N (290)] [--routines M (10)] \
         [--providers P per municipality (1)] [--seed S] [--only lovportal,hugo,zola,mdbook]"
    );
    std::process::exit(if msg.is_empty() { 0 } else { 2 })
}
