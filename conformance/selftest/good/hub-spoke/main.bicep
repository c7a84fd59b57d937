// Fixture: customer-VNet workspace reached through a Microsoft.Network/privateEndpoints
// resource. CKV_AZURE_243 only recognises a PrivateEndpoint outbound rule of a managed
// network, so it fails this (private) workspace; the skip documents why.
param location string = resourceGroup().location
param storageAccountId string
param keyVaultId string
param subnetId string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  // checkov:skip=CKV_AZURE_243: private through the privateEndpoints resource below, not a managed-network rule
  name: 'mlw-aml-spoke'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    storageAccount: storageAccountId
    keyVault: keyVaultId
    publicNetworkAccess: 'Disabled'
  }
}

resource workspacePe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-mlw-aml-spoke'
  location: location
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'pe-mlw-aml-spoke-connection'
        properties: {
          privateLinkServiceId: workspace.id
          groupIds: [
            'amlworkspace'
          ]
        }
      }
    ]
  }
}
