//! The one road every command travels: load → model → render → post-process, with the
//! time of each stage. `build` writes the result, `check` only reports, `serve` keeps it.

use crate::diagnostics::{Diagnostics, IoFailure};
use crate::render::{Collect, OutFile, RenderError, RenderOptions, Sink, render_to};
use crate::urls::LinkStyle;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub links: LinkStyle,
    pub now: jiff::Timestamp,
}

#[derive(Debug)]
pub struct Built {
    /// Every output file, sorted by path, when the build kept them ([`build`]); empty
    /// when they went to a sink ([`build_into`]).
    pub files: Vec<OutFile>,
    /// Warnings (a successful build has no errors).
    pub diags: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
    /// Output files produced.
    pub file_count: usize,
    /// HTML pages among them.
    pub pages: usize,
}

#[derive(Debug)]
pub enum Failure {
    /// The content has errors (exit code 1).
    Content(Diagnostics),
    /// Reading or writing failed (exit code 2).
    Io(IoFailure),
}

/// Builds the site and keeps every output file in memory.
pub fn build(opts: &Options) -> Result<Built, Failure> {
    let sink = Collect::default();
    let mut built = build_into(opts, &sink)?;
    let mut files = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    built.files = files;
    Ok(built)
}

/// Builds the site, handing each output file to `sink` as soon as it is rendered.
pub fn build_into(opts: &Options, sink: &dyn Sink) -> Result<Built, Failure> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let (loaded, mut diags) = crate::loader::load(&opts.root).map_err(Failure::Io)?;
    timings.push(("läsa in", t.elapsed()));
    let t = Instant::now();
    let site = crate::model::resolve::resolve(loaded, opts.now, &mut diags);
    timings.push(("kontrollera", t.elapsed()));
    let Some(site) = site.filter(|_| !diags.has_errors()) else {
        return Err(Failure::Content(diags));
    };
    let t = Instant::now();
    let counts = render_to(
        &site,
        &opts.root,
        &RenderOptions {
            links: opts.links.clone(),
        },
        sink,
    )
    .map_err(|e| match e {
        RenderError::Content(d) => {
            let mut all = diags.clone();
            all.extend(d);
            Failure::Content(all)
        }
        RenderError::Io(e) => Failure::Io(e),
    })?;
    timings.push(("rendera", t.elapsed()));
    diags = Diagnostics::from_iter(diags.sorted());
    Ok(Built {
        files: Vec::new(),
        diags,
        timings,
        file_count: counts.files,
        pages: counts.pages,
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
