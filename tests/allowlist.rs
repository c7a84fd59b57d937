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
    let printed: Value = amlgen::yaml::from_str(&r.stdout).unwrap();
    let rules = printed["outbound_rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), 12, "{}", r.stdout);
    let base = include_str!("../blueprints/approved-only.yaml");
    let mut bp = amlgen::yaml::from_str_value(base).unwrap();
    let list = bp["workspace"]["managed_network"]["outbound_rules"]
        .as_sequence_mut()
        .unwrap();
    list.clear();
    for rule in rules {
        list.push(amlgen::yaml::to_value(rule).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bp.yaml"),
        amlgen::yaml::to_string(&bp).unwrap(),
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

// --- Reading only what the project holds (issue 10) ------------------------------------------

/// `amlgen allowlist` run in `dir` with `args`, with a fresh environment holding only `env`, and
/// a time limit (a FIFO or a device must not hang it).
fn amlgen_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("amlgen").unwrap();
    cmd.current_dir(dir).env_clear().args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    Run {
        exit: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every output format of `allowlist` for `files`, stdout and stderr together.
fn all_outputs(dir: &std::path::Path, files: &[&str], extra: &[&str]) -> Vec<(String, Run)> {
    let mut out = Vec::new();
    for (format, target) in [
        ("blueprint", "approved-only"),
        ("az", "approved-only"),
        ("json", "approved-only"),
        ("az", "firewall"),
        ("json", "firewall"),
    ] {
        let mut args = vec!["allowlist", "--format", format, "--for", target];
        args.extend_from_slice(extra);
        args.extend_from_slice(files);
        out.push((format!("{format} {target}"), amlgen_in(dir, &args, &[])));
    }
    out
}

fn assert_not_printed(runs: &[(String, Run)], secrets: &[&str]) {
    for (what, r) in runs {
        for s in secrets {
            assert!(
                !r.stdout.contains(s) && !r.stderr.contains(s),
                "{what}: `{s}` printed:\n{}{}",
                r.stdout,
                r.stderr
            );
        }
    }
}

fn finding_codes(r: &Run) -> Vec<String> {
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}{}", r.stdout, r.stderr));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// `-r /proc/self/environ` printed the environment (secrets included): an include outside the
/// project folder is refused, and says how to allow it.
#[test]
fn includes_outside_the_project_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "-r /proc/self/environ\nnumpy\n",
    )
    .unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "requirements.txt"],
        &[("AMLGEN_TEST_SECRET", "env-secret-4711")],
    );
    assert!(
        !r.stdout.contains("env-secret-4711") && !r.stderr.contains("env-secret-4711"),
        "the environment was printed:\n{}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(r.exit, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[AMLG010]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("outside the project folder"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--include-outside"), "{}", r.stderr);
    // The file's own requirement still counts.
    assert!(r.stdout.contains("pypi.org"), "{}", r.stdout);
}

