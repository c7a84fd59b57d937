//! Hub-spoke and exfiltration prevention: the address plan's errors, what differs between the
//! Basic and Standard firewall, and the guarantees of exfiltration prevention.

use amlgen::plan::model::Model;
use assert_cmd::Command;

fn model(arg: &str, sets: &[&str]) -> Model {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match amlgen::render_blueprint(arg, &sets, None) {
        Ok(r) => r.model,
        Err(e) => panic!("{arg} {sets:?}: {e:?}"),
    }
}

fn artifact(arg: &str, sets: &[&str], path: &str) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let r = amlgen::render_blueprint(arg, &sets, None).unwrap_or_else(|e| panic!("{e:?}"));
    let a = r
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(a.bytes.clone()).unwrap()
}

/// `amlgen check hub-spoke --set ...`: exit code and stderr.
fn check(sets: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("amlgen").unwrap();
    cmd.current_dir(dir.path()).args(["check", "hub-spoke"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

macro_rules! plan_error {
    ($name:ident, [$($set:expr),*], $code:literal) => {
        #[test]
        fn $name() {
            let (exit, stderr) = check(&[$($set),*]);
            assert_eq!(exit, 1, "{stderr}");
            assert!(stderr.contains(concat!("error[", $code, "]")), "expected {} in:\n{stderr}", $code);
            insta::assert_snapshot!(stderr);
        }
    };
}

plan_error!(
    hub_overlaps_spoke,
    ["network.spoke.address_space=[10.100.2.0/24]"],
    "AMLG032"
);
plan_error!(
    subnet_outside_vnet,
    ["network.spoke.subnets.training=10.99.0.0/24"],
    "AMLG031"
);
plan_error!(
    firewall_subnet_too_small,
    ["network.hub.subnets.firewall=10.100.0.0/27"],
    "AMLG034"
);
plan_error!(
    gateway_subnet_too_small,
    ["network.hub.subnets.gateway=10.100.3.0/28"],
    "AMLG034"
);
plan_error!(
    subnets_overlap,
    [
        "network.spoke.subnets.training=10.101.0.0/24",
        "network.spoke.subnets.pe=10.101.0.64/26"
    ],
    "AMLG032"
);
plan_error!(
    no_room_in_hub,
    ["network.hub.address_space=[10.100.0.0/26]"],
    "AMLG036"
);
plan_error!(
    invalid_hub_cidr,
    ["network.hub.address_space=[10.100.0.1/22]"],
    "AMLG030"
);
plan_error!(
    managed_vnet_with_customer_network,
    ["workspace.managed_network.isolation_mode=allow_internet_outbound"],
    "AMLG114"
);

#[test]
fn training_subnet_too_small_for_nodes_is_a_warning() {
    let (exit, stderr) = check(&[
        "network.spoke.subnets.training=10.101.0.0/29",
        "compute.cluster.max_nodes=10",
    ]);
    assert_eq!(exit, 0, "{stderr}");
    assert!(stderr.contains("warning[AMLG035]"), "{stderr}");
}

#[test]
fn subnets_not_given_are_carved_deterministically() {
    let m = model("hub-spoke", &[]);
    let n = m.network.unwrap();
    assert_eq!(n.hub.as_ref().unwrap().firewall_subnet, "10.100.0.0/26");
    assert_eq!(
        n.hub.as_ref().unwrap().gateway_subnet.as_deref(),
        Some("10.100.0.64/27")
    );
    let prefixes: Vec<&str> = n.spoke.subnets.iter().map(|s| s.prefix.as_str()).collect();
    assert_eq!(
        prefixes,
        ["10.101.0.0/24", "10.101.1.0/24", "10.101.2.0/26"]
    );
    // An explicit subnet is kept and the others are carved around it.
    let m = model(
        "hub-spoke",
        &["network.spoke.subnets.training=10.101.0.0/23"],
    );
    let prefixes: Vec<String> = m
        .network
        .unwrap()
        .spoke
        .subnets
        .iter()
        .map(|s| s.prefix.clone())
        .collect();
    assert_eq!(
        prefixes,
        ["10.101.0.0/23", "10.101.2.0/24", "10.101.3.0/26"]
    );
}

#[test]
fn basic_firewall_differs_from_standard() {
    let standard = model("hub-spoke", &[]).network.unwrap();
    let basic = model("hub-spoke", &["network.hub.firewall.sku=basic"])
        .network
        .unwrap();
    // Basic needs a management subnet and public IP; Standard does not.
    assert!(standard
        .hub
        .as_ref()
        .unwrap()
        .firewall_management_subnet
        .is_none());
    assert!(basic
        .hub
        .as_ref()
        .unwrap()
        .firewall_management_subnet
        .is_some());
    assert!(basic
        .firewall
        .as_ref()
        .unwrap()
        .management_public_ip
        .is_some());
    // Basic has no DNS proxy: no FQDN network rules, spoke keeps Azure DNS.
    assert!(
        standard.firewall.as_ref().unwrap().dns_proxy
            && !basic.firewall.as_ref().unwrap().dns_proxy
    );
    let fqdn_rules = |n: &amlgen::plan::model::NetworkModel| {
        n.firewall
            .as_ref()
            .unwrap()
            .network_rules
            .iter()
            .filter(|r| !r.destination_fqdns.is_empty())
            .count()
    };
    assert!(fqdn_rules(&standard) > 0);
    assert_eq!(fqdn_rules(&basic), 0);
    assert!(!basic.firewall.as_ref().unwrap().omitted.is_empty());
    assert!(standard.spoke.dns_via_firewall && !basic.spoke.dns_via_firewall);
    assert_eq!(basic.firewall.as_ref().unwrap().threat_intel_mode, "Alert");
    let hub = artifact(
        "hub-spoke",
        &["network.hub.firewall.sku=basic"],
        "modules/hubNetwork.bicep",
    );
    assert!(hub.contains("managementIpConfiguration") && !hub.contains("enableProxy"));
    let runbook = artifact(
        "hub-spoke",
        &["network.hub.firewall.sku=basic"],
        "runbook.sh",
    );
    assert!(runbook.contains("--m-public-ip") && !runbook.contains("--enable-dns-proxy"));
}

#[test]
fn hub_spoke_firewall_has_the_required_tags_and_packages() {
    let n = model("hub-spoke", &[]).network.unwrap();
    let tags: Vec<String> = n
        .firewall
        .as_ref()
        .unwrap()
        .network_rules
        .iter()
        .flat_map(|r| r.destination_addresses.iter().map(|d| d.literal.clone()))
        .collect();
    for t in [
        "AzureActiveDirectory",
        "AzureMachineLearning",
        "BatchNodeManagement.eastus",
        "AzureResourceManager",
        "Storage.eastus",
        "MicrosoftContainerRegistry",
        "AzureFrontDoor.FirstParty",
    ] {
        assert!(tags.iter().any(|x| x == t), "missing {t} in {tags:?}");
    }
    let app: Vec<String> = n
        .firewall
        .as_ref()
        .unwrap()
        .application_rules
        .iter()
        .flat_map(|r| r.fqdns.iter().map(|f| f.literal.clone()))
        .collect();
    for f in [
        "mcr.microsoft.com",
        "*.data.mcr.microsoft.com",
        "ml.azure.com",
        "pypi.org",
        "files.pythonhosted.org",
        "conda.anaconda.org",
    ] {
        assert!(app.iter().any(|x| x == f), "missing {f}");
    }
    // AzureMachineLearning UDP 5831 is there.
    assert!(n
        .firewall
        .as_ref()
        .unwrap()
        .network_rules
        .iter()
        .any(|r| r.protocols == ["UDP"] && r.ports == ["5831"]));
}

#[test]
fn public_ip_compute_gets_inbound_44224_and_internet_routes() {
    let n = model("tests/fixtures/blueprints/hub-max.yaml", &[])
        .network
        .unwrap();
    let training = &n.spoke.subnets[0];
    assert!(training.nsg_rules.iter().any(|r| r.direction == "Inbound"
        && r.destination_ports == ["44224"]
        && r.source.literal == "AzureMachineLearning"));
    let internet: Vec<&str> = n.route_tables[training.route_table.unwrap()]
        .routes
        .iter()
        .filter(|r| r.next_hop_type == "Internet")
        .map(|r| r.address_prefix.literal.as_str())
        .collect();
    assert_eq!(
        internet,
        ["AzureMachineLearning", "BatchNodeManagement.westeurope"]
    );
    // Without public IPs: no inbound allowance from outside the subnet, only the default route.
    let n = model("hub-spoke", &[]).network.unwrap();
    for s in n.spoke.subnets.iter().filter(|s| s.role == "training") {
        let inbound: Vec<_> = s
            .nsg_rules
            .iter()
            .filter(|r| r.direction == "Inbound")
            .map(|r| (r.name.as_str(), r.source.literal.as_str()))
            .collect();
        assert_eq!(
            inbound,
            [
                ("allow-subnet-inbound", s.prefix.as_str()),
                ("allow-load-balancer-inbound", "AzureLoadBalancer"),
                ("deny-all-inbound", "*"),
            ]
        );
    }
    assert!(n.route_tables.iter().all(|rt| rt.routes.len() == 1));
}

/// Compute subnets end their inbound rules with an explicit deny (issue 11 item 21): after
/// what Azure Machine Learning needs, the subnet itself and the load balancer's probes, nothing
/// reaches compute, not even peered, hub or on-premises networks (the default AllowVnetInBound).
/// The private-endpoint subnet keeps Azure's defaults (clients must reach the endpoints), and so
/// does the scoring subnet, where inference serves clients.
#[test]
fn compute_subnets_deny_inbound_explicitly() {
    for name in ["hub-spoke", "exfiltration-prevention", "no-firewall"] {
        let m = model(name, &[]);
        for s in &m.network.as_ref().unwrap().spoke.subnets {
            let inbound: Vec<_> = s
                .nsg_rules
                .iter()
                .filter(|r| r.direction == "Inbound")
                .collect();
            if s.role != "training" {
                assert!(inbound.is_empty(), "{name} {}", s.name);
                continue;
            }
            let last = inbound.last().unwrap();
            assert_eq!(
                (last.access, last.priority, last.source.literal.as_str()),
                ("Deny", 4096, "*"),
                "{name} {}",
                s.name
            );
            for r in &inbound[..inbound.len() - 1] {
                assert_eq!(r.access, "Allow");
                assert_ne!(r.source.literal, "VirtualNetwork", "{name} {}", r.name);
                assert_ne!(r.source.literal, "Internet", "{name} {}", r.name);
            }
            // Bicep names the subnet's prefix parameter, so an override moves the rule too.
            let own = inbound
                .iter()
                .find(|r| r.name == "allow-subnet-inbound")
                .unwrap();
            assert_eq!(own.source.bicep, format!("{}SubnetPrefix", s.role));
            assert_eq!(own.source.shell, s.prefix);
        }
    }
}

/// The exfiltration guarantee: no rendered firewall policy of this blueprint, with any package
/// allowance, ever allows the Storage service tag or a `*` destination.
#[test]
fn exfiltration_prevention_never_allows_storage_or_star() {
    let variants: Vec<Vec<&str>> = vec![
        vec![],
        vec!["packages=[pip, conda, huggingface, docker_hub, github, cran, npm, vscode]"],
        vec!["network.hub.firewall.sku=basic"],
    ];
    for sets in variants {
        let hub = artifact("exfiltration-prevention", &sets, "modules/hubNetwork.bicep");
        let runbook = artifact("exfiltration-prevention", &sets, "runbook.sh");
        for text in [&hub, &runbook] {
            assert!(
                !text.contains("'Storage") && !text.contains(" Storage."),
                "{sets:?}: Storage service tag allowed"
            );
            assert!(
                !text.lines().any(|l| l.trim() == "'*'"),
                "{sets:?}: a `*` destination in the Bicep"
            );
            assert!(
                !text.contains("--destination-addresses '*'")
                    && !text.contains("--target-fqdns '*'"),
                "{sets:?}: a `*` destination in the runbook"
            );
        }
        let n = model("exfiltration-prevention", &sets).network.unwrap();
        for r in &n.firewall.as_ref().unwrap().network_rules {
            for d in r.destination_addresses.iter().chain(&r.destination_fqdns) {
                assert!(!d.literal.starts_with("Storage"), "{sets:?}: {}", d.literal);
                assert_ne!(d.literal, "*", "{sets:?}: rule {} allows *", r.name);
            }
        }
        for r in &n.firewall.as_ref().unwrap().application_rules {
            for f in &r.fqdns {
                assert_ne!(f.literal, "*", "{sets:?}: rule {} allows *", r.name);
                assert!(
                    !f.literal.ends_with(".core.windows.net"),
                    "{sets:?}: storage host {}",
                    f.literal
                );
            }
        }
        // The policy is on both compute subnets, with the alias and the workspace storage.
        let sep = n.service_endpoint_policy.expect("service endpoint policy");
        assert_eq!(sep.alias, "/services/Azure/MachineLearning");
        assert_eq!(sep.alias_service, "Global");
        for s in n.spoke.subnets.iter().filter(|s| s.role != "pe") {
            assert!(
                s.service_endpoint_policy && s.storage_service_endpoint,
                "{}",
                s.name
            );
            assert!(s
                .nsg_rules
                .iter()
                .any(|r| r.access == "Deny" && r.destination.literal == "Internet"));
        }
        let spoke = artifact(
            "exfiltration-prevention",
            &sets,
            "modules/spokeNetwork.bicep",
        );
        assert!(
            spoke.contains("'/services/Azure/MachineLearning'")
                && spoke.contains("service: 'Global'")
        );
        assert!(
            runbook.contains("az rest")
                && runbook.contains("serviceEndpointPolicyDefinitions/azure-machine-learning")
        );
    }
}

#[test]
fn exfiltration_prevention_refuses_public_ip_compute() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "exfiltration-prevention",
            "--set",
            "compute.cluster.public_ip=true",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("AMLG119"));
}

#[test]
fn hub_spoke_zones_cover_every_private_endpoint_and_link_both_vnets() {
    let m = model("hub-spoke", &[]);
    let p = m.private.unwrap();
    let zones: Vec<&str> = p.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(
        zones,
        [
            "privatelink.api.azureml.ms",
            "privatelink.notebooks.azure.net",
            "privatelink.blob.core.windows.net",
            "privatelink.file.core.windows.net",
            "privatelink.vaultcore.azure.net",
            "privatelink.azurecr.io",
            // The Azure Monitor Private Link Scope's own zones; it shares the blob zone.
            "privatelink.monitor.azure.com",
            "privatelink.oms.opinsights.azure.com",
            "privatelink.ods.opinsights.azure.com",
            "privatelink.agentsvc.azure-automation.net",
        ]
    );
    assert_eq!(p.linked_vnets.len(), 2);
    let forwarders = artifact("hub-spoke", &[], "dns/bind-forwarders.conf");
    for z in [
        "api.azureml.ms",
        "notebooks.azure.net",
        "instances.azureml.ms",
        "vault.azure.net",
        "azurecr.io",
        "blob.core.windows.net",
    ] {
        assert!(
            forwarders.contains(&format!("zone \"{z}\"")),
            "missing forwarder {z}"
        );
    }
    assert_eq!(
        m.workspace.image_build_compute.as_deref(),
        Some("cpu-cluster")
    );
}

plan_error!(
    sovereign_cloud_hub_spoke,
    ["cloud=AzureUSGovernment", "location=usgovvirginia"],
    "AMLG122"
);

#[test]
fn storage_endpoints_grant_the_workspace_reader_and_wait_for_peering() {
    for b in ["hub-spoke", "approved-only"] {
        let main = artifact(b, &[], "main.bicep");
        // Two storage endpoints (blob, file) pass the workspace identity; no other does.
        assert_eq!(
            main.matches("readerPrincipalId: workspace.outputs.principalId")
                .count(),
            2,
            "{b}"
        );
        let pe = artifact(b, &[], "modules/privateEndpoint.bicep");
        assert!(
            pe.contains("acdd72a7-3385-48ef-bd42-f606fba81ae7")
                && pe.contains("scope: privateEndpoint")
        );
        let runbook = artifact(b, &[], "runbook.sh");
        assert_eq!(
            runbook.matches("az role assignment create").count(),
            2,
            "{b}"
        );
    }
    let main = artifact("hub-spoke", &[], "main.bicep");
    // Every private endpoint (the Monitor scope's too) and the compute wait for the peering
    // (the spoke resolves names through the firewall in the hub).
    assert_eq!(main.matches("    peering\n").count(), 7);
    let ws = artifact("hub-spoke", &[], "modules/workspace.bicep");
    assert!(ws.contains("serverlessComputeNoPublicIP: true"));
}

#[test]
fn packages_become_fqdn_rules_under_approved_only_and_nothing_under_internet_outbound() {
    let m = model("approved-only", &["packages=[conda, huggingface]"]);
    let rules: Vec<(String, String)> = m
        .workspace
        .rules
        .iter()
        .map(|r| (r.name.clone(), r.destination.clone().unwrap_or_default()))
        .collect();
    for host in [
        "repo.anaconda.com",
        "conda.anaconda.org",
        "huggingface.co",
        "hf.co",
        "*.hf.co",
    ] {
        assert!(
            rules.iter().any(|(_, d)| d == host),
            "missing {host} in {rules:?}"
        );
    }
    // Apex and wildcard both: a wildcard never matches its apex.
    assert!(rules.iter().any(|(_, d)| d == "hf.co") && rules.iter().any(|(_, d)| d == "*.hf.co"));
    let yaml = artifact(
        "approved-only",
        &[
            "packages=[conda]",
            "resource_group.subscription_id=00000000-0000-0000-0000-000000000000",
        ],
        "workspace.yml",
    );
    assert!(yaml.contains("destination: conda.anaconda.org"));

    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("amlgen")
        .unwrap()
        .current_dir(dir.path())
        .args(["render", "allow-internet", "--set", "packages=[pip]"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("warning[AMLG121]"));
    let m = model("allow-internet", &["packages=[pip]"]);
    assert!(m.workspace.rules.is_empty());
}

plan_error!(
    dns_resolver_subnet_too_small,
    [
        "network.hub.dns_resolver=true",
        "network.hub.subnets.dns_resolver_inbound=10.100.3.0/29"
    ],
    "AMLG034"
);

#[test]
fn dns_resolver_gets_a_delegated_subnet_an_inbound_endpoint_and_an_output() {
    let fixture = "tests/fixtures/blueprints/hub-max.yaml";
    let n = model(fixture, &[]).network.unwrap();
    let r = n
        .hub
        .clone()
        .unwrap()
        .dns_resolver
        .expect("resolver planned");
    assert!(r.subnet.ends_with("/28"), "{}", r.subnet);
    let hub = artifact(fixture, &[], "modules/hubNetwork.bicep");
    assert!(hub.contains("serviceName: 'Microsoft.Network/dnsResolvers'"));
    assert!(hub.contains("Microsoft.Network/dnsResolvers/inboundEndpoints@"));
    assert!(artifact(fixture, &[], "main.bicep").contains("output dnsResolverInboundIp string"));
    let runbook = artifact(fixture, &[], "runbook.sh");
    assert!(runbook.contains("--delegations Microsoft.Network/dnsResolvers"));
    assert!(runbook.contains("/inboundEndpoints/"));
    assert!(artifact(fixture, &[], "dns/bind-forwarders.conf").contains("dnsResolverInboundIp"));
    // Off by default: the built-in hub-spoke has none.
    assert!(model("hub-spoke", &[])
        .network
        .unwrap()
        .hub
        .as_ref()
        .unwrap()
        .dns_resolver
        .is_none());
}

plan_error!(
    existing_dns_without_resource_group,
    ["private_dns.mode=existing"],
    "AMLG123"
);
plan_error!(
    dns_resource_group_with_create,
    ["private_dns.zones_resource_group_id=/subscriptions/0/resourceGroups/rg-dns"],
    "AMLG123"
);

#[test]
fn private_dns_modes() {
    let rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns";
    let set_rg = format!("private_dns.zones_resource_group_id={rg}");
    let existing = ["private_dns.mode=existing", set_rg.as_str()];
    let main = artifact("hub-spoke", &existing, "main.bicep");
    // No zones created, zone groups point at the central zones by ID.
    assert!(!main.contains("modules/privateDnsZone.bicep"));
    assert!(main.contains("'${privateDnsZoneIdPrefix}privatelink.api.azureml.ms'"));
    let params = artifact("hub-spoke", &existing, "main.parameters.json");
    assert!(params.contains(rg));
    let runbook = artifact("hub-spoke", &existing, "runbook.sh");
    assert!(!runbook.contains("az network private-dns zone create"));
    assert!(runbook
        .contains("/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"));

    let policy = ["private_dns.mode=policy"];
    let main = artifact("hub-spoke", &policy, "main.bicep");
    assert!(!main.contains("modules/privateDnsZone.bicep"));
    assert_eq!(main.matches("privateDnsZoneIds: [\n    ]").count(), 5);
    let runbook = artifact("hub-spoke", &policy, "runbook.sh");
    assert!(
        !runbook.contains("dns-zone-group create") && !runbook.contains("private-dns zone create")
    );
    let pe = artifact("hub-spoke", &policy, "modules/privateEndpoint.bicep");
    assert!(pe.contains("= if (!empty(privateDnsZoneIds))"));
}

/// `amlgen check <blueprint> --set ...`: exit code and stderr.
fn check_builtin(blueprint: &str, sets: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("amlgen").unwrap();
    cmd.current_dir(dir.path()).args(["check", blueprint]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn egress_and_hub_must_agree() {
    for (blueprint, set, code) in [
        ("no-firewall", "network.egress=firewall", "AMLG130"),
        ("hub-spoke", "network.egress=nat_gateway", "AMLG131"),
        (
            "no-firewall",
            "network.exfiltration_prevention=true",
            "AMLG132",
        ),
    ] {
        let (exit, stderr) = check_builtin(blueprint, &[set]);
        assert_eq!(exit, 1, "{blueprint} {set}: {stderr}");
        assert!(stderr.contains(code), "{blueprint} {set}: {stderr}");
    }
}

/// No firewall: no hub, route table or peering; the compute subnets leave through the NAT
/// gateway, default outbound access off, and their NSGs allow the service tags and HTTPS before
/// denying the rest of the Internet; the pe subnet has neither.
#[test]
fn no_firewall_egress_is_the_nat_gateway_filtered_by_nsgs() {
    let m = model("no-firewall", &[]);
    let n = m.network.as_ref().unwrap();
    assert!(n.hub.is_none() && n.firewall.is_none() && n.route_tables.is_empty());
    assert!(n.peering.is_none() && n.nat_gateway.is_some());
    assert!(!n.spoke.dns_via_firewall);
    for s in &n.spoke.subnets {
        let compute = s.role != "pe";
        assert_eq!(s.nat_gateway, compute, "{}", s.name);
        assert!(s.route_table.is_none());
        assert_eq!(s.default_outbound_access, Some(false));
        if compute {
            let names: Vec<&str> = s.nsg_rules.iter().map(|r| r.name.as_str()).collect();
            assert!(names.contains(&"allow-azure-machine-learning"), "{names:?}");
            assert!(names.contains(&"allow-batch-node-management"));
            assert!(names.contains(&"allow-https-internet"));
            let deny = s
                .nsg_rules
                .iter()
                .rfind(|r| r.direction == "Outbound")
                .unwrap();
            assert_eq!(
                (deny.access, deny.destination.literal.as_str()),
                ("Deny", "Internet")
            );
            assert!(s
                .nsg_rules
                .iter()
                .filter(|r| r.direction == "Outbound")
                .all(|r| r.priority < deny.priority || r.access == "Deny"));
        }
    }
    // The private endpoints' zones link the VNet alone.
    let links = &m.private.as_ref().unwrap().linked_vnets;
    assert_eq!(links.len(), 1);
    let main = artifact("no-firewall", &[], "main.bicep");
    assert!(!main.contains("hubNetwork") && !main.contains("peering"));
    let spoke = artifact("no-firewall", &[], "modules/spokeNetwork.bicep");
    assert!(spoke.contains("natGateway: {") && spoke.contains("defaultOutboundAccess: false"));
    let runbook = artifact("no-firewall", &[], "runbook.sh");
    assert!(runbook.contains("--nat-gateway \"${NAT_GATEWAY_NAME}\""));
    assert!(runbook.contains("--default-outbound-access false"));
    assert!(!runbook.contains("FIREWALL") && !runbook.contains("HUB_VNET_NAME"));
}

/// Availability zones (issue 11 item 20): Azure makes a zone-less firewall and Standard public
/// IP zone-redundant where the region has zones and advises against naming zones, so neither
/// path names any, and the README says why.
#[test]
fn firewall_and_public_ips_name_no_zones() {
    for bp in ["hub-spoke", "exfiltration-prevention"] {
        let bicep = artifact(bp, &[], "modules/hubNetwork.bicep");
        assert!(!bicep.contains("zones:"), "{bp}");
        let runbook = artifact(bp, &[], "runbook.sh");
        assert!(
            !runbook.contains("--zone ") && !runbook.contains("--zones "),
            "{bp}"
        );
        let readme = artifact(bp, &[], "README.md");
        assert!(readme.contains("zone-redundant by default"), "{bp}");
    }
}

/// `--set`s that add AKS for scoring to a customer-VNet blueprint.
const AKS: [&str; 2] = [
    "inference.kubernetes.compute_name=aks-score",
    "inference.kubernetes.tls.cname=scoring.contoso.example",
];

/// AKS with byo-hub, whose hub (10.0.0.0/22) overlaps AKS's service range: the hub moved.
const AKS_BYO_HUB: [&str; 4] = [
    AKS[0],
    AKS[1],
    "network.hub.address_space=[10.1.0.0/22]",
    "network.hub.existing.firewall_private_ip=10.1.0.4",
];

/// The text of a Bicep block: from the line holding `start` to the next line that is `}` at the
/// start's indentation.
fn bicep_block<'a>(text: &'a str, start: &str) -> &'a str {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in {text}"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    let indent = &indent[..indent.len() - indent.trim_start().len()];
    let end = text[at..]
        .find(&format!("\n{indent}}}"))
        .map_or(text.len(), |i| at + i);
    &text[at..end]
}

/// AKS for scoring: the scoring subnet (the cluster's nodes) routes through a route table of its
/// own with the default route to the firewall and nothing else, on every path that creates the
/// training subnet's table. The training table's Internet routes for public-IP compute
/// (AzureMachineLearning, BatchNodeManagement) would let the cluster's traffic to those tags
/// bypass the firewall; AKS's outbound type userDefinedRouting needs the 0.0.0.0/0 route on the
/// subnet's table before the cluster exists.
#[test]
fn the_scoring_subnet_routes_through_a_table_of_its_own() {
    let hub_max = "tests/fixtures/blueprints/hub-max.yaml";
    let public_ip = [AKS[0], AKS[1], "compute.cluster.public_ip=true"];
    for (bp, sets, training_name, scoring_name) in [
        (hub_max, &[][..], "rt-hub-max-spoke", "rt-hub-max-scoring"),
        (
            "hub-spoke",
            &public_ip[..],
            "rt-aml-hs-spoke",
            "rt-aml-hs-scoring",
        ),
        (
            "exfiltration-prevention",
            &AKS[..],
            "rt-aml-exf-spoke",
            "rt-aml-exf-scoring",
        ),
        (
            "tests/fixtures/blueprints/byo-hub.yaml",
            &AKS_BYO_HUB[..],
            "rt-byo-hub-spoke",
            "rt-byo-hub-scoring",
        ),
    ] {
        let m = model(bp, sets);
        let n = m.network.as_ref().unwrap();
        let table = |role: &str| {
            let s = n.spoke.subnets.iter().find(|s| s.role == role).unwrap();
            &n.route_tables[s
                .route_table
                .unwrap_or_else(|| panic!("{bp}: {role} has no table"))]
        };
        let (training, scoring) = (table("training"), table("scoring"));
        assert_eq!(
            (training.name.as_str(), scoring.name.as_str()),
            (training_name, scoring_name),
            "{bp}"
        );
        let routes: Vec<_> = scoring
            .routes
            .iter()
            .map(|r| {
                (
                    r.address_prefix.literal.as_str(),
                    r.next_hop_type,
                    r.via_firewall,
                )
            })
            .collect();
        assert_eq!(routes, [("0.0.0.0/0", "VirtualAppliance", true)], "{bp}");
        let k = m.inference.kubernetes.as_ref().unwrap();
        assert_eq!(k.outbound_type, "userDefinedRouting", "{bp}");
        assert_eq!(k.route_table.as_deref(), Some(scoring_name), "{bp}");

        // Bicep: the scoring subnet names its own table, which has no Internet route.
        let spoke = artifact(bp, sets, "modules/spokeNetwork.bicep");
        let scoring_table = bicep_block(&spoke, "resource scoringRouteTable ");
        assert!(
            scoring_table.contains("nextHopIpAddress: firewallPrivateIp"),
            "{bp}"
        );
        assert!(
            !scoring_table.contains("'Internet'"),
            "{bp}: {scoring_table}"
        );
        let subnet = bicep_block(&spoke, "name: 'snet-scoring'");
        assert!(
            subnet.contains("id: scoringRouteTable.id"),
            "{bp}: {subnet}"
        );
        assert!(bicep_block(&spoke, "name: 'snet-training'").contains("id: routeTable.id"));
        // The cluster takes the subnet from the spoke module, so it comes after the table.
        let main = artifact(bp, sets, "main.bicep");
        assert!(
            main.contains("subnetId: spokeNetwork.outputs.scoringSubnetId"),
            "{bp}"
        );
        assert!(
            main.contains("scoringRouteTableName: scoringRouteTableName"),
            "{bp}"
        );
        let params = artifact(bp, sets, "main.parameters.json");
        assert!(
            params.contains(&format!("\"value\": \"{scoring_name}\"")),
            "{bp}"
        );

        // runbook.sh: the table, its one route, the subnet's association, all before the cluster.
        let sh = artifact(bp, sets, "runbook.sh");
        assert!(
            sh.contains(&format!(
                "SCORING_ROUTE_TABLE_NAME=${{SCORING_ROUTE_TABLE_NAME:-{scoring_name}}}"
            )),
            "{bp}"
        );
        let scoring_routes: Vec<&str> = sh
            .split("az network route-table route create")
            .skip(1)
            .filter(|c| c.contains("--route-table-name \"${SCORING_ROUTE_TABLE_NAME}\""))
            .collect();
        assert_eq!(scoring_routes.len(), 1, "{bp}");
        assert!(
            scoring_routes[0].contains("--next-hop-type VirtualAppliance"),
            "{bp}"
        );
        let subnet_create = sh
            .split("az network vnet subnet create")
            .find(|c| {
                c.split("--name ")
                    .nth(1)
                    .is_some_and(|n| n.starts_with("snet-scoring"))
            })
            .unwrap();
        assert!(
            subnet_create.contains("--route-table \"${SCORING_ROUTE_TABLE_NAME}\""),
            "{bp}"
        );
        let table_at = sh.find("--name \"${SCORING_ROUTE_TABLE_NAME}\"").unwrap();
        assert!(table_at < sh.find("az aks create").unwrap(), "{bp}");
    }
    // runbook.ps1 (hub-max has none: policy): the same table, PUT before the VNet and the cluster.
    let ps = artifact("hub-spoke", &public_ip, "runbook.ps1");
    let put = ps
        .find("routeTables/rt-aml-hs-scoring'")
        .expect("runbook.ps1 creates the scoring route table");
    let body_line = ps[put..].lines().find(|l| l.contains("-Body")).unwrap();
    assert!(
        body_line.contains("\"0.0.0.0/0\"") && !body_line.contains("Internet"),
        "{body_line}"
    );
    let vnet = ps.find("virtualNetworks/vnet-aml-hs-spoke'").unwrap();
    assert!(put < vnet && vnet < ps.find("managedClusters/aks-aml-hs'").unwrap());
    assert!(ps.contains("\"routeTable\":{\"id\":\"<amlgen:scope>/providers/Microsoft.Network/routeTables/rt-aml-hs-scoring\"}"));
}

/// With NAT gateway egress (no-firewall, the aks-nat fixture) there is no route table at all:
/// the scoring subnet leaves through the NAT gateway (outbound type userAssignedNATGateway), as
/// the training subnet does, with default outbound access off. An existing spoke gets no table.
#[test]
fn the_scoring_subnet_leaves_through_the_nat_gateway_without_a_firewall() {
    for (bp, sets) in [
        ("tests/fixtures/blueprints/aks-nat.yaml", &[][..]),
        ("no-firewall", &AKS[..]),
    ] {
        let m = model(bp, sets);
        let n = m.network.as_ref().unwrap();
        assert!(n.route_tables.is_empty(), "{bp}");
        let scoring = n
            .spoke
            .subnets
            .iter()
            .find(|s| s.role == "scoring")
            .unwrap();
        assert!(scoring.nat_gateway && scoring.route_table.is_none(), "{bp}");
        assert_eq!(scoring.default_outbound_access, Some(false), "{bp}");
        let k = m.inference.kubernetes.as_ref().unwrap();
        assert_eq!(
            (k.outbound_type, k.route_table.as_deref()),
            ("userAssignedNATGateway", None)
        );
        let spoke = artifact(bp, sets, "modules/spokeNetwork.bicep");
        assert!(!spoke.contains("routeTable"), "{bp}");
        assert!(bicep_block(&spoke, "name: 'snet-scoring'").contains("id: natGateway.id"));
    }
    let n = model("tests/fixtures/blueprints/byo-max.yaml", &[])
        .network
        .unwrap();
    assert!(n.route_tables.is_empty() && n.spoke.subnets.is_empty());
}

/// The AKS cluster's firewall rules (catalog/firewall.yaml `feature: kubernetes`) let traffic out
/// from the scoring subnet alone, on every path (model, hubNetwork.bicep, the rule collection
/// group runbook.sh and runbook.ps1 PUT, the README); every other rule from the spoke.
#[test]
fn the_aks_firewall_rules_come_from_the_scoring_subnet_alone() {
    use amlgen::catalog::{Catalog, Feature};
    use amlgen::plan::model::RuleSource;
    let kubernetes: Vec<&str> = Catalog::get()
        .firewall
        .application_rules
        .iter()
        .filter(|r| r.feature == Some(Feature::Kubernetes))
        .map(|r| r.name.as_str())
        .collect();
    for (bp, sets) in [
        ("tests/fixtures/blueprints/hub-max.yaml", &[][..]),
        ("hub-spoke", &AKS[..]),
        ("exfiltration-prevention", &AKS[..]),
        ("tests/fixtures/blueprints/byo-hub.yaml", &AKS_BYO_HUB[..]),
    ] {
        let m = model(bp, sets);
        let n = m.network.as_ref().unwrap();
        let scoring = &n
            .spoke
            .subnets
            .iter()
            .find(|s| s.role == "scoring")
            .unwrap()
            .prefix;
        let (network_rules, application_rules) = match (&n.firewall, &n.existing_hub) {
            (Some(f), _) => (&f.network_rules, &f.application_rules),
            (None, Some(h)) => (&h.network_rules, &h.application_rules),
            _ => panic!("{bp}: no firewall rules"),
        };
        let mut aks = 0;
        for r in application_rules {
            if kubernetes.contains(&r.name.as_str()) {
                aks += 1;
                assert_eq!(r.source, RuleSource::Scoring, "{bp} {}", r.name);
                assert_eq!(
                    r.source_addresses,
                    std::slice::from_ref(scoring),
                    "{bp} {}",
                    r.name
                );
            } else {
                assert_eq!(r.source, RuleSource::Spoke, "{bp} {}", r.name);
                assert_eq!(
                    r.source_addresses, n.spoke.address_prefixes,
                    "{bp} {}",
                    r.name
                );
            }
        }
        assert!(aks >= 3, "{bp}: {aks} AKS rules");
        for r in network_rules {
            assert_eq!(
                r.source_addresses, n.spoke.address_prefixes,
                "{bp} {}",
                r.name
            );
        }
        let readme = artifact(bp, sets, "README.md");
        assert!(
            readme.contains("| `aks-required` | application (AKS, scoring subnet only) |"),
            "{bp}"
        );
        assert!(
            readme.contains(&format!("rules from the scoring subnet ({scoring}) alone"))
                || readme.contains(&format!("the scoring subnet\n({scoring}) alone")),
            "{bp}"
        );
        let Some(fw) = &n.firewall else {
            continue;
        };
        assert_eq!(fw.scoring_source.as_ref(), Some(scoring), "{bp}");
        // Bicep: exactly the AKS rules name the scoring subnet's prefix.
        let hub = artifact(bp, sets, "modules/hubNetwork.bicep");
        for r in &fw.application_rules {
            let block = bicep_block(&hub, &format!("name: '{}'", r.name));
            let block = &block[..block.find("targetFqdns").unwrap()];
            assert_eq!(
                block.contains("scoringSubnetPrefix"),
                kubernetes.contains(&r.name.as_str()),
                "{bp} {}: {block}",
                r.name
            );
        }
        assert!(
            artifact(bp, sets, "main.bicep").contains(
                "sourceAddressPrefixes: spokeAddressPrefixes\n    scoringSubnetPrefix: scoringSubnetPrefix"
            ),
            "{bp}"
        );
        // The runbook's rule collection group body, one JSON document.
        let sh = artifact(bp, sets, "runbook.sh");
        let aks_rule = format!("\\\"name\\\":\\\"aks-required\\\",\\\"protocols\\\":[{{\\\"protocolType\\\":\\\"Https\\\",\\\"port\\\":443}}],\\\"sourceAddresses\\\":[\\\"{scoring}\\\"]");
        assert!(sh.contains(&aks_rule), "{bp}: runbook.sh lacks {aks_rule}");
    }
    // Without AKS no rule has the scoring subnet as its source, and Bicep takes no prefix for it.
    let m = model("hub-spoke", &[]);
    let fw = m.network.as_ref().unwrap().firewall.as_ref().unwrap();
    assert!(fw.scoring_source.is_none());
    assert!(fw
        .application_rules
        .iter()
        .all(|r| r.source == RuleSource::Spoke));
    assert!(!artifact("hub-spoke", &[], "modules/hubNetwork.bicep").contains("scoringSubnetPrefix"));
}

/// The AKS rules name every host of the AKS doc's "Azure Global required FQDN / application
/// rules" table a private cluster needs (`*.hcp.<location>.azmk8s.io` serves public API servers
/// only) and the cluster extensions' configuration host (catalog source aks_outbound_rules).
#[test]
fn the_aks_rules_name_every_host_the_aks_doc_requires() {
    let m = model("hub-spoke", &AKS);
    let fw = m.network.as_ref().unwrap().firewall.as_ref().unwrap();
    let fqdns: Vec<&str> = fw
        .application_rules
        .iter()
        .filter(|r| r.source == amlgen::plan::model::RuleSource::Scoring)
        .flat_map(|r| r.fqdns.iter().map(|f| f.literal.as_str()))
        .collect();
    for host in [
        "mcr.microsoft.com",
        "*.data.mcr.microsoft.com",
        "mcr-0001.mcr-msedge.net",
        "management.azure.com",
        "login.microsoftonline.com",
        "packages.microsoft.com",
        "acs-mirror.azureedge.net",
        "packages.aks.azure.com",
        "eastus.dp.kubernetesconfiguration.azure.com",
        "*.ingestion.msftcloudes.com",
        "*.microsoftmetrics.com",
    ] {
        assert!(
            fqdns.contains(&host),
            "no AKS rule allows {host}: {fqdns:?}"
        );
    }
    // Exfiltration prevention leaves the extension agents' metrics wildcards out.
    let m = model("exfiltration-prevention", &AKS);
    let fw = m.network.as_ref().unwrap().firewall.as_ref().unwrap();
    assert!(fw.application_rules.iter().any(|r| r
        .fqdns
        .iter()
        .any(|f| f.literal == "packages.aks.azure.com")));
    assert!(!fw
        .application_rules
        .iter()
        .any(|r| r.name == "aks-cluster-extension-metrics"));
}
