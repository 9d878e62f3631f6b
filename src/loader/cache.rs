//! What the load stage keeps between the builds of one `serve` session, so a rebuild
//! after an edit reads, decodes and parses only the files that changed and repeats only
//! the cross-reference checks whose inputs changed. A one-shot build keeps nothing.
//!
//! Every build still lists the folders and looks at every file's metadata: files that
//! appeared or went away are noticed, and a file is read again whenever its metadata is
//! not exactly what it was (size, modification and status-change times, inode, device).
//! Metadata is only trusted once it has settled (see [`SETTLE`]), and only on Unix, where
//! any write moves the status-change time, which no program can set back; elsewhere
//! every file is read again and recognised by the hash of its bytes. A file whose bytes
//! hash as before is not decoded or parsed again.

use crate::diagnostics::Diagnostic;
use std::any::Any;
use std::collections::HashMap;
use std::fs::Metadata;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// A file whose modification or status-change time is less than this old when a load
/// starts is read and hashed again by the next load, whatever its metadata says then:
/// file systems keep times in coarse ticks (a clock tick on Linux, two seconds on FAT),
/// so a second same-size write within the tick of the first would leave them unchanged.
pub const SETTLE: Duration = Duration::from_secs(3);

/// The load stage's memory of the last build (see the module documentation). Kept by
/// [`RenderCache`](crate::render::RenderCache) for `serve`.
pub struct LoadCache {
    /// How old metadata must be to be trusted ([`SETTLE`]).
    pub(super) settle: Duration,
    /// By path relative to the root: every source file of the last load.
    pub(super) files: HashMap<String, CachedFile>,
    /// The resolve stage's checks of the last load.
    pub(crate) resolve: crate::model::resolve::Memo,
    /// Counts loads (see [`CachedFile::seen`]).
    pub(super) epoch: u64,
    /// What the last load did.
    pub stats: LoadStats,
}

/// How much work the last load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Source files found.
    pub files: usize,
    /// Files read from disk (the others were known by their metadata).
    pub read: usize,
    /// Files decoded and parsed (the others had the same bytes as before).
    pub parsed: usize,
    /// Files scanned for personal identity numbers.
    pub scanned: usize,
    /// Municipalities and providers whose cross-reference checks ran (the others' inputs
    /// were unchanged).
    pub checked: usize,
}

impl Default for LoadCache {
    fn default() -> Self {
        LoadCache::with_settle(SETTLE)
    }
}

impl LoadCache {
    /// A cache that trusts metadata once it is `settle` old instead of [`SETTLE`]
    /// (tests use zero, to see a file's metadata trusted at once).
    pub fn with_settle(settle: Duration) -> LoadCache {
        LoadCache {
            settle,
            files: HashMap::new(),
            resolve: Default::default(),
            epoch: 0,
            stats: LoadStats::default(),
        }
    }

    /// Stops trusting the metadata of these files (paths relative to the root), so the
    /// next load reads them (and parses them if their bytes changed) whatever their
    /// metadata says. A hint from the file watcher; the cache is right without it.
    pub fn forget<S: AsRef<str>>(&mut self, paths: &[S]) {
        for p in paths {
            if let Some(f) = self.files.get_mut(p.as_ref()) {
                f.stamp = None;
            }
        }
    }

    /// The hash of a source file's bytes as last loaded.
    pub(crate) fn hash_of(&self, path: &str) -> Option<u64> {
        self.files.get(path).map(|f| f.hash)
    }
}

/// One source file as last loaded.
pub(super) struct CachedFile {
    /// The metadata that stands for the content, once settled.
    pub stamp: Option<Stamp>,
    /// Hash of the bytes on disk.
    pub hash: u64,
    /// The decoded text, or why it could not be decoded.
    pub text: Result<Arc<str>, Diagnostic>,
    /// What parsing the text gave: a `Result<T, Diagnostic>` for the file's kind.
    pub parsed: Option<Arc<dyn Any + Send + Sync>>,
    /// The personal identity number scan: (allow-list key, diagnostics).
    pub pii: Option<(u64, Arc<[Diagnostic]>)>,
    /// The last load that came across the file: one that did not found it gone. (Loads
    /// mark unchanged entries in place, from many threads, rather than copying them.)
    pub seen: AtomicU64,
}

impl Clone for CachedFile {
    fn clone(&self) -> Self {
        CachedFile {
            stamp: self.stamp,
            hash: self.hash,
            text: self.text.clone(),
            parsed: self.parsed.clone(),
            pii: self.pii.clone(),
            seen: AtomicU64::new(self.seen.load(Ordering::Relaxed)),
        }
    }
}

/// File metadata that changes whenever the content does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    /// Nanoseconds since the epoch.
    modified: i128,
    changed: i128,
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of a file's metadata, taken before reading it, if it can stand for the
    /// content from now on: when both its times lie before `settled` (the moment the
    /// load began, less [`SETTLE`]). `None` off Unix.
    #[cfg(unix)]
    pub fn of(meta: &Metadata, settled: SystemTime) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |s: i64, ns: i64| s as i128 * 1_000_000_000 + ns as i128;
        let stamp = Stamp {
            len: meta.len(),
            modified: nanos(meta.mtime(), meta.mtime_nsec()),
            changed: nanos(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        };
        stamp.settled(settled).then_some(stamp)
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &Metadata, _settled: SystemTime) -> Option<Stamp> {
        None
    }

    fn settled(&self, settled: SystemTime) -> bool {
        let Ok(since) = settled.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        self.modified.max(self.changed) < since.as_nanos() as i128
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(modified: i128, changed: i128) -> Stamp {
        Stamp {
            len: 10,
            modified,
            changed,
            inode: 1,
            device: 1,
        }
    }

    #[test]
    fn only_settled_metadata_is_trusted() {
        let s = 1_000_000_000i128;
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let settled = start - SETTLE;
        assert!(stamp(90 * s, 90 * s).settled(settled));
        assert!(stamp(96 * s, 96 * s).settled(settled));
        // Written (or its status changed) within the last three seconds: not yet.
        assert!(!stamp(97 * s, 90 * s).settled(settled));
        assert!(!stamp(98 * s, 90 * s).settled(settled));
        assert!(!stamp(90 * s, 99 * s).settled(settled));
        // From the future (a clock set back, or another machine's clock): never.
        assert!(!stamp(200 * s, 200 * s).settled(settled));
    }

    #[cfg(unix)]
    #[test]
    fn a_fresh_file_is_not_trusted_by_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(Stamp::of(&meta, SystemTime::now() - SETTLE), None);
        let later = SystemTime::now() + Duration::from_secs(1);
        assert!(Stamp::of(&meta, later).is_some());
    }
}
