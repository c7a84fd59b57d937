//! The PowerShell lowering: what the `.ps1` scripts print beyond the neutral model. Values are
//! quoted by the template environment (`escape::powershell_string`); this pass only chooses.
//!
//! runbook.ps1 builds the architecture step by step with `Invoke-AzRestMethod` PUTs of the ARM
//! bodies main.bicep declares, at the API versions main.bicep uses (catalog/api_versions.yaml):
//! Az PowerShell has no cmdlet for several settings the Bicep sets (the managed network's firewall
//! SKU, the system datastores' auth mode, identity-based datastores), and one way for every
//! resource keeps the two paths comparable body for body (tests/path_equivalence.rs). The bodies
//! are built here as JSON; values known only at run time are `<amlgen:NAME>` tokens the script
//! fills in (the hub firewall's private IP among them: Azure picks it, the spoke routes to it).

use crate::catalog::Catalog;
use crate::catalog::Cloud;
use crate::plan::model::{
    DnsMode, IdentityRoleModel, KeySource, Model, NetworkModel, PeTarget, PowerShellRequirement,
    PsGuid, PsRead, PsSegment, PsStep,
};
use crate::plan::zones::Text;
use serde_json::{json, Value as Json};

/// The resource group's ARM ID, known once the script runs.
const SCOPE: &str = "<amlgen:scope>";
/// The region (the script's `-Location`).
const LOCATION: &str = "<amlgen:location>";
const TENANT: &str = "<amlgen:tenantId>";
const SUBSCRIPTION: &str = "<amlgen:subscriptionId>";
/// The workspace's identity: its system-assigned one, read once the workspace exists, or its
/// user-assigned one, read once that exists.
const WORKSPACE_PRINCIPAL: &str = "<amlgen:workspacePrincipalId>";
const WORKSPACE_PRINCIPAL_TOKEN: &str = "workspacePrincipalId";
/// The created customer-managed key's identifier with its version, read back after its PUT.
const KEY_URI_TOKEN: &str = "customerManagedKeyUri";
/// Azure Cosmos DB's service principal in the tenant, looked up by the script before any step.
const COSMOS_DB_PRINCIPAL_TOKEN: &str = "cosmosDbPrincipalId";
/// The hub firewall's private IP address (the spoke's next hop and DNS server), read once the
/// firewall exists: Azure picks it from the firewall subnet.
const FIREWALL_IP: &str = "firewallPrivateIp";

pub fn lower(m: &mut Model) {
    let requires = |list: &[crate::catalog::PowerShellModule]| {
        list.iter()
            .map(|r| PowerShellRequirement {
                module: r.module.clone(),
                version: r.version.clone(),
            })
            .collect::<Vec<_>>()
    };
    let cat = &Catalog::get().powershell;
    // deploy.ps1 says the modules it needs up front (`#Requires -Modules`), so an old Az fails
    // before anything is created rather than on the first unknown parameter.
    m.powershell.deploy_requires = requires(&cat.deploy);
    m.powershell.resource_group_pattern =
        Catalog::get().naming_rule("resource_group").pattern.clone();
    m.powershell.location_pattern = LOCATION_PATTERN.to_string();
    m.powershell.runbook_requires = requires(&cat.runbook);
    if m.policy.dns.is_some() {
        m.powershell.runbook_not_rendered = Some(
            "the private DNS zone DeployIfNotExists policy assignment and its identity's roles \
             (`policy:`) are not lowered to PowerShell yet: deploy this blueprint with deploy.ps1, \
             deploy.sh or runbook.sh"
                .into(),
        );
        return;
    }
    // The script fills `<amlgen:NAME>` into its bodies at run time: a blueprint value holding that
    // text would be filled in too. The model holds every blueprint value, so one look suffices.
    // In any case: a value that differs only in case is refused too, rather than trusting the
    // script's matching to be as strict as this check.
    if serde_json::to_string(&*m).map_or(true, |s| s.to_ascii_lowercase().contains("<amlgen:")) {
        m.powershell.runbook_not_rendered = Some(
            "a blueprint value contains `<amlgen:`, which runbook.ps1 uses to mark the values it \
             fills in at run time"
                .into(),
        );
        return;
    }
    m.powershell.runbook_steps = runbook_steps(m);
}

/// Region names as Azure spells them for `location` (every one in catalog/regions.yaml; a test
/// checks).
pub const LOCATION_PATTERN: &str = "^[a-z0-9]+$";

fn token(name: &str) -> String {
    format!("<amlgen:{name}>")
}

fn api(kind: &str) -> String {
    Catalog::get().api_versions[kind].version.clone()
}

fn id(provider_path: &str) -> String {
    format!("{SCOPE}/providers/{provider_path}")
}

/// The ID of a resource of this resource group, its type as catalog/api_versions.yaml names it.
fn rid(kind: &str, name: &str) -> String {
    id(&format!(
        "{}/{name}",
        Catalog::get().api_versions[kind].resource_type
    ))
}

/// A catalog text (NSG rule, route) as main.bicep evaluates it: a spoke subnet's own prefix as
/// the prefix, the region as the script's region.
fn filled(t: &Text, cloud: &Cloud) -> String {
    match t.subnet_role() {
        Some(_) => t.literal.clone(),
        None => cloud.fill(&t.template).replace("{region}", LOCATION),
    }
}

/// The spoke's training subnet, where compute and serverless compute run (spokeNetwork.bicep's
/// `trainingSubnetId`: the first subnet).
fn training_subnet_id(n: &NetworkModel) -> String {
    if let Some(e) = &n.existing_spoke {
        return e.training_subnet_id.clone();
    }
    format!(
        "{}/subnets/{}",
        rid("virtual_network", &n.spoke.vnet_name),
        n.spoke.subnets[0].name
    )
}

struct Steps(Vec<PsStep>);

impl Steps {
    fn put(&mut self, title: String, path: String, kind: &str, body: Json) -> &mut PsStep {
        self.0.push(PsStep {
            title,
            note: None,
            path,
            api_version: api(kind),
            body: body.to_string(),
            update: false,
            name_guid: None,
            reads_before: vec![],
            reads_after: vec![],
            retry: None,
        });
        self.0.last_mut().expect("just pushed")
    }
}

fn read(token: &str, property: &[&str]) -> PsRead {
    PsRead {
        token: token.into(),
        property: property
            .iter()
            .map(|p| match p.parse() {
                Ok(i) => PsSegment::Index(i),
                Err(_) => PsSegment::Key(p.to_string()),
            })
            .collect(),
    }
}

