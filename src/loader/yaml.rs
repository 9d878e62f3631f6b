//! The one place that knows serde_yaml (archived upstream): swap it here and nowhere else.
//! Turns its errors into Swedish diagnostics with `path:line:column` and a hint.

use crate::calendar::values::HINT_SEPARATOR;
use crate::diagnostics::{Diagnostic, Pos};
use serde::de::DeserializeOwned;

/// Deserialises `text` (the file at `path`) into `T`. `line_offset` is added to reported
/// lines, for YAML that starts further down a file (front matter).
pub fn parse<T: DeserializeOwned>(
    path: &str,
    text: &str,
    line_offset: usize,
) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(
            Diagnostic::error(path, Pos::new(1 + line_offset, 1), "filen är tom")
                .with_hint("fyll i de obligatoriska fälten; se docs/schema.md"),
        );
    }
    if !surely_shallow(text)
        && let Some(pos) = too_deep(text)
    {
        return Err(Diagnostic::error(
            path,
            Pos::new(pos.line + line_offset, pos.column),
            format!("för djupt nästlad YAML (mer än {MAX_DEPTH} nivåer)"),
        )
        .with_hint("platta till strukturen; datafilerna behöver bara några nivåer"));
    }
    serde_yaml::from_str::<T>(text).map_err(|e| to_diagnostic(path, text, &e, line_offset))
}

/// How deeply mappings and sequences may nest. The data needs a handful of levels;
/// serde_yaml's parser takes time quadratic in the depth of `[[[[…` before its own
/// recursion limit is checked, so a file of nothing but brackets would never finish.
pub const MAX_DEPTH: usize = 64;

/// A cheap upper bound on the nesting depth, so the event walk of [`too_deep`] (a second
/// full parse of every file) is only needed for text that could be too deep. A block
/// collection nested in another starts on a line with more indentation or after an
/// indicator (`-`, `:`, `?`) on the same line, and flow collections open with `[` or `{`;
/// so on any line the depth is at most its indentation, plus the indicators before
/// that point, plus the flow brackets open there, plus one. Quoted text and block
/// scalars only make the bound larger.
fn surely_shallow(text: &str) -> bool {
    let mut flow = 0usize;
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut marks = 0usize;
        for b in line.bytes() {
            match b {
                b'[' | b'{' => flow += 1,
                b']' | b'}' => flow = flow.saturating_sub(1),
                b'-' | b':' | b'?' => marks += 1,
                _ => continue,
            }
            if indent + marks + flow + 1 > MAX_DEPTH {
                return false;
            }
        }
    }
    true
}

/// Where nesting first goes past [`MAX_DEPTH`], found by walking the parse events
/// (yaml-rust2, which neither builds values nor expands aliases) and stopping there.
/// If yaml-rust2 cannot parse the text, unclosed `[` and `{` are counted instead, on
/// the high side: serde_yaml then reports the syntax error itself.
fn too_deep(text: &str) -> Option<Pos> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        match parser.next_token() {
            Ok((Event::MappingStart(..) | Event::SequenceStart(..), mark)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Pos::new(mark.line(), mark.col() + 1));
                }
            }
            Ok((Event::MappingEnd | Event::SequenceEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Event::StreamEnd, _)) => return None,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Pos::of_offset(text, i));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn to_diagnostic(path: &str, text: &str, e: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let pos = e
        .location()
        .map(|l| Pos::new(l.line() + line_offset, l.column()))
        .unwrap_or(Pos::new(1 + line_offset, 1));
    let raw = e.to_string();
    // serde_yaml appends " at line N column M"; the position is reported separately.
    let raw = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw,
    };
    // A value type's own error points at the enclosing mapping; find the value itself.
    if let Some(found) = value_error_position(text, e, &raw) {
        let (field, value_offset) = found;
        let (message, hint) = explain(&raw);
        let p = Pos::of_offset(text, value_offset);
        let message = match (message.split_once(": "), field) {
            (Some((at, rest)), Some(field)) if !at.contains(' ') && !at.ends_with(&field) => {
                format!("{at}.{field}: {rest}")
            }
            _ => message,
        };
        return Diagnostic::error(path, Pos::new(p.line + line_offset, p.column), message)
            .with_hint(hint);
    }
    let (message, hint) = explain(&raw);
    Diagnostic::error(path, pos, message).with_hint(hint)
}

