{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Hub network'
metadata description = 'Hub VNet with Azure Firewall ({{ m.network.firewall.tier|comment }}) and a firewall policy that allows exactly the outbound traffic Azure Machine Learning compute needs{% if m.network.exfiltration_prevention %} with exfiltration prevention (no Storage service tag){% endif %}.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Hub VNet name.')
@minLength({{ m.naming.virtual_network.min }})
@maxLength({{ m.naming.virtual_network.max }})
param vnetName string

@description('Required. Address ranges of the hub VNet.')
@minLength(1)
param addressPrefixes array

@description('Required. Address range of AzureFirewallSubnet (/26 or larger).')
param firewallSubnetPrefix string
{% if m.network.hub.firewall_management_subnet %}

@description('Required. Address range of AzureFirewallManagementSubnet (/26 or larger; the Basic SKU needs it).')
param firewallManagementSubnetPrefix string

@description('Required. Name of the public IP of the firewall management interface.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param firewallManagementPublicIpName string
{% endif %}
{% if m.network.hub.bastion %}

@description('Required. Address range of AzureBastionSubnet (/26 or larger).')
param bastionSubnetPrefix string

@description('Required. Azure Bastion host name.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param bastionName string

@description('Required. Name of the Bastion public IP.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param bastionPublicIpName string
{% endif %}
{% if m.network.hub.gateway_subnet %}

@description('Required. Address range of GatewaySubnet (/27 or larger), kept for a VPN or ExpressRoute gateway.')
param gatewaySubnetPrefix string
{% endif %}
{% if m.way_in.jump_box %}

@description('Required. Address range of the jump box subnet.')
param jumpBoxSubnetPrefix string

@description('Required. Resource ID of the NSG of the jump box subnet.')
param jumpBoxNsgId string

@description('Required. Resource ID of the NAT gateway of the jump box subnet.')
param jumpBoxNatGatewayId string
{% endif %}

{% if m.network.hub.dns_resolver %}
@description('Required. Address range of the DNS Private Resolver inbound subnet (/28 or larger).')
param dnsResolverSubnetPrefix string

@description('Required. DNS Private Resolver name.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param dnsResolverName string

{% endif %}
@description('Required. Azure Firewall name.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param firewallName string

@description('Required. Firewall policy name.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param firewallPolicyName string

@description('Required. Name of the firewall public IP.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param firewallPublicIpName string

@description('Required. Address ranges allowed out through the firewall (the spoke).')
@minLength(1)
param sourceAddressPrefixes array
{% if m.network.firewall.scoring_source %}

@description('Required. Address range of the scoring subnet, the only source of the AKS cluster\'s rules.')
param scoringSubnetPrefix string
{% endif %}

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
        name: 'AzureFirewallSubnet'
        properties: {
          addressPrefix: firewallSubnetPrefix
        }
      }
{% if m.network.hub.firewall_management_subnet %}
      {
        name: 'AzureFirewallManagementSubnet'
        properties: {
          addressPrefix: firewallManagementSubnetPrefix
        }
      }
{% endif %}
{% if m.network.hub.bastion %}
      {
        name: 'AzureBastionSubnet'
        properties: {
          addressPrefix: bastionSubnetPrefix
        }
      }
{% endif %}
{% if m.network.hub.dns_resolver %}
      {
        name: {{ m.network.hub.dns_resolver.subnet_name }}
        properties: {
          addressPrefix: dnsResolverSubnetPrefix
          delegations: [
            {
              name: 'Microsoft.Network.dnsResolvers'
              properties: {
                serviceName: 'Microsoft.Network/dnsResolvers'
              }
            }
          ]
        }
      }
{% endif %}
{% if m.network.hub.gateway_subnet %}
      {
        name: 'GatewaySubnet'
        properties: {
          addressPrefix: gatewaySubnetPrefix
        }
      }
{% endif %}
{% if m.way_in.jump_box %}
      // The jump box: SSH only from Bastion; out through its own NAT gateway (HTTPS only), not
      // the firewall, which allows compute's hosts only.
      {
        name: {{ m.way_in.jump_box.subnet_name }}
        properties: {
          addressPrefix: jumpBoxSubnetPrefix
          networkSecurityGroup: {
            id: jumpBoxNsgId
          }
          natGateway: {
            id: jumpBoxNatGatewayId
          }
          defaultOutboundAccess: false
        }
      }
{% endif %}
    ]
  }
}

resource firewallPublicIp {{ m.types.public_ip }} = {
  name: firewallPublicIpName
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}
{% if m.network.firewall.management_public_ip %}

resource firewallManagementPublicIp {{ m.types.public_ip }} = {
  name: firewallManagementPublicIpName
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}
{% endif %}

resource firewallPolicy {{ m.types.firewall_policy }} = {
  name: firewallPolicyName
  location: location
  tags: tags
  properties: {
    sku: {
      tier: {{ m.network.firewall.tier }}
    }
    threatIntelMode: {{ m.network.firewall.threat_intel_mode }}
{% if m.network.firewall.dns_proxy %}
    // DNS proxy: the spoke uses the firewall as DNS server, so FQDN network rules resolve the
    // same addresses the clients do.
    dnsSettings: {
      enableProxy: true
    }
{% endif %}
  }
}

{% set rcg = m.network.firewall.rule_collection_group %}
resource azureMachineLearningRules {{ m.types.firewall_rule_collection_group }} = {
  parent: firewallPolicy
  name: {{ rcg.name }}
  properties: {
    priority: {{ rcg.priority }}
    ruleCollections: [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
        name: {{ rcg.network_collection.name }}
        priority: {{ rcg.network_collection.priority }}
        action: {
          type: 'Allow'
        }
        rules: [
{% for r in m.network.firewall.network_rules %}
          {
            ruleType: 'NetworkRule'
            name: {{ r.name }}
            ipProtocols: [
{% for p in r.protocols %}
              {{ p }}
{% endfor %}
            ]
{% if r.source == "scoring" %}
            sourceAddresses: [
              scoringSubnetPrefix
            ]
{% else %}
            sourceAddresses: sourceAddressPrefixes
{% endif %}
{% if r.destination_addresses %}
            destinationAddresses: [
{% for d in r.destination_addresses %}
              {{ d.bicep|safe }}
{% endfor %}
            ]
{% endif %}
{% if r.destination_fqdns %}
            destinationFqdns: [
{% for d in r.destination_fqdns %}
              {{ d.bicep|safe }}
{% endfor %}
            ]
{% endif %}
            destinationPorts: [
{% for p in r.ports %}
              {{ p }}
{% endfor %}
            ]
          }
{% endfor %}
        ]
      }
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
        name: {{ rcg.application_collection.name }}
        priority: {{ rcg.application_collection.priority }}
        action: {
          type: 'Allow'
        }
        rules: [
{% for r in m.network.firewall.application_rules %}
          {
            ruleType: 'ApplicationRule'
            name: {{ r.name }}
            protocols: [
{% for p in r.protocols %}
              {
                protocolType: {{ p.kind }}
                port: {{ p.port }}
              }
{% endfor %}
            ]
{% if r.source == "scoring" %}
            sourceAddresses: [
              scoringSubnetPrefix
            ]
{% else %}
            sourceAddresses: sourceAddressPrefixes
{% endif %}
            targetFqdns: [
{% for f in r.fqdns %}
              {{ f.bicep|safe }}
{% endfor %}
            ]
          }
{% endfor %}
        ]
      }
    ]
  }
}

resource firewall {{ m.types.firewall }} = {
  // checkov:skip=CKV_AZURE_216: Threat intelligence is set on the firewall policy (threatIntelMode {{ m.network.firewall.threat_intel_mode|comment }}), which governs a policy-managed firewall; the firewall's own property applies only to classic rules.
  name: firewallName
  location: location
  tags: tags
  properties: {
    sku: {
      name: {{ m.defaults.firewall_sku_name }}
      tier: {{ m.network.firewall.tier }}
    }
    firewallPolicy: {
      id: firewallPolicy.id
    }
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          subnet: {
            id: '${vnet.id}/subnets/AzureFirewallSubnet'
          }
          publicIPAddress: {
            id: firewallPublicIp.id
          }
        }
      }
    ]
{% if m.network.firewall.management_public_ip %}
    managementIpConfiguration: {
      name: 'management'
      properties: {
        subnet: {
          id: '${vnet.id}/subnets/AzureFirewallManagementSubnet'
        }
        publicIPAddress: {
          id: firewallManagementPublicIp.id
        }
      }
    }
{% endif %}
  }
  // Rule collection groups and the firewall both update the policy; one at a time.
  dependsOn: [
    azureMachineLearningRules
  ]
}
{% if m.network.hub.bastion %}

