//! Every fact of the five source documents (shared/seeds) has a home in the bundled
//! portal: each must appear in the built HTML of its municipality and in its open data.

#[path = "support/site.rs"]
mod site;

const FACTS: &[(&str, &[&str])] = &[
    (
        "exempelby",
        &[
            "Exempelby",
            "Vård- och omsorgskontoret",
            "G 2018/000236-1",
            "2018-05-01",
            "ThinLinc",
            "Treserva",
            "Phoniro",
            "Webfokus",
            "SITHS-kort",
            "Kommunens ärendehanteringssystem",
            "Back-Office",
            "Kommunens IT-enhet",
            "Systemförvaltningen för Vård- och omsorgskontoret",
            "Verksamhetschef för Systemförvaltning eller annan beställarfunktion",
            "Ansvarig chef hos utföraren",
            "Kommunens ansvariga för SITHS-korts hantering",
            "ansvarskod",
            "Namn på ansvarig chef hos utföraren",
            "Personnummer",
            "Mobilnummer",
            "Mailadress",
            "bilaga 1",
            "bilaga 3",
            "Bilaga 2",
            "webbutbildningen",
            "tillsvidareanställning",
            "allmän visstidsanställning",
            "företagskort",
            "Bara utförarens ansvariga chef får behörighet till ärendehanteringssystemet",
            "Bara lösenord i Treserva och TES",
            "Behörighetsansökningar",
            "Beställningsblankett för SITHS-kort",
            "IT-beredskap utanför kontorstid",
            "bygger på en verklig kommuns rutin",
            "Lina Fahlén",
        ],
    ),
    (
        "storstad",
        &[
            "Storstad (exempel)",
            "Äldreförvaltningen",
            "ParaSoL",
            "Paraplysystemet",
            "Paraplyansvarig stadsdelsförvaltning",
            "Paraplysamordnare",
            "Enhetschef utförare",
            "Behörighetsadministratör",
            "Lösenordsadministratör",
            "Den som är ansvarig för den dagliga driften",
            "Behörighetsblankett för Paraplysystemet",
            "Borttagsblankett",
            "Låna någon annans inloggningsuppgifter",
            "Lägga upp nya behörigheter",
            "Låsa upp konton och byta lösenord för alla inom enheten",
            "Fatta egna beslut om att ändra behörigheter",
            "En eller ett par i personalen",
            "Stadsdelens uppföljning sker på plats hos utföraren",
            "Avslutar alla kunder i ParaSoL",
            "tar bort personalens behörigheter",
            "lämnar pärmen till stadsdelen för arkivering",
            "Tar bort de sista chefsrollerna",
            "tjänstledig en längre tid",
            "kopia av avtalet",
            "kopia av beslutet om att avtalet upphör",
            "bygger på en verklig stads regelverk",
        ],
    ),
    (
        "molndal",
        &[
            "Mölndal",
            "Vård- och omsorgsförvaltningen",
            "2020-10-12",
            "VOF IT",
            "031-315 28 30",
            "vof.it@molndal.se",
            "031-315 25 00",
            "helpdesk@molndal.se",
            "07.00-16.30",
            "07.00-16.00",
            "måndag-torsdag",
            "Stadens IT-helpdesk",
            "Bara utförarens namngivna IT-kontaktpersoner",
            "Sms-kod",
            "Yubikey",
            "40 tecken långt",
            "Omsorgstelefonen kan inte användas för sms-kod",
            "Krav på dator",
            "Windows 7, 8 eller 10",
            "Silverlight",
            "Internet Explorer 9 eller senare, IE, Edge, Chrome",
            "2 lediga USB-portar",
            "Fast internetuppkoppling om möjligt",
            "Det interna nätverket måste vara krypterat",
            "USB-sticka",
            "ActiveX",
            "port 8080 och 443 mot mobipen.molndal.se",
            "ca en vecka",
            "Arbete och näringsliv – Utförare av kommunala tjänster – Utförare Vård och omsorg – Databehörighet extern utförare",
            "Databehörighet extern utförare – avanmälan",
            "Behövs nytt SIM-kort",
            "spärrad för surf",
            "Riktlinje för mobila arbetssätt inom vård och omsorg",
            "Handhavandesupport",
            "Support av utförarens egen utrustning",
            "1-2 namngivna IT-kontaktpersoner",
            "IT-säkerhetspolicy",
            "Kommunens fjärrserver",
        ],
    ),
    (
        "adalen",
        &[
            "Ådalen (exempel)",
            "Vård- och omsorgsförvaltningen",
            "2019-05-08",
            "maj 2021",
            "Beställarens it",
            "Tjänstgörande sjuksköterska",
            "Teknikombud",
            "Beställarens larmorganisation",
            "Kontaktperson för driftinformation",
            "08.00-17.00",
            "Vardagar kl. 8-17",
            "Larmsystem för trygghetslarm",
            "Kommunens verksamhetssystem",
            "Larmhantering",
            "Driftavbrott",
            "två gånger per dag",
            "helger och röda dagar",
            "larmklocka och batterier",
            "reservrutiner",
            "faxen",
            "journaldelar",
            "backup, loggning, kontohantering och systemsupport",
            "Mobiltelefonerna ska vara anpassade för det larmsystem som beställaren använder",
            "personliga inloggningar",
            "informationsträffar",
            "bygger på en verklig kommuns rutin om teknik",
            "Catharina Johansson",
            "Susanne Sandberg",
        ],
    ),
    (
        "kavlinge",
        &[
            "Kävlinge",
            "Sektor Omsorg",
            "2019-03-29",
            "Lifecare utförare",
            "Digital läkemedelssignering",
            "SITHS-kort",
            "Mobilt BankID",
            "Åsa Holmqvist",
            "asa.holmqvist@kavlinge.se",
            "Lenka Jandova",
            "lenka.jandova@kavlinge.se",
            "IT-samordnare, Omsorg",
            "Utvecklingschef",
            "Kommunens sjuksköterska",
            "Administratör av digital läkemedelssignering",
            "https://e-tjanster.kavlinge.se/oversikt/overview/156",
            "https://www.kavlinge.se/omsorgochhjalp/valfrihetlov.4.7610534515f62692bf016fe.html",
            "12.00-14.30",
            "4:e onsdagen i månaden",
            "Servicefönster Lifecare utförare",
            "Windows-miljö",
            "första kvartalet 2020",
            "HTML-format",
            "Smartphone med 4G-internetabonnemang eller motsvarande",
            "Både iPhone och Android fungerar",
            "Egen PC med internetanslutning",
            "kvartalsvis",
            "Lifecare meddelande",
            "genomförandeplan SoL",
            "genomförandeplan LSS",
            "journalanteckningar LSS",
            "frånvarorapportering",
            "introduktionsmöte",
        ],
    ),
];

