//! Load stage: reads `data/` and `content/` under the site root into typed values.
//! Every file is checked for size, encoding and NUL bytes before it is parsed; every
//! problem becomes a `Diagnostic` and loading goes on, so one run reports them all.

pub mod cache;
pub mod locate;
pub mod yaml;

pub use cache::{LoadCache, LoadStats};

use crate::diagnostics::{Diagnostic, Diagnostics, IoFailure, Pos};
use crate::model::types::{Municipality, Provider, RoutineMeta, SiteConfig, SystemRegistry};
use crate::model::values::check_slug;
use crate::render::content_hash;
use cache::{CachedFile, Stamp};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A routine as read from `content/<kommun>/<slug>.md`.
#[derive(Debug, Clone)]
pub struct RawRoutine {
    pub municipality: String,
    pub slug: String,
    pub path: String,
    pub meta: RoutineMeta,
    /// Byte offset of the body (the Markdown after the front matter) in the file.
    pub body_offset: usize,
}

impl RawRoutine {
    /// The Markdown after the front matter, read from the site's file texts (kept once,
    /// not copied per routine).
    pub fn body<'a>(&self, files: &'a BTreeMap<String, Arc<str>>) -> &'a str {
        files
            .get(&self.path)
            .and_then(|t| t.get(self.body_offset..))
            .unwrap_or("")
    }
}

/// Everything read from a site root, before cross-references are checked.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Option<SiteConfig>,
    pub systems: Option<SystemRegistry>,
    /// (slug, path, data), sorted by slug.
    pub municipalities: Vec<(String, String, Arc<Municipality>)>,
    pub routines: Vec<Arc<RawRoutine>>,
    /// (id, path, data), sorted by id.
    pub providers: Vec<(String, String, Arc<Provider>)>,
    /// Text of every source file by its path relative to the root.
    pub files: BTreeMap<String, Arc<str>>,
    /// Slugs of municipality files that exist but could not be read; references to
    /// them are not reported again.
    pub broken_municipalities: std::collections::BTreeSet<String>,
}

pub const SITE_FILE: &str = "data/site.yaml";
pub const SYSTEMS_FILE: &str = "data/system.yaml";
pub const MUNICIPALITY_DIR: &str = "data/kommuner";
pub const PROVIDER_DIR: &str = "data/providers";
pub const CONTENT_DIR: &str = "content";

/// Reads the site at `root`. I/O failures on the root itself are `Err`; problems with
/// the content are diagnostics.
pub fn load(root: &Path) -> Result<(Loaded, Diagnostics), IoFailure> {
    load_cached(root, None)
}

/// Like [`load`], but takes what did not change since the last load with the same
/// `cache` from it (see [`cache`]); the result is the same.
pub fn load_cached(
    root: &Path,
    mut cache: Option<&mut LoadCache>,
) -> Result<(Loaded, Diagnostics), IoFailure> {
    if !root.join("data").is_dir() {
        return Err(IoFailure {
            path: root.join("data"),
            error: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "ingen data-mapp: är --root rätt?",
            ),
        });
    }
    let old = cache.as_mut().map(|c| std::mem::take(&mut c.files));
    let epoch = match cache.as_mut() {
        Some(c) => {
            c.epoch += 1;
            c.epoch
        }
        None => 0,
    };
    let reader = Reader {
        root,
        old: old.as_ref(),
        caching: cache.is_some(),
        epoch,
        settled: {
            let now = std::time::SystemTime::now();
            let settle = cache.as_ref().map(|c| c.settle).unwrap_or_default();
            now.checked_sub(settle)
                .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
        },
        allow: None,
        out: Out::default(),
    };
    let result = match io_pool() {
        Some(pool) => pool.install(|| read_all(reader)),
        None => read_all(reader),
    };
    match result {
        Ok((loaded, out)) => {
            if let (Some(c), Some(mut files)) = (cache, old) {
                // Files not seen this time are gone; the changed ones are replaced.
                files.retain(|_, f| f.seen.load(std::sync::atomic::Ordering::Relaxed) == epoch);
                for (rel, f) in out.fresh {
                    f.seen.store(epoch, std::sync::atomic::Ordering::Relaxed);
                    files.insert(rel, f);
                }
                c.files = files;
                c.stats = out.stats;
            }
            Ok((loaded, out.diags))
        }
        Err(e) => {
            if let (Some(c), Some(old)) = (cache, old) {
                c.files = old;
            }
            Err(e)
        }
    }
}

