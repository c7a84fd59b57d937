//! Flows before deploying: every flow Azure Machine Learning needs (and every flow that must stay
//! closed) evaluated on the model, hop by hop, the way Azure decides it: DNS answer, NSG (by
//! priority, first match, default rules last), route table (longest prefix; service endpoint
//! routes), Azure Firewall (network rules before application rules), service endpoint policy,
//! the destination's own network access; or, with a workspace managed VNet, its isolation mode
//! and outbound rules. The flows themselves are catalog data (catalog/flows.yaml, each with its
//! sources); nothing here reads rendered text, so a change to the plan shows up here before it
//! shows up anywhere else.

mod eval;
pub mod smoke;
pub mod table;

use crate::catalog::{Catalog, FlowArchitecture, FlowFact, StorageOwner};
use crate::plan::model::{Model, PeTarget, RuleKind, SubnetModel};
use serde::Serialize;

/// What the blueprint means a flow to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    Required,
    Forbidden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allowed,
    Denied,
    /// A hop the blueprint cannot see decides (see [`HopResult::Unknown`]).
    Unknown,
}

/// The verdict held against the expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Fail,
    /// Forbidden, yet allowed by a rule Azure requires (catalog `residual`): reported, not failed.
    Residual,
    /// Decided by rules outside the blueprint (a landing zone's): neither passed nor failed;
    /// the smoke test after deploying tells.
    Unknown,
}

/// What one hop did with the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopResult {
    /// Let it on (a rule allowed it, or the hop only chose where it goes).
    Allow,
    Deny,
    /// Decided by rules the blueprint does not hold (a landing zone's firewall or NSG): the
    /// flow goes on, and its verdict is unknown rather than claimed.
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    /// `dns`, `nsg`, `route`, `firewall`, `service_endpoint_policy`, `managed_network`,
    /// `destination`.
    pub hop: &'static str,
    pub result: HopResult,
    /// The rule (or answer) that decided, in words.
    pub rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    /// The catalog name (`entra-id`), or `pe-<key>`, `package-<host>`, `rule-<name>`.
    pub name: String,
    pub purpose: String,
    /// Where it starts: a compute subnet (`snet-training 10.111.0.0/24`), the managed VNet's
    /// compute, or a client.
    pub source: String,
    /// `compute` or `client`.
    pub source_kind: &'static str,
    pub destination: String,
    /// `fqdn`, `service_tag` or `private_endpoint`.
    pub destination_kind: &'static str,
    /// The host name, when the destination has one.
    pub host: Option<String>,
    /// The host verify/network-check.sh connects to for this flow, if any.
    pub probe: Option<String>,
    /// Why the flow has a probe host yet is not probed here (the probe account is in this
    /// region).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_skipped: Option<String>,
    pub protocol: String,
    pub port: u16,
    pub expected: Expected,
    pub verdict: Verdict,
    pub status: Status,
    /// The hop and rule that decided the verdict.
    pub decided_by: String,
    pub hops: Vec<Hop>,
    /// For a forbidden flow Azure's required rules leave open: why.
    pub residual: Option<String>,
    /// Ids in catalog/sources.yaml.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub flows: usize,
    pub required_allowed: usize,
    pub required_denied: usize,
    pub forbidden_denied: usize,
    pub forbidden_allowed: usize,
    pub residual: usize,
    /// Flows a hop outside the blueprint decides (a landing zone's firewall or NSG).
    pub unknown: usize,
    /// Every required flow allowed and every forbidden one denied (residuals aside).
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub blueprint: String,
    /// The architecture the flows were chosen for (catalog spelling).
    pub architecture: &'static str,
    pub summary: Summary,
    pub flows: Vec<Flow>,
    /// Every residual flow once (whichever source), with its reason.
    pub residuals: Vec<Residual>,
    /// Ids in catalog/sources.yaml for how each hop decides.
    pub evaluation_sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Residual {
    pub name: String,
    pub destination: String,
    pub protocol: String,
    pub port: u16,
    pub reason: String,
}

