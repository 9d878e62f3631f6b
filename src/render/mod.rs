//! Render stage: Markdown through pulldown-cmark and the sanitiser, pages through tera
//! and the post-process stage, in parallel with rayon. Each page goes to a [`Sink`] as
//! soon as it is rendered (`build` writes it to the staging folder), and what the search
//! index needs is read from it on the way, so a build never holds the whole site in
//! memory. Broken internal links in Markdown are found here, where every page of the site
//! is known.

mod pages;

use crate::diagnostics::{Diagnostic, Diagnostics, IoFailure, Pos, PosCursor};
use crate::model::{Routine, Site};
use crate::search::SearchDoc;
use crate::search::index::FxMap;
use crate::urls::{LinkStyle, depth_of, normalize};
use crate::{export, markdown, postprocess, theme};
pub use pages::slugify;
use pages::{Page, SEARCH_PAGE, Spec, page_ctx};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// One file of the output: its path below the output root, and its bytes.
pub type OutFile = (String, Vec<u8>);

/// A file's bytes, shared between the render cache, `serve` and the writer.
pub type Bytes = Arc<Vec<u8>>;

/// Where rendered files go, as soon as each is ready (from many threads at once).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), IoFailure>;
}

/// A sink that keeps every file in memory (`check`, `serve`, tests). One list per
/// thread of the pool, so threads putting files do not wait for each other.
pub struct Collect(Vec<Mutex<Vec<(String, Bytes)>>>);

impl Default for Collect {
    fn default() -> Self {
        let shards = rayon::current_num_threads() + 1;
        Collect((0..shards).map(|_| Mutex::default()).collect())
    }
}

impl Collect {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<(String, Bytes)> {
        let mut files: Vec<(String, Bytes)> = self
            .0
            .into_iter()
            .flat_map(|s| s.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

impl Sink for Collect {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), IoFailure> {
        // The pool's threads have a list each; any other thread shares the first.
        let shard = rayon::current_thread_index().map_or(0, |i| i + 1) % self.0.len();
        self.0[shard]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), bytes));
        Ok(())
    }
}

/// A sink that drops everything (`check` renders only to find errors).
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: Bytes) -> Result<(), IoFailure> {
        Ok(())
    }
}

impl Sink for crate::output::Staging {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), IoFailure> {
        self.write(path, &bytes)
    }
}

/// Why a render stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Errors in the content or the templates.
    Content(Diagnostics),
    /// The sink could not take a file.
    Io(IoFailure),
}

impl From<Diagnostics> for RenderError {
    fn from(d: Diagnostics) -> Self {
        RenderError::Content(d)
    }
}

impl From<Diagnostic> for RenderError {
    fn from(d: Diagnostic) -> Self {
        RenderError::Content(Diagnostics::from(d))
    }
}

impl From<IoFailure> for RenderError {
    fn from(e: IoFailure) -> Self {
        RenderError::Io(e)
    }
}

pub struct RenderOptions {
    pub links: LinkStyle,
}

/// What a previous render produced, so the next one redoes only what changed: the
/// compiled templates (kept while no theme file changes), each routine's Markdown HTML
/// (kept while its file and the set of pages it may link to are the same) and each
/// rendered page with its search document (kept while the inputs it is made from are
/// the same: see `Fingerprints`). Every output is a pure function of those
/// inputs, so a cached render is byte for byte the same as a fresh one; `serve` keeps one
/// cache between rebuilds. It also carries the load stage's cache ([`LoadCache`]), so one
/// value holds everything a rebuild reuses.
///
/// [`LoadCache`]: crate::loader::LoadCache
pub struct RenderCache {
    /// Whether to remember this render for the next one (`serve`); a one-shot `build`
    /// neither fingerprints pages nor keeps a copy of them.
    keep: bool,
    tera: Option<(u64, tera::Tera)>,
    markdown: FxMap<String, CachedMarkdown>,
    pages: FxMap<String, CachedPage>,
    /// What the search index learnt about the documents (`serve` only).
    index: Option<crate::search::IndexCache>,
    /// What the search page's A–Ö register read from each document (`serve` only).
    subjects: Option<crate::search::SubjectCache>,
    /// The JSON export and calendar files: (input key, bytes).
    files: FxMap<String, (u64, Bytes)>,
    /// By municipality slug: the search documents of its contacts and e-services
    /// (input key, documents), so unchanged ones reach the index as the same `Arc`s.
    data_docs: FxMap<String, (u64, Vec<Arc<SearchDoc>>)>,
    /// Each search document's part of the search page's fingerprint, in order, from
    /// the last render (the `Arc`s kept so that pointer equality means the same text).
    doc_prints: Vec<(Arc<SearchDoc>, u64)>,
    /// What the fingerprints keep between renders.
    prints: PrintCache,
    /// What the last render did.
    pub stats: RenderStats,
    /// The load stage's cache (`serve` only).
    pub(crate) load: Option<crate::loader::LoadCache>,
}

/// A routine's Markdown: (input hash, sanitised HTML, link diagnostics).
type CachedMarkdown = (u64, Arc<String>, Vec<Diagnostic>);
/// A page: (input fingerprint, page bytes, search document).
type CachedPage = (u64, Bytes, Option<Arc<SearchDoc>>);
/// A page gone to the sink: its search document, and the page for the cache when it
/// was rendered anew (`serve` only).
type Rendered = (Option<Arc<SearchDoc>>, Option<CachedPage>);

