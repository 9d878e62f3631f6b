//! Swedish personal identity numbers (personnummer and samordningsnummer) must never be
//! published. This module finds them in any text — Markdown, YAML, inside words and
//! table syntax — and reports each occurrence with its masked form only, so that neither
//! the build log nor a diagnostic ever repeats the full number.
//!
//! Known test numbers (such as the Swedish Tax Agency's published test numbers) can be
//! allowed per file in `data/tillatna-personnummer.yaml`; see [`AllowList`].
//!
//! What counts as a number: a run of ASCII digits that is not part of a longer digit run,
//! in one of the forms `YYMMDD-NNNN`, `YYMMDD+NNNN`, `YYMMDDNNNN`, `YYYYMMDD-NNNN` or
//! `YYYYMMDDNNNN`, whose date part is a real calendar date (day + 60 for a
//! samordningsnummer) and whose last digit is the Luhn check digit of the ten-digit form.
//! Hyphen-like dashes (`‐ ‑ ‒ – — −`, as word processors insert them) count as `-`.

use crate::diagnostics::{Diagnostic, PosCursor};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

/// Where the allow-list lives, relative to the site root.
pub const ALLOW_LIST_PATH: &str = "data/tillatna-personnummer.yaml";

/// Which kind of personal identity number was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An ordinary personnummer (day of month 01–31).
    Personnummer,
    /// A samordningsnummer (coordination number: day of month + 60, i.e. 61–91).
    Samordningsnummer,
}

impl Kind {
    /// The Swedish word for the kind, as used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Personnummer => "personnummer",
            Kind::Samordningsnummer => "samordningsnummer",
        }
    }
}

/// One personal identity number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the first digit.
    pub start: usize,
    /// Byte offset just past the last digit.
    pub end: usize,
    /// The number with its last four digits replaced by `****`, separator kept,
    /// e.g. `19121212-****`, `121212+****` or `19121212****`.
    pub masked: String,
    pub kind: Kind,
}

/// Separators accepted between date part and the last four digits. `+` marks a person
/// aged 100 or more and only occurs in the ten-digit form.
const DASHES: [char; 7] = [
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}',
];

/// A parsed, validated number: the ten-digit core (YYMMDDNNNC) and the century if given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Number {
    century: Option<u8>,
    core: [u8; 10],
    kind: Kind,
}

impl Number {
    /// Whether two written forms denote the same number. A ten-digit form matches a
    /// twelve-digit form with the same last ten digits.
    fn same_as(&self, other: &Number) -> bool {
        self.core == other.core
            && (self.century.is_none() || other.century.is_none() || self.century == other.century)
    }
}

/// A number found in a text, with what is needed to compare it against the allow-list.
struct Hit {
    found: Found,
    number: Number,
}

/// Finds every personnummer and samordningsnummer in `text`, in order of position.
pub fn find_personal_numbers(text: &str) -> Vec<Found> {
    hits(text).into_iter().map(|h| h.found).collect()
}

fn hits(text: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    // Maximal runs of ASCII digits, as byte ranges. ASCII bytes never occur inside a
    // multi-byte UTF-8 sequence, so every boundary here is a char boundary.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
            // Text is mostly letters: pass eight bytes at a time while none is a digit.
            i = crate::swar::skip(bytes, i, has_digit);
        }
    }

    let mut out = Vec::new();
    for (idx, &(start, end)) in runs.iter().enumerate() {
        let len = end - start;
        let candidate = match len {
            12 => Some((end, None)),
            10 if !preceded_by_tel(text, start) => Some((end, None)),
            6 | 8 => separated_tail(text, end, len == 6, runs.get(idx + 1).copied()),
            _ => None,
        };
        let Some((num_end, sep)) = candidate else {
            continue;
        };
        let digits: Vec<u8> = text[start..num_end]
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let Some(number) = validate(&digits) else {
            continue;
        };
        let date_len = if digits.len() == 12 { 8 } else { 6 };
        let masked = format!(
            "{}{}****",
            &text[start..start + date_len],
            sep.map(String::from).unwrap_or_default()
        );
        out.push(Hit {
            found: Found {
                start,
                end: num_end,
                masked,
                kind: number.kind,
            },
            number,
        });
    }
    out
}

