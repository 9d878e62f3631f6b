//! Swedish text processing for the search index: tokenising, diacritic folding,
//! Snowball stemming and compound splitting.
//!
//! Everything here has a twin in `themes/default/static/js/sok.js` (the client must
//! normalise a query exactly as the index normalised the text), so the rules are kept
//! deliberately simple and explicit: a fixed set of word characters, a fixed folding
//! table and the Snowball Swedish stemmer. `tests/search_js.rs` checks that the two
//! implementations agree.
//!
//! The pipeline for one word is `lowercase` → `fold` → `stem`. Stemming runs on the
//! folded form, so a query typed without å/ä/ö stems to the same key. The Swedish
//! Snowball stemmer only removes suffixes (its two replacements, `löst`→`lös` and
//! `fullt`→`full`, drop a letter too), so a stem is always a prefix of its word; the
//! index relies on that to find every form of a stem in one sorted range of terms.

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Shortest compound part that is a whole vocabulary word ("hem" in "hemtjänst").
pub const MIN_PART: usize = 3;
/// Shortest compound part that is only known as a stem ("skol" from "skola").
pub const MIN_STEM_PART: usize = 4;
/// At most this many parts per compound.
pub const MAX_PARTS: usize = 3;
/// Words longer than this (in characters) are not indexed: they are codes, hashes, URLs.
pub const MAX_WORD: usize = 40;

/// Swedish stop words (Snowball's list plus a few), in folded form. They are not
/// indexed; the list is shipped to the client in `sok/meta.js` so a query drops the
/// same words.
pub const STOP_WORDS: &[&str] = &[
    "alla", "allt", "att", "av", "blev", "bli", "blir", "blivit", "da", "dar", "de", "dem", "den",
    "denna", "deras", "dess", "dessa", "det", "detta", "dig", "din", "dina", "ditt", "du", "efter",
    "ej", "eller", "en", "er", "era", "ert", "ett", "for", "fran", "ha", "hade", "han", "hans",
    "har", "hennes", "hon", "honom", "hur", "i", "icke", "ingen", "inom", "inte", "jag", "ju",
    "kan", "kunde", "man", "med", "mellan", "men", "mig", "min", "mina", "mitt", "mot", "mycket",
    "nagon", "nagot", "nagra", "nar", "ni", "nu", "och", "ocksa", "om", "oss", "over", "pa", "sa",
    "sadan", "sadana", "sadant", "samma", "samt", "sedan", "sig", "sin", "sina", "sitta", "ska",
    "skulle", "som", "till", "ut", "utan", "vad", "var", "vara", "varfor", "varit", "varje",
    "vars", "vart", "vem", "vi", "vid", "vilka", "vilkas", "vilken", "vilket", "an", "at",
];

static STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Swedish));

/// Folding table: each line is the ASCII replacement followed by the characters it
/// replaces. Mirrored in `sok.js` (`FOLD`).
const FOLD_TABLE: &[(&str, &str)] = &[
    ("a", "àáâãäåāăą"),
    ("ae", "æ"),
    ("c", "çćĉċč"),
    ("d", "ďđð"),
    ("e", "èéêëēĕėęě"),
    ("g", "ĝğġģ"),
    ("h", "ĥħ"),
    ("i", "ìíîïĩīĭįı"),
    ("j", "ĵ"),
    ("k", "ķ"),
    ("l", "ĺļľŀł"),
    ("n", "ñńņň"),
    ("o", "òóôõöøōŏő"),
    ("oe", "œ"),
    ("r", "ŕŗř"),
    ("s", "śŝşšſ"),
    ("ss", "ß"),
    ("t", "ţťŧ"),
    ("th", "þ"),
    ("u", "ùúûüũūŭůűų"),
    ("w", "ŵ"),
    ("y", "ýÿŷ"),
    ("z", "źżž"),
];

/// Is `c` part of a word? ASCII letters and digits, Latin-1 and Latin Extended-A/B
/// letters, Greek and Cyrillic letters, and combining diacritics (text in NFD form).
/// A fixed list rather than `char::is_alphanumeric` so the client can use the very
/// same rule without Unicode property escapes (the client is plain ES2017).
pub fn is_word_char(c: char) -> bool {
    matches!(c,
        '0'..='9' | 'a'..='z' | 'A'..='Z'
        | '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}'
        | '\u{0300}'..='\u{036F}'
        | '\u{0391}'..='\u{03C9}' | '\u{0400}'..='\u{04FF}')
}

