//! `amlgen check` on configurations written by hand: every wrong example of seed 004 (a
//! third-party package-allowlist guide, copied into tests/fixtures/lint/seed004/) is caught with
//! its code; correct files pass; every output format (human, JSON, SARIF) is checked, SARIF
//! against the official 2.1.0 schema; `amlgen explain` prints every code.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint");

struct Run {
    exit: i32,
    stdout: String,
    stderr: String,
}

fn amlgen(args: &[&str]) -> Run {
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(FIXTURES)
        .args(args)
        .output()
        .unwrap();
    Run {
        exit: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The codes `amlgen check --format json` reports for a fixture, in order.
fn codes(file: &str) -> Vec<String> {
    let r = amlgen(&["check", file, "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{file}: not JSON ({e}):\n{}{}", r.stdout, r.stderr));
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// `amlgen check FILE`: exit code, the codes in order, and the human output snapshotted whole.
macro_rules! lint_case {
    ($name:ident, $file:literal, [$($code:literal),*], $exit:literal) => {
        #[test]
        fn $name() {
            let want: Vec<&str> = vec![$($code),*];
            assert_eq!(codes($file), want, "{}", $file);
            let r = amlgen(&["check", $file]);
            assert_eq!(r.exit, $exit, "{}", r.stderr);
            assert!(r.stdout.is_empty(), "human output goes to stderr: {}", r.stdout);
            for code in &want {
                assert!(r.stderr.contains(&format!("[{code}]")), "{code} in:\n{}", r.stderr);
            }
            insta::assert_snapshot!(r.stderr);
        }
    };
}

// --- Every wrong example of seed 004, and its code -----------------------------------------
lint_case!(
    seed_fqdn_rule_under_internet_outbound,
    "seed004/01-fqdn-under-internet-outbound.yml",
    ["AMLG101"],
    1
);
lint_case!(
    seed_approved_only_wildcards,
    "seed004/02-approved-only-wildcards.yml",
    ["AMLG108", "AMLG203", "AMLG108"],
    1
);
lint_case!(
    seed_secure_workspace,
    "seed004/03-secure-workspace.yml",
    ["AMLG108", "AMLG203", "AMLG108", "AMLG108", "AMLG005", "AMLG207"],
    1
);
lint_case!(
    seed_port_ranges_as_number,
    "seed004/04-rule-types.yml",
    ["AMLG108", "AMLG202", "AMLG005", "AMLG207"],
    1
);
lint_case!(
    seed_fqdn_in_nsg_rule,
    "seed004/05-nsg-fqdn.json",
    ["AMLG201"],
    1
);
lint_case!(
    seed_minimal_python_misses_pypi,
    "seed004/06-minimal-python.yml",
    ["AMLG108", "AMLG203", "AMLG108"],
    1
);
lint_case!(
    seed_comprehensive,
    "seed004/07-comprehensive.yml",
    ["AMLG108", "AMLG203", "AMLG108", "AMLG108", "AMLG108", "AMLG108", "AMLG005", "AMLG207"],
    1
);
lint_case!(
    seed_outbound_rule_create,
    "seed004/08-outbound-rule-create.sh",
    ["AMLG204", "AMLG205", "AMLG108", "AMLG203", "AMLG204", "AMLG205", "AMLG108"],
    1
);
lint_case!(
    seed_start_minimal,
    "seed004/09-start-minimal.yml",
    ["AMLG108", "AMLG203"],
    1
);
lint_case!(
    seed_broad_wildcard,
    "seed004/10-broad-wildcard.yml",
    ["AMLG104"],
    1
);
lint_case!(
    seed_fqdn_to_storage,
    "seed004/11-storage-fqdn.yml",
    ["AMLG107", "AMLG108", "AMLG107", "AMLG108", "AMLG107", "AMLG108"],
    1
);
lint_case!(
    seed_document_your_rules,
    "seed004/12-document-your-rules.yml",
    ["AMLG108", "AMLG203"],
    1
);
lint_case!(
    seed_audit_commands_are_right,
    "seed004/13-audit-commands.sh",
    [],
    0
);

/// The whole guide, as Markdown: every wrong example is found in its code blocks, at the line
/// of the guide.
#[test]
fn seed_guide_as_markdown() {
    let found = codes("seed004/guide.md");
    for code in [
        "AMLG101", "AMLG108", "AMLG203", "AMLG005", "AMLG207", "AMLG202", "AMLG201", "AMLG204",
        "AMLG205", "AMLG001",
    ] {
        assert!(found.iter().any(|c| c == code), "{code} not in {found:?}");
    }
    let r = amlgen(&["check", "seed004/guide.md"]);
    assert_eq!(r.exit, 1);
    // The FQDN rule under allow_internet_outbound is on line 50 of the guide.
    assert!(
        r.stderr
            .contains("error[AMLG101]: `fqdn` rules are refused under isolation_mode allow_internet_outbound\n  --> seed004/guide.md:50:13"),
        "{}",
        r.stderr
    );
    insta::assert_snapshot!(r.stderr);
}

// --- Other mistakes in hand-written files ---------------------------------------------------
lint_case!(
    unknown_keys_dropped_or_refused,
    "bad/unknown-keys.yml",
    ["AMLG002", "AMLG002", "AMLG002", "AMLG002"],
    1
);
lint_case!(
    values_not_allowed,
    "bad/values.yml",
    ["AMLG004", "AMLG004", "AMLG004"],
    1
);
lint_case!(
    rule_type_disagrees_with_destination,
    "bad/type-mismatch.yml",
    ["AMLG208", "AMLG005"],
    1
);
lint_case!(
    rule_names,
    "bad/rule-names.yml",
    ["AMLG103", "AMLG102", "AMLG102"],
    1
);
lint_case!(
    destinations,
    "bad/destinations.yml",
    ["AMLG105", "AMLG106", "AMLG105", "AMLG104", "AMLG109", "AMLG109", "AMLG109"],
    1
);
lint_case!(
    private_endpoints,
    "bad/private-endpoints.yml",
    ["AMLG110", "AMLG111", "AMLG112", "AMLG111", "AMLG004"],
    1
);
lint_case!(
    rules_without_managed_vnet,
    "bad/disabled-with-rules.yml",
    ["AMLG151", "AMLG113"],
    1
);
lint_case!(
    nsg_host_names_and_priorities,
    "bad/nsg-priorities.json",
    ["AMLG201", "AMLG201", "AMLG209", "AMLG209", "AMLG201"],
    1
);
lint_case!(
    az_options_per_type,
    "bad/az-options.sh",
    ["AMLG206", "AMLG206", "AMLG206", "AMLG206", "AMLG206", "AMLG203", "AMLG109", "AMLG204"],
    1
);
lint_case!(malformed_json, "bad/malformed.json", ["AMLG001"], 1);
lint_case!(json_that_is_no_nsg, "bad/not-an-nsg.json", ["AMLG230"], 1);

/// Correct files: no diagnostics, exit 0, and an explicit empty answer for tools.
#[test]
fn correct_files_pass() {
    for file in [
        "good/workspace.yml",
        "good/nsg-template.json",
        "good/rules.sh",
    ] {
        let r = amlgen(&["check", file]);
        assert_eq!(r.exit, 0, "{file}:\n{}", r.stderr);
        assert!(
            r.stderr.ends_with(": 0 errors, 0 warnings\n"),
            "{file}:\n{}",
            r.stderr
        );
        let j = amlgen(&["check", file, "--format", "json"]);
        assert_eq!(j.stdout.trim(), "[]", "{file}");
        let s = amlgen(&["check", file, "--format", "sarif"]);
        let v: Value = serde_json::from_str(&s.stdout).unwrap();
        assert_eq!(v["runs"][0]["results"], serde_json::json!([]), "{file}");
    }
}

/// A warning alone does not fail the check.
#[test]
fn warnings_alone_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ws.yml");
    std::fs::write(
        &file,
        "name: mlw-open\npublic_network_access: Enabled\nmanaged_network:\n  isolation_mode: allow_internet_outbound\n",
    )
    .unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .args(["check", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[AMLG151]"), "{stderr}");
}

// --- Formats ---------------------------------------------------------------------------------

#[test]
fn json_format_has_code_file_line_path_and_fix() {
    let r = amlgen(&["check", "seed004/04-rule-types.yml", "--format", "json"]);
    assert_eq!(r.exit, 1);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let d = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "AMLG202")
        .unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["file"], "seed004/04-rule-types.yml");
    assert_eq!(d["location"]["line"], 10);
    assert_eq!(d["location"]["column"], 18);
    assert_eq!(d["location"]["path"], "[1].destination.port_ranges");
    assert_eq!(d["value"], "443");
    assert!(d["help"].as_str().unwrap().contains("port_ranges: \"443\""));
    insta::assert_snapshot!(r.stdout);
}

/// The SARIF 2.1.0 rules code-scanning consumers rely on, checked by hand: the official OASIS
/// schema is not in the project's shared reference data, and vendoring is from there alone.
struct SarifRules;

fn sarif_validator() -> SarifRules {
    SarifRules
}

fn assert_valid_sarif(_: &SarifRules, what: &str, v: &Value) {
    let mut errors = Vec::new();
    if v["version"] != "2.1.0" {
        errors.push("version is not 2.1.0".to_string());
    }
    if !v["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif") && s.contains("2.1.0"))
    {
        errors.push("$schema does not name the 2.1.0 schema".to_string());
    }
    let runs = v["runs"].as_array().cloned().unwrap_or_default();
    if runs.is_empty() {
        errors.push("no runs".to_string());
    }
    for (i, run) in runs.iter().enumerate() {
        let driver = &run["tool"]["driver"];
        if !driver["name"].is_string() {
            errors.push(format!("runs[{i}].tool.driver.name missing"));
        }
        let rules: Vec<&str> = driver["rules"]
            .as_array()
            .map(|r| r.iter().filter_map(|x| x["id"].as_str()).collect())
            .unwrap_or_default();
        let mut unique = rules.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != rules.len() {
            errors.push(format!("runs[{i}]: duplicate rule ids"));
        }
        for (j, r) in run["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = format!("runs[{i}].results[{j}]");
            match r["ruleId"].as_str() {
                Some(id) if rules.contains(&id) => {}
                other => errors.push(format!("{at}.ruleId {other:?} is not a rule of the driver")),
            }
            if !matches!(
                r["level"].as_str(),
                Some("error" | "warning" | "note" | "none")
            ) {
                errors.push(format!("{at}.level {}", r["level"]));
            }
            if !r["message"]["text"].is_string() {
                errors.push(format!("{at}.message.text missing"));
            }
            for (k, l) in r["locations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let pl = &l["physicalLocation"];
                if !pl["artifactLocation"]["uri"].is_string() {
                    errors.push(format!("{at}.locations[{k}] has no artifactLocation.uri"));
                }
                for f in ["startLine", "startColumn"] {
                    if let Some(n) = pl["region"].get(f) {
                        if n.as_u64().is_none_or(|n| n < 1) {
                            errors.push(format!("{at}.locations[{k}].region.{f} is {n}"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{what}: SARIF errors:\n{}",
        errors.join("\n")
    );
}

/// The hand check is not one that cannot fail.
#[test]
fn sarif_rules_reject_broken_documents() {
    let good = serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "amlgen", "rules": [{"id": "AMLG104"}]}},
                  "results": [{"ruleId": "AMLG104", "level": "error", "message": {"text": "x"},
                               "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.yml"},
                                                                   "region": {"startLine": 3, "startColumn": 5}}}]}]}]
    });
    assert_valid_sarif(&SarifRules, "good", &good);
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["ruleId"] = "AMLG999".into();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    let r = std::panic::catch_unwind(|| assert_valid_sarif(&SarifRules, "bad", &bad));
    assert!(r.is_err());
}

