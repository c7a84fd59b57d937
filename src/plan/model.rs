//! The model: everything the templates print, decided here and nowhere else. `amlgen render
//! --emit model` dumps it, so a reviewer can see what the templates receive.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub generator: Generator,
    pub blueprint: BlueprintMeta,
    /// The architecture in a few words (the Bicep's `metadata name`).
    pub architecture: &'static str,
    /// One sentence on the architecture (the Bicep's `metadata description`).
    pub architecture_summary: &'static str,
    pub location: String,
    pub cloud: String,
    /// The subscription the blueprint names, if it does (`resource_group.subscription_id`).
    pub subscription_id: Option<String>,
    /// Whether the render has a `workspace.yml`: azure-ai-ml loads only full resource IDs, which
    /// need the subscription, and a key amlgen creates has no identifier before it exists.
    pub workspace_yaml: bool,
    pub tags: IndexMap<String, String>,
    pub names: IndexMap<&'static str, String>,
    /// Fixed settings (catalog/defaults.yaml): TLS version, registry tier, SKUs, ...
    pub defaults: IndexMap<String, Json>,
    /// Azure's name length limits per resource kind (catalog/naming.yaml), for `@minLength`.
    pub naming: IndexMap<String, NameLimits>,
    /// Value ranges by main.bicep parameter (catalog/constraints.yaml), for `@minValue` and
    /// `@maxValue` in main.bicep and the modules.
    pub ranges: IndexMap<String, ValueRange>,
    /// `Type@apiVersion` per resource kind, from catalog/api_versions.yaml.
    pub types: IndexMap<String, String>,
    /// Parameters of main.bicep, in declaration order; the parameter file is built from the same list.
    pub params: Vec<Param>,
    pub workspace: WorkspaceModel,
    pub storage: StorageModel,
    pub key_vault: KeyVaultModel,
    pub registry: RegistryModel,
    /// Security settings of storage, key vault and registry (catalog/defaults.yaml).
    pub posture: Posture,
    pub monitoring: MonitoringModel,
    pub client: Option<ClientModel>,
    /// Hub-spoke network (workspace without managed VNet).
    pub network: Option<NetworkModel>,
    /// Private endpoints and their DNS zones, in the client VNet or the spoke.
    pub private: Option<PrivateModel>,
    pub compute: ComputeModel,
    /// Model serving: managed online endpoints and AKS (the blueprint's `inference:`).
    pub inference: InferenceModel,
    /// People's roles: custom role definitions and each persona's assignments.
    pub access: AccessModel,
    /// Azure Policy assignments (off unless the blueprint has `policy:`).
    pub policy: PolicyModel,
    /// Package ecosystems allowed, with what each opens.
    pub packages: Vec<PackageModel>,
    pub dns: DnsModel,
    /// Things the README must say (costs, one-way decisions), in order.
    pub notes: Vec<String>,
    /// What the deploying identity needs beforehand (catalog/prerequisites.yaml).
    pub prerequisites: Vec<String>,
    /// What the PowerShell scripts need; filled by `lower::powershell`.
    pub powershell: PowerShellModel,
    /// How people reach the workspace: Bastion and a jump box, a point-to-site VPN.
    pub way_in: WayInModel,
    /// Roles the deploying identity needs on what a landing zone's platform team owns (an
    /// existing hub or spoke, central private DNS zones), for the README.
    pub landing_zone_roles: Vec<LandingZoneRoleModel>,
}

/// A built-in role the deployer needs on a resource the blueprint does not deploy.
#[derive(Debug, Clone, Serialize)]
pub struct LandingZoneRoleModel {
    /// The resource (or resource group) ID the role is needed on.
    pub scope: String,
    pub name: String,
    pub id: String,
    /// What the deployment does there, in words.
    pub why: String,
}

/// The PowerShell lowering's output: what deploy.ps1 prints beyond the neutral model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PowerShellModel {
    /// `#Requires -Modules` entries of deploy.ps1, from catalog/powershell.yaml.
    pub deploy_requires: Vec<PowerShellRequirement>,
    /// `#Requires -Modules` entries of runbook.ps1.
    pub runbook_requires: Vec<PowerShellRequirement>,
    /// runbook.ps1's steps, in dependency order; empty when it is not rendered.
    pub runbook_steps: Vec<PsStep>,
    /// Why runbook.ps1 is not rendered for this architecture (None: it is).
    pub runbook_not_rendered: Option<String>,
    /// `[ValidatePattern]` of the scripts' -ResourceGroup (catalog/naming.yaml) and -Location
    /// (the shape of every region name in catalog/regions.yaml): both go into ARM paths and
    /// JSON bodies unescaped, so only a value that can be there is taken.
    pub resource_group_pattern: String,
    pub location_pattern: String,
}

