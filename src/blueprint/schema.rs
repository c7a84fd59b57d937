//! The blueprint JSON Schema, generated from the Rust types so it can never drift from what the
//! loader accepts. `schemas/blueprint.schema.json` is this output, committed for editors.

use super::model::Blueprint;
use serde_json::Value;

pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Blueprint);
    let mut doc = serde_json::to_value(schema).expect("a schema is always serialisable");
    for r in &crate::catalog::Catalog::get().constraints.ranges {
        if let Some(leaf) = property_mut(&mut doc, &r.path) {
            if let Some(min) = r.min {
                leaf["minimum"] = min.into();
            }
            if let Some(max) = r.max {
                leaf["maximum"] = max.into();
            }
        }
    }
    doc
}

/// The schema, made once per process: `--set` paths are checked against it, and generating it
/// costs more than a render (a fleet of variants made with `--set` generated it per blueprint).
pub fn json_schema_shared() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(json_schema)
}

/// The schema of the property at a dotted path, following `$ref`s into `$defs` (and the
/// `anyOf` schemars writes for optional structs).
fn property_mut<'a>(doc: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut pointer = String::new();
    for key in path.split('.') {
        let mut node = doc.pointer(&pointer)?;
        // Step through a reference (direct, or the first one of an anyOf/allOf).
        let reference = node.get("$ref").or_else(|| {
            ["anyOf", "allOf", "oneOf"]
                .iter()
                .find_map(|k| node.get(k)?.as_array()?.iter().find_map(|s| s.get("$ref")))
        });
        if let Some(r) = reference.and_then(Value::as_str) {
            pointer = r.trim_start_matches('#').to_string();
            node = doc.pointer(&pointer)?;
        }
        node.get("properties")?.get(key)?;
        pointer = format!("{pointer}/properties/{key}");
    }
    doc.pointer_mut(&pointer)
}

/// The committed file's text: pretty JSON with a trailing newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("serialisable");
    s.push('\n');
    s
}
