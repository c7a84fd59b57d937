//! Bicep conformance: generated `.bicep` files checked against the Bicep compiler's own type data
//! (`tests/data/bicep-types`) and the enums of the official ARM JSON schemas
//! (`tests/data/arm-schemas`, patched as described in `support/bicep_check.rs`).
//!
//! * Self-test: every fixture under `tests/fixtures/bicep/good` must give no finding; every
//!   fixture under `tests/fixtures/bicep/broken` starts with `// expect: code[, code...]` and
//!   must give exactly those finding codes; a line ending in `// <- code` must get a finding with
//!   that code on that very line.
//! * Output check: every `.bicep` under `out/` (relative to the crate root) must give no finding.
//!   No `out/` yet: skipped with a note. An `out/` without any `.bicep`: failure.

#[path = "support/bicep_check.rs"]
mod bicep_check;

use bicep_check::{check_bicep, check_json_value, ArmSchemas, Finding, Lookup, TypeData};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Data {
    types: TypeData,
    schemas: ArmSchemas,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = root().join("tests/data");
        let types = TypeData::load(&dir.join("bicep-types"))
            .unwrap_or_else(|e| panic!("loading Bicep type data: {e}"));
        let schemas = ArmSchemas::load(&dir.join("arm-schemas"))
            .unwrap_or_else(|e| panic!("loading ARM schemas: {e}"));
        Data { types, schemas }
    })
}

fn bicep_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("walking {}: {e}", dir.display())))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "bicep"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn check_file(path: &Path) -> Vec<Finding> {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let label = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let d = data();
    check_bicep(&label, &source, &d.types, Some(&d.schemas))
}

