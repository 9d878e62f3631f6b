//! The benchmark corpus generator (std only, so tests and benches can include it with
//! `#[path]`). Deterministic: a small SplitMix64 PRNG with a fixed seed, one stream per
//! municipality and per routine, and no clock, no hash-map order, no environment.
//!
//! The lovportal flavour is a complete site that passes validation: every municipality
//! has roles, systems, login methods, contacts with hours, requirements, maintenance
//! windows, e-services, duties and a 15–25 step checklist; every routine has 600–1,500
//! words of Swedish with headings, lists, tables and internal `@/` links. The Hugo, Zola
//! and mdBook flavours hold the same routine texts (links translated to each tool's
//! syntax) plus one page per municipality and per system, with minimal templates.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Lovportal,
    Hugo,
    Zola,
    Mdbook,
}

impl Flavour {
    pub const ALL: [Flavour; 4] = [
        Flavour::Lovportal,
        Flavour::Hugo,
        Flavour::Zola,
        Flavour::Mdbook,
    ];

    pub fn parse(s: &str) -> Option<Flavour> {
        Some(match s {
            "lovportal" => Flavour::Lovportal,
            "hugo" => Flavour::Hugo,
            "zola" => Flavour::Zola,
            "mdbook" => Flavour::Mdbook,
            _ => return None,
        })
    }

    pub fn dir(self) -> &'static str {
        match self {
            Flavour::Lovportal => "lovportal",
            Flavour::Hugo => "hugo",
            Flavour::Zola => "zola",
            Flavour::Mdbook => "mdbook",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub municipalities: usize,
    pub routines: usize,
    pub providers_per_municipality: usize,
    pub seed: u64,
    pub flavours: Vec<Flavour>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            municipalities: 290,
            routines: 10,
            providers_per_municipality: 1,
            seed: 0x4c4f_5650_4f52_5441, // "LOVPORTA"
            flavours: Flavour::ALL.to_vec(),
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub municipalities: usize,
    pub routines: usize,
    pub providers: usize,
    pub words: usize,
    pub markdown_bytes: usize,
}

/// SplitMix64: tiny, fast and good enough for text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    /// `k` distinct indices of `0..n`, in ascending order.
    pub fn subset(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = self.range(i, n - 1);
            idx.swap(i, j);
        }
        let mut v = idx[..k.min(n)].to_vec();
        v.sort_unstable();
        v
    }
}

fn stream(seed: u64, a: u64, b: u64) -> Rng {
    let mut r = Rng::new(
        seed ^ a.wrapping_mul(0xA24B_AED4_963E_E407) ^ b.wrapping_mul(0x9FB2_1C65_1E98_DF25),
    );
    r.next_u64();
    r
}

// ---------------------------------------------------------------------------------------
// Vocabulary

const NAME_HEADS: [&str; 24] = [
    "Al", "Björk", "Ek", "Gran", "Hag", "Lind", "Sjö", "Ström", "Väster", "Öster", "Norr", "Söder",
    "Berg", "Dal", "Mal", "Ny", "Sand", "Skog", "Älv", "Hav", "Fjäll", "Mark", "Ås", "Rön",
];
const NAME_TAILS: [&str; 14] = [
    "by", "stad", "köping", "vik", "hult", "torp", "ås", "ö", "dal", "sund", "holm", "fors", "näs",
    "berga",
];

/// (id, name, category, vendor)
const SYSTEMS: [(&str, &str, &str, Option<&str>); 16] = [
    (
        "treserva",
        "Treserva",
        "Verksamhetssystem för dokumentation",
        Some("CGI"),
    ),
    (
        "lifecare",
        "Lifecare",
        "Verksamhetssystem för dokumentation",
        Some("Tietoevry"),
    ),
    (
        "procapita",
        "Procapita",
        "Verksamhetssystem för dokumentation",
        Some("Tietoevry"),
    ),
    (
        "combine",
        "Combine",
        "Verksamhetssystem för dokumentation",
        Some("Pulsen"),
    ),
    ("tes", "TES", "Planering och tidsregistrering", None),
    (
        "phoniro",
        "Phoniro",
        "Digitala lås",
        Some("Phoniro Systems"),
    ),
    (
        "lakemedelssignering",
        "Digital läkemedelssignering",
        "Läkemedelshantering",
        None,
    ),
    (
        "trygghetslarm",
        "Larmsystem för trygghetslarm",
        "Larmhantering",
        None,
    ),
    (
        "avvikelsesystem",
        "System för avvikelserapportering",
        "Avvikelser",
        None,
    ),
    ("fjarrserver", "Kommunens fjärrserver", "Fjärråtkomst", None),
    ("thinlinc", "ThinLinc", "Fjärrskrivbord", Some("Cendio")),
    (
        "citrix",
        "Citrix",
        "Fjärrskrivbord",
        Some("Cloud Software Group"),
    ),
    (
        "npo",
        "Nationell patientöversikt",
        "Sammanhållen journalföring",
        None,
    ),
    ("pascal", "Pascal", "Läkemedelsordination", None),
    (
        "mobil-dokumentation",
        "Mobil dokumentation",
        "Dokumentation i mobilen",
        None,
    ),
    (
        "ledningssystem",
        "Ledningssystem för kvalitet",
        "Kvalitetsledning",
        None,
    ),
];
const CORE_SYSTEMS: [usize; 4] = [0, 1, 2, 3];
const REMOTE_SYSTEMS: [usize; 3] = [9, 10, 11];
const OTHER_SYSTEMS: [usize; 9] = [4, 5, 6, 7, 8, 12, 13, 14, 15];

/// (id, name, side, description)
const ROLES: [(&str, &str, &str, &str); 8] = [
    (
        "ansvarig-chef",
        "Ansvarig chef hos utföraren",
        "utforare",
        "Den som ansvarar för den dagliga driften hos utföraren.",
    ),
    (
        "it-kontaktperson",
        "IT-kontaktperson hos utföraren",
        "utforare",
        "En eller två namngivna personer som har kontakten med kommunens IT-enhet.",
    ),
    (
        "behorighetsadministrator",
        "Behörighetsadministratör",
        "utforare",
        "Lägger upp och tar bort behörigheter för personalen.",
    ),
    (
        "personal",
        "Personal hos utföraren",
        "utforare",
        "Alla som arbetar hos utföraren och dokumenterar i kommunens system.",
    ),
    (
        "kommunens-it",
        "Kommunens IT-enhet",
        "kommun",
        "Kommunens IT-avdelning med servicedesk.",
    ),
    (
        "systemforvaltare",
        "Systemförvaltare",
        "kommun",
        "Förvaltar verksamhetssystemen och ger utbildning.",
    ),
    (
        "bestallarenhet",
        "Beställarenheten",
        "kommun",
        "Beställer insatser och följer upp avtalet.",
    ),
    (
        "siths-ansvarig",
        "SITHS-ansvarig",
        "kommun",
        "Utfärdar och spärrar SITHS-kort.",
    ),
];

