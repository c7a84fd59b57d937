// Broken on purpose: storage reachable from the internet, anonymous blob access, TLS 1.0.
// expect: \[CKV_AZURE_59\] Ensure that Storage accounts disallow public access
// expect: \[CKV_AZURE_44\] Ensure Storage Account is using the latest version of TLS encryption
param location string = resourceGroup().location

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stselftestpublic001'
  location: location
  sku: {
    name: 'Standard_GZRS'
  }
  kind: 'StorageV2'
  properties: {
    allowBlobPublicAccess: true
    publicNetworkAccess: 'Enabled'
    minimumTlsVersion: 'TLS1_0'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
  }
}
