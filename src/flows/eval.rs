//! The hops of one flow, each decided as Azure decides it (catalog/flows.yaml
//! `evaluation_source`).

use super::{Dest, Hop, HopResult, Source};
use crate::catalog::{Catalog, StorageOwner};
use crate::plan::model::{
    DnsMode, FirewallModel, Model, NetworkModel, PeTarget, RouteTableModel, RuleKind, SubnetModel,
};
use ipnet::IpNet;

/// The address a name resolves to, as far as the rules care.
enum Addr {
    /// A private endpoint's address, inside `prefix`.
    Private { prefix: String },
    /// A public address in the service tag (or in no tag: the Internet).
    Public,
}

fn hop(hop: &'static str, result: HopResult, rule: impl Into<String>) -> Hop {
    Hop {
        hop,
        result,
        rule: rule.into(),
    }
}

/// Who a client is, in words.
pub(super) fn client_label(m: &Model) -> String {
    match (&m.network, &m.client) {
        (Some(n), _) => match &n.hub {
            Some(h) => format!("client in hub {} (jump box, VPN)", h.vnet_name),
            None => format!("client in {}", n.spoke.vnet_name),
        },
        (None, Some(c)) => format!("client in {}", c.vnet_name),
        (None, None) => "client".into(),
    }
}

pub(super) fn hops(m: &Model, src: &Source, d: &Dest, proto: &str, port: u16) -> Vec<Hop> {
    let mut out = Vec::new();
    match src {
        Source::Managed => out.push(managed(m, d, proto, port)),
        Source::Subnet(s) => {
            if let Some(n) = &m.network {
                customer(m, n, s, d, proto, port, &mut out);
            }
        }
        Source::Client => client(m, d, &mut out),
    }
    out
}

/// The VNet whose zone links answer a source's queries, and how the query gets there.
fn resolver(m: &Model, src: &Source) -> (String, String) {
    match (&m.network, src) {
        (Some(n), Source::Subnet(_)) if n.spoke.dns_via_firewall => {
            let hub = n
                .hub
                .as_ref()
                .map(|h| h.vnet_name.clone())
                .unwrap_or_default();
            let fw = n
                .firewall
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default();
            (hub.clone(), format!("DNS proxy {fw}, resolved in {hub}"))
        }
        (Some(n), Source::Subnet(_)) => (
            n.spoke.vnet_name.clone(),
            format!("Azure DNS of {}", n.spoke.vnet_name),
        ),
        (Some(n), _) => {
            let v = n
                .hub
                .as_ref()
                .map(|h| h.vnet_name.clone())
                .unwrap_or_else(|| n.spoke.vnet_name.clone());
            (v.clone(), format!("Azure DNS of {v}"))
        }
        (None, _) => {
            let v = m
                .client
                .as_ref()
                .map(|c| c.vnet_name.clone())
                .unwrap_or_default();
            (v.clone(), format!("Azure DNS of {v}"))
        }
    }
}

/// The prefix of the subnet holding the private endpoints, when the model has one (the smoke
/// test's DNS checks use it too).
pub(crate) fn pe_prefix(m: &Model) -> Option<String> {
    match (&m.network, &m.client) {
        (Some(n), _) => match &n.existing_spoke {
            Some(e) => e.pe_prefix.clone(),
            None => n
                .spoke
                .subnets
                .iter()
                .find(|s| s.private_endpoints)
                .map(|s| s.prefix.clone()),
        },
        (None, Some(c)) => Some(c.pe_subnet_prefix.clone()),
        (None, None) => None,
    }
    .filter(|p| !p.is_empty())
}

