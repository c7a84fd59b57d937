
# --- Managed online endpoints: scoring only through the workspace's private endpoint -----------
# From the YAML files next to this script: public_network_access disabled, a system-assigned
# identity, no deployment. Deployments run in the workspace managed VNet{% if not m.workspace.provision_now %}, which must be
# provisioned first (`az ml workspace provision-network`){% endif %}.
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# An endpoint that exists is left alone (a create would reset its traffic split), unless an
# earlier run left it Failed or Canceled: then it is created again.
{% for e in m.inference.online_endpoints %}
ENDPOINT_STATE="$(az ml online-endpoint show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ e.name }} --query provisioning_state --output tsv 2>/dev/null || true)"
if [ -z "${ENDPOINT_STATE}" ] || [ "${ENDPOINT_STATE}" = Failed ] || [ "${ENDPOINT_STATE}" = Canceled ]; then
  az ml online-endpoint create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${WORKSPACE_NAME}" \
    --file "${SCRIPT_DIR}/{{ e.yaml_file|raw_in_quotes }}" \
    --output none
fi
{% endfor %}
