#!/usr/bin/env bash
# Broken on purpose: 'az network firewall create' has --firewall-policy/--policy, not --policy-name.
# expect: \[unknown-option\] '--policy-name' is not an option of 'az network firewall create'
set -euo pipefail
az network firewall create --resource-group rg-selftest --name afw-a --sku AZFW_VNet --policy-name afwp-a
