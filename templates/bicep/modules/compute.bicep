{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Compute'
metadata description = 'Compute in {% if m.compute.subnet_name %}the spoke training subnet{% else %}the workspace managed VNet (Azure places it there; no subnet){% endif %}{% if not (m.compute.cluster and m.compute.cluster.public_ip) and not (m.compute.instance and m.compute.instance.public_ip) %}, without public IPs (no inbound traffic needed){% endif %}.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string
{% if m.compute.subnet_name %}

@description('Required. Resource ID of the training subnet.')
param subnetId string
{% endif %}
{% if m.compute.cluster %}

@description('Required. Compute cluster name.')
@minLength({{ m.naming.compute_cluster.min }})
@maxLength({{ m.naming.compute_cluster.max }})
param clusterName string

@description('Required. VM size of the cluster nodes.')
param clusterVmSize string

@description('Required. Nodes kept running when idle.')
@minValue({{ m.ranges.computeClusterMinNodes.min }})
param clusterMinNodes int

@description('Required. Largest number of nodes.')
@minValue({{ m.ranges.computeClusterMaxNodes.min }})
param clusterMaxNodes int
{% endif %}
{% if m.compute.instance %}

@description('Required. Compute instance name.')
@minLength({{ m.naming.compute_instance.min }})
@maxLength({{ m.naming.compute_instance.max }})
param instanceName string

@description('Required. VM size of the compute instance.')
param instanceVmSize string

@description('Required. Object ID of the Microsoft Entra user the compute instance is assigned to.')
param instanceOwnerObjectId string

@description('Required. Tenant ID of the compute instance\'s owner.')
param instanceOwnerTenantId string

@description('Required. Minutes of inactivity after which the compute instance shuts down.')
@minValue({{ m.ranges.computeInstanceIdleShutdownMinutes.min }})
@maxValue({{ m.ranges.computeInstanceIdleShutdownMinutes.max }})
param instanceIdleShutdownMinutes int
{% endif %}

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}
{% if m.compute.cluster %}

resource cluster {{ m.types.compute }} = {
  parent: workspace
  name: clusterName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    computeType: 'AmlCompute'
    computeLocation: location
    disableLocalAuth: true
    properties: {
      vmSize: clusterVmSize
      vmPriority: {{ m.compute.cluster.vm_priority }}
      scaleSettings: {
        minNodeCount: clusterMinNodes
        maxNodeCount: clusterMaxNodes
        nodeIdleTimeBeforeScaleDown: {{ m.compute.cluster.bicep_idle_before_scale_down }}
      }
{% if m.compute.subnet_name %}
      subnet: {
        id: subnetId
      }
{% endif %}
      enableNodePublicIp: {{ m.compute.cluster.public_ip }}
      remoteLoginPortPublicAccess: {{ m.compute.cluster.bicep_remote_login_port_public_access }}
    }
  }
}
{% endif %}
{% if m.compute.instance %}

resource instance {{ m.types.compute }} = {
  parent: workspace
  name: instanceName
  location: location
  tags: tags
  // No managed identity: an instance with one keeps running when idle unless the identity is
  // Contributor on the workspace. The owner works with their own identity.
  properties: {
    computeType: 'ComputeInstance'
    computeLocation: location
    disableLocalAuth: true
    properties: {
      vmSize: instanceVmSize
{% if m.compute.subnet_name %}
      subnet: {
        id: subnetId
      }
{% endif %}
      enableNodePublicIp: {{ m.compute.instance.public_ip }}
      sshSettings: {
        sshPublicAccess: {{ m.compute.instance.bicep_ssh_public_access }}
      }
      personalComputeInstanceSettings: {
        assignedUser: {
          objectId: instanceOwnerObjectId
          tenantId: instanceOwnerTenantId
        }
      }
      // Only the assigned user may turn single sign-on on, after creation.
      enableSSO: {{ m.compute.instance.sso }}
      idleTimeBeforeShutdown: 'PT${instanceIdleShutdownMinutes}M'
    }
  }
}
{% endif %}
