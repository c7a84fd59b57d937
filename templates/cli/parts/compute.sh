
{% if m.compute.subnet_name %}
# --- Compute in the training subnet{% if not (m.compute.cluster and m.compute.cluster.public_ip) and not (m.compute.instance and m.compute.instance.public_ip) %}, no public IP{% endif %} ----------------------------------------------
{% if not m.network.existing_spoke %}
TRAINING_SUBNET_ID="$(az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ m.compute.subnet_name }} --query id --output tsv)"
{% endif %}
{% else %}
# --- Compute in the workspace managed VNet (no subnet: Azure places it there){% if not (m.compute.cluster and m.compute.cluster.public_ip) and not (m.compute.instance and m.compute.instance.public_ip) %}, no public IP{% endif %} ----------
{% endif %}
{% if m.compute.cluster %}
if ! az ml compute show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ m.compute.cluster.name }} --output none 2>/dev/null; then
  az ml compute create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${WORKSPACE_NAME}" \
    --name {{ m.compute.cluster.name }} \
    --type AmlCompute \
    --identity-type SystemAssigned \
    --size {{ m.compute.cluster.vm_size }} \
    --min-instances {{ m.compute.cluster.min_nodes }} \
    --max-instances {{ m.compute.cluster.max_nodes }} \
    --idle-time-before-scale-down {{ m.compute.cluster.idle_before_scale_down_seconds }} \
    --tier {{ m.compute.cluster.cli_tier }} \
{% if m.compute.subnet_name %}
    --subnet "${TRAINING_SUBNET_ID}" \
{% endif %}
    --enable-node-public-ip {{ m.compute.cluster.public_ip|string|lower }} \
    --ssh-public-access-enabled {{ m.compute.cluster.ssh_public_access|string|lower }} \
    --output none
fi
{% endif %}
{% if m.compute.instance %}
# Assigned to its owner, without a managed identity (one would keep the idle instance running);
# the owner turns single sign-on on in the studio, which Azure allows no one else to do.
{% if not m.compute.instance.owner_tenant_id %}
TENANT_ID="$(az account show --query tenantId --output tsv)"
{% endif %}
if ! az ml compute show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ m.compute.instance.name }} --output none 2>/dev/null; then
  az ml compute create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${WORKSPACE_NAME}" \
    --name {{ m.compute.instance.name }} \
    --type ComputeInstance \
    --size {{ m.compute.instance.vm_size }} \
{% if m.compute.subnet_name %}
    --subnet "${TRAINING_SUBNET_ID}" \
{% endif %}
    --enable-node-public-ip {{ m.compute.instance.public_ip|string|lower }} \
    --ssh-public-access-enabled {{ m.compute.instance.ssh_public_access|string|lower }} \
    --user-object-id {{ m.compute.instance.owner_object_id }} \
    --user-tenant-id {% if m.compute.instance.owner_tenant_id %}{{ m.compute.instance.owner_tenant_id }}{% else %}"${TENANT_ID}"{% endif %} \
    --set idle_time_before_shutdown_minutes={{ m.compute.instance.idle_shutdown_minutes }} enable_sso={{ m.compute.instance.sso|string|lower }} \
    --output none
fi
{% endif %}
