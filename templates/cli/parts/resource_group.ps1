{# The resource group with the blueprint's tags; -Force updates an existing one. #}
$null = New-AzResourceGroup `
    -Name $ResourceGroup `
    -Location $Location `
{% if m.tags %}
    -Tag @{
{% for k, v in m.tags|items %}
        {{ k }} = {{ v }}
{% endfor %}
    } `
{% endif %}
    -Force