/// Every fixture's SARIF output is valid SARIF 2.1.0; results point at their rule, their file,
/// line and column, and their level matches the severity.
#[test]
fn sarif_is_valid_for_every_fixture() {
    let validator = sarif_validator();
    let mut results = 0;
    for dir in ["seed004", "bad", "good"] {
        for entry in std::fs::read_dir(Path::new(FIXTURES).join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name == "README.md" {
                continue;
            }
            let file = format!("{dir}/{name}");
            let r = amlgen(&["check", &file, "--format", "sarif"]);
            let v: Value = serde_json::from_str(&r.stdout)
                .unwrap_or_else(|e| panic!("{file}: {e}\n{}", r.stderr));
            assert_valid_sarif(&validator, &file, &v);
            let json: Value =
                serde_json::from_str(&amlgen(&["check", &file, "--format", "json"]).stdout)
                    .unwrap();
            let run = &v["runs"][0];
            let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
            let res = run["results"].as_array().unwrap();
            assert_eq!(res.len(), json.as_array().unwrap().len(), "{file}");
            for (r, d) in res.iter().zip(json.as_array().unwrap()) {
                assert_eq!(r["ruleId"], d["code"], "{file}");
                let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
                assert_eq!(rule["id"], r["ruleId"], "{file}");
                assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
                assert_eq!(r["level"], d["severity"], "{file}");
                let loc = &r["locations"][0]["physicalLocation"];
                assert_eq!(loc["artifactLocation"]["uri"], file.as_str());
                assert_eq!(loc["region"]["startLine"], d["location"]["line"], "{file}");
                assert_eq!(
                    loc["region"]["startColumn"], d["location"]["column"],
                    "{file}"
                );
                results += 1;
            }
        }
    }
    assert!(results > 80, "only {results} results checked");
}

