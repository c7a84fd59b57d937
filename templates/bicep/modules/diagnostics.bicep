{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Diagnostics'
metadata description = 'Diagnostic settings that send resource logs to the Log Analytics workspace, so refused requests can be seen.'

@description('Required. Azure region (the diagnostic setting API version in use requires one).')
param location string

@description('Required. Resource ID of the Log Analytics workspace the logs go to.')
param logAnalyticsId string

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string

@description('Required. Name of the key vault.')
param keyVaultName string

@description('Required. Name of the storage account (its blob service is logged).')
param storageAccountName string
{% if m.network and m.network.firewall %}

@description('Required. Name of the hub firewall.')
param firewallName string

resource firewall {{ m.types.firewall }} existing = {
  name: firewallName
}
{% endif %}

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}

resource keyVault {{ m.types.key_vault }} existing = {
  name: keyVaultName
}

resource storageAccount {{ m.types.storage_account }} existing = {
  name: storageAccountName
}

// Storage logs are per service; the blob service of an account is always named default.
resource blobService {{ m.types.blob_service }} existing = {
  parent: storageAccount
  name: 'default'
}
{% for t in m.monitoring.diagnostics.targets %}

// {{ t.label|comment }}: {{ t.categories|join(", ")|comment }} (table {{ t.table|comment }}).
resource {{ (t.symbol ~ "Diagnostics")|ident }} {{ m.types.diagnostic_settings }} = {
  name: {{ m.monitoring.diagnostics.setting_name }}
  scope: {{ t.symbol|ident }}
  location: location
  properties: {
    workspaceId: logAnalyticsId
    logs: [
{% for c in t.categories %}
      {
        category: {{ c }}
        enabled: true
      }
{% endfor %}
    ]
  }
}
{% endfor %}
