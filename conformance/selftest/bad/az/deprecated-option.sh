#!/usr/bin/env bash
# Broken on purpose: --disable-private-endpoint-network-policies is on its way out
# (use --private-endpoint-network-policies Disabled).
# expect: \[deprecated-option\] --disable-private-endpoint-network-policies
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
az network vnet subnet create --resource-group "${RESOURCE_GROUP}" --vnet-name vnet-a --name snet-pe \
  --address-prefixes 10.0.1.0/24 --disable-private-endpoint-network-policies true --output none
