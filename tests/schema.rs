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