/// (id, kind, name, description)
const LOGINS: [(&str, &str, &str, &str); 5] = [
    (
        "siths",
        "siths",
        "SITHS-kort",
        "Ett personligt e-tjänstekort med certifikat för säker inloggning i vård och omsorg.",
    ),
    (
        "sms-kod",
        "sms",
        "Sms-kod",
        "Användarnamn och lösenord, plus en kod som skickas med sms till mobiltelefonen.",
    ),
    (
        "bankid",
        "bankid",
        "Mobilt BankID",
        "Inloggning med Mobilt BankID på den egna telefonen.",
    ),
    (
        "yubikey",
        "yubikey",
        "Yubikey",
        "En USB-nyckel som tar fram ett engångslösenord. Varje användare har en egen nyckel.",
    ),
    (
        "losenord",
        "losenord",
        "Användarnamn och lösenord",
        "Personliga inloggningsuppgifter som inte får lånas ut.",
    ),
];

/// (id, name, kind, orders, how: u = url, e = e-mail, l = location)
const ESERVICES: [(&str, &str, &str, &str, char); 7] = [
    (
        "behorighet",
        "Beställning av behörighet",
        "e-tjanst",
        "Behörighet till verksamhetssystemen för ny personal",
        'u',
    ),
    (
        "avanmalan",
        "Avanmälan av behörighet",
        "formular",
        "Avslut av behörighet när någon slutar",
        'u',
    ),
    (
        "anmal-kontaktpersoner",
        "Anmälan av kontaktpersoner",
        "epost",
        "Registrering av utförarens IT-kontaktpersoner",
        'e',
    ),
    (
        "bestall-siths",
        "Beställning av SITHS-kort",
        "blankett",
        "SITHS-kort för ny personal",
        'l',
    ),
    (
        "support-arende",
        "Supportärende",
        "arendesystem",
        "Felanmälan och frågor till kommunens IT-enhet",
        'u',
    ),
    (
        "bestall-telefon",
        "Beställning av tjänstetelefon",
        "epost",
        "Tjänstetelefoner för mobil dokumentation",
        'e',
    ),
    (
        "bestall-larm",
        "Beställning av larmkonto",
        "e-tjanst",
        "Konton i larmsystemet för personalen",
        'u',
    ),
];

/// Checklist step templates in chronological order: (id, title, who, eservice).
const STEPS: [(&str, &str, &str, Option<&str>); 26] = [
    (
        "utse-kontaktpersoner",
        "Utse en eller två IT-kontaktpersoner",
        "ansvarig-chef",
        None,
    ),
    (
        "anmal-kontaktpersoner",
        "Anmäl IT-kontaktpersonerna till kommunen",
        "ansvarig-chef",
        Some("anmal-kontaktpersoner"),
    ),
    (
        "skaffa-datorer",
        "Skaffa datorer som uppfyller kraven",
        "ansvarig-chef",
        None,
    ),
    (
        "las-riktlinjer",
        "Läs kommunens riktlinjer för informationssäkerhet",
        "ansvarig-chef",
        None,
    ),
    (
        "bestall-siths",
        "Beställ SITHS-kort till personalen",
        "ansvarig-chef",
        Some("bestall-siths"),
    ),
    (
        "bestall-telefoner",
        "Beställ tjänstetelefoner",
        "ansvarig-chef",
        Some("bestall-telefon"),
    ),
    (
        "utse-behorighetsadministrator",
        "Utse en behörighetsadministratör",
        "ansvarig-chef",
        None,
    ),
    (
        "ansok-behorighet",
        "Ansök om behörighet för personalen",
        "behorighetsadministrator",
        Some("behorighet"),
    ),
    (
        "boka-utbildning",
        "Boka utbildning i verksamhetssystemet",
        "systemforvaltare",
        None,
    ),
    (
        "installera-klient",
        "Installera klienten för fjärråtkomst",
        "it-kontaktperson",
        None,
    ),
    (
        "oppna-brandvagg",
        "Öppna brandväggen för kommunens servrar",
        "it-kontaktperson",
        None,
    ),
    (
        "bestall-larmkonton",
        "Beställ konton i larmsystemet",
        "behorighetsadministrator",
        Some("bestall-larm"),
    ),
    ("hamta-kort", "Hämta ut SITHS-korten", "personal", None),
    (
        "aktivera-kort",
        "Aktivera SITHS-korten och välj PIN-kod",
        "personal",
        None,
    ),
    (
        "genomfor-utbildning",
        "Genomför utbildningen i verksamhetssystemet",
        "personal",
        None,
    ),
    (
        "testa-inloggning",
        "Testa inloggningen i alla system",
        "it-kontaktperson",
        None,
    ),
    (
        "koppla-las",
        "Koppla de digitala låsen till telefonerna",
        "it-kontaktperson",
        None,
    ),
    (
        "las-in-brukare",
        "Kontrollera att brukarna finns i planeringssystemet",
        "ansvarig-chef",
        None,
    ),
    (
        "prova-signering",
        "Prova läkemedelssigneringen med en testbrukare",
        "personal",
        None,
    ),
    (
        "kontrollera-avvikelser",
        "Kontrollera att avvikelser kan rapporteras",
        "ansvarig-chef",
        None,
    ),
    (
        "stam-av-med-bestallare",
        "Stäm av starten med beställarenheten",
        "ansvarig-chef",
        None,
    ),
    (
        "sista-kontroll",
        "Gör en sista kontroll av behörigheterna",
        "behorighetsadministrator",
        None,
    ),
    (
        "ny-personal",
        "Ansök om behörighet när ny personal börjar",
        "behorighetsadministrator",
        Some("behorighet"),
    ),
    (
        "granska-behorigheter",
        "Granska vem som har behörighet",
        "ansvarig-chef",
        None,
    ),
    (
        "avanmal-behorighet",
        "Avanmäl behörigheten när en medarbetare slutar",
        "behorighetsadministrator",
        Some("avanmalan"),
    ),
    (
        "avanmal-alla",
        "Avanmäl all personal och lämna tillbaka utrustningen",
        "ansvarig-chef",
        Some("avanmalan"),
    ),
];
const BEFORE_START_STEPS: usize = 22;

