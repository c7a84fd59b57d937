//! Domain facts as data: API versions, DNS zones per cloud, naming rules, managed-network rules.
//! The YAML files under `catalog/` are embedded at build time; each entry carries `source:` ids
//! that resolve in `catalog/sources.yaml` (a test checks that they all do).

use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::OnceLock;

pub mod az_ml;
pub mod diagnostics;
pub mod ranges;

pub const SOURCES_YAML: &str = include_str!("../../catalog/sources.yaml");
pub const API_VERSIONS_YAML: &str = include_str!("../../catalog/api_versions.yaml");
pub const CLOUDS_YAML: &str = include_str!("../../catalog/clouds.yaml");
pub const NAMING_YAML: &str = include_str!("../../catalog/naming.yaml");
pub const MANAGED_NETWORK_YAML: &str = include_str!("../../catalog/managed_network.yaml");
pub const FIREWALL_YAML: &str = include_str!("../../catalog/firewall.yaml");
pub const PACKAGES_YAML: &str = include_str!("../../catalog/packages.yaml");
pub const DEFAULTS_YAML: &str = include_str!("../../catalog/defaults.yaml");
pub const CONSTRAINTS_YAML: &str = include_str!("../../catalog/constraints.yaml");
pub const REGIONS_YAML: &str = include_str!("../../catalog/regions.yaml");
pub const PREREQUISITES_YAML: &str = include_str!("../../catalog/prerequisites.yaml");
pub const RESOURCE_LOGS_YAML: &str = include_str!("../../catalog/resource_logs.yaml");
pub const ACCESS_YAML: &str = include_str!("../../catalog/access.yaml");
pub const POLICY_YAML: &str = include_str!("../../catalog/policy.yaml");
pub const POWERSHELL_YAML: &str = include_str!("../../catalog/powershell.yaml");
pub const ENCRYPTION_YAML: &str = include_str!("../../catalog/encryption.yaml");
pub const FLOWS_YAML: &str = include_str!("../../catalog/flows.yaml");

