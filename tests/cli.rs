//! The command line end to end: every kind of bad input gets a clear message (snapshotted whole),
//! its documented exit code, and leaves nothing written.

use assert_cmd::Command;
use std::path::Path;

const BASE: &str = include_str!("../blueprints/approved-only.yaml");

fn amlgen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("amlgen").unwrap();
    c.current_dir(dir);
    c
}

/// Runs `amlgen render bp.yaml` on `yaml` in a fresh folder; returns (exit code, stderr) and
/// asserts that no output folder appeared.
fn render_bad(yaml: &str, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let out = amlgen(dir.path())
        .arg("render")
        .arg("bp.yaml")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        !dir.path().join("out").exists(),
        "output written despite an error"
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn with(find: &str, replace: &str) -> String {
    assert!(BASE.contains(find), "fixture text not found: {find}");
    BASE.replacen(find, replace, 1)
}

const RULES: &str = "    outbound_rules:\n";

macro_rules! bad_input {
    ($name:ident, $yaml:expr, $code:literal) => {
        bad_input!($name, $yaml, &[], $code, 1);
    };
    ($name:ident, $yaml:expr, $extra:expr, $code:literal, $exit:literal) => {
        #[test]
        fn $name() {
            let yaml: String = $yaml.into();
            let (exit, stderr) = render_bad(&yaml, $extra);
            assert_eq!(exit, $exit, "{stderr}");
            assert!(stderr.contains($code), "expected {} in:\n{stderr}", $code);
            insta::assert_snapshot!(stderr);
        }
    };
}

bad_input!(
    malformed_yaml,
    with("  managed_network:\n", "  managed_network\n    : [\n"),
    "AMLG001"
);
bad_input!(
    unknown_key_with_suggestion,
    with("isolation_mode:", "isolaton_mode:"),
    "AMLG002"
);
bad_input!(
    fqdn_rule_under_internet_outbound,
    with("allow_only_approved_outbound", "allow_internet_outbound"),
    "AMLG101"
);
bad_input!(
    service_tag_rule_under_internet_outbound,
    with("allow_only_approved_outbound", "allow_internet_outbound").replacen(
        "      - name: pypi\n        type: fqdn\n        destination: pypi.org\n",
        "      - name: monitor\n        type: service_tag\n        destination: {service_tag: AzureMonitor, protocol: TCP, port_ranges: \"443\"}\n",
        1
    ),
    "AMLG101"
);
bad_input!(
    invalid_rule_name,
    with("- name: pypi", "- name: p!"),
    "AMLG102"
);
bad_input!(
    duplicate_rule_name,
    with("- name: pythonhosted-files", "- name: PyPI"),
    "AMLG103"
);
bad_input!(
    wildcard_star,
    with("destination: pypi.org", "destination: \"*\""),
    "AMLG104"
);
bad_input!(
    wildcard_tld,
    with("destination: pypi.org", "destination: \"*.com\""),
    "AMLG104"
);
bad_input!(
    pip_without_its_files_host,
    with(
        "        destination: files.pythonhosted.org",
        "        destination: conda.anaconda.org"
    ),
    "AMLG203"
);
bad_input!(
    fqdn_port_8080,
    with("destination: pypi.org", "destination: pypi.org:8080"),
    "AMLG106"
);
bad_input!(
    fqdn_url,
    with(
        "destination: pypi.org",
        "destination: https://pypi.org/simple"
    ),
    "AMLG105"
);
bad_input!(
    fqdn_to_storage,
    with(
        "destination: pypi.org",
        "destination: \"*.blob.core.windows.net\""
    ),
    "AMLG107"
);
bad_input!(
    invalid_cidr,
    with(
        "address_prefix: 10.30.1.0/27",
        "address_prefix: 10.30.1.7/27"
    ),
    "AMLG030"
);
bad_input!(
    pe_subnet_outside_vnet,
    with(
        "address_prefix: 10.30.1.0/27",
        "address_prefix: 10.99.1.0/27"
    ),
    "AMLG031"
);
bad_input!(
    overlapping_address_space,
    with(
        "address_space: [10.30.0.0/16]",
        "address_space: [10.30.0.0/16, 10.30.128.0/17]"
    ),
    "AMLG032"
);
bad_input!(
    storage_name_invalid,
    with(
        "  storage_account:\n",
        "  storage_account:\n    name: Storage_Account_Name_Far_Too_Long\n"
    ),
    "AMLG022"
);
bad_input!(
    derived_name_too_long,
    with("prefix: aml-appr", "prefix: fraud-detection-prod-eu"),
    "AMLG022"
);
bad_input!(
    blueprint_name_escapes_folder,
    with("name: approved-only", "name: ../../etc"),
    "AMLG020"
);
bad_input!(
    multi_line_description,
    with("description: >-", "description: |-"),
    "AMLG042"
);
bad_input!(
    rule_to_own_storage,
    with(
        RULES,
        "    outbound_rules:\n      - name: own-storage\n        type: private_endpoint\n        destination:\n          service_resource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aml-appr/providers/Microsoft.Storage/storageAccounts/stamlappr\n          subresource_target: blob\n"
    ),
    "AMLG110"
);
bad_input!(
    unknown_set_path,
    BASE,
    &["--set", "workspace.nmae=x"],
    "AMLG003",
    1
);
bad_input!(
    out_escapes_with_dotdot,
    BASE,
    &["--out", "../elsewhere"],
    "AMLG091",
    4
);

#[test]
fn wildcard_without_apex_is_a_warning_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bp.yaml"),
        with(
            "destination: files.pythonhosted.org",
            "destination: \"*.pythonhosted.org\"",
        ),
    )
    .unwrap();
    let out = amlgen(dir.path())
        .args(["render", "bp.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning[AMLG108]"), "{stderr}");
}

#[test]
fn unknown_builtin_suggests_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let out = amlgen(dir.path())
        .args(["render", "approved-onyl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("did you mean `approved-only`"), "{stderr}");
}

#[test]
fn json_diagnostics_for_tools() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bp.yaml"),
        with("isolation_mode:", "isolaton_mode:"),
    )
    .unwrap();
    let out = amlgen(dir.path())
        .args(["check", "bp.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "AMLG002");
    assert_eq!(v[0]["location"]["file"], "bp.yaml");
    assert!(v[0]["location"]["line"].as_u64().unwrap() > 0);
}

#[test]
fn set_overrides_values() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args([
            "render",
            "approved-only",
            "--set",
            "workspace.name=mlw-fraud-prod",
            "--set",
            "location=westeurope",
        ])
        .assert()
        .success();
    let params =
        std::fs::read_to_string(dir.path().join("out/approved-only/main.parameters.json")).unwrap();
    assert!(params.contains("\"mlw-fraud-prod\"") && params.contains("\"westeurope\""));
    // The regenerate command lives in the files that carry values, not in the Bicep (which holds
    // none, so it is the same for every blueprint of an architecture).
    let readme = std::fs::read_to_string(dir.path().join("out/approved-only/README.md")).unwrap();
    assert!(readme.contains(
        "amlgen render approved-only --set workspace.name=mlw-fraud-prod --set location=westeurope"
    ));
    let main = std::fs::read_to_string(dir.path().join("out/approved-only/main.bicep")).unwrap();
    assert!(!main.contains("mlw-fraud-prod") && !main.contains("westeurope"));
}

