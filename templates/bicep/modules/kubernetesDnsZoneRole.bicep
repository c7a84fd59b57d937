{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set k = m.inference.kubernetes %}
metadata name = 'Private DNS zone role of the AKS identity'
metadata description = 'The AKS control plane\'s identity gets Private DNS Zone Contributor on the central API server zone (deployed to the central zones\' resource group).'

@description('Required. Principal ID of the AKS control plane\'s identity.')
param principalId string

@description('Required. Name of the API server\'s private DNS zone.')
param privateDnsZoneName string

resource dnsZone {{ m.types.private_dns_zone }} existing = {
  name: privateDnsZoneName
}

// Writes the API server's record in the zone.
resource dnsZoneRole {{ m.types.role_assignment }} = {
  name: guid(dnsZone.id, principalId, {{ k.dns_zone_role_id }})
  scope: dnsZone
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ k.dns_zone_role_id }})
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
