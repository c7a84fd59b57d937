{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Spoke network'
metadata description = 'Spoke VNet with the training, scoring and private endpoint subnets, an NSG on each, and {% if m.network.route_tables %}a route table per compute subnet sending its traffic through the hub firewall{% else %}a NAT gateway as the compute subnets\' only way out{% endif %}{% if m.network.exfiltration_prevention %}; compute subnets reach storage only through a service endpoint policy{% endif %}.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Spoke VNet name.')
@minLength({{ m.naming.virtual_network.min }})
@maxLength({{ m.naming.virtual_network.max }})
param vnetName string

@description('Required. Address ranges of the spoke VNet.')
@minLength(1)
param addressPrefixes array
{% for s in m.network.spoke.subnets %}

@description({{ "Required. Address range of the " ~ s.role ~ " subnet." }})
param {{ (s.role ~ "SubnetPrefix")|ident }} string

@description({{ "Required. Name of the network security group of the " ~ s.role ~ " subnet." }})
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param {{ (s.role ~ "NsgName")|ident }} string
{% endfor %}
{% for rt in m.network.route_tables %}

@description({{ "Required. Name of the route table of the " ~ rt.role ~ " subnet." }})
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param {{ rt.bicep_name_param|ident }} string
{% endfor %}
{% if m.network.route_tables %}

@description('Required. Private IP address of the hub firewall.')
param firewallPrivateIp string
{% endif %}
{% if m.network.spoke.dns_servers %}

@description('Required. DNS servers of the spoke VNet (they forward the Azure Machine Learning zones to Azure DNS).')
@minLength(1)
param dnsServers array
{% endif %}
{% if m.network.nat_gateway %}

