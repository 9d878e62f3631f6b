//! Render stage: Markdown through pulldown-cmark and the sanitiser, pages through tera,
//! in parallel with rayon and a stable output order. Broken internal links in Markdown
//! are found here, where every page of the site is known.

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, PosCursor};
use crate::model::resolve::{ordered_steps, stockholm};
use crate::model::values::{Anchor, LeadUnit};
use crate::model::{MunicipalityEntry, Routine, Service, Site};
use crate::urls::{LinkStyle, depth_of, normalize};
use crate::{export, markdown, postprocess, theme};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

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

/// Renders the whole site. Returns every output file sorted by path, or the diagnostics
/// that stop the build.
pub fn render(site: &Site, root: &Path, opts: &RenderOptions) -> Result<Vec<OutFile>, Diagnostics> {
    render_cached(site, root, opts, &mut RenderCache::one_shot())
}

/// What a previous render produced, so the next one redoes only what changed: the
/// compiled templates (kept while no theme file changes), each routine's Markdown HTML
/// (kept while its file and the set of pages it may link to are the same) and each
/// rendered page (kept while its template set, link style and context are the same).
/// Every output is a pure function of those inputs, so a cached render is byte for byte
/// the same as a fresh one; `serve` keeps one cache between rebuilds.
pub struct RenderCache {
    /// Whether to remember this render for the next one (`serve`); a one-shot `build`
    /// neither hashes page contexts nor keeps a second copy of every page.
    keep: bool,
    tera: Option<(u64, tera::Tera)>,
    /// By routine source path: (input hash, sanitised HTML, link diagnostics).
    markdown: HashMap<String, (u64, String, Vec<Diagnostic>)>,
    /// By output path: (input hash, page bytes).
    pages: HashMap<String, (u64, Vec<u8>)>,
    /// What the last render did.
    pub stats: RenderStats,
}

impl Default for RenderCache {
    fn default() -> Self {
        RenderCache {
            keep: true,
            tera: None,
            markdown: HashMap::new(),
            pages: HashMap::new(),
            stats: RenderStats::default(),
        }
    }
}

impl RenderCache {
    /// A cache for a single build: nothing is remembered.
    pub fn one_shot() -> RenderCache {
        RenderCache {
            keep: false,
            ..RenderCache::default()
        }
    }
}

/// How much work the last render did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Time spent building the search index (part of the render).
    pub search_time: std::time::Duration,
    pub templates_compiled: bool,
    pub markdown_rendered: usize,
    pub markdown_total: usize,
    pub pages_rendered: usize,
    pub pages_total: usize,
}

fn hash_of(parts: &[&[u8]]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.len().hash(&mut h);
        p.hash(&mut h);
    }
    h.finish()
}

