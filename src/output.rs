//! Write stage: the whole output is written to a staging directory next to the target
//! and then swapped in with one atomic rename, so a reader (or a crash) sees either the
//! previous site or the new one, never a mix. Leftovers of an interrupted run are removed
//! on the next one.
//!
//! A file whose bytes equal the previous output's is hard-linked into the staging
//! directory instead of written: it keeps its inode and modification time, so `rsync`
//! and HTTP caches see it unchanged, and a rebuild creates (and the swap frees) only the
//! files that changed. On ext4 without a journal, every new inode skips each inode freed
//! in the last minute, so a rebuild that recreated every file paid for the files the
//! previous build freed (see the README's benchmark notes). Staging never writes into an
//! existing file, so a linked file of the previous site cannot be changed through it.

use crate::diagnostics::IoFailure;
use crate::render::OutFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IoFailure + '_ {
    move |error| IoFailure {
        path: path.to_path_buf(),
        error,
    }
}

/// Marker in the names of staging and retired directories next to the output.
const STAGING: &str = ".lovportal-staging-";
const RETIRED: &str = ".lovportal-retired-";

/// Writes `files` to `out` atomically.
pub fn write_atomic(out: &Path, files: &[OutFile]) -> Result<(), IoFailure> {
    let staging = Staging::new(out)?;
    files
        .par_iter()
        .try_for_each(|(p, bytes)| staging.write(p, bytes))?;
    staging.commit()
}

/// An output folder being written: files go to a staging directory next to `out` as
/// they are produced (so a build never holds the whole site in memory), and
/// [`Staging::commit`] swaps it in. Dropped without a commit, it removes what it wrote
/// and leaves `out` alone. Nothing is created on disk before the first write.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: PathBuf,
    /// Set up on the first write: `Err` holds the failed path and the error's text.
    ready: OnceLock<Result<(), (PathBuf, std::io::ErrorKind, String)>>,
    /// Folders (relative) already made in the staging directory, each with whether the
    /// previous site has it as a real folder (no symbolic link on the way), so that its
    /// files may be linked.
    dirs: std::sync::Mutex<std::collections::HashMap<String, bool>>,
    /// Whether a previous site is there to reuse unchanged files from.
    previous: bool,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, IoFailure> {
        let out = absolute(out)?;
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}{STAGING}{}", std::process::id()));
        let previous = out.is_dir();
        Ok(Staging {
            out,
            parent,
            name,
            dir,
            ready: OnceLock::new(),
            dirs: Default::default(),
            previous,
            committed: false,
        })
    }

    fn prepare(&self) -> Result<(), IoFailure> {
        let r = self.ready.get_or_init(|| {
            let fail =
                |path: &Path, e: std::io::Error| (path.to_path_buf(), e.kind(), e.to_string());
            std::fs::create_dir_all(&self.parent).map_err(|e| fail(&self.parent, e))?;
            clean_leftovers(&self.parent, &self.name);
            if self.out.exists() && !self.out.is_dir() {
                return Err((
                    self.out.clone(),
                    std::io::ErrorKind::AlreadyExists,
                    "utdata-sökvägen finns redan och är ingen mapp".into(),
                ));
            }
            let _ = std::fs::remove_dir_all(&self.dir);
            std::fs::create_dir(&self.dir).map_err(|e| fail(&self.dir, e))
        });
        r.clone().map_err(|(path, kind, msg)| IoFailure {
            path,
            error: std::io::Error::new(kind, msg),
        })
    }

    /// Writes one file (its folders are created as needed). Safe to call from many
    /// threads at once.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), IoFailure> {
        self.prepare()?;
        let path = self.dir.join(rel);
        let mut linkable = self.previous;
        // Each folder is made once, before its first file: most pages are the only
        // file in their folder, and a write that fails for want of its folder first is
        // one wasted system call per page.
        if let Some((dir, _)) = rel.rsplit_once('/') {
            let mut made = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
            linkable &= match made.get(dir) {
                Some(&real) => real,
                None => {
                    let d = self.dir.join(dir);
                    std::fs::create_dir_all(&d).map_err(io(&d))?;
                    let real = self.previous && real_folders(&self.out, dir);
                    made.insert(dir.to_string(), real);
                    real
                }
            };
        }
        if linkable {
            let old = self.out.join(rel);
            if unchanged(&old, bytes) && std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
        }
        write_new(&path, bytes).map_err(io(&path))
    }

    /// Swaps the written site in for the previous one, in one atomic step.
    pub fn commit(mut self) -> Result<(), IoFailure> {
        self.prepare()?;
        self.committed = true;
        let r = swap_in(&self.dir, &self.out, &self.parent, &self.name);
        if r.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        r
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.ready.get().is_some_and(|r| r.is_ok()) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether every folder of `rel` (`a/b` for `a/b/index.html`) is a real folder under
/// `root`, not a symbolic link to somewhere else.
fn real_folders(root: &Path, rel: &str) -> bool {
    let mut p = root.to_path_buf();
    rel.split('/').all(|part| {
        p.push(part);
        std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_dir())
    })
}

