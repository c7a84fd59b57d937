{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = {{ m.architecture }}
metadata description = {{ m.architecture_summary }}

targetScope = 'resourceGroup'

// ------------------------------------------------------------------------------------------------
// Parameters (values: main.parameters.json)
// ------------------------------------------------------------------------------------------------
{% for p in m.params %}

@description({{ p.description }})
{% if p.allowed %}
@allowed([
{% for a in p.allowed %}
  {{ a }}
{% endfor %}
])
{% endif %}
{% if p.min_length is not none %}
@minLength({{ p.min_length }})
{% endif %}
{% if p.max_length is not none %}
@maxLength({{ p.max_length }})
{% endif %}
{% if p.min_value is not none %}
@minValue({{ p.min_value }})
{% endif %}
{% if p.max_value is not none %}
@maxValue({{ p.max_value }})
{% endif %}
param {{ p.name|ident }} {{ p.type|ident }}
{% endfor %}

// ------------------------------------------------------------------------------------------------
// Resources
// ------------------------------------------------------------------------------------------------

module monitoring 'modules/monitoring.bicep' = {
  name: take('${deployment().name}-monitoring', 64)
  params: {
    location: location
    tags: tags
    logAnalyticsName: logAnalyticsName
    retentionDays: logRetentionDays
    applicationInsightsName: applicationInsightsName
{% if m.monitoring.private_link %}
    privateLinkScopeName: privateLinkScopeName
{% endif %}
  }
}

module storage 'modules/storage.bicep' = {
  name: take('${deployment().name}-storage', 64)
  params: {
    location: location
    tags: tags
    name: storageAccountName
    skuName: storageAccountSku
  }
}

{% if created_key %}
{% set ck = created_key %}
// The created key's role goes to Azure Cosmos DB's service principal, whose object ID differs per
// tenant: deploy.sh and deploy.ps1 look it up by its application ID.
@description('Required. Object ID of the Azure Cosmos DB service principal in this tenant (az ad sp show --id {{ ck.cosmos_db_app_id|comment }} --query id --output tsv); deploy.sh and deploy.ps1 look it up.')
@metadata({ servicePrincipalOfApplication: {{ ck.cosmos_db_app_id }} })
@minLength(36)
@maxLength(36)
param cosmosDbPrincipalId string

{% endif %}
module keyVault 'modules/keyVault.bicep' = {
  name: take('${deployment().name}-key-vault', 64)
  params: {
    location: location
    tags: tags
    name: keyVaultName
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
{% if created_key %}
    customerManagedKeyName: customerManagedKeyName
    customerManagedKeySize: customerManagedKeySize
    cosmosDbPrincipalId: cosmosDbPrincipalId
{% endif %}
  }
}

module containerRegistry 'modules/containerRegistry.bicep' = {
  name: take('${deployment().name}-container-registry', 64)
  params: {
    location: location
    tags: tags
    name: containerRegistryName
  }
}

{% if m.workspace.user_assigned_identity %}
// The workspace's user-assigned identity, with its roles on the dependencies before the workspace
// exists: Azure checks them when it creates the workspace.
module workspaceIdentity 'modules/workspaceIdentity.bicep' = {
  name: take('${deployment().name}-workspace-identity', 64)
  params: {
    location: location
    tags: tags
    name: workspaceIdentityName
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    containerRegistryName: containerRegistry.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

{% endif %}
module workspace 'modules/workspace.bicep' = {
  name: take('${deployment().name}-workspace', 64)
  params: {
    location: location
    tags: tags
    name: workspaceName
    friendlyName: workspaceFriendlyName
    hbiWorkspace: hbiWorkspace
{% if m.workspace.user_assigned_identity %}
    userAssignedIdentityId: workspaceIdentity.outputs.resourceId
    userAssignedIdentityPrincipalId: workspaceIdentity.outputs.principalId
{% endif %}
{% if created_key %}
    customerManagedKeyVaultId: keyVault.outputs.resourceId
    customerManagedKeyUri: keyVault.outputs.customerManagedKeyUri
{% elif m.workspace.customer_managed_key %}
    customerManagedKeyVaultId: customerManagedKeyVaultId
    customerManagedKeyUri: customerManagedKeyUri
{% endif %}
    storageAccountId: storage.outputs.resourceId
    keyVaultId: keyVault.outputs.resourceId
    containerRegistryId: containerRegistry.outputs.resourceId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
{% if m.workspace.firewall_sku %}
    firewallSku: firewallSku
{% endif %}
{% if m.workspace.kind %}
    managedNetworkKind: managedNetworkKind
    enableNetworkMonitor: enableNetworkMonitor
{% endif %}
{% if not m.network %}
    provisionNetworkNow: provisionNetworkNow
    outboundRules: outboundRules
{% endif %}
{% if m.workspace.serverless %}
    serverlessSubnetId: {% if m.network.existing_spoke %}trainingSubnetId{% else %}spokeNetwork.outputs.trainingSubnetId{% endif %}

{% endif %}
{% if m.workspace.image_build_compute %}
    imageBuildCompute: {{ m.workspace.image_build_compute_param|ident }}
{% endif %}
  }
}
{% if m.workspace.datastores %}

// The default datastores preview data in the studio with the workspace identity (storage is
// behind a private endpoint and takes no account keys).
module datastores 'modules/datastores.bicep' = {
  name: take('${deployment().name}-datastores', 64)
  params: {
    workspaceName: workspace.outputs.name
    storageAccountName: storage.outputs.name
{% for d in m.workspace.datastores %}
    {{ d.bicep_output|ident }}: workspace.outputs.{{ d.bicep_output|ident }}
{% endfor %}
  }
}
{% endif %}
{% if m.monitoring.diagnostics %}

// Resource logs to Log Analytics: denied firewall traffic, refused key vault and blob requests,
// compute and job events.
module diagnostics 'modules/diagnostics.bicep' = {
  name: take('${deployment().name}-diagnostics', 64)
  params: {
    location: location
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    workspaceName: workspace.outputs.name
    keyVaultName: keyVault.outputs.name
    storageAccountName: storage.outputs.name
{% if m.network and m.network.firewall %}
    firewallName: hubNetwork.outputs.firewallName
{% endif %}
  }
}
{% endif %}
{% if m.way_in.jump_box %}

// The jump box subnet's NSG and NAT gateway, which the {{ m.way_in.vnet_role|comment }} VNet's subnet names.
module jumpBoxNetwork 'modules/jumpBoxNetwork.bicep' = {
  name: take('${deployment().name}-jump-box-network', 64)
  params: {
    location: location
    tags: tags
  }
}
{% endif %}
{% if m.client %}

module clientNetwork 'modules/clientNetwork.bicep' = {
  name: take('${deployment().name}-client-network', 64)
  params: {
    location: location
    tags: tags
    vnetName: clientVnetName
    addressPrefixes: clientVnetAddressPrefixes
    peSubnetName: peSubnetName
    peSubnetAddressPrefix: peSubnetAddressPrefix
    nsgName: peSubnetNsgName
{% if m.way_in.jump_box %}
    jumpBoxNsgId: jumpBoxNetwork.outputs.nsgId
    jumpBoxNatGatewayId: jumpBoxNetwork.outputs.natGatewayId
{% endif %}
  }
}
{% endif %}
{% if m.network %}
{% if m.network.hub %}

// Hub: Azure Firewall (policy with the Azure Machine Learning rules){% if m.network.hub.bastion %}, Bastion{% endif %}.
module hubNetwork 'modules/hubNetwork.bicep' = {
  name: take('${deployment().name}-hub-network', 64)
  params: {
    location: location
    tags: tags
    vnetName: hubVnetName
    addressPrefixes: hubAddressPrefixes
    firewallSubnetPrefix: firewallSubnetPrefix
{% if m.network.hub.firewall_management_subnet %}
    firewallManagementSubnetPrefix: firewallManagementSubnetPrefix
    firewallManagementPublicIpName: firewallManagementPublicIpName
{% endif %}
{% if m.network.hub.bastion %}
    bastionSubnetPrefix: bastionSubnetPrefix
    bastionName: bastionName
    bastionPublicIpName: bastionPublicIpName
{% endif %}
{% if m.network.hub.gateway_subnet %}
    gatewaySubnetPrefix: gatewaySubnetPrefix
{% endif %}
{% if m.network.hub.dns_resolver %}
    dnsResolverSubnetPrefix: dnsResolverSubnetPrefix
    dnsResolverName: dnsResolverName
{% endif %}
{% if m.way_in.jump_box %}
    jumpBoxSubnetPrefix: jumpBoxSubnetPrefix
    jumpBoxNsgId: jumpBoxNetwork.outputs.nsgId
    jumpBoxNatGatewayId: jumpBoxNetwork.outputs.natGatewayId
{% endif %}
    firewallName: firewallName
    firewallPolicyName: firewallPolicyName
    firewallPublicIpName: firewallPublicIpName
    sourceAddressPrefixes: spokeAddressPrefixes
{% if m.network.firewall.scoring_source %}
    scoringSubnetPrefix: scoringSubnetPrefix
{% endif %}
  }
}
{% endif %}
{% if m.network.existing_spoke %}

// The landing zone's spoke exists: no VNet, subnet, NSG, route table or peering is created here
// (a PUT of someone else's subnet would overwrite their settings). Compute and the private
// endpoints use trainingSubnetId and peSubnetId; the runbook and the README verify what those
// subnets must have.
{% else %}

{% if m.network.existing_hub %}
// Spoke: training, scoring and pe subnets; compute subnets route 0.0.0.0/0 to the landing zone
// hub's firewall (hubFirewallPrivateIp).
{% elif m.network.firewall %}
// Spoke: training, scoring and pe subnets; compute subnets route 0.0.0.0/0 to the firewall.
{% else %}
// VNet: training, scoring and pe subnets; compute subnets leave through the NAT gateway.
{% endif %}
module spokeNetwork 'modules/spokeNetwork.bicep' = {
  name: take('${deployment().name}-spoke-network', 64)
  params: {
    location: location
    tags: tags
    vnetName: spokeVnetName
    addressPrefixes: spokeAddressPrefixes
{% for s in m.network.spoke.subnets %}
    {{ (s.role ~ "SubnetPrefix")|ident }}: {{ (s.role ~ "SubnetPrefix")|ident }}
    {{ (s.role ~ "NsgName")|ident }}: {{ (s.role ~ "NsgName")|ident }}
{% endfor %}
{% for rt in m.network.route_tables %}
    {{ rt.bicep_name_param|ident }}: {{ rt.bicep_name_param|ident }}
{% endfor %}
{% if m.network.route_tables %}
    firewallPrivateIp: {% if m.network.existing_hub %}hubFirewallPrivateIp{% else %}hubNetwork.outputs.firewallPrivateIp{% endif %}

{% endif %}
{% if m.network.spoke.dns_servers %}
    dnsServers: dnsServers
{% endif %}
{% if m.network.nat_gateway %}
    natGatewayName: natGatewayName
    natGatewayPublicIpName: natGatewayPublicIpName
{% endif %}
{% if m.network.service_endpoint_policy %}
    serviceEndpointPolicyName: serviceEndpointPolicyName
    storageAccountId: storage.outputs.resourceId
{% endif %}
  }
}
{% if m.network.peering %}

{% if m.network.peering.hub_side %}
module peering 'modules/peering.bicep' = {
{% else %}
// The spoke's side only: the hub's side is the hub owner's, in their subscription (README).
module peering 'modules/peering.bicep' = {
{% endif %}
  name: take('${deployment().name}-peering', 64)
  params: {
{% if m.network.peering.hub_side %}
    hubVnetName: hubVnetName
{% endif %}
    spokeVnetName: spokeVnetName
    hubVnetId: {% if m.network.existing_hub %}hubVnetId{% else %}hubNetwork.outputs.vnetId{% endif %}

    spokeVnetId: spokeNetwork.outputs.vnetId
    gatewayTransit: hubGatewayTransit
  }
{% if m.way_in.vpn %}
  // useRemoteGateways needs the gateway this deployment creates: peer once it exists.
  dependsOn: [
    wayIn
  ]
{% endif %}
}
{% endif %}
{% endif %}
{% endif %}
{% if m.way_in.jump_box or m.way_in.vpn or m.way_in.client_bastion %}

// The way in: {% if m.way_in.client_bastion %}Azure Bastion, {% endif %}{% if m.way_in.jump_box %}the jump box (through Bastion only), {% endif %}{% if m.way_in.vpn %}the point-to-site VPN gateway, {% endif %}in the {{ m.way_in.vnet_role|comment }} VNet.
module wayIn 'modules/wayIn.bicep' = {
  name: take('${deployment().name}-way-in', 64)
  params: {
    location: location
    tags: tags
{% if m.way_in.vnet_role == "client" %}
    vnetId: clientNetwork.outputs.vnetId
{% else %}
    vnetId: hubNetwork.outputs.vnetId
{% endif %}
{% if m.way_in.jump_box %}
    jumpBoxName: jumpBoxName
    jumpBoxVmSize: jumpBoxVmSize
    jumpBoxAdminUsername: jumpBoxAdminUsername
    jumpBoxSshPublicKey: jumpBoxSshPublicKey
    jumpBoxShutdownTime: jumpBoxShutdownTime
    jumpBoxShutdownTimeZone: jumpBoxShutdownTimeZone
{% for l in m.way_in.jump_box.logins %}
    {{ l.bicep_param|ident }}: {{ l.bicep_param|ident }}
{% endfor %}
{% endif %}
{% if m.way_in.vpn %}
    vpnClientAddressPool: vpnClientAddressPool
{% endif %}
  }
}
{% endif %}
{% if m.private %}

{% if m.private.dns_mode == "create" %}
// Private DNS zones, linked to the {% for v in m.private.linked_vnets %}{{ v.role|comment }}{% if not loop.last %} and {% endif %}{% endfor %} VNet. Zone names use environment() where the
// cloud has the suffix; the others are per-cloud literals.
{% for z in m.private.zones %}
module {{ z.symbol|ident }} 'modules/privateDnsZone.bicep' = {
  name: take('${deployment().name}-zone-{{ loop.index }}', 64)
  params: {
    name: {{ z.bicep|safe }}
    tags: tags
    vnetLinks: [
{% for v in m.private.linked_vnets %}
      {
        name: {{ v.link_param|ident }}
        vnetId: {{ v.id_bicep|safe }}
      }
{% endfor %}
    ]
    resolutionPolicy: privateDnsResolutionPolicy
  }
}

{% endfor %}
{% elif m.private.dns_mode == "existing" %}
// Private DNS zones: the central ones in privateDnsZonesResourceGroupId (created and linked by
// the platform team); each endpoint gets a zone group pointing at them.
var privateDnsZoneIdPrefix = '${privateDnsZonesResourceGroupId}/providers/Microsoft.Network/privateDnsZones/'

{% else %}
// Private DNS: left to Azure Policy, which adds the zone groups to these endpoints (no zones or
// zone groups here, so the two never collide).

{% endif %}
{% for pe in m.private.private_endpoints %}
// Private endpoint: {{ pe.label|comment }}.
module {{ pe.symbol|ident }} 'modules/privateEndpoint.bicep' = {
  name: take('${deployment().name}-{{ ("pe-" ~ pe.key)|raw_in_quotes }}', 64)
  params: {
    location: location
    tags: tags
    name: {{ pe.name_param|ident }}
    subnetId: {{ m.private.subnet_id_bicep|safe }}
    targetResourceId: {{ pe.target_id_bicep|safe }}
    groupId: {{ pe.group_id }}
{% if pe.workspace_reader %}
    readerPrincipalId: workspace.outputs.principalId
{% endif %}
    privateDnsZoneIds: [
{% if m.private.dns_mode == "create" %}
{% for i in pe.zone_indices %}
      {{ m.private.zones[i].symbol|ident }}.outputs.resourceId
{% endfor %}
{% elif m.private.dns_mode == "existing" %}
{% for i in pe.zone_indices %}
      {{ m.private.zones[i].existing_id_bicep|safe }}
{% endfor %}
{% endif %}
    ]
  }
{% if m.network and m.network.peering %}
  // The spoke resolves names through the firewall in the hub: peer first.
  dependsOn: [
    peering
  ]
{% endif %}
}
{% if not loop.last %}

{% endif %}
{% endfor %}
{% if m.private.corporate %}
{% set corp = m.private.corporate %}

// The corporate network, not peered to the workspace's: people reach the workspace and its
// storage through a second set of endpoints in corporatePeSubnetId{% if corp.dns_mode == "existing" %}, registered in the corporate
// network's own zones (corporateDnsZonesResourceGroupId){% else %}; the corporate landing zone's
// Azure Policy adds their zone groups{% endif %}.
{% if corp.dns_mode == "existing" %}
var corporateDnsZoneIdPrefix = '${corporateDnsZonesResourceGroupId}/providers/Microsoft.Network/privateDnsZones/'
{% endif %}
{% for pe in corp.private_endpoints %}

// Private endpoint: {{ pe.label|comment }}.
module {{ pe.symbol|ident }} 'modules/privateEndpoint.bicep' = {
  name: take('${deployment().name}-{{ ("pe-" ~ pe.key)|raw_in_quotes }}', 64)
  params: {
    location: location
    tags: tags
    name: {{ pe.name_param|ident }}
    subnetId: corporatePeSubnetId
    targetResourceId: {{ pe.target_id_bicep|safe }}
    groupId: {{ pe.group_id }}
{% if pe.workspace_reader %}
    readerPrincipalId: workspace.outputs.principalId
{% endif %}
    privateDnsZoneIds: [
{% if corp.dns_mode == "existing" %}
{% for i in pe.zone_indices %}
      {{ m.private.zones[i].corporate_id_bicep|safe }}
{% endfor %}
{% endif %}
    ]
  }
}
{% endfor %}
{% endif %}
{% endif %}
{% if m.compute.cluster or m.compute.instance %}

{% if m.compute.subnet_name %}
// Compute in the training subnet, created after the private endpoints it reaches the workspace by.
{% else %}
// Compute in the workspace managed VNet (no subnet: Azure places it there).
{% endif %}
module compute 'modules/compute.bicep' = {
  name: take('${deployment().name}-compute', 64)
  params: {
    location: location
    tags: tags
    workspaceName: workspace.outputs.name
{% if m.compute.subnet_name %}
    subnetId: {% if m.network.existing_spoke %}trainingSubnetId{% else %}spokeNetwork.outputs.trainingSubnetId{% endif %}

{% endif %}
{% if m.compute.cluster %}
    clusterName: computeClusterName
    clusterVmSize: computeClusterVmSize
    clusterMinNodes: computeClusterMinNodes
    clusterMaxNodes: computeClusterMaxNodes
{% endif %}
{% if m.compute.instance %}
    instanceName: computeInstanceName
    instanceVmSize: computeInstanceVmSize
    instanceOwnerObjectId: computeInstanceOwnerObjectId
    instanceOwnerTenantId: {% if m.compute.instance.owner_tenant_id %}computeInstanceOwnerTenantId{% else %}tenant().tenantId{% endif %}

    instanceIdleShutdownMinutes: computeInstanceIdleShutdownMinutes
{% endif %}
  }
{% if m.network %}
  dependsOn: [
{% if m.network.peering %}
    peering
{% endif %}
{% for pe in m.private.private_endpoints %}
    {{ pe.symbol|ident }}
{% endfor %}
  ]
{% endif %}
}
{% endif %}
{% if m.inference.online_endpoints %}

// Managed online endpoints: scoring only through the workspace's private endpoint; their
// deployments run in the workspace managed VNet.
module inference 'modules/onlineEndpoints.bicep' = {
  name: take('${deployment().name}-online-endpoints', 64)
  params: {
    location: location
    tags: tags
    workspaceName: workspace.outputs.name
    onlineEndpoints: onlineEndpoints
  }
}
{% endif %}
{% if m.inference.kubernetes %}
{% set k = m.inference.kubernetes %}

// ------------------------------------------------------------------------------------------------
// AKS for scoring: a private cluster in the scoring subnet, the Azure Machine Learning extension
// and its attach as Kubernetes compute. The router's TLS certificate and key are given at deploy
// time (deploy.sh / deploy.ps1 read them from AMLGEN_INFERENCE_TLS_CERT and _KEY), never stored.
// ------------------------------------------------------------------------------------------------

@description('Required. The inference router\'s PEM certificate (full chain) for {{ k.tls_cname|comment }}, base64-encoded.')
@secure()
param inferenceTlsCertificate string

@description('Required. The PEM private key of that certificate (no passphrase), base64-encoded.')
@secure()
param inferenceTlsKey string
{% if k.dns_zone_created %}

// The API server's private DNS zone, given to the cluster by ID and linked like the endpoints'
// zones, so nodes resolve the API server whichever DNS server the VNet names.
module aksPrivateDnsZone 'modules/privateDnsZone.bicep' = {
  name: take('${deployment().name}-aks-zone', 64)
  params: {
    name: {{ k.dns_zone_bicep|safe }}
    tags: tags
    vnetLinks: [
{% for v in m.private.linked_vnets %}
      {
        name: {{ v.link_param|ident }}
        vnetId: {{ v.id_bicep|safe }}
      }
{% endfor %}
    ]
    resolutionPolicy: privateDnsResolutionPolicy
  }
}
{% endif %}

module aksIdentity 'modules/kubernetesIdentity.bicep' = {
  name: take('${deployment().name}-aks-identity', 64)
  params: {
    location: location
    tags: tags
    name: aksIdentityName
    vnetName: spokeVnetName
    subnetName: {{ k.subnet_name }}
{% if k.dns_zone_created %}
    privateDnsZoneName: {{ k.dns_zone_bicep|safe }}
{% endif %}
  }
  dependsOn: [
    spokeNetwork
{% if k.dns_zone_created %}
    aksPrivateDnsZone
{% endif %}
  ]
}
{% if not k.dns_zone_created %}

// The central API server zone: its role is assigned in the zones' resource group.
module aksDnsZoneRole 'modules/kubernetesDnsZoneRole.bicep' = {
  name: take('${deployment().name}-aks-zone-role', 64)
  scope: resourceGroup(split(privateDnsZonesResourceGroupId, '/')[2], split(privateDnsZonesResourceGroupId, '/')[4])
  params: {
    principalId: aksIdentity.outputs.principalId
    privateDnsZoneName: {{ k.dns_zone_bicep|safe }}
  }
}
{% endif %}

// After the private endpoints and the route to the firewall: the nodes and the extension reach
// Azure through them from the first minute.
module kubernetes 'modules/kubernetes.bicep' = {
  name: take('${deployment().name}-aks', 64)
  params: {
    location: location
    tags: tags
    clusterName: aksClusterName
    identityId: aksIdentity.outputs.resourceId
    vmSize: aksVmSize
    nodeCount: aksNodeCount
    maxPods: aksMaxPods
{% if k.kubernetes_version %}
    kubernetesVersion: aksKubernetesVersion
{% endif %}
    subnetId: spokeNetwork.outputs.scoringSubnetId
{% if k.dns_zone_created %}
    privateDnsZoneId: aksPrivateDnsZone.outputs.resourceId
{% else %}
    privateDnsZoneId: '${privateDnsZoneIdPrefix}{{ k.dns_zone_bicep[1:]|safe }}
{% endif %}
    workspaceName: workspace.outputs.name
    computeName: aksComputeName
    tlsCertificate: inferenceTlsCertificate
    tlsKey: inferenceTlsKey
  }
  dependsOn: [
{% if not k.dns_zone_created %}
    aksDnsZoneRole
{% endif %}
{% if m.network.peering %}
    peering
{% endif %}
{% for pe in m.private.private_endpoints %}
    {{ pe.symbol|ident }}
{% endfor %}
  ]
}
{% endif %}
{% if m.access.deployed %}

// People's roles: each persona's groups on the workspace{% if m.access.storage_roles %} and its storage account{% endif %}.
module access 'modules/access.bicep' = {
  name: take('${deployment().name}-access', 64)
  params: {
    workspaceName: workspace.outputs.name
{% if m.access.storage_roles %}
    storageAccountName: storage.outputs.name
{% endif %}
{% for p in m.access.personas if p.principal_ids %}
    {{ p.bicep_param|ident }}: {{ p.bicep_param|ident }}
{% endfor %}
  }
}
{% endif %}
{% if m.policy.deployed %}

// Azure Policy: the built-in Azure Machine Learning definitions that hold what this blueprint
// promises, at the {% if m.policy.scope == "subscription" %}subscription (the deploying identity needs Resource Policy Contributor there{% if m.policy.dns %}, and
// User Access Administrator or Owner for the policy identity's roles{% endif %}){% else %}resource group{% endif %}.
module policy 'modules/policy.bicep' = {
  name: take('${deployment().name}-policy', 64)
{% if m.policy.scope == "subscription" %}
  scope: subscription()
{% endif %}
  params: {
    workspaceName: workspace.outputs.name
{% if m.policy.assignments | selectattr("follows_effect") | list %}
    effect: policyEffect
{% endif %}
{% if m.policy.dns %}
    location: location
{% for z in m.policy.dns.zones %}
    {{ z.bicep_param|ident }}: {{ z.bicep_id|safe }}
{% endfor %}
{% endif %}
  }
}
{% if m.policy.dns %}

// The private DNS zone policy's identity on each workspace zone{% if m.policy.dns.zones_resource_group_id %}, in the central zones' resource group{% endif %}.
module policyDnsZoneRoles 'modules/policyDnsZoneRoles.bicep' = {
  name: take('${deployment().name}-policy-zone-roles', 64)
{% if m.policy.dns.zones_resource_group_id %}
  scope: resourceGroup(split(privateDnsZonesResourceGroupId, '/')[2], split(privateDnsZonesResourceGroupId, '/')[4])
{% endif %}
  params: {
    principalId: policy.outputs.privateDnsZonesPrincipalId
{% for z in m.policy.dns.zones %}
    {{ (z.bicep_symbol ~ "Name")|ident }}: {{ z.bicep_name|safe }}
{% endfor %}
  }
}
{% endif %}
{% endif %}

// ------------------------------------------------------------------------------------------------
// Outputs
// ------------------------------------------------------------------------------------------------

@description('The resource ID of the Azure Machine Learning workspace.')
output workspaceId string = workspace.outputs.resourceId

@description('The name of the Azure Machine Learning workspace.')
output workspaceName string = workspace.outputs.name

@description('The principal ID of the workspace {% if m.workspace.user_assigned_identity %}user-assigned{% else %}system-assigned{% endif %} managed identity.')
output workspacePrincipalId string = workspace.outputs.principalId

@description('The resource ID of the default storage account.')
output storageAccountId string = storage.outputs.resourceId

@description('The resource ID of the key vault.')
output keyVaultId string = keyVault.outputs.resourceId

@description('The resource ID of the container registry.')
output containerRegistryId string = containerRegistry.outputs.resourceId
{% if m.client %}

@description('The resource ID of the client VNet.')
output clientVnetId string = clientNetwork.outputs.vnetId
{% endif %}
{% if m.network %}
{% if m.network.firewall %}

@description('The private IP address of the hub firewall (next hop of the spoke routes).')
output firewallPrivateIp string = hubNetwork.outputs.firewallPrivateIp
{% endif %}

@description('The resource ID of the spoke VNet.')
output spokeVnetId string = {% if m.network.existing_spoke %}spokeVnetId{% else %}spokeNetwork.outputs.vnetId{% endif %}

{% if m.network.hub and m.network.hub.dns_resolver %}

@description('The DNS Private Resolver inbound address: on-premises DNS servers forward the zones in dns/ here.')
output dnsResolverInboundIp string = hubNetwork.outputs.dnsResolverInboundIp
{% endif %}
{% endif %}
{% if m.way_in.jump_box %}

@description('The resource ID of the jump box: az network bastion ssh --target-resource-id <this>.')
output jumpBoxId string = wayIn.outputs.jumpBoxId
{% endif %}
{% if m.way_in.vpn %}

@description('The name of the point-to-site VPN gateway (az network vnet-gateway vpn-client generate).')
output vpnGatewayName string = wayIn.outputs.vpnGatewayName
{% endif %}
