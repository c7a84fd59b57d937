//! `amlgen flows`: every built-in lets every flow Azure Machine Learning needs through and keeps
//! every forbidden one out; a model broken on purpose (a missing service tag rule, a wrong route,
//! a missing zone link, a wrong port, a subnet without its service endpoint policy) is caught by
//! the flow it breaks, and only by flows it can break.

use amlgen::flows::{evaluate, Expected, Flow, Report, Status, Verdict};
use amlgen::plan::model::Model;
use assert_cmd::Command;

fn model(arg: &str, sets: &[&str]) -> Model {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let checked = amlgen::load_and_analyze(arg, &sets).unwrap_or_else(|e| panic!("{e:?}"));
    amlgen::plan::plan(&checked, String::new())
}

fn failed(r: &Report) -> Vec<&Flow> {
    r.flows
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect()
}

/// The failing flows' names (deduplicated, sorted).
fn failed_names(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = failed(r).iter().map(|f| f.name.clone()).collect();
    v.sort();
    v.dedup();
    v
}

const BUILTINS: [&str; 5] = [
    "allow-internet",
    "approved-only",
    "exfiltration-prevention",
    "hub-spoke",
    "no-firewall",
];

#[test]
fn every_builtin_allows_what_is_required_and_denies_what_is_forbidden() {
    for b in BUILTINS {
        let r = evaluate(&model(b, &[]));
        let bad: Vec<String> = failed(&r)
            .iter()
            .map(|f| {
                format!(
                    "{} {} -> {}: {}",
                    f.name, f.source, f.destination, f.decided_by
                )
            })
            .collect();
        assert!(bad.is_empty(), "{b}: {bad:#?}");
        assert!(r.summary.ok, "{b}");
        assert!(r.summary.required_allowed > 0, "{b}: no required flow");
        // Every flow says which hop decided it, and its sources resolve in the catalog.
        let cat = amlgen::catalog::Catalog::get();
        for f in &r.flows {
            assert!(
                !f.decided_by.is_empty(),
                "{b}: {} has no deciding rule",
                f.name
            );
            assert!(!f.sources.is_empty(), "{b}: {} cites nothing", f.name);
            for s in &f.sources {
                assert!(cat.sources.contains_key(s), "{b}: unknown source {s}");
            }
        }
    }
}

