{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Client network'
metadata description = 'The VNet people reach the private workspace from (VPN, ExpressRoute, Bastion or a jump box), with a subnet for private endpoints.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. VNet name.')
@minLength({{ m.naming.virtual_network.min }})
@maxLength({{ m.naming.virtual_network.max }})
param vnetName string

@description('Required. Address ranges of the VNet.')
@minLength(1)
param addressPrefixes array

@description('Required. Name of the private endpoint subnet.')
@minLength({{ m.naming.subnet.min }})
@maxLength({{ m.naming.subnet.max }})
param peSubnetName string

@description('Required. Address range of the private endpoint subnet.')
param peSubnetAddressPrefix string

@description('Required. Name of the network security group of the private endpoint subnet.')
@minLength({{ m.naming.network_security_group.min }})
@maxLength({{ m.naming.network_security_group.max }})
param nsgName string
{% if m.way_in.jump_box %}

@description('Required. Resource ID of the NSG of the jump box subnet.')
param jumpBoxNsgId string

@description('Required. Resource ID of the NAT gateway of the jump box subnet.')
param jumpBoxNatGatewayId string
{% endif %}

// Private endpoints need no rules of their own; the NSG keeps the subnet under the same policy
// as every other subnet (many organisations require an NSG on each).
resource nsg {{ m.types.network_security_group }} = {
  name: nsgName
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource vnet {{ m.types.virtual_network }} = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: addressPrefixes
    }
    subnets: [
      {
        name: peSubnetName
        properties: {
          addressPrefix: peSubnetAddressPrefix
          networkSecurityGroup: {
            id: nsg.id
          }
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
{% for sn in m.way_in.client_subnets %}
      {
        name: {{ sn.name }}
        properties: {
          addressPrefix: {{ sn.prefix }}
{% if m.way_in.jump_box and sn.name == m.way_in.jump_box.subnet_name %}
          networkSecurityGroup: {
            id: jumpBoxNsgId
          }
          natGateway: {
            id: jumpBoxNatGatewayId
          }
          defaultOutboundAccess: false
{% endif %}
        }
      }
{% endfor %}
    ]
  }
}

@description('The resource ID of the VNet.')
output vnetId string = vnet.id

@description('The resource ID of the private endpoint subnet.')
output peSubnetId string = vnet.properties.subnets[0].id
