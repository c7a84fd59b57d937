//! The hub-spoke network: its fit with the workspace settings, the address plan (valid ranges,
//! no overlaps, subnets inside their VNet, Azure's minimum sizes, room to carve the rest), and
//! compute that fits its subnet.

use crate::analyze::address_plan::{
    hub_plan, spoke_plan, BASTION_SUBNET, DNS_RESOLVER_SUBNET, FIREWALL_MANAGEMENT_SUBNET,
    FIREWALL_SUBNET, GATEWAY_SUBNET, JUMP_BOX_SUBNET,
};
use crate::blueprint::{Blueprint, Egress, HubSubnets, IsolationMode, ManagedNetworkKind};
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::net::{overlaps, parse_cidr, usable_addresses};
use ipnet::Ipv4Net;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let mode = bp.workspace.managed_network.isolation_mode;
    let mn = &bp.workspace.managed_network;
    if mode == IsolationMode::Disabled {
        if mn.kind != ManagedNetworkKind::default() {
            out.push(managed_setting_without_managed_vnet("kind", mn.kind.key()));
        }
        if mn.network_monitor {
            out.push(managed_setting_without_managed_vnet(
                "network_monitor",
                "true",
            ));
        }
    }
    // Azure creates an instance only with storage key access, and identity-based system
    // datastores need a user-assigned identity on it (compute_instance_create,
    // aml_disable_local_auth_storage).
    let shared_keys = bp
        .dependencies
        .storage_account
        .shared_key_access
        .unwrap_or_else(|| {
            Catalog::get().defaults["storage_shared_key_access"]
                .value
                .as_bool()
                .unwrap_or(true)
        });
    if bp.compute.instance.is_some() && !shared_keys {
        out.push(
            Diagnostic::error(Code::InstanceWithIdentityStorage, "a compute instance needs shared key access on the workspace's storage account")
                .at_path("compute.instance")
                .with_help("set `dependencies.storage_account.shared_key_access: true`, or remove `compute.instance` and create the instance with a user-assigned identity (Storage File Data Privileged Contributor on the account)"),
        );
    }
    // A deployment's instance belongs to whoever deploys it unless it names its user
    // (compute_instance_create, "Create on behalf of").
    if bp
        .compute
        .instance
        .as_ref()
        .is_some_and(|i| i.owner.is_none())
    {
        out.push(
            Diagnostic::error(Code::InstanceWithoutOwner, "a compute instance without an owner belongs to whoever deploys it")
                .at_path("compute.instance")
                .with_help("add `owner: {object_id: <the user's object ID>}` (`az ad user show --id <upn> --query id`) under `compute.instance`"),
        );
    }
    // The registry is always private here, so it cannot build images; a cluster (the
    // blueprint's own by default) or a named compute must.
    if bp.workspace.image_build_compute.is_none() && bp.compute.cluster.is_none() {
        out.push(
            Diagnostic::warning(Code::NoImageBuildCompute, "no compute builds environment images, and the private registry cannot")
                .at_path("workspace.image_build_compute")
                .with_help("add `compute.cluster` (min_nodes: 0 costs nothing while idle; it becomes the image-build compute), or set `workspace.image_build_compute` to a cluster or instance you create"),
        );
    }
    let Some(net) = &bp.network else {
        // With a managed VNet, compute is created in it (no subnet to give); without one and
        // without a customer network it would have no network isolation at all.
        if mode == IsolationMode::Disabled
            && (bp.compute.cluster.is_some() || bp.compute.instance.is_some())
        {
            out.push(
                Diagnostic::error(Code::ComputeWithoutCustomerNetwork, "compute needs a managed VNet or a customer network to run in")
                    .at_path("compute")
                    .with_help("set `workspace.managed_network.isolation_mode` to a managed VNet mode (compute is then created in the managed VNet), add a `network:` section for a customer VNet, or remove `compute:`"),
            );
        }
        if mode == IsolationMode::Disabled {
            out.push(
                Diagnostic::warning(
                    Code::ComputeWithoutIsolation,
                    "compute would have no network isolation",
                )
                .at_path("workspace.managed_network.isolation_mode")
                .with_value("disabled")
                .with_help(
                    "use a managed VNet mode, or add a `network:` section for a customer VNet",
                ),
            );
        }
        return;
    };
    if bp.cloud != crate::blueprint::Cloud::AzureCloud {
        out.push(
            Diagnostic::error(Code::HubFirewallInSovereignCloud, "the hub firewall rules are catalogued for AzureCloud only")
                .at_path("cloud")
                .with_value(bp.cloud.as_str())
                .with_help("the required hosts differ in sovereign clouds (ml.azure.us, login.microsoftonline.us, ...); use a managed-VNet blueprint there, or AzureCloud"),
        );
    }
    if mode != IsolationMode::Disabled {
        out.push(
            Diagnostic::error(Code::CustomerNetworkWithManagedVnet, "a customer-managed network needs the workspace managed VNet disabled")
                .at_path("workspace.managed_network.isolation_mode")
                .with_value(mode.key())
                .with_help("set isolation_mode: disabled; compute then runs in the spoke VNet behind the hub firewall"),
        );
    }
    if bp.client_access.is_some() {
        out.push(
            Diagnostic::error(Code::ClientAccessWithCustomerNetwork, "client_access and network are two ways to reach the workspace; use one")
                .at_path("client_access")
                .with_help("with a hub-spoke network the private endpoints live in the spoke's pe subnet; remove client_access"),
        );
    }
    match (net.egress, &net.hub) {
        (Egress::Firewall, None) => out.push(
            Diagnostic::error(Code::FirewallWithoutHub, "firewall egress needs a hub with the firewall")
                .at_path("network")
                .with_value("egress: firewall")
                .with_help("add a `hub:` section (address_space, firewall), or set `egress: nat_gateway` for a VNet whose compute leaves through a NAT gateway"),
        ),
        (Egress::NatGateway, Some(_)) => out.push(
            Diagnostic::error(Code::HubWithNatGateway, "a NAT gateway blueprint has no hub")
                .at_path("network.hub")
                .with_help("amlgen's hub holds the firewall; with `egress: nat_gateway` remove `hub:` and peer the VNet to your own landing-zone hub if you have one"),
        ),
        _ => {}
    }
    if net.egress == Egress::NatGateway && net.exfiltration_prevention {
        out.push(
            Diagnostic::error(Code::ExfiltrationWithoutFirewall, "exfiltration prevention needs the hub firewall")
                .at_path("network.exfiltration_prevention")
                .with_value("true")
                .with_help("NSGs cannot filter by host name, so a NAT gateway lets HTTPS reach any host; use `egress: firewall` with a hub for exfiltration prevention"),
        );
    }
    // An existing hub's gateway is its owner's (AMLG181 refuses gateway_subnet there).
    if net
        .hub
        .as_ref()
        .is_some_and(|h| h.gateway_transit && !h.gateway_subnet && h.existing.is_none())
    {
        out.push(
            Diagnostic::error(Code::GatewayTransitWithoutGatewaySubnet, "gateway transit needs the hub's GatewaySubnet and its gateway")
                .at_path("network.hub.gateway_transit")
                .with_value("true")
                .with_help("set `network.hub.gateway_subnet: true` and deploy the VPN or ExpressRoute gateway into it first, or remove `gateway_transit`"),
        );
    }
    if net.exfiltration_prevention {
        for (path, on) in [
            (
                "compute.cluster.public_ip",
                bp.compute.cluster.as_ref().is_some_and(|c| c.public_ip),
            ),
            (
                "compute.instance.public_ip",
                bp.compute.instance.as_ref().is_some_and(|c| c.public_ip),
            ),
        ] {
            if on {
                out.push(
                    Diagnostic::error(Code::ExfiltrationWithPublicIp, "exfiltration prevention needs compute without public IP")
                        .at_path(path)
                        .with_value("true")
                        .with_help("set public_ip: false: a public IP needs inbound traffic and routes that skip the firewall"),
                );
            }
        }
    }

    let hub_spaces: &[String] = net.hub.as_ref().map_or(&[], |h| &h.address_space);
    // An existing VNet's ranges are optional: what the blueprint states is checked, nothing
    // else can be (amlgen does not read Azure).
    let existing_hub = net.hub.as_ref().is_some_and(|h| h.existing.is_some());
    let existing_spoke = net.spoke.existing.is_some();
    let hub = match &net.hub {
        Some(h) if !(existing_hub && h.address_space.is_empty()) => {
            vnet_ranges(&h.address_space, "network.hub.address_space", out)
        }
        _ => Vec::new(),
    };
    let spoke = if existing_spoke && net.spoke.address_space.is_empty() {
        Vec::new()
    } else {
        vnet_ranges(&net.spoke.address_space, "network.spoke.address_space", out)
    };
    for (i, h) in hub.iter().enumerate() {
        for s in &spoke {
            if overlaps(h, s) {
                out.push(
                    Diagnostic::error(
                        Code::OverlappingRanges,
                        format!("hub range overlaps spoke range {s}"),
                    )
                    .at_path(format!("network.hub.address_space[{i}]"))
                    .with_value(h.to_string())
                    .with_help("peered VNets need disjoint address spaces"),
                );
            }
        }
    }
    if hub.len() != hub_spaces.len() || spoke.len() != net.spoke.address_space.len() {
        return; // invalid ranges already reported; the plan below would only repeat them
    }

    let sizes = &Catalog::get().firewall.subnets;
    let no_hub_subnets = HubSubnets::default();
    let hs = net.hub.as_ref().map_or(&no_hub_subnets, |h| &h.subnets);
    let hub_explicit = [
        (
            FIREWALL_SUBNET,
            "network.hub.subnets.firewall",
            &hs.firewall,
        ),
        (
            FIREWALL_MANAGEMENT_SUBNET,
            "network.hub.subnets.firewall_management",
            &hs.firewall_management,
        ),
        (BASTION_SUBNET, "network.hub.subnets.bastion", &hs.bastion),
        (GATEWAY_SUBNET, "network.hub.subnets.gateway", &hs.gateway),
        (
            DNS_RESOLVER_SUBNET,
            "network.hub.subnets.dns_resolver_inbound",
            &hs.dns_resolver_inbound,
        ),
        (
            JUMP_BOX_SUBNET,
            "network.hub.subnets.jump_box",
            &hs.jump_box,
        ),
    ];
    let ss = &net.spoke.subnets;
    let spoke_explicit = [
        ("training", "network.spoke.subnets.training", &ss.training),
        ("scoring", "network.spoke.subnets.scoring", &ss.scoring),
        ("pe", "network.spoke.subnets.pe", &ss.pe),
    ];
    let mut ok = true;
    for (ranges, explicit) in [(&hub, &hub_explicit[..]), (&spoke, &spoke_explicit[..])] {
        // An existing VNet whose ranges the blueprint does not state: its subnets cannot be
        // placed, only compared with one another and the hub.
        let unstated = ranges.is_empty() && (existing_spoke || existing_hub);
        ok &= explicit_subnets(ranges, explicit, Vec::new(), unstated, out);
    }
    // The subnets an existing spoke is stated to have, against the hub's ranges (the spoke's
    // own address space, when stated, was compared above).
    if existing_spoke && spoke.is_empty() {
        for (_, path, value) in &spoke_explicit {
            let Some(n) = value.as_deref().and_then(|v| parse_cidr(v).ok()) else {
                continue;
            };
            for h in hub.iter().filter(|h| overlaps(h, &n)) {
                ok = false;
                out.push(
                    Diagnostic::error(
                        Code::OverlappingRanges,
                        format!("subnet overlaps hub range {h}"),
                    )
                    .at_path(*path)
                    .with_value(n.to_string())
                    .with_help("peered VNets need disjoint address spaces"),
                );
            }
        }
    }
    if !ok {
        return;
    }
    if let Some(Err(key)) = net
        .hub
        .as_ref()
        .filter(|h| h.existing.is_none())
        .map(|h| hub_plan(h, &bp.way_in))
    {
        out.push(no_room(
            &key,
            "network.hub.address_space",
            sizes[key.as_str()].default,
        ));
        return;
    }
    // An existing spoke's subnets are not carved: the training subnet is what it is stated to be.
    let spoke_subnets = match spoke_plan(net) {
        _ if existing_spoke => net
            .spoke
            .subnets
            .training
            .as_deref()
            .and_then(|t| parse_cidr(t).ok())
            .map(|t| vec![("training".to_string(), t)])
            .unwrap_or_default(),
        Ok(p) => p,
        Err(key) => {
            out.push(no_room(
                &key,
                "network.spoke.address_space",
                sizes[key.as_str()].default,
            ));
            return;
        }
    };
    // Every node and instance takes an address of the training subnet.
    let Some(training) = spoke_subnets
        .iter()
        .find(|(k, _)| k == "training")
        .map(|(_, n)| *n)
    else {
        return;
    };
    let needed = u64::from(bp.compute.cluster.as_ref().map_or(0, |c| c.max_nodes))
        + u64::from(bp.compute.instance.is_some());
    if needed > usable_addresses(&training) {
        out.push(
            Diagnostic::warning(Code::SubnetTooSmallForCompute, "training subnet too small for the configured compute")
                .at_path("compute.cluster.max_nodes")
                .with_value(needed.to_string())
                .with_help(format!(
                    "{training} has {} usable addresses (Azure keeps 5); give a larger training subnet or lower max_nodes",
                    usable_addresses(&training)
                )),
        );
    }
}

