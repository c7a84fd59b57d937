//! Serving from the customer network (`inference.kubernetes`): the AKS cluster for scoring needs the
//! spoke's scoring subnet, room in it for Azure CNI's addresses, TLS, and a private DNS zone
//! amlgen can place.

use crate::analyze::address_plan::spoke_plan;
use crate::blueprint::{Blueprint, PrivateDnsMode};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::net::{overlaps, parse_cidr, usable_addresses};

/// Addresses of the scoring subnet an AKS cluster takes with Azure CNI: Azure's minimum
/// `(nodes + 1) + ((nodes + 1) * max pods)` (one surge node for upgrades, aks_cni_overview),
/// plus the inference router's internal load balancer front end and the API server's private
/// endpoint, both in the same subnet.
pub fn addresses_needed(nodes: u32, max_pods: u32) -> u64 {
    let surge = u64::from(nodes) + 1;
    surge + surge * u64::from(max_pods) + 2
}

/// The node count and pods per node a blueprint's cluster gets (catalog defaults when unset).
pub fn node_count_and_pods(k: &crate::blueprint::KubernetesScoring) -> (u32, u32) {
    let d = |key: &str| {
        Catalog::get().defaults[key]
            .value
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or_else(|| panic!("catalog/defaults.yaml {key} is a small number"))
    };
    (
        k.node_count.unwrap_or_else(|| d("aks_node_count")),
        k.max_pods.unwrap_or_else(|| d("aks_max_pods")),
    )
}

/// A setting's path, its value if set, the test its value must pass, and the help.
type Shape<'a> = (&'a str, Option<&'a String>, fn(&str) -> bool, &'a str);