#[test]
fn the_issue_s_forbidden_flows_are_evaluated_and_denied() {
    let exfil = evaluate(&model("exfiltration-prevention", &[]));
    let denied = |r: &Report, name: &str| {
        let v: Vec<&Flow> = r.flows.iter().filter(|f| f.name == name).collect();
        assert!(!v.is_empty(), "{} has no flow {name}", r.blueprint);
        v.iter()
            .all(|f| f.expected == Expected::Forbidden && f.verdict == Verdict::Denied)
    };
    for name in [
        "foreign-storage",
        "foreign-storage-other-region",
        "front-door-any",
        "internet-https",
        "internet-other-port",
    ] {
        assert!(
            denied(&exfil, name),
            "exfiltration-prevention lets {name} out"
        );
    }
    // Both an HTTPS host and another port.
    assert!(exfil
        .flows
        .iter()
        .any(|f| f.name == "internet-other-port" && f.port != 443));
    let approved = evaluate(&model("approved-only", &[]));
    for name in ["internet-https", "internet-other-port", "foreign-storage"] {
        assert!(denied(&approved, name), "approved-only lets {name} out");
    }
    // The paths Azure's required rules leave open are reported as residual, with their reason:
    // another tenant's public workspace, and its private-link one, which NXDOMAIN alone keeps
    // out of sight (its address is in the AzureMachineLearning tag the firewall allows).
    let residual_names = |r: &Report| {
        let mut v: Vec<String> = r
            .flows
            .iter()
            .filter(|f| f.status == Status::Residual)
            .inspect(|f| assert!(f.residual.is_some(), "{}: no reason", f.name))
            .map(|f| f.name.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        residual_names(&exfil),
        ["other-workspace-private-link", "other-workspace-public"]
    );
    let by_dns = exfil
        .flows
        .iter()
        .find(|f| f.name == "other-workspace-private-link")
        .unwrap();
    assert_eq!(by_dns.verdict, Verdict::Allowed);
    let why = by_dns.residual.as_deref().unwrap();
    assert!(
        why.contains("NXDOMAIN") && why.contains("curl --resolve"),
        "{why}"
    );
    assert!(
        by_dns.decided_by.contains("azure-machine-learning"),
        "{}",
        by_dns.decided_by
    );
    assert_eq!(
        exfil.residuals.len(),
        2,
        "one line per residual flow, whichever subnet"
    );

    // Hub-spoke's network rules to AzureFrontDoor.FrontEnd and the regional Storage tag admit
    // anybody's Front Door site and storage account: residual there, and the README says so.
    let hub = evaluate(&model("hub-spoke", &[]));
    assert_eq!(
        residual_names(&hub),
        [
            "foreign-storage",
            "front-door-any",
            "other-workspace-private-link"
        ]
    );
    assert!(hub.summary.ok);
    // Exfiltration prevention closes both (service endpoint policy, application rules).
    for name in ["foreign-storage", "front-door-any"] {
        assert!(denied(&exfil, name), "{name}");
    }
}

#[test]
fn the_hops_are_those_azure_goes_through() {
    let r = evaluate(&model("exfiltration-prevention", &[]));
    let f = r
        .flows
        .iter()
        .find(|f| f.name == "aml-managed-storage")
        .unwrap();
    let hops: Vec<&str> = f.hops.iter().map(|h| h.hop).collect();
    assert_eq!(
        hops,
        [
            "dns",
            "nsg",
            "route",
            "service_endpoint_policy",
            "destination"
        ]
    );
    assert!(f.hops[2].rule.contains("service endpoint route"));
    assert!(f.hops[3].rule.contains("/services/Azure/MachineLearning"));
    // Another region's storage is not on the service endpoint's route: the firewall refuses it.
    let other = r
        .flows
        .iter()
        .find(|f| f.name == "foreign-storage-other-region")
        .unwrap();
    assert!(
        other.decided_by.starts_with("firewall:"),
        "{}",
        other.decided_by
    );
    // A private endpoint answer names its zone and the subnet range.
    let pe = r
        .flows
        .iter()
        .find(|f| f.name == "pe-storage-blob")
        .unwrap();
    assert!(pe.hops[0]
        .rule
        .contains("privatelink.blob.core.windows.net"));
    assert!(pe.hops[0].rule.contains("DNS proxy"));
}

#[test]
fn a_missing_service_tag_rule_is_caught() {
    // The firewall loses the AzureMachineLearning UDP rule: node communication is cut.
    let mut m = model("exfiltration-prevention", &[]);
    let fw = m.network.as_mut().unwrap().firewall.as_mut().unwrap();
    fw.network_rules
        .retain(|r| r.name != "azure-machine-learning-udp");
    assert_eq!(failed_names(&evaluate(&m)), ["aml-udp"]);

    // Without a firewall the NSG is the filter: its AzureMachineLearning rule goes, and the
    // compute instance ports are refused (HTTPS still leaves by the Internet rule).
    let mut m = model("no-firewall", &[]);
    for s in &mut m.network.as_mut().unwrap().spoke.subnets {
        s.nsg_rules
            .retain(|r| r.name != "allow-azure-machine-learning");
    }
    assert_eq!(failed_names(&evaluate(&m)), ["aml-instance-ports"]);
}

#[test]
fn a_wrong_route_is_caught() {
    // 0.0.0.0/0 straight to the Internet instead of the firewall: HTTPS to any host gets out.
    let mut m = model("exfiltration-prevention", &[]);
    for rt in &mut m.network.as_mut().unwrap().route_tables {
        for r in &mut rt.routes {
            r.next_hop_type = "Internet";
            r.via_firewall = false;
        }
    }
    let r = evaluate(&m);
    assert_eq!(
        failed_names(&r),
        [
            "foreign-storage-other-region",
            "front-door-any",
            "internet-https"
        ]
    );
    assert!(failed(&r)
        .iter()
        .all(|f| f.decided_by.starts_with("nsg:") || f.decided_by.starts_with("destination:")));
}

#[test]
fn a_missing_zone_link_is_caught() {
    // The zones are not linked to the hub, where the firewall's DNS proxy resolves for the
    // spoke: compute gets public answers, and the private endpoints are out of reach.
    let mut m = model("exfiltration-prevention", &[]);
    let p = m.private.as_mut().unwrap();
    p.linked_vnets.retain(|l| l.name != "vnet-aml-exf-hub");
    let names = failed_names(&evaluate(&m));
    assert!(names.contains(&"pe-storage-blob".to_string()), "{names:?}");
    // The link also kept other tenants' private-link workspaces unresolvable: without it their
    // names resolve publicly, into the AzureMachineLearning tag the firewall allows.
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("pe-") || n == "other-workspace-private-link"),
        "{names:?}"
    );

    // Managed VNet: the client VNet loses its link; people cannot reach the workspace.
    let mut m = model("approved-only", &[]);
    m.private.as_mut().unwrap().linked_vnets.clear();
    let r = evaluate(&m);
    let f: Vec<&Flow> = failed(&r);
    assert!(!f.is_empty());
    assert!(f
        .iter()
        .all(|f| f.source_kind == "client" && f.name.starts_with("pe-")));
}

