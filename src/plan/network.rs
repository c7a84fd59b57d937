//! The hub-spoke network: address plan, firewall rules for the architecture (from
//! catalog/firewall.yaml and the package allowances), NSG rules, routes and the service
//! endpoint policy of exfiltration prevention.

use super::model::*;
use super::zones;
use crate::analyze::address_plan::{
    subnet_name, BASTION_SUBNET, DNS_RESOLVER_DELEGATION, DNS_RESOLVER_SUBNET,
    FIREWALL_MANAGEMENT_SUBNET, GATEWAY_SUBNET,
};
use crate::analyze::{CustomerEgress, CustomerVnet};
use crate::blueprint::{Blueprint, FirewallSku};
use crate::catalog::{Architecture, Catalog, Feature};
use crate::naming::Names;
use crate::net::usable_addresses;

/// The rule collection group amlgen owns in the firewall policy; other groups (a platform team's)
/// are left alone by both deployment paths.
pub const RULE_COLLECTION_GROUP: &str = "azure-machine-learning";

fn arch_of(customer: &CustomerVnet) -> Architecture {
    match &customer.egress {
        CustomerEgress::Firewall(h) if h.exfiltration_prevention => {
            Architecture::ExfiltrationPrevention
        }
        CustomerEgress::ExistingFirewall(h) if h.exfiltration_prevention => {
            Architecture::ExfiltrationPrevention
        }
        CustomerEgress::Firewall(_) | CustomerEgress::ExistingFirewall(_) => Architecture::HubSpoke,
        CustomerEgress::NatGateway => Architecture::NoFirewall,
    }
}

