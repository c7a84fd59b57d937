{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set w = m.way_in %}
metadata name = 'The way in'
metadata description = 'How people reach the private workspace from the {{ w.vnet_role|comment }} VNet:{% if w.client_bastion %} Azure Bastion,{% endif %}{% if w.jump_box %} a jump box reached only through Bastion,{% endif %}{% if w.vpn %} a point-to-site VPN gateway with Microsoft Entra ID sign-in,{% endif %} nothing with a public IP but Bastion and the gateway.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Resource ID of the VNet the way in is in.')
param vnetId string
{% if w.jump_box %}

@description('Required. Name of the jump box VM (also its computer name).')
@minLength({{ m.naming.virtual_machine.min }})
@maxLength({{ m.naming.virtual_machine.max }})
param jumpBoxName string

@description('Required. VM size of the jump box (one that supports trusted launch).')
param jumpBoxVmSize string

@description('Required. The jump box administrator (SSH key only; people sign in with Microsoft Entra ID).')
param jumpBoxAdminUsername string

@description('Required. The administrator SSH public key (public: no secret).')
param jumpBoxSshPublicKey string

@description('Required. Time of the daily shutdown (HHMM).')
param jumpBoxShutdownTime string

@description('Required. Windows time zone ID of the daily shutdown.')
param jumpBoxShutdownTimeZone string
{% for l in w.jump_box.logins %}

@description({{ "Required. Object IDs of the Microsoft Entra groups of the " ~ l.persona ~ " persona: " ~ l.role_name ~ " on the jump box." }})
param {{ l.bicep_param|ident }} array
{% endfor %}
{% endif %}
{% if w.vpn %}

@description('Required. Addresses VPN clients get (overlapping no VNet).')
param vpnClientAddressPool string
{% endif %}
{% if w.client_bastion %}

resource bastionPublicIp {{ m.types.public_ip }} = {
  name: {{ w.client_bastion.public_ip }}
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}

// Standard with native client support: `az network bastion ssh --auth-type AAD` signs in to the
// jump box with Microsoft Entra ID.
resource bastion {{ m.types.bastion }} = {
  name: {{ w.client_bastion.name }}
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.bastion_sku }}
  }
  properties: {
    enableTunneling: {{ m.defaults.bastion_tunneling }}
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          subnet: {
            id: '${vnetId}/subnets/AzureBastionSubnet'
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
{% if w.jump_box %}
{% set j = w.jump_box %}

// No public IP: the jump box is reached through Bastion only.
resource jumpBoxNic {{ m.types.network_interface }} = {
  name: {{ j.nic_name }}
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          subnet: {
            id: '${vnetId}/subnets/{{ j.subnet_name|raw_in_quotes }}'
          }
          privateIPAllocationMethod: 'Dynamic'
        }
      }
    ]
  }
}

// Linux with SSH keys only (no password exists) and Microsoft Entra ID sign-in; trusted launch
// (secure boot, vTPM), a managed disk deleted with the VM.
resource jumpBox {{ m.types.virtual_machine }} = {
  // checkov:skip=CKV_AZURE_50: The one extension is Microsoft Entra ID sign-in (AADSSHLoginForLinux), which replaces local accounts and keys.
  // checkov:skip=CKV_AZURE_97: Managed disks are encrypted at rest by Azure; encryption at host needs the EncryptionAtHost feature registered in the subscription, which a deployment cannot do, and the jump box keeps no data.
  // checkov:skip=CKV_AZURE_151: A Windows check (disk encryption); this is a Linux VM, its managed disk encrypted at rest by Azure.
  name: jumpBoxName
  location: location
  tags: tags
  // Microsoft Entra ID sign-in needs the VM's system-assigned identity.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    hardwareProfile: {
      vmSize: jumpBoxVmSize
    }
    storageProfile: {
      imageReference: {
        publisher: {{ j.image.publisher }}
        offer: {{ j.image.offer }}
        sku: {{ j.image.sku }}
        version: {{ j.image.version }}
      }
      osDisk: {
        createOption: 'FromImage'
        deleteOption: 'Delete'
        managedDisk: {
          storageAccountType: {{ j.os_disk_type }}
        }
      }
    }
    osProfile: {
      computerName: jumpBoxName
      adminUsername: jumpBoxAdminUsername
      linuxConfiguration: {
        disablePasswordAuthentication: true
        ssh: {
          publicKeys: [
            {
              path: '/home/${jumpBoxAdminUsername}/.ssh/authorized_keys'
              keyData: jumpBoxSshPublicKey
            }
          ]
        }
      }
    }
    securityProfile: {
      securityType: {{ j.security_type }}
      uefiSettings: {
        secureBootEnabled: true
        vTpmEnabled: true
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: jumpBoxNic.id
          properties: {
            deleteOption: 'Delete'
          }
        }
      ]
    }
  }
}

