//! Load stage: reads `data/` and `content/` under the site root into typed values.
//! Every file is checked for size, encoding and NUL bytes before it is parsed; every
//! problem becomes a `Diagnostic` and loading goes on, so one run reports them all.

pub mod locate;
pub mod yaml;

use crate::diagnostics::{Diagnostic, Diagnostics, IoFailure, Pos};
use crate::model::types::{Municipality, Provider, RoutineMeta, SiteConfig, SystemRegistry};
use crate::model::values::check_slug;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    pub fn body<'a>(&self, files: &'a std::collections::BTreeMap<String, String>) -> &'a str {
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
    pub municipalities: Vec<(String, String, Municipality)>,
    pub routines: Vec<RawRoutine>,
    /// (id, path, data), sorted by id.
    pub providers: Vec<(String, String, Provider)>,
    /// Text of every source file by its path relative to the root.
    pub files: BTreeMap<String, String>,
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
    if !root.join("data").is_dir() {
        return Err(IoFailure {
            path: root.join("data"),
            error: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "ingen data-mapp: är --root rätt?",
            ),
        });
    }
    let mut out = Loaded::default();
    let mut diags = Diagnostics::new();
    let mut reader = Reader {
        root,
        diags: &mut diags,
        files: &mut out.files,
    };

    out.config = reader.yaml_file(SITE_FILE, true);
    if let Some(logo) = out.config.as_ref().and_then(|c| c.logo.as_ref())
        && crate::theme::site_static_file(root, &logo.file.0).is_none()
    {
        let pos = reader
            .files
            .get(SITE_FILE)
            .map(|t| {
                let at = [locate::Seg::from("logo"), locate::Seg::from("file")];
                locate::locate(t, &at)
            })
            .unwrap_or(Pos::new(1, 1));
        reader.diags.push(
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
    let loaded = reader.par_each(&list, |r, (_, rel)| r.yaml_file::<Municipality>(rel, true));
    for ((slug, rel), m) in list.into_iter().zip(loaded) {
        match m {
            Some(m) => out.municipalities.push((slug, rel, m)),
            None => {
                out.broken_municipalities.insert(slug);
            }
        }
    }
    let list = reader.list(PROVIDER_DIR, &["yaml", "yml"])?;
    let loaded = reader.par_each(&list, |r, (_, rel)| r.yaml_file::<Provider>(rel, true));
    for ((id, rel), p) in list.into_iter().zip(loaded) {
        if let Some(p) = p {
            out.providers.push((id, rel, p));
        }
    }
    let content = root.join(CONTENT_DIR);
    if content.is_dir() {
        for dir in sorted_entries(&content)? {
            let name = file_name(&dir);
            if name.starts_with('.') {
                continue;
            }
            let rel_dir = format!("{CONTENT_DIR}/{name}");
            if !dir.is_dir() {
                reader.diags.push(
                    Diagnostic::warning(
                        &rel_dir,
                        Pos::new(1, 1),
                        "filen ligger direkt i content/ och används inte",
                    )
                    .with_hint("lägg rutiner i content/<kommun>/<rutin>.md"),
                );
                continue;
            }
            let list = reader.list(&rel_dir, &["md"])?;
            let loaded = reader.par_each(&list, |r, (slug, rel)| r.routine(&name, slug, rel));
            out.routines.extend(loaded.into_iter().flatten());
        }
    }
    // Personal identity numbers are refused wherever they are written.
    let allow: crate::pii::AllowList = reader
        .yaml_file(crate::pii::ALLOW_LIST_PATH, false)
        .unwrap_or_default();
    if reader.files.contains_key(crate::pii::ALLOW_LIST_PATH) {
        let files = &*reader.files;
        let lookup = |p: &str| files.get(p).cloned();
        for d in crate::pii::validate_allow_list(&allow, crate::pii::ALLOW_LIST_PATH, &lookup) {
            reader.diags.push(d);
        }
    }
    let found: Vec<Vec<Diagnostic>> = reader
        .files
        .par_iter()
        .map(|(path, text)| crate::pii::scan(path, text, &allow))
        .collect();
    for d in found.into_iter().flatten() {
        reader.diags.push(d);
    }
    Ok((out, diags))
}

struct Reader<'a> {
    root: &'a Path,
    diags: &'a mut Diagnostics,
    files: &'a mut BTreeMap<String, String>,
}

