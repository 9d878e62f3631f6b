//! Finds where a value sits in a YAML file, by its path (`checklist[3].depends_on[1]`).
//! serde_yaml gives positions for its own errors only; the model's cross-reference checks
//! run after deserialising, so they ask this index where the offending value was written.
//! It walks the file's parse events (yaml-rust2, which keeps positions) without building
//! values, so aliases are never expanded and deep nesting costs no recursion.

use crate::diagnostics::Pos;
use yaml_rust2::parser::{Event, Parser};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// Builds a path: `path!["checklist", 3, "depends_on", 1]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => { vec![$($crate::loader::locate::Seg::from($seg)),*] };
}

enum Frame {
    Map { key: Option<String>, in_key: bool },
    Seq { index: usize },
}

/// A container being walked, and whether it added a segment to the current path.
struct Open {
    frame: Frame,
    pushed: bool,
}

/// Position of the value at `path` in `text`; when the full path is not there, the
/// deepest part of it that is; line 1, column 1 when nothing matches.
pub fn locate(text: &str, path: &[Seg]) -> Pos {
    let mut best = Pos::new(1, 1);
    let mut best_depth = 0usize;
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut cur: Vec<Seg> = Vec::new();
    // Set when the target is a mapping: its position is that of its first key.
    let mut want_next_scalar = false;
    // Set when `best` is a mapping's start mark, which sits oddly: use its first key.
    let mut best_at_next_scalar = false;
    loop {
        let Ok((event, mark)) = parser.next_token() else {
            return best;
        };
        let pos = Pos::new(mark.line(), mark.col() + 1);
        if let Event::Scalar(..) = event {
            if want_next_scalar {
                return pos;
            }
            if best_at_next_scalar {
                best = pos;
                best_at_next_scalar = false;
            }
        }
        match event {
            Event::StreamEnd => return best,
            Event::MappingEnd | Event::SequenceEnd => {
                if stack.pop().is_some_and(|o| o.pushed) {
                    cur.pop();
                }
                finish_value(&mut stack);
                continue;
            }
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {}
            _ => continue,
        }
        // A node: either a mapping key or a value.
        let seg = match stack.last_mut().map(|o| &mut o.frame) {
            Some(Frame::Map { key, in_key }) if *in_key => {
                *key = match &event {
                    Event::Scalar(s, ..) => Some(s.clone()),
                    _ => None,
                };
                *in_key = false;
                if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                    // A complex key: walk into it; nothing inside can match.
                    push_frame(&mut stack, &event, true);
                    cur.push(Seg::Key("\u{0}".into()));
                }
                continue;
            }
            Some(Frame::Map { key, .. }) => Some(Seg::Key(key.clone().unwrap_or_default())),
            Some(Frame::Seq { index }) => Some(Seg::Index(*index)),
            None => None,
        };
        let depth = cur.len() + usize::from(seg.is_some());
        let mut full = cur.clone();
        if let Some(s) = seg.clone() {
            full.push(s);
        }
        if full.len() <= path.len() && path[..full.len()] == full[..] && depth >= best_depth {
            best = pos;
            best_depth = depth;
            best_at_next_scalar = matches!(event, Event::MappingStart(..));
            if full.len() == path.len() {
                if matches!(event, Event::MappingStart(..)) {
                    want_next_scalar = true;
                } else {
                    return pos;
                }
            }
        }
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                push_frame(&mut stack, &event, seg.is_some());
                cur.extend(seg);
            }
            _ => finish_value(&mut stack),
        }
    }
}

fn push_frame(stack: &mut Vec<Open>, event: &Event, pushed: bool) {
    let frame = match event {
        Event::MappingStart(..) => Frame::Map {
            key: None,
            in_key: true,
        },
        _ => Frame::Seq { index: 0 },
    };
    stack.push(Open { frame, pushed });
}

fn finish_value(stack: &mut [Open]) {
    match stack.last_mut().map(|o| &mut o.frame) {
        Some(Frame::Map { in_key, .. }) => *in_key = true,
        Some(Frame::Seq { index }) => *index += 1,
        None => {}
    }
}

#[cfg(test)]
#[allow(clippy::useless_vec)]
mod tests {
    use super::*;

    const DOC: &str = "name: Mölndal\nchecklist:\n  - id: a\n    depends_on: [b, c]\n  - id: b\n    depends_on:\n      - a\n";

    #[test]
    fn finds_values_by_path() {
        assert_eq!(locate(DOC, &path!["name"]), Pos::new(1, 7));
        assert_eq!(locate(DOC, &path!["checklist", 0, "id"]), Pos::new(3, 9));
        assert_eq!(
            locate(DOC, &path!["checklist", 0, "depends_on", 1]),
            Pos::new(4, 21)
        );
        assert_eq!(
            locate(DOC, &path!["checklist", 1, "depends_on", 0]),
            Pos::new(7, 9)
        );
        // A mapping is located at its first key.
        assert_eq!(locate(DOC, &path!["checklist", 1]), Pos::new(5, 5));
    }

    #[test]
    fn falls_back_to_the_deepest_prefix() {
        assert_eq!(locate(DOC, &path!["checklist", 1, "nope"]), Pos::new(5, 5));
        assert_eq!(locate("{", &path!["x"]), Pos::new(1, 1));
    }
}