#[test]
fn a_wrong_port_is_caught() {
    let mut m = model("exfiltration-prevention", &[]);
    let fw = m.network.as_mut().unwrap().firewall.as_mut().unwrap();
    let rule = fw
        .network_rules
        .iter_mut()
        .find(|r| r.name == "azure-machine-learning")
        .unwrap();
    for p in &mut rule.ports {
        if p == "18881" {
            *p = "18882".into();
        }
    }
    let r = evaluate(&m);
    assert_eq!(failed_names(&r), ["aml-instance-ports"]);
    assert!(failed(&r).iter().all(|f| f.port == 18881));
}

#[test]
fn a_subnet_without_its_service_endpoint_policy_is_caught() {
    let mut m = model("exfiltration-prevention", &[]);
    for s in &mut m.network.as_mut().unwrap().spoke.subnets {
        s.service_endpoint_policy = false;
    }
    assert_eq!(failed_names(&evaluate(&m)), ["foreign-storage"]);
}

#[test]
fn a_0_0_0_0_route_puts_public_addresses_in_the_virtual_network_tag() {
    // The VirtualNetwork tag holds the prefixes of user-defined routes: with 0.0.0.0/0 on the
    // subnet's route table, AllowVnetOutBound (65000) lets public traffic out, before
    // AllowInternetOutBound (65001).
    let r = evaluate(&model("hub-spoke", &[]));
    let mcr = r.flows.iter().find(|f| f.name == "mcr").unwrap();
    let nsg = mcr.hops.iter().find(|h| h.hop == "nsg").unwrap();
    assert!(
        nsg.rule.contains("AllowVnetOutBound (65000)"),
        "{}",
        nsg.rule
    );
    // Without a route table, the Internet rule it is.
    let r = evaluate(&model("no-firewall", &[]));
    let mcr = r.flows.iter().find(|f| f.name == "mcr").unwrap();
    let nsg = mcr.hops.iter().find(|h| h.hop == "nsg").unwrap();
    assert!(!nsg.rule.contains("AllowVnetOutBound"), "{}", nsg.rule);
}

