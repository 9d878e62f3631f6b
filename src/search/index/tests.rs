use super::*;
use serde_json::Value;

fn doc(
    url: &str,
    title: &str,
    muni: Option<(&str, &str)>,
    kind: DocKind,
    secs: &[(Option<&str>, &str, &str)],
) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        municipality: muni.map(|(s, n)| (s.into(), n.into())),
        kind,
        sections: secs
            .iter()
            .map(|(a, h, t)| Section {
                anchor: a.map(String::from),
                heading: (*h).into(),
                text: (*t).into(),
            })
            .collect(),
    }
}

pub(super) fn corpus() -> Vec<SearchDoc> {
    vec![
        doc(
            "molndal/behorighet/",
            "Behörighet i journalsystemet",
            Some(("molndal", "Mölndal")),
            DocKind::Routine,
            &[
                (
                    None,
                    "",
                    "Så ansöker du om behörighet. Behörigheter beviljas av kommunen.",
                ),
                (
                    Some("ansokan"),
                    "Behörighetsansökan",
                    "Fyll i behörighetsansökan och skicka den till lösenordsadministratör.",
                ),
                (
                    Some("kort"),
                    "SITHS-kort",
                    "Du behöver ett SITHS-kort och en kortläsare. Beställ kortet i e-tjänsten.",
                ),
            ],
        ),
        doc(
            "molndal/",
            "Mölndal",
            Some(("molndal", "Mölndal")),
            DocKind::Municipality,
            &[(None, "", "Mölndals stad köper hemtjänst enligt LOV.")],
        ),
        doc(
            "harryda/losenord/",
            "Byt lösenord",
            Some(("harryda", "Härryda")),
            DocKind::Routine,
            &[
                (
                    None,
                    "",
                    "Lösenordet byts var nittionde dag. Kontakta lösenordsadministratören vid driftstopp. Din administratör hjälper dig.",
                ),
                (
                    Some("ansokan"),
                    "Ansökan",
                    "Ansökan om nytt lösenord görs i e-tjänsten. Läs rutinerna.",
                ),
            ],
        ),
        doc(
            "system/yubikey/",
            "YubiKey",
            None,
            DocKind::System,
            &[(
                None,
                "",
                "En yubikey är en säkerhetsnyckel för tvåfaktorsinloggning. Rutin för driftstopp finns.",
            )],
        ),
    ]
}

pub(super) fn payload(bytes: &[u8]) -> (String, Value) {
    let s = std::str::from_utf8(bytes).unwrap();
    let s = s.strip_prefix("window.lovportalSearch.register(").unwrap();
    let s = s.strip_suffix(");\n").unwrap();
    let comma = s.find(',').unwrap();
    let name: String = serde_json::from_str(&s[..comma]).unwrap();
    (name, serde_json::from_str(&s[comma + 1..]).unwrap())
}

fn files_map(files: &[(String, Vec<u8>)]) -> BTreeMap<String, Value> {
    files
        .iter()
        .map(|(path, bytes)| {
            let (name, v) = payload(bytes);
            assert_eq!(path, &format!("sok/{name}"));
            (name, v)
        })
        .collect()
}

