//! The Bicep lowering: expressions for catalog names (`environment()` suffixes, `${location}`),
//! symbols and parameter names of modules, and the Bicep references to resource IDs.

use super::access;
use crate::naming::{bicep_symbol, zone_symbol};
use crate::plan::model::{Model, PeTarget, VnetRole};
use crate::render::escape::bicep_string_literal;

pub fn lower(m: &mut Model) {
    for t in super::texts_mut(m) {
        t.bicep = match t.subnet_role() {
            Some(role) => bicep_symbol(&format!("{role}SubnetPrefix")),
            None => expression(&t.template),
        };
    }
    lower_private(m);
    if let Some(n) = m.network.as_mut() {
        for rt in &mut n.route_tables {
            // The training subnet's table keeps the names it had as the spoke's only one.
            let stem = match rt.role {
                "training" => "route_table".to_string(),
                role => format!("{role}_route_table"),
            };
            rt.bicep_symbol = bicep_symbol(&stem);
            rt.bicep_name_param = bicep_symbol(&format!("{stem}_name"));
        }
    }
    // The registry's policy statuses are lower case, unlike publicNetworkAccess.
    m.posture.bicep_registry_export_status = if m.posture.registry_exports {
        "enabled"
    } else {
        "disabled"
    };
    if let Some(c) = m.compute.cluster.as_mut() {
        c.bicep_idle_before_scale_down = format!("PT{}S", c.idle_before_scale_down_seconds);
        c.bicep_remote_login_port_public_access = access(c.ssh_public_access);
    }
    if let Some(i) = m.compute.instance.as_mut() {
        i.bicep_ssh_public_access = access(i.ssh_public_access);
    }
    if let Some(k) = m.inference.kubernetes.as_mut() {
        k.dns_zone_bicep = expression(&k.dns_zone_template);
        k.extension_runtime_bicep = k
            .extension_runtime_settings
            .iter()
            .map(|(key, v)| {
                let e = match v.as_str() {
                    "{cluster_id}" => "cluster.id".to_string(),
                    "{region}" => "location".to_string(),
                    other => expression(other),
                };
                (key.clone(), e)
            })
            .collect();
    }
    // The image-build compute is the cluster's name parameter when it is the blueprint's cluster,
    // else a parameter of its own: main.bicep holds no literal name.
    m.workspace.image_build_compute_param = m.workspace.image_build_compute.as_ref().map(|c| {
        if m.compute.cluster.as_ref().is_some_and(|cl| &cl.name == c) {
            "computeClusterName".to_string()
        } else {
            "imageBuildComputeName".to_string()
        }
    });
    for d in &mut m.workspace.datastores {
        // `workspaceblobstore` -> `workspaceblobstoreContainerName`
        d.bicep_output = format!("{}{}", d.name, upper_first(d.location_property));
    }
    lower_access(m);
    lower_policy(m);
    m.params = super::params::params(m);
}

/// Symbols of the policy assignments; the DNS zones' names and IDs as main.bicep has them.
fn lower_policy(m: &mut Model) {
    for a in &mut m.policy.assignments {
        a.bicep_symbol = bicep_symbol(&format!("{}_policy", a.key));
    }
    let (Some(dns), Some(private)) = (m.policy.dns.as_mut(), m.private.as_ref()) else {
        return;
    };
    for z in &mut dns.zones {
        let zone = private
            .zones
            .iter()
            .find(|pz| pz.name == z.name)
            .expect("the policy's zones are the workspace endpoint's");
        z.bicep_name = zone.bicep.clone();
        z.bicep_id = match private.dns_mode {
            crate::plan::model::DnsMode::Create => format!("{}.outputs.resourceId", zone.symbol),
            _ => zone.existing_id_bicep.clone(),
        };
        z.bicep_param = z.parameter.to_string();
        z.bicep_symbol = bicep_symbol(&format!("{}_zone", z.parameter));
    }
}