/// Characters that join two word parts into one hyphenated word ("SITHS-kort").
pub fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Characters ignored inside a word (soft hyphen, zero-width space/joiners).
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// Lowercase a word (the whole string, so Greek final sigma works like in JS).
pub fn lowercase(word: &str) -> String {
    word.to_lowercase()
}

/// Fold diacritics: "behörighet" → "behorighet", "lösenord" → "losenord",
/// "café" → "cafe", "ß" → "ss". Expects lowercase input; combining marks are dropped.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    'chars: for c in word.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        for (to, from) in FOLD_TABLE {
            if from.contains(c) {
                out.push_str(to);
                continue 'chars;
            }
        }
        out.push(c);
    }
    out
}

/// `fold(lowercase(word))`: the form every comparison in the index uses.
pub fn normalize(word: &str) -> String {
    fold(&lowercase(word))
}

/// Snowball Swedish stem of an already normalised (lowercase, folded) word.
/// "behorigheter" → "behor", "rutinerna" → "rutin".
pub fn stem(normalized: &str) -> String {
    STEMMER.stem(normalized).into_owned()
}

/// `stem(normalize(word))`.
pub fn stem_key(word: &str) -> String {
    stem(&normalize(word))
}

/// Is the normalised word a stop word?
pub fn is_stop_word(normalized: &str) -> bool {
    STOP_SET.contains(normalized)
}

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The word as written, hyphens included ("SITHS-kort").
    pub raw: &'a str,
    /// Byte offset of `raw` in the text.
    pub start: usize,
    /// Lowercase, hyphens and ignorable characters removed ("sithskort").
    pub word: String,
    /// For a hyphenated word, its parts in lowercase (["siths", "kort"]); else empty.
    pub parts: Vec<String>,
}

/// One word of a text, as [`for_each_token`] hands it over: `word` and `parts` borrow
/// buffers that are reused for the next word.
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'t, 'b> {
    /// The word as written, hyphens included ("SITHS-kort").
    pub raw: &'t str,
    /// Byte offset of `raw` in the text.
    pub start: usize,
    /// Lowercase, hyphens and ignorable characters removed ("sithskort").
    pub word: &'b str,
    /// For a hyphenated word, its parts as byte ranges of `word`; else empty.
    pub parts: &'b [std::ops::Range<usize>],
}

/// Split text into words. A word is a run of word characters; runs joined by a single
/// hyphen form one hyphenated word. Soft hyphens and zero-width characters inside a
/// word are skipped.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    for_each_token(text, |t| {
        tokens.push(Token {
            raw: t.raw,
            start: t.start,
            word: t.word.to_string(),
            parts: t
                .parts
                .iter()
                .map(|r| t.word[r.clone()].to_string())
                .collect(),
        })
    });
    tokens
}

/// [`tokenize`] without allocating per word: calls `f` for each word in order.
pub fn for_each_token<'t, F: FnMut(TokenRef<'t, '_>)>(text: &'t str, f: F) {
    tokens_from(text, true, f);
}

/// How a plain word ends: at the end of the text, or at a character that neither
/// continues nor joins it. `None` when what follows needs the general path (a hyphen,
/// an ignorable character or a word character outside ASCII and Latin-1).
#[inline]
fn plain_end(text: &str, j: usize) -> Option<()> {
    let bytes = text.as_bytes();
    match bytes.get(j) {
        None => Some(()),
        Some(&b) if b < 0x80 => (b != b'-').then_some(()),
        Some(_) => {
            let c = next_char(text, j);
            (!is_word_char(c) && !is_ignorable(c) && !is_hyphen(c)).then_some(())
        }
    }
}

/// The end of the plain word at `i`: a run of ASCII letters and digits and Latin-1
/// letters (`C3 80`–`C3 BF` in UTF-8 but `×` and `÷`), and whether it has capitals.
#[inline]
fn plain_run(bytes: &[u8], mut j: usize) -> (usize, bool) {
    let mut upper = false;
    while j < bytes.len() {
        let b = bytes[j];
        if b.is_ascii_alphanumeric() {
            upper |= b.is_ascii_uppercase();
            j += 1;
        } else if b == 0xC3
            && let Some(&c) = bytes.get(j + 1)
            && (0x80..=0xBF).contains(&c)
            && c != 0x97
            && c != 0xB7
        {
            upper |= c <= 0x9E;
            j += 2;
        } else {
            break;
        }
    }
    (j, upper)
}