impl Default for RenderCache {
    fn default() -> Self {
        RenderCache {
            keep: true,
            tera: None,
            markdown: FxMap::default(),
            pages: FxMap::default(),
            files: FxMap::default(),
            data_docs: FxMap::default(),
            doc_prints: Vec::new(),
            prints: PrintCache::default(),
            index: Some(crate::search::IndexCache::new()),
            subjects: Some(crate::search::SubjectCache::default()),
            stats: RenderStats::default(),
            load: Some(crate::loader::LoadCache::default()),
        }
    }
}

impl RenderCache {
    /// What the last load did (zeros for a one-shot cache).
    pub fn load_stats(&self) -> crate::loader::LoadStats {
        self.load.as_ref().map(|l| l.stats).unwrap_or_default()
    }

    /// Tells the cache these source files (paths relative to the root) changed, so the
    /// next build reads them whatever their metadata says. A hint (from the file
    /// watcher): the cache finds changes without it.
    pub fn forget_sources<S: AsRef<str>>(&mut self, paths: &[S]) {
        if let Some(l) = &mut self.load {
            l.forget(paths);
        }
    }

    /// A cache for a single build: nothing is remembered.
    pub fn one_shot() -> RenderCache {
        RenderCache {
            keep: false,
            index: None,
            load: None,
            subjects: None,
            ..RenderCache::default()
        }
    }
}

/// How much work the last render did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Time spent on the search index, the A–Ö register and the search page, with the
    /// JSON export and calendars made alongside (part of the render).
    pub search_time: std::time::Duration,
    pub templates_compiled: bool,
    pub markdown_rendered: usize,
    pub markdown_total: usize,
    pub pages_rendered: usize,
    pub pages_total: usize,
    /// Files handed to the sink.
    pub files: usize,
}

/// A fast 64-bit hash for change detection (not for hash tables facing untrusted keys):
/// eight bytes at a time, multiply and rotate. Tens of megabytes of sources are hashed on
/// every `serve` rebuild, so SipHash would be a measurable part of it.
pub fn content_hash(parts: &[&[u8]]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for p in parts {
        h = (h ^ p.len() as u64).wrapping_mul(K).rotate_left(29);
        let mut chunks = p.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h ^ w).wrapping_mul(K).rotate_left(29);
        }
        let mut last = [0u8; 8];
        let rem = chunks.remainder();
        last[..rem.len()].copy_from_slice(rem);
        h = (h ^ u64::from_le_bytes(last))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Each source file's hashes from the last render, sorted by path: (path, text, hash of
/// path and text). While the load stage hands over the same `Arc` for a file, its hash
/// is kept (`serve` only).
type FileHashes = Vec<(String, Arc<str>, u64)>;

/// A municipality's part of the fingerprints, with what it was computed from: kept while
/// its data file, routines and providers are the same `Arc`s and none of their files
/// changed.
struct MunicipalityPrint {
    path: String,
    data_arc: Arc<crate::model::Municipality>,
    routines: Vec<Arc<Routine>>,
    providers: Vec<Arc<crate::model::Provider>>,
    /// Its data file, routines' front matter and providers.
    summary: u64,
    /// Its data file only.
    data: u64,
    /// Its data file, whole routines and providers.
    full: u64,
    /// By routine source path: the routine's whole file.
    routine: FxMap<String, u64>,
    /// The sum of its data file's and routines' file hashes (see `Fingerprints::new`).
    own: u64,
}

/// What the fingerprints keep between renders (`serve` only).
#[derive(Default)]
struct PrintCache {
    files: FileHashes,
    municipalities: FxMap<String, MunicipalityPrint>,
}

/// The inputs a page is made from, as hashes, so `serve` can tell which pages an edit
/// touches without building every page's context. Pages of one municipality depend on the
/// site-wide inputs (site settings, systems, theme, link style, "now", the set of pages)
/// and on that municipality's data file, providers and routines' front matter; a routine
/// page on its municipality's data file and its own routine file; the home and system
/// pages on every municipality's data, providers and front matter. The search page, made
/// from every page's text, is fingerprinted by its whole context instead.
struct Fingerprints {
    global: u64,
    /// Every municipality's data file, providers and routines' front matter.
    all_municipalities: u64,
    /// By municipality slug.
    municipalities: FxMap<String, MunicipalityPrint>,
    /// By provider id.
    provider: FxMap<String, u64>,
}