/// The DNS answer: a private endpoint's address from a linked zone, NXDOMAIN from a linked zone
/// without the record, or the public answer.
fn dns(m: &Model, src: &Source, d: &Dest, out: &mut Vec<Hop>) -> Option<Addr> {
    let Some(host) = &d.host else {
        return Some(Addr::Public);
    };
    let public = |why: &str| {
        let tag = d
            .tag
            .as_deref()
            .map(|t| format!("an address in {t}"))
            .unwrap_or_else(|| "an Internet address".into());
        format!("{why}: public answer, {tag}")
    };
    let private = match (&m.private, d.private_link_cname) {
        (Some(p), true) => p,
        _ => {
            out.push(hop("dns", HopResult::Allow, public("no private endpoint")));
            return Some(Addr::Public);
        }
    };
    let zone = private
        .zones
        .iter()
        .filter(|z| {
            z.name
                .strip_prefix("privatelink.")
                .is_some_and(|s| host.ends_with(&format!(".{s}")))
        })
        .max_by_key(|z| z.name.len())
        // A name whose zone is not its own suffix (`x.vault.azure.net` is answered from
        // privatelink.vaultcore.azure.net): the zone of the endpoint that owns the name.
        .or_else(|| {
            private
                .private_endpoints
                .iter()
                .find(|pe| pe.hosts.iter().any(|h| &h.fqdn == host))
                .and_then(|pe| pe.zone_indices.first())
                .and_then(|i| private.zones.get(*i))
        });
    let Some(zone) = zone else {
        out.push(hop("dns", HopResult::Allow, public("no privatelink zone")));
        return Some(Addr::Public);
    };
    let (vnet, via) = resolver(m, src);
    let linked =
        private.dns_mode != DnsMode::Create || private.linked_vnets.iter().any(|l| l.name == vnet);
    if !linked {
        out.push(hop(
            "dns",
            HopResult::Allow,
            public(&format!("{via}; zone {} not linked to {vnet}", zone.name)),
        ));
        return Some(Addr::Public);
    }
    let record = private
        .private_endpoints
        .iter()
        .find(|pe| pe.zone_names.contains(&zone.name) && pe.hosts.iter().any(|h| &h.fqdn == host));
    let links = match private.dns_mode {
        DnsMode::Create => format!("zone {} linked to {vnet}", zone.name),
        _ => format!("central zone {} (its links are the platform's)", zone.name),
    };
    match record {
        Some(pe) => {
            // No subnet of the model holds private endpoints: the address is private all the
            // same; the words say so rather than print an empty range.
            let prefix = pe_prefix(m).unwrap_or_else(|| "the private endpoint subnet".into());
            out.push(hop(
                "dns",
                HopResult::Allow,
                format!("{via}; {links}: private address of {} in {prefix}", pe.name),
            ));
            Some(Addr::Private { prefix })
        }
        None if private.resolution_policy == "NxDomainRedirect" => {
            out.push(hop(
                "dns",
                HopResult::Allow,
                public(&format!("{via}; {links} lacks the name, NxDomainRedirect")),
            ));
            Some(Addr::Public)
        }
        None => {
            out.push(hop(
                "dns",
                HopResult::Deny,
                format!("{via}; {links} has no record for it: NXDOMAIN"),
            ));
            None
        }
    }
}

/// NSG address match: `*`, a service tag (a regional tag is inside its global one), a CIDR.
/// `udr_default`: the subnet's route table has a 0.0.0.0/0 route; the VirtualNetwork tag holds
/// the address prefixes of user-defined routes, so it then covers public addresses too
/// (catalog source `service_tags`): AllowVnetOutBound, not AllowInternetOutBound, lets them out.
fn address_matches(rule: &str, addr: &Addr, tag: Option<&str>, udr_default: bool) -> bool {
    if rule == "*" {
        return true;
    }
    match addr {
        Addr::Private { prefix } => {
            rule == "VirtualNetwork"
                || match (rule.parse::<IpNet>(), prefix.parse::<IpNet>()) {
                    (Ok(r), Ok(p)) => r.contains(&p),
                    _ => false,
                }
        }
        Addr::Public => {
            rule == "Internet"
                || (udr_default && rule == "VirtualNetwork")
                || tag.is_some_and(|t| tag_within(t, rule))
        }
    }
}

/// `Storage.eastus` is within `Storage` and within itself.
fn tag_within(tag: &str, rule: &str) -> bool {
    tag.eq_ignore_ascii_case(rule)
        || tag
            .to_ascii_lowercase()
            .starts_with(&format!("{}.", rule.to_ascii_lowercase()))
}

fn port_matches(ranges: &[String], port: u16) -> bool {
    ranges.iter().any(|r| {
        r.split(',').any(|r| {
            let r = r.trim();
            r == "*"
                || match r.split_once('-') {
                    Some((a, b)) => a
                        .parse::<u16>()
                        .ok()
                        .zip(b.parse::<u16>().ok())
                        .is_some_and(|(a, b)| (a..=b).contains(&port)),
                    None => r.parse::<u16>().ok() == Some(port),
                }
        })
    })
}

