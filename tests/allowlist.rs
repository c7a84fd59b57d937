//! `amlgen allowlist`: a corpus of realistic dependency files (tests/fixtures/allowlist/) gives
//! the expected hosts and findings; every format is snapshotted; the rules it prints pass the
//! blueprint check when pasted into a blueprint; the az script passes bash -n and shellcheck;
//! credentials in the files are never printed.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/allowlist");

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

fn json(files: &[&str], target: &str) -> (i32, Value) {
    let mut args = vec!["allowlist", "--format", "json", "--for", target];
    args.extend_from_slice(files);
    let r = amlgen(&args);
    assert!(
        r.stderr.is_empty(),
        "json goes to stdout only: {}",
        r.stderr
    );
    (r.exit, serde_json::from_str(&r.stdout).unwrap())
}

/// (files, hosts of the FQDN rules in order, finding codes in order, exit code)
type Case = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    i32,
);

const CORPUS: &[Case] = &[
    (
        &["plain/requirements.txt"],
        &["pypi.org", "files.pythonhosted.org"],
        &[],
        0,
    ),
    (
        &["pytorch-cuda/requirements.txt"],
        &["pypi.org", "files.pythonhosted.org", "download.pytorch.org"],
        &[],
        0,
    ),
    (
        // --index-url replaces PyPI; -r base.txt adds an extra index with a password; the
        // constraints file installs nothing; find-links adds its host.
        &["private-index/requirements.txt"],
        &[
            "pkgs.dev.azure.com",
            "nexus.contoso.example",
            "wheels.contoso.example",
        ],
        &["AMLG220"],
        0,
    ),
    (
        &["vcs-and-urls/requirements.txt"],
        &[
            "pypi.org",
            "files.pythonhosted.org",
            "github.com",
            "objects.githubusercontent.com",
            "release-assets.githubusercontent.com",
        ],
        // git+ssh (port 22), a SAS-signed storage URL (signature; storage), an internal mirror
        // on :8080, a URL from a variable, a line that is no requirement.
        &[
            "AMLG106", "AMLG220", "AMLG107", "AMLG106", "AMLG221", "AMLG222",
        ],
        1,
    ),
    (
        &["pep621/pyproject.toml"],
        &["pypi.org", "files.pythonhosted.org", "github.com"],
        &[],
        0,
    ),
    (
        // A primary source replaces PyPI; the explicit pytorch source serves torch only; the
        // explicit test-pypi source is named by nothing and needs no rule.
        &["poetry/pyproject.toml"],
        &["pkgs.dev.azure.com", "download.pytorch.org", "github.com"],
        &[],
        0,
    ),
    (
        &["uv/pyproject.toml"],
        &[
            "pypi.org",
            "files.pythonhosted.org",
            "download.pytorch.org",
            "gitlab.contoso.example",
        ],
        &[],
        0,
    ),
    (
        // Named channels and `pytorch::` resolve to conda.anaconda.org; nodefaults drops
        // repo.anaconda.com; the pip section (with -r) is one pip run.
        &["conda/environment.yml"],
        &[
            "conda.anaconda.org",
            "pypi.org",
            "files.pythonhosted.org",
            "download.pytorch.org",
        ],
        &[],
        0,
    ),
    (
        // No channels: conda adds those of .condarc (defaults).
        &["conda-defaults/environment.yml"],
        &["repo.anaconda.com", "pypi.org", "files.pythonhosted.org"],
        &[],
        0,
    ),
    (
        &["conda-private/environment.yml"],
        &["conda.anaconda.org", "repo.anaconda.com"],
        &["AMLG220", "AMLG106"],
        1,
    ),
    (&["broken/pyproject.toml"], &[], &["AMLG001"], 1),
    (&["missing/requirements.txt"], &[], &["AMLG010"], 1),
];

