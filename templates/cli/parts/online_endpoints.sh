
# --- Managed online endpoints: scoring only through the workspace's private endpoint -----------
# From the YAML files next to this script: public_network_access disabled, a system-assigned
# identity, no deployment. Deployments run in the workspace managed VNet{% if not m.workspace.provision_now %}, which must be
# provisioned first (`az ml workspace provision-network`){% endif %}.
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
{% for e in m.inference.online_endpoints %}
if ! az ml online-endpoint show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ e.name }} --output none 2>/dev/null; then
  az ml online-endpoint create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${WORKSPACE_NAME}" \
    --file "${SCRIPT_DIR}/{{ e.yaml_file|raw_in_quotes }}" \
    --output none
fi
{% endfor %}
