//! Watching the sources and rebuilding: notify events under `content/`, `data/` and
//! `themes/` are debounced (a save that writes a temporary file and renames it over the
//! original is one change) and start one rebuild at a time on this thread.
//!
//! A rebuild runs the whole pipeline with a [`RenderCache`], but only the work whose
//! inputs changed is redone: every source file's metadata is looked at, and only files
//! that changed are read and parsed again (see [`crate::loader::cache`]; the changed
//! paths the watcher reports are a hint to it, never needed), and only the checks whose
//! inputs changed run again; a routine edit re-renders that routine's Markdown and the
//! pages whose content changed (the routine, its municipality's page, the system pages
//! that list it); a template edit re-renders pages without re-parsing any Markdown; a data
//! file edit re-renders the pages that show that data.

use super::Shared;
use crate::pipeline::{self, Failure, Options};
use crate::render::{Collect, RenderCache};
use crate::urls::LinkStyle;
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Quiet time after the last event before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(120);
/// A rebuild starts at the latest this long after the first event, even if events keep
/// coming (a program writing files all the time).
pub const MAX_DELAY: Duration = Duration::from_secs(1);
/// The folders under the root that are watched.
pub const WATCHED: [&str; 3] = ["content", "data", "themes"];

/// Builds the site again and again with one cache, and reports each build once.
pub struct Rebuilder {
    pub root: PathBuf,
    pub links: LinkStyle,
    pub now: Option<String>,
    pub quiet: bool,
    cache: RenderCache,
    last_errors: Option<Vec<String>>,
    last_warnings: Vec<String>,
}

impl Rebuilder {
    pub fn new(root: PathBuf, links: LinkStyle, now: Option<String>, quiet: bool) -> Rebuilder {
        Rebuilder {
            root,
            links,
            now,
            quiet,
            cache: RenderCache::default(),
            last_errors: None,
            last_warnings: Vec::new(),
        }
    }

    /// Builds once, publishes the result to `shared` and prints what happened; `why`
    /// names the changed files (empty for the first build). Returns whether it built.
    pub fn rebuild(&mut self, shared: &Shared, why: &[String]) -> bool {
        let start = Instant::now();
        let result = pipeline::parse_now(self.now.as_deref())
            .map_err(|e| Err(format!("fel: {e}")))
            .and_then(|now| {
                let opts = Options {
                    root: self.root.clone(),
                    links: self.links.clone(),
                    now,
                };
                let sink = Collect::default();
                self.cache.forget_sources(why);
                pipeline::build_into(&opts, &mut self.cache, &sink)
                    .map(|report| (report, sink.into_files()))
                    .map_err(Ok)
            });
        let ms = start.elapsed().as_millis();
        let when = clock();
        let cause = match why {
            [] => String::new(),
            [one] => format!(" efter ändring i {one}"),
            [one, rest @ ..] => format!(" efter ändring i {one} med flera ({} till)", rest.len()),
        };
        match result {
            Ok((built, files)) => {
                let warnings: Vec<String> =
                    built.diags.sorted().iter().map(|d| d.to_string()).collect();
                if warnings != self.last_warnings {
                    for w in &warnings {
                        eprintln!("{w}");
                    }
                    self.last_warnings = warnings;
                }
                let fixed = self.last_errors.take().is_some();
                let s = self.cache.stats;
                shared.publish(files);
                if !self.quiet || fixed {
                    let stages: Vec<String> = built
                        .timings
                        .iter()
                        .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
                        .collect();
                    eprintln!(
                        "[{when}] {}{cause} på {ms} ms: {} av {} sidor och {} av {} rutiner omritade{} ({}).",
                        if fixed {
                            "Felet är rättat, byggt"
                        } else if why.is_empty() {
                            "Byggt"
                        } else {
                            "Ombyggt"
                        },
                        s.pages_rendered,
                        s.pages_total,
                        s.markdown_rendered,
                        s.markdown_total,
                        if s.templates_compiled && !why.is_empty() {
                            ", mallarna omlästa"
                        } else {
                            ""
                        },
                        stages.join(", "),
                    );
                }
                true
            }
            Err(failure) => {
                let errors: Vec<String> = match &failure {
                    Ok(Failure::Content(d)) => d
                        .sorted()
                        .iter()
                        .filter(|d| d.is_error())
                        .map(|d| d.to_string())
                        .collect(),
                    Ok(Failure::Io(e)) => vec![format!("fel: {e}")],
                    Err(msg) => vec![msg.clone()],
                };
                if self.last_errors.as_ref() == Some(&errors) {
                    eprintln!("[{when}] Samma fel som ovan kvarstår{cause} ({ms} ms).");
                } else {
                    match failure {
                        Ok(Failure::Content(d)) => crate::cmd::report(&d),
                        Ok(Failure::Io(e)) => eprintln!("fel: {e}"),
                        Err(msg) => eprintln!("{msg}"),
                    }
                    eprintln!(
                        "[{when}] Bygget misslyckades{cause} ({} fel, {ms} ms). Servern visar den senaste versionen som gick att bygga.",
                        errors.len()
                    );
                    self.last_errors = Some(errors.clone());
                }
                self.last_warnings.clear();
                shared.fail(errors);
                false
            }
        }
    }
}