/// A destination as the hops see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dest {
    pub host: Option<String>,
    /// The service tag holding its public addresses.
    pub tag: Option<String>,
    pub storage: Option<StorageOwner>,
    /// The public name chains through the service's privatelink zone.
    pub private_link_cname: bool,
    /// The workspace's own resource that a managed VNet reaches through the private endpoint
    /// rule Azure adds.
    pub own: Option<PeTarget>,
    /// The resource of a private endpoint of the render, whose public access is off.
    pub pe_target: Option<PeTarget>,
}

fn architecture(m: &Model) -> Option<FlowArchitecture> {
    match &m.network {
        Some(n) if n.exfiltration_prevention => Some(FlowArchitecture::ExfiltrationPrevention),
        Some(n) if n.firewall.is_some() => Some(FlowArchitecture::HubSpoke),
        Some(_) => Some(FlowArchitecture::NoFirewall),
        None if m.workspace.managed_vnet && m.workspace.internet_outbound => {
            Some(FlowArchitecture::AllowInternet)
        }
        None if m.workspace.managed_vnet => Some(FlowArchitecture::ApprovedOnly),
        None => None,
    }
}

fn architecture_name(a: Option<FlowArchitecture>) -> &'static str {
    match a {
        Some(FlowArchitecture::HubSpoke) => "hub_spoke",
        Some(FlowArchitecture::ExfiltrationPrevention) => "exfiltration_prevention",
        Some(FlowArchitecture::NoFirewall) => "no_firewall",
        Some(FlowArchitecture::AllowInternet) => "allow_internet",
        Some(FlowArchitecture::ApprovedOnly) => "approved_only",
        None => "no_isolation",
    }
}

/// Where a flow starts.
pub(crate) enum Source<'a> {
    /// A compute subnet of the customer VNet.
    Subnet(&'a SubnetModel),
    /// Compute in the workspace managed VNet.
    Managed,
    /// A person's machine: in the hub (jump box, VPN or ExpressRoute gateway), the spoke when
    /// there is no hub, or the client VNet of a managed-VNet workspace.
    Client,
}

/// A flow before evaluation.
struct Candidate<'a> {
    name: String,
    purpose: String,
    source: &'a Source<'a>,
    dest: Dest,
    destination: String,
    destination_kind: &'static str,
    protocol: String,
    port: u16,
    expected: Expected,
    residual: Option<String>,
    sources: Vec<String>,
    probe: Option<String>,
    probe_skipped: Option<String>,
}

