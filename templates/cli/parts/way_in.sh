{% import "cli/parts/grant.sh" as rbac %}
{% set w = m.way_in %}

# --- The way in: {% if w.client_bastion %}Azure Bastion, {% endif %}{% if w.jump_box %}the jump box, {% endif %}{% if w.vpn %}the point-to-site VPN gateway, {% endif %}in the {{ w.vnet_role|comment }} VNet ---
# PUT with az rest: the same ARM bodies as modules/wayIn.bicep (`az network bastion` and
# `az network vnet-gateway` cannot set everything, and `az vm create` adds resources of its own).
# PUT is idempotent; a relative URL goes to the current cloud's Resource Manager endpoint.
WAY_IN_VNET_ID="$(az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${% if w.vnet_role == "hub" %}{HUB_VNET_NAME}{% else %}{VNET_NAME}{% endif %}" --query id --output tsv)"
RESOURCE_GROUP_ID="${WAY_IN_VNET_ID%/providers/*}"
{% if w.client_bastion %}
{% set b = w.client_bastion %}
if ! az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ b.public_ip }} --output none 2>/dev/null; then
  az network public-ip create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ b.public_ip }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.public_ip_sku }} \
    --allocation-method {{ m.defaults.public_ip_allocation }} \
    --output none
fi
BASTION_PIP_ID="$(az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ b.public_ip }} --query id --output tsv)"
az rest \
  --method put \
  --url "${RESOURCE_GROUP_ID}/providers/Microsoft.Network/bastionHosts/{{ b.name|raw_in_quotes }}?api-version={{ b.api_version|raw_in_quotes }}" \
  --body {{ w.body_shell.bastion|safe }} \
  --output none
# Bastion takes several minutes; a re-run expects it to exist.
az resource wait \
  --ids "${RESOURCE_GROUP_ID}/providers/Microsoft.Network/bastionHosts/{{ b.name|raw_in_quotes }}" \
  --api-version {{ b.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}
{% if w.jump_box %}
{% set j = w.jump_box %}
# The jump box: no public IP, SSH key or Microsoft Entra ID sign-in only, trusted launch.
JUMP_BOX_NIC_ID="${RESOURCE_GROUP_ID}/providers/Microsoft.Network/networkInterfaces/{{ j.nic_name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${JUMP_BOX_NIC_ID}?api-version={{ w.api.nic|raw_in_quotes }}" \
  --body {{ w.body_shell.nic|safe }} \
  --output none
az resource wait \
  --ids "${JUMP_BOX_NIC_ID}" \
  --api-version {{ w.api.nic }} \
  --custom "properties.provisioningState=='Succeeded'"
JUMP_BOX_ID="${RESOURCE_GROUP_ID}/providers/Microsoft.Compute/virtualMachines/{{ j.name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${JUMP_BOX_ID}?api-version={{ w.api.vm|raw_in_quotes }}" \
  --body {{ w.body_shell.vm|safe }} \
  --output none
# The sign-in extension needs the VM running, and the daily shutdown deallocates it: start it
# (nothing happens when it runs; it stops again at the shutdown time).
az resource wait \
  --ids "${JUMP_BOX_ID}" \
  --api-version {{ w.api.vm }} \
  --custom "properties.provisioningState=='Succeeded'"
az vm start --ids "${JUMP_BOX_ID}" --output none
az rest \
  --method put \
  --url "${JUMP_BOX_ID}/extensions/{{ j.extension_name|raw_in_quotes }}?api-version={{ w.api.extension|raw_in_quotes }}" \
  --body {{ w.body_shell.extension|safe }} \
  --output none
{% for l in j.logins %}
# {{ l.persona|comment }}: sign-in with Microsoft Entra ID as {{ l.role_name|comment }}.
{% for g in l.principal_ids %}
# Counted first: a failing `az` inside `if [ ... ]` would not stop the script.
{{ rbac.grant(g, 'Group', l.role_id, '"${JUMP_BOX_ID}"'|safe) }}
{% endfor %}
{% endfor %}
az rest \
  --method put \
  --url "${RESOURCE_GROUP_ID}/providers/Microsoft.DevTestLab/schedules/{{ j.schedule_name|raw_in_quotes }}?api-version={{ w.api.schedule|raw_in_quotes }}" \
  --body {{ w.body_shell.schedule|safe }} \
  --output none
{% endif %}
{% if w.vpn %}
{% set v = w.vpn %}
# The point-to-site VPN gateway (about 45 minutes): Microsoft Entra ID sign-in in this tenant.
TENANT_ID="$(az account show --query tenantId --output tsv)"
if ! az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ v.public_ip }} --output none 2>/dev/null; then
  az network public-ip create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ v.public_ip }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.public_ip_sku }} \
    --allocation-method {{ m.defaults.public_ip_allocation }} \
    --output none
fi
VPN_PIP_ID="$(az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ v.public_ip }} --query id --output tsv)"
az rest \
  --method put \
  --url "${RESOURCE_GROUP_ID}/providers/Microsoft.Network/virtualNetworkGateways/{{ v.name|raw_in_quotes }}?api-version={{ w.api.vpn_gateway|raw_in_quotes }}" \
  --body {{ w.body_shell.vpn_gateway|safe }} \
  --output none
# {% if w.vnet_role == "hub" %}The peering's gateway transit needs the gateway: wait for it{% else %}A re-run expects the gateway to exist{% endif %}.
az resource wait \
  --ids "${RESOURCE_GROUP_ID}/providers/Microsoft.Network/virtualNetworkGateways/{{ v.name|raw_in_quotes }}" \
  --api-version {{ w.api.vpn_gateway }} \
  --timeout 5400 \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}
