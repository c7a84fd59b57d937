//! Renders every built-in blueprint (and the `max` fixture) and checks the artifacts: snapshots,
//! determinism, Bicep syntax, parameter files against the ARM schema, shell scripts with bash -n
//! and shellcheck, out/ and the committed schema in sync.

use amlgen::render::Artifact;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn blueprints() -> Vec<String> {
    let mut v: Vec<String> = amlgen::blueprint::builtin::names()
        .map(String::from)
        .collect();
    // Relative, as a user types it (cargo runs tests in the package root).
    v.push("tests/fixtures/blueprints/max.yaml".to_string());
    v.push("tests/fixtures/blueprints/hub-max.yaml".to_string());
    // Landing zones: an existing spoke and hub; a spoke here peered to an existing hub.
    v.push("tests/fixtures/blueprints/byo-max.yaml".to_string());
    v.push("tests/fixtures/blueprints/byo-hub.yaml".to_string());
    v
}

fn render(arg: &str) -> amlgen::Rendered {
    match amlgen::render_blueprint(arg, &[], None) {
        Ok(r) => r,
        Err(e) => panic!("{arg} failed to render: {e:?}"),
    }
}

fn snapshot_name(blueprint: &str, path: &str) -> String {
    format!("{blueprint}__{}", path.replace(['/', '.'], "_"))
}

/// One golden set: the built-ins' artifacts are `out/` (kept in sync by `out_folder_is_in_sync`
/// and `render --all --check`), so they get a model snapshot only; the fixtures, which have no
/// folder in `out/`, get a snapshot of every artifact too.
#[test]
fn snapshots_of_every_artifact() {
    let builtins: Vec<&str> = amlgen::blueprint::builtin::names().collect();
    for arg in blueprints() {
        let r = render(&arg);
        let name = r.model.blueprint.name.clone();
        if builtins.contains(&arg.as_str()) {
            insta::assert_json_snapshot!(format!("{name}__model"), r.model);
            continue;
        }
        for a in &r.artifacts {
            insta::assert_snapshot!(
                snapshot_name(&name, &a.path),
                String::from_utf8_lossy(&a.bytes)
            );
        }
        insta::assert_json_snapshot!(format!("{name}__model"), r.model);
    }
}

#[test]
fn rendering_is_deterministic() {
    for arg in blueprints() {
        let a: Vec<Artifact> = render(&arg).artifacts;
        let b: Vec<Artifact> = render(&arg).artifacts;
        assert_eq!(a, b, "{arg}: two renders differ");
        for art in &a {
            let text = String::from_utf8_lossy(&art.bytes);
            assert!(
                !text.contains("/work/") && !text.contains("/tmp/"),
                "{arg}/{}: machine path",
                art.path
            );
        }
    }
}

#[test]
fn every_bicep_file_parses_with_tree_sitter() {
    for arg in blueprints() {
        for a in render(&arg)
            .artifacts
            .iter()
            .filter(|a| a.path.ends_with(".bicep"))
        {
            let errors = amlgen::verify::bicep_syntax(&String::from_utf8_lossy(&a.bytes));
            assert!(errors.is_empty(), "{arg}/{}: {errors:?}", a.path);
        }
    }
}

