//! The az CLI lowering: shell words for catalog values (the region as `${LOCATION}`, so a runbook
//! run with another `LOCATION` builds the same thing for that region) and the shell variables
//! that hold resource IDs and VNet names.

use crate::catalog::{Catalog, Cloud};
use crate::plan::model::{
    CliArg, FirewallModel, HubModel, KeySource, Model, PeTarget, RuleCollectionModel, RuleKind,
    RuleModel, VnetRole,
};
use crate::plan::zones::Text;
use crate::render::escape::shell_word;
use serde_json::{json, Value as Json};

/// The runbook variable holding the region.
pub const REGION_VAR: &str = "LOCATION";

pub fn lower(m: &mut Model) {
    let cloud = Catalog::get().cloud(&m.cloud);
    for t in super::texts_mut(m) {
        // The runbook writes subnet prefixes as literals (it creates the subnets with them).
        t.shell = match t.subnet_role() {
            Some(_) => word(&t.literal),
            None => word(&cloud.fill(&t.template)),
        };
    }
    for r in &mut m.workspace.rules {
        r.cli_args = outbound_rule_args(r);
    }
    if let Some(n) = m.network.as_mut() {
        for rt in &mut n.route_tables {
            // The training subnet's table keeps the variable it had as the spoke's only one.
            rt.shell_var = match rt.role {
                "training" => "ROUTE_TABLE_NAME".to_string(),
                role => format!("{}_ROUTE_TABLE_NAME", role.to_ascii_uppercase()),
            };
        }
    }
    if let Some(k) = m.inference.kubernetes.as_mut() {
        // az k8s-extension copies cluster_name to clusterId and the Prometheus label itself.
        k.extension_runtime_shell = k
            .extension_runtime_settings
            .iter()
            .filter(|(key, _)| key != "clusterId" && !key.starts_with("prometheus."))
            .map(|(key, v)| {
                let value = v.replace("{cluster_id}", "${AKS_ID}");
                word_with_vars(&format!("{key}={value}"), &["AKS_ID"])
            })
            .collect();
        k.dns_zone_shell = word(&k.dns_zone_template);
        k.dns_zone_id_shell = word_with_vars(
            &format!(
                "${{ZONES_RESOURCE_GROUP_ID}}/providers/Microsoft.Network/privateDnsZones/{}",
                k.dns_zone_template
            ),
            &["ZONES_RESOURCE_GROUP_ID"],
        );
    }
    // az acr says as a yes/no what ARM says as networkRuleBypassOptions.
    m.posture.cli_registry_allow_trusted_services =
        m.posture.trusted_services_bypass == "AzureServices";
    if let Some(c) = m.compute.cluster.as_mut() {
        // azure-ai-ml reads `--tier` in snake case and sends it to ARM in Pascal case.
        c.cli_tier = crate::naming::camel_to_snake(&c.vm_priority);
    }
    // az ml has no option for the managed network's kind or monitoring; `az resource update`
    // (GET, change, PUT) sets them when they differ from a new workspace's.
    if let Some(kind) = &m.workspace.kind {
        if kind.non_default {
            m.workspace.cli_network_sets.push(format!(
                "properties.managedNetwork.managedNetworkKind={}",
                kind.arm
            ));
        }
    }
    if m.workspace.network_monitor {
        m.workspace
            .cli_network_sets
            .push("properties.managedNetwork.enableNetworkMonitor=true".into());
    }
    if let Some(pl) = m.monitoring.private_link.as_mut() {
        pl.scope_body_shell = word(&private_link_scope_body(pl, &m.tags).to_string());
        let scoped = |var: &str| {
            let body = json!({"properties": {"linkedResourceId": format!("${{{var}}}")}});
            word_with_vars(&body.to_string(), &[var])
        };
        pl.log_analytics_scoped_body_shell = scoped("LOG_ANALYTICS_ID");
        pl.application_insights_scoped_body_shell = scoped("APP_INSIGHTS_ID");
    }
    if let Some(es) = m.network.as_mut().and_then(|n| n.existing_spoke.as_mut()) {
        // `az network vnet subnet show` prints the subnet's properties at the top level.
        for c in &mut es.checks {
            c.cli_query = match (c.test.as_str(), &c.value) {
                // JMESPath's `!` is true for an empty list and for null (no backticks, which
                // the shell would need another quoting for).
                ("empty", _) => format!("!{}", c.property),
                ("equals", Some(v)) => format!("{} == '{v}'", c.property),
                _ => format!("{} != null", c.property),
            };
        }
    }
    m.workspace.cli_create_sets = create_sets(&m.workspace);
    m.workspace.cli_rest_body = rest_body(m);
    for e in &mut m.inference.online_endpoints {
        e.param_json = e.param().to_string();
    }
    for d in &mut m.workspace.datastores {
        // `workspaceblobstore` -> `WORKSPACEBLOBSTORE_CONTAINER_NAME`, read just before the PUT.
        d.shell_var = format!(
            "{}_{}",
            d.name.to_ascii_uppercase(),
            d.cli_location_field.to_ascii_uppercase()
        );
        let location = format!("${{{}}}", d.shell_var);
        let body = json!({"properties": {
            "datastoreType": d.datastore_type,
            "accountName": "${STORAGE_ACCOUNT_NAME}",
            d.location_property: location,
            "endpoint": cloud.fill("{storage}"),
            "protocol": "https",
            "credentials": {"credentialsType": d.credentials_type},
            "serviceDataAccessAuthIdentity": d.identity,
        }});
        d.body_shell = word_with_vars(&body.to_string(), &["STORAGE_ACCOUNT_NAME", &d.shell_var]);
    }
    let tunneling = m.defaults["bastion_tunneling"].clone();
    lower_way_in_bodies(&mut m.way_in, &tunneling);
    if let Some(n) = m.network.as_mut() {
        if let Some(fw) = n.firewall.as_mut() {
            let body = rule_collection_group_body(fw, cloud);
            fw.rule_collection_group.body_shell = word(&body);
        }
        if let Some(hub) = n.hub.as_mut() {
            lower_hub_bodies(hub, &tunneling);
        }
        if let Some(sep) = n.service_endpoint_policy.as_mut() {
            let body = json!({"properties": alias_definition_properties(sep)});
            sep.definition_body_shell = word(&body.to_string());
        }
    }
    if let Some(d) = m.monitoring.diagnostics.as_mut() {
        for t in &mut d.targets {
            let logs: Vec<_> = t
                .categories
                .iter()
                .map(|c| json!({"category": c, "enabled": true}))
                .collect();
            t.logs_shell = word(&Json::Array(logs).to_string());
        }
    }
    let Some(p) = m.private.as_mut() else {
        return;
    };
    for v in &mut p.linked_vnets {
        // A landing zone's VNet is linked by its ID (runbook.sh sets it from the blueprint).
        v.shell_var = match (v.role, v.existing_id.is_some()) {
            (VnetRole::Hub, true) => "HUB_VNET_ID",
            (VnetRole::Spoke, true) => "SPOKE_VNET_ID",
            (VnetRole::Hub, false) => "HUB_VNET_NAME",
            (VnetRole::Client, _) | (VnetRole::Spoke, false) => "VNET_NAME",
        }
        .to_string();
    }
    let corporate = p
        .corporate
        .iter_mut()
        .flat_map(|c| &mut c.private_endpoints);
    for pe in p.private_endpoints.iter_mut().chain(corporate) {
        pe.target_id_var = match pe.target {
            PeTarget::Workspace => "WORKSPACE_ID",
            PeTarget::Storage => "STORAGE_ACCOUNT_ID",
            PeTarget::KeyVault => "KEY_VAULT_ID",
            PeTarget::Registry => "CONTAINER_REGISTRY_ID",
            PeTarget::MonitorScope => "PRIVATE_LINK_SCOPE_ID",
        }
        .to_string();
    }
    lower_access(m);
    lower_policy(m);
}

