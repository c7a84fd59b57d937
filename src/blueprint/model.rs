//! The blueprint: what a user writes. Field names are the YAML keys (snake_case); every struct
//! refuses unknown keys so a typo is an error, not a silently dropped setting. The JSON Schema in
//! `schemas/blueprint.schema.json` is generated from these types (`amlgen schema`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An amlgen blueprint: one Azure Machine Learning workspace and the network around it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blueprint {
    /// The blueprint this file changes: a built-in name (`approved-only`) or a .yaml path
    /// relative to this file, inside the repository. Its values are laid under this file's, as
    /// `--values` lays a file over a blueprint (mappings merge, lists and scalars replace,
    /// `null` removes).
    #[serde(default, skip_serializing)]
    pub extends: Option<String>,
    /// Blueprint name; also the output folder name under `out/`. Lowercase letters, digits, hyphens.
    pub name: String,
    /// One or two sentences on what this blueprint is for; printed in the generated README.
    pub description: String,
    /// Azure region of every resource, e.g. `eastus`.
    pub location: String,
    /// Azure cloud; decides DNS zone names and service host names.
    #[serde(default)]
    pub cloud: Cloud,
    /// How resource names are derived.
    pub naming: Naming,
    /// Tags applied to every resource.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The resource group everything is deployed to.
    #[serde(default)]
    pub resource_group: ResourceGroup,
    /// The Azure Machine Learning workspace.
    pub workspace: Workspace,
    /// The workspace's dependent resources.
    #[serde(default)]
    pub dependencies: Dependencies,
    /// The customer VNet from which people reach the private workspace (studio, SDK, VS Code).
    /// For workspaces with a managed VNet; hub-spoke blueprints reach it through the spoke.
    #[serde(default)]
    pub client_access: Option<ClientAccess>,
    /// A customer-managed hub-spoke network (workspace without managed VNet): hub with Azure
    /// Firewall, spoke with training, scoring and private endpoint subnets.
    #[serde(default)]
    pub network: Option<CustomerNetwork>,
    /// Compute: in the spoke's training subnet with a customer network, in the workspace
    /// managed VNet otherwise. The cluster also builds the workspace's images.
    #[serde(default)]
    pub compute: Compute,
    /// Private DNS zones of the private endpoints: created here (default), central zones that
    /// already exist, or left to Azure Policy (landing zones).
    #[serde(default)]
    pub private_dns: PrivateDnsSettings,
    /// Who may use the workspace: Microsoft Entra group object IDs per persona. Each persona's
    /// groups get its roles on the workspace (the README's access table says what each can and
    /// cannot do); seed 001's custom roles are defined in the resource group.
    #[serde(default)]
    pub access: Access,
    /// Azure Policy assignments of the built-in Azure Machine Learning definitions that hold what
    /// this blueprint promises (catalog/policy.yaml), at the resource group or the subscription.
    /// Off unless given.
    #[serde(default)]
    pub policy: Option<PolicySettings>,
    /// Package ecosystems compute may download from (catalog/packages.yaml): `pip`, `conda`,
    /// `huggingface`, `docker_hub`, `github`, `cran`, `npm`, `vscode`. Become FQDN rules
    /// (approved-only) or firewall application rules (hub-spoke).
    #[serde(default)]
    pub packages: Vec<String>,
    /// Model serving: managed online endpoints (managed VNet; refused with a customer VNet,
    /// AMLG150) and AKS in the spoke's scoring subnet (customer VNet). Off unless given.
    #[serde(default)]
    pub inference: Inference,
    /// How people reach the private workspace: a jump box behind Azure Bastion, a point-to-site
    /// VPN, or both; placed in the client VNet (managed VNet) or the hub (customer VNet). Off
    /// unless given: the README then says the way in is yours to bring.
    #[serde(default)]
    pub way_in: WayIn,
}

/// Model serving (issue 13, "Secure inference").
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inference {
    /// Managed online endpoints, created without deployments: public network access disabled
    /// (scoring only through the workspace's private endpoint), a system-assigned identity.
    /// Needs a workspace managed VNet, in which their deployments run.
    #[serde(default)]
    pub online_endpoints: Vec<OnlineEndpoint>,
    /// A private AKS cluster in the spoke's scoring subnet with the Azure Machine Learning
    /// extension, attached to the workspace as Kubernetes compute. Needs `network:` (a customer
    /// VNet).
    #[serde(default)]
    pub kubernetes: Option<KubernetesScoring>,
}

/// A managed online endpoint. Its scoring host is `<name>.<region>.inference.<cloud suffix>`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnlineEndpoint {
    /// Endpoint name: 3-32 letters, digits and hyphens, starting with a letter and ending with a
    /// letter or digit; unique in the Azure region (it is part of the scoring host name).
    pub name: String,
    /// How clients authenticate scoring requests: `aad_token` (default: Microsoft Entra tokens,
    /// which expire, and the caller needs the `onlineEndpoints/score/action` permission), `key`
    /// (keys that never expire) or `aml_token` (Azure Machine Learning tokens).
    #[serde(default)]
    pub auth_mode: EndpointAuthMode,
    /// Description shown in the studio.
    #[serde(default)]
    pub description: Option<String>,
}

