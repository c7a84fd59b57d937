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

@description('The resource ID of the key vault.')
output resourceId string = keyVault.id

@description('The name of the key vault.')
output name string = keyVault.name