/// Whether any byte of `w` is an ASCII digit.
#[inline]
fn has_digit(w: u64) -> bool {
    crate::swar::has_between(w, b'0' - 1, b'9' + 1)
}

/// After a 6- or 8-digit run ending at `end`: a separator and then a run of exactly four
/// digits starting right after it. Returns the end of those four digits and the separator.
fn separated_tail(
    text: &str,
    end: usize,
    ten_digit_form: bool,
    next_run: Option<(usize, usize)>,
) -> Option<(usize, Option<char>)> {
    let sep = text[end..].chars().next()?;
    let ok = DASHES.contains(&sep) || (ten_digit_form && sep == '+');
    if !ok {
        return None;
    }
    let (next_start, next_end) = next_run?;
    if next_start == end + sep.len_utf8() && next_end - next_start == 4 {
        Some((next_end, Some(sep)))
    } else {
        None
    }
}

/// `tel:0701234567` in a link is a phone number, never a personal identity number.
fn preceded_by_tel(text: &str, start: usize) -> bool {
    start >= 4
        && text.is_char_boundary(start - 4)
        && text[start - 4..start].eq_ignore_ascii_case("tel:")
}

/// Validates 10 or 12 digits (already stripped of the separator).
fn validate(digits: &[u8]) -> Option<Number> {
    let (century, core) = match digits.len() {
        12 => {
            let c = digits[0] * 10 + digits[1];
            if !(18..=20).contains(&c) {
                return None;
            }
            (Some(c), &digits[2..])
        }
        10 => (None, digits),
        _ => return None,
    };
    let core: [u8; 10] = core.try_into().ok()?;
    let yy = u16::from(core[0]) * 10 + u16::from(core[1]);
    let month = core[2] * 10 + core[3];
    let raw_day = core[4] * 10 + core[5];
    if !(1..=12).contains(&month) {
        return None;
    }
    let (kind, day) = match raw_day {
        1..=31 => (Kind::Personnummer, raw_day),
        61..=91 => (Kind::Samordningsnummer, raw_day - 60),
        _ => return None,
    };
    let date_ok = match century {
        Some(c) => is_date(u16::from(c) * 100 + yy, month, day),
        // Without a century, 29 February is valid if it exists in 19YY or 20YY.
        None => [1900 + yy, 2000 + yy]
            .iter()
            .any(|&y| is_date(y, month, day)),
    };
    if !date_ok || !luhn_ok(&core) {
        return None;
    }
    Some(Number {
        century,
        core,
        kind,
    })
}

fn is_date(year: u16, month: u8, day: u8) -> bool {
    match (i16::try_from(year), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => jiff::civil::Date::new(y, m, d).is_ok(),
        _ => false,
    }
}

/// Luhn check over the ten-digit form: weights 2,1,2,1,… on the first nine digits,
/// products' digits summed; the tenth digit must bring the sum to a multiple of ten.
fn luhn_ok(core: &[u8; 10]) -> bool {
    let sum: u32 = core[..9]
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(core[9])
}

/// Parses a string that must consist of exactly one number (surrounding whitespace
/// allowed), as written in the allow-list.
fn parse_exact(s: &str) -> Option<Number> {
    let s = s.trim();
    let mut found = hits(s);
    if found.len() == 1 && found[0].found.start == 0 && found[0].found.end == s.len() {
        found.pop().map(|h| h.number)
    } else {
        None
    }
}

/// Masks anything that might be a number: the last four ASCII digits become `*`.
fn mask_any(s: &str) -> String {
    let mut left = 4;
    let mut chars: Vec<char> = s.trim().chars().collect();
    for c in chars.iter_mut().rev() {
        if left == 0 {
            break;
        }
        if c.is_ascii_digit() {
            *c = '*';
            left -= 1;
        }
    }
    chars.into_iter().collect()
}