/// The chunk file names listed in meta, in order.
fn chunk_names(meta: &Value) -> Vec<String> {
    meta["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| format!("c{i}-{}.js", c[2].as_str().unwrap()))
        .collect()
}

/// The fragment file names listed in meta with their document counts.
fn frag_names(meta: &Value) -> Vec<(String, u64)> {
    let h = meta["frags"]["h"].as_str().unwrap();
    decode_varints(meta["frags"]["n"].as_str().unwrap())
        .into_iter()
        .enumerate()
        .map(|(g, n)| {
            (
                format!("f{g}-{}.js", &h[g * FRAG_HASH_LEN..(g + 1) * FRAG_HASH_LEN]),
                n,
            )
        })
        .collect()
}

/// Every term with its postings, decoded: term → [(doc, section, flags)].
fn all_terms(files: &[(String, Vec<u8>)]) -> BTreeMap<String, Vec<(u64, u64, u64)>> {
    let mut out = BTreeMap::new();
    for (name, v) in files_map(files) {
        if !name.starts_with('c') {
            continue;
        }
        for group in v["s"].as_array().unwrap() {
            let group = group.as_array().unwrap();
            let stem_key = group[0].as_str().unwrap();
            for t in group[1..].chunks(2) {
                let term = t[0].as_str().unwrap().to_string();
                assert_eq!(stem(&fold(&term)), stem_key);
                let nums = decode_varints(t[1].as_str().unwrap());
                assert_eq!(nums.len() % 2, 0);
                let mut d = 0;
                let mut list = Vec::new();
                for pair in nums.chunks(2) {
                    d += pair[0];
                    list.push((d, pair[1] / 128, pair[1] % 128));
                }
                assert!(out.insert(term, list).is_none());
            }
        }
    }
    out
}

fn doc_no(files: &[(String, Vec<u8>)], url: &str) -> u64 {
    let m = files_map(files);
    let meta = &m["meta.js"];
    let mut d = 0;
    for (f, n) in frag_names(meta) {
        let frag = &m[&f];
        for (k, doc) in frag["d"].as_array().unwrap().iter().enumerate() {
            if doc[0] == url {
                return d + k as u64;
            }
        }
        d += n;
    }
    panic!("no doc {url}");
}

#[test]
fn deterministic_and_order_independent() {
    let docs = corpus();
    let a = build_index(&docs);
    let b = build_index(&docs);
    assert_eq!(a, b);
    let mut rev = docs.clone();
    rev.reverse();
    assert_eq!(a, build_index(&rev));
    // Small chunks give the same, just split differently, also deterministically.
    let opts = IndexOptions {
        chunk_bytes: 200,
        fragment_bytes: 100,
        excerpt_chars: 50,
    };
    assert_eq!(
        build_index_with(&docs, &opts),
        build_index_with(&rev, &opts)
    );
}

#[test]
fn files_are_named_by_content_hash() {
    let files = build_index(&corpus());
    assert!(files.iter().any(|(p, _)| p == "sok/meta.js"));
    for (path, bytes) in &files {
        assert!(path.starts_with("sok/"));
        if path != "sok/meta.js" {
            let name = path[4..].trim_end_matches(".js");
            let (prefix, hex) = name.split_once('-').unwrap();
            assert!(prefix.starts_with('c') || prefix.starts_with('f'), "{name}");
            assert!(prefix[1..].chars().all(|c| c.is_ascii_digit()), "{name}");
            assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{hex}");
            let (_, v) = payload(bytes);
            assert_eq!(hex, short_hash(&v.to_string(), hex.len()), "{name}");
        }
    }
    // Changing one document changes some names but not the entry file's name.
    let mut docs = corpus();
    docs[3].sections[0].text.push_str(" Ny mening.");
    let other = build_index(&docs);
    assert_ne!(files, other);
    assert!(other.iter().any(|(p, _)| p == "sok/meta.js"));
}

#[test]
fn varints_round_trip() {
    let nums = [
        0u64,
        1,
        31,
        32,
        127,
        128,
        1023,
        1024,
        99_999,
        u64::from(u32::MAX),
    ];
    let mut s = String::new();
    for n in nums {
        push_varint(&mut s, n);
    }
    assert_eq!(decode_varints(&s), nums);
    let mut one = String::new();
    push_varint(&mut one, 31);
    assert_eq!(one.len(), 1);
    push_varint(&mut one, 1023);
    assert_eq!(one.len(), 3);
}

#[test]
fn every_stem_in_exactly_one_chunk_and_meta_lists_all() {
    for opts in [
        IndexOptions::default(),
        IndexOptions {
            chunk_bytes: 1,
            fragment_bytes: 1,
            excerpt_chars: 10,
        },
        IndexOptions {
            chunk_bytes: 300,
            fragment_bytes: 300,
            excerpt_chars: 100,
        },
    ] {
        let files = build_index_with(&corpus(), &opts);
        let m = files_map(&files);
        let meta = &m["meta.js"];
        let chunks = meta["chunks"].as_array().unwrap();
        let names = chunk_names(meta);
        let chunk_files = m.keys().filter(|k| k.starts_with('c')).count();
        assert_eq!(chunks.len(), chunk_files);
        let mut prev_last: Option<String> = None;
        let mut keys: Vec<(String, usize)> = Vec::new();
        for (i, c) in chunks.iter().enumerate() {
            let (first, last) = (c[0].as_str().unwrap(), c[1].as_str().unwrap());
            assert!(js_cmp(first, last).is_le());
            if let Some(p) = &prev_last {
                assert!(js_cmp(p, first).is_lt(), "chunks overlap: {p} / {first}");
            }
            prev_last = Some(last.to_string());
            let groups = m[&names[i]]["s"].as_array().unwrap();
            assert!(!groups.is_empty());
            assert_eq!(groups[0][0], first);
            assert_eq!(groups[groups.len() - 1][0], last);
            for g in groups {
                let key = g[0].as_str().unwrap();
                assert!(js_cmp(first, key).is_le() && js_cmp(key, last).is_le());
                keys.push((key.to_string(), i));
            }
        }
        // Stem keys are sorted and unique: each lands in exactly one chunk.
        for w in keys.windows(2) {
            assert!(js_cmp(&w[0].0, &w[1].0).is_lt(), "{w:?}");
        }
        // A query's stem is found in the one chunk meta points to.
        for q in ["behörighet", "behörigheter", "ansökan", "siths", "yubikey"] {
            let key = stem(&normalize(q));
            let hits: Vec<usize> = chunks
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    js_cmp(c[0].as_str().unwrap(), &key).is_le()
                        && js_cmp(&key, c[1].as_str().unwrap()).is_le()
                })
                .map(|(i, _)| i)
                .collect();
            assert_eq!(hits.len(), 1, "{q}");
            assert!(keys.contains(&(key, hits[0])), "{q}");
        }
        // Fragments cover every document once.
        let frags = frag_names(meta);
        let n: u64 = frags.iter().map(|f| f.1).sum();
        assert_eq!(n, meta["docs"].as_u64().unwrap());
        assert_eq!(n, 4);
        for (f, _) in &frags {
            assert!(m.contains_key(f), "{f}");
        }
        assert_eq!(m.len(), 1 + chunks.len() + frags.len());
    }
}

