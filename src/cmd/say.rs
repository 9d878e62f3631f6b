//! Printing to the terminal that never fails the run: a closed pipe
//! (`lovportal check 2>&1 | head`) is not an error, unlike with `eprintln!`.

/// Like `eprintln!`, but a closed or broken stderr is ignored.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
