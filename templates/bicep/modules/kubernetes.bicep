{% for line in header %}
// {{ line|comment }}
{% endfor %}
{% set k = m.inference.kubernetes %}
metadata name = 'AKS for scoring'
metadata description = 'A private AKS cluster in the scoring subnet (Azure CNI, no public IPs, egress {% if k.outbound_type == "userDefinedRouting" %}through the hub firewall{% else %}through the NAT gateway{% endif %}), the Azure Machine Learning extension for inference behind an internal load balancer with TLS, and its attach to the workspace as Kubernetes compute.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the AKS cluster.')
@minLength({{ m.naming.kubernetes_cluster.min }})
@maxLength({{ m.naming.kubernetes_cluster.max }})
param clusterName string

@description('Required. Resource ID of the control plane\'s user-assigned identity.')
param identityId string

@description('Required. VM size of the nodes.')
param vmSize string

@description('Required. Number of nodes.')
@minValue({{ m.ranges.aksNodeCount.min }})
@maxValue({{ m.ranges.aksNodeCount.max }})
param nodeCount int

@description('Required. Pods per node (each takes an address of the scoring subnet).')
@minValue({{ m.ranges.aksMaxPods.min }})
@maxValue({{ m.ranges.aksMaxPods.max }})
param maxPods int
{% if k.kubernetes_version %}

@description('Required. Kubernetes version.')
param kubernetesVersion string
{% endif %}

@description('Required. Resource ID of the scoring subnet.')
param subnetId string

@description('Required. Resource ID of the API server\'s private DNS zone.')
param privateDnsZoneId string

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string

@description('Required. Name of the Kubernetes compute in the workspace.')
@minLength({{ m.naming.compute_cluster.min }})
@maxLength({{ m.naming.compute_cluster.max }})
param computeName string

@description('Required. The inference router\'s PEM certificate (full chain), base64-encoded.')
@secure()
param tlsCertificate string

@description('Required. The PEM private key of the certificate (no passphrase), base64-encoded.')
@secure()
param tlsKey string

resource cluster {{ m.types.managed_cluster }} = {
  // checkov:skip=CKV_AZURE_141: Azure Machine Learning does not support an AKS cluster with local accounts disabled (aml_k8s_extension, Limitations); people sign in with Entra ID and Azure RBAC.
  // checkov:skip=CKV_AZURE_6: Authorized IP ranges apply to a public API server; this one is private (enablePrivateCluster) and has no public FQDN.
  // checkov:skip=CKV_AZURE_8: The Kubernetes Dashboard add-on no longer exists in AKS, so there is nothing to disable.
  // checkov:skip=CKV_AZURE_226: Ephemeral OS disks need a VM size with a local cache or temporary disk, which the default size does not have; the VM size is the blueprint's.
  // checkov:skip=CKV_AZURE_227: Encryption at host needs the EncryptionAtHost feature registered on the subscription, which a deployment cannot assume; managed disks are encrypted at rest by the platform.
  // checkov:skip=CKV_AZURE_172: No Secrets Store CSI driver add-on is installed, so there is no secret rotation to turn on.
  // checkov:skip=CKV_AZURE_4: Container insights is not turned on: its agent sends logs to Azure Monitor ingestion hosts that the firewall and the Monitor private link scope do not carry for this cluster yet.
  // checkov:skip=CKV_AZURE_7: amlgen writes no Kubernetes network policies; the engine (Azure NPM, Calico or Cilium) is the cluster operator's choice, and the extension's in-cluster flows would need policies written for them.
  name: clusterName
  location: location
  tags: tags
  sku: {
    name: 'Base'
    tier: {{ k.sku_tier }}
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
{% if k.kubernetes_version %}
    kubernetesVersion: kubernetesVersion
{% endif %}
    dnsPrefix: clusterName
    // Patch releases of the Kubernetes minor version and node image updates, applied by AKS.
    autoUpgradeProfile: {
      upgradeChannel: {{ k.upgrade_channel }}
      nodeOSUpgradeChannel: {{ k.node_os_upgrade_channel }}
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        osType: 'Linux'
        type: 'VirtualMachineScaleSets'
        count: nodeCount
        vmSize: vmSize
        maxPods: maxPods
        vnetSubnetID: subnetId
        enableNodePublicIP: false
      }
    ]
    networkProfile: {
      networkPlugin: {{ k.network_plugin }}
      outboundType: {{ k.outbound_type }}
      loadBalancerSku: 'standard'
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
      privateDNSZone: privateDnsZoneId
      // Azure Machine Learning does not support a public FQDN on a private cluster.
      enablePrivateClusterPublicFQDN: false
    }
    // Microsoft Entra ID sign-in with Azure RBAC for Kubernetes authorization. Local accounts
    // stay: Azure Machine Learning does not support a cluster without them.
    enableRBAC: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
    }
    disableLocalAccounts: false
  }
}

resource extension {{ m.types.cluster_extension }} = {
  name: {{ k.extension_name }}
  scope: cluster
  properties: {
    extensionType: {{ k.extension_type }}
    releaseTrain: {{ k.extension_release_train }}
    autoUpgradeMinorVersion: true
    scope: {
      cluster: {
        releaseNamespace: {{ k.extension_namespace }}
      }
    }
    configurationSettings: {
{% for kv in k.extension_settings %}
      {{ kv[0] }}: {{ kv[1] }}
{% endfor %}
      // What az k8s-extension create fills in from the cluster for an AKS cluster.
{% for kv in k.extension_runtime_bicep %}
      {{ kv[0] }}: {{ kv[1]|safe }}
{% endfor %}
    }
    // The inference router's certificate and key, as az k8s-extension sends its
    // sslCertPemFile and sslKeyPemFile.
    configurationProtectedSettings: {
      'scoringFe.sslCert': tlsCertificate
      'scoringFe.sslKey': tlsKey
    }
  }
}

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}

resource compute {{ m.types.compute }} = {
  parent: workspace
  name: computeName
  location: location
  tags: tags
  properties: {
    computeType: 'Kubernetes'
    resourceId: cluster.id
    properties: {
      namespace: {{ k.compute_namespace }}
    }
  }
  dependsOn: [
    extension
  ]
}

@description('The resource ID of the AKS cluster.')
output resourceId string = cluster.id