/// Symbols, parameter names and role names of the people's roles.
fn lower_access(m: &mut Model) {
    // The name with a marker where the workspace goes, so the text around it is quoted and the
    // workspace becomes the Bicep interpolation.
    const MARK: &str = "\u{0}";
    for r in &mut m.access.custom_roles {
        r.bicep_symbol = bicep_symbol(&format!("{}_role", r.key));
        let name = r.name(MARK);
        let (before, after) = name
            .split_once(MARK)
            .expect("catalog/access.yaml role_name holds {workspace}");
        r.bicep_role_name = format!(
            "'{}${{workspaceName}}{}'",
            inside_quotes(before),
            inside_quotes(after)
        );
    }
    let roles = m.access.custom_roles.clone();
    for p in &mut m.access.personas {
        p.bicep_param = bicep_symbol(&format!("{}_principal_ids", p.key));
        // Roles of a persona without groups are not deployed (its custom role is not defined).
        if p.principal_ids.is_empty() {
            continue;
        }
        {
            for a in p.roles.iter_mut().chain(p.storage_roles.iter_mut()) {
                let role = match (&a.built_in_id, &a.custom) {
                    (Some(id), _) => {
                        a.bicep_role_definition_id = format!(
                            "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {})",
                            bicep_string_literal(id)
                        );
                        a.label.clone()
                    }
                    (None, Some(k)) => {
                        let r = roles
                            .iter()
                            .find(|r| &r.key == k)
                            .expect("used custom role");
                        // The subscription-level ID role assignments take (a custom role defined on the
                        // workspace has that ID too; `.id` would be the workspace-scoped form).
                        a.bicep_role_definition_id = format!(
                            "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {}.name)",
                            r.bicep_symbol
                        );
                        k.clone()
                    }
                    (None, None) => unreachable!("a role is built-in or custom"),
                };
                a.bicep_symbol = bicep_symbol(&format!("{}_{}_assignments", p.key, role));
            }
        }
    }
    if let Some(j) = m.way_in.jump_box.as_mut() {
        for l in &mut j.logins {
            l.bicep_param = bicep_symbol(&format!("{}_principal_ids", l.persona_key));
        }
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn lower_private(m: &mut Model) {
    let Some(p) = m.private.as_mut() else {
        return;
    };
    p.subnet_id_bicep = match (p.vnet_role, &p.existing_subnet_id) {
        (VnetRole::Client, _) => "clientNetwork.outputs.peSubnetId",
        // A landing zone's subnet: main.bicep's parameter.
        (_, Some(_)) => "peSubnetId",
        _ => "spokeNetwork.outputs.peSubnetId",
    }
    .to_string();
    for v in &mut p.linked_vnets {
        let (id, param) = match (v.role, v.existing_id.is_some()) {
            (VnetRole::Client, _) => ("clientNetwork.outputs.vnetId", "clientVnetDnsLinkName"),
            (VnetRole::Hub, true) => ("hubVnetId", "hubVnetDnsLinkName"),
            (VnetRole::Hub, false) => ("hubNetwork.outputs.vnetId", "hubVnetDnsLinkName"),
            (VnetRole::Spoke, true) => ("spokeVnetId", "spokeVnetDnsLinkName"),
            (VnetRole::Spoke, false) => ("spokeNetwork.outputs.vnetId", "spokeVnetDnsLinkName"),
        };
        v.id_bicep = id.to_string();
        v.link_param = param.to_string();
    }
    for z in &mut p.zones {
        z.bicep = expression(&z.template);
        // `'privatelink...'` -> `'${privateDnsZoneIdPrefix}privatelink...'`
        z.existing_id_bicep = format!("'${{privateDnsZoneIdPrefix}}{}", &z.bicep[1..]);
        z.corporate_id_bicep = format!("'${{corporateDnsZoneIdPrefix}}{}", &z.bicep[1..]);
        z.symbol = zone_symbol(&z.template, &z.group_id);
    }
    let corporate = p
        .corporate
        .iter_mut()
        .flat_map(|c| &mut c.private_endpoints);
    for pe in p.private_endpoints.iter_mut().chain(corporate) {
        pe.target_id_bicep = match pe.target {
            PeTarget::Workspace => "workspace.outputs.resourceId",
            PeTarget::Storage => "storage.outputs.resourceId",
            PeTarget::KeyVault => "keyVault.outputs.resourceId",
            PeTarget::Registry => "containerRegistry.outputs.resourceId",
            PeTarget::MonitorScope => "monitoring.outputs.privateLinkScopeId",
        }
        .to_string();
        pe.symbol = bicep_symbol(&format!("pe-{}", pe.key));
        pe.name_param = format!("{}PrivateEndpointName", bicep_symbol(&pe.key));
    }
}

/// `privatelink.blob.{storage}` -> `'privatelink.blob.${environment().suffixes.storage}'`;
/// `{region}` becomes `${location}` (every module has a `location` parameter); a name without
/// placeholders becomes a plain quoted literal.
pub fn expression(template: &str) -> String {
    let mut body = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let field = &rest[start + 1..start + len];
        body.push_str(&inside_quotes(&rest[..start]));
        if field == "region" {
            body.push_str("${location}");
        } else {
            body.push_str(&format!("${{environment().suffixes.{field}}}"));
        }
        rest = &rest[start + len + 1..];
    }
    if body.is_empty() {
        return bicep_string_literal(template);
    }
    body.push_str(&inside_quotes(rest));
    format!("'{body}'")
}

/// The inside of a Bicep string literal: the quoting rules of `bicep_string_literal` without
/// the surrounding quotes.
fn inside_quotes(s: &str) -> String {
    let q = bicep_string_literal(s);
    q[1..q.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_use_environment_and_location() {
        assert_eq!(
            expression("privatelink.blob.{storage}"),
            "'privatelink.blob.${environment().suffixes.storage}'"
        );
        assert_eq!(
            expression("privatelink{acrLoginServer}"),
            "'privatelink${environment().suffixes.acrLoginServer}'"
        );
        assert_eq!(
            expression("BatchNodeManagement.{region}"),
            "'BatchNodeManagement.${location}'"
        );
        assert_eq!(
            expression("privatelink.api.azureml.ms"),
            "'privatelink.api.azureml.ms'"
        );
    }
}
