//! Measures what a query loads: builds the search index for a synthetic corpus of
//! Swedish pages (deterministic), writes it to a temporary directory and runs the real
//! client (`sok.js`) under Node (`tests/js/harness.js`) for a few one-word queries,
//! printing the files and bytes each query loads.
//!
//!     cargo run --release --example search_bytes [-- <pages>]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use lovportal::search::{DocKind, IndexOptions, SearchDoc, Section, build_index_with};

/// Words of the domain; compounds and inflections are generated from them.
const NOUNS: &[&str] = &[
    "behörighet",
    "ansökan",
    "lösenord",
    "administratör",
    "rutin",
    "kommun",
    "system",
    "journal",
    "kort",
    "läsare",
    "inloggning",
    "brukare",
    "vård",
    "omsorg",
    "hemtjänst",
    "utförare",
    "avtal",
    "ersättning",
    "faktura",
    "beslut",
    "insats",
    "handläggare",
    "kontakt",
    "telefon",
    "support",
    "driftstopp",
    "nyckel",
    "säkerhet",
    "dokumentation",
    "genomförandeplan",
    "avvikelse",
    "rapport",
    "delegering",
    "läkemedel",
    "signering",
    "schema",
    "personal",
    "anställning",
    "utbildning",
    "introduktion",
    "checklista",
    "tjänst",
    "blankett",
    "underskrift",
    "verksamhet",
    "kvalitet",
    "uppföljning",
    "tillstånd",
    "anmälan",
    "ärende",
    "förfrågan",
    "samverkan",
    "region",
    "sjuksköterska",
    "arbetsterapeut",
    "fysioterapeut",
    "larm",
    "trygghet",
    "nattpatrull",
    "matdistribution",
    "tvätt",
    "städning",
    "inköp",
    "ledsagning",
    "avlösning",
    "korttid",
    "boende",
    "lägenhet",
    "nyckelhantering",
    "dörr",
    "lås",
    "mobil",
    "app",
    "konto",
    "grupp",
    "roll",
    "enhet",
    "chef",
    "samordnare",
    "tid",
    "besök",
    "planering",
    "registrering",
    "tidrapport",
    "lön",
    "semester",
    "sjukfrånvaro",
    "vikarie",
    "bemanning",
    "kris",
    "beredskap",
    "information",
    "sekretess",
    "samtycke",
    "gallring",
    "arkiv",
    "journalföring",
    "ordination",
    "hälsa",
    "sjukvård",
    "dokument",
    "mall",
    "manual",
    "film",
    "webbinarium",
    "yubikey",
    "siths-kort",
    "e-tjänst",
    "bankid",
    "lösenordsadministratör",
];
const VERBS: &[&str] = &[
    "ansöker",
    "beställer",
    "kontaktar",
    "loggar",
    "fyller",
    "skickar",
    "signerar",
    "dokumenterar",
    "rapporterar",
    "behöver",
    "ska",
    "kan",
    "måste",
    "får",
    "gör",
    "använder",
    "läser",
    "skriver",
    "godkänner",
    "avslutar",
    "startar",
    "byter",
    "hittar",
    "registrerar",
    "planerar",
    "följer",
    "granskar",
    "informerar",
    "meddelar",
];
const ADJ: &[&str] = &[
    "ny",
    "nya",
    "gammal",
    "viktig",
    "viktiga",
    "personlig",
    "digital",
    "digitala",
    "aktuell",
    "gällande",
    "enskild",
    "kommunal",
    "privat",
    "snabb",
    "säker",
    "tillfällig",
];
const FUNC: &[&str] = &[
    "och", "att", "i", "en", "som", "på", "är", "för", "med", "det", "den", "till", "av", "om",
    "du", "har", "inte", "de", "ett", "från", "vid", "eller", "när", "så", "efter", "under",
    "alla", "vi", "din", "ditt", "dina", "samt", "också", "hos", "innan",
];
const MUNIS: &[&str] = &[
    "Mölndal",
    "Härryda",
    "Partille",
    "Lerum",
    "Alingsås",
    "Kungälv",
    "Ale",
    "Stenungsund",
    "Tjörn",
    "Orust",
    "Öckerö",
    "Kungsbacka",
    "Borås",
    "Ulricehamn",
    "Vårgårda",
    "Herrljunga",
    "Trollhättan",
    "Vänersborg",
    "Uddevalla",
    "Lysekil",
    "Sotenäs",
    "Munkedal",
    "Tanum",
    "Strömstad",
    "Mark",
    "Svenljunga",
    "Tranemo",
    "Bollebygd",
    "Lilla Edet",
    "Essunga",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Zipf-like: small indices much more likely.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as usize % n.max(1)
    }
}