resource jumpBoxEntraLogin {{ m.types.vm_extension }} = {
  parent: jumpBox
  name: {{ j.extension_name }}
  location: location
  tags: tags
  properties: {
    publisher: {{ j.extension_publisher }}
    type: {{ j.extension_type }}
    typeHandlerVersion: {{ j.extension_version }}
    autoUpgradeMinorVersion: true
  }
}

{% for l in j.logins %}
// {{ l.persona|comment }}: sign-in with Microsoft Entra ID as {{ l.role_name|comment }}.
resource {{ (l.bicep_param ~ "JumpBoxLogin")|ident }} {{ m.types.role_assignment }} = [for principalId in {{ l.bicep_param|ident }}: {
  name: guid(jumpBox.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ l.role_id }}))
  scope: jumpBox
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ l.role_id }})
    principalId: principalId
    principalType: 'Group'
  }
}]

{% endfor %}
// Stops the jump box every day (it is started again when needed); the name is the one Azure
// gives a VM's auto-shutdown.
resource jumpBoxShutdown {{ m.types.auto_shutdown }} = {
  name: 'shutdown-computevm-${jumpBoxName}'
  location: location
  tags: tags
  properties: {
    status: 'Enabled'
    taskType: 'ComputeVmShutdownTask'
    dailyRecurrence: {
      time: jumpBoxShutdownTime
    }
    timeZoneId: jumpBoxShutdownTimeZone
    targetResourceId: jumpBox.id
    notificationSettings: {
      status: 'Disabled'
    }
  }
}
{% endif %}
{% if w.vpn %}
{% set v = w.vpn %}

resource vpnPublicIp {{ m.types.public_ip }} = {
  name: {{ v.public_ip }}
  location: location
  tags: tags
  sku: {
    name: {{ m.defaults.public_ip_sku }}
  }
  properties: {
    publicIPAllocationMethod: {{ m.defaults.public_ip_allocation }}
  }
}

// Point-to-site: OpenVPN with Microsoft Entra ID sign-in through the Microsoft-registered Azure
// VPN Client (its audience); no certificates or shared keys. Takes about 45 minutes.
resource vpnGateway {{ m.types.virtual_network_gateway }} = {
  name: {{ v.name }}
  location: location
  tags: tags
  properties: {
    gatewayType: 'Vpn'
    vpnType: 'RouteBased'
    vpnGatewayGeneration: {{ v.generation }}
    sku: {
      name: {{ v.sku }}
      tier: {{ v.sku }}
    }
    activeActive: false
    enableBgp: false
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: '${vnetId}/subnets/GatewaySubnet'
          }
          publicIPAddress: {
            id: vpnPublicIp.id
          }
        }
      }
    ]
    vpnClientConfiguration: {
      vpnClientAddressPool: {
        addressPrefixes: [
          vpnClientAddressPool
        ]
      }
      vpnClientProtocols: [
{% for p in v.protocols %}
        {{ p }}
{% endfor %}
      ]
      vpnAuthenticationTypes: [
{% for a in v.authentication_types %}
        {{ a }}
{% endfor %}
      ]
      aadTenant: '{{ v.tenant_prefix|raw_in_quotes }}${tenant().tenantId}'
      aadAudience: {{ v.audience }}
      aadIssuer: '{{ v.issuer_prefix|raw_in_quotes }}${tenant().tenantId}/'
    }
  }
}

@description('The name of the VPN gateway (its client profile: az network vnet-gateway vpn-client generate).')
output vpnGatewayName string = vpnGateway.name
{% endif %}
{% if w.jump_box %}

@description('The resource ID of the jump box (the target of az network bastion ssh).')
output jumpBoxId string = jumpBox.id
{% endif %}
