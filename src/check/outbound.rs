//! Outbound rules of the managed VNet: which rule types the isolation mode accepts, rule names,
//! FQDN destinations (wildcards, ports, storage hosts), service-tag protocols and ports, and
//! private-endpoint targets. The checks themselves are in `crate::rules` (shared with the linter
//! of hand-written workspace YAML); this module walks the blueprint and places their findings.

use crate::blueprint::{Blueprint, IsolationMode, OutboundRule};
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::naming::Names;
use crate::rules::{fqdn, mode, names::RuleNames, packages, private_endpoint, service_tag};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let mn = &bp.workspace.managed_network;
    let cat = Catalog::get();
    let storage_suffixes = fqdn::storage_suffixes(cat.cloud(bp.cloud.as_str()));
    let allowed = fqdn::allowed_destinations(mn.outbound_rules.iter().filter_map(|r| match r {
        OutboundRule::Fqdn {
            destination,
            include_subdomains,
            ..
        } => Some((destination.as_str(), *include_subdomains)),
        _ => None,
    }));
    let fqdn_ctx = fqdn::FqdnContext {
        storage_suffixes: &storage_suffixes,
        allowed: &allowed,
    };
    let mut rule_names = RuleNames::new();

    if bp.workspace.public_network_access {
        out.push(
            Diagnostic::warning(Code::PublicWorkspace, "the workspace is reachable from public networks")
                .at_path("workspace.public_network_access")
                .with_value("true")
                .with_help("set public_network_access: false and reach the workspace through the client_access private endpoints"),
        );
    }

    for (i, rule) in mn.outbound_rules.iter().enumerate() {
        let base = format!("workspace.managed_network.outbound_rules[{i}]");
        let mut findings = Vec::new();
        findings.extend(mode::check_rule_type(mn.isolation_mode.key(), rule.kind()));

        let mut names = vec![rule.name().to_string()];
        if let OutboundRule::Fqdn {
            name,
            include_subdomains: true,
            ..
        } = rule
        {
            names.push(format!("{name}-sub"));
        }
        for n in names {
            findings.extend(rule_names.check(
                &n,
                i,
                Some("include_subdomains adds `-sub` to the name"),
            ));
        }

        match rule {
            OutboundRule::Fqdn {
                destination,
                include_subdomains,
                ..
            } => findings.extend(fqdn::check_destination(
                destination,
                *include_subdomains,
                &fqdn_ctx,
            )),
            OutboundRule::ServiceTag { destination: d, .. } => {
                findings.extend(service_tag::check(
                    &d.service_tag,
                    &d.protocol,
                    &d.port_ranges,
                ));
            }
            OutboundRule::PrivateEndpoint { destination: d, .. } => {
                let id = &d.service_resource_id;
                let (f, target) = private_endpoint::check_target(id, &d.subresource_target);
                findings.extend(f);
                if let Some(target) = target {
                    findings.extend(private_endpoint::check_not_required(
                        id,
                        &target,
                        &own_dependencies(bp),
                    ));
                }
            }
        }
        out.extend(findings.into_iter().map(|f| f.at(&base)));
    }

    // Hosts that only work together (pip's index and its files host), across all FQDN rules.
    let fqdn_rules: Vec<(usize, String)> = mn
        .outbound_rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            OutboundRule::Fqdn {
                destination,
                include_subdomains,
                ..
            } => {
                let d = destination.to_ascii_lowercase();
                let mut v = vec![(i, d.clone())];
                if *include_subdomains {
                    v.push((i, format!("*.{d}")));
                }
                Some(v)
            }
            _ => None,
        })
        .flatten()
        .collect();
    let mut destinations: Vec<String> = fqdn_rules.iter().map(|(_, d)| d.clone()).collect();
    // The `packages:` list adds its hosts as FQDN rules under approved-only; they count too.
    if mn.isolation_mode == IsolationMode::AllowOnlyApprovedOutbound {
        destinations.extend(package_destinations(bp));
    }
    for (at, f) in packages::check_coverage(&destinations) {
        let path = match fqdn_rules.get(at) {
            Some((rule, _)) => format!("workspace.managed_network.outbound_rules[{rule}]"),
            None => "packages".to_string(),
        };
        out.push(f.at(&path));
    }
}

/// The FQDN destinations the blueprint's `packages:` add (catalog/packages.yaml), lower-case.
fn package_destinations(bp: &Blueprint) -> Vec<String> {
    let cat = Catalog::get();
    bp.packages
        .iter()
        .filter_map(|k| cat.packages.get(k))
        .flat_map(|p| p.destinations())
        .map(|d| d.to_ascii_lowercase())
        .collect()
}

/// The workspace's own storage account, key vault and registry, for which Azure adds the
/// private-endpoint rules itself.
fn own_dependencies(bp: &Blueprint) -> Vec<private_endpoint::ResourceRef> {
    let names = Names::of(bp);
    [
        (
            "Microsoft.Storage/storageAccounts",
            &names.storage_account.value,
        ),
        ("Microsoft.KeyVault/vaults", &names.key_vault.value),
        (
            "Microsoft.ContainerRegistry/registries",
            &names.container_registry.value,
        ),
    ]
    .into_iter()
    .map(|(t, n)| private_endpoint::ResourceRef {
        resource_type: t.to_string(),
        name: n.clone(),
    })
    .collect()
}
