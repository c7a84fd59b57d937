//! SARIF 2.1.0 output of diagnostics, for code scanning in CI (GitHub uploads it with
//! `github/codeql-action/upload-sarif`). One run; `tool.driver.rules` holds every code the
//! results use, with the title, explanation and fix of `catalog/diagnostics.yaml`.

use crate::catalog::diagnostics;
use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log of one amlgen run.
pub fn log(diags: &[Diagnostic]) -> Value {
    let codes: Vec<&str> = diags
        .iter()
        .map(|d| d.code.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rules: Vec<Value> = codes.iter().map(|c| rule(c)).collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            result(
                d,
                codes
                    .iter()
                    .position(|c| *c == d.code.as_str())
                    .unwrap_or(0),
            )
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "amlgen",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: &str) -> Value {
    let Some((_, e)) = diagnostics::get(code) else {
        return json!({"id": code});
    };
    json!({
        "id": code,
        "name": pascal(&e.title),
        "shortDescription": {"text": e.title},
        "fullDescription": {"text": e.explanation},
        "help": {"text": format!("{}\n\n`amlgen explain {code}` tells more.", e.fix)},
        "properties": {"sources": e.source},
    })
}

fn result(d: &Diagnostic, rule_index: usize) -> Value {
    let mut text = d.message.clone();
    if let Some(v) = &d.value {
        text.push_str(&format!(" (value: `{v}`)"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!(". Fix: {h}"));
    }
    let mut r = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": text},
    });
    let loc = &d.location;
    if !loc.file.is_empty() && !loc.file.starts_with("--") {
        let mut physical = json!({"artifactLocation": {"uri": uri(&loc.file)}});
        if let Some(line) = loc.line {
            let mut region = json!({"startLine": line});
            if let Some(c) = loc.column {
                region["startColumn"] = json!(c);
            }
            physical["region"] = region;
        }
        let mut location = json!({"physicalLocation": physical});
        if let Some(p) = &loc.path {
            location["logicalLocations"] = json!([{"fullyQualifiedName": p}]);
        }
        r["locations"] = json!([location]);
    }
    r
}

/// A relative file reference as a URI reference: forward slashes, reserved characters
/// percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~/".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `FQDN rule to an Azure Storage host` -> `FqdnRuleToAnAzureStorageHost`.
fn pascal(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().expect("non-empty").to_ascii_uppercase();
            first.to_string() + &cs.as_str().to_ascii_lowercase()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn uris_and_names() {
        assert_eq!(uri("./a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("dir\\x.json"), "dir/x.json");
        assert_eq!(
            pascal("FQDN rule to an Azure Storage host"),
            "FqdnRuleToAnAzureStorageHost"
        );
    }

    #[test]
    fn results_point_at_their_rule() {
        let d = vec![
            Diagnostic::warning(Code::WildcardMissesApex, "w")
                .at_file("a.yml")
                .at_line(3, 5),
            Diagnostic::error(Code::RuleTypeForMode, "e")
                .at_file("a.yml")
                .at_path("x.y"),
            Diagnostic::error(Code::UnknownSetPath, "s").at_file("--set"),
        ];
        let v = log(&d);
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 3);
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert!(run["results"][2].get("locations").is_none());
    }
}