/// Threads for reading the sources: more than the cores, since a read whose pages are
/// not in the page cache waits for the disk. Measured on the 290 x 10 corpus with a
/// cold cache (2 cores): reading took 575–605 ms with 2 threads and 320–380 ms with 8;
/// with a warm cache the extra threads cost nothing measurable. `None` (the global
/// pool is used) if the threads cannot be started.
fn io_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        // Four per core, at least 8 and at most 64.
        let threads = (rayon::current_num_threads() * 4).clamp(8, 64);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("lovportal-read-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Reads every source file. Returns what was read, and the diagnostics in the order of
/// a plain loop over the files (the list of allowed personal identity numbers is read
/// first, since every file is scanned with it, but reported where it always was: after
/// the content).
fn read_all(mut reader: Reader) -> Result<(Loaded, Out), IoFailure> {
    let root = reader.root;
    let mut out = Loaded::default();

    let mut first = reader.fork();
    let allow: crate::pii::AllowList = first
        .yaml_file(crate::pii::ALLOW_LIST_PATH, false)
        .unwrap_or_default();
    // The list itself is scanned too (numbers in it are allowed there).
    let allow_key = match first.out.files.first() {
        Some((_, t)) if reader.caching => content_hash(&[b"allow", t.as_bytes()]),
        _ => 0,
    };
    let allow = Arc::new(allow);
    first.allow = Some((allow_key, allow.clone()));
    first.scan_read(crate::pii::ALLOW_LIST_PATH);
    let allow_read = first.out;
    reader.allow = Some((allow_key, allow.clone()));
    out.config = reader.yaml_file(SITE_FILE, true);
    if let Some(logo) = out.config.as_ref().and_then(|c| c.logo.as_ref())
        && crate::theme::site_static_file(root, &logo.file.0).is_none()
    {
        let pos = reader
            .out
            .files
            .iter()
            .find(|(p, _)| p == SITE_FILE)
            .map(|(_, t)| {
                let at = [locate::Seg::from("logo"), locate::Seg::from("file")];
                locate::locate(t, &at)
            })
            .unwrap_or(Pos::new(1, 1));
        reader.out.diags.push(
            Diagnostic::error(
                SITE_FILE,
                pos,
                format!("logotypen `{}` finns inte", logo.file),
            )
            .with_hint(format!(
                "lägg bilden i static/{} under portalens rotmapp (eller i {}/static/)",
                logo.file,
                crate::theme::THEME_DIR
            )),
        );
    }
    out.systems = reader.yaml_file(SYSTEMS_FILE, true);
    let list = reader.list(MUNICIPALITY_DIR, &["yaml", "yml"])?;
    let loaded = reader.par_each(&list, |r, f| {
        r.parsed(&f.rel, f.meta.as_ref(), true, |text| {
            yaml::parse::<Municipality>(&f.rel, text, 0).map(Arc::new)
        })
    });
    for (f, m) in list.into_iter().zip(loaded) {
        match m {
            Some(m) => out.municipalities.push((f.stem, f.rel, m)),
            None => {
                out.broken_municipalities.insert(f.stem);
            }
        }
    }
    let list = reader.list(PROVIDER_DIR, &["yaml", "yml"])?;
    let loaded = reader.par_each(&list, |r, f| {
        r.parsed(&f.rel, f.meta.as_ref(), true, |text| {
            yaml::parse::<Provider>(&f.rel, text, 0).map(Arc::new)
        })
    });
    for (f, p) in list.into_iter().zip(loaded) {
        if let Some(p) = p {
            out.providers.push((f.stem, f.rel, p));
        }
    }
    let content = root.join(CONTENT_DIR);
    if content.is_dir() {
        // One task per folder: list it, read its routines.
        let folders: Vec<(PathBuf, Kind)> = sorted_entries(&content, false)?
            .into_iter()
            .map(|(p, kind, _)| (p, kind))
            .filter(|(p, _)| !file_name(p).starts_with('.'))
            .collect();
        type Folder = Result<(Vec<Arc<RawRoutine>>, Out), IoFailure>;
        let read: Vec<Folder> = folders
            .par_iter()
            .map(|(dir, kind)| {
                let mut r = reader.fork();
                let name = file_name(dir);
                let rel_dir = format!("{CONTENT_DIR}/{name}");
                if *kind != Kind::Dir {
                    r.out.diags.push(
                        Diagnostic::warning(
                            &rel_dir,
                            Pos::new(1, 1),
                            "filen ligger direkt i content/ och används inte",
                        )
                        .with_hint("lägg rutiner i content/<kommun>/<rutin>.md"),
                    );
                    return Ok((Vec::new(), r.out));
                }
                let list = r.list(&rel_dir, &["md"])?;
                let routines = list.iter().filter_map(|f| r.routine(&name, f)).collect();
                Ok((routines, r.out))
            })
            .collect();
        for folder in read {
            let (routines, produced) = folder?;
            reader.out.absorb(produced);
            out.routines.extend(routines);
        }
    }
    reader.out.absorb(allow_read);
    let mut all = reader.out;
    out.files = std::mem::take(&mut all.files).into_iter().collect();
    // Personal identity numbers are refused wherever they are written: first the list
    // of allowed ones is checked against the files it names, then every file's findings
    // are reported in path order.
    if out.files.contains_key(crate::pii::ALLOW_LIST_PATH) {
        let files = &out.files;
        let lookup = |p: &str| files.get(p).map(|t| t.to_string());
        let found = crate::pii::validate_allow_list(&allow, crate::pii::ALLOW_LIST_PATH, &lookup);
        for d in found {
            all.diags.push(d);
        }
    }
    let mut pii = std::mem::take(&mut all.pii);
    pii.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, found) in pii {
        for d in found.iter() {
            all.diags.push(d.clone());
        }
    }
    Ok((out, all))
}

