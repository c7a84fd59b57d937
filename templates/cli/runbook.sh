{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{% import "cli/parts/grant.sh" as rbac %}
#!/usr/bin/env bash
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Runbook: the {{ m.blueprint.name|comment }} architecture in plain az commands, in dependency order.
# Copy the variables block, then any step: each step checks before it creates, so every step and
# the whole script are safe to re-run. Re-running does not apply a changed blueprint to resources
# that exist (README, "After a blueprint change", lists the few steps that converge): use
# deploy.sh. Step 0 installs or upgrades the az extensions it needs; the commands are checked
# against the `ml` extension's command table as of its 2.39.0 release.
set -euo pipefail

# --- Variables ---------------------------------------------------------------------------------
RESOURCE_GROUP=${RESOURCE_GROUP:-{{ m.names.resource_group }}}
LOCATION=${LOCATION:-{{ m.location }}}
WORKSPACE_NAME=${WORKSPACE_NAME:-{{ m.workspace.name }}}
STORAGE_ACCOUNT_NAME=${STORAGE_ACCOUNT_NAME:-{{ m.storage.name }}}
KEY_VAULT_NAME=${KEY_VAULT_NAME:-{{ m.key_vault.name }}}
CONTAINER_REGISTRY_NAME=${CONTAINER_REGISTRY_NAME:-{{ m.registry.name }}}
LOG_ANALYTICS_NAME=${LOG_ANALYTICS_NAME:-{{ m.monitoring.log_analytics }}}
APP_INSIGHTS_NAME=${APP_INSIGHTS_NAME:-{{ m.monitoring.application_insights }}}
{% if m.workspace.user_assigned_identity %}
WORKSPACE_IDENTITY_NAME=${WORKSPACE_IDENTITY_NAME:-{{ m.workspace.user_assigned_identity.name }}}
{% endif %}
{% if m.client %}
VNET_NAME=${VNET_NAME:-{{ m.client.vnet_name }}}
PE_SUBNET_NAME=${PE_SUBNET_NAME:-{{ m.client.pe_subnet_name }}}
PE_NSG_NAME=${PE_NSG_NAME:-{{ m.client.nsg_name }}}
{% endif %}
{% if m.network %}
{% if m.network.hub %}
HUB_VNET_NAME=${HUB_VNET_NAME:-{{ m.network.hub.vnet_name }}}
{% endif %}
{% if m.network.existing_hub %}
# The landing zone's hub (nothing is created in it) and its firewall, the compute subnets' next hop.
HUB_VNET_ID=${HUB_VNET_ID:-{{ m.network.existing_hub.vnet_id }}}
FIREWALL_PRIVATE_IP=${FIREWALL_PRIVATE_IP:-{{ m.network.existing_hub.firewall_private_ip }}}
{% endif %}
{% if m.network.existing_spoke %}
# The landing zone's spoke: its subnets by ID (nothing is created or changed in it).
SPOKE_VNET_ID=${SPOKE_VNET_ID:-{{ m.network.existing_spoke.vnet_id }}}
TRAINING_SUBNET_ID=${TRAINING_SUBNET_ID:-{{ m.network.existing_spoke.training_subnet_id }}}
PE_SUBNET_ID=${PE_SUBNET_ID:-{{ m.network.existing_spoke.pe_subnet_id }}}
{% else %}
VNET_NAME=${VNET_NAME:-{{ m.network.spoke.vnet_name }}}
PE_SUBNET_NAME=${PE_SUBNET_NAME:-{{ m.private.subnet_name }}}
{% endif %}
{% if m.network.firewall %}
FIREWALL_NAME=${FIREWALL_NAME:-{{ m.network.firewall.name }}}
FIREWALL_POLICY_NAME=${FIREWALL_POLICY_NAME:-{{ m.network.firewall.policy_name }}}
{% endif %}
{% for rt in m.network.route_tables %}
{{ rt.shell_var|ident }}={% raw %}${{% endraw %}{{ rt.shell_var|ident }}:-{{ rt.name }}}
{% endfor %}
{% if m.network.nat_gateway %}
NAT_GATEWAY_NAME=${NAT_GATEWAY_NAME:-{{ m.network.nat_gateway.name }}}
{% endif %}
{% endif %}
{% include "cli/parts/subscription.sh" %}

# --- CLI extensions ---------------------------------------------------------------------------
az extension add --name ml --upgrade --only-show-errors
az extension add --name application-insights --upgrade --only-show-errors
{% if m.network and m.network.firewall %}
az extension add --name azure-firewall --upgrade --only-show-errors
{% endif %}
{% if m.inference.kubernetes %}
az extension add --name k8s-extension --upgrade --only-show-errors
{% endif %}

# --- Resource group -------------------------------------------------------------------------
az group create \
  --name "${RESOURCE_GROUP}" \
  --location "${LOCATION}" \
{% if m.tags %}
  --tags{% for k, v in m.tags|items %} {{ k ~ "=" ~ v }}{% endfor %} \
{% endif %}
  --output none

# --- Log Analytics and Application Insights -------------------------------------------------
if ! az monitor log-analytics workspace show --resource-group "${RESOURCE_GROUP}" --workspace-name "${LOG_ANALYTICS_NAME}" --output none 2>/dev/null; then
  az monitor log-analytics workspace create \
    --resource-group "${RESOURCE_GROUP}" \
    --workspace-name "${LOG_ANALYTICS_NAME}" \
    --location "${LOCATION}" \
    --retention-time {{ m.monitoring.retention_days }} \
{% if m.monitoring.private_link %}
    --ingestion-access {{ m.monitoring.private_link.public_ingestion }} \
    --query-access {{ m.monitoring.private_link.public_query }} \
{% endif %}
    --output none
fi
LOG_ANALYTICS_ID="$(az monitor log-analytics workspace show --resource-group "${RESOURCE_GROUP}" --workspace-name "${LOG_ANALYTICS_NAME}" --query id --output tsv)"

if ! az monitor app-insights component show --resource-group "${RESOURCE_GROUP}" --app "${APP_INSIGHTS_NAME}" --output none 2>/dev/null; then
  az monitor app-insights component create \
    --resource-group "${RESOURCE_GROUP}" \
    --app "${APP_INSIGHTS_NAME}" \
    --location "${LOCATION}" \
    --kind web \
    --application-type web \
    --workspace "${LOG_ANALYTICS_ID}" \
{% if m.monitoring.private_link %}
    --ingestion-access {{ m.monitoring.private_link.public_ingestion }} \
    --query-access {{ m.monitoring.private_link.public_query }} \
{% endif %}
    --output none
fi
APP_INSIGHTS_ID="$(az monitor app-insights component show --resource-group "${RESOURCE_GROUP}" --app "${APP_INSIGHTS_NAME}" --query id --output tsv)"
{% if m.monitoring.private_link %}

# --- Azure Monitor Private Link Scope: ingestion only through its private endpoint --------------
# PUT with az rest: `az monitor private-link-scope create` cannot set the access modes. A PUT is
# idempotent; a relative URL goes to the current cloud's Resource Manager endpoint.
PRIVATE_LINK_SCOPE_ID="${LOG_ANALYTICS_ID%/providers/*}/providers/Microsoft.Insights/privateLinkScopes/{{ m.monitoring.private_link.name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${PRIVATE_LINK_SCOPE_ID}?api-version={{ m.monitoring.private_link.api_version|raw_in_quotes }}" \
  --body {{ m.monitoring.private_link.scope_body_shell|safe }} \
  --output none
az rest \
  --method put \
  --url "${PRIVATE_LINK_SCOPE_ID}/scopedResources/${LOG_ANALYTICS_NAME}?api-version={{ m.monitoring.private_link.api_version|raw_in_quotes }}" \
  --body {{ m.monitoring.private_link.log_analytics_scoped_body_shell|safe }} \
  --output none
# The PUT returns while the scope is still provisioning; the next change to it would conflict.
az resource wait \
  --ids "${PRIVATE_LINK_SCOPE_ID}/scopedResources/${LOG_ANALYTICS_NAME}" \
  --api-version {{ m.monitoring.private_link.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
az rest \
  --method put \
  --url "${PRIVATE_LINK_SCOPE_ID}/scopedResources/${APP_INSIGHTS_NAME}?api-version={{ m.monitoring.private_link.api_version|raw_in_quotes }}" \
  --body {{ m.monitoring.private_link.application_insights_scoped_body_shell|safe }} \
  --output none
# The PUT returns while the scope is still provisioning; the next change to it would conflict.
az resource wait \
  --ids "${PRIVATE_LINK_SCOPE_ID}/scopedResources/${APP_INSIGHTS_NAME}" \
  --api-version {{ m.monitoring.private_link.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}

# --- Storage account: private, TLS 1.2, no anonymous blob access{% if not m.posture.storage_shared_key_access %}, no shared key access{% endif %} ------------------------------
if ! az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_ACCOUNT_NAME}" --output none 2>/dev/null; then
  az storage account create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${STORAGE_ACCOUNT_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.storage.sku }} \
    --kind {{ m.defaults.storage_kind }} \
    --access-tier {{ m.defaults.storage_access_tier }} \
    --allow-blob-public-access {{ m.posture.storage_allow_blob_public_access|string|lower }} \
    --allow-cross-tenant-replication {{ m.posture.storage_allow_cross_tenant_replication|string|lower }} \
    --allow-shared-key-access {{ m.posture.storage_shared_key_access|string|lower }} \
    --min-tls-version {{ m.defaults.minimum_tls_version }} \
    --https-only {{ m.posture.storage_https_only|string|lower }} \
    --require-infrastructure-encryption {{ m.posture.storage_infrastructure_encryption|string|lower }} \
    --public-network-access {{ m.posture.public_network_access_text }} \
    --default-action {{ m.posture.network_default_action }} \
    --bypass {{ m.posture.trusted_services_bypass }} \
    --output none
fi
STORAGE_ACCOUNT_ID="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${STORAGE_ACCOUNT_NAME}" --query id --output tsv)"

# --- Key vault: private, RBAC, purge protection ------------------------------------------------
if ! az keyvault show --resource-group "${RESOURCE_GROUP}" --name "${KEY_VAULT_NAME}" --output none 2>/dev/null; then
  az keyvault create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${KEY_VAULT_NAME}" \
    --location "${LOCATION}" \
    --enable-rbac-authorization {{ m.posture.key_vault_rbac_authorization|string|lower }} \
    --enable-purge-protection {{ m.posture.key_vault_purge_protection|string|lower }} \
    --retention-days {{ m.key_vault.soft_delete_retention_days }} \
    --public-network-access {{ m.posture.public_network_access_text }} \
    --default-action {{ m.posture.network_default_action }} \
    --bypass {{ m.posture.trusted_services_bypass }} \
    --output none
fi
KEY_VAULT_ID="$(az keyvault show --resource-group "${RESOURCE_GROUP}" --name "${KEY_VAULT_NAME}" --query id --output tsv)"
{% if created_key %}
{% set ck = created_key %}

# --- Customer-managed key: created in the key vault, with Azure Cosmos DB's role on it ----------
# Through Azure Resource Manager, as main.bicep: it reaches the vault behind its private endpoint,
# and a key that exists already is returned unchanged (no new version, no update).
CUSTOMER_MANAGED_KEY_ID="${KEY_VAULT_ID}/keys/{{ ck.name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${CUSTOMER_MANAGED_KEY_ID}?api-version={{ ck.api_version|raw_in_quotes }}" \
  --body {{ ck.body }} \
  --output none
CUSTOMER_MANAGED_KEY_URI="$(az rest --method get --url "${CUSTOMER_MANAGED_KEY_ID}?api-version={{ ck.api_version|raw_in_quotes }}" --query properties.keyUriWithVersion --output tsv)"
# Azure Cosmos DB's service principal in this tenant (its object ID differs per tenant) gets
# {{ ck.role.name|comment }} on the key alone. Counted first: a failing `az`
# inside `if [ ... ]` would not stop the script.
# COSMOS_DB_PRINCIPAL_ID from the environment where the signed-in identity may not read service
# principals (Microsoft Graph).
if [ -z "${COSMOS_DB_PRINCIPAL_ID:-}" ]; then
  COSMOS_DB_PRINCIPAL_ID="$(az ad sp show --id {{ ck.cosmos_db_app_id }} --query id --output tsv)"
fi
{{ rbac.grant('"${COSMOS_DB_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', ck.role.id, '"${CUSTOMER_MANAGED_KEY_ID}"'|safe) }}
{% endif %}

# --- Container registry: Premium (required for private endpoints), private, no admin user -----
if ! az acr show --resource-group "${RESOURCE_GROUP}" --name "${CONTAINER_REGISTRY_NAME}" --output none 2>/dev/null; then
  az acr create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${CONTAINER_REGISTRY_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.registry.sku }} \
    --admin-enabled {{ m.posture.registry_admin_user|string|lower }} \
    --public-network-enabled {{ m.posture.public_network_access|string|lower }} \
    --allow-trusted-services {{ m.posture.cli_registry_allow_trusted_services|string|lower }} \
    --allow-exports {{ m.posture.registry_exports|string|lower }} \
    --output none
