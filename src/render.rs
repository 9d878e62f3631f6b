//! Render stage: Markdown through pulldown-cmark and the sanitiser, pages through tera,
//! in parallel with rayon and a stable output order. Broken internal links in Markdown
//! are found here, where every page of the site is known.

use crate::diagnostics::IoFailure;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::resolve::{ordered_steps, stockholm};
use crate::model::{MunicipalityEntry, ProviderEntry, Routine, Service, Site, System};
use crate::urls::{LinkStyle, depth_of, normalize};
use crate::{export, markdown, postprocess, theme};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One file of the output: its path below the output root, and its bytes.
pub type OutFile = (String, Vec<u8>);

/// A page to render: output path, template and context.
struct Page {
    path: String,
    template: &'static str,
    ctx: Value,
}

pub struct RenderOptions {
    pub links: LinkStyle,
}

/// Where rendered files go: collected in memory, written to a staging folder as they
/// are produced, or dropped (`check`).
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), IoFailure>;
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Collect(pub Mutex<Vec<OutFile>>);

impl Sink for Collect {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), IoFailure> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, bytes));
        Ok(())
    }
}

/// Drops every file.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: String, _: Vec<u8>) -> Result<(), IoFailure> {
        Ok(())
    }
}

impl Sink for crate::output::Staging {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), IoFailure> {
        self.write(&path, &bytes)
    }
}

/// What a render produced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    /// HTML pages among the files.
    pub pages: usize,
}

/// Why a render stopped.
#[derive(Debug)]
pub enum RenderError {
    Content(Diagnostics),
    Io(IoFailure),
}