@description('Required. Name of the NAT gateway of the compute subnets.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param natGatewayName string

@description('Required. Name of the NAT gateway public IP.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param natGatewayPublicIpName string
{% endif %}
{% if m.network.service_endpoint_policy %}

@description('Required. Name of the service endpoint policy of the compute subnets.')
@minLength({{ m.naming.network_resource.min }})
@maxLength({{ m.naming.network_resource.max }})
param serviceEndpointPolicyName string

@description('Required. Resource ID of the workspace storage account, the one storage account the compute subnets may reach over the service endpoint.')
param storageAccountId string
{% endif %}
{% for s in m.network.spoke.subnets %}

resource {{ (s.role ~ "Nsg")|ident }} {{ m.types.network_security_group }} = {
  name: {{ (s.role ~ "NsgName")|ident }}
  location: location
  tags: tags
  properties: {
    securityRules: [
{% for r in s.nsg_rules %}
      {
        name: {{ r.name }}
        properties: {
          description: {{ r.description }}
          priority: {{ r.priority }}
          direction: {{ r.direction }}
          access: {{ r.access }}
          protocol: {{ r.protocol }}
          sourceAddressPrefix: {{ r.source.bicep|safe }}
          sourcePortRange: '*'
          destinationAddressPrefix: {{ r.destination.bicep|safe }}
{% if r.destination_ports|length == 1 %}
          destinationPortRange: {{ r.destination_ports[0] }}
{% else %}
          destinationPortRanges: [
{% for p in r.destination_ports %}
            {{ p }}
{% endfor %}
          ]
{% endif %}
        }
      }
{% endfor %}
    ]
  }
}
{% endfor %}
{% for rt in m.network.route_tables %}

{% if rt.role == "scoring" %}
// The scoring subnet's own table: the default route alone (the AKS cluster's outbound type
// userDefinedRouting needs it before the cluster exists); no route around the firewall.
{% endif %}
resource {{ rt.bicep_symbol|ident }} {{ m.types.route_table }} = {
  name: {{ rt.bicep_name_param|ident }}
  location: location
  tags: tags
  properties: {
    // Routes from the hub (e.g. a VPN gateway) must not bypass the firewall.
    disableBgpRoutePropagation: true
    routes: [
{% for r in rt.routes %}
      {
        name: {{ r.name }}
        properties: {
          addressPrefix: {{ r.address_prefix.bicep|safe }}
          nextHopType: {{ r.next_hop_type }}
{% if r.via_firewall %}
          nextHopIpAddress: firewallPrivateIp
{% endif %}
        }
      }
{% endfor %}
    ]
  }
}
{% endfor %}
{% if m.network.nat_gateway %}

resource natGatewayPublicIp {{ m.types.public_ip }} = {
  name: natGatewayPublicIpName
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}

// The compute subnets' only way out: outbound flows get the gateway's public IP.
resource natGateway {{ m.types.nat_gateway }} = {
  name: natGatewayName
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
{% endif %}
{% if m.network.service_endpoint_policy %}

// Exfiltration prevention: over the Microsoft.Storage service endpoint, compute reaches only the
// workspace storage account and the Microsoft-managed storage Azure Machine Learning uses to
// provision compute (the alias, which only ARM can add: the az CLI and PowerShell cannot).
resource serviceEndpointPolicy {{ m.types.service_endpoint_policy }} = {
  name: serviceEndpointPolicyName
  location: location
  tags: tags
  properties: {
    serviceEndpointPolicyDefinitions: [
      {
        name: 'workspace-storage'
        properties: {
          description: 'The workspace default storage account.'
          service: {{ m.network.service_endpoint_policy.storage_service }}
          serviceResources: [
            storageAccountId
          ]
        }
      }
      {
        name: 'azure-machine-learning'
        properties: {
          description: 'Microsoft-managed storage used by Azure Machine Learning compute.'
          service: {{ m.network.service_endpoint_policy.alias_service }}
          serviceResources: [
            {{ m.network.service_endpoint_policy.alias }}
          ]
        }
      }
    ]
  }
}
{% endif %}

resource vnet {{ m.types.virtual_network }} = {
{% if m.network.spoke.dns_via_firewall %}
  // checkov:skip=CKV_AZURE_182: The one DNS server is the hub firewall's DNS proxy, a zone-redundant managed service; a second, different server would resolve FQDN network rules to addresses the firewall does not see.
  // checkov:skip=CKV_AZURE_183: The DNS server is the hub firewall's private address in the peered hub (a parameter, which the check cannot resolve).
{% elif m.network.spoke.dns_servers %}
  // checkov:skip=CKV_AZURE_182: The DNS servers are the blueprint's (a parameter, which the check cannot count); the README asks for two.
  // checkov:skip=CKV_AZURE_183: The DNS servers are the landing zone's private addresses (a parameter, which the check cannot resolve).
{% endif %}
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: addressPrefixes
    }
{% if m.network.spoke.dns_via_firewall %}
    dhcpOptions: {
      dnsServers: [
        firewallPrivateIp
      ]
    }
{% elif m.network.spoke.dns_servers %}
    dhcpOptions: {
      dnsServers: dnsServers
    }
{% endif %}
    subnets: [
{% for s in m.network.spoke.subnets %}
      {
        name: {{ s.name }}
        properties: {
          addressPrefix: {{ (s.role ~ "SubnetPrefix")|ident }}
          networkSecurityGroup: {
            id: {{ (s.role ~ "Nsg")|ident }}.id
          }
{% if s.route_table is not none %}
          routeTable: {
            id: {{ m.network.route_tables[s.route_table].bicep_symbol|ident }}.id
          }
{% endif %}
{% if s.nat_gateway %}
          natGateway: {
            id: natGateway.id
          }
{% endif %}
{% if s.default_outbound_access is not none %}
          defaultOutboundAccess: {{ s.default_outbound_access }}
{% endif %}
{% if s.storage_service_endpoint %}
          serviceEndpoints: [
            {
              service: {{ m.network.service_endpoint_policy.storage_service }}
            }
          ]
{% endif %}
{% if s.service_endpoint_policy %}
          serviceEndpointPolicies: [
            {
              id: serviceEndpointPolicy.id
            }
          ]
{% endif %}
{% if s.private_endpoints %}
          privateEndpointNetworkPolicies: 'Disabled'
{% endif %}
        }
      }
{% endfor %}
    ]
  }
}

@description('The resource ID of the spoke VNet.')
output vnetId string = vnet.id

@description('The resource ID of the training subnet.')
output trainingSubnetId string = '${vnet.id}/subnets/{{ m.network.spoke.subnets[0].name|raw_in_quotes }}'
{% if m.inference.kubernetes %}

@description('The resource ID of the scoring subnet.')
output scoringSubnetId string = '${vnet.id}/subnets/{{ m.network.spoke.subnets[1].name|raw_in_quotes }}'
{% endif %}

@description('The resource ID of the private endpoint subnet.')
output peSubnetId string = '${vnet.id}/subnets/{{ m.network.spoke.subnets[2].name|raw_in_quotes }}'