fn decode(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_fact_of_every_source_document_is_on_its_municipality_pages_and_in_its_json() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let r = site::lovportal(&[
        "build".into(),
        "--root".into(),
        root.display().to_string(),
        "--output".into(),
        out.path().join("public").display().to_string(),
        "--now".into(),
        "2026-11-23T10:00".into(),
    ]);
    assert_eq!(
        r.code, 0,
        "the bundled portal must build without errors:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains(": fel:"), "{}", r.stderr);
    let public = out.path().join("public");
    let files = site::tree(&public);
    let mut missing = Vec::new();
    for (slug, facts) in FACTS {
        let html: String = files
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{slug}/")) && p.ends_with(".html"))
            .map(|(_, b)| decode(&String::from_utf8_lossy(b)))
            .collect();
        let json_text = String::from_utf8_lossy(&files[&format!("data/{slug}.json")]).into_owned();
        assert!(html.len() > 1000, "{slug}: no pages");
        for fact in *facts {
            if !html.contains(fact) {
                missing.push(format!("{slug}: {fact:?} not in the HTML"));
            }
            if !json_text.contains(fact) {
                missing.push(format!("{slug}: {fact:?} not in data/{slug}.json"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_home_page_lists_every_municipality_and_each_page_links_its_parts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let r = site::lovportal(&[
        "build".into(),
        "--root".into(),
        root.display().to_string(),
        "--output".into(),
        public.display().to_string(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("data/index.json")).unwrap())
            .unwrap();
    let munis = index["municipalities"].as_array().unwrap();
    assert_eq!(munis.len(), 5);
    for m in munis {
        let slug = m["slug"].as_str().unwrap();
        assert!(
            home.contains(&format!("href=\"{slug}/index.html\"")),
            "home links {slug}"
        );
        let page = std::fs::read_to_string(public.join(slug).join("index.html")).unwrap();
        for anchor in [
            "id=\"system\"",
            "id=\"kontakter\"",
            "id=\"rutiner\"",
            "checklista/index.html",
        ] {
            assert!(page.contains(anchor), "{slug}: {anchor}");
        }
        let data: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(public.join(format!("data/{slug}.json"))).unwrap(),
        )
        .unwrap();
        for sys in data["municipality"]["systems"].as_array().unwrap() {
            let id = sys["system"].as_str().unwrap();
            assert!(
                page.contains(&format!("../system/{id}/index.html")),
                "{slug} links system {id}"
            );
            let sys_page =
                std::fs::read_to_string(public.join(format!("system/{id}/index.html"))).unwrap();
            assert!(
                sys_page.contains(&format!("../../{slug}/index.html#system")),
                "system {id} lists {slug}"
            );
        }
        for r in data["routines"].as_array().unwrap() {
            let s = r["slug"].as_str().unwrap();
            assert!(
                page.contains(&format!("../{slug}/{s}/index.html")),
                "{slug} links routine {s}"
            );
        }
        for e in data["municipality"]["eservices"].as_array().unwrap() {
            assert!(page.contains(&format!("id=\"e-tjanst-{}\"", e["id"].as_str().unwrap())));
        }
    }
}