#[test]
fn corpus_gives_the_expected_hosts() {
    for (files, hosts, findings, exit) in CORPUS {
        let (code, v) = json(files, "approved-only");
        let got: Vec<&str> = v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["destination"].as_str().unwrap())
            .collect();
        assert_eq!(&got, hosts, "{files:?}");
        let codes: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(&codes, findings, "{files:?}");
        assert_eq!(code, *exit, "{files:?}");
        for r in v["rules"].as_array().unwrap() {
            let reasons = r["reasons"].as_array().unwrap();
            assert!(!reasons.is_empty(), "{files:?}: {r}");
            for reason in reasons {
                assert!(reason["line"].as_u64().unwrap() > 0, "{reason}");
                assert!(!reason["why"].as_str().unwrap().is_empty(), "{reason}");
            }
        }
    }
}

/// Every reason points at the line that needs the host.
#[test]
fn reasons_name_the_file_and_line() {
    let (_, v) = json(&["pytorch-cuda/requirements.txt"], "approved-only");
    let pytorch = &v["rules"][2];
    assert_eq!(pytorch["name"], "download-pytorch-org");
    assert_eq!(pytorch["ecosystem"], "pytorch");
    assert_eq!(
        pytorch["reasons"][0],
        serde_json::json!({
            "file": "pytorch-cuda/requirements.txt",
            "line": 2,
            "text": "--extra-index-url https://download.pytorch.org/whl/cu121",
            "why": "--extra-index-url: searched for every requirement besides the index"
        })
    );
    let (_, v) = json(&["private-index/requirements.txt"], "approved-only");
    assert_eq!(
        v["rules"][1]["reasons"][0]["file"],
        "private-index/base.txt"
    );
    assert_eq!(v["rules"][1]["reasons"][0]["line"], 2);
}

/// Firewall rules take what FQDN rules cannot: other ports (network rules) and storage hosts.
#[test]
fn firewall_target_keeps_other_ports_and_storage() {
    let (exit, v) = json(
        &[
            "vcs-and-urls/requirements.txt",
            "conda-private/environment.yml",
        ],
        "firewall",
    );
    let app: Vec<&str> = v["application_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fqdn"].as_str().unwrap())
        .collect();
    assert!(
        app.contains(&"stcontosowheels.blob.core.windows.net"),
        "{app:?}"
    );
    let net: Vec<(String, u64)> = v["network_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["fqdn"].as_str().unwrap().to_string(),
                r["port"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        net,
        [
            ("github.com".to_string(), 22),
            ("artifactory.contoso.example".to_string(), 8443)
        ]
    );
    // The IP address still cannot be a host-name rule.
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"AMLG105"), "{codes:?}");
    assert_eq!(exit, 1);
}

