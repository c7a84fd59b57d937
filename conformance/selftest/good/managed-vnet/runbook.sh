#!/usr/bin/env bash
# Fixture: what amlgen renders as runbook.sh for a managed-VNet workspace
# (allow_internet_outbound) reached through a private endpoint in a customer VNet.
# The whole architecture as plain az commands. Not deployed by the tests: it is parsed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESOURCE_GROUP="rg-aml-managed"
LOCATION="westeurope"
VNET_NAME="vnet-aml-managed"
VNET_PREFIX="10.10.0.0/16"
SUBNET_PE="snet-private-endpoints"
SUBNET_PE_PREFIX="10.10.1.0/24"
LAW_NAME="log-aml-managed"
APPI_NAME="appi-aml-managed"
STORAGE_NAME="stamlmanaged001"
KEYVAULT_NAME="kv-aml-managed-001"
ACR_NAME="cramlmanaged001"
WORKSPACE_NAME="mlw-aml-managed"
DNS_ZONES=(
  "privatelink.api.azureml.ms"
  "privatelink.notebooks.azure.net"
  "privatelink.blob.core.windows.net"
  "privatelink.file.core.windows.net"
  "privatelink.vaultcore.azure.net"
  "privatelink.azurecr.io"
)

log() { printf '==> %s\n' "$*"; }

# Create a private endpoint and register it in its private DNS zone.
create_private_endpoint() {
  local name="$1" target_id="$2" group_id="$3" zone="$4"
  if ! az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name "${name}" >/dev/null 2>&1; then
    az network private-endpoint create \
      --resource-group "${RESOURCE_GROUP}" \
      --name "${name}" \
      --location "${LOCATION}" \
      --vnet-name "${VNET_NAME}" \
      --subnet "${SUBNET_PE}" \
      --private-connection-resource-id "${target_id}" \
      --group-id "${group_id}" \
      --connection-name "${name}-connection" \
      --only-show-errors --output none
  fi
  az network private-endpoint dns-zone-group create \
    --resource-group "${RESOURCE_GROUP}" \
    --endpoint-name "${name}" \
    --name default \
    --private-dns-zone "${zone}" \
    --zone-name "${group_id}" \
    --only-show-errors --output none
}

log "resource group"
az group create --name "${RESOURCE_GROUP}" --location "${LOCATION}" --only-show-errors --output none

log "monitoring"
az monitor log-analytics workspace create \
  --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${LAW_NAME}" \
  --location "${LOCATION}" \
  --sku PerGB2018 \
  --retention-time 30 \
  --only-show-errors --output none
LAW_ID="$(az monitor log-analytics workspace show --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${LAW_NAME}" --query id --output tsv)"
az monitor app-insights component create \
  --app "${APPI_NAME}" \
  --resource-group "${RESOURCE_GROUP}" \
  --location "${LOCATION}" \
  --kind web \
  --application-type web \
  --workspace "${LAW_ID}" \
  --ingestion-access Enabled \
  --query-access Enabled \
  --only-show-errors --output none

log "network"
az network vnet create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${VNET_NAME}" \
  --location "${LOCATION}" \
  --address-prefixes "${VNET_PREFIX}" \
  --only-show-errors --output none
az network vnet subnet create \
  --resource-group "${RESOURCE_GROUP}" \
  --vnet-name "${VNET_NAME}" \
  --name "${SUBNET_PE}" \
  --address-prefixes "${SUBNET_PE_PREFIX}" \
  --private-endpoint-network-policies Disabled \
  --default-outbound-access false \
  --only-show-errors --output none

log "dependent resources"
az storage account create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${STORAGE_NAME}" \
  --location "${LOCATION}" \
  --sku Standard_GZRS \
  --kind StorageV2 \
  --min-tls-version TLS1_2 \
  --https-only true \
  --allow-blob-public-access false \
  --allow-shared-key-access false \
  --public-network-access Disabled \
  --default-action Deny \
  --bypass AzureServices \
  --only-show-errors --output none
az keyvault create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${KEYVAULT_NAME}" \
  --location "${LOCATION}" \
  --enable-rbac-authorization true \
  --enable-purge-protection true \
  --retention-days 90 \
  --public-network-access Disabled \
  --default-action Deny \
  --bypass AzureServices \
  --only-show-errors --output none
az acr create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${ACR_NAME}" \
  --location "${LOCATION}" \
  --sku Premium \
  --admin-enabled false \
  --public-network-enabled false \
  --only-show-errors --output none

log "private DNS"
for zone in "${DNS_ZONES[@]}"; do
  az network private-dns zone create --resource-group "${RESOURCE_GROUP}" --name "${zone}" \
    --only-show-errors --output none
  az network private-dns link vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --zone-name "${zone}" \
    --name "link-${VNET_NAME}" \
    --virtual-network "${VNET_NAME}" \
    --registration-enabled false \
    --only-show-errors --output none
done

log "workspace"
az ml workspace create --resource-group "${RESOURCE_GROUP}" --file "${SCRIPT_DIR}/workspace.yml" \
  --only-show-errors --output none
STORAGE_ID="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_NAME}" --query id --output tsv)"
az ml workspace outbound-rule set \
  --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${WORKSPACE_NAME}" \
  --rule "pe-${STORAGE_NAME}-file" \
  --type private_endpoint \
  --service-resource-id "${STORAGE_ID}" \
  --subresource-target file \
  --spark-enabled false \
  --only-show-errors --output none
az ml workspace provision-network --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" \
  --only-show-errors --output none
az ml compute create \
  --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${WORKSPACE_NAME}" \
  --name cpu-cluster \
  --type AmlCompute \
  --size Standard_DS3_v2 \
  --min-instances 0 \
  --max-instances 2 \
  --tier dedicated \
  --only-show-errors --output none

log "inbound private endpoint of the workspace"
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
create_private_endpoint "pe-${WORKSPACE_NAME}" "${WORKSPACE_ID}" amlworkspace "privatelink.api.azureml.ms"
az network private-endpoint dns-zone-group add \
  --resource-group "${RESOURCE_GROUP}" \
  --endpoint-name "pe-${WORKSPACE_NAME}" \
  --name default \
  --private-dns-zone "privatelink.notebooks.azure.net" \
  --zone-name notebooks \
  --only-show-errors --output none
log "done"