/// The time of day in Stockholm, `HH:MM:SS`.
fn clock() -> String {
    jiff::Timestamp::now()
        .to_zoned(crate::calendar::stockholm())
        .strftime("%H:%M:%S")
        .to_string()
}

/// Whether an event on `path` should start a rebuild: below a watched folder, and not an
/// editor's swap, backup or probe file.
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut comps = rel.components();
    let Some(first) = comps.next() else {
        return false;
    };
    if !WATCHED.iter().any(|w| first.as_os_str() == *w) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913")
}

/// A running watcher on the sources under a root.
pub struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    watching: BTreeSet<&'static str>,
}

impl Watch {
    /// Starts watching `content/`, `data/` and `themes/` under `root` (and the root
    /// itself, to notice one of them being created).
    pub fn start(root: &Path) -> notify::Result<Watch> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let (tx, rx) = channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let mut w = Watch {
            root,
            watcher,
            rx,
            watching: BTreeSet::new(),
        };
        w.watch_folders();
        Ok(w)
    }

    fn watch_folders(&mut self) {
        for w in WATCHED {
            let dir = self.root.join(w);
            if !self.watching.contains(w)
                && dir.is_dir()
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watching.insert(w);
            }
        }
    }

    /// Rebuilds after every change, forever (until the watcher stops).
    pub fn run(mut self, mut rebuilder: Rebuilder, shared: &Shared) {
        while let Some(changed) = next_change(&self.rx, &self.root) {
            self.watch_folders();
            // Name the files that are there now first: an editor's temporary files are gone.
            let (mut why, gone): (Vec<String>, Vec<String>) = changed
                .into_iter()
                .partition(|p| self.root.join(p).is_file());
            why.extend(gone);
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                rebuilder.rebuild(shared, &why);
            }));
            if built.is_err() {
                // A bug, not the editor's fault: start afresh on the next change.
                rebuilder.cache = RenderCache::default();
                eprintln!(
                    "fel: internt fel i lovportal under ombyggnaden; spara igen för att försöka på nytt"
                );
            }
        }
    }
}

/// Blocks until a relevant event, then collects events until [`DEBOUNCE`] passes without
/// one. Returns the changed paths (relative to the root, sorted), or `None` when the
/// channel is closed.
fn next_change(rx: &Receiver<notify::Result<notify::Event>>, root: &Path) -> Option<Vec<String>> {
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut first = Instant::now();
    loop {
        let event = if changed.is_empty() {
            let e = rx.recv().ok()?;
            first = Instant::now();
            e
        } else {
            if first.elapsed() >= MAX_DELAY {
                return Some(changed.into_iter().collect());
            }
            match rx.recv_timeout(DEBOUNCE) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => return Some(changed.into_iter().collect()),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        };
        let Ok(event) = event else {
            continue;
        };
        // Opening and reading files (the build does) is no change.
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            continue;
        }
        for p in &event.paths {
            if relevant(root, p) {
                let rel = p.strip_prefix(root).unwrap_or(p);
                changed.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_start_a_rebuild() {
        let root = Path::new("/site");
        assert!(relevant(root, Path::new("/site/content/a/b.md")));
        assert!(relevant(root, Path::new("/site/data/kommuner/a.yaml")));
        assert!(relevant(
            root,
            Path::new("/site/themes/default/templates/base.html")
        ));
        assert!(relevant(root, Path::new("/site/themes")));
        assert!(!relevant(root, Path::new("/site/public/index.html")));
        assert!(!relevant(root, Path::new("/site/content/a/.b.md.swp")));
        assert!(!relevant(root, Path::new("/site/content/a/b.md~")));
        assert!(!relevant(root, Path::new("/site/content/a/4913")));
        assert!(!relevant(root, Path::new("/elsewhere/content/a.md")));
    }
}
