//! The checks of verify/network-check.sh, the smoke test a person runs after deploying from
//! inside the network: the same flows `amlgen flows` evaluates, as name resolutions and TCP
//! connections that can be tried for real.

use super::{Expected, Report, Status};
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
}

/// Seconds a resolution or connection may take before it counts as failed.
const TIMEOUT_SECONDS: u32 = 5;

pub fn checks(m: &Model, r: &Report) -> Smoke {
    let mut dns = Vec::new();
    if let Some(p) = &m.private {
        let prefix = match (&m.network, &m.client) {
            (Some(n), _) => n
                .spoke
                .subnets
                .iter()
                .find(|s| s.private_endpoints)
                .map(|s| s.prefix.clone()),
            (None, Some(c)) => Some(c.pe_subnet_prefix.clone()),
            (None, None) => None,
        }
        .unwrap_or_default();
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
    let mut not_probed: Vec<String> = Vec::new();
    for f in &r.flows {
        let from_compute = f.source_kind == "compute";
        if from_compute && Some(&f.source) != first_compute.as_ref() {
            continue;
        }
        let why = if f.status == Status::Residual {
            Some("residual: Azure's required rules leave it open".to_string())
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
        } else if f.probe.is_none() {
            Some(format!("{}: a sample name", f.destination))
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
        max_seconds,
    }
}