/// Like [`render`], reusing and refreshing `cache`.
pub fn render_cached(
    site: &Site,
    root: &Path,
    opts: &RenderOptions,
    cache: &mut RenderCache,
) -> Result<Vec<OutFile>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut stats = RenderStats::default();
    let theme_files = theme::load(root).map_err(Diagnostics::from)?;
    let theme_hash = {
        let parts: Vec<&[u8]> = theme_files
            .iter()
            .flat_map(|(n, t, _)| [n.as_bytes(), t.as_bytes()])
            .collect();
        hash_of(&parts)
    };
    let tera = match cache.tera.take() {
        Some((h, tera)) if h == theme_hash => tera,
        _ => {
            stats.templates_compiled = true;
            build_tera(&theme_files).map_err(Diagnostics::from)?
        }
    };

    let page_set = page_set(site);
    let page_set_hash = {
        let parts: Vec<&[u8]> = page_set.iter().map(|p| p.as_bytes()).collect();
        hash_of(&parts)
    };
    // Markdown of every routine, rendered once (in parallel) and checked for bad links.
    let old_markdown = &cache.markdown;
    let bodies: Vec<(String, String, u64, String, Vec<Diagnostic>, bool)> = site
        .municipalities
        .par_iter()
        .flat_map_iter(|m| m.routines.iter())
        .map(|r| {
            let text = site.files.get(&r.path).map(String::as_str).unwrap_or("");
            let key = hash_of(&[
                text.as_bytes(),
                &r.body_offset.to_le_bytes(),
                r.body.as_bytes(),
                &page_set_hash.to_le_bytes(),
            ]);
            let (html, d, fresh) = match old_markdown.get(&r.path) {
                Some((h, html, d)) if *h == key => (html.clone(), d.clone(), false),
                _ => {
                    let (html, d) = routine_html(r, &site.files, &page_set);
                    (html, d, true)
                }
            };
            (
                format!("{}/{}", r.municipality, r.slug),
                r.path.clone(),
                key,
                html,
                d,
                fresh,
            )
        })
        .collect();
    let mut routine_html: BTreeMap<String, String> = BTreeMap::new();
    let mut markdown = HashMap::new();
    stats.markdown_total = bodies.len();
    for (key, path, hash, html, d, fresh) in bodies {
        stats.markdown_rendered += usize::from(fresh);
        d.iter().for_each(|x| diags.push(x.clone()));
        if cache.keep {
            markdown.insert(path, (hash, html.clone(), d));
        }
        routine_html.insert(key, html);
    }
    cache.markdown = markdown;
    if diags.has_errors() {
        cache.stats = stats;
        return Err(diags);
    }

    let links = format!("{:?}", opts.links);
    let mut pages = pages(site, &routine_html);
    // The search page is rendered last: its subject index comes from the other pages.
    let search_page = pages
        .iter()
        .position(|p| p.path == SEARCH_PAGE)
        .map(|i| pages.remove(i));
    let old_pages = std::mem::take(&mut cache.pages);
    // Renders one page, or reuses its bytes when nothing it depends on has changed.
    let keep = cache.keep;
    let render_one = |p: &Page| -> Result<(OutFile, u64, bool), Diagnostic> {
        PAGES_RENDERED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let key = if keep {
            let ctx_text = serde_json::to_string(&p.ctx).unwrap_or_default();
            hash_of(&[
                &theme_hash.to_le_bytes(),
                links.as_bytes(),
                p.path.as_bytes(),
                p.template.as_bytes(),
                ctx_text.as_bytes(),
            ])
        } else {
            0
        };
        if let Some((h, bytes)) = old_pages.get(&p.path)
            && *h == key
        {
            return Ok(((p.path.clone(), bytes.clone()), key, false));
        }
        let ctx =
            tera::Context::from_value(p.ctx.clone()).map_err(|e| template_error(p.template, &e))?;
        let html = tera
            .render(p.template, &ctx)
            .map_err(|e| template_error(p.template, &e))?;
        let html = postprocess::process(&html, depth_of(&p.path), &opts.links).map_err(|e| {
            Diagnostic::error(
                p.template,
                Pos::new(1, 1),
                format!("efterbearbetning misslyckades: {e}"),
            )
        })?;
        Ok(((p.path.clone(), html.into_bytes()), key, true))
    };
    // Each page's context is dropped as soon as the page is rendered.
    let mut rendered: Vec<(OutFile, u64, bool)> = match pages
        .into_par_iter()
        .map(|p| render_one(&p))
        .collect::<Result<Vec<_>, Diagnostic>>()
    {
        Ok(r) => r,
        Err(d) => {
            cache.stats = stats;
            return Err(Diagnostics::from(d));
        }
    };
    let search_started = std::time::Instant::now();
    let page_refs: Vec<(&str, &[u8])> = rendered
        .iter()
        .map(|((p, b), _, _)| (p.as_str(), b.as_slice()))
        .collect();
    let docs = search_docs(site, &page_refs);
    drop(page_refs);
    if let Some(mut page) = search_page {
        if let Some(o) = page.ctx.as_object_mut() {
            o.insert("subjects".into(), subjects_json(&docs));
        }
        stats.search_time = search_started.elapsed();
        match render_one(&page) {
            Ok(r) => rendered.push(r),
            Err(d) => {
                cache.stats = stats;
                return Err(Diagnostics::from(d));
            }
        }
    }
    stats.pages_total = rendered.len();
    let mut page_cache = HashMap::new();
    let mut files = Vec::with_capacity(rendered.len());
    for (file, hash, fresh) in rendered {
        stats.pages_rendered += usize::from(fresh);
        if keep {
            page_cache.insert(file.0.clone(), (hash, file.1.clone()));
        }
        files.push(file);
    }
    let index_started = std::time::Instant::now();
    files.extend(crate::search::build_index(&docs));
    stats.search_time += index_started.elapsed();
    cache.pages = page_cache;
    cache.stats = stats;
    cache.tera = Some((theme_hash, tera));
    for (name, text, _) in &theme_files {
        if let Some(rest) = name.strip_prefix("static/") {
            files.push((format!("static/{rest}"), text.clone().into_bytes()));
        }
    }
    if let Some(css) = theme::site_css(site.config.colors.as_ref()) {
        files.push(("static/css/site.css".into(), css.into_bytes()));
    }
    if let Some(logo) = &site.config.logo {
        let src = theme::site_static_file(root, &logo.file.0);
        let bytes = src.as_ref().and_then(|p| std::fs::read(p).ok());
        let Some(bytes) = bytes else {
            return Err(Diagnostics::from(Diagnostic::error(
                crate::loader::SITE_FILE,
                Pos::new(1, 1),
                format!("logotypen `{}` kan inte läsas", logo.file),
            )));
        };
        files.push((format!("static/{}", logo.file), bytes));
    }
    files.extend(export::json_files(site));
    for m in &site.municipalities {
        files.push((
            format!("{}/kalender.ics", m.slug),
            crate::schedule::maintenance_ics(&m.slug, &m.data, site.now).into_bytes(),
        ));
    }
    for p in &site.providers {
        if let Some(m) = site.municipality(p.data.municipality.as_str()) {
            // Only the steps for the provider's services, as on its page.
            let mut due = crate::schedule::due_dates(&m.data, p.data.start_date.0);
            due.retain(|id, _| {
                m.data.checklist.iter().any(|s| {
                    s.id.as_str() == id
                        && (s.services.is_empty()
                            || s.services.iter().any(|x| p.data.services.contains(x)))
                })
            });
            let ics = crate::schedule::checklist_ics(
                &format!("utforare-{}", p.id),
                &p.data.name,
                &m.data,
                &due,
                site.now,
            );
            files.push((
                format!("utforare/{}/checklista.ics", p.id),
                ics.into_bytes(),
            ));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
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

const SEARCH_PAGE: &str = "sok/index.html";

/// What the search index is built from: the main content of the rendered municipality,
/// routine, system and checklist pages (read back with lol_html), plus one entry per
/// contact and e-service so the type filter can find them.
fn search_docs(site: &Site, files: &[(&str, &[u8])]) -> Vec<crate::search::SearchDoc> {
    use crate::search::{DocKind, SearchDoc, Section, extract_docs};
    let mut docs: Vec<SearchDoc> = files
        .par_iter()
        .filter(|(p, _)| {
            p.ends_with("index.html")
                && !p.starts_with("utforare/")
                && p.contains('/')
                && !p.starts_with("tillganglighet/")
        })
        .map(|(p, bytes)| {
            extract_docs(
                &String::from_utf8_lossy(bytes),
                p.trim_end_matches("index.html"),
            )
        })
        .filter(|d| d.kind != DocKind::Page)
        .collect();
    for m in &site.municipalities {
        let muni = Some((m.slug.clone(), m.data.name.clone()));
        for c in &m.data.contacts {
            let mut text = vec![c.purpose.clone()];
            text.extend(c.phone.iter().map(|p| p.0.clone()));
            text.extend(c.email.iter().map(|e| e.0.clone()));
            text.extend(c.who_may_contact.clone());
            text.extend(c.covers.iter().cloned());
            docs.push(SearchDoc {
                url: format!("{}/#kontakt-{}", m.slug, c.id),
                title: c.name.clone(),
                municipality: muni.clone(),
                kind: DocKind::Contact,
                sections: vec![Section {
                    anchor: None,
                    heading: c.name.clone(),
                    text: text.join(" "),
                }],
            });
        }
        for e in &m.data.eservices {
            let mut text = vec![e.orders.clone()];
            text.extend(e.location.clone());
            text.extend(e.note.clone());
            docs.push(SearchDoc {
                url: format!("{}/#e-tjanst-{}", m.slug, e.id),
                title: e.name.clone(),
                municipality: muni.clone(),
                kind: DocKind::EService,
                sections: vec![Section {
                    anchor: None,
                    heading: e.name.clone(),
                    text: text.join(" "),
                }],
            });
        }
    }
    docs
}

/// Entries listed under one term of the A–Ö register; past that the register says how many
/// more pages there are, so the page stays small on a portal with hundreds of
/// municipalities.
const SUBJECT_ENTRIES: usize = 25;

fn subjects_json(docs: &[crate::search::SearchDoc]) -> Value {
    let letters: Vec<Value> = crate::search::subject_index(docs)
        .into_iter()
        .map(|(letter, terms)| {
            let terms: Vec<Value> = terms
                .into_iter()
                .map(|(term, pages)| {
                    let more = pages.len().saturating_sub(SUBJECT_ENTRIES);
                    let pages: Vec<Value> = pages
                        .into_iter()
                        .take(SUBJECT_ENTRIES)
                        .map(|(title, url)| json!({"title": title, "url": url}))
                        .collect();
                    json!({"term": term, "pages": pages, "more": more})
                })
                .collect();
            json!({"letter": letter, "terms": terms})
        })
        .collect();
    Value::Array(letters)
}

/// Pages rendered so far in this process, for progress output on long builds.
pub static PAGES_RENDERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

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

fn routine_html(
    r: &Routine,
    files: &BTreeMap<String, String>,
    pages: &BTreeSet<String>,
) -> (String, Vec<Diagnostic>) {
    let out = markdown::render(&r.body);
    let text = files.get(&r.path).map(String::as_str).unwrap_or("");
    let mut diags = Vec::new();
    let mut cursor = PosCursor::new(text);
    if let Some(at) = out.too_deep {
        diags.push(
            Diagnostic::error(
                &r.path,
                cursor.at(r.body_offset + at),
                format!(
                    "texten är för djupt nästlad (mer än {} nivåer av listor, citat eller HTML-taggar)",
                    crate::sanitize::MAX_NESTING
                ),
            )
            .with_hint("platta till strukturen och stäng de HTML-taggar som öppnas"),
        );
        return (String::new(), diags);
    }
    for link in &out.links {
        let pos = cursor.at(r.body_offset + link.offset);
        if let Some((msg, hint)) = crate::sanitize::url_problem(&link.url) {
            diags.push(Diagnostic::error(&r.path, pos, msg).with_hint(hint));
            continue;
        }
        if link.raw_html {
            // Other addresses in raw HTML are left to the sanitiser.
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
    (wrap_tables(&crate::sanitize::clean_html(&out.html)), diags)
}

/// Puts each table of sanitised routine HTML in a keyboard-scrollable region, so a wide
/// table scrolls on its own on a phone instead of making the whole page scroll sideways.
fn wrap_tables(html: &str) -> String {
    let mut n = 0;
    let mut out = String::with_capacity(html.len() + 128);
    let mut rest = html;
    while let Some(i) = rest.find("<table>") {
        n += 1;
        out.push_str(&rest[..i]);
        out.push_str(&format!(
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell {n}\">"
        ));
        let after = &rest[i..];
        match after.find("</table>") {
            Some(j) => {
                out.push_str(&after[..j + "</table>".len()]);
                out.push_str("</div>");
                rest = &after[j + "</table>".len()..];
            }
            None => {
                out.push_str(after);
                out.push_str("</div>");
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
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

fn pages(site: &Site, bodies: &BTreeMap<String, String>) -> Vec<Page> {
    let mut pages = Vec::new();
    let today = site.now.to_zoned(stockholm()).date();
    let systems_json: Vec<Value> = site.systems.iter().map(|s| json!(s)).collect();

    // Home
    let munis: Vec<Value> = site
        .municipalities
        .iter()
        .map(|m| {
            json!({"slug": m.slug, "name": m.data.name, "summary": m.data.summary, "organisation": m.data.organisation,
                   "services": services(&m.data.services), "example_note": m.data.example_note})
        })
        .collect();
    pages.push(Page {
        path: "index.html".into(),
        template: "index.html",
        ctx: merge(
            base_ctx(site, "", &[], "page", json!([]), None),
            json!({"municipalities": munis, "systems": systems_json}),
        ),
    });

    for m in &site.municipalities {
        let crumb = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}]);
        pages.push(Page {
            path: format!("{}/index.html", m.slug),
            template: "municipality.html",
            ctx: merge(
                base_ctx(
                    site,
                    &format!("{}/", m.slug),
                    &[&m.data.name],
                    "municipality",
                    crumb.clone(),
                    Some(m),
                ),
                municipality_ctx(site, m, today),
            ),
        });
        for r in &m.routines {
            let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": r.meta.title, "href": ""}]);
            let overdue = r.meta.next_review.is_some_and(|d| d.date < today);
            let systems: Vec<Value> = r
                .meta
                .systems
                .iter()
                .filter_map(|s| site.system(s.as_str()))
                .map(|s| json!({"id": s.id, "name": s.name}))
                .collect();
            pages.push(Page {
                path: format!("{}/{}/index.html", m.slug, r.slug),
                template: "routine.html",
                ctx: merge(
                    base_ctx(site, &format!("{}/{}/", m.slug, r.slug), &[&r.meta.title, &m.data.name], "routine", crumbs, Some(m)),
                    json!({"routine": r.meta, "body": bodies.get(&format!("{}/{}", m.slug, r.slug)), "overdue": overdue, "systems": systems}),
                ),
            });
        }
        let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": "Checklista", "href": ""}]);
        pages.push(Page {
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
                checklist_ctx(m, None, today.year()),
            ),
        });
    }

    // Systems
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
    pages.push(Page {
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
    });
    for s in &site.systems {
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
            .flat_map(|m| {
                m.data
                    .maintenance
                    .iter()
                    .filter(|w| w.system.as_ref() == Some(&s.id))
                    .map(move |w| {
                        merge(
                            maintenance_ctx(site, w),
                            json!({"municipality": m.data.name, "municipality_slug": m.slug}),
                        )
                    })
            })
            .collect();
        let crumbs =
            json!([{"title": "Alla system", "href": "@/system/"}, {"title": s.name, "href": ""}]);
        pages.push(Page {
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
        });
    }

    for p in &site.providers {
        let Some(m) = site.municipality(p.data.municipality.as_str()) else {
            continue;
        };
        let crumbs = json!([{"title": m.data.name, "href": format!("@/{}/", m.slug)}, {"title": p.data.name, "href": ""}]);
        pages.push(Page {
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
                checklist_ctx(m, Some(p), today.year()),
            ),
        });
    }

    let munis_short: Vec<Value> = site
        .municipalities
        .iter()
        .map(|m| json!({"slug": m.slug, "name": m.data.name}))
        .collect();
    pages.push(Page {
        path: SEARCH_PAGE.into(),
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
            json!({"municipalities": munis_short, "subjects": [], "scripts": ["tid.js", "sok.js"]}),
        ),
    });
    pages.push(Page {
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
            accessibility_ctx(&site.config.accessibility),
        ),
    });
    pages.push(Page {
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
    });
    pages
}

/// "23 november 2026".
fn long_date(d: jiff::civil::Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::calendar::values::month_name(d.month()),
        d.year()
    )
}

