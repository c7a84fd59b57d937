{% if m.network.hub %}
# --- Hub VNet and its subnets -------------------------------------------------------------------
if ! az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${HUB_VNET_NAME}" --output none 2>/dev/null; then
  az network vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${HUB_VNET_NAME}" \
    --location "${LOCATION}" \
    --address-prefixes{% for a in m.network.hub.address_prefixes %} {{ a }}{% endfor %} \
    --output none
fi
{% set hub = m.network.hub %}
{% for subnet in hub.subnets %}
if ! az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${HUB_VNET_NAME}" --name {{ subnet.name }} --output none 2>/dev/null; then
  az network vnet subnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${HUB_VNET_NAME}" \
    --name {{ subnet.name }} \
    --address-prefixes {{ subnet.prefix }} \
{% if subnet.delegation %}
    --delegations {{ subnet.delegation }} \
{% endif %}
{% if m.way_in.jump_box and subnet.name == m.way_in.jump_box.subnet_name %}
    --network-security-group {{ m.way_in.jump_box.nsg_name }} \
    --nat-gateway {{ m.way_in.jump_box.nat_gateway_name }} \
    --default-outbound-access false \
{% endif %}
    --output none
fi
{% endfor %}

# --- Azure Firewall ({{ m.network.firewall.tier|comment }}) with a policy allowing what Azure Machine Learning needs ---------
{% for ip in [m.network.firewall.public_ip, m.network.firewall.management_public_ip] + ([hub.bastion.public_ip] if hub.bastion else []) if ip %}
if ! az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ ip }} --output none 2>/dev/null; then
  az network public-ip create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ ip }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.public_ip_sku }} \
    --allocation-method {{ m.defaults.public_ip_allocation }} \
    --output none
fi
{% endfor %}
if ! az network firewall policy show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_POLICY_NAME}" --output none 2>/dev/null; then
  az network firewall policy create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${FIREWALL_POLICY_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.network.firewall.tier }} \
    --threat-intel-mode {{ m.network.firewall.threat_intel_mode }} \
{% if m.network.firewall.dns_proxy %}
    --enable-dns-proxy true \
{% endif %}
    --output none
fi
{% set rcg = m.network.firewall.rule_collection_group %}
# The rules: the whole collection group in one PUT (create or update, so a re-run after a blueprint
# change converges), with the same collections, priorities and rules as hubNetwork.bicep. Its az
# commands live in the azure-firewall extension and add one rule at a time; the ARM body needs
# none. A relative URL goes to the current cloud's Resource Manager endpoint.
FIREWALL_POLICY_ID="$(az network firewall policy show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_POLICY_NAME}" --query id --output tsv)"
az rest \
  --method put \
  --url "${FIREWALL_POLICY_ID}/ruleCollectionGroups/{{ rcg.name|raw_in_quotes }}?api-version={{ rcg.api_version|raw_in_quotes }}" \
  --body {{ rcg.body_shell|safe }} \
  --output none
# The PUT returns while the policy is still updating; the firewall would then fail to attach it.
az resource wait \
  --ids "${FIREWALL_POLICY_ID}/ruleCollectionGroups/{{ rcg.name|raw_in_quotes }}" \
  --api-version {{ rcg.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
if ! az network firewall show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_NAME}" --output none 2>/dev/null; then
  az network firewall create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${FIREWALL_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.defaults.firewall_sku_name }} \
    --tier {{ m.network.firewall.tier }} \
    --firewall-policy "${FIREWALL_POLICY_NAME}" \
    --vnet-name "${HUB_VNET_NAME}" \
    --conf-name ipconfig \
    --public-ip {{ m.network.firewall.public_ip }} \
{% if m.network.firewall.management_public_ip %}
    --m-conf-name management \
    --m-public-ip {{ m.network.firewall.management_public_ip }} \
{% endif %}
    --output none
fi
FIREWALL_PRIVATE_IP="$(az network firewall show --resource-group "${RESOURCE_GROUP}" --name "${FIREWALL_NAME}" --query 'ipConfigurations[0].privateIPAddress' --output tsv)"
{% if hub.dns_resolver %}
{% set dr = hub.dns_resolver %}

