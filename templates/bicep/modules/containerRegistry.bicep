{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Container registry'
metadata description = 'The container registry of the Azure Machine Learning workspace: Premium (required for private endpoints), private, admin user off.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Registry name: 5-50 alphanumerics, globally unique.')
@minLength({{ m.naming.container_registry.min }})
@maxLength({{ m.naming.container_registry.max }})
param name string

resource registry {{ m.types.container_registry }} = {
  // checkov:skip=CKV_AZURE_166: Quarantine holds every pushed image until a scanner releases it; Azure Machine Learning pushes environment images and pulls them at once, so quarantine without a scanning pipeline breaks every image build.
  name: name
  location: location
  tags: tags
  sku: {
    name: {{ m.registry.sku }}
  }
  properties: {
    adminUserEnabled: {{ m.posture.registry_admin_user }}
    anonymousPullEnabled: false
    publicNetworkAccess: {{ m.posture.public_network_access_text }}
    networkRuleBypassOptions: {{ m.posture.trusted_services_bypass }}
    policies: {
      exportPolicy: {
        status: {{ m.posture.bicep_registry_export_status }}
      }
      retentionPolicy: {
        days: {{ m.defaults.registry_untagged_retention_days }}
        status: 'enabled'
      }
    }
  }
}

@description('The resource ID of the container registry.')
output resourceId string = registry.id

@description('The name of the container registry.')
output name string = registry.name
