#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Prints hosts-file lines for the deployed private endpoints, from the FQDNs and private
# addresses Azure recorded on each endpoint (customDnsConfigs). Read-only; safe to re-run.
# Usage: ./fill-hosts.sh >> /etc/hosts   (as root; or paste into
# %SystemRoot%\System32\drivers\etc\hosts on Windows)
set -euo pipefail

RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
PRIVATE_ENDPOINTS=({% for pe in m.private.private_endpoints %}{% if not loop.first %} {% endif %}{{ pe.name }}{% endfor %})

for endpoint in "${PRIVATE_ENDPOINTS[@]}"; do
  printf '# %s\n' "${endpoint}"
  az network private-endpoint show \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${endpoint}" \
    --query 'customDnsConfigs[].[ipAddresses[0], fqdn]' \
    --output tsv |
    while IFS=$'\t' read -r address fqdn; do
      printf '%-15s %s\n' "${address}" "${fqdn}"
    done
done
echo "# Compute instances: add '<workspace address> <instance>.{{ m.location|raw_in_quotes }}.instances.azureml.ms' per instance."
