//! Open data: `/data/<kommun>.json` per municipality and `/data/index.json`, for
//! integrators (and for tests, which read the site's facts back from them).

use crate::model::{MunicipalityEntry, Site};
use crate::render::OutFile;
use serde_json::{Value, json};

pub fn json_files(site: &Site) -> Vec<OutFile> {
    let mut out: Vec<OutFile> = site
        .municipalities
        .iter()
        .map(|m| municipality_json(site, m))
        .collect();
    out.push(index_json(site));
    out
}

/// One routine in `data/<kommun>.json`. Its Markdown is written straight from the
/// site's file text (a `json!` value would copy every routine's text first). Fields in
/// alphabetical order, the order of a `json!` object's keys.
#[derive(serde::Serialize)]
struct RoutineJson<'a> {
    markdown: &'a str,
    meta: Value,
    slug: &'a str,
    url: String,
}

/// `data/<kommun>.json`, fields in alphabetical order (see [`RoutineJson`]).
#[derive(serde::Serialize)]
struct MunicipalityJson<'a> {
    municipality: Value,
    providers: Vec<Value>,
    routines: Vec<RoutineJson<'a>>,
    slug: &'a str,
    systems: Vec<Value>,
    url: String,
}

/// `data/<kommun>.json`.
pub fn municipality_json(site: &Site, m: &MunicipalityEntry) -> OutFile {
    let routines: Vec<RoutineJson> = m
        .routines
        .iter()
        .map(|r| RoutineJson {
            markdown: r.body(&site.files),
            meta: json!(r.meta),
            slug: &r.slug,
            url: format!("{}/{}/", m.slug, r.slug),
        })
        .collect();
    let providers: Vec<Value> = site
        .providers
        .iter()
        .filter(|p| p.data.municipality.as_str() == m.slug)
        .map(|p| json!({"id": p.id, "url": format!("utforare/{}/", p.id), "provider": &*p.data}))
        .collect();
    let systems: Vec<Value> = m
        .data
        .systems
        .iter()
        .filter_map(|u| site.system(u.system.as_str()))
        .map(|s| json!(s))
        .collect();
    let doc = MunicipalityJson {
        municipality: json!(&*m.data),
        providers,
        routines,
        slug: &m.slug,
        systems,
        url: format!("{}/", m.slug),
    };
    (format!("data/{}.json", m.slug), pretty(&doc))
}

/// Path of the index file.
pub const INDEX_JSON: &str = "data/index.json";

/// `data/index.json`.
pub fn index_json(site: &Site) -> OutFile {
    let index: Vec<Value> = site
        .municipalities
        .iter()
        .map(|m| json!({"slug": m.slug, "name": m.data.name, "url": format!("{}/", m.slug), "data": format!("data/{}.json", m.slug)}))
        .collect();
    let doc = json!({
        "portal": site.config.name,
        "organisation": site.config.organisation,
        "municipalities": index,
        "systems": site.systems,
    });
    ("data/index.json".into(), pretty(&doc))
}

fn pretty(v: &impl serde::Serialize) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).unwrap_or_default();
    s.push(b'\n');
    s
}
