{% import "cli/parts/grant.sh" as rbac %}
{% set k = m.inference.kubernetes %}

# --- AKS for scoring: private cluster in the scoring subnet, Azure ML extension, Kubernetes compute ---
# The inference router serves HTTPS for {{ k.tls_cname|comment }}: give its PEM certificate (full chain) and key
# (no passphrase) as files. They go to the extension as protected settings and nowhere else.
: "${AMLGEN_INFERENCE_TLS_CERT:?set AMLGEN_INFERENCE_TLS_CERT to the PEM certificate file of the inference router}"
: "${AMLGEN_INFERENCE_TLS_KEY:?set AMLGEN_INFERENCE_TLS_KEY to the PEM key file of that certificate}"
SCORING_SUBNET_ID="$(az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ k.subnet_name }} --query id --output tsv)"
{% if k.dns_zone_created %}
# The API server's private DNS zone, linked like the endpoints' zones: the cluster gets it by ID,
# so nodes resolve the API server whichever DNS server the VNet names.
if ! az network private-dns zone show --resource-group "${RESOURCE_GROUP}" --name {{ k.dns_zone_shell|safe }} --output none 2>/dev/null; then
  az network private-dns zone create --resource-group "${RESOURCE_GROUP}" --name {{ k.dns_zone_shell|safe }} --output none
fi
{% for v in m.private.linked_vnets %}
if ! az network private-dns link vnet show --resource-group "${RESOURCE_GROUP}" --zone-name {{ k.dns_zone_shell|safe }} --name {{ v.link_name }} --output none 2>/dev/null; then
  az network private-dns link vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --zone-name {{ k.dns_zone_shell|safe }} \
    --name {{ v.link_name }} \
    --virtual-network "${{ v.shell_var|ident }}" \
    --registration-enabled false \
    --resolution-policy {{ m.private.resolution_policy }} \
    --output none
fi
{% endfor %}
AKS_DNS_ZONE_ID="$(az network private-dns zone show --resource-group "${RESOURCE_GROUP}" --name {{ k.dns_zone_shell|safe }} --query id --output tsv)"
{% else %}
# The API server's zone is the central one (linked by the platform team).
AKS_DNS_ZONE_ID={{ k.dns_zone_id_shell|safe }}
{% endif %}
# The control plane's identity, with its roles before the cluster exists.
if ! az identity show --resource-group "${RESOURCE_GROUP}" --name {{ k.identity_name }} --output none 2>/dev/null; then
  az identity create --resource-group "${RESOURCE_GROUP}" --name {{ k.identity_name }} --location "${LOCATION}" --output none
fi
AKS_IDENTITY_ID="$(az identity show --resource-group "${RESOURCE_GROUP}" --name {{ k.identity_name }} --query id --output tsv)"
AKS_PRINCIPAL_ID="$(az identity show --resource-group "${RESOURCE_GROUP}" --name {{ k.identity_name }} --query principalId --output tsv)"
# Network Contributor on the scoring subnet (nodes, internal load balancer); Private DNS Zone
# Contributor on the zone (the API server's record). Counted first: a failing `az` inside
# `if [ ... ]` would not stop the script.
{% for role, scope_var in [(k.subnet_role_id, "SCORING_SUBNET_ID"), (k.dns_zone_role_id, "AKS_DNS_ZONE_ID")] %}
{% set scope_ref = '"${' ~ scope_var ~ '}"' %}
{{ rbac.grant('"${AKS_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', role, scope_ref|safe) }}
{% endfor %}
# Private API server without a public FQDN (Azure ML does not support one), Azure CNI in the
# scoring subnet, egress {% if k.outbound_type == "userDefinedRouting" %}through the hub firewall (the subnet's route table){% else %}through the NAT gateway{% endif %}, Entra ID with
# Azure RBAC. Local accounts stay: Azure ML does not support a cluster without them.
if ! az aks show --resource-group "${RESOURCE_GROUP}" --name {{ k.cluster_name }} --output none 2>/dev/null; then
  az aks create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ k.cluster_name }} \
    --location "${LOCATION}" \
    --tier {{ k.sku_tier|lower }} \
{% if k.kubernetes_version %}
    --kubernetes-version {{ k.kubernetes_version }} \
{% endif %}
    --auto-upgrade-channel {{ k.upgrade_channel }} \
    --node-os-upgrade-channel {{ k.node_os_upgrade_channel }} \
    --nodepool-name system \
    --node-count {{ k.node_count }} \
    --node-vm-size {{ k.vm_size }} \
    --max-pods {{ k.max_pods }} \
    --network-plugin {{ k.network_plugin }} \
    --vnet-subnet-id "${SCORING_SUBNET_ID}" \
    --outbound-type {{ k.outbound_type }} \
    --load-balancer-sku standard \
    --enable-private-cluster \
    --private-dns-zone "${AKS_DNS_ZONE_ID}" \
    --disable-public-fqdn \
    --assign-identity "${AKS_IDENTITY_ID}" \
    --enable-aad \
    --enable-azure-rbac \
    --no-ssh-key \
    --output none
fi
AKS_ID="$(az aks show --resource-group "${RESOURCE_GROUP}" --name {{ k.cluster_name }} --query id --output tsv)"
# The Azure Machine Learning extension: inference only, the router behind an internal load
# balancer, HTTPS.
if ! az k8s-extension show --resource-group "${RESOURCE_GROUP}" --cluster-type managedClusters --cluster-name {{ k.cluster_name }} --name {{ k.extension_name }} --output none 2>/dev/null; then
  az k8s-extension create \
    --resource-group "${RESOURCE_GROUP}" \
    --cluster-type managedClusters \
    --cluster-name {{ k.cluster_name }} \
    --name {{ k.extension_name }} \
    --extension-type {{ k.extension_type }} \
    --release-train {{ k.extension_release_train }} \
    --auto-upgrade-minor-version true \
    --scope cluster \
    --release-namespace {{ k.extension_namespace }} \
    --config{% for kv in k.extension_settings %} {{ kv[0] ~ "=" ~ kv[1] }}{% endfor %}{% for w in k.extension_runtime_shell %} {{ w|safe }}{% endfor %} \
    --config-protected sslCertPemFile="${AMLGEN_INFERENCE_TLS_CERT}" sslKeyPemFile="${AMLGEN_INFERENCE_TLS_KEY}" \
    --output none
fi
if ! az ml compute show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ k.compute_name }} --output none 2>/dev/null; then
  az ml compute attach \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${WORKSPACE_NAME}" \
    --name {{ k.compute_name }} \
    --type Kubernetes \
    --resource-id "${AKS_ID}" \
    --namespace {{ k.compute_namespace }} \
    --output none
fi