fn runbook_steps(m: &Model) -> Vec<PsStep> {
    let cat = Catalog::get();
    let cloud = cat.cloud(&m.cloud);
    let defaults = |k: &str| m.defaults.get(k).cloned().unwrap_or(Json::Null);
    let tags = json!(m.tags);
    let p = &m.posture;
    // Behind a private link scope, Log Analytics and Application Insights take ingestion (and
    // queries, as the blueprint says) only through it.
    let monitored = |mut props: Json| {
        if let Some(pl) = &m.monitoring.private_link {
            props["publicNetworkAccessForIngestion"] = json!(pl.public_ingestion);
            props["publicNetworkAccessForQuery"] = json!(pl.public_query);
        }
        props
    };
    let mut s = Steps(Vec::new());

    let la_id = rid("log_analytics", &m.monitoring.log_analytics);
    s.put(
        format!("Log Analytics workspace {}", m.monitoring.log_analytics),
        la_id.clone(),
        "log_analytics",
        json!({"location": LOCATION, "tags": tags, "properties": monitored(json!({
            "sku": {"name": defaults("log_analytics_sku")},
            "retentionInDays": m.monitoring.retention_days,
        }))}),
    );
    let ai_id = rid("application_insights", &m.monitoring.application_insights);
    s.put(
        format!("Application Insights {}", m.monitoring.application_insights),
        ai_id.clone(),
        "application_insights",
        json!({"location": LOCATION, "tags": tags, "kind": "web", "properties": monitored(json!({
            "Application_Type": "web",
            "WorkspaceResourceId": la_id,
        }))}),
    );
    let pls_id = m.monitoring.private_link.as_ref().map(|pl| {
        let pls_id = rid("private_link_scope", &pl.name);
        s.put(
            format!("Azure Monitor Private Link Scope {}", pl.name),
            pls_id.clone(),
            "private_link_scope",
            super::cli::private_link_scope_body(pl, &m.tags),
        );
        // One at a time: a scope takes one scoped resource at a time (monitoring.bicep).
        for (name, target) in [
            (&m.monitoring.log_analytics, &la_id),
            (&m.monitoring.application_insights, &ai_id),
        ] {
            s.put(
                format!("{name} in the private link scope"),
                format!("{pls_id}/scopedResources/{name}"),
                "private_link_scoped_resource",
                json!({"properties": {"linkedResourceId": target}}),
            );
        }
        pls_id
    });
    let storage_id = rid("storage_account", &m.storage.name);
    s.put(
        format!("Storage account {}: private, TLS 1.2, no anonymous blob access", m.storage.name),
        storage_id.clone(),
        "storage_account",
        json!({"location": LOCATION, "tags": tags, "kind": defaults("storage_kind"),
            "sku": {"name": m.storage.sku},
            "properties": {
                "accessTier": defaults("storage_access_tier"),
                "allowBlobPublicAccess": p.storage_allow_blob_public_access,
                "allowCrossTenantReplication": p.storage_allow_cross_tenant_replication,
                "allowSharedKeyAccess": p.storage_shared_key_access,
                "minimumTlsVersion": defaults("minimum_tls_version"),
                "supportsHttpsTrafficOnly": p.storage_https_only,
                "publicNetworkAccess": p.public_network_access_text,
                "networkAcls": {"bypass": p.trusted_services_bypass, "defaultAction": p.network_default_action},
                "encryption": {
                    "keySource": "Microsoft.Storage",
                    "requireInfrastructureEncryption": p.storage_infrastructure_encryption,
                    "services": {"blob": {"enabled": true}, "file": {"enabled": true}},
                },
            }}),
    );
    let kv_id = rid("key_vault", &m.key_vault.name);
    s.put(
        format!("Key vault {}: private, RBAC, purge protection", m.key_vault.name),
        kv_id.clone(),
        "key_vault",
        json!({"location": LOCATION, "tags": tags, "properties": {
            "tenantId": TENANT,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": p.key_vault_rbac_authorization,
            "enableSoftDelete": true,
            "softDeleteRetentionInDays": m.key_vault.soft_delete_retention_days,
            "enablePurgeProtection": p.key_vault_purge_protection,
            "publicNetworkAccess": p.public_network_access_text,
            "networkAcls": {"bypass": p.trusted_services_bypass, "defaultAction": p.network_default_action},
        }}),
    );
    let acr_id = rid("container_registry", &m.registry.name);
    s.put(
        format!(
            "Container registry {}: Premium (private endpoints need it), private, no admin user",
            m.registry.name
        ),
        acr_id.clone(),
        "container_registry",
        json!({"location": LOCATION, "tags": tags, "sku": {"name": m.registry.sku}, "properties": {
            "adminUserEnabled": p.registry_admin_user,
            "anonymousPullEnabled": false,
            "publicNetworkAccess": p.public_network_access_text,
            "networkRuleBypassOptions": p.trusted_services_bypass,
            "policies": {
                "exportPolicy": {"status": p.bicep_registry_export_status},
                "retentionPolicy": {"days": defaults("registry_untagged_retention_days"), "status": "enabled"},
            },
        }}),
    );

    // The workspace's key: the blueprint's, or one created in the workspace's key vault (as
    // modules/keyVault.bicep) with Azure Cosmos DB's role on it, before the workspace.
    let encryption_key = m
        .workspace
        .customer_managed_key
        .as_ref()
        .map(|k| match &k.source {
            KeySource::Existing {
                key_vault_id,
                key_uri,
            } => (key_vault_id.clone(), key_uri.clone()),
            KeySource::Created(c) => {
                let key_id = format!("{kv_id}/keys/{}", c.name);
                let step = s.put(
                    format!(
                        "Customer-managed key {} ({} {}) in key vault {}",
                        c.name, c.kty, c.size, m.key_vault.name
                    ),
                    key_id.clone(),
                    "key_vault_key",
                    json!({"properties": {"kty": c.kty, "keySize": c.size}}),
                );
                step.reads_after = vec![read(KEY_URI_TOKEN, &["properties", "keyUriWithVersion"])];
                role_assignment(
                    &mut s,
                    format!("{} on key {} for Azure Cosmos DB", c.role.name, c.name),
                    &key_id,
                    &built_in_role(&c.role.id),
                    &c.role.id,
                    &token(COSMOS_DB_PRINCIPAL_TOKEN),
                    "ServicePrincipal",
                );
                (kv_id.clone(), token(KEY_URI_TOKEN))
            }
        });

    // The user-assigned workspace identity and its roles on the dependencies, before the
    // workspace (Azure checks them when it creates it), as modules/workspaceIdentity.bicep.
    let uai_id = m.workspace.user_assigned_identity.as_ref().map(|i| {
        let uai_id = rid("user_assigned_identity", &i.name);
        let step = s.put(
            format!("User-assigned identity {} of the workspace", i.name),
            uai_id.clone(),
            "user_assigned_identity",
            json!({"location": LOCATION, "tags": tags}),
        );
        // The workspace's principal from here on: a workspace with only a user-assigned
        // identity has no identity.principalId of its own.
        step.reads_after = vec![read(
            WORKSPACE_PRINCIPAL_TOKEN,
            &["properties", "principalId"],
        )];
        for r in &i.roles {
            let scope = match r.scope.as_str() {
                "storage_account" => storage_id.clone(),
                "key_vault" => kv_id.clone(),
                "container_registry" => acr_id.clone(),
                "application_insights" => ai_id.clone(),
                "resource_group" => SCOPE.to_string(),
                other => unreachable!("identity role scope {other} before the workspace"),
            };
            identity_role(&mut s, r, &scope, &uai_id);
        }
        uai_id
    });

    let firewall_id = m
        .network
        .as_ref()
        .and_then(|n| network_steps(m, n, &mut s, &storage_id));

    // The workspace, with its managed network and outbound rules in the same body (as
    // workspace.bicep): no separate outbound-rule calls to converge.
    let w = &m.workspace;
    let ws_id = rid("workspace", &w.name);
    let ids = WorkspaceRefs {
        location: LOCATION.to_string(),
        storage: storage_id.clone(),
        key_vault: kv_id.clone(),
        registry: acr_id.clone(),
        app_insights: ai_id.clone(),
        identity: uai_id.clone(),
        serverless_subnet: m.network.as_ref().map(training_subnet_id),
        key: encryption_key.clone(),
    };
    let body = workspace_body(m, &ids);
    let title = match &m.network {
        None => format!(
            "Workspace {} with managed VNet ({})",
            w.name, w.isolation_mode.cli
        ),
        Some(_) => format!(
            "Workspace {} (no managed VNet: compute runs in the spoke)",
            w.name
        ),
    };
    let step = s.put(title, ws_id.clone(), "workspace", body);
    if uai_id.is_none() {
        step.reads_after = vec![read(
            WORKSPACE_PRINCIPAL_TOKEN,
            &["identity", "principalId"],
        )];
    }
    if let Some(k) = w.kind.as_ref().filter(|k| k.non_default) {
        step.note = Some(format!("{}: {}; {}", k.arm, k.note, k.switch));
    }
    // Azure checks the new roles as it creates the workspace: the user-assigned identity's on
    // the dependencies, Azure Cosmos DB's on a created key (as runbook.sh's loop).
    step.retry = if uai_id.is_some() {
        Some("the identity's new roles may not have reached Azure Machine Learning yet".into())
    } else if w.created_key().is_some() {
        Some("the key's new role may not have taken effect yet".into())
    } else {
        None
    };

    if let (Some(i), Some(id)) = (&w.user_assigned_identity, &uai_id) {
        for r in &i.workspace_roles {
            identity_role(&mut s, r, &ws_id, id);
        }
    }

    for d in &w.datastores {
        let location_token = format!("{}.{}", d.name, d.location_property);
        let step = s.put(
            format!(
                "Default datastore {}: identity-based access, the workspace identity previews data",
                d.name
            ),
            format!("{ws_id}/datastores/{}", d.name),
            "datastore",
            json!({"properties": {
                "datastoreType": d.datastore_type,
                "accountName": m.storage.name,
                d.location_property: token(&location_token),
                "endpoint": cloud.fill("{storage}"),
                "protocol": "https",
                "credentials": {"credentialsType": d.credentials_type},
                "serviceDataAccessAuthIdentity": d.identity,
            }}),
        );
        // Azure created it with the workspace: written back with where its data lives as Azure
        // chose it, and identity-based access, as main.bicep does.
        step.update = true;
        step.reads_before = vec![read(&location_token, &["properties", d.location_property])];
    }

    if let Some(diag) = &m.monitoring.diagnostics {
        for t in &diag.targets {
            let target = match t.key.as_str() {
                "workspace" => ws_id.clone(),
                "key_vault" => kv_id.clone(),
                "storage_blob" => format!("{storage_id}/blobServices/default"),
                "firewall" => firewall_id
                    .clone()
                    .expect("a firewall diagnostic setting only with a firewall"),
                other => unreachable!("unknown diagnostic target {other}"),
            };
            s.put(
                format!("Diagnostic setting: {} logs to table {}", t.label, t.table),
                format!(
                    "{target}/providers/Microsoft.Insights/diagnosticSettings/{}",
                    diag.setting_name
                ),
                "diagnostic_settings",
                // main.bicep gives the setting the region too.
                json!({"location": LOCATION, "properties": {
                    "workspaceId": la_id,
                    "logs": t.categories.iter().map(|c| json!({"category": c, "enabled": true})).collect::<Vec<_>>(),
                }}),
            );
        }
    }

    if m.client.is_some() {
        jump_box_network_steps(m, &mut s);
    }
    if let Some(c) = &m.client {
        let nsg_id = rid("network_security_group", &c.nsg_name);
        s.put(
            format!(
                "Network security group {} of the private endpoint subnet",
                c.nsg_name
            ),
            nsg_id.clone(),
            "network_security_group",
            json!({"location": LOCATION, "tags": tags, "properties": {"securityRules": []}}),
        );
        s.put(
            format!(
                "Client VNet {} with the private endpoint subnet {}",
                c.vnet_name, c.pe_subnet_name
            ),
            rid("virtual_network", &c.vnet_name),
            "virtual_network",
            json!({"location": LOCATION, "tags": tags, "properties": {
                "addressSpace": {"addressPrefixes": c.address_prefixes},
                "subnets": std::iter::once(json!({"name": c.pe_subnet_name, "properties": {
                    "addressPrefix": c.pe_subnet_prefix,
                    "networkSecurityGroup": {"id": nsg_id},
                    "privateEndpointNetworkPolicies": "Disabled",
                }}))
                .chain(m.way_in.client_subnets.iter().map(|sn| way_in_subnet(m, &sn.name, &sn.prefix)))
                .collect::<Vec<_>>(),
            }}),
        );
        way_in_steps(m, &mut s);
    }

    if let Some(pm) = &m.private {
        let zone_id = |name: &str| match (pm.dns_mode, &pm.zones_resource_group_id) {
            (DnsMode::Existing, Some(rg)) => {
                format!("{rg}/providers/Microsoft.Network/privateDnsZones/{name}")
            }
            _ => rid("private_dns_zone", name),
        };
        if pm.dns_mode == DnsMode::Create {
            for z in &pm.zones {
                s.put(
                    format!("Private DNS zone {}", z.name),
                    zone_id(&z.name),
                    "private_dns_zone",
                    json!({"location": "global", "tags": tags}),
                );
                for v in &pm.linked_vnets {
                    s.put(
                        format!("Link of {} to VNet {}", z.name, v.name),
                        format!("{}/virtualNetworkLinks/{}", zone_id(&z.name), v.link_name),
                        "private_dns_zone_link",
                        json!({"location": "global", "tags": tags, "properties": {
                            "registrationEnabled": false,
                            "resolutionPolicy": pm.resolution_policy,
                            // A landing zone's VNet by the ID the blueprint gives.
                            "virtualNetwork": {"id": v.existing_id.clone()
                                .unwrap_or_else(|| rid("virtual_network", &v.name))},
                        }}),
                    );
                }
            }
        }
        let subnet_id = pm.existing_subnet_id.clone().unwrap_or_else(|| {
            id(&format!(
                "Microsoft.Network/virtualNetworks/{}/subnets/{}",
                pm.vnet_name, pm.subnet_name
            ))
        });
        // One endpoint, its zone group (`zone_of` gives a zone's ID, None: Azure Policy adds
        // the group) and the workspace identity's Reader: the spoke's and the corporate ones.
        let endpoint = |s: &mut Steps,
                        pe: &crate::plan::model::PrivateEndpointModel,
                        subnet_id: &str,
                        zone_of: &dyn Fn(&str) -> Option<String>| {
            let target = match pe.target {
                PeTarget::Workspace => &ws_id,
                PeTarget::Storage => &storage_id,
                PeTarget::KeyVault => &kv_id,
                PeTarget::Registry => &acr_id,
                PeTarget::MonitorScope => pls_id
                    .as_ref()
                    .expect("a Monitor endpoint only with a private link scope"),
            };
            let pe_id = rid("private_endpoint", &pe.name);
            s.put(
                format!("Private endpoint {} ({})", pe.name, pe.label),
                pe_id.clone(),
                "private_endpoint",
                json!({"location": LOCATION, "tags": tags, "properties": {
                    "subnet": {"id": subnet_id},
                    "privateLinkServiceConnections": [{"name": pe.name, "properties": {
                        "privateLinkServiceId": target,
                        "groupIds": [pe.group_id],
                    }}],
                }}),
            );
            let configs: Option<Vec<Json>> = pe
                .zone_indices
                .iter()
                .enumerate()
                .map(|(i, z)| {
                    zone_of(&pm.zones[*z].name).map(|id| {
                        json!({"name": format!("zone-{i}"), "properties": {
                            "privateDnsZoneId": id,
                        }})
                    })
                })
                .collect();
            if let Some(configs) = configs {
                s.put(
                    format!("DNS zone group of {}", pe.name),
                    format!("{pe_id}/privateDnsZoneGroups/default"),
                    "private_dns_zone_group",
                    json!({"properties": {"privateDnsZoneConfigs": configs}}),
                );
            }
            if pe.workspace_reader {
                role_assignment(
                    s,
                    format!(
                        "Reader on {} for the workspace identity (data preview in the studio)",
                        pe.name
                    ),
                    &pe_id,
                    &built_in_role(&pm.reader_role_id),
                    // privateEndpoint.bicep: guid(privateEndpoint.id, readerPrincipalId, readerRoleId)
                    &pm.reader_role_id,
                    WORKSPACE_PRINCIPAL,
                    "ServicePrincipal",
                );
            }
        };
        let spoke_zone = |name: &str| (pm.dns_mode != DnsMode::Policy).then(|| zone_id(name));
        for pe in &pm.private_endpoints {
            endpoint(&mut s, pe, &subnet_id, &spoke_zone);
        }
        if let Some(c) = &pm.corporate {
            // The corporate network's zones, or its Azure Policy (no group).
            let corporate_zone = |name: &str| {
                c.zones_resource_group_id
                    .as_ref()
                    .map(|rg| format!("{rg}/providers/Microsoft.Network/privateDnsZones/{name}"))
            };
            for pe in &c.private_endpoints {
                endpoint(&mut s, pe, &c.subnet_id, &corporate_zone);
            }
        }
    }

    compute_steps(m, &mut s, &ws_id, &tags);
    online_endpoint_steps(m, &mut s, &ws_id, &tags);
    kubernetes_steps(m, &mut s, &ws_id, &tags);
    access_steps(m, &mut s, &ws_id, &storage_id);
    policy_steps(m, &mut s);
    s.0
}

