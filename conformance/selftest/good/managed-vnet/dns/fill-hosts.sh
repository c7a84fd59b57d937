#!/usr/bin/env bash
# Fixture: amlgen's dns/fill-hosts.sh -- prints hosts-file lines for every private
# endpoint (for clients that cannot use the private DNS zones).
set -euo pipefail

RESOURCE_GROUP="${RESOURCE_GROUP:-rg-aml-managed}"
ENDPOINTS=("pe-mlw-aml-managed")

for endpoint in "${ENDPOINTS[@]}"; do
  nic_id="$(az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name "${endpoint}" \
    --query 'networkInterfaces[0].id' --output tsv)"
  az network nic show --ids "${nic_id}" \
    --query "ipConfigurations[].[privateIPAddress, join(',', privateLinkConnectionProperties.fqdns)]" \
    --output tsv |
    while IFS=$'\t' read -r ip fqdns; do
      for fqdn in ${fqdns//,/ }; do
        printf '%s\t%s\n' "${ip}" "${fqdn}"
      done
    done
done