/// What a [`Reader`] produced: diagnostics, file texts and (with a cache) the entries
/// for the next load.
#[derive(Default)]
struct Out {
    diags: Diagnostics,
    /// The texts of the files read, in the order read.
    files: Vec<(String, Arc<str>)>,
    fresh: Vec<(String, CachedFile)>,
    /// The personal identity numbers found, by file (files with findings only).
    pii: Vec<(String, Arc<[Diagnostic]>)>,
    stats: LoadStats,
}

impl Out {
    /// Appends `other` (what came later in the order of a plain loop).
    fn absorb(&mut self, other: Out) {
        self.diags.extend(other.diags);
        self.files.extend(other.files);
        self.fresh.extend(other.fresh);
        self.pii.extend(other.pii);
        let (a, b) = (&mut self.stats, other.stats);
        a.files += b.files;
        a.read += b.read;
        a.parsed += b.parsed;
        a.scanned += b.scanned;
    }
}

struct Reader<'a> {
    root: &'a Path,
    /// The last load's files, when there is a cache.
    old: Option<&'a std::collections::HashMap<String, CachedFile>>,
    /// Whether there is a cache to fill (`serve`).
    caching: bool,
    /// Counts loads with the cache: each cached file seen is marked with it.
    epoch: u64,
    /// Metadata older than this can stand for a file's content (see [`cache::SETTLE`]).
    settled: std::time::SystemTime,
    /// The allowed personal identity numbers (with a key for the cache: the hash of the
    /// list's text), once read; every file read after is scanned with them.
    allow: Option<(u64, Arc<crate::pii::AllowList>)>,
    out: Out,
}

