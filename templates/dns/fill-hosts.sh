#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Prints hosts-file lines for the deployed private endpoints: the FQDNs and private addresses
# Azure recorded on each endpoint's network interface (with a DNS zone group, the endpoint's own
# customDnsConfigs stay empty). Read-only; safe to re-run.
# Usage: ./fill-hosts.sh >> /etc/hosts   (as root; or paste into
# %SystemRoot%\System32\drivers\etc\hosts on Windows)
set -euo pipefail

RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
PRIVATE_ENDPOINTS=({% for pe in m.private.private_endpoints %}{% if not loop.first %} {% endif %}{{ pe.name }}{% endfor %})
{% if m.dns.online_endpoint_hosts %}
# The online endpoints' scoring hosts: each gets a line of its own under the wildcard it matches.
ONLINE_ENDPOINT_HOSTS=({% for h in m.dns.online_endpoint_hosts %}{% if not loop.first %} {% endif %}{{ h }}{% endfor %})
{% endif %}

for endpoint in "${PRIVATE_ENDPOINTS[@]}"; do
  printf '# %s\n' "${endpoint}"
  nic_id="$(az network private-endpoint show --resource-group "${RESOURCE_GROUP}" --name "${endpoint}" --query 'networkInterfaces[0].id' --output tsv)"
  az network nic show \
    --ids "${nic_id}" \
    --query "ipConfigurations[].[privateIPAddress, join(' ', privateLinkConnectionProperties.fqdns)]" \
    --output tsv |
    while IFS=$'\t' read -r address fqdns; do
      # Split on blanks into an array: no globbing of `*.` names.
      read -r -a names <<<"${fqdns}"
      for fqdn in "${names[@]}"; do
        case "${fqdn}" in
          # A hosts file has no wildcards: say so instead of writing a line that matches nothing.
{% if m.dns.online_endpoint_hosts %}
          '*'*)
            printf '# %-15s %s (a wildcard: add a line for each name you use)\n' "${address}" "${fqdn}"
            for host in "${ONLINE_ENDPOINT_HOSTS[@]}"; do
              case "${host}" in
                *"${fqdn#\*}") printf '%-15s %s\n' "${address}" "${host}" ;;
              esac
            done
            ;;
{% else %}
          '*'*) printf '# %-15s %s (a wildcard: add a line for each name you use)\n' "${address}" "${fqdn}" ;;
{% endif %}
          *) printf '%-15s %s\n' "${address}" "${fqdn}" ;;
        esac
      done
    done
done
{% for h in m.dns.compute_instance_hosts %}
echo {{ '# Compute instances: one line "<workspace address> ' ~ h ~ '" per instance.' }}
{% endfor %}