/// `main.bicep` and the modules are structural: two blueprints that differ only in names, naming
/// prefix and region get byte-identical Bicep; every value is in the parameter file.
#[test]
fn bicep_is_identical_for_blueprints_that_differ_only_in_values() {
    for builtin in [
        "allow-internet",
        "approved-only",
        "hub-spoke",
        "exfiltration-prevention",
        "no-firewall",
    ] {
        let dir = tempfile::tempdir().unwrap();
        amlgen(dir.path())
            .args(["render", builtin, "--out", "a"])
            .assert()
            .success();
        let mut other = vec![
            "render",
            builtin,
            "--out",
            "b",
            "--set",
            "naming.prefix=zz-other",
            "--set",
            "location=westeurope",
            "--set",
            "workspace.name=mlw-renamed",
            "--set",
            "dependencies.key_vault.name=kv-renamed-x",
            "--set",
            "dependencies.storage_account.name=strenamedx",
            "--set",
            "description=Another team's workspace // with its own words",
            "--set",
            "workspace.friendly_name=Another name",
        ];
        if builtin.contains("hub") || builtin.contains("exfiltration") || builtin == "no-firewall" {
            other.extend(["--set", "compute.cluster.name=gpu-cluster"]);
        }
        amlgen(dir.path()).args(&other).assert().success();
        let bicep_files = |root: &Path| -> Vec<(String, Vec<u8>)> {
            let mut v: Vec<_> = walkdir::WalkDir::new(root)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "bicep"))
                .map(|e| {
                    let rel = e.path().strip_prefix(root).unwrap().display().to_string();
                    (rel, std::fs::read(e.path()).unwrap())
                })
                .collect();
            v.sort();
            v
        };
        let (a, b) = (
            bicep_files(&dir.path().join("a")),
            bicep_files(&dir.path().join("b")),
        );
        assert!(a.len() >= 8, "{builtin}: too few Bicep files");
        assert_eq!(a.len(), b.len(), "{builtin}: different Bicep files");
        for ((pa, ba), (_, bb)) in a.iter().zip(&b) {
            assert!(ba == bb, "{builtin}: {pa} differs between the two renders");
        }
        let params_a = std::fs::read_to_string(dir.path().join("a/main.parameters.json")).unwrap();
        let params_b = std::fs::read_to_string(dir.path().join("b/main.parameters.json")).unwrap();
        assert_ne!(params_a, params_b);
        assert!(params_b.contains("westeurope") && params_b.contains("mlw-renamed"));
    }
}

#[test]
fn hand_edited_file_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args(["render", "approved-only"])
        .assert()
        .success();
    let edited = dir.path().join("out/approved-only/main.bicep");
    std::fs::write(&edited, "// my change\n").unwrap();
    let out = amlgen(dir.path())
        .args(["render", "approved-only", "--set", "location=westeurope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("main.bicep was changed by hand"),
        "{stderr}"
    );
    // Nothing else was written either: the parameter file still has the old region.
    let params =
        std::fs::read_to_string(dir.path().join("out/approved-only/main.parameters.json")).unwrap();
    assert!(params.contains("\"eastus\""));
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), "// my change\n");
    amlgen(dir.path())
        .args(["render", "approved-only", "--force"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&edited)
        .unwrap()
        .contains("Generated by amlgen"));
}

#[test]
fn refuses_to_write_into_a_foreign_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    let out = amlgen(dir.path())
        .args(["render", "approved-only", "--out", "src"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        std::fs::read_dir(dir.path().join("src")).unwrap().count(),
        1
    );
}

#[test]
fn check_reports_a_stale_folder_with_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args(["render", "approved-only"])
        .assert()
        .success();
    amlgen(dir.path())
        .args(["render", "approved-only", "--check"])
        .assert()
        .success();
    let f = dir.path().join("out/approved-only/deploy.sh");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("eastus", "westus");
    std::fs::write(&f, text).unwrap();
    let out = amlgen(dir.path())
        .args(["render", "approved-only", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("-LOCATION=${LOCATION:-westus}")
            && stderr.contains("+LOCATION=${LOCATION:-eastus}"),
        "{stderr}"
    );
}

#[test]
fn rerender_removes_files_no_longer_generated() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args(["render", "approved-only"])
        .assert()
        .success();
    assert!(dir.path().join("out/approved-only/dns/hosts.txt").exists());
    std::fs::write(
        dir.path().join("bp.yaml"),
        BASE.split("client_access:").next().unwrap(),
    )
    .unwrap();
    amlgen(dir.path())
        .args(["render", "bp.yaml", "--out", "out/approved-only"])
        .assert()
        .success();
    assert!(!dir.path().join("out/approved-only/dns").exists());
}

#[test]
fn list_schema_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let list = amlgen(dir.path()).arg("list").output().unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.contains("allow-internet") && text.contains("approved-only"));
    let schema = amlgen(dir.path()).arg("schema").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    assert!(v["properties"]["workspace"].is_object());
    let show = amlgen(dir.path())
        .args(["show", "approved-only"])
        .output()
        .unwrap();
    let builtin = amlgen::blueprint::builtin::find("approved-only").unwrap();
    assert_eq!(show.stdout, builtin.for_copying().as_bytes());
}