/// (slug, title, summary)
const TOPICS: [(&str, &str, &str); 30] = [
    (
        "behorighet",
        "Behörighet i verksamhetssystemet",
        "Så beställer, ändrar och avslutar utföraren behörigheter för personalen.",
    ),
    (
        "inloggning",
        "Inloggning",
        "Hur personalen loggar in i kommunens system och vad som behövs för det.",
    ),
    (
        "siths-kort",
        "SITHS-kort",
        "Beställning, aktivering och spärr av SITHS-kort för personalen.",
    ),
    (
        "support",
        "IT-support",
        "Vem som får kontakta kommunens IT-enhet och vad supporten hjälper till med.",
    ),
    (
        "datorkrav",
        "Krav på datorer och nätverk",
        "Vilka krav utförarens datorer, telefoner och nätverk ska uppfylla.",
    ),
    (
        "driftavbrott",
        "Driftavbrott och servicefönster",
        "Vad personalen gör när ett system inte fungerar och när underhåll är planerat.",
    ),
    (
        "larmhantering",
        "Larmhantering",
        "Hur trygghetslarm tas emot, kvitteras och dokumenteras.",
    ),
    (
        "dokumentation",
        "Social dokumentation",
        "Hur insatser dokumenteras i verksamhetssystemet.",
    ),
    (
        "avvikelser",
        "Avvikelser",
        "Hur avvikelser rapporteras, utreds och följs upp.",
    ),
    (
        "lakemedel",
        "Läkemedelssignering",
        "Hur läkemedelsgivning signeras digitalt.",
    ),
    (
        "digitala-las",
        "Digitala lås",
        "Hur personalen låser upp hos brukaren och vad som gäller vid fel.",
    ),
    (
        "tidsregistrering",
        "Tidsregistrering",
        "Hur utförd tid registreras och rapporteras som underlag för avgifter.",
    ),
    (
        "planering",
        "Planering av insatser",
        "Hur beställda insatser blir planerade besök.",
    ),
    (
        "avslut-av-avtal",
        "Avslut av avtal",
        "Vad utföraren ska göra när avtalet med kommunen upphör.",
    ),
    (
        "ny-personal",
        "Ny personal",
        "Vad som ska vara klart innan en ny medarbetare börjar arbeta.",
    ),
    (
        "personal-slutar",
        "När personal slutar",
        "Hur behörigheter och utrustning återlämnas när någon slutar.",
    ),
    (
        "informationssakerhet",
        "Informationssäkerhet",
        "Regler för hur personuppgifter och inloggningar hanteras.",
    ),
    (
        "telefoner",
        "Tjänstetelefoner",
        "Beställning, användning och förlust av tjänstetelefoner.",
    ),
    (
        "utbildning",
        "Utbildning i systemen",
        "Vilka utbildningar som finns och hur de bokas.",
    ),
    (
        "fjarratkomst",
        "Fjärråtkomst",
        "Hur utförarens datorer når kommunens system på ett säkert sätt.",
    ),
    (
        "loggkontroll",
        "Loggkontroll",
        "Hur åtkomsten till journaler följs upp.",
    ),
    (
        "sammanhallen-journal",
        "Sammanhållen journalföring",
        "När och hur personalen tar del av andra vårdgivares uppgifter.",
    ),
    (
        "genomforandeplan",
        "Genomförandeplan",
        "Hur genomförandeplanen tas fram och hålls aktuell.",
    ),
    (
        "avgifter",
        "Underlag för avgifter",
        "Vilka uppgifter som rapporteras in som underlag för brukarens avgift.",
    ),
    (
        "synpunkter",
        "Synpunkter och klagomål",
        "Hur synpunkter tas emot och besvaras.",
    ),
    (
        "kontinuitet",
        "Kontinuitet vid driftstopp",
        "Reservrutiner när systemen ligger nere.",
    ),
    (
        "nyckelhantering",
        "Nyckelhantering",
        "Hur nycklar och koder till brukarnas bostäder hanteras.",
    ),
    (
        "kvalitet",
        "Kvalitetsuppföljning",
        "Hur kommunen följer upp kvaliteten hos utföraren.",
    ),
    (
        "rapportering",
        "Månadsrapportering",
        "Vilka rapporter utföraren lämnar varje månad.",
    ),
    (
        "kontakter",
        "Kontakter och ansvar",
        "Vem som gör vad hos kommunen och hos utföraren.",
    ),
];

const SUBJECTS: [&str; 14] = [
    "Enhetschefen",
    "Utföraren",
    "Den ansvariga chefen",
    "Personalen",
    "Kommunens IT-enhet",
    "Systemförvaltaren",
    "Behörighetsadministratören",
    "IT-kontaktpersonen",
    "Beställarenheten",
    "Den som är ny i tjänst",
    "Medarbetaren",
    "Samordnaren",
    "Verksamhetschefen",
    "Supporten",
];
const VERBS: [&str; 16] = [
    "beställer",
    "kontrollerar",
    "dokumenterar",
    "godkänner",
    "registrerar",
    "avslutar",
    "följer upp",
    "meddelar",
    "skickar",
    "sparar",
    "granskar",
    "uppdaterar",
    "ansvarar för",
    "planerar",
    "testar",
    "hanterar",
];
const OBJECTS: [&str; 20] = [
    "behörigheten i verksamhetssystemet",
    "SITHS-kortet",
    "inloggningsuppgifterna",
    "beställningen",
    "avvikelsen",
    "blanketten",
    "genomförandeplanen",
    "kontaktlistan",
    "tjänstetelefonerna",
    "de digitala nycklarna",
    "månadsrapporten",
    "underlaget för avgifter",
    "utbildningen",
    "ärendet",
    "lösenordet",
    "kontot",
    "listan över behörigheter",
    "journalanteckningen",
    "insatsen",
    "tidsregistreringen",
];
const ADVERBIALS: [&str; 16] = [
    "senast fem arbetsdagar före start",
    "i e-tjänsten",
    "via kommunens ärendehanteringssystem",
    "en gång i månaden",
    "innan personalen börjar arbeta",
    "när en medarbetare slutar",
    "i samband med driftstarten",
    "varje kvartal",
    "så snart som möjligt",
    "enligt gällande riktlinjer",
    "efter överenskommelse med kommunen",
    "innan arbetspasset börjar",
    "i början av varje vecka",
    "och sparar kvittensen i pärmen",
    "utan dröjsmål",
    "tillsammans med systemförvaltaren",
];
const HEADINGS: [&str; 18] = [
    "Syfte",
    "Ansvar",
    "Så går det till",
    "Beställning av behörighet",
    "Inloggning",
    "När något inte fungerar",
    "Uppföljning",
    "Dokumentation",
    "Tidsplan",
    "Avslut",
    "Säkerhet",
    "Utbildning",
    "Vanliga frågor",
    "Bakgrund",
    "Ordlista",
    "Ändringar i rutinen",
    "Undantag",
    "Roller och ansvar",
];
const SUBHEADINGS: [&str; 8] = [
    "Före start",
    "Under driften",
    "Vid fel",
    "Exempel",
    "Tänk på",
    "Viktigt",
    "För chefen",
    "För personalen",
];