fn normalize_path(p: &str) -> String {
    let p = p.trim().replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

/// The allow-list in `data/tillatna-personnummer.yaml`: known test numbers that may be
/// published, each only in the one file named.
///
/// ```yaml
/// allow:
///   - number: "19121212-1212"
///     file: content/exempel/rutin.md
///     reason: Skatteverkets testpersonnummer
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowList {
    /// The allowed occurrences.
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
}

/// One allowed number in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// The number as written, e.g. "19121212-1212" (write it within quotes).
    #[serde(deserialize_with = "string_or_integer")]
    pub number: String,
    /// The file it may appear in, relative to the site root, e.g. content/exempel/rutin.md.
    pub file: String,
    /// Why the number may be published, e.g. "Skatteverkets testpersonnummer".
    #[serde(default)]
    pub reason: String,
}

/// `number: 191212121212` without quotes is an integer in YAML; accept it as a string.
fn string_or_integer<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StrOrInt {
        Str(String),
        Int(u64),
    }
    Ok(match StrOrInt::deserialize(d)? {
        StrOrInt::Str(s) => s,
        StrOrInt::Int(n) => n.to_string(),
    })
}

impl AllowList {
    /// The numbers allowed in the file `path`, indexed so that a file with many numbers
    /// and a long list are still checked in linear time.
    fn index_for(&self, path: &str) -> NumberSet {
        let path = normalize_path(path);
        let in_list_itself = path == ALLOW_LIST_PATH;
        let mut set = NumberSet::default();
        for e in &self.allow {
            if (in_list_itself || normalize_path(&e.file) == path)
                && let Some(n) = parse_exact(&e.number)
            {
                set.insert(n);
            }
        }
        set
    }
}

/// A set of numbers that answers [`Number::same_as`] by lookup.
#[derive(Default)]
struct NumberSet {
    by_core: HashMap<[u8; 10], Vec<Option<u8>>>,
}

impl NumberSet {
    fn insert(&mut self, n: Number) {
        let centuries = self.by_core.entry(n.core).or_default();
        if !centuries.contains(&n.century) {
            centuries.push(n.century);
        }
    }

    fn contains(&self, n: &Number) -> bool {
        self.by_core.get(&n.core).is_some_and(|cs| {
            cs.iter().any(|&century| {
                n.same_as(&Number {
                    century,
                    core: n.core,
                    kind: n.kind,
                })
            })
        })
    }
}

const SCAN_HINT: &str = "ta bort numret; är det ett testnummer från Skatteverket, \
     lägg till det i data/tillatna-personnummer.yaml";

/// One error per personal identity number in `text` that the allow-list does not allow
/// in `path`, at the line and column of its first digit. Messages show the masked
/// number only. Numbers listed in the allow-list are allowed in the allow-list file
/// itself.
pub fn scan(path: &str, text: &str, allow: &AllowList) -> Vec<Diagnostic> {
    let allowed = allow.index_for(path);
    let mut cursor = PosCursor::new(text);
    hits(text)
        .into_iter()
        .filter(|h| !allowed.contains(&h.number))
        .map(|h| {
            Diagnostic::error(
                path,
                cursor.at(h.found.start),
                format!(
                    "{} {} får inte publiceras",
                    h.found.kind.name(),
                    h.found.masked
                ),
            )
            .with_hint(SCAN_HINT)
        })
        .collect()
}