/// Every embedded catalog file, by name, for tests that check sources.
pub const ALL_FILES: &[(&str, &str)] = &[
    ("api_versions.yaml", API_VERSIONS_YAML),
    ("clouds.yaml", CLOUDS_YAML),
    ("naming.yaml", NAMING_YAML),
    ("managed_network.yaml", MANAGED_NETWORK_YAML),
    ("firewall.yaml", FIREWALL_YAML),
    ("packages.yaml", PACKAGES_YAML),
    ("defaults.yaml", DEFAULTS_YAML),
    ("constraints.yaml", CONSTRAINTS_YAML),
    ("regions.yaml", REGIONS_YAML),
    ("prerequisites.yaml", PREREQUISITES_YAML),
    ("resource_logs.yaml", RESOURCE_LOGS_YAML),
    ("access.yaml", ACCESS_YAML),
    ("policy.yaml", POLICY_YAML),
    ("powershell.yaml", POWERSHELL_YAML),
    ("flows.yaml", FLOWS_YAML),
    ("encryption.yaml", ENCRYPTION_YAML),
    ("diagnostics.yaml", diagnostics::DIAGNOSTICS_YAML),
    ("az_ml.yaml", az_ml::AZ_ML_YAML),
    ("address_ranges.yaml", ranges::ADDRESS_RANGES_YAML),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    /// When the document was read (its own date, or the commit's).
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiVersion {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub version: String,
    /// The newest stable version at the time of the check, when newer than `version`.
    #[serde(default)]
    pub newest_stable: Option<String>,
    /// Why `version` and not the newest.
    #[serde(default)]
    pub why: Option<String>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cloud {
    /// Values of Bicep's environment().suffixes in this cloud, by field name.
    pub suffixes: IndexMap<String, String>,
    /// Private DNS zones and public zones to forward, per private-endpoint sub-resource.
    pub private_dns: IndexMap<String, PrivateDns>,
    #[serde(default)]
    pub suffixes_source: Vec<String>,
}

impl Cloud {
    /// `privatelink.blob.{storage}` -> `privatelink.blob.core.windows.net` (AzureCloud): the
    /// cloud's suffix placeholders filled. `{region}` and `{name}` stay for the caller.
    pub fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (field, value) in &self.suffixes {
            out = out.replace(&format!("{{{field}}}"), value);
        }
        out
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateDns {
    pub zones: Vec<String>,
    #[serde(default)]
    pub forward: Vec<String>,
    /// Host names resolved through an endpoint of this kind, for hosts-file snippets. Holds
    /// `{region}` and `{name}` (the target resource) besides environment() suffixes.
    #[serde(default)]
    pub hosts: Vec<HostTemplate>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostTemplate {
    pub fqdn: String,
    /// Which address of the endpoint serves it: workspace, notebooks, inference, blob, file...
    pub ip: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clouds {
    pub azure_dns_ip: Fact<String>,
    pub clouds: IndexMap<String, Cloud>,
}

/// catalog/regions.yaml: the programmatic region names of each cloud.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    pub regions: IndexMap<String, CloudRegions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudRegions {
    pub names: Vec<String>,
    /// Ids in sources.yaml this list comes from.
    pub source: Vec<String>,
}

impl CloudRegions {
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact<T> {
    pub value: T,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamingRule {
    pub default: String,
    pub min: u32,
    pub max: u32,
    pub pattern: String,
    pub rule: String,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsolationModeFacts {
    pub arm: String,
    pub cli: String,
    pub rule_types: Vec<String>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleName {
    pub pattern: String,
    pub rule: String,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FqdnRules {
    pub ports: Vec<u16>,
    pub storage_host_suffixes: Vec<SuffixEntry>,
    pub min_wildcard_domain_labels: usize,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
    #[serde(default)]
    pub wildcard_semantics_source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuffixEntry {
    pub suffix: String,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallSkuFacts {
    pub arm: String,
    pub cli: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallFacts {
    pub skus: IndexMap<String, FirewallSkuFacts>,
    pub cost_note: String,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTagRules {
    pub protocols: Vec<String>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedNetworkFacts {
    pub isolation_modes: IndexMap<String, IsolationModeFacts>,
    pub rule_name: RuleName,
    pub fqdn_rules: FqdnRules,
    pub firewall: FirewallFacts,
    pub service_tag_rules: ServiceTagRules,
    /// `managedNetworkKind` values by blueprint key (`v1`, `v2`).
    pub kinds: IndexMap<String, KindFacts>,
    /// What Azure allows when the kind changes (README, runbook comment).
    pub kind_switch: String,
    pub kinds_source: Vec<String>,
    pub network_monitor_source: Vec<String>,
    pub private_endpoint_subresources: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub private_endpoint_subresources_source: Vec<String>,
    /// Targets Azure adds private-endpoint rules for itself (documentation only).
    #[serde(default)]
    pub required_private_endpoint_targets: crate::yaml::Value,
    #[serde(default)]
    pub required_rules_source: Vec<String>,
}

/// One `managedNetworkKind` value: ARM and CLI spellings, and what it means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindFacts {
    pub arm: String,
    pub cli: String,
    pub note: String,
}

/// Which architectures a firewall rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    HubSpoke,
    ExfiltrationPrevention,
    NoFirewall,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallNetworkRule {
    pub name: String,
    #[serde(default)]
    pub service_tag: Option<String>,
    #[serde(default)]
    pub fqdn: Option<String>,
    pub protocols: Vec<String>,
    pub ports: Vec<String>,
    pub architectures: Vec<Architecture>,
    /// Left out when the blueprint has an Azure Monitor Private Link Scope (the traffic then
    /// goes through its private endpoint).
    #[serde(default)]
    pub without_monitor_private_link: bool,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Host names with their sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostList {
    pub hosts: Vec<String>,
    /// Ids in sources.yaml this fact comes from.
    pub source: Vec<String>,
}

/// A required host whose traffic a service-tag network rule allows, because Azure Firewall
/// network rules take no wildcard FQDNs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagCoveredHost {
    pub host: String,
    pub protocols: Vec<String>,
    pub ports: Vec<String>,
    /// Name of the network rule (with a service tag) that allows it.
    pub rule: String,
    /// Ids in sources.yaml this fact comes from.
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallApplicationRule {
    pub name: String,
    pub fqdns: Vec<String>,
    #[serde(default = "https_port")]
    pub ports: Vec<u16>,
    pub architectures: Vec<Architecture>,
    /// Emitted only when the blueprint turns this on (`kubernetes`: `inference.kubernetes`).
    #[serde(default)]
    pub feature: Option<Feature>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

/// An optional part of a blueprint that brings firewall rules of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The AKS cluster for scoring (`inference.kubernetes`).
    Kubernetes,
}

fn https_port() -> Vec<u16> {
    vec![443]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSize {
    pub minimum: u8,
    pub default: u8,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicIpCompute {
    pub inbound: InboundRule,
    pub internet_routes: Vec<String>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

/// A fact the README states as it is, with its sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub note: String,
    /// Ids in sources.yaml this fact comes from.
    pub source: Vec<String>,
}

/// The explicit end of a compute subnet's inbound rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeInbound {
    pub load_balancer_tag: String,
    /// The last priority a custom rule may have.
    pub deny_priority: u32,
    /// Ids in sources.yaml this fact comes from.
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundRule {
    pub service_tag: String,
    pub protocol: String,
    pub port: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEndpointPolicyFacts {
    pub alias: String,
    pub alias_service: String,
    pub storage_service: String,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallCatalog {
    pub reader_role_id: String,
    pub network_rules: Vec<FirewallNetworkRule>,
    pub fqdn_network_rules: Vec<FirewallNetworkRule>,
    pub application_rules: Vec<FirewallApplicationRule>,
    /// Hosts Azure requires that no firewall rule can name (wildcards in network rules), with
    /// the service-tag rule that carries their traffic.
    pub covered_by_service_tag: Vec<TagCoveredHost>,
    /// Hosts people's browsers need, not compute: no compute rule may allow them.
    pub browser_only_hosts: HostList,
    pub subnets: IndexMap<String, SubnetSize>,
    pub public_ip_compute: PublicIpCompute,
    /// Why the scoring subnet routes through a table of its own (the README's note with AKS).
    pub scoring_route_table: Note,
    pub compute_inbound: ComputeInbound,
    pub zone_redundancy: Note,
    pub service_endpoint_policy: ServiceEndpointPolicyFacts,
    #[serde(default)]
    pub reader_role_source: Vec<String>,
    /// What an existing spoke's subnets must already have, read back before deploying.
    pub existing_subnet_checks: Vec<ExistingSubnetCheck>,
}

/// One property an existing subnet must have (amlgen does not write someone else's subnet).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingSubnetCheck {
    /// `training` or `pe`.
    pub subnet: String,
    pub requirement: String,
    /// The subnet property (az's top-level name; under `properties` in ARM).
    pub property: String,
    /// `empty`, `present` or `equals`.
    pub test: String,
    #[serde(default)]
    pub value: Option<String>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub title: String,
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Domains whose apex and every sub-domain are needed (two rules each).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Wildcards without their apex.
    #[serde(default)]
    pub wildcards: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// What a workload could upload through this allowance.
    #[serde(default)]
    pub writes: Option<String>,
    /// Ids in sources.yaml this fact comes from.
    #[serde(default)]
    pub source: Vec<String>,
}

impl Package {
    /// Every destination, in order: hosts, then each domain and its wildcard, then wildcards.
    pub fn destinations(&self) -> Vec<String> {
        let mut v = self.hosts.clone();
        for d in &self.domains {
            v.push(d.clone());
            v.push(format!("*.{d}"));
        }
        v.extend(self.wildcards.iter().cloned());
        v
    }
}

pub struct Catalog {
    pub sources: IndexMap<String, Source>,
    pub api_versions: IndexMap<String, ApiVersion>,
    pub clouds: Clouds,
    pub naming: IndexMap<String, NamingRule>,
    pub managed_network: ManagedNetworkFacts,
    pub firewall: FirewallCatalog,
    pub packages: IndexMap<String, Package>,
    /// Fixed settings by name (catalog/defaults.yaml): value and source.
    pub defaults: IndexMap<String, Fact<crate::yaml::Value>>,
    /// Value ranges of blueprint settings (catalog/constraints.yaml).
    pub constraints: Constraints,
    /// Region names per cloud (catalog/regions.yaml).
    pub regions: Regions,
    /// What a deployer needs beforehand (catalog/prerequisites.yaml).
    pub prerequisites: Vec<Prerequisite>,
    /// Resource log categories sent to Log Analytics (catalog/resource_logs.yaml).
    pub resource_logs: ResourceLogs,
    /// Personas and their roles (catalog/access.yaml).
    pub access: AccessCatalog,
    /// Built-in Azure Policy definitions the blueprint's `policy:` assigns (catalog/policy.yaml).
    pub policy: PolicyCatalog,
    /// Az PowerShell modules the .ps1 scripts need (catalog/powershell.yaml).
    pub powershell: PowerShellCatalog,
    /// Flows `amlgen flows` evaluates (catalog/flows.yaml).
    pub flows: FlowCatalog,
    /// Who must be able to use a customer-managed key (catalog/encryption.yaml).
    pub encryption: EncryptionCatalog,
}

/// catalog/encryption.yaml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptionCatalog {
    pub cosmos_db_app_id: CosmosDbAppId,
    pub key_permissions: Fact<Vec<String>>,
    /// The key amlgen creates (`workspace.customer_managed_key.create`).
    pub created_key: CreatedKeyCatalog,
    /// catalog/access.yaml built-in role key the Azure Cosmos DB principal gets on that key.
    pub cosmos_db_key_role: Fact<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatedKeyCatalog {
    /// JSON web key type (`RSA`).
    pub kty: String,
    /// Key sizes in bits a blueprint may ask for.
    pub sizes: Vec<u32>,
    pub default_size: u32,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosmosDbAppId {
    /// By cloud name (`AzureCloud`, ...); a cloud missing here has no documented ID.
    pub by_cloud: IndexMap<String, String>,
    pub source: Vec<String>,
}

/// catalog/access.yaml: the roles each persona gets on the workspace.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessCatalog {
    /// Azure built-in roles by key.
    pub built_in_roles: IndexMap<String, BuiltInRole>,
    /// Roles amlgen defines, by key.
    pub custom_roles: IndexMap<String, CustomRole>,
    /// By persona key, the blueprint's `access` field name.
    pub personas: IndexMap<String, Persona>,
    /// Format of a custom role's name; `{title}` and `{workspace}` are filled. Role names are
    /// unique in a tenant, hence the workspace name.
    pub role_name: String,
    pub role_name_source: Vec<String>,
    /// By private-endpoint target type, the built-in role (key) compute's identity needs on
    /// the target to use it.
    pub compute_roles_on_targets: IndexMap<String, String>,
    pub compute_roles_on_targets_source: Vec<String>,
    /// The roles a user-assigned workspace identity needs, in Azure's order.
    pub workspace_identity_roles: Vec<IdentityRole>,
}

/// One role of a user-assigned workspace identity: the built-in role (key) and the resource it is
/// on (`workspace`, a dependency's kind, or `resource_group`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRole {
    pub scope: String,
    pub role: String,
    /// Only when the workspace has a managed VNet.
    #[serde(default)]
    pub managed_vnet_only: bool,
    /// Only when the storage account takes no shared keys, so the default datastores preview
    /// data with the workspace identity (with keys they use the account key).
    #[serde(default)]
    pub identity_datastores_only: bool,
    /// What the identity needs it for, for the README.
    pub why: String,
    /// Microsoft's words, where the README quotes them.
    #[serde(default)]
    pub source_quote: Option<String>,
    pub source: Vec<String>,
}

/// catalog/powershell.yaml: the Az modules and minimum versions, per script.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerShellCatalog {
    pub deploy: Vec<PowerShellModule>,
    pub runbook: Vec<PowerShellModule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltInRole {
    pub name: String,
    /// The role definition's GUID, the same in every tenant.
    pub id: String,
    /// When Azure began requiring the role, where the README says so.
    #[serde(default)]
    pub since: Option<String>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRole {
    pub title: String,
    pub description: String,
    pub actions: Vec<String>,
    #[serde(default)]
    pub not_actions: Vec<String>,
    #[serde(default)]
    pub data_actions: Vec<String>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub title: String,
    /// Roles on the workspace.
    pub roles: Vec<RoleRef>,
    /// Roles on the default storage account when it takes no shared keys (the studio and
    /// notebooks then use the person's identity for data).
    #[serde(default)]
    pub storage_roles: Vec<RoleRef>,
    /// What the persona can and cannot do, for the README.
    pub can: String,
    pub cannot: String,
    pub source: Vec<String>,
}

/// A role by catalog key: `{built_in: reader}` or `{custom: it_admin}` (exactly one; a test
/// checks).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRef {
    #[serde(default)]
    pub built_in: Option<String>,
    #[serde(default)]
    pub custom: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerShellModule {
    pub module: String,
    pub version: String,
    pub source: Vec<String>,
}

/// catalog/flows.yaml: what compute needs, what must not get out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowCatalog {
    /// Service tag rules Azure adds to every managed VNet (`{region}` unfilled).
    pub managed_required_service_tags: Vec<String>,
    pub managed_required_source: Vec<String>,
    pub required: Vec<FlowFact>,
    pub forbidden: Vec<FlowFact>,
    pub evaluation_source: Vec<String>,
    /// Ports where Azure Firewall completes the TCP handshake itself (its transparent proxy),
    /// besides the ports of its application rules: a TCP connect there proves nothing.
    pub firewall_proxy_ports: Vec<u16>,
    /// Ports the smoke test probes with an HTTP request over http://, and over https://.
    pub http_ports: Vec<u16>,
    pub https_ports: Vec<u16>,
    /// The status of Azure Firewall's own deny page.
    pub firewall_deny_http_status: u16,
    pub firewall_proxy_source: Vec<String>,
}

/// One catalogued flow: a destination (host, service tag or both), protocol and ports.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowFact {
    pub name: String,
    pub purpose: String,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub storage: Option<StorageOwner>,
    #[serde(default)]
    pub private_link_cname: bool,
    /// `TCP` or `UDP`.
    pub protocol: String,
    pub ports: Vec<u16>,
    /// Only while Azure Monitor is reached publicly (no Monitor private link scope).
    #[serde(default)]
    pub without_monitor_private_link: bool,
    pub architectures: Vec<FlowArchitecture>,
    /// A forbidden flow Azure's required rules leave open, and why.
    #[serde(default)]
    pub residual: Option<String>,
    /// The architectures where `residual` holds; none: all of the flow's.
    #[serde(default)]
    pub residual_in: Option<Vec<FlowArchitecture>>,
    /// The host verify/network-check.sh connects to for this flow, when it is not `host` (a
    /// sample name that does not exist); empty: the flow is not probed.
    #[serde(default)]
    pub probe: Option<String>,
    /// The region of the probe's own storage account: a deployment there reaches it over the
    /// storage service endpoint, so the probe is left out.
    #[serde(default)]
    pub probe_region: Option<String>,
    /// Only when the blueprint turns this on, and from its subnet (`kubernetes`: the AKS
    /// cluster in the scoring subnet).
    #[serde(default)]
    pub feature: Option<Feature>,
    pub source: Vec<String>,
}

/// Whose storage account a storage host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageOwner {
    /// The workspace's own account.
    Workspace,
    /// Azure Machine Learning's own accounts (the service endpoint policy alias).
    AmlManaged,
    /// Anybody's.
    Foreign,
}

/// The architectures a flow applies to: the three customer-VNet ones and the two managed-VNet
/// isolation modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowArchitecture {
    HubSpoke,
    ExfiltrationPrevention,
    NoFirewall,
    AllowInternet,
    ApprovedOnly,
}

/// catalog/policy.yaml: the built-in Azure Machine Learning policy definitions amlgen assigns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCatalog {
    /// By assignment key (also the assignment name's suffix).
    pub assignments: IndexMap<String, PolicyDefinition>,
    /// Roles of the DeployIfNotExists assignment's managed identity.
    pub dine_roles: DineRoles,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDefinition {
    /// The built-in definition's GUID, the same in every tenant.
    pub definition: String,
    pub display_name: String,
    /// File of the definition in Azure/azure-policy (built-in-policies/policyDefinitions/Machine Learning/).
    pub file: String,
    pub version: String,
    /// Effects the definition allows.
    pub effects: Vec<String>,
    /// Which blueprints get it (see the file's header).
    pub when: PolicyCondition,
    /// With `managed_network`: the parameter that takes the blueprint's isolation mode.
    #[serde(default)]
    pub parameter: Option<String>,
    /// What it enforces; `{mode}` and `{zones}` are filled per blueprint.
    pub enforces: String,
    pub source: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCondition {
    PrivateWorkspace,
    WorkspacePrivateLink,
    Always,
    CustomerNetwork,
    ManagedNetwork,
    CustomerManagedKey,
    PrivateDnsZones,
}

impl PolicyCondition {
    /// Which blueprints get the assignment, in words (`amlgen explain policy`).
    pub fn describe(self) -> &'static str {
        match self {
            PolicyCondition::PrivateWorkspace => "the workspace's public network access is off",
            PolicyCondition::WorkspacePrivateLink => "the workspace has a private endpoint",
            PolicyCondition::Always => "every blueprint (amlgen's computes disable local auth)",
            PolicyCondition::CustomerNetwork => "compute in a customer VNet subnet",
            PolicyCondition::ManagedNetwork => {
                "a workspace managed VNet (isolationMode set to the blueprint's mode)"
            }
            PolicyCondition::CustomerManagedKey => {
                "a customer-managed key (no amlgen option yet: never)"
            }
            PolicyCondition::PrivateDnsZones => {
                "private_dns.mode create or existing (both workspace zones)"
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DineRoles {
    /// Where the private endpoints are: the assignment's scope.
    pub assignment_scope: BuiltInRole,
    /// On each private DNS zone the zone groups join.
    pub zones: BuiltInRole,
}

/// catalog/resource_logs.yaml: the diagnostic setting each resource gets.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceLogs {
    pub setting_name: String,
    pub setting_name_source: Vec<String>,
    /// By target: `firewall`, `workspace`, `key_vault`, `storage_blob`.
    pub targets: IndexMap<String, ResourceLogTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceLogTarget {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub categories: Vec<String>,
    /// The Log Analytics table(s) the categories land in.
    pub table: String,
    /// A query that shows refused requests, where the table has them.
    #[serde(default)]
    pub denied: Option<String>,
    pub source: Vec<String>,
}

/// One thing the deploying identity needs before a render is deployed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prerequisite {
    pub text: String,
    pub applies: Vec<Applies>,
    pub source: Vec<String>,
}

/// Which architectures a prerequisite is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    All,
    ManagedVnet,
    CustomerVnet,
}

/// catalog/constraints.yaml: the one table of value ranges.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    pub ranges: Vec<Range>,
    pub ordered: Vec<Ordered>,
    pub counts: Vec<Count>,
}

/// The most items a blueprint list may hold (catalog/constraints.yaml `counts`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub path: String,
    pub max: usize,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Dotted value path in the blueprint.
    pub path: String,
    /// The main.bicep parameter that carries the value.
    pub bicep_param: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ordered {
    pub low: String,
    pub high: String,
    pub source: Vec<String>,
}

impl Constraints {
    /// The range of a main.bicep parameter, if the table has one.
    pub fn for_bicep_param(&self, name: &str) -> Option<&Range> {
        self.ranges.iter().find(|r| r.bicep_param == name)
    }
}

impl Catalog {
    /// The embedded catalog, parsed once. The files are part of the binary and covered by tests,
    /// so a parse failure is a build defect, not a user error.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog {
            sources: parse("sources.yaml", SOURCES_YAML),
            api_versions: parse("api_versions.yaml", API_VERSIONS_YAML),
            clouds: parse("clouds.yaml", CLOUDS_YAML),
            naming: parse("naming.yaml", NAMING_YAML),
            managed_network: parse("managed_network.yaml", MANAGED_NETWORK_YAML),
            firewall: parse("firewall.yaml", FIREWALL_YAML),
            packages: parse("packages.yaml", PACKAGES_YAML),
            defaults: parse("defaults.yaml", DEFAULTS_YAML),
            constraints: parse("constraints.yaml", CONSTRAINTS_YAML),
            regions: parse("regions.yaml", REGIONS_YAML),
            prerequisites: parse("prerequisites.yaml", PREREQUISITES_YAML),
            resource_logs: parse("resource_logs.yaml", RESOURCE_LOGS_YAML),
            access: parse("access.yaml", ACCESS_YAML),
            policy: parse("policy.yaml", POLICY_YAML),
            powershell: parse("powershell.yaml", POWERSHELL_YAML),
            flows: parse("flows.yaml", FLOWS_YAML),
            encryption: parse("encryption.yaml", ENCRYPTION_YAML),
        })
    }

    /// `Type@version` for a logical resource kind (`workspace`, `storage_account`, ...).
    pub fn resource_type(&self, kind: &str) -> String {
        let a = self
            .api_versions
            .get(kind)
            .unwrap_or_else(|| panic!("catalog/api_versions.yaml has no entry `{kind}`"));
        format!("{}@{}", a.resource_type, a.version)
    }

    pub fn cloud(&self, name: &str) -> &Cloud {
        self.clouds
            .clouds
            .get(name)
            .unwrap_or_else(|| panic!("catalog/clouds.yaml has no cloud `{name}`"))
    }

    /// Where facts come from, for help texts: the url of each source id (its title when it has
    /// none), comma-separated.
    pub fn cite(&self, ids: &[String]) -> String {
        ids.iter()
            .filter_map(|id| self.sources.get(id))
            .map(|s| s.url.clone().unwrap_or_else(|| s.title.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The region names of a cloud (`AzureCloud`, ...).
    pub fn regions(&self, cloud: &str) -> &CloudRegions {
        self.regions
            .regions
            .get(cloud)
            .unwrap_or_else(|| panic!("catalog/regions.yaml has no cloud `{cloud}`"))
    }

    pub fn naming_rule(&self, kind: &str) -> &NamingRule {
        self.naming
            .get(kind)
            .unwrap_or_else(|| panic!("catalog/naming.yaml has no entry `{kind}`"))
    }
}

/// A catalog pattern, compiled once per process (catalog patterns are few and fixed; a test
/// compiles every one, so a bad pattern is a build defect, not a user error).
pub fn regex(pattern: &str) -> &'static regex::Regex {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static CACHE: OnceLock<Mutex<HashMap<String, &'static regex::Regex>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("no panics while held");
    // Looked up before the key is copied: every name of every blueprint passes here.
    if let Some(re) = cache.get(pattern) {
        return re;
    }
    cache.entry(pattern.to_string()).or_insert_with(|| {
        Box::leak(Box::new(
            regex::Regex::new(pattern).unwrap_or_else(|e| panic!("catalog pattern {pattern}: {e}")),
        ))
    })
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> T {
    crate::yaml::from_str(text)
        .unwrap_or_else(|e| panic!("embedded catalog/{name} is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_pattern_compiles() {
        let c = Catalog::get();
        for (k, r) in &c.naming {
            assert!(regex::Regex::new(&r.pattern).is_ok(), "naming.yaml {k}");
        }
        assert!(regex::Regex::new(&c.managed_network.rule_name.pattern).is_ok());
    }

    #[test]
    fn catalog_parses() {
        let c = Catalog::get();
        assert!(c.api_versions.contains_key("workspace"));
        assert!(c.clouds.clouds.contains_key("AzureCloud"));
    }

    /// Every cloud of clouds.yaml has a region list and the other way round; every name has the
    /// programmatic shape (lowercase letters and digits, starting with a letter), is listed once
    /// and belongs to one cloud only, so a `location` names its cloud unambiguously.
    #[test]
    fn region_lists_match_clouds_and_are_well_formed() {
        let c = Catalog::get();
        let clouds: Vec<_> = c.clouds.clouds.keys().collect();
        let listed: Vec<_> = c.regions.regions.keys().collect();
        assert_eq!(clouds, listed);
        let mut seen = std::collections::HashMap::new();
        for (cloud, r) in &c.regions.regions {
            assert!(!r.names.is_empty() && !r.source.is_empty(), "{cloud}");
            for n in &r.names {
                assert!(
                    n.starts_with(|ch: char| ch.is_ascii_lowercase())
                        && n.chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit()),
                    "{cloud}: {n}"
                );
                assert_eq!(seen.insert(n.clone(), cloud), None, "{n} listed twice");
            }
        }
        assert!(c.regions("AzureCloud").contains("northeurope"));
        assert!(c.regions("AzureUSGovernment").contains("usgovvirginia"));
        assert!(c.regions("AzureChinaCloud").contains("chinanorth3"));
        let regions: Regions =
            crate::yaml::from_str("regions: {AzureCloud: {names: [eastus], source: [x]}}").unwrap();
        assert!(regions.regions["AzureCloud"].contains("eastus"));
        let typo = "regions: {AzureCloud: {name: [eastus], source: [x]}}";
        assert!(crate::yaml::from_str::<Regions>(typo).is_err());
    }

    /// Catalog types refuse unknown keys: a typo (`fqdns:` for `fqdn:`, `notes:`) would otherwise
    /// drop the value silently.
    #[test]
    fn catalog_types_refuse_unknown_keys() {
        let typo = "- {name: x, fqdns: [a.example], protocols: [UDP], ports: ['1'], architectures: [hub_spoke]}";
        let e = crate::yaml::from_str::<Vec<FirewallNetworkRule>>(typo).unwrap_err();
        assert!(e.to_string().contains("unknown field `fqdns`"), "{e}");
        let ok = "- {name: x, fqdn: a.example, protocols: [UDP], ports: ['1'], architectures: [hub_spoke], note: why}";
        assert!(crate::yaml::from_str::<Vec<FirewallNetworkRule>>(ok).is_ok());
    }

    /// Azure Firewall network rules take no wildcard FQDNs (fw_fqdn_network_rules): a wildcard
    /// host goes to `covered_by_service_tag`, whose rule must exist, carry a service tag and
    /// allow the host's protocol and ports in every architecture.
    #[test]
    fn wildcard_hosts_are_covered_by_a_tag_rule() {
        let fw = &Catalog::get().firewall;
        for r in &fw.fqdn_network_rules {
            let fqdn = r.fqdn.as_deref().unwrap_or_default();
            assert!(
                !fqdn.contains('*'),
                "network rule `{}`: wildcard {fqdn}",
                r.name
            );
        }
        assert!(!fw.covered_by_service_tag.is_empty());
        for h in &fw.covered_by_service_tag {
            let rule = fw
                .network_rules
                .iter()
                .find(|r| r.name == h.rule)
                .unwrap_or_else(|| panic!("{}: no network rule `{}`", h.host, h.rule));
            assert!(
                rule.service_tag.is_some(),
                "{}: `{}` has no tag",
                h.host,
                h.rule
            );
            assert!(
                h.protocols.iter().all(|p| rule.protocols.contains(p)),
                "{}",
                h.host
            );
            assert!(h.ports.iter().all(|p| rule.ports.contains(p)), "{}", h.host);
            assert_eq!(
                rule.architectures.len(),
                3,
                "{}: `{}` not everywhere",
                h.host,
                h.rule
            );
        }
    }

    /// Compute rules never allow a browser-only host (issue 11 item 13): their wildcards reach
    /// every tenant's workspace.
    #[test]
    fn no_compute_rule_allows_a_browser_only_host() {
        let fw = &Catalog::get().firewall;
        assert!(!fw.browser_only_hosts.hosts.is_empty());
        for r in &fw.application_rules {
            for f in &r.fqdns {
                assert!(
                    !fw.browser_only_hosts.hosts.contains(f),
                    "application rule `{}` allows browser-only {f}",
                    r.name
                );
            }
        }
    }

    /// Every `source:` id cited anywhere in the catalog names an entry of sources.yaml.
    #[test]
    fn every_cited_source_exists() {
        let c = Catalog::get();
        for (file, text) in ALL_FILES {
            let doc: crate::yaml::Value = crate::yaml::from_str(text).unwrap();
            let mut cited = Vec::new();
            collect_sources(&doc, &mut cited);
            assert!(!cited.is_empty(), "{file} cites no source");
            for id in cited {
                assert!(
                    c.sources.contains_key(&id),
                    "{file} cites unknown source `{id}`"
                );
            }
        }
    }

    fn collect_sources(v: &crate::yaml::Value, out: &mut Vec<String>) {
        match v {
            crate::yaml::Value::Mapping(m) => {
                for (k, val) in m {
                    let key = k.as_str().unwrap_or_default();
                    if key == "source" || key.ends_with("_source") {
                        if let Some(seq) = val.as_sequence() {
                            out.extend(seq.iter().filter_map(|s| s.as_str().map(String::from)));
                        }
                    }
                    collect_sources(val, out);
                }
            }
            crate::yaml::Value::Sequence(s) => s.iter().for_each(|x| collect_sources(x, out)),
            _ => {}
        }
    }
}