/// Renders the whole site. Returns every output file sorted by path, or the diagnostics
/// that stop the build.
pub fn render(site: &Site, root: &Path, opts: &RenderOptions) -> Result<Vec<OutFile>, Diagnostics> {
    let sink = Collect::default();
    match render_to(site, root, opts, &sink) {
        Ok(_) => {}
        Err(RenderError::Content(d)) => return Err(d),
        Err(RenderError::Io(e)) => {
            return Err(Diagnostics::from(Diagnostic::error(
                e.path.display().to_string(),
                Pos::new(1, 1),
                e.error.to_string(),
            )));
        }
    }
    let mut files = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Renders the whole site into `sink`, in parallel: every page, feed and data file is
/// produced, handed over and dropped, so memory does not grow with the site's output.
/// Broken links are found before anything is handed over.
pub fn render_to(
    site: &Site,
    root: &Path,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<Counts, RenderError> {
    let content = |d: Diagnostics| RenderError::Content(d);
    let theme_files = theme::load(root).map_err(|d| content(Diagnostics::from(d)))?;
    let tera = build_tera(&theme_files).map_err(|d| content(Diagnostics::from(d)))?;

    // Every routine's links, checked (in parallel) before anything is rendered.
    let page_set = page_set(site);
    let link_diags: Vec<Vec<Diagnostic>> = site
        .municipalities
        .par_iter()
        .flat_map_iter(|m| m.routines.iter())
        .map(|r| routine_link_problems(r, &site.files, &page_set))
        .collect();
    let mut diags = Diagnostics::new();
    for d in link_diags.into_iter().flatten() {
        diags.push(d);
    }
    if diags.has_errors() {
        return Err(content(diags));
    }

    let today = site.now.to_zoned(stockholm()).date();
    let files = AtomicUsize::new(0);
    let pages = AtomicUsize::new(0);
    let put = |path: String, bytes: Vec<u8>| {
        files.fetch_add(1, Ordering::Relaxed);
        if path.ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        sink.put(path, bytes).map_err(RenderError::Io)
    };
    specs(site, &theme_files)
        .into_par_iter()
        .try_for_each(|spec| -> Result<(), RenderError> {
            match spec {
                Spec::Page(kind) => {
                    let p = page(site, kind, today);
                    let ctx = tera::Context::from_value(p.ctx)
                        .map_err(|e| content(template_error(p.template, &e).into()))?;
                    let html = tera
                        .render(p.template, &ctx)
                        .map_err(|e| content(template_error(p.template, &e).into()))?;
                    drop(ctx);
                    let html = postprocess::process(&html, depth_of(&p.path), &opts.links)
                        .map_err(|e| {
                            content(
                                Diagnostic::error(
                                    p.template,
                                    Pos::new(1, 1),
                                    format!("efterbearbetning misslyckades: {e}"),
                                )
                                .into(),
                            )
                        })?;
                    put(p.path, html.into_bytes())
                }
                Spec::Static(rest, text) => put(format!("static/{rest}"), text.as_bytes().to_vec()),
                Spec::Json(m) => {
                    let (path, bytes) = export::municipality_json(site, m);
                    put(path, bytes)
                }
                Spec::JsonIndex => {
                    let (path, bytes) = export::index_json(site);
                    put(path, bytes)
                }
                Spec::Calendar(m) => put(
                    format!("{}/kalender.ics", m.slug),
                    crate::schedule::maintenance_ics(&m.slug, &m.data, site.now).into_bytes(),
                ),
                Spec::ProviderCalendar(p, m) => {
                    let due = crate::schedule::due_dates(&m.data, p.data.start_date.0);
                    let ics = crate::schedule::checklist_ics(
                        &format!("utforare-{}", p.id),
                        &p.data.name,
                        &m.data,
                        &due,
                        site.now,
                    );
                    put(
                        format!("utforare/{}/checklista.ics", p.id),
                        ics.into_bytes(),
                    )
                }
            }
        })?;
    Ok(Counts {
        files: files.into_inner(),
        pages: pages.into_inner(),
    })
}

/// One output file to produce.
enum Spec<'a> {
    Page(PageKind<'a>),
    /// A theme file below `static/`: (path below it, text).
    Static(&'a str, &'a str),
    Json(&'a MunicipalityEntry),
    JsonIndex,
    Calendar(&'a MunicipalityEntry),
    ProviderCalendar(&'a ProviderEntry, &'a MunicipalityEntry),
}

/// Every file of the site, cheap to list; each is built when it is rendered.
fn specs<'a>(site: &'a Site, theme_files: &'a [(String, String, String)]) -> Vec<Spec<'a>> {
    let mut v: Vec<Spec> = page_kinds(site).into_iter().map(Spec::Page).collect();
    for (name, text, _) in theme_files {
        if let Some(rest) = name.strip_prefix("static/") {
            v.push(Spec::Static(rest, text));
        }
    }
    v.extend(site.municipalities.iter().map(Spec::Json));
    v.push(Spec::JsonIndex);
    v.extend(site.municipalities.iter().map(Spec::Calendar));
    for p in &site.providers {
        if let Some(m) = site.municipality(p.data.municipality.as_str()) {
            v.push(Spec::ProviderCalendar(p, m));
        }
    }
    v
}

fn template_error(template: &str, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    Diagnostic::error(format!("{}/templates/{template}", theme::THEME_DIR), Pos::new(1, 1), format!("mallfel: {msg}"))
        .with_hint("kontrollera mallens syntax; ta bort din egen version under themes/ för att använda det inbyggda temat")
}

fn build_tera(files: &[(String, String, String)]) -> Result<tera::Tera, Diagnostic> {
    let mut tera = tera::Tera::default();
    let templates: Vec<(String, String)> = files
        .iter()
        .filter_map(|(n, t, _)| {
            n.strip_prefix("templates/")
                .map(|n| (n.to_string(), t.clone()))
        })
        .collect();
    tera.add_raw_templates(templates)
        .map_err(|e| template_error("(mallar)", &e))?;
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    Ok(tera)
}

/// HTML escaping for every value a template prints. Unlike tera's default it leaves `/`
/// alone, so `@/` links built from data stay recognisable to the post-process stage.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Every page path an internal link may point at (normalised, without `@/`).
pub fn page_set(site: &Site) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    for p in ["", "system/", "sok/", "tillganglighet/", "data/index.json"] {
        s.insert(p.to_string());
    }
    for m in &site.municipalities {
        s.insert(format!("{}/", m.slug));
        s.insert(format!("{}/checklista/", m.slug));
        s.insert(format!("{}/kalender.ics", m.slug));
        s.insert(format!("data/{}.json", m.slug));
        for r in &m.routines {
            s.insert(format!("{}/{}/", m.slug, r.slug));
        }
    }
    for sys in &site.systems {
        s.insert(format!("system/{}/", sys.id));
    }
    for p in &site.providers {
        s.insert(format!("utforare/{}/", p.id));
    }
    s
}

/// A routine's Markdown as sanitised HTML.
fn routine_html(r: &Routine) -> String {
    crate::sanitize::clean_html(&markdown::render(&r.body).html)
}

/// Broken, unsafe and unfollowable links in a routine.
fn routine_link_problems(
    r: &Routine,
    files: &BTreeMap<String, String>,
    pages: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let links = markdown::links(&r.body);
    let text = files.get(&r.path).map(String::as_str).unwrap_or("");
    let mut diags = Vec::new();
    for link in &links {
        let pos = Pos::of_offset(text, r.body_offset + link.offset);
        if let Some((msg, hint)) = crate::sanitize::url_problem(&link.url) {
            diags.push(Diagnostic::error(&r.path, pos, msg).with_hint(hint));
            continue;
        }
        let url = link.url.as_str();
        if let Some(target) = url.strip_prefix("@/") {
            let (path, _) = normalize(target);
            if !pages.contains(&path) {
                let best = pages
                    .iter()
                    .map(|p| (strsim::jaro_winkler(&path, p), p))
                    .filter(|(s, _)| *s > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, p)| p);
                let hint = match best {
                    Some(p) => format!("menade du `@/{p}`?"),
                    None => "interna länkar skrivs @/<kommun>/<rutin>/, @/<kommun>/ eller @/system/<system>/".into(),
                };
                diags.push(
                    Diagnostic::error(
                        &r.path,
                        pos,
                        format!("trasig intern länk `{url}`: sidan finns inte"),
                    )
                    .with_hint(hint),
                );
            }
        } else if !(url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("mailto:")
            || url.starts_with("tel:")
            || url.starts_with('#'))
        {
            diags.push(
                Diagnostic::error(&r.path, pos, format!("länken `{url}` går inte att följa"))
                    .with_hint("länka till andra sidor i portalen med @/<kommun>/<rutin>/, och till webben med https://"),
            );
        }
    }
    diags
}

fn services(list: &[Service]) -> Vec<&'static str> {
    list.iter().map(|s| s.name()).collect()
}

/// Context shared by every page.
fn base_ctx(
    site: &Site,
    path: &str,
    title: &[&str],
    kind: &str,
    crumbs: Value,
    m: Option<&MunicipalityEntry>,
) -> Value {
    let mut parts: Vec<&str> = title.to_vec();
    parts.push(&site.config.name);
    json!({
        "site": site.config,
        "page_title": parts.join(" – "),
        "description": site.config.description,
        "kind": kind,
        "crumbs": crumbs,
        "root": "@/",
        "path": path,
        "municipality": m.map(|m| json!({"slug": m.slug, "name": m.data.name})),
        "scripts": ["tid.js"],
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// A page of the site, before its context is built.
#[derive(Clone, Copy)]
enum PageKind<'a> {
    Home,
    Municipality(&'a MunicipalityEntry),
    Routine(&'a MunicipalityEntry, &'a Routine),
    Checklist(&'a MunicipalityEntry),
    Systems,
    System(&'a System),
    Provider(&'a ProviderEntry, &'a MunicipalityEntry),
    Search,
    Accessibility,
    NotFound,
}

fn page_kinds(site: &Site) -> Vec<PageKind<'_>> {
    let mut v = vec![PageKind::Home];
    for m in &site.municipalities {
        v.push(PageKind::Municipality(m));
        v.extend(m.routines.iter().map(|r| PageKind::Routine(m, r)));
        v.push(PageKind::Checklist(m));
    }
    v.push(PageKind::Systems);
    v.extend(site.systems.iter().map(PageKind::System));
    for p in &site.providers {
        if let Some(m) = site.municipality(p.data.municipality.as_str()) {
            v.push(PageKind::Provider(p, m));
        }
    }
    v.extend([
        PageKind::Search,
        PageKind::Accessibility,
        PageKind::NotFound,
    ]);
    v
}

/// The page's path, template and context.
fn page(site: &Site, kind: PageKind, today: jiff::civil::Date) -> Page {
    match kind {
        PageKind::Home => {
            let systems_json: Vec<Value> = site.systems.iter().map(|s| json!(s)).collect();
            let munis: Vec<Value> = site
                .municipalities
                .iter()
                .map(|m| {
                    json!({"slug": m.slug, "name": m.data.name, "summary": m.data.summary, "organisation": m.data.organisation,
                           "services": services(&m.data.services), "example_note": m.data.example_note})
                })
                .collect();
            Page {
                path: "index.html".into(),
                template: "index.html",
                ctx: merge(
                    base_ctx(site, "", &[], "page", json!([]), None),
                    json!({"municipalities": munis, "systems": systems_json}),
                ),
            }
        }
        PageKind::Municipality(m) => {
            let crumb = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}]);
            Page {
                path: format!("{}/index.html", m.slug),
                template: "municipality.html",
                ctx: merge(
                    base_ctx(
                        site,
                        &format!("{}/", m.slug),
                        &[&m.data.name],
                        "municipality",
                        crumb,
                        Some(m),
                    ),
                    municipality_ctx(site, m, today),
                ),
            }
        }
        PageKind::Routine(m, r) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": r.meta.title, "href": ""}]);
            let overdue = r.meta.next_review.is_some_and(|d| d.date < today);
            let systems: Vec<Value> = r
                .meta
                .systems
                .iter()
                .filter_map(|s| site.system(s.as_str()))
                .map(|s| json!({"id": s.id, "name": s.name}))
                .collect();
            Page {
                path: format!("{}/{}/index.html", m.slug, r.slug),
                template: "routine.html",
                ctx: merge(
                    base_ctx(
                        site,
                        &format!("{}/{}/", m.slug, r.slug),
                        &[&r.meta.title, &m.data.name],
                        "routine",
                        crumbs,
                        Some(m),
                    ),
                    json!({"routine": r.meta, "body": routine_html(r), "overdue": overdue, "systems": systems}),
                ),
            }
        }
        PageKind::Checklist(m) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": "Checklista", "href": ""}]);
            Page {
                path: format!("{}/checklista/index.html", m.slug),
                template: "checklist.html",
                ctx: merge(
                    base_ctx(
                        site,
                        &format!("{}/checklista/", m.slug),
                        &["Checklista", &m.data.name],
                        "checklist",
                        crumbs,
                        Some(m),
                    ),
                    checklist_ctx(m, None),
                ),
            }
        }
        PageKind::Systems => {
            let sys_list: Vec<Value> = site
                .systems
                .iter()
                .map(|s| {
                    let used: Vec<&str> = site
                        .municipalities
                        .iter()
                        .filter(|m| m.uses_system(s.id.as_str()))
                        .map(|m| m.data.name.as_str())
                        .collect();
                    json!({"id": s.id, "name": s.name, "description": s.description, "used_in": used})
                })
                .collect();
            Page {
                path: "system/index.html".into(),
                template: "systems.html",
                ctx: merge(
                    base_ctx(
                        site,
                        "system/",
                        &["Alla system"],
                        "page",
                        json!([{"title": "Alla system", "href": ""}]),
                        None,
                    ),
                    json!({"systems": sys_list}),
                ),
            }
        }
        PageKind::System(s) => {
            let uses: Vec<Value> = site
                .municipalities
                .iter()
                .filter_map(|m| {
                    let u = m.data.systems.iter().find(|u| u.system == s.id)?;
                    let routines: Vec<Value> = m.routines.iter().filter(|r| r.meta.systems.contains(&s.id)).map(|r| json!({"slug": r.slug, "title": r.meta.title})).collect();
                    Some(json!({"slug": m.slug, "name": m.data.name, "purpose": u.purpose, "routines": routines}))
                })
                .collect();
            let maintenance: Vec<Value> = site
                .municipalities
                .iter()
                .flat_map(|m| m.data.maintenance.iter().filter(|w| w.system.as_ref() == Some(&s.id)).map(move |w| json!({"municipality": m.data.name, "title": w.title, "rule": format!("{}{}, kl. {}", if w.usually {"Vanligtvis "} else {""}, w.when, w.time)})))
                .collect();
            let crumbs = json!([{"title": "Alla system", "href": "@/system/"}, {"title": s.name, "href": ""}]);
            Page {
                path: format!("system/{}/index.html", s.id),
                template: "system.html",
                ctx: merge(
                    base_ctx(
                        site,
                        &format!("system/{}/", s.id),
                        &[&s.name, "System"],
                        "system",
                        crumbs,
                        None,
                    ),
                    json!({"system": s, "uses": uses, "maintenance": maintenance}),
                ),
            }
        }
        PageKind::Provider(p, m) => {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": p.data.name, "href": ""}]);
            Page {
                path: format!("utforare/{}/index.html", p.id),
                template: "checklist.html",
                ctx: merge(
                    base_ctx(
                        site,
                        &format!("utforare/{}/", p.id),
                        &[&p.data.name, &m.data.name],
                        "checklist",
                        crumbs,
                        Some(m),
                    ),
                    checklist_ctx(m, Some(p)),
                ),
            }
        }
        PageKind::Search => {
            let munis_short: Vec<Value> = site
                .municipalities
                .iter()
                .map(|m| json!({"slug": m.slug, "name": m.data.name}))
                .collect();
            Page {
                path: "sok/index.html".into(),
                template: "search.html",
                ctx: merge(
                    base_ctx(
                        site,
                        "sok/",
                        &["Sök"],
                        "page",
                        json!([{"title": "Sök", "href": ""}]),
                        None,
                    ),
                    json!({"municipalities": munis_short, "subjects": []}),
                ),
            }
        }
        PageKind::Accessibility => Page {
            path: "tillganglighet/index.html".into(),
            template: "accessibility.html",
            ctx: merge(
                base_ctx(
                    site,
                    "tillganglighet/",
                    &["Tillgänglighetsredogörelse"],
                    "page",
                    json!([{"title": "Tillgänglighetsredogörelse", "href": ""}]),
                    None,
                ),
                json!({"a": site.config.accessibility}),
            ),
        },
        PageKind::NotFound => Page {
            path: "404.html".into(),
            template: "404.html",
            ctx: base_ctx(
                site,
                "404.html",
                &["Sidan finns inte"],
                "page",
                json!([]),
                None,
            ),
        },
    }
}

