{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Access'
metadata description = 'People\'s roles on the workspace{% if m.access.storage_roles %} and its storage account{% endif %}: each persona\'s Microsoft Entra groups get the persona\'s roles{% if m.access.custom_roles %}; the custom roles are assignable only on the workspace{% endif %}.'

@description('Required. Name of the Azure Machine Learning workspace.')
param workspaceName string
{% if m.access.storage_roles %}

@description('Required. Name of the workspace default storage account.')
param storageAccountName string
{% endif %}
{% for p in m.access.personas if p.principal_ids %}

@description({{ "Required. Object IDs of the Microsoft Entra groups of the " ~ p.title ~ " persona." }})
param {{ p.bicep_param|ident }} array
{% endfor %}

resource workspace {{ m.types.workspace }} existing = {
  name: workspaceName
}
{% if m.access.storage_roles %}

resource storageAccount {{ m.types.storage_account }} existing = {
  name: storageAccountName
}
{% endif %}
{% for r in m.access.custom_roles %}

// {{ r.title|comment }}: {{ r.description|comment }}
resource {{ r.bicep_symbol|ident }} {{ m.types.role_definition }} = {
  name: guid(workspace.id, {{ r.bicep_role_name|safe }})
  // Defined on the workspace, as `az role definition create` does with its assignable scope.
  scope: workspace
  properties: {
    roleName: {{ r.bicep_role_name|safe }}
    description: {{ r.description }}
    type: 'CustomRole'
    permissions: [
      {
        actions: [
{% for a in r.actions %}
          {{ a }}
{% endfor %}
        ]
        notActions: [
{% for a in r.not_actions %}
          {{ a }}
{% endfor %}
        ]
{% if r.data_actions %}
        dataActions: [
{% for a in r.data_actions %}
          {{ a }}
{% endfor %}
        ]
{% else %}
        dataActions: []
{% endif %}
        notDataActions: []
      }
    ]
    assignableScopes: [
      workspace.id
    ]
  }
}
{% endfor %}
{% for p in m.access.personas if p.principal_ids %}
{% for roles, scope, where in [(p.roles, "workspace", "the workspace"), (p.storage_roles, "storageAccount", "the storage account (no shared keys: data access is the person's own)")] %}
{% for a in roles %}

// {{ p.title|comment }}: {{ a.label|comment }} on {{ where|comment }}.
resource {{ a.bicep_symbol|ident }} {{ m.types.role_assignment }} = [for principalId in {{ p.bicep_param|ident }}: {
  name: guid({{ scope|ident }}.id, principalId, {{ a.bicep_role_definition_id|safe }})
  scope: {{ scope|ident }}
  properties: {
    roleDefinitionId: {{ a.bicep_role_definition_id|safe }}
    principalId: principalId
    principalType: 'Group'
  }
}]
{% endfor %}
{% endfor %}
{% endfor %}
