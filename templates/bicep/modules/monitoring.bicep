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

resource logAnalytics {{ m.types.log_analytics }} = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: {{ m.defaults.log_analytics_sku }}
    }
    retentionInDays: retentionDays
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
  }
}

@description('The resource ID of the Log Analytics workspace.')
output logAnalyticsId string = logAnalytics.id

@description('The resource ID of the Application Insights component.')
output applicationInsightsId string = applicationInsights.id
