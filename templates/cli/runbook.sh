#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Runbook: the {{ m.blueprint.name|comment }} architecture in plain az commands, in dependency order.
# Copy the variables block, then any step: each step checks before it creates, so every step and
# the whole script are safe to re-run. Needs az CLI 2.61+ with the `ml` extension 2.28+
# (`az ml workspace outbound-rule set` and `provision-network`) and `application-insights`.
set -euo pipefail

# --- Variables ---------------------------------------------------------------------------------
RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
LOCATION=${LOCATION:-{{ m.location }}}
WORKSPACE_NAME=${WORKSPACE_NAME:-{{ m.workspace.name }}}
STORAGE_ACCOUNT_NAME=${STORAGE_ACCOUNT_NAME:-{{ m.storage.name }}}
KEY_VAULT_NAME=${KEY_VAULT_NAME:-{{ m.key_vault.name }}}
CONTAINER_REGISTRY_NAME=${CONTAINER_REGISTRY_NAME:-{{ m.registry.name }}}
LOG_ANALYTICS_NAME=${LOG_ANALYTICS_NAME:-{{ m.monitoring.log_analytics }}}
APP_INSIGHTS_NAME=${APP_INSIGHTS_NAME:-{{ m.monitoring.application_insights }}}
{% if m.client %}
VNET_NAME=${VNET_NAME:-{{ m.client.vnet_name }}}
PE_SUBNET_NAME=${PE_SUBNET_NAME:-{{ m.client.pe_subnet_name }}}
PE_NSG_NAME=${PE_NSG_NAME:-{{ m.client.nsg_name }}}
{% endif %}

# --- 0. CLI extensions ---------------------------------------------------------------------------
az extension add --name ml --upgrade --only-show-errors
az extension add --name application-insights --upgrade --only-show-errors

# --- 1. Resource group -------------------------------------------------------------------------
az group create \
  --name "${RESOURCE_GROUP}" \
  --location "${LOCATION}" \
{% if m.tags %}
  --tags{% for k, v in m.tags|items %} {{ k ~ "=" ~ v }}{% endfor %} \
{% endif %}
  --output none

# --- 2. Log Analytics and Application Insights -------------------------------------------------
if ! az monitor log-analytics workspace show --resource-group "${RESOURCE_GROUP}" --workspace-name "${LOG_ANALYTICS_NAME}" --output none 2>/dev/null; then
  az monitor log-analytics workspace create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${LOG_ANALYTICS_NAME}" \
    --location "${LOCATION}" \
    --retention-time {{ m.monitoring.retention_days }} \
    --output none
fi
LOG_ANALYTICS_ID="$(az monitor log-analytics workspace show --resource-group "${RESOURCE_GROUP}" --workspace-name "${LOG_ANALYTICS_NAME}" --query id --output tsv)"

if ! az monitor app-insights component show --resource-group "${RESOURCE_GROUP}" --app "${APP_INSIGHTS_NAME}" --output none 2>/dev/null; then
  az monitor app-insights component create \
    --resource-group "${RESOURCE_GROUP}" \
    --app "${APP_INSIGHTS_NAME}" \
    --location "${LOCATION}" \
    --kind web \
    --application-type web \
    --workspace "${LOG_ANALYTICS_ID}" \
    --output none
fi
APP_INSIGHTS_ID="$(az monitor app-insights component show --resource-group "${RESOURCE_GROUP}" --app "${APP_INSIGHTS_NAME}" --query id --output tsv)"

# --- 3. Storage account: private, TLS 1.2, no anonymous blob access ------------------------------
if ! az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_ACCOUNT_NAME}" --output none 2>/dev/null; then
  az storage account create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${STORAGE_ACCOUNT_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.storage.sku }} \
    --kind StorageV2 \
    --access-tier Hot \
    --allow-blob-public-access false \
    --allow-cross-tenant-replication false \
    --min-tls-version TLS1_2 \
    --https-only true \
    --require-infrastructure-encryption true \
    --public-network-access Disabled \
    --default-action Deny \
    --bypass AzureServices \
    --output none
fi
STORAGE_ACCOUNT_ID="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_ACCOUNT_NAME}" --query id --output tsv)"

# --- 4. Key vault: private, RBAC, purge protection ------------------------------------------------
if ! az keyvault show --resource-group "${RESOURCE_GROUP}" --name "${KEY_VAULT_NAME}" --output none 2>/dev/null; then
  az keyvault create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${KEY_VAULT_NAME}" \
    --location "${LOCATION}" \
    --enable-rbac-authorization true \
    --enable-purge-protection true \
    --retention-days {{ m.key_vault.soft_delete_retention_days }} \
    --public-network-access Disabled \
    --default-action Deny \
    --bypass AzureServices \
    --output none
fi
KEY_VAULT_ID="$(az keyvault show --resource-group "${RESOURCE_GROUP}" --name "${KEY_VAULT_NAME}" --query id --output tsv)"

# --- 5. Container registry: Premium (required for private endpoints), private, no admin user -----
if ! az acr show --resource-group "${RESOURCE_GROUP}" --name "${CONTAINER_REGISTRY_NAME}" --output none 2>/dev/null; then
  az acr create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${CONTAINER_REGISTRY_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.registry.sku }} \
    --admin-enabled false \
    --public-network-enabled false \
    --allow-trusted-services true \
    --output none
fi
CONTAINER_REGISTRY_ID="$(az acr show --resource-group "${RESOURCE_GROUP}" --name "${CONTAINER_REGISTRY_NAME}" --query id --output tsv)"