/// Lowercase a plain word (see [`plain_run`]) into `out`: ASCII capitals, and Latin-1
/// capitals `À`–`Þ` (`C3 80`–`C3 9E`), whose lowercase is 0x20 further on.
fn lower_plain(raw: &str, out: &mut String) {
    out.clear();
    out.push_str(raw);
    // SAFETY: only ASCII capitals and the second byte of a two-byte sequence in
    // 0x80..=0x9E change, to ASCII lowercase and 0xA0..=0xBE: still valid UTF-8.
    let b = unsafe { out.as_mut_vec() };
    let mut k = 0;
    while k < b.len() {
        if b[k] == 0xC3 {
            if b[k + 1] <= 0x9E {
                b[k + 1] += 0x20;
            }
            k += 2;
        } else {
            b[k] = b[k].to_ascii_lowercase();
            k += 1;
        }
    }
}

/// The tokeniser; `fast` takes the shortcut for plain words (the general path alone
/// is kept for the tests, which check that both agree).
fn tokens_from<'t, F: FnMut(TokenRef<'t, '_>)>(text: &'t str, fast: bool, mut f: F) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut parts: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Skip to the next word character (ASCII fast path).
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
        } else {
            let c = next_char(text, i);
            if !is_word_char(c) {
                i += c.len_utf8();
                continue;
            }
        }
        let start = i;
        if fast {
            // Most words: letters and digits of ASCII and Latin-1, then a character
            // that ends them. Already lowercase, they are handed over without a copy.
            let (j, upper) = plain_run(bytes, i);
            if j > i && plain_end(text, j).is_some() {
                let raw = &text[i..j];
                let lower: &str = if upper {
                    lower_plain(raw, &mut word);
                    &word
                } else {
                    raw
                };
                f(TokenRef {
                    raw,
                    start,
                    word: lower,
                    parts: &[],
                });
                i = j;
                continue;
            }
        }
        let mut end = i;
        word.clear();
        parts.clear();
        // Where the current part starts in `word` and in `text`; whether it has a
        // capital sigma (whose lowercase depends on its neighbours).
        let mut part_start = 0;
        let mut part_raw = i;
        let mut sigma = false;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    word.push(char::from(b.to_ascii_lowercase()));
                    i += 1;
                    end = i;
                    continue;
                }
                if b != b'-' {
                    break;
                }
            }
            let c = next_char(text, i);
            if is_word_char(c) {
                if c == '\u{03A3}' {
                    sigma = true;
                }
                word.extend(c.to_lowercase());
                i += c.len_utf8();
                end = i;
            } else if is_ignorable(c) {
                i += c.len_utf8();
            } else if is_hyphen(c) {
                // Only join if a word char follows the hyphen.
                let after = i + c.len_utf8();
                if after < bytes.len() && is_word_char(next_char(text, after)) {
                    if sigma {
                        relower_part(text, part_raw, end, &mut word, part_start);
                        sigma = false;
                    }
                    parts.push(part_start..word.len());
                    part_start = word.len();
                    i = after;
                    part_raw = after;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if sigma {
            relower_part(text, part_raw, end, &mut word, part_start);
        }
        if !parts.is_empty() {
            parts.push(part_start..word.len());
        }
        f(TokenRef {
            raw: &text[start..end],
            start,
            word: &word,
            parts: &parts,
        });
    }
}

fn next_char(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// Lowercase a part again as a whole string (for the context-dependent final sigma),
/// replacing `word[from..]`.
fn relower_part(text: &str, raw_start: usize, raw_end: usize, word: &mut String, from: usize) {
    let raw: String = text[raw_start..raw_end]
        .chars()
        .filter(|&c| is_word_char(c))
        .collect();
    word.truncate(from);
    word.push_str(&lowercase(&raw));
}

/// Should a (lowercase) word be indexed at all?
pub fn indexable(word: &str) -> bool {
    let n = word.chars().count();
    (2..=MAX_WORD).contains(&n) && !is_stop_word(&fold(word))
}

/// The vocabulary compounds are split against: the corpus' own words (folded), and
/// their stems when those are long enough ("skol" from "skola", so "skolbarn" splits).
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    words: HashSet<String>,
    stems: HashSet<String>,
}

