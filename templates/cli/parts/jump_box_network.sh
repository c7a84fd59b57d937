{% set j = m.way_in.jump_box %}
# --- Jump box subnet: NSG (SSH only from Bastion, HTTPS out only) and NAT gateway (its only way out) ---
if ! az network nsg show --resource-group "${RESOURCE_GROUP}" --name {{ j.nsg_name }} --output none 2>/dev/null; then
  az network nsg create --resource-group "${RESOURCE_GROUP}" --name {{ j.nsg_name }} --location "${LOCATION}" --output none
fi
{% for r in j.nsg_rules %}
# {{ r.description|comment }}
az network nsg rule create \
  --resource-group "${RESOURCE_GROUP}" \
  --nsg-name {{ j.nsg_name }} \
  --name {{ r.name }} \
  --priority {{ r.priority }} \
  --direction {{ r.direction }} \
  --access {{ r.access }} \
  --protocol {{ r.protocol }} \
  --source-address-prefixes {{ r.source }} \
  --source-port-ranges '*' \
  --destination-address-prefixes {{ r.destination }} \
  --destination-port-ranges {{ r.port }} \
  --description {{ r.description }} \
  --output none
{% endfor %}
if ! az network public-ip show --resource-group "${RESOURCE_GROUP}" --name {{ j.nat_gateway_public_ip }} --output none 2>/dev/null; then
  az network public-ip create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ j.nat_gateway_public_ip }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.public_ip_sku }} \
    --allocation-method {{ m.defaults.public_ip_allocation }} \
    --output none
fi
if ! az network nat gateway show --resource-group "${RESOURCE_GROUP}" --name {{ j.nat_gateway_name }} --output none 2>/dev/null; then
  az network nat gateway create \
    --resource-group "${RESOURCE_GROUP}" \
    --name {{ j.nat_gateway_name }} \
    --location "${LOCATION}" \
    --sku {{ m.defaults.nat_gateway_sku }} \
    --idle-timeout {{ m.defaults.nat_gateway_idle_timeout_minutes }} \
    --public-ip-addresses {{ j.nat_gateway_public_ip }} \
    --output none
fi

