{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Private DNS zone'
metadata description = 'A private DNS zone (location global) linked to VNets without auto-registration.'

@description('Required. Zone name, e.g. privatelink.api.azureml.ms.')
@minLength(1)
param name string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. VNets to link, as objects with `name` (of the link) and `vnetId`.')
@minLength(1)
param vnetLinks array

@description('Optional. Resolution policy of the links: NxDomainRedirect falls back to public resolution for names the zone lacks.')
@allowed([
  'Default'
  'NxDomainRedirect'
])
param resolutionPolicy string = 'Default'

resource zone {{ m.types.private_dns_zone }} = {
  name: name
  location: 'global'
  tags: tags
}

resource vnetLink {{ m.types.private_dns_zone_link }} = [for link in vnetLinks: {
  parent: zone
  name: link.name
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    resolutionPolicy: resolutionPolicy
    virtualNetwork: {
      id: link.vnetId
    }
  }
}]

@description('The resource ID of the private DNS zone.')
output resourceId string = zone.id
