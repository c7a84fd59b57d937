#!/usr/bin/env bash
# Broken on purpose: 'az ml workspace outbound-rule create' does not exist (it is 'set').
# expect: \[unknown-command\] 'create' is not a command or group under 'az ml workspace outbound-rule'
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
az ml workspace outbound-rule create --resource-group "${RESOURCE_GROUP}" --workspace-name mlw-a \
  --rule pypi --type fqdn --destination pypi.org