impl<'a> Reader<'a> {
    /// A reader of its own, for one item of a parallel pass.
    fn fork(&self) -> Reader<'a> {
        Reader {
            root: self.root,
            old: self.old,
            caching: self.caching,
            epoch: self.epoch,
            settled: self.settled,
            allow: self.allow.clone(),
            out: Out::default(),
        }
    }

    /// Runs `f` on every item in parallel, each with a reader of its own, and returns
    /// the results with what each reader produced, in the items' order.
    fn par_map<I: Sync, T: Send>(
        &self,
        items: &[I],
        f: impl Fn(&mut Reader, &I) -> Option<T> + Sync,
    ) -> Vec<(Option<T>, Out)> {
        items
            .par_iter()
            .map(|item| {
                let mut r = self.fork();
                let v = f(&mut r, item);
                (v, r.out)
            })
            .collect()
    }

    /// Like [`Reader::par_map`], merging the readers' output into this one in the
    /// items' order (so the result is the same as a loop).
    fn par_each<I: Sync, T: Send>(
        &mut self,
        items: &[I],
        f: impl Fn(&mut Reader, &I) -> Option<T> + Sync,
    ) -> Vec<Option<T>> {
        self.par_map(items, f)
            .into_iter()
            .map(|(v, out)| {
                self.out.absorb(out);
                v
            })
            .collect()
    }

    /// Files with one of `exts` in `dir` (relative), sorted. A stem that is not a valid
    /// slug is reported and skipped.
    fn list(&mut self, dir: &str, exts: &[&str]) -> Result<Vec<Listed>, IoFailure> {
        let abs = self.root.join(dir);
        if !abs.is_dir() {
            return Ok(Vec::new());
        }
        let mut v = Vec::new();
        for (p, kind, meta) in sorted_entries(&abs, self.caching)? {
            let name = file_name(&p);
            if name.starts_with('.') || kind != Kind::File {
                continue;
            }
            let Some((stem, ext)) = name.rsplit_once('.') else {
                continue;
            };
            if !exts.contains(&ext) {
                continue;
            }
            let rel = format!("{dir}/{name}");
            if let Err(e) = check_slug(stem) {
                self.out.diags.push(
                    Diagnostic::error(&rel, Pos::new(1, 1), format!("filnamnet: {}", e.message))
                        .with_hint("byt namn på filen: små bokstäver a-z, siffror och bindestreck (filnamnet blir adressen)"),
                );
                continue;
            }
            v.push(Listed {
                stem: stem.to_string(),
                rel,
                meta,
            });
        }
        Ok(v)
    }

    /// Reads a source file with the checks every source file gets (size, encoding, NUL
    /// bytes) and parses its text with `parse`, which must depend on nothing but `rel`
    /// and the text. With a cache, an unchanged file is neither read nor parsed again.
    /// `meta` is the file's metadata when the listing had it.
    fn parsed<T: Clone + Send + Sync + 'static>(
        &mut self,
        rel: &str,
        meta: Option<&std::fs::Metadata>,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, Diagnostic>,
    ) -> Option<T> {
        let abs = || self.root.join(rel);
        let stat;
        let meta = match meta {
            Some(m) => m,
            None => {
                stat = std::fs::metadata(abs());
                match &stat {
                    Ok(m) => m,
                    Err(_) if !required => return None,
                    Err(e) => {
                        self.out.diags.push(
                            Diagnostic::error(
                                rel,
                                Pos::new(1, 1),
                                format!("filen kan inte läsas: {e}"),
                            )
                            .with_hint(
                                "skapa filen; `lovportal init` visar hur en minimal portal ser ut",
                            ),
                        );
                        return None;
                    }
                }
            }
        };
        if meta.len() > MAX_FILE_BYTES {
            self.out.diags.push(
                Diagnostic::error(
                    rel,
                    Pos::new(1, 1),
                    format!(
                        "filen är för stor ({} byte, högst {MAX_FILE_BYTES})",
                        meta.len()
                    ),
                )
                .with_hint("dela upp innehållet i flera filer"),
            );
            return None;
        }
        self.out.stats.files += 1;
        let old = self.old.and_then(|m| m.get(rel));
        let stamp = if self.caching {
            Stamp::of(meta, self.settled)
        } else {
            None
        };
        if let Some(e) = old {
            e.seen
                .store(self.epoch, std::sync::atomic::Ordering::Relaxed);
        }
        let mut entry: Cow<CachedFile> = match old {
            Some(e) if stamp.is_some() && e.stamp == stamp => Cow::Borrowed(e),
            _ => {
                let bytes = match std::fs::read(abs()) {
                    Ok(b) => b,
                    Err(e) => {
                        self.out.diags.push(Diagnostic::error(
                            rel,
                            Pos::new(1, 1),
                            format!("filen kan inte läsas: {e}"),
                        ));
                        return None;
                    }
                };
                self.out.stats.read += 1;
                let hash = if self.caching {
                    content_hash(&[&bytes])
                } else {
                    0
                };
                match old {
                    Some(e) if self.caching && e.hash == hash && e.stamp == stamp => {
                        Cow::Borrowed(e)
                    }
                    Some(e) if self.caching && e.hash == hash => {
                        Cow::Owned(CachedFile { stamp, ..e.clone() })
                    }
                    _ => {
                        self.out.stats.parsed += 1;
                        Cow::Owned(CachedFile {
                            stamp,
                            hash,
                            text: decode_shared(&bytes).map_err(|(pos, msg, hint)| {
                                Diagnostic::error(rel, pos, msg).with_hint(hint)
                            }),
                            parsed: None,
                            pii: None,
                            seen: Default::default(),
                        })
                    }
                }
            }
        };
        let result = match entry.text.clone() {
            Err(d) => {
                self.out.diags.push(d);
                None
            }
            Ok(text) => {
                self.out.files.push((rel.to_string(), text.clone()));
                self.scan(rel, &text, &mut entry);
                let known = entry
                    .parsed
                    .as_ref()
                    .and_then(|p| p.downcast_ref::<Result<T, Diagnostic>>());
                let r = match known {
                    Some(r) => r.clone(),
                    None => {
                        let r = parse(&text);
                        if self.caching {
                            entry.to_mut().parsed = Some(Arc::new(r.clone()));
                        }
                        r
                    }
                };
                match r {
                    Ok(v) => Some(v),
                    Err(d) => {
                        self.out.diags.push(d);
                        None
                    }
                }
            }
        };
        if let (true, Cow::Owned(entry)) = (self.caching, entry) {
            self.out.fresh.push((rel.to_string(), entry));
        }
        result
    }

    /// Scans a file's text for personal identity numbers (once the allow-list is read),
    /// or takes the findings from the cache when the text and the list are unchanged.
    fn scan(&mut self, rel: &str, text: &str, entry: &mut Cow<CachedFile>) {
        let Some((key, allow)) = &self.allow else {
            return;
        };
        let found = match &entry.pii {
            Some((k, found)) if self.caching && k == key => found.clone(),
            _ => {
                self.out.stats.scanned += 1;
                let found: Arc<[Diagnostic]> = crate::pii::scan(rel, text, allow).into();
                if self.caching {
                    entry.to_mut().pii = Some((*key, found.clone()));
                }
                found
            }
        };
        if !found.is_empty() {
            self.out.pii.push((rel.to_string(), found));
        }
    }

    /// [`Reader::scan`] for a file already read (the allow-list itself).
    fn scan_read(&mut self, rel: &str) {
        let Some(text) = self
            .out
            .files
            .iter()
            .find(|(p, _)| p == rel)
            .map(|(_, t)| t.clone())
        else {
            return;
        };
        // The entry is the one just made (when the list changed) or the cached one.
        let mut fresh = std::mem::take(&mut self.out.fresh);
        let made = fresh.iter().position(|(p, _)| p == rel);
        let mut entry = match (made, self.old.and_then(|m| m.get(rel))) {
            (Some(i), _) => Cow::Owned(fresh.swap_remove(i).1),
            (None, Some(e)) => Cow::Borrowed(e),
            (None, None) => Cow::Owned(CachedFile {
                stamp: None,
                hash: 0,
                text: Ok(text.clone()),
                parsed: None,
                pii: None,
                seen: Default::default(),
            }),
        };
        self.scan(rel, &text, &mut entry);
        if let (true, Cow::Owned(entry)) = (self.caching, entry) {
            fresh.push((rel.to_string(), entry));
        }
        self.out.fresh = fresh;
    }

    fn yaml_file<T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static>(
        &mut self,
        rel: &str,
        required: bool,
    ) -> Option<T> {
        self.parsed(rel, None, required, |text| yaml::parse::<T>(rel, text, 0))
    }

    fn routine(&mut self, municipality: &str, f: &Listed) -> Option<Arc<RawRoutine>> {
        let (slug, rel) = (f.stem.as_str(), f.rel.as_str());
        self.parsed(rel, f.meta.as_ref(), true, |text| {
            let Some((front, body_offset)) = split_front_matter(text) else {
                return Err(
                    Diagnostic::error(rel, Pos::new(1, 1), "rutinen saknar inledande metadata (front matter)")
                        .with_hint("börja filen med en rad ---, sedan title:, summary: med flera, och avsluta med en rad ---"),
                );
            };
            let meta = yaml::parse::<RoutineMeta>(rel, front, 1)?;
            Ok(Arc::new(RawRoutine {
                municipality: municipality.to_string(),
                slug: slug.to_string(),
                path: rel.to_string(),
                meta,
                body_offset,
            }))
        })
    }
}

