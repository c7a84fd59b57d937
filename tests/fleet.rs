//! Issue 14 from the command line: fleets (many blueprints, folders, globs, `--all --out`),
//! `--values` overlays and safe change against the previous render's manifest.

use assert_cmd::Command;
use std::path::Path;

const BASE: &str = include_str!("../blueprints/approved-only.yaml");

fn amlgen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("amlgen").unwrap();
    c.current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = amlgen(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn named(name: &str) -> String {
    BASE.replacen("name: approved-only", &format!("name: {name}"), 1)
        .replacen("prefix: aml-appr", &format!("prefix: aml-{name}"), 1)
}

/// Every file below `dir`, relative, sorted: what a failed fleet must not have added to.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

/// A folder of four blueprints: two good, one with a region Azure does not have, one that is not
/// YAML.
fn mixed_fleet(dir: &Path) {
    let f = dir.join("fleet");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::write(f.join("a.yaml"), named("team-a")).unwrap();
    std::fs::write(f.join("b.yml"), named("team-b")).unwrap();
    std::fs::write(
        f.join("c.yaml"),
        named("team-c").replacen("location: eastus", "location: nowhere", 1),
    )
    .unwrap();
    std::fs::write(f.join("d.yaml"), "name: [unclosed\n").unwrap();
    // Not a blueprint file: a folder gives only .yaml and .yml files to render.
    std::fs::write(f.join("notes.txt"), "not read").unwrap();
}

#[test]
fn a_fleet_renders_the_good_blueprints_and_reports_the_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    mixed_fleet(dir.path());
    let (code, _, stderr) = run(dir.path(), &["render", "fleet", "--out", "infra"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[AMLG040]") && stderr.contains("fleet/c.yaml:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[AMLG001]") && stderr.contains("fleet/d.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fleet: 4 blueprints, 2 rendered, 2 failed (exit 1)"),
        "{stderr}"
    );
    // The good ones are whole (manifest and all), the bad ones left nothing, no staging remains.
    let written = tree(&dir.path().join("infra"));
    for good in ["team-a", "team-b"] {
        assert!(
            written.contains(&format!("{good}/.amlgen-manifest.json")),
            "{written:?}"
        );
        assert!(
            written.contains(&format!("{good}/main.bicep")),
            "{written:?}"
        );
    }
    assert!(
        written
            .iter()
            .all(|p| p.starts_with("team-a") || p.starts_with("team-b")),
        "{written:?}"
    );
    assert!(
        !written.iter().any(|p| p.contains(".amlgen-staging")),
        "{written:?}"
    );
    // Each folder regenerates on its own: the header names the blueprint and the folder.
    let readme = std::fs::read_to_string(dir.path().join("infra/team-a/README.md")).unwrap();
    assert!(
        readme.contains("amlgen render fleet/a.yaml --out infra/team-a"),
        "{}",
        &readme[..400]
    );
    // Running it again changes nothing and still reports the bad ones.
    let (code, _, stderr) = run(dir.path(), &["render", "fleet", "--out", "infra"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("infra/team-a: 0 written"), "{stderr}");
}

#[test]
fn globs_many_arguments_and_all_with_out() {
    let dir = tempfile::tempdir().unwrap();
    mixed_fleet(dir.path());
    // A quoted glob, expanded by amlgen, plus a built-in name: three blueprints, all good.
    let (code, _, stderr) = run(
        dir.path(),
        &["render", "fleet/[ab]*", "fleet/a*.yaml", "allow-internet"],
    );
    // `[` is no wildcard: `fleet/[ab]*` matches nothing (AMLG060) and nothing is written.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[AMLG060]"), "{stderr}");
    assert!(!dir.path().join("out").exists());
    let (code, _, stderr) = run(
        dir.path(),
        &["render", "fleet/?.y*ml", "allow-internet", "--out", "o"],
    );
    assert_eq!(code, 1, "c and d fail: {stderr}");
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "render",
            "fleet/a.yaml",
            "fleet/b.yml",
            "allow-internet",
            "--out",
            "o2",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("fleet: 3 blueprints, 3 rendered, 0 failed (exit 0)"),
        "{stderr}"
    );
    for d in ["o2/team-a", "o2/team-b", "o2/allow-internet"] {
        assert!(
            dir.path().join(d).join(".amlgen-manifest.json").is_file(),
            "{d}"
        );
    }
    let (code, _, stderr) = run(dir.path(), &["render", "--all", "--out", "builtins"]);
    assert_eq!(code, 0, "{stderr}");
    for b in [
        "allow-internet",
        "approved-only",
        "hub-spoke",
        "exfiltration-prevention",
        "no-firewall",
    ] {
        assert!(
            dir.path()
                .join("builtins")
                .join(b)
                .join("main.bicep")
                .is_file(),
            "{b}"
        );
    }
    let (code, _, stderr) = run(
        dir.path(),
        &["render", "--all", "--out", "builtins", "--check"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("5 checked, 0 failed"), "{stderr}");
}

#[test]
fn two_blueprints_with_one_name_are_both_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.yaml"), named("same")).unwrap();
    std::fs::write(dir.path().join("two.yaml"), named("same")).unwrap();
    let (code, _, stderr) = run(dir.path(), &["render", "one.yaml", "two.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("error[AMLG061]").count(), 2, "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn check_takes_folders_globs_and_every_file_kind_with_one_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    mixed_fleet(dir.path());
    std::fs::write(
        dir.path().join("fleet/rules.sh"),
        "az ml workspace outbound-rule create --rule-name x\n",
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "fleet", "approved-only"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("fleet/a.yaml: no errors"), "{stderr}");
    assert!(stderr.contains("AMLG204"), "the script is linted: {stderr}");
    assert!(
        stderr.contains("checked 6 files: 3 passed, 3 failed (exit 1)"),
        "{stderr}"
    );
    // One JSON document for the whole fleet, each diagnostic naming its file.
    let (code, stdout, _) = run(dir.path(), &["check", "fleet/*.yaml", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let files: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["location"]["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"fleet/c.yaml") && files.contains(&"fleet/d.yaml"),
        "{files:?}"
    );
    let (code, _, stderr) = run(dir.path(), &["check", "fleet", "fleet/a.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["check", "empty/*.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[AMLG060]"), "{stderr}");
}

/// prod.yaml as a team writes it: another name, prefix and address plan.
const PROD: &str = "name: fraud-prod\nnaming: {prefix: aml-fraud-prod}\nclient_access:\n  vnet:\n    address_space: [10.40.0.0/16]\n    pe_subnet: {address_prefix: 10.40.1.0/27}\n";

#[test]
fn values_overlays_merge_and_point_at_the_file_that_wrote_the_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.yaml"), BASE).unwrap();
    std::fs::write(dir.path().join("prod.yaml"), PROD).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "render",
            "base.yaml",
            "--values",
            "prod.yaml",
            "--emit",
            "model",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(model["blueprint"]["name"], "fraud-prod");
    // Lists replace, mappings merge: the base's pe subnet name and tags stay.
    assert_eq!(
        model["client"]["address_prefixes"],
        serde_json::json!(["10.40.0.0/16"])
    );
    assert_eq!(
        model["workspace"]["isolation_mode"]["cli"],
        "allow_only_approved_outbound"
    );
    // A bad value in the overlay is reported at the overlay's line.
    std::fs::write(
        dir.path().join("bad.yaml"),
        "workspace:\n  managed_network:\n    outbound_rules:\n      - {name: pypi, type: fqdn, destination: \"*\"}\n",
    )
    .unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "check",
            "base.yaml",
            "--values",
            "prod.yaml",
            "--values",
            "bad.yaml",
        ],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("--> bad.yaml:4:47"), "{stderr}");
    assert!(
        stderr.contains("4 |       - {name: pypi"),
        "the overlay's line: {stderr}"
    );
    // A bad value left in the base is reported in the base, overlays or not.
    std::fs::write(
        dir.path().join("base.yaml"),
        BASE.replacen("location: eastus", "location: nowhere", 1),
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "base.yaml", "--values", "prod.yaml"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--> base.yaml:"), "{stderr}");
    // An unknown key in an overlay is reported there; `null` removes a key.
    std::fs::write(dir.path().join("typo.yaml"), "workspace:\n  nmae: x\n").unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "approved-only", "--values", "typo.yaml"],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("error[AMLG002]") && stderr.contains("--> typo.yaml:2:3"),
        "{stderr}"
    );
    std::fs::write(dir.path().join("nulls.yaml"), "compute: null\n").unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "render",
            "approved-only",
            "--values",
            "nulls.yaml",
            "--emit",
            "model",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        model["compute"]["cluster"].is_null(),
        "{}",
        model["compute"]
    );
}

#[test]
fn set_list_and_map_syntax_is_in_help() {
    let dir = tempfile::tempdir().unwrap();
    let (_, stdout, _) = run(dir.path(), &["render", "--help"]);
    assert!(
        stdout.contains("--set 'client_access.vnet.address_space=[10.9.0.0/16, 10.10.0.0/16]'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--set 'tags={env: prod, owner: ml-platform}'"),
        "{stdout}"
    );
    assert!(stdout.contains("Merge rules"), "{stdout}");
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "render",
            "approved-only",
            "--set",
            "client_access.vnet.address_space=[10.9.0.0/16, 10.10.0.0/16]",
            "--set",
            "client_access.vnet.pe_subnet.address_prefix=10.9.1.0/27",
            "--set",
            "tags={env: prod}",
            "--emit",
            "model",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        model["client"]["address_prefixes"],
        serde_json::json!(["10.9.0.0/16", "10.10.0.0/16"])
    );
    assert_eq!(model["tags"]["env"], "prod");
}

#[test]
fn a_change_azure_refuses_is_refused_until_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("base.yaml"), BASE).unwrap();
    std::fs::write(d.join("prod.yaml"), PROD).unwrap();
    let render = |extra: &[&str]| {
        let mut args = vec![
            "render",
            "base.yaml",
            "--values",
            "prod.yaml",
            "--out",
            "prod",
        ];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    let (code, _, stderr) = render(&[]);
    assert_eq!(code, 0, "{stderr}");
    let manifest = std::fs::read_to_string(d.join("prod/.amlgen-manifest.json")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        state["state"]["isolation_mode"],
        "AllowOnlyApprovedOutbound"
    );
    assert_eq!(state["state"]["key_vault"], "kv-aml-fraud-prod");

    // approved-only -> allow internet outbound, in a second overlay: AMLG300 at its line.
    std::fs::write(
        d.join("open.yaml"),
        "workspace:\n  managed_network:\n    isolation_mode: allow_internet_outbound\n    outbound_rules: null\n",
    )
    .unwrap();
    let (code, _, stderr) = render(&["--values", "open.yaml"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("error[AMLG300]") && stderr.contains("--> open.yaml:3:21"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(d.join("prod/.amlgen-manifest.json")).unwrap(),
        manifest,
        "the refused render wrote nothing"
    );
    // A key vault rename (explicit name) and a new pe subnet range.
    std::fs::write(
        d.join("move.yaml"),
        "dependencies:\n  key_vault: {name: kv-fraud-prod-2}\nclient_access:\n  vnet:\n    pe_subnet: {address_prefix: 10.40.2.0/27}\n",
    )
    .unwrap();
    let (code, _, stderr) = render(&["--values", "move.yaml"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("error[AMLG303]") && stderr.contains("--> move.yaml:2:21"),
        "{stderr}"
    );
    assert!(stderr.contains("error[AMLG305]"), "{stderr}");
    assert!(!stderr.contains("AMLG300"), "{stderr}");
    // A renamed prefix renames the storage account, key vault and registry it derives.
    let (code, _, stderr) = render(&["--set", "naming.prefix=aml-fraud-p"]);
    assert_eq!(code, 4, "{stderr}");
    for c in ["AMLG302", "AMLG303", "AMLG304", "AMLG306"] {
        assert!(stderr.contains(c), "{c}: {stderr}");
    }
    // hbi_workspace is taken only when the workspace is created.
    let (code, _, stderr) = render(&["--set", "workspace.hbi_workspace=true"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("error[AMLG307]") && stderr.contains("hbi_workspace turns on"),
        "{stderr}"
    );
    // Acknowledged, it renders; unknown codes are a usage error.
    let (code, _, stderr) = render(&[
        "--values",
        "move.yaml",
        "--accept-change",
        "AMLG303",
        "--accept-change",
        "305",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = render(&["--accept-change", "AMLG101"]);
    assert_eq!(code, 2, "{stderr}");
    // Accepted once, then back from allow internet outbound to approved-only, which Azure allows.
    let (code, _, stderr) = render(&[
        "--values",
        "move.yaml",
        "--values",
        "open.yaml",
        "--accept-change",
        "AMLG300",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = render(&["--values", "move.yaml"]);
    assert_eq!(code, 0, "{stderr}");
}

/// deploy.sh with a stand-in `az` that logs its subcommands: the what-if always runs first; the
/// deployment only with `--yes` (or AMLGEN_DEPLOY_YES=1), never when stdin is no terminal.
#[test]
fn deploy_sh_shows_the_what_if_and_asks_before_deploying() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, stderr) = run(d, &["render", "approved-only", "--out", "o"]);
    assert_eq!(code, 0, "{stderr}");
    let bin = d.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = d.join("az.log");
    std::fs::write(
        bin.join("az"),
        format!(
            "#!/bin/sh\necho \"$1 $2 $3\" >> '{}'\nif [ \"$1 $2\" = \"group exists\" ]; then echo \"${{AZ_GROUP_EXISTS:-true}}\"; fi\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("az"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let deploy = |args: &[&str], env: &[(&str, &str)]| {
        let _ = std::fs::remove_file(&log);
        let out = std::process::Command::new("bash")
            .arg(d.join("o/deploy.sh"))
            .args(args)
            .env("PATH", &path)
            .env_remove("AMLGEN_DEPLOY_YES")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        (
            out.status.code().unwrap(),
            calls,
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // No terminal and no --yes: the what-if, then a stop (it does not wait for an answer).
    let (code, calls, stderr) = deploy(&[], &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(calls, "group create --name\ndeployment group what-if\n");
    assert!(stderr.contains("--yes"), "{stderr}");
    let (code, calls, _) = deploy(&["--what-if"], &[]);
    assert_eq!(
        (code, calls.as_str()),
        (
            0,
            "group exists --name\ngroup create --name\ndeployment group what-if\n"
        )
    );
    // --what-if changes nothing: without the resource group it says so and stops.
    let (code, calls, _) = deploy(&["--what-if"], &[("AZ_GROUP_EXISTS", "false")]);
    assert_eq!((code, calls.as_str()), (0, "group exists --name\n"));
    // --yes and --what-if contradict each other.
    let (code, calls, stderr) = deploy(&["--what-if", "--yes"], &[]);
    assert_eq!((code, calls.as_str()), (2, ""), "{stderr}");
    for (args, env) in [
        (&["--yes"][..], &[][..]),
        (&[][..], &[("AMLGEN_DEPLOY_YES", "1")][..]),
    ] {
        let (code, calls, stderr) = deploy(args, env);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            calls,
            "group create --name\ndeployment group what-if\ndeployment group create\n"
        );
    }
    let (code, _, stderr) = deploy(&["--force"], &[]);
    assert_eq!(code, 2, "{stderr}");
}

/// Drift against saved `az ml workspace show` / `outbound-rule list` JSON (az ml's snake_case
/// and ARM's camelCase shapes, tests/fixtures/drift/, written from the 2025-04-01 REST examples).
#[test]
fn drift_against_a_running_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = |args: &[&str]| {
        let mut all = vec!["check", "approved-only"];
        all.extend_from_slice(args);
        run(root, &all)
    };
    for args in [
        &[
            "--against-workspace",
            "tests/fixtures/drift/show-in-sync.json",
        ][..],
        &[
            "--against-workspace",
            "tests/fixtures/drift/workspace-arm.json",
            "--against-outbound-rules",
            "tests/fixtures/drift/rules-arm.json",
        ][..],
    ] {
        let (code, _, stderr) = check(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.contains("0 differences"), "{stderr}");
    }
    let (code, stdout, stderr) = check(&[
        "--against-workspace",
        "tests/fixtures/drift/show-drifted.json",
        "--against-outbound-rules",
        "tests/fixtures/drift/rules-drifted.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let found: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let got: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let l = &d["location"];
            (
                d["code"].as_str().unwrap().to_string(),
                format!("{}:{}", l["file"].as_str().unwrap(), l["line"]),
            )
        })
        .collect();
    let want = [
        ("AMLG310", "tests/fixtures/drift/show-drifted.json:20"),
        ("AMLG311", "tests/fixtures/drift/show-drifted.json:19"),
        ("AMLG316", "tests/fixtures/drift/show-drifted.json:67"),
        ("AMLG314", "tests/fixtures/drift/rules-drifted.json:11"),
        ("AMLG312", "tests/fixtures/drift/rules-drifted.json:19"),
        ("AMLG313", "tests/fixtures/drift/rules-drifted.json:null"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    // Azure's own rules (Required, Recommended, Dependency) are never "added by hand".
    assert!(!stdout.contains("__SYS"), "{stdout}");
    let (code, _, stderr) = check(&["--against-workspace", "Cargo.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("AMLG315"), "{stderr}");
    let (code, _, stderr) = run(
        root,
        &[
            "check",
            "approved-only",
            "hub-spoke",
            "--against-workspace",
            "tests/fixtures/drift/show-in-sync.json",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
}

/// A list an overlay replaces is the overlay's: a rule it wrote without a key the blueprint's
/// rule at the same index had is reported in the overlay, never at the blueprint's old item.
#[test]
fn a_replaced_list_points_into_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.yaml"),
        "workspace:\n  managed_network:\n    outbound_rules:\n      - name: monitor\n        type: service_tag\n",
    )
    .unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "approved-only", "--values", "rules.yaml"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--> rules.yaml:"), "{stderr}");
    assert!(
        !stderr.contains("--> blueprints/approved-only.yaml"),
        "{stderr}"
    );
}

/// A fleet with `--format json` prints one document, safe-change refusals included.
#[test]
fn a_fleet_prints_one_json_document() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), named("team-a")).unwrap();
    std::fs::write(
        d.join("b.yaml"),
        named("team-b").replacen("location: eastus", "location: nowhere", 1),
    )
    .unwrap();
    let (code, _, stderr) = run(d, &["render", "a.yaml", "--out", "infra/team-a"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(
        d.join("a.yaml"),
        named("team-a").replacen("prefix: aml-team-a", "prefix: aml-team-a2", 1),
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        d,
        &[
            "render", "a.yaml", "b.yaml", "--out", "infra", "--format", "json",
        ],
    );
    assert_eq!(code, 4, "the worst: a refused change; {stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let codes: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"AMLG302") && codes.contains(&"AMLG040"),
        "{codes:?}"
    );
}

/// Review of issue 14: a symbolic link in a fleet folder is not followed (it could point at a
/// secret whose first line a diagnostic would print); an empty values file changes nothing;
/// approved-only back to no managed VNet is refused like the other one-way changes.
#[test]
fn links_empty_overlays_and_disabling_the_managed_vnet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = d.join("teams");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::write(d.join("secret.txt"), "TOKEN=hunter2\n").unwrap();
    std::os::unix::fs::symlink(d.join("secret.txt"), f.join("env.yaml")).unwrap();
    std::fs::write(f.join("a.yaml"), named("team-a")).unwrap();
    let (code, _, stderr) = run(d, &["check", "teams"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("env.yaml"),
        "{stderr}"
    );

    std::fs::write(d.join("base.yaml"), BASE).unwrap();
    std::fs::write(d.join("empty.yaml"), "# nothing for this environment yet\n").unwrap();
    let (code, _, stderr) = run(
        d,
        &[
            "render",
            "base.yaml",
            "--values",
            "empty.yaml",
            "--out",
            "o",
        ],
    );
    assert_eq!(code, 0, "{stderr}");

    std::fs::write(
        d.join("off.yaml"),
        "workspace:\n  managed_network:\n    isolation_mode: disabled\n    firewall_sku: null\n    outbound_rules: null\n    provision_now: null\ncompute: null\n",
    )
    .unwrap();
    let (code, _, stderr) = run(
        d,
        &["render", "base.yaml", "--values", "off.yaml", "--out", "o"],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("error[AMLG300]"), "{stderr}");
}

/// `extends:` lays the named file over its base (a file or a built-in), the regenerate command
/// names the file the user rendered, a value from the base is reported in the base, and a chain
/// that leaves the repository, loops or goes through a symbolic link is refused before anything
/// outside is read.
#[test]
fn extends_lays_the_named_file_over_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("envs")).unwrap();
    std::fs::write(d.join("base.yaml"), BASE).unwrap();
    std::fs::write(
        d.join("envs/prod.yaml"),
        "extends: ../base.yaml\nname: fraud-prod\nnaming: {prefix: aml-fraud-p}\n",
    )
    .unwrap();
    let (code, _, stderr) = run(d, &["render", "envs/prod.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let readme = std::fs::read_to_string(d.join("out/fraud-prod/README.md")).unwrap();
    assert!(
        readme.contains("`amlgen render envs/prod.yaml`"),
        "{readme}"
    );
    let params = std::fs::read_to_string(d.join("out/fraud-prod/main.parameters.json")).unwrap();
    assert!(params.contains("mlw-aml-fraud-p"), "{params}");
    // A built-in base; its values are the built-in's unless the file changes them.
    std::fs::write(
        d.join("quick.yaml"),
        "extends: approved-only\nname: quick\nlocation: westeurope\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(d, &["render", "quick.yaml", "--emit", "model"]);
    assert_eq!(code, 0, "{stderr}");
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(model["location"], "westeurope");
    assert_eq!(
        model["workspace"]["isolation_mode"]["cli"],
        "allow_only_approved_outbound"
    );
    // A bad value in the base is reported in the base, at its line.
    std::fs::write(
        d.join("base.yaml"),
        BASE.replace("location: eastus", "location: mars"),
    )
    .unwrap();
    let (code, _, stderr) = run(d, &["check", "envs/prod.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("base.yaml:"), "{stderr}");
    // Refused: outside the folder amlgen runs in, absolute, a loop, a symbolic link, and in a
    // --values file.
    std::fs::write(d.join("envs/own.yaml"), "extends: own.yaml\nname: own\n").unwrap();
    std::fs::write(d.join("abs.yaml"), "extends: /etc/passwd\n").unwrap();
    std::os::unix::fs::symlink(d.join("base.yaml"), d.join("link.yaml")).unwrap();
    std::fs::write(d.join("via-link.yaml"), "extends: link.yaml\n").unwrap();
    let envs = d.join("envs");
    for (cwd, file, why) in [
        (
            envs.as_path(),
            "prod.yaml",
            "outside the folder amlgen runs in",
        ),
        (d, "envs/own.yaml", "in a loop"),
        (d, "abs.yaml", "neither a built-in name nor a relative path"),
        (d, "via-link.yaml", "symbolic link"),
    ] {
        let (code, _, stderr) = run(cwd, &["check", file]);
        assert_eq!(code, 1, "{file}: {stderr}");
        assert!(
            stderr.contains("error[AMLG062]") && stderr.contains(why),
            "{file}: {stderr}"
        );
    }
    let (code, _, stderr) = run(d, &["check", "approved-only", "--values", "envs/prod.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("does not extend another"), "{stderr}");
}