/// A DNS host name: labels of letters, digits and hyphens (not at a label's ends), at least
/// two labels, 253 characters at most.
fn is_host_name(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(k) = bp.inference.kubernetes.as_ref() else {
        return;
    };
    let Some(net) = &bp.network else {
        out.push(
            Diagnostic::error(
                Code::KubernetesWithoutCustomerNetwork,
                "an AKS cluster for scoring needs a customer network (`network:`)",
            )
            .at_path("inference.kubernetes")
            .with_help("serve models with managed online endpoints in the workspace's managed VNet, or start from a customer-VNet blueprint (hub-spoke, exfiltration-prevention, no-firewall)"),
        );
        return;
    };
    // An existing spoke gives amlgen the training and endpoint subnets only: no scoring subnet
    // to put the cluster in, and nothing may be created in that spoke.
    if net.spoke.existing.is_some() {
        out.push(
            Diagnostic::error(
                Code::KubernetesInExistingSpoke,
                "an AKS cluster for scoring needs the scoring subnet of a spoke amlgen creates",
            )
            .at_path("inference.kubernetes")
            .with_help("remove inference.kubernetes (serve from managed online endpoints, or attach a cluster the platform team runs), or let amlgen create the spoke (remove network.spoke.existing)"),
        );
        return;
    }
    if k.tls.is_none() {
        out.push(
            Diagnostic::error(
                Code::KubernetesWithoutTls,
                "the inference router needs TLS: the name clients call it by",
            )
            .at_path("inference.kubernetes")
            .with_help("add `tls: {cname: <the host name in your certificate>}` under `inference.kubernetes`"),
        );
    }
    // Values Azure or the extension would refuse only late in the deployment: the router's
    // host name, the Kubernetes version, the node size.
    let shapes: [Shape; 3] = [
        (
            "inference.kubernetes.tls.cname",
            k.tls.as_ref().map(|t| &t.cname),
            is_host_name,
            "a DNS host name such as `scoring.contoso.com` (the name in your certificate)",
        ),
        (
            "inference.kubernetes.kubernetes_version",
            k.kubernetes_version.as_ref(),
            |v| {
                let parts: Vec<&str> = v.split('.').collect();
                (2..=3).contains(&parts.len())
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            },
            "a version such as `1.33` or `1.33.2` (`az aks get-versions --location <region>`), or leave it out",
        ),
        (
            "inference.kubernetes.vm_size",
            k.vm_size.as_ref(),
            |v| {
                (1..=64).contains(&v.len())
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            },
            "a VM size such as `Standard_D4s_v5` (`az vm list-sizes --location <region>`)",
        ),
    ];
    for (path, value, ok, help) in shapes {
        if let Some(v) = value {
            if !ok(v) {
                out.push(
                    Diagnostic::error(
                        Code::InvalidKubernetesSetting,
                        "not a value Azure takes here",
                    )
                    .at_path(path)
                    .with_value(v)
                    .with_help(help),
                );
            }
        }
    }
    if bp.private_dns.mode == PrivateDnsMode::Policy {
        out.push(
            Diagnostic::error(
                Code::KubernetesDnsZoneUnplaced,
                "the AKS API server's private DNS zone has no place with private_dns.mode policy",
            )
            .at_path("private_dns.mode")
            .with_value("policy")
            .with_help("use private_dns.mode create, or existing with zones_resource_group_id"),
        );
    }
    // Azure's default service range must stay clear of the VNets the pods reach.
    let service_cidr = Catalog::get().defaults["aks_service_cidr"]
        .value
        .as_str()
        .and_then(|s| parse_cidr(s).ok())
        .expect("catalog/defaults.yaml aks_service_cidr is a CIDR");
    let spaces = net
        .hub
        .iter()
        .flat_map(|h| {
            h.address_space
                .iter()
                .map(move |s| ("network.hub.address_space", s))
        })
        .chain(
            net.spoke
                .address_space
                .iter()
                .map(|s| ("network.spoke.address_space", s)),
        );
    for (path, space) in spaces {
        if parse_cidr(space).is_ok_and(|c| overlaps(&c, &service_cidr)) {
            out.push(
                Diagnostic::error(
                    Code::ServiceCidrOverlapsVnet,
                    format!("{space} overlaps the AKS service address range {service_cidr}"),
                )
                .at_path(path)
                .with_value(space.clone())
                .with_help(format!("move the address space out of {service_cidr}")),
            );
        }
    }
    // The address plan itself is checked (and reported) by check::network; only a plan that
    // carves is measured here.
    let Ok(plan) = spoke_plan(net) else {
        return;
    };
    let Some((_, scoring)) = plan.iter().find(|(k, _)| k == "scoring") else {
        return;
    };
    let (nodes, pods) = node_count_and_pods(k);
    let need = addresses_needed(nodes, pods);
    let usable = usable_addresses(scoring);
    if need > usable {
        // Reported at what the user wrote: the subnet, else the count that made it too small.
        let at = if net.spoke.subnets.scoring.is_some() {
            "network.spoke.subnets.scoring"
        } else if k.node_count.is_some() {
            "inference.kubernetes.node_count"
        } else if k.max_pods.is_some() {
            "inference.kubernetes.max_pods"
        } else {
            "inference.kubernetes"
        };
        out.push(
            Diagnostic::error(
                Code::ScoringSubnetTooSmall,
                format!(
                    "the scoring subnet {scoring} has {usable} usable addresses; {nodes} nodes with {pods} pods each need {need} with Azure CNI"
                ),
            )
            .at_path(at)
            .with_value(scoring.to_string())
            .with_help("give network.spoke.subnets.scoring a larger prefix, or lower inference.kubernetes.node_count or max_pods"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::addresses_needed;

    #[test]
    fn needs_follow_azures_formula_plus_load_balancer_and_api_server() {
        // 50 nodes at the default 30 pods: Azure's example says 1,581; plus two.
        assert_eq!(addresses_needed(50, 30), 1_583);
        // Three nodes fit a /25 (123 usable) only below 30 pods.
        assert_eq!(addresses_needed(3, 30), 126);
        assert_eq!(addresses_needed(3, 28), 118);
    }
}
