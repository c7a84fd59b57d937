//! Private DNS settings: central zones need the resource group that holds them, and only then.

use crate::blueprint::{Blueprint, PrivateDnsMode};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let dns = &bp.private_dns;
    let path = "private_dns.zones_resource_group_id";
    match (&dns.mode, &dns.zones_resource_group_id) {
        (PrivateDnsMode::Existing, None) => out.push(
            Diagnostic::error(Code::PrivateDnsZoneSettings, "existing private DNS zones need the resource group that holds them")
                .at_path("private_dns.mode")
                .with_value("existing")
                .with_help("add private_dns.zones_resource_group_id: /subscriptions/<id>/resourceGroups/<name>"),
        ),
        (PrivateDnsMode::Existing, Some(id)) if !is_resource_group_id(id) => out.push(
            Diagnostic::error(Code::PrivateDnsZoneSettings, "not a resource group ID")
                .at_path(path)
                .with_value(id)
                .with_help("write /subscriptions/<subscription id>/resourceGroups/<name>, as `az group show --query id` prints it"),
        ),
        (PrivateDnsMode::Create | PrivateDnsMode::Policy, Some(id)) => out.push(
            Diagnostic::error(Code::PrivateDnsZoneSettings, "zones_resource_group_id is only used with mode: existing")
                .at_path(path)
                .with_value(id)
                .with_help("set private_dns.mode: existing, or remove zones_resource_group_id"),
        ),
        _ => {}
    }
    if dns.fallback_to_internet && dns.mode != PrivateDnsMode::Create {
        out.push(
            Diagnostic::error(Code::PrivateDnsZoneSettings, "fallback_to_internet is set on the zone links amlgen creates")
                .at_path("private_dns.fallback_to_internet")
                .with_value("true")
                .with_help("with mode: existing or policy the platform team's links decide; set resolutionPolicy there, or use mode: create"),
        );
    }
    check_monitor_scope(bp, out);
}

/// An explicit Azure Monitor Private Link Scope where amlgen has nowhere, or no zones, to put it.
fn check_monitor_scope(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    if bp.dependencies.monitoring.private_link_scope != Some(true) {
        return;
    }
    let path = "dependencies.monitoring.private_link_scope";
    if bp.network.is_none() {
        out.push(
            Diagnostic::error(Code::MonitorPrivateLinkUnavailable, "an Azure Monitor Private Link Scope needs a customer VNet")
                .at_path(path)
                .with_value("true")
                .with_help("a managed VNet keeps the AzureMonitor outbound rule Azure adds; remove the setting or use network: with a hub or NAT gateway"),
        );
    } else if !crate::plan::private::monitor_zones_known(bp.cloud.as_str()) {
        out.push(
            Diagnostic::error(
                Code::MonitorPrivateLinkUnavailable,
                "no catalogued Azure Monitor private link zones for this cloud",
            )
            .at_path(path)
            .with_value("true")
            .with_help("remove the setting, or use AzureCloud or AzureUSGovernment"),
        );
    }
}

pub(crate) fn is_resource_group_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() == 5
        && parts[0].is_empty()
        && parts[1].eq_ignore_ascii_case("subscriptions")
        && !parts[2].is_empty()
        && parts[3].eq_ignore_ascii_case("resourceGroups")
        && !parts[4].is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.()".contains(c))
}

#[cfg(test)]
mod tests {
    #[test]
    fn resource_group_ids() {
        assert!(super::is_resource_group_id(
            "/subscriptions/0000/resourceGroups/rg-dns"
        ));
        assert!(!super::is_resource_group_id(
            "/subscriptions/0000/resourceGroups"
        ));
        assert!(!super::is_resource_group_id("rg-dns"));
        assert!(!super::is_resource_group_id(
            "/subscriptions/0000/resourceGroups/rg dns'"
        ));
    }
}