#[test]
fn a_too_broad_managed_rule_is_caught() {
    // An FQDN rule for a whole domain lets HTTPS to any of its hosts out of approved-only.
    let mut m = model("approved-only", &[]);
    let mut broad = m.workspace.rules[0].clone();
    broad.name = "example".into();
    broad.destination = Some("*.example.com".into());
    m.workspace.rules.push(broad);
    let r = evaluate(&m);
    assert_eq!(failed_names(&r), ["internet-https"]);
    assert!(failed(&r)
        .iter()
        .all(|f| f.decided_by.contains("FQDN rule example")));
}

#[test]
fn a_missing_package_rule_is_caught() {
    // The firewall loses the pip application rule: the package flow is refused.
    let mut m = model("hub-spoke", &[]);
    let fw = m.network.as_mut().unwrap().firewall.as_mut().unwrap();
    fw.application_rules.retain(|r| r.name != "packages-pip");
    assert_eq!(failed_names(&evaluate(&m)), ["package-pip"]);
}

fn flows_cli(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .arg("flows")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn the_command_prints_a_table_or_json_and_fails_on_a_broken_flow() {
    let (code, table) = flows_cli(&["exfiltration-prevention"]);
    assert_eq!(code, 0, "{table}");
    assert!(table.starts_with("STATUS"));
    assert!(table.contains("exfiltration-prevention: "));
    assert!(table.trim_end().ends_with("OK"));

    let (code, json) = flows_cli(&["hub-spoke", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["ok"], true);
    assert!(v["flows"][0]["hops"]
        .as_array()
        .is_some_and(|h| !h.is_empty()));

    // The Basic firewall has no DNS proxy, so the FQDN network rule to the region's tundra host
    // is left out; the flow is refused and the command says so with exit 1.
    let (code, table) = flows_cli(&[
        "exfiltration-prevention",
        "--set",
        "network.hub.firewall.sku=basic",
    ]);
    assert_eq!(code, 1, "{table}");
    let fails: Vec<&str> = table.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(!fails.is_empty());
    assert!(
        fails.iter().all(|l| l.contains("tundra.azureml.ms")),
        "{fails:#?}"
    );
}

/// Runs a rendered verify/network-check.sh against a simulated network: `getent` answers from
/// `dns` (name, address); a TCP connect opens when `host:port` is in `open`; `curl` gets an
/// HTTP 200 when `host:port` is in `open`, the firewall's deny page (470) when `deny:host:port`
/// is, and a TLS failure (exit 35) otherwise, as behind Azure Firewall. `args` follow the
/// script's name, `env` is added to its environment. Returns the exit code, the output, and
/// the `host:port` of every bare TCP connect tried.
fn smoke_with(
    args: &[&str],
    env: &[(&str, &str)],
    dns: &[(&str, &str)],
    open: &[&str],
) -> (i32, String, Vec<String>) {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("render");
    let st = Command::cargo_bin("amlgen")
        .unwrap()
        .args(["render", "exfiltration-prevention", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(st.status.success());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let dns_file = tmp.path().join("dns");
    let open_file = tmp.path().join("open");
    let tcp_log = tmp.path().join("tcp.log");
    std::fs::write(&tcp_log, "").unwrap();
    let lines = |v: Vec<String>| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    std::fs::write(
        &dns_file,
        lines(dns.iter().map(|(n, a)| format!("{n} {a}")).collect()),
    )
    .unwrap();
    std::fs::write(
        &open_file,
        lines(open.iter().map(|s| s.to_string()).collect()),
    )
    .unwrap();
    let fakes = [
        (
            "getent",
            format!(
                "#!/usr/bin/env bash\nset -euo pipefail\naddress=\"$(awk -v n=\"$2\" '$1 == n {{ print $2 }}' '{}')\"\n[ -n \"${{address}}\" ] || exit 2\nprintf '%s STREAM %s\\n' \"${{address}}\" \"$2\"\n",
                dns_file.display()
            ),
        ),
        (
            "timeout",
            format!(
                "#!/usr/bin/env bash\nset -euo pipefail\nshift\ncase \"$*\" in\n  *'/dev/tcp/'*) echo \"${{*: -2:1}}:${{*: -1}}\" >>'{}'; grep -qx \"${{*: -2:1}}:${{*: -1}}\" '{}' ;;\n  *) exec \"$@\" ;;\nesac\n",
                tcp_log.display(),
                open_file.display()
            ),
        ),
        (
            "curl",
            format!(
                "#!/usr/bin/env bash\nset -euo pipefail\nurl=\"${{*: -1}}\"\ntarget=\"${{url#*://}}\"\ntarget=\"${{target%/}}\"\nif grep -qx \"deny:${{target}}\" '{open}'; then printf 470; exit 0; fi\nif grep -qx \"${{target}}\" '{open}'; then printf 200; exit 0; fi\necho 'curl: (35) TLS connect error' >&2\nexit 35\n",
                open = open_file.display()
            ),
        ),
    ];
    for (name, body) in fakes {
        let p = bin.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(out.join("verify/network-check.sh"))
        .args(args)
        .env("PATH", path)
        .env("WORKSPACE_GUID", "0f0e0d0c-0000-0000-0000-000000000000")
        .env_remove("STRICT")
        .env_remove("TIMEOUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let tried = std::fs::read_to_string(&tcp_log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap(),
        tried,
    )
}

fn smoke(role: &str, dns: &[(&str, &str)], open: &[&str]) -> (i32, String) {
    let (code, out, _) = smoke_with(&[role], &[], dns, open);
    (code, out)
}

const EXFIL_PE_NAMES: [&str; 7] = [
    "0f0e0d0c-0000-0000-0000-000000000000.workspace.eastus.api.azureml.ms",
    "0f0e0d0c-0000-0000-0000-000000000000.workspace.eastus.cert.api.azureml.ms",
    "ml-mlw-aml-exf-eastus-0f0e0d0c-0000-0000-0000-000000000000.eastus.notebooks.azure.net",
    "stamlexf.blob.core.windows.net",
    "stamlexf.file.core.windows.net",
    "kv-aml-exf.vault.azure.net",
    "cramlexf.azurecr.io",
];

const EXFIL_OPEN: [&str; 11] = [
    "login.microsoftonline.com:443",
    "login.microsoftonline.com:80",
    "management.azure.com:443",
    "mcr.microsoft.com:443",
    "eastus.data.mcr.microsoft.com:443",
    "ml.azure.com:443",
    "automlresources-prod.azureedge.net:443",
    "0f0e0d0c-0000-0000-0000-000000000000.workspace.eastus.api.azureml.ms:443",
    "stamlexf.blob.core.windows.net:443",
    "stamlexf.file.core.windows.net:443",
    "kv-aml-exf.vault.azure.net:443",
];

#[test]
fn the_smoke_test_passes_on_a_network_that_works_and_fails_on_one_that_leaks() {
    let mut dns: Vec<(&str, &str)> = EXFIL_PE_NAMES.iter().map(|n| (*n, "10.111.2.4")).collect();
    dns.extend([
        ("cramlexf.eastus.data.azurecr.io", "10.111.2.5"),
        ("api.monitor.azure.com", "10.111.2.6"),
    ]);
    let mut open: Vec<&str> = EXFIL_OPEN.to_vec();
    open.extend(["cramlexf.azurecr.io:443", "api.monitor.azure.com:443"]);
    let (code, out, tried) = smoke_with(&["compute"], &[], &dns, &open);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("PASS dns    stamlexf.blob.core.windows.net -> 10.111.2.4"),
        "{out}"
    );
    // HTTPS is asked for an HTTP answer: behind Azure Firewall a TCP handshake on 443 proves
    // nothing (the firewall completes it itself), so no bare connect goes to 80 or 443.
    assert!(
        out.contains(
            "PASS https  internet-https: example.com:443 closed or unreachable (no HTTP answer, curl exit 35), as it must be"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "PASS https  pe-storage-blob: stamlexf.blob.core.windows.net:443 open (HTTP 200)"
        ),
        "{out}"
    );
    assert!(
        out.contains("PASS http   entra-id: login.microsoftonline.com:80 open (HTTP 200)"),
        "{out}"
    );
    assert!(
        out.contains("PASS tcp    internet-other-port: portquiz.net:22 closed or unreachable"),
        "{out}"
    );
    assert!(!tried.is_empty());
    assert!(
        tried
            .iter()
            .all(|t| !t.ends_with(":443") && !t.ends_with(":80")),
        "{tried:?}"
    );
    assert!(
        out.contains("compute: 25 passed, 0 failed, 6 skipped"),
        "{out}"
    );
    // Names whose placeholder is unset are skipped, never failed, but said loudly; --strict
    // (or STRICT=1) fails on them.
    assert!(out.contains("SKIP dns    <compute-instance>"), "{out}");
    assert!(out.contains("warning: 6 checks skipped"), "{out}");
    let (code, out, _) = smoke_with(&["--strict", "compute"], &[], &dns, &open);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("strict: failing on 6 skipped checks"), "{out}");
    assert_eq!(
        smoke_with(&["compute"], &[("STRICT", "1")], &dns, &open).0,
        1
    );
    let all_set = [
        ("COMPUTE_INSTANCE", "ci1"),
        ("ENDPOINT_NAME", "ep1"),
        ("LOG_ANALYTICS_WORKSPACE_ID", "0a0b"),
    ];
    let mut named = dns.clone();
    named.extend([
        ("ci1.eastus.instances.ml.azure.ms", "10.111.2.7"),
        ("ci1-22.eastus.instances.ml.azure.ms", "10.111.2.7"),
        ("ep1.eastus.inference.ml.azure.com", "10.111.2.8"),
        ("0a0b.ods.opinsights.azure.com", "10.111.2.9"),
        ("0a0b.oms.opinsights.azure.com", "10.111.2.9"),
        ("0a0b.agentsvc.azure-automation.net", "10.111.2.9"),
    ]);
    let (code, out, _) = smoke_with(&["--strict", "compute"], &all_set, &named, &open);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("31 passed, 0 failed, 0 skipped"), "{out}");
    assert!(!out.contains("warning"), "{out}");

    // A TCP handshake that the firewall completes is no longer taken for an open path: the
    // firewall's deny page (HTTP 470) is blocked too.
    let mut denied_page = open.clone();
    denied_page.push("deny:example.com:443");
    let (code, out) = smoke("compute", &dns, &denied_page);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("example.com:443 closed or unreachable (the firewall's deny page (HTTP 470))"),
        "{out}"
    );

    // HTTPS to any host leaks (an HTTP answer); a name resolves publicly.
    let mut leaky = open.clone();
    leaky.push("example.com:443");
    let mut public = dns.clone();
    public[3] = ("stamlexf.blob.core.windows.net", "20.60.1.1");
    let (code, out) = smoke("compute", &public, &leaky);
    assert_eq!(code, 1, "{out}");
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 2, "{out}");
    assert!(
        fails[0].contains("20.60.1.1, not in 10.111.2.0/26"),
        "{out}"
    );
    assert!(
        fails[1].contains("example.com:443 open (HTTP 200), but must stay closed"),
        "{out}"
    );
    // A required HTTPS host without an HTTP answer fails, however the handshake went.
    let no_arm: Vec<&str> = open
        .iter()
        .copied()
        .filter(|h| *h != "management.azure.com:443")
        .collect();
    let (code, out) = smoke("compute", &dns, &no_arm);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "FAIL https  resource-manager: management.azure.com:443 closed or unreachable"
        ),
        "{out}"
    );

    // A client checks names and the private endpoints only; usage errors are exit 2, and so
    // is a TIMEOUT that is not a whole number from 1 (timeout 0 would never give up).
    let (code, out) = smoke("client", &dns, &open);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("internet-https"), "{out}");
    assert_eq!(smoke("nobody", &dns, &open).0, 2);
    for bad in ["0", "05", "-1", "1.5", "five", ""] {
        let (code, out, _) = smoke_with(&["compute"], &[("TIMEOUT", bad)], &dns, &open);
        if bad.is_empty() {
            // Empty is unset: the default applies.
            assert_eq!(code, 0, "{out}");
        } else {
            assert_eq!(code, 2, "TIMEOUT={bad}: {out}");
            assert!(out.contains("TIMEOUT must be a whole number"), "{out}");
        }
    }
    assert_eq!(
        smoke_with(&["compute"], &[("TIMEOUT", "12")], &dns, &open).0,
        0
    );
    assert_eq!(
        smoke_with(&["compute"], &[("STRICT", "yes")], &dns, &open).0,
        2
    );
}