/// Evaluates every flow of the model.
pub fn evaluate(m: &Model) -> Report {
    let cat = Catalog::get();
    let cloud = cat.cloud(&m.cloud);
    let fill = |s: &str| cloud.fill(s).replace("{region}", &m.location);
    let arch = architecture(m);
    let monitor_private = m.monitoring.private_link.is_some();

    // A landing zone's training subnet is no subnet amlgen creates; compute still starts there.
    let existing_training = m
        .network
        .as_ref()
        .and_then(|n| n.existing_spoke.as_ref())
        .map(|e| SubnetModel {
            role: "training",
            name: e.training_subnet_name.clone(),
            prefix: e.training_prefix.clone().unwrap_or_default(),
            nsg_name: String::new(),
            nsg_rules: Vec::new(),
            // Its route table is the landing zone's, not in the model (the runbooks verify it).
            route_table: None,
            nat_gateway: false,
            default_outbound_access: None,
            storage_service_endpoint: false,
            service_endpoint_policy: false,
            private_endpoints: false,
            usable: 0,
        });
    let mut sources: Vec<Source> = existing_training.iter().map(Source::Subnet).collect();
    if let Some(n) = &m.network {
        sources.extend(
            n.spoke
                .subnets
                .iter()
                .filter(|s| !s.private_endpoints)
                .map(Source::Subnet),
        );
    } else if m.workspace.managed_vnet {
        sources.push(Source::Managed);
    }
    let client = Source::Client;

    let mut cands: Vec<Candidate> = Vec::new();
    let fact_dest = |f: &FlowFact| Dest {
        host: f.host.as_deref().map(&fill),
        tag: f.tag.as_deref().map(&fill),
        storage: f.storage,
        private_link_cname: f.private_link_cname,
        ..Dest::default()
    };
    let fact_label = |f: &FlowFact| match (&f.host, &f.tag) {
        (Some(h), Some(t)) => format!("{} ({})", fill(h), fill(t)),
        (Some(h), None) => fill(h),
        (None, Some(t)) => fill(t),
        (None, None) => String::new(),
    };
    for src in &sources {
        let Some(arch) = arch else { break };
        for (expected, facts) in [
            (Expected::Required, &cat.flows.required),
            (Expected::Forbidden, &cat.flows.forbidden),
        ] {
            for f in facts.iter().filter(|f| f.architectures.contains(&arch)) {
                if f.without_monitor_private_link && monitor_private {
                    continue;
                }
                // The AKS cluster's flows: only with the cluster, only from its subnet.
                if f.feature == Some(crate::catalog::Feature::Kubernetes)
                    && !(m.inference.kubernetes.is_some()
                        && matches!(src, Source::Subnet(s) if s.role == "scoring"))
                {
                    continue;
                }
                // In the probe account's own region the probe would take the storage service
                // endpoint, where the policy refuses only at HTTP (403), like an account that
                // answers: the smoke test could not tell the two apart.
                let same_region = f
                    .probe_region
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&m.location));
                let probe_skipped = same_region.then(|| {
                    format!(
                        "its probe account is in {}, this deployment's region: the service endpoint takes it, and the policy's HTTP 403 cannot be told from an account that answers",
                        m.location
                    )
                });
                for port in &f.ports {
                    cands.push(Candidate {
                        name: f.name.clone(),
                        purpose: f.purpose.clone(),
                        source: src,
                        dest: fact_dest(f),
                        destination: fact_label(f),
                        destination_kind: if f.host.is_some() {
                            "fqdn"
                        } else {
                            "service_tag"
                        },
                        protocol: f.protocol.clone(),
                        port: *port,
                        expected,
                        residual: f
                            .residual
                            .clone()
                            .filter(|_| f.residual_in.as_ref().is_none_or(|a| a.contains(&arch))),
                        sources: f.source.clone(),
                        probe: match &f.probe {
                            _ if same_region => None,
                            Some(p) if p.is_empty() => None,
                            Some(p) => Some(fill(p)),
                            None => f.host.as_deref().map(&fill),
                        },
                        probe_skipped: probe_skipped.clone(),
                    });
                }
            }
        }
        // Package repositories the blueprint allows go through the firewall's application rules
        // (customer VNet); with a managed VNet they are FQDN rules, covered below.
        if m.network.is_some() {
            for p in &m.packages {
                for d in &p.destinations {
                    let host = sample_host(d);
                    cands.push(Candidate {
                        name: format!("package-{}", p.key),
                        purpose: format!("package repository: {} ({d})", p.title),
                        source: src,
                        dest: Dest {
                            host: Some(host.clone()),
                            ..Dest::default()
                        },
                        // A wildcard's sample name need not exist.
                        probe: (!d.starts_with("*.")).then(|| host.clone()),
                        destination: host,
                        destination_kind: "fqdn",
                        protocol: "TCP".into(),
                        port: 443,
                        expected: Expected::Required,
                        residual: None,
                        sources: vec!["firewall_aml".into()],
                        probe_skipped: None,
                    });
                }
            }
        }
        if matches!(src, Source::Managed) {
            // The blueprint's own outbound rules say what it means to reach.
            for r in &m.workspace.rules {
                let wildcard = r
                    .destination
                    .as_deref()
                    .is_some_and(|d| d.starts_with("*."));
                let (dest, label, protocol, port) = match r.kind {
                    RuleKind::Fqdn => {
                        let host = sample_host(r.destination.as_deref().unwrap_or_default());
                        (
                            Dest {
                                host: Some(host.clone()),
                                ..Dest::default()
                            },
                            host,
                            "TCP".to_string(),
                            443,
                        )
                    }
                    RuleKind::ServiceTag => {
                        let tag = r.service_tag.clone().unwrap_or_default();
                        let proto = match r.protocol.as_deref() {
                            Some(p) if p.eq_ignore_ascii_case("udp") => "UDP",
                            _ => "TCP",
                        };
                        let port = first_port(r.port_ranges.as_deref().unwrap_or("443"));
                        (
                            Dest {
                                tag: Some(tag.clone()),
                                ..Dest::default()
                            },
                            tag,
                            proto.to_string(),
                            port,
                        )
                    }
                    // A private endpoint rule reaches one resource of the customer's by its own
                    // private endpoint; nothing on the path but the rule decides it.
                    RuleKind::PrivateEndpoint => continue,
                };
                cands.push(Candidate {
                    name: format!("rule-{}", r.name),
                    purpose: format!("outbound rule `{}` of the blueprint", r.name),
                    source: src,
                    dest,
                    destination: label.clone(),
                    destination_kind: if r.kind == RuleKind::Fqdn {
                        "fqdn"
                    } else {
                        "service_tag"
                    },
                    protocol,
                    port,
                    expected: Expected::Required,
                    residual: None,
                    sources: cat.flows.managed_required_source.clone(),
                    probe: (r.kind == RuleKind::Fqdn && !wildcard).then(|| label.clone()),
                    probe_skipped: None,
                });
            }
            // The workspace's own resources, through the private endpoint rules Azure adds.
            for (target, label) in [
                (PeTarget::Workspace, m.workspace.name.clone()),
                (PeTarget::Storage, m.storage.name.clone()),
                (PeTarget::KeyVault, m.key_vault.name.clone()),
                (PeTarget::Registry, m.registry.name.clone()),
            ] {
                cands.push(Candidate {
                    name: format!("own-{}", target_key(target)),
                    purpose: format!("the workspace's {}", target_words(target)),
                    source: src,
                    dest: Dest {
                        own: Some(target),
                        ..Dest::default()
                    },
                    destination: label,
                    destination_kind: "private_endpoint",
                    protocol: "TCP".into(),
                    port: 443,
                    expected: Expected::Required,
                    residual: None,
                    sources: cat.flows.managed_required_source.clone(),
                    probe: None,
                    probe_skipped: None,
                });
            }
        }
    }
    // Private endpoints of the render: from compute in the customer VNet, and from clients.
    if let Some(p) = &m.private {
        let pe_sources: Vec<&Source> = sources
            .iter()
            .filter(|s| matches!(s, Source::Subnet(_)))
            .chain([&client])
            .collect();
        for src in pe_sources {
            for pe in &p.private_endpoints {
                let Some(host) = pe.hosts.first().map(|h| h.fqdn.clone()) else {
                    continue;
                };
                cands.push(Candidate {
                    name: format!("pe-{}", pe.key),
                    purpose: format!("{} through its private endpoint", pe.label),
                    source: src,
                    dest: Dest {
                        host: Some(host.clone()),
                        tag: None,
                        storage: (pe.target == PeTarget::Storage)
                            .then_some(StorageOwner::Workspace),
                        private_link_cname: true,
                        own: None,
                        pe_target: Some(pe.target),
                    },
                    probe: Some(host.clone()),
                    destination: host,
                    destination_kind: "private_endpoint",
                    protocol: "TCP".into(),
                    port: 443,
                    expected: Expected::Required,
                    residual: None,
                    sources: vec!["pe_dns_current".into()],
                    probe_skipped: None,
                });
            }
        }
    }

    let flows: Vec<Flow> = cands.into_iter().map(|c| finish(m, c)).collect();
    let count = |e: Expected, v: Verdict| {
        flows
            .iter()
            .filter(|f| f.expected == e && f.verdict == v)
            .count()
    };
    let residual = flows
        .iter()
        .filter(|f| f.status == Status::Residual)
        .count();
    let summary = Summary {
        flows: flows.len(),
        required_allowed: count(Expected::Required, Verdict::Allowed),
        required_denied: count(Expected::Required, Verdict::Denied),
        forbidden_denied: count(Expected::Forbidden, Verdict::Denied),
        forbidden_allowed: count(Expected::Forbidden, Verdict::Allowed) - residual,
        residual,
        unknown: flows.iter().filter(|f| f.status == Status::Unknown).count(),
        ok: flows.iter().all(|f| f.status != Status::Fail),
    };
    let mut residuals: Vec<Residual> = Vec::new();
    for f in flows.iter().filter(|f| f.status == Status::Residual) {
        let r = Residual {
            name: f.name.clone(),
            destination: f.destination.clone(),
            protocol: f.protocol.clone(),
            port: f.port,
            reason: f.residual.clone().unwrap_or_default(),
        };
        if !residuals.contains(&r) {
            residuals.push(r);
        }
    }
    Report {
        blueprint: m.blueprint.name.clone(),
        architecture: architecture_name(arch),
        summary,
        residuals,
        flows,
        evaluation_sources: cat.flows.evaluation_source.clone(),
    }
}

