//! Landing zones: an existing hub or spoke named by resource ID, and custom DNS servers. amlgen
//! cannot read Azure at render time, so what it checks is what the blueprint states: the IDs'
//! type and shape, the addresses, settings that would describe resources amlgen does not
//! create there, and combinations that cannot work (the address overlaps are network.rs's,
//! which also sees the ranges stated for existing VNets).

use crate::analyze::existing;
use crate::blueprint::{Blueprint, Egress, FirewallSku};
use crate::diagnostic::{Code, Diagnostic};
use crate::net::parse_cidr;
use std::net::Ipv4Addr;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(net) = &bp.network else {
        return;
    };
    let hub = net.hub.as_ref();
    let hub_existing = hub.and_then(|h| h.existing.as_ref());

    // AMLG180: IDs of the right type and shape.
    if let Some(e) = hub_existing {
        if existing::parse(&e.vnet_id, false).is_none() {
            out.push(wrong_id(
                "network.hub.existing.vnet_id",
                &e.vnet_id,
                "a VNet",
            ));
        }
    }
    if let Some(e) = &net.spoke.existing {
        let training = existing::parse(&e.training_subnet_id, true);
        let pe = existing::parse(&e.pe_subnet_id, true);
        if training.is_none() {
            out.push(wrong_id(
                "network.spoke.existing.training_subnet_id",
                &e.training_subnet_id,
                "a subnet",
            ));
        }
        if pe.is_none() {
            out.push(wrong_id(
                "network.spoke.existing.pe_subnet_id",
                &e.pe_subnet_id,
                "a subnet",
            ));
        }
        // Compute's VNet is in the workspace's subscription (training_vnet, prerequisites).
        if let (Some(t), Some(sub)) = (&training, &bp.resource_group.subscription_id) {
            if !t.subscription.eq_ignore_ascii_case(sub.as_str()) {
                out.push(
                    Diagnostic::error(Code::ExistingResourceId, "compute's subnet is in another subscription than the workspace")
                        .at_path("network.spoke.existing.training_subnet_id")
                        .with_value(&e.training_subnet_id)
                        .with_help(format!("Azure Machine Learning needs compute's VNet in the workspace's subscription ({}); use a spoke there", sub.as_str())),
                );
            }
        }
        if let (Some(t), Some(p)) = (training, pe) {
            if !t.vnet_id().eq_ignore_ascii_case(&p.vnet_id()) {
                out.push(
                    Diagnostic::error(
                        Code::ExistingResourceId,
                        "the private endpoint subnet is in another VNet than the training subnet",
                    )
                    .at_path("network.spoke.existing.pe_subnet_id")
                    .with_value(&e.pe_subnet_id)
                    .with_help(format!(
                        "give a subnet of {}: compute reaches the endpoints inside its own VNet",
                        t.vnet_id()
                    )),
                );
            }
        }
    }

    // AMLG182: addresses.
    if let (Some(h), Some(e)) = (hub, hub_existing) {
        match e.firewall_private_ip.parse::<Ipv4Addr>() {
            Err(_) => out.push(not_ip(
                "network.hub.existing.firewall_private_ip",
                &e.firewall_private_ip,
            )),
            Ok(ip) => {
                if let Some(why) = not_a_host(ip) {
                    out.push(
                        Diagnostic::error(Code::InvalidIpAddress, format!("the firewall's address is {why}"))
                            .at_path("network.hub.existing.firewall_private_ip")
                            .with_value(&e.firewall_private_ip)
                            .with_help("give the firewall's private IP: `az network firewall show --query 'ipConfigurations[0].privateIPAddress'`"),
                    );
                }
                // The next hop inside the spoke would send all egress to a machine there.
                let spoke_ranges: Vec<_> = net
                    .spoke
                    .address_space
                    .iter()
                    .chain(
                        [
                            &net.spoke.subnets.training,
                            &net.spoke.subnets.scoring,
                            &net.spoke.subnets.pe,
                        ]
                        .into_iter()
                        .flatten(),
                    )
                    .filter_map(|s| parse_cidr(s).ok())
                    .collect();
                if spoke_ranges.iter().any(|s| s.contains(&ip)) {
                    out.push(
                        Diagnostic::error(Code::InvalidIpAddress, "the firewall's address is inside the spoke: every outbound packet would go to a machine there")
                            .at_path("network.hub.existing.firewall_private_ip")
                            .with_value(&e.firewall_private_ip)
                            .with_help("give the hub firewall's private IP"),
                    );
                }
                let spaces: Vec<_> = h
                    .address_space
                    .iter()
                    .filter_map(|s| parse_cidr(s).ok())
                    .collect();
                if !spaces.is_empty() && !spaces.iter().any(|s| s.contains(&ip)) {
                    out.push(
                        Diagnostic::error(Code::InvalidIpAddress, "the firewall's address is outside the hub's address space")
                            .at_path("network.hub.existing.firewall_private_ip")
                            .with_value(&e.firewall_private_ip)
                            .with_help(format!("the hub's ranges are {}; check `az network firewall show --query 'ipConfigurations[0].privateIPAddress'`", h.address_space.join(", "))),
                    );
                }
            }
        }
    }
    for (i, d) in net.dns_servers.iter().enumerate() {
        let path = format!("network.dns_servers[{i}]");
        match d.parse::<Ipv4Addr>() {
            Err(_) => out.push(not_ip(&path, d)),
            Ok(ip) => {
                // Azure's own resolver is a valid DNS server; any other special address is not.
                if Some(ip) != azure_dns() {
                    if let Some(why) = not_a_host(ip) {
                        out.push(
                            Diagnostic::error(Code::InvalidIpAddress, format!("a DNS server's address is {why}"))
                                .at_path(&path)
                                .with_value(d)
                                .with_help("give your DNS servers' private IPs, or leave dns_servers out for Azure DNS"),
                        );
                    } else if !ip.is_private() {
                        out.push(
                            Diagnostic::error(Code::InvalidIpAddress, "a public DNS server cannot resolve the private endpoints' names, and sees every name compute looks up")
                                .at_path(&path)
                                .with_value(d)
                                .with_help("give DNS servers in your network that forward the Azure Machine Learning zones to Azure DNS or a DNS Private Resolver"),
                        );
                    }
                }
                if net.dns_servers[..i].contains(d) {
                    out.push(
                        Diagnostic::error(Code::InvalidIpAddress, "a DNS server listed twice")
                            .at_path(&path)
                            .with_value(d)
                            .with_help("list each DNS server once"),
                    );
                }
            }
        }
    }

    // AMLG181: settings of resources amlgen does not create.
    if let (Some(h), Some(_)) = (hub, hub_existing) {
        // Exfiltration prevention is the firewall's allowlist (no Storage tag) as much as the
        // subnets' policy; amlgen can neither set nor see an existing hub's rules.
        if net.exfiltration_prevention {
            out.push(of_created(
                "network.exfiltration_prevention",
                "it rests on the firewall's allowlist, and an existing hub's firewall rules are its owner's",
                "remove it and agree the allowlist with the hub owner (the README lists the rules), or let amlgen create the hub",
            ));
        }
        let subnets = &h.subnets;
        for (key, set) in [
            ("name", h.name.is_some()),
            ("firewall", h.firewall.sku != FirewallSku::default()),
            ("bastion", h.bastion),
            ("gateway_subnet", h.gateway_subnet),
            ("dns_resolver", h.dns_resolver),
            (
                "subnets",
                subnets.firewall.is_some()
                    || subnets.firewall_management.is_some()
                    || subnets.bastion.is_some()
                    || subnets.gateway.is_some()
                    || subnets.dns_resolver_inbound.is_some(),
            ),
        ] {
            if set {
                out.push(of_created(
                    &format!("network.hub.{key}"),
                    "an existing hub's resources are its owner's; amlgen creates none of them",
                    "remove it, or remove `network.hub.existing` to let amlgen create the hub",
                ));
            }
        }
    }
    if net.spoke.existing.is_some() {
        for (path, set, why) in [
            ("network.spoke.name", net.spoke.name.is_some(), "the existing spoke's name comes from its subnets' IDs"),
            ("network.spoke.subnets.scoring", net.spoke.subnets.scoring.is_some(), "amlgen uses no scoring subnet in an existing spoke"),
            ("network.exfiltration_prevention", net.exfiltration_prevention, "its service endpoint policy and NSG rules go on subnets amlgen creates"),
            ("network.hub.gateway_transit", hub.is_some_and(|h| h.gateway_transit), "it is a setting of the spoke's peering, which the spoke's owner made"),
            ("network.dns_servers", !net.dns_servers.is_empty(), "they go on VNets amlgen creates, and with an existing spoke and hub there is none: the spoke's own DNS settings apply"),
        ] {
            if set {
                out.push(of_created(
                    path,
                    why,
                    "remove it, or remove `network.spoke.existing` to let amlgen create the spoke",
                ));
            }
        }
        // AMLG183: routes, NAT gateway and peering would all be on the existing spoke.
        if !(net.egress == Egress::Firewall && hub_existing.is_some()) {
            out.push(
                Diagnostic::error(Code::ExistingSpokeWithoutExistingHub, "an existing spoke needs firewall egress through an existing hub")
                    .at_path("network.spoke.existing")
                    .with_help("add `network.hub.existing: {vnet_id: ..., firewall_private_ip: ...}` with `egress: firewall` (the spoke's route table must already send 0.0.0.0/0 there), or remove `network.spoke.existing`"),
            );
        }
    }

    if let Some(c) = &net.corporate_access {
        corporate(net, c, bp.resource_group.subscription_id.as_ref(), out);
    }

    // AMLG184: the spoke of a Standard firewall amlgen creates resolves through its DNS proxy.
    let own_standard_firewall = net.egress == Egress::Firewall
        && hub.is_some_and(|h| h.existing.is_none() && h.firewall.sku == FirewallSku::Standard);
    if own_standard_firewall && !net.dns_servers.is_empty() {
        out.push(
            Diagnostic::error(Code::DnsServersWithFirewallProxy, "the spoke's DNS server is the firewall's DNS proxy")
                .at_path("network.dns_servers")
                .with_value(net.dns_servers.join(", "))
                .with_help("remove `dns_servers` (point the firewall policy's DNS servers at yours instead), or use an existing hub"),
        );
    }
}