/// One of `items` (a helper so callers need no explicit deref).
fn pick_str(r: &mut Rng, items: &[&'static str]) -> &'static str {
    items[r.range(0, items.len() - 1)]
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sentence(r: &mut Rng) -> String {
    let s = *r.pick(&SUBJECTS);
    let v = *r.pick(&VERBS);
    let o = *r.pick(&OBJECTS);
    let a = *r.pick(&ADVERBIALS);
    let o = if r.chance(8) {
        format!("**{o}**")
    } else {
        o.to_string()
    };
    match r.range(0, 6) {
        0 => format!("Observera att {o} måste vara klar {a}."),
        1 => format!("Om {o} saknas kontaktar {} supporten.", lower_first(s)),
        2 => format!("{s} ser till att {o} finns på plats {a}."),
        3 => format!("Det är viktigt att {o} hanteras {a}."),
        4 => format!("Tänk på att {} alltid {v} {o} {a}.", lower_first(s)),
        _ => format!("{s} {v} {o} {a}."),
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// One municipality as the generator sees it.
struct Muni {
    slug: String,
    name: String,
    systems: Vec<usize>,
    eservices: Vec<usize>,
    routines: Vec<(String, String, String)>,
}

fn muni_name(i: usize) -> String {
    let base = format!(
        "{}{}",
        NAME_HEADS[i % NAME_HEADS.len()],
        NAME_TAILS[(i / NAME_HEADS.len()) % NAME_TAILS.len()]
    );
    let round = i / (NAME_HEADS.len() * NAME_TAILS.len());
    if round == 0 {
        base
    } else {
        format!("{base} {}", round + 1)
    }
}

fn routine_topics(n: usize) -> Vec<(String, String, String)> {
    (0..n)
        .map(|i| {
            let (slug, title, summary) = TOPICS[i % TOPICS.len()];
            match i / TOPICS.len() {
                0 => (slug.to_string(), title.to_string(), summary.to_string()),
                k => (
                    format!("{slug}-del-{}", k + 1),
                    format!("{title}, del {}", k + 1),
                    summary.to_string(),
                ),
            }
        })
        .collect()
}

fn plan(opts: &Options) -> Vec<Muni> {
    (0..opts.municipalities)
        .map(|i| {
            let mut r = stream(opts.seed, 1, i as u64);
            let mut systems = vec![*r.pick(&CORE_SYSTEMS), *r.pick(&REMOTE_SYSTEMS)];
            let extra = r.range(3, 6);
            systems.extend(
                r.subset(OTHER_SYSTEMS.len(), extra)
                    .into_iter()
                    .map(|k| OTHER_SYSTEMS[k]),
            );
            systems.sort_unstable();
            let mut eservices = vec![0, 1, 2];
            let k = r.range(1, 4);
            eservices.extend(r.subset(4, k).into_iter().map(|k| k + 3));
            Muni {
                slug: format!("k{:03}", i + 1),
                name: muni_name(i),
                systems,
                eservices,
                routines: routine_topics(opts.routines),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Routine text

/// A routine body in lovportal syntax (`@/` links), and its word count.
fn routine_body(opts: &Options, munis: &[Muni], mi: usize, ri: usize) -> (String, usize) {
    let m = &munis[mi];
    let mut r = stream(opts.seed, 2, (mi * 10_007 + ri) as u64);
    let target = r.range(600, 1500);
    let mut out = String::with_capacity(target * 9);
    let mut n = 0;
    let para = |r: &mut Rng, out: &mut String, n: &mut usize, sentences: usize| {
        let mut p = String::new();
        for k in 0..sentences {
            if k > 0 {
                p.push(' ');
            }
            p.push_str(&sentence(r));
        }
        *n += words(&p);
        out.push_str(&p);
        out.push_str("\n\n");
    };
    para(&mut r, &mut out, &mut n, 3);
    let headings = r.subset(HEADINGS.len(), HEADINGS.len());
    let mut h = 0;
    while n < target {
        let title = HEADINGS[headings[h % headings.len()]];
        let title = if h >= headings.len() {
            format!("{title} ({})", h / headings.len() + 1)
        } else {
            title.to_string()
        };
        h += 1;
        let _ = writeln!(out, "# {title}\n");
        n += words(&title);
        let k = r.range(2, 5);
        para(&mut r, &mut out, &mut n, k);
        match r.range(0, 5) {
            0 | 1 => {
                // Bullet list.
                for _ in 0..r.range(3, 6) {
                    let item = format!(
                        "{} {}",
                        upper_first(pick_str(&mut r, &OBJECTS)),
                        r.pick(&ADVERBIALS)
                    );
                    n += words(&item);
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
            2 => {
                // Numbered steps.
                for k in 1..=r.range(3, 6) {
                    let item = format!(
                        "{} {} {}.",
                        r.pick(&SUBJECTS),
                        r.pick(&VERBS),
                        r.pick(&OBJECTS)
                    );
                    n += words(&item);
                    let _ = writeln!(out, "{k}. {item}");
                }
                out.push('\n');
            }
            3 => {
                // Table.
                out.push_str("| Vad | Vem | När |\n|---|---|---|\n");
                for _ in 0..r.range(3, 5) {
                    let row = format!(
                        "| {} | {} | {} |",
                        upper_first(pick_str(&mut r, &OBJECTS)),
                        r.pick(&SUBJECTS),
                        r.pick(&ADVERBIALS)
                    );
                    n += words(&row) - 4;
                    out.push_str(&row);
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => {
                let sub = *r.pick(&SUBHEADINGS);
                let _ = writeln!(out, "## {sub}\n");
                n += words(sub);
                let k = r.range(2, 4);
                para(&mut r, &mut out, &mut n, k);
            }
        }
        // Internal links: another routine here, the contacts, a system, now and then
        // a routine of a neighbouring municipality.
        let mut links = String::new();
        if m.routines.len() > 1 && r.chance(70) {
            let mut k = r.range(0, m.routines.len() - 1);
            if k == ri {
                k = (k + 1) % m.routines.len();
            }
            let (slug, title, _) = &m.routines[k];
            let _ = write!(links, "Läs mer i [{title}](@/{}/{slug}/). ", m.slug);
        }
        if r.chance(30) {
            let _ = write!(
                links,
                "Kontaktuppgifter finns under [Kontakter](@/{}/#kontakter). ",
                m.slug
            );
        }
        if r.chance(40) {
            let (id, name, _, _) = SYSTEMS[*r.pick(&m.systems)];
            let _ = write!(
                links,
                "Mer om systemet finns på sidan om [{name}](@/system/{id}/). "
            );
        }
        if munis.len() > 1 && r.chance(10) {
            let other = &munis[(mi + 1) % munis.len()];
            let (slug, title, _) = &other.routines[ri % other.routines.len()];
            let _ = write!(
                links,
                "Jämför med [{title} i {}](@/{}/{slug}/). ",
                other.name, other.slug
            );
        }
        if !links.is_empty() {
            n += words(&links);
            out.push_str(links.trim_end());
            out.push_str("\n\n");
        }
    }
    (out, n)
}

/// Rewrites every `](@/target)` link with `f(target)`.
pub fn translate_links(body: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 16);
    let mut rest = body;
    while let Some(i) = rest.find("](@/") {
        out.push_str(&rest[..i + 2]);
        let after = &rest[i + 4..];
        let end = after.find(')').unwrap_or(after.len());
        out.push_str(&f(&after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Splits a lovportal link target (`k001/behorighet/`, `k001/#kontakter`,
/// `system/tes/`) into (section, page or "", fragment or "").
pub fn split_target(t: &str) -> (&str, &str, &str) {
    let (path, frag) = t.split_once('#').unwrap_or((t, ""));
    let mut parts = path.trim_end_matches('/').splitn(2, '/');
    let section = parts.next().unwrap_or("");
    let page = parts.next().unwrap_or("");
    (section, page, frag)
}

// ---------------------------------------------------------------------------------------
// Writing

fn write(root: &Path, rel: &str, text: &str) -> io::Result<()> {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(p, text)
}

/// Generates the corpus under `out` (one folder per flavour). Existing flavour folders
/// are replaced.
pub fn generate(out: &Path, opts: &Options) -> io::Result<Stats> {
    let munis = plan(opts);
    let mut stats = Stats {
        municipalities: munis.len(),
        ..Stats::default()
    };
    for f in &opts.flavours {
        let dir = out.join(f.dir());
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
    }
    let has = |f: Flavour| opts.flavours.contains(&f);
    let lov = out.join(Flavour::Lovportal.dir());
    let hugo = out.join(Flavour::Hugo.dir());
    let zola = out.join(Flavour::Zola.dir());
    let book = out.join(Flavour::Mdbook.dir());

    if has(Flavour::Lovportal) {
        write(&lov, "data/site.yaml", SITE_YAML)?;
        write(&lov, "data/system.yaml", &system_yaml())?;
    }
    if has(Flavour::Hugo) {
        write_hugo_skeleton(&hugo)?;
    }
    if has(Flavour::Zola) {
        write_zola_skeleton(&zola)?;
    }
    let mut summary = String::from("# Summary\n\n");
    for (mi, m) in munis.iter().enumerate() {
        if has(Flavour::Lovportal) {
            write(
                &lov,
                &format!("data/kommuner/{}.yaml", m.slug),
                &municipality_yaml(opts, m, mi),
            )?;
            for p in 0..opts.providers_per_municipality {
                let (id, yaml) = provider_yaml(opts, m, mi, p);
                write(&lov, &format!("data/providers/{id}.yaml"), &yaml)?;
                stats.providers += 1;
            }
        }
        let intro = format!("Rutiner för LOV-utförare i {}.", m.name);
        if has(Flavour::Hugo) {
            write(
                &hugo,
                &format!("content/{}/_index.md", m.slug),
                &format!(
                    "---\ntitle: \"{}\"\nsummary: \"{intro}\"\n---\n\n{intro}\n",
                    m.name
                ),
            )?;
        }
        if has(Flavour::Zola) {
            write(
                &zola,
                &format!("content/{}/_index.md", m.slug),
                &format!(
                    "+++\ntitle = \"{}\"\ndescription = \"{intro}\"\nsort_by = \"weight\"\n+++\n\n{intro}\n\n## Kontakter\n",
                    m.name
                ),
            )?;
        }
        if has(Flavour::Mdbook) {
            write(
                &book,
                &format!("src/{}/README.md", m.slug),
                &format!("# {}\n\n{intro}\n", m.name),
            )?;
            let _ = writeln!(summary, "- [{}]({}/README.md)", m.name, m.slug);
        }
        for (ri, (slug, title, sum)) in m.routines.iter().enumerate() {
            let (body, n) = routine_body(opts, &munis, mi, ri);
            stats.routines += 1;
            stats.words += n;
            stats.markdown_bytes += body.len();
            if has(Flavour::Lovportal) {
                let systems: Vec<&str> = m
                    .systems
                    .iter()
                    .take(1 + ri % 3)
                    .map(|&s| SYSTEMS[s].0)
                    .collect();
                let front = format!(
                    "---\ntitle: {title}\nsummary: {sum}\ndocument: Rutin för {}\ndocument_type: Rutin\n\
                     drawn_up_by: Systemförvaltningen i {}\napproved_by: Verksamhetschef\n\
                     registration_number: VON 2025/{}\nvalid_from: \"2025-{:02}-{:02}\"\n\
                     last_updated: \"2026-{:02}-{:02}\"\nnext_review: \"2031-{:02}\"\n\
                     applies_to: Privata utförare av hemtjänst\nsystems: [{}]\nservices: [hemtjanst]\norder: {}\n---\n\n",
                    lower_first(title),
                    m.name,
                    100 + (mi * 7 + ri) % 800,
                    1 + ri % 12,
                    1 + (mi + ri) % 28,
                    1 + (mi + 2 * ri) % 12,
                    1 + (3 * mi + ri) % 28,
                    1 + ri % 12,
                    systems.join(", "),
                    ri + 1,
                );
                write(
                    &lov,
                    &format!("content/{}/{slug}.md", m.slug),
                    &(front + &body),
                )?;
            }
            if has(Flavour::Hugo) {
                let b = translate_links(&body, |t| format!("/{t}"));
                write(
                    &hugo,
                    &format!("content/{}/{slug}.md", m.slug),
                    &format!(
                        "---\ntitle: \"{title}\"\nsummary: \"{sum}\"\nweight: {}\n---\n\n{b}",
                        ri + 1
                    ),
                )?;
            }
            if has(Flavour::Zola) {
                let b = translate_links(&body, |t| match split_target(t) {
                    (s, "", _) => format!("@/{s}/_index.md"),
                    (s, p, _) => format!("@/{s}/{p}.md"),
                });
                write(
                    &zola,
                    &format!("content/{}/{slug}.md", m.slug),
                    &format!(
                        "+++\ntitle = \"{title}\"\ndescription = \"{sum}\"\nweight = {}\n+++\n\n{b}",
                        ri + 1
                    ),
                )?;
            }
            if has(Flavour::Mdbook) {
                let b = translate_links(&body, |t| match split_target(t) {
                    (s, "", _) => format!("../{s}/README.md"),
                    (s, p, _) => format!("../{s}/{p}.md"),
                });
                write(
                    &book,
                    &format!("src/{}/{slug}.md", m.slug),
                    &format!("# {title}\n\n{b}"),
                )?;
                let _ = writeln!(summary, "  - [{title}]({}/{slug}.md)", m.slug);
            }
        }
    }
    // System pages for the comparison sites (lovportal builds them from data/system.yaml).
    if has(Flavour::Mdbook) {
        let _ = writeln!(summary, "- [System](system/README.md)");
        write(&book, "src/system/README.md", "# System\n\nAlla system.\n")?;
    }
    for (id, name, category, _) in SYSTEMS {
        let text = format!("{category}. {}", system_description(id));
        if has(Flavour::Hugo) {
            write(
                &hugo,
                &format!("content/system/{id}.md"),
                &format!("---\ntitle: \"{name}\"\n---\n\n{text}\n"),
            )?;
        }
        if has(Flavour::Zola) {
            write(
                &zola,
                &format!("content/system/{id}.md"),
                &format!("+++\ntitle = \"{name}\"\n+++\n\n{text}\n"),
            )?;
        }
        if has(Flavour::Mdbook) {
            write(
                &book,
                &format!("src/system/{id}.md"),
                &format!("# {name}\n\n{text}\n"),
            )?;
            let _ = writeln!(summary, "  - [{name}](system/{id}.md)");
        }
    }
    if has(Flavour::Mdbook) {
        write(&book, "src/SUMMARY.md", &summary)?;
        write(&book, "book.toml", MDBOOK_TOML)?;
    }
    Ok(stats)
}

// ---------------------------------------------------------------------------------------
// lovportal YAML

const SITE_YAML: &str = "# Generated benchmark corpus (examples/gen_corpus).
name: LOV-portalen
organisation: Samverkan för LOV-utförare (testkorpus)
description: >-
  Allt du som ny LOV-utförare behöver inför starten. Genererad testkorpus för
  prestandamätning; kommunerna och uppgifterna är påhittade.
footer_contact:
  name: Redaktionen för LOV-portalen
  email: lovportalen@exempel.se
accessibility:
  responsible: Redaktionen för LOV-portalen
  report_email: tillganglighet@exempel.se
  assessed: \"2026-11-23\"
  method: Självskattning
  known_gaps:
    - Testkorpusen är inte granskad.
";

fn system_description(id: &str) -> &'static str {
    match id {
        "treserva" | "lifecare" | "procapita" | "combine" => {
            "Verksamhetssystem där utförarens personal dokumenterar insatser och tar emot beslut."
        }
        "fjarrserver" | "thinlinc" | "citrix" => {
            "Ger personalen säker åtkomst till kommunens system från utförarens egna datorer."
        }
        _ => "Ett av de system som utförarens personal använder i det dagliga arbetet.",
    }
}

fn system_yaml() -> String {
    let mut s = String::from("# Generated benchmark corpus.\nsystems:\n");
    for (id, name, category, vendor) in SYSTEMS {
        let _ = writeln!(
            s,
            "  - id: {id}\n    name: {name}\n    category: {category}"
        );
        if let Some(v) = vendor {
            let _ = writeln!(s, "    vendor: {v}");
        }
        let _ = writeln!(s, "    description: >-\n      {}\n", system_description(id));
    }
    s
}

fn phone(r: &mut Rng) -> String {
    format!(
        "0{}-{} {:02} {:02}",
        r.range(10, 99),
        r.range(100, 999),
        r.range(0, 99),
        r.range(0, 99)
    )
}

fn municipality_yaml(opts: &Options, m: &Muni, mi: usize) -> String {
    let mut r = stream(opts.seed, 3, mi as u64);
    let dom = format!("{}.exempel.se", m.slug);
    let sys_ids: Vec<&str> = m.systems.iter().map(|&s| SYSTEMS[s].0).collect();
    let mut y = String::with_capacity(16 * 1024);
    let _ = write!(
        y,
        "# Generated benchmark corpus: a fictional municipality.\nname: {}\norganisation: Vård- och omsorgsförvaltningen\n\
         summary: >-\n  I {} dokumenterar utförarna i {} och loggar in via {}. Behörigheter\n  \
         beställs i kommunens e-tjänst. Uppgifterna är påhittade och genererade för prestandamätning.\n\
         example_note: Kommunen är påhittad och genererad för prestandamätning.\nservices:\n  - hemtjanst\n",
        m.name, m.name, SYSTEMS[m.systems[0]].1, SYSTEMS[m.systems[1]].1,
    );
    if r.chance(50) {
        y.push_str("  - servicetjanster\n");
    }
    y.push_str("\nholidays:\n  closed_eves: [midsommarafton, julafton, nyarsafton]\n");
    if r.chance(30) {
        y.push_str("  extra_closed:\n    - date: \"2027-05-07\"\n      reason: Klämdag efter Kristi himmelsfärd\n");
    }

    y.push_str("\nroles:\n");
    for (id, name, side, desc) in ROLES {
        let _ = writeln!(
            y,
            "  - id: {id}\n    name: {name}\n    side: {side}\n    description: {desc}\n    responsibilities:"
        );
        for _ in 0..r.range(2, 4) {
            let _ = writeln!(
                y,
                "      - {} {}",
                upper_first(&format!("{} {}", r.pick(&VERBS), r.pick(&OBJECTS))),
                r.pick(&ADVERBIALS)
            );
        }
    }

    // Login methods: SITHS or sms always, one or two more.
    let mut logins = vec![if r.chance(60) { 0 } else { 1 }];
    for k in r.subset(5, 2) {
        if !logins.contains(&k) {
            logins.push(k);
        }
    }
    logins.sort_unstable();
    let login_ids: Vec<&str> = logins.iter().map(|&k| LOGINS[k].0).collect();

    y.push_str("\nsystems:\n");
    for (k, &s) in m.systems.iter().enumerate() {
        let (id, name, _, _) = SYSTEMS[s];
        let _ = writeln!(
            y,
            "  - system: {id}\n    purpose: {name} används av utförarens personal i det dagliga arbetet.\n    services: [hemtjanst]"
        );
        if k < 4 {
            let _ = writeln!(
                y,
                "    access:\n      ordered_by: {}\n      handled_by: systemforvaltare\n      created_by: kommunens-it\n      delivered_to: it-kontaktperson\n      via: behorighet\n      processing_time: ca en vecka\n      requires:\n        - Utbildningen är genomförd",
                if k % 2 == 0 {
                    "ansvarig-chef"
                } else {
                    "behorighetsadministrator"
                }
            );
            let _ = writeln!(y, "    login: [{}]", login_ids.join(", "));
        }
        let _ = writeln!(
            y,
            "    notes:\n      - {}",
            sentence(&mut r).replace("**", "")
        );
    }

    y.push_str("\nlogin_methods:\n");
    for &k in &logins {
        let (id, kind, name, desc) = LOGINS[k];
        let _ = writeln!(
            y,
            "  - id: {id}\n    kind: {kind}\n    name: {name}\n    description: {desc}\n    systems: [{}]\n    ordered_via: behorighet\n    details:\n      - Gäller all personal som dokumenterar.",
            sys_ids
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    y.push_str("\ncontacts:\n");
    let _ = writeln!(
        y,
        "  - id: it-support\n    name: Kommunens IT-support\n    role: kommunens-it\n    purpose: Felanmälan och frågor om inloggning och fjärråtkomst.\n    \
         who_may_contact: Bara utförarens IT-kontaktpersoner\n    phone: \"{}\"\n    email: it-support@{dom}\n    covers:\n      - Inloggning och konton\n      - Fjärråtkomst\n    \
         excludes:\n      - Utförarens egen utrustning\n    hours:\n      weekly:\n        - days: måndag-torsdag\n          time: \"07.30-16.30\"\n        - days: fredag\n          time: \"07.30-15.00\"\n      \
         out_of_hours:\n        scope: Akuta fel som stoppar dokumentationen\n        contact: jour\n      note: Stängt på helgdagar.",
        phone(&mut r)
    );
    let _ = writeln!(
        y,
        "  - id: systemforvaltning\n    name: Systemförvaltningen\n    role: systemforvaltare\n    purpose: Utbildning och frågor om verksamhetssystemet.\n    phone: \"{}\"\n    email: systemforvaltning@{dom}\n    \
         hours:\n      weekly:\n        - days: vardagar\n          time: \"08.00-12.00\"\n        - days: vardagar\n          time: \"13.00-16.00\"",
        phone(&mut r)
    );
    let _ = writeln!(
        y,
        "  - id: jour\n    name: IT-jouren\n    role: kommunens-it\n    purpose: Akuta fel utanför kontorstid.\n    phone: \"{}\"\n    \
         hours:\n      weekly:\n        - days: alla dagar\n          time: \"16.30-22.00\"\n      open_on_holidays: true",
        phone(&mut r)
    );
    if r.chance(60) {
        let _ = writeln!(
            y,
            "  - id: bestallare\n    name: Beställarenheten\n    role: bestallarenhet\n    purpose: Frågor om avtalet och uppföljningen.\n    email: bestallare@{dom}\n    \
             hours:\n      weekly:\n        - days: måndag-fredag\n          time: \"09.00-15.00\""
        );
    }

    y.push_str("\nrequirements:\n");
    let _ = writeln!(
        y,
        "  - title: Krav på dator\n    as_of: \"2025-{:02}-{:02}\"\n    systems: [{}]\n    services: [hemtjanst]\n    provided_by: Utföraren bekostar egna datorer med uppkoppling.\n    items:\n      \
         - category: operativsystem\n        text: Windows 11 eller senare\n      - category: webblasare\n        text: Senaste versionen av Edge, Chrome eller Firefox\n      \
         - category: usb\n        text: En ledig USB-port för kortläsaren\n      - category: natverk\n        text: Fast uppkoppling med minst tio megabit per sekund\n      \
         - category: programvara\n        text: Klienten för fjärråtkomst ska gå att installera\n        note: IT-kontaktpersonen installerar klienten.",
        r.range(1, 12),
        r.range(1, 28),
        sys_ids[..2].join(", ")
    );
    if r.chance(70) {
        y.push_str(
            "  - title: Tjänstetelefon\n    as_of: \"2025-06-01\"\n    provided_by: Utföraren\n    items:\n      \
             - category: mobiltelefon\n        text: En telefon per tjänstgörande medarbetare med stöd för appen\n      \
             - category: mobiltelefon\n        text: Telefonen ska ha skärmlås\n",
        );
    }

    y.push_str("\nmaintenance:\n");
    let whens = [
        "4:e onsdagen",
        "sista fredagen",
        "varje tisdag",
        "1:a måndagen",
        "2:a torsdagen",
        "3:e tisdagen",
    ];
    let times = ["12.00-14.30", "06.00-07.00", "18.00-20.00", "21.00-23.00"];
    for (k, &s) in m.systems.iter().take(r.range(1, 3)).enumerate() {
        let (id, name, _, _) = SYSTEMS[s];
        let _ = writeln!(
            y,
            "  - id: servicefonster-{id}\n    title: Servicefönster {name}\n    system: {id}\n    when: \"{}\"\n    time: \"{}\"\n    usually: {}\n    \
             announced: Systemförvaltningen informerar via e-post.\n    reason: Planerat underhåll.",
            whens[(mi + k) % whens.len()],
            times[(mi + 3 * k) % times.len()],
            k == 0
        );
    }

    y.push_str("\neservices:\n");
    for &e in &m.eservices {
        let (id, name, kind, orders, how) = ESERVICES[e];
        let _ = writeln!(
            y,
            "  - id: {id}\n    name: {name}\n    kind: {kind}\n    orders: {orders}"
        );
        match how {
            'u' => {
                let _ = writeln!(y, "    url: https://e-tjanster.{dom}/{id}");
            }
            'e' => {
                let _ = writeln!(y, "    email: {id}@{dom}");
            }
            _ => {
                let _ = writeln!(y, "    location: Utförare – Vård och omsorg – {name}");
            }
        }
        let _ = writeln!(
            y,
            "    used_by: {}\n    systems: [{}]\n    processing_time: ca en vecka",
            if e == 0 || e == 1 {
                "behorighetsadministrator"
            } else {
                "ansvarig-chef"
            },
            sys_ids
                .iter()
                .take(2)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        );
        if kind == "epost" {
            y.push_str(
                "    required_fields:\n      - Namn\n      - Telefonnummer\n      - E-postadress\n",
            );
        }
    }

    y.push_str("\nduties:\n");
    let topics = [
        "Behörighet",
        "Datorer",
        "Utbildning",
        "IT-support",
        "Telefoner",
        "Avslut",
        "Uppföljning",
    ];
    for t in topics.iter().take(r.range(5, 7)) {
        let (role, _, _, _) = ROLES[r.range(0, ROLES.len() - 1)];
        let _ = writeln!(
            y,
            "  - topic: {t}\n    role: {role}\n    text: {}",
            sentence(&mut r).replace("**", "")
        );
    }

    // Checklist: 15-25 steps, chronological, dependencies only on earlier steps.
    y.push_str("\nchecklist:\n");
    let total = r.range(15, 25);
    let before = total - 4;
    let mut chosen: Vec<usize> = r.subset(BEFORE_START_STEPS, before);
    chosen.extend(BEFORE_START_STEPS..STEPS.len());
    let es_ids: Vec<&str> = m.eservices.iter().map(|&e| ESERVICES[e].0).collect();
    let mut done: Vec<&str> = Vec::new();
    for (k, &s) in chosen.iter().enumerate() {
        let (id, title, who, es) = STEPS[s];
        let _ = writeln!(y, "  - id: {id}\n    title: {title}\n    who: {who}");
        if let Some(e) = es.filter(|e| es_ids.contains(e)) {
            let _ = writeln!(y, "    eservice: {e}");
        }
        let routine = &m.routines[r.range(0, m.routines.len() - 1)].0;
        if k < before {
            if !done.is_empty() && r.chance(20) {
                let prev = done[r.range(0, done.len() - 1)];
                let _ = writeln!(
                    y,
                    "    deadline: \"{} arbetsdagar efter {prev}\"\n    depends_on: [{prev}]",
                    r.range(1, 5)
                );
            } else {
                let _ = writeln!(
                    y,
                    "    deadline: \"{} arbetsdagar före start\"",
                    30 - (k * 29) / before.max(1)
                );
                if !done.is_empty() && r.chance(40) {
                    let _ = writeln!(y, "    depends_on: [{}]", done[done.len() - 1]);
                }
            }
            done.push(id);
        } else {
            let (phase, rec) = match s - BEFORE_START_STEPS {
                0 => ("lopande", Some("vid varje nyanställning")),
                1 => ("lopande", Some("kvartalsvis")),
                2 => ("medarbetare-slutar", None),
                _ => ("avtal-upphor", None),
            };
            let _ = writeln!(y, "    phase: {phase}");
            if let Some(rec) = rec {
                let _ = writeln!(y, "    recurrence: {rec}");
            }
        }
        let _ = writeln!(y, "    routine: {routine}");
        if r.chance(30) {
            let _ = writeln!(y, "    note: {}", sentence(&mut r).replace("**", ""));
        }
    }
    y
}

fn provider_yaml(opts: &Options, m: &Muni, mi: usize, p: usize) -> (String, String) {
    let mut r = stream(opts.seed, 4, (mi * 101 + p) as u64);
    let words = ["Trygg", "Varsam", "Nära", "Omtanke", "Vardag", "Hjärtat"];
    let word = words[(mi + p) % words.len()];
    let id = format!(
        "{}-omsorg-{}-{}",
        lower_first(word).replace(['ä', 'å'], "a").replace('ö', "o"),
        m.slug,
        p + 1
    );
    let yaml = format!(
        "# Generated benchmark corpus: a fictional provider.\nname: {word} Omsorg i {} AB\norg_number: \"5599{}-{:04}\"\n\
         municipality: {}\nservices: [hemtjanst]\nstart_date: \"{}\"\ncontacts:\n  \
         - role: ansvarig-chef\n    name: Kim Exempelsson\n    email: kim.exempelsson@exempel.se\n    phone: \"{}\"\n  \
         - role: it-kontaktperson\n    name: Alex Provare\n    email: alex.provare@exempel.se\n",
        m.name,
        r.range(20, 99),
        r.range(0, 9999),
        m.slug,
        start_date(r.range(1, 12), r.range(1, 28)),
        phone(&mut r),
    );
    (id, yaml)
}

/// The first working day (no weekend, public holiday or closed eve) on or after the given
/// day of 2027: a provider cannot start on a closed day.
fn start_date(month: usize, day: usize) -> String {
    use lovportal::calendar::holidays::HolidayRule;
    use lovportal::calendar::workdays::is_working_day;
    let rule = HolidayRule::default();
    let mut d = jiff::civil::date(2027, month as i8, day as i8);
    // Some generated municipalities also close on the klämdag 2027-05-07.
    while !is_working_day(&rule, d) || d == jiff::civil::date(2027, 5, 7) {
        d = d.tomorrow().unwrap_or(d);
    }
    d.to_string()
}

// ---------------------------------------------------------------------------------------
// Comparison sites: minimal templates of the same shape (header, breadcrumb, title,
// summary, body; a list page per municipality; a home page listing municipalities).

const HUGO_TOML: &str = r#"baseURL = "https://lovportal.exempel.se/"
languageCode = "sv"
title = "LOV-portalen"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
enableRobotsTXT = false
[markup.goldmark.renderer]
unsafe = false
"#;

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
<meta name="description" content="{{ .Summary | plainify }}">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="/">{{ site.Title }}</a></header>
<nav aria-label="Brödsmulor"><a href="/">Start</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>
<main id="innehall">
{{ block "main" . }}{{ end }}
</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Params.summary }}</p>
<div class="prose">
{{ .Content }}
</div>
</article>
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> – {{ .Params.summary }}</li>
{{ end }}</ul>
{{ end }}
"#;

fn write_hugo_skeleton(dir: &Path) -> io::Result<()> {
    write(dir, "hugo.toml", HUGO_TOML)?;
    write(dir, "layouts/baseof.html", HUGO_BASEOF)?;
    write(dir, "layouts/single.html", HUGO_SINGLE)?;
    write(dir, "layouts/list.html", HUGO_LIST)?;
    write(dir, "layouts/home.html", HUGO_LIST)?;
    write(
        dir,
        "content/_index.md",
        "---\ntitle: \"LOV-portalen\"\n---\n\nVälj din kommun.\n",
    )?;
    write(
        dir,
        "content/system/_index.md",
        "---\ntitle: \"Alla system\"\n---\n",
    )?;
    write(dir, "static/style.css", "body{font-family:sans-serif}\n")
}

const ZOLA_TOML: &str = r#"base_url = "https://lovportal.exempel.se"
title = "LOV-portalen"
default_language = "sv"
compile_sass = false
build_search_index = false
generate_feeds = false
"#;

const ZOLA_BASE: &str = r#"<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
</head>
<body>
<header><a href="{{ config.base_url }}">{{ config.title }}</a></header>
{% block main %}{% endblock main %}
<footer>{{ config.title }}</footer>
</body>
</html>
"#;

const ZOLA_PAGE: &str = r#"{% extends "base.html" %}
{% block title %}{{ page.title }} – {{ config.title }}{% endblock title %}
{% block main %}
<nav aria-label="Brödsmulor"><a href="{{ config.base_url }}">Start</a>{% for a in page.ancestors | slice(start=1) %}{% set s = get_section(path=a, metadata_only=true) %} › <a href="{{ s.permalink }}">{{ s.title }}</a>{% endfor %}</nav>
<main id="innehall">
<article>
<h1>{{ page.title }}</h1>
<p class="lead">{{ page.description }}</p>
<div class="prose">
{{ page.content | safe }}
</div>
</article>
</main>
{% endblock main %}
"#;

const ZOLA_SECTION: &str = r#"{% extends "base.html" %}
{% block title %}{{ section.title }} – {{ config.title }}{% endblock title %}
{% block main %}
<main id="innehall">
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> – {{ p.description }}</li>
{% endfor %}{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>
{% endfor %}</ul>
</main>
{% endblock main %}
"#;

fn write_zola_skeleton(dir: &Path) -> io::Result<()> {
    write(dir, "config.toml", ZOLA_TOML)?;
    write(dir, "templates/base.html", ZOLA_BASE)?;
    write(dir, "templates/page.html", ZOLA_PAGE)?;
    write(dir, "templates/section.html", ZOLA_SECTION)?;
    write(dir, "templates/index.html", ZOLA_SECTION)?;
    write(
        dir,
        "content/_index.md",
        "+++\ntitle = \"LOV-portalen\"\n+++\n\nVälj din kommun.\n",
    )?;
    write(
        dir,
        "content/system/_index.md",
        "+++\ntitle = \"Alla system\"\n+++\n",
    )?;
    write(dir, "static/style.css", "body{font-family:sans-serif}\n")
}

const MDBOOK_TOML: &str = r#"[book]
title = "LOV-portalen"
language = "sv"
src = "src"
"#;
