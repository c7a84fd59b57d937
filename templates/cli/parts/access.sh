{% import "cli/parts/grant.sh" as rbac %}

# --- People's roles: each persona's Microsoft Entra groups on the workspace{% if m.access.storage_roles %} and its storage account{% endif %} ---
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
{% if m.access.storage_roles %}
STORAGE_ACCOUNT_ID="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_ACCOUNT_NAME}" --query id --output tsv)"
{% endif %}
{% for r in m.access.custom_roles %}
# Custom role {{ r.title|comment }}, assignable only on the workspace; updated when it exists.
ROLE_DEFINITION={{ r.cli_definition|safe }}
if [ "$(az role definition list --name {{ r.cli_role_name|safe }} --scope "${WORKSPACE_ID}" --custom-role-only true --query 'length(@)' --output tsv)" = "0" ]; then
  az role definition create --role-definition "${ROLE_DEFINITION}" --output none
else
  az role definition update --role-definition "${ROLE_DEFINITION}" --output none
fi
{% endfor %}
{% for p in m.access.personas if p.principal_ids %}
{% for roles, scope_var, where in [(p.roles, "WORKSPACE_ID", "the workspace"), (p.storage_roles, "STORAGE_ACCOUNT_ID", "the storage account (no shared keys: data access is the person's own)")] %}
{% set scope_ref = '"${' ~ scope_var ~ '}"' %}
{% for a in roles %}
# {{ p.title|comment }}: {{ a.label|comment }} on {{ where|comment }}.
{% for g in p.principal_ids %}
# Counted first: a failing `az` inside `if [ ... ]` would not stop the script.
{{ rbac.grant(g, 'Group', a.cli_role|safe, scope_ref|safe) }}
{% endfor %}
{% endfor %}
{% endfor %}
{% endfor %}