#[test]
fn postings_carry_fields_parts_and_spelling() {
    let files = build_index(&corpus());
    let terms = all_terms(&files);
    let beh = doc_no(&files, "molndal/behorighet/");
    let los = doc_no(&files, "harryda/losenord/");
    let yk = doc_no(&files, "system/yubikey/");

    // Title word, posted on section 0 with the title flag.
    assert!(
        terms["behörighet"]
            .iter()
            .any(|&(d, s, f)| d == beh && s == 0 && f & 0x10 != 0)
    );
    // Heading word.
    assert!(
        terms["behörighetsansökan"]
            .iter()
            .any(|&(d, s, f)| d == beh && s == 1 && f & 0x08 != 0)
    );
    // Compound part: "ansökan" in "behörighetsansökan" (heading and body of section 1).
    let ans = &terms["ansökan"];
    assert!(
        ans.iter()
            .any(|&(d, s, f)| d == beh && s == 1 && f & 0x40 != 0 && f & 0x20 != 0)
    );
    // ... and the whole word elsewhere.
    assert!(
        ans.iter()
            .any(|&(d, s, f)| d == los && s == 1 && f & 0x08 != 0 && f & 0x07 >= 1)
    );
    // Lösenordsadministratör → lösenord + administratör.
    assert!(
        terms["lösenord"]
            .iter()
            .any(|&(d, _, f)| d == beh && f & 0x20 != 0)
    );
    assert!(terms.contains_key("lösenordsadministratör"));
    // Hyphenated: whole and parts.
    assert!(
        terms["sithskort"]
            .iter()
            .any(|&(d, s, f)| d == beh && s == 2 && f & 0x08 != 0)
    );
    assert!(
        terms["siths"]
            .iter()
            .any(|&(d, s, f)| d == beh && s == 2 && f & 0x40 != 0)
    );
    assert!(terms["kort"].iter().any(|&(d, s, _)| d == beh && s == 2));
    assert!(terms.contains_key("etjänsten"));
    assert!(terms.contains_key("tjänsten"));
    // Exact spelling is kept (folding happens in the client).
    assert!(terms.contains_key("yubikey"));
    assert!(!terms.contains_key("behorighet"));
    // Stop words are not indexed.
    assert!(!terms.contains_key("och"));
    assert!(!terms.contains_key("för"));
    // Body term frequency.
    assert!(
        terms["driftstopp"]
            .iter()
            .any(|&(d, _, f)| d == yk && f & 0x07 == 1)
    );
    // Postings are sorted by (doc, section) without duplicates.
    for list in terms.values() {
        for w in list.windows(2) {
            assert!((w[0].0, w[0].1) < (w[1].0, w[1].1));
        }
    }
}

#[test]
fn meta_lists_municipalities_and_kinds() {
    let files = build_index(&corpus());
    let m = files_map(&files);
    let meta = &m["meta.js"];
    assert_eq!(meta["v"], 1);
    // Sorted by slug: documents without municipality first, then harryda, molndal.
    assert_eq!(
        meta["munis"],
        serde_json::json!([["harryda", "Härryda", 1, 2], ["molndal", "Mölndal", 2, 4]])
    );
    assert_eq!(meta["kinds"][0], "routine");
    // yubikey (system=2), harryda routine (0), molndal routine (0), molndal municipality (1).
    assert_eq!(meta["kindRuns"], serde_json::json!([0, 2, 1, 0, 3, 1]));
    assert!(meta["stop"].as_array().unwrap().iter().any(|w| w == "och"));
}

#[test]
fn empty_and_odd_input() {
    let files = build_index::<SearchDoc>(&[]);
    assert_eq!(files.len(), 1);
    let (_, meta) = payload(&files[0].1);
    assert_eq!(meta["docs"], 0);
    let odd = vec![
        doc("a\u{2028}\"</script>", "\u{2029}", None, DocKind::Page, &[]),
        doc(
            "",
            "",
            Some(("", "")),
            DocKind::Contact,
            &[(Some(""), "", ""), (None, "𝔘𝔫𝔦 – ---", "x-y-z ΣΟΦΟΣ")],
        ),
    ];
    let files = build_index(&odd);
    for (_, bytes) in &files {
        let s = std::str::from_utf8(bytes).unwrap();
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let _ = payload(bytes);
    }
    let _ = subject_index(&odd);
}

#[test]
fn extract_reads_main_only_and_splits_sections() {
    let html = r#"<!doctype html><html lang="sv"><head><title>Sidtitel | Portal</title>
<script>var x = "hemligt";</script></head>
<body><header><h1>Portalnamn</h1><form role="search"><input name="q"></form></header>
<nav><a href="/">Start</a> Navigering</nav>
<main data-search-municipality="molndal|Mölndal" data-search-kind="routine">
<h1>Behörighet &amp; SITHS-kort</h1>
<p>Inledande text om <em>behörig</em>het.<br>Ny rad</p>
<div data-search-ignore><p>Brödsmulor som inte ska med</p></div>
<h2 id="ansokan">Behörighets&shy;ansökan</h2>
<p>Fyll i blanketten.</p><ul><li>Ett<li>Två</ul>
<script>ignored()</script><style>.x{}</style>
<h3 id="kort">SITHS-kort <small>(beställ)</small></h3><p>Kortet&nbsp;beställs.</p>
<h2>Utan id</h2><p>Text</p>
<h4>Underrubrik</h4><p>Mer text</p>
</main>
<footer>Sidfot</footer></body></html>"#;
    let d = extract_docs(html, "molndal/behorighet/");
    assert_eq!(d.url, "molndal/behorighet/");
    assert_eq!(d.title, "Behörighet & SITHS-kort");
    assert_eq!(d.municipality, Some(("molndal".into(), "Mölndal".into())));
    assert_eq!(d.kind, DocKind::Routine);
    assert_eq!(d.sections.len(), 4, "{:#?}", d.sections);
    assert_eq!(d.sections[0].anchor, None);
    assert_eq!(d.sections[0].text, "Inledande text om behörighet. Ny rad");
    assert_eq!(d.sections[1].anchor.as_deref(), Some("ansokan"));
    assert_eq!(d.sections[1].heading, "Behörighets\u{00AD}ansökan");
    assert_eq!(d.sections[1].text, "Fyll i blanketten. Ett Två");
    assert_eq!(d.sections[2].heading, "SITHS-kort (beställ)");
    assert_eq!(d.sections[2].text, "Kortet beställs.");
    assert_eq!(d.sections[3].anchor, None);
    assert_eq!(d.sections[3].heading, "Utan id");
    assert_eq!(d.sections[3].text, "Text Underrubrik Mer text");
    let all = format!("{d:?}");
    for bad in [
        "hemligt",
        "Portalnamn",
        "Navigering",
        "Brödsmulor",
        "ignored",
        "Sidfot",
        ".x{}",
    ] {
        assert!(!all.contains(bad), "{bad}");
    }
    // The soft hyphen does not split the word.
    let files = build_index(&[d]);
    assert!(all_terms(&files).contains_key("behörighetsansökan"));
}