# --- Azure DNS Private Resolver with an inbound endpoint (on-premises DNS forwards here) -------
# Its az commands live in the dns-resolver extension; the ARM bodies below need none. PUT is
# idempotent; a relative URL goes to the current cloud's Resource Manager endpoint.
HUB_VNET_ID="$(az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${HUB_VNET_NAME}" --query id --output tsv)"
RESOLVER_ID="${HUB_VNET_ID%/providers/*}/providers/Microsoft.Network/dnsResolvers/{{ dr.name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${RESOLVER_ID}?api-version={{ dr.api_version|raw_in_quotes }}" \
  --body {{ dr.body_shell|safe }} \
  --output none
# The PUT returns before the resolver is ready; the endpoint would fail to attach to it.
az resource wait \
  --ids "${RESOLVER_ID}" \
  --api-version {{ dr.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
az rest \
  --method put \
  --url "${RESOLVER_ID}/inboundEndpoints/{{ dr.inbound_endpoint|raw_in_quotes }}?api-version={{ dr.api_version|raw_in_quotes }}" \
  --body {{ dr.inbound_endpoint_body_shell|safe }} \
  --output none
az resource wait \
  --ids "${RESOLVER_ID}/inboundEndpoints/{{ dr.inbound_endpoint|raw_in_quotes }}" \
  --api-version {{ dr.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}
{% if hub.bastion %}

# --- Azure Bastion ---------------------------------------------------------------------------------
# `az network bastion` lives in the bastion extension; the ARM body needs none. PUT is idempotent.
HUB_VNET_ID="$(az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${HUB_VNET_NAME}" --query id --output tsv)"
BASTION_PIP_ID="$(az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ hub.bastion.public_ip }} --query id --output tsv)"
BASTION_ID="${HUB_VNET_ID%/providers/*}/providers/Microsoft.Network/bastionHosts/{{ hub.bastion.name|raw_in_quotes }}"
az rest \
  --method put \
  --url "${BASTION_ID}?api-version={{ hub.bastion.api_version|raw_in_quotes }}" \
  --body {{ hub.bastion.body_shell|safe }} \
  --output none
# Bastion takes several minutes; later steps (and a re-run) expect it to exist.
az resource wait \
  --ids "${BASTION_ID}" \
  --api-version {{ hub.bastion.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}
{% if m.way_in.vnet_role == "hub" and (m.way_in.jump_box or m.way_in.vpn) %}
{% include "cli/parts/way_in.sh" %}
{% endif %}
{% endif %}
{% if m.network.existing_spoke %}
{% set es = m.network.existing_spoke %}
# --- The landing zone's subnets: what Azure Machine Learning needs of them ---------------------
# amlgen writes nothing in the existing spoke (a PUT of someone else's subnet would overwrite
# their settings); it reads each requirement back and stops when a subnet lacks it.
{% for c in es.checks %}
# {{ c.subnet|comment }} subnet: {{ c.requirement|comment }}
{% set var = "PE_SUBNET_ID" if c.subnet == "pe" else "TRAINING_SUBNET_ID" %}
if [ "$(az network vnet subnet show --ids "${{ var|ident }}" --query {{ c.cli_query }} --output json)" != "true" ]; then
  echo "The {{ c.subnet|ident }} subnet ${{ var|ident }} must have:" {{ c.requirement }} >&2
  exit 1
fi
{% endfor %}
# The training subnet's default route goes to the hub firewall.
ROUTE_TABLE_ID="$(az network vnet subnet show --ids "${TRAINING_SUBNET_ID}" --query routeTable.id --output tsv)"
if [ "$(az network route-table show --ids "${ROUTE_TABLE_ID}" --query "routes[?addressPrefix=='0.0.0.0/0'].nextHopIpAddress | [0]" --output tsv)" != "${FIREWALL_PRIVATE_IP}" ]; then
  echo "The route table of ${TRAINING_SUBNET_ID} must send 0.0.0.0/0 to the hub firewall ${FIREWALL_PRIVATE_IP}" >&2
  exit 1
fi
{% else %}

# --- Spoke: NSGs, {% if m.network.route_tables %}route tables{% else %}NAT gateway{% endif %}{% if m.network.service_endpoint_policy %}, service endpoint policy{% endif %}, VNet and subnets ------------------------
{% for s in m.network.spoke.subnets %}
if ! az network nsg show --resource-group "${RESOURCE_GROUP}" --name {{ s.nsg_name }} --output none 2>/dev/null; then
  az network nsg create --resource-group "${RESOURCE_GROUP}" --name {{ s.nsg_name }} --location "${LOCATION}" --output none
fi
{% for r in s.nsg_rules %}
# {{ r.description|comment }}
az network nsg rule create \
  --resource-group "${RESOURCE_GROUP}" \
  --nsg-name {{ s.nsg_name }} \
  --name {{ r.name }} \
  --priority {{ r.priority }} \
  --direction {{ r.direction }} \
  --access {{ r.access }} \
  --protocol {{ r.protocol }} \
  --source-address-prefixes {{ r.source.shell|safe }} \
  --source-port-ranges '*' \
  --destination-address-prefixes {{ r.destination.shell|safe }} \
  --destination-port-ranges{% for p in r.destination_ports %} {{ p }}{% endfor %} \
  --output none
{% endfor %}
{% endfor %}
{% for rt in m.network.route_tables %}
{% if rt.role == "scoring" %}
# The scoring subnet's own table: the default route alone (the AKS cluster's outbound type
# userDefinedRouting needs it before the cluster exists); no route around the firewall.
{% endif %}
if ! az network route-table show --resource-group "${RESOURCE_GROUP}" --name "{% raw %}${{% endraw %}{{ rt.shell_var|ident }}}" --output none 2>/dev/null; then
  az network route-table create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "{% raw %}${{% endraw %}{{ rt.shell_var|ident }}}" \
    --location "${LOCATION}" \
    --disable-bgp-route-propagation true \
    --output none
fi
{% for r in rt.routes %}
az network route-table route create \
  --resource-group "${RESOURCE_GROUP}" \
  --route-table-name "{% raw %}${{% endraw %}{{ rt.shell_var|ident }}}" \
  --name {{ r.name }} \
  --address-prefix {{ r.address_prefix.shell|safe }} \
  --next-hop-type {{ r.next_hop_type }} \
{% if r.via_firewall %}
  --next-hop-ip-address "${FIREWALL_PRIVATE_IP}" \
{% endif %}
  --output none
{% endfor %}
{% endfor %}
{% if m.network.nat_gateway %}
{% set ng = m.network.nat_gateway %}
# The compute subnets' only way out: outbound flows get the gateway's public IP.
if ! az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ ng.public_ip }} --output none 2>/dev/null; then
  az network public-ip create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ ng.public_ip }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.public_ip_sku }} \
    --allocation-method {{ m.defaults.public_ip_allocation }} \
    --output none
