//! JSON and YAML artifacts, serialised from typed values rather than templated, so they are
//! well-formed by construction.

use super::{Artifact, RenderError};
use crate::catalog::Catalog;
use crate::plan::model::{KeySource, Model, OnlineEndpointModel, RuleKind, RuleModel};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Value as Json};

/// `main.parameters.json`: one value for every parameter main.bicep declares (both come from
/// `Model::params`). JSON has no comments and the schema forbids extra top-level keys, so the
/// generated-by notice lives in README.md and the manifest.
pub fn parameters_file(m: &Model) -> Artifact {
    let mut params = serde_json::Map::new();
    for p in &m.params {
        params.insert(p.name.clone(), json!({ "value": p.value }));
    }
    let doc = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": Json::Object(params),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    text.push('\n');
    Artifact {
        path: "main.parameters.json".into(),
        bytes: text.into_bytes(),
    }
}

#[derive(Serialize)]
struct WorkspaceYaml<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    name: &'a str,
    location: &'a str,
    display_name: &'a str,
    description: &'a str,
    storage_account: String,
    key_vault: String,
    container_registry: String,
    application_insights: String,
    public_network_access: &'a str,
    system_datastores_auth_mode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provision_network_now: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_build_compute: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hbi_workspace: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_managed_key: Option<CustomerManagedKeyYaml<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serverless_compute: Option<ServerlessYaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<IdentityYaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_user_assigned_identity: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    tags: &'a IndexMap<String, String>,
    managed_network: ManagedNetworkYaml<'a>,
}

/// azure-ai-ml's workspace `identity` (how-to-identity-based-service-authentication's
/// "workspace_creation_with_multiple_UAIs.yml"): only with a user-assigned identity; without it
/// azure-ai-ml creates the workspace with a system-assigned one.
#[derive(Serialize)]
struct IdentityYaml {
    #[serde(rename = "type")]
    kind: &'static str,
    user_assigned_identities: IndexMap<String, IndexMap<String, String>>,
}

#[derive(Serialize)]
struct CustomerManagedKeyYaml<'a> {
    key_vault: &'a str,
    key_uri: &'a str,
}

#[derive(Serialize)]
struct ServerlessYaml {
    custom_subnet: String,
    no_public_ip: bool,
}

#[derive(Serialize)]
struct ManagedNetworkYaml<'a> {
    isolation_mode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    firewall_sku: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    outbound_rules: Vec<RuleYaml<'a>>,
}

#[derive(Serialize)]
struct RuleYaml<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    destination: Json,
}

fn rule_yaml(r: &RuleModel) -> RuleYaml<'_> {
    let destination = match r.kind {
        RuleKind::Fqdn => json!(r.destination),
        // port_ranges stays a string: azure-ai-ml refuses a number.
        RuleKind::ServiceTag => json!({
            "service_tag": r.service_tag,
            "protocol": r.protocol,
            "port_ranges": r.port_ranges,
        }),
        RuleKind::PrivateEndpoint => json!({
            "service_resource_id": r.service_resource_id,
            "subresource_target": r.subresource_target,
            "spark_enabled": r.spark_enabled,
        }),
    };
    RuleYaml {
        name: &r.name,
        kind: r.kind.cli(),
        destination,
    }
}

