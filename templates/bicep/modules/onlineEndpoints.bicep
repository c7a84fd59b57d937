{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Managed online endpoints'
metadata description = 'Managed online endpoints without deployments: no public network access (scoring requests arrive only through the workspace private endpoint) and a system-assigned identity; their deployments run in the workspace managed VNet.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string

@description('Required. The endpoints: name, authMode (AADToken, Key or AMLToken) and description of each.')
param onlineEndpoints array

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}

// Public network access disabled: the endpoint takes scoring requests only through the
// workspace's private endpoint. The system-assigned identity gets AcrPull on the workspace's
// registry and Storage Blob Data Reader on its storage from Azure.
resource onlineEndpoint {{ m.types.online_endpoint }} = [for e in onlineEndpoints: {
  parent: workspace
  name: e.name
  location: location
  tags: tags
  identity: {
    type: {{ m.inference.identity.arm }}
  }
  properties: {
    authMode: e.authMode
    description: e.description
    publicNetworkAccess: {{ m.inference.public_network_access.arm }}
  }
}]