#[test]
fn sarif_snapshot() {
    let r = amlgen(&["check", "seed004/05-nsg-fqdn.json", "--format", "sarif"]);
    assert_eq!(r.exit, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), "nsg", &v);
    insta::assert_snapshot!(r.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

/// Blueprints keep their own path, and get SARIF too.
#[test]
fn sarif_for_a_blueprint() {
    let dir = tempfile::tempdir().unwrap();
    let bp = include_str!("../blueprints/approved-only.yaml").replacen(
        "destination: pypi.org",
        "destination: \"*.com\"",
        1,
    );
    std::fs::write(dir.path().join("bp.yaml"), bp).unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "bp.yaml", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), "blueprint", &v);
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "AMLG104");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bp.yaml"
    );
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "workspace.managed_network.outbound_rules[0].destination"
    );
}

// --- explain ---------------------------------------------------------------------------------

#[test]
fn explain_prints_explanation_fix_and_sources() {
    let r = amlgen(&["explain", "AMLG201"]);
    assert_eq!(r.exit, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Fix: ") && r.stdout.contains("Sources:"));
    assert!(r.stdout.contains(
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview"
    ));
    insta::assert_snapshot!(r.stdout);
    assert_eq!(amlgen(&["explain", "amlg201"]).stdout, r.stdout);
}

#[test]
fn explain_every_code_in_the_list() {
    let list = amlgen(&["explain"]);
    assert_eq!(list.exit, 0);
    let codes: Vec<&str> = list
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(codes.len() > 40, "{codes:?}");
    for code in codes {
        let r = amlgen(&["explain", code]);
        assert_eq!(r.exit, 0, "{code}");
        assert!(r.stdout.starts_with(&format!("{code}: ")), "{}", r.stdout);
    }
}

#[test]
fn explain_unknown_code_is_a_usage_error() {
    let r = amlgen(&["explain", "AMLG2011"]);
    assert_eq!(r.exit, 2);
    assert!(r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

/// A clean blueprint still answers code scanning with a (valid, empty) SARIF log.
#[test]
fn sarif_for_a_clean_blueprint() {
    let r = amlgen(&["check", "approved-only", "--format", "sarif"]);
    assert_eq!(r.exit, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), "approved-only", &v);
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn set_is_for_blueprints_only() {
    let r = amlgen(&["check", "good/workspace.yml", "--set", "name=x"]);
    assert_eq!(r.exit, 2);
    assert!(
        r.stderr.contains("--set applies to blueprints"),
        "{}",
        r.stderr
    );
}

/// amlgen's own workspace YAMLs pass the linter as written (issue 11 item 9): every built-in,
/// rendered with a subscription, gives a workspace.yml with no placeholder left.
#[test]
fn rendered_workspace_yamls_pass_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for bp in [
        "allow-internet",
        "approved-only",
        "hub-spoke",
        "exfiltration-prevention",
        "no-firewall",
    ] {
        let folder = dir.path().join(bp);
        let r = amlgen(&[
            "render",
            bp,
            "--out",
            folder.to_str().unwrap(),
            "--set",
            "resource_group.subscription_id=00000000-0000-0000-0000-000000000000",
        ]);
        assert_eq!(r.exit, 0, "{bp}: {}", r.stderr);
        let path = folder.join("workspace.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains('<'), "{bp}: {text}");
        let after = amlgen(&["check", path.to_str().unwrap()]);
        assert_eq!(after.exit, 0, "{bp}:\n{}", after.stderr);
        assert!(
            after.stderr.ends_with(": 0 errors, 0 warnings\n"),
            "{bp}:\n{}",
            after.stderr
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

// --- Issue 10: what the lint missed or misread ----------------------------------------------

/// `amlgen check` on a file written into a temporary folder: exit code, stdout, stderr.
fn check_text(name: &str, text: &[u8], format: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", name, "--format", format])
        .output()
        .unwrap();
    Run {
        exit: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json_codes(r: &Run) -> Vec<String> {
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}{}", r.stdout, r.stderr));
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// `--destination=*.pypi.org` (the `--opt=value` form) was not checked; it gets what
/// `--destination *.pypi.org` gets, at the column of the value.
#[test]
fn options_written_with_equals_are_checked() {
    let spaced = "az ml workspace outbound-rule set -g rg -w ws --rule pypi --type fqdn --destination '*.pypi.org'\n";
    let equals = "az ml workspace outbound-rule set -g rg -w ws --rule=pypi --type=fqdn --destination=*.pypi.org\n";
    let a = check_text("a.sh", spaced.as_bytes(), "json");
    let b = check_text("b.sh", equals.as_bytes(), "json");
    assert_eq!(json_codes(&a), ["AMLG108", "AMLG203"]);
    assert_eq!(json_codes(&b), json_codes(&a), "{}", b.stdout);
    let v: Value = serde_json::from_str(&b.stdout).unwrap();
    assert_eq!(v[0]["location"]["column"], 85, "{}", b.stdout);
    // A value outside an option's values, in the same form.
    let c = check_text(
        "c.sh",
        b"az ml workspace outbound-rule set -g rg -w ws --rule x --type=fqdnx --destination=pypi.org\n",
        "json",
    );
    assert_eq!(json_codes(&c), ["AMLG004"], "{}", c.stdout);
}

/// NSG priorities `100.5`, `"abc"` and 2^64 were skipped: not integers 100-4096 (AMLG209).
#[test]
fn nsg_priorities_that_are_no_integer_in_range() {
    let text = r#"{"securityRules": [
  {"name": "a", "properties": {"priority": 100.5, "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}},
  {"name": "b", "properties": {"priority": "abc", "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}},
  {"name": "c", "properties": {"priority": 18446744073709551616, "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}},
  {"name": "d", "properties": {"priority": -1, "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}},
  {"name": "e", "properties": {"priority": "[parameters('p')]", "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}},
  {"name": "f", "properties": {"priority": 200, "direction": "Outbound", "destinationAddressPrefix": "AzureCloud"}}
]}
"#;
    let r = check_text("nsg.json", text.as_bytes(), "json");
    assert_eq!(r.exit, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<(&str, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("AMLG209", 2),
            ("AMLG209", 3),
            ("AMLG209", 4),
            ("AMLG209", 5)
        ]
    );
}

/// Text inside a `cat <<EOF` heredoc is data, not commands: it was linted.
#[test]
fn heredocs_are_not_commands() {
    let script = "#!/usr/bin/env bash\n\
cat <<EOF > notes.txt\n\
az ml workspace outbound-rule create --rule-name x\n\
EOF\n\
cat <<-'END' | tee -a notes.txt\n\
\taz ml workspace outbound-rule create --rule-name y\n\
\tEND\n\
cat << \"DONE\"; echo $((1 << 2))\n\
az ml workspace outbound-rule create\n\
DONE\n\
az ml workspace outbound-rule create -g rg -w ws --rule pypi --type fqdn --destination pypi.org\n\
az ml workspace outbound-rule set -g rg -w ws --rule files --type fqdn --destination files.pythonhosted.org\n";
    let r = check_text("s.sh", script.as_bytes(), "json");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<(&str, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Only the command after the heredocs, on its own line.
    assert_eq!(got, [("AMLG204", 11)], "{}", r.stdout);
}

/// A JSON file with a UTF-8 byte order mark was called malformed.
#[test]
fn json_with_a_byte_order_mark_is_read() {
    let good = std::fs::read(Path::new(FIXTURES).join("good/nsg-template.json")).unwrap();
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(&good);
    let r = check_text("nsg.json", &bom, "json");
    assert_eq!(r.exit, 0, "{}", r.stdout);
    assert_eq!(r.stdout.trim(), "[]");
    let bad = std::fs::read(Path::new(FIXTURES).join("bad/nsg-priorities.json")).unwrap();
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(&bad);
    let r = check_text("nsg.json", &bom, "json");
    assert_eq!(
        json_codes(&r),
        ["AMLG201", "AMLG201", "AMLG209", "AMLG209", "AMLG201"]
    );
}

/// `amlgen check approved-only --format json` printed nothing on a clean blueprint: tools get
/// `[]`, and SARIF an empty run.
#[test]
fn clean_blueprints_answer_tools() {
    let j = amlgen(&["check", "approved-only", "--format", "json"]);
    assert_eq!(j.exit, 0, "{}", j.stderr);
    let v: Value = serde_json::from_str(&j.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", j.stdout));
    assert_eq!(v, serde_json::json!([]));
    let s = amlgen(&["check", "approved-only", "--format", "sarif"]);
    assert_eq!(s.exit, 0, "{}", s.stderr);
    let v: Value = serde_json::from_str(&s.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), "clean blueprint", &v);
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    // Printed once, not twice.
    assert_eq!(s.stdout.matches("\"version\": \"2.1.0\"").count(), 1);
}

/// ESC bytes (and C1 controls, bidirectional overrides) from a checked file reached the
/// terminal raw: every output shows them escaped, and JSON and SARIF stay valid.
#[test]
fn control_characters_from_checked_files_are_escaped() {
    let script = "az ml workspace outbound-rule set -g rg -w ws --rule \"bad\u{1b}[2Jname\u{9b}1m\u{202e}\" --type fqdn --destination \"pypi.org\u{1b}]0;title\u{7}\"\n";
    for format in ["human", "json", "sarif"] {
        let r = check_text("evil\u{1b}[31m.sh", script.as_bytes(), format);
        assert_eq!(r.exit, 1, "{format}: {}{}", r.stdout, r.stderr);
        let both = format!("{}{}", r.stdout, r.stderr);
        for c in ['\u{1b}', '\u{9b}', '\u{7}', '\u{202e}'] {
            assert!(!both.contains(c), "{format}: raw {c:?} printed:\n{both:?}");
        }
        assert!(both.contains("\\u{1b}"), "{format}: {both}");
        if format != "human" {
            serde_json::from_str::<Value>(&r.stdout).unwrap();
        }
    }
}

/// `amlgen explain` with ESC in its argument printed it raw.
#[test]
fn explain_escapes_its_argument() {
    let r = amlgen(&["explain", "AMLG\u{1b}[2J1"]);
    assert_eq!(r.exit, 2);
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
    assert!(r.stderr.contains("AMLG\\u{1b}[2J1"), "{}", r.stderr);
}
