{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set j = m.way_in.jump_box %}
metadata name = 'Jump box network'
metadata description = 'The NSG of the jump box subnet (SSH only from Azure Bastion, HTTPS out only) and NAT gateway (its only way out).'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

// Inbound: SSH from AzureBastionSubnet and nothing else (the default AllowVnetInBound would
// admit peered and on-premises networks). Outbound: HTTPS to the Internet (Microsoft Entra
// sign-in and its packages, the studio, az and the SDK) and the VNet; no other Internet port.
resource nsg {{ m.types.network_security_group }} = {
  name: {{ j.nsg_name }}
  location: location
  tags: tags
  properties: {
    securityRules: [
{% for r in j.nsg_rules %}
      {
        name: {{ r.name }}
        properties: {
          description: {{ r.description }}
          priority: {{ r.priority }}
          direction: {{ r.direction }}
          access: {{ r.access }}
          protocol: {{ r.protocol }}
          sourceAddressPrefix: {{ r.source }}
          sourcePortRange: '*'
          destinationAddressPrefix: {{ r.destination }}
          destinationPortRange: {{ r.port }}
        }
      }
{% endfor %}
    ]
  }
}

resource natGatewayPublicIp {{ m.types.public_ip }} = {
  name: {{ j.nat_gateway_public_ip }}
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}

// The jump box's only way out (new subnets have no default outbound access).
resource natGateway {{ m.types.nat_gateway }} = {
  name: {{ j.nat_gateway_name }}
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.nat_gateway_sku }}
  }
  properties: {
    idleTimeoutInMinutes: {{ m.defaults.nat_gateway_idle_timeout_minutes }}
    publicIpAddresses: [
      {
        id: natGatewayPublicIp.id
      }
    ]
  }
}

@description('The resource ID of the NSG of the jump box subnet.')
output nsgId string = nsg.id

@description('The resource ID of the NAT gateway of the jump box subnet.')
output natGatewayId string = natGateway.id
