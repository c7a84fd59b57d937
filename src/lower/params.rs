//! The parameters of main.bicep, in declaration order, with their values: the one list from
//! which both the Bicep declarations and main.parameters.json are rendered.

use crate::catalog::Catalog;
use crate::plan::arm_outbound_rules;
use crate::plan::model::*;
use serde_json::{json, Value as Json};

pub fn params(m: &Model) -> Vec<Param> {
    let cat = Catalog::get();
    // Ranges come from the one table (catalog/constraints.yaml) that also feeds the blueprint
    // check and the JSON Schema.
    let p = |name: &str, ty: &'static str, description: &str, value: Json| {
        let range = cat.constraints.for_bicep_param(name);
        Param {
            name: name.to_string(),
            bicep_type: ty,
            description: description.to_string(),
            allowed: Vec::new(),
            min_length: None,
            max_length: None,
            min_value: range.and_then(|r| r.min),
            max_value: range.and_then(|r| r.max),
            value,
        }
    };
    let named = |name: &str, kind: &str, what: &str, value: &str| {
        let rule = cat.naming_rule(kind);
        Param {
            min_length: Some(rule.min),
            max_length: Some(rule.max),
            ..p(
                name,
                "string",
                &format!("Required. Name of the {what}. {}.", capitalise(&rule.rule)),
                json!(value),
            )
        }
    };
    let mut v = vec![
        p(
            "location",
            "string",
            "Required. Azure region of every resource.",
            json!(m.location),
        ),
        p(
            "tags",
            "object",
            "Required. Tags applied to every resource.",
            json!(m.tags),
        ),
        named(
            "workspaceName",
            "workspace",
            "Azure Machine Learning workspace",
            &m.workspace.name,
        ),
        p(
            "workspaceFriendlyName",
            "string",
            "Required. Display name of the workspace in the studio.",
            json!(m.workspace.friendly_name),
        ),
        p(
            "hbiWorkspace",
            "bool",
            "Required. High business impact workspace (confidential data): less diagnostic data, compute scratch disks encrypted; set only at creation.",
            json!(m.workspace.hbi_workspace),
        ),
        named(
            "storageAccountName",
            "storage_account",
            "workspace's default storage account",
            &m.storage.name,
        ),
        Param {
            allowed: [
                "Standard_LRS",
                "Standard_ZRS",
                "Standard_GRS",
                "Standard_GZRS",
                "Standard_RAGRS",
                "Standard_RAGZRS",
            ]
            .iter()
            .map(|s| json!(s))
            .collect(),
            ..p(
                "storageAccountSku",
                "string",
                "Required. Replication SKU of the storage account.",
                json!(m.storage.sku),
            )
        },
        named("keyVaultName", "key_vault", "key vault", &m.key_vault.name),
        p(
            "keyVaultSoftDeleteRetentionDays",
            "int",
            "Required. Days a deleted key vault is kept before purge.",
            json!(m.key_vault.soft_delete_retention_days),
        ),
        named(
            "containerRegistryName",
            "container_registry",
            "container registry",
            &m.registry.name,
        ),
        named(
            "logAnalyticsName",
            "log_analytics",
            "Log Analytics workspace",
            &m.monitoring.log_analytics,
        ),
        p(
            "logRetentionDays",
            "int",
            "Required. Days Log Analytics keeps data.",
            json!(m.monitoring.retention_days),
        ),
        named(
            "applicationInsightsName",
            "application_insights",
            "Application Insights component",
            &m.monitoring.application_insights,
        ),
    ];
    if let Some(pl) = &m.monitoring.private_link {
        v.push(named(
            "privateLinkScopeName",
            "private_link_scope",
            "Azure Monitor Private Link Scope",
            &pl.name,
        ));
    }
    if let Some(f) = &m.workspace.firewall_sku {
        v.push(Param {
            allowed: cat
                .managed_network
                .firewall
                .skus
                .values()
                .map(|s| json!(s.arm))
                .collect(),
            ..p(
                "firewallSku",
                "string",
                "Required. SKU of the managed Azure Firewall that serves FQDN rules (created, and billed, with the first FQDN rule).",
                json!(f.arm),
            )
        });
    }
    if let Some(kind) = &m.workspace.kind {
        v.push(Param {
            allowed: m.workspace.kind_values.iter().map(|k| json!(k)).collect(),
            ..p(
                "managedNetworkKind",
                "string",
                "Required. Kind of managed network; V1 to V2 is one-way (Azure refuses V2 to V1).",
                json!(kind.arm),
            )
        });
        v.push(p(
            "enableNetworkMonitor",
            "bool",
            "Required. Azure's network monitoring of the managed network.",
            json!(m.workspace.network_monitor),
        ));
    }
    if m.network.is_none() {
        v.push(p(
            "provisionNetworkNow",
            "bool",
            "Required. Provision the managed VNet with the workspace instead of with the first compute.",
            json!(m.workspace.provision_now),
        ));
        v.push(p(
            "outboundRules",
            "object",
            "Required. User-defined outbound rules of the managed VNet, keyed by rule name (Azure adds the required rules itself).",
            arm_outbound_rules(&m.workspace.rules),
        ));
    }
    if let Some(c) = &m.client {
        v.push(named(
            "clientVnetName",
            "virtual_network",
            "client VNet",
            &c.vnet_name,
        ));
        v.push(p(
            "clientVnetAddressPrefixes",
            "array",
            "Required. Address ranges of the client VNet.",
            json!(c.address_prefixes),
        ));
        v.push(named(
            "peSubnetName",
            "subnet",
            "subnet holding the private endpoints",
            &c.pe_subnet_name,
        ));
        v.push(p(
            "peSubnetAddressPrefix",
            "string",
            "Required. Address range of the private endpoint subnet, inside the client VNet.",
            json!(c.pe_subnet_prefix),
        ));
        v.push(named(
            "peSubnetNsgName",
            "network_security_group",
            "network security group of the private endpoint subnet",
            &c.nsg_name,
        ));
    }
    if let Some(n) = &m.network {
        network_params(n, &p, &named, &mut v, m.way_in.vpn.is_some());
    }
    if let Some(pm) = &m.private {
        let corporate = pm.corporate.iter().flat_map(|c| &c.private_endpoints);
        for pe in pm.private_endpoints.iter().chain(corporate) {
            v.push(named(
                &pe.name_param,
                "private_endpoint",
                &format!("private endpoint of the {}", pe.label),
                &pe.name,
            ));
        }
        if let Some(c) = &pm.corporate {
            v.push(p(
                "corporatePeSubnetId",
                "string",
                "Required. Resource ID of the corporate subnet for the second set of private endpoints (existing; not peered to the workspace's network).",
                json!(c.subnet_id),
            ));
            if let Some(rg) = &c.zones_resource_group_id {
                v.push(p(
                    "corporateDnsZonesResourceGroupId",
                    "string",
                    "Required. Resource ID of the resource group of the corporate network's private DNS zones.",
                    json!(rg),
                ));
            }
        }
        if pm.dns_mode == DnsMode::Create {
            for l in &pm.linked_vnets {
                v.push(named(
                    &l.link_param,
                    "network_resource",
                    &format!(
                        "link of every private DNS zone to the {} VNet",
                        match l.role {
                            VnetRole::Client => "client",
                            VnetRole::Hub => "hub",
                            VnetRole::Spoke => "spoke",
                        }
                    ),
                    &l.link_name,
                ));
            }
        }
    }
    if let Some(pm) = m
        .private
        .as_ref()
        .filter(|pm| pm.dns_mode == DnsMode::Create)
    {
        v.push(Param {
            allowed: vec![json!("Default"), json!("NxDomainRedirect")],
            ..p(
                "privateDnsResolutionPolicy",
                "string",
                "Required. Resolution policy of the private DNS zone links: NxDomainRedirect falls back to public resolution for names a zone lacks.",
                json!(pm.resolution_policy),
            )
        });
    }
    if let Some(id) = m
        .private
        .as_ref()
        .and_then(|pm| pm.zones_resource_group_id.as_ref())
    {
        v.push(p(
            "privateDnsZonesResourceGroupId",
            "string",
            "Required. Resource ID of the resource group that holds the central private DNS zones.",
            json!(id),
        ));
    }
    if let Some(i) = &m.workspace.user_assigned_identity {
        v.push(named(
            "workspaceIdentityName",
            "user_assigned_identity",
            "workspace's user-assigned managed identity",
            &i.name,
        ));
    }
    match m.workspace.customer_managed_key.as_ref().map(|k| &k.source) {
        Some(KeySource::Existing {
            key_vault_id,
            key_uri,
        }) => {
            v.push(p(
                "customerManagedKeyVaultId",
                "string",
                "Required. Resource ID of the key vault with the key that encrypts the workspace's data (soft delete and purge protection on).",
                json!(key_vault_id),
            ));
            v.push(p(
                "customerManagedKeyUri",
                "string",
                "Required. Identifier of the key that encrypts the workspace's data.",
                json!(key_uri),
            ));
        }
        Some(KeySource::Created(c)) => {
            v.push(named(
                "customerManagedKeyName",
                "key_vault_key",
                "key, in the workspace's key vault, that encrypts the workspace's data",
                &c.name,
            ));
            v.push(Param {
                allowed: c.sizes.iter().map(|s| json!(s)).collect(),
                ..p(
                    "customerManagedKeySize",
                    "int",
                    "Required. RSA key size in bits of that key; set only when the key is created.",
                    json!(c.size),
                )
            });
        }
        None => {}
    }
    if let Some(c) = &m.compute.cluster {
        v.push(named(
            "computeClusterName",
            "compute_cluster",
            "compute cluster",
            &c.name,
        ));
        v.push(p(
            "computeClusterVmSize",
            "string",
            "Required. VM size of the cluster nodes.",
            json!(c.vm_size),
        ));
        v.push(p(
            "computeClusterMinNodes",
            "int",
            "Required. Nodes kept running when idle.",
            json!(c.min_nodes),
        ));
        v.push(p(
            "computeClusterMaxNodes",
            "int",
            "Required. Largest number of nodes.",
            json!(c.max_nodes),
        ));
    }
    if let (Some(param), Some(name)) = (
        &m.workspace.image_build_compute_param,
        &m.workspace.image_build_compute,
    ) {
        if param != "computeClusterName" {
            v.push(named(
                param,
                "compute_cluster",
                "compute that builds images",
                name,
            ));
        }
    }
    if let Some(c) = &m.compute.instance {
        v.push(named(
            "computeInstanceName",
            "compute_instance",
            "compute instance",
            &c.name,
        ));
        v.push(p(
            "computeInstanceVmSize",
            "string",
            "Required. VM size of the compute instance.",
            json!(c.vm_size),
        ));
        v.push(p(
            "computeInstanceOwnerObjectId",
            "string",
            "Required. Object ID of the Microsoft Entra user the compute instance is assigned to.",
            json!(c.owner_object_id),
        ));
        if let Some(t) = &c.owner_tenant_id {
            v.push(p(
                "computeInstanceOwnerTenantId",
                "string",
                "Required. Tenant ID of the compute instance's owner.",
                json!(t),
            ));
        }
        v.push(p(
            "computeInstanceIdleShutdownMinutes",
            "int",
            "Required. Minutes of inactivity after which the compute instance shuts down.",
            json!(c.idle_shutdown_minutes),
        ));
    }
    if !m.inference.online_endpoints.is_empty() {
        v.push(p(
            "onlineEndpoints",
            "array",
            "Required. Managed online endpoints: name, authMode (AADToken, Key or AMLToken) and description of each.",
            json!(m
                .inference
                .online_endpoints
                .iter()
                .map(|e| e.param())
                .collect::<Vec<_>>()),
        ));
    }
    if let Some(k) = &m.inference.kubernetes {
        v.push(named(
            "aksClusterName",
            "kubernetes_cluster",
            "AKS cluster for scoring",
            &k.cluster_name,
        ));
        v.push(named(
            "aksIdentityName",
            "managed_identity",
            "AKS control plane identity",
            &k.identity_name,
        ));
        v.push(named(
            "aksComputeName",
            "compute_cluster",
            "Kubernetes compute",
            &k.compute_name,
        ));
        v.push(p(
            "aksVmSize",
            "string",
            "Required. VM size of the AKS nodes.",
            json!(k.vm_size),
        ));
        v.push(p(
            "aksNodeCount",
            "int",
            "Required. Number of AKS nodes.",
            json!(k.node_count),
        ));
        v.push(p(
            "aksMaxPods",
            "int",
            "Required. Pods per AKS node (each takes an address of the scoring subnet).",
            json!(k.max_pods),
        ));
        if let Some(ver) = &k.kubernetes_version {
            v.push(p(
                "aksKubernetesVersion",
                "string",
                "Required. Kubernetes version of the AKS cluster.",
                json!(ver),
            ));
        }
    }
    for persona in m
        .access
        .personas
        .iter()
        .filter(|p| !p.principal_ids.is_empty())
    {
        v.push(p(
            &persona.bicep_param,
            "array",
            &format!(
                "Required. Object IDs of the Microsoft Entra groups of the {} persona.",
                persona.title
            ),
            json!(persona.principal_ids),
        ));
    }
    if let Some(j) = &m.way_in.jump_box {
        v.push(named(
            "jumpBoxName",
            "virtual_machine",
            "jump box VM",
            &j.name,
        ));
        v.push(p(
            "jumpBoxVmSize",
            "string",
            "Required. VM size of the jump box (one that supports trusted launch).",
            json!(j.vm_size),
        ));
        v.push(p(
            "jumpBoxAdminUsername",
            "string",
            "Required. The jump box administrator, who signs in with the SSH key; everyone else signs in with Microsoft Entra ID.",
            json!(j.admin_username),
        ));
        v.push(p(
            "jumpBoxSshPublicKey",
            "string",
            "Required. The administrator's SSH public key (public: no secret).",
            json!(j.ssh_public_key),
        ));
        if m.way_in.vnet_role == Some(VnetRole::Hub) {
            v.push(p(
                "jumpBoxSubnetPrefix",
                "string",
                "Required. Address range of the jump box subnet in the hub.",
                json!(j.subnet_prefix),
            ));
        }
        v.push(p(
            "jumpBoxShutdownTime",
            "string",
            "Required. Time of the jump box's daily shutdown (HHMM, 24-hour clock).",
            json!(j.shutdown_time),
        ));
        v.push(p(
            "jumpBoxShutdownTimeZone",
            "string",
            "Required. Windows time zone ID of the daily shutdown.",
            json!(j.shutdown_time_zone),
        ));
    }
    if let Some(vpn) = &m.way_in.vpn {
        v.push(p(
            "vpnClientAddressPool",
            "string",
            "Required. Addresses point-to-site VPN clients get; must overlap no VNet.",
            json!(vpn.client_address_pool),
        ));
    }
    if m.policy.assignments.iter().any(|a| a.follows_effect) {
        v.push(Param {
            allowed: vec![json!("Audit"), json!("Deny")],
            ..p(
                "policyEffect",
                "string",
                "Required. Effect of the Azure Policy assignments whose definitions allow Deny: Audit reports, Deny refuses.",
                json!(m.policy.effect),
            )
        });
    }
    v
}