#[test]
fn the_smoke_test_probes_at_http_behind_a_firewall_and_skips_what_it_cannot_tell() {
    let m = model("exfiltration-prevention", &[]);
    let r = evaluate(&m);
    let s = amlgen::flows::smoke::checks(&m, &r);
    for c in s.compute.iter().chain(&s.client) {
        let want = match c.port {
            443 => "https",
            80 => "http",
            _ => "tcp",
        };
        assert_eq!(c.method, want, "{} {}", c.host, c.port);
    }
    // Azure Open Datasets' account is in East US, the built-ins' region: the probe would take
    // the service endpoint, so it is left out, with the reason.
    assert!(s
        .compute
        .iter()
        .all(|c| !c.host.starts_with("azureopendatastorage")));
    assert!(
        s.not_probed
            .iter()
            .any(|n| n.starts_with("foreign-storage-other-region") && n.contains("eastus")),
        "{:#?}",
        s.not_probed
    );
    // Elsewhere it is probed, over HTTPS.
    let m = model("exfiltration-prevention", &["location=westeurope"]);
    let r = evaluate(&m);
    let s = amlgen::flows::smoke::checks(&m, &r);
    assert!(s
        .compute
        .iter()
        .any(|c| c.host.starts_with("azureopendatastorage")
            && c.method == "https"
            && c.expect == "closed"));
    // Every DNS check has a range to hold its answer against.
    assert!(!s.dns.is_empty());
    assert!(s.dns.iter().all(|d| d.prefix.contains('/')));
}

