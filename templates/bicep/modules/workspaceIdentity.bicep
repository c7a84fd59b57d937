{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set i = m.workspace.user_assigned_identity %}
{% set symbols = {"storage_account": "storageAccount", "key_vault": "keyVault", "container_registry": "registry", "application_insights": "applicationInsights"} %}
metadata name = 'Workspace identity'
metadata description = 'The workspace\'s user-assigned managed identity and the roles Azure documents for it on the workspace\'s dependencies{% if m.workspace.managed_vnet %} and resource group{% endif %}, assigned before the workspace is created (Azure checks the identity\'s access then).'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the user-assigned managed identity.')
@minLength({{ m.naming.user_assigned_identity.min }})
@maxLength({{ m.naming.user_assigned_identity.max }})
param name string

@description('Required. Name of the workspace default storage account.')
param storageAccountName string

@description('Required. Name of the workspace key vault.')
param keyVaultName string

@description('Required. Name of the workspace container registry.')
param containerRegistryName string

@description('Required. Name of the workspace Application Insights component.')
param applicationInsightsName string

resource identity {{ m.types.user_assigned_identity }} = {
  name: name
  location: location
  tags: tags
}

resource storageAccount {{ m.types.storage_account }} existing = {
  name: storageAccountName
}

resource keyVault {{ m.types.key_vault }} existing = {
  name: keyVaultName
}

resource registry {{ m.types.container_registry }} existing = {
  name: containerRegistryName
}

resource applicationInsights {{ m.types.application_insights }} existing = {
  name: applicationInsightsName
}
{% for r in i.roles %}
{% set scope = symbols[r.scope] if r.scope in symbols else none %}

{% if r.scope == "resource_group" %}
// {{ r.name|comment }} on the resource group: the managed VNet's private endpoints go to the
// workspace, its storage, key vault and registry, all here, and a user-assigned identity approves
// them only with this role (catalog/access.yaml).
{% else %}
// {{ r.name|comment }} on {{ r.on|comment }}.
{% endif %}
resource {{ r.bicep_symbol|ident }} {{ m.types.role_assignment }} = {
  name: guid({% if scope %}{{ scope|ident }}.id{% else %}resourceGroup().id{% endif %}, identity.id, {{ r.id }})
{% if scope %}
  scope: {{ scope|ident }}
{% endif %}
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ r.id }})
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
{% endfor %}

@description('The resource ID of the user-assigned managed identity.')
output resourceId string = identity.id

@description('The principal ID of the user-assigned managed identity.')
output principalId string = identity.properties.principalId
