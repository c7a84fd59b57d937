#!/usr/bin/env bash
# Fixture: amlgen's deploy.sh -- deploys main.bicep with its parameters file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESOURCE_GROUP="${RESOURCE_GROUP:-rg-aml-managed}"
LOCATION="${LOCATION:-westeurope}"
DEPLOYMENT_NAME="amlgen-managed-vnet-$(date +%Y%m%d%H%M%S)"

az group create --name "${RESOURCE_GROUP}" --location "${LOCATION}" --only-show-errors --output none
az deployment group create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${DEPLOYMENT_NAME}" \
  --template-file "${SCRIPT_DIR}/main.bicep" \
  --parameters "@${SCRIPT_DIR}/main.parameters.json" \
  --only-show-errors --output none