impl Vocabulary {
    pub fn new() -> Vocabulary {
        Vocabulary::default()
    }

    /// Add a word as it appears in the text (any case, diacritics kept).
    pub fn add(&mut self, word: &str) {
        if let Some((n, s)) = Vocabulary::analyse(word) {
            if let Some(s) = s {
                self.stems.insert(s);
            }
            self.words.insert(n);
        }
    }

    /// A vocabulary of distinct words (as [`Vocabulary::add`] takes them), normalised
    /// and stemmed in parallel.
    pub fn from_words(words: &[&str]) -> Vocabulary {
        use rayon::prelude::*;
        let analysed: Vec<(String, Option<String>)> = words
            .par_iter()
            .filter_map(|w| Vocabulary::analyse(w))
            .collect();
        let mut v = Vocabulary::new();
        v.words.reserve(analysed.len());
        for (n, s) in analysed {
            if let Some(s) = s {
                v.stems.insert(s);
            }
            v.words.insert(n);
        }
        v
    }

    /// The keys [`Vocabulary::add`] adds for a word: its normalised form and its stem,
    /// if they qualify. A vocabulary is the set of its words' keys, so it can be kept up
    /// to date with [`Vocabulary::insert_key`] and [`Vocabulary::remove_key`] by
    /// counting how many words give each key.
    pub fn keys(word: &str) -> Option<(String, Option<String>)> {
        Vocabulary::analyse(word)
    }

    /// Add a key from [`Vocabulary::keys`]: a normalised word, or (`stem`) a stem.
    pub fn insert_key(&mut self, key: &str, stem: bool) {
        let set = if stem {
            &mut self.stems
        } else {
            &mut self.words
        };
        if !set.contains(key) {
            set.insert(key.to_string());
        }
    }

    /// Remove a key added with [`Vocabulary::insert_key`].
    pub fn remove_key(&mut self, key: &str, stem: bool) {
        let set = if stem {
            &mut self.stems
        } else {
            &mut self.words
        };
        set.remove(key);
    }