# --- 6. Workspace with managed VNet ({{ m.workspace.isolation_mode.cli|comment }}) ----------------
if ! az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --output none 2>/dev/null; then
  az ml workspace create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${WORKSPACE_NAME}" \
    --location "${LOCATION}" \
    --display-name {{ m.workspace.friendly_name }} \
    --storage-account "${STORAGE_ACCOUNT_ID}" \
    --key-vault "${KEY_VAULT_ID}" \
    --container-registry "${CONTAINER_REGISTRY_ID}" \
    --application-insights "${APP_INSIGHTS_ID}" \
    --public-network-access {{ m.workspace.public_network_access }} \
    --managed-network {{ m.workspace.isolation_mode.cli }} \
{% if m.workspace.firewall_sku %}
    --firewall-sku {{ m.workspace.firewall_sku.cli }} \
{% endif %}
    --output none
fi
{% if m.workspace.rules %}

# --- 7. Outbound rules (`set` creates or updates; there is no `create`) --------------------------
{% if m.workspace.has_fqdn_rules %}
# {{ m.notes[0]|comment }}
{% endif %}
{% for r in m.workspace.rules %}
az ml workspace outbound-rule set \
  --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${WORKSPACE_NAME}" \
  --rule {{ r.name }} \
  --type {{ r.kind }} \
{% if r.kind == "fqdn" %}
  --destination {{ r.destination }} \
{% elif r.kind == "service_tag" %}
  --service-tag {{ r.service_tag }} \
  --protocol {{ r.protocol }} \
  --port-ranges {{ r.port_ranges }} \
{% else %}
  --service-resource-id {{ r.service_resource_id }} \
  --subresource-target {{ r.subresource_target }} \
  --spark-enabled {{ r.spark_enabled|string|lower }} \
{% endif %}
  --output none
{% endfor %}
{% endif %}

# --- 8. Provision the managed VNet now, before any compute (takes several minutes) --------------
az ml workspace provision-network \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${WORKSPACE_NAME}" \
{% if m.workspace.spark %}
  --include-spark \
{% endif %}
  --output none
{% if m.client %}

# --- 9. Client VNet with a private endpoint subnet ----------------------------------------------
if ! az network nsg show --resource-group "${RESOURCE_GROUP}" --name "${PE_NSG_NAME}" --output none 2>/dev/null; then
  az network nsg create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${PE_NSG_NAME}" \
    --location "${LOCATION}" \
    --output none
fi
if ! az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${VNET_NAME}" --output none 2>/dev/null; then
  az network vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${VNET_NAME}" \
    --location "${LOCATION}" \
    --address-prefixes{% for a in m.client.address_prefixes %} {{ a }}{% endfor %} \
    --output none
fi
if ! az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name "${PE_SUBNET_NAME}" --output none 2>/dev/null; then
  az network vnet subnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${VNET_NAME}" \
    --name "${PE_SUBNET_NAME}" \
    --address-prefixes {{ m.client.pe_subnet_prefix }} \
    --network-security-group "${PE_NSG_NAME}" \
    --private-endpoint-network-policies Disabled \
    --output none
fi
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"

# --- 10. Private DNS zones, linked to the client VNet ---------------------------------------------
{% for z in m.client.zones %}
if ! az network private-dns zone show --resource-group "${RESOURCE_GROUP}" --name {{ z.name }} --output none 2>/dev/null; then
  az network private-dns zone create --resource-group "${RESOURCE_GROUP}" --name {{ z.name }} --output none
fi
if ! az network private-dns link vnet show --resource-group "${RESOURCE_GROUP}" --zone-name {{ z.name }} --name {{ z.link_name }} --output none 2>/dev/null; then
  az network private-dns link vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --zone-name {{ z.name }} \
    --name {{ z.link_name }} \
    --virtual-network "${VNET_NAME}" \
    --registration-enabled false \
    --output none
fi
{% endfor %}

# --- 11. Private endpoints with DNS zone groups ----------------------------------------------------
{% for pe in m.client.private_endpoints %}
# {{ pe.label|comment }}
if ! az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name {{ pe.name }} --output none 2>/dev/null; then
  az network private-endpoint create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ pe.name }} \
    --location "${LOCATION}" \
    --vnet-name "${VNET_NAME}" \
    --subnet "${PE_SUBNET_NAME}" \
    --private-connection-resource-id "{% if pe.target == "workspace" %}${WORKSPACE_ID}{% else %}${STORAGE_ACCOUNT_ID}{% endif %}" \
    --group-id {{ pe.group_id }} \
    --connection-name {{ pe.name }} \
    --output none
fi
if ! az network private-endpoint dns-zone-group show --resource-group "${RESOURCE_GROUP}" --endpoint-name {{ pe.name }} --name default --output none 2>/dev/null; then
{% for zname in pe.zone_names %}
{% if loop.first %}
  az network private-endpoint dns-zone-group create \
{% else %}
  az network private-endpoint dns-zone-group add \
{% endif %}
    --resource-group "${RESOURCE_GROUP}" \
    --endpoint-name {{ pe.name }} \
    --name default \
    --private-dns-zone {{ zname }} \
    --zone-name {{ "zone-" ~ (loop.index0) }} \
    --output none
{% endfor %}
fi
{% endfor %}
{% endif %}

echo "Done: workspace ${WORKSPACE_NAME} in resource group ${RESOURCE_GROUP}."
