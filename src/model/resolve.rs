//! Cross-reference checks: every id that points somewhere must point at something that
//! exists, ids are unique, checklist dependencies have no cycles, support hours do not
//! overlap. Each problem is located in its source file by its YAML path.

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::loader::locate::{Seg, locate};
use crate::loader::{Loaded, SITE_FILE, SYSTEMS_FILE};
use crate::model::values::{Anchor, HexColor, Slug};
use crate::model::{Municipality, MunicipalityEntry, ProviderEntry, Site};
use crate::path;
use crate::render::content_hash;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Software the issuers no longer support; naming it in a requirement is warned about.
pub const UNSUPPORTED_SOFTWARE: [&str; 6] = [
    "windows 7",
    "windows 8",
    "internet explorer",
    "silverlight",
    "activex",
    "active x",
];

struct Ctx<'a> {
    files: &'a BTreeMap<String, Arc<str>>,
    diags: &'a mut Diagnostics,
    /// The system registry could not be read (already reported): references to systems
    /// are not reported again, one error per reference.
    systems_unknown: bool,
}

impl Ctx<'_> {
    fn at(&self, file: &str, p: &[Seg]) -> Pos {
        self.files
            .get(file)
            .map(|t| locate(t, p))
            .unwrap_or(Pos::new(1, 1))
    }
    fn error(&mut self, file: &str, p: Vec<Seg>, msg: String, hint: String) {
        let pos = self.at(file, &p);
        self.diags
            .push(Diagnostic::error(file, pos, msg).with_hint(hint));
    }
    fn warn(&mut self, file: &str, p: Vec<Seg>, msg: String, hint: String) {
        let pos = self.at(file, &p);
        self.diags
            .push(Diagnostic::warning(file, pos, msg).with_hint(hint));
    }
    /// Reports `value` at `p` unless it is one of `known`.
    fn check_ref(
        &mut self,
        file: &str,
        p: Vec<Seg>,
        value: &Slug,
        known: &BTreeSet<&str>,
        what: &str,
        list: &str,
    ) {
        if known.contains(value.as_str()) || (self.systems_unknown && what == "system") {
            return;
        }
        let best = known
            .iter()
            .map(|k| (strsim::jaro_winkler(value.as_str(), k), *k))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k);
        let hint = match best {
            Some(b) => format!("menade du `{b}`? Id:n finns under `{list}`"),
            None if known.is_empty() => format!("lägg till {what} under `{list}` först"),
            None => format!(
                "kända id:n under `{list}`: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.error(file, p, format!("okänd {what} `{value}`"), hint);
    }
    /// Reports repeated ids in a list.
    fn unique<'b>(
        &mut self,
        file: &str,
        list: &str,
        ids: impl Iterator<Item = &'b Slug>,
    ) -> BTreeSet<&'b str> {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.enumerate() {
            if !seen.insert(id.as_str()) {
                self.error(
                    file,
                    path![list, i, "id"],
                    format!("id `{id}` finns redan i `{list}`"),
                    "varje id måste vara unikt; byt namn på det ena".into(),
                );
            }
        }
        seen
    }
}

/// The cross-reference checks of the last build (`serve`): by source path, the
/// diagnostics of each municipality's checks (with its routines' references) and each
/// provider's, with a key made of everything those checks read.
#[derive(Default)]
pub struct Memo {
    municipalities: HashMap<String, Remembered>,
    providers: HashMap<String, Remembered>,
    /// Counts resolves; an entry not used by the latest is dropped.
    epoch: u64,
    /// How many municipalities and providers were checked afresh in the last resolve.
    pub checked: usize,
}

/// One file's checks: (key, diagnostics, the resolve that last used them).
type Remembered = (u64, Vec<Diagnostic>, u64);

/// The hash of a source file's bytes, by its path.
pub type FileHash<'a> = &'a dyn Fn(&str) -> Option<u64>;

/// A memo being used, with the hashes of the source files.
struct Recall<'a> {
    memo: &'a mut Memo,
    hash: FileHash<'a>,
}

/// Which checks a memo entry holds.
#[derive(Clone, Copy)]
enum Table {
    Municipality,
    Provider,
}