impl Fingerprints {
    /// Computes the fingerprints, reusing what `cache` kept from the last render for
    /// files and municipalities that are unchanged; [`Fingerprints::keep`] puts the
    /// result back.
    fn new(
        site: &Site,
        theme_hash: u64,
        page_set_hash: u64,
        links: &str,
        cache: &mut PrintCache,
    ) -> Fingerprints {
        // Each file's hash: a walk along the old list and the (sorted) file map at once.
        let old = std::mem::take(&mut cache.files);
        let mut files: FileHashes = Vec::with_capacity(site.files.len());
        let mut changed: BTreeSet<&str> = BTreeSet::new();
        let mut old = old.into_iter().peekable();
        // The sum of every file's hash; the files no municipality or provider owns are
        // this minus theirs.
        let mut total: u64 = 0;
        let mut removed = false;
        for (path, text) in &site.files {
            while old.next_if(|o| o.0.as_str() < path.as_str()).is_some() {
                removed = true;
            }
            let entry = match old.next_if(|o| o.0 == *path) {
                Some(o) if Arc::ptr_eq(&o.1, text) => o,
                _ => {
                    changed.insert(path);
                    let h = content_hash(&[path.as_bytes(), text.as_bytes()]);
                    (path.clone(), text.clone(), h)
                }
            };
            total = total.wrapping_add(entry.2);
            files.push(entry);
        }
        // A file was removed: no municipality keeps its print by pointers alone.
        removed |= old.next().is_some();
        let file_hash = |path: &str| -> u64 {
            match files.binary_search_by(|e| e.0.as_str().cmp(path)) {
                Ok(i) => files[i].2,
                Err(_) => content_hash(&[path.as_bytes()]),
            }
        };
        let combine = |parts: &[u64]| {
            let bytes: Vec<u8> = parts.iter().flat_map(|h| h.to_le_bytes()).collect();
            content_hash(&[&bytes])
        };
        let mut provider: FxMap<String, u64> =
            FxMap::with_capacity_and_hasher(site.providers.len(), Default::default());
        let mut providers_of: FxMap<&str, Vec<&crate::model::ProviderEntry>> = FxMap::default();
        let mut own_total: u64 = 0;
        for p in &site.providers {
            let h = file_hash(&p.path);
            own_total = own_total.wrapping_add(h);
            provider.insert(p.id.clone(), h);
            providers_of
                .entry(p.data.municipality.as_str())
                .or_default()
                .push(p);
        }
        let mut municipalities = std::mem::take(&mut cache.municipalities);
        let no_providers = Vec::new();
        let unchanged = |path: &str| changed.is_empty() || !changed.contains(path);
        for m in &site.municipalities {
            let ps = providers_of.get(m.slug.as_str()).unwrap_or(&no_providers);
            let kept = municipalities.get(&m.slug).is_some_and(|o| {
                !removed
                    && o.path == m.path
                    && Arc::ptr_eq(&o.data_arc, &m.data)
                    && o.routines.len() == m.routines.len()
                    && o.routines
                        .iter()
                        .zip(&m.routines)
                        .all(|(a, b)| Arc::ptr_eq(a, b))
                    && o.providers.len() == ps.len()
                    && o.providers
                        .iter()
                        .zip(ps)
                        .all(|(a, b)| Arc::ptr_eq(a, &b.data))
                    && (changed.is_empty()
                        || (unchanged(&m.path)
                            && m.routines.iter().all(|r| unchanged(&r.path))
                            && ps.iter().all(|p| unchanged(&p.path))))
            });
            if kept {
                continue;
            }
            let text = |path: &str| site.files.get(path).map(|t| t.as_bytes()).unwrap_or(b"");
            let data = content_hash(&[text(&m.path)]);
            let mut own = file_hash(&m.path);
            let mut parts: Vec<u64> = vec![data];
            let mut full: Vec<u64> = vec![data];
            let mut routine = FxMap::with_capacity_and_hasher(m.routines.len(), Default::default());
            for r in &m.routines {
                let whole = file_hash(&r.path);
                own = own.wrapping_add(whole);
                routine.insert(r.path.clone(), whole);
                full.push(whole);
                // Other pages show a routine's front matter, never its body.
                let t = text(&r.path);
                parts.push(content_hash(&[
                    r.path.as_bytes(),
                    t.get(..r.body_offset).unwrap_or(t),
                ]));
            }
            for p in ps {
                parts.push(provider[&p.id]);
                full.push(provider[&p.id]);
            }
            municipalities.insert(
                m.slug.clone(),
                MunicipalityPrint {
                    path: m.path.clone(),
                    data_arc: m.data.clone(),
                    routines: m.routines.clone(),
                    providers: ps.iter().map(|p| p.data.clone()).collect(),
                    summary: combine(&parts),
                    data,
                    full: combine(&full),
                    routine,
                    own,
                },
            );
        }
        if municipalities.len() > site.municipalities.len() {
            let slugs: HashSet<&str> = site
                .municipalities
                .iter()
                .map(|m| m.slug.as_str())
                .collect();
            municipalities.retain(|slug, _| slugs.contains(slug.as_str()));
        }
        let all: Vec<u64> = site
            .municipalities
            .iter()
            .map(|m| {
                let p = &municipalities[&m.slug];
                own_total = own_total.wrapping_add(p.own);
                p.summary
            })
            .collect();
        let all_municipalities = combine(&all);
        // Every file no municipality or provider owns (site settings, systems): its
        // path and text, through the sum of their hashes.
        let rest = total.wrapping_sub(own_total).to_le_bytes();
        let now = site.now.as_nanosecond().to_le_bytes();
        let (th, ph) = (theme_hash.to_le_bytes(), page_set_hash.to_le_bytes());
        cache.files = files;
        Fingerprints {
            global: content_hash(&[&rest, &th, &ph, &now, links.as_bytes()]),
            all_municipalities,
            municipalities,
            provider,
        }
    }

    /// Hands what is worth keeping back to the cache for the next render.
    fn keep(self, cache: &mut PrintCache) {
        cache.municipalities = self.municipalities;
    }

    fn municipality(&self, slug: &str) -> Option<&u64> {
        self.municipalities.get(slug).map(|m| &m.summary)
    }

    fn municipality_data(&self, slug: &str) -> Option<&u64> {
        self.municipalities.get(slug).map(|m| &m.data)
    }

    fn municipality_full(&self, slug: &str) -> Option<&u64> {
        self.municipalities.get(slug).map(|m| &m.full)
    }

