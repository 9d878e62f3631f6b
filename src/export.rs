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

/// `data/<kommun>.json`.
pub fn municipality_json(site: &Site, m: &MunicipalityEntry) -> OutFile {
    let routines: Vec<Value> = m
        .routines
        .iter()
        .map(|r| json!({"slug": r.slug, "url": format!("{}/{}/", m.slug, r.slug), "meta": r.meta, "markdown": r.body(&site.files)}))
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
    let doc = json!({
        "slug": m.slug,
        "url": format!("{}/", m.slug),
        "municipality": &*m.data,
        "systems": systems,
        "routines": routines,
        "providers": providers,
    });
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

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).unwrap_or_default();
    s.push(b'\n');
    s
}
