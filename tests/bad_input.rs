//! Hostile and unlucky input (issue 10): every reproduction gets a diagnostic and a documented
//! exit code, never a panic or an internal error; limits hold in linear time; text that reaches
//! scripts and README is refused or escaped so that shellcheck, PowerShell and HTML read it as
//! data; one FQDN rule gets one verdict wherever it is checked; a built-in name means the
//! built-in everywhere.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BASE: &str = include_str!("../blueprints/approved-only.yaml");
const HUB: &str = include_str!("../blueprints/hub-spoke.yaml");

fn amlgen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("amlgen").unwrap();
    c.current_dir(dir);
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = amlgen(dir).args(args).output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn with(base: &str, find: &str, replace: &str) -> String {
    assert!(base.contains(find), "fixture text not found: {find}");
    base.replacen(find, replace, 1)
}

/// Renders `yaml` (as bp.yaml) into `o/`; asserts exit 1 with `code` and that nothing was
/// written; returns stderr.
fn refused(yaml: &str, extra: &[&str], code: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let mut args = vec!["render", "bp.yaml", "--out", "o"];
    args.extend_from_slice(extra);
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 1, "{args:?}\n{}", r.stderr);
    assert!(r.stderr.contains(code), "expected {code} in:\n{}", r.stderr);
    assert!(
        !dir.path().join("o").exists(),
        "output written despite an error"
    );
    r.stderr
}