/// The accessibility statement, following DIGG's model statement.
fn accessibility_ctx(a: &crate::model::AccessibilityStatement) -> Value {
    json!({
        "a": a,
        "report_tel": a.report_phone.as_ref().map(|p| p.tel_uri()),
        "assessed_label": long_date(a.assessed.0),
        "updated_label": long_date(a.updated.as_ref().unwrap_or(&a.assessed).0),
        "published_label": a.published.as_ref().map(|d| long_date(d.0)),
        "compliance": if a.known_gaps.is_empty() { "helt" } else { "delvis" },
    })
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
        .map(|w| maintenance_ctx(site, w))
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

/// A maintenance window for the municipality and system pages: its rule and the
/// occurrences of the next 12 months, as a list and as JSON for `tid.js`.
fn maintenance_ctx(site: &Site, w: &crate::model::MaintenanceWindow) -> Value {
    let next = crate::schedule::next_windows(w, site.now, 12);
    let next_json: Vec<Value> = next
        .iter()
        .map(|o| json!({"start": o.start_iso, "end": o.end_iso}))
        .collect();
    let system = w
        .system
        .as_ref()
        .and_then(|id| site.system(id.as_str()))
        .map(|s| s.name.clone());
    json!({"id": w.id, "title": w.title, "rule": w.when.to_string(), "time": w.time, "usually": w.usually,
           "system": system, "system_id": w.system, "announced": w.announced, "reason": w.reason,
           "next": next, "next_json": Value::Array(next_json).to_string()})
}

fn checklist_ctx(
    m: &MunicipalityEntry,
    provider: Option<&crate::model::ProviderEntry>,
    year: i16,
) -> Value {
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
        let title_of = |id: &str| {
            m.data
                .checklist
                .iter()
                .find(|x| x.id.as_str() == id)
                .map(|x| x.title.clone())
                .unwrap_or_default()
        };
        let lead = s.deadline.as_ref().map(|dl| {
            let unit = match dl.unit {
                LeadUnit::WorkingDays => "wd",
                LeadUnit::CalendarDays => "cd",
                LeadUnit::Weeks => "w",
            };
            let anchor = match &dl.anchor {
                Anchor::BeforeStart => "before-start".to_string(),
                Anchor::AfterStart => "after-start".to_string(),
                Anchor::AfterStep(step) => format!("step:{step}"),
            };
            json!({"amount": dl.amount, "unit": unit, "anchor": anchor})
        });
        let v = json!({
            "id": s.id, "title": s.title, "who": s.who.as_ref().and_then(|w| role_names.get(w.as_str())),
            "deadline": s.deadline.as_ref().map(|dl| deadline_text(dl, &title_of)), "lead": lead,
            "service_ids": s.services.iter().map(|x| x.id()).collect::<Vec<_>>().join(" "),
            "recurrence": s.recurrence, "depends": depends,
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
    let closed = closed_dates_json(m, year);
    let offered: Vec<Value> = m
        .data
        .services
        .iter()
        .map(|s| json!({"id": s.id(), "name": s.name()}))
        .collect();
    match provider {
        None => json!({
            "heading": format!("Checklista inför driftstart i {}", m.data.name),
            "intro": "Alla steg en ny utförare går igenom, i den ordning de behöver göras, med tidsfrister räknat från driftstart.",
            "list_id": m.slug, "phases": phases, "closed_json": closed, "offered": offered,
            "scripts": ["tid.js", "checklista.js"],
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
                "list_id": format!("utforare-{}", p.id), "phases": phases, "provider": p.data, "closed_json": closed,
                "ics": format!("@/utforare/{}/checklista.ics", p.id), "scripts": ["tid.js", "checklista.js"],
                "services": services(&p.data.services), "start_label": crate::schedule::date_label(p.data.start_date.0), "contacts": contacts,
            })
        }
    }
}

/// "10 arbetsdagar före driftstart", "5 arbetsdagar efter steget ”Beställ SITHS-kort”".
fn deadline_text(dl: &crate::model::values::Deadline, title_of: &dyn Fn(&str) -> String) -> String {
    let unit = dl.unit.word(dl.amount);
    match &dl.anchor {
        Anchor::BeforeStart => format!("{} {unit} före driftstart", dl.amount),
        Anchor::AfterStart => format!("{} {unit} efter driftstart", dl.amount),
        Anchor::AfterStep(step) => {
            format!("{} {unit} efter steget ”{}”", dl.amount, title_of(step))
        }
    }
}

/// Every closed date (public holidays, closed eves, extra days) of the municipality for
/// four years from the build's year, as a JSON list the checklist
/// script counts working days with: the holiday rule is described once, in Rust.
fn closed_dates_json(m: &MunicipalityEntry, from_year: i16) -> String {
    let mut dates: Vec<String> = Vec::new();
    for year in from_year..from_year + 4 {
        for (d, _) in crate::calendar::holidays::closed_days(&m.data.holidays, year) {
            dates.push(d.to_string());
        }
    }
    Value::from(dates).to_string()
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

#[cfg(test)]
mod tests {
    use super::wrap_tables;

    #[test]
    fn tables_get_a_scrollable_region_each() {
        let html = "<p>a</p><table><tr><td>1</td></tr></table><p>b</p><table></table>";
        assert_eq!(
            wrap_tables(html),
            "<p>a</p><div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell 1\">\
             <table><tr><td>1</td></tr></table></div><p>b</p>\
             <div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell 2\">\
             <table></table></div>"
        );
        assert_eq!(wrap_tables("<p>&lt;table&gt;</p>"), "<p>&lt;table&gt;</p>");
    }
}