/// The corporate endpoints' subnet and zones (AMLG180); its stated range against the
/// workspace's network (AMLG185, a warning: unpeered networks may overlap).
fn corporate(
    net: &crate::blueprint::CustomerNetwork,
    c: &crate::blueprint::CorporateAccess,
    subscription: Option<&crate::blueprint::SubscriptionId>,
    out: &mut Vec<Diagnostic>,
) {
    match existing::parse(&c.pe_subnet_id, true) {
        None => out.push(wrong_id(
            "network.corporate_access.pe_subnet_id",
            &c.pe_subnet_id,
            "a subnet",
        )),
        // A private endpoint is in the subscription of its VNet (Private Link overview), and
        // this deployment creates it in its own.
        Some(s)
            if subscription.is_some_and(|d| !s.subscription.eq_ignore_ascii_case(d.as_str())) =>
        {
            out.push(
                Diagnostic::error(Code::ExistingResourceId, "the corporate subnet is in another subscription than the deployment")
                    .at_path("network.corporate_access.pe_subnet_id")
                    .with_value(&c.pe_subnet_id)
                    .with_help("Azure creates a private endpoint only in its VNet's subscription: give a subnet of the deployment's subscription, or deploy the corporate endpoints from that subscription"),
            );
        }
        Some(_) => {}
    }
    if let Some(rg) = &c.zones_resource_group_id {
        if !super::private_dns::is_resource_group_id(rg) {
            out.push(
                Diagnostic::error(Code::ExistingResourceId, "not a resource group ID")
                    .at_path("network.corporate_access.zones_resource_group_id")
                    .with_value(rg)
                    .with_help("write /subscriptions/<subscription id>/resourceGroups/<name>, as `az group show --query id` prints it"),
            );
        }
    }
    let Some(p) = &c.address_prefix else {
        return;
    };
    let path = "network.corporate_access.address_prefix";
    let Ok(prefix) = parse_cidr(p) else {
        out.push(
            Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                .at_path(path)
                .with_value(p)
                .with_help("write the subnet's range, e.g. 10.1.2.0/27"),
        );
        return;
    };
    let spoke_ranges = net
        .spoke
        .address_space
        .iter()
        .chain(net.spoke.subnets.training.iter())
        .chain(net.spoke.subnets.pe.iter());
    let hub_ranges = net.hub.iter().flat_map(|h| h.address_space.iter());
    for r in spoke_ranges.chain(hub_ranges) {
        if parse_cidr(r).is_ok_and(|n| crate::net::overlaps(&n, &prefix)) {
            out.push(
                Diagnostic::warning(Code::CorporateRangeOverlap, format!("the corporate subnet overlaps {r} of the workspace's network"))
                    .at_path(path)
                    .with_value(p)
                    .with_help("fine while the two networks stay unpeered (people reach the workspace through the corporate endpoints); they can never be peered or routed to each other"),
            );
            return;
        }
    }
}