/// The AMLG042 diagnostics of a report (other checks that also fire on the same value, and the
/// echoed source line, are printed by the shared diagnostic renderer).
fn amlg042(stderr: &str) -> String {
    stderr
        .split("error[")
        .filter(|d| d.starts_with("AMLG042]"))
        .flat_map(|d| d.lines())
        .filter(|l| {
            !l.trim_start()
                .starts_with(|c: char| c == '|' || c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Characters a diagnostic must never print raw.
fn hidden(s: &str) -> Option<char> {
    s.chars().find(|c| {
        (c.is_control() && *c != '\n')
            || matches!(*c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    })
}

// --- 1. `--set` paths ------------------------------------------------------------------------

#[test]
fn malformed_set_paths_are_diagnostics_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    for path in [
        "a[0]]",
        "tags[0]é]",
        "a[0]x",
        "a[",
        "a[é]",
        "workspace.name[0]]]",
    ] {
        let set = format!("{path}=1");
        let r = run(dir.path(), &["check", "approved-only", "--set", &set]);
        assert_eq!(r.code, 1, "--set {set}:\n{}", r.stderr);
        assert!(r.stderr.contains("AMLG003"), "--set {set}:\n{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

// --- 2. Text fields --------------------------------------------------------------------------

#[test]
fn nul_in_a_set_value_is_refused_not_an_internal_error() {
    let stderr = refused(
        BASE,
        &["--set", r#"workspace.image_build_compute="a\0b""#],
        "AMLG042",
    );
    assert!(stderr.contains("U+0000 NULL"), "{stderr}");
    assert!(stderr.contains("workspace.image_build_compute"), "{stderr}");
    assert!(hidden(&amlg042(&stderr)).is_none(), "{stderr:?}");
}

#[test]
fn hidden_characters_are_refused_in_every_text_field_with_their_code_point() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (blueprint, --set, value path in the message, code point named)
        (
            BASE,
            "description=\"safe \\u202E txt.exe\"",
            "description",
            "U+202E RIGHT-TO-LEFT OVERRIDE",
        ),
        (
            BASE,
            "workspace.friendly_name=\"a\\u200Bb\"",
            "workspace.friendly_name",
            "U+200B ZERO WIDTH SPACE",
        ),
        (BASE, "tags.owner=\"x\\u2066y\"", "tags.owner", "U+2066"),
        (BASE, "tags={\"a\\uFEFFb\": v}", "tags.a", "U+FEFF"),
        (
            BASE,
            "workspace.image_build_compute=\"cpu\\e[2Kx\"",
            "workspace.image_build_compute",
            "U+001B ESCAPE",
        ),
        (
            BASE,
            "workspace.image_build_compute=\"cpu\\x85\"",
            "workspace.image_build_compute",
            "U+0085",
        ),
        (
            BASE,
            "workspace.image_build_compute=\"cpu\\x7F\"",
            "workspace.image_build_compute",
            "U+007F DELETE",
        ),
        (
            BASE,
            "dependencies.key_vault.name=\"kv\\u061Cx\"",
            "dependencies.key_vault.name",
            "U+061C",
        ),
        (
            HUB,
            "compute.cluster.vm_size=\"Standard_DS3_v2\\e]0;x\\a\"",
            "compute.cluster.vm_size",
            "U+001B ESCAPE",
        ),
        (
            HUB,
            "compute.cluster.name=\"cpu\\u200Dc\"",
            "compute.cluster.name",
            "U+200D",
        ),
    ];
    for (bp, set, path, named) in cases {
        let stderr = refused(bp, &["--set", set], "AMLG042");
        assert!(
            stderr.contains(named),
            "--set {set}: {named} not named:\n{stderr}"
        );
        assert!(
            stderr.contains(path),
            "--set {set}: {path} not named:\n{stderr}"
        );
        assert!(
            hidden(&amlg042(&stderr)).is_none(),
            "--set {set}: raw character printed: {stderr:?}"
        );
    }
}

#[test]
fn hidden_characters_in_the_file_itself_are_refused_with_their_line() {
    let yaml = with(BASE, "  Private Azure", "  Private \u{202e}Azure");
    let stderr = refused(&yaml, &[], "AMLG042");
    assert!(stderr.contains("U+202E RIGHT-TO-LEFT OVERRIDE"), "{stderr}");
    assert!(stderr.contains("bp.yaml:9:"), "{stderr}");
    assert!(hidden(&amlg042(&stderr)).is_none(), "{stderr:?}");
}

// --- 3. Values az reads as options -----------------------------------------------------------

#[test]
fn values_az_would_read_as_options_are_refused() {
    for set in [
        "resource_group.name=--debug",
        "workspace.friendly_name=--debug",
        "tags={--query: x}",
        "workspace.image_build_compute=-h",
    ] {
        let stderr = refused(BASE, &["--set", set], "AMLG043");
        assert!(
            stderr.contains("az reads a value that starts with `-`"),
            "{stderr}"
        );
    }
    // Free text that never stands in an option's place may start with `-`.
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &[
            "check",
            "approved-only",
            "--set",
            "description=\"- draft\"",
            "--set",
            "tags.owner=\"-x\"",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// --- 4. shellcheck-clean scripts, whatever the text ------------------------------------------

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

#[test]
fn scripts_stay_shellcheck_clean_with_hostile_text() {
    let Some(sc) = which("shellcheck") else {
        eprintln!("SKIPPED: shellcheck not on PATH (scripts/setup-validators.sh installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        "tags.cost=a$b `id` $(id) ${HOME}",
        "tags.quote=it’s ‘single’ “double” „low‟ ‚‛",
        "tags.back=a\\b'c\"d!e #f;g&h|i<j>k*l?m[n]o{p,q}~r",
        "tags={\"k’$\": \"v\"}",
        "workspace.friendly_name=Fraud’s “prod” $HOME `x`",
        "description=$(rm -rf /) ’ ` $",
    ];
    for set in sets {
        let out = format!("o-{}", set.len());
        let r = run(
            dir.path(),
            &["render", "hub-spoke", "--set", set, "--out", &out],
        );
        assert_eq!(r.code, 0, "--set {set}:\n{}", r.stderr);
        let mut scripts = Vec::new();
        for e in walkdir::WalkDir::new(dir.path().join(&out)) {
            let e = e.unwrap();
            if e.path().extension().is_some_and(|x| x == "sh") {
                scripts.push(e.path().to_path_buf());
            }
        }
        assert!(scripts.len() >= 3, "{scripts:?}");
        for s in scripts {
            let c = std::process::Command::new(&sc)
                .arg("--severity=style")
                .arg(&s)
                .output()
                .unwrap();
            assert!(
                c.status.success(),
                "--set {set}: {}:\n{}",
                s.display(),
                String::from_utf8_lossy(&c.stdout)
            );
            let n = std::process::Command::new("bash")
                .arg("-n")
                .arg(&s)
                .output()
                .unwrap();
            assert!(n.status.success(), "{}", String::from_utf8_lossy(&n.stderr));
        }
    }
}

#[test]
fn shell_values_reach_az_exactly_as_written() {
    // The runbook's words, run through bash, print back the value (no expansion, no quoting
    // left over).
    let value = "it’s $HOME `id` $(id) \\ ' \" ‘x’ “y”";
    let dir = tempfile::tempdir().unwrap();
    let set = format!("workspace.friendly_name={value}");
    let r = run(
        dir.path(),
        &["render", "approved-only", "--set", &set, "--out", "o"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let runbook = std::fs::read_to_string(dir.path().join("o/runbook.sh")).unwrap();
    let line = runbook
        .lines()
        .find(|l| l.trim_start().starts_with("--display-name "))
        .expect("the runbook sets the display name");
    let word = line
        .trim_start()
        .trim_start_matches("--display-name ")
        .trim_end_matches(" \\");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("printf %s {word}"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), value, "{word}");
}

// --- 5. README -------------------------------------------------------------------------------

#[test]
fn readme_escapes_html_and_keeps_its_comments_closed() {
    let dir = tempfile::tempdir().unwrap();
    let file = "a--><script>alert(1)<x>.yaml";
    let yaml = with(
        BASE,
        "description: >-\n",
        "description: >-\n  <script>alert(2)</script> <img src=x onerror=alert(3)> &amp;\n",
    );
    std::fs::write(dir.path().join(file), yaml).unwrap();
    let r = run(
        dir.path(),
        &["render", file, "--out", "o", "--set", "location=westeurope"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let readme = std::fs::read_to_string(dir.path().join("o/README.md")).unwrap();
    assert!(!readme.contains("<script"), "{readme}");
    assert!(!readme.contains("<img"), "{readme}");
    assert!(
        readme.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{readme}"
    );
    assert!(readme.contains("&amp;amp;"), "{readme}");
    for line in readme.lines().filter(|l| l.starts_with("<!--")) {
        let inner = line
            .strip_prefix("<!-- ")
            .and_then(|l| l.strip_suffix(" -->"))
            .unwrap_or_else(|| panic!("header comment not closed at its end: {line}"));
        // HTML forbids only sequences with `<` or `>` in a comment; `--set` stays readable.
        assert!(!inner.contains('<') && !inner.contains('>'), "{line}");
    }
    assert!(
        readme.lines().take(2).all(|l| l.starts_with("<!--")),
        "{readme}"
    );
}

// --- 6. Limits -------------------------------------------------------------------------------

fn timed(dir: &Path, args: &[&str]) -> (Run, Duration) {
    let start = Instant::now();
    let r = run(dir, args);
    (r, start.elapsed())
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "flow.yaml",
            format!("name: x\ntags: {}\n", "[".repeat(100_000)),
        ),
        ("flow.json", "[".repeat(100_000)),
        ("mapping.yaml", format!("a: {}\n", "{b: ".repeat(50_000))),
        ("block.yaml", format!("{}x\n", "- ".repeat(100_000))),
        (
            "closed.yaml",
            format!("tags: {}{}\n", "[".repeat(200), "]".repeat(200)),
        ),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (r, took) = timed(dir.path(), &["check", name]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("AMLG011"),
            "{name}: {}",
            &r.stderr[..r.stderr.len().min(2000)]
        );
        assert!(took < Duration::from_secs(3), "{name}: {took:?}");
    }
    let deep_value = format!("tags.a={}", "[".repeat(100_000));
    let (r, took) = timed(
        dir.path(),
        &["check", "approved-only", "--set", &deep_value],
    );
    assert_eq!(r.code, 1, "{}", &r.stderr[..r.stderr.len().min(2000)]);
    assert!(r.stderr.contains("AMLG003") && r.stderr.contains("deeper than 64"));
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn large_files_and_devices_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("{BASE}\n{}", "# padding\n".repeat(120_000));
    std::fs::write(dir.path().join("big.yaml"), &big).unwrap();
    let (r, took) = timed(dir.path(), &["check", "big.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("AMLG010") && r.stderr.contains("larger than 1024 KiB"),
        "{}",
        r.stderr
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (r, took) = timed(dir.path(), &["render", "big.yaml", "--out", "o"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(!dir.path().join("o").exists());
    #[cfg(unix)]
    for dev in ["/dev/zero", "/dev/urandom"] {
        let (r, took) = timed(dir.path(), &["check", dev]);
        assert_eq!(r.code, 1, "{dev}: {}", r.stderr);
        assert!(
            r.stderr.contains("not a regular file (a character device)"),
            "{}",
            r.stderr
        );
        assert!(took < Duration::from_secs(3), "{dev}: {took:?}");
    }
    let (r, _) = timed(dir.path(), &["check", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("AMLG010"), "{}", r.stderr);
}

// --- 7. CIDRs --------------------------------------------------------------------------------

#[test]
fn cidrs_with_leading_zeros_are_refused() {
    let stderr = refused(
        BASE,
        &[
            "--set",
            "client_access.vnet.pe_subnet.address_prefix=010.030.001.000/27",
        ],
        "AMLG030",
    );
    assert!(stderr.contains("write 10.30.1.0/27"), "{stderr}");
    refused(
        HUB,
        &["--set", "network.spoke.address_space=[010.101.0.0/16]"],
        "AMLG030",
    );
}

#[test]
fn vnet_ranges_azure_refuses_are_refused_with_their_source() {
    for (bp, set, range) in [
        (
            BASE,
            "client_access.vnet.address_space=[0.0.0.0/0]",
            "224.0.0.0/4 (multicast)",
        ),
        (
            BASE,
            "client_access.vnet.address_space=[127.0.0.0/8]",
            "127.0.0.0/8 (loopback)",
        ),
        (
            BASE,
            "client_access.vnet.address_space=[224.0.0.0/16]",
            "224.0.0.0/4 (multicast)",
        ),
        (
            BASE,
            "client_access.vnet.address_space=[169.254.0.0/16]",
            "169.254.0.0/16 (link-local)",
        ),
        (
            BASE,
            "client_access.vnet.address_space=[168.63.129.0/24]",
            "168.63.129.16/32 (internal DNS",
        ),
        (
            BASE,
            "client_access.vnet.address_space=[255.255.255.255/32]",
            "255.255.255.255/32 (broadcast)",
        ),
        (HUB, "network.hub.address_space=[0.0.0.0/8]", "0.0.0.0/8"),
        (
            HUB,
            "network.spoke.address_space=[10.101.0.0/16, 127.0.0.0/16]",
            "127.0.0.0/8",
        ),
    ] {
        let stderr = refused(bp, &["--set", set], "AMLG037");
        assert!(stderr.contains(range), "{set}: {stderr}");
        assert!(
            stderr.contains("virtual-networks-faq#what-address-ranges-can-i-use-in-my-vnets")
                || stderr.contains("rfc1122"),
            "{set}: no source: {stderr}"
        );
    }
}

// --- 8. One rule, one verdict ----------------------------------------------------------------

#[test]
fn an_ip_destination_gets_the_same_verdict_in_a_blueprint_and_its_workspace_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            SUBSCRIPTION,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ws = std::fs::read_to_string(dir.path().join("o/workspace.yml")).unwrap();
    assert!(ws.contains("destination: pypi.org"), "{ws}");
    std::fs::write(
        dir.path().join("workspace.yml"),
        ws.replacen("destination: pypi.org", "destination: 1.2.3.4", 1),
    )
    .unwrap();
    let linted = run(dir.path(), &["check", "workspace.yml", "--format", "json"]);
    std::fs::write(
        dir.path().join("bp.yaml"),
        with(BASE, "destination: pypi.org", "destination: 1.2.3.4"),
    )
    .unwrap();
    let checked = run(dir.path(), &["check", "bp.yaml", "--format", "json"]);
    assert_eq!(linted.code, 1, "{}", linted.stderr);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let verdict = |json: &str| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "AMLG105")
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (a, b) = (verdict(&linted.stdout), verdict(&checked.stdout));
    assert_eq!(a.len(), 1, "{}", linted.stdout);
    assert_eq!(a, b);
}

#[test]
fn public_suffix_wildcards_are_errors() {
    for dest in ["\"*.co.uk\"", "\"*.s3.amazonaws.com\"", "\"*.github.io\""] {
        let stderr = refused(
            &with(
                BASE,
                "destination: pypi.org",
                &format!("destination: {dest}"),
            ),
            &[],
            "AMLG104",
        );
        assert!(stderr.contains("public suffix"), "{stderr}");
        assert!(stderr.contains("error[AMLG104]"), "{stderr}");
    }
    let stderr = refused(
        &with(
            BASE,
            "destination: pypi.org\n",
            "destination: co.uk\n        include_subdomains: true\n",
        ),
        &[],
        "AMLG104",
    );
    assert!(stderr.contains("public suffix"), "{stderr}");
}

// --- 9. Built-in or file ---------------------------------------------------------------------

#[test]
fn a_builtin_name_means_the_builtin_everywhere_and_a_shadowing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file_bp = with(BASE, "name: approved-only", "name: from-file");
    std::fs::write(dir.path().join("approved-only"), &file_bp).unwrap();

    let r = run(dir.path(), &["render", "approved-only"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[AMLG012]"), "{}", r.stderr);
    assert!(dir.path().join("out/approved-only").is_dir());
    assert!(!dir.path().join("out/from-file").exists());

    let r = run(dir.path(), &["show", "approved-only"]);
    assert_eq!(r.code, 0);
    // The built-in (as `show` prints it for copying), not the file.
    let builtin = amlgen::blueprint::builtin::find("approved-only").unwrap();
    assert_eq!(r.stdout, builtin.for_copying());
    assert!(r.stderr.contains("warning[AMLG012]"), "{}", r.stderr);

    let r = run(dir.path(), &["check", "approved-only"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[AMLG012]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("blueprints/approved-only.yaml"),
        "{}",
        r.stderr
    );

    // Written as a path, the file is used.
    let r = run(dir.path(), &["render", "./approved-only"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("AMLG012"), "{}", r.stderr);
    assert!(dir.path().join("out/from-file").is_dir());

    // A name that is no built-in still finds the file.
    std::fs::write(dir.path().join("mine"), &file_bp).unwrap();
    let r = run(dir.path(), &["check", "mine"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("AMLG012"), "{}", r.stderr);
}

/// workspace.yml is rendered only for a blueprint that names its subscription.
const SUBSCRIPTION: &str = "resource_group.subscription_id=00000000-0000-0000-0000-000000000000";

// --- 7. YAML meaning (issue 9) -----------------------------------------------------------------

/// Blueprint text read as YAML 1.2 core (as serde_yaml did): `no`, `0755`, `1_000` and a date are
/// text. workspace.yml is read by `az ml` with PyYAML (YAML 1.1), which would take the same words
/// unquoted for false, 493, 1000 and a date, so they are written quoted.
#[test]
fn yaml_1_1_words_keep_their_text_from_blueprint_to_workspace_yml() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = with(
        BASE,
        "tags:\n",
        "tags:\n  backup: no\n  mode: 0755\n  count: 1_000\n  since: 2024-01-01\n  quoted: \"yes\"\n",
    );
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let r = run(
        dir.path(),
        &["render", "bp.yaml", "--out", "o", "--set", SUBSCRIPTION],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ws = std::fs::read_to_string(dir.path().join("o/workspace.yml")).unwrap();
    for line in [
        "  backup: \"no\"\n",
        "  mode: \"0755\"\n",
        "  count: \"1_000\"\n",
        "  since: \"2024-01-01\"\n",
        "  quoted: \"yes\"\n",
    ] {
        assert!(ws.contains(line), "{line:?} not in:\n{ws}");
    }
    let params = std::fs::read_to_string(dir.path().join("o/main.parameters.json")).unwrap();
    assert!(params.contains("\"backup\": \"no\""), "{params}");
    assert!(params.contains("\"mode\": \"0755\""), "{params}");
}

/// YAML whose meaning is not sure is refused with the position of the problem: a key written
/// twice (at the second), a custom tag (serde_yaml dropped it silently), a value that is not a
/// finite number, and an alias bomb (bounded: refused after 10,000 expanded values).
#[test]
fn unsure_yaml_is_refused_with_its_position() {
    let cases = [
        (
            "tags:\n  workload: machine-learning\n",
            "tags:\n  workload: a\n  workload: machine-learning\n",
            "AMLG001",
            "bp.yaml:17:3",
            "duplicate mapping key `workload`",
        ),
        (
            "tags:\n",
            "tags:\n  owner: !secret me\n",
            "AMLG001",
            "bp.yaml:16:18",
            "unsupported tag `!secret`",
        ),
        (
            "tags:\n",
            "tags:\n  cost: .inf\n",
            "AMLG001",
            "bp.yaml:16:9",
            "not a finite number",
        ),
    ];
    for (find, replace, code, at, message) in cases {
        let stderr = refused(&with(BASE, find, replace), &[], code);
        assert!(stderr.contains(at), "{at} not in:\n{stderr}");
        assert!(stderr.contains(message), "{message} not in:\n{stderr}");
    }
    let mut bomb = String::from("tags:\n  x0: &a0 [lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("  x{i}: &a{i} [{refs}]\n"));
    }
    let start = Instant::now();
    let stderr = refused(&with(BASE, "tags:\n", &bomb), &[], "AMLG011");
    assert!(
        stderr.contains("aliases expand to more than 10000 values"),
        "{stderr}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
}

// --- Online endpoints (issue 13) ------------------------------------------------------------

/// `inference:` appended to a blueprint.
fn with_endpoints(base: &str, endpoints: &str) -> String {
    format!("{base}\ninference:\n  online_endpoints:\n{endpoints}")
}

/// A customer VNet isolates no deployment egress: refused with AMLG150 at the endpoints, saying
/// why (managed VNet only, the egress flag is legacy) and how to fix it.
#[test]
fn online_endpoints_in_a_customer_vnet_are_refused() {
    let yaml = with_endpoints(HUB, "    - name: fraud-scoring\n");
    let stderr = refused(&yaml, &[], "AMLG150");
    // The list's position is its first entry.
    let line = yaml
        .lines()
        .position(|l| l == "    - name: fraud-scoring")
        .expect("the endpoint's line")
        + 1;
    assert!(
        stderr.contains(&format!("bp.yaml:{line}:")),
        "no location bp.yaml:{line} in:\n{stderr}"
    );
    for words in [
        "workspace managed VNet",
        "egress_public_network_access is the legacy method",
        "managed-VNet blueprint",
        "AKS",
    ] {
        assert!(stderr.contains(words), "`{words}` not in:\n{stderr}");
    }
}

/// Names Azure refuses (azure-ai-ml's pattern, 3-32 characters) are AMLG022 at the name.
#[test]
fn online_endpoint_names_follow_azures_rule() {
    for bad in ["1scoring", "ab", "scoring-", "scoring_v2", &"a".repeat(33)] {
        let yaml = with_endpoints(BASE, &format!("    - name: {bad}\n"));
        let stderr = refused(&yaml, &[], "AMLG022");
        assert!(
            stderr.contains("invalid online endpoint name")
                && stderr.contains("inference.online_endpoints[0].name"),
            "{bad}: {stderr}"
        );
    }
    // The longest and shortest names Azure takes render.
    let dir = tempfile::tempdir().unwrap();
    let long = format!("a{}", "-b".repeat(15) + "c");
    assert_eq!(long.len(), 32);
    let yaml = with_endpoints(BASE, &format!("    - name: {long}\n    - name: abc\n"));
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let r = run(dir.path(), &["render", "bp.yaml", "--out", "o"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir
        .path()
        .join(format!("o/online-endpoint-{long}.yml"))
        .exists());
}

/// Two endpoints whose names differ only in case are one endpoint to Azure: AMLG152 at the second.
#[test]
fn duplicate_online_endpoint_names_are_refused() {
    let yaml = with_endpoints(
        BASE,
        "    - name: scoring\n    - name: other\n    - name: Scoring\n",
    );
    let stderr = refused(&yaml, &[], "AMLG152");
    assert!(
        stderr.contains("inference.online_endpoints[2].name"),
        "{stderr}"
    );
    assert!(!stderr.contains("online_endpoints[1]"), "{stderr}");
}

/// Without `client_access` no private endpoint takes the endpoints' scoring requests: a warning
/// (AMLG153), and the render goes on.
#[test]
fn online_endpoints_without_a_private_endpoint_are_warned() {
    let start = BASE
        .find("client_access:")
        .expect("client_access in approved-only");
    let end = BASE[start..]
        .find("\n\n")
        .map_or(BASE.len(), |i| start + i + 1);
    let yaml = with_endpoints(
        &format!("{}{}", &BASE[..start], &BASE[end..]),
        "    - name: scoring\n",
    );
    assert!(!yaml.contains("client_access"), "{yaml}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let r = run(dir.path(), &["render", "bp.yaml", "--out", "o"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[AMLG153]"), "{}", r.stderr);
    let readme = std::fs::read_to_string(dir.path().join("o/README.md")).unwrap();
    assert!(
        readme.contains("a private endpoint of the workspace (this blueprint has none)"),
        "{readme}"
    );
}

/// More endpoints than the default quota: a warning (AMLG154) naming the count, and the render
/// goes on (the quota can be raised).
#[test]
fn online_endpoints_past_the_quota_are_warned() {
    let endpoints: String = (0..101)
        .map(|i| format!("    - name: scoring-{i}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bp.yaml"), with_endpoints(BASE, &endpoints)).unwrap();
    let r = run(dir.path(), &["check", "bp.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[AMLG154]") && r.stderr.contains("101 online endpoints"),
        "{}",
        r.stderr
    );
}

/// Text ARM would evaluate as an expression (`[listKeys(...)]`) is refused wherever it is, a
/// description or a tag value; a YAML list is no such text.
#[test]
fn text_arm_would_evaluate_is_refused() {
    for set in [
        "description=\"[listKeys(resourceId('Microsoft.Storage/storageAccounts','st'),'2023-01-01').keys[0].value]\"",
        "tags.owner=\"[subscription().id]\"",
    ] {
        let stderr = refused(BASE, &["--set", set], "AMLG044");
        assert!(stderr.contains("an expression to Azure Resource Manager"), "{stderr}");
    }
    let yaml = with_endpoints(
        BASE,
        "    - name: scoring\n      description: \"[concat('a','b')]\"\n",
    );
    refused(&yaml, &[], "AMLG044");
}

/// The workspace identity (issue 12): a key the new identity cannot read yet, a name for an
/// identity amlgen does not create, and an identity name Azure refuses, each with its location.
#[test]
fn workspace_identity_combinations_are_refused_where_they_are_written() {
    let cmk = "workspace.customer_managed_key={key_vault_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-keys, key_uri: 'https://kv-keys.vault.azure.net/keys/k/0123'}";
    let stderr = refused(
        BASE,
        &[
            "--set",
            cmk,
            "--set",
            "workspace.identity.type=user_assigned",
        ],
        "AMLG126",
    );
    assert!(
        stderr.contains("workspace.identity.type") && stderr.contains("create: {}"),
        "{stderr}"
    );
    let yaml = with(
        BASE,
        "  public_network_access: false\n",
        "  public_network_access: false\n  identity:\n    name: id-lonely\n",
    );
    let stderr = refused(&yaml, &[], "AMLG127");
    assert!(
        stderr.contains("bp.yaml:") && stderr.contains("id-lonely"),
        "{stderr}"
    );
    for bad in ["-id", "id", "id.with.dots"] {
        let stderr = refused(
            BASE,
            &[
                "--set",
                "workspace.identity.type=user_assigned",
                "--set",
                &format!("workspace.identity.name={bad}"),
            ],
            "AMLG022",
        );
        assert!(stderr.contains("3-128 alphanumerics"), "{stderr}");
    }
}

/// The way in (issue 13): every refusal of AMLG170-176, each with nothing written; a private
/// key pasted as the public key is refused without being repeated anywhere.
#[test]
fn way_in_refusals() {
    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICjHtZctCaPxI1fEZeY97HJf9ihP5IyTVteI4H+qXRh4 test";
    let client = |client_extra: &str, way_in: &str| {
        with(
            BASE,
            "      address_prefix: 10.30.1.0/27\n",
            &format!("      address_prefix: 10.30.1.0/27\n{client_extra}way_in:\n{way_in}"),
        )
    };
    let jump = format!("  jump_box:\n    ssh_public_key: {KEY}\n");
    let hub = |hub_extra: &str, way_in: &str| {
        with(
            &with(HUB, "    gateway_subnet: true\n", hub_extra),
            "compute:\n",
            &format!("way_in:\n{way_in}compute:\n"),
        )
    };
    let cases: Vec<(String, &str, &str)> = vec![
        // A jump box with no Bastion to reach it, in the client VNet and in the hub.
        (client("", &jump), "AMLG170", "client_access.bastion"),
        (hub("    gateway_subnet: true\n", &jump), "AMLG170", "network.hub.bastion"),
        // A VPN gateway in a hub without GatewaySubnet.
        (
            hub(
                "    gateway_subnet: false\n",
                "  vpn:\n    client_address_pool: 172.16.200.0/24\n",
            ),
            "AMLG171",
            "GatewaySubnet",
        ),
        // A client pool overlapping the client VNet, the hub or the spoke.
        (
            client("", "  vpn:\n    client_address_pool: 10.30.128.0/24\n"),
            "AMLG172",
            "client VNet",
        ),
        (
            hub(
                "    gateway_subnet: true\n",
                "  vpn:\n    client_address_pool: 10.101.0.0/24\n",
            ),
            "AMLG172",
            "spoke",
        ),
        // Not an SSH public key.
        (
            client(
                "  bastion: true\n",
                "  jump_box:\n    ssh_public_key: ssh-rsa not-base64!\n",
            ),
            "AMLG173",
            "base64",
        ),
        // Microsoft Entra ID VPN sign-in outside Azure Public.
        (
            with(
                &client("", "  vpn:\n    client_address_pool: 172.16.200.0/24\n"),
                "cloud: AzureCloud\n",
                "cloud: AzureUSGovernment\n",
            ),
            "AMLG174",
            "Azure Public",
        ),
        // A shutdown time that is not HHMM.
        (
            client(
                "  bastion: true\n",
                &format!("{jump}    shutdown_time: \"7pm\"\n"),
            ),
            "AMLG175",
            "HHMM",
        ),
        // A way in with no client VNet or hub (the managed VNet without client_access).
        (
            with(
                &client("", &jump),
                "client_access:\n  vnet:\n    address_space: [10.30.0.0/16]\n    pe_subnet:\n      address_prefix: 10.30.1.0/27\n",
                "",
            ),
            "AMLG176",
            "way_in.jump_box",
        ),
        // The client VNet's way-in subnets: outside the VNet, over the pe subnet.
        (
            client(
                "    subnets:\n      bastion: 10.99.0.0/26\n  bastion: true\n",
                &jump,
            ),
            "AMLG031",
            "client_access.vnet.subnets.bastion",
        ),
        (
            client(
                "    subnets:\n      jump_box: 10.30.1.0/29\n  bastion: true\n",
                &jump,
            ),
            "AMLG032",
            "pe subnet",
        ),
    ];
    for (yaml, code, text) in &cases {
        let stderr = refused(yaml, &[], code);
        assert!(stderr.contains(text), "{code}: `{text}` not in:\n{stderr}");
    }
    // A private key: refused, and not one line of it is repeated.
    let private = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ -----END OPENSSH PRIVATE KEY-----";
    let stderr = refused(
        &client(
            "  bastion: true\n",
            &format!("  jump_box:\n    ssh_public_key: \"{private}\"\n"),
        ),
        &[],
        "AMLG173",
    );
    assert!(stderr.contains("private key"), "{stderr}");
    assert!(
        !stderr.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"),
        "{stderr}"
    );
}

/// A valid way in renders, `amlgen check` accepts it, and `amlgen explain` knows every code.
#[test]
fn way_in_renders_and_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = with(
        BASE,
        "      address_prefix: 10.30.1.0/27\n",
        "      address_prefix: 10.30.1.0/27\n  bastion: true\nway_in:\n  jump_box:\n    ssh_public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICjHtZctCaPxI1fEZeY97HJf9ihP5IyTVteI4H+qXRh4 test\n",
    );
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let r = run(dir.path(), &["check", "bp.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["render", "bp.yaml", "--out", "o"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let readme = std::fs::read_to_string(dir.path().join("o/README.md")).unwrap();
    assert!(readme.contains("**Bastion and a jump box**"), "{readme}");
    assert!(dir.path().join("o/modules/wayIn.bicep").exists());
    for code in [
        "AMLG170", "AMLG171", "AMLG172", "AMLG173", "AMLG174", "AMLG175", "AMLG176",
    ] {
        let r = run(dir.path(), &["explain", code]);
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        assert!(!r.stdout.trim().is_empty(), "{code}");
    }
}

/// The jump box's administrator name is one Azure takes (AMLG177); a private key in any shape
/// people paste (PuTTY, a bare OpenSSH body) is refused and no diagnostic repeats any of it, not
/// even the `--set` it came from.
#[test]
fn jump_box_admin_names_and_pasted_private_keys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = root.join("tests/fixtures/blueprints/max.yaml");
    let fixture = fixture.to_str().unwrap();
    for bad in [
        "root",
        "Admin",
        "a$(id)",
        "../../etc",
        "azureuser.",
        &"a".repeat(65),
    ] {
        let r = run(
            root,
            &[
                "check",
                fixture,
                "--set",
                &format!("way_in.jump_box.admin_username=\"{bad}\""),
            ],
        );
        assert_eq!(r.code, 1, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("AMLG177"), "{bad}: {}", r.stderr);
    }
    for secret in [
        "PuTTY-User-Key-File-3: ssh-ed25519 Encryption: none Private-Lines: 1 SECRETSECRET",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQSECRETSECRET",
    ] {
        let r = run(
            root,
            &[
                "check",
                fixture,
                "--set",
                &format!("way_in.jump_box.ssh_public_key=\"{secret}\""),
            ],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("AMLG173"), "{}", r.stderr);
        assert!(!r.stderr.contains("SECRETSECRET"), "{}", r.stderr);
    }
}

/// AKS for scoring (`inference.kubernetes`, issue 13): each blueprint that would build a cluster
/// Azure refuses, or one that cannot work, is refused with its code, its location and nothing
/// written.
#[test]
fn aks_for_scoring_refusals() {
    let aks = "inference:\n  kubernetes:\n    compute_name: aks-score\n    tls:\n      cname: scoring.contoso.example\n";
    let no_firewall = include_str!("../blueprints/no-firewall.yaml");
    // A managed VNet has no subnet of the customer's to put a cluster in.
    let managed = format!("{}{aks}", include_str!("../blueprints/approved-only.yaml"));
    let err = refused(&managed, &[], "AMLG160");
    assert!(
        err.contains("inference.kubernetes") && err.contains("managed online endpoints"),
        "{err}"
    );
    // 8 nodes with 30 pods each need 281 addresses; the default /24 scoring subnet has 251.
    let big = format!(
        "{no_firewall}{}",
        aks.replace(
            "compute_name: aks-score",
            "compute_name: aks-score\n    node_count: 8"
        )
    );
    let err = refused(&big, &[], "AMLG161");
    assert!(
        err.contains("inference.kubernetes.node_count")
            && err.contains("281")
            && err.contains("251"),
        "{err}"
    );
    // An explicit subnet is reported where it was written, with its value.
    let small = with(
        &format!("{no_firewall}{aks}"),
        "    address_space: [10.102.0.0/16]\n",
        "    address_space: [10.102.0.0/16]\n    subnets:\n      scoring: 10.102.9.0/26\n",
    );
    let err = refused(&small, &[], "AMLG161");
    assert!(
        err.contains("network.spoke.subnets.scoring") && err.contains("10.102.9.0/26"),
        "{err}"
    );
    // HTTP only is not offered: the router needs the name in its certificate.
    let no_tls = format!("{no_firewall}inference:\n  kubernetes:\n    compute_name: aks-score\n");
    refused(&no_tls, &[], "AMLG162");
    // With the zones left to Azure Policy there is no place for the API server's zone.
    let policy = format!("{no_firewall}{aks}private_dns:\n  mode: policy\n");
    let err = refused(&policy, &[], "AMLG163");
    assert!(err.contains("private_dns.mode"), "{err}");
    // Azure's default service range is 10.0.0.0/16.
    let overlap = with(
        &format!("{no_firewall}{aks}"),
        "[10.102.0.0/16]",
        "[10.0.0.0/16]",
    );
    let err = refused(&overlap, &[], "AMLG164");
    assert!(err.contains("network.spoke.address_space"), "{err}");
    // Pods per node outside Azure CNI's 10-250, and a compute name Azure ML refuses.
    let pods = format!(
        "{no_firewall}{}",
        aks.replace(
            "compute_name: aks-score",
            "compute_name: aks-score\n    max_pods: 300"
        )
    );
    refused(&pods, &[], "AMLG050");
    let name = format!(
        "{no_firewall}{}",
        aks.replace("aks-score", "9-not-a-compute-name")
    );
    refused(&name, &[], "AMLG022");
    // kubenet is not an option: an unknown key.
    let kubenet = format!(
        "{no_firewall}{}",
        aks.replace(
            "compute_name: aks-score",
            "compute_name: aks-score\n    network_plugin: kubenet"
        )
    );
    refused(&kubenet, &[], "AMLG002");
    // Values Azure refuses late: a TLS name that is no host name, a version, a VM size.
    for (from, to) in [
        ("cname: scoring.contoso.example", "cname: \"scoring\""),
        (
            "compute_name: aks-score",
            "compute_name: aks-score\n    kubernetes_version: \"1.33; reboot\"",
        ),
        (
            "compute_name: aks-score",
            "compute_name: aks-score\n    vm_size: \"Standard D4s\"",
        ),
    ] {
        let yaml = format!("{no_firewall}{}", aks.replace(from, to));
        refused(&yaml, &[], "AMLG165");
    }
}