#[test]
fn render_warns_about_a_failing_flow_and_only_then() {
    let render = |arg: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let o = Command::cargo_bin("amlgen")
            .unwrap()
            .args(["render", arg, "--out"])
            .arg(tmp.path().join("r"))
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stderr).unwrap()
    };
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/blueprints/hub-max.yaml"
    );
    let err = render(fixture);
    // The Basic firewall of hub-max cannot name the tundra host (no DNS proxy).
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("[AMLG40")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].starts_with("warning[AMLG400]: required flow denied: `tundra`"));
    for b in BUILTINS {
        assert!(!render(b).contains("AMLG40"), "{b}");
    }
}

#[test]
fn a_port_the_firewall_proxies_gets_no_bare_connect() {
    // An application rule on 8080 makes Azure Firewall complete the handshake on 8080 too, for
    // any destination (docs issue 121272): the TCP probe on 8080 would prove nothing, so it is
    // left out with the reason; 22 is still tried.
    let mut m = model("hub-spoke", &[]);
    let fw = m.network.as_mut().unwrap().firewall.as_mut().unwrap();
    fw.application_rules[0]
        .protocols
        .push(amlgen::plan::model::AppProtocol {
            kind: "Https",
            port: 8080,
        });
    let r = evaluate(&m);
    let s = amlgen::flows::smoke::checks(&m, &r);
    assert!(s.compute.iter().all(|c| c.port != 8080));
    assert!(s.compute.iter().any(|c| c.port == 22 && c.method == "tcp"));
    assert!(
        s.not_probed
            .iter()
            .any(|n| n.starts_with("internet-other-port")
                && n.contains("8080")
                && n.contains("handshake")),
        "{:#?}",
        s.not_probed
    );
    // With application rules on 80 and 443 only, as built, no probe is left out for that reason.
    let m = model("hub-spoke", &[]);
    let r = evaluate(&m);
    let s = amlgen::flows::smoke::checks(&m, &r);
    assert!(s.not_probed.iter().all(|n| !n.contains("handshake")));
}