fi
# Untagged manifests (left by every environment rebuild) are purged after this many days, as in
# main.bicep. An update, not a create: it also brings a registry made earlier in line.
az acr config retention update \
  --resource-group "${RESOURCE_GROUP}" \
  --registry "${CONTAINER_REGISTRY_NAME}" \
  --type UntaggedManifests \
  --status enabled \
  --days {{ m.defaults.registry_untagged_retention_days }} \
  --output none
CONTAINER_REGISTRY_ID="$(az acr show --resource-group "${RESOURCE_GROUP}" --name "${CONTAINER_REGISTRY_NAME}" --query id --output tsv)"

{% if m.workspace.user_assigned_identity %}
{% include "cli/parts/workspace_identity.sh" %}

{% endif %}
{% if m.way_in.jump_box %}
{% include "cli/parts/jump_box_network.sh" %}
{% endif %}
{% if m.network %}
{% include "cli/parts/hub_spoke.sh" %}

{% endif %}
# --- Workspace with managed VNet ({{ m.workspace.isolation_mode.cli|comment }}) ----------------
{% if m.workspace.serverless %}
# Serverless compute runs in {{ m.workspace.serverless.subnet_name|comment }} of the VNet{% if m.workspace.serverless.no_public_ip %}, without public IPs{% endif %}.
{% if m.network.existing_spoke %}
SERVERLESS_SUBNET_ID="${TRAINING_SUBNET_ID}"
{% else %}
SERVERLESS_SUBNET_ID="$(az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ m.workspace.serverless.subnet_name }} --query id --output tsv)"
{% endif %}
{% endif %}
{% set create_options %}
--location "${LOCATION}" \
--display-name {{ m.workspace.friendly_name }} \
--storage-account "${STORAGE_ACCOUNT_ID}" \
--key-vault "${KEY_VAULT_ID}" \
--container-registry "${CONTAINER_REGISTRY_ID}" \
--application-insights "${APP_INSIGHTS_ID}" \
--public-network-access {{ m.workspace.public_network_access }} \
--managed-network {{ m.workspace.isolation_mode.cli }} \
--system-datastores-auth-mode {{ m.workspace.system_datastores_auth_mode.cli }} \
{% if m.workspace.cli_create_sets %}
--set {{ m.workspace.cli_create_sets|join(" ")|safe }} \
{% endif %}
{% if m.workspace.image_build_compute %}
--image-build-compute {{ m.workspace.image_build_compute }} \
{% endif %}
{% endset %}
{% if m.workspace.cli_rest_body %}
# The user-assigned identity reads the key (encryption.identity), which az ml workspace create
# has no setting for: the workspace is PUT as main.bicep writes it. Its state first: none yet,
# Failed or Canceled after an earlier run (PUT again), or still in progress (waited for). Azure
# checks the identity's new roles as it creates the workspace, and they take minutes to arrive: a
# creation that fails is tried again, six times a minute apart.
WORKSPACE_ID="$(az group show --name "${RESOURCE_GROUP}" --query id --output tsv)/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE_NAME}"
WORKSPACE_STATE="$(az resource show --ids "${WORKSPACE_ID}" --api-version {{ m.workspace.api_version }} --query properties.provisioningState --output tsv 2>/dev/null || true)"
attempt=0
while [ "${WORKSPACE_STATE}" != Succeeded ]; do
  attempt=$((attempt + 1))
  if [ -z "${WORKSPACE_STATE}" ] || [ "${WORKSPACE_STATE}" = Failed ] || [ "${WORKSPACE_STATE}" = Canceled ]; then
    az rest \
      --method put \
      --url "${WORKSPACE_ID}?api-version={{ m.workspace.api_version|raw_in_quotes }}" \
      --body {{ m.workspace.cli_rest_body|safe }} \
      --output none || true
  fi
  # Creation takes minutes: its state every 30 s, for at most an hour.
  for _ in $(seq 120); do
    WORKSPACE_STATE="$(az resource show --ids "${WORKSPACE_ID}" --api-version {{ m.workspace.api_version }} --query properties.provisioningState --output tsv 2>/dev/null || true)"
    if [ -z "${WORKSPACE_STATE}" ] || [ "${WORKSPACE_STATE}" = Succeeded ] || [ "${WORKSPACE_STATE}" = Failed ] || [ "${WORKSPACE_STATE}" = Canceled ]; then
      break
    fi
    sleep 30
  done
  if [ "${WORKSPACE_STATE}" = Succeeded ]; then
    break
  fi
  if [ "${attempt}" -ge 6 ]; then
    echo "The workspace was not created (state: ${WORKSPACE_STATE:-none}); see the errors above." >&2
    exit 1
  fi
  echo "The workspace was not created (attempt ${attempt} of 6, state: ${WORKSPACE_STATE:-none}); its identity's new roles may not have reached Azure Machine Learning yet: trying again in 60 s." >&2
  sleep 60
