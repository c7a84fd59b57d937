#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Deploys main.bicep with main.parameters.json. Safe to re-run: the resource group create is
# idempotent and ARM deployments are incremental. Override any variable from the environment,
# e.g. RESOURCE_GROUP=rg-test ./deploy.sh
set -euo pipefail

RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
LOCATION=${LOCATION:-{{ m.location }}}
DEPLOYMENT_NAME=${DEPLOYMENT_NAME:-{{ "amlgen-" ~ m.blueprint.name }}}
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
{% include "cli/parts/subscription.sh" %}

az group create \
  --name "${RESOURCE_GROUP}" \
  --location "${LOCATION}" \
{% if m.tags %}
  --tags{% for k, v in m.tags|items %} {{ k ~ "=" ~ v }}{% endfor %} \
{% endif %}
  --output none

az deployment group create \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${DEPLOYMENT_NAME}" \
  --template-file "${SCRIPT_DIR}/main.bicep" \
  --parameters "@${SCRIPT_DIR}/main.parameters.json" \
  --parameters location="${LOCATION}" \
  --output none

echo "Deployed ${DEPLOYMENT_NAME} to resource group ${RESOURCE_GROUP}."
{% if m.workspace.managed_vnet and not m.workspace.provision_now %}
echo "The managed VNet is provisioned with the first compute; to do it now: az ml workspace provision-network --resource-group ${RESOURCE_GROUP} --name <workspace>"
{% endif %}
