//! Diagnostics: every problem found in the input, with the file, line and column it
//! comes from and a hint on how to fix it. Nothing in the pipeline panics on bad input;
//! it produces one of these instead.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    /// The position of byte `offset` in `text` (columns count characters, not bytes).
    pub fn of_offset(text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let mut off = offset;
        while !text.is_char_boundary(off) {
            off -= 1;
        }
        let before = &text[..off];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        Pos { line, column }
    }
}

/// Positions of many byte offsets in one text. Asked in increasing order (as scanners
/// report what they find) it walks the text once in total, where calling
/// [`Pos::of_offset`] for each would walk it again from the start every time.
pub struct PosCursor<'a> {
    text: &'a str,
    offset: usize,
    pos: Pos,
}

impl<'a> PosCursor<'a> {
    pub fn new(text: &'a str) -> PosCursor<'a> {
        PosCursor {
            text,
            offset: 0,
            pos: Pos::new(1, 1),
        }
    }

    /// The same as `Pos::of_offset(text, offset)`.
    pub fn at(&mut self, offset: usize) -> Pos {
        let mut off = offset.min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        if off < self.offset {
            self.offset = 0;
            self.pos = Pos::new(1, 1);
        }
        for c in self.text[self.offset..off].chars() {
            if c == '\n' {
                self.pos.line += 1;
                self.pos.column = 1;
            } else {
                self.pos.column += 1;
            }
        }
        self.offset = off;
        self.pos
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: display_path(path.as_ref()),
            pos,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(path: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, pos, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "fel",
            Severity::Warning => "varning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.pos.line, self.pos.column, kind, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  tips: {h}")?;
        }
        Ok(())
    }
}

/// All diagnostics of one run, kept in a stable order (by path, position, message).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted and de-duplicated view of the diagnostics.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (a.severity, &a.path, a.pos, &a.message).cmp(&(b.severity, &b.path, b.pos, &b.message))
        });
        v.dedup();
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

/// An I/O or usage failure (exit code 2), as opposed to content errors (exit code 1).
#[derive(Debug)]
pub struct IoFailure {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl fmt::Display for IoFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for IoFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_to_line_and_column_counts_characters() {
        let text = "ab\nåäö: x\n";
        assert_eq!(Pos::of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(Pos::of_offset(text, 3), Pos::new(2, 1));
        // 'x' sits after three two-byte letters, a colon and a space.
        let x = text.find('x').unwrap();
        assert_eq!(Pos::of_offset(text, x), Pos::new(2, 6));
    }

    #[test]
    fn cursor_agrees_with_of_offset() {
        let text = "ab\nåäö: x\n\nslut";
        let mut c = PosCursor::new(text);
        let offsets = [0, 1, 3, 4, 5, 9, 12, 13, 2, 0, 100, 7];
        for off in offsets {
            assert_eq!(c.at(off), Pos::of_offset(text, off), "offset {off}");
        }
    }
}