/// `--set`s that add AKS for scoring to a customer-VNet built-in.
const AKS: [&str; 2] = [
    "inference.kubernetes.compute_name=aks-score",
    "inference.kubernetes.tls.cname=scoring.contoso.example",
];

/// AKS for scoring: every customer-VNet built-in with the cluster lets the cluster's flows out
/// of the scoring subnet (packages.aks.azure.com among them) and nothing else fails.
#[test]
fn every_customer_builtin_with_aks_lets_the_cluster_out() {
    for b in ["hub-spoke", "exfiltration-prevention", "no-firewall"] {
        let r = evaluate(&model(b, &AKS));
        assert!(failed(&r).is_empty(), "{b}: {:#?}", failed_names(&r));
        let aks: Vec<&Flow> = r
            .flows
            .iter()
            .filter(|f| f.name == "aks-binaries-packages")
            .collect();
        assert_eq!(aks.len(), 1, "{b}: one flow, from the scoring subnet");
        assert!(aks[0].source.starts_with("snet-scoring "), "{b}");
        assert_eq!(aks[0].verdict, Verdict::Allowed, "{b}");
    }
}

/// The firewall applies a rule only to traffic from the rule's source addresses: the AKS
/// rules come from the scoring subnet, so pointing them at the training subnet is caught by
/// exactly the cluster's flows that only those rules allow.
#[test]
fn a_firewall_rule_for_another_subnet_is_caught() {
    let mut m = model("hub-spoke", &AKS);
    assert!(evaluate(&m).summary.ok);
    let n = m.network.as_mut().unwrap();
    let training = n.spoke.subnets[0].prefix.clone();
    let fw = n.firewall.as_mut().unwrap();
    for r in fw
        .application_rules
        .iter_mut()
        .filter(|r| r.source == amlgen::plan::model::RuleSource::Scoring)
    {
        r.source_addresses = vec![training.clone()];
    }
    let r = evaluate(&m);
    assert_eq!(
        failed_names(&r),
        [
            "aks-azureml-api",
            "aks-binaries",
            "aks-binaries-packages",
            "aks-cluster-extensions",
            "aks-packages"
        ]
    );
    assert!(failed(&r)
        .iter()
        .all(|f| f.source.starts_with("snet-scoring ") && f.decided_by.starts_with("firewall:")));
}