fn proto_matches(rule: &str, proto: &str) -> bool {
    rule == "*" || rule.eq_ignore_ascii_case("any") || rule.eq_ignore_ascii_case(proto)
}

/// The subnet's own route table, if it has one.
fn route_table<'a>(n: &'a NetworkModel, s: &SubnetModel) -> Option<&'a RouteTableModel> {
    s.route_table.and_then(|i| n.route_tables.get(i))
}

/// Whether the subnet's route table has a 0.0.0.0/0 route.
fn udr_default(n: &NetworkModel, s: &SubnetModel) -> bool {
    route_table(n, s).is_some_and(|rt| {
        rt.routes.iter().any(|r| {
            r.address_prefix
                .literal
                .parse::<IpNet>()
                .is_ok_and(|p| p.prefix_len() == 0)
        })
    })
}

/// Outbound NSG of a subnet: custom rules by priority, then Azure's defaults; first match.
fn nsg(
    s: &SubnetModel,
    addr: &Addr,
    tag: Option<&str>,
    proto: &str,
    port: u16,
    udr_default: bool,
) -> Hop {
    let mut rules: Vec<_> = s
        .nsg_rules
        .iter()
        .filter(|r| r.direction == "Outbound")
        .collect();
    rules.sort_by_key(|r| r.priority);
    let source_ok = |r: &str| {
        r == "*"
            || r == "VirtualNetwork"
            || matches!((r.parse::<IpNet>(), s.prefix.parse::<IpNet>()), (Ok(a), Ok(b)) if a.contains(&b))
    };
    for r in rules {
        if proto_matches(&r.protocol, proto)
            && port_matches(&r.destination_ports, port)
            && source_ok(&r.source.literal)
            && address_matches(&r.destination.literal, addr, tag, udr_default)
        {
            let result = if r.access == "Allow" {
                HopResult::Allow
            } else {
                HopResult::Deny
            };
            return hop(
                "nsg",
                result,
                format!("{} rule {} (priority {})", s.nsg_name, r.name, r.priority),
            );
        }
    }
    // Azure's default outbound rules.
    for (name, priority, dest, result) in [
        (
            "AllowVnetOutBound",
            65000,
            "VirtualNetwork",
            HopResult::Allow,
        ),
        ("AllowInternetOutBound", 65001, "Internet", HopResult::Allow),
        ("DenyAllOutBound", 65500, "*", HopResult::Deny),
    ] {
        if address_matches(dest, addr, tag, udr_default) {
            return hop(
                "nsg",
                result,
                format!("{} default rule {name} ({priority})", s.nsg_name),
            );
        }
    }
    unreachable!("DenyAllOutBound matches everything")
}

/// Where the route table sends a public destination.
enum NextHop {
    Firewall,
    ServiceEndpoint,
    Internet,
}

fn route(n: &NetworkModel, s: &SubnetModel, d: &Dest, region: &str) -> (Hop, Option<NextHop>) {
    let storage_here = d
        .tag
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(&format!("Storage.{region}")));
    if s.storage_service_endpoint && storage_here {
        return (
            hop(
                "route",
                HopResult::Allow,
                "service endpoint route (Microsoft.Storage), ahead of 0.0.0.0/0",
            ),
            Some(NextHop::ServiceEndpoint),
        );
    }
    if let Some(rt) = route_table(n, s) {
        // Longest prefix: a service tag route holds prefixes longer than 0.0.0.0/0.
        let best = rt
            .routes
            .iter()
            .filter_map(|r| {
                let p = &r.address_prefix.literal;
                if let Ok(net) = p.parse::<IpNet>() {
                    (net.prefix_len() == 0).then_some((0u8, r))
                } else {
                    d.tag
                        .as_deref()
                        .is_some_and(|t| tag_within(t, p))
                        .then_some((1u8, r))
                }
            })
            .max_by_key(|(len, _)| *len);
        return match best {
            Some((_, r)) => {
                let next = if r.via_firewall {
                    NextHop::Firewall
                } else {
                    NextHop::Internet
                };
                (
                    hop(
                        "route",
                        HopResult::Allow,
                        format!(
                            "{} route {} ({} -> {})",
                            rt.name, r.name, r.address_prefix.literal, r.next_hop_type
                        ),
                    ),
                    Some(next),
                )
            }
            None => (
                hop(
                    "route",
                    HopResult::Allow,
                    "system route 0.0.0.0/0 -> Internet",
                ),
                Some(NextHop::Internet),
            ),
        };
    }
    if s.nat_gateway {
        let nat = n
            .nat_gateway
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default();
        return (
            hop(
                "route",
                HopResult::Allow,
                format!("system route 0.0.0.0/0 -> Internet through NAT gateway {nat}"),
            ),
            Some(NextHop::Internet),
        );
    }
    if s.default_outbound_access == Some(false) {
        return (
            hop(
                "route",
                HopResult::Deny,
                "no route out: no default outbound access, no NAT gateway, no firewall",
            ),
            None,
        );
    }
    (
        hop(
            "route",
            HopResult::Allow,
            "system route 0.0.0.0/0 -> Internet",
        ),
        Some(NextHop::Internet),
    )
}

