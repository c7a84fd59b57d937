{% import "cli/parts/grant.sh" as rbac %}

# --- Azure Policy: the built-in Azure Machine Learning definitions that hold what this blueprint promises ---
{% if m.policy.scope == "subscription" %}
# At the subscription: every workspace in it is evaluated (needs Resource Policy Contributor there).
POLICY_SCOPE="/subscriptions/$(az account show --query id --output tsv)"
{% else %}
POLICY_SCOPE="$(az group show --name "${RESOURCE_GROUP}" --query id --output tsv)"
{% endif %}
{% if m.policy.dns %}
# The workspace's private DNS zones, which the private DNS zone policy gives its zone groups.
{% for z in m.policy.dns.zones %}
{% if m.policy.dns.zones_resource_group_id %}
{{ z.cli_var }}="${ZONES_RESOURCE_GROUP_ID}/providers/Microsoft.Network/privateDnsZones/{{ z.name|raw_in_quotes }}"
{% else %}
{{ z.cli_var }}="$(az network private-dns zone show --resource-group "${RESOURCE_GROUP}" --name {{ z.name }} --query id --output tsv)"
{% endif %}
{% endfor %}
{% endif %}
{% for a in m.policy.assignments %}
# {{ a.display_name|comment }} ({{ a.file|comment }} {{ a.version|comment }}).
if ! az policy assignment show --name "${WORKSPACE_NAME}"{{ a.name_suffix }} --scope "${POLICY_SCOPE}" --output none 2>/dev/null; then
  az policy assignment create \
    --name "${WORKSPACE_NAME}"{{ a.name_suffix }} \
    --display-name {{ a.display_name }} \
    --policy {{ a.definition }} \
    --scope "${POLICY_SCOPE}" \
    --enforcement-mode Default \
{% if a.identity %}
    --mi-system-assigned \
    --location "${LOCATION}" \
{% endif %}
    --params {{ a.cli_params|safe }} \
    --output none
else
  az policy assignment update \
    --name "${WORKSPACE_NAME}"{{ a.name_suffix }} \
    --scope "${POLICY_SCOPE}" \
    --params {{ a.cli_params|safe }} \
    --output none
fi
{% endfor %}
{% if m.policy.dns %}
{% macro grant(role, scope_ref) %}
# Counted first: a failing `az` inside `if [ ... ]` would not stop the script.
{{ rbac.grant('"${POLICY_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', role, scope_ref|safe) }}
{%- endmacro %}
{% for a in m.policy.assignments if a.identity %}
# Its managed identity: {{ m.policy.dns.scope_role.name|comment }} where the private endpoints are (the definition's
# roleDefinitionIds), {{ m.policy.dns.zone_role.name|comment }} on each zone its zone groups join.
POLICY_PRINCIPAL_ID="$(az policy assignment show --name "${WORKSPACE_NAME}"{{ a.name_suffix }} --scope "${POLICY_SCOPE}" --query identity.principalId --output tsv)"
{{ grant(m.policy.dns.scope_role.id, '"${POLICY_SCOPE}"') }}
{% for z in m.policy.dns.zones %}
{{ grant(m.policy.dns.zone_role.id, z.cli_ref) }}
{% endfor %}
{% endfor %}
{% endif %}