/// Runs the checks `f` of the file at `path`, or, when `key` (everything they read) is
/// as in the last build, repeats their diagnostics.
fn memoized(
    cx: &mut Ctx,
    recall: &mut Option<Recall>,
    table: Table,
    path: &str,
    key: impl FnOnce(FileHash) -> Option<u64>,
    f: impl FnOnce(&mut Ctx),
) {
    let Some(r) = recall else {
        return f(cx);
    };
    let Some(key) = key(r.hash) else {
        return f(cx);
    };
    let epoch = r.memo.epoch;
    let run = |cx: &mut Ctx| -> Vec<Diagnostic> {
        let mut local = Diagnostics::new();
        f(&mut Ctx {
            files: cx.files,
            diags: &mut local,
            systems_unknown: cx.systems_unknown,
        });
        local.iter().cloned().collect()
    };
    let Memo {
        municipalities,
        providers,
        checked,
        ..
    } = &mut *r.memo;
    let map = match table {
        Table::Municipality => municipalities,
        Table::Provider => providers,
    };
    let entry = match map.get_mut(path) {
        Some(e) => e,
        None => map
            .entry(path.to_string())
            .or_insert((!key, Vec::new(), epoch)),
    };
    if entry.0 != key {
        *checked += 1;
        *entry = (key, run(cx), epoch);
    }
    entry.2 = epoch;
    for d in &entry.1 {
        cx.diags.push(d.clone());
    }
}

/// A hash of strings, each ended so that no two lists run together.
fn hash_list<'a>(items: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut bytes: Vec<u8> = Vec::new();
    for s in items {
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
    }
    content_hash(&[&bytes])
}

pub fn resolve(loaded: Loaded, now: jiff::Timestamp, diags: &mut Diagnostics) -> Option<Site> {
    resolve_memo(loaded, now, diags, None)
}