/// The landing zone hub's firewall: its rules are the hub owner's, so it decides unseen.
fn existing_firewall(n: &NetworkModel) -> Hop {
    let (ip, hub) = n
        .existing_hub
        .as_ref()
        .map(|h| (h.firewall_private_ip.clone(), h.vnet_name.clone()))
        .unwrap_or_default();
    hop(
        "firewall",
        HopResult::Unknown,
        format!("firewall {ip} of the landing zone hub {hub}: its rules are the hub owner's, not in the blueprint"),
    )
}

/// `*.x.com` covers sub-domains of x.com, never x.com itself; otherwise names are equal.
pub(crate) fn fqdn_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    match p.strip_prefix("*.") {
        Some(rest) => h.ends_with(&format!(".{rest}")),
        None => p == h,
    }
}

/// Whether a rule's source addresses hold the subnet's range.
fn source_matches(sources: &[String], subnet: &str) -> bool {
    let Ok(subnet) = subnet.parse::<IpNet>() else {
        return false;
    };
    sources
        .iter()
        .any(|a| a == "*" || a.parse::<IpNet>().is_ok_and(|net| net.contains(&subnet)))
}

/// Azure Firewall: network rules first (addresses by service tag, FQDNs with DNS proxy), then
/// application rules (HTTP/HTTPS by host name), then deny; a rule applies only to traffic from
/// its source addresses.
fn firewall(fw: &FirewallModel, s: &SubnetModel, d: &Dest, proto: &str, port: u16) -> Hop {
    let port_s = port.to_string();
    let net_coll = &fw.rule_collection_group.network_collection.name;
    for r in fw
        .network_rules
        .iter()
        .filter(|r| source_matches(&r.source_addresses, &s.prefix))
    {
        let proto_ok = r.protocols.iter().any(|p| proto_matches(p, proto));
        let port_ok =
            r.ports.iter().any(|p| p == "*" || *p == port_s) || port_matches(&r.ports, port);
        if !(proto_ok && port_ok) {
            continue;
        }
        let by_address = r.destination_addresses.iter().any(|a| {
            a.literal == "*" || d.tag.as_deref().is_some_and(|t| tag_within(t, &a.literal))
        });
        let by_fqdn = fw.dns_proxy
            && d.host.as_deref().is_some_and(|h| {
                r.destination_fqdns
                    .iter()
                    .any(|f| f.literal.eq_ignore_ascii_case(h))
            });
        if by_address || by_fqdn {
            return hop(
                "firewall",
                HopResult::Allow,
                format!("{} network rule {net_coll}/{}", fw.name, r.name),
            );
        }
    }
    let app_coll = &fw.rule_collection_group.application_collection.name;
    if proto.eq_ignore_ascii_case("tcp") {
        if let Some(h) = &d.host {
            for r in fw
                .application_rules
                .iter()
                .filter(|r| source_matches(&r.source_addresses, &s.prefix))
            {
                if r.protocols.iter().any(|p| p.port == port)
                    && r.fqdns.iter().any(|f| fqdn_matches(&f.literal, h))
                {
                    return hop(
                        "firewall",
                        HopResult::Allow,
                        format!("{} application rule {app_coll}/{}", fw.name, r.name),
                    );
                }
            }
        }
    }
    hop(
        "firewall",
        HopResult::Deny,
        format!(
            "{}: no network or application rule matches (default deny)",
            fw.name
        ),
    )
}

