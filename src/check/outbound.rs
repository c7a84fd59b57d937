//! Outbound rules of the managed VNet: which rule types the isolation mode accepts, rule names,
//! FQDN destinations (wildcards, ports, storage hosts), service-tag protocols and ports, and
//! private-endpoint targets.

use crate::blueprint::{Blueprint, IsolationMode, OutboundRule};
use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::naming::Names;
use std::collections::{HashMap, HashSet};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let mn = &bp.workspace.managed_network;
    let cat = Catalog::get();
    let facts = &cat.managed_network;
    let mode_facts = &facts.isolation_modes[mn.isolation_mode.key()];
    let name_re = regex::Regex::new(&facts.rule_name.pattern).expect("catalog pattern is tested");
    let mut seen: HashMap<String, usize> = HashMap::new();
    let fqdn_destinations: HashSet<String> = mn
        .outbound_rules
        .iter()
        .filter_map(|r| match r {
            OutboundRule::Fqdn {
                destination,
                include_subdomains,
                ..
            } => Some(if *include_subdomains {
                vec![
                    destination.to_ascii_lowercase(),
                    format!("*.{}", destination.to_ascii_lowercase()),
                ]
            } else {
                vec![destination.to_ascii_lowercase()]
            }),
            _ => None,
        })
        .flatten()
        .collect();

    if bp.workspace.public_network_access {
        out.push(
            Diagnostic::warning("AMLG151", "the workspace is reachable from public networks")
                .at_path("workspace.public_network_access")
                .with_value("true")
                .with_help("set public_network_access: false and reach the workspace through the client_access private endpoints"),
        );
    }

    for (i, rule) in mn.outbound_rules.iter().enumerate() {
        let base = format!("workspace.managed_network.outbound_rules[{i}]");
        let kind = rule.kind();
        if mn.isolation_mode == IsolationMode::Disabled {
            out.push(
                Diagnostic::error("AMLG113", "outbound rules need a managed VNet")
                    .at_path(format!("{base}.type"))
                    .with_value(kind)
                    .with_help("set isolation_mode to allow_internet_outbound or allow_only_approved_outbound, or remove the rule"),
            );
        } else if !mode_facts.rule_types.iter().any(|t| t == kind) {
            out.push(
                Diagnostic::error(
                    "AMLG101",
                    format!("`{kind}` rules are refused under isolation_mode {}", mn.isolation_mode.key()),
                )
                .at_path(format!("{base}.type"))
                .with_value(kind)
                .with_help(format!(
                    "Azure answers 'Only \"PrivateEndpoint\" outbound rules are supported when managed network isolation mode is \"AllowInternetOutbound\"'. Internet outbound already allows this traffic: remove the rule, or use isolation_mode: allow_only_approved_outbound. Allowed here: {}",
                    mode_facts.rule_types.join(", ")
                )),
            );
        }

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
            if !name_re.is_match(&n) {
                out.push(
                    Diagnostic::error("AMLG102", "invalid outbound rule name")
                        .at_path(format!("{base}.name"))
                        .with_value(&n)
                        .with_help(format!(
                            "{} (include_subdomains adds `-sub` to the name)",
                            facts.rule_name.rule
                        )),
                );
            }
            if let Some(first) = seen.insert(n.to_ascii_lowercase(), i) {
                out.push(
                    Diagnostic::error("AMLG103", format!("duplicate outbound rule name (also outbound_rules[{first}])"))
                        .at_path(format!("{base}.name"))
                        .with_value(&n)
                        .with_help("rule names are unique per workspace (case-insensitive); one rule would silently replace the other"),
                );
            }
        }

        match rule {
            OutboundRule::Fqdn {
                destination,
                include_subdomains,
                ..
            } => check_fqdn(
                bp,
                &base,
                destination,
                *include_subdomains,
                &fqdn_destinations,
                out,
            ),
            OutboundRule::ServiceTag { destination, .. } => {
                let d = destination;
                if d.service_tag.is_empty()
                    || !d
                        .service_tag
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.')
                {
                    out.push(
                        Diagnostic::error("AMLG109", "invalid service tag")
                            .at_path(format!("{base}.destination.service_tag"))
                            .with_value(&d.service_tag)
                            .with_help("use a service tag name such as `AzureMonitor` or `Storage.westeurope`"),
                    );
                }
                if !facts
                    .service_tag_rules
                    .protocols
                    .iter()
                    .any(|p| p == &d.protocol)
                {
                    out.push(
                        Diagnostic::error("AMLG109", "invalid protocol")
                            .at_path(format!("{base}.destination.protocol"))
                            .with_value(&d.protocol)
                            .with_help(format!(
                                "use one of {}",
                                facts.service_tag_rules.protocols.join(", ")
                            )),
                    );
                }
                if let Err(m) = check_port_ranges(&d.port_ranges) {
                    out.push(
                        Diagnostic::error("AMLG109", "invalid port_ranges")
                            .at_path(format!("{base}.destination.port_ranges"))
                            .with_value(&d.port_ranges)
                            .with_help(m),
                    );
                }
            }
            OutboundRule::PrivateEndpoint { destination, .. } => check_private_endpoint(
                bp,
                &base,
                &destination.service_resource_id,
                &destination.subresource_target,
                out,
            ),
        }
    }
}