pub fn plan(
    bp: &Blueprint,
    names: &Names,
    packages: &[PackageModel],
    customer: &CustomerVnet,
) -> Option<NetworkModel> {
    let net = bp.network.as_ref()?;
    let n = names.network.as_ref()?;
    let cat = Catalog::get();
    let cloud = cat.cloud(bp.cloud.as_str());
    let fw = &cat.firewall;
    let arch = arch_of(customer);
    let exfil = arch == Architecture::ExfiltrationPrevention;
    let hub = match &customer.egress {
        CustomerEgress::Firewall(h) => Some(h),
        CustomerEgress::ExistingFirewall(_) | CustomerEgress::NatGateway => None,
    };
    let existing_hub = match &customer.egress {
        CustomerEgress::ExistingFirewall(h) => Some(h),
        CustomerEgress::Firewall(_) | CustomerEgress::NatGateway => None,
    };
    // Egress through a firewall, amlgen's or the landing zone's.
    let firewall = hub.is_some() || existing_hub.is_some();
    let nat = !firewall;
    let basic = hub.is_some_and(|h| h.firewall_sku == FirewallSku::Basic);
    let t = |s: &str| zones::text(s, cloud, &bp.location);

    let hub_prefix = |key: &str| {
        hub.and_then(|h| {
            h.subnets
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, p)| p.to_string())
        })
    };
    let spoke_plan = &customer.spoke_subnets;
    let existing_spoke = customer.existing_spoke.as_ref();
    // Firewall rules let traffic out from the spoke, except the AKS cluster's: from the scoring
    // subnet alone, where the cluster is (an existing spoke has none, and no cluster).
    let spoke_sources = net.spoke.address_space.clone();
    let scoring_prefix = spoke_plan
        .iter()
        .find(|(role, _)| role == "scoring")
        .map(|(_, p)| p.to_string());
    let source_of = |source: RuleSource| match source {
        RuleSource::Spoke => spoke_sources.clone(),
        RuleSource::Scoring => scoring_prefix.iter().cloned().collect(),
    };

    // Firewall rules for this architecture.
    let mut omitted = Vec::new();
    // With a Monitor private link scope the AzureMonitor tag would only be a way out to other
    // tenants' workspaces: its rule goes from the firewall and, with it, from the NSGs.
    let monitor_private = super::private::monitor_private_link(bp);
    let mut network_rules: Vec<FirewallNetworkRuleModel> = fw
        .network_rules
        .iter()
        .filter(|r| r.architectures.contains(&arch))
        .filter(|r| !(monitor_private && r.without_monitor_private_link))
        .map(|r| FirewallNetworkRuleModel {
            name: r.name.clone(),
            protocols: r.protocols.clone(),
            source: RuleSource::Spoke,
            source_addresses: source_of(RuleSource::Spoke),
            destination_addresses: r.service_tag.iter().map(|s| t(s)).collect(),
            destination_fqdns: Vec::new(),
            ports: r.ports.clone(),
        })
        .collect();
    for r in fw
        .fqdn_network_rules
        .iter()
        .filter(|r| r.architectures.contains(&arch))
    {
        if basic {
            // FQDNs in network rules need DNS proxy, which Basic does not have.
            omitted.push(format!(
                "network rule `{}` ({} {}/{}): FQDNs in network rules need DNS proxy, which the Basic SKU lacks",
                r.name,
                t(r.fqdn.as_deref().unwrap_or_default()).literal,
                r.protocols.join(","),
                r.ports.join(",")
            ));
            continue;
        }
        network_rules.push(FirewallNetworkRuleModel {
            name: r.name.clone(),
            protocols: r.protocols.clone(),
            source: RuleSource::Spoke,
            source_addresses: source_of(RuleSource::Spoke),
            destination_addresses: Vec::new(),
            destination_fqdns: r.fqdn.iter().map(|s| t(s)).collect(),
            ports: r.ports.clone(),
        });
    }
    let app_protocols = |ports: &[u16]| {
        ports
            .iter()
            .map(|p| AppProtocol {
                kind: if *p == 80 { "Http" } else { "Https" },
                port: *p,
            })
            .collect::<Vec<_>>()
    };
    // The cluster goes in the scoring subnet; without one (an existing spoke) there is none.
    let kubernetes = bp.inference.kubernetes.is_some() && scoring_prefix.is_some();
    let mut application_rules: Vec<FirewallApplicationRuleModel> = fw
        .application_rules
        .iter()
        .filter(|r| r.architectures.contains(&arch))
        .filter(|r| match r.feature {
            None => true,
            Some(Feature::Kubernetes) => kubernetes,
        })
        .map(|r| {
            let source = match r.feature {
                None => RuleSource::Spoke,
                Some(Feature::Kubernetes) => RuleSource::Scoring,
            };
            FirewallApplicationRuleModel {
                name: r.name.clone(),
                source,
                source_addresses: source_of(source),
                fqdns: r.fqdns.iter().map(|f| t(f)).collect(),
                protocols: app_protocols(&r.ports),
                package: false,
            }
        })
        .collect();
    for p in packages {
        application_rules.push(FirewallApplicationRuleModel {
            name: format!("packages-{}", p.key.replace('_', "-")),
            source: RuleSource::Spoke,
            source_addresses: source_of(RuleSource::Spoke),
            fqdns: p.destinations.iter().map(|d| t(d)).collect(),
            protocols: app_protocols(&[443]),
            package: true,
        });
    }

    // Compute with a public IP needs inbound from Azure ML and routes that skip the firewall.
    let public_ip = bp.compute.cluster.as_ref().is_some_and(|c| c.public_ip)
        || bp.compute.instance.as_ref().is_some_and(|c| c.public_ip);
    let default_route = RouteModel {
        name: "default-via-firewall".into(),
        address_prefix: t("0.0.0.0/0"),
        next_hop_type: "VirtualAppliance",
        via_firewall: true,
    };
    // The scoring subnet's table: the default route alone. Its compute (the AKS cluster) has no
    // public IP, and the training table's Internet routes would let its traffic to those tags
    // bypass the firewall. AKS's outbound type userDefinedRouting needs the 0.0.0.0/0 route on
    // the subnet's table before the cluster is created (aks_outbound_type).
    let scoring_routes = vec![default_route.clone()];
    let mut routes = vec![default_route];
    if public_ip {
        for tag in &fw.public_ip_compute.internet_routes {
            let text = t(tag);
            routes.push(RouteModel {
                name: text.literal.replace('.', "-").to_ascii_lowercase(),
                address_prefix: text,
                next_hop_type: "Internet",
                via_firewall: false,
            });
        }
    }

    let compute_rules = |role: &str, prefix: &str| -> Vec<NsgRuleModel> {
        let mut v = Vec::new();
        if role == "pe" {
            return v;
        }
        if public_ip && role == "training" {
            let inbound = &fw.public_ip_compute.inbound;
            v.push(NsgRuleModel {
                name: "allow-azureml-inbound".into(),
                priority: 100,
                direction: "Inbound",
                access: "Allow",
                protocol: inbound.protocol.clone(),
                source: t(&inbound.service_tag),
                destination: t("VirtualNetwork"),
                destination_ports: vec![inbound.port.clone()],
                description:
                    "Azure Machine Learning manages computes that have a public IP on port 44224."
                        .into(),
            });
        }
        // Outbound allow rule for one service tag of a firewall network rule; region-free
        // wording, as the Bicep holds no region literal. Shared by both NSG-filtered egresses.
        let service_tag_rule =
            |r: &FirewallNetworkRuleModel, d: &zones::Text, priority| NsgRuleModel {
                name: format!("allow-{}", r.name),
                priority,
                direction: "Outbound",
                access: "Allow",
                protocol: nsg_protocol(&r.protocols),
                source: t("VirtualNetwork"),
                destination: d.clone(),
                destination_ports: r.ports.clone(),
                description: format!(
                    "Required by Azure Machine Learning ({}).",
                    region_free(&d.template, cloud)
                ),
            };
        if nat {
            // No firewall: the NSG is the only filter. It allows the service tags Azure Machine
            // Learning needs, the ports it reaches by host name and HTTPS (hosts reached by name:
            // studio, Entra ID, package repositories), and denies the rest of the Internet.
            let mut priority = 200;
            for r in &network_rules {
                for d in &r.destination_addresses {
                    v.push(service_tag_rule(r, d, priority));
                    priority += 10;
                }
                if !r.destination_fqdns.is_empty() {
                    v.push(NsgRuleModel {
                        name: format!("allow-{}", r.name),
                        priority,
                        direction: "Outbound",
                        access: "Allow",
                        protocol: nsg_protocol(&r.protocols),
                        source: t("VirtualNetwork"),
                        destination: t("Internet"),
                        destination_ports: r.ports.clone(),
                        description: format!(
                            "To {}: an NSG cannot name a host, so the port is open to the Internet.",
                            r.destination_fqdns
                                .iter()
                                .map(|d| region_free(&d.template, cloud))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                    priority += 10;
                }
            }
            v.push(NsgRuleModel {
                name: "allow-https-internet".into(),
                priority,
                direction: "Outbound",
                access: "Allow",
                protocol: "Tcp".into(),
                source: t("VirtualNetwork"),
                destination: t("Internet"),
                destination_ports: vec!["443".into()],
                description: "HTTPS to hosts Azure Machine Learning and the allowed packages reach by name, through the NAT gateway.".into(),
            });
            v.push(NsgRuleModel {
                name: "deny-internet-outbound".into(),
                priority: 4000,
                direction: "Outbound",
                access: "Deny",
                protocol: "*".into(),
                source: t("VirtualNetwork"),
                destination: t("Internet"),
                destination_ports: vec!["*".into()],
                description: "Nothing else leaves for the Internet.".into(),
            });
        }
        if exfil {
            // The firewall is the egress filter; NSGs cannot say "via the firewall" (they see
            // the final destination), so they allow what the firewall allows by service tag and
            // deny the rest of the Internet. Package allowances need HTTPS to the Internet, which
            // the firewall then filters by host name.
            let mut priority = 200;
            for r in &network_rules {
                for d in &r.destination_addresses {
                    v.push(service_tag_rule(r, d, priority));
                    priority += 10;
                }
            }
            // Network rules by host name (UDP 5831 to the region's tundra host): the NSG cannot
            // name the host, so it lets the port out towards the firewall, which checks the name.
            for r in network_rules
                .iter()
                .filter(|r| !r.destination_fqdns.is_empty())
            {
                v.push(NsgRuleModel {
                    name: format!("allow-{}-via-firewall", r.name),
                    priority,
                    direction: "Outbound",
                    access: "Allow",
                    protocol: nsg_protocol(&r.protocols),
                    source: t("VirtualNetwork"),
                    destination: t("Internet"),
                    destination_ports: r.ports.clone(),
                    description: format!(
                        "To {} through the firewall, which allows that host only.",
                        r.destination_fqdns
                            .iter()
                            .map(|d| region_free(&d.template, cloud))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                priority += 10;
            }
            if !packages.is_empty() || application_rules.iter().any(|a| !a.package) {
                v.push(NsgRuleModel {
                    name: "allow-https-to-firewall-filtered-hosts".into(),
                    priority,
                    direction: "Outbound",
                    access: "Allow",
                    protocol: "Tcp".into(),
                    source: t("VirtualNetwork"),
                    destination: t("Internet"),
                    destination_ports: vec!["443".into()],
                    description: "HTTPS leaves only through the firewall (route 0.0.0.0/0), whose application rules allow named hosts only.".into(),
                });
            }
            v.push(NsgRuleModel {
                name: "deny-internet-outbound".into(),
                priority: 4000,
                direction: "Outbound",
                access: "Deny",
                protocol: "*".into(),
                source: t("VirtualNetwork"),
                destination: t("Internet"),
                destination_ports: vec!["*".into()],
                description: "Exfiltration prevention: nothing else leaves for the Internet."
                    .into(),
            });
        }
        // Training compute takes no inbound traffic beyond its own subnet. The scoring subnet is
        // where inference serves clients (an AKS internal load balancer), so it keeps Azure's
        // default inbound rules until amlgen renders what runs there.
        if role == "training" {
            v.extend(inbound_end(role, prefix, &fw.compute_inbound, &t));
        }
        v
    };

    let nsg_name = |role: &str| match role {
        "training" => n.nsg_training.value.clone(),
        "scoring" => n.nsg_scoring.value.clone(),
        _ => n.nsg_pe.value.clone(),
    };
    // Each compute subnet of a spoke created here routes through the firewall with a table of
    // its own; an existing spoke's routes are its owner's.
    let route_tables: Vec<RouteTableModel> = if firewall && existing_spoke.is_none() {
        vec![
            RouteTableModel {
                role: "training",
                name: n.route_table.value.clone(),
                routes,
                bicep_symbol: String::new(),
                bicep_name_param: String::new(),
                shell_var: String::new(),
            },
            RouteTableModel {
                role: "scoring",
                name: n.route_table_scoring.value.clone(),
                routes: scoring_routes,
                bicep_symbol: String::new(),
                bicep_name_param: String::new(),
                shell_var: String::new(),
            },
        ]
    } else {
        Vec::new()
    };
    let subnets = spoke_plan
        .iter()
        .map(|(role, prefix)| {
            let role: &'static str = match role.as_str() {
                "training" => "training",
                "scoring" => "scoring",
                _ => "pe",
            };
            let compute = role != "pe";
            SubnetModel {
                role,
                name: subnet_name(role).to_string(),
                prefix: prefix.to_string(),
                nsg_name: nsg_name(role),
                nsg_rules: compute_rules(role, &prefix.to_string()),
                route_table: route_tables.iter().position(|rt| rt.role == role),
                nat_gateway: compute && nat,
                // New subnets have had no default outbound access since 30 September 2025;
                // with a NAT gateway amlgen says so explicitly, so egress is the gateway alone.
                default_outbound_access: nat.then_some(false),
                storage_service_endpoint: exfil && compute,
                service_endpoint_policy: exfil && compute,
                private_endpoints: !compute,
                usable: usable_addresses(prefix),
            }
        })
        .collect();

    // Before the firewall model takes the rules: only one of the two exists.
    let existing_hub_model = existing_hub.map(|h| ExistingHubModel {
        vnet_id: h.vnet.vnet_id(),
        vnet_name: h.vnet.vnet.clone(),
        subscription: h.vnet.subscription.clone(),
        resource_group: h.vnet.resource_group.clone(),
        firewall_private_ip: h.firewall_ip.to_string(),
        address_prefixes: net
            .hub
            .as_ref()
            .map(|h| h.address_space.clone())
            .unwrap_or_default(),
        network_rules: network_rules.clone(),
        application_rules: application_rules.clone(),
    });

    Some(NetworkModel {
        exfiltration_prevention: exfil,
        hub: hub.zip(net.hub.as_ref()).map(|(h, hub_bp)| HubModel {
            vnet_name: n.hub_vnet.value.clone(),
            address_prefixes: hub_bp.address_space.clone(),
            firewall_subnet: h.firewall_subnet.to_string(),
            firewall_management_subnet: hub_prefix(FIREWALL_MANAGEMENT_SUBNET),
            bastion: hub_prefix(BASTION_SUBNET).map(|subnet| BastionModel {
                name: n.bastion.value.clone(),
                public_ip: n.bastion_public_ip.value.clone(),
                subnet,
                api_version: cat.api_versions["bastion"].version.clone(),
                sku: super::default_str("bastion_sku"),
                body_shell: String::new(),
            }),
            gateway_subnet: hub_prefix(GATEWAY_SUBNET),
            subnets: h
                .subnets
                .iter()
                .map(|(name, prefix)| HubSubnetModel {
                    name: name.clone(),
                    prefix: prefix.to_string(),
                    delegation: (name == DNS_RESOLVER_SUBNET)
                        .then(|| DNS_RESOLVER_DELEGATION.to_string()),
                })
                .collect(),
            dns_resolver: hub_prefix(DNS_RESOLVER_SUBNET).map(|subnet| DnsResolverModel {
                name: n.dns_resolver.value.clone(),
                inbound_endpoint: n.dns_resolver_inbound.value.clone(),
                subnet_name: DNS_RESOLVER_SUBNET.to_string(),
                subnet,
                api_version: cat.api_versions["dns_resolver"].version.clone(),
                body_shell: String::new(),
                inbound_endpoint_body_shell: String::new(),
            }),
        }),
        spoke: SpokeModel {
            vnet_name: existing_spoke
                .map(|e| e.training.vnet.clone())
                .unwrap_or_else(|| n.spoke_vnet.value.clone()),
            address_prefixes: net.spoke.address_space.clone(),
            subnets,
            dns_via_firewall: hub.is_some() && !basic,
            dns_servers: net.dns_servers.clone(),
        },
        firewall: hub.map(|_| FirewallModel {
            name: n.firewall.value.clone(),
            policy_name: n.firewall_policy.value.clone(),
            tier: if basic { "Basic" } else { "Standard" }.into(),
            dns_proxy: !basic,
            threat_intel_mode: if basic { "Alert" } else { "Deny" },
            public_ip: n.firewall_public_ip.value.clone(),
            management_public_ip: basic.then(|| n.firewall_management_public_ip.value.clone()),
            rule_collection_group: RuleCollectionGroupModel {
                name: RULE_COLLECTION_GROUP.to_string(),
                priority: 200,
                network_collection: RuleCollectionModel {
                    name: "aml-network".into(),
                    priority: 100,
                },
                application_collection: RuleCollectionModel {
                    name: "aml-application".into(),
                    priority: 200,
                },
                api_version: cat.api_versions["firewall_rule_collection_group"]
                    .version
                    .clone(),
                body_shell: String::new(),
            },
            scoring_source: application_rules
                .iter()
                .any(|r| r.source == RuleSource::Scoring)
                .then(|| scoring_prefix.clone())
                .flatten(),
            network_rules,
            application_rules,
            omitted,
            tag_covered: fw
                .covered_by_service_tag
                .iter()
                .map(|h| TagCoveredModel {
                    host: t(&h.host).literal,
                    protocols: h.protocols.clone(),
                    ports: h.ports.clone(),
                    rule: h.rule.clone(),
                })
                .collect(),
            browser_only: fw.browser_only_hosts.hosts.clone(),
        }),
        route_tables,
        // An existing spoke's peering is its owner's.
        peering: (firewall && existing_spoke.is_none()).then(|| PeeringModel {
            hub_to_spoke: n.peering_hub_to_spoke.value.clone(),
            spoke_to_hub: n.peering_spoke_to_hub.value.clone(),
            hub_side: hub.is_some(),
            // A gateway amlgen creates (way_in.vpn) serves the spoke too: its VPN clients reach
            // the spoke's private endpoints only over gateway transit.
            gateway_transit: net.hub.as_ref().is_some_and(|h| h.gateway_transit)
                || bp.way_in.vpn.is_some(),
        }),
        nat_gateway: nat.then(|| NatGatewayModel {
            name: n.nat_gateway.value.clone(),
            public_ip: n.nat_gateway_public_ip.value.clone(),
        }),
        existing_hub: existing_hub_model,
        existing_spoke: existing_spoke.map(|e| existing_spoke_model(e, existing_hub)),
        service_endpoint_policy: exfil.then(|| ServiceEndpointPolicyModel {
            name: n.service_endpoint_policy.value.clone(),
            api_version: cat.api_versions["service_endpoint_policy"].version.clone(),
            storage_service: fw.service_endpoint_policy.storage_service.clone(),
            alias: fw.service_endpoint_policy.alias.clone(),
            alias_service: fw.service_endpoint_policy.alias_service.clone(),
            definition_body_shell: String::new(),
        }),
    })
}

/// An existing spoke, and what its subnets must already have for Azure Machine Learning
/// (catalog/firewall.yaml `existing_subnet_checks`), each read back before deploying.
fn existing_spoke_model(
    e: &crate::analyze::ExistingSpokePlan,
    hub: Option<&crate::analyze::ExistingHubPlan>,
) -> ExistingSpokeModel {
    let training_id = format!(
        "{}/subnets/{}",
        e.training.vnet_id(),
        e.training.subnet.clone().unwrap_or_default()
    );
    let pe_id = format!(
        "{}/subnets/{}",
        e.pe.vnet_id(),
        e.pe.subnet.clone().unwrap_or_default()
    );
    let fw_ip = hub.map(|h| h.firewall_ip.to_string()).unwrap_or_default();
    let checks = Catalog::get()
        .firewall
        .existing_subnet_checks
        .iter()
        .map(|c| SubnetCheckModel {
            subnet: if c.subnet == "pe" { "pe" } else { "training" },
            subnet_id: if c.subnet == "pe" {
                pe_id.clone()
            } else {
                training_id.clone()
            },
            requirement: c.requirement.replace("{firewall_ip}", &fw_ip),
            property: c.property.clone(),
            test: c.test.clone(),
            value: c.value.clone(),
            cli_query: String::new(),
        })
        .collect();
    ExistingSpokeModel {
        vnet_id: e.training.vnet_id(),
        vnet_name: e.training.vnet.clone(),
        training_subnet_name: e.training.subnet.clone().unwrap_or_default(),
        training_subnet_id: training_id,
        pe_subnet_name: e.pe.subnet.clone().unwrap_or_default(),
        pe_subnet_id: pe_id,
        training_prefix: e.training_prefix.map(|p| p.to_string()),
        pe_prefix: e.pe_prefix.map(|p| p.to_string()),
        checks,
        vnet_api_version: Catalog::get().api_versions["virtual_network"]
            .version
            .clone(),
        route_table_api_version: Catalog::get().api_versions["route_table"].version.clone(),
    }
}

/// A catalog value for prose that must not name the region (descriptions in Bicep, which stays
/// the same whatever the region): `BatchNodeManagement.{region}` -> `BatchNodeManagement.<region>`.
fn region_free(template: &str, cloud: &crate::catalog::Cloud) -> String {
    cloud.fill(template).replace("{region}", "<region>")
}

/// The explicit end of a compute subnet's inbound rules, after what Azure Machine Learning
/// needs: the subnet to itself, the load balancer's probes, then deny everything else.
fn inbound_end(
    role: &str,
    prefix: &str,
    facts: &crate::catalog::ComputeInbound,
    t: &dyn Fn(&str) -> zones::Text,
) -> [NsgRuleModel; 3] {
    let own = zones::subnet_prefix(role, prefix);
    let rule = |name: &str, priority, access, source, description: &str| NsgRuleModel {
        name: name.into(),
        priority,
        direction: "Inbound",
        access,
        protocol: "*".into(),
        source,
        destination: own.clone(),
        destination_ports: vec!["*".into()],
        description: description.into(),
    };
    let deny = facts.deny_priority;
    [
        rule(
            "allow-subnet-inbound",
            deny - 20,
            "Allow",
            own.clone(),
            "Nodes of this subnet reach each other (multi-node jobs).",
        ),
        rule(
            "allow-load-balancer-inbound",
            deny - 10,
            "Allow",
            t(&facts.load_balancer_tag),
            "Azure load balancer health probes, which the deny below would otherwise block.",
        ),
        rule(
            "deny-all-inbound",
            deny,
            "Deny",
            t("*"),
            "Nothing else reaches compute: not the Internet, not peered, hub or on-premises networks.",
        ),
    ]
}

/// NSG protocol for a firewall rule's protocols: one of Tcp, Udp, or `*`.
fn nsg_protocol(protocols: &[String]) -> String {
    match protocols {
        [p] if p.eq_ignore_ascii_case("tcp") => "Tcp".into(),
        [p] if p.eq_ignore_ascii_case("udp") => "Udp".into(),
        _ => "*".into(),
    }
}
