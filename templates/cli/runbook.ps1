{% set created_key = m.workspace.customer_managed_key.source.created if m.workspace.customer_managed_key else none %}
{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Runbook: the {{ m.blueprint.name|comment }} architecture from Azure PowerShell, step by step, in dependency
# order: the resources main.bicep deploys, each PUT with Invoke-AzRestMethod with the body
# main.bicep gives it, at the same API version (Az PowerShell has no cmdlet for several of
# these settings: the managed network's firewall SKU, the system datastores' auth mode,
# identity-based datastores). Each step looks first (GET) and creates only what is missing, then
# waits until Azure reports it provisioned, as a deployment does; so every step and the whole
# script are safe to re-run. Re-running does not apply a changed blueprint to resources that
# exist: use deploy.ps1. The default datastores, which Azure creates with the workspace, are
# always written back.
{% for r in m.powershell.runbook_requires %}
#Requires -Modules @{ ModuleName = {{ r.module }}; ModuleVersion = {{ r.version }} }
{% endfor %}
[CmdletBinding()]
param(
    [ValidatePattern({{ m.powershell.resource_group_pattern }})]
    [string] $ResourceGroup = {{ m.names.resource_group }},
    [ValidatePattern({{ m.powershell.location_pattern }})]
    [string] $Location = {{ m.location }}
)
{% include "cli/parts/context.ps1" %}

# Values the steps' paths and bodies name as <amlgen:NAME>, filled in as the script learns them.
$Values = @{
    scope          = '/subscriptions/' + $context.Subscription.Id + '/resourceGroups/' + $ResourceGroup
    location       = $Location
    subscriptionId = $context.Subscription.Id
    tenantId       = $context.Tenant.Id
}

{% if created_key %}
{% set ck = created_key %}
# Azure Cosmos DB's service principal in this tenant (its object ID differs per tenant): it gets
# its role on the customer-managed key the script creates.
# COSMOS_DB_PRINCIPAL_ID gives it where the signed-in identity may not read service principals.
$Values['cosmosDbPrincipalId'] = $env:COSMOS_DB_PRINCIPAL_ID
if (-not $Values['cosmosDbPrincipalId']) {
    $Values['cosmosDbPrincipalId'] = (Get-AzADServicePrincipal -ApplicationId {{ ck.cosmos_db_app_id }}).Id
}
if (-not $Values['cosmosDbPrincipalId']) {
    throw 'No Azure Cosmos DB service principal found: register the Microsoft.DocumentDB resource provider, or set COSMOS_DB_PRINCIPAL_ID to its object ID.'
}

{% endif %}
{% if m.inference.kubernetes %}
# The inference router's TLS certificate and key: PEM files named by AMLGEN_INFERENCE_TLS_CERT
# and AMLGEN_INFERENCE_TLS_KEY, base64-encoded as the extension's protected settings take them.
foreach ($pair in @(@('tlsCertificate', 'AMLGEN_INFERENCE_TLS_CERT'), @('tlsKey', 'AMLGEN_INFERENCE_TLS_KEY'))) {
    $file = [Environment]::GetEnvironmentVariable($pair[1])
    if (-not $file) {
        throw "Set $($pair[1]) to the PEM file of the inference router's certificate or key."
    }
    $Values[$pair[0]] = [Convert]::ToBase64String([IO.File]::ReadAllBytes($file))
}

{% endif %}
function Resolve-AmlgenText {
    param([string] $Text)
    foreach ($key in @($Values.Keys)) {
        $Text = $Text.Replace('<amlgen:' + $key + '>', [string] $Values[$key])
    }
    if ($Text -cmatch '<amlgen:[^>]*>') {
        throw ('No value yet for ' + $Matches[0])
    }
    return $Text
}

# The resource at an ARM path, or $null when there is none.
function Get-AmlgenResource {
    param([string] $Path, [string] $ApiVersion)
    $uri = (Resolve-AmlgenText -Text $Path) + '?api-version=' + $ApiVersion
    $response = Invoke-AzRestMethod -Method GET -Path $uri
    if ($response.StatusCode -eq 404) {
        return $null
    }
    if ($response.StatusCode -ge 300) {
        throw ('GET ' + $uri + ': HTTP ' + $response.StatusCode + ' ' + $response.Content)
    }
    $resource = ConvertFrom-Json -InputObject $response.Content
    return $resource
}

# Creates the resource when it is missing (or, with -Update, writes it anyway), then waits
# until its provisioningState is Succeeded; returns it.
function Set-AmlgenResource {
    param([string] $Path, [string] $ApiVersion, [string] $Body, [switch] $Update)
    $resource = Get-AmlgenResource -Path $Path -ApiVersion $ApiVersion
    $current = ''
    if ($resource -and $resource.PSObject.Properties['properties'] -and $resource.properties.PSObject.Properties['provisioningState']) {
        $current = [string] $resource.properties.provisioningState
    }
    # An existing resource is left as it is, unless an earlier run left it Failed or Canceled
    # (written again) or still in progress (waited for below, without a second PUT).
    $inProgress = $resource -and $current -and $current -notin @('Succeeded', 'Failed', 'Canceled')
    if ($resource -and -not $Update -and $current -notin @('Failed', 'Canceled')) {
        if (-not $inProgress) {
            return $resource
        }
    }
    $uri = (Resolve-AmlgenText -Text $Path) + '?api-version=' + $ApiVersion
    if ($inProgress -and -not $Update) {
        $response = $null
    } else {
        $response = Invoke-AzRestMethod -Method PUT -Path $uri -Payload (Resolve-AmlgenText -Text $Body)
    }
    if ($null -eq $response) {
        $response = [pscustomobject] @{ StatusCode = 200; Content = '' }
    }
    # The same grant made under another name (az role assignment create picks a random one).
    if ($response.StatusCode -eq 409 -and $response.Content -match 'RoleAssignmentExists') {
        return $null
    }
    if ($response.StatusCode -ge 300) {
        throw ('PUT ' + $uri + ': HTTP ' + $response.StatusCode + ' ' + $response.Content)
    }
    # Long-running creations (the workspace with its managed VNet takes minutes) answer 201 or
    # 202 first; resources without a provisioningState (role assignments) are done at once.
    for ($attempt = 0; $attempt -lt 360; $attempt++) {
        $resource = Get-AmlgenResource -Path $Path -ApiVersion $ApiVersion
        $state = 'Succeeded'
        if ($resource -and $resource.PSObject.Properties['properties'] -and $resource.properties.PSObject.Properties['provisioningState']) {
            $state = [string] $resource.properties.provisioningState
        }
        if ($resource -and $state -eq 'Succeeded') {
            return $resource
        }
        if ($state -in @('Failed', 'Canceled')) {
            throw ('PUT ' + $uri + ': provisioning ' + $state)
        }
        Start-Sleep -Seconds 10
    }
    throw ('PUT ' + $uri + ': still not provisioned after an hour')
}

# The GUID ARM's guid() function gives for the same arguments (joined by '-'): a name-based,
# version 5 UUID (RFC 4122) in the namespace ARM's template engine uses. Role definitions and
# assignments are named by GUIDs; with main.bicep's names, this script and a deployment of
# main.bicep find each other's, and a re-run its own.
function New-AmlgenGuid {
    param([string[]] $Parts)
    $resolved = foreach ($part in $Parts) {
        Resolve-AmlgenText -Text $part
    }
    # .NET keeps a GUID's first three fields little-endian; the UUID hash takes network order.
    $namespace = [guid]::new('11fb06fb-712d-4ddd-98c7-e71bbd588830').ToByteArray()
    [array]::Reverse($namespace, 0, 4)
    [array]::Reverse($namespace, 4, 2)
    [array]::Reverse($namespace, 6, 2)
    $name = [System.Text.Encoding]::UTF8.GetBytes(($resolved -join '-'))
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    $hash = $sha1.ComputeHash([byte[]] ($namespace + $name))
    $bytes = [byte[]] $hash[0..15]
    $bytes[6] = ($bytes[6] -band 0x0F) -bor 0x50
    $bytes[8] = ($bytes[8] -band 0x3F) -bor 0x80
    [array]::Reverse($bytes, 0, 4)
    [array]::Reverse($bytes, 4, 2)
    [array]::Reverse($bytes, 6, 2)
    return [guid]::new($bytes).ToString()
}

{% if m.network and m.network.existing_spoke %}
{% set es = m.network.existing_spoke %}
# --- The landing zone's subnets ----------------------------------------------------------------
# amlgen writes nothing in the existing spoke (a PUT of someone else's subnet would overwrite
# their settings); it reads what Azure Machine Learning needs of the subnets and stops when one
# lacks it.
function Assert-AmlgenSubnet {
    param([string] $Id, [string] $Property, [string] $Test, [string] $Value, [string] $Requirement)
    $subnet = Get-AmlgenResource -Path $Id -ApiVersion {{ es.vnet_api_version }}
    if (-not $subnet) {
        throw ('Subnet not found (or not readable with these rights): ' + $Id)
    }
    $actual = $null
    if ($subnet.properties.PSObject.Properties[$Property]) {
        $actual = $subnet.properties.$Property
    }
    $ok = switch ($Test) {
        'empty' { ($null -eq $actual) -or (@($actual).Count -eq 0) }
        'present' { $null -ne $actual }
        default { [string] $actual -eq $Value }
    }
    if (-not $ok) {
        throw ('Subnet ' + $Id + ' must have: ' + $Requirement)
    }
    return $subnet
}
{% for c in es.checks %}
$null = Assert-AmlgenSubnet -Id {{ c.subnet_id }} -Property {{ c.property }} -Test {{ c.test }} -Value {{ c.value or "" }} -Requirement {{ c.requirement }}
{% endfor %}
# The training subnet's default route goes to the hub firewall.
$subnet = Get-AmlgenResource -Path {{ es.training_subnet_id }} -ApiVersion {{ es.vnet_api_version }}
$routeTable = Get-AmlgenResource -Path $subnet.properties.routeTable.id -ApiVersion {{ es.route_table_api_version }}
$nextHop = $null
foreach ($route in @($routeTable.properties.routes)) {
    if ($route.properties.addressPrefix -eq '0.0.0.0/0') {
        $nextHop = $route.properties.nextHopIpAddress
    }
}
if ($nextHop -ne {{ m.network.existing_hub.firewall_private_ip }}) {
    throw ('The route table of ' + {{ es.training_subnet_id }} + ' must send 0.0.0.0/0 to the hub firewall ' + {{ m.network.existing_hub.firewall_private_ip }})
}

{% endif %}
# --- Resource group -------------------------------------------------------------------------
{% include "cli/parts/resource_group.ps1" %}
{% for s in m.powershell.runbook_steps %}

# --- {{ s.title|comment }}
{% if s.note %}
# {{ s.note|comment }}
{% endif %}
{% if s.reads_before %}
$resource = Get-AmlgenResource `
    -Path {{ s.path }} `
    -ApiVersion {{ s.api_version }}
if (-not $resource) {
    throw ('Not found: ' + (Resolve-AmlgenText -Text {{ s.path }}) + ' (its workspace was not created; see the step above)')
}
{% for r in s.reads_before %}
$Values[{{ r.token }}] = $resource{% for p in r.property %}{% if p is number %}[{{ p }}]{% else %}.{{ p|ident }}{% endif %}{% endfor %}

{% endfor %}
{% endif %}
{% if s.name_guid %}
$Values[{{ s.name_guid.token }}] = New-AmlgenGuid -Parts {% for p in s.name_guid.parts %}{{ p }}{% if not loop.last %}, {% endif %}{% endfor %}

{% endif %}
{% if s.retry %}
# Azure checks new role assignments as it creates this: a refusal is tried again, six times a
# minute apart.
for ($attempt = 1; ; $attempt++) {
    try {
{% if s.reads_after %}        $resource = {% else %}        $null = {% endif %}Set-AmlgenResource `
            -Path {{ s.path }} `
            -ApiVersion {{ s.api_version }} `
{% if s.update %}
            -Update `
{% endif %}
            -Body {{ s.body }}
        break
    } catch {
        if ($attempt -ge 6) {
            throw
        }
        Write-Warning ('Attempt ' + $attempt + ' of 6 failed (' + $_.Exception.Message + '); ' + {{ s.retry }} + ': trying again in 60 s.')
        Start-Sleep -Seconds 60
    }
}
{% else %}
{% if s.reads_after %}$resource = {% else %}$null = {% endif %}Set-AmlgenResource `
    -Path {{ s.path }} `
    -ApiVersion {{ s.api_version }} `
{% if s.update %}
    -Update `
{% endif %}
    -Body {{ s.body }}
{% endif %}
{% for r in s.reads_after %}
$Values[{{ r.token }}] = $resource{% for p in r.property %}{% if p is number %}[{{ p }}]{% else %}.{{ p|ident }}{% endif %}{% endfor %}

{% endfor %}
{% endfor %}

Write-Host ('Done: workspace ' + {{ m.workspace.name }} + ' in resource group ' + $ResourceGroup + '.')
