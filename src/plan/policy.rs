//! Azure Policy (`policy:`): the catalogued built-in definitions whose condition this blueprint
//! meets, each with the parameters that make it hold what the blueprint promises; the private
//! DNS zone DeployIfNotExists assignment gets both workspace zones and its identity's roles.

use crate::blueprint::{Blueprint, PolicyEffect, PolicyScope};
use crate::catalog::{Catalog, PolicyCondition};
use crate::plan::model::{
    DnsMode, PeTarget, PolicyAssignmentModel, PolicyDnsModel, PolicyLeftOutModel, PolicyModel,
    PolicyRoleModel, PolicyZoneModel, PrivateModel, WorkspaceModel,
};
use indexmap::IndexMap;

/// Built-in definitions' resource IDs: tenant-level, the same everywhere.
pub const DEFINITION_ID_PREFIX: &str = "/providers/Microsoft.Authorization/policyDefinitions/";
/// The DINE definition's parameters, in the order its template fills the zone configs.
const ZONE_PARAMETERS: [&str; 2] = ["privateDnsZoneId", "secondPrivateDnsZoneId"];

pub fn policy(
    bp: &Blueprint,
    ws: &WorkspaceModel,
    private: Option<&PrivateModel>,
    customer_network: bool,
) -> PolicyModel {
    let Some(settings) = &bp.policy else {
        return PolicyModel::default();
    };
    let cat = &Catalog::get().policy;
    let effect = match settings.effect {
        PolicyEffect::Audit => "Audit",
        PolicyEffect::Deny => "Deny",
    };
    let workspace_pe = private.and_then(|p| {
        p.private_endpoints
            .iter()
            .find(|pe| pe.target == PeTarget::Workspace)
    });
    // The zones the DINE policy points at: only where amlgen knows their IDs.
    let zones: Option<Vec<String>> = match (private, workspace_pe) {
        (Some(p), Some(pe)) if p.dns_mode != DnsMode::Policy => Some(pe.zone_names.clone()),
        _ => None,
    };
    let mut assignments = Vec::new();
    let mut left_out = Vec::new();
    for (key, d) in &cat.assignments {
        let reason = match d.when {
            PolicyCondition::Always => None,
            PolicyCondition::PrivateWorkspace => (ws.public_network_access != "Disabled")
                .then_some("the blueprint leaves the workspace's public network access on"),
            PolicyCondition::WorkspacePrivateLink => workspace_pe
                .is_none()
                .then_some("the workspace has no private endpoint"),
            PolicyCondition::CustomerNetwork => (!customer_network).then_some(
                "compute runs in the workspace managed VNet, which gives it no subnet ID: every compute would be non-compliant",
            ),
            PolicyCondition::ManagedNetwork => {
                (!ws.managed_vnet).then_some("the workspace has no managed VNet")
            }
            // Without the blueprint's key the workspace is encrypted with Microsoft's, so the
            // assignment would only report (or, with Deny, refuse) it.
            PolicyCondition::CustomerManagedKey => ws
                .customer_managed_key
                .is_none()
                .then_some("the blueprint has no customer-managed key"),
            PolicyCondition::PrivateDnsZones => zones.is_none().then_some(
                "private_dns.mode policy: the landing zone's own DeployIfNotExists assignment adds the zone groups (give it both workspace zones)",
            ),
        };
        if let Some(reason) = reason {
            left_out.push(PolicyLeftOutModel {
                display_name: d.display_name.clone(),
                definition: d.definition.clone(),
                reason,
            });
            continue;
        }
        let deploys = d.effects.iter().any(|e| e == "DeployIfNotExists");
        // The `policyEffect` parameter takes Audit or Deny: only a definition that allows both
        // may follow it, or switching the parameter to Deny would break the others.
        let follows_effect = !deploys
            && ["Audit", "Deny"]
                .iter()
                .all(|x| d.effects.iter().any(|e| e == x));
        let value = if deploys {
            "DeployIfNotExists"
        } else if follows_effect {
            effect
        } else {
            "Audit"
        };
        let mut parameters = IndexMap::new();
        if let Some(p) = &d.parameter {
            parameters.insert(p.clone(), ws.isolation_mode.arm.clone());
        }
        let zone_list = zones.as_deref().unwrap_or_default();
        let enforces = d
            .enforces
            .replace("{mode}", &ws.isolation_mode.arm)
            .replace("{zones}", &zone_list.join(" and "));
        let name_suffix = format!("-{}", key.replace('_', "-"));
        assignments.push(PolicyAssignmentModel {
            key: key.clone(),
            name: format!("{}{name_suffix}", ws.name),
            name_suffix,
            display_name: d.display_name.clone(),
            definition: d.definition.clone(),
            definition_id: format!("{DEFINITION_ID_PREFIX}{}", d.definition),
            file: d.file.clone(),
            version: d.version.clone(),
            effect: value.to_string(),
            follows_effect,
            parameters,
            identity: deploys,
            enforces,
            bicep_symbol: String::new(),
            cli_params: String::new(),
        });
    }
    let role = |r: &crate::catalog::BuiltInRole| PolicyRoleModel {
        name: r.name.clone(),
        id: r.id.clone(),
    };
    let dns = zones
        .filter(|_| assignments.iter().any(|a| a.identity))
        .map(|names| PolicyDnsModel {
            zones: names
                .into_iter()
                .zip(ZONE_PARAMETERS)
                .map(|(name, parameter)| PolicyZoneModel {
                    name,
                    parameter,
                    bicep_name: String::new(),
                    bicep_id: String::new(),
                    bicep_param: String::new(),
                    bicep_symbol: String::new(),
                    cli_var: String::new(),
                    cli_ref: String::new(),
                })
                .collect(),
            zones_resource_group_id: private.and_then(|p| p.zones_resource_group_id.clone()),
            scope_role: role(&cat.dine_roles.assignment_scope),
            zone_role: role(&cat.dine_roles.zones),
        });
    PolicyModel {
        deployed: !assignments.is_empty(),
        scope: match settings.scope {
            PolicyScope::Subscription => "subscription",
            // A management group is refused by the check (AMLG140) before any plan.
            PolicyScope::ResourceGroup | PolicyScope::ManagementGroup => "resource_group",
        },
        effect,
        assignments,
        dns,
        left_out,
    }
}

impl PolicyAssignmentModel {
    /// The assignment's ARM `parameters`: its effect and its literal parameters (the zones of the
    /// DeployIfNotExists one are added by each path, which names them its own way).
    pub fn arm_parameters(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut params = serde_json::Map::new();
        params.insert("effect".into(), serde_json::json!({ "value": self.effect }));
        for (k, v) in &self.parameters {
            params.insert(k.clone(), serde_json::json!({ "value": v }));
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    /// Every definition's effects hold Audit or DeployIfNotExists (what amlgen falls back to),
    /// every GUID is one, and the DINE definition is the only one that deploys.
    #[test]
    fn catalog_definitions_are_usable() {
        let cat = &Catalog::get().policy;
        for (k, d) in &cat.assignments {
            assert!(
                crate::blueprint::Guid::try_from(d.definition.clone()).is_ok(),
                "{k}"
            );
            assert!(
                d.effects
                    .iter()
                    .any(|e| e == "Audit" || e == "DeployIfNotExists"),
                "{k}"
            );
            assert!(d.file.ends_with(".json"), "{k}");
        }
        let deploying: Vec<&str> = cat
            .assignments
            .iter()
            .filter(|(_, d)| d.effects.iter().any(|e| e == "DeployIfNotExists"))
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(deploying, ["private_dns_zones"]);
    }
}
