{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Storage account'
metadata description = 'The default storage account of the Azure Machine Learning workspace: private (no public network access), TLS 1.2, no anonymous blob access{% if not m.posture.storage_shared_key_access %}, no shared key access{% endif %}.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength({{ m.naming.storage_account.min }})
@maxLength({{ m.naming.storage_account.max }})
param name string

@description('Required. Replication SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string

resource storageAccount {{ m.types.storage_account }} = {
  // checkov:skip=CKV_AZURE_206: Replication is chosen per environment (storageAccountSku; the geo-redundant SKUs are allowed). Zone redundancy is the default because geo-replication copies workspace data to a second region, which data-residency rules often forbid.
  name: name
  location: location
  tags: tags
  kind: {{ m.defaults.storage_kind }}
  sku: {
    name: skuName
  }
  properties: {
    accessTier: {{ m.defaults.storage_access_tier }}
    allowBlobPublicAccess: {{ m.posture.storage_allow_blob_public_access }}
    allowCrossTenantReplication: {{ m.posture.storage_allow_cross_tenant_replication }}
{% if not m.posture.storage_shared_key_access %}
    // No account keys: Microsoft Entra ID authorizes every request (the workspace's system
    // datastores use its managed identity).
{% endif %}
    allowSharedKeyAccess: {{ m.posture.storage_shared_key_access }}
    minimumTlsVersion: {{ m.defaults.minimum_tls_version }}
    supportsHttpsTrafficOnly: {{ m.posture.storage_https_only }}
    publicNetworkAccess: {{ m.posture.public_network_access_text }}
    networkAcls: {
      // Deny by default; the workspace and people reach the account through private endpoints.
      bypass: {{ m.posture.trusted_services_bypass }}
      defaultAction: {{ m.posture.network_default_action }}
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: {{ m.posture.storage_infrastructure_encryption }}
      services: {
        blob: {
          enabled: true
        }
        file: {
          enabled: true
        }
      }
    }
  }
}

@description('The resource ID of the storage account.')
output resourceId string = storageAccount.id

@description('The name of the storage account.')
output name string = storageAccount.name