fn inflect(rng: &mut Rng, w: &str) -> String {
    const ENDINGS: &[&str] = &[
        "", "", "", "en", "er", "erna", "ar", "arna", "et", "s", "ens",
    ];
    format!("{w}{}", ENDINGS[rng.below(ENDINGS.len())])
}

/// A pseudo-Swedish word from syllables, for a long tail of rare words.
fn pseudo_word(rng: &mut Rng) -> String {
    const ONSET: &[&str] = &[
        "b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "sk", "st",
        "tr", "fr", "kl", "sj", "sv", "gr", "bl",
    ];
    const VOWEL: &[&str] = &["a", "e", "i", "o", "u", "y", "å", "ä", "ö"];
    const CODA: &[&str] = &["", "", "n", "r", "l", "s", "t", "ng", "rd", "ck", "ll", "m"];
    let syllables = 2 + rng.below(3);
    (0..syllables)
        .map(|_| {
            format!(
                "{}{}{}",
                ONSET[rng.below(ONSET.len())],
                VOWEL[rng.below(VOWEL.len())],
                CODA[rng.below(CODA.len())]
            )
        })
        .collect()
}

fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let mut v: Vec<String> = NOUNS.iter().map(|s| s.to_string()).collect();
    for _ in 0..8000 {
        v.push(pseudo_word(rng));
    }
    // Compounds: a few thousand, linking -s- now and then.
    for _ in 0..6000 {
        let a = NOUNS[rng.zipf(NOUNS.len())];
        let b = NOUNS[rng.below(NOUNS.len())];
        if a == b {
            continue;
        }
        let link = if rng.below(3) == 0 { "s" } else { "" };
        v.push(format!("{a}{link}{b}"));
    }
    let domain = NOUNS.len();
    let mut rest = v.split_off(domain);
    rest.sort();
    rest.dedup();
    // Shuffle so compounds and rare words are spread over the Zipf ranks; the domain
    // words stay the most frequent.
    for i in (1..rest.len()).rev() {
        let j = rng.below(i + 1);
        rest.swap(i, j);
    }
    v.extend(rest);
    v
}

fn sentence(rng: &mut Rng, vocab: &[String], words: usize) -> String {
    let mut out: Vec<String> = Vec::with_capacity(words);
    for k in 0..words {
        let r = rng.below(10);
        let w = if r < 4 {
            FUNC[rng.zipf(FUNC.len())].to_string()
        } else if r < 5 {
            VERBS[rng.below(VERBS.len())].to_string()
        } else if r < 6 {
            ADJ[rng.below(ADJ.len())].to_string()
        } else {
            let k = rng.zipf(vocab.len());
            inflect(rng, &vocab[k])
        };
        if k == 0 {
            let mut c = w.chars();
            let first: String = c
                .next()
                .map(|f| f.to_uppercase().collect())
                .unwrap_or_default();
            out.push(first + c.as_str());
        } else {
            out.push(w);
        }
    }
    format!("{}.", out.join(" "))
}

fn corpus(pages: usize) -> Vec<SearchDoc> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocab = vocabulary(&mut rng);
    let kinds = [
        DocKind::Routine,
        DocKind::Routine,
        DocKind::Routine,
        DocKind::ChecklistStep,
        DocKind::Contact,
        DocKind::System,
        DocKind::EService,
        DocKind::Page,
    ];
    (0..pages)
        .map(|i| {
            let muni = MUNIS[i % MUNIS.len()];
            let slug: String = lovportal::search::text::normalize(muni).replace(' ', "-");
            let kind = if i < MUNIS.len() {
                DocKind::Municipality
            } else {
                kinds[rng.below(kinds.len())]
            };
            let topic = &vocab[rng.zipf(vocab.len())];
            let mut title = topic.clone();
            if let Some(f) = title.get(..1) {
                title = f.to_uppercase() + &title[1..];
            }
            let n_sections = 2 + rng.below(6);
            let sections = (0..n_sections)
                .map(|s| {
                    let heading = if s == 0 {
                        String::new()
                    } else {
                        let n = 1 + rng.below(3);
                        let h = sentence(&mut rng, &vocab, n);
                        h.trim_end_matches('.').to_string()
                    };
                    let n_sent = 2 + rng.below(7);
                    let text: Vec<String> = (0..n_sent)
                        .map(|_| {
                            let n = 6 + rng.below(14);
                            sentence(&mut rng, &vocab, n)
                        })
                        .collect();
                    Section {
                        anchor: (s > 0).then(|| format!("avsnitt-{s}")),
                        heading,
                        text: text.join(" "),
                    }
                })
                .collect();
            SearchDoc {
                url: format!("{slug}/{}-{i}/", lovportal::search::text::normalize(topic)),
                title,
                municipality: Some((slug, muni.to_string())),
                kind,
                sections,
            }
        })
        .collect()
}

