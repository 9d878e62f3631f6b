use crate::cli::CheckArgs;
use crate::pipeline::{self, Options};
use crate::urls::LinkStyle;

pub fn run(args: &CheckArgs) -> i32 {
    let now = match pipeline::parse_now(args.common.now.as_deref()) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("fel: {e}");
            return 2;
        }
    };
    let opts = Options {
        root: args.common.root.clone(),
        links: LinkStyle::Relative,
        now,
    };
    match pipeline::build_into(&opts, &crate::render::Discard) {
        Err(f) => super::fail(f),
        Ok(b) => {
            super::report(&b.diags);
            if !args.common.quiet {
                eprintln!(
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
