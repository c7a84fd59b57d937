#!/usr/bin/env bash
# Broken on purpose: a service_tag rule needs --service-tag, --protocol and --port-ranges.
# expect: \[missing-required\] --type service_tag requires --port-ranges
set -euo pipefail
az ml workspace outbound-rule set --resource-group rg-selftest --workspace-name mlw-a \
  --rule datafactory --type service_tag --service-tag DataFactory --protocol TCP
