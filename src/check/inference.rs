//! Managed online endpoints (`inference.online_endpoints`): where they can be isolated, unique
//! names, and a way in. Their names are checked with the other resource names (names.rs).

use crate::blueprint::{Blueprint, IsolationMode};
use crate::diagnostic::{Code, Diagnostic};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let endpoints = &bp.inference.online_endpoints;
    if endpoints.is_empty() {
        return;
    }
    // Deployment egress is isolated only by the workspace managed VNet; the per-deployment
    // egress flag is the legacy method (concept_secure_online_endpoint, "Appendix").
    if bp.workspace.managed_network.isolation_mode == IsolationMode::Disabled {
        let network = if bp.network.is_some() {
            "a customer VNet (`network:`) with the workspace managed VNet disabled"
        } else {
            "the workspace managed VNet disabled"
        };
        out.push(
            Diagnostic::error(
                Code::OnlineEndpointsWithoutManagedVnet,
                format!("managed online endpoints cannot be isolated with {network}: Azure isolates a deployment's outbound traffic only in the workspace managed VNet (the deployment flag egress_public_network_access is the legacy method)"),
            )
            .at_path("inference.online_endpoints")
            .with_help("render the endpoints from a managed-VNet blueprint (approved-only, or allow-internet: `workspace.managed_network.isolation_mode`), or remove `inference.online_endpoints` here and serve from AKS in the spoke's scoring subnet once amlgen supports it"),
        );
        return;
    }
    // Names are case-insensitive in Azure, and the scoring host is a DNS name.
    let mut seen: Vec<String> = Vec::new();
    for (i, e) in endpoints.iter().enumerate() {
        let key = e.name.to_ascii_lowercase();
        if seen.contains(&key) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateOnlineEndpoint,
                    "two online endpoints with the same name",
                )
                .at_path(format!("inference.online_endpoints[{i}].name"))
                .with_value(&e.name)
                .with_help("names compare without case, and each is its own scoring host: give every endpoint its own name"),
            );
        } else {
            seen.push(key);
        }
    }
    let quota = crate::catalog::Catalog::get()
        .constraints
        .counts
        .iter()
        .find(|c| c.path == "inference.online_endpoints")
        .map_or(usize::MAX, |c| c.max);
    if endpoints.len() > quota {
        out.push(
            Diagnostic::warning(
                Code::OnlineEndpointQuota,
                format!(
                    "{} online endpoints: the default quota is {quota} per subscription and region",
                    endpoints.len()
                ),
            )
            .at_path("inference.online_endpoints")
            .with_value(endpoints.len().to_string())
            .with_help(
                "deploy fewer, or have the quota raised (a support request) before deploying",
            ),
        );
    }
    if bp.client_access.is_none() {
        out.push(
            Diagnostic::warning(
                Code::UnreachableOnlineEndpoints,
                "the online endpoints take scoring requests only through the workspace's private endpoint, and this blueprint has none",
            )
            .at_path("inference.online_endpoints")
            .with_help("add `client_access` (a VNet with the workspace's private endpoint), or create a private endpoint to the workspace in your own network"),
        );
    }
}