/// The customer VNet, as hubNetwork.bicep, spokeNetwork.bicep and peering.bicep declare it, in
/// their dependency order: the hub (VNet, firewall and its policy, Bastion, DNS resolver), then
/// the spoke (NSGs, route table through the firewall's private IP, NAT gateway, service endpoint
/// policy, then the VNet whose subnets name them), then the peerings. Returns the firewall's ID.
fn network_steps(m: &Model, n: &NetworkModel, s: &mut Steps, storage_id: &str) -> Option<String> {
    let cat = Catalog::get();
    let cloud = cat.cloud(&m.cloud);
    let defaults = |k: &str| m.defaults.get(k).cloned().unwrap_or(Json::Null);
    let tags = json!(m.tags);
    let public_ip = |s: &mut Steps, name: &str, what: &str| {
        let ip_id = rid("public_ip", name);
        s.put(
            format!("Public IP {name} ({what})"),
            ip_id.clone(),
            "public_ip",
            json!({"location": LOCATION, "tags": tags,
                "sku": {"name": defaults("public_ip_sku")},
                "properties": {"publicIPAllocationMethod": defaults("public_ip_allocation")}}),
        );
        ip_id
    };

    let mut firewall_id = None;
    // A landing zone's spoke: nothing is created (the template verifies its subnets instead).
    if n.existing_spoke.is_some() {
        return None;
    }
    if let (Some(hub), Some(fw)) = (&n.hub, &n.firewall) {
        jump_box_network_steps(m, s);
        let hub_id = rid("virtual_network", &hub.vnet_name);
        let subnet = |name: &str, prefix: &str| json!({"name": name, "properties": {"addressPrefix": prefix}});
        let mut subnets = vec![subnet("AzureFirewallSubnet", &hub.firewall_subnet)];
        if let Some(p) = &hub.firewall_management_subnet {
            subnets.push(subnet("AzureFirewallManagementSubnet", p));
        }
        if let Some(b) = &hub.bastion {
            subnets.push(subnet("AzureBastionSubnet", &b.subnet));
        }
        if let Some(dr) = &hub.dns_resolver {
            let mut sn = subnet(&dr.subnet_name, &dr.subnet);
            sn["properties"]["delegations"] = json!([{
                "name": "Microsoft.Network.dnsResolvers",
                "properties": {"serviceName": "Microsoft.Network/dnsResolvers"},
            }]);
            subnets.push(sn);
        }
        if let Some(p) = &hub.gateway_subnet {
            subnets.push(subnet("GatewaySubnet", p));
        }
        if let Some(j) = &m.way_in.jump_box {
            subnets.push(way_in_subnet(m, &j.subnet_name, &j.subnet_prefix));
        }
        s.put(
            format!("Hub VNet {} and its subnets", hub.vnet_name),
            hub_id.clone(),
            "virtual_network",
            json!({"location": LOCATION, "tags": tags, "properties": {
                "addressSpace": {"addressPrefixes": hub.address_prefixes},
                "subnets": subnets,
            }}),
        );
        let fw_ip = public_ip(s, &fw.public_ip, "firewall");
        let mgmt_ip = fw
            .management_public_ip
            .as_ref()
            .map(|ip| public_ip(s, ip, "firewall management"));
        let policy_id = rid("firewall_policy", &fw.policy_name);
        let mut policy = json!({"sku": {"tier": fw.tier}, "threatIntelMode": fw.threat_intel_mode});
        if fw.dns_proxy {
            // The spoke's DNS server: FQDN network rules resolve what the clients resolve.
            policy["dnsSettings"] = json!({"enableProxy": true});
        }
        s.put(
            format!("Firewall policy {} ({})", fw.policy_name, fw.tier),
            policy_id.clone(),
            "firewall_policy",
            json!({"location": LOCATION, "tags": tags, "properties": policy}),
        );
        let rcg = &fw.rule_collection_group;
        // The body the az path PUTs too; its region-derived values keep `{region}`.
        let body = super::cli::rule_collection_group_body(fw, cloud).replace("{region}", LOCATION);
        s.put(
            format!(
                "Rule collection group {}: what Azure Machine Learning compute needs",
                rcg.name
            ),
            format!("{policy_id}/ruleCollectionGroups/{}", rcg.name),
            "firewall_rule_collection_group",
            serde_json::from_str(&body).expect("the rule collection group body is JSON"),
        )
        // Written on every run, as runbook.sh and main.bicep write it: the rules follow the
        // blueprint (and amlgen's catalog).
        .update = true;
        let fw_id = rid("firewall", &fw.name);
        let mut props = json!({
            "sku": {"name": defaults("firewall_sku_name"), "tier": fw.tier},
            "firewallPolicy": {"id": policy_id},
            "ipConfigurations": [{"name": "ipconfig", "properties": {
                "subnet": {"id": format!("{hub_id}/subnets/AzureFirewallSubnet")},
                "publicIPAddress": {"id": fw_ip},
            }}],
        });
        if let Some(ip) = mgmt_ip {
            props["managementIpConfiguration"] = json!({"name": "management", "properties": {
                "subnet": {"id": format!("{hub_id}/subnets/AzureFirewallManagementSubnet")},
                "publicIPAddress": {"id": ip},
            }});
        }
        // After its rules: both update the policy, one at a time (hubNetwork.bicep's dependsOn).
        let step = s.put(
            format!("Azure Firewall {} ({})", fw.name, fw.tier),
            fw_id.clone(),
            "firewall",
            json!({"location": LOCATION, "tags": tags, "properties": props}),
        );
        step.reads_after = vec![read(
            FIREWALL_IP,
            &[
                "properties",
                "ipConfigurations",
                "0",
                "properties",
                "privateIPAddress",
            ],
        )];
        firewall_id = Some(fw_id);
        if let Some(b) = &hub.bastion {
            let ip = public_ip(s, &b.public_ip, "Bastion");
            s.put(
                format!("Azure Bastion {}", b.name),
                rid("bastion", &b.name),
                "bastion",
                super::way_in::bastion(
                    &b.sku,
                    &defaults("bastion_tunneling"),
                    &refs(&hub_id, &ip),
                    Some(&tags),
                ),
            );
        }
        if let Some(dr) = &hub.dns_resolver {
            let resolver_id = rid("dns_resolver", &dr.name);
            s.put(
                format!("DNS Private Resolver {}", dr.name),
                resolver_id.clone(),
                "dns_resolver",
                json!({"location": LOCATION, "tags": tags, "properties": {
                    "virtualNetwork": {"id": hub_id},
                }}),
            );
            s.put(
                format!(
                    "Inbound endpoint {} (on-premises DNS forwards here)",
                    dr.inbound_endpoint
                ),
                format!("{resolver_id}/inboundEndpoints/{}", dr.inbound_endpoint),
                "dns_resolver_inbound_endpoint",
                json!({"location": LOCATION, "tags": tags, "properties": {"ipConfigurations": [{
                    "subnet": {"id": format!("{hub_id}/subnets/{}", dr.subnet_name)},
                    "privateIpAllocationMethod": "Dynamic",
                }]}}),
            );
        }
        // The gateway before the peerings: gateway transit needs it.
        way_in_steps(m, s);
    }
    // The landing zone hub's firewall is known from the blueprint; amlgen's is read once created.
    let fw_ip = match &n.existing_hub {
        Some(h) => h.firewall_private_ip.clone(),
        None => token(FIREWALL_IP),
    };

    for sn in &n.spoke.subnets {
        let rules: Vec<Json> = sn
            .nsg_rules
            .iter()
            .map(|r| {
                let mut p = json!({
                    "description": r.description,
                    "priority": r.priority,
                    "direction": r.direction,
                    "access": r.access,
                    "protocol": r.protocol,
                    "sourceAddressPrefix": filled(&r.source, cloud),
                    "sourcePortRange": "*",
                    "destinationAddressPrefix": filled(&r.destination, cloud),
                });
                match r.destination_ports.as_slice() {
                    [one] => p["destinationPortRange"] = json!(one),
                    many => p["destinationPortRanges"] = json!(many),
                }
                json!({"name": r.name, "properties": p})
            })
            .collect();
        s.put(
            format!(
                "Network security group {} of the {} subnet",
                sn.nsg_name, sn.role
            ),
            rid("network_security_group", &sn.nsg_name),
            "network_security_group",
            json!({"location": LOCATION, "tags": tags, "properties": {"securityRules": rules}}),
        );
    }
    for rt in &n.route_tables {
        let routes: Vec<Json> = rt
            .routes
            .iter()
            .map(|r| {
                let mut p = json!({
                    "addressPrefix": filled(&r.address_prefix, cloud),
                    "nextHopType": r.next_hop_type,
                });
                if r.via_firewall {
                    p["nextHopIpAddress"] = json!(fw_ip);
                }
                json!({"name": r.name, "properties": p})
            })
            .collect();
        // Routes from the hub (a VPN gateway) must not bypass the firewall.
        // Written on every run, as main.bicep writes it: the routes follow the blueprint.
        s.put(
            format!("Route table {} of the {} subnet", rt.name, rt.role),
            rid("route_table", &rt.name),
            "route_table",
            json!({"location": LOCATION, "tags": tags, "properties": {
                "disableBgpRoutePropagation": true,
                "routes": routes,
            }}),
        )
        .update = true;
    }
    if let Some(ng) = &n.nat_gateway {
        let ip = public_ip(s, &ng.public_ip, "NAT gateway");
        s.put(
            format!("NAT gateway {}: the compute subnets' only way out", ng.name),
            rid("nat_gateway", &ng.name),
            "nat_gateway",
            json!({"location": LOCATION, "tags": tags,
            "sku": {"name": defaults("nat_gateway_sku")},
            "properties": {
                "idleTimeoutInMinutes": defaults("nat_gateway_idle_timeout_minutes"),
                "publicIpAddresses": [{"id": ip}],
            }}),
        );
    }
    if let Some(sep) = &n.service_endpoint_policy {
        // The alias definition only ARM takes (neither az nor Az PowerShell can add it).
        s.put(
            format!(
                "Service endpoint policy {}: the workspace storage and Azure Machine Learning's",
                sep.name
            ),
            rid("service_endpoint_policy", &sep.name),
            "service_endpoint_policy",
            json!({"location": LOCATION, "tags": tags, "properties": {
                "serviceEndpointPolicyDefinitions": [
                    {"name": "workspace-storage", "properties": {
                        "description": "The workspace default storage account.",
                        "service": sep.storage_service,
                        "serviceResources": [storage_id],
                    }},
                    {"name": "azure-machine-learning",
                        "properties": super::cli::alias_definition_properties(sep)},
                ],
            }}),
        );
    }
    let subnets: Vec<Json> = n
        .spoke
        .subnets
        .iter()
        .map(|sn| {
            let mut p = json!({
                "addressPrefix": sn.prefix,
                "networkSecurityGroup": {"id": rid("network_security_group", &sn.nsg_name)},
            });
            if let Some(rt) = sn.route_table.and_then(|i| n.route_tables.get(i)) {
                p["routeTable"] = json!({"id": rid("route_table", &rt.name)});
            }
            if let (true, Some(ng)) = (sn.nat_gateway, &n.nat_gateway) {
                p["natGateway"] = json!({"id": rid("nat_gateway", &ng.name)});
            }
            if let Some(d) = sn.default_outbound_access {
                p["defaultOutboundAccess"] = json!(d);
            }
            if let Some(sep) = &n.service_endpoint_policy {
                if sn.storage_service_endpoint {
                    p["serviceEndpoints"] = json!([{"service": sep.storage_service}]);
                }
                if sn.service_endpoint_policy {
                    p["serviceEndpointPolicies"] =
                        json!([{"id": rid("service_endpoint_policy", &sep.name)}]);
                }
            }
            if sn.private_endpoints {
                p["privateEndpointNetworkPolicies"] = json!("Disabled");
            }
            json!({"name": sn.name, "properties": p})
        })
        .collect();
    let mut props = json!({"addressSpace": {"addressPrefixes": n.spoke.address_prefixes}});
    if n.spoke.dns_via_firewall {
        props["dhcpOptions"] = json!({"dnsServers": [fw_ip]});
    } else if !n.spoke.dns_servers.is_empty() {
        props["dhcpOptions"] = json!({"dnsServers": n.spoke.dns_servers});
    }
    props["subnets"] = json!(subnets);
    let spoke_id = rid("virtual_network", &n.spoke.vnet_name);
    s.put(
        format!(
            "{} {} with the training, scoring and private endpoint subnets",
            if n.hub.is_some() {
                "Spoke VNet"
            } else {
                "VNet"
            },
            n.spoke.vnet_name
        ),
        spoke_id.clone(),
        "virtual_network",
        json!({"location": LOCATION, "tags": tags, "properties": props}),
    )
    // Written on every run, as main.bicep writes it: each subnet's route table, NSG and service
    // endpoints follow the blueprint (a subnet made by an earlier version may use another table).
    .update = true;

    let hub_id = match (&n.hub, &n.existing_hub) {
        (Some(hub), _) => Some(rid("virtual_network", &hub.vnet_name)),
        (None, Some(h)) => Some(h.vnet_id.clone()),
        (None, None) => None,
    };
    if let (Some(pr), Some(hub_id)) = (&n.peering, &hub_id) {
        // Forwarded traffic allowed both ways, so replies return through the firewall. The hub
        // side of a landing zone's hub is its owner's (the README gives them the command).
        for (from, name, remote, hub_side) in [
            (hub_id, &pr.hub_to_spoke, &spoke_id, true),
            (&spoke_id, &pr.spoke_to_hub, hub_id, false),
        ]
        .into_iter()
        .filter(|(_, _, _, hub_side)| pr.hub_side || !hub_side)
        {
            s.put(
                format!("Peering {name}"),
                format!("{from}/virtualNetworkPeerings/{name}"),
                "virtual_network_peering",
                json!({"properties": {
                    "remoteVirtualNetwork": {"id": remote},
                    "allowVirtualNetworkAccess": true,
                    "allowForwardedTraffic": true,
                    "allowGatewayTransit": hub_side && pr.gateway_transit,
                    "useRemoteGateways": !hub_side && pr.gateway_transit,
                }}),
            );
        }
    }
    firewall_id
}