/// One step of runbook.ps1: an ARM resource PUT with `Invoke-AzRestMethod`, with the body
/// main.bicep gives it. Paths and bodies name the values known only at run time as
/// `<amlgen:NAME>` (the resource group's ID, the region, IDs the script reads on the way).
#[derive(Debug, Clone, Serialize)]
pub struct PsStep {
    pub title: String,
    pub note: Option<String>,
    /// ARM path without the api-version.
    pub path: String,
    pub api_version: String,
    /// The ARM body, JSON.
    pub body: String,
    /// PUT even when it exists: Azure created it (the default datastores), the step changes it.
    pub update: bool,
    /// Set `<amlgen:TOKEN>` first to the GUID ARM's `guid()` gives for these arguments (role
    /// definitions and assignments are named by GUIDs: main.bicep's names, on every run).
    pub name_guid: Option<PsGuid>,
    /// Values read from the existing resource before the PUT.
    pub reads_before: Vec<PsRead>,
    /// Values read from the resource once it exists.
    pub reads_after: Vec<PsRead>,
    /// Why a refused PUT is tried again (six times, a minute apart): new role assignments the
    /// resource's creation depends on take minutes to take effect.
    pub retry: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PsGuid {
    pub token: String,
    /// The arguments main.bicep's `guid()` call gives for the same resource.
    pub parts: Vec<String>,
}

/// `$Values[token] = $resource.<property...>`.
#[derive(Debug, Clone, Serialize)]
pub struct PsRead {
    pub token: String,
    pub property: Vec<PsSegment>,
}

/// One step of a `PsRead` path: a property (`.name`) or an array element (`[0]`, the firewall's
/// first IP configuration).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PsSegment {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Serialize)]
pub struct PowerShellRequirement {
    pub module: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NameLimits {
    pub min: u32,
    pub max: u32,
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
    /// Reachable only through private endpoints.
    pub private_only: bool,
    /// Compute runs in the workspace managed VNet (isolation mode other than disabled).
    pub managed_vnet: bool,
    /// The managed VNet allows all internet outbound (allow_internet_outbound).
    pub internet_outbound: bool,
    pub isolation_mode: ModeModel,
    /// How the system datastores reach the storage account: `Identity` when shared keys are off,
    /// `AccessKey` otherwise (ARM `systemDatastoresAuthMode`; az ml `identity`/`accesskey`).
    pub system_datastores_auth_mode: ModeModel,
    /// The default datastores set to preview data with the workspace identity (studio in a
    /// VNet); empty when they use the account key, which a datastore PUT would have to carry.
    pub datastores: Vec<DatastoreModel>,
    /// Compute that builds images (a registry behind a private endpoint cannot).
    pub image_build_compute: Option<String>,
    /// Where serverless compute runs, in a customer VNet (none with a managed VNet, which
    /// holds serverless compute itself).
    pub serverless: Option<ServerlessModel>,
    /// Every SKU the managed firewall accepts (ARM spelling), for `@allowed`.
    pub firewall_sku_values: Vec<String>,
    /// Present in approved-only mode, where FQDN rules bring a managed Azure Firewall.
    pub firewall_sku: Option<ModeModel>,
    pub provision_now: bool,
    pub spark: bool,
    /// `managedNetworkKind` (managed VNet only).
    pub kind: Option<KindModel>,
    /// `enableNetworkMonitor` (managed VNet only).
    pub network_monitor: bool,
    /// Every kind Azure accepts (ARM spelling), for `@allowed`.
    pub kind_values: Vec<String>,
    /// Workspace API version, for the runbook's `az resource update`.
    pub api_version: String,
    /// Runbook: `--set` words for managed-network settings az ml has no option for, when they
    /// differ from what a new workspace gets (`lower::cli`).
    pub cli_network_sets: Vec<String>,
    pub rules: Vec<RuleModel>,
    pub has_fqdn_rules: bool,
    /// A customer-managed key encrypts the workspace's data (an existing key vault key).
    pub customer_managed_key: Option<CustomerManagedKeyModel>,
    /// `hbiWorkspace`: high business impact ("confidential data").
    pub hbi_workspace: bool,
    /// The role the workspace identity needs on each private-endpoint rule's target, when there
    /// is one (name, GUID); the targets are outside the deployment, so the README says how.
    pub pe_rule_approver: Option<TargetRoleModel>,
    /// Roles compute's identity needs on private-endpoint targets to use them, for the README:
    /// the targets are outside the deployment.
    pub pe_rule_compute_roles: Vec<TargetRoleModel>,
    /// Runbook: the `az ml workspace create --set` words (shell-quoted) for what az ml has no
    /// option for: firewall SKU, serverless subnet, encryption (`lower::cli`).
    pub cli_create_sets: Vec<String>,
    /// Runbook: the workspace's ARM body (a shell word with `${VAR}` references) when runbook.sh
    /// PUTs the workspace with `az rest` instead of `az ml workspace create`, which has no setting
    /// for the identity that reads a customer-managed key (`lower::cli`).
    pub cli_rest_body: Option<String>,
    /// Bicep: the main.bicep parameter that names the image-build compute (`lower::bicep`).
    pub image_build_compute_param: Option<String>,
    /// The user-assigned identity the workspace uses; `None`: its system-assigned identity.
    pub user_assigned_identity: Option<IdentityModel>,
}

/// A user-assigned workspace identity amlgen creates, and the roles Azure documents for it
/// (catalog/access.yaml `workspace_identity_roles`).
#[derive(Debug, Clone, Serialize)]
pub struct IdentityModel {
    pub name: String,
    pub api_version: String,
    /// Roles on the dependencies and the resource group: assigned before the workspace, which
    /// Azure creates only when the identity can reach its dependencies.
    pub roles: Vec<IdentityRoleModel>,
    /// Roles on the workspace itself: assigned once it exists.
    pub workspace_roles: Vec<IdentityRoleModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentityRoleModel {
    /// `workspace`, `storage_account`, `key_vault`, `container_registry`,
    /// `application_insights` or `resource_group`.
    pub scope: String,
    /// The resource in words, for comments and the README.
    pub on: String,
    pub name: String,
    /// The built-in role's GUID.
    pub id: String,
    /// What the identity needs it for, with Microsoft's words where the catalog quotes them.
    pub why: String,
    /// Bicep symbol of the assignment (camelCase of scope and role).
    pub bicep_symbol: String,
}

/// A built-in role someone needs on a resource outside the deployment.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRoleModel {
    /// The resource's ID (none for the approver, which every private-endpoint target needs).
    pub target: Option<String>,
    pub name: String,
    pub id: String,
    /// Since when Azure requires it, where that is news.
    pub since: Option<String>,
}

/// The key that encrypts the workspace's data.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerManagedKeyModel {
    /// Where the key comes from: the blueprint's key, or one amlgen creates.
    pub source: KeySource,
    /// The "Azure Cosmos DB" application in this cloud, which needs the key permissions
    /// (catalog/encryption.yaml); `None` where no page gives it.
    pub cosmos_db_app_id: Option<String>,
    pub key_permissions: Vec<String>,
}

impl WorkspaceModel {
    /// The customer-managed key amlgen creates, if the workspace has one.
    pub fn created_key(&self) -> Option<&CreatedKeyModel> {
        match self.customer_managed_key.as_ref().map(|k| &k.source) {
            Some(KeySource::Created(c)) => Some(c),
            _ => None,
        }
    }
}

/// An existing key named by the blueprint, or one amlgen creates in the workspace's key vault.
/// Serialized with both keys, the other one null, so templates test `k.source.created` and
/// `k.source.existing` without an undefined value.
#[derive(Debug, Clone)]
pub enum KeySource {
    Existing {
        key_vault_id: String,
        key_uri: String,
    },
    Created(CreatedKeyModel),
}

#[derive(Serialize)]
struct ExistingKeyView<'a> {
    key_vault_id: &'a str,
    key_uri: &'a str,
}

impl Serialize for KeySource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("KeySource", 2)?;
        match self {
            KeySource::Existing {
                key_vault_id,
                key_uri,
            } => {
                st.serialize_field(
                    "existing",
                    &Some(ExistingKeyView {
                        key_vault_id,
                        key_uri,
                    }),
                )?;
                st.serialize_field("created", &None::<CreatedKeyModel>)?;
            }
            KeySource::Created(c) => {
                st.serialize_field("existing", &None::<ExistingKeyView>)?;
                st.serialize_field("created", &Some(c))?;
            }
        }
        st.end()
    }
}

/// The key amlgen creates (`workspace.customer_managed_key.create`): in the workspace's key
/// vault, through Azure Resource Manager, with Azure Cosmos DB's role on it.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedKeyModel {
    pub name: String,
    /// `RSA`.
    pub kty: String,
    pub size: u32,
    /// Sizes a blueprint may ask for (main.bicep's `@allowed`).
    pub sizes: Vec<u32>,
    /// Microsoft.KeyVault/vaults/keys API version (catalog/api_versions.yaml).
    pub api_version: String,
    /// The Azure Cosmos DB application's ID in this cloud: its service principal in the tenant
    /// gets `role` on the key (looked up at deploy time: an object ID differs per tenant).
    pub cosmos_db_app_id: String,
    /// Key Vault Crypto Service Encryption User.
    pub role: TargetRoleModel,
    /// The PUT body (JSON) runbook.sh sends, as modules/keyVault.bicep's key properties.
    pub body: String,
}