    /// The search page's fingerprint: the site-wide inputs, every municipality (the
    /// filter lists them) and what the A–Ö register is made of: each document's address,
    /// title, kind, municipality and section headings, never its text.
    ///
    /// `old` has each document's hash from the last render, by position: a document
    /// that is still the same `Arc` keeps its hash. Returns the fingerprint and the
    /// hashes for the next render.
    fn search_page(
        &self,
        page: &Page,
        docs: &[Arc<SearchDoc>],
        old: &[(Arc<SearchDoc>, u64)],
    ) -> (u64, Vec<(Arc<SearchDoc>, u64)>) {
        // A hash per document (in parallel, each from a small buffer), then of those.
        let per_doc: Vec<(Arc<SearchDoc>, u64)> = docs
            .par_iter()
            .enumerate()
            .map_init(Vec::new, |bytes: &mut Vec<u8>, (k, d)| {
                if let Some((o, h)) = old.get(k)
                    && Arc::ptr_eq(o, d)
                {
                    return (d.clone(), *h);
                }
                bytes.clear();
                let mut part = |p: &str| {
                    bytes.extend_from_slice(&(p.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(p.as_bytes());
                };
                part(&d.url);
                part(&d.title);
                part(d.kind.as_str());
                if let Some((slug, name)) = &d.municipality {
                    part(slug);
                    part(name);
                }
                bytes.extend_from_slice(&(d.sections.len() as u64).to_le_bytes());
                for sec in &d.sections {
                    bytes.extend_from_slice(&[u8::from(sec.anchor.is_some())]);
                    let anchor = sec.anchor.as_deref().unwrap_or("");
                    bytes.extend_from_slice(&(anchor.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(anchor.as_bytes());
                    bytes.extend_from_slice(&(sec.heading.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(sec.heading.as_bytes());
                }
                (d.clone(), content_hash(&[bytes]))
            })
            .collect();
        let bytes: Vec<u8> = per_doc.iter().flat_map(|h| h.1.to_le_bytes()).collect();
        let print = content_hash(&[
            &self.global.to_le_bytes(),
            &self.all_municipalities.to_le_bytes(),
            page.path.as_bytes(),
            page.template.as_bytes(),
            &bytes,
        ]);
        (print, per_doc)
    }

    /// A key for a file made from the site-wide inputs and the given input hashes.
    fn key(&self, path: &str, parts: &[Option<&u64>]) -> Option<u64> {
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&self.global.to_le_bytes());
        for (b, p) in bytes[8..].chunks_exact_mut(8).zip(parts) {
            b.copy_from_slice(&p.copied()?.to_le_bytes());
        }
        Some(content_hash(&[
            path.as_bytes(),
            &bytes[..8 + 8 * parts.len()],
        ]))
    }

    /// The page's fingerprint, or `None` when only its whole context will do.
    fn of(&self, page: &Page) -> Option<u64> {
        let g = self.global.to_le_bytes();
        let h = |parts: &[u64]| {
            let mut bytes = [0u8; 16];
            for (b, x) in bytes.chunks_exact_mut(8).zip(parts) {
                b.copy_from_slice(&x.to_le_bytes());
            }
            let bytes = &bytes[..8 * parts.len()];
            content_hash(&[&g, page.path.as_bytes(), page.template.as_bytes(), bytes])
        };
        match page.spec {
            Spec::Municipality(m) | Spec::Checklist(m) | Spec::Provider(m, _) => {
                Some(h(&[*self.municipality(&m.slug)?]))
            }
            Spec::Routine(m, r) => Some(h(&[
                *self.municipality_data(&m.slug)?,
                *self.municipalities.get(&m.slug)?.routine.get(&r.path)?,
            ])),
            // The home page and the system pages show every municipality's data and
            // routine titles, never a routine's body.
            Spec::Home | Spec::Systems | Spec::System(_) => Some(h(&[self.all_municipalities])),
            // The accessibility statement and the 404 page show site-wide inputs only.
            Spec::Accessibility | Spec::NotFound => Some(h(&[])),
            // The search page's subject index comes from every page's text.
            Spec::Search => None,
        }
    }
}

/// Does this page feed the search index?
fn searchable(path: &str) -> bool {
    path.ends_with("index.html")
        && !path.starts_with("utforare/")
        && path.contains('/')
        && !path.starts_with("tillganglighet/")
}

/// Renders the whole site, reusing and refreshing `cache`, handing each file to `sink` as soon as
/// it is ready. On an error, some files may have gone to the sink already: `build`'s
/// sink is a staging folder that is then thrown away.
///
/// In a one-shot build the search index is made right after the pages and lets the
/// search documents' texts go as soon as it no longer needs them; the A–Ö register and
/// the search page come after it (see `search_index`).
pub fn render_cached(
    site: &Site,
    root: &Path,
    opts: &RenderOptions,
    cache: &mut RenderCache,
    sink: &dyn Sink,
) -> Result<RenderStats, RenderError> {
    let mut stats = RenderStats::default();
    let result = render_inner(site, root, opts, cache, sink, &mut stats);
    cache.stats = stats;
    result.map(|()| stats)
}

/// The search index: its files go to the sink as they are made; the first write error
/// is kept. In `serve` the index is updated from the cache, and the documents are kept
/// whole; a one-shot build lets go of their section texts as soon as the index no
/// longer needs them (the A–Ö register, made next, reads titles and headings only).
fn search_index(
    docs: Vec<Arc<SearchDoc>>,
    index: &mut Option<crate::search::IndexCache>,
    sink: &dyn Sink,
    stats: &mut RenderStats,
) -> Result<Vec<Arc<SearchDoc>>, RenderError> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let index_files = AtomicUsize::new(0);
    let write_error: Mutex<Option<IoFailure>> = Mutex::new(None);
    let emit = |path: String, bytes: Bytes| {
        index_files.fetch_add(1, Relaxed);
        if let Err(e) = sink.put(&path, bytes) {
            write_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    };
    let index_opts = crate::search::IndexOptions::default();
    let docs = match index {
        Some(ix) => {
            ix.build_into(&docs, &index_opts, &emit);
            docs
        }
        None => crate::search::build_index_owned(docs, &index_opts, &emit),
    };
    if let Some(e) = write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e.into());
    }
    stats.files += index_files.load(Relaxed);
    Ok(docs)
}

fn render_inner(
    site: &Site,
    root: &Path,
    opts: &RenderOptions,
    cache: &mut RenderCache,
    sink: &dyn Sink,
    stats: &mut RenderStats,
) -> Result<(), RenderError> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let theme_files = theme::load(root).map_err(Diagnostics::from)?;
    let theme_hash = {
        let parts: Vec<&[u8]> = theme_files
            .iter()
            .flat_map(|(n, t, _)| [n.as_bytes(), t.as_bytes()])
            .collect();
        content_hash(&parts)
    };
    let tera = match cache.tera.take() {
        Some((h, tera)) if h == theme_hash => tera,
        _ => {
            stats.templates_compiled = true;
            build_tera(&theme_files)?
        }
    };
    let tera = &cache.tera.insert((theme_hash, tera)).1;
    let keep = cache.keep;

    // The set of pages is only needed to check the links of Markdown that is rendered.
    let known_pages = std::sync::OnceLock::new();
    let page_set_hash = if keep { page_set_hash(site) } else { 0 };
    let links = format!("{:?}", opts.links);
    let prints =
        keep.then(|| Fingerprints::new(site, theme_hash, page_set_hash, &links, &mut cache.prints));

    // Markdown: rendered with the page in a one-shot build; kept by source path for serve.
    // Entries whose inputs are unchanged stay in the map; new ones are added after the
    // pages are done, and those of routines that are gone are dropped.
    let old_markdown = std::mem::take(&mut cache.markdown);
    let new_markdown: Mutex<Vec<(String, CachedMarkdown)>> = Mutex::new(Vec::new());
    let markdown_diags: Mutex<Vec<(usize, Vec<Diagnostic>)>> = Mutex::new(Vec::new());
    let markdown_rendered = AtomicUsize::new(0);
    let body_of = |idx: usize, r: &Routine| -> Arc<String> {
        let text = site.files.get(&r.path).map(|t| &**t).unwrap_or("");
        let key = if keep {
            content_hash(&[
                text.as_bytes(),
                &r.body_offset.to_le_bytes(),
                &page_set_hash.to_le_bytes(),
            ])
        } else {
            0
        };
        let (html, d, fresh) = match old_markdown.get(&r.path) {
            Some((h, html, d)) if keep && *h == key => (html.clone(), d.clone(), false),
            _ => {
                markdown_rendered.fetch_add(1, Relaxed);
                let (html, d) =
                    routine_html(r, &site.files, known_pages.get_or_init(|| page_set(site)));
                (Arc::new(html), d, true)
            }
        };
        if !d.is_empty() {
            markdown_diags
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((idx, d.clone()));
        }
        if keep && fresh {
            new_markdown
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((r.path.clone(), (key, html.clone(), d)));
        }
        html
    };

    let mut pages = pages::pages(site);
    // The search page is rendered last: its subject index comes from the other pages.
    let search_page = pages
        .iter()
        .position(|p| p.path == SEARCH_PAGE)
        .map(|i| pages.remove(i));
    // As with Markdown: unchanged pages stay in the map, new ones are added at the end.
    let mut old_pages = std::mem::take(&mut cache.pages);
    let pages_rendered = AtomicUsize::new(0);

    // Renders one page (or reuses it), hands it to the sink and returns its search doc,
    // and the page for the cache when it is new (`serve` only).
    let render_one = |idx: usize,
                      p: &Page,
                      subjects: Option<Value>,
                      given: Option<u64>|
     -> Result<Rendered, RenderError> {
        let print = given.or_else(|| prints.as_ref().and_then(|f| f.of(p)));
        if let Some(fp) = print
            && let Some((h, bytes, doc)) = old_pages.get(&p.path)
            && *h == fp
        {
            if let Spec::Routine(_, r) = p.spec {
                // The routine's Markdown stays in the cache for the next render (the
                // fingerprint covers its file and the page set, so the entry is still
                // right); its diagnostics are reported again.
                match old_markdown.get(&r.path) {
                    Some(entry) if entry.2.is_empty() => {}
                    _ => {
                        body_of(idx, r);
                    }
                }
            }
            sink.put(&p.path, bytes.clone())?;
            return Ok((doc.clone(), None));
        }
        let body = match p.spec {
            Spec::Routine(_, r) => Some(body_of(idx, r)),
            _ => None,
        };
        let ctx_value = page_ctx(site, p, body.as_deref().map(String::as_str), subjects);
        drop(body);
        let key = match print {
            Some(fp) => fp,
            None if keep => {
                let ctx_text = serde_json::to_string(&ctx_value).unwrap_or_default();
                content_hash(&[
                    &theme_hash.to_le_bytes(),
                    links.as_bytes(),
                    p.path.as_bytes(),
                    p.template.as_bytes(),
                    ctx_text.as_bytes(),
                ])
            }
            None => 0,
        };
        if keep
            && print.is_none()
            && let Some((h, bytes, doc)) = old_pages.get(&p.path)
            && *h == key
        {
            sink.put(&p.path, bytes.clone())?;
            return Ok((doc.clone(), None));
        }
        pages_rendered.fetch_add(1, Relaxed);
        PAGES_RENDERED.fetch_add(1, Relaxed);
        let ctx =
            tera::Context::from_value(ctx_value).map_err(|e| template_error(p.template, &e))?;
        let html = tera
            .render(p.template, &ctx)
            .map_err(|e| template_error(p.template, &e))?;
        drop(ctx);
        let html = postprocess::process(&html, depth_of(&p.path), &opts.links).map_err(|e| {
            Diagnostic::error(
                p.template,
                Pos::new(1, 1),
                format!("efterbearbetning misslyckades: {e}"),
            )
        })?;
        let doc = searchable(&p.path)
            .then(|| crate::search::extract_docs(&html, p.path.trim_end_matches("index.html")))
            .filter(|d| d.kind != crate::search::DocKind::Page)
            .map(Arc::new);
        let bytes: Bytes = Arc::new(html.into_bytes());
        sink.put(&p.path, bytes.clone())?;
        Ok((doc.clone(), keep.then_some((key, bytes, doc))))
    };

    stats.pages_total = pages.len() + usize::from(search_page.is_some());
    let rendered: Vec<Result<Rendered, RenderError>> = pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| render_one(i, p, None, None))
        .collect();
    // Reused pages count for the progress output too.
    PAGES_RENDERED.fetch_add(pages.len() - pages_rendered.load(Relaxed), Relaxed);
    stats.markdown_total = site.municipalities.iter().map(|m| m.routines.len()).sum();
    stats.markdown_rendered = markdown_rendered.load(Relaxed);
    // Markdown problems first, in page order, as one set; then the first other failure.
    let mut diags = Diagnostics::new();
    let mut md = std::mem::take(&mut *markdown_diags.lock().unwrap_or_else(|e| e.into_inner()));
    md.sort_by_key(|(i, _)| *i);
    for (_, d) in md {
        d.into_iter().for_each(|x| diags.push(x));
    }
    let fresh_markdown =
        std::mem::take(&mut *new_markdown.lock().unwrap_or_else(|e| e.into_inner()));
    if diags.has_errors() {
        if keep {
            // Kept even when the render fails: each entry is still right for its
            // inputs, so the rebuild after the fix does not start from nothing.
            cache.markdown = merge_markdown(site, old_markdown, fresh_markdown);
        }
        return Err(RenderError::Content(diags));
    }
    let mut docs: Vec<Arc<SearchDoc>> = Vec::new();
    let mut fresh_pages: Vec<(usize, CachedPage)> = Vec::new();
    for (i, r) in rendered.into_iter().enumerate() {
        let (doc, fresh) = r?;
        docs.extend(doc);
        fresh_pages.extend(fresh.map(|f| (i, f)));
    }

    let search_started = std::time::Instant::now();
    let old_data_docs = std::mem::take(&mut cache.data_docs);
    for m in &site.municipalities {
        let key = prints.as_ref().and_then(|f| {
            f.key(
                &format!("data-docs/{}", m.slug),
                &[f.municipality_data(&m.slug)],
            )
        });
        let made = match (key, old_data_docs.get(&m.slug)) {
            (Some(k), Some((old, made))) if *old == k => made.clone(),
            _ => data_docs(m).into_iter().map(Arc::new).collect(),
        };
        docs.extend(made.iter().cloned());
        if let Some(k) = key {
            cache.data_docs.insert(m.slug.clone(), (k, made));
        }
    }
    drop(old_data_docs);
    // The search index, then the A–Ö register and the search page (a one-shot build
    // makes the register without the documents' texts); alongside them the JSON export
    // and the calendars, independent jobs that fill the gaps in the index's sequential
    // steps. Every file goes to the sink as soon as it is made.
    let (searched, other) = rayon::join(
        || -> Result<Option<CachedPage>, RenderError> {
            let docs = search_index(docs, &mut cache.index, sink, stats)?;
            if let Some(page) = &search_page {
                // In serve, the page is kept while the titles and headings it lists
                // are the same (an edit inside a section does not touch the register).
                let old = std::mem::take(&mut cache.doc_prints);
                let print = prints.as_ref().map(|f| {
                    let (print, per_doc) = f.search_page(page, &docs, &old);
                    cache.doc_prints = per_doc;
                    print
                });
                drop(old);
                let kept =
                    print.is_some_and(|fp| old_pages.get(&page.path).is_some_and(|e| e.0 == fp));
                let subjects = (!kept).then(|| subjects_json(&docs, cache.subjects.as_mut()));
                let (_, fresh) = render_one(usize::MAX, page, subjects, print)?;
                return Ok(fresh);
            }
            Ok(None)
        },
        || other_files(site, prints.as_ref(), &cache.files, sink),
    );
    if let (Some(page), Some(fresh)) = (&search_page, searched?) {
        old_pages.insert(page.path.clone(), fresh);
    }
    let made = other?;
    stats.pages_rendered = pages_rendered.load(Relaxed);
    // Every page went to the sink, as one file.
    stats.files += stats.pages_total;
    if keep {
        cache.markdown = merge_markdown(site, old_markdown, fresh_markdown);
        for (i, f) in fresh_pages {
            old_pages.insert(pages[i].path.clone(), f);
        }
        if old_pages.len() > stats.pages_total {
            let current: HashSet<&str> = pages
                .iter()
                .chain(&search_page)
                .map(|p| p.path.as_str())
                .collect();
            old_pages.retain(|path, _| current.contains(path.as_str()));
        }
        cache.pages = old_pages;
    }
    stats.search_time = search_started.elapsed();

    // Every other file; the search index comes last (see `render_cached`).
    let mut rest: Vec<(String, Bytes)> = Vec::new();
    for (name, text, _) in &theme_files {
        if let Some(path) = name.strip_prefix("static/") {
            rest.push((
                format!("static/{path}"),
                Arc::new(text.clone().into_bytes()),
            ));
        }
    }
    if let Some(css) = theme::site_css(site.config.colors.as_ref()) {
        rest.push(("static/css/site.css".into(), Arc::new(css.into_bytes())));
    }
    if let Some(logo) = &site.config.logo {
        let src = theme::site_static_file(root, &logo.file.0);
        let bytes = src.as_ref().and_then(|p| std::fs::read(p).ok());
        let Some(bytes) = bytes else {
            return Err(Diagnostic::error(
                crate::loader::SITE_FILE,
                Pos::new(1, 1),
                format!("logotypen `{}` kan inte läsas", logo.file),
            )
            .into());
        };
        rest.push((format!("static/{}", logo.file), Arc::new(bytes)));
    }
    // Files whose inputs are unchanged stay in the cache; new ones are added. Each
    // goes to the sink as soon as it is made, so they are never all held at once.
    let mut keyed = 0;
    let mut fresh_files = Vec::new();
    stats.files += made.len();
    for (path, key, fresh) in &made {
        if let Some(k) = key {
            keyed += 1;
            if let Some(bytes) = fresh {
                fresh_files.push((path.clone(), (*k, bytes.clone())));
            }
        }
    }
    cache.files.extend(fresh_files);
    if cache.files.len() > keyed {
        let current: HashSet<&str> = made.iter().map(|(p, _, _)| p.as_str()).collect();
        cache.files.retain(|p, _| current.contains(p.as_str()));
    }
    drop(made);
    if let Some(f) = prints {
        f.keep(&mut cache.prints);
    }
    stats.files += rest.len();
    rest.into_par_iter()
        .try_for_each(|(p, b)| sink.put(&p, b))?;
    Ok(())
}

/// The Markdown cache for the next render: the entries kept from the last one with the
/// new ones added, without those of routines that are gone.
fn merge_markdown(
    site: &Site,
    mut kept: FxMap<String, CachedMarkdown>,
    fresh: Vec<(String, CachedMarkdown)>,
) -> FxMap<String, CachedMarkdown> {
    kept.extend(fresh);
    let total: usize = site.municipalities.iter().map(|m| m.routines.len()).sum();
    if kept.len() > total {
        let current: HashSet<&str> = site
            .municipalities
            .iter()
            .flat_map(|m| m.routines.iter().map(|r| r.path.as_str()))
            .collect();
        kept.retain(|path, _| current.contains(path.as_str()));
    }
    kept
}

/// A file made by one job, and the key of its inputs when `serve` may reuse it.
type Job<'a> = (
    String,
    Option<u64>,
    Box<dyn Fn() -> Vec<u8> + Send + Sync + 'a>,
);

