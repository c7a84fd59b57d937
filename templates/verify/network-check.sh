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
#   ./network-check.sh client    on the jump box in the hub; a client on a point-to-site VPN
#                                only if its DNS server is a resolver in the hub (a DNS Private
#                                Resolver inbound endpoint or a forwarder VM): Azure DNS,
#                                168.63.129.16, answers only inside Azure, so without one the
#                                DNS checks get public answers and fail
{% elif m.network %}
#   ./network-check.sh client    on a VM in the VNet or a peered one
{% else %}
#   ./network-check.sh client    on a VM in the client VNet
{% endif %}
# It resolves every private endpoint name and checks the address is in the private endpoint
# subnet ({{ smoke.dns[0].prefix if smoke.dns else "none" }}), reaches what Azure Machine Learning needs and expects success,
# tries what must stay closed and expects failure. On ports {{ smoke.http_probe_ports|join(" and ")|comment }} it sends an HTTP(S)
# request (curl) and counts any answer as reachable: Azure Firewall (wherever one is on the path)
# completes the TCP handshake itself on those ports before it reads the host name, so a bare TCP
# connect proves nothing there;
# a TLS or connection failure, or the firewall's deny page (HTTP {{ smoke.firewall_deny_http_status }}), is blocked. Other
# ports get a TCP connect. A forbidden check tries a third-party host (example.com,
# portquiz.net, a public storage account) and cannot tell a blocked path from a host that is
# down or gone: it passes as "closed or unreachable". One line per check, a summary, exit 1 on
# any failure; with --strict (or STRICT=1) skipped checks fail the run too. It reads nothing
# secret, changes nothing (safe to re-run), and each check gives up after TIMEOUT seconds (a whole
# number from 1, default {{ smoke.timeout_seconds }}): at most about {{ smoke.max_seconds }} s in all.
# Names with a placeholder are checked once you give its value (unset, they are skipped, with a
# warning):
#   WORKSPACE_GUID=$(az ml workspace show --name <workspace> --resource-group <group> --query workspace_id --output tsv)
#   COMPUTE_INSTANCE=<name>  ENDPOINT_NAME=<name>   (compute instance and online endpoint names)
#   LOG_ANALYTICS_WORKSPACE_ID=<customerId of the Log Analytics workspace>
# Needs bash, getent, timeout (coreutils) and curl.
{% if smoke.not_probed %}
#
# Not tried here (see `amlgen flows` for their verdict before deployment):
{% for n in smoke.not_probed %}
#   {{ n|comment }}
{% endfor %}
{% endif %}
set -euo pipefail

usage() {
  echo "usage: $0 [--strict] [compute|client]" >&2
  exit 2
}
STRICT="${STRICT:-0}"
ROLE=compute
for arg in "$@"; do
  case "${arg}" in
    --strict) STRICT=1 ;;
    compute | client) ROLE="${arg}" ;;
    *) usage ;;
  esac
done
case "${STRICT}" in
  0 | 1) ;;
  *)
    echo "STRICT must be 0 or 1, not '${STRICT}'" >&2
    exit 2
    ;;
esac
TIMEOUT="${TIMEOUT:-{{ smoke.timeout_seconds }}}"
# A whole number of seconds from 1: timeout 0 would never give up.
if ! [[ "${TIMEOUT}" =~ ^[1-9][0-9]*$ ]]; then
  echo "TIMEOUT must be a whole number of seconds from 1, not '${TIMEOUT}'" >&2
  exit 2
fi
FIREWALL_DENY_STATUS={{ smoke.firewall_deny_http_status }}
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

# Whether an HTTP(S) request ($1 http or https) to host $2 port $3 gets an answer within TIMEOUT
# seconds; `why` says what happened. Any status counts but the firewall's deny page. The
# certificate is not checked (-k): the question is whether anything answers, and a TLS-inspecting
# firewall presents its own; nothing is sent but the request line.
why=""
answers() {
  local status rc=0
  status="$(curl -ksS -o /dev/null -w '%{http_code}' --connect-timeout "${TIMEOUT}" --max-time "${TIMEOUT}" "$1://$2:$3/" 2>/dev/null)" || rc=$?
  if [ "${rc}" -ne 0 ]; then
    why="no HTTP answer, curl exit ${rc}"
    return 1
  fi
  if [ "${status}" = "${FIREWALL_DENY_STATUS}" ]; then
    why="the firewall's deny page (HTTP ${status})"
    return 1
  fi
  why="HTTP ${status}"
}

check_connect() {
  local name expect="$4" method="$5" open=0
  name="$(fill "$2")"
  if [ -z "${name}" ]; then
    report SKIP "${method}" "$1: $2:$3 (set the placeholder's variable)"
    return
  fi
  if [ "${method}" = tcp ]; then
    why="no TCP connection"
    connects "${name}" "$3" && open=1 && why="TCP connection"
  else
    answers "${method}" "${name}" "$3" && open=1
  fi
  if [ "${open}" = 1 ]; then
    if [ "${expect}" = open ]; then
      report PASS "${method}" "$1: ${name}:$3 open (${why}), as required"
    else
      report FAIL "${method}" "$1: ${name}:$3 open (${why}), but must stay closed"
    fi
  elif [ "${expect}" = open ]; then
    report FAIL "${method}" "$1: ${name}:$3 closed or unreachable (${why}), but required"
  else
    report PASS "${method}" "$1: ${name}:$3 closed or unreachable (${why}), as it must be"
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
  check_connect {{ c.name }} {{ c.host }} {{ c.port }} {{ c.expect }} {{ c.method }}
{% endfor %}
fi
{% endif %}
{% if smoke.client %}
if [ "${ROLE}" = client ]; then
{% for c in smoke.client %}
  check_connect {{ c.name }} {{ c.host }} {{ c.port }} {{ c.expect }} {{ c.method }}
{% endfor %}
fi
{% endif %}

printf '%s: %d passed, %d failed, %d skipped\n' "${ROLE}" "${passed}" "${failed}" "${skipped}"
if [ "${skipped}" -gt 0 ]; then
  echo "warning: ${skipped} checks skipped, so they prove nothing: set WORKSPACE_GUID, COMPUTE_INSTANCE, ENDPOINT_NAME and LOG_ANALYTICS_WORKSPACE_ID (see the header); --strict or STRICT=1 fails on skips" >&2
  if [ "${STRICT}" = 1 ]; then
    echo "strict: failing on ${skipped} skipped checks" >&2
    exit 1
  fi
fi
[ "${failed}" -eq 0 ]
