//! lovportal: a static site generator for the onboarding portal a Swedish municipality
//! gives private care providers under LOV.
//!
//! The pipeline is one straight road, one module per stage:
//! `loader` (YAML + Markdown, validated) → `model` (typed, cross-referenced) →
//! `render` (pulldown-cmark, tera) → `postprocess` (lol_html) → `output` (atomic write).

mod alloc;
pub mod calendar;
pub mod cli;
pub mod cmd;
pub mod diagnostics;
pub mod export;
pub mod links;
pub mod loader;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pii;
pub mod pipeline;
pub mod postprocess;
pub mod render;
pub mod sanitize;
pub mod schedule;
pub mod schema;
pub mod search;
pub mod serve;
mod swar;
pub mod theme;
pub mod urls;
