{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Key vault'
metadata description = 'The key vault of the Azure Machine Learning workspace: private, Azure RBAC authorisation, purge protection.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Key vault name: 3-24 alphanumerics and hyphens, globally unique.')
@minLength({{ m.naming.key_vault.min }})
@maxLength({{ m.naming.key_vault.max }})
param name string

@description('Required. Days a deleted vault is kept before it can be purged.')
@minValue({{ m.ranges.keyVaultSoftDeleteRetentionDays.min }})
@maxValue({{ m.ranges.keyVaultSoftDeleteRetentionDays.max }})
param softDeleteRetentionInDays int
{% if created_key %}
{% set ck = created_key %}

@description('Required. Name of the key that encrypts the workspace\'s data.')
@minLength({{ m.naming.key_vault_key.min }})
@maxLength({{ m.naming.key_vault_key.max }})
param customerManagedKeyName string

@description('Required. RSA key size in bits.')
@allowed([
{% for size in ck.sizes %}
  {{ size }}
{% endfor %}
])
param customerManagedKeySize int

@description('Required. Object ID of the Azure Cosmos DB service principal in this tenant.')
param cosmosDbPrincipalId string
{% endif %}

resource keyVault {{ m.types.key_vault }} = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: {{ m.posture.key_vault_rbac_authorization }}
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: {{ m.posture.key_vault_purge_protection }}
    publicNetworkAccess: {{ m.posture.public_network_access_text }}
    networkAcls: {
      bypass: {{ m.posture.trusted_services_bypass }}
      defaultAction: {{ m.posture.network_default_action }}
    }
  }
}

{% if created_key %}
{% set ck = created_key %}
// The workspace's customer-managed key. Azure Resource Manager creates a key's first version and
// afterwards returns it unchanged (no new version, no update), so a redeployment makes no new
// version; the workspace gets the key's current one (after a rotation, the new one: README,
// "Encryption"). No expiry: an expired key would stop the workspace.
resource customerManagedKey {{ m.types.key_vault_key }} = {
  // checkov:skip=CKV_AZURE_40: An expiry date would stop the workspace the day it passes: Azure Machine Learning reads this key version until it is rotated by hand (README, "Encryption").
  // checkov:skip=CKV_AZURE_112: An HSM-backed key (RSA-HSM) needs the Premium tier for the workspace's whole key vault; this key is software-protected in the Standard vault.
  parent: keyVault
  name: customerManagedKeyName
  properties: {
    kty: {{ ck.kty }}
    keySize: customerManagedKeySize
  }
}

// {{ ck.role.name|comment }} on the key alone: Azure Cosmos DB wraps and
// unwraps the workspace's metadata keys with it (a vault with Azure RBAC takes no access policy).
resource cosmosDbKeyRole {{ m.types.role_assignment }} = {
  name: guid(customerManagedKey.id, cosmosDbPrincipalId, {{ ck.role.id }})
  scope: customerManagedKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ ck.role.id }})
    principalId: cosmosDbPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('The identifier, with its version, of the key that encrypts the workspace\'s data.')
output customerManagedKeyUri string = customerManagedKey.properties.keyUriWithVersion

{% endif %}
@description('The resource ID of the key vault.')
output resourceId string = keyVault.id

@description('The name of the key vault.')
output name string = keyVault.name
