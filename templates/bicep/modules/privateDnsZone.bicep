{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Private DNS zone'
metadata description = 'A private DNS zone (location global) linked to a VNet without auto-registration.'

@description('Required. Zone name, e.g. privatelink.api.azureml.ms.')
@minLength(1)
param name string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the VNet link.')
@minLength(1)
@maxLength(80)
param vnetLinkName string

@description('Required. Resource ID of the VNet to link.')
param vnetId string

resource zone {{ m.types.private_dns_zone }} = {
  name: name
  location: 'global'
  tags: tags
}

resource vnetLink {{ m.types.private_dns_zone_link }} = {
  parent: zone
  name: vnetLinkName
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnetId
    }
  }
}

@description('The resource ID of the private DNS zone.')
output resourceId string = zone.id
