{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = {{ m.blueprint.name }}
metadata description = {{ m.blueprint.description }}

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

module keyVault 'modules/keyVault.bicep' = {
  name: take('${deployment().name}-key-vault', 64)
  params: {
    location: location
    tags: tags
    name: keyVaultName
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
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

module workspace 'modules/workspace.bicep' = {
  name: take('${deployment().name}-workspace', 64)
  params: {
    location: location
    tags: tags
    name: workspaceName
    friendlyName: workspaceFriendlyName
    storageAccountId: storage.outputs.resourceId
    keyVaultId: keyVault.outputs.resourceId
    containerRegistryId: containerRegistry.outputs.resourceId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
{% if m.workspace.firewall_sku %}
    firewallSku: firewallSku
{% endif %}
    provisionNetworkNow: provisionNetworkNow
    outboundRules: outboundRules
  }
}
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
  }
}

// Private DNS zones for the client private endpoints, linked to the client VNet. Zone names use
// environment() where the cloud has the suffix; the others are per-cloud literals.
{% for z in m.client.zones %}
module {{ z.symbol|ident }} 'modules/privateDnsZone.bicep' = {
  name: take('${deployment().name}-zone-{{ loop.index }}', 64)
  params: {
    name: {{ z.bicep|safe }}
    tags: tags
    vnetLinkName: {{ z.link_name }}
    vnetId: clientNetwork.outputs.vnetId
  }
}

{% endfor %}
{% for pe in m.client.private_endpoints %}
// Private endpoint: {{ pe.label|comment }}.
module {{ pe.symbol|ident }} 'modules/privateEndpoint.bicep' = {
  name: take('${deployment().name}-{{ pe.name|raw_in_quotes }}', 64)
  params: {
    location: location
    tags: tags
    name: {{ pe.name }}
    subnetId: clientNetwork.outputs.peSubnetId
    targetResourceId: {% if pe.target == "workspace" %}workspace.outputs.resourceId{% else %}storage.outputs.resourceId{% endif %}

    groupId: {{ pe.group_id }}
    privateDnsZoneIds: [
{% for i in pe.zone_indices %}
      {{ m.client.zones[i].symbol|ident }}.outputs.resourceId
{% endfor %}
    ]
  }
}
{% if not loop.last %}

{% endif %}
{% endfor %}
{% endif %}

// ------------------------------------------------------------------------------------------------
// Outputs
// ------------------------------------------------------------------------------------------------

@description('The resource ID of the Azure Machine Learning workspace.')
output workspaceId string = workspace.outputs.resourceId

@description('The name of the Azure Machine Learning workspace.')
output workspaceName string = workspace.outputs.name

@description('The principal ID of the workspace system-assigned managed identity.')
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