/// A default datastore Azure creates with the workspace, written back with the workspace managed
/// identity for data preview. Its container or share name is Azure's choice, so both paths read it
/// from the datastore Azure made rather than derive it.
#[derive(Debug, Clone, Serialize)]
pub struct DatastoreModel {
    /// `workspaceblobstore` or `workspacefilestore`.
    pub name: &'static str,
    /// ARM `datastoreType`: `AzureBlob` or `AzureFile`.
    pub datastore_type: &'static str,
    /// The ARM property that says where its data lives: `containerName` or `fileShareName`.
    pub location_property: &'static str,
    /// The same field in `az ml datastore show` output: `container_name` or `file_share_name`.
    pub cli_location_field: &'static str,
    /// `serviceDataAccessAuthIdentity` (catalog/defaults.yaml `studio_datastore_identity`).
    pub identity: String,
    /// `credentialsType`: `None`, identity-based access.
    pub credentials_type: &'static str,
    /// For the runbook's `az rest` PUT.
    pub api_version: String,
    /// Bicep: the workspace module output holding the location (`lower::bicep`).
    pub bicep_output: String,
    /// Runbook: the variable holding the location, and the PUT body as one shell word
    /// (`lower::cli`).
    pub shell_var: String,
    pub body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerlessModel {
    pub vnet_name: String,
    pub subnet_name: String,
    /// The subnet's resource ID when it is a landing zone's (not in this resource group).
    pub existing_subnet_id: Option<String>,
    /// No public IP on serverless nodes: egress goes through the VNet's own route.
    pub no_public_ip: bool,
}

/// The managed network's kind and what it means, for the README.
#[derive(Debug, Clone, Serialize)]
pub struct KindModel {
    pub arm: String,
    pub note: String,
    /// Not what a workspace gets by default: the runbook sets it after creating the workspace.
    pub non_default: bool,
    /// Which changes of kind Azure accepts.
    pub switch: String,
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
    /// Serialised in the CLI spelling (`fqdn`, `service_tag`, `private_endpoint`).
    pub kind: RuleKind,
    /// `FQDN`, `ServiceTag` or `PrivateEndpoint` (ARM spelling).
    pub arm_type: &'static str,
    pub destination: Option<String>,
    pub service_tag: Option<String>,
    pub protocol: Option<String>,
    pub port_ranges: Option<String>,
    pub service_resource_id: Option<String>,
    pub subresource_target: Option<String>,
    pub spark_enabled: Option<bool>,
    /// Runbook: the `az ml workspace outbound-rule set` options of this kind (`lower::cli`).
    pub cli_args: Vec<CliArg>,
}

/// The three kinds of managed-VNet outbound rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Fqdn,
    ServiceTag,
    PrivateEndpoint,
}

impl RuleKind {
    /// The CLI and workspace-YAML spelling.
    pub fn cli(self) -> &'static str {
        match self {
            RuleKind::Fqdn => "fqdn",
            RuleKind::ServiceTag => "service_tag",
            RuleKind::PrivateEndpoint => "private_endpoint",
        }
    }
}