fn listing(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {f}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn good_fixtures_have_no_findings() {
    let files = bicep_files(&root().join("tests/fixtures/bicep/good"));
    assert!(!files.is_empty(), "no good fixtures found");
    let mut all = Vec::new();
    for f in &files {
        all.extend(check_file(f));
    }
    assert!(
        all.is_empty(),
        "good fixtures produced findings:\n{}",
        listing(&all)
    );
}

#[test]
fn broken_fixtures_produce_their_expected_findings() {
    let files = bicep_files(&root().join("tests/fixtures/bicep/broken"));
    assert!(!files.is_empty(), "no broken fixtures found");
    let mut failures = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(expect) = source
            .lines()
            .next()
            .and_then(|l| l.trim().strip_prefix("// expect:"))
        else {
            failures.push(format!(
                "{name}: first line must be `// expect: code[, code...]`"
            ));
            continue;
        };
        let expected: BTreeSet<String> = expect
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let findings = check_file(path);
        let got: BTreeSet<String> = findings.iter().map(|f| f.code.to_string()).collect();
        if got != expected {
            failures.push(format!(
                "{name}: expected codes {expected:?}, got {got:?}\n{}",
                listing(&findings)
            ));
            continue;
        }
        for (i, line) in source.lines().enumerate() {
            if let Some((_, code)) = line.rsplit_once("// <- ") {
                let code = code.trim();
                if !findings.iter().any(|f| f.line == i + 1 && f.code == code) {
                    failures.push(format!(
                        "{name}:{}: expected a `{code}` finding on this line\n{}",
                        i + 1,
                        listing(&findings)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} broken fixture(s) misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Values that reach a resource through a parameter (e.g. the workspace's `outboundRules` object
/// in `main.parameters.json`) are checked with `check_json_value` at the property they feed.
#[test]
fn json_values_are_checked_like_literals() {
    let d = data();
    let ws = "Microsoft.MachineLearningServices/workspaces@2026-05-01";
    let rules_path = ["properties", "managedNetwork", "outboundRules"];
    let good = serde_json::json!({
        "allow-pypi": {"type": "FQDN", "category": "UserDefined", "destination": "pypi.org"},
        "pe-blob": {"type": "PrivateEndpoint", "category": "UserDefined",
                    "destination": {"serviceResourceId": "/subscriptions/x", "subresourceTarget": "blob", "sparkEnabled": false}},
        "tag-monitor": {"type": "ServiceTag", "category": "UserDefined",
                        "destination": {"serviceTag": "AzureMonitor", "protocol": "TCP", "portRanges": "443", "action": "Allow"}}
    });
    let f = check_json_value(
        "outboundRules",
        ws,
        &rules_path,
        &good,
        &d.types,
        Some(&d.schemas),
    );
    assert!(f.is_empty(), "good outbound rules:\n{}", listing(&f));

    let cases = [
        (
            serde_json::json!({"r1": {"type": "Fqdn", "destination": "pypi.org"}}),
            "bad-discriminator",
        ),
        (
            serde_json::json!({"r1": {"type": "FQDN", "destinaton": "pypi.org"}}),
            "unknown-property",
        ),
        (
            serde_json::json!({"r1": {"type": "FQDN", "category": "Custom", "destination": "pypi.org"}}),
            "arm-enum",
        ),
        (
            serde_json::json!({"r1": {"type": "PrivateEndpoint", "destination": {"serviceResourceId": "x", "sparkEnabled": "false"}}}),
            "type-mismatch",
        ),
        (
            serde_json::json!({"r1": {"type": "ServiceTag", "destination": {"serviceTag": "AzureMonitor", "action": "Permit"}}}),
            "arm-enum",
        ),
    ];
    for (value, code) in cases {
        let f = check_json_value(
            "outboundRules",
            ws,
            &rules_path,
            &value,
            &d.types,
            Some(&d.schemas),
        );
        let codes: Vec<&str> = f.iter().map(|f| f.code).collect();
        assert_eq!(codes, [code], "{value}:\n{}", listing(&f));
    }
    let iso = check_json_value(
        "isolationMode",
        ws,
        &["properties", "managedNetwork", "isolationMode"],
        &serde_json::json!("Bogus"),
        &d.types,
        Some(&d.schemas),
    );
    assert_eq!(
        iso.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["arm-enum"],
        "{}",
        listing(&iso)
    );
    let name = check_json_value(
        "storageAccountName",
        "Microsoft.Storage/storageAccounts@2025-06-01",
        &["name"],
        &serde_json::json!("st-aml-01"),
        &d.types,
        Some(&d.schemas),
    );
    assert_eq!(
        name.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["pattern-mismatch"],
        "{}",
        listing(&name)
    );
    let ok = check_json_value(
        "storageAccountName",
        "Microsoft.Storage/storageAccounts@2025-06-01",
        &["name"],
        &serde_json::json!("staml01"),
        &d.types,
        Some(&d.schemas),
    );
    assert!(ok.is_empty(), "{}", listing(&ok));
}

/// The type@apiVersion pairs amlgen renders must exist and be vendored, so the output check
/// never degrades to `type-not-vendored`.
/// Types whose ARM schema is not in the project's shared reference copy, so only the Bicep type
/// data checks them (vendoring is from that copy alone).
const NO_ARM_SCHEMA_VENDORED: &[&str] = &[
    "Microsoft.Insights/components@2020-02-02",
    "Microsoft.OperationalInsights/workspaces@2025-02-01",
    "Microsoft.Authorization/roleAssignments@2022-04-01",
    "Microsoft.Authorization/roleDefinitions@2022-04-01",
    "Microsoft.Authorization/policyAssignments@2026-07-01",
    "Microsoft.Insights/privateLinkScopes@2021-09-01",
    "Microsoft.Insights/privateLinkScopes/scopedResources@2021-09-01",
    "Microsoft.Insights/diagnosticSettings@2016-09-01",
    "Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30",
    // The jump box (way_in.jump_box): the shared reference copy holds no Compute or DevTestLab
    // schema; the Bicep type data checks their bodies.
    "Microsoft.Compute/virtualMachines@2026-04-01",
    "Microsoft.Compute/virtualMachines/extensions@2026-04-01",
    "Microsoft.DevTestLab/schedules@2018-09-15",
    // inference.kubernetes: the shared copy has no ARM schema of these three.
    "Microsoft.ContainerService/managedClusters@2026-05-01",
    "Microsoft.KubernetesConfiguration/extensions@2025-03-01",
];

/// Types whose Bicep type data is not in the shared reference copy: index.json proves the
/// Type@version exists, nothing checks their bodies (the hub's optional DNS Private Resolver).
const NO_TYPE_DATA_VENDORED: &[&str] = &[
    "Microsoft.Network/dnsResolvers@2025-05-01",
    "Microsoft.Network/dnsResolvers/inboundEndpoints@2025-05-01",
];

#[test]
fn amlgen_api_versions_are_known_and_vendored() {
    const USED: &[&str] = &[
        "Microsoft.MachineLearningServices/workspaces@2026-05-01",
        "Microsoft.MachineLearningServices/workspaces/computes@2026-05-01",
        "Microsoft.MachineLearningServices/workspaces/outboundRules@2026-05-01",
        "Microsoft.Network/virtualNetworks@2025-07-01",
        "Microsoft.Network/virtualNetworks/subnets@2025-07-01",
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2025-07-01",
        "Microsoft.Network/privateEndpoints@2025-07-01",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2025-07-01",
        "Microsoft.Network/networkSecurityGroups@2025-07-01",
        "Microsoft.Network/networkSecurityGroups/securityRules@2025-07-01",
        "Microsoft.Network/routeTables@2025-07-01",
        "Microsoft.Network/routeTables/routes@2025-07-01",
        "Microsoft.Network/azureFirewalls@2025-07-01",
        "Microsoft.Network/firewallPolicies@2025-07-01",
        "Microsoft.Network/firewallPolicies/ruleCollectionGroups@2025-07-01",
        "Microsoft.Network/publicIPAddresses@2025-07-01",
        "Microsoft.Network/bastionHosts@2025-07-01",
        "Microsoft.Network/serviceEndpointPolicies@2025-07-01",
        "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions@2025-07-01",
        "Microsoft.Network/privateDnsZones@2024-06-01",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01",
        "Microsoft.Storage/storageAccounts@2025-06-01",
        "Microsoft.KeyVault/vaults@2024-11-01",
        "Microsoft.ContainerRegistry/registries@2025-04-01",
        "Microsoft.Insights/components@2020-02-02",
        "Microsoft.OperationalInsights/workspaces@2025-02-01",
        "Microsoft.Authorization/roleAssignments@2022-04-01",
        "Microsoft.Authorization/roleDefinitions@2022-04-01",
        "Microsoft.Authorization/policyAssignments@2026-07-01",
    ];
    // Plus every `type:` / `version:` pair pinned in catalog/api_versions.yaml (read line by line,
    // to need no YAML parser here).
    let mut used: Vec<String> = USED.iter().map(|s| s.to_string()).collect();
    let catalog = root().join("catalog/api_versions.yaml");
    if let Ok(text) = std::fs::read_to_string(&catalog) {
        let mut ty: Option<String> = None;
        let mut found = 0;
        for line in text.lines() {
            let line = line.trim();
            if let Some(t) = line.strip_prefix("type:") {
                ty = Some(t.trim().trim_matches('"').to_string());
            } else if let (Some(v), Some(t)) = (line.strip_prefix("version:"), ty.take()) {
                used.push(format!("{t}@{}", v.trim().trim_matches('"')));
                found += 1;
            }
        }
        if found == 0 {
            println!(
                "note: no type/version pairs read from {}",
                catalog.display()
            );
        }
    }
    let d = data();
    let mut problems = Vec::new();
    for tv in &used {
        let (t, v) = tv.rsplit_once('@').unwrap();
        match d.types.lookup(t, v) {
            Lookup::Found => {}
            // Exists in index.json (so the version is real) but its data is not vendored.
            Lookup::NotVendored(_) if NO_TYPE_DATA_VENDORED.contains(&tv.as_str()) => continue,
            other => problems.push(format!("{tv}: type data {other:?}")),
        }
        if !d.schemas.has(t, v) && !NO_ARM_SCHEMA_VENDORED.contains(&tv.as_str()) {
            problems.push(format!("{tv}: no ARM schema"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn generated_bicep_conforms() {
    let out = root().join("out");
    // out/ is committed: its absence is a broken checkout, not a reason to skip.
    assert!(
        out.exists(),
        "{} is missing; run `cargo run -- render --all`",
        out.display()
    );
    let files = bicep_files(&out);
    assert!(
        !files.is_empty(),
        "{} exists but contains no .bicep files",
        out.display()
    );
    let started = Instant::now();
    let mut all = Vec::new();
    for f in &files {
        all.extend(check_file(f));
    }
    println!(
        "checked {} .bicep file(s) under out/ in {:?}",
        files.len(),
        started.elapsed()
    );
    assert!(
        all.is_empty(),
        "{} finding(s) in generated Bicep:\n{}",
        all.len(),
        listing(&all)
    );
}

/// Every blueprint amlgen can render (built-ins and the `max` fixture), rendered in memory: each
/// Bicep file, and the outbound rules that reach the workspace through the parameter file, are
/// checked against the type data and the ARM schemas.
#[test]
fn rendered_blueprints_conform_including_parameter_values() {
    let d = data();
    let mut args: Vec<String> = amlgen::blueprint::builtin::names()
        .map(String::from)
        .collect();
    args.push("tests/fixtures/blueprints/max.yaml".into());
    args.push("tests/fixtures/blueprints/hub-max.yaml".into());
    args.push("tests/fixtures/blueprints/uai.yaml".into());
    args.push("tests/fixtures/blueprints/byo-max.yaml".into());
    args.push("tests/fixtures/blueprints/byo-hub.yaml".into());
    let ws = amlgen::catalog::Catalog::get().resource_type("workspace");
    let mut all = Vec::new();
    let mut rules_checked = 0;
    for arg in &args {
        let r = amlgen::render_blueprint(arg, &[], None).unwrap_or_else(|e| panic!("{arg}: {e:?}"));
        for a in r.artifacts.iter().filter(|a| a.path.ends_with(".bicep")) {
            let label = format!("{arg}/{}", a.path);
            all.extend(check_bicep(
                &label,
                &String::from_utf8_lossy(&a.bytes),
                &d.types,
                Some(&d.schemas),
            ));
        }
        let params = r
            .artifacts
            .iter()
            .find(|a| a.path == "main.parameters.json")
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&params.bytes).unwrap();
        let rules = &doc["parameters"]["outboundRules"]["value"];
        if rules.is_null() {
            continue; // hub-spoke: no managed VNet, no outbound rules
        }
        rules_checked += rules.as_object().map_or(0, |m| m.len());
        all.extend(check_json_value(
            &format!("{arg}/main.parameters.json#outboundRules"),
            &ws,
            &["properties", "managedNetwork", "outboundRules"],
            rules,
            &d.types,
            Some(&d.schemas),
        ));
    }
    assert!(
        rules_checked >= 5,
        "expected the fixtures to carry rules of every type"
    );
    all.retain(|f| {
        !(f.code == "type-not-vendored"
            && NO_TYPE_DATA_VENDORED
                .iter()
                .any(|tv| f.message.contains(tv)))
    });
    assert!(
        all.is_empty(),
        "{} finding(s):\n{}",
        all.len(),
        listing(&all)
    );
}
