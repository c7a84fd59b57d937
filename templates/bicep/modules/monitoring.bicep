{% for line in header %}
// {{ line|comment }}
{% endfor %}
metadata name = 'Monitoring'
metadata description = 'Log Analytics workspace and the workspace-based Application Insights component of the Azure Machine Learning workspace.'

@description('Required. Azure region.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the Log Analytics workspace.')
@minLength({{ m.naming.log_analytics.min }})
@maxLength({{ m.naming.log_analytics.max }})
param logAnalyticsName string

@description('Required. Days Log Analytics keeps data.')
@minValue({{ m.ranges.logRetentionDays.min }})
@maxValue({{ m.ranges.logRetentionDays.max }})
param retentionDays int

@description('Required. Name of the Application Insights component.')
@minLength({{ m.naming.application_insights.min }})
@maxLength({{ m.naming.application_insights.max }})
param applicationInsightsName string
{% if m.monitoring.private_link %}

@description('Required. Name of the Azure Monitor Private Link Scope that holds both resources.')
@minLength({{ m.naming.private_link_scope.min }})
@maxLength({{ m.naming.private_link_scope.max }})
param privateLinkScopeName string
{% endif %}

resource logAnalytics {{ m.types.log_analytics }} = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: {{ m.defaults.log_analytics_sku }}
    }
    retentionInDays: retentionDays
{% if m.monitoring.private_link %}
    // Ingestion only through the private link scope; queries stay open for the portal.
    publicNetworkAccessForIngestion: {{ m.monitoring.private_link.public_ingestion }}
    publicNetworkAccessForQuery: {{ m.monitoring.private_link.public_query }}
{% endif %}
  }
}

resource applicationInsights {{ m.types.application_insights }} = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
{% if m.monitoring.private_link %}
    publicNetworkAccessForIngestion: {{ m.monitoring.private_link.public_ingestion }}
    publicNetworkAccessForQuery: {{ m.monitoring.private_link.public_query }}
{% endif %}
  }
}
{% if m.monitoring.private_link %}

// Azure Monitor Private Link Scope: Application Insights and Log Analytics through one private
// endpoint. Ingestion reaches only the resources in the scope; queries may reach others.
resource privateLinkScope {{ m.types.private_link_scope }} = {
  name: privateLinkScopeName
  location: 'global'
  tags: tags
  properties: {
    accessModeSettings: {
      ingestionAccessMode: {{ m.monitoring.private_link.ingestion_access_mode }}
      queryAccessMode: {{ m.monitoring.private_link.query_access_mode }}
    }
  }
}

resource logAnalyticsScoped {{ m.types.private_link_scoped_resource }} = {
  parent: privateLinkScope
  name: logAnalyticsName
  properties: {
    linkedResourceId: logAnalytics.id
  }
}

resource applicationInsightsScoped {{ m.types.private_link_scoped_resource }} = {
  parent: privateLinkScope
  name: applicationInsightsName
  // One scope takes one scoped resource at a time ("Cannot modify resource while in
  // provisioning state"): the second waits for the first.
  dependsOn: [
    logAnalyticsScoped
  ]
  properties: {
    linkedResourceId: applicationInsights.id
  }
}
{% endif %}

@description('The resource ID of the Log Analytics workspace.')
output logAnalyticsId string = logAnalytics.id

@description('The resource ID of the Application Insights component.')
output applicationInsightsId string = applicationInsights.id
{% if m.workspace.user_assigned_identity %}

@description('The name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name
{% endif %}
{% if m.monitoring.private_link %}

// Read by the private endpoint after the whole module, scoped resources included, is deployed.
@description('The resource ID of the Azure Monitor Private Link Scope.')
output privateLinkScopeId string = privateLinkScope.id
{% endif %}
