//! The checks of verify/network-check.sh, the smoke test a person runs after deploying from
//! inside the network: the same flows `amlgen flows` evaluates, as name resolutions, HTTP(S)
//! requests and TCP connections that can be tried for real.

use super::{Expected, Report, Status};
use crate::catalog::Catalog;
use crate::plan::model::Model;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Smoke {
    /// Every private endpoint name, and the range its address must be in.
    pub dns: Vec<DnsCheck>,
    /// The DNS checks hold from compute too (customer VNet: compute resolves through the same
    /// zones); with a managed VNet compute resolves through Azure's own zones, in ranges the
    /// model does not know, so only clients check names.
    pub dns_from_compute: bool,
    /// Connections from compute, then from a client.
    pub compute: Vec<ConnectCheck>,
    pub client: Vec<ConnectCheck>,
    /// Flows the script cannot try, with the reason (printed as comments).
    pub not_probed: Vec<String>,
    /// Seconds each check may take at most.
    pub timeout_seconds: u32,
    /// The status of Azure Firewall's own deny page (an HTTP answer that means blocked).
    pub firewall_deny_http_status: u16,
    /// Ports probed with an HTTP(S) request rather than a TCP connect.
    pub http_probe_ports: Vec<u16>,
    /// The most the script can take, every check timing out: the bound is the point.
    pub max_seconds: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsCheck {
    pub host: String,
    pub prefix: String,
    pub endpoint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectCheck {
    pub name: String,
    pub host: String,
    pub port: u16,
    /// `open` (required) or `closed` (forbidden).
    pub expect: &'static str,
    /// `http` or `https`: an HTTP request, any answer but the firewall's deny page counts as
    /// reachable (Azure Firewall completes the TCP handshake itself on these ports, so a bare
    /// connect proves nothing); `tcp`: a TCP connect, on other ports.
    pub method: &'static str,
}

/// Seconds a resolution or connection may take before it counts as failed.
const TIMEOUT_SECONDS: u32 = 5;

/// Ports where Azure Firewall on compute's path completes the TCP handshake itself: the catalog's
/// proxy ports and those of its application rules (customer VNet), or of the managed VNet's FQDN
/// rules (its managed Azure Firewall). Empty when no firewall is on the path.
fn firewall_proxy_ports(m: &Model) -> Vec<u16> {
    let cat = Catalog::get();
    let mut ports: Vec<u16> = match &m.network {
        Some(n) => match &n.firewall {
            Some(fw) => fw
                .application_rules
                .iter()
                .flat_map(|r| r.protocols.iter().map(|p| p.port))
                .collect(),
            None => return Vec::new(),
        },
        None if m.workspace.managed_vnet && m.workspace.firewall_sku.is_some() => {
            cat.managed_network.fqdn_rules.ports.clone()
        }
        None => return Vec::new(),
    };
    ports.extend(&cat.flows.firewall_proxy_ports);
    ports.sort_unstable();
    ports.dedup();
    ports
}

pub fn checks(m: &Model, r: &Report) -> Smoke {
    let cat = Catalog::get();
    let mut dns = Vec::new();
    let mut not_probed: Vec<String> = Vec::new();
    // A DNS check without the range its answer must be in would pass or fail on nothing.
    let prefix = super::eval::pe_prefix(m);
    if let (Some(p), None) = (&m.private, &prefix) {
        if !p.private_endpoints.is_empty() {
            not_probed.push(
                "private endpoint names (no subnet of the model holds the private endpoints, so no range to check the answers against)"
                    .to_string(),
            );
        }
    }
    if let (Some(p), Some(prefix)) = (&m.private, prefix) {
        for pe in &p.private_endpoints {
            for h in &pe.hosts {
                dns.push(DnsCheck {
                    host: h.fqdn.clone(),
                    prefix: prefix.clone(),
                    endpoint: pe.name.clone(),
                });
            }
        }
    }
    // One compute source stands for all: the subnets share their rules but for the NSG name.
    let first_compute = r
        .flows
        .iter()
        .find(|f| f.source_kind == "compute")
        .map(|f| f.source.clone());
    let mut compute: Vec<ConnectCheck> = Vec::new();
    let mut client: Vec<ConnectCheck> = Vec::new();
    let proxied = firewall_proxy_ports(m);
    let http_method = |port: u16| {
        if cat.flows.https_ports.contains(&port) {
            Some("https")
        } else if cat.flows.http_ports.contains(&port) {
            Some("http")
        } else {
            None
        }
    };
    for f in &r.flows {
        let from_compute = f.source_kind == "compute";
        if from_compute && Some(&f.source) != first_compute.as_ref() {
            continue;
        }
        let why = if f.status == Status::Residual {
            Some(format!(
                "residual: {}",
                f.residual.as_deref().unwrap_or("left open")
            ))
        } else if !f.protocol.eq_ignore_ascii_case("tcp") {
            Some(format!(
                "{} {}: a TCP connection cannot test it",
                f.protocol, f.port
            ))
        } else if f.host.is_none() && f.destination_kind == "private_endpoint" {
            Some(format!(
                "{}: through the private endpoint Azure manages in the managed VNet",
                f.destination
            ))
        } else if f.host.is_none() {
            Some(format!(
                "{}: a service tag, no host name to connect to",
                f.destination
            ))
        } else if let Some(why) = &f.probe_skipped {
            Some(format!("{}: {why}", f.destination))
        } else if f.probe.is_none() {
            Some(format!("{}: a sample name", f.destination))
        } else if from_compute && http_method(f.port).is_none() && proxied.contains(&f.port) {
            Some(format!(
                "{} {}: Azure Firewall completes the TCP handshake itself on this port, and it is not HTTP(S)",
                f.protocol, f.port
            ))
        } else {
            None
        };
        if let Some(why) = why {
            let line = format!("{} ({why})", f.name);
            if !not_probed.contains(&line) {
                not_probed.push(line);
            }
            continue;
        }
        let check = ConnectCheck {
            name: f.name.clone(),
            host: f.probe.clone().unwrap_or_default(),
            port: f.port,
            expect: match f.expected {
                Expected::Required => "open",
                Expected::Forbidden => "closed",
            },
            method: http_method(f.port).unwrap_or("tcp"),
        };
        let list = if from_compute {
            &mut compute
        } else {
            &mut client
        };
        if !list
            .iter()
            .any(|c| c.host == check.host && c.port == check.port && c.expect == check.expect)
        {
            list.push(check);
        }
    }
    let dns_from_compute = m.network.is_some();
    let per_role = |connects: usize, dns_here: bool| {
        (connects + if dns_here { dns.len() } else { 0 }) as u32 * TIMEOUT_SECONDS
    };
    let max_seconds = per_role(compute.len(), dns_from_compute).max(per_role(client.len(), true));
    Smoke {
        dns,
        dns_from_compute,
        compute,
        client,
        not_probed,
        timeout_seconds: TIMEOUT_SECONDS,
        firewall_deny_http_status: cat.flows.firewall_deny_http_status,
        http_probe_ports: cat
            .flows
            .http_ports
            .iter()
            .chain(&cat.flows.https_ports)
            .copied()
            .collect(),
        max_seconds,
    }
}
