use crate::cli::CheckArgs;
use crate::pipeline;
use crate::urls::LinkStyle;

pub fn run(args: &CheckArgs) -> i32 {
    let opts = match super::options(&args.common, LinkStyle::Relative) {
        Ok(o) => o,
        Err(code) => return code,
    };
    match pipeline::build(&opts) {
        Err(f) => super::fail(f),
        Ok(mut b) => {
            if args.links {
                if !args.common.quiet {
                    eprintln!(
                        "Provar {} externa länkar (högst {} s per länk) …",
                        crate::links::external_links(&b.files).len(),
                        crate::links::TIMEOUT.as_secs()
                    );
                }
                let mut all = b.diags.clone();
                for d in crate::links::check(&opts.root, &b.files, crate::links::TIMEOUT) {
                    all.push(d);
                }
                b.diags = all;
            }
            super::report(&b.diags);
            if !args.common.quiet {
                crate::say!(
                    "Inga fel. {} sidor kontrollerade, {} varningar.",
                    b.pages,
                    b.diags.warning_count()
                );
            }
            if args.deny_warnings && b.diags.warning_count() > 0 {
                1
            } else {
                0
            }
        }
    }
}