/// The Azure Monitor Private Link Scope's ARM body, as monitoring.bicep declares it: a global
/// resource, tagged like the others.
pub(crate) fn private_link_scope_body(
    pl: &crate::plan::model::MonitorPrivateLinkModel,
    tags: &impl serde::Serialize,
) -> Json {
    json!({
        "location": "global",
        "tags": tags,
        "properties": {"accessModeSettings": {
            "ingestionAccessMode": pl.ingestion_access_mode,
            "queryAccessMode": pl.query_access_mode,
        }},
    })
}

/// The properties of the service endpoint policy definition that admits the Microsoft-managed
/// storage Azure Machine Learning compute uses (its alias), as spokeNetwork.bicep declares it.
pub(crate) fn alias_definition_properties(
    sep: &crate::plan::model::ServiceEndpointPolicyModel,
) -> Json {
    json!({
        "description": "Microsoft-managed storage used by Azure Machine Learning compute.",
        "service": sep.alias_service,
        "serviceResources": [sep.alias],
    })
}

/// The policy assignments' `--params` JSON; the DNS zones' IDs are runbook variables.
fn lower_policy(m: &mut Model) {
    let mut vars: Vec<String> = Vec::new();
    if let Some(dns) = m.policy.dns.as_mut() {
        for (i, z) in dns.zones.iter_mut().enumerate() {
            z.cli_var = format!("POLICY_DNS_ZONE_{}_ID", i + 1);
            z.cli_ref = format!("\"${{{}}}\"", z.cli_var);
            vars.push(z.cli_var.clone());
        }
    }
    let zones: Vec<(&'static str, String)> = m
        .policy
        .dns
        .iter()
        .flat_map(|d| &d.zones)
        .map(|z| (z.parameter, format!("${{{}}}", z.cli_var)))
        .collect();
    let var_refs: Vec<&str> = vars.iter().map(String::as_str).collect();
    for a in &mut m.policy.assignments {
        let mut params = a.arm_parameters();
        if a.identity {
            for (k, v) in &zones {
                params.insert((*k).to_string(), json!({ "value": v }));
            }
        }
        a.cli_params = word_with_vars(&Json::Object(params).to_string(), &var_refs);
    }
}

/// The regenerate command, as a user types it: built-in name or the relative path, the `--set`
/// assignments, and `--out` when it is not the default.
pub fn regenerate_command(loaded: &crate::blueprint::Loaded, out: Option<&str>) -> String {
    let mut parts = vec!["amlgen".to_string(), "render".to_string()];
    parts.push(shell_word(&crate::plan::portable(&loaded.named().arg)));
    for v in loaded.user_values() {
        parts.push("--values".into());
        parts.push(shell_word(&crate::plan::portable(&v.arg)));
    }
    for s in &loaded.sets {
        parts.push("--set".into());
        parts.push(shell_word(s));
    }
    if let Some(o) = out {
        parts.push("--out".into());
        parts.push(shell_word(o));
    }
    parts.join(" ")
}

/// The ARM bodies of the hub resources the runbook PUTs with `az rest`, built as JSON; the IDs
/// the runbook looks up just before are its shell variables.
/// `az ml workspace create --set` words, one `--set` for all (argparse keeps only the last of
/// repeated options).
fn create_sets(w: &crate::plan::model::WorkspaceModel) -> Vec<String> {
    let mut sets = Vec::new();
    // Said even when it is az's default (standard), so the runbook shows the SKU it pays for
    // and builds the same workspace as main.bicep, which sets it.
    if let Some(f) = &w.firewall_sku {
        sets.push(shell_word(&format!(
            "managed_network.firewall_sku={}",
            f.cli
        )));
    }
    if let Some(s) = &w.serverless {
        sets.push(word_with_vars(
            "serverless_compute.custom_subnet=${SERVERLESS_SUBNET_ID}",
            &["SERVERLESS_SUBNET_ID"],
        ));
        sets.push(shell_word(&format!(
            "serverless_compute.no_public_ip={}",
            s.no_public_ip
        )));
    }
    if w.hbi_workspace {
        sets.push(shell_word("hbi_workspace=true"));
    }
    match w.customer_managed_key.as_ref().map(|k| &k.source) {
        Some(KeySource::Existing {
            key_vault_id,
            key_uri,
        }) => {
            sets.push(shell_word(&format!(
                "customer_managed_key.key_vault={key_vault_id}"
            )));
            sets.push(shell_word(&format!(
                "customer_managed_key.key_uri={key_uri}"
            )));
        }
        // The workspace's own key vault, and the version the runbook's key step read back.
        Some(KeySource::Created(_)) => {
            sets.push(word_with_vars(
                "customer_managed_key.key_vault=${KEY_VAULT_ID}",
                &["KEY_VAULT_ID"],
            ));
            sets.push(word_with_vars(
                "customer_managed_key.key_uri=${CUSTOMER_MANAGED_KEY_URI}",
                &["CUSTOMER_MANAGED_KEY_URI"],
            ));
        }
        None => {}
    }
    sets
}

/// The workspace's ARM body for `az rest`, when a user-assigned identity reads a key amlgen
/// creates: `az ml workspace create` (azure-ai-ml's creation template) has no setting for
/// `encryption.identity`. The same body runbook.ps1 sends, with the runbook's variables.
fn rest_body(m: &Model) -> Option<String> {
    let w = &m.workspace;
    if w.created_key().is_none() || w.user_assigned_identity.is_none() {
        return None;
    }
    // Run-time values as markers, so tags and the display name stay literal text.
    let vars = [
        "LOCATION",
        "STORAGE_ACCOUNT_ID",
        "KEY_VAULT_ID",
        "CONTAINER_REGISTRY_ID",
        "APP_INSIGHTS_ID",
        "WORKSPACE_IDENTITY_ID",
        "SERVERLESS_SUBNET_ID",
        "CUSTOMER_MANAGED_KEY_URI",
    ];
    let mark = |v: &str| format!("\u{1}{v}\u{1}");
    let markers: Vec<(String, &str)> = vars.iter().map(|v| (mark(v), *v)).collect();
    let refs = super::powershell::WorkspaceRefs {
        location: mark("LOCATION"),
        storage: mark("STORAGE_ACCOUNT_ID"),
        key_vault: mark("KEY_VAULT_ID"),
        registry: mark("CONTAINER_REGISTRY_ID"),
        app_insights: mark("APP_INSIGHTS_ID"),
        identity: Some(mark("WORKSPACE_IDENTITY_ID")),
        serverless_subnet: w.serverless.as_ref().map(|_| mark("SERVERLESS_SUBNET_ID")),
        key: Some((mark("KEY_VAULT_ID"), mark("CUSTOMER_MANAGED_KEY_URI"))),
    };
    // serde_json writes a control character as `\u0001`: turned back into the marker here.
    let body = super::powershell::workspace_body(m, &refs)
        .to_string()
        .replace("\\u0001", "\u{1}");
    Some(word_with_markers(&body, &markers))
}

/// The custom roles' names and `az role definition create/update` bodies: the name carries the
/// workspace, the assignable scope is the workspace (`${WORKSPACE_ID}`).
fn lower_access(m: &mut Model) {
    for r in &mut m.access.custom_roles {
        let name = r.name("${WORKSPACE_NAME}");
        r.cli_role_name = word_with_vars(&name, &["WORKSPACE_NAME"]);
        // azure-cli's role definition JSON (PascalCase keys, `Name` the role name).
        let body = json!({
            "Name": name,
            "Description": r.description,
            "Actions": r.actions,
            "NotActions": r.not_actions,
            "DataActions": r.data_actions,
            "NotDataActions": [],
            "AssignableScopes": ["${WORKSPACE_ID}"],
        });
        r.cli_definition = word_with_vars(&body.to_string(), &["WORKSPACE_NAME", "WORKSPACE_ID"]);
    }
    let roles = m.access.custom_roles.clone();
    for p in m
        .access
        .personas
        .iter_mut()
        .filter(|p| !p.principal_ids.is_empty())
    {
        for a in p.roles.iter_mut().chain(p.storage_roles.iter_mut()) {
            a.cli_role = match (&a.built_in_id, &a.custom) {
                (Some(id), _) => shell_word(id),
                (None, Some(k)) => roles
                    .iter()
                    .find(|r| &r.key == k)
                    .map(|r| r.cli_role_name.clone())
                    .expect("used custom role"),
                (None, None) => unreachable!("a role is built-in or custom"),
            };
        }
    }
}

fn lower_hub_bodies(hub: &mut HubModel, tunneling: &serde_json::Value) {
    const VARS: &[&str] = &["HUB_VNET_ID", "BASTION_PIP_ID"];
    // `{region}`: `word_with_vars` writes it as the runbook's region variable.
    let location = "{region}";
    if let Some(dr) = hub.dns_resolver.as_mut() {
        let resolver = json!({
            "location": location,
            "properties": {"virtualNetwork": {"id": "${HUB_VNET_ID}"}},
        });
        let inbound = json!({
            "location": location,
            "properties": {"ipConfigurations": [{
                "subnet": {"id": format!("${{HUB_VNET_ID}}/subnets/{}", dr.subnet_name)},
                "privateIpAllocationMethod": "Dynamic",
            }]},
        });
        dr.body_shell = word_with_vars(&resolver.to_string(), VARS);
        dr.inbound_endpoint_body_shell = word_with_vars(&inbound.to_string(), VARS);
    }
    if let Some(b) = hub.bastion.as_mut() {
        let refs = super::way_in::Refs {
            location,
            tenant: "",
            vnet_id: "${HUB_VNET_ID}",
            public_ip_id: "${BASTION_PIP_ID}",
            nic_id: "",
            vm_id: "",
        };
        let body = super::way_in::bastion(&b.sku, tunneling, &refs, None);
        b.body_shell = word_with_vars(&body.to_string(), VARS);
    }
}

/// The way-in resources' `az rest` bodies (`lower::way_in`), with the runbook's variables for
/// what it reads on the way.
fn lower_way_in_bodies(w: &mut crate::plan::model::WayInModel, tunneling: &serde_json::Value) {
    const VARS: &[&str] = &[
        "WAY_IN_VNET_ID",
        "BASTION_PIP_ID",
        "VPN_PIP_ID",
        "JUMP_BOX_NIC_ID",
        "JUMP_BOX_ID",
        "TENANT_ID",
    ];
    use super::way_in as body;
    let refs = |public_ip_id| body::Refs {
        location: "{region}",
        tenant: "${TENANT_ID}",
        vnet_id: "${WAY_IN_VNET_ID}",
        public_ip_id,
        nic_id: "${JUMP_BOX_NIC_ID}",
        vm_id: "${JUMP_BOX_ID}",
    };
    let mut put = |key, b: serde_json::Value| {
        w.body_shell
            .insert(key, word_with_vars(&b.to_string(), VARS));
    };
    if let Some(b) = &w.client_bastion {
        put(
            "bastion",
            body::bastion(&b.sku, tunneling, &refs("${BASTION_PIP_ID}"), None),
        );
    }
    if let Some(j) = &w.jump_box {
        let r = refs("");
        put("nic", body::nic(j, &r, None));
        put("vm", body::vm(j, &r, None));
        put("extension", body::extension(j, &r, None));
        put("schedule", body::schedule(j, &r, None));
    }
    if let Some(v) = &w.vpn {
        put(
            "vpn_gateway",
            body::vpn_gateway(v, &refs("${VPN_PIP_ID}"), None),
        );
    }
}

/// The options of `az ml workspace outbound-rule set` that carry a rule of this kind.
fn outbound_rule_args(r: &RuleModel) -> Vec<CliArg> {
    let arg = |option, value: &Option<String>| {
        value.as_ref().map(|v| CliArg {
            option,
            value: v.clone(),
        })
    };
    let args = match r.kind {
        RuleKind::Fqdn => vec![arg("--destination", &r.destination)],
        RuleKind::ServiceTag => vec![
            arg("--service-tag", &r.service_tag),
            arg("--protocol", &r.protocol),
            arg("--port-ranges", &r.port_ranges),
        ],
        RuleKind::PrivateEndpoint => vec![
            arg("--service-resource-id", &r.service_resource_id),
            arg("--subresource-target", &r.subresource_target),
            arg("--spark-enabled", &r.spark_enabled.map(|b| b.to_string())),
        ],
    };
    args.into_iter().flatten().collect()
}

/// The ARM body of the firewall policy's rule collection group: the same collections, priorities
/// and rules that hubNetwork.bicep declares, serialised (never concatenated). Region-derived
/// values keep `{region}`, which `word` turns into `${LOCATION}`.
pub(crate) fn rule_collection_group_body(fw: &FirewallModel, cloud: &Cloud) -> String {
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
                "sourceAddresses": r.source_addresses,
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
                "sourceAddresses": r.source_addresses,
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
    word_with_vars(value, &[])
}

/// A shell word for `value` in which `{region}` becomes `${LOCATION}` and the runbook variables
/// `vars` written as `${NAME}` expand; everything else is literal. Plain or single-quoted when
/// nothing expands, double-quoted otherwise.
/// A double-quoted shell word of `value` in which only the exact `markers` expand, each to its
/// shell variable, and everything else stays literal (`$`, `{region}` and `${...}` included): for
/// a body that carries blueprint text (tags, display name). Markers hold a control character,
/// which no blueprint value can (AMLG042), so blueprint text never becomes an expansion.
pub fn word_with_markers(value: &str, markers: &[(String, &str)]) -> String {
    let mut out = String::from("\"");
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        if let Some((m, var)) = markers.iter().find(|(m, _)| rest.starts_with(m.as_str())) {
            out.push_str(&format!("${{{var}}}"));
            rest = &rest[m.len()..];
            continue;
        }
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('"');
    out
}

pub fn word_with_vars(value: &str, vars: &[&str]) -> String {
    let mut markers: Vec<(String, &str)> = vec![("{region}".to_string(), REGION_VAR)];
    markers.extend(vars.iter().map(|v| (format!("${{{v}}}"), *v)));
    if !markers.iter().any(|(m, _)| value.contains(m.as_str())) {
        return shell_word(value);
    }
    word_with_markers(value, &markers)
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
        assert_eq!(crate::naming::camel_to_snake("LowPriority"), "low_priority");
        // Only the named variables expand; any other `$` stays literal.
        assert_eq!(
            word_with_vars(
                r#"{"id":"${HUB_VNET_ID}/x","l":"{region}","o":"${OTHER}$(id)"}"#,
                &["HUB_VNET_ID"]
            ),
            r#""{\"id\":\"${HUB_VNET_ID}/x\",\"l\":\"${LOCATION}\",\"o\":\"\${OTHER}\$(id)\"}""#
        );
        assert_eq!(word_with_vars("${OTHER}", &["HUB_VNET_ID"]), "$'${OTHER}'");
        assert_eq!(crate::naming::camel_to_snake("Dedicated"), "dedicated");
        assert_eq!(word("a$b{region}"), "\"a\\$b${LOCATION}\"");
    }
}