#[test]
fn blueprint_format() {
    let r = amlgen(&[
        "allowlist",
        "plain/requirements.txt",
        "pytorch-cuda/requirements.txt",
        "conda/environment.yml",
    ]);
    assert_eq!(r.exit, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
    assert_eq!(r.stderr, "4 rules for 3 files; 0 findings\n");
}

/// The printed rules, pasted into a blueprint, pass the blueprint check (names valid and
/// unique, destinations valid, nothing refused).
#[test]
fn blueprint_rules_pass_the_blueprint_check() {
    let all: Vec<&str> = CORPUS
        .iter()
        .flat_map(|(f, ..)| f.iter().copied())
        .filter(|f| !f.starts_with("broken") && !f.starts_with("missing"))
        .collect();
    let mut args = vec!["allowlist"];
    args.extend(&all);
    let r = amlgen(&args);
    let printed: Value = serde_yaml::from_str(&r.stdout).unwrap();
    let rules = printed["outbound_rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), 12, "{}", r.stdout);
    let base = include_str!("../blueprints/approved-only.yaml");
    let mut bp: serde_yaml::Value = serde_yaml::from_str(base).unwrap();
    let list = bp["workspace"]["managed_network"]["outbound_rules"]
        .as_sequence_mut()
        .unwrap();
    list.clear();
    for rule in rules {
        list.push(serde_yaml::to_value(rule).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bp.yaml"),
        serde_yaml::to_string(&bp).unwrap(),
    )
    .unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "bp.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
}

#[test]
fn az_format() {
    let r = amlgen(&[
        "allowlist",
        "--format",
        "az",
        "plain/requirements.txt",
        "pytorch-cuda/requirements.txt",
    ]);
    assert_eq!(r.exit, 0, "{}", r.stderr);
    for line in r.stdout.lines().filter(|l| l.starts_with("az ")) {
        assert!(line.starts_with("az ml workspace outbound-rule set --resource-group \"${RESOURCE_GROUP}\" --workspace-name \"${WORKSPACE_NAME}\" --rule \""), "{line}");
        assert!(line.contains("--type \"fqdn\" --destination \""), "{line}");
    }
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn firewall_az_format() {
    let r = amlgen(&[
        "allowlist",
        "--for",
        "firewall",
        "--format",
        "az",
        "pytorch-cuda/requirements.txt",
        "conda-private/environment.yml",
    ]);
    assert_eq!(r.exit, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_format() {
    let r = amlgen(&[
        "allowlist",
        "--format",
        "json",
        "conda-private/environment.yml",
    ]);
    assert_eq!(r.exit, 1);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn findings_are_printed_with_their_fix() {
    let r = amlgen(&["allowlist", "vcs-and-urls/requirements.txt"]);
    assert_eq!(r.exit, 1);
    insta::assert_snapshot!(r.stderr);
}

#[test]
fn blueprint_format_is_for_managed_vnets_only() {
    let r = amlgen(&["allowlist", "--for", "firewall", "plain/requirements.txt"]);
    assert_eq!(r.exit, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("--format az or --format json"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors() {
    let r = amlgen(&["allowlist"]);
    assert_eq!(r.exit, 2, "{}", r.stderr);
    let r = amlgen(&["allowlist", "--format", "yaml", "plain/requirements.txt"]);
    assert_eq!(r.exit, 2, "{}", r.stderr);
}

fn which(tool: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

/// Both az scripts are valid bash and shellcheck-clean, for every corpus file.
#[test]
fn az_scripts_pass_bash_n_and_shellcheck() {
    let sc = which("shellcheck")
        .expect("shellcheck is required: run scripts/setup-validators.sh (it installs it)");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (files, ..) in CORPUS {
        for target in ["approved-only", "firewall"] {
            let mut args = vec!["allowlist", "--format", "az", "--for", target];
            args.extend_from_slice(files);
            let r = amlgen(&args);
            let file = dir.path().join(format!("{checked}.sh"));
            std::fs::write(&file, &r.stdout).unwrap();
            let n = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                n.status.success(),
                "{files:?} {target}: bash -n failed:\n{}",
                r.stdout
            );
            let out = std::process::Command::new(&sc)
                .arg("--severity=style")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{files:?} {target}: shellcheck:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                r.stdout
            );
            assert!(r.stdout.contains("set -euo pipefail"));
            checked += 1;
        }
    }
    assert_eq!(checked, CORPUS.len() * 2);
}

/// No credential written in a dependency file appears in any output, in any format.
#[test]
fn credentials_are_never_printed() {
    let secrets = [
        "hunter2",
        "ci-reader",
        "tk-8f2d91c4e0b7a6",
        "c2VjcmV0c2lnbmF0dXJl",
        "sv=2022-11-02",
    ];
    let files = [
        "private-index/requirements.txt",
        "vcs-and-urls/requirements.txt",
        "conda-private/environment.yml",
    ];
    // The fixtures (and the file they include) do hold them.
    for s in secrets {
        assert!(
            files
                .iter()
                .chain(&["private-index/base.txt"])
                .any(|f| std::fs::read_to_string(format!("{FIXTURES}/{f}"))
                    .unwrap()
                    .contains(s)),
            "{s}"
        );
    }
    for (format, target) in [
        ("blueprint", "approved-only"),
        ("az", "approved-only"),
        ("json", "approved-only"),
        ("az", "firewall"),
        ("json", "firewall"),
    ] {
        {
            let mut args = vec!["allowlist", "--format", format, "--for", target];
            args.extend_from_slice(&files);
            let r = amlgen(&args);
            assert!(
                r.stdout.contains("***") || r.stderr.contains("***"),
                "{format} {target}: nothing redacted?\n{}{}",
                r.stdout,
                r.stderr
            );
            for s in secrets {
                assert!(
                    !r.stdout.contains(s) && !r.stderr.contains(s),
                    "{format} {target}: `{s}` printed:\n{}{}",
                    r.stdout,
                    r.stderr
                );
            }
        }
    }
}