/// Whether `old` is a regular file of the previous site alone (not a symbolic link, no
/// other hard links: a file shared with something else could later change under the new
/// site) holding exactly `bytes`.
fn unchanged(old: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(old) {
        Ok(m) if m.file_type().is_file() && m.len() == bytes.len() as u64 && single_link(&m) => {
            std::fs::read(old).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

#[cfg(unix)]
fn single_link(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.nlink() == 1
}

#[cfg(not(unix))]
fn single_link(_: &std::fs::Metadata) -> bool {
    true
}

/// Writes `bytes` to a new file at `path`. A file already there (a second write of the
/// same path, or a link to the previous site's file) is unlinked first, never written
/// into.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut f = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path)?;
            create()?
        }
        r => r?,
    };
    f.write_all(bytes)
}

fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), IoFailure> {
    if !out.exists() {
        return std::fs::rename(staging, out).map_err(io(out));
    }
    if exchange(staging, out) {
        // `staging` now holds the previous site.
        remove_tree(staging);
        return Ok(());
    }
    // No atomic exchange on this platform: two renames, with the old tree kept until the
    // new one is in place.
    let retired = parent.join(format!(".{name}{RETIRED}{}", std::process::id()));
    std::fs::rename(out, &retired).map_err(io(out))?;
    if let Err(e) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&retired, out);
        return Err(io(out)(e));
    }
    remove_tree(&retired);
    Ok(())
}

/// Removes a retired site, its top-level folders in parallel: removing a big site is
/// mostly one system call a file, spread over many folders.
fn remove_tree(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        let entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            let _ = match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
                _ => std::fs::remove_file(p),
            };
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(ca), Ok(cb)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    r == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Removes staging and retired directories left by a run that was killed.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}{STAGING}"), format!(".{name}{RETIRED}")];
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn absolute(p: &Path) -> Result<PathBuf, IoFailure> {
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(io(p))?;
    Ok(cwd.join(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_previous_output_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(
            &out,
            &[
                ("a/index.html".into(), b"one".to_vec()),
                ("old.txt".into(), b"x".to_vec()),
            ],
        )
        .unwrap();
        write_atomic(&out, &[("a/index.html".into(), b"two".to_vec())]).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        assert!(!out.join("old.txt").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[cfg(unix)]
    fn inode(p: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_keeps_unchanged_files_and_writes_changed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first: Vec<OutFile> = vec![
            ("same/index.html".into(), b"unchanged page".to_vec()),
            ("edited/index.html".into(), b"old text".to_vec()),
            ("grown.js".into(), b"abc".to_vec()),
        ];
        write_atomic(&out, &first).unwrap();
        let before: Vec<u64> = first.iter().map(|(p, _)| inode(&out.join(p))).collect();
        let second: Vec<OutFile> = vec![
            ("same/index.html".into(), b"unchanged page".to_vec()),
            ("edited/index.html".into(), b"new text".to_vec()),
            ("grown.js".into(), b"abcd".to_vec()),
        ];
        write_atomic(&out, &second).unwrap();
        for (p, bytes) in &second {
            assert_eq!(&std::fs::read(out.join(p)).unwrap(), bytes, "{p}");
        }
        assert_eq!(inode(&out.join("same/index.html")), before[0]);
        assert_ne!(inode(&out.join("edited/index.html")), before[1]);
        assert_ne!(inode(&out.join("grown.js")), before[2]);
    }

    /// A file linked from the previous site and then written again in the same build
    /// gets a file of its own: the previous site stays as it was until the swap, and
    /// for good if the build fails.
    #[test]
    fn writing_a_linked_path_again_leaves_the_previous_site_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[("a/index.html".into(), b"one".to_vec())]).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"one").unwrap();
        staging.write("a/index.html", b"two").unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        drop(staging);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
    }

    /// Files reached through a symbolic link in the previous site, or with hard links
    /// elsewhere, are written anew, never shared with the new site.
    #[cfg(unix)]
    #[test]
    fn files_shared_with_anything_else_are_not_linked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("index.html"), b"same").unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("via-link")).unwrap();
        std::fs::write(out.join("shared.html"), b"same").unwrap();
        std::fs::hard_link(out.join("shared.html"), dir.path().join("deploy-copy.html")).unwrap();
        let outside = [
            inode(&elsewhere.join("index.html")),
            inode(&out.join("shared.html")),
        ];
        write_atomic(
            &out,
            &[
                ("via-link/index.html".into(), b"same".to_vec()),
                ("shared.html".into(), b"same".to_vec()),
            ],
        )
        .unwrap();
        assert!(
            std::fs::symlink_metadata(out.join("via-link"))
                .unwrap()
                .is_dir()
        );
        assert_ne!(inode(&out.join("via-link/index.html")), outside[0]);
        assert_ne!(inode(&out.join("shared.html")), outside[1]);
        assert_eq!(std::fs::read(out.join("shared.html")).unwrap(), b"same");
    }

    #[test]
    fn unchanged_compares_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &big).unwrap();
        assert!(unchanged(&p, &big));
        let mut late = big.clone();
        *late.last_mut().unwrap() ^= 1;
        assert!(!unchanged(&p, &late));
        let mut early = big.clone();
        early[70_000] ^= 1;
        assert!(!unchanged(&p, &early));
        assert!(!unchanged(&p, &big[..big.len() - 1]));
        assert!(!unchanged(&dir.path().join("missing"), b""));
        assert!(!unchanged(dir.path(), b""));
        std::fs::write(&p, b"").unwrap();
        assert!(unchanged(&p, b""));
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".public.lovportal-staging-999999");
        std::fs::create_dir_all(stale.join("x")).unwrap();
        write_atomic(
            &dir.path().join("public"),
            &[("index.html".into(), b"a".to_vec())],
        )
        .unwrap();
        assert!(!stale.exists());
    }
}