/// Run-time values of the way-in bodies as this script writes them.
fn refs<'a>(vnet_id: &'a str, public_ip_id: &'a str) -> super::way_in::Refs<'a> {
    super::way_in::Refs {
        location: LOCATION,
        tenant: TENANT,
        vnet_id,
        public_ip_id,
        nic_id: "",
        vm_id: "",
    }
}

/// A public IP as the Bicep modules declare every one.
fn public_ip_step(m: &Model, s: &mut Steps, name: &str, what: &str) -> String {
    let ip_id = rid("public_ip", name);
    s.put(
        format!("Public IP {name} ({what})"),
        ip_id.clone(),
        "public_ip",
        json!({"location": LOCATION, "tags": m.tags,
            "sku": {"name": m.defaults["public_ip_sku"]},
            "properties": {"publicIPAllocationMethod": m.defaults["public_ip_allocation"]}}),
    );
    ip_id
}

/// A way-in subnet of the client VNet or the hub: the jump box's with its NSG and NAT gateway.
fn way_in_subnet(m: &Model, name: &str, prefix: &str) -> Json {
    let mut p = json!({"addressPrefix": prefix});
    if let Some(j) = m.way_in.jump_box.as_ref().filter(|j| j.subnet_name == name) {
        p["networkSecurityGroup"] = json!({"id": rid("network_security_group", &j.nsg_name)});
        p["natGateway"] = json!({"id": rid("nat_gateway", &j.nat_gateway_name)});
        p["defaultOutboundAccess"] = json!(false);
    }
    json!({"name": name, "properties": p})
}

