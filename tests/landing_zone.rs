//! Landing zones (issue 13): an existing hub or spoke by resource ID, custom DNS servers. Bad
//! input is refused with AMLG180-184 at the value's line; what renders creates nothing in an
//! existing VNet, verifies an existing spoke's subnets, leaves the hub's side of the peering to
//! its owner, and `flows` says unknown where the landing zone's rules decide.

use assert_cmd::Command;

const BYO: &str = include_str!("fixtures/blueprints/byo-max.yaml");
const BYO_HUB: &str = include_str!("fixtures/blueprints/byo-hub.yaml");
const HUB: &str = include_str!("../blueprints/hub-spoke.yaml");

fn with(base: &str, find: &str, replace: &str) -> String {
    assert!(base.contains(find), "fixture text not found: {find}");
    base.replacen(find, replace, 1)
}

/// `amlgen check` of `yaml`: the exit code and the report.
fn check(yaml: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bp.yaml"), yaml).unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "bp.yaml"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

/// Refused with `code`, at the file and line of `at` (the text of the offending line).
fn refused(yaml: &str, code: &str, at: &str) -> String {
    let (status, report) = check(yaml);
    assert_eq!(status, 1, "{report}");
    assert!(
        report.contains(&format!("error[{code}]")),
        "expected {code} in:\n{report}"
    );
    let line = yaml
        .lines()
        .position(|l| l.contains(at))
        .unwrap_or_else(|| panic!("{at} not in the blueprint"))
        + 1;
    assert!(
        report.contains(&format!("bp.yaml:{line}:")),
        "expected bp.yaml:{line} in:\n{report}"
    );
    report
}

/// A rendered file's text.
fn artifact(r: &amlgen::Rendered, path: &str) -> String {
    let a = r.artifacts.iter().find(|a| a.path == path);
    String::from_utf8_lossy(&a.unwrap_or_else(|| panic!("{path} not rendered")).bytes).into_owned()
}

const HUB_ID: &str = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-connectivity/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu";

/// AKS for scoring needs the scoring subnet of a spoke amlgen creates: with an existing spoke it
/// is refused where it is written, not left out of the render.
#[test]
fn kubernetes_in_an_existing_spoke_is_refused() {
    let yaml = with(
        BYO,
        "compute:\n",
        "inference:\n  kubernetes:\n    compute_name: aks-scoring\n    tls: {cname: scoring.contoso.com}\ncompute:\n",
    );
    refused(&yaml, "AMLG166", "compute_name: aks-scoring");
}

#[test]
fn the_fixtures_pass_check() {
    for yaml in [BYO, BYO_HUB] {
        let (status, report) = check(yaml);
        assert_eq!(status, 0, "{report}");
    }
}

#[test]
fn ids_of_the_wrong_type_or_shape_are_refused() {
    // A subnet ID where the hub's VNet ID belongs.
    let r = refused(
        &with(
            BYO,
            "vnet-hub-weu\n",
            "vnet-hub-weu/subnets/AzureFirewallSubnet\n",
        ),
        "AMLG180",
        "vnet_id:",
    );
    assert!(r.contains("not the resource ID of a VNet"), "{r}");
    // Another resource type, and shell syntax in a name.
    refused(
        &with(
            BYO,
            "virtualNetworks/vnet-hub-weu",
            "networkSecurityGroups/nsg-hub",
        ),
        "AMLG180",
        "vnet_id:",
    );
    refused(
        &with(BYO, "subnets/snet-compute", "subnets/snet-$(id)"),
        "AMLG180",
        "training_subnet_id:",
    );
    // A VNet ID where a subnet belongs.
    refused(
        &with(BYO, "vnet-lz-ml/subnets/snet-endpoints", "vnet-lz-ml"),
        "AMLG180",
        "pe_subnet_id:",
    );
    // The two subnets in two VNets.
    let r = refused(
        &with(
            BYO,
            "vnet-lz-ml/subnets/snet-endpoints",
            "vnet-other/subnets/snet-endpoints",
        ),
        "AMLG180",
        "pe_subnet_id:",
    );
    assert!(r.contains("another VNet"), "{r}");
    // Compute's VNet in another subscription than the workspace.
    let r = refused(
        &BYO.replace(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-lz-ml",
            "/subscriptions/44444444-4444-4444-8444-444444444444/resourceGroups/rg-lz-ml",
        ),
        "AMLG180",
        "training_subnet_id:",
    );
    assert!(r.contains("another subscription"), "{r}");
}

#[test]
fn addresses_must_be_ipv4_and_the_firewall_inside_its_hub() {
    refused(
        &with(
            BYO,
            "firewall_private_ip: 10.0.0.4",
            "firewall_private_ip: 10.0.0.4/32",
        ),
        "AMLG182",
        "firewall_private_ip:",
    );
    let r = refused(
        &with(
            BYO,
            "firewall_private_ip: 10.0.0.4",
            "firewall_private_ip: 10.9.0.4",
        ),
        "AMLG182",
        "firewall_private_ip:",
    );
    assert!(r.contains("outside the hub"), "{r}");
    refused(
        &with(
            BYO_HUB,
            "dns_servers: [10.0.1.4, 10.0.1.5]",
            "dns_servers: [10.0.1.4, dns.contoso.com]",
        ),
        "AMLG182",
        "dns_servers:",
    );
}

#[test]
fn settings_of_networks_amlgen_does_not_create_are_refused() {
    for (find, replace, at) in [
        (
            "    existing:\n      vnet_id",
            "    bastion: true\n    existing:\n      vnet_id",
            "bastion: true",
        ),
        (
            "    address_space: [10.0.0.0/22]",
            "    address_space: [10.0.0.0/22]\n    subnets: {firewall: 10.0.0.0/26}",
            "subnets: {firewall",
        ),
        (
            "      pe: 10.60.2.0/26",
            "      pe: 10.60.2.0/26\n      scoring: 10.60.3.0/24",
            "scoring: 10.60.3.0/24",
        ),
        (
            "compute:\n",
            "  dns_servers: [10.0.1.4]\ncompute:\n",
            "dns_servers:",
        ),
        (
            "  egress: firewall\n",
            "  egress: firewall\n  exfiltration_prevention: true\n",
            "exfiltration_prevention:",
        ),
    ] {
        refused(&with(BYO, find, replace), "AMLG181", at);
    }
}

#[test]
fn exfiltration_prevention_needs_a_firewall_amlgen_creates() {
    let yaml = with(
        BYO_HUB,
        "\nnetwork:\n",
        "\nnetwork:\n  exfiltration_prevention: true\n",
    );
    let yaml = with(&yaml, "  dns_servers: [10.0.1.4, 10.0.1.5]\n", "");
    let r = refused(&yaml, "AMLG181", "exfiltration_prevention:");
    assert!(r.contains("allowlist"), "{r}");
}

#[test]
fn an_existing_spoke_needs_an_existing_hub() {
    // A hub amlgen would create: its route table and peering would be on the existing spoke.
    let own_hub = with(
        BYO,
        "    existing:\n      vnet_id: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-connectivity/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu\n      firewall_private_ip: 10.0.0.4\n",
        "",
    );
    refused(&own_hub, "AMLG183", "training_subnet_id:");
    // NAT gateway egress: the gateway would be attached to someone else's subnets.
    let nat = with(&own_hub, "  egress: firewall", "  egress: nat_gateway");
    let nat = with(&nat, "  hub:\n    address_space: [10.0.0.0/22]\n", "");
    refused(&nat, "AMLG183", "training_subnet_id:");
}

#[test]
fn custom_dns_servers_are_refused_where_the_spoke_uses_the_firewalls_proxy() {
    let yaml = with(HUB, "  spoke:\n", "  dns_servers: [10.100.3.4]\n  spoke:\n");
    let r = refused(&yaml, "AMLG184", "dns_servers:");
    assert!(r.contains("DNS proxy"), "{r}");
}

#[test]
fn ranges_that_overlap_the_hub_are_refused() {
    // The existing spoke's stated subnet inside the hub's stated range (no spoke range stated).
    let unstated = with(BYO, "    address_space: [10.60.0.0/22]\n", "");
    refused(
        &with(&unstated, "training: 10.60.0.0/23", "training: 10.0.2.0/23"),
        "AMLG032",
        "training: 10.0.2.0/23",
    );
    // A spoke created here whose space overlaps the existing hub's.
    refused(
        &with(
            BYO_HUB,
            "address_space: [10.61.0.0/22]",
            "address_space: [10.0.0.0/16]",
        ),
        "AMLG032",
        "address_space: [10.0.0.0/22]",
    );
}

#[test]
fn an_existing_spoke_gets_no_network_resources_and_verified_subnets() {
    let r = amlgen::render_blueprint("tests/fixtures/blueprints/byo-max.yaml", &[], None).unwrap();
    let file = |p: &str| artifact(&r, p);
    assert!(!r
        .artifacts
        .iter()
        .any(|a| a.path.ends_with("spokeNetwork.bicep")
            || a.path.ends_with("hubNetwork.bicep")
            || a.path.ends_with("peering.bicep")));
    let main = file("main.bicep");
    for absent in ["virtualNetworks@", "networkSecurityGroups@", "routeTables@"] {
        assert!(!main.contains(absent), "{absent} in main.bicep");
    }
    assert!(main.contains("subnetId: peSubnetId"), "{main}");
    assert!(main.contains("subnetId: trainingSubnetId"), "{main}");
    let sh = file("runbook.sh");
    for absent in [
        "az network vnet create",
        "az network vnet subnet create",
        "az network nsg create",
        "az network vnet peering create",
    ] {
        assert!(!sh.contains(absent), "{absent} in runbook.sh");
    }
    assert!(sh.contains("--query 'routeTable != null'"), "{sh}");
    assert!(sh.contains("--subnet \"$PE_SUBNET_ID\""), "{sh}");
    let ps = file("runbook.ps1");
    assert!(ps.contains("Assert-AmlgenSubnet -Id"), "{ps}");
    assert!(
        !ps.contains("Microsoft.Network/virtualNetworks/vnet-lz-ml' `"),
        "a PUT of the existing VNet"
    );
    let readme = file("README.md");
    assert!(readme.contains("## Landing zone"), "{readme}");
    assert!(
        readme.contains("Private DNS Zone Contributor (`b12aa53e-6015-4669-85d0-8515ebb3ae7f`)"),
        "{readme}"
    );
}

#[test]
fn an_existing_hub_gets_the_spoke_side_of_the_peering_and_its_owner_the_command() {
    let r = amlgen::render_blueprint("tests/fixtures/blueprints/byo-hub.yaml", &[], None).unwrap();
    let file = |p: &str| artifact(&r, p);
    let peering = file("modules/peering.bicep");
    assert!(peering.contains("resource spokeToHub"), "{peering}");
    assert!(!peering.contains("resource hubToSpoke"), "{peering}");
    let main = file("main.bicep");
    assert!(
        main.contains("firewallPrivateIp: hubFirewallPrivateIp"),
        "{main}"
    );
    assert!(!main.contains("module hubNetwork"), "{main}");
    let params = file("main.parameters.json");
    assert!(
        params.contains(HUB_ID) && params.contains("\"10.0.1.5\""),
        "{params}"
    );
    let spoke = file("modules/spokeNetwork.bicep");
    assert!(spoke.contains("dnsServers: dnsServers"), "{spoke}");
    let sh = file("runbook.sh");
    assert!(sh.contains("--dns-servers 10.0.1.4 10.0.1.5"), "{sh}");
    assert_eq!(
        sh.matches("az network vnet peering create").count(),
        1,
        "{sh}"
    );
    let readme = file("README.md");
    assert!(readme.contains("--vnet-name vnet-hub-weu"), "{readme}");
    assert!(
        readme.contains("## What the hub's firewall must allow"),
        "{readme}"
    );
}

#[test]
fn flows_say_unknown_where_the_landing_zone_decides() {
    for (fixture, hop) in [("byo-max", "nsg"), ("byo-hub", "firewall")] {
        let r = amlgen::render_blueprint(
            &format!("tests/fixtures/blueprints/{fixture}.yaml"),
            &[],
            None,
        )
        .unwrap();
        let report = amlgen::flows::evaluate(&r.model);
        assert!(
            report.summary.unknown > 0,
            "{fixture}: {:?}",
            report.summary
        );
        assert!(report.summary.ok, "{fixture}: a failure claimed");
        let f = report
            .flows
            .iter()
            .find(|f| f.name == "entra-id")
            .expect("entra-id flow");
        assert_eq!(f.status, amlgen::flows::Status::Unknown, "{fixture}");
        assert!(f.decided_by.starts_with(hop), "{fixture}: {}", f.decided_by);
    }
}

#[test]
fn explain_knows_the_codes() {
    for code in ["AMLG180", "AMLG181", "AMLG182", "AMLG183", "AMLG184"] {
        let out = Command::cargo_bin("amlgen")
            .unwrap()
            .args(["explain", code])
            .output()
            .unwrap();
        assert!(out.status.success(), "{code}");
        assert!(!out.stdout.is_empty(), "{code}");
    }
}

#[test]
fn the_corporate_set_is_checked() {
    refused(
        &with(
            BYO,
            "vnet-corp-weu/subnets/snet-aml-endpoints",
            "vnet-corp-weu",
        ),
        "AMLG180",
        "    pe_subnet_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-corp-network",
    );
    // A private endpoint lives in its VNet's subscription: a corporate subnet in another
    // subscription than the deployment is refused.
    let other = with(
        BYO,
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-corp-network",
        "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-corp-network",
    );
    let report = refused(&other, "AMLG180", "resourceGroups/rg-corp-network");
    assert!(
        report.contains("another subscription than the deployment"),
        "{report}"
    );
    refused(
        &with(
            BYO,
            "resourceGroups/rg-corp-dns",
            "resourceGroups/rg-corp-dns/x",
        ),
        "AMLG180",
        "zones_resource_group_id: /subscriptions/33333333",
    );
    // Overlapping the spoke is allowed (the networks are not peered), with a warning.
    let (status, report) = check(&with(
        BYO,
        "address_prefix: 10.60.8.0/27",
        "address_prefix: 10.60.2.0/27",
    ));
    assert_eq!(status, 0, "{report}");
    assert!(report.contains("warning[AMLG185]"), "{report}");
}

#[test]
fn the_corporate_set_is_rendered_on_every_path() {
    let r = amlgen::render_blueprint("tests/fixtures/blueprints/byo-max.yaml", &[], None).unwrap();
    let file = |p: &str| artifact(&r, p);
    let corp = r
        .model
        .private
        .as_ref()
        .unwrap()
        .corporate
        .as_ref()
        .unwrap();
    let names: Vec<&str> = corp
        .private_endpoints
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "pe-byo-max-corp-workspace",
            "pe-byo-max-corp-storage-blob",
            "pe-byo-max-corp-storage-file"
        ]
    );
    let main = file("main.bicep");
    assert_eq!(
        main.matches("subnetId: corporatePeSubnetId").count(),
        3,
        "{main}"
    );
    assert!(
        main.contains("'${corporateDnsZoneIdPrefix}privatelink.api.azureml.ms'"),
        "{main}"
    );
    let sh = file("runbook.sh");
    assert_eq!(
        sh.matches("--subnet \"$CORPORATE_PE_SUBNET_ID\"").count(),
        3,
        "{sh}"
    );
    let ps = file("runbook.ps1");
    assert!(ps.contains("pe-byo-max-corp-storage-file"), "{ps}");
    assert!(ps.contains("rg-corp-dns/providers/Microsoft.Network/privateDnsZones/privatelink.file.core.windows.net"), "{ps}");
    let readme = file("README.md");
    assert!(readme.contains("private IP address shortage"), "{readme}");
}