/// With public-IP compute the training subnet's table sends the AzureMachineLearning and
/// BatchNodeManagement tags straight to the Internet; the scoring subnet's own table does not,
/// so the AKS cluster's traffic to them goes through the firewall.
#[test]
fn the_scoring_subnet_reaches_the_internet_routed_tags_through_the_firewall() {
    let sets = [AKS[0], AKS[1], "compute.cluster.public_ip=true"];
    let r = evaluate(&model("hub-spoke", &sets));
    assert!(r.summary.ok);
    for name in ["aml-service", "batch-node-management"] {
        for f in r.flows.iter().filter(|f| f.name == name) {
            let route = f.hops.iter().find(|h| h.hop == "route").unwrap();
            if f.source.starts_with("snet-scoring ") {
                assert!(
                    route
                        .rule
                        .starts_with("rt-aml-hs-scoring route default-via-firewall"),
                    "{name}: {}",
                    route.rule
                );
                assert!(
                    f.decided_by.starts_with("firewall:"),
                    "{name}: {}",
                    f.decided_by
                );
            } else {
                assert!(
                    route.rule.starts_with("rt-aml-hs-spoke route"),
                    "{}",
                    route.rule
                );
                assert!(
                    route.rule.ends_with("-> Internet)"),
                    "{name}: {}",
                    route.rule
                );
            }
        }
    }
}