/// `auth_mode` of an online endpoint, in the az ml YAML spelling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointAuthMode {
    /// Microsoft Entra token: no long-lived secret, and Azure RBAC decides who may score.
    #[default]
    AadToken,
    /// A key that does not expire; anyone holding it can score.
    Key,
    /// An Azure Machine Learning token, which expires; fetching one needs the
    /// `onlineEndpoints/token/action` permission.
    AmlToken,
}

impl EndpointAuthMode {
    /// The az ml YAML spelling (`aad_token`).
    pub fn cli(self) -> &'static str {
        match self {
            EndpointAuthMode::AadToken => "aad_token",
            EndpointAuthMode::Key => "key",
            EndpointAuthMode::AmlToken => "aml_token",
        }
    }

    /// The ARM spelling (`AADToken`).
    pub fn arm(self) -> &'static str {
        match self {
            EndpointAuthMode::AadToken => "AADToken",
            EndpointAuthMode::Key => "Key",
            EndpointAuthMode::AmlToken => "AMLToken",
        }
    }
}

/// The ways in amlgen can deploy (README, "The way in").
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WayIn {
    /// A Linux VM with no public IP that people reach only through Azure Bastion, signing in
    /// with Microsoft Entra ID (or the SSH key given here). Needs Bastion in the same VNet:
    /// `client_access.bastion` or `network.hub.bastion`.
    #[serde(default)]
    pub jump_box: Option<JumpBox>,
    /// A point-to-site VPN gateway (OpenVPN, Microsoft Entra ID sign-in with the Azure VPN
    /// Client) in the GatewaySubnet of the client VNet or the hub. Takes about 45 minutes to
    /// deploy and is billed by the hour.
    #[serde(default)]
    pub vpn: Option<PointToSiteVpn>,
}

/// A Linux jump box: SSH key or Microsoft Entra ID sign-in, never a password.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JumpBox {
    /// VM size; default catalog/defaults.yaml `jump_box_vm_size` (a size with trusted launch).
    #[serde(default)]
    pub vm_size: Option<String>,
    /// The local administrator's user name; default `azureuser`.
    #[serde(default)]
    pub admin_username: Option<String>,
    /// The administrator's SSH public key, one line as in `~/.ssh/id_ed25519.pub`
    /// (`ssh-ed25519`, `ssh-rsa` of 2048 bits or more, or `ecdsa-sha2-nistp*`). Public, so it may
    /// be written into the outputs; everyone else signs in with Microsoft Entra ID.
    pub ssh_public_key: String,
    /// The VM shuts down every day at this time (`HHMM`, 24-hour clock); default `1900`.
    #[serde(default)]
    pub shutdown_time: Option<String>,
    /// Windows time zone ID of `shutdown_time`, e.g. `W. Europe Standard Time`; default `UTC`.
    #[serde(default)]
    pub shutdown_time_zone: Option<String>,
}

/// Point-to-site VPN with Microsoft Entra ID authentication.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointToSiteVpn {
    /// Addresses VPN clients get, e.g. `172.16.200.0/24`: must overlap no VNet of the blueprint
    /// (nor a network the clients are on).
    pub client_address_pool: String,
    /// Gateway SKU: `VpnGw1AZ` (default) to `VpnGw5AZ`; Basic cannot use Microsoft Entra ID.
    #[serde(default)]
    pub sku: VpnGatewaySku,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VpnGatewaySku {
    #[default]
    VpnGw1AZ,
    VpnGw2AZ,
    VpnGw3AZ,
    VpnGw4AZ,
    VpnGw5AZ,
}

impl VpnGatewaySku {
    pub fn as_str(self) -> &'static str {
        match self {
            VpnGatewaySku::VpnGw1AZ => "VpnGw1AZ",
            VpnGatewaySku::VpnGw2AZ => "VpnGw2AZ",
            VpnGatewaySku::VpnGw3AZ => "VpnGw3AZ",
            VpnGatewaySku::VpnGw4AZ => "VpnGw4AZ",
            VpnGatewaySku::VpnGw5AZ => "VpnGw5AZ",
        }
    }
}

/// A private AKS cluster for online endpoints: Azure CNI (nodes and pods take addresses of the
/// scoring subnet), no public IPs, the inference router on an internal load balancer with TLS.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KubernetesScoring {
    /// The Kubernetes compute's name in the workspace: 2-16 letters, digits and hyphens,
    /// starting with a letter.
    pub compute_name: String,
    /// The AKS cluster's resource name; default `aks-<prefix>`.
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// VM size of the nodes. Default Standard_D4s_v5 (4 vCPUs, 16 GiB: the extension's
    /// production minimum is 4 vCPUs and 14 GB).
    #[serde(default)]
    pub vm_size: Option<String>,
    /// Nodes of the cluster (1 to 1000). Default 3: the inference router runs three replicas
    /// for high availability from three nodes on, one below.
    #[serde(default)]
    pub node_count: Option<u32>,
    /// Pods per node (10 to 250). Default 30, Azure CNI's default. With Azure CNI every pod
    /// takes an address of the scoring subnet, so this sizes the subnet.
    #[serde(default)]
    pub max_pods: Option<u32>,
    /// Kubernetes version (`1.33`); default: the version Azure picks when the cluster is created.
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    /// TLS of the inference router (required: the extension refuses HTTP unless told it is for
    /// testing, and amlgen does not tell it).
    #[serde(default)]
    pub tls: Option<ScoringTls>,
}