#[test]
fn extract_attributes_and_fallbacks() {
    let d = extract_docs(
        r#"<main data-search-title="Kontakter – Mölndal" data-search-kind="contact"><h1>Kontakter</h1><p>Ring oss.</p></main>"#,
        "molndal/#kontakter",
    );
    assert_eq!(d.title, "Kontakter – Mölndal");
    assert_eq!(d.kind, DocKind::Contact);
    assert_eq!(d.municipality, None);

    let d = extract_docs(
        r#"<title>Från title</title><div class="x"><article data-search-body data-search-kind="nonsense" data-search-municipality="ale"><p>Text</p></article><p>Utanför</p></div>"#,
        "ale/",
    );
    assert_eq!(d.title, "Från title");
    assert_eq!(d.kind, DocKind::Page);
    assert_eq!(d.municipality, Some(("ale".into(), "ale".into())));
    assert_eq!(d.sections.len(), 1);
    assert_eq!(d.sections[0].text, "Text");

    // No main: nothing to index, title falls back to the url.
    let d = extract_docs("<p>Löptext</p>", "x/");
    assert_eq!(d.title, "x/");
    assert!(d.sections.is_empty());

    // Garbage does not panic.
    for html in [
        "",
        "<",
        "<main",
        "<main><h2 id=\"",
        "<main>&#xFFFFFFFF; &#0; &bogus; &",
        "</main></main><h2>",
    ] {
        let _ = extract_docs(html, "");
    }
    assert_eq!(
        decode_entities("&#xe5;&#229;&auml;&bogus;&amp;&"),
        "ååä&bogus;&&"
    );
}

#[test]
fn subject_index_is_sorted_swedish() {
    let reg = subject_index(&corpus());
    let letters: Vec<&str> = reg.iter().map(|(l, _)| l.as_str()).collect();
    let mut sorted = letters.clone();
    sorted.sort_by_key(|l| letter_rank(l));
    assert_eq!(letters, sorted);
    assert!(letters.contains(&"Ö") || letters.contains(&"M"));
    let find = |t: &str| {
        reg.iter()
            .flat_map(|(_, terms)| terms.iter())
            .find(|(term, _)| term == t)
            .cloned()
    };
    let (_, entries) = find("behörighet").expect("behörighet");
    assert!(
        entries
            .iter()
            .any(|(label, url)| url == "molndal/behorighet/" && label.contains("Mölndal"))
    );
    let (_, entries) = find("SITHS-kort").expect("SITHS-kort");
    assert_eq!(entries[0].1, "molndal/behorighet/#kort");
    assert!(find("YubiKey").is_some());
    assert!(find("lösenord").is_some());
    // Words from body text are not in the register.
    assert!(find("kortläsare").is_none());
    // Letters: Å, Ä, Ö after Z.
    assert_eq!(register_letter("Ärende"), "Ä");
    assert_eq!(register_letter("église"), "E");
    assert_eq!(register_letter("1177"), "0–9");
    assert!(swedish_cmp("zebra", "ärende").is_lt());
    assert!(swedish_cmp("ärende", "öppen").is_lt());
    assert!(swedish_cmp("åtgärd", "ärende").is_lt());
    // Deterministic whatever the input order.
    let mut rev = corpus();
    rev.reverse();
    assert_eq!(reg, subject_index(&rev));
}

#[test]
fn push_json_str_escapes_like_serde_json() {
    let mut all = String::new();
    for c in (0u32..0x300).chain([0x2027, 0x2028, 0x2029, 0x202A, 0xFFFF, 0x1F600]) {
        all.push(char::from_u32(c).unwrap());
    }
    for s in [
        "",
        "plain",
        "a\"b\\c",
        "\u{2028}x\u{2029}",
        "€\u{2028}",
        &all,
    ] {
        let expected = serde_json::to_string(s)
            .unwrap()
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        let mut got = String::new();
        push_json_str(&mut got, s);
        assert_eq!(got, expected);
    }
}