/// For an error raised by a value type (it carries the raw text after the second
/// separator), the byte offset of that text at or after serde's position, and the key
/// written before it on the same line.
fn value_error_position(
    text: &str,
    e: &serde_yaml::Error,
    raw: &str,
) -> Option<(Option<String>, usize)> {
    let mut parts = raw.split(HINT_SEPARATOR);
    let (_, _, value) = (parts.next()?, parts.next()?, parts.next()?);
    if value.is_empty() {
        return None;
    }
    let from = e.location().map(|l| l.index()).unwrap_or(0).min(text.len());
    let from = (0..=from)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let at = from + text[from..].find(value)?;
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before = text[line_start..at]
        .trim()
        .trim_start_matches("- ")
        .trim_end_matches(['"', '\''])
        .trim();
    let key = before
        .strip_suffix(':')
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.contains(' '));
    Some((key, at))
}

/// Splits serde_yaml's "a.b[0]: message" into the field path and the message.
fn split_field(raw: &str) -> (Option<&str>, &str) {
    match raw.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') && !field.is_empty() => (Some(field), rest),
        _ => (None, raw),
    }
}

fn explain(raw: &str) -> (String, String) {
    let (field, msg) = split_field(raw);
    let at = field.map(|f| format!("{f}: ")).unwrap_or_default();
    if let Some((message, rest)) = msg.split_once(HINT_SEPARATOR) {
        let hint = rest.split(HINT_SEPARATOR).next().unwrap_or(rest);
        return (format!("{at}{message}"), hint.to_string());
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        return unknown(&at, rest, "okänt fält", "fält");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        return unknown(&at, rest, "okänt värde", "värden");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return (
            format!("{at}fältet `{name}` saknas"),
            format!(
                "lägg till `{name}:` med ett värde; se docs/schema.md för vad fältet ska innehålla"
            ),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (got, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "något annat"));
        return (
            format!("{at}fel typ av värde: {}, förväntade {}", swedish_type(got), swedish_type(expected)),
            "kontrollera värdet; text som ser ut som ett tal eller datum kan behöva citattecken, till exempel \"07.00-16.30\"; en lista skrivs med \"- \" på varje rad".into(),
        );
    }
    if msg.contains("recursion limit exceeded") {
        return (
            format!("{at}för djupt nästlad YAML"),
            "platta till strukturen; datafilerna behöver bara några nivåer".into(),
        );
    }
    if msg.contains("repetition limit exceeded") {
        return (
            format!("{at}för många upprepningar via YAML-alias (&/*)"),
            "skriv ut värdena i stället för att använda alias".into(),
        );
    }
    if msg.contains("duplicate entry") || msg.contains("duplicate key") {
        return (
            format!("{at}samma fält står två gånger: {msg}"),
            "ta bort eller slå ihop de dubbla raderna".into(),
        );
    }
    (
        format!("{at}YAML-fel: {msg}"),
        "kontrollera indrag (mellanslag, inte tabb), kolon efter varje fältnamn och att citattecken är parade".into(),
    )
}

fn unknown(at: &str, rest: &str, what: &str, plural: &str) -> (String, String) {
    let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    let best = expected
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c);
    let list = expected
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match best {
        Some(b) => format!("menade du `{b}`? Tillåtna {plural}: {list}"),
        None if expected.is_empty() => "ta bort det".to_string(),
        None => format!("tillåtna {plural}: {list}"),
    };
    (format!("{at}{what} `{name}`"), hint)
}

