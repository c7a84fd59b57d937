{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Default datastores'
metadata description = 'The workspace default datastores with identity-based access, previewing data in the studio with the workspace managed identity (needed when storage is behind a private endpoint).'

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string

@description('Required. Name of the workspace default storage account.')
param storageAccountName string
{% for d in m.workspace.datastores %}

@description('Required. The {{ d.location_property|comment }} Azure gave {{ d.name|comment }} when it created the workspace.')
param {{ d.bicep_output|ident }} string
{% endfor %}

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}
{% for d in m.workspace.datastores %}

// {{ d.name|comment }}: written back as Azure made it, with the workspace identity for data preview.
resource {{ d.name|ident }} {{ m.types.datastore }} = {
  parent: workspace
  name: {{ d.name }}
  properties: {
    datastoreType: {{ d.datastore_type }}
    accountName: storageAccountName
    {{ d.location_property|ident }}: {{ d.bicep_output|ident }}
    endpoint: environment().suffixes.storage
    protocol: 'https'
    credentials: {
      credentialsType: {{ d.credentials_type }}
    }
    serviceDataAccessAuthIdentity: {{ d.identity }}
  }
}
{% endfor %}
