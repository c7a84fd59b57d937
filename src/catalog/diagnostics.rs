//! `catalog/diagnostics.yaml`: the longer explanation of every diagnostic code, for
//! `amlgen explain CODE` and the rule descriptions of SARIF output.

use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::OnceLock;

pub const DIAGNOSTICS_YAML: &str = include_str!("../../catalog/diagnostics.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// One line: what the code is about.
    pub title: String,
    /// What is wrong and what Azure (or the tool that reads the file) does with it.
    pub explanation: String,
    /// How to fix it.
    pub fix: String,
    /// Ids in catalog/sources.yaml; empty for amlgen's own rules (file handling, blueprint syntax).
    #[serde(default)]
    pub source: Vec<String>,
}

/// Every code, in the order of the file.
pub fn all() -> &'static IndexMap<String, Explanation> {
    static ALL: OnceLock<IndexMap<String, Explanation>> = OnceLock::new();
    ALL.get_or_init(|| {
        crate::yaml::from_str(DIAGNOSTICS_YAML)
            .unwrap_or_else(|e| panic!("embedded catalog/diagnostics.yaml is invalid: {e}"))
    })
}

/// The explanation of `code` (`AMLG101`; case-insensitive, `101` works too).
pub fn get(code: &str) -> Option<(&'static str, &'static Explanation)> {
    let code = code.trim().to_ascii_uppercase();
    let code = if code.chars().all(|c| c.is_ascii_digit()) {
        format!("AMLG{code:0>3}")
    } else {
        code
    };
    all().get_key_value(&code).map(|(k, v)| (k.as_str(), v))
}