done
{% else %}
if ! az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --output none 2>/dev/null; then
{% if m.workspace.user_assigned_identity %}
  # az ml has no option for the workspace's identity list: it goes in a workspace YAML
  # (azure-ai-ml's `identity` and `primary_user_assigned_identity`), with the options on top.
  WORKSPACE_YAML="$(mktemp)"
  trap 'rm -f "${WORKSPACE_YAML}"' EXIT
  printf 'identity:\n  type: user_assigned\n  user_assigned_identities:\n    %s: {}\nprimary_user_assigned_identity: %s\n' "'${WORKSPACE_IDENTITY_ID}'" "'${WORKSPACE_IDENTITY_ID}'" > "${WORKSPACE_YAML}"
{% endif %}
{% if m.workspace.user_assigned_identity or created_key %}
{% if m.workspace.user_assigned_identity %}
  # A new role assignment takes some minutes to reach Azure Machine Learning, which checks the
  # identity's access as it creates the workspace: a refusal right after the roles were given is
  # tried again, six times a minute apart.
{% else %}
  # A new role assignment takes some minutes to take effect, and Azure checks Azure Cosmos DB's
  # access to the key as it creates the workspace: a refusal right after the role was given is
  # tried again, six times a minute apart.
{% endif %}
  for attempt in 1 2 3 4 5 6; do
    if az ml workspace create \
      --resource-group "${RESOURCE_GROUP}" \
      --name "${WORKSPACE_NAME}" \
{% if m.workspace.user_assigned_identity %}
      --file "${WORKSPACE_YAML}" \
{% endif %}
{{ create_options|indent(6, true) }}
      --output none; then
      break
    fi
    if [ "${attempt}" = 6 ]; then
      echo "The workspace was not created; see the error above." >&2
      exit 1
    fi
{% if m.workspace.user_assigned_identity %}
    echo "The workspace was not created (attempt ${attempt} of 6); its identity's new roles may not have reached Azure Machine Learning yet: trying again in 60 s." >&2
{% else %}
    echo "The workspace was not created (attempt ${attempt} of 6); the key's new role may not have taken effect yet: trying again in 60 s." >&2
{% endif %}
    sleep 60
  done
{% if m.workspace.user_assigned_identity %}
  rm -f "${WORKSPACE_YAML}"
{% endif %}
{% else %}
  az ml workspace create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${WORKSPACE_NAME}" \
{{ create_options|indent(4, true) }}
    --output none
{% endif %}
fi
{% endif %}
{% if m.workspace.user_assigned_identity %}
{% for r in m.workspace.user_assigned_identity.workspace_roles %}
# {{ r.name|comment }} on the workspace for its user-assigned identity, once the workspace exists.
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
{{ rbac.grant('"${WORKSPACE_IDENTITY_PRINCIPAL_ID}"'|safe, 'ServicePrincipal', r.id, '"${WORKSPACE_ID}"'|safe) }}
{% endfor %}
{% endif %}
{% if m.workspace.cli_network_sets %}

