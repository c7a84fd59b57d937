//! The model: everything the templates print, decided here and nowhere else. `amlgen render
//! --emit model` dumps it, so a reviewer can see what the templates receive.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub generator: Generator,
    pub blueprint: BlueprintMeta,
    pub location: String,
    pub cloud: String,
    pub tags: IndexMap<String, String>,
    pub names: IndexMap<&'static str, String>,
    /// `Type@apiVersion` per resource kind, from catalog/api_versions.yaml.
    pub types: IndexMap<String, String>,
    /// Parameters of main.bicep, in declaration order; the parameter file is built from the same list.
    pub params: Vec<Param>,
    pub workspace: WorkspaceModel,
    pub storage: StorageModel,
    pub key_vault: KeyVaultModel,
    pub registry: RegistryModel,
    pub monitoring: MonitoringModel,
    pub client: Option<ClientModel>,
    pub dns: DnsModel,
    /// Things the README must say (costs, one-way decisions), in order.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlueprintMeta {
    pub name: String,
    pub description: String,
    /// `blueprints/approved-only.yaml` or the user's path.
    pub source: String,
    /// The command that regenerates this output, as the user would type it.
    pub regenerate: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    /// Bicep type: string, int, bool, object, array.
    #[serde(rename = "type")]
    pub bicep_type: &'static str,
    pub description: String,
    pub allowed: Vec<Json>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub value: Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceModel {
    pub name: String,
    pub friendly_name: String,
    /// `Enabled` or `Disabled`.
    pub public_network_access: &'static str,
    pub isolation_mode: ModeModel,
    /// Present in approved-only mode, where FQDN rules bring a managed Azure Firewall.
    pub firewall_sku: Option<ModeModel>,
    pub provision_now: bool,
    pub spark: bool,
    pub rules: Vec<RuleModel>,
    pub has_fqdn_rules: bool,
}

/// A value in its two spellings: ARM (`AllowOnlyApprovedOutbound`) and az ml CLI
/// (`allow_only_approved_outbound`).
#[derive(Debug, Clone, Serialize)]
pub struct ModeModel {
    pub arm: String,
    pub cli: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleModel {
    pub name: String,
    /// `fqdn`, `service_tag` or `private_endpoint` (CLI spelling).
    pub kind: &'static str,
    /// `FQDN`, `ServiceTag` or `PrivateEndpoint` (ARM spelling).
    pub arm_type: &'static str,
    pub destination: Option<String>,
    pub service_tag: Option<String>,
    pub protocol: Option<String>,
    pub port_ranges: Option<String>,
    pub service_resource_id: Option<String>,
    pub subresource_target: Option<String>,
    pub spark_enabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StorageModel {
    pub name: String,
    pub sku: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyVaultModel {
    pub name: String,
    pub soft_delete_retention_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistryModel {
    pub name: String,
    /// Premium: the only SKU that supports private endpoints.
    pub sku: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonitoringModel {
    pub log_analytics: String,
    pub application_insights: String,
    pub retention_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientModel {
    pub vnet_name: String,
    pub address_prefixes: Vec<String>,
    pub pe_subnet_name: String,
    pub pe_subnet_prefix: String,
    pub nsg_name: String,
    pub private_endpoints: Vec<PrivateEndpointModel>,
    pub zones: Vec<ZoneModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivateEndpointModel {
    pub name: String,
    /// Bicep symbolic name of the module instance.
    pub symbol: String,
    /// What it connects to, in words: `workspace`, `storage account (blob)`.
    pub label: String,
    /// `workspace` or `storage`: which resource ID it targets.
    pub target: &'static str,
    pub target_name: String,
    /// Group ID (sub-resource): `amlworkspace`, `blob`, `file`.
    pub group_id: String,
    /// Indices into `ClientModel::zones`.
    pub zone_indices: Vec<usize>,
    pub zone_names: Vec<String>,
    /// Host names clients resolve through it, with the address each needs.
    pub hosts: Vec<HostModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostModel {
    pub fqdn: String,
    /// Placeholder for the address in the hosts snippet, e.g. `<pe-x-workspace:workspace>`.
    pub ip_placeholder: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZoneModel {
    /// Literal zone name in the blueprint's cloud.
    pub name: String,
    /// Bicep expression for the name (uses environment() where the cloud has the suffix).
    pub bicep: String,
    pub symbol: String,
    pub link_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsModel {
    /// Azure-provided DNS, reachable only from inside a VNet.
    pub azure_dns_ip: String,
    /// Public zones a custom DNS server forwards to Azure DNS (never the privatelink.* zones).
    pub forward_zones: Vec<String>,
}