/// The host name clients call the endpoints by; the certificate and key (PEM files, no
/// passphrase) are given at deploy time, never stored in the render.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringTls {
    /// The name in the certificate that clients use (`scoring.contoso.com`); point it at the
    /// router's internal load balancer IP in your DNS.
    pub cname: String,
}

/// Where and how the blueprint's Azure Policy assignments apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// The assignments' scope: `resource_group` (default) or `subscription` (needs
    /// `resource_group.subscription_id`; it also applies to every other workspace there).
    /// `management_group` is refused (AMLG140): the deployment writes a resource group.
    #[serde(default)]
    pub scope: PolicyScope,
    /// `audit` (default): report what breaks the blueprint's promises; `deny`: refuse it, where the
    /// definition allows Deny (the others audit). The private DNS zone policy deploys either way.
    #[serde(default)]
    pub effect: PolicyEffect,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyScope {
    #[default]
    ResourceGroup,
    Subscription,
    /// Accepted by the schema only to be refused with its reason (AMLG140).
    ManagementGroup,
}

impl PolicyScope {
    pub fn key(self) -> &'static str {
        match self {
            PolicyScope::ResourceGroup => "resource_group",
            PolicyScope::Subscription => "subscription",
            PolicyScope::ManagementGroup => "management_group",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyEffect {
    #[default]
    Audit,
    Deny,
}

/// Microsoft Entra groups per persona (catalog/access.yaml gives each persona's roles).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Run the workspace: settings, outbound rules, compute, connections; no data-plane access.
    #[serde(default)]
    pub it_admins: Vec<Guid>,
    /// Experiments, jobs, models and endpoints in the workspace; no compute creation.
    #[serde(default)]
    pub data_scientists: Vec<Guid>,
    /// What data scientists do, plus creating and managing compute.
    #[serde(default)]
    pub data_scientist_super_users: Vec<Guid>,
    /// Read the workspace and its assets; change nothing.
    #[serde(default)]
    pub readers: Vec<Guid>,
}

impl Access {
    /// Group object IDs by persona key (the field name, and the key in catalog/access.yaml).
    pub fn groups(&self) -> [(&'static str, &[Guid]); 4] {
        [
            ("it_admins", &self.it_admins),
            ("data_scientists", &self.data_scientists),
            (
                "data_scientist_super_users",
                &self.data_scientist_super_users,
            ),
            ("readers", &self.readers),
        ]
    }
}

/// Where the private DNS zones come from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateDnsSettings {
    #[serde(default)]
    pub mode: PrivateDnsMode,
    /// With `existing`: the resource group holding the zones, as
    /// `/subscriptions/<id>/resourceGroups/<name>`; zone names are the standard ones.
    #[serde(default)]
    pub zones_resource_group_id: Option<String>,
    /// Zone links fall back to public resolution for names the private zone lacks
    /// (`resolutionPolicy: NxDomainRedirect`), so a storage account with a private endpoint
    /// elsewhere (another team's, another tenant's) still resolves from these VNets. Only with
    /// `mode: create`, where amlgen makes the links.
    #[serde(default)]
    pub fallback_to_internet: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrivateDnsMode {
    /// Create the zones, link them to the VNets, and attach a zone group to each endpoint.
    #[default]
    Create,
    /// Use zones that exist in a central resource group (linked by the platform team); attach
    /// zone groups that point at them.
    Existing,
    /// Create neither zones nor zone groups: Azure Policy (e.g. the landing-zone DINE policies)
    /// adds the zone groups.
    Policy,
}

impl PrivateDnsMode {
    pub fn key(self) -> &'static str {
        match self {
            PrivateDnsMode::Create => "create",
            PrivateDnsMode::Existing => "existing",
            PrivateDnsMode::Policy => "policy",
        }
    }
}

/// Customer-managed network: a spoke VNet for compute and private endpoints, and how its
/// traffic leaves (a hub firewall, or a NAT gateway on the compute subnets).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerNetwork {
    /// How compute traffic reaches the internet: `firewall` (through Azure Firewall in the hub,
    /// which needs `hub`) or `nat_gateway` (a NAT gateway on the compute subnets, NSGs allow
    /// what Azure Machine Learning needs; no hub).
    #[serde(default)]
    pub egress: Egress,
    /// The hub VNet with the firewall (`egress: firewall`).
    #[serde(default)]
    pub hub: Option<Hub>,
    pub spoke: Spoke,
    /// Exfiltration prevention: a service endpoint policy on the compute subnets, no Storage
    /// service tag on the firewall, outbound Internet denied by the NSGs.
    #[serde(default)]
    pub exfiltration_prevention: bool,
    /// DNS servers (IPv4 addresses) of the spoke VNet amlgen creates, e.g. a landing zone's DNS
    /// Private Resolver inbound endpoint or the hub firewall's DNS proxy. They must forward the
    /// Azure Machine Learning zones to Azure DNS (168.63.129.16) from a VNet the zones are
    /// linked to (the README's DNS section). Not with a firewall amlgen creates, whose DNS
    /// proxy the spoke uses (AMLG184), nor without a VNet to set them on (AMLG181).
    #[serde(default)]
    pub dns_servers: Vec<String>,
    /// A second set of private endpoints in an existing corporate subnet, for a workspace
    /// network that is not peered to the corporate network ("private IP address shortage").
    #[serde(default)]
    pub corporate_access: Option<CorporateAccess>,
}

