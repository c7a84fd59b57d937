{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Hub-spoke peering'
{% if m.network.peering.hub_side %}
metadata description = 'VNet peering in both directions; forwarded traffic is allowed so spoke traffic can return through the firewall.'

@description('Required. Hub VNet name.')
param hubVnetName string
{% else %}
metadata description = 'The spoke side of the peering to the landing zone hub; forwarded traffic is allowed so spoke traffic can return through the firewall. The hub side is the hub owner\'s.'
{% endif %}

@description('Required. Spoke VNet name.')
param spokeVnetName string

@description('Required. Resource ID of the hub VNet.')
param hubVnetId string

@description('Required. Resource ID of the spoke VNet.')
param spokeVnetId string

@description('Optional. The spoke uses the VPN or ExpressRoute gateway in the hub (allowGatewayTransit on the hub side, useRemoteGateways on the spoke side); the gateway must exist.')
param gatewayTransit bool = false

{% if m.network.peering.hub_side %}
resource hubVnet {{ m.types.virtual_network }} existing = {
  name: hubVnetName
}
{% endif %}

resource spokeVnet {{ m.types.virtual_network }} existing = {
  name: spokeVnetName
}

{% if m.network.peering.hub_side %}
resource hubToSpoke {{ m.types.virtual_network_peering }} = {
  parent: hubVnet
  name: {{ m.network.peering.hub_to_spoke }}
  properties: {
    remoteVirtualNetwork: {
      id: spokeVnetId
    }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: true
    allowGatewayTransit: gatewayTransit
    useRemoteGateways: false
  }
}
{% endif %}

resource spokeToHub {{ m.types.virtual_network_peering }} = {
  parent: spokeVnet
  name: {{ m.network.peering.spoke_to_hub }}
  properties: {
    remoteVirtualNetwork: {
      id: hubVnetId
    }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: true
    allowGatewayTransit: false
    useRemoteGateways: gatewayTransit
  }
}