/// Ranges Azure enforces are refused by `check` and `render` (nothing written), from the same
/// table that writes main.bicep's @minValue/@maxValue.
#[test]
fn values_outside_azure_ranges_are_refused_before_rendering() {
    let dir = tempfile::tempdir().unwrap();
    let out = amlgen(dir.path())
        .args([
            "render",
            "hub-spoke",
            "--set",
            "dependencies.key_vault.soft_delete_retention_days=3",
            "--set",
            "dependencies.monitoring.retention_days=5000",
            "--set",
            "compute.cluster.min_nodes=9",
            "--set",
            "compute.cluster.max_nodes=0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "AMLG050",
        "dependencies.key_vault.soft_delete_retention_days",
        "dependencies.monitoring.retention_days",
        "AMLG051",
        "7 to 90",
        "30 to 730",
    ] {
        assert!(stderr.contains(needle), "missing {needle}:\n{stderr}");
    }
    assert!(!dir.path().join("out").exists());
}

/// `packages: [pip]` adds files.pythonhosted.org, so an explicit pypi.org rule is complete
/// (issue 11, item 10); without `packages`, the same rule alone is still AMLG203.
#[test]
fn pip_package_completes_an_explicit_pypi_rule() {
    let dir = tempfile::tempdir().unwrap();
    let shown = amlgen(dir.path())
        .args(["show", "approved-only"])
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    let files_rule = "      - name: pythonhosted-files\n        type: fqdn\n        destination: files.pythonhosted.org\n";
    assert!(text.contains(files_rule), "{text}");
    let only_pypi = text.replace(files_rule, "");
    let with_pip = only_pypi.replacen("\nlocation:", "\npackages: [pip]\nlocation:", 1);
    std::fs::write(dir.path().join("pip.yaml"), &with_pip).unwrap();
    std::fs::write(dir.path().join("bare.yaml"), &only_pypi).unwrap();
    let ok = amlgen(dir.path())
        .args(["check", "pip.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let bad = amlgen(dir.path())
        .args(["check", "bare.yaml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        bad.status.code() == Some(1) && err.contains("AMLG203"),
        "{err}"
    );
}

/// `amlgen show X > my.yaml` works outside the repository: no modeline path that exists only
/// here (issue 11, item 22), and the copy checks clean.
#[test]
fn shown_blueprint_names_a_schema_next_to_it() {
    let dir = tempfile::tempdir().unwrap();
    for name in amlgen::blueprint::builtin::names() {
        let out = amlgen(dir.path()).args(["show", name]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("../schemas"), "{name}: {text}");
        assert!(
            text.starts_with("# yaml-language-server: $schema=blueprint.schema.json\n"),
            "{name}"
        );
        std::fs::write(dir.path().join("copy.yaml"), &text).unwrap();
        amlgen(dir.path())
            .args(["check", "copy.yaml"])
            .assert()
            .success();
    }
}

/// The README's blueprint example names every package ecosystem the catalog has.
#[test]
fn readme_lists_every_package_ecosystem() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("packages: ["))
        .expect("README shows a packages: line");
    let catalog = std::fs::read_to_string(format!("{root}/catalog/packages.yaml")).unwrap();
    // Top-level keys: `name:` alone at the start of a line.
    let keys: Vec<&str> = catalog
        .lines()
        .filter_map(|l| l.strip_suffix(':'))
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(keys.len() >= 9, "{keys:?}");
    for key in keys {
        assert!(
            line.contains(key),
            "README packages line lacks `{key}`: {line}"
        );
    }
}

/// Gateway transit needs the GatewaySubnet (AMLG133); with it, both paths set the peering
/// flags (the path-equivalence test compares them on the hub-max fixture).
#[test]
fn gateway_transit_needs_the_gateway_subnet() {
    let dir = tempfile::tempdir().unwrap();
    let out = amlgen(dir.path())
        .args([
            "check",
            "hub-spoke",
            "--set",
            "network.hub.gateway_transit=true",
            "--set",
            "network.hub.gateway_subnet=false",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(1) && err.contains("AMLG133"),
        "{err}"
    );
    amlgen(dir.path())
        .args([
            "render",
            "hub-spoke",
            "--out",
            "o",
            "--set",
            "network.hub.gateway_transit=true",
            "--set",
            "network.hub.gateway_subnet=true",
        ])
        .assert()
        .success();
    let params = std::fs::read_to_string(dir.path().join("o/main.parameters.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(v["parameters"]["hubGatewayTransit"]["value"], true);
    let runbook = std::fs::read_to_string(dir.path().join("o/runbook.sh")).unwrap();
    assert!(runbook.contains("--allow-gateway-transit true"));
    assert!(runbook.contains("--use-remote-gateways true"));
}

/// Batch endpoints need the storage queue and table services: each extra service gets its own
/// private endpoint, DNS zone and hosts line, once however often it is listed.
#[test]
fn additional_storage_private_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args([
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "dependencies.storage_account.additional_private_endpoints=[queue, table, queue]",
        ])
        .assert()
        .success();
    let o = dir.path().join("o");
    let hosts = std::fs::read_to_string(o.join("dns/hosts.txt")).unwrap();
    assert!(
        hosts.contains("stamlappr.queue.core.windows.net"),
        "{hosts}"
    );
    assert!(
        hosts.contains("stamlappr.table.core.windows.net"),
        "{hosts}"
    );
    let runbook = std::fs::read_to_string(o.join("runbook.sh")).unwrap();
    assert_eq!(runbook.matches("--group-id queue").count(), 1, "{runbook}");
    assert_eq!(runbook.matches("--group-id table").count(), 1);
    let params = std::fs::read_to_string(o.join("main.parameters.json")).unwrap();
    assert!(params.contains("pe-aml-appr-storage-queue"), "{params}");
    assert!(
        params.contains("privatelink.queue.")
            || std::fs::read_to_string(o.join("main.bicep"))
                .unwrap()
                .contains("privatelink.queue.")
    );
}

/// `private_dns.fallback_to_internet` sets NxDomainRedirect on the zone links amlgen creates,
/// on both paths; with zones amlgen does not link it is refused (AMLG123).
#[test]
fn private_dns_fallback_to_internet() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args([
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "private_dns.fallback_to_internet=true",
        ])
        .assert()
        .success();
    let params = std::fs::read_to_string(dir.path().join("o/main.parameters.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(
        v["parameters"]["privateDnsResolutionPolicy"]["value"],
        "NxDomainRedirect"
    );
    let runbook = std::fs::read_to_string(dir.path().join("o/runbook.sh")).unwrap();
    assert!(runbook.contains("--resolution-policy NxDomainRedirect"));
    assert!(!runbook.contains("--resolution-policy Default"));
    let out = amlgen(dir.path())
        .args([
            "check",
            "approved-only",
            "--set",
            "private_dns.fallback_to_internet=true",
            "--set",
            "private_dns.mode=policy",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(1) && err.contains("AMLG123"),
        "{err}"
    );
}

/// workspace.yml loads as is (issue 11 item 9): with `resource_group.subscription_id` it holds
/// full resource IDs of that subscription, no placeholder, and `amlgen check` accepts it; the
/// scripts refuse another subscription. Without one, no workspace.yml is written and the README
/// says why. A placeholder is refused where it is written.
#[test]
fn workspace_yml_needs_and_uses_the_subscription() {
    let dir = tempfile::tempdir().unwrap();
    let sub = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    amlgen(dir.path())
        .args(["render", "hub-spoke", "--out", "with", "--set"])
        .arg(format!(
            "resource_group.subscription_id={}",
            sub.to_uppercase()
        ))
        .assert()
        .success();
    let with = dir.path().join("with");
    let ws = std::fs::read_to_string(with.join("workspace.yml")).unwrap();
    assert!(!ws.contains('<'), "{ws}");
    assert!(
        ws.contains(&format!(
            "storage_account: /subscriptions/{sub}/resourceGroups/rg-aml-hs/"
        )),
        "{ws}"
    );
    amlgen(dir.path())
        .args(["check", "with/workspace.yml"])
        .assert()
        .success();
    for script in ["deploy.sh", "runbook.sh"] {
        let text = std::fs::read_to_string(with.join(script)).unwrap();
        assert!(
            text.contains(&format!(
                "if [ \"$(az account show --query id --output tsv)\" != {sub} ]; then"
            )),
            "{script}"
        );
    }

    amlgen(dir.path())
        .args(["render", "hub-spoke", "--out", "without"])
        .assert()
        .success();
    let without = dir.path().join("without");
    assert!(!without.join("workspace.yml").exists());
    let readme = std::fs::read_to_string(without.join("README.md")).unwrap();
    assert!(
        readme.contains("set\n`resource_group.subscription_id`"),
        "{readme}"
    );
    let runbook = std::fs::read_to_string(without.join("runbook.sh")).unwrap();
    assert!(!runbook.contains("az account show"));

    amlgen(dir.path())
        .args(["render", "hub-spoke", "--out", "bad", "--set"])
        .arg("resource_group.subscription_id=<subscription-id>")
        .assert()
        .failure()
        .stderr(predicates::str::contains("AMLG004"))
        .stderr(predicates::str::contains("is not a subscription ID"));
    assert!(!dir.path().join("bad").exists());
}

/// Re-running the runbook after a blueprint change (issue 11 item 7): the README says which
/// steps converge, only those this render has, and that the guarded ones do not.
#[test]
fn readme_says_which_runbook_steps_converge() {
    let dir = tempfile::tempdir().unwrap();
    for (bp, has, lacks) in [
        (
            "hub-spoke",
            &["the firewall's rule collection group", "the\n  routes"][..],
            &["outbound rules (`outbound-rule set`"][..],
        ),
        (
            "approved-only",
            &["outbound rules (`outbound-rule set`"][..],
            &["rule collection group", "routes"][..],
        ),
    ] {
        amlgen(dir.path())
            .args(["render", bp, "--out", bp])
            .assert()
            .success();
        let readme = std::fs::read_to_string(dir.path().join(bp).join("README.md")).unwrap();
        let start = readme.find("### After a blueprint change").expect(bp);
        let section = &readme[start..readme[start..].find("\n## ").unwrap() + start];
        assert!(
            section.contains("guarded by `if ! az … show`"),
            "{bp}: {section}"
        );
        for h in has {
            assert!(section.contains(h), "{bp}: {h}: {section}");
        }
        for l in lacks {
            assert!(!section.contains(l), "{bp}: {l}: {section}");
        }
    }
}

/// The managed network's kind and monitoring (issue 11 item 23): V1 and off by default, set on
/// both paths when the blueprint asks (Bicep parameters; `az resource update` in the runbook,
/// as az ml has no option), refused without a managed VNet.
#[test]
fn managed_network_kind_and_monitor() {
    let dir = tempfile::tempdir().unwrap();
    amlgen(dir.path())
        .args(["render", "approved-only", "--out", "default"])
        .assert()
        .success();
    let params = std::fs::read_to_string(dir.path().join("default/main.parameters.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(v["parameters"]["managedNetworkKind"]["value"], "V1");
    assert_eq!(v["parameters"]["enableNetworkMonitor"]["value"], false);
    let runbook = std::fs::read_to_string(dir.path().join("default/runbook.sh")).unwrap();
    assert!(!runbook.contains("az resource update"), "{runbook}");

    amlgen(dir.path())
        .args(["render", "approved-only", "--out", "v2"])
        .args(["--set", "workspace.managed_network.kind=v2"])
        .args(["--set", "workspace.managed_network.network_monitor=true"])
        .assert()
        .success();
    let params = std::fs::read_to_string(dir.path().join("v2/main.parameters.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(v["parameters"]["managedNetworkKind"]["value"], "V2");
    assert_eq!(v["parameters"]["enableNetworkMonitor"]["value"], true);
    let runbook = std::fs::read_to_string(dir.path().join("v2/runbook.sh")).unwrap();
    assert!(
        runbook.contains("  --set properties.managedNetwork.managedNetworkKind=V2 properties.managedNetwork.enableNetworkMonitor=true \\\n"),
        "{runbook}"
    );
    let readme = std::fs::read_to_string(dir.path().join("v2/README.md")).unwrap();
    assert!(readme.contains("refuses the way back"), "{readme}");

    amlgen(dir.path())
        .args([
            "check",
            "hub-spoke",
            "--set",
            "workspace.managed_network.network_monitor=true",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("AMLG134"));
}

/// `args` followed by `--set ASSIGNMENT` for each of `sets`.
fn with_sets<'a>(mut args: Vec<&'a str>, sets: &[&'a str]) -> Vec<&'a str> {
    for s in sets {
        args.extend(["--set", s]);
    }
    args
}

/// Renders a built-in blueprint with `--set` assignments (and a subscription, so workspace.yml
/// is written too) into `dir/out`; returns a reader of the rendered files.
fn render_builtin(
    dir: &Path,
    blueprint: &str,
    out: &str,
    sets: &[&str],
) -> impl Fn(&str) -> String {
    let mut sets = sets.to_vec();
    sets.push("resource_group.subscription_id=00000000-0000-0000-0000-000000000000");
    amlgen(dir)
        .args(with_sets(vec!["render", blueprint, "--out", out], &sets))
        .assert()
        .success();
    let o = dir.join(out);
    move |f: &str| std::fs::read_to_string(o.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

/// `amlgen check` of a built-in blueprint with `--set` assignments: exit code and stderr.
fn check_builtin(dir: &Path, blueprint: &str, sets: &[&str]) -> (Option<i32>, String) {
    let out = amlgen(dir)
        .args(with_sets(vec!["check", blueprint], sets))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Image builds with a managed VNet (issue 11 item 1): the private registry cannot build, so the
/// blueprint's cluster is created in the managed VNet (no subnet) and set as the image-build
/// compute on every path; AMLG117 refuses compute only where no VNet would hold it, and AMLG118
/// warns when nothing builds images.
#[test]
fn managed_vnet_compute_builds_images() {
    let dir = tempfile::tempdir().unwrap();
    let read = render_builtin(dir.path(), "allow-internet", "o", &[]);
    assert!(read("main.bicep").contains("imageBuildCompute: computeClusterName"));
    assert!(read("modules/workspace.bicep").contains("imageBuildCompute: imageBuildCompute"));
    let compute = read("modules/compute.bicep");
    assert!(compute.contains("computeType: 'AmlCompute'"), "{compute}");
    assert!(!compute.contains("subnetId"), "{compute}");
    let runbook = read("runbook.sh");
    assert!(
        runbook.contains("--image-build-compute cpu-cluster"),
        "{runbook}"
    );
    let create = runbook
        .split("az ml compute create")
        .nth(1)
        .and_then(|c| c.split("--output none").next())
        .expect("the runbook creates the cluster");
    assert!(create.contains("--type AmlCompute"), "{create}");
    assert!(!create.contains("--subnet"), "{create}");
    assert!(read("workspace.yml").contains("image_build_compute: cpu-cluster"));
    let readme = read("README.md");
    assert!(readme.contains("no VM charge while idle"), "{readme}");
    assert!(!readme.to_lowercase().contains("serverless"), "{readme}");

    let (_, err) = check_builtin(
        dir.path(),
        "allow-internet",
        &["workspace.managed_network.isolation_mode=disabled"],
    );
    assert!(err.contains("AMLG117"), "{err}");
    let (_, err) = check_builtin(dir.path(), "allow-internet", &["compute={}"]);
    assert!(err.contains("AMLG118") && !err.contains("AMLG117"), "{err}");
}

/// Shared keys off and identity-based system datastores by default (issue 11 item 14), on every
/// path; the blueprint turns keys back on, and a compute instance without keys is refused
/// (AMLG124: Azure creates instances only with keys allowed).
#[test]
fn storage_without_shared_keys_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let keys = ["dependencies.storage_account.shared_key_access=true"];
    for (out, sets, shared_keys, arm, cli) in [
        ("secure", &[][..], "false", "'Identity'", "identity"),
        ("keys", &keys[..], "true", "'AccessKey'", "accesskey"),
    ] {
        let read = render_builtin(dir.path(), "approved-only", out, sets);
        let storage = read("modules/storage.bicep");
        assert!(storage.contains(&format!("allowSharedKeyAccess: {shared_keys}")));
        let workspace = read("modules/workspace.bicep");
        assert!(workspace.contains(&format!("systemDatastoresAuthMode: {arm}")));
        let runbook = read("runbook.sh");
        assert!(runbook.contains(&format!("--allow-shared-key-access {shared_keys}")));
        assert!(runbook.contains(&format!("--system-datastores-auth-mode {cli}")));
        let yml = read("workspace.yml");
        assert!(yml.contains(&format!("system_datastores_auth_mode: {cli}")));
        let readme = read("README.md");
        assert_eq!(
            readme.contains("Storage File Data Privileged Contributor"),
            shared_keys == "false"
        );
    }

    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &["compute.instance={name: ci-test}"],
    );
    assert!(code == Some(1) && err.contains("AMLG124"), "{err}");
}

/// A compute instance is created on behalf of its owner (issue 12): refused without one
/// (AMLG135) or with an owner that is not an object ID; rendered with the owner, the idle
/// shutdown, SSO off and no managed identity on both paths.
#[test]
fn compute_instance_belongs_to_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let keys = "dependencies.storage_account.shared_key_access=true";
    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &[keys, "compute.instance={name: ci-test}"],
    );
    assert!(code == Some(1) && err.contains("AMLG135"), "{err}");
    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &[
            keys,
            "compute.instance={name: ci-test, owner: {object_id: alice@contoso.com}}",
        ],
    );
    assert!(
        code == Some(1) && err.contains("alice@contoso.com") && err.contains("GUID"),
        "{err}"
    );
    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &[
            keys,
            "compute.instance={name: ci-test, owner: {object_id: 0a0b0c0d-0000-4000-8000-000000000001}, idle_shutdown_minutes: 5}",
        ],
    );
    assert!(code == Some(1) && err.contains("AMLG050"), "{err}");

    let read = render_builtin(
        dir.path(),
        "approved-only",
        "ci",
        &[
            keys,
            "compute.instance={name: ci-test, owner: {object_id: 0A0B0C0D-0000-4000-8000-000000000001}}",
        ],
    );
    let compute = read("modules/compute.bicep");
    let instance = &compute[compute.find("resource instance").unwrap()..];
    assert!(!instance.contains("identity: {"), "{instance}");
    assert!(instance.contains("enableSSO: false"));
    assert!(instance.contains("idleTimeBeforeShutdown: 'PT${instanceIdleShutdownMinutes}M'"));
    let main = read("main.bicep");
    assert!(main.contains("instanceOwnerTenantId: tenant().tenantId"));
    let params = read("main.parameters.json");
    assert!(params.contains("\"0a0b0c0d-0000-4000-8000-000000000001\""));
    let runbook = read("runbook.sh");
    assert!(runbook.contains("--user-object-id 0a0b0c0d-0000-4000-8000-000000000001"));
    assert!(runbook.contains("--user-tenant-id \"${TENANT_ID}\""));
    assert!(runbook.contains("--set idle_time_before_shutdown_minutes=60 enable_sso=false"));
    assert!(read("README.md").contains("## Compute instance"));
}

/// People's roles (issue 12): each persona's groups get its roles on the workspace on both
/// paths, the custom roles are defined on the workspace, the storage data roles come with them
/// when the account takes no keys, and a bad or repeated group is refused.
#[test]
fn personas_get_their_roles() {
    let dir = tempfile::tempdir().unwrap();
    let admin = "0a0b0c0d-0000-4000-8000-0000000000a1";
    let scientist = "0a0b0c0d-0000-4000-8000-0000000000b1";
    let set = format!("access={{it_admins: [{admin}], data_scientists: [{scientist}]}}");
    let read = render_builtin(dir.path(), "approved-only", "acc", &[set.as_str()]);
    let access = read("modules/access.bicep");
    for role in ["Workspace IT Admin", "Workspace Data Scientist"] {
        assert!(access.contains(&format!("roleName: '{role} (${{workspaceName}})'")));
    }
    // Only the roles a persona with groups uses are defined.
    assert!(!access.contains("Super User"));
    assert!(access.contains("assignableScopes: [\n      workspace.id\n    ]"));
    // No shared keys by default: the data scientist's data roles on the storage account.
    assert!(access.contains("scope: storageAccount"));
    assert!(access.contains("'69566ab7-960f-475b-8e7c-b3118f30c6bd'"));
    let params = read("main.parameters.json");
    assert!(params.contains("\"itAdminsPrincipalIds\"") && params.contains(admin));
    assert!(!params.contains("readersPrincipalIds"));
    let runbook = read("runbook.sh");
    assert!(runbook.contains("az role definition create --role-definition \"${ROLE_DEFINITION}\""));
    assert!(runbook.contains(&format!(
        "--assignee-object-id {scientist} \\\n    --assignee-principal-type Group \\\n    --role \"Workspace Data Scientist (${{WORKSPACE_NAME}})\""
    )));
    let readme = read("README.md");
    assert!(readme.contains(&format!("| IT admin | `{admin}` | Workspace IT Admin |")));
    assert!(readme.contains("| reader | none | Reader;"));

    // With account keys the storage roles are not given.
    let keys = "dependencies.storage_account.shared_key_access=true";
    let read = render_builtin(dir.path(), "approved-only", "keys", &[set.as_str(), keys]);
    assert!(!read("modules/access.bicep").contains("storageAccount"));
    // Without groups nothing is deployed, and the README says so.
    let read = render_builtin(dir.path(), "approved-only", "none", &[]);
    assert!(!read("main.bicep").contains("modules/access.bicep"));
    assert!(read("README.md").contains("The blueprint names no groups"));

    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &[&format!(
            "access={{readers: [{admin}, {}]}}",
            admin.to_uppercase()
        )],
    );
    assert!(code == Some(1) && err.contains("AMLG136"), "{err}");
    let (code, err) = check_builtin(
        dir.path(),
        "approved-only",
        &["access={readers: [data-team]}"],
    );
    assert!(
        code == Some(1) && err.contains("data-team") && err.contains("GUID"),
        "{err}"
    );
}

/// A customer-managed key and a high business impact workspace (issue 12): set on every path
/// (Bicep encryption, the runbook's one `--set`, workspace.yml), documented in the README, and a
/// key vault in another subscription or a key outside the vault refused.
/// A user-assigned identity reads a created key: runbook.sh PUTs the workspace with `az rest`
/// (az ml cannot name the encryption identity), and blueprint text in that body stays literal
/// even where it reads like one of the body's variables.
#[test]
fn user_assigned_identity_reads_a_created_key() {
    let dir = tempfile::tempdir().unwrap();
    let read = render_builtin(
        dir.path(),
        "approved-only",
        "uai-key",
        &[
            "workspace.customer_managed_key={create: {}}",
            "workspace.identity.type=user_assigned",
            "tags={team: '${KEY_VAULT_ID} {region} $(id)'}",
        ],
    );
    let ws = read("modules/workspace.bicep");
    assert!(ws.contains("userAssignedIdentity: userAssignedIdentityId"));
    let runbook = read("runbook.sh");
    assert!(!runbook.contains("az ml workspace create \\\n"));
    let put = &runbook[runbook
        .find("--body \"{\\\"location")
        .expect("the workspace body")..];
    let put = &put[..put.find('\n').unwrap()];
    assert!(
        put.contains("\\\"encryption\\\":{\\\"status\\\":\\\"Enabled\\\",\\\"keyVaultProperties"),
        "{put}"
    );
    assert!(
        put.contains(
            "\\\"identity\\\":{\\\"userAssignedIdentity\\\":\\\"${WORKSPACE_IDENTITY_ID}\\\"}"
        ),
        "{put}"
    );
    // The tag is text: its `$` escaped, `{region}` left alone.
    assert!(put.contains("\\${KEY_VAULT_ID} {region} \\$(id)"), "{put}");
    assert!(runbook.contains("--query properties.provisioningState"));
    let ps1 = read("runbook.ps1");
    assert!(ps1.contains("\"identity\":{\"userAssignedIdentity\":"));
}

#[test]
fn created_customer_managed_key_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let read = render_builtin(
        dir.path(),
        "approved-only",
        "created",
        &["workspace.customer_managed_key={create: {name: cmk-team, size: 4096}}"],
    );
    // Bicep: the key in the workspace's vault, Cosmos DB's role on it, the workspace reads the
    // key's versioned identifier from the module.
    let kv = read("modules/keyVault.bicep");
    assert!(kv.contains("resource customerManagedKey 'Microsoft.KeyVault/vaults/keys@"));
    assert!(kv.contains("scope: customerManagedKey"));
    assert!(kv.contains("'e147488a-f6f5-4113-8e2d-b22465e65bf6'"));
    assert!(kv.contains("customerManagedKey.properties.keyUriWithVersion"));
    let main = read("main.bicep");
    assert!(main.contains("customerManagedKeyUri: keyVault.outputs.customerManagedKeyUri"));
    assert!(main.contains(
        "@metadata({ servicePrincipalOfApplication: 'a232010e-820c-4083-83bb-3ace5fc29d0b' })"
    ));
    // The principal's object ID is the tenant's: never in the parameter file, looked up by
    // both deploy scripts and passed to both deployments (what-if and create).
    let params = read("main.parameters.json");
    assert!(params.contains("\"cmk-team\"") && params.contains("4096"));
    assert!(!params.contains("cosmosDbPrincipalId"));
    let deploy = read("deploy.sh");
    assert!(deploy.contains("az ad sp show --id a232010e-820c-4083-83bb-3ace5fc29d0b --query id"));
    assert_eq!(
        deploy
            .matches("--parameters cosmosDbPrincipalId=\"${COSMOS_DB_PRINCIPAL_ID}\"")
            .count(),
        2
    );
    let deploy_ps1 = read("deploy.ps1");
    assert_eq!(
        deploy_ps1
            .matches("-cosmosDbPrincipalId $cosmosDbPrincipalId")
            .count(),
        2
    );
    // runbook.sh: the ARM PUT, the versioned identifier read back, the role, then the workspace.
    let runbook = read("runbook.sh");
    let put = runbook
        .find("--body '{\"properties\":{\"kty\":\"RSA\",\"keySize\":4096}}'")
        .unwrap();
    let role = runbook
        .find("--scope \"${CUSTOMER_MANAGED_KEY_ID}\"")
        .unwrap();
    let create = runbook.find("az ml workspace create").unwrap();
    assert!(put < role && role < create);
    assert!(runbook.contains("CUSTOMER_MANAGED_KEY_ID=\"${KEY_VAULT_ID}/keys/cmk-team\""));
    assert!(runbook.contains("--query properties.keyUriWithVersion"));
    assert!(runbook.contains(
        "\"customer_managed_key.key_vault=${KEY_VAULT_ID}\" \"customer_managed_key.key_uri=${CUSTOMER_MANAGED_KEY_URI}\""
    ));
    let ps1 = read("runbook.ps1");
    assert!(ps1.contains(
        "Get-AzADServicePrincipal -ApplicationId 'a232010e-820c-4083-83bb-3ace5fc29d0b'"
    ));
    assert!(
        ps1.contains("$Values['customerManagedKeyUri'] = $resource.properties.keyUriWithVersion")
    );
    // No workspace.yml: the key's version does not exist before the key.
    assert!(!dir.path().join("created/workspace.yml").exists());
    let readme = read("README.md");
    assert!(readme.contains("the key `cmk-team` (RSA, 4096 bits)"));
    assert!(readme.contains("No `workspace.yml` in this folder"));
}

#[test]
fn customer_managed_key_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let vault = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-keys";
    let key = "https://kv-keys.vault.azure.net/keys/aml/0123456789abcdef";
    let cmk =
        format!("workspace.customer_managed_key={{key_vault_id: '{vault}', key_uri: '{key}'}}");
    let read = render_builtin(
        dir.path(),
        "hub-spoke",
        "cmk",
        &[cmk.as_str(), "workspace.hbi_workspace=true"],
    );
    let ws = read("modules/workspace.bicep");
    assert!(ws.contains("keyVaultArmId: customerManagedKeyVaultId"));
    assert!(ws.contains("hbiWorkspace: hbiWorkspace"));
    let params = read("main.parameters.json");
    assert!(params.contains(key) && params.contains(vault));
    let runbook = read("runbook.sh");
    // One --set: argparse would keep only the last of several.
    let create = &runbook[runbook.find("az ml workspace create").unwrap()..];
    let create = &create[..create.find("--output none").unwrap()];
    assert_eq!(create.matches("--set").count(), 1, "{create}");
    assert!(create.contains(&format!("hbi_workspace=true customer_managed_key.key_vault={vault} customer_managed_key.key_uri={key}")));
    let yml = read("workspace.yml");
    assert!(yml.contains("hbi_workspace: true") && yml.contains(&format!("key_uri: {key}")));
    let readme = read("README.md");
    assert!(readme.contains("a232010e-820c-4083-83bb-3ace5fc29d0b"));
    assert!(readme.contains("high business impact workspace"));
    // Off by default: the README says it cannot be added later.
    let read = render_builtin(dir.path(), "hub-spoke", "plain", &[]);
    assert!(read("modules/workspace.bicep").contains("hbiWorkspace: hbiWorkspace"));
    assert!(!read("modules/workspace.bicep").contains("encryption:"));
    assert!(read("README.md").contains("cannot be added later"));

    let other = format!(
        "workspace.customer_managed_key={{key_vault_id: '{}', key_uri: '{key}'}}",
        vault.replace(
            "00000000-0000-0000-0000-000000000000",
            "11111111-1111-1111-1111-111111111111"
        )
    );
    let (code, err) = check_builtin(
        dir.path(),
        "hub-spoke",
        &[
            other.as_str(),
            "resource_group.subscription_id=00000000-0000-0000-0000-000000000000",
        ],
    );
    assert!(code == Some(1) && err.contains("AMLG137"), "{err}");
    let outside = cmk.replace("https://kv-keys.", "https://kv-else.");
    let (code, err) = check_builtin(dir.path(), "hub-spoke", &[outside.as_str()]);
    assert!(code == Some(1) && err.contains("AMLG138"), "{err}");
}

/// A private-endpoint rule to another resource (issue 12, seed 000's Azure OpenAI account): the
/// workspace identity must approve it (AMLG139) and the cluster's identity needs the role that
/// lets it call the account; both outside the deployment, so the README gives the commands.
#[test]
fn private_endpoint_rule_targets_need_roles_there() {
    let dir = tempfile::tempdir().unwrap();
    let openai = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-team";
    let rule = format!(
        "workspace.managed_network.outbound_rules=[{{type: private_endpoint, name: openai, destination: {{service_resource_id: '{openai}', subresource_target: account}}}}]"
    );
    let (code, err) = check_builtin(dir.path(), "approved-only", &[rule.as_str()]);
    assert!(code == Some(0) && err.contains("AMLG139"), "{err}");
    let read = render_builtin(dir.path(), "approved-only", "oai", &[rule.as_str()]);
    let readme = read("README.md");
    assert!(readme.contains(&format!(
        "--role b556d68e-0be0-4f35-a333-ad7ee1ce17ea --scope {openai}"
    )));
    assert!(readme.contains(&format!(
        "--role 5e0bd9bd-7b93-4f28-af87-19fc36ad61bd --scope {openai}   # Cognitive Services OpenAI User"
    )));
    assert!(readme.contains("--name cpu-cluster --query identity.principal_id"));
}

/// Studio in a VNet (issue 11 item 3): the default datastores preview data with the workspace
/// identity on both paths, keeping the container and share Azure made (read, not derived); with
/// account keys neither path touches them, and the README says why.
#[test]
fn default_datastores_preview_with_the_workspace_identity() {
    let dir = tempfile::tempdir().unwrap();
    let read = render_builtin(dir.path(), "hub-spoke", "o", &[]);
    let datastores = read("modules/datastores.bicep");
    for name in ["workspaceblobstore", "workspacefilestore"] {
        assert!(
            datastores.contains(&format!("name: '{name}'")),
            "{datastores}"
        );
    }
    assert_eq!(
        datastores
            .matches("serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'")
            .count(),
        2
    );
    // Where the data lives is read from the datastore Azure created, never derived.
    let workspace = read("modules/workspace.bicep");
    assert!(workspace.contains("any(workspaceblobstore.properties).containerName"));
    assert!(!datastores.contains("azureml-blobstore"));
    let runbook = read("runbook.sh");
    assert!(runbook.contains("--name workspacefilestore --query file_share_name"));
    assert_eq!(
        runbook
            .matches(r#"\"serviceDataAccessAuthIdentity\":\"WorkspaceSystemAssignedIdentity\""#)
            .count(),
        2,
        "{runbook}"
    );
    assert!(read("README.md").contains("**Storage Blob Data\nReader**"));

    let keys = ["dependencies.storage_account.shared_key_access=true"];
    let read = render_builtin(dir.path(), "hub-spoke", "keys", &keys);
    assert!(!dir.path().join("keys/modules/datastores.bicep").exists());
    let runbook = read("runbook.sh");
    assert!(!runbook.contains("datastores/"), "{runbook}");
    let readme = read("README.md");
    assert!(readme.contains("amlgen\nnever reads keys"), "{readme}");
}

/// Every rendered file of `dir`, concatenated (Bicep modules, runbook, README, DNS snippets).
fn all_text(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for e in walkdir_files(dir) {
        if let Ok(t) = std::fs::read_to_string(&e) {
            out.push_str(&t);
        }
    }
    out
}

fn walkdir_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.extend(walkdir_files(&p));
        } else {
            files.push(p);
        }
    }
    files
}

/// With an Azure Monitor Private Link Scope (the default in the customer-VNet built-ins), no
/// firewall or NSG rule of either path may allow the `AzureMonitor` service tag: it is the door
/// to other tenants' Log Analytics and Application Insights that the scope closes. Turned off,
/// the rule is back and the README calls it a door; with a managed VNet the scope is refused.
#[test]
fn monitor_private_link_scope_drops_the_azure_monitor_tag() {
    let dir = tempfile::tempdir().unwrap();
    for bp in ["exfiltration-prevention", "hub-spoke", "no-firewall"] {
        amlgen(dir.path())
            .args(["render", bp, "--out", bp])
            .assert()
            .success();
        let out = dir.path().join(bp);
        let rules: String = [
            "main.bicep",
            "runbook.sh",
            "modules/spokeNetwork.bicep",
            "modules/hubNetwork.bicep",
        ]
        .iter()
        .filter_map(|f| std::fs::read_to_string(out.join(f)).ok())
        .collect();
        assert!(
            !rules.contains("AzureMonitor"),
            "{bp}: AzureMonitor tag allowed although the scope is on"
        );
        let runbook = std::fs::read_to_string(out.join("runbook.sh")).unwrap();
        assert!(runbook.contains("--group-id azuremonitor"), "{bp}");
        assert!(
            runbook.contains("\"ingestionAccessMode\":\"PrivateOnly\""),
            "{bp}"
        );
        assert_eq!(
            runbook.matches("--ingestion-access Disabled").count(),
            2,
            "{bp}"
        );
        let monitoring = std::fs::read_to_string(out.join("modules/monitoring.bicep")).unwrap();
        assert!(
            monitoring.contains("ingestionAccessMode: 'PrivateOnly'"),
            "{bp}"
        );
        assert_eq!(
            monitoring
                .matches("publicNetworkAccessForIngestion: 'Disabled'")
                .count(),
            2,
            "{bp}"
        );
        let hosts = std::fs::read_to_string(out.join("dns/hosts.txt")).unwrap();
        assert!(hosts.contains("api.monitor.azure.com"), "{bp}");
        assert!(
            all_text(&out.join("dns")).contains("ods.opinsights.azure.com"),
            "{bp}"
        );
    }
    amlgen(dir.path())
        .args([
            "render",
            "exfiltration-prevention",
            "--out",
            "off",
            "--set",
            "dependencies.monitoring.private_link_scope=false",
        ])
        .assert()
        .success();
    let off = dir.path().join("off");
    let spoke = std::fs::read_to_string(off.join("modules/spokeNetwork.bicep")).unwrap();
    assert!(spoke.contains("'AzureMonitor'"));
    let readme = std::fs::read_to_string(off.join("README.md")).unwrap();
    assert!(readme.contains("`dependencies.monitoring.private_link_scope` is off"));
    assert!(!all_text(&off).contains("azuremonitor"));
    let out = amlgen(dir.path())
        .args([
            "check",
            "approved-only",
            "--set",
            "dependencies.monitoring.private_link_scope=true",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(1) && err.contains("AMLG125"),
        "{err}"
    );
}

/// Diagnostic settings send the firewall's (when there is one), the workspace's, the key
/// vault's and the blob service's logs to Log Analytics on both paths, with the catalogued
/// categories; `diagnostic_settings: false` leaves every one of them out.
#[test]
fn diagnostic_settings_on_both_paths() {
    let dir = tempfile::tempdir().unwrap();
    for (bp, settings) in [("hub-spoke", 4), ("approved-only", 3)] {
        amlgen(dir.path())
            .args(["render", bp, "--out", bp])
            .assert()
            .success();
        let out = dir.path().join(bp);
        let bicep = std::fs::read_to_string(out.join("modules/diagnostics.bicep")).unwrap();
        assert_eq!(
            bicep
                .matches("'Microsoft.Insights/diagnosticSettings@2016-09-01'")
                .count(),
            settings,
            "{bp}"
        );
        assert!(bicep.contains("scope: blobService"), "{bp}");
        let runbook = std::fs::read_to_string(out.join("runbook.sh")).unwrap();
        assert_eq!(
            runbook
                .matches("az monitor diagnostic-settings create")
                .count(),
            settings,
            "{bp}"
        );
        assert!(runbook.contains("--resource \"${STORAGE_ACCOUNT_ID}/blobServices/default\""));
        assert_eq!(
            bicep.contains("'AzureFirewallNetworkRule'"),
            runbook.contains("\"category\":\"AzureFirewallNetworkRule\""),
            "{bp}"
        );
        assert_eq!(
            bicep.contains("'AzureFirewallNetworkRule'"),
            settings == 4,
            "{bp}"
        );
    }
    amlgen(dir.path())
        .args([
            "render",
            "hub-spoke",
            "--out",
            "off",
            "--set",
            "dependencies.monitoring.diagnostic_settings=false",
        ])
        .assert()
        .success();
    let off = dir.path().join("off");
    assert!(!off.join("modules/diagnostics.bicep").exists());
    assert!(!all_text(&off).contains("diagnostic-settings create"));
    assert!(!std::fs::read_to_string(off.join("main.bicep"))
        .unwrap()
        .contains("modules/diagnostics.bicep"));
}

/// Azure Policy (issue 12): opt-in; the assignments a blueprint gets on both paths, the isolation
/// mode parameter set to the blueprint's, the DNS zone policy with both zones and its identity's
/// roles, `explain policy`, and the scopes the deployment cannot write refused.
#[test]
fn policy_assignments_hold_the_blueprint() {
    let dir = tempfile::tempdir().unwrap();
    // Off unless asked for.
    let read = render_builtin(dir.path(), "approved-only", "off", &[]);
    assert!(!read("main.bicep").contains("modules/policy.bicep"));
    assert!(!read("runbook.sh").contains("az policy assignment"));

    let read = render_builtin(
        dir.path(),
        "approved-only",
        "on",
        &["policy={effect: deny}"],
    );
    let policy = read("modules/policy.bicep");
    assert!(policy.contains("targetScope = 'resourceGroup'"));
    assert!(policy.contains("policyDefinitions/6ddb1705-c8cf-450e-aa4b-19ad6703c440'"));
    assert!(policy.contains("isolationMode: {\n        value: 'AllowOnlyApprovedOutbound'"));
    // Private link only audits: the definition has no Deny.
    assert!(policy.contains("privateLinkPolicy"));
    assert!(
        !policy.contains("7804b5c7-01dc-4723-969b-ae300cc07ff1"),
        "no compute-in-VNet with a managed VNet"
    );
    // Both workspace zones in the DNS policy, and the identity's roles.
    assert!(policy.contains("secondPrivateDnsZoneId: {\n        value: secondPrivateDnsZoneId"));
    assert!(policy.contains("'4d97b98b-1d4f-4787-a291-c67834d212e7'"));
    let roles = read("modules/policyDnsZoneRoles.bicep");
    assert_eq!(
        roles
            .matches("'b12aa53e-6015-4669-85d0-8515ebb3ae7f'")
            .count(),
        4
    );
    let main = read("main.bicep");
    // amlgen's own zones (private_dns.mode create): their module outputs.
    assert!(
        main.contains("\n    privateDnsZoneId: ")
            && main.contains(".outputs.resourceId\n    secondPrivateDnsZoneId: ")
    );
    assert!(read("main.parameters.json").contains("\"policyEffect\""));
    let runbook = read("runbook.sh");
    assert!(runbook.contains("--policy 6ddb1705-c8cf-450e-aa4b-19ad6703c440"));
    assert!(runbook.contains("--mi-system-assigned \\\n    --location \"${LOCATION}\""));
    assert!(runbook.contains("\"AllowOnlyApprovedOutbound\""));
    assert!(runbook.contains("az policy assignment update"));
    assert!(read("README.md").contains("## Azure Policy"));

    // Subscription scope: a module at subscription(), only with the subscription named.
    let sub = "resource_group.subscription_id=00000000-0000-0000-0000-000000000000";
    let read = render_builtin(
        dir.path(),
        "hub-spoke",
        "sub",
        &["policy.scope=subscription", sub],
    );
    assert!(read("modules/policy.bicep").contains("targetScope = 'subscription'"));
    assert!(read("main.bicep").contains("scope: subscription()"));
    assert!(read("modules/policy.bicep").contains("7804b5c7-01dc-4723-969b-ae300cc07ff1"));
    let (code, err) = check_builtin(dir.path(), "hub-spoke", &["policy.scope=subscription"]);
    assert!(code == Some(1) && err.contains("AMLG141"), "{err}");
    let (code, err) = check_builtin(
        dir.path(),
        "hub-spoke",
        &["policy.scope=management_group", sub],
    );
    assert!(code == Some(1) && err.contains("AMLG140"), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amlgen"))
        .args(["explain", "policy"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("ee40564d-486e-4f68-a5ca-7a621edae0fb")
            && text.contains("Private DNS Zone Contributor")
    );
}

/// Every PowerShell script starts with a UTF-8 byte-order mark: without it Windows PowerShell
/// 5.1 reads it in the ANSI code page, where bytes inside UTF-8 letters (0x91, 0x92, 0x82 in
/// `đ`, `Ē`, `Ă`) are quotes that could end a literal holding a tag value.
#[test]
fn powershell_scripts_carry_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let read = render_builtin(dir.path(), "hub-spoke", "bom", &["tags.owner=Đurđević Ē"]);
    for script in ["deploy.ps1", "runbook.ps1"] {
        let text = read(script);
        assert!(text.starts_with('\u{feff}'), "{script}");
        // Nowhere else: one mark, at the start.
        assert_eq!(text.matches('\u{feff}').count(), 1, "{script}");
    }
    assert!(!read("deploy.sh").starts_with('\u{feff}'));
}

/// Tag names that differ only in case are one tag to Azure and a duplicate key to PowerShell:
/// refused where the blueprint writes them.
#[test]
fn tag_names_differing_in_case_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = check_builtin(dir.path(), "hub-spoke", &["tags.Owner=a", "tags.owner=b"]);
    assert!(
        code == Some(1) && err.contains("AMLG041") && err.contains("repeats"),
        "{err}"
    );
}

/// AKS for scoring (issue 13): a customer-VNet built-in with `inference.kubernetes` renders the
/// cluster, its extension and compute on every path, the firewall rules it needs (the system-log
/// hosts only without exfiltration prevention), the certificate only as a deploy-time secret,
/// and `amlgen explain` knows its refusals.
#[test]
fn aks_for_scoring_renders_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        "inference.kubernetes.compute_name=aks-score",
        "inference.kubernetes.tls.cname=scoring.contoso.example",
    ];
    let read = render_builtin(dir.path(), "hub-spoke", "hs", &sets);
    let bicep = read("modules/kubernetes.bicep");
    for s in [
        "enablePrivateCluster: true",
        "enablePrivateClusterPublicFQDN: false",
        "networkPlugin: 'azure'",
        "outboundType: 'userDefinedRouting'",
        "enableNodePublicIP: false",
        "'internalLoadBalancerProvider': 'azure'",
        "'allowInsecureConnections': 'False'",
        // What az k8s-extension create adds itself, sent by the ARM path too.
        "'cluster_name': cluster.id",
        "'relayserver.enabled': 'false'",
        "computeType: 'Kubernetes'",
        "@secure()",
    ] {
        assert!(bicep.contains(s), "modules/kubernetes.bicep lacks {s}");
    }
    assert!(read("main.bicep").contains("module aksPrivateDnsZone"));
    assert!(!read("main.parameters.json").contains("inferenceTls"));
    let runbook = read("runbook.sh");
    for s in [
        "az aks create",
        "--enable-private-cluster",
        "az k8s-extension create",
        "az ml compute attach",
        "aks-required",
        "packages.aks.azure.com",
        "azureml-extension-logs",
        "aks-cluster-extension-metrics",
        "SCORING_ROUTE_TABLE_NAME=${SCORING_ROUTE_TABLE_NAME:-rt-aml-hs-scoring}",
    ] {
        assert!(runbook.contains(s), "runbook.sh lacks {s}");
    }
    let ps = read("runbook.ps1");
    assert!(ps.contains("Microsoft.ContainerService/managedClusters/aks-aml-hs"));
    assert!(ps.contains("AMLGEN_INFERENCE_TLS_CERT"));
    assert!(read("README.md").contains("## AKS for scoring"));

    let read = render_builtin(dir.path(), "exfiltration-prevention", "ex", &sets);
    let runbook = read("runbook.sh");
    assert!(runbook.contains("aks-required") && !runbook.contains("azureml-extension-logs"));
    assert!(!runbook.contains("aks-cluster-extension-metrics"));
    assert!(read("README.md").contains("What the AKS cluster for scoring costs the guarantee"));
    let read = render_builtin(dir.path(), "no-firewall", "nf", &sets);
    assert!(read("modules/kubernetes.bicep").contains("outboundType: 'userAssignedNATGateway'"));

    for code in ["AMLG160", "AMLG161", "AMLG162", "AMLG163", "AMLG164"] {
        amlgen(dir.path())
            .args(["explain", code])
            .assert()
            .success();
    }
}