/// Private endpoints in a corporate VNet that is not peered to the workspace's network (Azure
/// Machine Learning's "Private IP address shortage in your main network"): people reach the
/// workspace and its default storage through a second set of endpoints there, registered in
/// the corporate network's own private DNS zones. The corporate VNet spends addresses only on
/// these endpoints; compute stays in the spoke.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorporateAccess {
    /// Resource ID of the existing corporate subnet for the endpoints (in the blueprint's
    /// region): `.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name>`.
    pub pe_subnet_id: String,
    /// Its address prefix, when known: an overlap with the spoke or hub is reported (AMLG185),
    /// as the two networks can then never be peered.
    #[serde(default)]
    pub address_prefix: Option<String>,
    /// The resource group of the corporate network's private DNS zones,
    /// `/subscriptions/<id>/resourceGroups/<name>`: the endpoints' zone groups point there.
    /// Without it, Azure Policy in the corporate landing zone adds the zone groups.
    #[serde(default)]
    pub zones_resource_group_id: Option<String>,
}

/// A hub that already exists (a landing zone's), named by resource ID: amlgen creates nothing
/// in it. The spoke amlgen creates routes 0.0.0.0/0 to the firewall's private IP and peers to
/// the hub from its own side; the hub side is the hub owner's (the README gives the command).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExistingHub {
    /// Resource ID of the hub VNet:
    /// `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>`.
    pub vnet_id: String,
    /// Private IP address of the hub's firewall (or network virtual appliance): the next hop
    /// of the compute subnets' default route.
    pub firewall_private_ip: String,
}

/// A spoke that already exists (a landing zone's), named by its subnets' resource IDs: amlgen
/// creates no VNet, subnet, NSG, route table or peering there, since a PUT of someone else's
/// subnet would overwrite their settings. The README lists what the subnets must already have
/// and the runbook verifies it before deploying.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExistingSpoke {
    /// Resource ID of the subnet for compute (clusters, instances, serverless compute):
    /// `.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name>`.
    pub training_subnet_id: String,
    /// Resource ID of the subnet for the private endpoints, in the same VNet.
    pub pe_subnet_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    /// A hub that exists already (resource ID and firewall IP): amlgen creates none of the
    /// hub's resources, and the settings below that describe them are refused (AMLG181).
    #[serde(default)]
    pub existing: Option<ExistingHub>,
    /// Hub VNet name; default `vnet-<prefix>-hub`.
    #[serde(default)]
    pub name: Option<String>,
    /// Address space, e.g. `["10.100.0.0/22"]`. Required for a hub amlgen creates; for an
    /// existing one optional, and when given checked against the spoke's ranges.
    #[serde(default)]
    pub address_space: Vec<String>,
    #[serde(default)]
    pub firewall: HubFirewall,
    /// Deploy Azure Bastion (AzureBastionSubnet) for browser access to jump boxes.
    #[serde(default)]
    pub bastion: bool,
    /// Reserve a GatewaySubnet for a VPN or ExpressRoute gateway (the gateway is not created).
    #[serde(default)]
    pub gateway_subnet: bool,
    /// A VPN or ExpressRoute gateway runs in the GatewaySubnet and the spoke uses it (gateway
    /// transit on the peering), so networks behind the gateway reach the spoke. Needs
    /// `gateway_subnet`; the gateway must exist before deploying, since Azure refuses
    /// `useRemoteGateways` towards a hub without one. With `way_in.vpn` amlgen creates the
    /// gateway, turns gateway transit on and peers once the gateway exists.
    #[serde(default)]
    pub gateway_transit: bool,
    /// Deploy an Azure DNS Private Resolver with an inbound endpoint, so on-premises DNS servers
    /// can forward the Azure Machine Learning zones to an address in the hub.
    #[serde(default)]
    pub dns_resolver: bool,
    /// Address prefixes of hub subnets; any not given is carved from the address space.
    #[serde(default)]
    pub subnets: HubSubnets,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HubFirewall {
    /// Azure Firewall SKU: `standard` (DNS proxy, FQDNs in network rules) or `basic`.
    #[serde(default)]
    pub sku: FirewallSku,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HubSubnets {
    #[serde(default)]
    pub firewall: Option<String>,
    #[serde(default)]
    pub firewall_management: Option<String>,
    #[serde(default)]
    pub bastion: Option<String>,
    #[serde(default)]
    pub gateway: Option<String>,
    /// Subnet of the DNS Private Resolver inbound endpoint (/28 or larger).
    #[serde(default)]
    pub dns_resolver_inbound: Option<String>,
    /// Subnet of the jump box (`way_in.jump_box`).
    #[serde(default)]
    pub jump_box: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spoke {
    /// A spoke that exists already, by its subnets' resource IDs (needs an existing hub with
    /// firewall egress, AMLG183).
    #[serde(default)]
    pub existing: Option<ExistingSpoke>,
    /// Spoke VNet name; default `vnet-<prefix>-spoke`.
    #[serde(default)]
    pub name: Option<String>,
    /// Address space, e.g. `["10.101.0.0/16"]`. Required for a spoke amlgen creates; for an
    /// existing one optional (what it states is checked against the hub's ranges).
    #[serde(default)]
    pub address_space: Vec<String>,
    /// Address prefixes of the training, scoring and pe subnets; any not given is carved. For
    /// an existing spoke, the prefixes its training and pe subnets have, when known.
    #[serde(default)]
    pub subnets: SpokeSubnets,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpokeSubnets {
    #[serde(default)]
    pub training: Option<String>,
    #[serde(default)]
    pub scoring: Option<String>,
    #[serde(default)]
    pub pe: Option<String>,
}

/// Compute in the training subnet (customer network) or the managed VNet (no subnet: Azure
/// places managed-VNet compute there itself).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    #[serde(default)]
    pub cluster: Option<ComputeCluster>,
    #[serde(default)]
    pub instance: Option<ComputeInstance>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComputeCluster {
    /// Cluster name: 2-16 letters, digits and hyphens, starting with a letter.
    pub name: String,
    #[serde(default = "default_vm_size")]
    pub vm_size: String,
    /// Nodes kept running while idle. 0 (the default): no node, and no VM charge, while the
    /// cluster waits for a job or an image build.
    #[serde(default)]
    pub min_nodes: u32,
    #[serde(default = "default_max_nodes")]
    pub max_nodes: u32,
    /// Give nodes a public IP (then Azure ML needs inbound 44224 and routes that skip the firewall).
    #[serde(default)]
    pub public_ip: bool,
}

/// A compute instance created on behalf of one person: Azure gives an instance to whoever
/// creates it, and a deployment's creator is a pipeline, so the blueprint names the owner.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComputeInstance {
    /// Instance name: 3-24 letters, digits and hyphens, starting with a letter; unique in the region.
    pub name: String,
    #[serde(default = "default_vm_size")]
    pub vm_size: String,
    #[serde(default)]
    pub public_ip: bool,
    /// The person the instance is assigned to (required). Only they can use it; they turn on
    /// single sign-on themselves, as Azure lets no creator do it for them.
    #[serde(default)]
    pub owner: Option<InstanceOwner>,
    /// Minutes without activity after which the instance shuts down (15 to 4320). Default 60.
    #[serde(default)]
    pub idle_shutdown_minutes: Option<u32>,
}

/// The Microsoft Entra user a compute instance is assigned to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceOwner {
    /// The user's object ID (`az ad user show --id <upn> --query id`).
    pub object_id: Guid,
    /// The user's tenant; default the tenant the deployment runs in.
    #[serde(default)]
    pub tenant_id: Option<Guid>,
}

fn default_vm_size() -> String {
    "Standard_DS3_v2".to_string()
}

fn default_max_nodes() -> u32 {
    4
}

/// Azure cloud environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Cloud {
    #[default]
    AzureCloud,
    AzureUSGovernment,
    AzureChinaCloud,
}