fi
if ! az network nat gateway show --resource-group "${RESOURCE_GROUP}" --name "${NAT_GATEWAY_NAME}" --output none 2>/dev/null; then
  az network nat gateway create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${NAT_GATEWAY_NAME}" \
    --location "${LOCATION}" \
    --sku {{ m.defaults.nat_gateway_sku }} \
    --idle-timeout {{ m.defaults.nat_gateway_idle_timeout_minutes }} \
    --public-ip-addresses {{ ng.public_ip }} \
    --output none
fi
{% endif %}
{% if m.network.service_endpoint_policy %}
{% set sep = m.network.service_endpoint_policy %}
if ! az network service-endpoint policy show --resource-group "${RESOURCE_GROUP}" --name {{ sep.name }} --output none 2>/dev/null; then
  az network service-endpoint policy create --resource-group "${RESOURCE_GROUP}" --name {{ sep.name }} --location "${LOCATION}" --output none
fi
az network service-endpoint policy-definition create \
  --resource-group "${RESOURCE_GROUP}" \
  --policy-name {{ sep.name }} \
  --name workspace-storage \
  --service {{ sep.storage_service }} \
  --service-resources "${STORAGE_ACCOUNT_ID}" \
  --description 'The workspace default storage account.' \
  --output none
# The Azure Machine Learning alias cannot be added with `az network service-endpoint` (nor
# PowerShell): PUT the definition through ARM with az rest. A relative URL goes to the current
# cloud's Resource Manager endpoint; PUT is idempotent.
SEP_ID="$(az network service-endpoint policy show --resource-group "${RESOURCE_GROUP}" --name {{ sep.name }} --query id --output tsv)"
az rest \
  --method put \
  --url "${SEP_ID}/serviceEndpointPolicyDefinitions/azure-machine-learning?api-version={{ sep.api_version }}" \
  --body {{ sep.definition_body_shell|safe }} \
  --output none
