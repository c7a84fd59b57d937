#!/usr/bin/env bash
# Broken on purpose: '--private-endpoint-policies' is not an option (the option is
# --private-endpoint-network-policies).
# expect: \[unknown-option\] '--private-endpoint-policies'
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
az network vnet subnet create --resource-group "${RESOURCE_GROUP}" --vnet-name vnet-a --name snet-pe \
  --address-prefixes 10.0.1.0/24 --private-endpoint-policies Disabled --only-show-errors --output none