/// Like [`resolve`], with a memo (and the hashes of the source files): the checks of a
/// municipality or provider whose inputs are as in the last build are not run again,
/// their diagnostics are repeated. The memo is left with this build's checks.
pub fn resolve_memo(
    loaded: Loaded,
    now: jiff::Timestamp,
    diags: &mut Diagnostics,
    memo: Option<(&mut Memo, FileHash)>,
) -> Option<Site> {
    let mut recall = memo.map(|(memo, hash)| {
        memo.epoch += 1;
        memo.checked = 0;
        Recall { memo, hash }
    });
    let Loaded {
        config,
        systems,
        municipalities,
        routines,
        providers,
        files,
        broken_municipalities: broken,
    } = loaded;
    let mut cx = Ctx {
        files: &files,
        diags,
        systems_unknown: systems.is_none(),
    };
    let systems = systems.map(|s| s.systems).unwrap_or_default();
    let system_ids = cx.unique(SYSTEMS_FILE, "systems", systems.iter().map(|s| &s.id));

    // What the municipality checks read of the system registry.
    let systems_key = recall.as_ref().map(|_| {
        let unknown = if cx.systems_unknown { "?" } else { "" };
        hash_list([unknown].into_iter().chain(system_ids.iter().copied()))
    });

    // The routines' own checks come after the municipalities' (as in a loop over the
    // routines after the loop over the municipalities), but run first, so the routines
    // can then move into their municipalities.
    let mut later = Diagnostics::new();
    let today = now.to_zoned(stockholm()).date();
    {
        let slugs: BTreeSet<&str> = municipalities.iter().map(|m| m.0.as_str()).collect();
        let mut lx = Ctx {
            files: &files,
            diags: &mut later,
            systems_unknown: cx.systems_unknown,
        };
        // Routines come folder by folder: look each folder's municipality up once.
        let mut last: Option<(&str, bool)> = None;
        for r in &routines {
            let known = match last {
                Some((m, known)) if m == r.municipality => known,
                _ => {
                    let known = slugs.contains(r.municipality.as_str());
                    last = Some((&r.municipality, known));
                    known
                }
            };
            if !known && !broken.contains(&r.municipality) {
                lx.diags.push(
                    Diagnostic::error(&r.path, Pos::new(1, 1), format!("mappen content/{} hör inte till någon kommun", r.municipality))
                        .with_hint(format!("skapa data/kommuner/{}.yaml, eller flytta rutinen till en befintlig kommuns mapp", r.municipality)),
                );
            }
            if known {
                check_review(&mut lx, r, today);
            }
        }
    }
    // Routines by municipality, in the order read; a slug with two data files (`.yaml`
    // and `.yml`) gives both the same routines.
    let mut uses: HashMap<String, usize> = HashMap::new();
    for (slug, _, _) in &municipalities {
        *uses.entry(slug.clone()).or_default() += 1;
    }
    let mut groups: HashMap<String, Vec<Arc<crate::model::Routine>>> = HashMap::new();
    for r in routines {
        if uses.contains_key(&r.municipality) {
            groups.entry(r.municipality.clone()).or_default().push(r);
        }
    }

    let mut entries: Vec<MunicipalityEntry> = Vec::new();
    for (slug, path, data) in municipalities {
        let left = uses.get_mut(&slug).expect("counted above");
        *left -= 1;
        let mut own = match groups.get_mut(&slug) {
            Some(g) if *left > 0 => g.clone(),
            Some(g) => std::mem::take(g),
            None => Vec::new(),
        };
        own.sort_by(|a, b| {
            (a.meta.order, &a.meta.title, &a.slug).cmp(&(b.meta.order, &b.meta.title, &b.slug))
        });
        memoized(
            &mut cx,
            &mut recall,
            Table::Municipality,
            &path,
            |hash| {
                let mut parts: Vec<u8> = Vec::with_capacity(16 + 8 * own.len());
                parts.extend_from_slice(&hash(&path)?.to_le_bytes());
                parts.extend_from_slice(&systems_key?.to_le_bytes());
                for r in &own {
                    parts.extend_from_slice(&hash(&r.path)?.to_le_bytes());
                }
                let names = hash_list(own.iter().flat_map(|r| [r.path.as_str(), r.slug.as_str()]));
                parts.extend_from_slice(&names.to_le_bytes());
                Some(content_hash(&[path.as_bytes(), &parts]))
            },
            |cx| {
                check_municipality(cx, &path, &data, &system_ids, &own);
                for r in &own {
                    for (i, s) in r.meta.systems.iter().enumerate() {
                        cx.check_ref(
                            &r.path,
                            path!["systems", i],
                            s,
                            &system_ids,
                            "system",
                            "systems i data/system.yaml",
                        );
                    }
                }
            },
        );
        entries.push(MunicipalityEntry {
            slug,
            path,
            data,
            routines: own,
        });
    }
    cx.diags.extend(later);

    let slugs: BTreeSet<&str> = entries.iter().map(|m| m.slug.as_str()).collect();
    let slugs_key = recall.as_ref().map(|_| hash_list(slugs.iter().copied()));
    // The first municipality with each slug.
    let mut by_slug: HashMap<&str, &MunicipalityEntry> = HashMap::new();
    for m in &entries {
        by_slug.entry(m.slug.as_str()).or_insert(m);
    }
    let now_key = now.as_nanosecond().to_le_bytes();
    let mut provider_entries = Vec::new();
    for (id, path, data) in providers {
        let found = by_slug.get(data.municipality.as_str()).copied();
        memoized(
            &mut cx,
            &mut recall,
            Table::Provider,
            &path,
            |hash| {
                let file = hash(&path)?.to_le_bytes();
                let (what, m_path, m_file) = match found {
                    Some(m) => ("found", m.path.as_str(), hash(&m.path)?),
                    None if broken.contains(data.municipality.as_str()) => ("broken", "", 0),
                    None => ("missing", "", slugs_key?),
                };
                Some(content_hash(&[
                    path.as_bytes(),
                    &file,
                    what.as_bytes(),
                    m_path.as_bytes(),
                    &m_file.to_le_bytes(),
                    &now_key,
                ]))
            },
            |cx| check_provider(cx, &path, &data, found, &slugs, &broken, now),
        );
        provider_entries.push(ProviderEntry { id, path, data });
    }

    if let Some(r) = recall {
        // Checks of files that are gone (or no longer checked) are forgotten.
        let epoch = r.memo.epoch;
        r.memo.municipalities.retain(|_, e| e.2 == epoch);
        r.memo.providers.retain(|_, e| e.2 == epoch);
    }
    let config = config?;
    check_site_config(&mut cx, &config);
    if cx.diags.has_errors() {
        return None;
    }
    Some(Site {
        config,
        systems,
        municipalities: entries,
        providers: provider_entries,
        files,
        now,
    })
}