# --- Managed network kind and monitoring (no az ml option; `az resource update` is GET + PUT) -----
{% if m.workspace.kind.non_default %}
# {{ m.workspace.kind.arm }}: {{ m.workspace.kind.note|comment }}; {{ m.workspace.kind.switch|comment }}.
{% endif %}
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
az resource update \
  --ids "${WORKSPACE_ID}" \
  --api-version {{ m.workspace.api_version }} \
  --set{% for s in m.workspace.cli_network_sets %} {{ s }}{% endfor %} \
  --output none
{% endif %}
{% if m.workspace.rules %}

# --- Outbound rules (`set` creates or updates; there is no `create`) --------------------------
{% if m.workspace.has_fqdn_rules %}
# {{ m.notes[0]|comment }}
{% endif %}
{% for r in m.workspace.rules %}
az ml workspace outbound-rule set \
  --resource-group "${RESOURCE_GROUP}" \
  --workspace-name "${WORKSPACE_NAME}" \
  --rule {{ r.name }} \
  --type {{ r.kind }} \
{% for a in r.cli_args %}
  {{ a.option|option }} {{ a.value }} \
{% endfor %}
  --output none
{% endfor %}
{% endif %}

{% if m.workspace.datastores %}
# --- Default datastores: the workspace identity previews data in the studio -------------------
# Written back as Azure created them (where their data lives is read from each), with
# identity-based access and the workspace identity for data preview, as main.bicep does. az ml
# datastore update has no option for this setting, so the ARM PUT goes through az rest.
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
{% for d in m.workspace.datastores %}
{{ d.shell_var|ident }}="$(az ml datastore show --resource-group "${RESOURCE_GROUP}" --workspace-name "${WORKSPACE_NAME}" --name {{ d.name }} --query {{ d.cli_location_field }} --output tsv)"
az rest \
  --method put \
  --url "${WORKSPACE_ID}/datastores/{{ d.name|raw_in_quotes }}?api-version={{ d.api_version|raw_in_quotes }}" \
  --body {{ d.body_shell|safe }} \
  --output none
{% endfor %}

