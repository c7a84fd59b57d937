{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{#- The template parameters given on the command line, the same for the what-if and the
    deployment: those main.parameters.json cannot hold. -#}
{% macro deploy_time_parameters() -%}
{% if m.inference.online_endpoints %}
    -onlineEndpoints $onlineEndpoints `
{% endif %}
{% if m.inference.kubernetes %}
    -inferenceTlsCertificate $tlsCertificate `
    -inferenceTlsKey $tlsKey `
{% endif %}
{% if created_key %}
    -cosmosDbPrincipalId $cosmosDbPrincipalId `
{% endif %}
{% endmacro %}
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Deploys main.bicep with main.parameters.json from Azure PowerShell: the resource group, then
# New-AzResourceGroupDeployment, shown first with -WhatIf and run once you answer y (-Force: do
# not ask, for pipelines). Needs the Bicep CLI on PATH (Azure PowerShell does not install it).
# Safe to re-run: New-AzResourceGroup -Force updates an existing group, ARM deployments are
# incremental. Override any parameter, e.g. .\deploy.ps1 -ResourceGroup rg-test
{% for r in m.powershell.deploy_requires %}
#Requires -Modules @{ ModuleName = {{ r.module }}; ModuleVersion = {{ r.version }} }
{% endfor %}
[CmdletBinding()]
param(
    [ValidatePattern({{ m.powershell.resource_group_pattern }})]
    [string] $ResourceGroup = {{ m.names.resource_group }},
    [ValidatePattern({{ m.powershell.location_pattern }})]
    [string] $Location = {{ m.location }},
    [string] $DeploymentName = {{ "amlgen-" ~ m.blueprint.name }},
    # Deploy without asking after the what-if (for pipelines that review it elsewhere).
    [switch] $Force
)
{% include "cli/parts/context.ps1" %}

{% include "cli/parts/resource_group.ps1" %}

{% if m.way_in.jump_box %}
# main.bicep writes the jump box's sign-in extension, which Azure accepts only while the VM runs;
# its daily shutdown deallocates it. Start it if it exists (it stops again at the shutdown time).
$jumpBoxPath = "/subscriptions/$($context.Subscription.Id)/resourceGroups/$ResourceGroup/providers/Microsoft.Compute/virtualMachines/" + {{ m.way_in.jump_box.name }}
$response = Invoke-AzRestMethod -Method POST -Path ($jumpBoxPath + '/start?api-version=' + {{ m.way_in.api.vm }})
if ($response.StatusCode -eq 202) {
    # Started: wait (at most ten minutes) until it runs.
    for ($i = 0; $i -lt 60; $i++) {
        Start-Sleep -Seconds 10
        $view = Invoke-AzRestMethod -Method GET -Path ($jumpBoxPath + '/instanceView?api-version=' + {{ m.way_in.api.vm }})
        if ($view.Content -match 'PowerState/running') {
            break
        }
    }
} elseif ($response.StatusCode -ne 200 -and $response.StatusCode -ne 404) {
    throw "Starting the jump box failed ($($response.StatusCode)): $($response.Content)"
}

{% endif %}
{% if m.inference.online_endpoints %}
# Online endpoints are created here, never updated: a PUT of an existing endpoint replaces its
# traffic split, which would send 0% to every deployment behind it (the runbooks only create
# them, too). Change an existing endpoint with `az ml online-endpoint update`.
$workspacePath = "/subscriptions/$($context.Subscription.Id)/resourceGroups/$ResourceGroup/providers/Microsoft.MachineLearningServices/workspaces/" + {{ m.workspace.name }}
$response = Invoke-AzRestMethod -Method GET -Path ($workspacePath + '/onlineEndpoints?api-version=' + {{ m.inference.api_version }})
$existingEndpoints = @()
if ($response.StatusCode -eq 200) {
    foreach ($endpoint in (ConvertFrom-Json -InputObject $response.Content).value) {
        $existingEndpoints += $endpoint.name
    }
} elseif ($response.StatusCode -ne 404) {
    throw "Listing the online endpoints failed ($($response.StatusCode)): $($response.Content)"
}
$onlineEndpoints = @(
{% for e in m.inference.online_endpoints %}
    if ($existingEndpoints -notcontains {{ e.name }}) {
        @{ name = {{ e.name }}; authMode = {{ e.auth_mode.arm }}; description = {{ e.description }} }
    }
{% endfor %}
)

{% endif %}
{% if created_key %}
# The customer-managed key's role goes to Azure Cosmos DB's service principal, whose object ID
# differs per tenant: looked up here by its application ID (Microsoft Graph: reading service
# principals), or given as COSMOS_DB_PRINCIPAL_ID where the deploying identity may not read them.
$cosmosDbPrincipalId = $env:COSMOS_DB_PRINCIPAL_ID
if (-not $cosmosDbPrincipalId) {
    $cosmosDbPrincipalId = (Get-AzADServicePrincipal -ApplicationId {{ created_key.cosmos_db_app_id }}).Id
}
if (-not $cosmosDbPrincipalId) {
    throw 'No Azure Cosmos DB service principal found: register the Microsoft.DocumentDB resource provider, or set COSMOS_DB_PRINCIPAL_ID to its object ID.'
}

{% endif %}
{% if m.inference.kubernetes %}
# The inference router's TLS certificate and key (PEM files named by AMLGEN_INFERENCE_TLS_CERT
# and AMLGEN_INFERENCE_TLS_KEY) are the template's secure parameters, base64-encoded; they never
# go to main.parameters.json.
function ConvertTo-AmlgenSecret {
    param([string] $Variable)
    $file = [Environment]::GetEnvironmentVariable($Variable)
    if (-not $file) {
        throw "Set $Variable to the PEM file of the inference router's certificate or key."
    }
    $secret = [System.Security.SecureString]::new()
    foreach ($c in [Convert]::ToBase64String([IO.File]::ReadAllBytes($file)).ToCharArray()) {
        $secret.AppendChar($c)
    }
    $secret.MakeReadOnly()
    return $secret
}
$tlsCertificate = ConvertTo-AmlgenSecret -Variable 'AMLGEN_INFERENCE_TLS_CERT'
$tlsKey = ConvertTo-AmlgenSecret -Variable 'AMLGEN_INFERENCE_TLS_KEY'

{% endif %}
# The template's own `location` parameter, given on the command line, takes precedence over the
# parameter file's, as deploy.sh's --parameters location=... does.
New-AzResourceGroupDeployment `
    -ResourceGroupName $ResourceGroup `
    -Name $DeploymentName `
    -TemplateFile "$PSScriptRoot/main.bicep" `
    -TemplateParameterFile "$PSScriptRoot/main.parameters.json" `
{{ deploy_time_parameters() }}    -location $Location `
    -WhatIf

# As deploy.sh: AMLGEN_DEPLOY_YES=1 is -Force; with no one to ask, or a "no", nothing is
# deployed and the exit code says so (a pipeline that forgot -Force fails visibly).
if ($env:AMLGEN_DEPLOY_YES -eq '1') {
    $Force = $true
}
if (-not $Force) {
    if ([Console]::IsInputRedirected) {
        Write-Warning 'Not deployed: no terminal to ask on. Re-run with -Force (or AMLGEN_DEPLOY_YES=1) to deploy these changes.'
        exit 1
    }
    $answer = Read-Host 'Deploy these changes? [y/N]'
    if ($answer -notmatch '^(y|yes)$') {
        Write-Warning 'Not deployed.'
        exit 1
    }
}

$null = New-AzResourceGroupDeployment `
    -ResourceGroupName $ResourceGroup `
    -Name $DeploymentName `
    -TemplateFile "$PSScriptRoot/main.bicep" `
    -TemplateParameterFile "$PSScriptRoot/main.parameters.json" `
{{ deploy_time_parameters() }}    -location $Location

Write-Host "Deployed $DeploymentName to resource group $ResourceGroup."
{% if m.workspace.managed_vnet and not m.workspace.provision_now %}
Write-Host 'The managed VNet is provisioned with the first compute; to do it now: az ml workspace provision-network --resource-group <resource group> --name <workspace>'
{% endif %}