/// Checks the allow-list: every entry must be a valid personnummer or samordningsnummer,
/// name an existing file in which the number actually occurs, and give a reason.
///
/// `files_text` returns the text of a file by its path relative to the site root, or
/// `None` if there is no such file. It is also asked for `list_path`, to place each
/// diagnostic at the entry's line and column (1:1 if the list's text is unavailable).
pub fn validate_allow_list(
    list: &AllowList,
    list_path: &str,
    files_text: &dyn Fn(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    let list_text = files_text(list_path).unwrap_or_default();
    let locate = |needle: &str, from: usize| -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        let from = from.min(list_text.len());
        list_text
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|i| i + from)
    };
    // Entries are written in order, so each search and position continues from the last.
    let mut entry_cursor = PosCursor::new(&list_text);
    let mut file_cursor = PosCursor::new(&list_text);
    // The numbers in each named file, found once however many entries name it.
    let mut numbers_in: HashMap<String, Option<NumberSet>> = HashMap::new();

    let mut out = Vec::new();
    let mut cursor = 0;
    let mut seen: HashMap<String, NumberSet> = HashMap::new();
    for entry in &list.allow {
        let number_text = entry.number.trim();
        let number_at = locate(number_text, cursor);
        if let Some(at) = number_at {
            cursor = at + number_text.len();
        }
        let entry_pos = entry_cursor.at(number_at.unwrap_or(0));
        let file = normalize_path(&entry.file);
        let file_pos = locate(entry.file.trim(), number_at.unwrap_or(cursor))
            .map(|at| file_cursor.at(at))
            .unwrap_or(entry_pos);

        let number = parse_exact(number_text);
        let shown = match &number {
            Some(_) => hits(number_text)
                .into_iter()
                .next()
                .map(|h| h.found.masked)
                .unwrap_or_default(),
            None => mask_any(number_text),
        };

        let Some(number) = number else {
            out.push(
                Diagnostic::error(
                    list_path,
                    entry_pos,
                    format!("\"{shown}\" är inte ett personnummer eller samordningsnummer"),
                )
                .with_hint(
                    "ta bort posten ur listan; skriv numret inom citattecken, \
                     t.ex. \"19121212-1212\", med korrekt datum och kontrollsiffra",
                ),
            );
            continue;
        };

        if entry.reason.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    list_path,
                    entry_pos,
                    format!("posten för {shown} saknar motivering (reason)"),
                )
                .with_hint(
                    "skriv varför numret får publiceras, t.ex. \
                     reason: Skatteverkets testpersonnummer",
                ),
            );
        }

        if file.is_empty() {
            out.push(
                Diagnostic::error(
                    list_path,
                    entry_pos,
                    format!("posten för {shown} anger ingen fil (file)"),
                )
                .with_hint(
                    "ange filen där numret får förekomma, relativt webbplatsens rot, \
                     t.ex. file: content/exempel/rutin.md",
                ),
            );
            continue;
        }

        let numbers = numbers_in.entry(file.clone()).or_insert_with(|| {
            files_text(&file).map(|text| {
                let mut set = NumberSet::default();
                for h in hits(&text) {
                    set.insert(h.number);
                }
                set
            })
        });
        match numbers {
            None => out.push(
                Diagnostic::error(
                    list_path,
                    file_pos,
                    format!("filen {file} som anges för {shown} finns inte"),
                )
                .with_hint(
                    "rätta sökvägen (relativt webbplatsens rot, t.ex. content/exempel/rutin.md) \
                     eller ta bort posten",
                ),
            ),
            Some(numbers) => {
                if !numbers.contains(&number) {
                    out.push(
                        Diagnostic::error(
                            list_path,
                            entry_pos,
                            format!("posten är inaktuell: {shown} förekommer inte i {file}"),
                        )
                        .with_hint(format!("ta bort posten ur {ALLOW_LIST_PATH}")),
                    );
                }
            }
        }

        let seen_in_file = seen.entry(file.clone()).or_default();
        if seen_in_file.contains(&number) {
            out.push(
                Diagnostic::warning(
                    list_path,
                    entry_pos,
                    format!("{shown} i {file} finns redan i listan"),
                )
                .with_hint("ta bort den ena posten"),
            );
        } else {
            seen_in_file.insert(number);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;

    #[test]
    fn has_digit_is_exact() {
        let check = |w: [u8; 8]| {
            assert_eq!(
                has_digit(u64::from_le_bytes(w)),
                w.iter().any(u8::is_ascii_digit),
                "{w:?}"
            );
        };
        crate::swar::for_each_test_word(200_000, check);
    }

    // Numbers used below, check digits verified by hand (weights 2,1,2,1,2,1,2,1,2 on the
    // first nine digits of the ten-digit form, digit sums of the products):
    //   121212-121|2 : 2+2+2+2+2+2+2+2+2 = 18                 -> check 2
    //   811218-987|6 : 7+1+2+2+2+8+9+8+5 = 44                 -> check 6
    //   701063-239|1 : 5+0+2+0+3+3+4+3+9 = 29 (day 63 = 3rd)  -> check 1
    //   000229-123|5 : 0+0+0+2+4+9+2+2+6 = 25                 -> check 5
    //   960229-123|0 : 9+6+0+2+4+9+2+2+6 = 40                 -> check 0
    //   970229-123|9 : 9+7+0+2+4+9+2+2+6 = 41                 -> check 9
    //   010229-123|4 : 0+1+0+2+4+9+2+2+6 = 26                 -> check 4
    //   960289-123|7 : 9+6+0+2+7+9+2+2+6 = 43 (day 89 = 29th) -> check 7
    //   556677-889|9 : 1+5+3+6+5+7+7+8+9 = 51                 -> check 9 (org. number)
    //   212000-135|5 : 4+1+4+0+0+0+2+3+1 = 15                 -> check 5 (org. number)

    fn masked(text: &str) -> Vec<(String, Kind)> {
        find_personal_numbers(text)
            .into_iter()
            .map(|f| (f.masked, f.kind))
            .collect()
    }

    fn one(text: &str) -> Found {
        let f = find_personal_numbers(text);
        assert_eq!(f.len(), 1, "expected one number in {text:?}, got {f:?}");
        f.into_iter().next().unwrap()
    }

    fn none(text: &str) {
        let f = find_personal_numbers(text);
        assert!(f.is_empty(), "expected no number in {text:?}, got {f:?}");
    }

    fn render(d: &[Diagnostic]) -> Vec<String> {
        d.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn luhn_of_hand_checked_numbers() {
        let core = |s: &str| -> [u8; 10] {
            let v: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            v.try_into().unwrap()
        };
        for ok in ["1212121212", "8112189876", "7010632391", "5566778899"] {
            assert!(luhn_ok(&core(ok)), "{ok}");
        }
        for bad in ["1212121213", "8112189875", "7010632390"] {
            assert!(!luhn_ok(&core(bad)), "{bad}");
        }
    }

    #[test]
    fn twelve_digit_forms() {
        let f = one("Testperson 19121212-1212 finns.");
        assert_eq!((f.start, f.end), (11, 24));
        assert_eq!(f.masked, "19121212-****");
        assert_eq!(f.kind, Kind::Personnummer);
        assert_eq!(one("191212121212").masked, "19121212****");
        assert_eq!(one("20121212-1212").masked, "20121212-****");
    }

    #[test]
    fn ten_digit_forms_with_each_separator() {
        assert_eq!(one("121212-1212").masked, "121212-****");
        assert_eq!(one("121212+1212").masked, "121212+****");
        assert_eq!(one("1212121212").masked, "121212****");
        assert_eq!(one("811218-9876").masked, "811218-****");
    }

    #[test]
    fn word_processor_dashes_count_as_hyphen() {
        let f = one("pnr 19121212\u{2013}1212.");
        assert_eq!(f.masked, "19121212\u{2013}****");
        assert_eq!(
            &"pnr 19121212\u{2013}1212."[f.start..f.end],
            "19121212\u{2013}1212"
        );
        assert_eq!(one("121212\u{2212}1212").masked, "121212\u{2212}****");
        // `+` only belongs to the ten-digit form.
        none("19121212+1212");
    }

    #[test]
    fn samordningsnummer() {
        assert_eq!(
            masked("701063-2391 och 19701063-2391"),
            vec![
                ("701063-****".to_string(), Kind::Samordningsnummer),
                ("19701063-****".to_string(), Kind::Samordningsnummer),
            ]
        );
        // Day 92 and day 32–60 are neither kind.
        none("701092-2391");
        none("701040-2391");
    }

    #[test]
    fn inside_words_and_markup() {
        assert_eq!(one("| Anna |19121212-1212| x |").masked, "19121212-****");
        assert_eq!(one("pnr:191212121212").masked, "19121212****");
        let f = one("abc8112189876");
        assert_eq!((f.start, f.masked.as_str()), (3, "811218****"));
        assert_eq!(one("personnummer: \"121212-1212\"").masked, "121212-****");
        assert_eq!(one("**121212-1212**").masked, "121212-****");
        assert_eq!(one("åäö121212-1212ÅÄÖ").start, "åäö".len());
    }

    #[test]
    fn not_part_of_longer_digit_runs() {
        none("12191212121212"); // 14 digits
        none("1191212121212"); // 13 digits
        none("91212121212"); // 11 digits
        none("19121212-12123");
        none("919121212-1212");
        none("0121212-1212");
        none("99121212-1212"); // no such century
    }

    #[test]
    fn luhn_failures_are_not_flagged() {
        none("19121212-1213");
        none("121212-1211");
        none("8112189875");
        none("701063-2390");
    }

    #[test]
    fn february_29() {
        // 12 digits: the century decides.
        assert_eq!(one("20000229-1235").masked, "20000229-****");
        none("19000229-1235");
        assert_eq!(one("19960229-1230").masked, "19960229-****");
        none("19970229-1239");
        // 10 digits: valid if either 19YY or 20YY is a leap year.
        assert_eq!(one("000229-1235").masked, "000229-****");
        assert_eq!(one("960229-1230").masked, "960229-****");
        none("970229-1239");
        none("010229-1234");
        // Samordningsnummer for 29 February 1996.
        let f = one("960289-1237");
        assert_eq!(f.kind, Kind::Samordningsnummer);
        none("960230-1230");
    }

    #[test]
    fn organisation_numbers_are_not_flagged() {
        // Both are Luhn-valid; the "month" (66, 20) rules them out.
        none("Org.nr 556677-8899");
        none("212000-1355");
        none("5566778899");
        none("16556677-8899");
    }

    #[test]
    fn phone_numbers_dates_and_case_numbers_are_not_flagged() {
        for text in [
            "Ring 031-315 25 00",
            "0313152830",
            "+46 31 315 25 00",
            "070-123 45 67",
            "Datum: 2018-05-01",
            "Dnr G 2018/000236-1",
            "Ange ditt personnummer.",
            "[ring oss](tel:0701234569)",
            "<a href=\"TEL:0811234566\">",
            "+46701234569",
        ] {
            none(text);
        }
        // Without `tel:` a Luhn-valid bare ten-digit string is a possible number.
        assert_eq!(one("0701234569").masked, "070123****");
    }

    #[test]
    fn several_numbers_in_order() {
        let text = "a 121212-1212 b 811218-9876 c 19121212-1212";
        let f = find_personal_numbers(text);
        assert_eq!(f.len(), 3);
        assert!(f.windows(2).all(|w| w[0].end <= w[1].start));
        assert_eq!(&text[f[1].start..f[1].end], "811218-9876");
    }

    #[test]
    fn scan_reports_masked_number_with_line_and_column() {
        let text =
            "# Rutin\n\n| Namn | Pnr |\n|---|---|\n| Test | 19121212-1212 |\nÅsa 811218+9876\n";
        let d = scan("content/exempel/rutin.md", text, &AllowList::default());
        assert_eq!(
            render(&d),
            vec![
                "content/exempel/rutin.md:5:10: fel: personnummer 19121212-**** får inte publiceras\n  \
                 tips: ta bort numret; är det ett testnummer från Skatteverket, lägg till det i \
                 data/tillatna-personnummer.yaml",
                "content/exempel/rutin.md:6:5: fel: personnummer 811218+**** får inte publiceras\n  \
                 tips: ta bort numret; är det ett testnummer från Skatteverket, lägg till det i \
                 data/tillatna-personnummer.yaml",
            ]
        );
        for diag in &d {
            assert!(!diag.message.contains("1212-1212") && !diag.message.contains("9876"));
        }
    }

    #[test]
    fn scan_reports_samordningsnummer() {
        let d = scan(
            "data/x.yaml",
            "kontakt:\n  id: 701063-2391\n",
            &AllowList::default(),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pos, Pos::new(2, 7));
        assert_eq!(
            d[0].message,
            "samordningsnummer 701063-**** får inte publiceras"
        );
        assert!(d[0].is_error());
    }

    fn list(entries: &[(&str, &str, &str)]) -> AllowList {
        AllowList {
            allow: entries
                .iter()
                .map(|(n, f, r)| AllowEntry {
                    number: n.to_string(),
                    file: f.to_string(),
                    reason: r.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn allowed_number_only_in_its_file() {
        let allow = list(&[(
            "19121212-1212",
            "content/exempel/rutin.md",
            "Skatteverkets testpersonnummer",
        )]);
        let text = "Exempel: 19121212-1212, även 191212121212 och 121212-1212.\n";
        assert!(scan("content/exempel/rutin.md", text, &allow).is_empty());
        assert!(scan("./content/exempel/rutin.md", text, &allow).is_empty());
        assert_eq!(scan("content/annat.md", text, &allow).len(), 3);
        // Another number in the allowed file is still reported.
        let d = scan("content/exempel/rutin.md", "811218-9876", &allow);
        assert_eq!(d.len(), 1);
        // A different century is a different person.
        assert_eq!(
            scan("content/exempel/rutin.md", "20121212-1212", &allow).len(),
            1
        );
    }

    #[test]
    fn allow_list_file_itself_may_contain_its_numbers() {
        let text =
            "allow:\n  - number: \"19121212-1212\"\n    file: content/a.md\n    reason: test\n";
        let allow: AllowList = serde_yaml::from_str(text).unwrap();
        assert!(scan(ALLOW_LIST_PATH, text, &allow).is_empty());
        assert_eq!(scan(ALLOW_LIST_PATH, "811218-9876", &allow).len(), 1);
    }

    #[test]
    fn allow_list_deserializes_and_rejects_unknown_fields() {
        let yaml = "allow:\n  - number: \"19121212-1212\"\n    file: content/exempel/rutin.md\n    reason: Skatteverkets testpersonnummer\n  - number: 191212121212\n    file: content/b.md\n    reason: x\n";
        let l: AllowList = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(l.allow.len(), 2);
        assert_eq!(l.allow[0].file, "content/exempel/rutin.md");
        assert_eq!(l.allow[1].number, "191212121212");
        assert!(serde_yaml::from_str::<AllowList>("allow: []\nextra: 1\n").is_err());
        assert!(
            serde_yaml::from_str::<AllowList>(
                "allow:\n  - number: \"1\"\n    file: a\n    reson: x\n"
            )
            .is_err()
        );
        let schema = serde_json::to_string(&schemars::schema_for!(AllowList)).unwrap();
        assert!(schema.contains("\"number\"") && schema.contains("\"reason\""));
    }

    const LIST_PATH: &str = "data/tillatna-personnummer.yaml";

    fn validate(list_text: &str, files: &[(&str, &str)]) -> Vec<String> {
        let l: AllowList = serde_yaml::from_str(list_text).unwrap();
        let lookup = |p: &str| -> Option<String> {
            if p == LIST_PATH {
                return Some(list_text.to_string());
            }
            files
                .iter()
                .find(|(name, _)| *name == p)
                .map(|(_, t)| t.to_string())
        };
        render(&validate_allow_list(&l, LIST_PATH, &lookup))
    }

    #[test]
    fn valid_allow_list_has_no_diagnostics() {
        let text = "allow:\n  - number: \"19121212-1212\"\n    file: content/exempel/rutin.md\n    reason: Skatteverkets testpersonnummer\n";
        assert!(validate(text, &[("content/exempel/rutin.md", "| 19121212-1212 |")]).is_empty());
        // The file may write the number in another form.
        assert!(validate(text, &[("content/exempel/rutin.md", "121212-1212")]).is_empty());
    }

    #[test]
    fn allow_list_entry_that_is_not_a_number() {
        let text = "allow:\n  - number: \"19121212-1213\"\n    file: content/a.md\n    reason: test\n  - number: \"556677-8899\"\n    file: content/a.md\n    reason: org\n";
        let d = validate(text, &[("content/a.md", "19121212-1213 556677-8899")]);
        assert_eq!(
            d,
            vec![
                "data/tillatna-personnummer.yaml:2:14: fel: \"19121212-****\" är inte ett \
                 personnummer eller samordningsnummer\n  tips: ta bort posten ur listan; skriv \
                 numret inom citattecken, t.ex. \"19121212-1212\", med korrekt datum och \
                 kontrollsiffra",
                "data/tillatna-personnummer.yaml:5:14: fel: \"556677-****\" är inte ett \
                 personnummer eller samordningsnummer\n  tips: ta bort posten ur listan; skriv \
                 numret inom citattecken, t.ex. \"19121212-1212\", med korrekt datum och \
                 kontrollsiffra",
            ]
        );
    }

    #[test]
    fn allow_list_stale_and_missing_file_and_reason() {
        let text = "allow:\n  - number: \"19121212-1212\"\n    file: content/a.md\n    reason: test\n  - number: \"811218-9876\"\n    file: content/borta.md\n    reason: \"  \"\n";
        let d = validate(text, &[("content/a.md", "inget nummer här")]);
        assert_eq!(
            d,
            vec![
                "data/tillatna-personnummer.yaml:2:14: fel: posten är inaktuell: 19121212-**** \
                 förekommer inte i content/a.md\n  tips: ta bort posten ur \
                 data/tillatna-personnummer.yaml",
                "data/tillatna-personnummer.yaml:5:14: fel: posten för 811218-**** saknar \
                 motivering (reason)\n  tips: skriv varför numret får publiceras, t.ex. \
                 reason: Skatteverkets testpersonnummer",
                "data/tillatna-personnummer.yaml:6:11: fel: filen content/borta.md som anges \
                 för 811218-**** finns inte\n  tips: rätta sökvägen (relativt webbplatsens rot, \
                 t.ex. content/exempel/rutin.md) eller ta bort posten",
            ]
        );
    }

    #[test]
    fn allow_list_same_number_in_two_files_gets_separate_positions() {
        let text = "allow:\n  - number: \"19121212-1212\"\n    file: content/a.md\n    reason: test\n  - number: \"19121212-1212\"\n    file: content/b.md\n    reason: test\n  - number: \"121212-1212\"\n    file: content/a.md\n    reason: test\n";
        let d = validate(
            text,
            &[("content/a.md", "19121212-1212"), ("content/b.md", "nej")],
        );
        assert_eq!(
            d,
            vec![
                "data/tillatna-personnummer.yaml:5:14: fel: posten är inaktuell: 19121212-**** \
                 förekommer inte i content/b.md\n  tips: ta bort posten ur \
                 data/tillatna-personnummer.yaml",
                "data/tillatna-personnummer.yaml:8:14: varning: 121212-**** i content/a.md finns \
                 redan i listan\n  tips: ta bort den ena posten",
            ]
        );
    }

    #[test]
    fn allow_list_without_list_text_uses_first_position() {
        let l = list(&[("x", "content/a.md", "r")]);
        let d = validate_allow_list(&l, LIST_PATH, &|_| None);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pos, Pos::new(1, 1));
        assert_eq!(
            d[0].message,
            "\"x\" är inte ett personnummer eller samordningsnummer"
        );
    }

    #[test]
    fn no_panic_on_odd_input() {
        // Deterministic pseudo-random bytes (xorshift), made into strings lossily, plus
        // hand-picked odd Unicode around digits.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: &[u8] = b"0123456789-+ \n|:abc\xc3\xa5\xe2\x80\x93\xff";
        let allow = list(&[("19121212-1212", "a.md", "r")]);
        for round in 0..3000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if round % 2 == 0 {
                        alphabet[(r % alphabet.len() as u64) as usize]
                    } else {
                        r as u8
                    }
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            for f in find_personal_numbers(&text) {
                assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                assert!(f.masked.ends_with("****"));
            }
            let _ = scan("a.md", &text, &allow);
            let _ = parse_exact(&text);
            let _ = mask_any(&text);
        }
        for text in [
            "",
            "\u{2013}",
            "121212\u{2013}",
            "121212\u{2013}12",
            "19121212-",
            "\u{0}121212-1212\u{0}",
            "٠١٢١٢١٢-١٢١٢",
            "１２１２１２-１２１２",
            "é\u{301}121212-1212",
            "tel:",
            "🦀tel:1212121212",
        ] {
            let _ = find_personal_numbers(text);
            let _ = scan("a.md", text, &allow);
        }
        let weird = list(&[("", "", ""), ("🦀", "\\..\\", ""), ("٠١٢", "./", "x")]);
        let _ = validate_allow_list(&weird, LIST_PATH, &|_| Some("🦀 ٠".to_string()));
    }
}