/// `-r ~/.docker/config.json` printed its `"auth"` value; a symlink inside the project that
/// leads outside is outside too (paths are compared once resolved).
#[test]
fn files_next_to_the_project_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home/.docker");
    std::fs::create_dir_all(&home).unwrap();
    let config = home.join("config.json");
    std::fs::write(
        &config,
        "{\n  \"auths\": {\n    \"contoso.azurecr.io\": {\n      \"auth\": \"ZG9ja2VyOnNlY3JldC1hdXRo\"\n    }\n  }\n}\n",
    )
    .unwrap();
    let proj = dir.path().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("requirements.txt"),
        format!(
            "-r {}\n-r link.txt\n-r ../home/.docker/config.json\n",
            config.display()
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(&config, proj.join("link.txt")).unwrap();
    let runs = all_outputs(&proj, &["requirements.txt"], &[]);
    assert_not_printed(&runs, &["ZG9ja2VyOnNlY3JldC1hdXRo", "auths"]);
    let json = &runs[2].1;
    assert_eq!(finding_codes(json), ["AMLG010", "AMLG010", "AMLG010"]);
    assert_eq!(json.exit, 1);
    // --include-outside follows them (and then the unparseable lines are still not printed).
    let r = amlgen_in(
        &proj,
        &["allowlist", "--include-outside", "requirements.txt"],
        &[],
    );
    assert!(
        !r.stderr.contains("outside the project folder"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("AMLG222"), "{}", r.stderr);
    assert!(!r.stderr.contains("ZG9ja2Vy"), "{}", r.stderr);
}

/// Includes inside the project folder, through a subfolder and `..` back into it, still work.
#[test]
fn includes_inside_the_project_folder_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("req")).unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "-r req/dev.txt\n").unwrap();
    std::fs::write(
        dir.path().join("req/dev.txt"),
        "-r ../base.txt\n--extra-index-url https://download.pytorch.org/whl/cpu\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("base.txt"), "numpy\n").unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "requirements.txt"],
        &[],
    );
    assert_eq!(r.exit, 0, "{}", r.stdout);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let hosts: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["destination"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        ["pypi.org", "files.pythonhosted.org", "download.pytorch.org"]
    );
    // As pip does, includes are relative to the path given, not to where a symlink leads.
    std::fs::write(dir.path().join("req/prod.txt"), "-r base.txt\n").unwrap();
    std::fs::write(
        dir.path().join("req/base.txt"),
        "--index-url https://wrong.example.com/simple\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("req/prod.txt", dir.path().join("prod.txt")).unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "prod.txt"],
        &[],
    );
    assert_eq!(r.exit, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("wrong.example.com"), "{}", r.stdout);
    assert!(r.stdout.contains("\"pypi.org\""), "{}", r.stdout);
}

/// A FIFO blocked the run; a directory, a device, a kernel pseudo-file are not read either,
/// even with --include-outside, and none of them hangs or fills memory.
#[test]
fn only_regular_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "-r pipe.txt\n-r sub\nnumpy\n",
    )
    .unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "requirements.txt"],
        &[],
    );
    assert_eq!(r.exit, 1, "{}", r.stderr);
    assert_eq!(finding_codes(&r), ["AMLG010", "AMLG010"]);
    assert!(r.stdout.contains("not a regular file"), "{}", r.stdout);
    std::fs::write(
        dir.path().join("outside.txt"),
        "-r /dev/zero\n-r /proc/self/environ\n-r /proc/self/status\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let r = amlgen_in(
        dir.path(),
        &[
            "allowlist",
            "--include-outside",
            "--format",
            "json",
            "outside.txt",
        ],
        &[("AMLGEN_TEST_SECRET", "env-secret-4711")],
    );
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(finding_codes(&r), ["AMLG010", "AMLG010", "AMLG010"]);
    assert!(!r.stdout.contains("env-secret-4711"), "{}", r.stdout);
    // Named on the command line: the same.
    let r = amlgen_in(dir.path(), &["allowlist", "/dev/zero", "pipe.txt"], &[]);
    assert_eq!(r.exit, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("not a regular file").count(),
        2,
        "{}",
        r.stderr
    );
}

/// A file larger than the bound is refused with the bound in the message (nothing of it is
/// kept); so is a chain of more includes than the bound.
#[test]
fn size_and_count_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let big = "numpy==1.26.4\n".repeat(400_000); // 5.6 MB
    std::fs::write(dir.path().join("big.txt"), &big).unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "-r big.txt\n").unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "requirements.txt"],
        &[],
    );
    assert_eq!(finding_codes(&r), ["AMLG010"]);
    assert!(r.stdout.contains("larger than"), "{}", r.stdout);
    assert_eq!(r.exit, 1);
    // 300 files, each including the next.
    for i in 0..300 {
        std::fs::write(
            dir.path().join(format!("c{i}.txt")),
            format!("-r c{}.txt\nnumpy\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("c300.txt"), "numpy\n").unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "c0.txt"],
        &[],
    );
    assert_eq!(finding_codes(&r), ["AMLG010"], "{}", r.stdout);
    assert!(r.stdout.contains("more than"), "{}", r.stdout);
}

/// Files that each `-r` the next one twice: time tripled every two levels (41 files: over 20
/// s). Each file is read once: diamonds and cycles cost nothing.
#[test]
fn each_file_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        std::fs::write(
            dir.path().join(format!("f{i}.txt")),
            format!(
                "-r f{n}.txt\n-r f{n}.txt\n-c f{n}.txt\n-r f0.txt\nnumpy\n",
                n = i + 1
            ),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("f60.txt"), "numpy\n").unwrap();
    let started = std::time::Instant::now();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "f0.txt"],
        &[],
    );
    let took = started.elapsed();
    assert_eq!(r.exit, 0, "{}", r.stdout);
    assert!(took.as_secs() < 5, "took {took:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), 2);
}

