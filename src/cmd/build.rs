use crate::cli::BuildArgs;
use crate::pipeline::{self, Failure};
use crate::render::RenderCache;
use crate::urls::LinkStyle;
use std::time::Instant;

pub fn run(args: &BuildArgs) -> i32 {
    let opts = match super::options(
        &args.common,
        LinkStyle::from_base_path(args.base_path.as_deref()),
    ) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.common.root.join("public"));
    let start = Instant::now();
    let staging = match crate::output::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => return super::fail(Failure::Io(e)),
    };
    let progress = (!args.common.quiet).then(super::progress::Progress::start);
    let result = pipeline::build_into(&opts, &mut RenderCache::one_shot(), &staging);
    drop(progress);
    let built = match result {
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
        crate::say!(
            "Klart: {} sidor ({} filer) i {} på {} ms ({}). {} varningar.",
            built.pages,
            built.files,
            out.display(),
            start.elapsed().as_millis(),
            stages.join(", "),
            built.diags.warning_count()
        );
    }
    0
}