/// The destination itself: a private endpoint takes the flow; a public address of one of the
/// render's own resources meets its public network access setting.
fn destination(m: &Model, d: &Dest, addr: &Addr) -> Hop {
    match addr {
        Addr::Private { prefix } => hop(
            "destination",
            HopResult::Allow,
            format!("private endpoint in {prefix}"),
        ),
        Addr::Public => {
            let own = d.pe_target.or(match d.storage {
                Some(StorageOwner::Workspace) => Some(PeTarget::Storage),
                _ => None,
            });
            let closed = match own {
                Some(PeTarget::Workspace) => m.workspace.private_only,
                Some(PeTarget::MonitorScope) => m
                    .monitoring
                    .private_link
                    .as_ref()
                    .is_some_and(|p| p.public_ingestion == "Disabled"),
                Some(_) => !m.posture.public_network_access,
                None => false,
            };
            match own {
                Some(t) if closed => hop(
                    "destination",
                    HopResult::Deny,
                    format!(
                        "the {} refuses public network access",
                        super::target_words(t)
                    ),
                ),
                _ => hop("destination", HopResult::Allow, "public endpoint"),
            }
        }
    }
}

/// Records a hop; whether the flow goes on past it.
fn passes(out: &mut Vec<Hop>, h: Hop) -> bool {
    // An unknown hop (a landing zone's rules) lets the evaluation go on; the verdict says so.
    let on = h.result != HopResult::Deny;
    out.push(h);
    on
}

fn customer(
    m: &Model,
    n: &NetworkModel,
    s: &SubnetModel,
    d: &Dest,
    proto: &str,
    port: u16,
    out: &mut Vec<Hop>,
) {
    let Some(addr) = dns(m, &Source::Subnet(s), d, out) else {
        return;
    };
    // A landing zone's subnet: its NSG is its owner's, and its route table (verified by the
    // runbooks) sends 0.0.0.0/0 to the hub's firewall.
    if let Some(e) = &n.existing_spoke {
        out.push(hop(
            "nsg",
            HopResult::Unknown,
            format!(
                "the NSG of the landing zone subnet {} is its owner's, not in the blueprint",
                e.training_subnet_name
            ),
        ));
        if let Addr::Private { prefix } = &addr {
            out.push(hop(
                "route",
                HopResult::Allow,
                format!("system route VnetLocal ({prefix} is in the VNet)"),
            ));
        } else {
            let ip = n
                .existing_hub
                .as_ref()
                .map(|h| h.firewall_private_ip.clone())
                .unwrap_or_default();
            out.push(hop(
                "route",
                HopResult::Allow,
                format!("the landing zone's route 0.0.0.0/0 -> {ip} (the runbooks verify it)"),
            ));
            out.push(existing_firewall(n));
        }
        out.push(destination(m, d, &addr));
        return;
    }
    let nsg = nsg(s, &addr, d.tag.as_deref(), proto, port, udr_default(n, s));
    if !passes(out, nsg) {
        return;
    }
    if let Addr::Private { prefix } = &addr {
        out.push(hop(
            "route",
            HopResult::Allow,
            format!("system route VnetLocal ({prefix} is in the VNet)"),
        ));
        out.push(destination(m, d, &addr));
        return;
    }
    let (route_hop, next) = route(n, s, d, &m.location);
    out.push(route_hop);
    match next {
        None => return,
        Some(NextHop::Firewall) => match &n.firewall {
            Some(fw) => {
                if !passes(out, firewall(fw, s, d, proto, port)) {
                    return;
                }
            }
            None if n.existing_hub.is_some() => out.push(existing_firewall(n)),
            None => {
                out.push(hop(
                    "firewall",
                    HopResult::Deny,
                    "the route points at a firewall the network does not have",
                ));
                return;
            }
        },
        Some(NextHop::ServiceEndpoint) => {
            match (&n.service_endpoint_policy, s.service_endpoint_policy) {
                (Some(p), true) => {
                    let h = match d.storage {
                        Some(StorageOwner::Workspace) => hop(
                            "service_endpoint_policy",
                            HopResult::Allow,
                            format!("{}: definition of the workspace storage account", p.name),
                        ),
                        Some(StorageOwner::AmlManaged) => hop(
                            "service_endpoint_policy",
                            HopResult::Allow,
                            format!("{}: alias {}", p.name, p.alias),
                        ),
                        _ => hop(
                            "service_endpoint_policy",
                            HopResult::Deny,
                            format!("{}: the account is in no definition", p.name),
                        ),
                    };
                    if !passes(out, h) {
                        return;
                    }
                }
                _ => out.push(hop(
                    "service_endpoint_policy",
                    HopResult::Allow,
                    "no policy on the subnet: every account in the region",
                )),
            }
        }
        Some(NextHop::Internet) => {}
    }
    out.push(destination(m, d, &addr));
}