// --- Never printing what cannot be parsed, nor any secret -----------------------------------

/// AMLG222 echoed unparseable lines; a shadow-style line was taken for a requirement and
/// printed as a reason. Now: the location and the kind of problem only.
#[test]
fn unparseable_lines_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "numpy\nroot:$6$k1Salt$9hashHASHhash:19000:0:99999:7:::\n!!not-a-line-XYZZY\n--frobnicate opaque-QWERTY\n--index-url\n",
    )
    .unwrap();
    let runs = all_outputs(dir.path(), &["requirements.txt"], &[]);
    assert_not_printed(
        &runs,
        &["9hashHASHhash", "k1Salt", "XYZZY", "QWERTY", "root:"],
    );
    let v: Value = serde_json::from_str(&runs[2].1.stdout).unwrap();
    let lines: Vec<(u64, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (2, "AMLG222"),
            (3, "AMLG222"),
            (4, "AMLG222"),
            (5, "AMLG222")
        ]
    );
}

/// Every credential shape is masked in every format: a URL with one slash, `user:pass@host`
/// without a scheme, tokens in query strings, a lone token before `@`.
#[test]
fn every_credential_shape_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "--extra-index-url https:/user:SECRET-ONE@h.example.com/simple\n\
         --extra-index-url deploy:SECRET-TWO@nexus.example.com/simple\n\
         --extra-index-url https://feed.example.com/simple?token=SECRET-THREE\n\
         --extra-index-url feed2.example.com/simple?sig=SECRET-FOUR&sv=1\n\
         --extra-index-url https://SECRET-FIVE@pkgs.example.com/simple\n\
         --find-links https:///SECRET-SIX:x@wheels.example.com/\n\
         numpy\n",
    )
    .unwrap();
    let runs = all_outputs(dir.path(), &["requirements.txt"], &[]);
    assert_not_printed(
        &runs,
        &[
            "SECRET-ONE",
            "SECRET-TWO",
            "SECRET-THREE",
            "SECRET-FOUR",
            "SECRET-FIVE",
            "SECRET-SIX",
        ],
    );
    assert!(runs[0].1.stderr.contains("***"), "{}", runs[0].1.stderr);
}

/// A credential on an `--index-url` that a later one overrides was not reported (AMLG220);
/// nor one on an index nothing is installed from.
#[test]
fn every_written_credential_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "--index-url https://u:pw-one@old.example.com/simple\n\
         --index-url https://new.example.com/simple\n\
         numpy\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("unused.txt"),
        "--no-index\n--extra-index-url https://u:pw-two@x.example.com/simple\n./dist/x.whl\n",
    )
    .unwrap();
    let r = amlgen_in(
        dir.path(),
        &[
            "allowlist",
            "--format",
            "json",
            "requirements.txt",
            "unused.txt",
        ],
        &[],
    );
    assert_eq!(
        finding_places(&r),
        [
            place("requirements.txt", 1, "AMLG220"),
            place("unused.txt", 2, "AMLG220"),
        ]
    );
    assert!(!r.stdout.contains("pw-one") && !r.stdout.contains("pw-two"));
}

/// pyproject findings were reported twice (once per installer section).
#[test]
fn pyproject_findings_are_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\ndependencies = [\n  \"a @ https://u:pw@files.example.com/a.whl\",\n  \"b @ svn+https://svn.example.com/b\",\n  \"c @ gopher://old.example.com/c\",\n]\n\n[tool.poetry]\nname = \"x\"\n\n[tool.uv]\ndev-dependencies = []\n",
    )
    .unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "pyproject.toml"],
        &[],
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let found: Vec<(u64, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [(4, "AMLG220"), (6, "AMLG222")], "{}", r.stdout);
}