/// Strings of every length up to 40 and every alignment, with the bytes that need
/// escaping (and their near neighbours) at every position.
#[test]
fn push_json_str_escapes_like_serde_json_at_every_position() {
    let specials = [
        "\"", "\\", "\n", "\u{1F}", "\u{0}", "\u{20}", "\u{7F}", "\u{2028}", "\u{2029}",
        "\u{2027}", "\u{202A}", "€", "ä", "!", "#", "[", "]", "\u{E000}",
    ];
    for len in 0..40 {
        for pos in 0..len {
            for sp in specials {
                let s = format!("{}{sp}{}", "a".repeat(pos), "b".repeat(len - pos));
                let expected = serde_json::to_string(&s)
                    .unwrap()
                    .replace('\u{2028}', "\\u2028")
                    .replace('\u{2029}', "\\u2029");
                let mut got = String::new();
                push_json_str(&mut got, &s);
                assert_eq!(got, expected, "{s:?}");
            }
        }
    }
}

/// Documents with odd text: hyphens, compounds, stop words, non-Latin letters,
/// characters that need escaping, empty sections, duplicates.
fn odd_corpus() -> Vec<SearchDoc> {
    let words = [
        "behörighet",
        "behörighetsansökan",
        "ansökan",
        "SITHS-kort",
        "kort",
        "läsare",
        "sithskortläsare",
        "och",
        "för",
        "Σοφος",
        "ΟΔΟΣ",
        "İstanbul",
        "straße",
        "e-post",
        "a--b",
        "lösen\u{00AD}ord",
        "lösenord",
        "lo\u{0308}senord",
        "\u{2028}",
        "\"q\"",
        "skola",
        "skolbarn",
        "hem-tjänst",
        "hemtjänst",
        "2024",
        "x",
        "Rutin",
        "rutinerna",
        "driftstopp",
        "drift",
        "stopp",
        "\u{1F600}",
        "\u{FF5E}ab",
        "tab\there",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }
    fn text(seed: &mut u64, words: &[&str]) -> String {
        let n = next(seed) % 40;
        let mut out = String::new();
        for k in 0..n {
            if k > 0 {
                out.push_str(if next(seed).is_multiple_of(3) {
                    "-"
                } else {
                    " "
                });
            }
            out.push_str(words[(next(seed) % words.len() as u64) as usize]);
        }
        out
    }
    let mut docs = corpus();
    for d in 0..60 {
        let sections = (0..next(&mut seed) % 4)
            .map(|s| Section {
                anchor: (s > 0).then(|| format!("a{s}")),
                heading: text(&mut seed, &words),
                text: text(&mut seed, &words),
            })
            .collect();
        docs.push(SearchDoc {
            url: format!("k{}/d{d}/", d % 7),
            title: text(&mut seed, &words),
            municipality: (d % 5 != 0).then(|| (format!("k{}", d % 7), format!("K {}", d % 7))),
            kind: DocKind::ALL[d % DocKind::ALL.len()],
            sections,
        });
    }
    docs.push(docs[50].clone());
    docs
}

#[test]
fn same_bytes_as_the_reference_builder() {
    let docs = odd_corpus();
    for opts in [
        IndexOptions::default(),
        IndexOptions {
            chunk_bytes: 200,
            fragment_bytes: 100,
            excerpt_chars: 50,
        },
        IndexOptions {
            chunk_bytes: 1,
            fragment_bytes: 1,
            excerpt_chars: 0,
        },
    ] {
        assert_eq!(
            build_index_with(&docs, &opts),
            reference::build_index_with(&docs, &opts)
        );
        assert_eq!(
            build_index_with(&corpus(), &opts),
            reference::build_index_with(&corpus(), &opts)
        );
        assert_eq!(
            build_index_with::<SearchDoc>(&[], &opts),
            reference::build_index_with(&[], &opts)
        );
    }
}

#[test]
fn subject_index_same_as_the_reference() {
    for docs in [odd_corpus(), corpus(), Vec::new()] {
        assert_eq!(subject_index(&docs), reference::subject_index(&docs));
    }
}

/// Pages that exercise the fast scanner and its fallback: each must read exactly as
/// with lol_html alone.
fn odd_pages() -> Vec<String> {
    let main = |body: &str| {
        format!(
            "<!DOCTYPE html><html><head><title>T &amp; t</title></head><body>\
             <header><h1>Site</h1></header><main data-search-kind=\"routine\" \
             data-search-municipality=\"k1|K&amp;1\">{body}</main></body></html>"
        )
    };
    let mut pages: Vec<String> = [
        "<h1>Rubrik</h1><p>Text &auml; <b>fet</b>text</p><h2 id=\"a&amp;b\">Del</h2><p>Mer</p>",
        "<h1>R</h1><p>Ej stängd<h2>Del</h2><p>x</p>",
        "<h1>R</h1><!-- kommentar --><p>x</p>",
        "<h1>R</h1><script>var a = '</p>'; if (a < b) {}</script><p>x</p>",
        "<h1>R</h1><script><!-- </script> --></script><p>x</p>",
        "<h1>R</h1><br/><img src=x alt='a > b'><p>a\r\nb</p>",
        "<h1>R</h1><div/><p>x</p>",
        "<h1>R</h1><svg><path d='M0'/><title>svg</title></svg><p>x</p>",
        "<h1>R</h1><p data-search-ignore>bort</p><P>Stor</P><DIV ID=x>y</DIV>",
        "<h1>R</h1><p id=a id=b>x</p><h3 ID=\"c\">C</h3>t",
        "<h1>R</h1><title>i body</title><textarea><p>x</textarea>",
        "<h1>R</h1></div><p>x</p>",
        "<h1>R</h1><p>a < b</p>",
        "<h1>R</h1><p>\u{0}x</p>",
        "<section data-search-body data-search-title=\"Egen &amp; titel\"><h2>A</h2>x</section>",
        "<h1>R</h1><noscript><p>x</p></noscript>y",
        "<h1>R</h1><p>x</p",
        "<h1>R</h1><p class=\"a\"title='b'>x</p>",
    ]
    .iter()
    .map(|b| main(b))
    .collect();
    pages.push("<p>utan main</p><title>sen</title>".to_string());
    pages.push(String::new());
    pages.push("<html><body><main><h1>x</h1>".to_string());
    pages
}