/// `workspace.yml` for `az ml workspace create --file`, managed_network in the CLI's spelling.
pub fn workspace_yaml(
    m: &Model,
    subscription: &str,
    header: &[String],
) -> Result<Artifact, RenderError> {
    let rg = &m.names["resource_group"];
    let id = |provider: &str, name: &str| {
        format!("/subscriptions/{subscription}/resourceGroups/{rg}/providers/{provider}/{name}")
    };
    let uai_id = m.workspace.user_assigned_identity.as_ref().map(|i| {
        id(
            &Catalog::get().api_versions["user_assigned_identity"].resource_type,
            &i.name,
        )
    });
    let doc = WorkspaceYaml {
        schema: "https://azuremlschemas.azureedge.net/latest/workspace.schema.json",
        name: &m.workspace.name,
        location: &m.location,
        display_name: &m.workspace.friendly_name,
        description: &m.blueprint.description,
        storage_account: id("Microsoft.Storage/storageAccounts", &m.storage.name),
        key_vault: id("Microsoft.KeyVault/vaults", &m.key_vault.name),
        container_registry: id("Microsoft.ContainerRegistry/registries", &m.registry.name),
        application_insights: id(
            "Microsoft.Insights/components",
            &m.monitoring.application_insights,
        ),
        public_network_access: m.workspace.public_network_access,
        system_datastores_auth_mode: &m.workspace.system_datastores_auth_mode.cli,
        // The managed VNet's setting, as main.bicep's `provisionNetworkNow`.
        provision_network_now: m.network.is_none().then_some(m.workspace.provision_now),
        image_build_compute: m.workspace.image_build_compute.as_deref(),
        hbi_workspace: m.workspace.hbi_workspace,
        // A created key's version exists only once it is created: no workspace.yml then
        // (Model::workspace_yaml), so only an existing key reaches this file.
        customer_managed_key: m.workspace.customer_managed_key.as_ref().and_then(|k| {
            match &k.source {
                KeySource::Existing {
                    key_vault_id,
                    key_uri,
                } => Some(CustomerManagedKeyYaml {
                    key_vault: key_vault_id,
                    key_uri,
                }),
                KeySource::Created(_) => None,
            }
        }),
        serverless_compute: m.workspace.serverless.as_ref().map(|s| ServerlessYaml {
            custom_subnet: s.existing_subnet_id.clone().unwrap_or_else(|| {
                id(
                    "Microsoft.Network/virtualNetworks",
                    &format!("{}/subnets/{}", s.vnet_name, s.subnet_name),
                )
            }),
            no_public_ip: s.no_public_ip,
        }),
        identity: uai_id.as_ref().map(|i| IdentityYaml {
            kind: "user_assigned",
            user_assigned_identities: [(i.clone(), IndexMap::new())].into_iter().collect(),
        }),
        primary_user_assigned_identity: uai_id.clone(),
        tags: &m.tags,
        managed_network: ManagedNetworkYaml {
            isolation_mode: &m.workspace.isolation_mode.cli,
            firewall_sku: m.workspace.firewall_sku.as_ref().map(|f| f.cli.as_str()),
            outbound_rules: m.workspace.rules.iter().map(rule_yaml).collect(),
        },
    };
    let body =
        crate::yaml::to_string(&doc).map_err(|e| RenderError(format!("workspace.yml: {e}")))?;
    let mut text = String::new();
    for line in header {
        text.push_str(&format!("# {line}\n"));
    }
    if let Some(i) = &m.workspace.user_assigned_identity {
        text.push_str(&format!(
            "# The user-assigned identity {} and its roles on the dependencies must exist first (runbook.sh's step \"Workspace identity\"), and its Contributor on the workspace follows.\n",
            i.name
        ));
    }
    text.push_str(&format!(
        "# After the dependencies exist (deploy.sh or runbook.sh): az ml workspace create --subscription {subscription} --resource-group {rg} --file workspace.yml\n"
    ));
    if !m.workspace.cli_network_sets.is_empty() {
        // azure-ai-ml's YAML has no field for these; say where the rest is set.
        text.push_str(&format!(
            "# This file cannot set {}: then run runbook.sh's step \"Managed network kind and monitoring\".\n",
            m.workspace.cli_network_sets.join(" ")
        ));
    }
    text.push_str(&body);
    Ok(Artifact {
        path: "workspace.yml".into(),
        bytes: text.into_bytes(),
    })
}

#[derive(Serialize)]
struct OnlineEndpointYaml<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    name: &'a str,
    description: &'a str,
    auth_mode: &'a str,
    public_network_access: &'a str,
    identity: EndpointIdentityYaml<'a>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    tags: &'a IndexMap<String, String>,
}

#[derive(Serialize)]
struct EndpointIdentityYaml<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
}

/// `online-endpoint-<name>.yml` for `az ml online-endpoint create --file`: the endpoint main.bicep
/// creates, in azure-ai-ml's spelling (online_endpoint_yaml). It names no resource ID, so it is
/// rendered with or without a subscription.
pub fn online_endpoint_yaml(
    m: &Model,
    e: &OnlineEndpointModel,
    header: &[String],
) -> Result<Artifact, RenderError> {
    let doc = OnlineEndpointYaml {
        schema: "https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json",
        name: &e.name,
        description: &e.description,
        auth_mode: &e.auth_mode.cli,
        public_network_access: &m.inference.public_network_access.cli,
        identity: EndpointIdentityYaml {
            kind: &m.inference.identity.cli,
        },
        tags: &m.tags,
    };
    let body = crate::yaml::to_string(&doc)
        .map_err(|err| RenderError(format!("{}: {err}", e.yaml_file)))?;
    let mut text = String::new();
    for line in header {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str(&format!(
        "# After the workspace exists (runbook.sh does this): az ml online-endpoint create --resource-group {} --workspace-name {} --file {}\n",
        crate::render::escape::shell_word(&m.names["resource_group"]),
        crate::render::escape::shell_word(&m.workspace.name),
        crate::render::escape::shell_word(&e.yaml_file)
    ));
    text.push_str(&body);
    Ok(Artifact {
        path: e.yaml_file.clone(),
        bytes: text.into_bytes(),
    })
}