fn check_fqdn(
    bp: &Blueprint,
    base: &str,
    destination: &str,
    include_subdomains: bool,
    all: &HashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let facts = &Catalog::get().managed_network.fqdn_rules;
    let path = format!("{base}.destination");
    let err = |code, msg: &str, help: String| {
        Diagnostic::error(code, msg.to_string())
            .at_path(&path)
            .with_value(destination)
            .with_help(help)
    };
    if destination.contains("://") || destination.contains('/') {
        out.push(err(
            "AMLG105",
            "an FQDN rule takes a host name, not a URL",
            "write only the host, e.g. `pypi.org`".into(),
        ));
        return;
    }
    let (host, port) = match destination.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (destination, None),
    };
    if let Some(p) = port {
        let allowed: Vec<String> = facts.ports.iter().map(u16::to_string).collect();
        if allowed.iter().any(|a| a == p) {
            out.push(err(
                "AMLG105",
                "an FQDN rule takes no port",
                format!(
                    "remove `:{p}`; FQDN rules always allow ports {}",
                    allowed.join(" and ")
                ),
            ));
        } else {
            out.push(err(
                "AMLG106",
                "FQDN rules support only ports 80 and 443",
                format!(
                    "port {p} cannot be allowed by host name in a managed VNet; use a service_tag or private_endpoint rule, or a customer VNet with Azure Firewall network rules"
                ),
            ));
        }
        return;
    }
    let lower = host.to_ascii_lowercase();
    let (wildcard, domain) = match lower.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    if lower == "*" || domain.contains('*') {
        out.push(err(
            "AMLG104",
            "wildcards are allowed only as the whole left-most label",
            "write `*.example.com` (sub-domains) or the host itself; `*`, `*contoso.com` and `www.*.com` are refused".into(),
        ));
        return;
    }
    let labels = domain.split('.').count();
    if wildcard && labels < facts.min_wildcard_domain_labels {
        out.push(err(
            "AMLG104",
            "wildcard too broad",
            format!("`*.{domain}` would allow a whole top-level domain; name the specific domain, e.g. `*.example.{domain}`"),
        ));
        return;
    }
    if !is_hostname(domain) {
        out.push(err(
            "AMLG105",
            "not a valid host name",
            "use letters, digits and hyphens in dot-separated labels of 1-63 characters".into(),
        ));
        return;
    }
    if wildcard && include_subdomains {
        out.push(err(
            "AMLG104",
            "include_subdomains needs the domain itself as destination",
            format!("write `destination: {domain}` with include_subdomains: true (it emits both {domain} and *.{domain})"),
        ));
    }
    let cloud = Catalog::get().cloud(bp.cloud.as_str());
    for s in &facts.storage_host_suffixes {
        let suffix = crate::plan::zones::fill_literal(&s.suffix, cloud);
        if domain == suffix || domain.ends_with(&format!(".{suffix}")) {
            out.push(err(
                "AMLG107",
                "FQDN rules cannot reach Azure Storage",
                "in approved-only mode storage is reached through a private_endpoint rule (service_resource_id of the account, subresource_target blob/file/...)".into(),
            ));
        }
    }
    if wildcard && !all.contains(domain) {
        out.push(
            Diagnostic::warning("AMLG108", format!("`*.{domain}` does not cover `{domain}` itself"))
                .at_path(&path)
                .with_value(destination)
                .with_help(format!(
                    "a wildcard matches sub-domains only; if `{domain}` is needed too, write `destination: {domain}` with `include_subdomains: true`"
                )),
        );
    }
}