/// Names and address ranges of the hub-spoke network.
fn network_params(
    n: &NetworkModel,
    p: &dyn Fn(&str, &'static str, &str, serde_json::Value) -> Param,
    named: &dyn Fn(&str, &str, &str, &str) -> Param,
    v: &mut Vec<Param>,
    created_gateway: bool,
) {
    let prefix = |name: &str, what: &str, value: &str| {
        p(
            name,
            "string",
            &format!("Required. Address range of {what}."),
            json!(value),
        )
    };
    if let (Some(hub), Some(fw)) = (&n.hub, &n.firewall) {
        v.push(named(
            "hubVnetName",
            "virtual_network",
            "hub VNet",
            &hub.vnet_name,
        ));
        v.push(p(
            "hubAddressPrefixes",
            "array",
            "Required. Address ranges of the hub VNet.",
            json!(hub.address_prefixes),
        ));
        v.push(prefix(
            "firewallSubnetPrefix",
            "AzureFirewallSubnet (/26 or larger)",
            &hub.firewall_subnet,
        ));
        if let Some(s) = &hub.firewall_management_subnet {
            v.push(prefix(
                "firewallManagementSubnetPrefix",
                "AzureFirewallManagementSubnet (/26 or larger; Basic SKU)",
                s,
            ));
        }
        if let Some(b) = &hub.bastion {
            v.push(prefix(
                "bastionSubnetPrefix",
                "AzureBastionSubnet (/26 or larger)",
                &b.subnet,
            ));
            v.push(named(
                "bastionName",
                "network_resource",
                "Azure Bastion host",
                &b.name,
            ));
            v.push(named(
                "bastionPublicIpName",
                "network_resource",
                "Bastion public IP",
                &b.public_ip,
            ));
        }
        if let Some(r) = &hub.dns_resolver {
            v.push(prefix(
                "dnsResolverSubnetPrefix",
                "the DNS Private Resolver inbound subnet (/28 or larger)",
                &r.subnet,
            ));
            v.push(named(
                "dnsResolverName",
                "network_resource",
                "DNS Private Resolver",
                &r.name,
            ));
        }
        if let Some(g) = &hub.gateway_subnet {
            v.push(prefix(
                "gatewaySubnetPrefix",
                "GatewaySubnet (/27 or larger)",
                g,
            ));
        }
        if let Some(peering) = &n.peering {
            v.push(p(
                "hubGatewayTransit",
                "bool",
                if created_gateway {
                    "Required. The spoke uses the point-to-site VPN gateway this deployment creates in the hub's GatewaySubnet (gateway transit on the peering, made once the gateway exists)."
                } else {
                    "Required. The spoke uses the VPN or ExpressRoute gateway in the hub's GatewaySubnet (gateway transit on the peering); the gateway must exist."
                },
                json!(peering.gateway_transit),
            ));
        }
        v.push(named(
            "firewallName",
            "network_resource",
            "Azure Firewall",
            &fw.name,
        ));
        v.push(named(
            "firewallPolicyName",
            "network_resource",
            "firewall policy",
            &fw.policy_name,
        ));
        v.push(named(
            "firewallPublicIpName",
            "network_resource",
            "firewall public IP",
            &fw.public_ip,
        ));
        if let Some(ip) = &fw.management_public_ip {
            v.push(named(
                "firewallManagementPublicIpName",
                "network_resource",
                "firewall management public IP",
                ip,
            ));
        }
    }
    if let Some(h) = &n.existing_hub {
        v.push(p(
            "hubVnetId",
            "string",
            "Required. Resource ID of the landing zone's hub VNet (existing; nothing is created in it).",
            json!(h.vnet_id),
        ));
        v.push(p(
            "hubFirewallPrivateIp",
            "string",
            "Required. Private IP address of the hub's firewall: the next hop of the compute subnets' default route.",
            json!(h.firewall_private_ip),
        ));
        if let Some(peering) = n.peering.as_ref().filter(|_| n.existing_spoke.is_none()) {
            v.push(p(
                "hubGatewayTransit",
                "bool",
                "Required. The spoke uses the VPN or ExpressRoute gateway of the hub (useRemoteGateways on the spoke's peering); the hub owner allows gateway transit on theirs.",
                json!(peering.gateway_transit),
            ));
        }
    }
    if let Some(e) = &n.existing_spoke {
        v.push(p(
            "spokeVnetId",
            "string",
            "Required. Resource ID of the landing zone's spoke VNet (existing; nothing is created in it).",
            json!(e.vnet_id),
        ));
        v.push(p(
            "trainingSubnetId",
            "string",
            "Required. Resource ID of the landing zone subnet for compute (existing; amlgen does not change it).",
            json!(e.training_subnet_id),
        ));
        v.push(p(
            "peSubnetId",
            "string",
            "Required. Resource ID of the landing zone subnet for the private endpoints (existing; amlgen does not change it).",
            json!(e.pe_subnet_id),
        ));
        return;
    }
    v.push(named(
        "spokeVnetName",
        "virtual_network",
        "spoke VNet",
        &n.spoke.vnet_name,
    ));
    if !n.spoke.dns_servers.is_empty() {
        v.push(p(
            "dnsServers",
            "array",
            "Required. DNS servers of the VNets created here; they forward the Azure Machine Learning zones to Azure DNS (168.63.129.16).",
            json!(n.spoke.dns_servers),
        ));
    }
    v.push(p(
        "spokeAddressPrefixes",
        "array",
        "Required. Address ranges of the spoke VNet.",
        json!(n.spoke.address_prefixes),
    ));
    for s in &n.spoke.subnets {
        v.push(prefix(
            &format!("{}SubnetPrefix", s.role),
            &format!("the {} subnet", s.role),
            &s.prefix,
        ));
        v.push(named(
            &format!("{}NsgName", s.role),
            "network_security_group",
            &format!("network security group of the {} subnet", s.role),
            &s.nsg_name,
        ));
    }
    for rt in &n.route_tables {
        v.push(named(
            &rt.bicep_name_param,
            "network_resource",
            &format!("route table of the {} subnet", rt.role),
            &rt.name,
        ));
    }
    if let Some(ng) = &n.nat_gateway {
        v.push(named(
            "natGatewayName",
            "network_resource",
            "NAT gateway of the compute subnets",
            &ng.name,
        ));
        v.push(named(
            "natGatewayPublicIpName",
            "network_resource",
            "NAT gateway public IP",
            &ng.public_ip,
        ));
    }
    if let Some(sep) = &n.service_endpoint_policy {
        v.push(named(
            "serviceEndpointPolicyName",
            "network_resource",
            "service endpoint policy",
            &sep.name,
        ));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
