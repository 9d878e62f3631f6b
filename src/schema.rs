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

/// A Markdown reference of every file type's fields, generated from the JSON Schemas
/// (`docs/schema.md` holds it between markers; a test keeps it current).
pub fn markdown_reference() -> String {
    let mut out = String::new();
    for kind in KINDS {
        let Some(text) = schema_for(kind) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        out.push_str(&format!(
            "### `{kind}`: {}\n\n",
            v["title"].as_str().unwrap_or(kind)
        ));
        if let Some(d) = v["description"].as_str() {
            out.push_str(&format!("{}\n\n", one_line(d)));
        }
        table(&mut out, &v);
        if let Some(defs) = v["$defs"].as_object() {
            for (name, def) in defs {
                if def["properties"].is_object() {
                    out.push_str(&format!("#### {kind} → `{name}`\n\n"));
                    if let Some(d) = def["description"].as_str() {
                        out.push_str(&format!("{}\n\n", one_line(d)));
                    }
                    table(&mut out, def);
                }
            }
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_of(p: &serde_json::Value) -> String {
    if let Some(r) = p["$ref"].as_str() {
        return format!("`{}`", r.rsplit('/').next().unwrap_or(r));
    }
    if let Some(e) = p["enum"].as_array() {
        return e
            .iter()
            .filter_map(|x| x.as_str())
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(" \\| ");
    }
    if let Some(any) = p["anyOf"].as_array().or(p["oneOf"].as_array()) {
        return any
            .iter()
            .map(type_of)
            .filter(|t| t != "`null`" && t != "null")
            .collect::<Vec<_>>()
            .join(" eller ");
    }
    match &p["type"] {
        serde_json::Value::String(t) if t == "array" => {
            format!("lista av {}", type_of(&p["items"]))
        }
        serde_json::Value::String(t) => t.clone(),
        serde_json::Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str())
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" eller "),
        _ => "värde".into(),
    }
}

fn table(out: &mut String, v: &serde_json::Value) {
    let Some(props) = v["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = v["required"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    out.push_str("| fält | typ | krävs | beskrivning |\n|---|---|---|---|\n");
    for (name, p) in props {
        let desc = p["description"].as_str().map(one_line).unwrap_or_default();
        let req = if required.contains(&name.as_str()) {
            "ja"
        } else {
            ""
        };
        out.push_str(&format!(
            "| `{name}` | {} | {req} | {} |\n",
            type_of(p),
            desc.replace('|', "\\|")
        ));
    }
    out.push('\n');
}