fn is_hostname(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// `"443"`, `"80, 443"`, `"8080-8089"` or `"*"`; ports 1-65535, ranges ascending.
fn check_port_ranges(s: &str) -> Result<(), String> {
    if s.trim() == "*" {
        return Ok(());
    }
    let port = |p: &str| -> Result<u32, String> {
        match p.trim().parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => Ok(n),
            _ => Err(format!("`{}` is not a port between 1 and 65535", p.trim())),
        }
    };
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                if port(a)? > port(b)? {
                    return Err(format!("range `{}` runs backwards", part.trim()));
                }
            }
            None => {
                port(part)?;
            }
        }
    }
    Ok(())
}

fn check_private_endpoint(
    bp: &Blueprint,
    base: &str,
    id: &str,
    sub: &str,
    out: &mut Vec<Diagnostic>,
) {
    let facts = &Catalog::get().managed_network;
    let path = format!("{base}.destination.service_resource_id");
    let parts: Vec<&str> = id.split('/').collect();
    // /subscriptions/<sub>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>
    let well_formed = parts.len() == 9
        && parts[0].is_empty()
        && parts[1].eq_ignore_ascii_case("subscriptions")
        && parts[3].eq_ignore_ascii_case("resourceGroups")
        && parts[5].eq_ignore_ascii_case("providers")
        && parts.iter().skip(1).all(|p| !p.is_empty());
    if !well_formed {
        out.push(
            Diagnostic::error("AMLG111", "not a resource ID of a top-level Azure resource")
                .at_path(&path)
                .with_value(id)
                .with_help("use /subscriptions/<id>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>, as `az resource show --query id` prints it"),
        );
        return;
    }
    let rtype = format!("{}/{}", parts[6], parts[7]);
    let target_name = parts[8];
    match facts
        .private_endpoint_subresources
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(&rtype))
    {
        None => out.push(
            Diagnostic::warning("AMLG112", format!("amlgen does not know whether {rtype} supports managed private endpoints"))
                .at_path(&path)
                .with_value(id)
                .with_help("check the list of supported services in the managed network docs; the rule is emitted as written"),
        ),
        Some((_, subs)) => {
            if !subs.iter().any(|s| s == sub) {
                out.push(
                    Diagnostic::error("AMLG111", format!("`{sub}` is not a sub-resource of {rtype}"))
                        .at_path(format!("{base}.destination.subresource_target"))
                        .with_value(sub)
                        .with_help(format!("use one of {}", subs.join(", "))),
                );
            }
        }
    }
    let names = Names::of(bp);
    let own = [
        (
            "Microsoft.Storage/storageAccounts",
            &names.storage_account.value,
        ),
        ("Microsoft.KeyVault/vaults", &names.key_vault.value),
        (
            "Microsoft.ContainerRegistry/registries",
            &names.container_registry.value,
        ),
    ];
    if own
        .iter()
        .any(|(t, n)| t.eq_ignore_ascii_case(&rtype) && n.eq_ignore_ascii_case(target_name))
    {
        out.push(
            Diagnostic::error("AMLG110", "Azure creates this private endpoint rule itself")
                .at_path(&path)
                .with_value(id)
                .with_help("the workspace's own storage, key vault and registry get required rules automatically; a user rule to them fails. Remove this rule"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges() {
        assert!(check_port_ranges("443").is_ok());
        assert!(check_port_ranges("80, 443").is_ok());
        assert!(check_port_ranges("8080-8089").is_ok());
        assert!(check_port_ranges("*").is_ok());
        assert!(check_port_ranges("0").is_err());
        assert!(check_port_ranges("90-80").is_err());
        assert!(check_port_ranges("http").is_err());
    }

    #[test]
    fn hostnames() {
        assert!(is_hostname("pypi.org"));
        assert!(!is_hostname("localhost"));
        assert!(!is_hostname("bad_host.org"));
        assert!(!is_hostname("-x.org"));
    }
}
