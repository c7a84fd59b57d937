//! The address plans of a customer network: which subnet gets which range, explicit ranges kept
//! and the rest carved from the address space. The checks report what does not fit; `analyze`
//! keeps the plans for `plan`, which then never computes them again.

use crate::blueprint::{ClientAccess, CustomerNetwork, FirewallSku, Hub, WayIn};
use crate::catalog::Catalog;
use crate::net::{carve, parse_cidr, SubnetRequest};

/// Spoke subnet names by role; fixed so runbooks and docs can name them.
pub fn subnet_name(role: &str) -> &'static str {
    match role {
        "training" => "snet-training",
        "scoring" => "snet-scoring",
        _ => "snet-pe",
    }
}

/// Hub subnets whose names Azure fixes.
pub const FIREWALL_SUBNET: &str = "AzureFirewallSubnet";
pub const FIREWALL_MANAGEMENT_SUBNET: &str = "AzureFirewallManagementSubnet";
pub const BASTION_SUBNET: &str = "AzureBastionSubnet";
pub const GATEWAY_SUBNET: &str = "GatewaySubnet";
/// The service a DNS Private Resolver's inbound subnet is delegated to.
pub const DNS_RESOLVER_DELEGATION: &str = "Microsoft.Network/dnsResolvers";
/// The resolver's inbound subnet: any name works; it must be delegated to the resolver.
pub const DNS_RESOLVER_SUBNET: &str = "snet-dns-inbound";
/// The jump box's subnet (`way_in.jump_box`): any name works; fixed so the README can name it.
pub const JUMP_BOX_SUBNET: &str = "snet-jumpbox";

/// Address plan of a hub: (subnet name, prefix). Used by the checks (to report what does not
/// fit) and by `analyze` (after the checks passed).
pub fn hub_plan(hub: &Hub, way_in: &WayIn) -> Result<Vec<(String, ipnet::Ipv4Net)>, String> {
    let sizes = &Catalog::get().firewall.subnets;
    let spaces: Vec<_> = hub
        .address_space
        .iter()
        .filter_map(|s| parse_cidr(s).ok())
        .collect();
    let parse = |s: &Option<String>| s.as_deref().and_then(|x| parse_cidr(x).ok());
    let mut reqs = vec![SubnetRequest {
        key: FIREWALL_SUBNET,
        explicit: parse(&hub.subnets.firewall),
        prefix_len: sizes[FIREWALL_SUBNET].default,
    }];
    if hub.firewall.sku == FirewallSku::Basic {
        reqs.push(SubnetRequest {
            key: FIREWALL_MANAGEMENT_SUBNET,
            explicit: parse(&hub.subnets.firewall_management),
            prefix_len: sizes[FIREWALL_MANAGEMENT_SUBNET].default,
        });
    }
    if hub.bastion {
        reqs.push(SubnetRequest {
            key: BASTION_SUBNET,
            explicit: parse(&hub.subnets.bastion),
            prefix_len: sizes[BASTION_SUBNET].default,
        });
    }
    if hub.gateway_subnet {
        reqs.push(SubnetRequest {
            key: GATEWAY_SUBNET,
            explicit: parse(&hub.subnets.gateway),
            prefix_len: sizes[GATEWAY_SUBNET].default,
        });
    }
    if hub.dns_resolver {
        reqs.push(SubnetRequest {
            key: DNS_RESOLVER_SUBNET,
            explicit: parse(&hub.subnets.dns_resolver_inbound),
            prefix_len: sizes[DNS_RESOLVER_SUBNET].default,
        });
    }
    if way_in.jump_box.is_some() {
        reqs.push(SubnetRequest {
            key: JUMP_BOX_SUBNET,
            explicit: parse(&hub.subnets.jump_box),
            prefix_len: sizes[JUMP_BOX_SUBNET].default,
        });
    }
    carve(&spaces, &reqs)
}

/// Address plan of the client VNet's way-in subnets: the pe subnet stays where it is given, and
/// AzureBastionSubnet, GatewaySubnet and the jump box subnet are added as the blueprint needs
/// them (the pe subnet first, so none is carved over it). An empty plan: no way-in subnet.
pub fn client_plan(
    client: &ClientAccess,
    way_in: &WayIn,
) -> Result<Vec<(String, ipnet::Ipv4Net)>, String> {
    let sizes = &Catalog::get().firewall.subnets;
    let vnet = &client.vnet;
    let spaces: Vec<_> = vnet
        .address_space
        .iter()
        .filter_map(|s| parse_cidr(s).ok())
        .collect();
    let parse = |s: &Option<String>| s.as_deref().and_then(|x| parse_cidr(x).ok());
    let mut reqs = vec![SubnetRequest {
        key: "pe",
        explicit: parse_cidr(&vnet.pe_subnet.address_prefix).ok(),
        prefix_len: sizes["pe"].default,
    }];
    for (on, key, explicit) in [
        (client.bastion, BASTION_SUBNET, &vnet.subnets.bastion),
        (way_in.vpn.is_some(), GATEWAY_SUBNET, &vnet.subnets.gateway),
        (
            way_in.jump_box.is_some(),
            JUMP_BOX_SUBNET,
            &vnet.subnets.jump_box,
        ),
    ] {
        if on {
            reqs.push(SubnetRequest {
                key,
                explicit: parse(explicit),
                prefix_len: sizes[key].default,
            });
        }
    }
    let mut plan = carve(&spaces, &reqs)?;
    plan.retain(|(k, _)| k != "pe");
    Ok(plan)
}

/// Address plan of the spoke: training, scoring, pe.
pub fn spoke_plan(net: &CustomerNetwork) -> Result<Vec<(String, ipnet::Ipv4Net)>, String> {
    let sizes = &Catalog::get().firewall.subnets;
    let spaces: Vec<_> = net
        .spoke
        .address_space
        .iter()
        .filter_map(|s| parse_cidr(s).ok())
        .collect();
    let parse = |s: &Option<String>| s.as_deref().and_then(|x| parse_cidr(x).ok());
    let s = &net.spoke.subnets;
    carve(
        &spaces,
        &[
            SubnetRequest {
                key: "training",
                explicit: parse(&s.training),
                prefix_len: sizes["training"].default,
            },
            SubnetRequest {
                key: "scoring",
                explicit: parse(&s.scoring),
                prefix_len: sizes["scoring"].default,
            },
            SubnetRequest {
                key: "pe",
                explicit: parse(&s.pe),
                prefix_len: sizes["pe"].default,
            },
        ],
    )
}
