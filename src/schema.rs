//! JSON Schemas of the YAML files, generated from the Rust types so they cannot drift.
//! The committed copies under `schema/` are checked against these by a test.

use crate::model::{Municipality, Provider, RoutineMeta, SiteConfig, SystemRegistry};

pub const KINDS: [&str; 5] = ["kommun", "system", "site", "provider", "rutin"];

pub fn schema_for(kind: &str) -> Option<String> {
    let schema = match kind {
        "kommun" => schemars::schema_for!(Municipality),
        "system" => schemars::schema_for!(SystemRegistry),
        "site" => schemars::schema_for!(SiteConfig),
        "provider" => schemars::schema_for!(Provider),
        "rutin" => schemars::schema_for!(RoutineMeta),
        _ => return None,
    };
    serde_json::to_string_pretty(&schema).ok()
}
