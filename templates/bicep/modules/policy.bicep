{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Azure Policy'
metadata description = {{ "Assignments of the built-in Azure Machine Learning policy definitions that hold what the blueprint promises, at the " ~ ("subscription (every workspace in it)" if m.policy.scope == "subscription" else "resource group") ~ ("; the private DNS zone policy's identity gets " ~ m.policy.dns.scope_role.name ~ " here" if m.policy.dns else "") ~ "." }}

targetScope = {% if m.policy.scope == "subscription" %}'subscription'{% else %}'resourceGroup'{% endif %}


@description('Required. Name of the Azure Machine Learning workspace; the assignments are named after it.')
param workspaceName string
{% if m.policy.assignments | selectattr("follows_effect") | list %}

@description('Required. Effect of the assignments whose definitions allow Deny.')
@allowed([
  'Audit'
  'Deny'
])
param effect string
{% endif %}
{% if m.policy.dns %}

@description('Required. Location of the private DNS zone policy\'s managed identity.')
param location string
{% for z in m.policy.dns.zones %}

@description({{ "Required. Resource ID of the private DNS zone " ~ z.name ~ "." }})
param {{ z.bicep_param|ident }} string
{% endfor %}
{% endif %}
{% for a in m.policy.assignments %}

// {{ a.display_name|comment }} ({{ a.file|comment }} {{ a.version|comment }}).
// {{ a.enforces|comment }}
resource {{ a.bicep_symbol|ident }} {{ m.types.policy_assignment }} = {
  name: '${workspaceName}{{ a.name_suffix|raw_in_quotes }}'
{% if a.identity %}
  location: location
  identity: {
    type: 'SystemAssigned'
  }
{% endif %}
  properties: {
    displayName: {{ a.display_name }}
    policyDefinitionId: {{ a.definition_id }}
    enforcementMode: 'Default'
    parameters: {
      effect: {
        value: {% if a.follows_effect %}effect{% else %}{{ a.effect }}{% endif %}

      }
{% for k, v in a.parameters|items %}
      {{ k|ident }}: {
        value: {{ v }}
      }
{% endfor %}
{% if a.identity %}
{% for z in m.policy.dns.zones %}
      {{ z.parameter|ident }}: {
        value: {{ z.bicep_param|ident }}
      }
{% endfor %}
{% endif %}
    }
  }
}
{% endfor %}
{% if m.policy.dns %}
{% for a in m.policy.assignments if a.identity %}

// The definition's roleDefinitionIds: {{ m.policy.dns.scope_role.name|comment }} where the private endpoints are, to add
// their zone groups.
resource {{ (a.bicep_symbol ~ "ScopeRole")|ident }} {{ m.types.role_assignment }} = {
  name: guid({% if m.policy.scope == "subscription" %}subscription(){% else %}resourceGroup(){% endif %}.id, {{ a.bicep_symbol|ident }}.id, {{ m.policy.dns.scope_role.id }})
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {{ m.policy.dns.scope_role.id }})
    principalId: {{ a.bicep_symbol|ident }}.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Principal ID of the private DNS zone policy\'s managed identity.')
output privateDnsZonesPrincipalId string = {{ a.bicep_symbol|ident }}.identity.principalId
{% endfor %}
{% endif %}