impl Cloud {
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::AzureCloud => "AzureCloud",
            Cloud::AzureUSGovernment => "AzureUSGovernment",
            Cloud::AzureChinaCloud => "AzureChinaCloud",
        }
    }
}

/// Naming: every resource name defaults to `<abbreviation>-<prefix>` (storage and registry drop
/// the hyphens); any name can be set explicitly in the resource's own section.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// Prefix from which names are derived, e.g. `fraud-prod`. Lowercase letters, digits, hyphens.
    pub prefix: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceGroup {
    /// Resource group name; default `rg-<prefix>`.
    #[serde(default)]
    pub name: Option<String>,
    /// Subscription the workspace is deployed to (a GUID). With it, `workspace.yml` holds full
    /// resource IDs and loads as is, and the scripts refuse to run in another subscription;
    /// without it, no `workspace.yml` is rendered (azure-ai-ml needs full IDs).
    #[serde(default)]
    pub subscription_id: Option<SubscriptionId>,
}

/// An Azure subscription ID: a GUID, checked where the blueprint is read so a placeholder
/// (`<subscription-id>`) never reaches a rendered resource ID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubscriptionId(String);

impl JsonSchema for SubscriptionId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SubscriptionId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An Azure subscription ID (a GUID), as `az account show --query id` prints it.",
            "type": "string",
            "pattern": GUID_PATTERN
        })
    }
}

impl SubscriptionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SubscriptionId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if is_guid(&s) {
            // Azure prints subscription IDs in lower case; one spelling keeps renders stable.
            Ok(SubscriptionId(s.to_ascii_lowercase()))
        } else {
            Err(format!(
                "`{}` is not a subscription ID: expected a GUID such as 00000000-0000-0000-0000-000000000000 (`az account show --query id`)",
                s.escape_debug()
            ))
        }
    }
}

impl From<SubscriptionId> for String {
    fn from(s: SubscriptionId) -> String {
        s.0
    }
}

/// A Microsoft Entra object or tenant ID: a GUID, checked where the blueprint is read, so a
/// user principal name or a placeholder never reaches a role assignment or an owner setting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Guid(String);

impl JsonSchema for Guid {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Guid".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Microsoft Entra object ID or tenant ID (a GUID).",
            "type": "string",
            "pattern": GUID_PATTERN
        })
    }
}

const GUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Whether `s` is a GUID in its 8-4-4-4-12 hexadecimal form.
fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    groups.len() == lens.len()
        && groups
            .iter()
            .zip(lens)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Guid {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Guid {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if is_guid(&s) {
            // Entra prints IDs in lower case; one spelling keeps renders stable.
            Ok(Guid(s.to_ascii_lowercase()))
        } else {
            Err(format!(
                "`{}` is not an object ID: expected a GUID such as 00000000-0000-0000-0000-000000000000 (`az ad group show --group <name> --query id`)",
                s.escape_debug()
            ))
        }
    }
}

impl From<Guid> for String {
    fn from(g: Guid) -> String {
        g.0
    }
}

/// The Azure Machine Learning workspace.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Workspace name; default `mlw-<prefix>`.
    #[serde(default)]
    pub name: Option<String>,
    /// Display name in the studio; default the workspace name.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// Whether the workspace is reachable from public networks. Default false: reachable only
    /// through private endpoints.
    #[serde(default)]
    pub public_network_access: bool,
    /// The workspace managed virtual network (`isolation_mode: disabled` for hub-spoke).
    pub managed_network: ManagedNetwork,
    /// Compute cluster or instance that builds images: a registry behind a private endpoint
    /// cannot build them itself. Default: the blueprint's compute cluster.
    #[serde(default)]
    pub image_build_compute: Option<String>,
    /// Encrypt the workspace's data with a key of yours (an existing key vault key, or one amlgen
    /// creates in the workspace's key vault) instead of Microsoft's. Azure then creates Cosmos DB, AI Search and storage for the workspace in a
    /// resource group of its own, billed to you; set only when the workspace is created.
    #[serde(default)]
    pub customer_managed_key: Option<CustomerManagedKey>,
    /// High business impact workspace ("confidential data"): less diagnostic data collected,
    /// compute scratch disks encrypted and cleaned between jobs. Set only when the workspace is
    /// created.
    #[serde(default)]
    pub hbi_workspace: bool,
    /// The workspace's managed identity: system-assigned (default), or a user-assigned identity
    /// amlgen creates with the roles Azure documents for it on the workspace and its dependencies.
    #[serde(default)]
    pub identity: WorkspaceIdentity,
}

/// Which managed identity the workspace uses to reach its storage, key vault, registry and
/// Application Insights.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceIdentity {
    /// `system_assigned` (default): Azure creates the identity with the workspace and gives it
    /// its roles. `user_assigned`: amlgen creates a user-assigned identity and gives it the roles
    /// Azure documents before the workspace exists; the identity outlives the workspace.
    #[serde(default, rename = "type")]
    pub kind: IdentityKind,
    /// Name of the user-assigned identity; default `id-<prefix>`. Only with `user_assigned`.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    #[default]
    SystemAssigned,
    UserAssigned,
}

/// A key vault key that encrypts the workspace's data: an existing key (`key_vault_id` and
/// `key_uri`) or one amlgen creates in the workspace's key vault (`create`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerManagedKey {
    /// An existing key: resource ID of its key vault,
    /// `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>`, in
    /// the workspace's subscription and region, with soft delete and purge protection on.
    #[serde(default)]
    pub key_vault_id: Option<String>,
    /// An existing key: its identifier, `https://<vault>.vault.azure.net/keys/<name>/<version>`
    /// (an RSA key, 3072 bits or more recommended).
    #[serde(default)]
    pub key_uri: Option<String>,
    /// A key amlgen creates in the workspace's key vault (`create: {}` for the defaults), with
    /// the role the Azure Cosmos DB service needs on it. Instead of `key_vault_id` and `key_uri`.
    #[serde(default)]
    pub create: Option<CreatedKey>,
}

/// The key amlgen creates for the workspace (`workspace.customer_managed_key.create`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatedKey {
    /// The key's name in the workspace's key vault; default `cmk-<prefix>`.
    #[serde(default)]
    pub name: Option<String>,
    /// RSA key size in bits: 3072 (default) or 4096.
    #[serde(default)]
    pub size: Option<u32>,
}

/// Workspace managed virtual network: compute runs in a Microsoft-managed VNet.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedNetwork {
    /// Isolation mode. Once enabled it cannot be disabled, and approved-only cannot go back to
    /// internet outbound.
    pub isolation_mode: IsolationMode,
    /// SKU of the managed Azure Firewall created for FQDN rules (approved-only mode only).
    #[serde(default)]
    pub firewall_sku: FirewallSku,
    /// Provision the managed VNet when the workspace is created instead of with the first compute.
    #[serde(default = "default_true")]
    pub provision_now: bool,
    /// Also provision the network for serverless Spark (`provision-network --include-spark`).
    #[serde(default)]
    pub spark: bool,
    /// Kind of managed network: `v1` (default; what the documentation describes) or `v2`
    /// ("granular access controls"). V1 to V2 is one-way.
    #[serde(default)]
    pub kind: ManagedNetworkKind,
    /// Azure's network monitoring of the managed network (`enableNetworkMonitor`); off by
    /// default, as Azure documents neither what it collects nor what it costs.
    #[serde(default)]
    pub network_monitor: bool,
    /// User-defined outbound rules. Azure adds the required rules (workspace storage, key vault,
    /// registry, service tags) itself.
    #[serde(default)]
    pub outbound_rules: Vec<OutboundRule>,
}