impl Reader<'_> {
    /// Runs `f` on every item in parallel, each with a reader of its own, and merges
    /// their diagnostics and file texts in the items' order (so the result is the same
    /// as a loop).
    fn par_each<I: Sync, T: Send>(
        &mut self,
        items: &[I],
        f: impl Fn(&mut Reader, &I) -> Option<T> + Sync,
    ) -> Vec<Option<T>> {
        let root = self.root;
        let results: Vec<(Option<T>, Diagnostics, BTreeMap<String, String>)> = items
            .par_iter()
            .map(|item| {
                let mut diags = Diagnostics::new();
                let mut files = BTreeMap::new();
                let mut r = Reader {
                    root,
                    diags: &mut diags,
                    files: &mut files,
                };
                let v = f(&mut r, item);
                (v, diags, files)
            })
            .collect();
        results
            .into_iter()
            .map(|(v, diags, files)| {
                self.diags.extend(diags);
                self.files.extend(files);
                v
            })
            .collect()
    }

    /// Files with one of `exts` in `dir` (relative), sorted, as (stem, relative path).
    /// A stem that is not a valid slug is reported and skipped.
    fn list(&mut self, dir: &str, exts: &[&str]) -> Result<Vec<(String, String)>, IoFailure> {
        let abs = self.root.join(dir);
        if !abs.is_dir() {
            return Ok(Vec::new());
        }
        let mut v = Vec::new();
        for p in sorted_entries(&abs)? {
            let name = file_name(&p);
            if name.starts_with('.') || !p.is_file() {
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
                self.diags.push(
                    Diagnostic::error(&rel, Pos::new(1, 1), format!("filnamnet: {}", e.message))
                        .with_hint("byt namn på filen: små bokstäver a-z, siffror och bindestreck (filnamnet blir adressen)"),
                );
                continue;
            }
            v.push((stem.to_string(), rel));
        }
        Ok(v)
    }

    /// Reads a text file with the checks every source file gets.
    fn text(&mut self, rel: &str, required: bool) -> Option<String> {
        let abs = self.root.join(rel);
        let meta = match std::fs::metadata(&abs) {
            Ok(m) => m,
            Err(_) if !required => return None,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(rel, Pos::new(1, 1), format!("filen kan inte läsas: {e}"))
                        .with_hint(
                            "skapa filen; `lovportal init` visar hur en minimal portal ser ut",
                        ),
                );
                return None;
            }
        };
        if meta.len() > MAX_FILE_BYTES {
            self.diags.push(
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
        let bytes = match std::fs::read(&abs) {
            Ok(b) => b,
            Err(e) => {
                self.diags.push(Diagnostic::error(
                    rel,
                    Pos::new(1, 1),
                    format!("filen kan inte läsas: {e}"),
                ));
                return None;
            }
        };
        match decode(&bytes) {
            Ok(text) => {
                self.files.insert(rel.to_string(), text.clone());
                Some(text)
            }
            Err((pos, msg, hint)) => {
                self.diags
                    .push(Diagnostic::error(rel, pos, msg).with_hint(hint));
                None
            }
        }
    }

    fn yaml_file<T: serde::de::DeserializeOwned>(
        &mut self,
        rel: &str,
        required: bool,
    ) -> Option<T> {
        let text = self.text(rel, required)?;
        match yaml::parse::<T>(rel, &text, 0) {
            Ok(v) => Some(v),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn routine(&mut self, municipality: &str, slug: &str, rel: &str) -> Option<RawRoutine> {
        let text = self.text(rel, true)?;
        let Some((front, body_offset)) = split_front_matter(&text) else {
            self.diags.push(
                Diagnostic::error(rel, Pos::new(1, 1), "rutinen saknar inledande metadata (front matter)")
                    .with_hint("börja filen med en rad ---, sedan title:, summary: med flera, och avsluta med en rad ---"),
            );
            return None;
        };
        match yaml::parse::<RoutineMeta>(rel, front, 1) {
            Ok(meta) => Some(RawRoutine {
                municipality: municipality.to_string(),
                slug: slug.to_string(),
                path: rel.to_string(),
                meta,
                body_offset,
            }),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }
}

/// Checks and decodes a source file: UTF-8 (a BOM is dropped), no NUL bytes, and CRLF
/// line endings turned into LF (positions stay the same).
pub fn decode(bytes: &[u8]) -> Result<String, (Pos, String, String)> {
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
    if let Some(i) = text.find('\0') {
        return Err((
            Pos::of_offset(text, i),
            "filen innehåller ett NUL-tecken".into(),
            "ta bort tecknet; filen kan vara skadad eller binär".into(),
        ));
    }
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
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

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, IoFailure> {
    let rd = std::fs::read_dir(dir).map_err(|error| IoFailure {
        path: dir.to_path_buf(),
        error,
    })?;
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
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