/// Checks and decodes a source file: UTF-8 (a BOM is dropped), no NUL bytes, and CRLF
/// line endings turned into LF (positions stay the same).
pub fn decode(bytes: &[u8]) -> Result<String, (Pos, String, String)> {
    checked_text(bytes).map(|t| match t {
        Cow::Borrowed(t) => t.to_string(),
        Cow::Owned(t) => t,
    })
}

/// [`decode`] into a shared string (copied once).
fn decode_shared(bytes: &[u8]) -> Result<Arc<str>, (Pos, String, String)> {
    checked_text(bytes).map(|t| Arc::from(&*t))
}

fn checked_text(bytes: &[u8]) -> Result<Cow<'_, str>, (Pos, String, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let pos = Pos::of_offset(valid, valid.len());
            return Err((
                pos,
                "filen är inte UTF-8".into(),
                "spara filen med teckenkodningen UTF-8 i din editor (åäö blir annars fel)".into(),
            ));
        }
    };
    if let Some(i) = memchr::memchr(0, text.as_bytes()) {
        return Err((
            Pos::of_offset(text, i),
            "filen innehåller ett NUL-tecken".into(),
            "ta bort tecknet; filen kan vara skadad eller binär".into(),
        ));
    }
    Ok(if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    })
}

/// Splits `---\n<yaml>\n---\n<body>` into the YAML and the body's byte offset.
pub fn split_front_matter(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix("---\n")?;
    let mut offset = 4;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &text[4..offset];
            return Some((front, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// A file found by [`Reader::list`].
struct Listed {
    stem: String,
    /// Path relative to the root.
    rel: String,
    /// Its metadata, when the listing gave it (a cache wants it for every file).
    meta: Option<std::fs::Metadata>,
}

/// What a folder entry is, following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Dir,
    File,
    Other,
}

/// The entries of `dir`, sorted, each with its kind and, with `meta`, a regular file's
/// metadata. Both mostly come with the listing (the metadata without a walk of the whole
/// path), so most entries need no call of their own.
type Entry = (PathBuf, Kind, Option<std::fs::Metadata>);
fn sorted_entries(dir: &Path, meta: bool) -> Result<Vec<Entry>, IoFailure> {
    let rd = std::fs::read_dir(dir).map_err(|error| IoFailure {
        path: dir.to_path_buf(),
        error,
    })?;
    let mut v: Vec<Entry> = rd
        .filter_map(|e| {
            let e = e.ok()?;
            let p = e.path();
            let t = e.file_type().ok();
            let kind = match t {
                Some(t) if t.is_dir() => Kind::Dir,
                Some(t) if t.is_file() => Kind::File,
                Some(t) if !t.is_symlink() => Kind::Other,
                _ if p.is_dir() => Kind::Dir,
                _ if p.is_file() => Kind::File,
                _ => Kind::Other,
            };
            let regular = t.is_some_and(|t| t.is_file());
            let m = if meta && regular {
                e.metadata().ok()
            } else {
                None
            };
            Some((p, kind, m))
        })
        .collect();
    // All in one folder, so the bytes of the paths order them as their names.
    v.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    Ok(v)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split() {
        let t = "---\ntitle: x\n---\n# Body\n";
        let (front, off) = split_front_matter(t).unwrap();
        assert_eq!(front, "title: x\n");
        assert_eq!(&t[off..], "# Body\n");
        assert!(split_front_matter("# no front matter").is_none());
        assert!(split_front_matter("---\ntitle: x\n").is_none());
    }

    #[test]
    fn decode_checks() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa: 1\r\nb: 2\r\n").unwrap(),
            "a: 1\nb: 2\n"
        );
        let (pos, msg, _) = decode(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!((pos.line, pos.column), (2, 4));
        assert!(msg.contains("UTF-8"));
        assert!(decode(b"a\0").unwrap_err().1.contains("NUL"));
    }
}