/// Size after `gzip -6` (what a static host typically sends), 0 without gzip.
fn gzip_size(path: &std::path::Path) -> u64 {
    Command::new("gzip")
        .args(["-6", "-c"])
        .arg(path)
        .output()
        .map(|o| o.stdout.len() as u64)
        .unwrap_or(0)
}

fn main() {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000);
    let docs = corpus(pages);
    let text_bytes: usize = docs
        .iter()
        .map(|d| {
            d.title.len()
                + d.sections
                    .iter()
                    .map(|s| s.heading.len() + s.text.len())
                    .sum::<usize>()
        })
        .sum();

    let t = Instant::now();
    // SEARCH_CHUNK_BYTES / SEARCH_FRAGMENT_BYTES override the defaults, to compare.
    let mut opts = IndexOptions::default();
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
    if let Some(n) = env("SEARCH_CHUNK_BYTES") {
        opts.chunk_bytes = n;
    }
    if let Some(n) = env("SEARCH_FRAGMENT_BYTES") {
        opts.fragment_bytes = n;
    }
    let files = build_index_with(&docs, &opts);
    let build_ms = t.elapsed().as_millis();
    let mut shuffled = docs.clone();
    shuffled.reverse();
    assert!(
        build_index_with(&shuffled, &opts) == files,
        "index is not deterministic"
    );
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let count = |p: &str| files.iter().filter(|(n, _)| n.starts_with(p)).count();
    let size = |p: &str| -> usize {
        files
            .iter()
            .filter(|(n, _)| n.starts_with(p))
            .map(|(_, b)| b.len())
            .sum()
    };
    println!(
        "corpus: {pages} pages, {:.1} MB of text",
        text_bytes as f64 / 1e6
    );
    println!(
        "index:  {} files, {:.2} MB, built in {build_ms} ms",
        files.len(),
        total as f64 / 1e6
    );
    println!(
        "        meta.js {} B; {} chunks, {:.2} MB (max {} B); {} fragment files, {:.2} MB (max {} B)",
        size("sok/meta.js"),
        count("sok/c"),
        size("sok/c") as f64 / 1e6,
        files
            .iter()
            .filter(|(n, _)| n.starts_with("sok/c"))
            .map(|(_, b)| b.len())
            .max()
            .unwrap_or(0),
        count("sok/f"),
        size("sok/f") as f64 / 1e6,
        files
            .iter()
            .filter(|(n, _)| n.starts_with("sok/f"))
            .map(|(_, b)| b.len())
            .max()
            .unwrap_or(0),
    );

    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in &files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let queries = [
        "yubikey",
        "siths",
        "behörighet",
        "lösenord",
        "ansökan",
        "driftstopp",
        "kommun",
        "nattpatrull",
        "behorihet",
        "sam",
    ];
    let cmds = serde_json::json!({
        "queries": queries.iter().map(|q| serde_json::json!({"q": q})).collect::<Vec<_>>()
    });
    let child = Command::new("node")
        .arg(manifest.join("tests/js/harness.js"))
        .arg(dir.path())
        .arg("sok/index.html")
        .arg("../")
        .arg(manifest.join("themes/default/static/js/sok.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        println!("node not found: no per-query figures");
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(cmds.to_string().as_bytes());
    }
    let out = child.wait_with_output().expect("node");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("harness output");
    println!();
    println!(
        "{:<22} {:>7} {:>6} {:>11} {:>11} {:>9} {:>9}",
        "query (10 shown)", "hits", "meta", "chunks", "fragments", "total B", "gzip B"
    );
    for r in v["queries"].as_array().unwrap() {
        let loaded = r["loaded"].as_array().unwrap();
        let sum = |p: &str| -> (usize, u64) {
            let l: Vec<_> = loaded
                .iter()
                .filter(|f| f[0].as_str().unwrap().starts_with(p))
                .collect();
            (l.len(), l.iter().map(|f| f[1].as_u64().unwrap()).sum())
        };
        let (_, meta) = sum("sok/meta");
        let (nc, cb) = sum("sok/c");
        let (nf, fb) = sum("sok/f");
        let gz: u64 = loaded
            .iter()
            .map(|f| gzip_size(&dir.path().join(f[0].as_str().unwrap())))
            .sum();
        println!(
            "{:<22} {:>7} {:>6} {:>3} {:>7} {:>3} {:>7} {:>9} {:>9}",
            r["q"].as_str().unwrap(),
            r["total"],
            meta,
            nc,
            cb,
            nf,
            fb,
            meta + cb + fb,
            gz
        );
        if let Some(e) = r.get("error") {
            println!("  error: {e}");
        }
    }
}