/// The jump box subnet's NSG and NAT gateway (modules/jumpBoxNetwork.bicep), before the VNet
/// whose subnet names them.
fn jump_box_network_steps(m: &Model, s: &mut Steps) {
    let Some(j) = &m.way_in.jump_box else { return };
    let rules: Vec<Json> = j
        .nsg_rules
        .iter()
        .map(|r| {
            json!({"name": r.name, "properties": {
                "description": r.description,
                "priority": r.priority,
                "direction": r.direction,
                "access": r.access,
                "protocol": r.protocol,
                "sourceAddressPrefix": r.source,
                "sourcePortRange": "*",
                "destinationAddressPrefix": r.destination,
                "destinationPortRange": r.port,
            }})
        })
        .collect();
    s.put(
        format!(
            "Network security group {}: SSH only from Bastion",
            j.nsg_name
        ),
        rid("network_security_group", &j.nsg_name),
        "network_security_group",
        json!({"location": LOCATION, "tags": m.tags, "properties": {"securityRules": rules}}),
    );
    let ip = public_ip_step(m, s, &j.nat_gateway_public_ip, "jump box NAT gateway");
    s.put(
        format!(
            "NAT gateway {}: the jump box's only way out",
            j.nat_gateway_name
        ),
        rid("nat_gateway", &j.nat_gateway_name),
        "nat_gateway",
        json!({"location": LOCATION, "tags": m.tags,
        "sku": {"name": m.defaults["nat_gateway_sku"]},
        "properties": {
            "idleTimeoutInMinutes": m.defaults["nat_gateway_idle_timeout_minutes"],
            "publicIpAddresses": [{"id": ip}],
        }}),
    );
}