#[test]
fn extract_same_as_the_reference() {
    for page in odd_pages() {
        assert_eq!(
            extract_docs(&page, "u/"),
            reference::extract_docs(&page, "u/"),
            "{page}"
        );
    }
}

/// Every `index.html` under `$LOVPORTAL_EXTRACT_DIR` (a built site) reads the same
/// with the fast scanner as with lol_html alone; prints how many the scanner left to
/// lol_html.
#[test]
#[ignore]
fn extract_same_as_the_reference_on_a_built_site() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    let dir = std::env::var("LOVPORTAL_EXTRACT_DIR").expect("LOVPORTAL_EXTRACT_DIR");
    let mut files = Vec::new();
    walk(std::path::Path::new(&dir), &mut files);
    let mut fallbacks = 0;
    for f in &files {
        let html = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        fallbacks += usize::from(fast_scan(&html).is_none());
        assert_eq!(
            extract_docs(&html, "u/"),
            reference::extract_docs(&html, "u/"),
            "{}",
            f.display()
        );
    }
    println!("{} pages, {fallbacks} read by lol_html", files.len());
}

#[test]
fn clean_text_collapses_like_split_whitespace() {
    for s in [
        "",
        " ",
        "a",
        " a  b\t\nc ",
        "\u{0B}x\u{0C}y\r",
        "a\u{00A0}b\u{2003}c\u{3000}",
        "ä ö\u{2028}å\u{85}z",
        "&amp;&nbsp;x &lt; y",
        "  &auml;  ",
        "a b",
        "a  b",
        "a \nb",
        "a\n b",
        " a",
        "a ",
        "x\u{1680}y\u{2000}\u{200A}z",
        "a\u{202F}b\u{205F}c\u{2029}",
        "é\u{00A0}",
        "漢 字 ",
        "\u{2000}",
        "Å\u{A0}\u{A0} Ö",
    ] {
        let d = decode_entities(s);
        let expected: Vec<&str> = d
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(clean_text(s), expected.join(" "), "{s:?}");
    }
}

/// Every string of up to five pieces from a set of words and kinds of whitespace.
#[test]
fn clean_text_collapses_like_split_whitespace_for_every_mix() {
    let pieces = [
        "a", "åäö", "漢", " ", "  ", "\n", "\t ", "\u{A0}", "\u{3000}", "\u{2028}", "é",
    ];
    let mut stack: Vec<String> = vec![String::new()];
    while let Some(s) = stack.pop() {
        let expected: Vec<&str> = s
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(clean_text(&s), expected.join(" "), "{s:?}");
        if s.chars().count() < 5 {
            stack.extend(pieces.iter().map(|p| format!("{s}{p}")));
        }
    }
}

#[test]
fn index_cache_gives_the_same_bytes_after_edits() {
    let opts = IndexOptions {
        chunk_bytes: 300,
        fragment_bytes: 200,
        excerpt_chars: 80,
    };
    let mut cache = IndexCache::new();
    let mut docs = odd_corpus();
    let mut check = |docs: &[SearchDoc], what: &str| {
        assert_eq!(
            cache.build_with(docs, &opts),
            build_index_with(docs, &opts),
            "{what}"
        );
    };
    check(&docs, "first build");
    check(&docs, "unchanged");
    // A word added (a new vocabulary word: "barn" lets "skolbarn" split differently).
    docs[2].sections[0].text.push_str(" barn sithskortläsarna");
    check(&docs, "word added");
    // A word removed.
    let t = &mut docs[0].sections[0].text;
    *t = t.replace("behörighet", "");
    check(&docs, "word removed");
    // A document added and one removed.
    let mut extra = docs[5].clone();
    extra.url = "ny/sida/".into();
    extra.title = "Hemtjänstlösenord".into();
    docs.push(extra);
    check(&docs, "document added");
    docs.remove(3);
    check(&docs, "document removed");
    // Two identical documents under different URLs, then one of them edited.
    let mut twin = docs[1].clone();
    twin.url = "tvilling/".into();
    docs.push(twin);
    check(&docs, "twin");
    docs.last_mut().unwrap().title.push_str(" ändrad");
    check(&docs, "twin edited");
    check(&Vec::new(), "empty");
    check(&docs, "after empty");
}

