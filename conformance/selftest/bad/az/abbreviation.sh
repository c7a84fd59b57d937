#!/usr/bin/env bash
# Broken on purpose: --address-prefix/--subnet-prefix only work as argparse abbreviations
# of --address-prefixes/--subnet-prefixes.
# expect: \[abbreviation\] '--address-prefix' is only an abbreviation of '--address-prefixes'
# expect: \[abbreviation\] '--subnet-prefix' is only an abbreviation of '--subnet-prefixes'
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
VNET_NAME="vnet-selftest"
az network vnet create --resource-group "${RESOURCE_GROUP}" --name "${VNET_NAME}" \
  --address-prefix 10.0.0.0/16 --subnet-name snet-a --subnet-prefix 10.0.1.0/24 --output none