/// A provider's references (its municipality, the roles of its contacts, its services)
/// and dates. `m` is the municipality it names, if there is one.
fn check_provider(
    cx: &mut Ctx,
    path: &str,
    data: &crate::model::Provider,
    m: Option<&MunicipalityEntry>,
    slugs: &BTreeSet<&str>,
    broken: &BTreeSet<String>,
    now: jiff::Timestamp,
) {
    match m {
        None if broken.contains(data.municipality.as_str()) => {}
        None => cx.check_ref(
            path,
            path!["municipality"],
            &data.municipality,
            slugs,
            "kommun",
            "data/kommuner",
        ),
        Some(m) => {
            let roles: BTreeSet<&str> = m.data.roles.iter().map(|r| r.id.as_str()).collect();
            for (i, c) in data.contacts.iter().enumerate() {
                cx.check_ref(
                    path,
                    path!["contacts", i, "role"],
                    &c.role,
                    &roles,
                    "roll",
                    &format!("roles i {}", m.path),
                );
            }
            for (i, s) in data.services.iter().enumerate() {
                if !m.data.services.is_empty() && !m.data.services.contains(s) {
                    cx.error(
                        path,
                        path!["services", i],
                        format!("{} upphandlas inte enligt LOV i {}", s.name(), m.data.name),
                        format!(
                            "kommunens tjänster: {}",
                            m.data
                                .services
                                .iter()
                                .map(|s| s.id())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
    }
    if let Some(m) = m {
        check_provider_dates(cx, path, data, m, now);
    }
}

/// A start on a closed day is an error; a step already due at build time is a warning.
fn check_provider_dates(
    cx: &mut Ctx,
    path: &str,
    p: &crate::model::Provider,
    m: &MunicipalityEntry,
    now: jiff::Timestamp,
) {
    let start = p.start_date.0;
    if let Some(why) = crate::calendar::holidays::is_closed_day(&m.data.holidays, start) {
        cx.error(
            path,
            path!["start_date"],
            format!("driftstarten {start} infaller en stängd dag ({why})"),
            "välj en vardag då kommunens IT-stöd är öppet".into(),
        );
        return;
    }
    let today = now.to_zoned(stockholm()).date();
    let due = crate::schedule::due_dates(&m.data, start);
    for s in &m.data.checklist {
        let applies = s.services.is_empty() || s.services.iter().any(|x| p.services.contains(x));
        if let Some(d) = due.get(s.id.as_str()).filter(|d| **d < today && applies) {
            cx.warn(
                path,
                path!["start_date"],
                format!(
                    "steget \"{}\" skulle ha gjorts senast {d}, före dagens datum",
                    s.title
                ),
                "kontrollera att steget är klart, eller flytta driftstarten".into(),
            );
        }
    }
}

/// The colours the theme (light mode) uses next to the configurable ones.
pub const PAGE_BACKGROUND: HexColor = HexColor([0xff, 0xff, 0xff]);
pub const CARD_BACKGROUND: HexColor = HexColor([0xf5, 0xf7, 0xfa]);
pub const HEADER_TEXT: HexColor = HexColor([0xff, 0xff, 0xff]);
/// WCAG 2.1 1.4.3 (AA), normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// Site configuration beyond its types: the logo's alt text, and colours that keep a
/// contrast of at least 4.5:1 with everything they are used with.
fn check_site_config(cx: &mut Ctx, config: &crate::model::SiteConfig) {
    if let Some(logo) = &config.logo
        && logo.alt.trim().is_empty()
    {
        cx.error(
            SITE_FILE,
            path!["logo", "alt"],
            "logotypen saknar alternativtext".into(),
            "skriv i alt: vad logotypen visar, till exempel organisationens namn".into(),
        );
    }
    let Some(colors) = &config.colors else {
        return;
    };
    /// What a colour is used with: the other colour and its name.
    type Against = &'static [(HexColor, &'static str)];
    let checks: [(&str, Option<HexColor>, Against); 2] = [
        (
            "accent",
            colors.accent,
            &[
                (PAGE_BACKGROUND, "sidans bakgrund"),
                (CARD_BACKGROUND, "kortens bakgrund"),
            ],
        ),
        (
            "header_background",
            colors.header_background,
            &[(HEADER_TEXT, "sidhuvudets vita text")],
        ),
    ];
    for (key, color, against) in checks {
        let Some(color) = color else { continue };
        for (other, what) in against {
            let ratio = color.contrast(*other);
            if ratio < MIN_CONTRAST {
                cx.error(
                    SITE_FILE,
                    path!["colors", key],
                    format!(
                        "färgen `{key}` {color} har kontrasten {:.2}:1 mot {what} ({other}); minst {MIN_CONTRAST}:1 krävs",
                        (ratio * 100.0).floor() / 100.0
                    ),
                    "välj en mörkare färg så att text blir läsbar för alla (WCAG 2.1 nivå AA, 1.4.3)".into(),
                );
                break;
            }
        }
    }
}

fn check_review(cx: &mut Ctx, r: &crate::model::Routine, today: jiff::civil::Date) {
    if let Some(review) = r.meta.next_review
        && review.date < today
    {
        cx.warn(
            &r.path,
            path!["next_review"],
            format!("rutinen skulle ha setts över senast {review}"),
            "se över rutinen och uppdatera next_review och last_updated".into(),
        );
    }
}

pub use crate::calendar::stockholm;

fn check_municipality(
    cx: &mut Ctx,
    f: &str,
    m: &Municipality,
    systems: &BTreeSet<&str>,
    routines: &[Arc<crate::model::Routine>],
) {
    let roles = cx.unique(f, "roles", m.roles.iter().map(|r| &r.id));
    let logins = cx.unique(f, "login_methods", m.login_methods.iter().map(|r| &r.id));
    let contacts = cx.unique(f, "contacts", m.contacts.iter().map(|r| &r.id));
    let eservices = cx.unique(f, "eservices", m.eservices.iter().map(|r| &r.id));
    let _ = cx.unique(f, "maintenance", m.maintenance.iter().map(|r| &r.id));
    let steps = cx.unique(f, "checklist", m.checklist.iter().map(|r| &r.id));
    let routine_slugs: BTreeSet<&str> = routines.iter().map(|r| r.slug.as_str()).collect();
    let sys_list = "systems i data/system.yaml";

    let mut used_systems = BTreeSet::new();
    for (i, s) in m.systems.iter().enumerate() {
        cx.check_ref(
            f,
            path!["systems", i, "system"],
            &s.system,
            systems,
            "system",
            sys_list,
        );
        if !used_systems.insert(s.system.as_str()) {
            cx.error(
                f,
                path!["systems", i, "system"],
                format!("systemet `{}` står två gånger", s.system),
                "slå ihop uppgifterna till en post".into(),
            );
        }
        for (j, l) in s.login.iter().enumerate() {
            cx.check_ref(
                f,
                path!["systems", i, "login", j],
                l,
                &logins,
                "inloggningsmetod",
                "login_methods",
            );
        }
        if let Some(a) = &s.access {
            let role_fields = [
                ("ordered_by", Some(&a.ordered_by)),
                ("handled_by", a.handled_by.as_ref()),
                ("approved_by", a.approved_by.as_ref()),
                ("created_by", a.created_by.as_ref()),
                ("delivered_to", a.delivered_to.as_ref()),
            ];
            for (field, v) in role_fields {
                if let Some(v) = v {
                    cx.check_ref(
                        f,
                        path!["systems", i, "access", field],
                        v,
                        &roles,
                        "roll",
                        "roles",
                    );
                }
            }
            if let Some(v) = &a.via {
                cx.check_ref(
                    f,
                    path!["systems", i, "access", "via"],
                    v,
                    &eservices,
                    "e-tjänst",
                    "eservices",
                );
            }
        }
    }
    for (i, l) in m.login_methods.iter().enumerate() {
        for (j, s) in l.systems.iter().enumerate() {
            cx.check_ref(
                f,
                path!["login_methods", i, "systems", j],
                s,
                systems,
                "system",
                sys_list,
            );
        }
        if let Some(v) = &l.ordered_via {
            cx.check_ref(
                f,
                path!["login_methods", i, "ordered_via"],
                v,
                &eservices,
                "e-tjänst",
                "eservices",
            );
        }
    }
    for (i, c) in m.contacts.iter().enumerate() {
        if let Some(r) = &c.role {
            cx.check_ref(f, path!["contacts", i, "role"], r, &roles, "roll", "roles");
        }
        if c.phone.is_none() && c.email.is_none() {
            cx.error(
                f,
                path!["contacts", i],
                format!("kontakten `{}` har varken telefon eller e-post", c.id),
                "lägg till phone: eller email:".into(),
            );
        }
        match &c.hours {
            None => cx.warn(
                f,
                path!["contacts", i, "id"],
                format!("kontakten `{}` saknar öppettider", c.id),
                "lägg till hours: med weekly: så att läsaren ser när kontakten nås".into(),
            ),
            Some(h) => {
                for a in 0..h.weekly.len() {
                    for b in (a + 1)..h.weekly.len() {
                        let (x, y) = (&h.weekly[a], &h.weekly[b]);
                        if x.days.bits & y.days.bits != 0 && x.time.overlaps(&y.time) {
                            cx.error(
                                f,
                                path!["contacts", i, "hours", "weekly", b, "time"],
                                format!("öppettiderna {} {} och {} {} överlappar", x.days, x.time, y.days, y.time),
                                "varje dag får bara ha tider som inte överlappar; slå ihop eller rätta intervallen".into(),
                            );
                        }
                    }
                }
                if let Some(o) = &h.out_of_hours
                    && let Some(c2) = &o.contact
                {
                    cx.check_ref(
                        f,
                        path!["contacts", i, "hours", "out_of_hours", "contact"],
                        c2,
                        &contacts,
                        "kontakt",
                        "contacts",
                    );
                }
            }
        }
    }
    for (i, g) in m.requirements.iter().enumerate() {
        for (j, s) in g.systems.iter().enumerate() {
            cx.check_ref(
                f,
                path!["requirements", i, "systems", j],
                s,
                systems,
                "system",
                sys_list,
            );
        }
        for (j, it) in g.items.iter().enumerate() {
            let lower = it.text.to_lowercase();
            if let Some(sw) = UNSUPPORTED_SOFTWARE.iter().find(|s| lower.contains(*s)) {
                cx.warn(
                    f,
                    path!["requirements", i, "items", j, "text"],
                    format!("kravet nämner programvara som inte längre stöds ({sw})"),
                    format!(
                        "kontrollera med kommunen om kravet från {} fortfarande gäller",
                        g.as_of
                    ),
                );
            }
        }
    }
    for (i, w) in m.maintenance.iter().enumerate() {
        if let Some(s) = &w.system {
            cx.check_ref(
                f,
                path!["maintenance", i, "system"],
                s,
                systems,
                "system",
                sys_list,
            );
        }
    }
    for (i, e) in m.eservices.iter().enumerate() {
        if let Some(r) = &e.used_by {
            cx.check_ref(
                f,
                path!["eservices", i, "used_by"],
                r,
                &roles,
                "roll",
                "roles",
            );
        }
        for (j, s) in e.systems.iter().enumerate() {
            cx.check_ref(
                f,
                path!["eservices", i, "systems", j],
                s,
                systems,
                "system",
                sys_list,
            );
        }
        if e.url.is_none() && e.email.is_none() && e.location.is_none() {
            cx.error(
                f,
                path!["eservices", i, "id"],
                format!("e-tjänsten `{}` saknar adress", e.id),
                "ange url:, email: eller location:".into(),
            );
        }
        if e.url.as_ref().is_some_and(|u| u.is_insecure()) {
            cx.warn(
                f,
                path!["eservices", i, "url"],
                "länken använder http:// och är inte krypterad".into(),
                "byt till https:// om webbplatsen stöder det".into(),
            );
        }
    }
    for (i, d) in m.duties.iter().enumerate() {
        cx.check_ref(
            f,
            path!["duties", i, "role"],
            &d.role,
            &roles,
            "roll",
            "roles",
        );
    }
    for (i, s) in m.checklist.iter().enumerate() {
        match &s.who {
            Some(w) => cx.check_ref(f, path!["checklist", i, "who"], w, &roles, "roll", "roles"),
            None => cx.warn(
                f,
                path!["checklist", i, "id"],
                format!("steget `{}` saknar ansvarig", s.id),
                "ange who: med en roll".into(),
            ),
        }
        if let Some(e) = &s.eservice {
            cx.check_ref(
                f,
                path!["checklist", i, "eservice"],
                e,
                &eservices,
                "e-tjänst",
                "eservices",
            );
        }
        if let Some(r) = &s.routine {
            cx.check_ref(
                f,
                path!["checklist", i, "routine"],
                r,
                &routine_slugs,
                "rutin",
                &format!("content/{}/", "<kommun>"),
            );
        }
        for (j, d) in s.depends_on.iter().enumerate() {
            cx.check_ref(
                f,
                path!["checklist", i, "depends_on", j],
                d,
                &steps,
                "steg",
                "checklist",
            );
        }
        if let Some(dl) = &s.deadline
            && let Anchor::AfterStep(step) = &dl.anchor
        {
            cx.check_ref(
                f,
                path!["checklist", i, "deadline"],
                &Slug(step.clone()),
                &steps,
                "steg",
                "checklist",
            );
        }
        for (j, sv) in s.services.iter().enumerate() {
            if !m.services.is_empty() && !m.services.contains(sv) {
                cx.error(
                    f,
                    path!["checklist", i, "services", j],
                    format!("tjänsten {} finns inte bland kommunens services", sv.id()),
                    "lägg till tjänsten under services: eller ta bort den här".into(),
                );
            }
        }
    }
    if let Some(cycle) = find_cycle(m) {
        let first = cycle[0];
        let names: Vec<&str> = cycle
            .iter()
            .map(|&i| m.checklist[i].id.as_str())
            .chain([m.checklist[first].id.as_str()])
            .collect();
        let next = m.checklist[*cycle.get(1).unwrap_or(&first)].id.as_str();
        let step = &m.checklist[first];
        let p = match step.depends_on.iter().position(|d| d.as_str() == next) {
            Some(j) => path!["checklist", first, "depends_on", j],
            None => path!["checklist", first, "deadline"],
        };
        cx.error(
            f,
            p,
            format!(
                "stegen beror på varandra i en cirkel: {}",
                names.join(" -> ")
            ),
            "ta bort ett av beroendena så att ordningen går att bestämma".into(),
        );
    }
}

/// Predecessors of each step: `depends_on` plus the step a deadline counts from.
pub fn step_dependencies(m: &Municipality) -> Vec<Vec<usize>> {
    let index: BTreeMap<&str, usize> = m
        .checklist
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    m.checklist
        .iter()
        .map(|s| {
            let mut deps: Vec<usize> = s
                .depends_on
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect();
            if let Some(dl) = &s.deadline
                && let Anchor::AfterStep(step) = &dl.anchor
            {
                deps.extend(index.get(step.as_str()).copied());
            }
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect()
}

/// The first dependency cycle found, as step indices in order.
fn find_cycle(m: &Municipality) -> Option<Vec<usize>> {
    let deps = step_dependencies(m);
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; deps.len()];
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        n: usize,
        deps: &[Vec<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[n] = 1;
        stack.push(n);
        for &d in &deps[n] {
            if state[d] == 1 {
                let start = stack.iter().position(|&x| x == d).unwrap_or(0);
                return Some(stack[start..].to_vec());
            }
            if state[d] == 0
                && let Some(c) = visit(d, deps, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state[n] = 2;
        None
    }
    (0..deps.len()).find_map(|n| {
        if state[n] == 0 {
            visit(n, &deps, &mut state, &mut stack)
        } else {
            None
        }
    })
}

/// Steps in an order where every step comes after what it depends on; ties keep the
/// order of the file. Assumes no cycles (checked at load).
pub fn ordered_steps(m: &Municipality) -> Vec<usize> {
    let deps = step_dependencies(m);
    let mut done = vec![false; deps.len()];
    let mut out = Vec::with_capacity(deps.len());
    while out.len() < deps.len() {
        let before = out.len();
        for i in 0..deps.len() {
            if !done[i] && deps[i].iter().all(|&d| done[d]) {
                done[i] = true;
                out.push(i);
                break;
            }
        }
        if out.len() == before {
            // A cycle slipped through: append the rest in file order.
            out.extend((0..deps.len()).filter(|&i| !done[i]));
            break;
        }
    }
    out
}