fn vnet_ranges(spaces: &[String], path: &str, out: &mut Vec<Diagnostic>) -> Vec<Ipv4Net> {
    if spaces.is_empty() {
        out.push(
            Diagnostic::error(Code::InvalidCidr, "a VNet needs at least one address range")
                .at_path(path)
                .with_help("e.g. address_space: [10.100.0.0/22]"),
        );
    }
    let mut nets: Vec<Ipv4Net> = Vec::new();
    for (i, s) in spaces.iter().enumerate() {
        match parse_cidr(s) {
            Ok(n) => {
                out.extend(super::addresses::refused_range(
                    &n,
                    &format!("{path}[{i}]"),
                    s,
                ));
                if let Some(prev) = nets.iter().find(|p| overlaps(p, &n)) {
                    out.push(
                        Diagnostic::error(
                            Code::OverlappingRanges,
                            format!("address range overlaps {prev}"),
                        )
                        .at_path(format!("{path}[{i}]"))
                        .with_value(s)
                        .with_help("address ranges of one VNet must not overlap"),
                    );
                }
                nets.push(n);
            }
            Err(m) => out.push(
                Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                    .at_path(format!("{path}[{i}]"))
                    .with_value(s)
                    .with_help(m),
            ),
        }
    }
    nets
}

/// Subnets given explicitly in one VNet (`(key, path, value)`): valid CIDRs inside the VNet's
/// `ranges`, no smaller than Azure allows, overlapping neither each other nor `seen` (subnets of
/// the VNet given elsewhere). False when any is not.
pub(super) fn explicit_subnets<'a>(
    ranges: &[Ipv4Net],
    explicit: &[(&'a str, &str, &Option<String>)],
    mut seen: Vec<(&'a str, Ipv4Net)>,
    unstated: bool,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let sizes = &Catalog::get().firewall.subnets;
    let mut ok = true;
    for (key, path, value) in explicit {
        let Some(v) = value else { continue };
        let Ok(n) = parse_cidr(v).map_err(|m| {
            out.push(
                Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                    .at_path(*path)
                    .with_value(v)
                    .with_help(m),
            );
            ok = false;
        }) else {
            continue;
        };
        if !unstated && !ranges.iter().any(|r| r.contains(&n)) {
            ok = false;
            out.push(
                Diagnostic::error(Code::SubnetOutsideVnet, "subnet lies outside its VNet")
                    .at_path(*path)
                    .with_value(v)
                    .with_help(format!(
                        "choose a prefix inside {}",
                        ranges
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
        let min = sizes[*key].minimum;
        if n.prefix_len() > min {
            ok = false;
            out.push(
                Diagnostic::error(
                    Code::SubnetBelowAzureMinimum,
                    format!("{key} subnet is smaller than Azure allows"),
                )
                .at_path(*path)
                .with_value(v)
                .with_help(format!("{key} needs /{min} or larger")),
            );
        }
        for (other, o) in &seen {
            if overlaps(o, &n) {
                ok = false;
                out.push(
                    Diagnostic::error(
                        Code::OverlappingRanges,
                        format!("subnet overlaps the {other} subnet ({o})"),
                    )
                    .at_path(*path)
                    .with_value(v)
                    .with_help("subnets of one VNet must not overlap"),
                );
            }
        }
        seen.push((key, n));
    }
    ok
}

fn no_room(key: &str, path: &str, size: u8) -> Diagnostic {
    Diagnostic::error(
        Code::NoRoomForSubnet,
        format!("no room left in the VNet for the {key} subnet"),
    )
    .at_path(path)
    .with_help(format!(
        "a /{size} is carved for {key}; enlarge the address space or give the subnet explicitly"
    ))
}

/// AMLG134: a managed-VNet setting with `isolation_mode: disabled`.
fn managed_setting_without_managed_vnet(key: &str, value: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ManagedNetworkSettingsWithoutManagedVnet,
        "this setting needs the workspace managed VNet",
    )
    .at_path(format!("workspace.managed_network.{key}"))
    .with_value(value)
    .with_help("remove it, or choose a managed VNet isolation mode")
}
