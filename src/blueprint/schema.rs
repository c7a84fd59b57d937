//! The blueprint JSON Schema, generated from the Rust types so it can never drift from what the
//! loader accepts. `schemas/blueprint.schema.json` is this output, committed for editors.

use super::model::Blueprint;

pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Blueprint);
    serde_json::to_value(schema).expect("a schema is always serialisable")
}

/// The committed file's text: pretty JSON with a trailing newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("serialisable");
    s.push('\n');
    s
}
