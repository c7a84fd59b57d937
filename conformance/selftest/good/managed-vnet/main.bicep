// Fixture: amlgen's main.bicep for the managed-VNet blueprint (trimmed).
targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Prefix of resource names.')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Isolation mode of the workspace managed network.')
@allowed([
  'AllowInternetOutbound'
  'AllowOnlyApprovedOutbound'
])
param isolationMode string = 'AllowInternetOutbound'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: 'st${namePrefix}001'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: 'kv-${namePrefix}-001'
  }
}

module workspace 'modules/workspace.bicep' = {
  name: 'workspace'
  params: {
    location: location
    name: 'mlw-${namePrefix}'
    storageAccountId: storage.outputs.id
    keyVaultId: keyVault.outputs.id
    isolationMode: isolationMode
  }
}

output workspaceId string = workspace.outputs.id