/// The way in (modules/wayIn.bicep): Bastion in the client VNet, the jump box, the VPN gateway.
fn way_in_steps(m: &Model, s: &mut Steps) {
    use super::way_in as body;
    let w = &m.way_in;
    let Some(vnet) = &w.vnet_name else { return };
    let vnet_id = rid("virtual_network", vnet);
    let tags = json!(m.tags);
    if let Some(b) = &w.client_bastion {
        let ip = public_ip_step(m, s, &b.public_ip, "Bastion");
        s.put(
            format!("Azure Bastion {}", b.name),
            rid("bastion", &b.name),
            "bastion",
            body::bastion(
                &b.sku,
                &m.defaults["bastion_tunneling"],
                &refs(&vnet_id, &ip),
                Some(&tags),
            ),
        );
    }
    if let Some(j) = &w.jump_box {
        let nic_id = rid("network_interface", &j.nic_name);
        let vm_id = rid("virtual_machine", &j.name);
        let r = body::Refs {
            nic_id: &nic_id,
            vm_id: &vm_id,
            ..refs(&vnet_id, "")
        };
        s.put(
            format!(
                "Network interface {} of the jump box (no public IP)",
                j.nic_name
            ),
            nic_id.clone(),
            "network_interface",
            body::nic(j, &r, Some(&tags)),
        );
        s.put(
            format!(
                "Jump box {}: SSH key or Microsoft Entra ID sign-in, trusted launch",
                j.name
            ),
            vm_id.clone(),
            "virtual_machine",
            body::vm(j, &r, Some(&tags)),
        );
        s.put(
            format!(
                "Microsoft Entra ID sign-in ({}) on the jump box",
                j.extension_type
            ),
            format!("{vm_id}/extensions/{}", j.extension_name),
            "vm_extension",
            body::extension(j, &r, Some(&tags)),
        );
        for l in &j.logins {
            for principal in &l.principal_ids {
                // wayIn.bicep: guid(jumpBox.id, principalId, subscriptionResourceId(...))
                role_assignment(
                    s,
                    format!(
                        "{}: {} on the jump box for group {principal}",
                        l.persona, l.role_name
                    ),
                    &vm_id,
                    &built_in_role(&l.role_id),
                    &built_in_role(&l.role_id),
                    principal,
                    "Group",
                );
            }
        }
        s.put(
            format!(
                "Daily shutdown of the jump box at {} ({})",
                j.shutdown_time, j.shutdown_time_zone
            ),
            rid("auto_shutdown", &j.schedule_name),
            "auto_shutdown",
            body::schedule(j, &r, Some(&tags)),
        );
    }
    if let Some(v) = &w.vpn {
        let ip = public_ip_step(m, s, &v.public_ip, "VPN gateway");
        s.put(
            format!("Point-to-site VPN gateway {} (about 45 minutes)", v.name),
            rid("virtual_network_gateway", &v.name),
            "virtual_network_gateway",
            body::vpn_gateway(v, &refs(&vnet_id, &ip), Some(&tags)),
        );
    }
}

/// The policy assignments, as modules/policy.bicep declares them (the DeployIfNotExists one,
/// with its identity's roles, keeps the blueprint off this script: see `lower`).
fn policy_steps(m: &Model, s: &mut Steps) {
    let scope = if m.policy.scope == "subscription" {
        format!("/subscriptions/{SUBSCRIPTION}")
    } else {
        SCOPE.to_string()
    };
    for a in &m.policy.assignments {
        let parameters = a.arm_parameters();
        s.put(
            format!("Policy assignment {}: {}", a.name, a.display_name),
            format!(
                "{scope}/providers/Microsoft.Authorization/policyAssignments/{}",
                a.name
            ),
            "policy_assignment",
            json!({"properties": {
                "displayName": a.display_name,
                "policyDefinitionId": a.definition_id,
                "enforcementMode": "Default",
                "parameters": parameters,
            }}),
        );
    }
}

fn built_in_role(role: &str) -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{role}"
    )
}

/// A role assignment named as main.bicep names it: ARM's `guid()` of the scope's ID, the
/// principal and `guid_role` (the role as main.bicep writes it there), so either path finds the
/// assignment the other made, and a re-run its own.
fn role_assignment<'a>(
    s: &'a mut Steps,
    title: String,
    scope: &str,
    role_definition_id: &str,
    guid_role: &str,
    principal: &str,
    principal_type: &str,
) -> &'a mut PsStep {
    let step = s.put(
        title,
        format!("{scope}/providers/Microsoft.Authorization/roleAssignments/<amlgen:assignment>"),
        "role_assignment",
        json!({"properties": {
            "roleDefinitionId": role_definition_id,
            "principalId": principal,
            "principalType": principal_type,
        }}),
    );
    step.name_guid = Some(PsGuid {
        token: "assignment".into(),
        parts: vec![scope.into(), principal.into(), guid_role.into()],
    });
    step
}

/// A role of the user-assigned workspace identity, named as modules/workspaceIdentity.bicep and
/// workspace.bicep name it: guid(scope.id, identity.id, role GUID).
fn identity_role(s: &mut Steps, r: &IdentityRoleModel, scope: &str, identity_id: &str) {
    let step = role_assignment(
        s,
        format!("{} on {} for the workspace identity", r.name, r.on),
        scope,
        &built_in_role(&r.id),
        &r.id,
        WORKSPACE_PRINCIPAL,
        "ServicePrincipal",
    );
    if let Some(g) = step.name_guid.as_mut() {
        g.parts[1] = identity_id.to_string();
    }
}

