//! The JSON Schemas under schema/ are generated from the Rust types: they must match.

#[test]
fn committed_schemas_match_the_types() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for kind in lovportal::schema::KINDS {
        let generated = lovportal::schema::schema_for(kind).unwrap() + "\n";
        let path = dir.join(format!("{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date: run `cargo run -- schema {kind} > schema/{kind}.schema.json`",
            path.display()
        );
        let v: serde_json::Value = serde_json::from_str(&generated).unwrap();
        assert_eq!(
            v["additionalProperties"], false,
            "{kind}: unknown fields must be refused"
        );
    }
}

#[test]
fn the_field_reference_in_docs_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = "<!-- generated: lovportal::schema::markdown_reference -->\n";
    let end = "<!-- end generated -->";
    let (head, rest) = doc.split_once(start).expect("start marker");
    let (generated, tail) = rest.split_once(end).expect("end marker");
    let fresh = lovportal::schema::markdown_reference();
    if generated != fresh {
        if std::env::var("UPDATE_DOCS").is_ok() {
            std::fs::write(&path, format!("{head}{start}{fresh}{end}{tail}")).unwrap();
        } else {
            panic!("docs/schema.md is out of date: run `UPDATE_DOCS=1 cargo test --test schema`");
        }
    }
    assert!(fresh.contains("| `closed_eves` |") && fresh.contains("| `deadline` |"));
}
