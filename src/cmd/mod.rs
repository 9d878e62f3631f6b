//! One module per subcommand; each returns the process exit code.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod progress;
pub mod say;
pub mod schema;
pub mod serve;

use crate::diagnostics::Diagnostics;
use crate::pipeline::Failure;

/// Build options from the common arguments, or the exit code for a bad `--now`.
pub fn options(
    common: &crate::cli::CommonArgs,
    links: crate::urls::LinkStyle,
) -> Result<crate::pipeline::Options, i32> {
    match crate::pipeline::parse_now(common.now.as_deref()) {
        Ok(now) => Ok(crate::pipeline::Options {
            root: common.root.clone(),
            links,
            now,
        }),
        Err(e) => {
            crate::say!("fel: {e}");
            Err(2)
        }
    }
}

/// Prints diagnostics to stderr, sorted, followed by a count.
pub fn report(diags: &Diagnostics) {
    for d in diags.sorted() {
        crate::say!("{d}");
    }
}

/// Prints a failure and returns its exit code.
pub fn fail(f: Failure) -> i32 {
    match f {
        Failure::Content(d) => {
            report(&d);
            crate::say!(
                "\n{} fel, {} varningar. Inget skrevs; den tidigare portalen är orörd.",
                d.error_count(),
                d.warning_count()
            );
            1
        }
        Failure::Io(e) => {
            crate::say!("fel: {e}");
            2
        }
    }
}