fn compute_steps(m: &Model, s: &mut Steps, ws_id: &str, tags: &Json) {
    // In a customer VNet, compute runs in the spoke's training subnet (compute.bicep's subnetId).
    let subnet = m
        .network
        .as_ref()
        .filter(|_| m.compute.subnet_name.is_some())
        .map(|n| json!({"id": training_subnet_id(n)}));
    if let Some(c) = &m.compute.cluster {
        let mut props = json!({
            "vmSize": c.vm_size,
            "vmPriority": c.vm_priority,
            "scaleSettings": {
                "minNodeCount": c.min_nodes,
                "maxNodeCount": c.max_nodes,
                "nodeIdleTimeBeforeScaleDown": c.bicep_idle_before_scale_down,
            },
            "enableNodePublicIp": c.public_ip,
            "remoteLoginPortPublicAccess": c.bicep_remote_login_port_public_access,
        });
        if let Some(id) = &subnet {
            props["subnet"] = id.clone();
        }
        s.put(
            format!("Compute cluster {} (also builds the environment images)", c.name),
            format!("{ws_id}/computes/{}", c.name),
            "compute",
            json!({"location": LOCATION, "tags": tags, "identity": {"type": "SystemAssigned"}, "properties": {
                "computeType": "AmlCompute",
                "computeLocation": LOCATION,
                "disableLocalAuth": true,
                "properties": props,
            }}),
        );
    }
    if let Some(i) = &m.compute.instance {
        let mut props = json!({
            "vmSize": i.vm_size,
            "enableNodePublicIp": i.public_ip,
            "sshSettings": {"sshPublicAccess": i.bicep_ssh_public_access},
            "personalComputeInstanceSettings": {"assignedUser": {
                "objectId": i.owner_object_id,
                "tenantId": i.owner_tenant_id.clone().unwrap_or_else(|| TENANT.into()),
            }},
            "enableSSO": i.sso,
            "idleTimeBeforeShutdown": format!("PT{}M", i.idle_shutdown_minutes),
        });
        if let Some(id) = &subnet {
            props["subnet"] = id.clone();
        }
        // No managed identity: one keeps an idle instance running (compute.bicep says why).
        s.put(
            format!("Compute instance {} on behalf of its owner", i.name),
            format!("{ws_id}/computes/{}", i.name),
            "compute",
            json!({"location": LOCATION, "tags": tags, "properties": {
                "computeType": "ComputeInstance",
                "computeLocation": LOCATION,
                "disableLocalAuth": true,
                "properties": props,
            }}),
        );
    }
}

/// Managed online endpoints, with onlineEndpoints.bicep's body: no public network access, a
/// system-assigned identity, the blueprint's auth mode.
fn online_endpoint_steps(m: &Model, s: &mut Steps, ws_id: &str, tags: &Json) {
    for e in &m.inference.online_endpoints {
        s.put(
            format!(
                "Managed online endpoint {} (scoring only through the workspace's private endpoint)",
                e.name
            ),
            format!("{ws_id}/onlineEndpoints/{}", e.name),
            "online_endpoint",
            json!({"location": LOCATION, "tags": tags, "identity": {"type": m.inference.identity.arm}, "properties": {
                "authMode": e.auth_mode.arm,
                "description": e.description,
                "publicNetworkAccess": m.inference.public_network_access.arm,
            }}),
        );
    }
}

/// The AKS cluster for scoring, as main.bicep builds it (modules kubernetesIdentity.bicep,
/// kubernetesDnsZoneRole.bicep and kubernetes.bicep): zone, identity and its roles, cluster,
/// extension, compute. The router's certificate and key are `<amlgen:tlsCertificate>` and
/// `<amlgen:tlsKey>`, read from the files the script is given.
fn kubernetes_steps(m: &Model, s: &mut Steps, ws_id: &str, tags: &Json) {
    let (Some(k), Some(n)) = (&m.inference.kubernetes, &m.network) else {
        return;
    };
    let zone = k.dns_zone_template.replace("{region}", LOCATION);
    let zone_id = match &k.zones_resource_group_id {
        Some(rg) => format!("{rg}/providers/Microsoft.Network/privateDnsZones/{zone}"),
        None => rid("private_dns_zone", &zone),
    };
    if k.dns_zone_created {
        s.put(
            "Private DNS zone of the AKS API server".to_string(),
            zone_id.clone(),
            "private_dns_zone",
            json!({"location": "global", "tags": tags}),
        );
        for (v, policy) in m
            .private
            .iter()
            .flat_map(|p| p.linked_vnets.iter().map(|v| (v, p.resolution_policy)))
        {
            s.put(
                format!("Link of the AKS API server's zone to VNet {}", v.name),
                format!("{zone_id}/virtualNetworkLinks/{}", v.link_name),
                "private_dns_zone_link",
                json!({"location": "global", "tags": tags, "properties": {
                    "registrationEnabled": false,
                    "resolutionPolicy": policy,
                    "virtualNetwork": {"id": rid("virtual_network", &v.name)},
                }}),
            );
        }
    }
    let identity_id = rid("user_assigned_identity", &k.identity_name);
    let principal = token("aksPrincipalId");
    let step = s.put(
        format!("Identity {} of the AKS control plane", k.identity_name),
        identity_id.clone(),
        "user_assigned_identity",
        json!({"location": LOCATION, "tags": tags}),
    );
    step.reads_after = vec![read("aksPrincipalId", &["properties", "principalId"])];
    let subnet_id = format!(
        "{}/subnets/{}",
        rid("virtual_network", &n.spoke.vnet_name),
        k.subnet_name
    );
    // kubernetesIdentity.bicep names its assignments guid(scope, identity.id, role): the
    // principal is known only once the identity exists.
    for (scope, role, what) in [
        (&subnet_id, &k.subnet_role_id, "the scoring subnet"),
        (&zone_id, &k.dns_zone_role_id, "the API server's zone"),
    ] {
        let step = role_assignment(
            s,
            format!("AKS identity's role {role} on {what}"),
            scope,
            &built_in_role(role),
            role,
            &principal,
            "ServicePrincipal",
        );
        // kubernetesDnsZoneRole.bicep (central zone) has only the principal ID to name it by.
        if k.dns_zone_created || scope != &zone_id {
            if let Some(g) = step.name_guid.as_mut() {
                g.parts[1] = identity_id.clone();
            }
        }
    }
    let cluster_id = rid("managed_cluster", &k.cluster_name);
    let mut props = json!({
        "dnsPrefix": k.cluster_name,
        "autoUpgradeProfile": {
            "upgradeChannel": k.upgrade_channel,
            "nodeOSUpgradeChannel": k.node_os_upgrade_channel,
        },
        "agentPoolProfiles": [{
            "name": "system",
            "mode": "System",
            "osType": "Linux",
            "type": "VirtualMachineScaleSets",
            "count": k.node_count,
            "vmSize": k.vm_size,
            "maxPods": k.max_pods,
            "vnetSubnetID": subnet_id,
            "enableNodePublicIP": false,
        }],
        "networkProfile": {
            "networkPlugin": k.network_plugin,
            "outboundType": k.outbound_type,
            "loadBalancerSku": "standard",
        },
        "apiServerAccessProfile": {
            "enablePrivateCluster": true,
            "privateDNSZone": zone_id,
            "enablePrivateClusterPublicFQDN": false,
        },
        "enableRBAC": true,
        "aadProfile": {"managed": true, "enableAzureRBAC": true},
        "disableLocalAccounts": false,
    });
    if let Some(v) = &k.kubernetes_version {
        props["kubernetesVersion"] = json!(v);
    }
    let mut identities = serde_json::Map::new();
    identities.insert(identity_id, json!({}));
    s.put(
        format!(
            "AKS cluster {} (private, in the scoring subnet)",
            k.cluster_name
        ),
        cluster_id.clone(),
        "managed_cluster",
        json!({"location": LOCATION, "tags": tags,
            "sku": {"name": "Base", "tier": k.sku_tier},
            "identity": {"type": "UserAssigned", "userAssignedIdentities": identities},
            "properties": props}),
    );
    let settings: serde_json::Map<String, Json> = k
        .extension_settings
        .iter()
        .cloned()
        .chain(k.extension_runtime_settings.iter().map(|(key, v)| {
            let v = v
                .replace("{cluster_id}", &cluster_id)
                .replace("{region}", LOCATION);
            (key.clone(), v)
        }))
        .map(|(key, v)| (key, json!(v)))
        .collect();
    s.put(
        format!(
            "Azure Machine Learning extension {} of {}",
            k.extension_name, k.cluster_name
        ),
        format!(
            "{cluster_id}/providers/{}/{}",
            Catalog::get().api_versions["cluster_extension"].resource_type,
            k.extension_name
        ),
        "cluster_extension",
        json!({"properties": {
            "extensionType": k.extension_type,
            "releaseTrain": k.extension_release_train,
            "autoUpgradeMinorVersion": true,
            "scope": {"cluster": {"releaseNamespace": k.extension_namespace}},
            "configurationSettings": settings,
            "configurationProtectedSettings": {
                "scoringFe.sslCert": token("tlsCertificate"),
                "scoringFe.sslKey": token("tlsKey"),
            },
        }}),
    );
    s.put(
        format!(
            "Kubernetes compute {} (attaches {})",
            k.compute_name, k.cluster_name
        ),
        format!("{ws_id}/computes/{}", k.compute_name),
        "compute",
        json!({"location": LOCATION, "tags": tags, "properties": {
            "computeType": "Kubernetes",
            "resourceId": cluster_id,
            "properties": {"namespace": k.compute_namespace},
        }}),
    );
}

