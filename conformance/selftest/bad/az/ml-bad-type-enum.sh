#!/usr/bin/env bash
# Broken on purpose: --type takes fqdn|service_tag|private_endpoint (lower case, snake case).
# expect: \[bad-enum\] --type: 'FQDN' is not allowed
set -euo pipefail
RESOURCE_GROUP="rg-selftest"
az ml workspace outbound-rule set --resource-group "${RESOURCE_GROUP}" --workspace-name mlw-a \
  --rule pypi --type FQDN --destination pypi.org