/// A person's machine: no NSG of the model filters it (Azure's default AllowVnetOutBound lets it
/// reach the private endpoints; peered VNets are VirtualNetwork too).
fn client(m: &Model, d: &Dest, out: &mut Vec<Hop>) {
    let Some(addr) = dns(m, &Source::Client, d, out) else {
        return;
    };
    if let Addr::Private { prefix } = &addr {
        out.push(hop(
            "route",
            HopResult::Allow,
            format!("VNet or peering route to {prefix}"),
        ));
    }
    out.push(destination(m, d, &addr));
}

/// Compute in the workspace managed VNet: the isolation mode and the outbound rules (Azure's
/// required ones, then the blueprint's).
fn managed(m: &Model, d: &Dest, proto: &str, port: u16) -> Hop {
    let cat = Catalog::get();
    let cloud = cat.cloud(&m.cloud);
    let mode = &m.workspace.isolation_mode.arm;
    let allow = |rule: String| hop("managed_network", HopResult::Allow, rule);
    if let Some(t) = d.own {
        return allow(format!(
            "private endpoint rule to the {} (required; Azure adds it)",
            super::target_words(t)
        ));
    }
    if m.workspace.internet_outbound {
        return allow(format!("{mode}: all internet outbound"));
    }
    if let Some(tag) = &d.tag {
        let required = cat
            .flows
            .managed_required_service_tags
            .iter()
            .map(|t| cloud.fill(t).replace("{region}", &m.location))
            .find(|t| t.eq_ignore_ascii_case(tag));
        if let Some(t) = required {
            return allow(format!("service tag rule {t} (required; Azure adds it)"));
        }
        for r in m
            .workspace
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::ServiceTag)
        {
            let tag_ok = r.service_tag.as_deref().is_some_and(|t| tag_within(tag, t));
            let proto_ok = r
                .protocol
                .as_deref()
                .is_none_or(|p| proto_matches(p, proto));
            let port_ok = r
                .port_ranges
                .as_deref()
                .is_none_or(|p| port_matches(&[p.to_string()], port));
            if tag_ok && proto_ok && port_ok {
                return allow(format!("service tag rule {}", r.name));
            }
        }
    }
    if let Some(host) = &d.host {
        if d.storage.is_some() {
            return hop(
                "managed_network",
                HopResult::Deny,
                format!("{mode}: FQDN rules cannot reach Azure Storage, and no private endpoint rule targets this account"),
            );
        }
        let fqdn_ports = &cat.managed_network.fqdn_rules.ports;
        if proto.eq_ignore_ascii_case("tcp") && fqdn_ports.contains(&port) {
            if let Some(r) = m.workspace.rules.iter().find(|r| {
                r.kind == RuleKind::Fqdn
                    && r.destination
                        .as_deref()
                        .is_some_and(|p| fqdn_matches(p, host))
            }) {
                let sku = m
                    .workspace
                    .firewall_sku
                    .as_ref()
                    .map(|s| s.arm.clone())
                    .unwrap_or_default();
                return allow(format!(
                    "FQDN rule {} (managed Azure Firewall, {sku})",
                    r.name
                ));
            }
        }
    }
    hop(
        "managed_network",
        HopResult::Deny,
        format!("{mode}: no outbound rule allows it"),
    )
}
