#!/usr/bin/env bash
# Broken on purpose: --min-tls-version takes TLS1_2, not TLS1.2.
# expect: \[bad-enum\] --min-tls-version: 'TLS1.2' is not allowed
set -euo pipefail
az storage account create --resource-group rg-selftest --name stselftest001 --sku Standard_GZRS \
  --min-tls-version TLS1.2 --output none