fn default_true() -> bool {
    true
}

/// `managedNetworkKind` of the workspace managed VNet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManagedNetworkKind {
    /// The managed network as documented; the kind of a workspace that sets none.
    #[default]
    V1,
    /// "Granular access controls"; a workspace cannot switch back to V1.
    V2,
}

impl ManagedNetworkKind {
    pub fn key(self) -> &'static str {
        match self {
            ManagedNetworkKind::V1 => "v1",
            ManagedNetworkKind::V2 => "v2",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IsolationMode {
    /// No managed VNet.
    Disabled,
    /// Managed VNet; any outbound internet traffic allowed. Only private-endpoint rules.
    AllowInternetOutbound,
    /// Managed VNet; only approved outbound (FQDN, service-tag and private-endpoint rules).
    AllowOnlyApprovedOutbound,
}

impl IsolationMode {
    pub fn key(self) -> &'static str {
        match self {
            IsolationMode::Disabled => "disabled",
            IsolationMode::AllowInternetOutbound => "allow_internet_outbound",
            IsolationMode::AllowOnlyApprovedOutbound => "allow_only_approved_outbound",
        }
    }
}

/// Egress of a customer network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Egress {
    /// Through Azure Firewall in the hub (route 0.0.0.0/0 to it).
    #[default]
    Firewall,
    /// Through a NAT gateway on the compute subnets; NSGs are the only filter.
    NatGateway,
}

impl Egress {
    pub fn key(self) -> &'static str {
        match self {
            Egress::Firewall => "firewall",
            Egress::NatGateway => "nat_gateway",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirewallSku {
    #[default]
    Standard,
    Basic,
}

impl FirewallSku {
    pub fn key(self) -> &'static str {
        match self {
            FirewallSku::Standard => "standard",
            FirewallSku::Basic => "basic",
        }
    }
}

/// An outbound rule, in the same shape as the `az ml` workspace YAML.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OutboundRule {
    /// Allow HTTPS/HTTP to a host name (approved-only mode; ports 80 and 443 only).
    Fqdn {
        /// Rule name: 3-33 letters, digits, `-`, `_`; unique in the workspace.
        name: String,
        /// Host name, or `*.domain` for its sub-domains (never the domain itself).
        destination: String,
        /// Also allow every sub-domain: emits a second rule `<name>-sub` for `*.<destination>`.
        #[serde(default)]
        include_subdomains: bool,
    },
    /// Allow traffic to an Azure service tag (approved-only mode).
    ServiceTag {
        name: String,
        destination: ServiceTagDestination,
    },
    /// A private endpoint from the managed VNet to an Azure resource.
    PrivateEndpoint {
        name: String,
        destination: PrivateEndpointDestination,
    },
}

