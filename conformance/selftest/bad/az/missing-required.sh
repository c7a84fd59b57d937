#!/usr/bin/env bash
# Broken on purpose: az network private-endpoint create needs --connection-name.
# expect: \[missing-required\] missing required option\(s\) --connection-name
set -euo pipefail
SUBNET_ID="$(az network vnet subnet show --resource-group rg-selftest --vnet-name vnet-a --name snet-pe --query id --output tsv)"
az network private-endpoint create --resource-group rg-selftest --name pe-a --subnet "${SUBNET_ID}" \
  --private-connection-resource-id "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-selftest/providers/Microsoft.Storage/storageAccounts/sta" \
  --group-id blob
