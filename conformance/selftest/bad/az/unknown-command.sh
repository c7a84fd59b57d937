#!/usr/bin/env bash
# Broken on purpose: there is no 'az network private-endpoint dns-zone' group (it is dns-zone-group).
# expect: \[unknown-command\] 'dns-zone' is not a command
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
az network private-endpoint dns-zone create --resource-group "${RESOURCE_GROUP}" --endpoint-name pe-a \
  --name default --private-dns-zone privatelink.blob.core.windows.net --zone-name blob