impl OutboundRule {
    pub fn name(&self) -> &str {
        match self {
            OutboundRule::Fqdn { name, .. }
            | OutboundRule::ServiceTag { name, .. }
            | OutboundRule::PrivateEndpoint { name, .. } => name,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            OutboundRule::Fqdn { .. } => "fqdn",
            OutboundRule::ServiceTag { .. } => "service_tag",
            OutboundRule::PrivateEndpoint { .. } => "private_endpoint",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTagDestination {
    /// Service tag, e.g. `DataFactory` or `AzureMonitor`.
    pub service_tag: String,
    /// `TCP`, `UDP`, `ICMP` or `*`.
    pub protocol: String,
    /// Ports as a string: `"443"`, `"80, 443"`, `"8080-8089"`, or `"*"`.
    pub port_ranges: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateEndpointDestination {
    /// Resource ID of the target, e.g. `/subscriptions/…/providers/Microsoft.Storage/storageAccounts/x`.
    pub service_resource_id: String,
    /// Sub-resource (group ID), e.g. `blob`, `vault`, `registry`, `amlworkspace`.
    pub subresource_target: String,
    /// Make the endpoint usable from serverless Spark.
    #[serde(default)]
    pub spark_enabled: bool,
}

/// Dependent resources of the workspace; each is created by the blueprint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependencies {
    #[serde(default)]
    pub storage_account: StorageAccount,
    #[serde(default)]
    pub key_vault: KeyVault,
    #[serde(default)]
    pub container_registry: ContainerRegistry,
    #[serde(default)]
    pub monitoring: Monitoring,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageAccount {
    /// Storage account name; default `st<prefix without hyphens>`. Globally unique.
    #[serde(default)]
    pub name: Option<String>,
    /// Replication SKU.
    #[serde(default)]
    pub sku: StorageSku,
    /// Storage services reached through a private endpoint of their own besides `blob` and
    /// `file` (which the workspace always needs): batch endpoints also need `queue` and `table`;
    /// `dfs` is Data Lake Storage Gen2.
    #[serde(default)]
    pub additional_private_endpoints: Vec<StorageService>,
    /// Allow shared key (account key) authorization. Default false (catalog/defaults.yaml):
    /// Microsoft Entra ID only, and the workspace's system datastores use its managed identity,
    /// so people need data roles on the account (the README lists them). true: keys allowed and
    /// the system datastores use the account key, as Azure does by default; needed for a compute
    /// instance, which cannot mount identity-based datastores with its system-assigned identity.
    #[serde(default)]
    pub shared_key_access: Option<bool>,
}

/// A storage service with its own private endpoint sub-resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StorageService {
    Queue,
    Table,
    Dfs,
}

impl StorageService {
    /// The private endpoint sub-resource (group id), which is also the catalog's DNS group.
    pub fn group(self) -> &'static str {
        match self {
            StorageService::Queue => "queue",
            StorageService::Table => "table",
            StorageService::Dfs => "dfs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StorageService::Queue => "storage account (queue)",
            StorageService::Table => "storage account (table)",
            StorageService::Dfs => "storage account (dfs)",
        }
    }

    /// Stable key of the endpoint (`storage-queue`), used in its name.
    pub fn key(self) -> &'static str {
        match self {
            StorageService::Queue => "storage-queue",
            StorageService::Table => "storage-table",
            StorageService::Dfs => "storage-dfs",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StorageSku {
    #[serde(rename = "Standard_LRS")]
    StandardLrs,
    #[default]
    #[serde(rename = "Standard_ZRS")]
    StandardZrs,
    #[serde(rename = "Standard_GRS")]
    StandardGrs,
    #[serde(rename = "Standard_GZRS")]
    StandardGzrs,
    #[serde(rename = "Standard_RAGRS")]
    StandardRagrs,
    #[serde(rename = "Standard_RAGZRS")]
    StandardRagzrs,
}

impl StorageSku {
    /// The ARM/CLI spelling, which is also the YAML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageSku::StandardLrs => "Standard_LRS",
            StorageSku::StandardZrs => "Standard_ZRS",
            StorageSku::StandardGrs => "Standard_GRS",
            StorageSku::StandardGzrs => "Standard_GZRS",
            StorageSku::StandardRagrs => "Standard_RAGRS",
            StorageSku::StandardRagzrs => "Standard_RAGZRS",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyVault {
    /// Key vault name; default `kv-<prefix>`. Globally unique.
    #[serde(default)]
    pub name: Option<String>,
    /// Days a deleted vault is kept (7-90).
    #[serde(default = "default_soft_delete_days")]
    pub soft_delete_retention_days: u32,
}

impl Default for KeyVault {
    fn default() -> Self {
        KeyVault {
            name: None,
            soft_delete_retention_days: default_soft_delete_days(),
        }
    }
}

fn default_soft_delete_days() -> u32 {
    90
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerRegistry {
    /// Registry name; default `cr<prefix without hyphens>`. Globally unique.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Log Analytics workspace name; default `log-<prefix>`.
    #[serde(default)]
    pub log_analytics_name: Option<String>,
    /// Application Insights name; default `appi-<prefix>`.
    #[serde(default)]
    pub application_insights_name: Option<String>,
    /// Log retention in days (30-730).
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
    /// Azure Monitor Private Link Scope: Log Analytics and Application Insights take ingestion
    /// only through a private endpoint in the VNet (queries stay open, for the portal), so the
    /// `AzureMonitor` service tag leaves the firewall and NSG rules. Without it, compute may send
    /// telemetry to any tenant's Application Insights or Log Analytics. Default: on in a customer
    /// VNet whose private DNS zones amlgen creates (the scope's zones apply to every network that
    /// uses them); off with central zones or policy, where one scope per DNS is the platform
    /// team's. Not available with a managed VNet.
    #[serde(default)]
    pub private_link_scope: Option<bool>,
    /// Diagnostic settings that send the firewall's, the workspace's, the key vault's and the
    /// blob service's resource logs to the Log Analytics workspace, so refused requests can be
    /// seen (ingestion is billed per GB).
    #[serde(default = "default_true")]
    pub diagnostic_settings: bool,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            log_analytics_name: None,
            application_insights_name: None,
            retention_days: default_retention_days(),
            private_link_scope: None,
            diagnostic_settings: true,
        }
    }
}

fn default_retention_days() -> u32 {
    30
}

/// The VNet users connect from (through VPN, ExpressRoute, Bastion or a jump box), with private
/// endpoints for the workspace and its default storage so the studio works.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientAccess {
    pub vnet: ClientVnet,
    /// Deploy Azure Bastion (AzureBastionSubnet) in the client VNet, the way to the jump box
    /// (`way_in.jump_box`).
    #[serde(default)]
    pub bastion: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientVnet {
    /// VNet name; default `vnet-<prefix>`.
    #[serde(default)]
    pub name: Option<String>,
    /// Address space, e.g. `["10.20.0.0/16"]`.
    pub address_space: Vec<String>,
    /// The subnet for private endpoints.
    pub pe_subnet: Subnet,
    /// Address prefixes of the way-in subnets; any needed and not given is carved from the
    /// address space.
    #[serde(default)]
    pub subnets: ClientSubnets,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSubnets {
    /// AzureBastionSubnet (/26 or larger), with `client_access.bastion`.
    #[serde(default)]
    pub bastion: Option<String>,
    /// GatewaySubnet (/27 or larger), with `way_in.vpn`.
    #[serde(default)]
    pub gateway: Option<String>,
    /// The jump box's subnet, with `way_in.jump_box`.
    #[serde(default)]
    pub jump_box: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    /// Subnet name; default `snet-pe`.
    #[serde(default)]
    pub name: Option<String>,
    /// Address prefix inside the VNet's address space, e.g. `10.20.1.0/24`.
    pub address_prefix: String,
}