/// An [`IndexCache`] fed `Arc`s (unchanged documents keep theirs, as in `serve`) gives
/// the bytes of a fresh build after every kind of edit, one at a time and several at
/// once: words and compounds coming and going (so compound splits change), headings,
/// titles, documents added, removed and replaced by equal copies, municipalities
/// renamed.
#[test]
fn index_cache_matches_fresh_builds_over_random_edits() {
    let pool = [
        "barn",
        "skolbarnen",
        "tjänst",
        "läs",
        "läsarkort",
        "ordning",
        "behörighetsordning",
        "nyckelkortsrutiner",
        "hem",
        "hemtjänstbarn",
        "SITHS-läsare",
        "kortläsarna",
        "driftstopp",
        "Behörighet",
        "zzyzx",
    ];
    for opts in [
        IndexOptions {
            chunk_bytes: 300,
            fragment_bytes: 200,
            excerpt_chars: 80,
        },
        IndexOptions::default(),
    ] {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut docs: Vec<Arc<SearchDoc>> = odd_corpus().into_iter().map(Arc::new).collect();
        let mut cache = IndexCache::new();
        let mut fresh_word = 0;
        for round in 0..120 {
            let edits = if round % 10 == 9 { 3 } else { 1 };
            let mut what = Vec::new();
            for _ in 0..edits {
                let d = next(docs.len());
                let mut doc = (*docs[d]).clone();
                let word = pool[next(pool.len())];
                let kind = next(11);
                what.push((kind, d, word));
                match kind {
                    // A word appended to a section (or the title).
                    0 | 1 => match doc.sections.is_empty() {
                        true => doc.title.push_str(&format!(" {word}")),
                        false => {
                            let s = next(doc.sections.len());
                            doc.sections[s].text.push_str(&format!(" {word}"));
                        }
                    },
                    // A word never seen before, sometimes a compound of known ones.
                    2 => {
                        fresh_word += 1;
                        let w = if fresh_word % 2 == 0 {
                            format!("{word}{}", pool[next(pool.len())])
                        } else {
                            format!("nyord{fresh_word}x")
                        };
                        doc.title.push_str(&format!(" {w}"));
                    }
                    // A word taken out of one document.
                    3 => {
                        for s in &mut doc.sections {
                            s.text = s.text.replacen(word, "", 1);
                        }
                    }
                    // A heading changed.
                    4 if !doc.sections.is_empty() => {
                        let s = next(doc.sections.len());
                        doc.sections[s].heading = format!("Rubrik {word}");
                    }
                    // A word taken out of the whole corpus.
                    5 => {
                        for dk in &mut docs {
                            let mut e = (**dk).clone();
                            e.title = e.title.replace(word, "");
                            for s in &mut e.sections {
                                s.heading = s.heading.replace(word, "");
                                s.text = s.text.replace(word, "");
                            }
                            if e != **dk {
                                *dk = Arc::new(e);
                            }
                        }
                        doc = (*docs[d]).clone();
                    }
                    // A document added.
                    6 => {
                        let mut extra = doc.clone();
                        extra.url = format!("ny/{round}/");
                        extra.title.push_str(" ny");
                        docs.push(Arc::new(extra));
                    }
                    // A document removed.
                    7 if docs.len() > 3 => {
                        docs.remove(d);
                        continue;
                    }
                    // A municipality renamed.
                    8 => {
                        if let Some((slug, _)) = doc.municipality.clone() {
                            let name = format!("{slug} {round}");
                            for dk in &mut docs {
                                if dk.municipality.as_ref().is_some_and(|m| m.0 == slug) {
                                    let mut e = (**dk).clone();
                                    e.municipality = Some((slug.clone(), name.clone()));
                                    *dk = Arc::new(e);
                                }
                            }
                            doc = (*docs[d]).clone();
                        }
                    }
                    // An equal copy; or a section added.
                    9 => {}
                    _ => doc.sections.push(Section {
                        anchor: Some(format!("s{round}")),
                        heading: format!("Ny {word}"),
                        text: format!("{word} och {word}"),
                    }),
                }
                docs[d] = Arc::new(doc);
            }
            let cached = collect_files(|emit| cache.build_into(&docs, &opts, emit));
            let fresh = build_index_with(&docs, &opts);
            assert!(
                cached == fresh,
                "round {round} ({what:?}, chunk_bytes {})",
                opts.chunk_bytes
            );
        }
    }
}

/// The cached A–Ö register equals a fresh one after edits (documents that are the same
/// `Arc` are not read again).
#[test]
fn subject_index_cached_equals_a_fresh_one() {
    let mut docs: Vec<Arc<SearchDoc>> = odd_corpus().into_iter().map(Arc::new).collect();
    let mut cache = SubjectCache::default();
    let mut check = |docs: &[Arc<SearchDoc>], what: &str| {
        assert_eq!(
            subject_index_cached(docs, &mut cache, usize::MAX),
            subject_index_top(docs, usize::MAX),
            "{what}"
        );
    };
    check(&docs, "first");
    check(&docs, "unchanged");
    let edit = |docs: &mut Vec<Arc<SearchDoc>>, k: usize, f: &dyn Fn(&mut SearchDoc)| {
        let mut d = (*docs[k]).clone();
        f(&mut d);
        docs[k] = Arc::new(d);
    };
    edit(&mut docs, 3, &|d| d.title = "Ny titel om Skolbarn".into());
    check(&docs, "title");
    edit(&mut docs, 0, &|d| {
        d.sections[1].heading = "Ändrad rubrik SITHS".into()
    });
    check(&docs, "heading");
    edit(&mut docs, 7, &|d| {
        d.municipality = Some(("k1".into(), "Nytt namn".into()))
    });
    check(&docs, "municipality");
    let extra = Arc::new(SearchDoc {
        url: "k1/ny/".into(),
        ..(*docs[5]).clone()
    });
    docs.insert(0, extra);
    check(&docs, "added");
    docs.remove(10);
    check(&docs, "removed");
    check(&[], "empty");
    check(&docs, "after empty");
}

