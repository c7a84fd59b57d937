{% import "cli/parts/grant.sh" as rbac %}
{% if m.private.dns_mode == "create" %}
# --- Private DNS zones, linked to the {% for v in m.private.linked_vnets %}{{ v.role|comment }}{% if not loop.last %} and {% endif %}{% endfor %} VNet{% if m.private.linked_vnets|length > 1 %}s{% endif %} ---------------------------------
{% for z in m.private.zones %}
if ! az network private-dns zone show --resource-group "${RESOURCE_GROUP}" --name {{ z.name }} --output none 2>/dev/null; then
  az network private-dns zone create --resource-group "${RESOURCE_GROUP}" --name {{ z.name }} --output none
fi
{% for v in m.private.linked_vnets %}
if ! az network private-dns link vnet show --resource-group "${RESOURCE_GROUP}" --zone-name {{ z.name }} --name {{ v.link_name }} --output none 2>/dev/null; then
  az network private-dns link vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --zone-name {{ z.name }} \
    --name {{ v.link_name }} \
    --virtual-network "${{ v.shell_var|ident }}" \
    --registration-enabled false \
    --resolution-policy {{ m.private.resolution_policy }} \
    --output none
fi
{% endfor %}
{% endfor %}
{% elif m.private.dns_mode == "existing" %}
# --- Private DNS zones: the central ones in {{ m.private.zones_resource_group_id|comment }}
ZONES_RESOURCE_GROUP_ID={{ m.private.zones_resource_group_id }}
{% else %}
# --- Private DNS: left to Azure Policy, which adds the zone groups to these endpoints.
{% endif %}

# --- Private endpoints in {{ m.private.subnet_name|comment }}, with DNS zone groups --------------------------------
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
{% if m.workspace.user_assigned_identity %}
# The workspace's identity is its user-assigned one (a workspace with only that has no
# identity.principal_id of its own).
WORKSPACE_PRINCIPAL_ID="$(az identity show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_IDENTITY_NAME}" --query principalId --output tsv)"
{% else %}
WORKSPACE_PRINCIPAL_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query identity.principal_id --output tsv)"
{% endif %}
{# One endpoint with its zone group and the workspace identity's Reader role; the same for the
    spoke's endpoints and the corporate network's. #}
{% macro endpoint(pe, subnet_var, dns_mode, zones_var) %}
# {{ pe.label|comment }}
if ! az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name {{ pe.name }} --output none 2>/dev/null; then
  az network private-endpoint create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ pe.name }} \
    --location "${LOCATION}" \
{% if subnet_var %}
    --subnet "${{ subnet_var|ident }}" \
{% else %}
    --vnet-name "${VNET_NAME}" \
    --subnet "${PE_SUBNET_NAME}" \
{% endif %}
    --private-connection-resource-id "${{ pe.target_id_var|ident }}" \
    --group-id {{ pe.group_id }} \
    --connection-name {{ pe.name }} \
    --output none
fi
{% if dns_mode != "policy" %}
{% for zname in pe.zone_names %}
{% if loop.first %}
if ! az network private-endpoint dns-zone-group show --resource-group "${RESOURCE_GROUP}" --endpoint-name {{ pe.name }} --name default --output none 2>/dev/null; then
  az network private-endpoint dns-zone-group create \
{% else %}
if [ "$(az network private-endpoint dns-zone-group show --resource-group "${RESOURCE_GROUP}" --endpoint-name {{ pe.name }} --name default --query {{ "length(privateDnsZoneConfigs[?name=='zone-" ~ loop.index0 ~ "'])" }} --output tsv)" = "0" ]; then
  az network private-endpoint dns-zone-group add \
{% endif %}
    --resource-group "${RESOURCE_GROUP}" \
    --endpoint-name {{ pe.name }} \
    --name default \
{% if dns_mode == "existing" %}
    --private-dns-zone "${{ zones_var|ident }}/providers/Microsoft.Network/privateDnsZones/{{ zname|raw_in_quotes }}" \
{% else %}
    --private-dns-zone {{ zname }} \
{% endif %}
    --zone-name {{ "zone-" ~ loop.index0 }} \
    --output none
fi
{% endfor %}
{% endif %}
{% if pe.workspace_reader %}
# The workspace identity reads through this endpoint (studio data preview in private storage).
PE_ID="$(az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name {{ pe.name }} --query id --output tsv)"
# Counted first: a failing `az` inside `if [ ... ]` would not stop the script.
{{ rbac.grant('"${WORKSPACE_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', m.private.reader_role_id, '"${PE_ID}"'|safe) }}
{% endif %}
{% endmacro %}
{% for pe in m.private.private_endpoints %}
{{ endpoint(pe, "PE_SUBNET_ID" if m.private.existing_subnet_id else "", m.private.dns_mode, "ZONES_RESOURCE_GROUP_ID") }}
{%- endfor %}
{% if m.private.corporate %}
{% set corp = m.private.corporate %}

# --- The corporate network's endpoints (not peered to the workspace's network) ----------------
# People reach the workspace and its storage through these{% if corp.dns_mode == "existing" %}; their records go to the corporate
# network's own zones{% else %}; the corporate landing zone's Azure Policy adds their zone groups{% endif %}. The subnet must be in {{ m.location|comment }}.
CORPORATE_PE_SUBNET_ID=${CORPORATE_PE_SUBNET_ID:-{{ corp.subnet_id }}}
{% if corp.zones_resource_group_id %}
CORPORATE_ZONES_RESOURCE_GROUP_ID=${CORPORATE_ZONES_RESOURCE_GROUP_ID:-{{ corp.zones_resource_group_id }}}
{% endif %}
{% for pe in corp.private_endpoints %}
{{ endpoint(pe, "CORPORATE_PE_SUBNET_ID", corp.dns_mode, "CORPORATE_ZONES_RESOURCE_GROUP_ID") }}
{%- endfor %}
{% endif %}