/// ESC bytes in an `-r` file name reached the terminal raw; they are shown escaped.
#[test]
fn control_characters_in_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "-r evil\u{1b}[2J\u{9b}31m.txt\nnumpy\n",
    )
    .unwrap();
    for format in ["blueprint", "json"] {
        let r = amlgen_in(
            dir.path(),
            &["allowlist", "--format", format, "requirements.txt"],
            &[],
        );
        let both = format!("{}{}", r.stdout, r.stderr);
        assert!(both.contains("AMLG010"), "{both}");
        assert!(
            !both.contains('\u{1b}') && !both.contains('\u{9b}'),
            "{format}: raw control character printed:\n{both:?}"
        );
        assert!(both.contains("\\u{1b}"), "{format}: {both}");
        if format == "json" {
            serde_json::from_str::<Value>(&r.stdout).unwrap();
        }
    }
}

/// A short option followed by a multi-byte character (`-éx`) panicked (exit 101).
#[test]
fn short_options_with_any_character_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "-éx\n-ü\n-rñ.txt\nnumpy\n",
    )
    .unwrap();
    let r = amlgen_in(
        dir.path(),
        &["allowlist", "--format", "json", "requirements.txt"],
        &[],
    );
    assert_eq!(
        finding_codes(&r),
        ["AMLG222", "AMLG222", "AMLG010"],
        "{}",
        r.stderr
    );
    assert_eq!(r.exit, 1);
}

// --- Review of the secrets guarantee (credentials in any shape, comments, IPv6) --------------

/// (file, line, code) of every finding of a JSON run.
fn finding_places(r: &Run) -> Vec<(String, u64, String)> {
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}{}", r.stdout, r.stderr));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn place(file: &str, line: u64, code: &str) -> (String, u64, String) {
    (file.to_string(), line, code.to_string())
}

/// A channel `u:CH3@host/chan` and a dependency `host/t/CH6/chan::pkg` printed CH3 and CH6 in
/// the reasons' "why", were not reported, and the first resolved to conda.anaconda.org.
#[test]
fn scheme_less_conda_channels_keep_their_host_and_report_their_credential() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("environment.yml"),
        "name: x\nchannels:\n  - u:CH3-SECRET@conda3.example.com/chan\n  - conda-forge\ndependencies:\n  - numpy\n  - \"conda6.example.com/t/CH6-SECRET/chan::scipy\"\n",
    )
    .unwrap();
    let runs = all_outputs(dir.path(), &["environment.yml"], &[]);
    assert_not_printed(&runs, &["CH3-SECRET", "CH6-SECRET"]);
    let json = &runs[2].1;
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let hosts: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["destination"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        [
            "conda3.example.com",
            "conda.anaconda.org",
            "repo.anaconda.com",
            "conda6.example.com"
        ],
        "{}",
        json.stdout
    );
    assert_eq!(
        finding_places(json),
        [
            place("environment.yml", 3, "AMLG220"),
            place("environment.yml", 7, "AMLG220")
        ]
    );
}

/// `requests  # token: ...` was quoted whole in the reasons (and so were a pyproject line and
/// an environment.yml channel with a comment): reasons quote what was parsed, never a comment.
#[test]
fn reasons_never_quote_comments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "requests  # token: ghp_REQ-COMMENT\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\ndependencies = [\"httpx\"]  # token: ghp_PY-COMMENT\n\n[tool.uv]\nextra-index-url = [\"https://download.pytorch.org/whl/cpu\"]  # ghp_UV-COMMENT\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("environment.yml"),
        "name: x\nchannels:\n  - conda-forge  # token: ghp_YML-COMMENT\n  - nodefaults\ndependencies:\n  - numpy\n  - pip:\n    - \"torch  # ghp_PIP-COMMENT\"\n",
    )
    .unwrap();
    let files = ["requirements.txt", "pyproject.toml", "environment.yml"];
    let runs = all_outputs(dir.path(), &files, &[]);
    assert_not_printed(
        &runs,
        &[
            "ghp_REQ-COMMENT",
            "ghp_PY-COMMENT",
            "ghp_UV-COMMENT",
            "ghp_YML-COMMENT",
            "ghp_PIP-COMMENT",
            "token:",
        ],
    );
    let v: Value = serde_json::from_str(&runs[2].1.stdout).unwrap();
    let mut texts: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["reasons"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    texts.sort();
    texts.dedup();
    assert_eq!(
        texts,
        [
            "\"https://download.pytorch.org/whl/cpu\"",
            "\"httpx\"",
            "- conda-forge",
            "requests",
            "torch"
        ],
        "{}",
        runs[2].1.stdout
    );
}

