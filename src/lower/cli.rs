//! The az CLI lowering: shell words for catalog values (the region as `${LOCATION}`, so a runbook
//! run with another `LOCATION` builds the same thing for that region) and the shell variables
//! that hold resource IDs and VNet names.

use crate::catalog::{Catalog, Cloud};
use crate::plan::model::{FirewallModel, Model, PeTarget, RuleCollectionModel, VnetRole};
use crate::plan::zones::Text;
use crate::render::escape::shell_word;
use serde_json::{json, Value as Json};

/// The runbook variable holding the region.
pub const REGION_VAR: &str = "LOCATION";

pub fn lower(m: &mut Model) {
    let cloud = Catalog::get().cloud(&m.cloud);
    for t in super::texts_mut(m) {
        t.shell = word(&cloud.fill(&t.template));
    }
    if let Some(n) = m.network.as_mut() {
        let body = rule_collection_group_body(&n.firewall, &n.spoke.address_prefixes, cloud);
        n.firewall.rule_collection_group.body_shell = word(&body);
    }
    let Some(p) = m.private.as_mut() else {
        return;
    };
    for v in &mut p.linked_vnets {
        v.shell_var = match v.role {
            VnetRole::Hub => "HUB_VNET_NAME",
            VnetRole::Client | VnetRole::Spoke => "VNET_NAME",
        }
        .to_string();
    }
    for pe in &mut p.private_endpoints {
        pe.target_id_var = match pe.target {
            PeTarget::Workspace => "WORKSPACE_ID",
            PeTarget::Storage => "STORAGE_ACCOUNT_ID",
            PeTarget::KeyVault => "KEY_VAULT_ID",
            PeTarget::Registry => "CONTAINER_REGISTRY_ID",
        }
        .to_string();
    }
}

/// The ARM body of the firewall policy's rule collection group: the same collections, priorities
/// and rules that hubNetwork.bicep declares, serialised (never concatenated). Region-derived
/// values keep `{region}`, which `word` turns into `${LOCATION}`.
fn rule_collection_group_body(fw: &FirewallModel, sources: &[String], cloud: &Cloud) -> String {
    let rcg = &fw.rule_collection_group;
    let region_aware =
        |texts: &[Text]| -> Vec<String> { texts.iter().map(|t| cloud.fill(&t.template)).collect() };
    let network_rules: Vec<Json> = fw
        .network_rules
        .iter()
        .map(|r| {
            let mut rule = json!({
                "ruleType": "NetworkRule",
                "name": r.name,
                "ipProtocols": r.protocols,
                "sourceAddresses": sources,
            });
            if !r.destination_addresses.is_empty() {
                rule["destinationAddresses"] = json!(region_aware(&r.destination_addresses));
            }
            if !r.destination_fqdns.is_empty() {
                rule["destinationFqdns"] = json!(region_aware(&r.destination_fqdns));
            }
            rule["destinationPorts"] = json!(r.ports);
            rule
        })
        .collect();
    let application_rules: Vec<Json> = fw
        .application_rules
        .iter()
        .map(|r| {
            json!({
                "ruleType": "ApplicationRule",
                "name": r.name,
                "protocols": r.protocols.iter().map(|p| json!({"protocolType": p.kind, "port": p.port})).collect::<Vec<_>>(),
                "sourceAddresses": sources,
                "targetFqdns": region_aware(&r.fqdns),
            })
        })
        .collect();
    let collection = |c: &RuleCollectionModel, rules: Vec<Json>| {
        json!({
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "name": c.name,
            "priority": c.priority,
            "action": {"type": "Allow"},
            "rules": rules,
        })
    };
    json!({
        "properties": {
            "priority": rcg.priority,
            "ruleCollections": [
                collection(&rcg.network_collection, network_rules),
                collection(&rcg.application_collection, application_rules),
            ],
        }
    })
    .to_string()
}

/// A shell word for a value whose only placeholder left is `{region}`: plain or single-quoted
/// without it, double-quoted with `${LOCATION}` in its place otherwise.
pub fn word(value: &str) -> String {
    if !value.contains("{region}") {
        return shell_word(value);
    }
    let mut out = String::from("\"");
    for (i, part) in value.split("{region}").enumerate() {
        if i > 0 {
            out.push_str(&format!("${{{REGION_VAR}}}"));
        }
        for c in part.chars() {
            if matches!(c, '"' | '\\' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_becomes_the_variable() {
        assert_eq!(
            word("BatchNodeManagement.{region}"),
            "\"BatchNodeManagement.${LOCATION}\""
        );
        assert_eq!(
            word("*.{region}.batch.azure.com"),
            "\"*.${LOCATION}.batch.azure.com\""
        );
        assert_eq!(word("AzureMonitor"), "AzureMonitor");
        assert_eq!(word("a$b{region}"), "\"a\\$b${LOCATION}\"");
    }
}