fn holiday_rule_text(m: &MunicipalityEntry, open_on_holidays: bool) -> String {
    if open_on_holidays {
        return "Öppet även på helgdagar.".into();
    }
    let eves: Vec<&str> = m
        .data
        .holidays
        .closed_eves
        .iter()
        .map(|e| crate::schedule::eve_name(*e))
        .collect();
    let mut s = "Stängt på allmänna helgdagar".to_string();
    if !eves.is_empty() {
        s.push_str(" samt ");
        s.push_str(&join_sv(&eves));
    }
    for d in &m.data.holidays.extra_closed {
        s.push_str(&format!(", {} ({})", d.date, d.reason));
    }
    s.push('.');
    s
}

fn join_sv(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => a.to_string(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}

fn municipality_ctx(site: &Site, m: &MunicipalityEntry, today: jiff::civil::Date) -> Value {
    let role_names: BTreeMap<String, String> = m
        .data
        .roles
        .iter()
        .map(|r| (r.id.0.clone(), r.name.clone()))
        .collect();
    let role =
        |id: &crate::model::values::Slug| role_names.get(id.as_str()).cloned().unwrap_or_default();
    let sys_name = |id: &crate::model::values::Slug| {
        site.system(id.as_str())
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let systems: Vec<Value> = m
        .data
        .systems
        .iter()
        .map(|u| {
            let access = u.access.as_ref().map(|a| {
                json!({
                    "ordered_by": role(&a.ordered_by),
                    "handled_by": a.handled_by.as_ref().map(role),
                    "approved_by": a.approved_by.as_ref().map(role),
                    "created_by": a.created_by.as_ref().map(role),
                    "delivered_to": a.delivered_to.as_ref().map(role),
                    "via": a.via.as_ref().and_then(|v| m.eservice(v.as_str())).map(|e| e.name.clone()),
                    "via_id": a.via,
                    "processing_time": a.processing_time,
                    "requires": a.requires,
                })
            });
            let login: Vec<Value> = u.login.iter().filter_map(|l| m.login_method(l.as_str())).map(|l| json!({"id": l.id, "name": l.name})).collect();
            json!({"id": u.system, "name": sys_name(&u.system), "purpose": u.purpose, "services": services(&u.services),
                   "access": access, "login": login, "roles": u.roles, "notes": u.notes})
        })
        .collect();
    let login_methods: Vec<Value> = m
        .data
        .login_methods
        .iter()
        .map(|l| {
            let systems: Vec<Value> = l.systems.iter().filter_map(|s| site.system(s.as_str())).map(|s| json!({"id": s.id, "name": s.name})).collect();
            json!({"id": l.id, "name": l.name, "description": l.description, "details": l.details, "systems": systems,
                   "ordered_via": l.ordered_via.as_ref().and_then(|v| m.eservice(v.as_str())).map(|e| e.name.clone()), "ordered_via_id": l.ordered_via})
        })
        .collect();
    let contacts: Vec<Value> = m
        .data
        .contacts
        .iter()
        .map(|c| {
            let mut v = json!(c);
            let o = v.as_object_mut().expect("contact serialises to an object");
            o.insert("tel".into(), json!(c.phone.as_ref().map(|p| p.tel_uri())));
            if let Some(h) = &c.hours {
                o.insert(
                    "hours_json".into(),
                    json!(crate::schedule::hours_json(h, &m.data.holidays, today).to_string()),
                );
                o.insert(
                    "holiday_rule".into(),
                    json!(holiday_rule_text(m, h.open_on_holidays)),
                );
                let ooh = h
                    .out_of_hours
                    .as_ref()
                    .and_then(|x| x.contact.as_ref())
                    .and_then(|id| m.contact(id.as_str()))
                    .map(|c| c.name.clone());
                o.insert("out_of_hours_contact".into(), json!(ooh));
            }
            v
        })
        .collect();
    let unsupported = crate::model::resolve::UNSUPPORTED_SOFTWARE;
    let requirements: Vec<Value> = m
        .data
        .requirements
        .iter()
        .map(|g| {
            let items: Vec<Value> = g
                .items
                .iter()
                .map(|it| {
                    let lower = it.text.to_lowercase();
                    json!({"text": it.text, "note": it.note, "category": it.category, "outdated": unsupported.iter().any(|s| lower.contains(s))})
                })
                .collect();
            json!({"title": g.title, "as_of": g.as_of, "systems": g.systems.iter().map(sys_name).collect::<Vec<_>>(),
                   "services": services(&g.services), "provided_by": g.provided_by, "items": items})
        })
        .collect();
    let maintenance: Vec<Value> = m
        .data
        .maintenance
        .iter()
        .map(|w| {
            let next = crate::schedule::next_windows(w, site.now, 12);
            let next_json: Vec<Value> = next.iter().map(|o| json!({"start": o.start_iso, "end": o.end_iso})).collect();
            json!({"id": w.id, "title": w.title, "rule": w.when.to_string(), "time": w.time, "usually": w.usually,
                   "system": w.system.as_ref().map(sys_name), "system_id": w.system, "announced": w.announced, "reason": w.reason,
                   "next": next, "next_json": Value::Array(next_json).to_string()})
        })
        .collect();
    let eservices: Vec<Value> = m
        .data
        .eservices
        .iter()
        .map(|e| {
            json!({"id": e.id, "name": e.name, "kind": e.kind.name(), "orders": e.orders, "url": e.url, "email": e.email, "location": e.location,
                   "used_by": e.used_by.as_ref().map(role), "required_fields": e.required_fields, "processing_time": e.processing_time, "note": e.note})
        })
        .collect();
    let mut topics: Vec<(String, Vec<Value>)> = Vec::new();
    for d in &m.data.duties {
        let entry = json!({"role": role(&d.role), "text": d.text});
        match topics.iter_mut().find(|(t, _)| *t == d.topic) {
            Some((_, v)) => v.push(entry),
            None => topics.push((d.topic.clone(), vec![entry])),
        }
    }
    let duty_topics: Vec<Value> = topics
        .into_iter()
        .map(|(t, d)| json!({"id": format!("ansvar-{}", slugify(&t)), "topic": t, "duties": d}))
        .collect();
    let routines: Vec<Value> = m
        .routines
        .iter()
        .map(|r| json!({"slug": r.slug, "title": r.meta.title, "summary": r.meta.summary, "next_review": r.meta.next_review, "overdue": r.meta.next_review.is_some_and(|d| d.date < today)}))
        .collect();
    let providers: Vec<Value> = site
        .providers
        .iter()
        .filter(|p| p.data.municipality.as_str() == m.slug)
        .map(|p| json!({"id": p.id, "name": p.data.name}))
        .collect();
    let mut toc = Vec::new();
    for (cond, id, title) in [
        (!routines.is_empty(), "rutiner", "Rutiner"),
        (!systems.is_empty(), "system", "IT-system"),
        (!m.data.roles.is_empty(), "vem-gor-vad", "Vem gör vad"),
        (!login_methods.is_empty(), "inloggning", "Inloggning"),
        (
            !requirements.is_empty(),
            "krav",
            "Krav på dator och utrustning",
        ),
        (
            !contacts.is_empty(),
            "kontakter",
            "Kontakter och öppettider",
        ),
        (!maintenance.is_empty(), "servicefonster", "Servicefönster"),
        (
            !eservices.is_empty(),
            "e-tjanster",
            "E-tjänster och blanketter",
        ),
    ] {
        if cond {
            toc.push(json!({"id": id, "title": title}));
        }
    }
    json!({
        "municipality": {"slug": m.slug, "name": m.data.name, "summary": m.data.summary, "organisation": m.data.organisation, "example_note": m.data.example_note},
        "services": services(&m.data.services),
        "toc": toc, "routines": routines, "systems": systems, "roles": m.data.roles, "role_names": role_names, "duty_topics": duty_topics,
        "login_methods": login_methods, "requirements": requirements, "contacts": contacts, "maintenance": maintenance,
        "eservices": eservices, "checklist_count": m.data.checklist.len(), "providers": providers,
    })
}

fn checklist_ctx(m: &MunicipalityEntry, provider: Option<&crate::model::ProviderEntry>) -> Value {
    let role_names: BTreeMap<&str, &str> = m
        .data
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    let order = ordered_steps(&m.data);
    let wanted: Option<&[Service]> = provider.map(|p| p.data.services.as_slice());
    let due = provider
        .map(|p| crate::schedule::due_dates(&m.data, p.data.start_date.0))
        .unwrap_or_default();
    let mut phases: Vec<(crate::model::Phase, Vec<Value>)> = Vec::new();
    for i in order {
        let s = &m.data.checklist[i];
        if let Some(w) = wanted
            && !s.services.is_empty()
            && !s.services.iter().any(|x| w.contains(x))
        {
            continue;
        }
        let depends: Vec<Value> = s
            .depends_on
            .iter()
            .filter_map(|d| m.data.checklist.iter().find(|x| x.id == *d))
            .map(|d| json!({"id": d.id, "title": d.title}))
            .collect();
        let e = s.eservice.as_ref().and_then(|e| m.eservice(e.as_str()));
        let d = due.get(s.id.as_str());
        let v = json!({
            "id": s.id, "title": s.title, "who": s.who.as_ref().and_then(|w| role_names.get(w.as_str())),
            "deadline": s.deadline.as_ref().map(|d| d.to_string()), "recurrence": s.recurrence, "depends": depends,
            "eservice": e.map(|e| &e.name), "eservice_id": s.eservice, "eservice_url": e.and_then(|e| e.url.as_ref()),
            "services": services(&s.services), "note": s.note,
            "routine": s.routine, "routine_title": s.routine.as_ref().and_then(|r| m.routine(r.as_str())).map(|r| &r.meta.title),
            "due": d.map(|d| d.to_string()), "due_label": d.map(|d| crate::schedule::date_label(*d)),
        });
        match phases.iter_mut().find(|(p, _)| *p == s.phase) {
            Some((_, v2)) => v2.push(v),
            None => phases.push((s.phase, vec![v])),
        }
    }
    phases.sort_by_key(|(p, _)| *p);
    let phases: Vec<Value> = phases
        .into_iter()
        .map(|(p, steps)| json!({"id": slugify(p.name()), "name": p.name(), "steps": steps}))
        .collect();
    match provider {
        None => json!({
            "heading": format!("Checklista inför driftstart i {}", m.data.name),
            "intro": "Alla steg en ny utförare går igenom, i den ordning de behöver göras, med tidsfrister räknat från driftstart.",
            "list_id": m.slug, "phases": phases,
        }),
        Some(p) => {
            let contacts: Vec<Value> = p
                .data
                .contacts
                .iter()
                .map(|c| json!({"role": role_names.get(c.role.as_str()), "name": c.name, "email": c.email, "phone": c.phone}))
                .collect();
            json!({
                "heading": format!("Checklista för {}", p.data.name),
                "intro": format!("Plan för driftstart i {} med datum räknade bakåt från startdagen i arbetsdagar (helger och helgdagar räknas inte).", m.data.name),
                "list_id": format!("utforare-{}", p.id), "phases": phases, "provider": p.data,
                "services": services(&p.data.services), "start_label": crate::schedule::date_label(p.data.start_date.0), "contacts": contacts,
            })
        }
    }
}

/// An ASCII id for a heading text: "Vem gör vad" → "vem-gor-vad".
pub fn slugify(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}