/// A landing zone's addresses are real hosts: a firewall IP or DNS server that is no host, Azure's
/// platform address as a next hop, a firewall inside the spoke, a public or duplicated DNS server.
#[test]
fn landing_zone_addresses_are_hosts() {
    let hub = std::fs::read_to_string("tests/fixtures/blueprints/byo-hub.yaml").unwrap();
    let fw = hub
        .lines()
        .find(|l| l.contains("firewall_private_ip:"))
        .expect("byo-hub names the firewall's IP")
        .to_string();
    let indent = &fw[..fw.find("firewall_private_ip").unwrap()];
    for bad in ["0.0.0.0", "168.63.129.16", "255.255.255.255"] {
        let yaml = hub.replace(&fw, &format!("{indent}firewall_private_ip: {bad}"));
        let (status, report) = check(&yaml);
        assert_eq!(status, 1, "{bad}: {report}");
        assert!(report.contains("error[AMLG182]"), "{bad}: {report}");
    }
    let dns = hub
        .lines()
        .find(|l| l.contains("dns_servers:"))
        .expect("byo-hub has dns_servers")
        .to_string();
    let indent = &dns[..dns.find("dns_servers").unwrap()];
    for (bad, why) in [
        ("[8.8.8.8]", "public DNS server"),
        ("[10.0.1.4, 10.0.1.4]", "listed twice"),
    ] {
        let yaml = hub.replace(&dns, &format!("{indent}dns_servers: {bad}"));
        let (status, report) = check(&yaml);
        assert_eq!(status, 1, "{bad}: {report}");
        assert!(report.contains(why), "{bad}: {report}");
    }
}
