#!/usr/bin/env bash
# Fixture: amlgen's runbook.sh for a hub-spoke blueprint -- customer VNet workspace
# (spoke) whose egress goes through Azure Firewall in the hub. Parsed, not deployed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESOURCE_GROUP="rg-aml-hub-spoke"
LOCATION="westeurope"
HUB_VNET="vnet-hub"
SPOKE_VNET="vnet-aml-spoke"
FIREWALL_NAME="afw-hub"
FIREWALL_POLICY="afwp-hub"
FIREWALL_PIP="pip-afw-hub"
ROUTE_TABLE="rt-aml-spoke"
NSG_NAME="nsg-aml-compute"
SEP_NAME="sep-aml-storage"
STORAGE_NAME="stamlspoke001"
WORKSPACE_NAME="mlw-aml-spoke"

az group create --name "${RESOURCE_GROUP}" --location "${LOCATION}" --only-show-errors --output none

# Hub and spoke networks, peered both ways.
az network vnet create --resource-group "${RESOURCE_GROUP}" --name "${HUB_VNET}" --location "${LOCATION}" \
  --address-prefixes 10.0.0.0/16 --subnet-name AzureFirewallSubnet --subnet-prefixes 10.0.1.0/26 \
  --only-show-errors --output none
az network vnet create --resource-group "${RESOURCE_GROUP}" --name "${SPOKE_VNET}" --location "${LOCATION}" \
  --address-prefixes 10.1.0.0/16 --only-show-errors --output none
az network vnet peering create --resource-group "${RESOURCE_GROUP}" --name hub-to-spoke \
  --vnet-name "${HUB_VNET}" --remote-vnet "${SPOKE_VNET}" --allow-vnet-access true \
  --allow-forwarded-traffic true --only-show-errors --output none
az network vnet peering create --resource-group "${RESOURCE_GROUP}" --name spoke-to-hub \
  --vnet-name "${SPOKE_VNET}" --remote-vnet "${HUB_VNET}" --allow-vnet-access true \
  --allow-forwarded-traffic true --only-show-errors --output none

# Firewall with a policy allowing what AML needs.
az network public-ip create --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_PIP}" \
  --location "${LOCATION}" --sku Standard --allocation-method Static --only-show-errors --output none
az network firewall policy create --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_POLICY}" \
  --location "${LOCATION}" --sku Standard --threat-intel-mode Alert --enable-dns-proxy true \
  --only-show-errors --output none
az network firewall policy rule-collection-group create --resource-group "${RESOURCE_GROUP}" \
  --policy-name "${FIREWALL_POLICY}" --name rcg-aml --priority 200 --only-show-errors --output none
az network firewall policy rule-collection-group collection add-filter-collection \
  --resource-group "${RESOURCE_GROUP}" \
  --policy-name "${FIREWALL_POLICY}" \
  --rule-collection-group-name rcg-aml \
  --name aml-service-tags \
  --collection-priority 210 \
  --action Allow \
  --rule-name aml-tags \
  --rule-type NetworkRule \
  --source-addresses 10.1.0.0/16 \
  --destination-addresses AzureMachineLearning AzureActiveDirectory AzureResourceManager \
  --destination-ports 443 \
  --ip-protocols TCP \
  --only-show-errors --output none
az network firewall policy rule-collection-group collection add-filter-collection \
  --resource-group "${RESOURCE_GROUP}" \
  --policy-name "${FIREWALL_POLICY}" \
  --rule-collection-group-name rcg-aml \
  --name aml-fqdns \
  --collection-priority 220 \
  --action Allow \
  --rule-name python-packages \
  --rule-type ApplicationRule \
  --source-addresses 10.1.0.0/16 \
  --protocols Https=443 \
  --target-fqdns pypi.org files.pythonhosted.org \
  --only-show-errors --output none
az network firewall create --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_NAME}" \
  --location "${LOCATION}" --sku AZFW_VNet --tier Standard --firewall-policy "${FIREWALL_POLICY}" \
  --only-show-errors --output none
az network firewall ip-config create --resource-group "${RESOURCE_GROUP}" --firewall-name "${FIREWALL_NAME}" \
  --name fw-ipconfig --public-ip-address "${FIREWALL_PIP}" --vnet-name "${HUB_VNET}" \
  --only-show-errors --output none
FIREWALL_IP="$(az network firewall show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_NAME}" \
  --query 'ipConfigurations[0].privateIPAddress' --output tsv)"

# Spoke egress through the firewall; NSG and service endpoint policy on the compute subnet.
az network route-table create --resource-group "${RESOURCE_GROUP}" --name "${ROUTE_TABLE}" \
  --location "${LOCATION}" --disable-bgp-route-propagation true --only-show-errors --output none
az network route-table route create --resource-group "${RESOURCE_GROUP}" --route-table-name "${ROUTE_TABLE}" \
  --name default-via-firewall --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance \
  --next-hop-ip-address "${FIREWALL_IP}" --only-show-errors --output none
az network nsg create --resource-group "${RESOURCE_GROUP}" --name "${NSG_NAME}" --location "${LOCATION}" \
  --only-show-errors --output none
az network nsg rule create --resource-group "${RESOURCE_GROUP}" --nsg-name "${NSG_NAME}" \
  --name allow-aml-batch-inbound --priority 100 --direction Inbound --access Allow --protocol Tcp \
  --source-address-prefixes BatchNodeManagement --source-port-ranges '*' \
  --destination-address-prefixes VirtualNetwork --destination-port-ranges 29876-29877 \
  --only-show-errors --output none
STORAGE_ID="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_NAME}" \
  --query id --output tsv)"
az network service-endpoint policy create --resource-group "${RESOURCE_GROUP}" --name "${SEP_NAME}" \
  --location "${LOCATION}" --only-show-errors --output none
az network service-endpoint policy-definition create --resource-group "${RESOURCE_GROUP}" \
  --policy-name "${SEP_NAME}" --name allow-workspace-storage --service Microsoft.Storage \
  --service-resources "${STORAGE_ID}" --only-show-errors --output none
az network vnet subnet create --resource-group "${RESOURCE_GROUP}" --vnet-name "${SPOKE_VNET}" \
  --name snet-compute --address-prefixes 10.1.1.0/24 --network-security-group "${NSG_NAME}" \
  --route-table "${ROUTE_TABLE}" --service-endpoints Microsoft.Storage \
  --service-endpoint-policy "${SEP_NAME}" --default-outbound-access false \
  --only-show-errors --output none

az ml workspace create --resource-group "${RESOURCE_GROUP}" --file "${SCRIPT_DIR}/workspace.yml" \
  --only-show-errors --output none
az ml workspace outbound-rule set --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" \
  --rule conda --type fqdn --destination conda.anaconda.org --only-show-errors --output none
az ml workspace outbound-rule set --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" \
  --rule datafactory --type service_tag --service-tag DataFactory --protocol TCP --port-ranges 443 \
  --only-show-errors --output none
az ml workspace provision-network --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" \
  --only-show-errors --output none