fn wrong_id(path: &str, value: &str, kind: &str) -> Diagnostic {
    let example = if kind == "a VNet" {
        "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name> (`az network vnet show --query id`)"
    } else {
        "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name> (`az network vnet subnet show --query id`)"
    };
    Diagnostic::error(
        Code::ExistingResourceId,
        format!("not the resource ID of {kind}"),
    )
    .at_path(path)
    .with_value(value)
    .with_help(format!("write {example}"))
}

/// Azure's DNS (catalog/clouds.yaml `azure_dns_ip`): a resolver, but no next hop.
fn azure_dns() -> Option<Ipv4Addr> {
    crate::catalog::Catalog::get()
        .clouds
        .azure_dns_ip
        .value
        .parse()
        .ok()
}

/// Why `ip` cannot be a machine in a VNet (a next hop or a DNS server), if it cannot.
fn not_a_host(ip: Ipv4Addr) -> Option<&'static str> {
    if ip.is_unspecified() || ip.is_broadcast() {
        Some("no host's (unspecified or broadcast)")
    } else if ip.is_loopback() || ip.is_link_local() || ip.is_multicast() {
        Some("loopback, link-local or multicast")
    } else if Some(ip) == azure_dns() {
        Some("Azure's platform address (its DNS and health probes)")
    } else {
        None
    }
}

fn not_ip(path: &str, value: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidIpAddress, "not an IPv4 address")
        .at_path(path)
        .with_value(value)
        .with_help("write an address such as 10.0.0.4, without a prefix length")
}

fn of_created(path: &str, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::SettingOfCreatedNetwork,
        format!("a setting of a network amlgen creates: {why}"),
    )
    .at_path(path)
    .with_help(help)
}