/// The JSON export and the calendar files, made in parallel and handed to `sink`; in
/// `serve`, a file whose inputs are unchanged is taken from `old`. Returns each path
/// with its key, and its bytes when they are new and keyed (for the cache).
#[allow(clippy::type_complexity)]
fn other_files(
    site: &Site,
    prints: Option<&Fingerprints>,
    old: &FxMap<String, (u64, Bytes)>,
    sink: &dyn Sink,
) -> Result<Vec<(String, Option<u64>, Option<Bytes>)>, IoFailure> {
    let key = |path: &str, parts: &[Option<&u64>]| prints.and_then(|f| f.key(path, parts));
    let mut jobs: Vec<Job> = Vec::new();
    for m in &site.municipalities {
        let path = format!("data/{}.json", m.slug);
        let k = key(&path, &[prints.and_then(|f| f.municipality_full(&m.slug))]);
        jobs.push((
            path,
            k,
            Box::new(move || export::municipality_json(site, m).1),
        ));
        let path = format!("{}/kalender.ics", m.slug);
        let k = key(&path, &[prints.and_then(|f| f.municipality_data(&m.slug))]);
        jobs.push((
            path,
            k,
            Box::new(move || {
                crate::schedule::maintenance_ics(&m.slug, &m.data, site.now).into_bytes()
            }),
        ));
    }
    jobs.push((
        export::INDEX_JSON.into(),
        None,
        Box::new(move || export::index_json(site).1),
    ));
    for p in &site.providers {
        let Some(m) = site.municipality(p.data.municipality.as_str()) else {
            continue;
        };
        let path = format!("utforare/{}/checklista.ics", p.id);
        let k = key(
            &path,
            &[
                prints.and_then(|f| f.municipality_data(&m.slug)),
                prints.and_then(|f| f.provider.get(&p.id)),
            ],
        );
        jobs.push((
            path,
            k,
            Box::new(move || {
                // Only the steps for the provider's services, as on its page.
                let mut due = crate::schedule::due_dates(&m.data, p.data.start_date.0);
                due.retain(|id, _| {
                    m.data.checklist.iter().any(|s| {
                        s.id.as_str() == id
                            && (s.services.is_empty()
                                || s.services.iter().any(|x| p.data.services.contains(x)))
                    })
                });
                crate::schedule::checklist_ics(
                    &format!("utforare-{}", p.id),
                    &p.data.name,
                    &m.data,
                    &due,
                    site.now,
                )
                .into_bytes()
            }),
        ));
    }
    jobs.into_par_iter()
        .map(|(path, k, job)| {
            if let Some(k) = k
                && let Some((old_k, bytes)) = old.get(&path)
                && *old_k == k
            {
                sink.put(&path, bytes.clone())?;
                return Ok((path, Some(k), None));
            }
            let bytes: Bytes = Arc::new(job());
            sink.put(&path, bytes.clone())?;
            let fresh = k.is_some().then_some(bytes);
            Ok((path, k, fresh))
        })
        .collect()
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

/// One search document per contact and e-service of a municipality, so the type
/// filter can find them (the pages themselves are read back as they are rendered).
fn data_docs(m: &crate::model::MunicipalityEntry) -> Vec<SearchDoc> {
    use crate::search::{DocKind, Section};
    let mut docs = Vec::new();
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
    docs
}

/// Entries listed under one term of the A–Ö register; past that the register says how many
/// more pages there are, so the page stays small on a portal with hundreds of
/// municipalities.
const SUBJECT_ENTRIES: usize = 25;

fn subjects_json(
    docs: &[Arc<SearchDoc>],
    cache: Option<&mut crate::search::SubjectCache>,
) -> Value {
    let index = match cache {
        Some(c) => crate::search::subject_index_cached(docs, c, SUBJECT_ENTRIES),
        None => crate::search::subject_index_top(docs, SUBJECT_ENTRIES),
    };
    let letters: Vec<Value> = index
        .into_iter()
        .map(|(letter, terms)| {
            let terms: Vec<Value> = terms
                .into_iter()
                .map(|(term, pages, total)| {
                    let more = total.saturating_sub(SUBJECT_ENTRIES);
                    let pages: Vec<Value> = pages
                        .into_iter()
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
    // Runs without a special character are copied whole; the five are ASCII, so
    // they never sit inside a multi-byte character.
    let mut copied = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

/// A hash of what [`page_set`] is made from (every municipality's, routine's, system's
/// and provider's slug, in order), without building the set: the same for the same set
/// of pages.
fn page_set_hash(site: &Site) -> u64 {
    let mut bytes: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut part = |p: &str| {
        bytes.extend_from_slice(&(p.len() as u64).to_le_bytes());
        bytes.extend_from_slice(p.as_bytes());
    };
    for m in &site.municipalities {
        part(&m.slug);
        part(&m.routines.len().to_string());
        for r in &m.routines {
            part(&r.slug);
        }
    }
    part(&site.systems.len().to_string());
    for sys in &site.systems {
        part(sys.id.as_str());
    }
    part(&site.providers.len().to_string());
    for p in &site.providers {
        part(&p.id);
    }
    content_hash(&[&bytes])
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
    files: &BTreeMap<String, Arc<str>>,
    pages: &BTreeSet<String>,
) -> (String, Vec<Diagnostic>) {
    let out = markdown::render(r.body(files));
    let text = files.get(&r.path).map(|t| &**t).unwrap_or("");
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
        // Worked out only for a link that is reported: most are fine.
        let at = r.body_offset + link.offset;
        if let Some((msg, hint)) = crate::sanitize::url_problem(&link.url) {
            diags.push(Diagnostic::error(&r.path, cursor.at(at), msg).with_hint(hint));
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
                        cursor.at(at),
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
                Diagnostic::error(&r.path, cursor.at(at), format!("länken `{url}` går inte att följa"))
                    .with_hint("länka till andra sidor i portalen med @/<kommun>/<rutin>/, och till webben med https://"),
            );
        }
    }
    (wrap_tables(&crate::sanitize::markdown_html(&out)), diags)
}

/// Puts each table of sanitised routine HTML in a keyboard-scrollable region, so a wide
/// table scrolls on its own on a phone instead of making the whole page scroll sideways.
fn wrap_tables(html: &str) -> String {
    let mut n = 0;
    let mut out = String::with_capacity(html.len() + 128);
    let mut rest = html;
    let next_table = |s: &str| memchr::memmem::find(s.as_bytes(), b"<table>");
    while let Some(i) = next_table(rest) {
        n += 1;
        out.push_str(&rest[..i]);
        out.push_str(&format!(
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell {n}\">"
        ));
        let after = &rest[i..];
        match memchr::memmem::find(after.as_bytes(), b"</table>") {
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

#[cfg(test)]
mod tests {
    use super::{escape_html, wrap_tables};

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_everything_else() {
        let reference = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#x27;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for s in [
            "",
            "plain",
            "&",
            "Åsa & Örjan <åäö> \"citat\" 'enkla' ",
            "ö<ö>ö&ö\"ö'ö",
            "<<>>&&''\"\"",
            "€&😀<漢>",
            "slut med &",
        ] {
            assert_eq!(escape_html(s), reference(s), "{s}");
        }
    }

    #[test]
    fn tables_inside_other_tags_and_near_the_end_are_found() {
        let html = "<p><b>x</b><tab</p><table></table><";
        assert_eq!(
            wrap_tables(html),
            "<p><b>x</b><tab</p><div class=\"table-wrap\" role=\"region\" tabindex=\"0\" \
             aria-label=\"Tabell 1\"><table></table></div><"
        );
    }

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