/// The register cut to a few entries per term is the full one cut, with each term's
/// full count.
#[test]
fn subject_index_top_cuts_entries_and_keeps_totals() {
    let docs = odd_corpus();
    let full = subject_index(&docs);
    let top = subject_index_top(&docs, 1);
    assert_eq!(full.len(), top.len());
    let mut cut_some = false;
    for ((l1, t1), (l2, t2)) in full.iter().zip(&top) {
        assert_eq!(l1, l2);
        assert_eq!(t1.len(), t2.len());
        for ((term1, e1), (term2, e2, total)) in t1.iter().zip(t2) {
            assert_eq!(term1, term2);
            assert_eq!(*total, e1.len());
            assert_eq!(&e1[..e1.len().min(1)], &e2[..]);
            cut_some |= e1.len() > 1;
        }
    }
    assert!(cut_some, "the corpus has a term with more than one entry");
}

/// `tag_class` says of every tag what the lists say, and nothing of other names.
#[test]
fn tag_classes_match_the_lists() {
    let lists: [(&[&str], u8); 5] = [
        (SKIPPED_TAGS, SKIPPED),
        (INLINE_TAGS, INLINE),
        (VOID_TAGS, VOID),
        (RAW_TEXT_TAGS, RAW_TEXT),
        (HARD_TAGS, HARD),
    ];
    let mut names: Vec<&str> = lists.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    names.extend([
        "p", "div", "main", "h1", "h2", "table", "li", "article", "x-y", "",
    ]);
    for name in names {
        let expected = lists
            .iter()
            .filter(|(l, _)| l.contains(&name))
            .fold(0, |acc, (_, bit)| acc | bit);
        assert_eq!(tag_class(name), expected, "{name}");
    }
}

#[test]
fn truncate_text_keeps_short_texts_and_cuts_long_ones_at_a_space() {
    // Short in bytes, and short in characters though longer in bytes (å is two bytes).
    assert_eq!(truncate_text("abc def", 10), "abc def");
    assert_eq!(truncate_text("åååååååååå", 10), "åååååååååå");
    assert!(matches!(
        truncate_text("abc", 10),
        std::borrow::Cow::Borrowed(_)
    ));
    // One character too many: cut at the last space in the second half, then " …".
    assert_eq!(truncate_text("abcdef ghijk", 11), "abcdef …");
    assert_eq!(truncate_text("åäöåäö åäöåä", 11), "åäöåäö …");
    // No space in the second half: cut at the limit.
    assert_eq!(truncate_text("abcdefghijkl", 5), "abcde …");
}

#[test]
fn word_table_gives_the_ids_a_hash_map_gives() {
    // Words of every length around the 16 bytes kept in a slot, many sharing their
    // first 16 bytes, with non-ASCII bytes; enough of them to make the table grow
    // several times. Each is interned several times, in a scrambled order.
    let stems = ["a", "kommun", "behörighetsadministratör", "x", "ö"];
    let mut words: Vec<String> = Vec::new();
    for i in 0..6000u32 {
        let stem = stems[i as usize % stems.len()];
        let n = (i as usize * 7) % 40;
        let mut w: String = stem.chars().cycle().take(n + 1).collect();
        w.push_str(&format!("{}", i % 1500));
        words.push(w);
    }
    words.push("abcdefghijklmnop".into());
    words.push("abcdefghijklmnopq".into());
    words.push("abcdefghijklmnopr".into());
    words.push("abcdefghijklmno".into());
    let mut table = WordTable::default();
    let mut table_words: Vec<Box<str>> = Vec::new();
    let mut map: std::collections::HashMap<String, u32> = Default::default();
    for round in 0..3usize {
        for k in 0..words.len() {
            let w = &words[(k * 7919 + round * 13) % words.len()];
            let next = map.len() as u32;
            let want = *map.entry(w.clone()).or_insert(next);
            let (got, new) = table.intern(&mut table_words, w);
            assert_eq!(got, want, "{w:?}");
            assert_eq!(new, want == next && map.len() as u32 == next + 1);
            assert_eq!(&*table_words[got as usize], w.as_str());
        }
    }
    assert_eq!(table_words.len(), map.len());
    assert!(table.slots.len() >= 2 * map.len());
}

#[test]
fn key_prefixes_that_differ_order_keys_as_the_whole_keys_do() {
    // Collation keys (three bytes a code point) around the eight-code-point edge, with
    // zeros, code points at and above 0xFFFF, and prefixes of each other.
    let enc = |cps: &[u32]| -> Vec<u8> {
        cps.iter()
            .flat_map(|c| [(c >> 16) as u8, (c >> 8) as u8, *c as u8])
            .collect()
    };
    let mut keys: Vec<Vec<u8>> = vec![vec![], enc(&[0]), enc(&[0, 0]), enc(&[1])];
    for n in [1usize, 2, 7, 8, 9, 12] {
        for fill in [0u32, 1, 97, 0xFFFE, 0xFFFF, 0x1_0000, 0x10_FFFF] {
            for at in [0, n / 2, n - 1] {
                let mut k = vec![97u32; n];
                keys.push(enc(&k));
                k[at] = fill;
                keys.push(enc(&k));
                k.push(0);
                keys.push(enc(&k));
                k.push(0x1_0001);
                keys.push(enc(&k));
            }
        }
    }
    for a in &keys {
        for b in &keys {
            let (pa, pb) = (key_prefix(a), key_prefix(b));
            if pa != pb {
                assert_eq!(pa.cmp(&pb), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
