{% import "cli/parts/grant.sh" as rbac %}
{% set i = m.workspace.user_assigned_identity %}
{% set scope_vars = {"storage_account": "STORAGE_ACCOUNT_ID", "key_vault": "KEY_VAULT_ID", "container_registry": "CONTAINER_REGISTRY_ID", "application_insights": "APP_INSIGHTS_ID", "resource_group": "RESOURCE_GROUP_ID"} %}
# --- Workspace identity: user-assigned, with its roles before the workspace exists ---------------
# Azure checks the identity's access to storage, key vault, registry and Application Insights when
# it creates the workspace; a user-assigned identity has only the roles it is given.
if ! az identity show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_IDENTITY_NAME}" --output none 2>/dev/null; then
  az identity create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${WORKSPACE_IDENTITY_NAME}" \
    --location "${LOCATION}" \
{% if m.tags %}
    --tags{% for k, v in m.tags|items %} {{ k ~ "=" ~ v }}{% endfor %} \
{% endif %}
    --output none
fi
WORKSPACE_IDENTITY_ID="$(az identity show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_IDENTITY_NAME}" --query id --output tsv)"
WORKSPACE_IDENTITY_PRINCIPAL_ID="$(az identity show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_IDENTITY_NAME}" --query principalId --output tsv)"
{% if i.roles | selectattr("scope", "equalto", "resource_group") | list %}
RESOURCE_GROUP_ID="$(az group show --name "${RESOURCE_GROUP}" --query id --output tsv)"
{% endif %}
{% for r in i.roles %}
{% set scope_ref = '"${' ~ scope_vars[r.scope] ~ '}"' %}
{% if r.scope == "resource_group" %}
# {{ r.name|comment }} on the resource group: the managed VNet's private endpoints go to the
# workspace, its storage, key vault and registry, all here.
{% else %}
# {{ r.name|comment }} on {{ r.on|comment }}.
{% endif %}
# Counted first: a failing `az` inside `if [ ... ]` would not stop the script.
{{ rbac.grant('"${WORKSPACE_IDENTITY_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', r.id, scope_ref|safe) }}
{% endfor %}