{% endif %}
{% if m.monitoring.diagnostics %}
# --- Diagnostic settings: resource logs to Log Analytics (create replaces one of the same name) ---
WORKSPACE_ID="$(az ml workspace show --resource-group "${RESOURCE_GROUP}" --name "${WORKSPACE_NAME}" --query id --output tsv)"
{% if m.network and m.network.firewall %}
FIREWALL_ID="$(az network firewall show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_NAME}" --query id --output tsv)"
{% endif %}
{% for t in m.monitoring.diagnostics.targets %}
# {{ t.label|comment }}: to table {{ t.table|comment }}
az monitor diagnostic-settings create \
  --name {{ m.monitoring.diagnostics.setting_name }} \
  --resource "{{ t.resource_id_shell|safe }}" \
  --workspace "${LOG_ANALYTICS_ID}" \
  --logs {{ t.logs_shell|safe }} \
  --output none
{% endfor %}

{% endif %}
{% if not m.network and m.workspace.provision_now %}

# --- Provision the managed VNet now, before any compute (takes several minutes) -----------------
az ml workspace provision-network \
  --resource-group "${RESOURCE_GROUP}" \
  --name "${WORKSPACE_NAME}" \
{% if m.workspace.spark %}
  --include-spark \
{% endif %}
  --output none
{% endif %}
{% if m.client %}

