{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Hub-spoke peering'
metadata description = 'VNet peering in both directions; forwarded traffic is allowed so spoke traffic can return through the firewall.'

@description('Required. Hub VNet name.')
param hubVnetName string

@description('Required. Spoke VNet name.')
param spokeVnetName string

@description('Required. Resource ID of the hub VNet.')
param hubVnetId string

@description('Required. Resource ID of the spoke VNet.')
param spokeVnetId string

@description('Optional. The spoke uses the VPN or ExpressRoute gateway in the hub (allowGatewayTransit on the hub side, useRemoteGateways on the spoke side); the gateway must exist.')
param gatewayTransit bool = false

resource hubVnet {{ m.types.virtual_network }} existing = {
  name: hubVnetName
}

resource spokeVnet {{ m.types.virtual_network }} existing = {
  name: spokeVnetName
}

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
