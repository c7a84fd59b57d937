#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Smoke test of the deployed network, the flows `amlgen flows` evaluated before deployment tried
# for real. Run it from inside the network:
{% if m.network %}
#   ./network-check.sh compute   on a compute instance terminal (or a VM in a compute subnet)
{% else %}
#   ./network-check.sh compute   on a compute instance terminal (managed VNet)
{% endif %}
{% if m.network and m.network.hub %}
#   ./network-check.sh client    on the jump box in the hub, or a client on the VPN
{% elif m.network %}
#   ./network-check.sh client    on a VM in the VNet or a peered one
{% else %}
#   ./network-check.sh client    on a VM in the client VNet
{% endif %}
# It resolves every private endpoint name and checks the address is in the private endpoint
# subnet ({{ smoke.dns[0].prefix if smoke.dns else "none" }}), connects to what Azure Machine Learning needs and expects success,
# tries what must stay closed and expects failure. One line per check, a summary, exit 1 on any
# failure. It reads nothing secret, changes nothing (safe to re-run), and each check gives up
# after TIMEOUT seconds (default {{ smoke.timeout_seconds }}): at most about {{ smoke.max_seconds }} s in all.
# Names with a placeholder are checked once you give its value:
#   WORKSPACE_GUID=$(az ml workspace show --name <workspace> --resource-group <group> --query workspace_id --output tsv)
#   COMPUTE_INSTANCE=<name>  ENDPOINT_NAME=<name>   (compute instance and online endpoint names)
#   LOG_ANALYTICS_WORKSPACE_ID=<customerId of the Log Analytics workspace>
# Needs bash, getent and timeout (coreutils).
{% if smoke.not_probed %}
#
# Not tried here (see `amlgen flows` for their verdict before deployment):
{% for n in smoke.not_probed %}
#   {{ n|comment }}
{% endfor %}
{% endif %}
set -euo pipefail

ROLE="${1:-compute}"
case "${ROLE}" in
  compute | client) ;;
  *)
    echo "usage: $0 [compute|client]" >&2
    exit 2
    ;;
esac
TIMEOUT="${TIMEOUT:-{{ smoke.timeout_seconds }}}"
WORKSPACE_GUID="${WORKSPACE_GUID:-}"
WORKSPACE_NAME={{ m.workspace.name }}
COMPUTE_INSTANCE="${COMPUTE_INSTANCE:-}"
ENDPOINT_NAME="${ENDPOINT_NAME:-}"
LOG_ANALYTICS_WORKSPACE_ID="${LOG_ANALYTICS_WORKSPACE_ID:-}"

passed=0
failed=0
skipped=0
report() {
  printf '%-4s %-6s %s\n' "$1" "$2" "$3"
  case "$1" in
    PASS) passed=$((passed + 1)) ;;
    FAIL) failed=$((failed + 1)) ;;
    *) skipped=$((skipped + 1)) ;;
  esac
}

# A name with its placeholders filled from the environment; empty when one is still unset.
fill() {
  local name="$1"
  [ -n "${WORKSPACE_GUID}" ] && name="${name//<workspace-guid>/${WORKSPACE_GUID}}"
  name="${name//<workspace-name>/${WORKSPACE_NAME}}"
  [ -n "${COMPUTE_INSTANCE}" ] && name="${name//<compute-instance>/${COMPUTE_INSTANCE}}"
  [ -n "${ENDPOINT_NAME}" ] && name="${name//<endpoint-name>/${ENDPOINT_NAME}}"
  [ -n "${LOG_ANALYTICS_WORKSPACE_ID}" ] && name="${name//<log-analytics-workspace-id>/${LOG_ANALYTICS_WORKSPACE_ID}}"
  case "${name}" in
    *'<'*) printf '' ;;
    *) printf '%s' "${name}" ;;
  esac
}

ip_number() {
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  printf '%s' "$(((a << 24) + (b << 16) + (c << 8) + d))"
}

# Whether IPv4 address $1 is inside prefix $2 (a.b.c.d/n).
in_prefix() {
  local length="${2#*/}" mask
  mask=$(((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF))
  [ $(($(ip_number "$1") & mask)) -eq $(($(ip_number "${2%/*}") & mask)) ]
}

check_dns() {
  local name
  name="$(fill "$1")"
  if [ -z "${name}" ]; then
    report SKIP dns "$1 (set the placeholder's variable)"
    return
  fi
  local address
  address="$(timeout "${TIMEOUT}" getent ahostsv4 "${name}" | awk 'NR == 1 { print $1 }')" || address=""
  if [ -z "${address}" ]; then
    report FAIL dns "${name} does not resolve (expected an address in $2, private endpoint $3)"
  elif in_prefix "${address}" "$2"; then
    report PASS dns "${name} -> ${address} (in $2, private endpoint $3)"
  else
    report FAIL dns "${name} -> ${address}, not in $2: a public answer, or the zone of private endpoint $3 is not linked"
  fi
}

# Whether a TCP connection to host $1 port $2 opens within TIMEOUT seconds.
connects() {
  # The script is the argument of the inner bash, which expands $1 and $2 itself.
  # shellcheck disable=SC2016
  timeout "${TIMEOUT}" bash -c 'exec 3<>"/dev/tcp/$1/$2"' connect "$1" "$2" 2>/dev/null
}

check_connect() {
  local name expect="$4"
  name="$(fill "$2")"
  if [ -z "${name}" ]; then
    report SKIP tcp "$1: $2:$3 (set the placeholder's variable)"
    return
  fi
  if connects "${name}" "$3"; then
    if [ "${expect}" = open ]; then
      report PASS tcp "$1: ${name}:$3 open, as required"
    else
      report FAIL tcp "$1: ${name}:$3 open, but must stay closed"
    fi
  elif [ "${expect}" = open ]; then
    report FAIL tcp "$1: ${name}:$3 closed or unreachable, but required"
  else
    report PASS tcp "$1: ${name}:$3 closed, as it must be"
  fi
}

{% if smoke.dns %}
if [ "${ROLE}" = client ]{% if smoke.dns_from_compute %} || [ "${ROLE}" = compute ]{% endif %}; then
{% for c in smoke.dns %}
  check_dns {{ c.host }} {{ c.prefix }} {{ c.endpoint }}
{% endfor %}
fi
{% endif %}
{% if smoke.compute %}
if [ "${ROLE}" = compute ]; then
{% for c in smoke.compute %}
  check_connect {{ c.name }} {{ c.host }} {{ c.port }} {{ c.expect }}
{% endfor %}
fi
{% endif %}
{% if smoke.client %}
if [ "${ROLE}" = client ]; then
{% for c in smoke.client %}
  check_connect {{ c.name }} {{ c.host }} {{ c.port }} {{ c.expect }}
{% endfor %}
fi
{% endif %}

printf '%s: %d passed, %d failed, %d skipped\n' "${ROLE}" "${passed}" "${failed}" "${skipped}"
[ "${failed}" -eq 0 ]