# --- Client VNet with a private endpoint subnet ----------------------------------------------
if ! az network nsg show --resource-group "${RESOURCE_GROUP}" --name "${PE_NSG_NAME}" --output none 2>/dev/null; then
  az network nsg create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${PE_NSG_NAME}" \
    --location "${LOCATION}" \
    --output none
fi
if ! az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${VNET_NAME}" --output none 2>/dev/null; then
  az network vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${VNET_NAME}" \
    --location "${LOCATION}" \
    --address-prefixes{% for a in m.client.address_prefixes %} {{ a }}{% endfor %} \
    --output none
fi
if ! az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name "${PE_SUBNET_NAME}" --output none 2>/dev/null; then
  az network vnet subnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${VNET_NAME}" \
    --name "${PE_SUBNET_NAME}" \
    --address-prefixes {{ m.client.pe_subnet_prefix }} \
    --network-security-group "${PE_NSG_NAME}" \
    --private-endpoint-network-policies Disabled \
    --output none
fi
{% for sn in m.way_in.client_subnets %}
if ! az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ sn.name }} --output none 2>/dev/null; then
  az network vnet subnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${VNET_NAME}" \
    --name {{ sn.name }} \
    --address-prefixes {{ sn.prefix }} \
{% if m.way_in.jump_box and sn.name == m.way_in.jump_box.subnet_name %}
    --network-security-group {{ m.way_in.jump_box.nsg_name }} \
    --nat-gateway {{ m.way_in.jump_box.nat_gateway_name }} \
    --default-outbound-access false \
{% endif %}
    --output none
fi
{% endfor %}
{% if m.way_in.vnet_role == "client" and (m.way_in.jump_box or m.way_in.vpn or m.way_in.client_bastion) %}
{% include "cli/parts/way_in.sh" %}
{% endif %}

{% endif %}
{% if m.private %}
{% include "cli/parts/private_endpoints.sh" %}
{% endif %}
{% if m.compute.cluster or m.compute.instance %}
{% include "cli/parts/compute.sh" %}
{% endif %}
{% if m.inference.online_endpoints %}
{% include "cli/parts/online_endpoints.sh" %}
{% endif %}
{% if m.inference.kubernetes %}
{% include "cli/parts/kubernetes.sh" %}
{% endif %}
{% if m.access.deployed %}
{% include "cli/parts/access.sh" %}
{% endif %}
{% if m.policy.deployed %}
{% include "cli/parts/policy.sh" %}
{% endif %}

echo "Done: workspace ${WORKSPACE_NAME} in resource group ${RESOURCE_GROUP}."