#[test]
fn parameter_files_validate_and_match_main_bicep() {
    for arg in blueprints() {
        let r = render(&arg);
        let get = |p: &str| {
            String::from_utf8_lossy(&r.artifacts.iter().find(|a| a.path == p).unwrap().bytes)
                .into_owned()
        };
        let params = get("main.parameters.json");
        assert!(amlgen::verify::parameter_file(&params).is_empty());
        // Secure parameters (the inference router's TLS certificate and key) and looked-up ones
        // (a service principal's object ID) are given at deploy time, never in the parameter
        // file.
        let main = get("main.bicep");
        let secure = amlgen::verify::bicep_deploy_time_params(&main);
        let declared: Vec<String> = amlgen::verify::bicep_params(&main)
            .into_iter()
            .filter(|d| !secure.contains(d))
            .collect();
        let doc: serde_json::Value = serde_json::from_str(&params).unwrap();
        let mut supplied: Vec<String> = doc["parameters"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut declared_sorted = declared.clone();
        supplied.sort();
        declared_sorted.sort();
        assert!(!declared.is_empty());
        assert_eq!(
            declared_sorted, supplied,
            "{arg}: parameters differ from main.bicep"
        );
        // No parameter has a default, so every one must be supplied (checked above) and none
        // of the declarations may carry one.
        assert!(!get("main.bicep")
            .lines()
            .any(|l| l.starts_with("param ") && l.contains('=')));
    }
}

#[test]
fn generated_files_say_they_are_generated() {
    for arg in blueprints() {
        for a in render(&arg)
            .artifacts
            .iter()
            .filter(|a| !a.path.ends_with(".json"))
        {
            let text = String::from_utf8_lossy(&a.bytes);
            let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
            assert!(
                head.contains("Generated by amlgen"),
                "{arg}/{}: no generated-by header",
                a.path
            );
            // The Bicep carries no blueprint values, so it points at README.md for the command
            // (and README.md must carry it).
            assert!(
                head.contains("amlgen render")
                    || (a.path.ends_with(".bicep") && head.contains("README.md has the command")),
                "{arg}/{}: no regenerate command",
                a.path
            );
        }
    }
}

fn shellcheck() -> Option<PathBuf> {
    which("shellcheck")
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

#[test]
fn scripts_pass_bash_n_and_shellcheck() {
    let sc = shellcheck()
        .expect("shellcheck is required: run scripts/setup-validators.sh (it installs it)");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for arg in blueprints() {
        let r = render(&arg);
        for a in r.artifacts.iter().filter(|a| a.path.ends_with(".sh")) {
            let file = dir.path().join(format!(
                "{}-{}",
                r.model.blueprint.name,
                a.path.replace('/', "-")
            ));
            std::fs::write(&file, &a.bytes).unwrap();
            let n = Command::new("bash").arg("-n").arg(&file).output().unwrap();
            assert!(
                n.status.success(),
                "{arg}/{}: bash -n: {}",
                a.path,
                String::from_utf8_lossy(&n.stderr)
            );
            let out = Command::new(&sc)
                .arg("--severity=style")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{arg}/{}: shellcheck:\n{}",
                a.path,
                String::from_utf8_lossy(&out.stdout)
            );
            let text = String::from_utf8_lossy(&a.bytes);
            assert!(
                text.contains("set -euo pipefail"),
                "{arg}/{}: no strict mode",
                a.path
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 6,
        "expected at least 6 scripts, checked {checked}"
    );
}

#[test]
fn out_folder_is_in_sync() {
    let out = Command::new(env!("CARGO_BIN_EXE_amlgen"))
        .args(["render", "--all", "--check"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "out/ is stale; run `cargo run -- render --all`:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn committed_schema_matches_the_types() {
    let committed = std::fs::read_to_string(root().join("schemas/blueprint.schema.json")).unwrap();
    // assert! rather than assert_eq!: a stale schema is long, and the fix is one command.
    assert!(
        committed == amlgen::blueprint::schema::json_schema_text(),
        "schemas/blueprint.schema.json is stale; run `cargo run -- schema > schemas/blueprint.schema.json`"
    );
}

#[test]
fn built_in_blueprints_validate_against_the_schema() {
    let schema = amlgen::blueprint::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for b in amlgen::blueprint::builtin::BUILTINS {
        let doc: serde_json::Value = amlgen::yaml::from_str(b.text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", b.name);
        assert!(
            b.text.starts_with("# yaml-language-server: $schema="),
            "{}: no schema modeline",
            b.name
        );
    }
    // The schema is not a check that cannot fail: an unknown key is refused.
    let bad = serde_json::json!({"name": "x", "bogus": 1});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn key_vault_zone_is_vaultcore_not_the_environment_suffix() {
    let cat = amlgen::catalog::Catalog::get();
    let zone = &cat.cloud("AzureCloud").private_dns["vault"].zones[0];
    assert_eq!(zone, "privatelink.vaultcore.azure.net");
}

#[test]
fn workspace_endpoint_gets_both_zones() {
    for arg in blueprints() {
        let r = render(&arg);
        let private = r.model.private.as_ref().unwrap();
        let ws = private
            .private_endpoints
            .iter()
            .find(|p| p.group_id == "amlworkspace")
            .unwrap();
        assert_eq!(
            ws.zone_names,
            vec![
                "privatelink.api.azureml.ms",
                "privatelink.notebooks.azure.net"
            ]
        );
        let _ = Path::new(&arg);
    }
}

/// Runs a rendered `dns/fill-hosts.sh` against a stand-in `az` that answers like Azure: the
/// endpoint's NIC has the workspace host and the inference wildcard of `region`, and a file in
/// the working folder matches the wildcard as a glob. Returns what the script printed.
#[cfg(unix)]
fn run_fill_hosts(script: &Path, region: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/usr/bin/env bash\n\
             case \"$*\" in\n\
               *private-endpoint*) echo /nic/id ;;\n\
               *) printf '10.0.0.4\\tws.api.azureml.ms *.{region}.inference.ml.azure.com\\n' ;;\n\
             esac\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join(format!("x.{region}.inference.ml.azure.com")), "").unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(script)
        .current_dir(&work)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `dns/fill-hosts.sh` of a render without online endpoints: the inference wildcard must come
/// out as a comment (a hosts file cannot hold it), never globbed.
#[cfg(unix)]
#[test]
fn fill_hosts_writes_no_wildcards_and_globs_nothing() {
    let text = run_fill_hosts(
        &root().join("out/approved-only/dns/fill-hosts.sh"),
        "eastus",
    );
    assert!(
        text.contains("10.0.0.4        ws.api.azureml.ms\n"),
        "{text}"
    );
    let wild: Vec<&str> = text.lines().filter(|l| l.contains("inference")).collect();
    assert!(!wild.is_empty(), "{text}");
    for l in wild {
        assert!(l.starts_with('#') && l.contains("*.eastus"), "{l}");
    }
}

/// With online endpoints, each scoring host gets a real hosts line with the address of the
/// inference wildcard it falls under, and hosts.txt names each one.
#[cfg(unix)]
#[test]
fn fill_hosts_names_each_online_endpoint() {
    let r = render("tests/fixtures/blueprints/max.yaml");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("fill-hosts.sh");
    let get = |p: &str| {
        r.artifacts
            .iter()
            .find(|a| a.path == p)
            .unwrap_or_else(|| panic!("no {p}"))
            .bytes
            .clone()
    };
    std::fs::write(&script, get("dns/fill-hosts.sh")).unwrap();
    let text = run_fill_hosts(&script, "westeurope");
    let hosts = String::from_utf8(get("dns/hosts.txt")).unwrap();
    assert!(!r.model.inference.online_endpoints.is_empty());
    for e in &r.model.inference.online_endpoints {
        let host = format!("{}.westeurope.inference.ml.azure.com", e.name);
        assert_eq!(e.host, host);
        assert!(
            text.contains(&format!("10.0.0.4        {host}\n")),
            "{text}"
        );
        assert!(
            hosts.contains(&format!(":inference>    {host}\n")),
            "{hosts}"
        );
    }
    assert!(!hosts.contains("<endpoint-name>"), "{hosts}");
}

/// runbook.sh creates each online endpoint that is missing, or that an earlier run left Failed or
/// Canceled, and never one that works (a create would reset its traffic split).
#[test]
fn runbook_creates_missing_or_failed_online_endpoints_only() {
    let r = render("tests/fixtures/blueprints/max.yaml");
    let runbook = String::from_utf8(
        r.artifacts
            .iter()
            .find(|a| a.path == "runbook.sh")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    for e in &r.model.inference.online_endpoints {
        let show = runbook
            .find(&format!("--name {} --query provisioning_state", e.name))
            .unwrap_or_else(|| panic!("no state read for {}", e.name));
        let rest = &runbook[show..];
        let test = rest.find("if [ -z \"${ENDPOINT_STATE}\" ] || [ \"${ENDPOINT_STATE}\" = Failed ] || [ \"${ENDPOINT_STATE}\" = Canceled ]; then").unwrap();
        let create = rest.find("az ml online-endpoint create").unwrap();
        assert!(test < create, "{}", e.name);
    }
}

/// Compute instances are named under `instances.ml.azure.ms` today (custom DNS article,
/// 2026-03-26); the private-endpoint DNS table still says `instances.azureml.ms`. DNS snippets
/// forward both; hosts lines use the names instances get.
#[test]
fn compute_instance_names_follow_the_current_docs() {
    let dns = root().join("out/approved-only/dns");
    let hosts = std::fs::read_to_string(dns.join("hosts.txt")).unwrap();
    assert!(
        hosts.contains("<compute-instance>.eastus.instances.ml.azure.ms"),
        "{hosts}"
    );
    assert!(!hosts.contains("instances.azureml.ms"), "{hosts}");
    let dnsmasq = std::fs::read_to_string(dns.join("dnsmasq.conf")).unwrap();
    for zone in ["instances.ml.azure.ms", "instances.azureml.ms"] {
        assert!(
            dnsmasq.contains(&format!("server=/{zone}/")),
            "{zone}: {dnsmasq}"
        );
    }
}

/// Each README says what the deploying identity needs (catalog/prerequisites.yaml), by
/// architecture: role-assignment rights and registered providers everywhere, private endpoint
/// connection rights where the managed VNet makes private endpoints.
#[test]
fn readmes_state_the_deployers_prerequisites() {
    for (name, managed) in [
        ("allow-internet", true),
        ("approved-only", true),
        ("hub-spoke", false),
        ("exfiltration-prevention", false),
        ("no-firewall", false),
    ] {
        let readme = std::fs::read_to_string(root().join(format!("out/{name}/README.md"))).unwrap();
        let deploy = readme
            .split("## Deploy")
            .nth(1)
            .unwrap()
            .split("\n## ")
            .next()
            .unwrap();
        assert!(deploy.contains("User Access Administrator"), "{name}");
        assert!(deploy.contains("Microsoft.Network"), "{name}");
        assert_eq!(
            deploy.contains("privateEndpointConnections/read"),
            managed,
            "{name}"
        );
    }
}

/// Each README says how people reach the private workspace with what the render deploys; a
/// hub with a DNS Private Resolver is in the diagram and the DNS section.
#[test]
fn readmes_say_how_people_get_in() {
    for name in amlgen::blueprint::builtin::names() {
        let readme = std::fs::read_to_string(root().join(format!("out/{name}/README.md"))).unwrap();
        let part = readme
            .split("## Reaching the workspace")
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no Reaching the workspace section"));
        let part = part.split("\n## ").next().unwrap();
        assert!(part.contains("private endpoint"), "{name}: {part}");
    }
    let r = amlgen::render_blueprint("tests/fixtures/blueprints/hub-max.yaml", &[], None).unwrap();
    let readme = r.artifacts.iter().find(|a| a.path == "README.md").unwrap();
    let text = String::from_utf8_lossy(&readme.bytes);
    assert!(text.contains("resolver[\"DNS Private Resolver"), "diagram");
    assert!(text.contains("inboundEndpoints/"), "DNS section");
}

/// The DNS forwarder files offer every target a render has: Azure DNS inside a linked VNet,
/// the hub firewall's DNS proxy for peered VNets, the DNS Private Resolver from on-premises.
#[test]
fn forwarder_files_offer_every_target() {
    let ps1 = std::fs::read_to_string(root().join("out/hub-spoke/dns/windows-dns-forwarders.ps1"))
        .unwrap();
    assert!(
        ps1.contains("[string[]] $Forwarder = @('168.63.129.16')"),
        "{ps1}"
    );
    assert!(
        ps1.contains("-MasterServers $Forwarder") && !ps1.contains("$AzureDns"),
        "{ps1}"
    );
    for f in [
        "bind-forwarders.conf",
        "dnsmasq.conf",
        "unbound-forwarders.conf",
        "windows-dns-forwarders.ps1",
    ] {
        let hub = std::fs::read_to_string(root().join("out/hub-spoke/dns").join(f)).unwrap();
        assert!(hub.contains("firewallPrivateIp"), "{f}");
        let managed =
            std::fs::read_to_string(root().join("out/approved-only/dns").join(f)).unwrap();
        assert!(!managed.contains("firewallPrivateIp"), "{f}");
    }
    let r = amlgen::render_blueprint("tests/fixtures/blueprints/hub-max.yaml", &[], None).unwrap();
    let ps1 = r
        .artifacts
        .iter()
        .find(|a| a.path == "dns/windows-dns-forwarders.ps1")
        .unwrap();
    assert!(String::from_utf8_lossy(&ps1.bytes).contains("-Forwarder <dnsResolverInboundIp"));
}