resource bastionPublicIp {{ m.types.public_ip }} = {
  name: bastionPublicIpName
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}

resource bastion {{ m.types.bastion }} = {
  name: bastionName
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.bastion_sku }}
  }
  properties: {
    // Native client support: `az network bastion ssh --auth-type AAD` (Microsoft Entra ID).
    enableTunneling: {{ m.defaults.bastion_tunneling }}
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          subnet: {
            id: '${vnet.id}/subnets/AzureBastionSubnet'
          }
          publicIPAddress: {
            id: bastionPublicIp.id
          }
        }
      }
    ]
  }
}
{% endif %}

{% if m.network.hub.dns_resolver %}

// On-premises DNS servers forward the Azure Machine Learning zones to this inbound endpoint; it
// answers from the private DNS zones linked to the hub.
resource dnsResolver {{ m.types.dns_resolver }} = {
  name: dnsResolverName
  location: location
  tags: tags
  properties: {
    virtualNetwork: {
      id: vnet.id
    }
  }
}

resource dnsResolverInbound {{ m.types.dns_resolver_inbound_endpoint }} = {
  parent: dnsResolver
  name: {{ m.network.hub.dns_resolver.inbound_endpoint }}
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        subnet: {
          id: '${vnet.id}/subnets/{{ m.network.hub.dns_resolver.subnet_name|raw_in_quotes }}'
        }
        privateIpAllocationMethod: 'Dynamic'
      }
    ]
  }
}

@description('The address on-premises DNS servers forward the Azure Machine Learning zones to.')
output dnsResolverInboundIp string = dnsResolverInbound.properties.ipConfigurations[0].privateIpAddress
{% endif %}

@description('The resource ID of the hub VNet.')
output vnetId string = vnet.id

@description('The private IP address of the firewall.')
output firewallPrivateIp string = firewall.properties.ipConfigurations[0].properties.privateIPAddress

@description('The name of the firewall (the scope of its diagnostic setting).')
output firewallName string = firewall.name