/// Credentials in values amlgen does not otherwise read (environment variables, PDM and
/// pip-tools settings, `--trusted-host`) and in settings of the wrong shape (a string where a
/// list belongs) were not reported, and the wrong shapes gave no warning at all.
#[test]
fn credentials_in_any_value_and_wrong_shapes_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("vars.yml"),
        "name: x\nchannels: [conda-forge]\nvariables: {PIP_INDEX_URL: \"https://u:pw-VARS@h.example.com/simple\"}\ndependencies:\n  - numpy\n",
    )
    .unwrap();
    std::fs::write(
        d.join("channels.yml"),
        "name: x\nchannels: https://u:pw-CHAN@c.example.com/chan\ndependencies:\n  - numpy\n",
    )
    .unwrap();
    std::fs::write(
        d.join("pip.yml"),
        "name: x\nchannels: [conda-forge]\ndependencies:\n  - numpy\n  - pip: \"--index-url https://u:pw-PIP@p.example.com/simple\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("pdm.toml"),
        "[project]\nname = \"x\"\ndependencies = [\"requests\"]\n\n[[tool.pdm.source]]\nname = \"private\"\nurl = \"https://u:pw-PDM@pdm.example.com/simple\"\n\n[tool.pip-tools]\nextra-index-url = [\"https://u:pw-PT@pt.example.com/simple\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("uv.toml"),
        "[project]\nname = \"x\"\ndependencies = [\"requests\"]\n\n[tool.uv]\nindex = \"https://u:pw-UV@uv.example.com/simple\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("requirements.txt"),
        "--trusted-host u:pw-TH@h.example.com\nnumpy\n",
    )
    .unwrap();
    let files = [
        "vars.yml",
        "channels.yml",
        "pip.yml",
        "pdm.toml",
        "uv.toml",
        "requirements.txt",
    ];
    let runs = all_outputs(d, &files, &[]);
    assert_not_printed(
        &runs,
        &[
            "pw-VARS", "pw-CHAN", "pw-PIP", "pw-PDM", "pw-PT", "pw-UV", "pw-TH",
        ],
    );
    let json = &runs[2].1;
    assert_eq!(
        finding_places(json),
        [
            place("channels.yml", 2, "AMLG222"),
            place("channels.yml", 2, "AMLG220"),
            place("pdm.toml", 7, "AMLG220"),
            place("pdm.toml", 10, "AMLG220"),
            place("pip.yml", 5, "AMLG222"),
            place("pip.yml", 5, "AMLG220"),
            place("requirements.txt", 1, "AMLG220"),
            place("uv.toml", 6, "AMLG222"),
            place("uv.toml", 6, "AMLG220"),
            place("vars.yml", 3, "AMLG220"),
        ],
        "{}",
        json.stdout
    );
    // The wrong shape is named, its value is not shown.
    assert!(
        json.stdout.contains("`channels` is not a list"),
        "{}",
        json.stdout
    );
}

/// `https://tok@[2001:db8::1]/simple` was AMLG106 "port 1" for host `2001:db8::1`: an IP
/// address is AMLG105, for both targets.
#[test]
fn ipv6_hosts_are_ip_addresses_not_ports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "--index-url https://tok-V6@[2001:db8::1]/simple\nnumpy\n",
    )
    .unwrap();
    let runs = all_outputs(dir.path(), &["requirements.txt"], &[]);
    assert_not_printed(&runs, &["tok-V6", "port 1 "]);
    for r in [&runs[2].1, &runs[4].1] {
        assert_eq!(finding_codes(r), ["AMLG220", "AMLG105"], "{}", r.stdout);
        assert!(r.stdout.contains("not an IP address"), "{}", r.stdout);
        assert_eq!(r.exit, 1);
    }
}
