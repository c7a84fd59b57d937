{# Strict mode, the signed-in context and, when the blueprint names one, the subscription guard:
   the start of every script that changes Azure. #}
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$context = Get-AzContext
if (-not $context) {
    throw 'Not signed in to Azure; first run: Connect-AzAccount'
}
{% if m.subscription_id %}
# The blueprint names subscription {{ m.subscription_id|comment }}: nothing is created in another one.
if ($context.Subscription.Id -ne {{ m.subscription_id }}) {
    throw {{ "Signed in to another subscription; first run: Set-AzContext -Subscription " ~ m.subscription_id }}
}
{% endif %}
