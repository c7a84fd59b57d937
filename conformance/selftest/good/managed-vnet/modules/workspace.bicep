// Fixture: the Azure ML workspace with a managed network.
param location string
param name string
param storageAccountId string
param keyVaultId string

@allowed([
  'AllowInternetOutbound'
  'AllowOnlyApprovedOutbound'
])
param isolationMode string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: name
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    storageAccount: storageAccountId
    keyVault: keyVaultId
    publicNetworkAccess: 'Disabled'
    managedNetwork: {
      isolationMode: isolationMode
      outboundRules: {
        'pe-storage-blob': {
          type: 'PrivateEndpoint'
          destination: {
            serviceResourceId: storageAccountId
            subresourceTarget: 'blob'
            sparkEnabled: false
          }
        }
      }
    }
  }
}

output id string = workspace.id