# The subnet below attaches the policy; wait until its definition is in place.
az resource wait \
  --ids "${SEP_ID}/serviceEndpointPolicyDefinitions/azure-machine-learning" \
  --api-version {{ sep.api_version }} \
  --custom "properties.provisioningState=='Succeeded'"
{% endif %}
if ! az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${VNET_NAME}" --output none 2>/dev/null; then
  az network vnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --name "${VNET_NAME}" \
    --location "${LOCATION}" \
    --address-prefixes{% for a in m.network.spoke.address_prefixes %} {{ a }}{% endfor %} \
{% if m.network.spoke.dns_via_firewall %}
    --dns-servers "${FIREWALL_PRIVATE_IP}" \
{% elif m.network.spoke.dns_servers %}
    --dns-servers{% for d in m.network.spoke.dns_servers %} {{ d }}{% endfor %} \
{% endif %}
    --output none
fi
{% for s in m.network.spoke.subnets %}
if ! az network vnet subnet show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ s.name }} --output none 2>/dev/null; then
  az network vnet subnet create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${VNET_NAME}" \
    --name {{ s.name }} \
    --address-prefixes {{ s.prefix }} \
    --network-security-group {{ s.nsg_name }} \
{% if s.route_table is not none %}
    --route-table "{% raw %}${{% endraw %}{{ m.network.route_tables[s.route_table].shell_var|ident }}}" \
{% endif %}
{% if s.nat_gateway %}
    --nat-gateway "${NAT_GATEWAY_NAME}" \
{% endif %}
{% if s.default_outbound_access is not none %}
    --default-outbound-access {{ s.default_outbound_access }} \
{% endif %}
{% if s.storage_service_endpoint %}
    --service-endpoints {{ m.network.service_endpoint_policy.storage_service }} \
{% endif %}
{% if s.service_endpoint_policy %}
    --service-endpoint-policy {{ m.network.service_endpoint_policy.name }} \
{% endif %}
{% if s.private_endpoints %}
    --private-endpoint-network-policies Disabled \
{% endif %}
    --output none
fi
{% if s.route_table is not none %}
# On every run: a subnet made by an earlier version may still use another table (the scoring
# subnet had the training subnet's, whose Internet routes would let AKS bypass the firewall).
az network vnet subnet update \
  --resource-group "${RESOURCE_GROUP}" \
  --vnet-name "${VNET_NAME}" \
  --name {{ s.name }} \
  --route-table "{% raw %}${{% endraw %}{{ m.network.route_tables[s.route_table].shell_var|ident }}}" \
  --output none
{% endif %}
{% endfor %}

{% if m.network.peering %}
{% if m.network.peering.hub_side %}
# --- Peering, both ways (forwarded traffic allowed so replies return through the firewall) ------
HUB_VNET_ID="$(az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${HUB_VNET_NAME}" --query id --output tsv)"
{% else %}
# --- Peering, the spoke's side (forwarded traffic allowed so replies return through the firewall).
# The hub's side is the hub owner's, in their subscription: the README gives them the command.
# Until they run it the peering stays Initiated.
{% endif %}
{% if m.network.peering.hub_side %}
SPOKE_VNET_ID="$(az network vnet show --resource-group "${RESOURCE_GROUP}" --name "${VNET_NAME}" --query id --output tsv)"
if ! az network vnet peering show --resource-group "${RESOURCE_GROUP}" --vnet-name "${HUB_VNET_NAME}" --name {{ m.network.peering.hub_to_spoke }} --output none 2>/dev/null; then
  az network vnet peering create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${HUB_VNET_NAME}" \
    --name {{ m.network.peering.hub_to_spoke }} \
    --remote-vnet "${SPOKE_VNET_ID}" \
    --allow-vnet-access true \
    --allow-forwarded-traffic true \
    --allow-gateway-transit {{ m.network.peering.gateway_transit|string|lower }} \
    --output none
fi
{% endif %}
if ! az network vnet peering show --resource-group "${RESOURCE_GROUP}" --vnet-name "${VNET_NAME}" --name {{ m.network.peering.spoke_to_hub }} --output none 2>/dev/null; then
  az network vnet peering create \
    --resource-group "${RESOURCE_GROUP}" \
    --vnet-name "${VNET_NAME}" \
    --name {{ m.network.peering.spoke_to_hub }} \
    --remote-vnet "${HUB_VNET_ID}" \
    --allow-vnet-access true \
    --allow-forwarded-traffic true \
    --use-remote-gateways {{ m.network.peering.gateway_transit|string|lower }} \
    --output none
fi
{% endif %}
{% endif %}
