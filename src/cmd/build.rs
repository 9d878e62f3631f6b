use crate::cli::BuildArgs;
use crate::pipeline::{self, Failure, Options};
use crate::urls::LinkStyle;
use std::time::Instant;

pub fn run(args: &BuildArgs) -> i32 {
    let now = match pipeline::parse_now(args.common.now.as_deref()) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("fel: {e}");
            return 2;
        }
    };
    let opts = Options {
        root: args.common.root.clone(),
        links: LinkStyle::from_base_path(args.base_path.as_deref()),
        now,
    };
    let start = Instant::now();
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.common.root.join("public"));
    // Files are written to a staging folder as they are rendered, and swapped in at the
    // end; on any error the staging folder is removed and the output is left alone.
    let staging = match crate::output::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => return super::fail(Failure::Io(e)),
    };
    let built = match pipeline::build_into(&opts, &staging) {
        Ok(b) => b,
        Err(f) => return super::fail(f),
    };
    let t = Instant::now();
    if let Err(e) = staging.commit() {
        return super::fail(Failure::Io(e));
    }
    super::report(&built.diags);
    if !args.common.quiet {
        let mut stages: Vec<String> = built
            .timings
            .iter()
            .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
            .collect();
        stages.push(format!("byta in {} ms", t.elapsed().as_millis()));
        eprintln!(
            "Klart: {} sidor ({} filer) i {} på {} ms ({}). {} varningar.",
            built.pages,
            built.file_count,
            out.display(),
            start.elapsed().as_millis(),
            stages.join(", "),
            built.diags.warning_count()
        );
    }
    0
}