/// People's roles: the custom roles defined on the workspace, then each group's assignments.
fn access_steps(m: &Model, s: &mut Steps, ws_id: &str, storage_id: &str) {
    if !m.access.deployed {
        return;
    }
    for r in &m.access.custom_roles {
        let name = r.name(&m.workspace.name);
        let role_token = format!("role.{}", r.key);
        let step = s.put(
            format!("Custom role {name}"),
            format!(
                "{ws_id}/providers/Microsoft.Authorization/roleDefinitions/{}",
                token(&role_token)
            ),
            "role_definition",
            json!({"properties": {
                "roleName": name,
                "description": r.description,
                "type": "CustomRole",
                "permissions": [{
                    "actions": r.actions,
                    "notActions": r.not_actions,
                    "dataActions": r.data_actions,
                    "notDataActions": [],
                }],
                "assignableScopes": [ws_id],
            }}),
        );
        step.name_guid = Some(PsGuid {
            token: role_token,
            // access.bicep: guid(workspace.id, roleName)
            parts: vec![ws_id.into(), name.clone()],
        });
    }
    for p in m
        .access
        .personas
        .iter()
        .filter(|p| !p.principal_ids.is_empty())
    {
        for (roles, scope, on) in [
            (&p.roles, ws_id, "the workspace"),
            (&p.storage_roles, storage_id, "the storage account"),
        ] {
            for a in roles {
                // access.bicep names an assignment guid(scope.id, principalId, <role>), the role
                // being subscriptionResourceId(...) for a built-in one and the custom role's `.id`
                // (an extension resource of the workspace) for a custom one.
                let (role_id, guid_role) = match (&a.built_in_id, &a.custom) {
                    (Some(b), _) => (built_in_role(b), built_in_role(b)),
                    (None, Some(k)) => {
                        let name = token(&format!("role.{k}"));
                        (
                            format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{name}"),
                            format!("{ws_id}/providers/Microsoft.Authorization/roleDefinitions/{name}"),
                        )
                    }
                    (None, None) => unreachable!("a role is built-in or custom"),
                };
                for principal in &p.principal_ids {
                    role_assignment(
                        s,
                        format!("{}: {} on {on} for group {principal}", p.title, a.label),
                        scope,
                        &role_id,
                        &guid_role,
                        principal,
                        "Group",
                    );
                }
            }
        }
    }
}

/// The IDs and run-time values a workspace body names, in the form of the path that sends it
/// (runbook.ps1's `<amlgen:...>` paths, runbook.sh's shell variables).
pub struct WorkspaceRefs {
    pub location: String,
    pub storage: String,
    pub key_vault: String,
    pub registry: String,
    pub app_insights: String,
    /// The user-assigned workspace identity's ID, if the workspace has one.
    pub identity: Option<String>,
    /// The serverless compute subnet's ID (a customer VNet's training subnet).
    pub serverless_subnet: Option<String>,
    /// The encrypting key vault's ID and the key's identifier.
    pub key: Option<(String, String)>,
}

/// The workspace's ARM body as main.bicep's modules/workspace.bicep writes it: the managed
/// network and its outbound rules in the same body, the identity, and the encryption settings
/// (with the identity that reads the key when the workspace's identity is user-assigned).
pub fn workspace_body(m: &Model, r: &WorkspaceRefs) -> Json {
    let w = &m.workspace;
    let mut managed = json!({"isolationMode": w.isolation_mode.arm});
    if let Some(f) = &w.firewall_sku {
        managed["firewallSku"] = json!(f.arm);
    }
    if let Some(k) = &w.kind {
        managed["managedNetworkKind"] = json!(k.arm);
        managed["enableNetworkMonitor"] = json!(w.network_monitor);
    }
    if m.network.is_none() {
        managed["outboundRules"] = crate::plan::arm_outbound_rules(&w.rules);
    }
    let mut props = json!({
        "friendlyName": w.friendly_name,
        "storageAccount": r.storage,
        "keyVault": r.key_vault,
        "containerRegistry": r.registry,
        "applicationInsights": r.app_insights,
        "publicNetworkAccess": w.public_network_access,
        "systemDatastoresAuthMode": w.system_datastores_auth_mode.arm,
        "managedNetwork": managed,
    });
    if m.network.is_none() {
        // With the workspace, as main.bicep: the PUT then provisions the managed VNet.
        props["provisionNetworkNow"] = json!(w.provision_now);
    }
    if let Some(c) = &w.image_build_compute {
        props["imageBuildCompute"] = json!(c);
    }
    if let (Some(sl), Some(subnet)) = (&w.serverless, &r.serverless_subnet) {
        props["serverlessComputeSettings"] = json!({
            "serverlessComputeCustomSubnet": subnet,
            "serverlessComputeNoPublicIP": sl.no_public_ip,
        });
    }
    if let Some(id) = &r.identity {
        props["primaryUserAssignedIdentity"] = json!(id);
    }
    props["hbiWorkspace"] = json!(w.hbi_workspace);
    if let Some((vault, key)) = &r.key {
        props["encryption"] = json!({"status": "Enabled", "keyVaultProperties": {
            "keyVaultArmId": vault, "keyIdentifier": key}});
        // A workspace with only a user-assigned identity reads its key with that identity.
        if let Some(id) = &r.identity {
            props["encryption"]["identity"] = json!({"userAssignedIdentity": id});
        }
    }
    let identity = match &r.identity {
        Some(id) => json!({"type": "UserAssigned", "userAssignedIdentities": {id.as_str(): {}}}),
        None => json!({"type": "SystemAssigned"}),
    };
    json!({"location": r.location, "tags": m.tags, "kind": "Default",
        "identity": identity,
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": props})
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_catalogued_region_fits_the_location_pattern() {
        let re = regex::Regex::new(super::LOCATION_PATTERN).unwrap();
        let regions = &crate::catalog::Catalog::get().regions.regions;
        let names: Vec<&String> = regions.values().flat_map(|c| c.names.iter()).collect();
        assert!(names.len() > 50, "{names:?}");
        for n in names {
            assert!(re.is_match(n), "{n}");
        }
    }
}
