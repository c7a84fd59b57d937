#!/usr/bin/env bash
# Broken on purpose: the if has no fi.
# checker: bash -n
# expect: syntax error
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
if ! az group show --name "${RESOURCE_GROUP}" >/dev/null 2>&1; then
  az group create --name "${RESOURCE_GROUP}" --location westeurope --output none
