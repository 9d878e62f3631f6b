//! The one road every command travels: load → model → render → post-process, with the
//! time of each stage. `build` writes the result, `check` only reports, `serve` keeps it.

use crate::diagnostics::{Diagnostics, IoFailure};
use crate::model::Site;
use crate::render::{
    Collect, OutFile, RenderCache, RenderError, RenderOptions, Sink, render_cached,
};
use crate::urls::LinkStyle;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub links: LinkStyle,
    pub now: jiff::Timestamp,
}

/// A build kept in memory (`check`, tests).
#[derive(Debug)]
pub struct Built {
    pub files: Vec<OutFile>,
    /// Warnings (a successful build has no errors).
    pub diags: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
    pub pages: usize,
}

/// What a build that went to a [`Sink`] did.
#[derive(Debug)]
pub struct Report {
    /// Warnings (a successful build has no errors).
    pub diags: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
    pub pages: usize,
    pub files: usize,
}

#[derive(Debug)]
pub enum Failure {
    /// The content has errors (exit code 1).
    Content(Diagnostics),
    /// Reading or writing failed (exit code 2).
    Io(IoFailure),
}

/// Builds the site into memory.
pub fn build(opts: &Options) -> Result<Built, Failure> {
    build_cached(opts, &mut RenderCache::one_shot())
}

/// Like [`build`], but redoes only the rendering work whose inputs changed since the
/// last build with the same `cache` (see [`RenderCache`]); the result is the same.
pub fn build_cached(opts: &Options, cache: &mut RenderCache) -> Result<Built, Failure> {
    let sink = Collect::default();
    let report = build_into(opts, cache, &sink)?;
    let files = sink
        .into_files()
        .into_iter()
        .map(|(p, b)| (p, std::sync::Arc::unwrap_or_clone(b)))
        .collect();
    Ok(Built {
        files,
        diags: report.diags,
        timings: report.timings,
        pages: report.pages,
    })
}

/// Loads, checks and renders the site, handing every output file to `sink` as soon as
/// it is ready (`build` streams them into its staging folder).
pub fn build_into(
    opts: &Options,
    cache: &mut RenderCache,
    sink: &dyn Sink,
) -> Result<Report, Failure> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let (site, diags) =
        Site::load_cached(&opts.root, opts.now, cache.load.as_mut()).map_err(Failure::Io)?;
    timings.push(("läsa in och kontrollera", t.elapsed()));
    let Some(site) = site else {
        return Err(Failure::Content(diags));
    };
    let t = Instant::now();
    let render_opts = RenderOptions {
        links: opts.links.clone(),
    };
    let stats = match render_cached(&site, &opts.root, &render_opts, cache, sink) {
        Ok(s) => s,
        Err(RenderError::Content(d)) => {
            let mut all = diags.clone();
            all.extend(d);
            return Err(Failure::Content(all));
        }
        Err(RenderError::Io(e)) => return Err(Failure::Io(e)),
    };
    timings.push(("rendera", t.elapsed().saturating_sub(stats.search_time)));
    timings.push(("sökindex", stats.search_time));
    Ok(Report {
        diags: Diagnostics::from_iter(diags.sorted()),
        timings,
        pages: stats.pages_total,
        files: stats.files,
    })
}

/// `--now`: an RFC 3339 instant, a local Stockholm date-time, or a date (midnight).
/// Without it, the start of today in Stockholm, so builds on the same day are identical.
pub fn parse_now(s: Option<&str>) -> Result<jiff::Timestamp, String> {
    let tz = crate::calendar::stockholm();
    let Some(s) = s else {
        let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
        return today
            .to_zoned(tz)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    };
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(tz)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(tz)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "--now {s:?} är ingen tidpunkt: skriv till exempel 2026-11-23T10:00 eller 2026-11-23"
    ))
}
