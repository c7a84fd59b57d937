#!/usr/bin/env bash
# Broken on purpose: unquoted expansion of a function argument (word splitting / globbing).
# checker: shellcheck
# expect: \[SC2086\]
set -euo pipefail
create_group() {
  az group create --name $1 --location westeurope --output none
}
create_group "rg-selftest"