/// One option of an az command with its value; the template prints the option bare (it is one
/// of amlgen's own, checked as such) and the value as a shell word.
#[derive(Debug, Clone, Serialize)]
pub struct CliArg {
    pub option: &'static str,
    pub value: String,
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

/// The security settings of the workspace's dependencies, decided once and printed by every
/// deployment path (Bicep modules and runbook alike).
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    /// Public network access to storage, key vault and registry.
    pub public_network_access: bool,
    /// Network rules' action for traffic not from a private endpoint (`Deny`).
    pub network_default_action: String,
    /// Services that may pass the network rules (`AzureServices`).
    pub trusted_services_bypass: String,
    pub storage_allow_blob_public_access: bool,
    pub storage_allow_cross_tenant_replication: bool,
    pub storage_https_only: bool,
    pub storage_infrastructure_encryption: bool,
    /// Shared key (account key) authorization on the storage account; off, the workspace's
    /// system datastores use its managed identity (`WorkspaceModel::system_datastores_auth_mode`).
    pub storage_shared_key_access: bool,
    pub key_vault_rbac_authorization: bool,
    pub key_vault_purge_protection: bool,
    pub registry_admin_user: bool,
    /// Artifacts may leave the registry by import or transfer.
    pub registry_exports: bool,
    /// Lowered (Bicep): `policies.exportPolicy.status` (`enabled`/`disabled`, lower case).
    pub bicep_registry_export_status: &'static str,
    /// Lowered (Bicep and az): ARM's spelling of `public_network_access`.
    pub public_network_access_text: &'static str,
    /// Lowered (az): `az acr create --allow-trusted-services`, the registry's bypass.
    pub cli_registry_allow_trusted_services: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistryModel {
    pub name: String,
    /// Premium: the only SKU that supports private endpoints (catalog/defaults.yaml).
    pub sku: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonitoringModel {
    pub log_analytics: String,
    pub application_insights: String,
    pub retention_days: u32,
    /// The Azure Monitor Private Link Scope, when the blueprint has one.
    pub private_link: Option<MonitorPrivateLinkModel>,
    /// Diagnostic settings to the Log Analytics workspace, when on.
    pub diagnostics: Option<DiagnosticsModel>,
}

/// One diagnostic setting per resource, all named alike, to the Log Analytics workspace.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticsModel {
    /// The setting's name (the stable API version knows only one).
    pub setting_name: String,
    pub targets: Vec<DiagnosticTargetModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticTargetModel {
    /// catalog/resource_logs.yaml key: `firewall`, `workspace`, `key_vault`, `storage_blob`.
    pub key: String,
    /// In words, for comments and the README.
    pub label: &'static str,
    /// The `existing` resource in modules/diagnostics.bicep that is the setting's scope.
    pub symbol: &'static str,
    /// The runbook expression of the resource ID (its shell variables are set before).
    pub resource_id_shell: &'static str,
    pub categories: Vec<String>,
    pub table: String,
    pub denied: Option<String>,
    /// `--logs` of `az monitor diagnostic-settings create`, a quoted JSON word (filled by
    /// `lower::cli`).
    pub logs_shell: String,
}

/// An Azure Monitor Private Link Scope holding the Log Analytics workspace and Application
/// Insights; its private endpoint is one of `PrivateModel::private_endpoints`.
#[derive(Debug, Clone, Serialize)]
pub struct MonitorPrivateLinkModel {
    pub name: String,
    /// API version of the scope and its scoped resources (the runbook PUTs them with `az rest`:
    /// `az monitor private-link-scope` cannot set the access modes).
    pub api_version: String,
    /// The scope's `accessModeSettings` (`PrivateOnly` or `Open`).
    pub ingestion_access_mode: &'static str,
    pub query_access_mode: &'static str,
    /// `publicNetworkAccessForIngestion` / `ForQuery` of both monitored resources (`Enabled` or
    /// `Disabled`; az spells them the same).
    pub public_ingestion: &'static str,
    pub public_query: &'static str,
    /// Zones of the scope's endpoint that other endpoints here use too (the blob zone).
    pub shared_zones: Vec<String>,
    /// Runbook: the `az rest` bodies of the scope and its two scoped resources, each one shell
    /// word built from JSON (`lower::cli`).
    pub scope_body_shell: String,
    pub log_analytics_scoped_body_shell: String,
    pub application_insights_scoped_body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientModel {
    pub vnet_name: String,
    pub address_prefixes: Vec<String>,
    pub pe_subnet_name: String,
    pub pe_subnet_prefix: String,
    pub nsg_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivateModel {
    pub dns_mode: DnsMode,
    /// The zone links' `resolutionPolicy`: `Default`, or `NxDomainRedirect` (fall back to public
    /// resolution for names the zone lacks). Same spelling in ARM and az.
    pub resolution_policy: &'static str,
    /// With `existing`: the resource group ID of the central zones.
    pub zones_resource_group_id: Option<String>,
    pub private_endpoints: Vec<PrivateEndpointModel>,
    pub zones: Vec<ZoneModel>,
    /// Built-in Reader role definition ID (catalog/firewall.yaml `reader_role_id`).
    pub reader_role_id: String,
    /// VNet and subnet (names) the endpoints are placed in.
    pub vnet_name: String,
    pub vnet_role: VnetRole,
    pub subnet_name: String,
    /// Bicep: the ID of that subnet (a module output). Filled by `lower::bicep`.
    pub subnet_id_bicep: String,
    /// The subnet's resource ID when it exists already (a landing zone's spoke).
    pub existing_subnet_id: Option<String>,
    /// VNets the zones are linked to.
    pub linked_vnets: Vec<LinkedVnet>,
    /// The second set of endpoints in a corporate subnet (seed 003's private IP address
    /// shortage), when the blueprint has one.
    pub corporate: Option<CorporateModel>,
}

/// Private endpoints for people in a corporate VNet that is not peered to the workspace's
/// network; their DNS records go to the corporate network's zones (or its Azure Policy).
#[derive(Debug, Clone, Serialize)]
pub struct CorporateModel {
    pub subnet_id: String,
    pub vnet_id: String,
    pub vnet_name: String,
    pub subnet_name: String,
    /// `existing` (zone groups to `zones_resource_group_id`) or `policy` (none).
    pub dns_mode: DnsMode,
    pub zones_resource_group_id: Option<String>,
    /// The workspace and its default storage (blob, file): what people need; `zone_indices`
    /// index `PrivateModel::zones` (the zones have the same names in every network).
    pub private_endpoints: Vec<PrivateEndpointModel>,
}

/// How private endpoints get their DNS records (the blueprint's `private_dns.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsMode {
    /// amlgen creates the zones, links them and adds zone groups.
    Create,
    /// Central zones exist in another resource group; endpoints get zone groups pointing there.
    Existing,
    /// Azure Policy adds the zone groups; amlgen adds none.
    Policy,
}

/// Which VNet of the architecture a VNet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VnetRole {
    Client,
    Hub,
    Spoke,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkedVnet {
    pub name: String,
    pub role: VnetRole,
    /// The VNet's resource ID when it exists already (a landing zone's hub or spoke).
    pub existing_id: Option<String>,
    pub link_name: String,
    /// Bicep: the VNet ID expression and the parameter holding the link name (`lower::bicep`).
    pub id_bicep: String,
    pub link_param: String,
    /// Runbook: the variable holding the VNet name (`lower::cli`).
    pub shell_var: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkModel {
    pub exfiltration_prevention: bool,
    /// The hub with the firewall (firewall egress), peered to the spoke.
    pub hub: Option<HubModel>,
    pub spoke: SpokeModel,
    pub firewall: Option<FirewallModel>,
    /// Route tables sending compute traffic to the firewall (firewall egress, a spoke created
    /// here): the training subnet's first, then the scoring subnet's, each subnet with its own
    /// (the training table's Internet routes for public-IP compute are no way around the
    /// firewall for the scoring subnet). Empty otherwise.
    pub route_tables: Vec<RouteTableModel>,
    pub peering: Option<PeeringModel>,
    /// Egress of the compute subnets without a firewall.
    pub nat_gateway: Option<NatGatewayModel>,
    pub service_endpoint_policy: Option<ServiceEndpointPolicyModel>,
    /// The landing zone's hub, when it exists already (then `hub` and `firewall` are None).
    pub existing_hub: Option<ExistingHubModel>,
    /// The landing zone's spoke, when it exists already (then `spoke.subnets` is empty).
    pub existing_spoke: Option<ExistingSpokeModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeeringModel {
    pub hub_to_spoke: String,
    pub spoke_to_hub: String,
    /// The hub side is created here (a hub amlgen creates); with an existing hub it is the hub
    /// owner's, and the README gives them the command.
    pub hub_side: bool,
    /// The spoke uses the hub's gateway: allowGatewayTransit (hub side) and useRemoteGateways
    /// (spoke side).
    pub gateway_transit: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NatGatewayModel {
    pub name: String,
    pub public_ip: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HubModel {
    pub vnet_name: String,
    pub address_prefixes: Vec<String>,
    pub firewall_subnet: String,
    pub firewall_management_subnet: Option<String>,
    pub bastion: Option<BastionModel>,
    pub gateway_subnet: Option<String>,
    pub dns_resolver: Option<DnsResolverModel>,
    /// Every hub subnet in address-plan order, with the delegation it needs.
    pub subnets: Vec<HubSubnetModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HubSubnetModel {
    pub name: String,
    pub prefix: String,
    /// Service the subnet is delegated to (`Microsoft.Network/dnsResolvers`), if any.
    pub delegation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsResolverModel {
    pub name: String,
    pub inbound_endpoint: String,
    pub subnet_name: String,
    pub subnet: String,
    /// For the runbook's `az rest` calls (the resolver's az commands live in an extension).
    pub api_version: String,
    /// Lowered (az): the resolver's ARM body, one shell word (`${LOCATION}`, `${HUB_VNET_ID}`).
    pub body_shell: String,
    /// Lowered (az): the inbound endpoint's ARM body, one shell word.
    pub inbound_endpoint_body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BastionModel {
    pub name: String,
    pub public_ip: String,
    pub subnet: String,
    /// For the runbook's `az rest` call (`az network bastion` lives in an extension).
    pub api_version: String,
    /// Bastion's SKU (catalog/defaults.yaml `bastion_sku`).
    pub sku: String,
    /// Lowered (az): the ARM body, one shell word (`${LOCATION}`, `${HUB_VNET_ID}`,
    /// `${BASTION_PIP_ID}`).
    pub body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpokeModel {
    pub vnet_name: String,
    pub address_prefixes: Vec<String>,
    /// training, scoring, pe, in that order.
    pub subnets: Vec<SubnetModel>,
    /// DNS servers of the spoke VNet: the firewall (DNS proxy) with Standard, else Azure DNS.
    pub dns_via_firewall: bool,
    /// The blueprint's `dns_servers`, set on the spoke amlgen creates (empty: Azure DNS, or
    /// the firewall's proxy).
    pub dns_servers: Vec<String>,
}

/// A landing zone's hub that exists already: nothing is created in it. The spoke amlgen
/// creates routes to its firewall and peers to it from the spoke side.
#[derive(Debug, Clone, Serialize)]
pub struct ExistingHubModel {
    pub vnet_id: String,
    pub vnet_name: String,
    pub subscription: String,
    pub resource_group: String,
    pub firewall_private_ip: String,
    /// The address space the blueprint states (may be empty).
    pub address_prefixes: Vec<String>,
    /// What its firewall must allow from the spoke (the rules amlgen would give its own
    /// firewall), for the hub owner: amlgen cannot see or change that firewall's rules.
    pub network_rules: Vec<FirewallNetworkRuleModel>,
    pub application_rules: Vec<FirewallApplicationRuleModel>,
}

/// A landing zone's spoke that exists already: amlgen creates no VNet, subnet, NSG, route
/// table or peering there (a PUT of someone else's subnet would overwrite their settings);
/// compute and private endpoints use the subnets by ID, and the runbook verifies `checks`.
#[derive(Debug, Clone, Serialize)]
pub struct ExistingSpokeModel {
    pub vnet_id: String,
    pub vnet_name: String,
    pub training_subnet_id: String,
    pub training_subnet_name: String,
    pub pe_subnet_id: String,
    pub pe_subnet_name: String,
    /// Prefixes the blueprint states the subnets have (checked against the hub's ranges).
    pub training_prefix: Option<String>,
    pub pe_prefix: Option<String>,
    /// What the subnets must already have, each verified before deploying.
    pub checks: Vec<SubnetCheckModel>,
    /// API versions of the reads (runbook.ps1): a subnet is read at the VNet's, and the
    /// subnet's route table at the route table's.
    pub vnet_api_version: String,
    pub route_table_api_version: String,
}

/// One property an existing subnet must have, and how the runbooks read it.
#[derive(Debug, Clone, Serialize)]
pub struct SubnetCheckModel {
    /// `training` or `pe`.
    pub subnet: &'static str,
    pub subnet_id: String,
    /// What it must have, in words (the README's table).
    pub requirement: String,
    /// The subnet property read (`delegations`, `routeTable`, `provisioningState`): top level in
    /// `az network vnet subnet show`, under `properties` in the ARM body.
    pub property: String,
    /// `empty` (no elements), `present` (set) or `equals` (`value`).
    pub test: String,
    pub value: Option<String>,
    /// Lowered (az): a JMESPath that prints `true` when the subnet passes.
    pub cli_query: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubnetModel {
    /// `training`, `scoring` or `pe`.
    pub role: &'static str,
    pub name: String,
    pub prefix: String,
    pub nsg_name: String,
    pub nsg_rules: Vec<NsgRuleModel>,
    /// Index in `NetworkModel::route_tables` of the subnet's own route table, if it has one.
    pub route_table: Option<usize>,
    /// Egress through the NAT gateway.
    pub nat_gateway: bool,
    /// `defaultOutboundAccess`, when amlgen sets it (false with a NAT gateway).
    pub default_outbound_access: Option<bool>,
    pub storage_service_endpoint: bool,
    pub service_endpoint_policy: bool,
    /// Private endpoint network policies off (the pe subnet).
    pub private_endpoints: bool,
    /// Usable addresses (Azure keeps five).
    pub usable: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NsgRuleModel {
    pub name: String,
    pub priority: u32,
    /// `Inbound` or `Outbound`.
    pub direction: &'static str,
    /// `Allow` or `Deny`.
    pub access: &'static str,
    /// `Tcp`, `Udp` or `*`.
    pub protocol: String,
    pub source: super::zones::Text,
    pub destination: super::zones::Text,
    pub destination_ports: Vec<String>,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirewallModel {
    pub name: String,
    pub policy_name: String,
    /// `Standard` or `Basic`.
    pub tier: String,
    pub dns_proxy: bool,
    /// `Deny` for Standard; Basic supports `Alert` only.
    pub threat_intel_mode: &'static str,
    pub public_ip: String,
    pub management_public_ip: Option<String>,
    /// The one rule collection group amlgen manages, and its two collections: network rules
    /// first (Azure Firewall evaluates network before application rules).
    pub rule_collection_group: RuleCollectionGroupModel,
    pub network_rules: Vec<FirewallNetworkRuleModel>,
    pub application_rules: Vec<FirewallApplicationRuleModel>,
    /// The scoring subnet's prefix when a rule lets traffic out from it alone (the AKS
    /// cluster's): hubNetwork.bicep then takes it as a parameter.
    pub scoring_source: Option<String>,
    /// Rules the catalog has but this SKU cannot serve, for the README.
    pub omitted: Vec<String>,
    /// Required hosts no rule can name (wildcards in network rules), each with the service-tag
    /// rule that allows them, for the README.
    pub tag_covered: Vec<TagCoveredModel>,
    /// Hosts only people's browsers need; no rule allows them to compute.
    pub browser_only: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagCoveredModel {
    pub host: String,
    pub protocols: Vec<String>,
    pub ports: Vec<String>,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCollectionGroupModel {
    pub name: String,
    pub priority: u32,
    pub network_collection: RuleCollectionModel,
    pub application_collection: RuleCollectionModel,
    /// API version for the runbook's `az rest` PUT of the whole group.
    pub api_version: String,
    /// Runbook: the group's ARM body as one shell word (`lower::cli`), `${LOCATION}` inside.
    pub body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCollectionModel {
    pub name: String,
    pub priority: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirewallNetworkRuleModel {
    pub name: String,
    pub protocols: Vec<String>,
    /// Where the rule lets traffic out from, and those address ranges.
    pub source: RuleSource,
    pub source_addresses: Vec<String>,
    pub destination_addresses: Vec<super::zones::Text>,
    pub destination_fqdns: Vec<super::zones::Text>,
    pub ports: Vec<String>,
}

/// The source of a firewall rule: the whole spoke (what Azure Machine Learning compute needs),
/// or the scoring subnet alone (what the AKS cluster there needs, catalog/firewall.yaml
/// `feature: kubernetes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    Spoke,
    Scoring,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirewallApplicationRuleModel {
    pub name: String,
    /// Where the rule lets traffic out from, and those address ranges.
    pub source: RuleSource,
    pub source_addresses: Vec<String>,
    pub fqdns: Vec<super::zones::Text>,
    /// (protocol, port): `Http` 80, `Https` 443.
    pub protocols: Vec<AppProtocol>,
    /// From a package allowance rather than the Azure ML baseline.
    pub package: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppProtocol {
    pub kind: &'static str,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteTableModel {
    /// The subnet it serves: `training` or `scoring`.
    pub role: &'static str,
    pub name: String,
    pub routes: Vec<RouteModel>,
    /// Bicep: the resource symbol and the name parameter (`lower::bicep`).
    pub bicep_symbol: String,
    pub bicep_name_param: String,
    /// Runbook: the variable holding the name (`lower::cli`).
    pub shell_var: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteModel {
    pub name: String,
    pub address_prefix: super::zones::Text,
    /// `VirtualAppliance` (the firewall) or `Internet`.
    pub next_hop_type: &'static str,
    pub via_firewall: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceEndpointPolicyModel {
    pub name: String,
    /// API version for the `az rest` call that adds the alias definition.
    pub api_version: String,
    pub storage_service: String,
    pub alias: String,
    pub alias_service: String,
    /// Lowered (az): the body of the alias definition's `az rest` PUT, one shell word.
    pub definition_body_shell: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComputeModel {
    pub cluster: Option<ClusterModel>,
    pub instance: Option<InstanceModel>,
    /// Where compute goes: the spoke training subnet (hub-spoke) or none (managed VNet).
    pub subnet_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterModel {
    pub name: String,
    pub vm_size: String,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub public_ip: bool,
    /// ARM's `vmPriority` (catalog/defaults.yaml `cluster_vm_priority`).
    pub vm_priority: String,
    /// Seconds an idle node is kept before the cluster scales down.
    pub idle_before_scale_down_seconds: u64,
    /// SSH to the nodes from outside the VNet. Always off: nothing needs inbound access, and
    /// without an admin user Azure also disables local authentication on the cluster.
    pub ssh_public_access: bool,
    /// Lowered (Bicep): the idle time as an ISO 8601 duration (`PT120S`).
    pub bicep_idle_before_scale_down: String,
    /// Lowered (Bicep): `remoteLoginPortPublicAccess`.
    pub bicep_remote_login_port_public_access: &'static str,
    /// Lowered (az CLI): `--tier`, az ml's spelling of the priority (`dedicated`).
    pub cli_tier: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstanceModel {
    pub name: String,
    pub vm_size: String,
    pub public_ip: bool,
    /// SSH to the instance from outside the VNet: always off, as for the cluster.
    pub ssh_public_access: bool,
    /// Object ID of the person the instance is assigned to (check refuses an instance without).
    pub owner_object_id: String,
    /// The owner's tenant; `None`: the tenant the deployment runs in.
    pub owner_tenant_id: Option<String>,
    /// Minutes of inactivity before the instance shuts down.
    pub idle_shutdown_minutes: u32,
    /// Single sign-on at creation: always off, since Azure lets only the assigned user turn it
    /// on (compute_instance_create); the README tells them how.
    pub sso: bool,
    /// Lowered (Bicep): `sshSettings.sshPublicAccess`.
    pub bicep_ssh_public_access: &'static str,
}

/// Model serving: managed online endpoints (issue 13), without deployments. They are reachable
/// only through the workspace's private endpoint, and their deployments run in the workspace
/// managed VNet (secure_online_endpoint).
#[derive(Debug, Clone, Serialize)]
pub struct InferenceModel {
    pub online_endpoints: Vec<OnlineEndpointModel>,
    /// The private AKS cluster for scoring (customer VNet), when the blueprint has one.
    pub kubernetes: Option<KubernetesModel>,
    /// Always disabled: scoring only through the workspace's private endpoint (ARM `Disabled`,
    /// az ml `disabled`).
    pub public_network_access: ModeModel,
    /// The endpoints' identity, system-assigned: Azure gives it AcrPull on the workspace's
    /// registry and Storage Blob Data Reader on its default storage (online_endpoint_auth). ARM
    /// `SystemAssigned`, az ml `system_assigned`.
    pub identity: ModeModel,
    pub api_version: String,
    /// The pages the README's online-endpoint section follows (catalog/sources.yaml URLs).
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OnlineEndpointModel {
    pub name: String,
    /// The blueprint's, or a sentence saying how the endpoint is reached (both paths send one).
    pub description: String,
    /// `authMode` (ARM `AADToken`) and az ml `auth_mode` (`aad_token`).
    pub auth_mode: ModeModel,
    /// Scoring host name (`<name>.<region>.inference.ml.azure.com`), served by the workspace's
    /// private endpoint.
    pub host: String,
    /// The az ml YAML next to the runbook (`online-endpoint-<name>.yml`).
    pub yaml_file: String,
    /// Lowered (deploy.sh): [`OnlineEndpointModel::param`] as JSON text, for the endpoints
    /// main.bicep is given when they do not exist yet.
    pub param_json: String,
}

impl OnlineEndpointModel {
    /// The endpoint as an item of main.bicep's `onlineEndpoints` parameter.
    pub fn param(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "authMode": self.auth_mode.arm,
            "description": self.description,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageModel {
    pub key: String,
    pub title: String,
    pub destinations: Vec<String>,
    pub note: Option<String>,
    pub writes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivateEndpointModel {
    pub name: String,
    /// Stable key of the endpoint within the architecture: `workspace`, `storage-blob`, ...
    pub key: String,
    /// What it connects to, in words: `workspace`, `storage account (blob)`.
    pub label: String,
    pub target: PeTarget,
    pub target_name: String,
    /// Group ID (sub-resource): `amlworkspace`, `blob`, `file`.
    pub group_id: String,
    /// Indices into `PrivateModel::zones`.
    pub zone_indices: Vec<usize>,
    pub zone_names: Vec<String>,
    /// Host names clients resolve through it, with the address each needs.
    pub hosts: Vec<HostModel>,
    /// The workspace identity gets Reader on this endpoint (storage: studio data preview).
    pub workspace_reader: bool,
    /// Bicep: module symbol, name parameter and target ID expression (`lower::bicep`).
    pub symbol: String,
    pub name_param: String,
    pub target_id_bicep: String,
    /// Runbook: the variable holding the target's ID (`lower::cli`).
    pub target_id_var: String,
}

/// The resource a private endpoint connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeTarget {
    Workspace,
    Storage,
    KeyVault,
    Registry,
    MonitorScope,
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
    /// The catalog template (`privatelink.blob.{storage}`).
    pub template: String,
    /// Sub-resource of the endpoint that first needs it.
    pub group_id: String,
    /// Bicep: name expression (environment() where the cloud has the suffix), the ID of the zone
    /// in the central resource group (`existing` mode) and the module symbol (`lower::bicep`).
    pub bicep: String,
    pub existing_id_bicep: String,
    /// Bicep: the zone's ID among the corporate network's zones (`lower::bicep`).
    pub corporate_id_bicep: String,
    pub symbol: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsModel {
    /// Azure-provided DNS, reachable only from inside a VNet.
    pub azure_dns_ip: String,
    /// Public zones a custom DNS server forwards to Azure DNS (never the privatelink.* zones).
    pub forward_zones: Vec<String>,
    /// Host names of compute instances (per instance; catalog/clouds.yaml, this cloud and
    /// region), served by the workspace endpoint.
    pub compute_instance_hosts: Vec<String>,
    /// Scoring hosts of the blueprint's online endpoints, served by the workspace endpoint.
    pub online_endpoint_hosts: Vec<String>,
}

/// Who may do what: the custom roles the blueprint's personas need, defined in the resource
/// group, and each persona's role assignments (catalog/access.yaml).
#[derive(Debug, Clone, Serialize, Default)]
pub struct AccessModel {
    /// Whether any persona names a group, so roles are deployed at all.
    pub deployed: bool,
    /// Whether a persona with groups gets roles on the storage account.
    pub storage_roles: bool,
    /// Custom roles some persona with groups uses, in catalog order.
    pub custom_roles: Vec<CustomRoleModel>,
    /// Every persona, in catalog order, groups or not (the README's table lists them all).
    pub personas: Vec<PersonaModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomRoleModel {
    pub key: String,
    pub title: String,
    pub description: String,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    /// Lowered (Bicep): the resource's symbol (`itAdminRole`).
    pub bicep_symbol: String,
    /// Lowered (Bicep): the role name as a string literal with `${workspaceName}`.
    pub bicep_role_name: String,
    /// Lowered (az CLI): the role name as one shell word with `${WORKSPACE_NAME}`.
    pub cli_role_name: String,
    /// Lowered (az CLI): the `--role-definition` JSON as one shell word.
    pub cli_definition: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonaModel {
    pub key: String,
    pub title: String,
    /// Entra group object IDs, lower case, in blueprint order.
    pub principal_ids: Vec<String>,
    /// Roles on the workspace.
    pub roles: Vec<AssignedRole>,
    /// Roles on the storage account (only when it takes no shared keys).
    pub storage_roles: Vec<AssignedRole>,
    pub can: String,
    pub cannot: String,
    /// Lowered (Bicep): the main.bicep parameter with the group IDs (`itAdminsPrincipalIds`).
    pub bicep_param: String,
}

/// A role a persona gets: built-in (by its GUID) or one of the custom roles.
#[derive(Debug, Clone, Serialize)]
pub struct AssignedRole {
    /// The role's name as people see it (`Reader`, `Azure ML IT Admin`).
    pub label: String,
    pub built_in_id: Option<String>,
    /// Key of the custom role (see [`AccessModel::custom_roles`]).
    pub custom: Option<String>,
    /// Lowered (Bicep): the symbol of the persona's assignments of this role.
    pub bicep_symbol: String,
    /// Lowered (Bicep): the role definition's resource ID expression.
    pub bicep_role_definition_id: String,
    /// Lowered (az CLI): `--role`, the built-in role's GUID or the custom role's name.
    pub cli_role: String,
}

/// Azure Policy (the blueprint's opt-in `policy:`): assignments of the built-in Azure Machine
/// Learning definitions that hold what this blueprint promises (catalog/policy.yaml).
#[derive(Debug, Clone, Serialize, Default)]
pub struct PolicyModel {
    /// Whether the blueprint turns policy on (then `assignments` is never empty).
    pub deployed: bool,
    /// `resource_group` or `subscription`.
    pub scope: &'static str,
    /// The blueprint's effect, ARM spelling: `Audit` or `Deny`.
    pub effect: &'static str,
    pub assignments: Vec<PolicyAssignmentModel>,
    /// The private DNS zone DeployIfNotExists assignment's zones and its identity's roles.
    pub dns: Option<PolicyDnsModel>,
    /// Catalogued definitions this blueprint does not get, each with the reason.
    pub left_out: Vec<PolicyLeftOutModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyAssignmentModel {
    /// Catalog key (`public_network_access`).
    pub key: String,
    /// Assignment name after the workspace's (`-public-network-access`), unique per workspace
    /// at a subscription shared by several.
    pub name_suffix: String,
    /// The full assignment name for this render.
    pub name: String,
    pub display_name: String,
    /// The built-in definition's GUID and its resource ID.
    pub definition: String,
    pub definition_id: String,
    /// Where it is defined (Azure/azure-policy file) and its version.
    pub file: String,
    pub version: String,
    /// The `effect` parameter's value.
    pub effect: String,
    /// The effect is the blueprint's (otherwise the definition allows only Audit, or deploys).
    pub follows_effect: bool,
    /// Other parameters with literal values (`isolationMode`).
    pub parameters: IndexMap<String, String>,
    /// A system-assigned identity (DeployIfNotExists deploys with it).
    pub identity: bool,
    /// What it enforces on this blueprint.
    pub enforces: String,
    /// Lowered (Bicep): the resource's symbol.
    pub bicep_symbol: String,
    /// Lowered (az CLI): `--params` JSON as one shell word.
    pub cli_params: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyDnsModel {
    /// The workspace endpoint's zones, in the definition's order: `privateDnsZoneId`
    /// (api) then `secondPrivateDnsZoneId` (notebooks).
    pub zones: Vec<PolicyZoneModel>,
    /// With central zones (`existing`): their resource group ID; None: this resource group.
    pub zones_resource_group_id: Option<String>,
    /// Role at the assignment's scope (the definition's roleDefinitionIds).
    pub scope_role: PolicyRoleModel,
    /// Role on each zone.
    pub zone_role: PolicyRoleModel,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyZoneModel {
    pub name: String,
    /// The definition's parameter that takes this zone's ID.
    pub parameter: &'static str,
    /// Lowered (Bicep): the zone's name and ID expressions in main.bicep, and the module's
    /// parameter and existing-zone symbol.
    pub bicep_name: String,
    pub bicep_id: String,
    pub bicep_param: String,
    pub bicep_symbol: String,
    /// Lowered (az CLI): the runbook variable holding the zone's ID, and its quoted reference.
    pub cli_var: String,
    pub cli_ref: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyRoleModel {
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyLeftOutModel {
    pub display_name: String,
    pub definition: String,
    pub reason: &'static str,
}

/// How people reach the private workspace (the blueprint's `way_in`, README "The way in").
#[derive(Debug, Clone, Serialize)]
pub struct WayInModel {
    /// The VNet the way-in resources are in: the client VNet (managed VNet) or the hub; none
    /// when the blueprint has neither.
    pub vnet_role: Option<VnetRole>,
    pub vnet_name: Option<String>,
    /// AzureBastionSubnet's range in that VNet, when Bastion is deployed there.
    pub bastion_subnet: Option<String>,
    /// Bastion in the client VNet (the hub's is `HubModel::bastion`).
    pub client_bastion: Option<BastionModel>,
    /// Subnets the way in adds to the client VNet, in address-plan order (none in the hub,
    /// whose subnets are `HubModel::subnets`).
    pub client_subnets: Vec<HubSubnetModel>,
    pub jump_box: Option<JumpBoxModel>,
    pub vpn: Option<VpnModel>,
    /// The hub's peering uses an existing gateway (`network.hub.gateway_transit` without
    /// `way_in.vpn`): people come in over the customer's own VPN or ExpressRoute.
    pub existing_gateway: bool,
    /// Lowered (az): the `az rest` PUT bodies, one shell word each, by resource: `bastion`,
    /// `nic`, `vm`, `extension`, `schedule`, `vpn_gateway` (`lower::cli`).
    pub body_shell: IndexMap<&'static str, String>,
    /// API versions of the runbook's PUTs, by the same keys.
    pub api: IndexMap<&'static str, String>,
}

/// The jump box: a Linux VM without public IP, reached only through Bastion.
#[derive(Debug, Clone, Serialize)]
pub struct JumpBoxModel {
    pub name: String,
    pub nic_name: String,
    pub nsg_name: String,
    pub nat_gateway_name: String,
    pub nat_gateway_public_ip: String,
    pub subnet_name: String,
    pub subnet_prefix: String,
    pub vm_size: String,
    pub admin_username: String,
    /// Public key: no secret, so it may sit in the parameters and the runbooks.
    pub ssh_public_key: String,
    /// `imageReference` (publisher, offer, sku, version).
    pub image: Json,
    pub os_disk_type: String,
    pub security_type: String,
    pub extension_name: String,
    pub extension_publisher: String,
    pub extension_type: String,
    pub extension_version: String,
    /// `shutdown-computevm-<vm>`: the name Azure gives a VM's auto-shutdown schedule.
    pub schedule_name: String,
    pub shutdown_time: String,
    pub shutdown_time_zone: String,
    pub nsg_rules: Vec<JumpBoxNsgRule>,
    /// Who may sign in with Microsoft Entra ID: each persona's groups, IT admins as
    /// administrators, the others as regular users.
    pub logins: Vec<JumpBoxLoginModel>,
}

/// One persona's sign-in role on the jump box.
#[derive(Debug, Clone, Serialize)]
pub struct JumpBoxLoginModel {
    /// The persona's key (`it_admins`) and title.
    pub persona_key: String,
    pub persona: String,
    /// Lowered (Bicep): the main.bicep parameter with the persona's group IDs, as
    /// `PersonaModel::bicep_param`.
    pub bicep_param: String,
    pub principal_ids: Vec<String>,
    pub role_name: String,
    pub role_id: String,
}

/// A rule of the jump box's NSG; addresses are literal (ranges of this blueprint, or tags).
#[derive(Debug, Clone, Serialize)]
pub struct JumpBoxNsgRule {
    pub name: String,
    pub priority: u32,
    pub direction: &'static str,
    pub access: &'static str,
    pub protocol: &'static str,
    pub source: String,
    pub destination: String,
    pub port: String,
    pub description: String,
}

/// A point-to-site VPN gateway with Microsoft Entra ID sign-in.
#[derive(Debug, Clone, Serialize)]
pub struct VpnModel {
    pub name: String,
    pub public_ip: String,
    pub sku: String,
    pub generation: String,
    pub client_address_pool: String,
    pub protocols: Vec<String>,
    pub authentication_types: Vec<String>,
    /// The Microsoft-registered Azure VPN Client's audience.
    pub audience: String,
    /// `aadTenant` and `aadIssuer` are these followed by the tenant ID (the issuer with a slash).
    pub tenant_prefix: String,
    pub issuer_prefix: String,
    /// The GatewaySubnet's range.
    pub gateway_subnet: String,
}

/// The private AKS cluster for scoring, its Azure Machine Learning extension and the Kubernetes
/// compute that attaches it (catalog/defaults.yaml `aks_*` for every fixed choice).
#[derive(Debug, Clone, Serialize)]
pub struct KubernetesModel {
    pub cluster_name: String,
    /// The user-assigned control-plane identity: it exists (with its roles on the subnet and
    /// the private DNS zone) before the cluster, as a private cluster with its own zone needs.
    pub identity_name: String,
    pub compute_name: String,
    pub vm_size: String,
    pub node_count: u32,
    pub max_pods: u32,
    /// `None`: the version Azure picks at creation.
    pub kubernetes_version: Option<String>,
    pub sku_tier: String,
    /// `autoUpgradeProfile`: the Kubernetes and node OS upgrade channels.
    pub upgrade_channel: String,
    pub node_os_upgrade_channel: String,
    pub network_plugin: String,
    /// ARM `outboundType`: `userDefinedRouting` through the hub firewall (the scoring subnet's
    /// route table), `userAssignedNATGateway` through the spoke's NAT gateway. az
    /// `--outbound-type` spells them the same.
    pub outbound_type: &'static str,
    /// The scoring subnet (name) the nodes, pods, API server endpoint and load balancer use.
    pub subnet_name: String,
    pub subnet_role_id: String,
    pub dns_zone_role_id: String,
    /// The API server's private DNS zone, literal (`privatelink.eastus.azmk8s.io`) and as a
    /// catalog template (`privatelink.{region}.azmk8s.io`).
    pub dns_zone: String,
    pub dns_zone_template: String,
    /// Bicep: the zone name as an expression of `location` (`lower::bicep`).
    pub dns_zone_bicep: String,
    /// Runbook: the zone name and (central zone) its ID as shell words of `${LOCATION}`
    /// (`lower::cli`), so a runbook run for another region uses that region's zone.
    pub dns_zone_shell: String,
    pub dns_zone_id_shell: String,
    /// `true`: amlgen creates the zone here and links it; `false`: it is in the central zones'
    /// resource group (`private_dns.mode: existing`).
    pub dns_zone_created: bool,
    pub zones_resource_group_id: Option<String>,
    pub extension_name: String,
    pub extension_type: String,
    pub extension_release_train: String,
    pub extension_namespace: String,
    /// The extension's configuration settings, in the order the docs list them.
    pub extension_settings: Vec<(String, String)>,
    /// Settings whose value is known when the deployment runs: `{cluster_id}` (the cluster's
    /// resource ID) or a `{region}` template. `az k8s-extension create` fills them itself when
    /// absent (and copies `cluster_name` to `clusterId` and the Prometheus label); an ARM PUT
    /// must send them, or the extension runs with its chart's defaults.
    pub extension_runtime_settings: Vec<(String, String)>,
    /// Lowered (Bicep): the same as (key, expression) (`lower::bicep`).
    pub extension_runtime_bicep: Vec<(String, String)>,
    /// Lowered (az): `key=value` shell words for `--config` (`lower::cli`).
    pub extension_runtime_shell: Vec<String>,
    pub compute_namespace: String,
    pub tls_cname: String,
    /// Azure CNI addresses the cluster takes in the scoring subnet, and what the subnet has.
    pub addresses_needed: u64,
    pub subnet_usable: u64,
    /// The scoring subnet's prefix: the only source of the firewall rules the cluster needs.
    pub subnet_prefix: String,
    /// The scoring subnet's own route table (firewall egress), whose one route sends 0.0.0.0/0
    /// to the firewall; None with the NAT gateway.
    pub route_table: Option<String>,
    /// The firewall rules (amlgen's firewall, or the ones a landing zone's must have) that let
    /// the cluster's traffic out, from the scoring subnet alone.
    pub egress_rules: Vec<String>,
}