/// A warning per failing flow (once per flow, port and verdict, whichever subnet), for `render`.
pub fn diagnostics(r: &Report) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::{Code, Diagnostic};
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for f in r.flows.iter().filter(|f| f.status == Status::Fail) {
        let key = (f.name.clone(), f.protocol.clone(), f.port);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (code, what) = match f.expected {
            Expected::Required => (Code::RequiredFlowDenied, "required flow denied"),
            Expected::Forbidden => (Code::ForbiddenFlowAllowed, "forbidden flow allowed"),
        };
        out.push(
            Diagnostic::warning(
                code,
                format!(
                    "{what}: `{}` ({}) from {} to {} {}/{}, decided by {}",
                    f.name, f.purpose, f.source, f.destination, f.protocol, f.port, f.decided_by
                ),
            )
            .with_help(format!(
                "`amlgen flows {}` shows every hop of every flow",
                r.blueprint
            )),
        );
    }
    out
}

fn finish(m: &Model, c: Candidate) -> Flow {
    let mut hops = eval::hops(m, c.source, &c.dest, &c.protocol, c.port);
    let mut residual = c.residual;
    // A name that does not resolve is no wall: whoever knows the public address connects to it
    // (`curl --resolve`). A forbidden flow refused by DNS alone is evaluated again by address;
    // when that path is open, it is residual, not denied.
    if c.expected == Expected::Forbidden
        && hops.len() == 1
        && hops[0].hop == "dns"
        && hops[0].result == HopResult::Deny
    {
        let by_address = Dest {
            private_link_cname: false,
            ..c.dest.clone()
        };
        let mut through = eval::hops(m, c.source, &by_address, &c.protocol, c.port);
        if through.iter().all(|h| h.result == HopResult::Allow) {
            let open_by = decisive(&through)
                .map(|h| format!("{}: {}", h.hop, h.rule))
                .unwrap_or_default();
            residual = Some(format!(
                "refused by DNS alone ({}); its public address, given directly (curl --resolve), gets through ({open_by})",
                hops[0].rule
            ));
            if let Some(first) = through.first_mut().filter(|h| h.hop == "dns") {
                first.rule = format!(
                    "{}; by address (curl --resolve): {}",
                    hops[0].rule, first.rule
                );
            }
            hops = through;
        }
    }
    let verdict = if hops.iter().any(|h| h.result == HopResult::Deny) {
        Verdict::Denied
    } else if hops.iter().any(|h| h.result == HopResult::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Allowed
    };
    let status = match (c.expected, verdict) {
        (_, Verdict::Unknown) => Status::Unknown,
        (Expected::Required, Verdict::Allowed) | (Expected::Forbidden, Verdict::Denied) => {
            Status::Ok
        }
        (Expected::Forbidden, Verdict::Allowed) if residual.is_some() => Status::Residual,
        _ => Status::Fail,
    };
    let decided_by = decisive(&hops)
        .map(|h| format!("{}: {}", h.hop, h.rule))
        .unwrap_or_default();
    Flow {
        name: c.name,
        purpose: c.purpose,
        source: match c.source {
            Source::Subnet(s) => format!("{} {}", s.name, s.prefix).trim_end().to_string(),
            Source::Managed => "managed VNet compute".into(),
            Source::Client => eval::client_label(m),
        },
        source_kind: if matches!(c.source, Source::Client) {
            "client"
        } else {
            "compute"
        },
        destination: c.destination,
        destination_kind: c.destination_kind,
        host: c.dest.host.clone(),
        probe: c.probe,
        probe_skipped: c.probe_skipped,
        protocol: c.protocol,
        port: c.port,
        expected: c.expected,
        verdict,
        status,
        decided_by,
        hops,
        residual,
        sources: c.sources,
    }
}