    /// What [`Vocabulary::add`] adds for a word: its normalised form and the stem, if
    /// they qualify.
    fn analyse(word: &str) -> Option<(String, Option<String>)> {
        let n = normalize(word);
        let len = n.chars().count();
        if !(MIN_PART..=MAX_WORD).contains(&len) || is_stop_word(&n) {
            return None;
        }
        let s = stem(&n);
        let s = (s.chars().count() >= MIN_STEM_PART && !is_stop_word(&s)).then_some(s);
        Some((n, s))
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn knows(&self, chars: &[char]) -> bool {
        let n = chars.len();
        if n < MIN_PART {
            return false;
        }
        let s: String = chars.iter().collect();
        let f = fold(&s);
        if is_stop_word(&f) {
            return false;
        }
        self.words.contains(&f) || (n >= MIN_STEM_PART && self.stems.contains(&f))
    }

    /// Whether [`Vocabulary::split_compound`] of `word` can depend on `key` (a key of
    /// [`Vocabulary::keys`]): it only asks about the folded substrings of the
    /// lowercase word, so not unless `key` is a substring of `normalize(word)`.
    pub fn split_may_use(normalized_word: &str, key: &str) -> bool {
        normalized_word.contains(key)
    }

    /// Split a compound into known parts: "behörighetsansökan" → ["behörighet",
    /// "ansökan"] (the linking -s- dropped), "lösenordsadministratör" → ["lösenord",
    /// "administratör"]. Returns `None` when the word is not a compound of known words.
    /// The parts are substrings of the lowercase word, diacritics kept. Prefers the
    /// fewest parts, then the longest shortest part, then the longest first part.
    pub fn split_compound(&self, word: &str) -> Option<Vec<String>> {
        let lower = lowercase(word);
        let chars: Vec<char> = lower.chars().collect();
        if chars.len() < 2 * MIN_PART || chars.len() > MAX_WORD {
            return None;
        }
        if !chars.iter().all(|&c| is_word_char(c)) {
            return None;
        }
        let mut memo = Vec::new();
        let best = self.best_split(&chars, 0, MAX_PARTS, true, &mut memo)?;
        if best.parts.len() < 2 {
            return None;
        }
        Some(
            best.parts
                .iter()
                .map(|&(a, b)| chars[a..b].iter().collect())
                .collect(),
        )
    }

    fn best_split(
        &self,
        chars: &[char],
        start: usize,
        parts_left: usize,
        first: bool,
        memo: &mut Vec<((usize, usize), Option<Split>)>,
    ) -> Option<Split> {
        if let Some((_, hit)) = memo.iter().find(|(k, _)| *k == (start, parts_left)) {
            return hit.clone();
        }
        let len = chars.len();
        let mut best: Option<Split> = None;
        // The rest as one part (not for the whole word: that is no split).
        if !first && self.knows(&chars[start..]) {
            best = Some(Split {
                parts: vec![(start, len)],
            });
        }
        if parts_left >= 2 && best.is_none() {
            // Longest first part first.
            let mut end = len.saturating_sub(MIN_PART);
            while end >= start + MIN_PART {
                if self.knows(&chars[start..end]) {
                    let mut nexts = vec![end];
                    // Linking -s-: "behörighet|s|ansökan".
                    if chars[end] == 's' && end + 1 + MIN_PART <= len {
                        nexts.push(end + 1);
                    }
                    for next in nexts {
                        if let Some(rest) =
                            self.best_split(chars, next, parts_left - 1, false, memo)
                        {
                            let mut parts = vec![(start, end)];
                            parts.extend(rest.parts);
                            let cand = Split { parts };
                            if best.as_ref().is_none_or(|b| cand.better_than(b)) {
                                best = Some(cand);
                            }
                        }
                    }
                }
                end -= 1;
            }
        }
        memo.push(((start, parts_left), best.clone()));
        best
    }
}

#[derive(Debug, Clone)]
struct Split {
    parts: Vec<(usize, usize)>,
}

impl Split {
    fn min_len(&self) -> usize {
        self.parts.iter().map(|(a, b)| b - a).min().unwrap_or(0)
    }
    fn better_than(&self, other: &Split) -> bool {
        (self.parts.len(), std::cmp::Reverse(self.min_len()))
            < (other.parts.len(), std::cmp::Reverse(other.min_len()))
    }
}

/// Compare two strings by UTF-16 code units, the order JavaScript's `<` uses.
///
/// UTF-8 byte order is code point order, which is UTF-16 order except that the
/// characters U+E000–U+FFFF (lead bytes 0xEE, 0xEF) sort after the supplementary ones
/// (lead bytes 0xF0–0xF4, surrogates in UTF-16). So compare bytes, and only when the
/// first difference is at such a pair of lead bytes, swap the answer.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    let (p, q) = (x[i], y[i]);
    let high_bmp = |c: u8| c == 0xEE || c == 0xEF;
    let supplementary = |c: u8| c >= 0xF0;
    if (high_bmp(p) && supplementary(q)) || (supplementary(p) && high_bmp(q)) {
        q.cmp(&p)
    } else {
        p.cmp(&q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` deterministic strings of pieces (the n-th has n % 12 of them), picked by
    /// xorshift64 from `seed`.
    fn mixed_texts(pieces: &[&str], count: usize, mut seed: u64) -> Vec<String> {
        (0..count)
            .map(|n| {
                let mut text = String::new();
                for _ in 0..(n % 12) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
                }
                text
            })
            .collect()
    }

    /// Every token of `text` as (raw, start, word, parts), through the plain-word
    /// shortcut or the general path only.
    fn all_tokens(text: &str, fast: bool) -> Vec<(String, usize, String, Vec<String>)> {
        let mut out = Vec::new();
        tokens_from(text, fast, |t| {
            out.push((
                t.raw.to_string(),
                t.start,
                t.word.to_string(),
                t.parts
                    .iter()
                    .map(|r| t.word[r.clone()].to_string())
                    .collect(),
            ))
        });
        out
    }

    #[test]
    fn plain_word_shortcut_agrees_with_the_general_path() {
        let pieces = [
            "a",
            "Z",
            "9",
            "å",
            "Ä",
            "Ö",
            "ß",
            "ÿ",
            "À",
            "Þ",
            "×",
            "÷",
            "é",
            "É",
            "ł",
            "Ł",
            "Σ",
            "σ",
            "ς",
            "Ж",
            "\u{0301}",
            "\u{00AD}",
            "\u{200B}",
            "-",
            "\u{2010}",
            "\u{2011}",
            "–",
            " ",
            ".",
            ",",
            "\n",
            "µ",
            "ª",
            "SITHS",
            "kort",
            "Öppet",
            "e-tjänst",
            "1–2",
        ];
        let mut fixed = vec![
            "Beställ SITHS-kort, byt lösenord (ÅÄÖ é ü) 2024!".to_string(),
            "ÖVERSIKT Åtkomst ÄNDRING ß ÿ Þorn ×÷ Łódź ΣΟΦΟΣ".to_string(),
            "ord- och ord -ord a-b-c 10–12 e\u{00AD}tjänst".to_string(),
        ];
        fixed.extend(mixed_texts(&pieces, 3000, 0x9E37_79B9_7F4A_7C15));
        for t in &fixed {
            assert_eq!(all_tokens(t, true), all_tokens(t, false), "{t:?}");
        }
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn tokenize_swedish_text() {
        assert_eq!(
            words("Beställ SITHS-kort, byt lösenord (ÅÄÖ é ü) 2024!"),
            [
                "beställ",
                "sithskort",
                "byt",
                "lösenord",
                "åäö",
                "é",
                "ü",
                "2024"
            ]
        );
        let t = tokenize("Ett SITHS-kort.");
        assert_eq!(t[1].raw, "SITHS-kort");
        assert_eq!(t[1].start, 4);
        assert_eq!(t[1].parts, ["siths", "kort"]);
        assert!(t[0].parts.is_empty());
    }

    #[test]
    fn tokenize_edge_cases() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" -- – , . ").is_empty());
        // A trailing or doubled hyphen does not join.
        assert_eq!(words("e- och -post a--b"), ["e", "och", "post", "a", "b"]);
        // Soft hyphen inside a word is ignored.
        assert_eq!(words("lösen\u{00AD}ord"), ["lösenord"]);
        // Decomposed (NFD) ö stays inside the word and folds away.
        let nfd = "lo\u{0308}senord";
        assert_eq!(words(nfd), [nfd.to_string()]);
        assert_eq!(fold(nfd), "losenord");
        // En dash separates.
        assert_eq!(words("Mölndal–Göteborg"), ["mölndal", "göteborg"]);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("behörighet"), "behorighet");
        assert_eq!(fold("lösenord"), "losenord");
        assert_eq!(fold("åäöéüèàç"), "aaoeueac");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(normalize("Behörighet"), "behorighet");
        assert_eq!(normalize("SITHS"), "siths");
    }

    #[test]
    fn stemming_shares_stems() {
        assert_eq!(stem_key("behörigheter"), stem_key("behörighet"));
        assert_eq!(stem_key("behorigheter"), stem_key("behörighet"));
        assert_eq!(stem_key("rutinerna"), stem_key("rutin"));
        assert_eq!(stem_key("rutiner"), "rutin");
        assert_eq!(stem_key("ansökningar"), stem_key("ansökning"));
        assert_eq!(stem_key("lösenorden"), stem_key("lösenord"));
        assert_eq!(stem_key("driftstoppen"), stem_key("driftstopp"));
        // Snowball Swedish leaves -et alone; prefix matching covers "driftstoppet".
        assert_ne!(stem_key("driftstoppet"), stem_key("driftstopp"));
        assert_eq!(stem_key("kommunerna"), stem_key("kommun"));
    }

    #[test]
    fn stem_is_a_prefix_of_the_word() {
        for w in [
            "behörigheterna",
            "rutinerna",
            "fullt",
            "löst",
            "ansökan",
            "lösenordsadministratörer",
            "driftstoppen",
            "kallad",
            "vänligt",
            "glädjeämnen",
            "ab",
            "",
        ] {
            let n = normalize(w);
            assert!(n.starts_with(&stem(&n)), "{w}");
        }
    }

    #[test]
    fn stop_words() {
        assert!(is_stop_word("och"));
        assert!(is_stop_word(&normalize("för")));
        assert!(!is_stop_word("rutin"));
        assert!(!indexable("och"));
        assert!(!indexable("a"));
        assert!(indexable("it"));
        assert!(indexable("lösenord"));
        // The stop list is kept in folded form.
        for w in STOP_WORDS {
            assert_eq!(fold(w), *w);
        }
    }

    fn vocab(words: &[&str]) -> Vocabulary {
        let mut v = Vocabulary::new();
        for w in words {
            v.add(w);
        }
        v
    }

    #[test]
    fn compound_splitting() {
        let v = vocab(&[
            "behörighet",
            "ansökan",
            "lösenord",
            "administratör",
            "kort",
            "siths",
            "hem",
            "tjänst",
            "skola",
            "barn",
            "drift",
            "stopp",
            "läsare",
            "behörighetsansökan",
        ]);
        assert_eq!(
            v.split_compound("behörighetsansökan").unwrap(),
            ["behörighet", "ansökan"]
        );
        assert_eq!(
            v.split_compound("Lösenordsadministratör").unwrap(),
            ["lösenord", "administratör"]
        );
        assert_eq!(v.split_compound("hemtjänst").unwrap(), ["hem", "tjänst"]);
        assert_eq!(v.split_compound("driftstopp").unwrap(), ["drift", "stopp"]);
        // Via the stem of "skola".
        assert_eq!(v.split_compound("skolbarn").unwrap(), ["skol", "barn"]);
        // Three parts.
        assert_eq!(
            v.split_compound("sithskortläsare").unwrap(),
            ["siths", "kort", "läsare"]
        );
        // Folded input splits too.
        assert_eq!(
            v.split_compound("behorighetsansokan").unwrap(),
            ["behorighet", "ansokan"]
        );
        // Not compounds of known words.
        assert_eq!(v.split_compound("ansökan"), None);
        assert_eq!(v.split_compound("administration"), None);
        assert_eq!(v.split_compound(""), None);
        assert_eq!(v.split_compound("hem"), None);
        assert_eq!(v.split_compound("hem tjänst"), None);
    }

    /// A vocabulary kept with `insert_key`/`remove_key` splits like one made with
    /// `add`, and a split never depends on a key that is not a substring of the
    /// normalised word (what `IndexCache` relies on to re-split only some words).
    #[test]
    fn splits_depend_only_on_keys_inside_the_word() {
        let base = [
            "skola",
            "hem",
            "tjänst",
            "kort",
            "läsare",
            "behörighet",
            "ansökan",
            "lösenord",
            "drift",
            "stopp",
            "nyckel",
            "rutin",
        ];
        let extra = [
            "barn",
            "skolbarn",
            "ola",
            "arn",
            "läs",
            "kortl",
            "ordning",
            "hemtjänst",
            "ans",
            "ökan",
            "sökan",
            "nyckelkort",
            "rutiner",
            "Ärende",
            "stoppet",
            "tjänstbarn",
        ];
        let words = [
            "skolbarnen",
            "hemtjänstbarn",
            "behörighetsansökan",
            "nyckelkortsrutiner",
            "kortläsare",
            "lösenordsansökan",
            "driftstoppet",
            "sithskortläsarna",
            "ärendehantering",
        ];
        let without = vocab(&base);
        for e in extra {
            let mut all = base.to_vec();
            all.push(e);
            let with = vocab(&all);
            // The same vocabulary, kept by keys.
            let mut kept = vocab(&base);
            let (n, s) = Vocabulary::keys(e).expect("a vocabulary word");
            kept.insert_key(&n, false);
            if let Some(s) = &s {
                kept.insert_key(s, true);
            }
            for w in words {
                assert_eq!(kept.split_compound(w), with.split_compound(w), "{w} + {e}");
                let nw = normalize(w);
                let inside = Vocabulary::split_may_use(&nw, &n)
                    || s.as_deref()
                        .is_some_and(|s| Vocabulary::split_may_use(&nw, s));
                if !inside {
                    assert_eq!(
                        with.split_compound(w),
                        without.split_compound(w),
                        "{w} + {e}"
                    );
                }
            }
            // And taken out again (the keys the base did not have already).
            if !without.words.contains(&n) {
                kept.remove_key(&n, false);
            }
            if let Some(s) = s.as_ref().filter(|s| !without.stems.contains(*s)) {
                kept.remove_key(s, true);
            }
            for w in words {
                assert_eq!(
                    kept.split_compound(w),
                    without.split_compound(w),
                    "{w} - {e}"
                );
            }
        }
    }

    #[test]
    fn compound_prefers_fewer_and_longer_parts() {
        let v = vocab(&["lösen", "ord", "lösenord", "bok", "lösenordsbok"]);
        // "lösenord" + "bok", not "lösen" + "ord" + "bok".
        assert_eq!(
            v.split_compound("lösenordsbok").unwrap(),
            ["lösenord", "bok"]
        );
        assert_eq!(
            v.split_compound("lösenordbok").unwrap(),
            ["lösenord", "bok"]
        );
        // At most three parts.
        let v = vocab(&["kod", "bok", "rum", "hus"]);
        assert_eq!(
            v.split_compound("kodbokrum").unwrap(),
            ["kod", "bok", "rum"]
        );
        assert_eq!(v.split_compound("kodbokrumhus"), None);
    }

    #[test]
    fn stop_words_are_not_parts() {
        let v = vocab(&["för", "säkring"]);
        assert_eq!(v.split_compound("försäkring"), None);
    }

    #[test]
    fn no_panic_on_odd_input() {
        let v = vocab(&["ab", "ÅÄÖ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x\u{0308}yz"]);
        for s in [
            "",
            "-",
            "ß",
            "İstanbul",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "\u{0308}\u{0308}",
            "ΣΟΦΟΣ",
        ] {
            let _ = tokenize(s);
            let _ = stem_key(s);
            let _ = v.split_compound(s);
        }
        assert_eq!(lowercase("ΟΔΟΣ"), "οδος");
    }

    #[test]
    fn js_cmp_matches_utf16_order() {
        let alphabet = [
            "",
            "a",
            "b",
            "z",
            "å",
            "ä",
            "ö",
            "é",
            "\u{7FF}",
            "\u{800}",
            "\u{D7FF}",
            "\u{E000}",
            "\u{FF5E}",
            "\u{FFFF}",
            "\u{10000}",
            "\u{1F600}",
            "\u{10FFFF}",
        ];
        let mut strings = Vec::new();
        for a in alphabet {
            for b in alphabet {
                strings.push(format!("{a}{b}"));
                strings.push(format!("x{a}y{b}"));
            }
        }
        for a in &strings {
            for b in &strings {
                assert_eq!(
                    js_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn for_each_token_matches_a_plain_implementation() {
        // The straightforward tokenizer this one replaced, kept as the reference.
        fn reference(text: &str) -> Vec<(usize, String, Vec<String>)> {
            let mut tokens = Vec::new();
            let mut iter = text.char_indices().peekable();
            while let Some(&(start, c)) = iter.peek() {
                if !is_word_char(c) {
                    iter.next();
                    continue;
                }
                let mut parts: Vec<String> = vec![String::new()];
                while let Some(&(_, c)) = iter.peek() {
                    if is_word_char(c) {
                        parts.last_mut().unwrap().push(c);
                        iter.next();
                    } else if is_ignorable(c) {
                        iter.next();
                    } else if is_hyphen(c) {
                        let mut ahead = iter.clone();
                        ahead.next();
                        match ahead.peek() {
                            Some(&(_, n)) if is_word_char(n) => {
                                iter.next();
                                parts.push(String::new());
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
                let parts: Vec<String> = parts.iter().map(|p| lowercase(p)).collect();
                let word = parts.concat();
                let parts = if parts.len() > 1 { parts } else { Vec::new() };
                tokens.push((start, word, parts));
            }
            tokens
        }
        let pieces = [
            "a",
            "B",
            "Ö",
            "å",
            "-",
            "\u{2010}",
            "\u{2011}",
            "\u{00AD}",
            "\u{200B}",
            " ",
            "Σ",
            "ΟΣ",
            "İ",
            "ß",
            "\u{0308}",
            "9",
            ".",
            "–",
            "x",
            "Ά",
            "Ԁ",
            "\u{1F600}",
        ];
        for text in mixed_texts(&pieces, 20_000, 0x2545_f491_4f6c_dd1d) {
            let got: Vec<(usize, String, Vec<String>)> = tokenize(&text)
                .into_iter()
                .map(|t| {
                    assert_eq!(&text[t.start..t.start + t.raw.len()], t.raw);
                    (t.start, t.word, t.parts)
                })
                .collect();
            assert_eq!(got, reference(&text), "{text:?}");
        }
    }

    #[test]
    fn js_order() {
        assert_eq!(js_cmp("a", "b"), std::cmp::Ordering::Less);
        // U+FF5E sorts after U+1F600 in UTF-8 order but before it in UTF-16.
        assert_eq!(js_cmp("\u{FF5E}", "\u{1F600}"), std::cmp::Ordering::Greater);
    }
}
