{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Private DNS zone roles of the policy identity'
metadata description = {{ "The private DNS zone policy's managed identity gets " ~ m.policy.dns.zone_role.name ~ " on each workspace zone (least privilege: the zone groups it deploys join them)." }}

@description('Required. Principal ID of the private DNS zone policy\'s managed identity.')
param principalId string
{% for z in m.policy.dns.zones %}

@description({{ "Required. Name of the private DNS zone " ~ z.name ~ "." }})
param {{ (z.bicep_symbol ~ "Name")|ident }} string
{% endfor %}
{% for z in m.policy.dns.zones %}

resource {{ z.bicep_symbol|ident }} {{ m.types.private_dns_zone }} existing = {
  name: {{ (z.bicep_symbol ~ "Name")|ident }}
}

resource {{ (z.bicep_symbol ~ "Role")|ident }} {{ m.types.role_assignment }} = {
  name: guid({{ z.bicep_symbol|ident }}.id, principalId, {{ m.policy.dns.zone_role.id }})
  scope: {{ z.bicep_symbol|ident }}
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ m.policy.dns.zone_role.id }})
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
{% endfor %}
