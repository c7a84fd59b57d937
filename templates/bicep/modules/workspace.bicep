{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Azure Machine Learning workspace'
{% if m.network %}
metadata description = 'The workspace, without managed virtual network: its compute runs in the customer spoke VNet.'
{% else %}
metadata description = 'The workspace with its managed virtual network ({{ m.workspace.isolation_mode.cli|comment }}); outbound rules are kept inside managedNetwork, the form that deploys reliably.'
{% endif %}

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Workspace name: 3-33 alphanumerics, hyphens and underscores, starting with an alphanumeric.')
@minLength({{ m.naming.workspace.min }})
@maxLength({{ m.naming.workspace.max }})
param name string

@description('Required. Display name in the studio.')
param friendlyName string

@description('Required. High business impact workspace (confidential data); set only at creation.')
param hbiWorkspace bool
{% if m.workspace.customer_managed_key %}

@description('Required. Resource ID of the key vault with the key that encrypts the workspace\'s data.')
param customerManagedKeyVaultId string

@description('Required. Identifier of the key that encrypts the workspace\'s data.')
param customerManagedKeyUri string
{% endif %}

{% if m.workspace.user_assigned_identity %}
@description('Required. Resource ID of the user-assigned managed identity the workspace uses.')
param userAssignedIdentityId string

@description('Required. Principal ID of the user-assigned managed identity the workspace uses.')
param userAssignedIdentityPrincipalId string

{% endif %}
@description('Required. Resource ID of the default storage account.')
param storageAccountId string

@description('Required. Resource ID of the key vault.')
param keyVaultId string

@description('Required. Resource ID of the container registry.')
param containerRegistryId string

@description('Required. Resource ID of the Application Insights component.')
param applicationInsightsId string
{% if m.workspace.firewall_sku %}

@description('Required. SKU of the managed Azure Firewall that serves FQDN rules.')
@allowed([
{% for sku in m.workspace.firewall_sku_values %}
  {{ sku }}
{% endfor %}
])
param firewallSku string
{% endif %}
{% if m.workspace.kind %}

@description('Required. Kind of managed network; V1 to V2 is one-way.')
@allowed([
{% for k in m.workspace.kind_values %}
  {{ k }}
{% endfor %}
])
param managedNetworkKind string

@description('Required. Azure network monitoring of the managed network.')
param enableNetworkMonitor bool
{% endif %}
{% if not m.network %}

@description('Required. Provision the managed VNet now rather than with the first compute.')
param provisionNetworkNow bool

@description('Required. User-defined outbound rules, keyed by rule name.')
param outboundRules object
{% endif %}
{% if m.workspace.serverless %}

@description('Required. Subnet serverless compute runs in (the spoke training subnet), so serverless jobs reach the private workspace and storage too.')
param serverlessSubnetId string
{% endif %}
{% if m.workspace.image_build_compute %}

@description('Required. Compute that builds images: a registry behind a private endpoint cannot build them itself.')
param imageBuildCompute string
{% endif %}

resource workspace {{ m.types.workspace }} = {
  // checkov:skip=CKV_AZURE_243: The workspace is reached through a Microsoft.Network/privateEndpoints resource (modules/privateEndpoint.bicep, group amlworkspace) and public network access is disabled; this check only recognises a managed-VNet PrivateEndpoint outbound rule.
  name: name
  location: location
  tags: tags
  kind: 'Default'
{% if m.workspace.user_assigned_identity %}
  // Its user-assigned identity only: it has the roles Azure documents for it on the dependencies
  // (modules/workspaceIdentity.bicep) and outlives the workspace.
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${userAssignedIdentityId}': {}
    }
  }
{% else %}
  identity: {
    type: 'SystemAssigned'
  }
{% endif %}
  sku: {
    name: 'Basic'
    tier: 'Basic'
  }
  properties: {
    friendlyName: friendlyName
{% if m.workspace.user_assigned_identity %}
    primaryUserAssignedIdentity: userAssignedIdentityId
{% endif %}
    hbiWorkspace: hbiWorkspace
{% if m.workspace.customer_managed_key %}
    // Azure creates Cosmos DB, AI Search and storage for the workspace's data in a resource
    // group of its own, encrypted with this key (README, "Encryption").
    encryption: {
      status: 'Enabled'
{% if m.workspace.user_assigned_identity %}
      // A workspace with only a user-assigned identity reads its key with that identity.
      identity: {
        userAssignedIdentity: userAssignedIdentityId
      }
{% endif %}
      keyVaultProperties: {
        keyVaultArmId: customerManagedKeyVaultId
        keyIdentifier: customerManagedKeyUri
      }
    }
{% endif %}
    storageAccount: storageAccountId
    keyVault: keyVaultId
    containerRegistry: containerRegistryId
    applicationInsights: applicationInsightsId
    publicNetworkAccess: {{ m.workspace.public_network_access }}
    systemDatastoresAuthMode: {{ m.workspace.system_datastores_auth_mode.arm }}
    managedNetwork: {
      isolationMode: {{ m.workspace.isolation_mode.arm }}
{% if m.workspace.firewall_sku %}
      firewallSku: firewallSku
{% endif %}
{% if m.workspace.kind %}
      managedNetworkKind: managedNetworkKind
      enableNetworkMonitor: enableNetworkMonitor
{% endif %}
{% if not m.network %}
      outboundRules: outboundRules
{% endif %}
    }
{% if not m.network %}
    provisionNetworkNow: provisionNetworkNow
{% endif %}
{% if m.workspace.image_build_compute %}
    imageBuildCompute: imageBuildCompute
{% endif %}
{% if m.workspace.serverless %}
    serverlessComputeSettings: {
      serverlessComputeCustomSubnet: serverlessSubnetId
      serverlessComputeNoPublicIP: {{ m.workspace.serverless.no_public_ip }}
    }
{% endif %}
  }
}

{% if m.workspace.user_assigned_identity %}
{% for r in m.workspace.user_assigned_identity.workspace_roles %}
// {{ r.name|comment }} on the workspace for its user-assigned identity, once the workspace exists.
resource {{ r.bicep_symbol|ident }} {{ m.types.role_assignment }} = {
  name: guid(workspace.id, userAssignedIdentityId, {{ r.id }})
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ r.id }})
    principalId: userAssignedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

{% endfor %}
{% endif %}
{% for d in m.workspace.datastores %}
// {{ d.name|comment }} as Azure created it with the workspace: where its data lives is Azure's
// choice, read here and handed to modules/datastores.bicep.
resource {{ d.name|ident }} {{ m.types.datastore }} existing = {
  parent: workspace
  name: {{ d.name }}
}

{% endfor %}
@description('The resource ID of the workspace.')
output resourceId string = workspace.id

@description('The name of the workspace.')
output name string = workspace.name

{% if m.workspace.user_assigned_identity %}
// A workspace with only a user-assigned identity has no identity.principalId of its own.
@description('The principal ID of the workspace managed identity (its user-assigned identity).')
output principalId string = userAssignedIdentityPrincipalId
{% else %}
@description('The principal ID of the workspace system-assigned managed identity.')
output principalId string = workspace.identity.principalId
{% endif %}
{% for d in m.workspace.datastores %}

@description('The {{ d.location_property|comment }} of the default datastore {{ d.name|comment }}.')
output {{ d.bicep_output|ident }} string = any({{ d.name|ident }}.properties).{{ d.location_property|ident }}
{% endfor %}
