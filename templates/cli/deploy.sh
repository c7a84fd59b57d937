#!/usr/bin/env bash
{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{# The parameters of both the what-if and the deployment: the parameter file, then what it
   cannot hold (given here at deploy time), then the region the script runs for. #}
{% macro parameters() %}
  --parameters "@${SCRIPT_DIR}/main.parameters.json" \
{% if m.inference.online_endpoints %}
  --parameters onlineEndpoints="${ONLINE_ENDPOINTS}" \
{% endif %}
{% if m.inference.kubernetes %}
  --parameters "@${TLS_PARAMETERS}" \
{% endif %}
{% if created_key %}
  --parameters cosmosDbPrincipalId="${COSMOS_DB_PRINCIPAL_ID}" \
{% endif %}
  --parameters location="${LOCATION}"
{%- endmacro %}
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Deploys main.bicep with main.parameters.json. Safe to re-run: the resource group create is
# idempotent and ARM deployments are incremental. Override any variable from the environment,
# e.g. RESOURCE_GROUP=rg-test ./deploy.sh
#
# Before it deploys, it shows what would change (az deployment group what-if, in the resource
# group it has created if needed) and asks. `--yes` (or AMLGEN_DEPLOY_YES=1) deploys without
# asking, as CI does; `--what-if` shows the changes and stops. Without a terminal on stdin and
# without `--yes`, it stops after the what-if with exit code 1 instead of waiting for an answer.
set -euo pipefail

MODE=ask
if [ "${AMLGEN_DEPLOY_YES:-0}" = 1 ]; then
  MODE=yes
fi
YES_FLAG=0
WHAT_IF_FLAG=0
for arg in "$@"; do
  case "${arg}" in
    --yes | -y) YES_FLAG=1 ;;
    --what-if) WHAT_IF_FLAG=1 ;;
    *)
      echo "usage: $0 [--yes | --what-if]" >&2
      exit 2
      ;;
  esac
done
if [ "${YES_FLAG}" = 1 ] && [ "${WHAT_IF_FLAG}" = 1 ]; then
  echo "usage: $0 [--yes | --what-if]: --yes deploys, --what-if only shows; give one" >&2
  exit 2
fi
if [ "${YES_FLAG}" = 1 ]; then
  MODE=yes
fi
if [ "${WHAT_IF_FLAG}" = 1 ]; then
  MODE=what-if
fi

RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
LOCATION=${LOCATION:-{{ m.location }}}
DEPLOYMENT_NAME=${DEPLOYMENT_NAME:-{{ "amlgen-" ~ m.blueprint.name }}}
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
{% include "cli/parts/subscription.sh" %}

# --what-if changes nothing, not even the resource group: without one, everything is new.
if [ "${MODE}" = what-if ] && [ "$(az group exists --name "${RESOURCE_GROUP}")" != true ]; then
  echo "Resource group ${RESOURCE_GROUP} does not exist: deploying would create it and everything in main.bicep."
  echo "Not deployed (--what-if)."
  exit 0
fi

az group create \
  --name "${RESOURCE_GROUP}" \
  --location "${LOCATION}" \
{% if m.tags %}
  --tags{% for k, v in m.tags|items %} {{ k ~ "=" ~ v }}{% endfor %} \
{% endif %}
  --output none

{% if m.way_in.jump_box %}
# main.bicep writes the jump box's sign-in extension, which Azure accepts only while the VM runs;
# its daily shutdown deallocates it. Start it if it exists (it stops again at the shutdown time).
if az vm show --resource-group "${RESOURCE_GROUP}" --name {{ m.way_in.jump_box.name }} --output none 2>/dev/null; then
  az vm start --resource-group "${RESOURCE_GROUP}" --name {{ m.way_in.jump_box.name }} --output none
fi

