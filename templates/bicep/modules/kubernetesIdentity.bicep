{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set k = m.inference.kubernetes %}
metadata name = 'Identity of the AKS cluster for scoring'
metadata description = 'The AKS control plane\'s user-assigned identity, with Network Contributor on the scoring subnet{% if k.dns_zone_created %} and Private DNS Zone Contributor on the API server\'s private DNS zone{% endif %}: both exist before the cluster, which a private cluster with its own zone needs.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the user-assigned identity.')
@minLength({{ m.naming.managed_identity.min }})
@maxLength({{ m.naming.managed_identity.max }})
param name string

@description('Required. Name of the spoke VNet.')
param vnetName string

@description('Required. Name of the scoring subnet the cluster\'s nodes, pods and load balancer use.')
param subnetName string
{% if k.dns_zone_created %}

@description('Required. Name of the API server\'s private DNS zone (created in this resource group).')
param privateDnsZoneName string
{% endif %}

resource identity {{ m.types.user_assigned_identity }} = {
  name: name
  location: location
  tags: tags
}

resource vnet {{ m.types.virtual_network }} existing = {
  name: vnetName
}

resource subnet {{ m.types.subnet }} existing = {
  parent: vnet
  name: subnetName
}

// Joins nodes to the subnet and creates the internal load balancer there.
resource subnetRole {{ m.types.role_assignment }} = {
  name: guid(subnet.id, identity.id, {{ k.subnet_role_id }})
  scope: subnet
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ k.subnet_role_id }})
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
{% if k.dns_zone_created %}

resource dnsZone {{ m.types.private_dns_zone }} existing = {
  name: privateDnsZoneName
}

// Writes the API server's record in the zone.
resource dnsZoneRole {{ m.types.role_assignment }} = {
  name: guid(dnsZone.id, identity.id, {{ k.dns_zone_role_id }})
  scope: dnsZone
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ k.dns_zone_role_id }})
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
{% endif %}

@description('The resource ID of the identity.')
output resourceId string = identity.id

@description('The principal ID of the identity.')
output principalId string = identity.properties.principalId