fn swedish_type(t: &str) -> String {
    t.replace("a string", "text")
        .replace("string", "text")
        .replace("integer", "heltal")
        .replace("floating point", "decimaltal")
        .replace("a sequence", "en lista")
        .replace("sequence", "lista")
        .replace("a map", "fält med värden")
        .replace("map", "fält med värden")
        .replace("boolean", "sant/falskt")
        .replace("unit value", "tomt värde")
        .replace("struct", "fält med värden")
        .replace("a boolean", "true eller false")
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_cheap_depth_bound_never_lets_deep_text_through() {
        let mut texts: Vec<String> = Vec::new();
        for depth in [1usize, 10, 40, 62, 63, 64, 65, 66, 80, 200] {
            // Block mappings, block sequences, compact sequences, flow, mixed.
            let mut block = String::new();
            for d in 0..depth {
                block.push_str(&format!("{}k{d}:\n", " ".repeat(d)));
            }
            block.push_str(&format!("{}x\n", " ".repeat(depth)));
            texts.push(block);
            texts.push(format!("{}x\n", "- ".repeat(depth)));
            texts.push(format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth)));
            texts.push(format!(
                "a: {}\n",
                "{b: ".repeat(depth) + &"}".repeat(depth)
            ));
            let mut mixed = String::new();
            for d in 0..depth {
                mixed.push_str(&format!("{}- k{d}: [\n", " ".repeat(d)));
            }
            texts.push(mixed);
            texts.push(format!(
                "a:\n{}",
                (0..depth)
                    .map(|d| format!("{}- {{a: [\n", " ".repeat(d)))
                    .collect::<String>()
            ));
        }
        for text in &texts {
            if surely_shallow(text) {
                assert_eq!(too_deep(text), None, "{text}");
            }
        }
        // Deep text is never called shallow, and ordinary files are.
        for text in texts.iter().filter(|t| too_deep(t).is_some()) {
            assert!(!surely_shallow(text), "{text}");
        }
        assert!(surely_shallow(include_str!(
            "../../tests/fixtures/minimal/data/kommuner/testby.yaml"
        )));
    }

    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        phone: Option<String>,
        items: Option<Vec<String>>,
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let d = parse::<T>("x.yaml", "name: a\nphnoe: 1\n", 0).unwrap_err();
        assert_eq!((d.pos.line, d.pos.column), (2, 1));
        assert_eq!(d.message, "okänt fält `phnoe`");
        assert!(d.hint.unwrap().starts_with("menade du `phone`?"));
    }

    #[test]
    fn missing_and_wrong_type() {
        let d = parse::<T>("x.yaml", "phone: a\n", 0).unwrap_err();
        assert!(d.message.contains("fältet `name` saknas"), "{}", d.message);
        let d = parse::<T>("x.yaml", "name: a\nitems: 5\n", 3).unwrap_err();
        assert!(d.message.starts_with("items: fel typ"), "{}", d.message);
        assert_eq!(d.pos.line, 5);
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let start = std::time::Instant::now();
        for text in [
            "name: ".to_string() + &"[".repeat(200_000),
            "name: ".to_string() + &"{a: ".repeat(200_000),
            "items:\n".to_string() + &"- ".repeat(500_000) + "x\n",
            // Broken YAML (a tab where yaml-rust2 wants none) still gets counted.
            "name: a\n\tb: ".to_string() + &"[".repeat(200_000),
        ] {
            let d = parse::<T>("x.yaml", &text, 2).unwrap_err();
            assert!(
                d.message.starts_with("för djupt nästlad YAML"),
                "{}",
                d.message
            );
            assert!(d.pos.line >= 3, "{:?}", d.pos);
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        // The top-level mapping is one level.
        let n = MAX_DEPTH - 1;
        let ok = "name: ".to_string() + &"[".repeat(n) + &"]".repeat(n);
        let d = parse::<T>("x.yaml", &ok, 0).unwrap_err();
        assert!(d.message.contains("fel typ"), "{}", d.message);
    }

    #[test]
    fn syntax_error_has_position() {
        let d = parse::<T>("x.yaml", "name: a\n  b: [\n", 0).unwrap_err();
        assert!(d.message.contains("YAML-fel"), "{}", d.message);
        assert!(d.pos.line >= 2);
    }
}
