{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Private endpoint'
metadata description = 'A private endpoint with a DNS zone group, so its A records are registered in the private DNS zones.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Private endpoint name.')
@minLength({{ m.naming.private_endpoint.min }})
@maxLength({{ m.naming.private_endpoint.max }})
param name string

@description('Required. Resource ID of the subnet the endpoint is placed in.')
param subnetId string

@description('Required. Resource ID of the resource the endpoint connects to.')
param targetResourceId string

@description('Required. Sub-resource (group ID) of the target, e.g. amlworkspace, blob, file.')
param groupId string

@description('Required. Resource IDs of the private DNS zones that receive the endpoint records; empty when Azure Policy adds the zone group.')
param privateDnsZoneIds array

@description('Optional. Principal that gets Reader on this endpoint (the workspace identity on the storage endpoints, so the studio can preview data in private storage). Empty for none.')
param readerPrincipalId string = ''

var readerRoleId = {{ m.private.reader_role_id }}

resource privateEndpoint {{ m.types.private_endpoint }} = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup {{ m.types.private_dns_zone_group }} = if (!empty(privateDnsZoneIds)) {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [for (zoneId, i) in privateDnsZoneIds: {
      name: 'zone-${i}'
      properties: {
        privateDnsZoneId: zoneId
      }
    }]
  }
}

resource readerAssignment {{ m.types.role_assignment }} = if (!empty(readerPrincipalId)) {
  name: guid(privateEndpoint.id, readerPrincipalId, readerRoleId)
  scope: privateEndpoint
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('The resource ID of the private endpoint.')
output resourceId string = privateEndpoint.id