/// The hop that decided: the one that denied, else the last filter that allowed (firewall,
/// policy or managed network over NSG; routes and answers only steer).
fn decisive(hops: &[Hop]) -> Option<&Hop> {
    if let Some(h) = hops.iter().find(|h| h.result == HopResult::Deny) {
        return Some(h);
    }
    if let Some(h) = hops.iter().find(|h| h.result == HopResult::Unknown) {
        return Some(h);
    }
    for kind in [
        "managed_network",
        "firewall",
        "service_endpoint_policy",
        "destination",
        "nsg",
    ] {
        if let Some(h) = hops.iter().rev().find(|h| h.hop == kind) {
            return Some(h);
        }
    }
    hops.last()
}

/// A host a wildcard destination stands for (`*.anaconda.com` -> `pkg.anaconda.com`): the flow
/// needs one concrete name, and a wildcard never covers its apex.
fn sample_host(d: &str) -> String {
    match d.strip_prefix("*.") {
        Some(rest) => format!("pkg.{rest}"),
        None => d.to_string(),
    }
}

/// The first port of an outbound rule's `port_ranges` (`443`, `80,443`, `8000-8080`).
fn first_port(ranges: &str) -> u16 {
    ranges
        .split([',', '-'])
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(443)
}

fn target_key(t: PeTarget) -> &'static str {
    match t {
        PeTarget::Workspace => "workspace",
        PeTarget::Storage => "storage",
        PeTarget::KeyVault => "key-vault",
        PeTarget::Registry => "registry",
        PeTarget::MonitorScope => "monitor",
    }
}

pub(crate) fn target_words(t: PeTarget) -> &'static str {
    match t {
        PeTarget::Workspace => "workspace",
        PeTarget::Storage => "storage account",
        PeTarget::KeyVault => "key vault",
        PeTarget::Registry => "container registry",
        PeTarget::MonitorScope => "Azure Monitor private link scope",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_stand_for_a_sub_domain() {
        assert_eq!(sample_host("*.anaconda.com"), "pkg.anaconda.com");
        assert_eq!(sample_host("pypi.org"), "pypi.org");
    }

    #[test]
    fn first_port_of_a_range() {
        assert_eq!(first_port("80,443"), 80);
        assert_eq!(first_port("8000-8080"), 8000);
        assert_eq!(first_port("bogus"), 443);
    }
}
