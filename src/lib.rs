//! lovportal: a static site generator for the onboarding portal a Swedish municipality
//! gives private care providers under LOV.
//!
//! The pipeline is one straight road, one module per stage:
//! `loader` (YAML + Markdown, validated) → `model` (typed, cross-referenced) →
//! `render` (pulldown-cmark, tera) → `postprocess` (lol_html) → `output` (atomic write).

pub mod calendar;
pub mod diagnostics;
pub mod search;