{% endif %}
{% if m.inference.online_endpoints %}
# Online endpoints are created here, never updated: a PUT of an existing endpoint replaces its
# traffic split, which would send 0% to every deployment behind it (the runbooks only create
# them, too). Change an existing endpoint with `az ml online-endpoint update`.
EXISTING_ENDPOINTS="$(az resource list --resource-group "${RESOURCE_GROUP}" --resource-type Microsoft.MachineLearningServices/workspaces/onlineEndpoints --query '[].name' --output tsv)"
NEW_ENDPOINTS=()
{% for e in m.inference.online_endpoints %}
if ! grep -qixF -- {{ m.workspace.name ~ "/" ~ e.name }} <<<"${EXISTING_ENDPOINTS}"; then
  NEW_ENDPOINTS+=({{ e.param_json }})
fi
{% endfor %}
ONLINE_ENDPOINTS="[$(IFS=,; printf '%s' "${NEW_ENDPOINTS[*]}")]"

{% endif %}
{% if created_key %}
# The customer-managed key's role goes to Azure Cosmos DB's service principal, whose object ID
# differs per tenant: looked up here by its application ID (Microsoft Graph: reading service
# principals), or given as COSMOS_DB_PRINCIPAL_ID where the deploying identity may not read them.
if [ -z "${COSMOS_DB_PRINCIPAL_ID:-}" ]; then
  if ! COSMOS_DB_PRINCIPAL_ID="$(az ad sp show --id {{ created_key.cosmos_db_app_id }} --query id --output tsv)"; then
    echo "Could not read the Azure Cosmos DB service principal: set COSMOS_DB_PRINCIPAL_ID to its object ID (az ad sp show --id {{ created_key.cosmos_db_app_id }} --query id, as someone who may read service principals)." >&2
    exit 1
  fi
fi

{% endif %}
{% if m.inference.kubernetes %}
# The inference router's TLS certificate and key (PEM files) are secure parameters: written,
# base64-encoded, to a parameter file only this user can read, removed on exit, never to
# main.parameters.json.
: "${AMLGEN_INFERENCE_TLS_CERT:?set AMLGEN_INFERENCE_TLS_CERT to the PEM certificate file of the inference router}"
: "${AMLGEN_INFERENCE_TLS_KEY:?set AMLGEN_INFERENCE_TLS_KEY to the PEM key file of that certificate}"
TLS_PARAMETERS="$(umask 077 && mktemp)"
trap 'rm -f "${TLS_PARAMETERS}"' EXIT
printf '{"contentVersion": "1.0.0.0", "parameters": {"inferenceTlsCertificate": {"value": "%s"}, "inferenceTlsKey": {"value": "%s"}}}\n' \
  "$(base64 < "${AMLGEN_INFERENCE_TLS_CERT}" | tr -d '\n')" \
  "$(base64 < "${AMLGEN_INFERENCE_TLS_KEY}" | tr -d '\n')" > "${TLS_PARAMETERS}"

{% endif %}
az deployment group what-if \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${DEPLOYMENT_NAME}" \
  --template-file "${SCRIPT_DIR}/main.bicep" \
{{ parameters() }}

case "${MODE}" in
  what-if)
    echo "Not deployed (--what-if)."
    exit 0
    ;;
  ask)
    if [ ! -t 0 ]; then
      echo "Not deployed: no terminal to ask on. Re-run with --yes (or AMLGEN_DEPLOY_YES=1) to deploy these changes." >&2
      exit 1
    fi
    read -r -p "Deploy these changes to resource group ${RESOURCE_GROUP}? [y/N] " answer
    case "${answer}" in
      y | Y | yes | YES) ;;
      *)
        echo "Not deployed." >&2
        exit 1
        ;;
    esac
    ;;
esac

az deployment group create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${DEPLOYMENT_NAME}" \
  --template-file "${SCRIPT_DIR}/main.bicep" \
{{ parameters() }} \
  --output none

echo "Deployed ${DEPLOYMENT_NAME} to resource group ${RESOURCE_GROUP}."
{% if m.workspace.managed_vnet and not m.workspace.provision_now %}
echo "The managed VNet is provisioned with the first compute; to do it now: az ml workspace provision-network --resource-group ${RESOURCE_GROUP} --name <workspace>"
{% endif %}
